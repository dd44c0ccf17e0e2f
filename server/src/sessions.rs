//! Sign-in tokens (decision 0051): 32 random bytes, base64url, handed to the
//! desktop once; PostgreSQL keeps only their SHA-256, so a copy of the
//! database signs nobody in. Sliding expiry: 12 hours after the last use.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use deadpool_postgres::Pool;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::ServerError;

pub const IDLE_HOURS: i64 = 12;

pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A new session for `staff_id`: the token and when it expires unless used.
pub async fn start(pool: &Pool, staff_id: &str) -> Result<(String, OffsetDateTime), ServerError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServerError::Config(format!("no secure random source: {e}")))?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let client = pool.get().await?;
    let expires_at: OffsetDateTime = client
        .query_one(
            "INSERT INTO sessions (token_hash, staff_id, expires_at)
             VALUES ($1, $2, now() + make_interval(hours => $3::int))
             RETURNING expires_at",
            &[&hash(&token), &staff_id, &(IDLE_HOURS as i32)],
        )
        .await?
        .get(0);
    Ok((token, expires_at))
}

/// The staff member a live token signs in, its expiry moved on; `None` for an
/// unknown or expired token.
pub async fn resolve(pool: &Pool, token: &str) -> Result<Option<String>, ServerError> {
    let client = pool.get().await?;
    Ok(client
        .query_opt(
            "UPDATE sessions SET last_used_at = now(),
                    expires_at = now() + make_interval(hours => $2::int)
             WHERE token_hash = $1 AND expires_at > now()
             RETURNING staff_id",
            &[&hash(token), &(IDLE_HOURS as i32)],
        )
        .await?
        .map(|row| row.get(0)))
}

pub async fn end(pool: &Pool, token: &str) -> Result<(), ServerError> {
    let client = pool.get().await?;
    client
        .execute(
            "DELETE FROM sessions WHERE token_hash = $1",
            &[&hash(token)],
        )
        .await?;
    Ok(())
}
