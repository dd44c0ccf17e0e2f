//! Where this desktop's writes are executed: the one seam between a command
//! built by the shell and the core that decides it
//! (docs/decisions/0049-commands-as-data.md). Standalone, it is this
//! machine's database; a connected desktop (team mode, issue #13) will send
//! the same [`Command`] to its team server instead, from here alone.

use std::sync::Arc;

use partnerdesk_core::auth::Sessions;
use partnerdesk_core::clock::Clock;
use partnerdesk_core::commands::{self, Command, Executed, Hooks};
use partnerdesk_core::Store;

/// What executes commands, taken once per command (a restore replaces the
/// store and the sessions, so it is never kept across commands).
pub enum Executor {
    /// This machine's database, as the staff member signed in here.
    Standalone {
        store: Arc<Store>,
        clock: Arc<dyn Clock>,
        sessions: Arc<Sessions>,
    },
}

impl Executor {
    /// Executes `command` as the signed-in staff member (refused when nobody
    /// is, or the session is locked). Blocking: call it off the async runtime.
    pub fn execute(
        &self,
        command: Command,
        hooks: Hooks<'_>,
    ) -> partnerdesk_core::Result<Executed> {
        match self {
            Executor::Standalone {
                store,
                clock,
                sessions,
            } => {
                let actor = sessions.actor(store, clock.as_ref())?;
                let hooks = Hooks {
                    sessions: Some(sessions),
                    ..hooks
                };
                commands::execute(store, clock.as_ref(), &actor, command, &hooks)
            }
        }
    }
}
