//! Sentences for a person, in every language the UI speaks
//! (docs/decisions/0024-bilingual-messages-from-the-core.md).
//!
//! Each message the core writes for a person is written in English and in
//! Polish at the place it is made, with [`text!`](crate::text!) or
//! [`Text::new`]. There is deliberately no `From<&str>` or `From<String>`:
//! the compiler refuses a message without its Polish.

use std::fmt;

use serde::Serialize;
use ts_rs::TS;

/// A sentence for a person, in each language the UI speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Text {
    pub en: String,
    pub pl: String,
}

impl Text {
    pub fn new(en: impl Into<String>, pl: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            pl: pl.into(),
        }
    }
}

/// Shown in English: logs, `to_string()` and the `message` of an [`ApiError`](crate::ApiError).
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// A [`Text`] from an English and a Polish format string, each capturing
/// the variables in scope (`text!("use at most {max} characters", "…{max}…")`).
/// For a value that needs an expression, bind a `let` first.
#[macro_export]
macro_rules! text {
    ($en:literal, $pl:literal $(,)?) => {
        $crate::text::Text {
            en: format!($en),
            pl: format!($pl),
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_macro_captures_the_same_values_in_both_languages() {
        let max = 50;
        let t = crate::text!("use at most {max} characters", "użyj najwyżej {max} znaków");
        assert_eq!(t.en, "use at most 50 characters");
        assert_eq!(t.pl, "użyj najwyżej 50 znaków");
        assert_eq!(t.to_string(), t.en, "Display is the English");
    }

    #[test]
    fn it_crosses_ipc_as_both_sentences() {
        let json = serde_json::to_value(Text::new("Sign in first.", "Najpierw się zaloguj."))
            .expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({ "en": "Sign in first.", "pl": "Najpierw się zaloguj." })
        );
    }
}
