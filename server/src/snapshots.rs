//! Snapshots stored in PostgreSQL and the log's retention (decision 0051):
//! every `--snapshot-every` changes an instance stores a whole copy
//! (`Scope::Everything`) in chunks, and changes older than the newest
//! snapshot minus `--retain-changes` are pruned. A restarted instance starts
//! from the newest snapshot; a desktop further behind than the log reaches
//! gets `snapshot_required` and downloads `/snapshot`.
use std::path::Path;

use deadpool_postgres::Object;
use partnerdesk_core::store::{Scope, Store};

use crate::error::ServerError;
use crate::instance::{snapshot_of, Instance};

/// Each stored chunk's size: well below PostgreSQL's 1 GB field limit, and
/// small enough to read one at a time.
const CHUNK: usize = 1024 * 1024;

/// Writes the newest complete stored snapshot to `path` (with its audit head
/// file); its position, or `None` when none is stored.
pub async fn restore_latest(client: &Object, path: &Path) -> Result<Option<i64>, ServerError> {
    let Some(row) = client
        .query_opt(
            "SELECT position, audit_head FROM snapshots WHERE complete ORDER BY position DESC LIMIT 1",
            &[],
        )
        .await?
    else {
        return Ok(None);
    };
    let position: i64 = row.get(0);
    let head: Vec<u8> = row.get(1);
    let chunks = client
        .query(
            "SELECT data FROM snapshot_chunks WHERE position = $1 ORDER BY index",
            &[&position],
        )
        .await?;
    let mut bytes = Vec::new();
    for chunk in &chunks {
        bytes.extend_from_slice(chunk.get::<_, &[u8]>(0));
    }
    let io = |e: std::io::Error| ServerError::Config(format!("{}: {e}", path.display()));
    std::fs::write(path, &bytes).map_err(io)?;
    std::fs::write(partnerdesk_core::audit::head::head_file_path(path), head).map_err(io)?;
    Ok(Some(position))
}

/// The policy, from the flags.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub snapshot_every: i64,
    pub retain_changes: i64,
}

/// Stores a snapshot when `snapshot_every` changes were logged since the
/// newest one, then prunes what the newest snapshot makes unnecessary.
/// Returns the position stored, if any. Call on a blocking thread.
pub fn maybe_store(instance: &Instance, policy: Retention) -> Result<Option<i64>, ServerError> {
    let rt = instance.runtime().clone();
    let client = rt.block_on(instance.pool.get())?;
    let newest: i64 = rt
        .block_on(client.query_one(
            "SELECT coalesce(max(position), 0) FROM snapshots WHERE complete",
            &[],
        ))?
        .get(0);
    let head = rt.block_on(crate::log::head_of(&**client))?;
    if head - newest < policy.snapshot_every.max(1) {
        return Ok(None);
    }
    let dir = tempfile::tempdir().map_err(|e| ServerError::Config(e.to_string()))?;
    let file = dir.path().join("snapshot.sqlite3");
    let (position, bytes, audit_head) =
        instance.with_copy(|copy: &Store| snapshot_of(copy, Scope::Everything, &file))?;
    rt.block_on(store(&**client, position, &bytes, &audit_head))?;
    rt.block_on(prune(&client, policy))?;
    tracing::info!(position, bytes = bytes.len(), "snapshot stored");
    Ok(Some(position))
}

/// Stores a complete snapshot at `position` (nothing when one is there).
pub async fn store(
    client: &impl tokio_postgres::GenericClient,
    position: i64,
    bytes: &[u8],
    audit_head: &[u8],
) -> Result<(), ServerError> {
    let schema = partnerdesk_core::store::latest_version() as i32;
    let inserted = client
        .execute(
            "INSERT INTO snapshots (position, schema_version, bytes, audit_head)
             VALUES ($1, $2, $3, $4) ON CONFLICT (position) DO NOTHING",
            &[&position, &schema, &(bytes.len() as i64), &audit_head],
        )
        .await?;
    if inserted == 0 {
        return Ok(()); // another instance stored this position
    }
    for (index, chunk) in bytes.chunks(CHUNK).enumerate() {
        client
            .execute(
                "INSERT INTO snapshot_chunks (position, index, data) VALUES ($1, $2, $3)",
                &[&position, &(index as i32), &chunk],
            )
            .await?;
    }
    // Complete only once every chunk is in: a crash leaves an incomplete one nobody reads.
    client
        .execute(
            "UPDATE snapshots SET complete = true WHERE position = $1",
            &[&position],
        )
        .await?;
    Ok(())
}

/// Deletes the changes before the newest snapshot minus `retain_changes`,
/// and every snapshot older than the newest.
pub async fn prune(client: &Object, policy: Retention) -> Result<i64, ServerError> {
    let newest: i64 = client
        .query_one(
            "SELECT coalesce(max(position), 0) FROM snapshots WHERE complete",
            &[],
        )
        .await?
        .get(0);
    let through = newest - policy.retain_changes.max(0);
    if through <= 0 {
        return Ok(0);
    }
    client
        .execute(
            "UPDATE log_retention SET pruned_through = greatest(pruned_through, $1) WHERE id = 1",
            &[&through],
        )
        .await?;
    let pruned = client
        .execute("DELETE FROM changes WHERE seq <= $1", &[&through])
        .await?;
    client
        .execute("DELETE FROM snapshots WHERE position < $1", &[&newest])
        .await?;
    Ok(pruned as i64)
}
