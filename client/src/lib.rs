//! The desktop's side of the team protocol (docs/decisions/0051-team-protocol.md):
//! a [`Connection`] to a team server (health and version check, sign-in,
//! commands with retries), and a [`Replica`] that follows the server's log
//! into a local SQLite file the desktop reads from and never writes to.
mod connection;
mod error;
mod replica;
mod sse;

pub use connection::{http_client, Compatibility, Connection, Executed, Health, SignedIn};
pub use error::{ClientError, RemoteError};
pub use replica::{Replica, ReplicaChange, SyncState};
