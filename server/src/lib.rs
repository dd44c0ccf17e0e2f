//! Partnerdesk team server (preview, decision 0048): the ordered change log in
//! PostgreSQL that every server instance appends to and replicas catch up from.
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod log;

use std::future::Future;

use tokio::net::TcpListener;

pub use config::Config;
pub use error::ServerError;

/// Migrates, then serves on `listener` until `shutdown` resolves; requests in
/// flight finish first.
pub async fn serve(
    config: &Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let pool = db::pool(&config.database_url, config.pool_size)?;
    let version = db::migrate(&pool).await?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::Config(e.to_string()))?;
    tracing::info!(%addr, server_migration = version, "listening");
    axum::serve(listener, http::router(http::AppState { pool }))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| ServerError::Config(format!("serving stopped: {e}")))
}
