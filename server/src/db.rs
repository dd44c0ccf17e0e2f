//! The PostgreSQL pool and the server's own migrations.
use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime, Timeouts};
use tokio_postgres::NoTls;

use crate::error::ServerError;

/// Held for the whole migration transaction, so instances starting together
/// migrate one after another, and the second finds nothing left to do.
const MIGRATION_LOCK: i64 = 0x5044_4d49_4752; // "PDMIGR"

/// Applied in order, each once; a released version is never edited, only followed.
const MIGRATIONS: &[&str] = &[
    // 1: the ordered change log (decision 0048).
    "CREATE TABLE changes (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        command_id uuid NOT NULL UNIQUE,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        schema_version int NOT NULL,
        changeset bytea NOT NULL
    )",
    // 2: execution on the server (decision 0051): a command may write several
    // transactions (its refusal's audit entry is one of its own), the private
    // changeset instance copies keep, each command's outcome for retries,
    // sign-in tokens, stored snapshots, and how much of the log was pruned.
    "ALTER TABLE changes DROP CONSTRAINT changes_command_id_key;
     ALTER TABLE changes ADD COLUMN part int NOT NULL DEFAULT 0;
     ALTER TABLE changes ADD COLUMN private_changeset bytea NOT NULL DEFAULT '\\x';
     ALTER TABLE changes ADD CONSTRAINT changes_command_part UNIQUE (command_id, part);
     CREATE TABLE command_outcomes (
        command_id uuid PRIMARY KEY,
        request_hash bytea NOT NULL,
        status smallint NOT NULL,
        -- text, not jsonb: jsonb would reorder the value's keys
        body text NOT NULL,
        seq bigint,
        at timestamptz NOT NULL DEFAULT now()
     );
     CREATE TABLE sessions (
        token_hash bytea PRIMARY KEY,
        staff_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
     );
     CREATE INDEX sessions_staff ON sessions (staff_id);
     CREATE TABLE snapshots (
        position bigint PRIMARY KEY,
        schema_version int NOT NULL,
        bytes bigint NOT NULL,
        audit_head bytea NOT NULL,
        complete boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
     );
     CREATE TABLE snapshot_chunks (
        position bigint NOT NULL REFERENCES snapshots ON DELETE CASCADE,
        index int NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (position, index)
     );
     CREATE TABLE log_retention (
        id int PRIMARY KEY CHECK (id = 1),
        pruned_through bigint NOT NULL DEFAULT 0
     );
     INSERT INTO log_retention (id) VALUES (1);",
];

/// The newest migration this build applies.
pub fn latest_server_migration() -> i32 {
    MIGRATIONS.len() as i32
}

pub fn pool(database_url: &str, size: usize) -> Result<Pool, ServerError> {
    let pg = tokio_postgres::Config::from_str(database_url)
        .map_err(|e| ServerError::Config(format!("--database-url does not parse: {e}")))?;
    // Verified runs a trivial query before handing out a connection, so one
    // broken by a PostgreSQL restart is replaced instead of failing a request.
    let manager = Manager::from_config(
        pg,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Verified,
        },
    );
    let bound = Some(Duration::from_secs(3));
    Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .timeouts(Timeouts {
            wait: bound,
            create: bound,
            recycle: bound,
        })
        .build()
        .map_err(|e| ServerError::Config(format!("the database pool cannot be built: {e}")))
}

/// Brings the server tables to this build's version; returns the version.
pub async fn migrate(pool: &Pool) -> Result<i32, ServerError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS server_migrations (
            version int PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )",
    )
    .await?;
    let current: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM server_migrations",
            &[],
        )
        .await?
        .get(0);
    if current > latest_server_migration() {
        return Err(ServerError::Config(format!(
            "the database is at server migration {current}, newer than this build's {}: \
             update partnerdesk-server",
            latest_server_migration()
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = index as i32 + 1;
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO server_migrations (version) VALUES ($1)",
            &[&version],
        )
        .await?;
        tracing::info!(version, "applied server migration");
    }
    tx.commit().await?;
    Ok(latest_server_migration())
}
