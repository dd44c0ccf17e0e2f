//! A product key's text: normalised, validated and masked (DESIGN §3).

use crate::error::{Error, Result};

/// Microsoft's key alphabet: no vowels, no look-alikes (0/O, 1/I, 5/S…).
pub const ALPHABET: &str = "BCDFGHJKMPQRTVWXY2346789";
const GROUPS: usize = 5;
const GROUP_LEN: usize = 5;
const LENGTH: usize = GROUPS * GROUP_LEN;

/// Normalises typed or pasted text (any case, spaces, hyphens present or
/// missing) to `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`, or says what is wrong.
pub fn normalise(text: &str) -> Result<String> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if chars.is_empty() {
        return Err(Error::validation(
            "key",
            text!("enter a product key", "wpisz klucz produktu"),
        ));
    }
    if let Some(bad) = chars.iter().find(|c| !ALPHABET.contains(**c)) {
        return Err(Error::validation(
            "key",
            text!(
                "'{bad}' cannot appear in a product key (it uses only {ALPHABET})",
                "znak „{bad}” nie może wystąpić w kluczu produktu (klucz używa tylko {ALPHABET})"
            ),
        ));
    }
    if chars.len() != LENGTH {
        return Err(Error::validation("key", {
            let count = chars.len();
            text!(
                "a product key has {LENGTH} characters in five groups of five; this has {count}",
                "klucz produktu ma {LENGTH} znaków w pięciu grupach po pięć; ten ma {count}"
            )
        }));
    }
    Ok(chars
        .chunks(GROUP_LEN)
        .map(|g| g.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// The last group of a normalised key.
pub fn last_group(key: &str) -> &str {
    key.rsplit('-').next().unwrap_or(key)
}

/// What staff without billing or global admin see: the last group only.
pub fn mask(key: &str) -> String {
    format!("•••••-•••••-•••••-•••••-{}", last_group(key))
}
