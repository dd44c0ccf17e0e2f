//! First use: read the fingerprint a server presents, without trusting it, so
//! a person can compare it with the one the admin saw before the desktop pins it.
use std::sync::Arc;
use std::time::Duration;

use rustls::ClientConfig;
use rustls_pki_types::ServerName;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::trust::PinnedVerifier;
use crate::{client_config, provider, Fingerprint, Trust, ALPN_HTTP1};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{host:?} is not a host name or IP address")]
    BadHost { host: String },
    #[error("cannot reach {host}:{port}: {source}")]
    Unreachable {
        host: String,
        port: u16,
        source: std::io::Error,
    },
    #[error("{host}:{port} did not answer within {CONNECT_TIMEOUT:?}")]
    TimedOut { host: String, port: u16 },
    #[error("{host}:{port} did not complete a TLS handshake (is it a Partnerdesk team server serving TLS?): {source}")]
    Handshake {
        host: String,
        port: u16,
        source: std::io::Error,
    },
    #[error("{0}")]
    Trust(String),
    #[error("{host}:{port} presented no certificate")]
    NoCertificate { host: String, port: u16 },
}

/// What a first contact found: whether `trust` (usually `Trust::System`)
/// already accepts the server, and its certificate's fingerprint either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstContact {
    /// `trust` accepts the certificate: nothing to compare or pin.
    Trusted { fingerprint: Fingerprint },
    /// `trust` refused it (`why`), typically a self-signed server: show the
    /// fingerprint, have the person compare it with the admin's, then pin it.
    Unverified {
        fingerprint: Fingerprint,
        why: String,
    },
}

/// The desktop's first step with a new server address: a handshake with
/// `trust`, and if that refuses the certificate, [`fetch_fingerprint`].
pub async fn first_contact(
    host: &str,
    port: u16,
    trust: &Trust,
) -> Result<FirstContact, FetchError> {
    let config = client_config(trust).map_err(|e| FetchError::Trust(e.to_string()))?;
    match handshake(host, port, config).await {
        Ok(fingerprint) => Ok(FirstContact::Trusted { fingerprint }),
        Err(FetchError::Handshake { source, .. }) => Ok(FirstContact::Unverified {
            fingerprint: fetch_fingerprint(host, port).await?,
            why: source.to_string(),
        }),
        Err(other) => Err(other),
    }
}

/// Connects to `host:port`, completes a handshake accepting any certificate
/// (its signature still checked), and returns the leaf's fingerprint. Nothing
/// is sent over this connection: it is closed at once.
pub async fn fetch_fingerprint(host: &str, port: u16) -> Result<Fingerprint, FetchError> {
    let provider = provider();
    let config = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedVerifier {
            expected: None,
            provider,
        }))
        .with_no_client_auth();
    handshake(host, port, config).await
}

/// A handshake with `config` and nothing else: the presented leaf's fingerprint.
async fn handshake(
    host: &str,
    port: u16,
    mut config: ClientConfig,
) -> Result<Fingerprint, FetchError> {
    config.alpn_protocols = vec![ALPN_HTTP1.to_vec()];
    let name = ServerName::try_from(host.to_string()).map_err(|_| FetchError::BadHost {
        host: host.to_string(),
    })?;
    let timed_out = || FetchError::TimedOut {
        host: host.to_string(),
        port,
    };
    let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect((host, port)))
        .await
        .map_err(|_| timed_out())?
        .map_err(|source| FetchError::Unreachable {
            host: host.to_string(),
            port,
            source,
        })?;
    let mut tls = tokio::time::timeout(
        CONNECT_TIMEOUT,
        TlsConnector::from(Arc::new(config)).connect(name, tcp),
    )
    .await
    .map_err(|_| timed_out())?
    .map_err(|source| FetchError::Handshake {
        host: host.to_string(),
        port,
        source,
    })?;
    let leaf = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|chain| chain.first())
        .map(|leaf| Fingerprint::of(leaf));
    let _ = tls.shutdown().await;
    leaf.ok_or(FetchError::NoCertificate {
        host: host.to_string(),
        port,
    })
}
