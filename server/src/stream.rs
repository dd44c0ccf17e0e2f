//! `GET /changes/stream` (decision 0051): server-sent events, first the
//! backlog after the desktop's position, then live. "Live" across instances:
//! every append NOTIFYs; one LISTEN connection per instance wakes every
//! subscriber, which then re-reads PostgreSQL after its own cursor — a missed
//! or merged notification can delay a change, never skip it.
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use tokio::sync::broadcast;

use crate::error::ServerError;
use crate::http::{actor_for_token, bearer_token, change_json, changes_after, AppState};
use crate::log::{self, Change};

/// Wakes the subscribers of this instance: a seq was appended somewhere.
#[derive(Clone)]
pub struct Notifier(broadcast::Sender<i64>);

impl Notifier {
    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.0.subscribe()
    }
}

/// Listens on its own connection for as long as the process runs,
/// reconnecting after PostgreSQL restarts.
pub fn listen(database_url: String) -> (Notifier, tokio::task::JoinHandle<()>) {
    let (tx, _) = broadcast::channel(1024);
    let notifier = Notifier(tx.clone());
    let task = tokio::spawn(async move {
        loop {
            if let Err(e) = listen_once(&database_url, &tx).await {
                tracing::warn!(error = %e, "change notifications interrupted; reconnecting");
            }
            // Whatever was appended meanwhile: subscribers re-read.
            let _ = tx.send(0);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    (notifier, task)
}

async fn listen_once(url: &str, tx: &broadcast::Sender<i64>) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    let (messages_tx, mut messages) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut incoming = stream::poll_fn(move |cx| connection.poll_message(cx));
        use futures_util::StreamExt;
        while let Some(message) = incoming.next().await {
            match message {
                Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                    let _ = messages_tx.send(n.payload().parse::<i64>().unwrap_or(0));
                }
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    });
    client
        .batch_execute(&format!("LISTEN {}", log::CHANNEL))
        .await?;
    let _ = tx.send(0);
    while let Some(seq) = messages.recv().await {
        let _ = tx.send(seq);
    }
    drop(client);
    driver.await.unwrap_or(Ok(()))
}

#[derive(Deserialize)]
pub struct StreamQuery {
    #[serde(default)]
    after: i64,
}

struct Cursor {
    state: AppState,
    token: String,
    checked: tokio::time::Instant,
    stopping: tokio::sync::watch::Receiver<bool>,
    after: i64,
    pending: VecDeque<Change>,
    wake: broadcast::Receiver<i64>,
    done: bool,
}

/// How long a subscriber waits for a notification before re-reading anyway.
const REREAD: Duration = Duration::from_secs(5);
/// How often an open stream checks its token and its person again.
const RECHECK: Duration = Duration::from_secs(60);

pub async fn changes(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<StreamQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ServerError> {
    let token = bearer_token(&headers).ok_or(ServerError::Unauthenticated)?;
    actor_for_token(&state, &token).await?;
    let cursor = Cursor {
        token,
        checked: tokio::time::Instant::now(),
        wake: state.notifier.subscribe(),
        stopping: state.stopping.clone(),
        state,
        after: query.after,
        pending: VecDeque::new(),
        done: false,
    };
    let events = stream::unfold(cursor, |mut cursor| async move {
        loop {
            if let Some(change) = cursor.pending.pop_front() {
                let event = Event::default()
                    .event("change")
                    .data(change_json(&change).to_string());
                return Some((Ok(event), cursor));
            }
            if cursor.done || *cursor.stopping.borrow() {
                return None;
            }
            // A stream outlives its request's check: a person signed out,
            // blocked or removed meanwhile stops receiving within a minute.
            if cursor.checked.elapsed() >= RECHECK {
                match actor_for_token(&cursor.state, &cursor.token).await {
                    Ok(_) => cursor.checked = tokio::time::Instant::now(),
                    Err(ServerError::Unauthenticated) => return None,
                    Err(_) => {} // PostgreSQL away: the reads below wait for it
                }
            }
            match changes_after(&cursor.state, cursor.after, log::MAX_READ).await {
                Ok((changes, _)) if !changes.is_empty() => {
                    if changes[0].seq != cursor.after + 1 {
                        cursor.done = true;
                        return Some((Ok(snapshot_required(cursor.after)), cursor));
                    }
                    cursor.after = changes.last().map_or(cursor.after, |c| c.seq);
                    cursor.pending.extend(changes);
                }
                Ok(_) => {
                    // Ends with the server: a graceful shutdown waits for
                    // every response, and a stream's never ends by itself.
                    tokio::select! {
                        _ = tokio::time::timeout(REREAD, cursor.wake.recv()) => {}
                        _ = cursor.stopping.wait_for(|stopping| *stopping) => return None,
                    }
                }
                Err(ServerError::SnapshotRequired(_)) => {
                    cursor.done = true;
                    return Some((Ok(snapshot_required(cursor.after)), cursor));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "a change stream waits for PostgreSQL");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

fn snapshot_required(after: i64) -> Event {
    Event::default()
        .event("snapshot_required")
        .data(serde_json::json!({ "after": after, "snapshot_required": true }).to_string())
}
