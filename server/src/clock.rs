//! The clock-driven rules on the server (decision 0051): exactly one instance
//! runs them, the one holding the clock lock on a connection of its own; the
//! others try again every 30 s, so another takes over when it stops. Each
//! rule's writes are a command like any other (the command lock, the copy
//! caught up, the gate), logged with the actor "clock".
use std::sync::Arc;
use std::time::Duration;

use partnerdesk_core::hourly;

use crate::execute;
use crate::instance::Instance;

const CLOCK_LOCK: i64 = 0x5044_434c_4b21; // "PDCLK!"
/// How often an instance that does not run the clock tries to take it over.
pub const RETRY: Duration = Duration::from_secs(30);
const MINUTE: Duration = Duration::from_secs(60);

/// Competes for the clock until the returned task is aborted (which closes
/// the lock's connection, so another instance takes over).
pub fn spawn(
    instance: Arc<Instance>,
    database_url: String,
    retry: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = lead(&instance, &database_url).await {
                tracing::warn!(error = %e, "the clock lock was lost or not reachable");
            }
            tokio::time::sleep(retry).await;
        }
    })
}

/// Returns when another instance holds the lock (after trying once) or the
/// lock's connection broke; runs the rules for as long as it holds it.
async fn lead(instance: &Arc<Instance>, url: &str) -> Result<(), tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    // Aborted with this future (the task's abort drops it): the session, and
    // the lock with it, end at once.
    let mut connection = AbortOnDrop(tokio::spawn(connection));
    let held: bool = client
        .query_one("SELECT pg_try_advisory_lock($1)", &[&CLOCK_LOCK])
        .await?
        .get(0);
    if !held {
        return Ok(());
    }
    tracing::info!("this instance runs the clock-driven rules");
    let mut turn: u64 = 0;
    loop {
        // Every rule at the first turn and hourly; the minute rules in between.
        let rules = if turn % 60 == 0 {
            hourly::RULES
        } else {
            hourly::MINUTE_RULES
        };
        let running = instance.clone();
        let ran = tokio::task::spawn_blocking(move || {
            execute::write(&running, "clock", |store| {
                Ok(hourly::run(store, execute::clock(), rules))
            })
        })
        .await;
        match ran {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "the clock's turn failed"),
            Err(e) => tracing::error!(error = %e, "the clock's turn panicked"),
        }
        turn += 1;
        tokio::select! {
            _ = tokio::time::sleep(MINUTE) => {}
            // The lock's session ended: another instance may lead now.
            _ = &mut connection.0 => return Ok(()),
        }
    }
}

struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
