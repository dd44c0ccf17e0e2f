//! Partnerdesk team server (preview, decision 0048): the ordered change log in
//! PostgreSQL that every server instance appends to and replicas catch up from.
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod log;
pub mod tls;

use std::future::Future;

use tokio::net::TcpListener;

pub use config::Config;
pub use error::ServerError;
pub use partnerdesk_tls::ServerIdentity;

/// Migrates, then serves on `listener` until `shutdown` resolves; requests in
/// flight finish first. TLS as the config says (see [`serve_with`]).
pub async fn serve(
    config: &Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let identity = tls::identity(config).map_err(|e| ServerError::Config(e.to_string()))?;
    serve_with(config, listener, identity, shutdown).await
}

/// [`serve`] with the TLS identity already loaded (main loads it first, so a
/// bad certificate is refused before anything else starts); `None` = plain HTTP.
pub async fn serve_with(
    config: &Config,
    listener: TcpListener,
    identity: Option<ServerIdentity>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let pool = db::pool(&config.database_url, config.pool_size)?;
    let version = db::migrate(&pool).await?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::Config(e.to_string()))?;
    let scheme = if identity.is_some() { "https" } else { "http" };
    tracing::info!(%addr, scheme, server_migration = version, "listening");
    let app = http::router(http::AppState { pool });
    tls::serve(listener, identity.as_ref(), app, shutdown).await
}
