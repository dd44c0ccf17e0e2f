//! The ordered change log in PostgreSQL: one row per write transaction of a
//! command executed on a server instance, numbered 1, 2, 3 … with no holes,
//! across every instance. Internal: only the executor appends (decision 0051);
//! no HTTP route takes a changeset from outside.
use tokio_postgres::{Client, GenericClient};
use uuid::Uuid;

use crate::error::ServerError;

/// Held for the rest of each append's transaction, as in decision 0048: even
/// though appends run under the command lock, this keeps the numbering safe
/// should anything else ever append.
const APPEND_LOCK: i64 = 0x5044_4c4f_4721; // "PDLOG!"

/// The channel every append notifies, with its seq as the payload.
pub const CHANNEL: &str = "partnerdesk_changes";

/// Most rows one catch-up read returns.
pub const MAX_READ: i64 = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChange {
    pub command_id: Uuid,
    /// Which of the command's write transactions this is (0, 1, …).
    pub part: i32,
    pub actor: String,
    pub schema_version: i32,
    pub changeset: Vec<u8>,
    pub private_changeset: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub command_id: Uuid,
    pub actor: String,
    pub at: time::OffsetDateTime,
    pub schema_version: i32,
    pub changeset: Vec<u8>,
    /// Empty unless read for an instance's copy.
    pub private_changeset: Vec<u8>,
}

/// Appends `change` as number `expected_head + 1` and commits: that commit is
/// the acknowledgement. Refused when the log's head is not `expected_head`
/// (the copy that executed the command is stale: another writer got in).
pub async fn append(
    client: &mut Client,
    expected_head: i64,
    change: &NewChange,
) -> Result<i64, ServerError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&APPEND_LOCK])
        .await?;
    let head = head_of(&tx).await?;
    if head != expected_head {
        return Err(ServerError::Stale {
            local: expected_head,
            head,
        });
    }
    let seq = head + 1;
    tx.execute(
        "INSERT INTO changes (seq, command_id, part, actor, schema_version, changeset, private_changeset)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &seq,
            &change.command_id,
            &change.part,
            &change.actor,
            &change.schema_version,
            &change.changeset,
            &change.private_changeset,
        ],
    )
    .await?;
    tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &seq.to_string()])
        .await?;
    tx.commit().await?;
    Ok(seq)
}

/// The changes after `seq`, in order, at most `limit` (capped at
/// [`MAX_READ`]); the private changesets only when `private`.
pub async fn read_after(
    client: &impl GenericClient,
    seq: i64,
    limit: i64,
    private: bool,
) -> Result<Vec<Change>, ServerError> {
    let rows = client
        .query(
            "SELECT seq, command_id, actor, at, schema_version, changeset,
                    CASE WHEN $3 THEN private_changeset ELSE '\\x'::bytea END
             FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&seq, &limit.clamp(0, MAX_READ), &private],
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
            private_changeset: row.get(6),
        })
        .collect())
}

/// The newest sequence number, 0 for an empty log (pruning never lowers it).
pub async fn head_of(client: &impl GenericClient) -> Result<i64, ServerError> {
    Ok(client
        .query_one(
            "SELECT greatest(coalesce(max(seq), 0),
                             (SELECT pruned_through FROM log_retention WHERE id = 1))
             FROM changes",
            &[],
        )
        .await?
        .get(0))
}

/// The last change pruned: changes up to it are gone, so a copy at a position
/// below it needs a snapshot.
pub async fn pruned_through(client: &impl GenericClient) -> Result<i64, ServerError> {
    Ok(client
        .query_one("SELECT pruned_through FROM log_retention WHERE id = 1", &[])
        .await?
        .get(0))
}

/// The last change a command wrote, when it wrote any.
pub async fn last_of_command(
    client: &impl GenericClient,
    command_id: Uuid,
) -> Result<Option<i64>, ServerError> {
    Ok(client
        .query_one(
            "SELECT max(seq) FROM changes WHERE command_id = $1",
            &[&command_id],
        )
        .await?
        .get(0))
}
