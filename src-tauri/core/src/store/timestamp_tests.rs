//! Migration 0011: every stored instant in the one fixed-width form, from any
//! earlier schema version, the audit log's rows excepted.

use rusqlite::Connection;
use time::macros::datetime;

use super::*;
use crate::clock::{parse_rfc3339, to_rfc3339, ManualClock};

/// The schema version migration 0011 brings a database to: the tests seed
/// the version before it, whatever migrations came after.
const FIXED_WIDTH: usize = 11;

/// The forms earlier builds wrote (no fraction, a short one, nanoseconds) and
/// one with an offset, which none wrote but SQLite's parser must still read.
const OLD: [&str; 4] = [
    "2026-11-25T09:30:00Z",
    "2026-11-25T09:30:00.17Z",
    "2026-11-25T09:30:00.123456789Z",
    "2026-11-25T10:30:00.5+01:00",
];

/// Tables created after 0011, whose instants were only ever written in the
/// fixed form (by `to_rfc3339` or a migration's literal in that form):
/// catalog_prices (0013, decision 0038), offer_matrix (0014, decision 0040),
/// subscription_licence_lots (0016, decision 0041), partner_of_record_claims
/// (0018, decision 0044), the GDAP tables (0019, decision 0045).
const BORN_FIXED: &[&str] = &[
    "catalog_prices",
    "offer_matrix",
    "subscription_licence_lots",
    "partner_of_record_claims",
    "role_templates",
    "security_groups",
    "access_assignments",
    "desktop_preferences",
];

fn is_instant(column: &str) -> bool {
    column == "at" || column.ends_with("_at")
}

/// `(table, column, declared type, required without default)` of every
/// ordinary table, as the schema at hand has them.
fn columns(conn: &Connection) -> Vec<(String, String, String, bool)> {
    conn.prepare(
        "SELECT m.name, p.name, p.type, p.\"notnull\" AND p.dflt_value IS NULL
         FROM sqlite_schema m, pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%'
           AND m.name NOT LIKE 'customer\\_search\\_%' ESCAPE '\\'
         ORDER BY m.name, p.cid",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// One row in every table that has an instant, each instant in one of the old
/// forms. Check constraints and foreign keys are off: the row only has to
/// hold timestamps, and the migration must not care what else it holds.
fn seed_old_rows(conn: &Connection) -> Vec<(String, String, String)> {
    conn.pragma_update(None, "ignore_check_constraints", true)
        .unwrap();
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    let all = columns(conn);
    let mut seeded = Vec::new();
    let mut tables: Vec<&str> = all.iter().map(|(t, ..)| t.as_str()).collect();
    tables.dedup();
    for table in tables {
        let mine: Vec<_> = all.iter().filter(|(t, ..)| t == table).collect();
        if !mine.iter().any(|(_, c, ..)| is_instant(c)) {
            continue;
        }
        let (mut names, mut values) = (Vec::new(), Vec::new());
        for (_, column, kind, required) in mine {
            let value = if is_instant(column) {
                let old = OLD[seeded.len() % OLD.len()];
                seeded.push((table.to_owned(), column.clone(), old.to_owned()));
                format!("'{old}'")
            } else if !required {
                continue;
            } else if kind.eq_ignore_ascii_case("INTEGER") {
                "1".to_owned()
            } else {
                format!("'{table}.{column}'")
            };
            names.push(column.clone());
            values.push(value);
        }
        conn.execute(
            &format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                names.join(", "),
                values.join(", ")
            ),
            [],
        )
        .unwrap_or_else(|e| panic!("seeding {table}: {e}"));
    }
    seeded
}

fn at_version(path: &Path, version: usize) -> Connection {
    let mut conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    migrations().to_version(&mut conn, version).unwrap();
    conn
}

fn open_latest(path: &Path) -> Store {
    let clock = ManualClock::at(datetime!(2026-11-25 09:00:00 UTC));
    Store::open_with(path, &migrations(), latest_version(), &clock).unwrap()
}

#[test]
fn every_earlier_version_has_each_stored_instant_rewritten_to_the_fixed_form() {
    let dir = tempfile::tempdir().unwrap();
    for version in 1..FIXED_WIDTH {
        let path = dir.path().join(format!("v{version}.sqlite3"));
        let seeded = seed_old_rows(&at_version(&path, version));
        // Migrated to 0011 only: the seeded rows are junk outside their
        // timestamps (checks were off), and a later migration that adds a
        // column to a table with CHECKs re-checks its rows (SQLite's ALTER
        // TABLE ADD COLUMN runs quick_check).
        let conn = at_version(&path, FIXED_WIDTH);
        for (table, column, old) in &seeded {
            let now: String = conn
                .query_row(&format!("SELECT {column} FROM {table}"), [], |r| r.get(0))
                .unwrap();
            let expected = if table == "audit_log" {
                old.clone()
            } else {
                to_rfc3339(parse_rfc3339(column, old).unwrap()).unwrap()
            };
            assert_eq!(now, expected, "v{version}: {table}.{column} from {old}");
        }
        // Whatever the version, every instant column of the latest schema was
        // seeded: a table added later than 0011 would need 0011's successor.
        let latest = open_latest(&dir.path().join(format!("latest{version}.sqlite3")));
        let instants = latest
            .read(|conn| Ok(columns(conn)))
            .unwrap()
            .into_iter()
            .filter(|(t, c, ..)| {
                is_instant(c) && t != "audit_log" && !BORN_FIXED.contains(&t.as_str())
            })
            .count();
        if version == FIXED_WIDTH - 1 {
            assert!(seeded.iter().any(|(t, ..)| t == "audit_log"));
            assert_eq!(instants + 1, seeded.len(), "every column seeded");
        }
    }
}

#[test]
fn the_migrated_form_is_the_one_to_rfc3339_writes_for_every_old_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let conn = at_version(&path, FIXED_WIDTH - 1);
    let old = [
        "2026-11-25T09:30:00Z",
        "2026-11-25T09:30:00.1Z",
        "2026-11-25T09:30:00.17Z",
        "2026-11-25T09:30:00.170Z",
        "2026-11-25T09:30:00.9999Z",
        "2026-11-25T09:30:59.999999999Z",
        "2026-11-25T10:30:00.25+01:00",
    ];
    for (n, at) in old.iter().enumerate() {
        conn.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, '', ?2)",
            (n.to_string(), at),
        )
        .unwrap();
    }
    drop(conn);
    let migrated: Vec<String> = open_latest(&path)
        .read(|conn| {
            Ok(conn
                .prepare("SELECT updated_at FROM settings ORDER BY CAST(key AS INTEGER)")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    let written: Vec<String> = old
        .iter()
        .map(|at| to_rfc3339(parse_rfc3339("at", at).unwrap()).unwrap())
        .collect();
    assert_eq!(migrated, written);
}

#[test]
fn after_the_migration_an_index_ordered_query_returns_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let conn = at_version(&path, FIXED_WIDTH - 1);
    // Inserted latest first: the same second, 170 ms apart, then a second later.
    for (id, at) in [
        ("c", "2026-11-25T09:30:01Z"),
        ("b", "2026-11-25T09:30:00.17Z"),
        ("a", "2026-11-25T09:30:00Z"),
    ] {
        conn.execute(
            "INSERT INTO notifications (id, cause_key, kind, event, object_kind, subject, created_at)
             VALUES (?1, ?1, 'offer', 'expiring', 'offer', 'x', ?2)",
            (id, at),
        )
        .unwrap();
    }
    let old_order: Vec<String> = conn
        .prepare("SELECT id FROM notifications ORDER BY created_at, id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        old_order,
        ["b", "a", "c"],
        "the same-second bug, before 0011"
    );
    drop(conn);
    let store = open_latest(&path);
    let (plan, order): (String, Vec<String>) = store
        .read(|conn| {
            let sql = "SELECT id FROM notifications ORDER BY created_at, id";
            let plan = conn.query_row(&format!("EXPLAIN QUERY PLAN {sql}"), [], |r| r.get(3))?;
            let order = conn
                .prepare(sql)?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok((plan, order))
        })
        .unwrap();
    assert!(plan.contains("notifications_by_created"), "{plan}");
    assert_eq!(order, ["a", "b", "c"]);
}
