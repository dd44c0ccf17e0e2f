//! A reqwest client that trusts what `Trust` says, for partnerdesk-client.
use crate::{client_config, install_default_provider, Trust, TrustError};

/// A `reqwest::ClientBuilder` whose TLS is this crate's config for `trust`;
/// add timeouts and the like, then `build()`. Also installs ring as the process
/// default provider, so other reqwest clients in the process work too.
pub fn reqwest_builder(trust: &Trust) -> Result<reqwest::ClientBuilder, TrustError> {
    install_default_provider();
    Ok(reqwest::Client::builder().tls_backend_preconfigured(client_config(trust)?))
}

pub fn reqwest_client(trust: &Trust) -> Result<reqwest::Client, TrustError> {
    reqwest_builder(trust)?
        .build()
        .map_err(|e| TrustError::Client(e.to_string()))
}
