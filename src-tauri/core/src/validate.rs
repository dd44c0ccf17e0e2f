//! Field checks shared by every form: each names its field in the error.

use crate::error::{Error, Result};
use crate::limits;
use crate::text::Text;

/// Trimmed, non-empty, at most `max` characters.
pub fn required_text(field: &str, text: &str, max: usize) -> Result<String> {
    let value = optional_text(field, text, max)?;
    if value.is_empty() {
        return Err(Error::validation(
            field,
            text!("this field is required", "to pole jest wymagane"),
        ));
    }
    Ok(value)
}

/// Trimmed, possibly empty, at most `max` characters.
pub fn optional_text(field: &str, text: &str, max: usize) -> Result<String> {
    let value = text.trim();
    check_length(field, value, max)?;
    if value.chars().any(|c| c.is_control()) {
        return Err(Error::validation(
            field,
            text!(
                "remove the control characters (tabs, line breaks)",
                "usuń znaki sterujące (tabulatory, podziały wierszy)"
            ),
        ));
    }
    Ok(value.to_owned())
}

/// At most `max` characters; the refusal says how many were written.
pub fn check_length(field: &str, value: &str, max: usize) -> Result<()> {
    // A string of n bytes holds at most n characters: short ones need no count.
    if value.len() <= max {
        return Ok(());
    }
    let length = value.chars().count();
    if length <= max {
        return Ok(());
    }
    Err(Error::validation(
        field,
        text!(
            "use at most {max} characters (this has {length})",
            "użyj najwyżej {max} znaków (wpisano {length})"
        ),
    ))
}

/// Text of several lines (a description, a note): trimmed, `\r\n` read as
/// `\n`, at most `max` characters, no control characters but line breaks and
/// tabs; `required` refuses it empty.
pub fn long_text(field: &str, text: &str, max: usize, required: bool) -> Result<String> {
    let value = text.trim().replace("\r\n", "\n");
    if required && value.is_empty() {
        return Err(Error::validation(
            field,
            text!("this field is required", "to pole jest wymagane"),
        ));
    }
    check_length(field, &value, max)?;
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Error::validation(
            field,
            text!("remove the control characters", "usuń znaki sterujące"),
        ));
    }
    Ok(value)
}

/// A list's search string: trimmed, `None` when blank, refused beyond
/// [`limits::SEARCH`] characters (longer finds nothing more, only costs more).
pub fn search(field: &str, value: &Option<String>) -> Result<Option<String>> {
    bounded_filter(field, value, limits::SEARCH)
}

/// A free-text filter value: trimmed, `None` when blank, at most `max` characters.
pub fn bounded_filter(field: &str, value: &Option<String>, max: usize) -> Result<Option<String>> {
    let value = filter_value(value);
    if let Some(v) = &value {
        check_length(field, v, max)?;
    }
    Ok(value)
}

/// A value as an error shows it: whole when short, else its start and its
/// length, so a pasted megabyte does not travel back in a message.
pub fn shown(value: &str) -> String {
    const SHOWN: usize = 40;
    if value.len() <= SHOWN {
        return value.to_owned();
    }
    let length = value.chars().count();
    if length <= SHOWN {
        return value.to_owned();
    }
    let start: String = value.chars().take(SHOWN).collect();
    format!("{start}… ({length})")
}

/// A syntactically valid e-mail address (RFC 5322 as the `email_address` crate reads it).
pub fn email(field: &str, text: &str) -> Result<String> {
    let value = required_text(field, text, limits::EMAIL)?;
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
            text!(
                "'{value}' is not an e-mail address (e.g. anna@example.com)",
                "„{value}” nie jest adresem e-mail (np. anna@example.com)"
            ),
        )),
    }
}

pub fn check_country(field: &str, value: &str) -> Result<String> {
    let code = value.trim().to_ascii_uppercase();
    isocountry::CountryCode::for_alpha2(&code)
        .map(|_| code.clone())
        .map_err(|_| {
            Error::validation(
                field,
                text!(
                    "'{value}' is not an ISO 3166 country code (two letters, e.g. PL)",
                    "„{value}” nie jest kodem kraju ISO 3166 (dwie litery, np. PL)"
                ),
            )
        })
}

pub fn check_phone(field: &str, value: &str) -> Result<String> {
    let malformed = || {
        Error::validation(
            field,
            text!(
                "'{value}' is not a valid international phone number (e.g. +48 22 123 45 67)",
                "„{value}” nie jest poprawnym międzynarodowym numerem telefonu (np. +48 22 123 45 67)"
            ),
        )
    };
    if !value.trim_start().starts_with('+') {
        return Err(malformed());
    }
    let number = phonenumber::parse(None, value).map_err(|_| malformed())?;
    if !phonenumber::is_valid(&number) {
        return Err(malformed());
    }
    Ok(number
        .format()
        .mode(phonenumber::Mode::International)
        .to_string())
}

pub fn check_website(field: &str, value: &str) -> Result<String> {
    let with_scheme = if value.contains("://") {
        value.to_owned()
    } else {
        format!("https://{value}")
    };
    match url::Url::parse(&with_scheme) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| h.contains('.')) =>
        {
            Ok(url.to_string())
        }
        _ => Err(Error::validation(
            field,
            text!(
                "'{value}' is not a web address (e.g. https://contoso.pl)",
                "„{value}” nie jest adresem internetowym (np. https://contoso.pl)"
            ),
        )),
    }
}

pub fn check_partner_id(field: &str, value: &str) -> Result<String> {
    if (4..=10).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_owned())
    } else {
        Err(Error::validation(
            field,
            text!(
                "'{value}' is not a Microsoft partner ID (4 to 10 digits)",
                "„{value}” nie jest identyfikatorem partnera Microsoft (od 4 do 10 cyfr)"
            ),
        ))
    }
}

pub fn check_tenant_id(field: &str, value: &str) -> Result<String> {
    uuid::Uuid::parse_str(value)
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| {
            Error::validation(
                field,
                text!(
                    "'{value}' is not a tenant ID (a GUID such as 0b7c6f1e-…)",
                    "„{value}” nie jest identyfikatorem dzierżawy (GUID, np. 0b7c6f1e-…)"
                ),
            )
        })
}

pub fn check_postal_code(field: &str, value: &str, country: &str) -> Result<String> {
    let polish = value.len() == 6
        && value.as_bytes()[2] == b'-'
        && value
            .bytes()
            .enumerate()
            .all(|(i, b)| i == 2 || b.is_ascii_digit());
    if country == "PL" && !polish {
        return Err(Error::validation(
            field,
            text!(
                "'{value}' is not a Polish postal code (NN-NNN, e.g. 00-950)",
                "„{value}” nie jest polskim kodem pocztowym (NN-NNN, np. 00-950)"
            ),
        ));
    }
    Ok(value.to_owned())
}

pub fn check_currency(field: &str, value: &str) -> Result<String> {
    let code = value.trim().to_ascii_uppercase();
    iso_currency::Currency::from_code(&code)
        .map(|_| code.clone())
        .ok_or_else(|| {
            let value = shown(value);
            Error::validation(
                field,
                text!(
                    "'{value}' is not an ISO 4217 currency code (e.g. PLN, EUR)",
                    "„{value}” nie jest kodem waluty ISO 4217 (np. PLN, EUR)"
                ),
            )
        })
}

/// A list filter's value: trimmed, or `None` when absent or blank.
pub fn filter_value(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A list filter that must be one of `allowed`; `what` names them in the error
/// ("a category", and in Polish in the instrumental case: "kategorią").
pub fn filter_choice(
    field: &str,
    value: &Option<String>,
    allowed: &[&str],
    what: Text,
) -> Result<Option<String>> {
    match filter_value(value) {
        Some(v) if !allowed.contains(&v.as_str()) => {
            let (Text { en, pl }, v) = (what, shown(&v));
            Err(Error::validation(
                field,
                text!("'{v}' is not {en}", "„{v}” nie jest {pl}"),
            ))
        }
        other => Ok(other),
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

    /// Every refusal the shared checks make, each from a value that fails it.
    fn refusals() -> Vec<Error> {
        let none = || Some("x".to_owned());
        vec![
            required_text("name", "  ", 10).unwrap_err(),
            optional_text("name", "abcdefghijk", 10).unwrap_err(),
            optional_text("name", "a\tb", 10).unwrap_err(),
            email("email", "anna@localhost").unwrap_err(),
            check_country("country", "XX").unwrap_err(),
            check_phone("phone", "22 123 45 67").unwrap_err(),
            check_website("website", "localhost").unwrap_err(),
            check_partner_id("partner_id", "12").unwrap_err(),
            check_tenant_id("tenant_id", "not-a-guid").unwrap_err(),
            check_postal_code("postal_code", "00950", "PL").unwrap_err(),
            check_currency("currency", "XYZ").unwrap_err(),
            filter_choice("state", &none(), &["a"], text!("a state", "stanem")).unwrap_err(),
            crate::ids::parse_id("id", "42").unwrap_err(),
            crate::clock::parse_rfc3339("at", "yesterday").unwrap_err(),
            crate::money::parse_currency("currency", "zł").unwrap_err(),
            crate::auth::password::check_new("password", "short").unwrap_err(),
            crate::auth::password::check_new("password", &"x".repeat(1000)).unwrap_err(),
            crate::auth::password::check_new("password", &" ".repeat(20)).unwrap_err(),
            crate::product_keys::normalise("").unwrap_err(),
            crate::product_keys::normalise("AAAAA").unwrap_err(),
            crate::product_keys::normalise("BCDFG").unwrap_err(),
            crate::subscriptions::check_billing_plan("P1M", "annual").unwrap_err(),
            crate::paging::page_size(Some(0), text!("rows", "wierszy")).unwrap_err(),
        ]
    }

    #[test]
    fn every_refusal_names_its_field_in_english_and_in_polish() {
        for error in refusals() {
            let text = error.text();
            assert!(error.field().is_some(), "{error:?}");
            assert_eq!(text.en, error.to_string(), "the English is the message");
            assert!(!text.pl.trim().is_empty(), "no Polish: {error:?}");
            assert_ne!(text.pl, text.en, "the Polish is the English: {error:?}");
        }
    }

    #[test]
    fn the_polish_keeps_the_values_of_the_english() {
        let error = check_postal_code("postal_code", "00950", "PL").unwrap_err();
        assert_eq!(
            error.text(),
            Text::new(
                "'00950' is not a Polish postal code (NN-NNN, e.g. 00-950)",
                "„00950” nie jest polskim kodem pocztowym (NN-NNN, np. 00-950)"
            )
        );
        let long = optional_text("name", "abcdefghijk", 10).unwrap_err().text();
        assert_eq!(long.pl, "użyj najwyżej 10 znaków (wpisano 11)");
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(like_escape(r"50%_a\b"), r"50\%\_a\\b");
    }
}
