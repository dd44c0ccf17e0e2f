//! Partnerdesk's domain: every rule, state machine and the SQLite store.
//!
//! This crate knows nothing of Tauri or the UI. The desktop shell calls one
//! function here per command and maps [`error::Error`] to [`error::ApiError`].

// First, so that `text!` is in scope in every module below.
#[macro_use]
pub mod text;

mod base64_bytes;
pub mod change;
pub mod clock;
pub mod error;
pub mod exports;
pub mod ids;
pub mod limits;
pub mod links;
pub mod money;
pub mod notifications;
pub mod offers;
pub mod paging;
pub mod partner_of_record;
pub mod product_keys;
pub mod relationships;
pub mod service_requests;
pub mod settings;
pub mod store;
pub mod system;

pub use error::{ApiError, Error, ErrorCode, Result};
pub use store::Store;
pub use text::Text;
pub mod access;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod catalog;
pub mod commands;
pub mod company;
pub mod csv_file;
pub mod customer_users;
pub mod customers;
pub mod dashboard;
pub mod fold;
pub mod hourly;
pub mod imports;
pub mod setup;
pub mod staff;
pub mod subscriptions;
#[cfg(test)]
pub(crate) mod testing;
pub mod trial_invitations;
pub mod validate;
