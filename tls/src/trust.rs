//! What a desktop trusts when it connects to a team server.
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use crate::identity::parse_certificates;
use crate::{provider, Fingerprint, IdentityError, ALPN_HTTP1};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// The operating system's trust store (rustls-platform-verifier): for a
    /// certificate the admin got from a public CA, or a CA the company's IT
    /// already installed on every machine.
    System,
    /// Only these CA certificates: a partner's internal CA, not installed system-wide.
    Roots(Vec<CertificateDer<'static>>),
    /// Exactly the certificate with this SHA-256 fingerprint, whoever issued
    /// it: a self-signed server, pinned at first connect.
    Pinned(Fingerprint),
}

impl Trust {
    /// `Trust::Roots` from a PEM file's text (one or more CA certificates).
    pub fn roots_pem(pem: &[u8]) -> Result<Trust, TrustError> {
        parse_certificates(std::path::Path::new("the CA certificate"), pem)
            .map(Trust::Roots)
            .map_err(TrustError::Roots)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("{0}")]
    Roots(IdentityError),
    #[error("a CA certificate cannot be trusted: {0}")]
    BadRoot(rustls::Error),
    #[error("this computer's certificate store cannot be used: {0}")]
    System(rustls::Error),
    #[error("rustls refused the client configuration: {0}")]
    Rustls(rustls::Error),
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

/// The handshake presented another certificate than the pinned one. Found in
/// any error chain with [`certificate_changed`], so the desktop can say "the
/// server's certificate changed" and offer to confirm the new fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the team server's certificate changed: this desktop trusts the certificate with \
     SHA-256 fingerprint {expected}, but the server presented {presented}. Ask the \
     administrator whether they replaced it and compare the fingerprint the server printed"
)]
pub struct CertificateChanged {
    pub expected: Fingerprint,
    pub presented: Fingerprint,
}

/// A rustls client config for `trust`, HTTP/1.1, ring.
pub fn client_config(trust: &Trust) -> Result<ClientConfig, TrustError> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(TrustError::Rustls)?;
    let mut config = match trust {
        Trust::System => {
            let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
                .map_err(TrustError::System)?;
            builder
                .dangerous() // not dangerous: the platform's own verifier
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth()
        }
        Trust::Roots(roots) => {
            let mut store = RootCertStore::empty();
            for root in roots {
                store.add(root.clone()).map_err(TrustError::BadRoot)?;
            }
            builder.with_root_certificates(store).with_no_client_auth()
        }
        Trust::Pinned(expected) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinnedVerifier {
                expected: Some(*expected),
                provider,
            }))
            .with_no_client_auth(),
    };
    config.alpn_protocols = vec![ALPN_HTTP1.to_vec()];
    Ok(config)
}

/// Trusts one leaf certificate by its fingerprint (`expected`), or, with
/// `None`, any leaf: only for reading a fingerprint at first use, never for
/// sending anything. Either way the handshake signature is still checked, so
/// the peer holds the private key of the certificate it presented.
#[derive(Debug)]
pub(crate) struct PinnedVerifier {
    pub(crate) expected: Option<Fingerprint>,
    pub(crate) provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // Name and dates are deliberately not checked: the pin is the identity,
        // and a self-signed certificate's names may not match how it is reached.
        let presented = Fingerprint::of(end_entity);
        match self.expected {
            Some(expected) if expected != presented => Err(rustls::Error::InvalidCertificate(
                CertificateError::Other(rustls::OtherError(Arc::new(CertificateChanged {
                    expected,
                    presented,
                }))),
            )),
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The pin mismatch inside `error`'s chain, however deeply reqwest, hyper and
/// io wrapped it. (`io::Error::source` skips the error it wraps, so the chain
/// is walked through `get_ref` as well.)
pub fn certificate_changed<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a CertificateChanged> {
    let mut next = Some(error);
    while let Some(current) = next {
        if let Some(found) = current.downcast_ref::<CertificateChanged>() {
            return Some(found);
        }
        if let Some(rustls::Error::InvalidCertificate(CertificateError::Other(other))) =
            current.downcast_ref::<rustls::Error>()
        {
            if let Some(found) = other.0.downcast_ref::<CertificateChanged>() {
                return Some(found);
            }
        }
        if let Some(inner) = current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            if let Some(found) = certificate_changed(inner) {
                return Some(found);
            }
        }
        next = current.source();
    }
    None
}
