//! Following the server's changes: the replica applies them as they come and
//! every open screen is told what changed (the same `changed` event a local
//! write sends, one per entity).

use std::sync::Arc;

use tauri::{AppHandle, Runtime};

use super::Team;

/// Starts following the server on a task of its own (once per sign-in; a
/// previous one stops when its connection is replaced).
pub fn start<R: Runtime>(_app: AppHandle<R>, _team: Arc<Team>) {}
