//! Application settings: language and theme, remembered across restarts.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::store::Store;

/// UI language; `system` follows the operating system's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LanguagePreference {
    #[default]
    System,
    Pl,
    En,
}

/// Colour theme; `system` follows the operating system's light or dark mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ThemePreference {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, TS)]
#[ts(export)]
pub struct AppSettings {
    pub language: LanguagePreference,
    pub theme: ThemePreference,
}

/// A partial update from the UI. Values arrive as text and are validated here,
/// so a wrong value comes back as a `validation` error naming its field.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct SettingsUpdate {
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
}

const LANGUAGE: &str = "language";
const IDLE_LOCK_MINUTES: &str = "idle_lock_minutes";
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 15;
const IDLE_LOCK_RANGE: std::ops::RangeInclusive<u32> = 1..=240;
const THEME: &str = "theme";

fn parse_choice<T: Copy>(field: &str, text: &str, choices: &[(&str, T)]) -> Result<T> {
    choices
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, value)| *value)
        .ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
            let names = names.join(", ");
            Error::validation(
                field,
                text!(
                    "'{text}' is not a valid {field}; choose one of: {names}",
                    "„{text}” nie jest prawidłową wartością pola {field}; wybierz jedną z: {names}"
                ),
            )
        })
}

const LANGUAGES: &[(&str, LanguagePreference)] = &[
    ("system", LanguagePreference::System),
    ("pl", LanguagePreference::Pl),
    ("en", LanguagePreference::En),
];
const THEMES: &[(&str, ThemePreference)] = &[
    ("system", ThemePreference::System),
    ("light", ThemePreference::Light),
    ("dark", ThemePreference::Dark),
];

fn name_of<T: PartialEq>(value: T, choices: &[(&'static str, T)]) -> &'static str {
    choices
        .iter()
        .find(|(_, v)| *v == value)
        .map(|(name, _)| *name)
        .unwrap_or("system")
}

fn stored(conn: &rusqlite::Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?)
}

/// This desktop's own choice (migration 0023): never replicated.
fn preference(conn: &rusqlite::Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM desktop_preferences WHERE key = ?1",
            [key],
            |row| row.get(0),
        )
        .optional()?)
}

fn load(conn: &rusqlite::Connection) -> Result<AppSettings> {
    let language = match preference(conn, LANGUAGE)? {
        Some(text) => parse_choice(LANGUAGE, &text, LANGUAGES)?,
        None => LanguagePreference::default(),
    };
    let theme = match preference(conn, THEME)? {
        Some(text) => parse_choice(THEME, &text, THEMES)?,
        None => ThemePreference::default(),
    };
    Ok(AppSettings { language, theme })
}

/// Minutes without activity before the session locks (a security setting:
/// only global admins change it, through [`update_idle_lock`]).
pub fn idle_lock_minutes(conn: &rusqlite::Connection) -> Result<u32> {
    Ok(stored(conn, IDLE_LOCK_MINUTES)?
        .and_then(|text| text.parse().ok())
        .filter(|m| IDLE_LOCK_RANGE.contains(m))
        .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
}

pub fn update_idle_lock(
    store: &Store,
    clock: &dyn Clock,
    actor: &crate::auth::Actor,
    minutes: u32,
) -> Result<Change> {
    if !IDLE_LOCK_RANGE.contains(&minutes) {
        return Err(Error::validation(IDLE_LOCK_MINUTES, {
            let (from, to) = (IDLE_LOCK_RANGE.start(), IDLE_LOCK_RANGE.end());
            text!(
                "choose between {from} and {to} minutes",
                "wybierz od {from} do {to} minut"
            )
        }));
    }
    let now = to_rfc3339(clock.now())?;
    let target = crate::audit::Target {
        kind: "settings",
        id: None,
        label: IDLE_LOCK_MINUTES.into(),
    };
    crate::access::guarded_write(
        store,
        clock,
        actor,
        "settings.update",
        target.clone(),
        |tx| {
            crate::access::require(tx, actor, crate::access::Action::EditSecuritySettings)?;
            let before = idle_lock_minutes(tx)?;
            tx.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![IDLE_LOCK_MINUTES, minutes.to_string(), now],
        )?;
            let event = crate::audit::Event::done(actor.audit_ref(), "settings.update", target)
                .with_change(
                    Some(serde_json::json!({ IDLE_LOCK_MINUTES: before })),
                    Some(serde_json::json!({ IDLE_LOCK_MINUTES: minutes })),
                );
            crate::audit::append(tx, clock, &event)?;
            Ok(())
        },
    )?;
    Ok(Change::of(Entity::Settings))
}

pub fn get(store: &Store) -> Result<AppSettings> {
    store.read(load)
}

/// Validates every field before writing any, then writes them in one
/// transaction. They are this desktop's preferences, in a local table, so a
/// connected desktop saves them without the team server (decision 0050).
pub fn update(
    store: &Store,
    clock: &dyn Clock,
    update: &SettingsUpdate,
) -> Result<(AppSettings, Change)> {
    let language = update
        .language
        .as_deref()
        .map(|text| parse_choice(LANGUAGE, text.trim(), LANGUAGES))
        .transpose()?;
    let theme = update
        .theme
        .as_deref()
        .map(|text| parse_choice(THEME, text.trim(), THEMES))
        .transpose()?;
    let now = to_rfc3339(clock.now())?;
    let settings = store.write(|tx| {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO desktop_preferences (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )?;
        if let Some(language) = language {
            upsert.execute(params![LANGUAGE, name_of(language, LANGUAGES), now])?;
        }
        if let Some(theme) = theme {
            upsert.execute(params![THEME, name_of(theme, THEMES), now])?;
        }
        load(tx)
    })?;
    Ok((settings, Change::of(Entity::Settings)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SystemClock;
    use crate::error::ErrorCode;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.sqlite3")).unwrap();
        (dir, store)
    }

    #[test]
    fn defaults_follow_the_system() {
        let (_dir, store) = store();
        assert_eq!(get(&store).unwrap(), AppSettings::default());
        assert_eq!(get(&store).unwrap().language, LanguagePreference::System);
    }

    #[test]
    fn updates_are_remembered_across_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite3");
        {
            let store = Store::open(&path).unwrap();
            let (saved, change) = update(
                &store,
                &SystemClock,
                &SettingsUpdate {
                    language: Some("pl".into()),
                    theme: Some(" dark ".into()),
                },
            )
            .unwrap();
            assert_eq!(saved.language, LanguagePreference::Pl);
            assert_eq!(saved.theme, ThemePreference::Dark);
            assert_eq!(change, Change::of(Entity::Settings));
        }
        let reopened = Store::open(&path).unwrap();
        let settings = get(&reopened).unwrap();
        assert_eq!(
            (settings.language, settings.theme),
            (LanguagePreference::Pl, ThemePreference::Dark)
        );
    }

    #[test]
    fn a_partial_update_keeps_the_other_setting() {
        let (_dir, store) = store();
        let only_theme = SettingsUpdate {
            theme: Some("light".into()),
            ..Default::default()
        };
        update(&store, &SystemClock, &only_theme).unwrap();
        let only_language = SettingsUpdate {
            language: Some("en".into()),
            ..Default::default()
        };
        let settings = update(&store, &SystemClock, &only_language).unwrap().0;
        assert_eq!(settings.theme, ThemePreference::Light);
        assert_eq!(settings.language, LanguagePreference::En);
    }

    #[test]
    fn an_invalid_value_names_its_field_and_writes_nothing() {
        let (_dir, store) = store();
        let bad = SettingsUpdate {
            language: Some("pl".into()),
            theme: Some("purple".into()),
        };
        let error = update(&store, &SystemClock, &bad).unwrap_err();
        assert_eq!(error.code(), ErrorCode::Validation);
        assert_eq!(error.field(), Some("theme"));
        assert!(error.to_string().contains("system, light, dark"));
        assert_eq!(
            get(&store).unwrap(),
            AppSettings::default(),
            "language not saved either"
        );
    }
}
