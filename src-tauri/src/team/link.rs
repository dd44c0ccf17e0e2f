//! The desktop's side of the team protocol (docs/decisions/0051), through
//! the `partnerdesk-client` crate: probing a server, signing in and out,
//! sending commands, downloading a snapshot.

use partnerdesk_core::{text, ApiError, Error};
use url::Url;

use super::ServerProbe;

/// What `/health` says, and the certificate's fingerprint when it is self-signed.
pub fn probe(_url: &Url) -> partnerdesk_core::Result<ServerProbe> {
    Err(not_available())
}

pub(super) fn not_available() -> Error {
    Error::invalid_state(text!(
        "Connecting to a team server is not available in this build yet.",
        "Łączenie z serwerem zespołu nie jest jeszcze dostępne w tej wersji."
    ))
}

#[allow(dead_code)]
fn _uses(_: ApiError) {}
