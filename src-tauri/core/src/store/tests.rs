use rusqlite_migration::{Migrations, M};
use time::macros::datetime;

use super::*;
use crate::clock::ManualClock;
use crate::error::ErrorCode;

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    (dir, path)
}

fn clock() -> ManualClock {
    ManualClock::at(datetime!(2026-11-25 09:00:00 UTC))
}

#[test]
fn a_fresh_database_is_created_at_the_latest_version_with_the_configured_pragmas() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("opens");
    assert_eq!(store.schema_version().unwrap(), latest_version());
    assert_eq!(store.migration().from_version, 0);
    assert_eq!(
        store.migration().backup,
        None,
        "nothing to back up in a new file"
    );
    store
        .read(|conn| {
            let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
            let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
            let sync: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0))?;
            let busy: i64 = conn.pragma_query_value(None, "busy_timeout", |r| r.get(0))?;
            assert_eq!(mode, "wal");
            assert_eq!(fk, 1);
            assert_eq!(sync, 2, "FULL");
            assert_eq!(busy, 5000);
            Ok(())
        })
        .unwrap();
}

#[test]
fn every_earlier_schema_version_upgrades_to_the_latest_after_a_backup() {
    for version in 0..latest_version() {
        let (_dir, path) = temp_db();
        {
            let mut conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "journal_mode", "WAL").unwrap();
            migrations().to_version(&mut conn, version).unwrap();
        }
        let store = Store::open_with(&path, &migrations(), latest_version(), &clock())
            .unwrap_or_else(|e| panic!("upgrade from v{version}: {e}"));
        assert_eq!(store.schema_version().unwrap(), latest_version());
        let report = store.migration();
        assert_eq!(report.from_version, version);
        match &report.backup {
            None => assert_eq!(version, 0, "only a new file skips the backup"),
            Some(backup) => {
                let copy = Connection::open(backup).unwrap();
                assert_eq!(migrations::schema_version(&copy).unwrap(), version);
                assert!(backup.to_string_lossy().ends_with(&format!(
                    ".before-migration.v{version}.20261125T090000Z.bak"
                )));
            }
        }
        store
            .read(|conn| {
                let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
                assert_eq!(check, "ok");
                let fk_violations: i64 =
                    conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                        r.get(0)
                    })?;
                assert_eq!(fk_violations, 0);
                Ok(())
            })
            .unwrap();
    }
}

#[test]
fn a_database_from_a_newer_build_is_refused_and_left_untouched() {
    let (_dir, path) = temp_db();
    drop(Store::open(&path).unwrap());
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", latest_version() as i64 + 1)
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let error = Store::open(&path).err().expect("refused");
    assert_eq!(error.code(), ErrorCode::Storage);
    assert!(
        matches!(error, Error::DatabaseTooNew { found, supported, .. }
        if found == latest_version() + 1 && supported == latest_version())
    );
    assert!(error.to_string().contains("newer version of Partnerdesk"));
    assert_eq!(std::fs::read(&path).unwrap(), before, "not a byte changed");
}

#[test]
fn a_failing_migration_leaves_the_file_exactly_as_it_was() {
    let (_dir, path) = temp_db();
    {
        let store = Store::open(&path).unwrap();
        store
            .write(|tx| {
                tx.execute(
                    "INSERT INTO settings (key, value, updated_at) VALUES ('language', 'pl', 'x')",
                    [],
                )?;
                Ok(())
            })
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();

    let mut steps: Vec<M<'static>> = (0..latest_version())
        .map(|i| migrations_slice()[i].clone())
        .collect();
    steps.push(M::up(
        "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);",
    ));
    let broken = Migrations::new(steps);
    let error = Store::open_with(&path, &broken, latest_version() + 1, &clock())
        .err()
        .expect("the broken migration fails");
    assert_eq!(error.code(), ErrorCode::Storage);

    assert_eq!(std::fs::read(&path).unwrap(), before, "not a byte changed");
    let store = Store::open(&path).unwrap();
    let (version, language, half_done): (usize, String, i64) = store
        .read(|conn| {
            Ok((
                migrations::schema_version(conn)?,
                conn.query_row(
                    "SELECT value FROM settings WHERE key = 'language'",
                    [],
                    |r| r.get(0),
                )?,
                conn.query_row(
                    "SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'",
                    [],
                    |r| r.get(0),
                )?,
            ))
        })
        .unwrap();
    assert_eq!(
        (version, language.as_str(), half_done),
        (latest_version(), "pl", 0)
    );
}

#[test]
fn a_failed_write_rolls_back_everything_it_did() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).unwrap();
    let result: Result<()> = store.write(|tx| {
        tx.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES ('theme', 'dark', 'x')",
            [],
        )?;
        Err(Error::validation(
            "language",
            text!(
                "refused after the first insert",
                "odrzucone po pierwszym wstawieniu"
            ),
        ))
    });
    assert_eq!(result.unwrap_err().field(), Some("language"));
    let rows: i64 = store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM settings", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(rows, 0);
}

#[test]
fn the_read_connection_cannot_write() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).unwrap();
    let attempt = store.read(|conn| {
        conn.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES ('a', 'b', 'c')",
            [],
        )?;
        Ok(())
    });
    assert!(attempt.is_err());
}

fn migrations_slice() -> &'static [M<'static>] {
    migrations::MIGRATIONS
}
