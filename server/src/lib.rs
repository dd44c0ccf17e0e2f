//! Partnerdesk team server (preview, decisions 0048 and 0051): the core
//! executes every staff command on the instance's working copy, and each
//! write is acknowledged only once the ordered change log in PostgreSQL
//! committed it; desktops follow the log.
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod execute;
pub mod gate;
pub mod http;
pub mod import;
pub mod instance;
pub mod log;
pub mod sessions;
pub mod setup_code;
pub mod snapshots;
pub mod stream;
pub mod tls;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

pub use config::Config;
pub use error::ServerError;
pub use partnerdesk_tls::ServerIdentity;

/// Migrates, rebuilds the working copy, then serves on `listener` until
/// `shutdown` resolves; requests in flight finish first. TLS as the config
/// says (see [`serve_with`]).
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
    // A temporary directory unless one is given: the copy is only a cache.
    let temporary = match &config.data_dir {
        Some(_) => None,
        None => Some(tempfile::tempdir().map_err(|e| ServerError::Config(e.to_string()))?),
    };
    let data_dir = config
        .data_dir
        .clone()
        .or_else(|| temporary.as_ref().map(|t| t.path().to_path_buf()))
        .expect("one of the two");
    let rt = tokio::runtime::Handle::current();
    let instance = http::blocking({
        let pool = pool.clone();
        move || instance::Instance::open(pool, rt, &data_dir)
    })
    .await?;
    let (notifier, listening) = stream::listen(config.database_url.clone());
    let mut background = vec![listening];
    let (after_write, snapshotting) = spawn_snapshots(
        instance.clone(),
        snapshots::Retention {
            snapshot_every: config.snapshot_every,
            retain_changes: config.retain_changes,
        },
    );
    background.push(snapshotting);
    if config.clock {
        background.push(clock::spawn(
            instance.clone(),
            config.database_url.clone(),
            std::time::Duration::from_secs(config.clock_retry_seconds),
        ));
    }
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::Config(e.to_string()))?;
    let scheme = if identity.is_some() { "https" } else { "http" };
    tracing::info!(%addr, scheme, server_migration = version, "listening");
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let setup_code = announce_setup_code(config, &instance).await?;
    let state = http::AppState {
        instance,
        notifier,
        after_write,
        stopping,
        setup_code,
    };
    let served = tls::serve(
        listener,
        identity.as_ref(),
        http::router(state),
        async move {
            shutdown.await;
            let _ = stop.send(true);
        },
    )
    .await;
    // The clock lock, the LISTEN connection: released now, not at process exit.
    for task in background {
        task.abort();
    }
    drop(temporary);
    served
}

/// After writes, stores a snapshot when one is due (off the request's path).
fn spawn_snapshots(
    instance: Arc<instance::Instance>,
    policy: snapshots::Retention,
) -> (
    tokio::sync::mpsc::UnboundedSender<()>,
    tokio::task::JoinHandle<()>,
) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let task = tokio::spawn(async move {
        while rx.recv().await.is_some() {
            while rx.try_recv().is_ok() {}
            let instance = instance.clone();
            match http::blocking(move || snapshots::maybe_store(&instance, policy)).await {
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "storing a snapshot failed"),
            }
        }
    });
    (tx, task)
}

/// The set-up code (`--setup-code`, or a fresh one), printed for the admin
/// when the workspace is not set up yet: stdout (where `systemd` and a
/// terminal show it) and the log.
async fn announce_setup_code(
    config: &Config,
    instance: &Arc<instance::Instance>,
) -> Result<Arc<str>, ServerError> {
    let code = match &config.setup_code {
        Some(given) => given.clone(),
        None => setup_code::generate()?,
    };
    let has_staff: bool = http::blocking({
        let instance = instance.clone();
        move || {
            instance.with_copy(|copy| {
                partnerdesk_core::setup::is_set_up(copy).map_err(ServerError::from)
            })
        }
    })
    .await?;
    if !has_staff {
        println!("Set-up code for the first admin: {code}");
        tracing::info!(setup_code = %code, "the workspace is not set up yet: create it with this code");
    }
    Ok(Arc::from(code))
}
