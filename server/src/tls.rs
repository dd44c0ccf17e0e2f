//! HTTPS in front of the same axum router (decision 0053): the identity from
//! the flags, and a listener whose connections are already TLS.
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use partnerdesk_tls::{IdentityError, Origin, ServerIdentity};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

use crate::config::{Config, TlsSource};
use crate::ServerError;

/// A client that has not finished its handshake by then is dropped, so a slow
/// or idle connection never holds a slot.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Handshaken connections waiting for axum to take them.
const READY_BACKLOG: usize = 64;

/// The identity the flags ask for, loaded (or generated) and logged with its
/// fingerprint; `None` for plain HTTP.
pub fn identity(config: &Config) -> Result<Option<ServerIdentity>, IdentityError> {
    let identity = match config.tls() {
        None => return Ok(None),
        Some(TlsSource::Provided { cert, key }) => ServerIdentity::load(&cert, &key)?,
        Some(TlsSource::SelfSigned { dir }) => {
            ServerIdentity::self_signed(&dir, &self_signed_names(config.listen))?
        }
    };
    let origin = match identity.origin() {
        Origin::Provided => "provided",
        Origin::Generated => "self-signed, generated now",
        Origin::Reused => "self-signed, reused",
    };
    tracing::info!(
        fingerprint = %identity.fingerprint(),
        origin,
        "TLS certificate SHA-256 fingerprint (desktops pin this one)"
    );
    Ok(Some(identity))
}

/// The names a self-signed certificate carries. Desktops pin it rather than
/// check names, so this matters only to tools like curl or a browser.
fn self_signed_names(listen: SocketAddr) -> Vec<String> {
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    let ip = listen.ip();
    if !ip.is_unspecified() && !ip.is_loopback() {
        names.push(ip.to_string());
    }
    names
}

/// Serves `app` on `listener` until `shutdown`: HTTPS with `identity`, plain
/// HTTP without (Config::check allows that on loopback only).
pub async fn serve(
    listener: TcpListener,
    identity: Option<&ServerIdentity>,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let stopped = |e: std::io::Error| ServerError::Config(format!("serving stopped: {e}"));
    match identity {
        None => axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(stopped),
        Some(identity) => {
            let config = identity
                .server_config()
                .map_err(|e| ServerError::Config(e.to_string()))?;
            let listener = TlsListener::new(listener, Arc::new(config)).map_err(stopped)?;
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
                .map_err(stopped)
        }
    }
}

/// Accepts TCP connections and hands axum only those that completed a TLS
/// handshake. Handshakes run in their own tasks, so one slow client never
/// delays the next; axum's `serve` (and its graceful shutdown) stays the same
/// as for plain HTTP.
pub struct TlsListener {
    local: SocketAddr,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    accepting: JoinHandle<()>,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, config: Arc<rustls::ServerConfig>) -> std::io::Result<Self> {
        let local = tcp.local_addr()?;
        let (sender, ready) = mpsc::channel(READY_BACKLOG);
        let acceptor = TlsAcceptor::from(config);
        let accepting = tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, as axum does.
                        tracing::warn!(error = %e, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let acceptor = acceptor.clone();
                let sender = sender.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = sender.send((tls, peer)).await;
                        }
                        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(TlsListener {
            local,
            ready,
            accepting,
        })
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // Only if the accepting task died; the listener is then dead too.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}
