//! Identifiers: random UUIDs, carried as strings at the API and in the database.

use uuid::Uuid;

use crate::error::{Error, Result};

pub fn new_id() -> String {
    Uuid::new_v4().to_string()
}

/// Parses an id from the UI, normalising it to the lower-case hyphenated form.
pub fn parse_id(field: &str, text: &str) -> Result<String> {
    Uuid::parse_str(text.trim())
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| {
            Error::validation(
                field,
                text!(
                    "'{text}' is not a valid id (a UUID)",
                    "„{text}” nie jest prawidłowym identyfikatorem (UUID)"
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_unique_uuids() {
        let (a, b) = (new_id(), new_id());
        assert_ne!(a, b);
        assert_eq!(parse_id("id", &a).unwrap(), a);
    }

    #[test]
    fn ids_are_normalised_and_bad_ones_name_the_field() {
        assert_eq!(
            parse_id("customer_id", " 6F9619FF-8B86-D011-B42D-00C04FC964FF ").unwrap(),
            "6f9619ff-8b86-d011-b42d-00c04fc964ff"
        );
        assert_eq!(
            parse_id("customer_id", "42").unwrap_err().field(),
            Some("customer_id")
        );
    }
}
