//! HTTP routes: thin — parse, call the log, map the error.
//!
//! NOT YET AUTHENTICATED: anyone who reaches the port can append and read.
//! Staff sign-in comes with the next steps (issue #13); until then the server
//! only listens on loopback (see `config::Config::check`).
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use deadpool_postgres::Pool;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::ServerError;
use crate::log::{self, NewChange};

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/changes", get(read_changes).post(append_change))
        .with_state(state)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    postgres: &'static str,
    /// The newest sequence number in the change log, when PostgreSQL answered.
    head: Option<i64>,
    core_schema_version: usize,
    server_version: &'static str,
    error: Option<String>,
}

async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let head = log::head(&state.pool).await;
    let status = if head.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let health = Health {
        status: if head.is_ok() { "ok" } else { "degraded" },
        postgres: if head.is_ok() {
            "reachable"
        } else {
            "unreachable"
        },
        core_schema_version: partnerdesk_core::store::latest_version(),
        server_version: env!("CARGO_PKG_VERSION"),
        error: head.as_ref().err().map(ToString::to_string),
        head: head.ok(),
    };
    (status, Json(health))
}

#[derive(Deserialize)]
struct AppendBody {
    command_id: Uuid,
    actor: String,
    schema_version: i32,
    /// The SQLite changeset, base64 (standard alphabet, padded).
    changeset: String,
}

#[derive(Serialize)]
struct AppendReply {
    seq: i64,
    retried: bool,
}

async fn append_change(
    State(state): State<AppState>,
    Json(body): Json<AppendBody>,
) -> Result<(StatusCode, Json<AppendReply>), ServerError> {
    let changeset = BASE64
        .decode(body.changeset.as_bytes())
        .map_err(|e| ServerError::BadRequest(format!("changeset is not base64: {e}")))?;
    let newest = partnerdesk_core::store::latest_version();
    if usize::try_from(body.schema_version).map_or(true, |v| v == 0 || v > newest) {
        return Err(ServerError::BadRequest(format!(
            "schema version {} is not one this server knows (1 to {newest}): update the server",
            body.schema_version
        )));
    }
    if body.actor.trim().is_empty() {
        return Err(ServerError::BadRequest("actor is empty".into()));
    }
    let change = NewChange {
        command_id: body.command_id,
        actor: body.actor,
        schema_version: body.schema_version,
        changeset,
    };
    let appended = log::append(&state.pool, &change).await?;
    tracing::info!(
        seq = appended.seq,
        command_id = %change.command_id,
        retried = appended.retried,
        "change logged"
    );
    let status = if appended.retried {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(AppendReply {
            seq: appended.seq,
            retried: appended.retried,
        }),
    ))
}

#[derive(Deserialize)]
struct ReadQuery {
    #[serde(default)]
    after: i64,
    limit: Option<i64>,
}

#[derive(Serialize)]
struct ChangeJson {
    seq: i64,
    command_id: Uuid,
    actor: String,
    /// RFC 3339, as PostgreSQL committed it.
    at: String,
    schema_version: i32,
    changeset: String,
}

#[derive(Serialize)]
struct ReadReply {
    changes: Vec<ChangeJson>,
}

async fn read_changes(
    State(state): State<AppState>,
    Query(query): Query<ReadQuery>,
) -> Result<Json<ReadReply>, ServerError> {
    let changes = log::read_after(
        &state.pool,
        query.after,
        query.limit.unwrap_or(log::MAX_READ),
    )
    .await?
    .into_iter()
    .map(|c| ChangeJson {
        seq: c.seq,
        command_id: c.command_id,
        actor: c.actor,
        at: c
            .at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        schema_version: c.schema_version,
        changeset: BASE64.encode(c.changeset),
    })
    .collect();
    Ok(Json(ReadReply { changes }))
}
