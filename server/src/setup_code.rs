//! The code that proves who creates the workspace (decision 0051): whoever
//! reaches an empty server could otherwise make themselves its first global
//! admin. The server prints a code at start while it has no workspace; only
//! someone who sees the server's output (its admin) can type it.
use crate::error::ServerError;

/// Letters and digits a person reads aloud without confusing them (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A fresh code, `XXXX-XXXX-XXXX` (about 59 bits).
pub fn generate() -> Result<String, ServerError> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServerError::Config(format!("no secure random source: {e}")))?;
    let letters: Vec<char> = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    Ok(letters
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// Whether `typed` is `code`, ignoring case, spaces and hyphens; compared in
/// constant time so the answer's timing tells nothing.
pub fn matches(code: &str, typed: &str) -> bool {
    let norm = |s: &str| -> Vec<u8> {
        s.bytes()
            .filter(|b| !b.is_ascii_whitespace() && *b != b'-')
            .map(|b| b.to_ascii_uppercase())
            .collect()
    };
    let (a, b) = (norm(code), norm(typed));
    a.len() == b.len() && a.iter().zip(&b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_three_groups_of_four_readable_letters_and_differs_each_time() {
        let code = generate().unwrap();
        assert_eq!(code.len(), 14, "{code}");
        assert!(code
            .split('-')
            .all(|g| g.len() == 4 && g.bytes().all(|b| ALPHABET.contains(&b))));
        assert_ne!(generate().unwrap(), code);
    }

    #[test]
    fn typing_ignores_case_spaces_and_hyphens_but_not_a_letter() {
        assert!(matches("ABCD-EFGH-JKMN", "abcd efgh jkmn"));
        assert!(matches("ABCD-EFGH-JKMN", "ABCDEFGHJKMN"));
        assert!(!matches("ABCD-EFGH-JKMN", "ABCD-EFGH-JKMP"));
        assert!(!matches("ABCD-EFGH-JKMN", "ABCD-EFGH-JKM"));
        assert!(!matches("ABCD-EFGH-JKMN", ""));
    }
}
