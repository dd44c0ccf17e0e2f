//! The ordered change log in PostgreSQL: one row per acknowledged command,
//! numbered 1, 2, 3 … with no holes, across every server instance.
use deadpool_postgres::Pool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::ServerError;

/// Taken for the rest of each append's transaction: appends from every
/// instance then assign and commit sequence numbers one at a time, in order.
const APPEND_LOCK: i64 = 0x5044_4c4f_4721; // "PDLOG!"

/// Most rows one catch-up read returns.
pub const MAX_READ: i64 = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChange {
    pub command_id: Uuid,
    pub actor: String,
    pub schema_version: i32,
    pub changeset: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub command_id: Uuid,
    pub actor: String,
    pub at: OffsetDateTime,
    pub schema_version: i32,
    pub changeset: Vec<u8>,
}

/// Where an append landed: `retried` when the command id was already logged
/// and the original sequence number is returned instead of a second row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub seq: i64,
    pub retried: bool,
}

/// Logs one command's changeset. Returns once PostgreSQL has committed it:
/// that commit is the acknowledgement.
pub async fn append(pool: &Pool, change: &NewChange) -> Result<Appended, ServerError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    // Why a lock and max+1 rather than a sequence: a sequence hands out numbers
    // outside transactions, so a rolled-back append leaves a hole and a later
    // number can commit before an earlier one — a replica reading "after 4"
    // would see 6 and skip 5 forever. Under this lock the next append starts
    // only after the previous one is committed and visible.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&APPEND_LOCK])
        .await?;
    if let Some(row) = tx
        .query_opt(
            "SELECT seq, actor, schema_version, changeset FROM changes WHERE command_id = $1",
            &[&change.command_id],
        )
        .await?
    {
        let logged = (
            row.get::<_, String>(1),
            row.get::<_, i32>(2),
            row.get::<_, Vec<u8>>(3),
        );
        if logged
            != (
                change.actor.clone(),
                change.schema_version,
                change.changeset.clone(),
            )
        {
            return Err(ServerError::Conflict(format!(
                "command {} is already logged (sequence {}) with other content: \
                 a retry must send the same actor, schema version and changeset",
                change.command_id,
                row.get::<_, i64>(0)
            )));
        }
        return Ok(Appended {
            seq: row.get(0),
            retried: true,
        });
    }
    let seq: i64 = tx
        .query_one(
            "INSERT INTO changes (seq, command_id, actor, schema_version, changeset)
             SELECT coalesce(max(seq), 0) + 1, $1, $2, $3, $4 FROM changes
             RETURNING seq",
            &[
                &change.command_id,
                &change.actor,
                &change.schema_version,
                &change.changeset,
            ],
        )
        .await?
        .get(0);
    tx.commit().await?;
    Ok(Appended {
        seq,
        retried: false,
    })
}

/// The changes after `seq`, in order, at most `limit` (capped at [`MAX_READ`]).
pub async fn read_after(pool: &Pool, seq: i64, limit: i64) -> Result<Vec<Change>, ServerError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT seq, command_id, actor, at, schema_version, changeset
             FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&seq, &limit.clamp(0, MAX_READ)],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| Change {
            seq: row.get(0),
            command_id: row.get(1),
            actor: row.get(2),
            at: row.get(3),
            schema_version: row.get(4),
            changeset: row.get(5),
        })
        .collect())
}

/// The newest sequence number, 0 for an empty log.
pub async fn head(pool: &Pool) -> Result<i64, ServerError> {
    let client = pool.get().await?;
    Ok(client
        .query_one("SELECT coalesce(max(seq), 0) FROM changes", &[])
        .await?
        .get(0))
}
