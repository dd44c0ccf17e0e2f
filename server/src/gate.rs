//! The commit gate of an instance's working copy (decision 0051): a write
//! commits in SQLite only after PostgreSQL committed its change, and only
//! while a command is running. There is no other way into the log.
use std::sync::{Arc, Mutex};

use deadpool_postgres::Object;
use partnerdesk_core::error::{Error, Result};
use partnerdesk_core::store::{CapturedWrite, CommitGate};
use tokio::runtime::Handle;
use uuid::Uuid;

use crate::log::{self, NewChange};

/// The command the gate appends for now: its connection holds the command
/// lock for the whole command.
pub struct Running {
    pub client: Object,
    pub command_id: Uuid,
    pub actor: String,
    /// The next part number: a command may write several transactions.
    pub part: i32,
    /// The log's head as this copy knows it: the next append must follow it.
    pub head: i64,
    pub last_seq: Option<i64>,
    /// Set when an append failed: PostgreSQL may or may not have committed
    /// it, so the command's reply must be "try again", never the core's error.
    pub failed: Option<String>,
}

pub struct LogGate {
    running: Mutex<Option<Running>>,
    rt: Handle,
}

impl LogGate {
    pub fn new(rt: Handle) -> Arc<LogGate> {
        Arc::new(LogGate {
            running: Mutex::new(None),
            rt,
        })
    }

    pub fn begin(&self, running: Running) {
        *self.slot() = Some(running);
    }

    pub fn end(&self) -> Option<Running> {
        self.slot().take()
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Running>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl CommitGate for LogGate {
    fn before_commit(&self, write: &CapturedWrite) -> Result<Option<i64>> {
        let mut slot = self.slot();
        let Some(running) = slot.as_mut() else {
            return Err(Error::forbidden(
                "no_command",
                partnerdesk_core::text!(
                    "This server copy writes only while it executes a command: nothing else may change it.",
                    "Ta kopia serwera zapisuje tylko podczas wykonywania polecenia: nic innego nie może jej zmienić."
                ),
            ));
        };
        if let Some(failed) = &running.failed {
            return Err(Error::Internal(format!(
                "an earlier write of this command was not acknowledged: {failed}"
            )));
        }
        let change = NewChange {
            command_id: running.command_id,
            part: running.part,
            actor: running.actor.clone(),
            schema_version: write.schema_version as i32,
            changeset: write.changeset.clone(),
            private_changeset: write.private_changeset.clone(),
        };
        let head = running.head;
        let appended = self
            .rt
            .block_on(log::append(&mut running.client, head, &change));
        match appended {
            Ok(seq) => {
                running.head = seq;
                running.part += 1;
                running.last_seq = Some(seq);
                Ok(Some(seq))
            }
            Err(e) => {
                let why = e.to_string();
                running.failed = Some(why.clone());
                Err(Error::Internal(format!(
                    "the team's log did not acknowledge the change: {why}"
                )))
            }
        }
    }
}
