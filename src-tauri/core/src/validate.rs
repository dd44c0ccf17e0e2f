//! Field checks shared by every form: each names its field in the error.

use crate::error::{Error, Result};

/// Trimmed, non-empty, at most `max` characters.
pub fn required_text(field: &str, text: &str, max: usize) -> Result<String> {
    let value = optional_text(field, text, max)?;
    if value.is_empty() {
        return Err(Error::validation(field, "this field is required"));
    }
    Ok(value)
}

/// Trimmed, possibly empty, at most `max` characters.
pub fn optional_text(field: &str, text: &str, max: usize) -> Result<String> {
    let value = text.trim();
    if value.chars().count() > max {
        return Err(Error::validation(
            field,
            format!("use at most {max} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(Error::validation(
            field,
            "remove the control characters (tabs, line breaks)",
        ));
    }
    Ok(value.to_owned())
}

/// A syntactically valid e-mail address (RFC 5322 as the `email_address` crate reads it).
pub fn email(field: &str, text: &str) -> Result<String> {
    let value = required_text(field, text, 254)?;
    let valid = email_address::EmailAddress::parse_with_options(
        &value,
        email_address::Options::default().without_display_text(),
    )
    .ok()
    .filter(|e| e.domain().contains('.'));
    match valid {
        Some(_) => Ok(value),
        None => Err(Error::validation(
            field,
            format!("'{value}' is not an e-mail address (e.g. anna@example.com)"),
        )),
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern.
pub fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        assert_eq!(required_text("name", "  Anna  ", 10).unwrap(), "Anna");
        assert_eq!(
            required_text("name", "   ", 10).unwrap_err().field(),
            Some("name")
        );
        assert!(
            required_text("name", "Żółć Gęśla", 10).is_ok(),
            "characters, not bytes"
        );
        assert!(required_text("name", "abcdefghijk", 10).is_err());
        assert!(required_text("name", "a\tb", 10).is_err());
    }

    #[test]
    fn emails_are_checked() {
        assert_eq!(
            email("email", " anna@contoso.pl ").unwrap(),
            "anna@contoso.pl"
        );
        for bad in [
            "anna",
            "anna@",
            "@contoso.pl",
            "anna@localhost",
            "Anna <anna@contoso.pl>",
        ] {
            assert_eq!(
                email("email", bad).unwrap_err().field(),
                Some("email"),
                "{bad}"
            );
        }
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(like_escape(r"50%_a\b"), r"50\%\_a\\b");
    }
}
