//! The team connection's certificates and trust (decision 0053): the server's
//! identity (an admin's certificate or a self-signed one it keeps), and what a
//! desktop trusts (the system's roots, a private CA, or one pinned certificate).
//! rustls with the ring provider only, so nothing here needs a C toolchain.
mod fingerprint;
mod first_use;
mod identity;
#[cfg(feature = "reqwest")]
mod reqwest_client;
mod trust;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use rustls::crypto::CryptoProvider;

pub use fingerprint::{Fingerprint, FingerprintError};
pub use first_use::{fetch_fingerprint, first_contact, FetchError, FirstContact};
pub use identity::{
    IdentityError, Origin, ServerIdentity, SELF_SIGNED_CERT_FILE, SELF_SIGNED_KEY_FILE,
};
#[cfg(feature = "reqwest")]
pub use reqwest_client::{reqwest_builder, reqwest_client};
pub use trust::{certificate_changed, client_config, CertificateChanged, Trust, TrustError};

/// The ALPN protocol both sides offer: the server speaks HTTP/1.1 only (decision 0048).
pub const ALPN_HTTP1: &[u8] = b"http/1.1";

/// The one crypto provider every config here is built with.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Makes ring the process-wide default provider, if none is set yet. With the
/// `reqwest` feature, reqwest is built without a provider of its own
/// (`rustls-no-provider`), so a reqwest client built in this process WITHOUT
/// [`reqwest_builder`] (a plain-HTTP one, say) needs a default, or it panics.
pub fn install_default_provider() {
    // Err only means a default is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
