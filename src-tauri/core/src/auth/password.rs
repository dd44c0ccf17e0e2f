//! Passwords: argon2id hashes, the length rule, and temporary passwords.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::{Error, Result};

pub const MIN_LENGTH: usize = 12;
/// Long enough for any passphrase, short enough that hashing cannot be abused.
pub const MAX_LENGTH: usize = 256;

/// Checks a new password chosen by a person.
pub fn check_new(field: &str, password: &str) -> Result<()> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(Error::validation(
            field,
            text!(
                "use at least {MIN_LENGTH} characters (this one has {length})",
                "użyj co najmniej {MIN_LENGTH} znaków (to hasło ma {length})"
            ),
        ));
    }
    if length > MAX_LENGTH {
        return Err(Error::validation(
            field,
            text!(
                "use at most {MAX_LENGTH} characters",
                "użyj najwyżej {MAX_LENGTH} znaków"
            ),
        ));
    }
    if password.trim().is_empty() {
        return Err(Error::validation(
            field,
            text!(
                "a password cannot be only spaces",
                "hasło nie może składać się z samych spacji"
            ),
        ));
    }
    Ok(())
}

/// An argon2id hash in PHC form (algorithm, parameters and salt included).
pub fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("cannot hash password: {e}")))
}

pub fn verify(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashing a dummy makes a sign-in with an unknown e-mail take as long as a
/// wrong password, so timing does not reveal which e-mails exist.
pub fn verify_against_nothing(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("not a real password").unwrap_or_default());
    let _ = verify(password, dummy);
}

const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
const DIGITS: &[u8] = b"23456789";
const SYMBOLS: &[u8] = b"!#$%&*+-=?@^_";

/// A number in `0..n` from the OS's secure random source, without modulo bias:
/// draws that fall in the last, incomplete run of `n` values are redrawn.
fn uniform(n: u32) -> Result<u32> {
    let zone = u32::MAX - (u32::MAX % n);
    loop {
        let x = getrandom::u32()
            .map_err(|e| Error::Internal(format!("the system random source failed: {e}")))?;
        if x < zone {
            return Ok(x % n);
        }
    }
}

fn pick(alphabet: &[u8]) -> Result<u8> {
    let n = u32::try_from(alphabet.len()).unwrap_or(u32::MAX);
    Ok(alphabet[uniform(n)? as usize])
}

/// A temporary password from the OS's secure random source, with upper and
/// lower case letters, digits and symbols (Microsoft 365 complexity), and no
/// look-alike characters (0/O, 1/l/I) since a person may read it aloud.
/// Never shorter than 16 characters.
pub fn temporary(length: usize) -> Result<String> {
    let length = length.max(16);
    let all: Vec<u8> = [UPPER, LOWER, DIGITS, SYMBOLS].concat();
    let mut chars: Vec<u8> = vec![pick(UPPER)?, pick(LOWER)?, pick(DIGITS)?, pick(SYMBOLS)?];
    while chars.len() < length {
        chars.push(pick(&all)?);
    }
    // Fisher–Yates with unbiased draws, so the guaranteed classes can be anywhere.
    for i in (1..chars.len()).rev() {
        let j = uniform(u32::try_from(i + 1).unwrap_or(u32::MAX))? as usize;
        chars.swap(i, j);
    }
    String::from_utf8(chars).map_err(|e| Error::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify_only_the_right_password() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterY", &a));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn new_passwords_need_twelve_characters() {
        assert_eq!(
            check_new("password", "short").unwrap_err().field(),
            Some("password")
        );
        assert!(check_new("password", "elevenchars").is_err());
        assert!(check_new("password", "twelve chars").is_ok());
        assert!(
            check_new("password", "zażółć gęślą").is_ok(),
            "counted in characters"
        );
        assert!(check_new("password", &" ".repeat(20)).is_err());
        assert!(check_new("password", &"x".repeat(MAX_LENGTH + 1)).is_err());
    }

    #[test]
    fn temporary_passwords_are_long_complex_and_different() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let p = temporary(16).unwrap();
            assert_eq!(p.len(), 16);
            assert!(p.bytes().any(|c| UPPER.contains(&c)), "{p}");
            assert!(p.bytes().any(|c| LOWER.contains(&c)), "{p}");
            assert!(p.bytes().any(|c| DIGITS.contains(&c)), "{p}");
            assert!(p.bytes().any(|c| SYMBOLS.contains(&c)), "{p}");
            assert!(!p.contains(['0', 'O', '1', 'l', 'I']), "{p}");
            assert!(seen.insert(p));
        }
        assert_eq!(temporary(4).unwrap().len(), 16, "never shorter than 16");
    }
}
