//! Reaching the server and following it: the client's replica applies the
//! server's changes as they come, and every open screen is told what changed
//! with the same `changed` event a local write sends (one per entity), so a
//! colleague's change appears on screens already open.

use std::sync::Arc;
use std::time::Duration;

use partnerdesk_client::{Replica, ReplicaChange};
use partnerdesk_core::change::{Change, Entity};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::broadcast::error::RecvError;

use super::{Linked, Sync, Team};
use crate::commands::{announce, team::tell_status};
use crate::state::AppState;

/// Every entity a screen shows: a replica replaced by a snapshot changed them all.
const EVERY_ENTITY: &[Entity] = &[
    Entity::Settings,
    Entity::Company,
    Entity::Staff,
    Entity::Session,
    Entity::Audit,
    Entity::Customer,
    Entity::Relationship,
    Entity::RoleTemplate,
    Entity::SecurityGroup,
    Entity::Catalog,
    Entity::Subscription,
    Entity::CustomerUser,
    Entity::ServiceRequest,
    Entity::TrialInvitation,
    Entity::PurchaseOffer,
    Entity::ProductKey,
    Entity::Notification,
];

/// The longest wait between two attempts to reach the server.
const MOST_BACK_OFF: Duration = Duration::from_secs(30);

/// Reaches the server (retrying with back-off while it cannot), opens the
/// replica, and follows it until this team is left; on its own task.
pub fn start<R: Runtime>(app: AppHandle<R>, team: Arc<Team>) {
    tauri::async_runtime::spawn(async move {
        let Some(linked) = reach(&app, &team).await else {
            return;
        };
        team.set_linked(Some(linked.clone()));
        tell_status(&app, &app.state::<AppState>());
        // The start-up screen waits for the replica: tell it to look again.
        announce(&app, &Change::of(Entity::Session));
        follow(&app, &team, &linked.replica).await;
    });
}

async fn reach<R: Runtime>(app: &AppHandle<R>, team: &Team) -> Option<Linked> {
    let mut wait = Duration::from_secs(1);
    let mut since: Option<String> = None;
    loop {
        if team.is_left() {
            return None;
        }
        let reached = super::link::connect(&team.file.server_url, team.file.fingerprint.as_deref())
            .await
            .and_then(|connection| {
                let replica = Replica::open(&connection, &team.replica_dir())?;
                Ok(Linked {
                    connection,
                    replica,
                })
            });
        match reached {
            Ok(linked) => return Some(linked),
            Err(error) => {
                tracing::info!(%error, server = %team.file.server_url, "the team server cannot be reached");
                let since = since.get_or_insert_with(now).clone();
                team.set_sync(Sync::Reconnecting { since });
                tell_status(app, &app.state::<AppState>());
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(MOST_BACK_OFF);
            }
        }
    }
}

async fn follow<R: Runtime>(app: &AppHandle<R>, team: &Team, replica: &Replica) {
    let mut state = replica.state();
    let mut changes = replica.changes();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            changed = state.changed() => {
                if changed.is_err() {
                    return;
                }
                let sync = Sync::of(&state.borrow_and_update());
                team.set_sync(sync);
                tell_status(app, &app.state::<AppState>());
            }
            received = changes.recv() => match received {
                Ok(change) => applied(app, team, &change),
                // Fell behind the broadcast: refresh every screen once.
                Err(RecvError::Lagged(_)) => applied(app, team, &ReplicaChange {
                    seq: replica.position(),
                    entities: Vec::new(),
                    replaced: true,
                }),
                Err(RecvError::Closed) => return,
            },
            _ = tick.tick() => {
                if team.is_left() {
                    return;
                }
            }
        }
    }
}

fn applied<R: Runtime>(app: &AppHandle<R>, team: &Team, change: &ReplicaChange) {
    let entities = if change.replaced {
        EVERY_ENTITY
    } else {
        change.entities.as_slice()
    };
    for entity in entities {
        announce(app, &Change::of(*entity));
    }
    team.applied_at(now());
    tell_status(app, &app.state::<AppState>());
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
