//! HTTP routes (decision 0051): thin — authenticate, parse, run the core on a
//! blocking thread, map the answer. No route takes a changeset from outside:
//! every change in the log was made by the core on a server instance.
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use futures_util::StreamExt;
use partnerdesk_core::auth::actor::Actor;
use partnerdesk_core::error::Error;
use partnerdesk_core::setup::SetupInput;
use partnerdesk_core::store::Scope;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::ServerError;
use crate::execute::{self, Reply};
use crate::instance::{Instance, Ran};
use crate::log::{self, Change};
use crate::sessions;
use crate::stream::{self, Notifier};

#[derive(Clone)]
pub struct AppState {
    pub instance: Arc<Instance>,
    pub notifier: Notifier,
    pub after_write: tokio::sync::mpsc::UnboundedSender<()>,
    /// True once the server is shutting down: change streams end.
    pub stopping: tokio::sync::watch::Receiver<bool>,
    /// What `POST /setup` must carry (see `setup_code`).
    pub setup_code: Arc<str>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/setup", post(set_up))
        .route("/sessions", post(sign_in).delete(sign_out))
        .route("/commands", post(command))
        .route("/changes", get(read_changes))
        .route("/changes/stream", get(stream::changes))
        .route("/snapshot", get(snapshot))
        .with_state(state)
}

/// Runs `work` on a blocking thread (the core and the gate are synchronous).
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ServerError> + Send + 'static,
) -> Result<T, ServerError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ServerError::Config(format!("a request's work stopped: {e}")))?
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            self.body,
        )
            .into_response()
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The signed-in staff member: a live token, and the person still active on
/// the caught-up copy (a blocked or removed person is refused at once).
pub async fn authenticated(state: &AppState, headers: &HeaderMap) -> Result<Actor, ServerError> {
    let token = bearer(headers).ok_or(ServerError::Unauthenticated)?;
    actor_for_token(state, token).await
}

pub fn bearer_token(headers: &HeaderMap) -> Option<String> {
    bearer(headers).map(str::to_owned)
}

pub async fn actor_for_token(state: &AppState, token: &str) -> Result<Actor, ServerError> {
    let staff_id = sessions::resolve(&state.instance.pool, token)
        .await?
        .ok_or(ServerError::Unauthenticated)?;
    let instance = state.instance.clone();
    blocking(move || {
        instance.with_copy(|copy| {
            copy.read(|c| partnerdesk_core::auth::actor::load_active(c, &staff_id))
                .map_err(ServerError::from)
        })
    })
    .await?
    .ok_or(ServerError::Unauthenticated)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    postgres: &'static str,
    head: Option<i64>,
    core_schema_version: usize,
    server_version: &'static str,
    /// Whether the workspace is set up (has staff); null when unknown.
    workspace: Option<bool>,
    error: Option<String>,
}

async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let head = match state.instance.pool.get().await {
        Ok(client) => log::head_of(&**client).await,
        Err(e) => Err(e.into()),
    };
    let workspace = if head.is_ok() {
        let instance = state.instance.clone();
        blocking(move || {
            instance.with_copy(|copy| {
                partnerdesk_core::setup::is_set_up(copy).map_err(ServerError::from)
            })
        })
        .await
        .ok()
    } else {
        None
    };
    let ok = head.is_ok();
    let health = Health {
        status: if ok { "ok" } else { "degraded" },
        postgres: if ok { "reachable" } else { "unreachable" },
        core_schema_version: partnerdesk_core::store::latest_version(),
        server_version: env!("CARGO_PKG_VERSION"),
        workspace,
        error: head.as_ref().err().map(ToString::to_string),
        head: head.ok(),
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(health))
}

/// The answer to a sign-in or set-up: a new token, or the core's refusal.
async fn session_reply(
    state: &AppState,
    ran: Ran<partnerdesk_core::auth::SessionInfo>,
) -> Result<Response, ServerError> {
    let _ = state.after_write.send(());
    match ran.result {
        Ok(info) => {
            let (token, expires_at) = sessions::start(&state.instance.pool, &info.staff.id).await?;
            let expires_at = expires_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            Ok((
                StatusCode::CREATED,
                Json(json!({
                    "token": token,
                    "expires_at": expires_at,
                    "session": info,
                    "seq": ran.last_seq.unwrap_or(ran.head),
                })),
            )
                .into_response())
        }
        Err(error) => Ok(execute::refusal_reply(&error, ran.last_seq).into_response()),
    }
}

#[derive(Deserialize)]
struct SignIn {
    email: String,
    password: String,
}

async fn sign_in(
    State(state): State<AppState>,
    Json(body): Json<SignIn>,
) -> Result<Response, ServerError> {
    let instance = state.instance.clone();
    let ran = blocking(move || execute::sign_in(&instance, &body.email, &body.password)).await?;
    session_reply(&state, ran).await
}

#[derive(Deserialize)]
struct SetupBody {
    /// The code the server printed at start (only its admin sees it).
    #[serde(default)]
    setup_code: String,
    #[serde(flatten)]
    input: SetupInput,
}

async fn set_up(
    State(state): State<AppState>,
    Json(SetupBody { setup_code, input }): Json<SetupBody>,
) -> Result<Response, ServerError> {
    if !crate::setup_code::matches(&state.setup_code, &setup_code) {
        return Err(ServerError::Core(Error::forbidden(
            "setup_code",
            partnerdesk_core::text!(
                "The set-up code is not the one this server printed when it started. Ask the server's admin for it (it is in the server's output and log).",
                "Kod konfiguracji nie jest tym, który ten serwer wypisał przy starcie. Poproś o niego administratora serwera (jest w wyjściu i dzienniku serwera)."
            ),
        )));
    }
    let instance = state.instance.clone();
    let ran = blocking(move || execute::set_up(&instance, &input)).await?;
    session_reply(&state, ran).await
}

async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<StatusCode, ServerError> {
    let actor = authenticated(&state, &headers).await?;
    let token = bearer(&headers)
        .ok_or(ServerError::Unauthenticated)?
        .to_owned();
    let instance = state.instance.clone();
    let ran = blocking(move || execute::sign_out(&instance, &actor.id)).await?;
    ran.result?;
    sessions::end(&state.instance.pool, &token).await?;
    let _ = state.after_write.send(());
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct CommandBody {
    command_id: Uuid,
    command: Value,
}

async fn command(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<CommandBody>,
) -> Result<Reply, ServerError> {
    let actor = authenticated(&state, &headers).await?;
    let instance = state.instance.clone();
    let reply =
        blocking(move || execute::command(&instance, &actor.id, body.command_id, body.command))
            .await?;
    let _ = state.after_write.send(());
    Ok(reply)
}

#[derive(Deserialize)]
struct ReadQuery {
    #[serde(default)]
    after: i64,
    limit: Option<i64>,
}

/// A change as desktops receive it: the shared changeset only.
pub fn change_json(change: &Change) -> Value {
    json!({
        "seq": change.seq,
        "command_id": change.command_id,
        "actor": change.actor,
        "at": change.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "schema_version": change.schema_version,
        "changeset": BASE64.encode(&change.changeset),
    })
}

/// The changes after `after`, refused with `SnapshotRequired` when the next
/// one is no longer kept.
pub async fn changes_after(
    state: &AppState,
    after: i64,
    limit: i64,
) -> Result<(Vec<Change>, i64), ServerError> {
    let client = state.instance.pool.get().await?;
    let pruned = log::pruned_through(&**client).await?;
    if after < pruned {
        return Err(ServerError::SnapshotRequired(after + 1));
    }
    let changes = log::read_after(&**client, after, limit, false).await?;
    let head = log::head_of(&**client).await?;
    Ok((changes, head))
}

async fn read_changes(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ReadQuery>,
) -> Result<Json<Value>, ServerError> {
    authenticated(&state, &headers).await?;
    let (changes, head) =
        changes_after(&state, query.after, query.limit.unwrap_or(log::MAX_READ)).await?;
    let changes: Vec<Value> = changes.iter().map(change_json).collect();
    Ok(Json(json!({ "changes": changes, "head": head })))
}

/// A desktop's copy (no password verifier) of the caught-up working copy,
/// with its audit head file's bytes in a header so it opens in step. The
/// file is streamed from a temporary directory that lives as long as the body.
async fn snapshot(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ServerError> {
    authenticated(&state, &headers).await?;
    let instance = state.instance.clone();
    let io = |e: std::io::Error| ServerError::Config(format!("the snapshot's file: {e}"));
    let (dir, file, taken, audit_head) = blocking(move || {
        let dir = tempfile::tempdir().map_err(io)?;
        let file = dir.path().join("desktop.sqlite3");
        let taken = instance.with_copy(|copy| Ok(copy.snapshot_into(&file, Scope::Desktop)?))?;
        let audit_head =
            std::fs::read(partnerdesk_core::audit::head::head_file_path(&file)).map_err(io)?;
        Ok((dir, file, taken, audit_head))
    })
    .await?;
    let opened = tokio::fs::File::open(&file).await.map_err(io)?;
    let chunks = tokio_util::io::ReaderStream::new(opened).map(move |chunk| {
        let _kept_until_sent = &dir;
        chunk
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CONTENT_LENGTH, taken.bytes)
        .header("Partnerdesk-Position", taken.position.to_string())
        .header(
            "Partnerdesk-Schema-Version",
            taken.schema_version.to_string(),
        )
        .header("Partnerdesk-Audit-Head", BASE64.encode(audit_head))
        .body(Body::from_stream(chunks))
        .map_err(|e| ServerError::Config(e.to_string()))
}
