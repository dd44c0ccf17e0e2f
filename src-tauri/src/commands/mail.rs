//! Opening the user's mail client with a composed message.

use partnerdesk_core::{ApiError, ErrorCode};

use super::blocking;

/// Opens `mailto` in the mail client. A debug build started by the
/// end-to-end tests with `PARTNERDESK_TEST_MAIL_RECORDER=<file>` appends the
/// address to that file instead, so a test can read what would have been sent.
pub async fn open_mail_client(mailto: String) -> Result<(), ApiError> {
    blocking(move || {
        #[cfg(debug_assertions)]
        if let Ok(path) = std::env::var("PARTNERDESK_TEST_MAIL_RECORDER") {
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            writeln!(file, "{mailto}")?;
            return Ok(());
        }
        open::that_detached(&mailto).map_err(|e| {
            partnerdesk_core::Error::Internal(format!("no mail client could be opened: {e}"))
        })
    })
    .await
    .map_err(|mut e| {
        if e.code == ErrorCode::Internal {
            e.code = ErrorCode::InvalidState;
        }
        e
    })
}
