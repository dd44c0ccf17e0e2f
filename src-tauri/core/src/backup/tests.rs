//! Making, rotating and failing backups.

use std::fs;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags};
use time::macros::datetime;
use time::Duration;

use super::files;
use super::files::{backups_dir, file_name};
use super::*;
use crate::access::{CompanyRole, CustomerAccess};
use crate::audit::{self, AuditQuery};
use crate::error::{Error, ErrorCode};
use crate::notifications::{self, NotificationQuery};
use crate::testing::world;

fn count(path: &std::path::Path, sql: &str) -> i64 {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_backup_is_one_consistent_moment_while_writes_go_on() {
    let w = world();
    let store = Arc::new(w.store);
    let stop = Arc::new(AtomicBool::new(false));
    // Each transaction writes a pair; a torn copy would hold half a pair.
    let writer = {
        let (store, stop) = (Arc::clone(&store), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut n = 0_u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                store
                    .write(|tx| {
                        for half in ["a", "b"] {
                            tx.execute(
                                "INSERT INTO settings (key, value, updated_at) VALUES (?1, 'x', '')",
                                [format!("pair.{n}.{half}")],
                            )?;
                        }
                        Ok(())
                    })
                    .expect("write");
            }
            n
        })
    };
    let mut made = Vec::new();
    for _ in 0..5 {
        w.clock.advance(Duration::minutes(30));
        made.push(create(&store, &w.clock).expect("backup"));
    }
    stop.store(true, Ordering::Relaxed);
    let pairs = writer.join().unwrap();
    assert!(pairs > 0);
    let dir = backups_dir(store.path());
    for backup in &made {
        let path = dir.join(&backup.name);
        quick_check(&path).expect("every backup passes quick_check");
        let a = count(
            &path,
            "SELECT count(*) FROM settings WHERE key LIKE 'pair.%.a'",
        );
        let b = count(
            &path,
            "SELECT count(*) FROM settings WHERE key LIKE 'pair.%.b'",
        );
        assert_eq!(a, b, "{}: whole transactions only", backup.name);
        assert!(backup.checked && backup.size_bytes > 0);
        let mode: String = Connection::open(&path)
            .unwrap()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete", "a backup is one file, no write-ahead log");
    }
    let listed: Vec<String> = list(store.path())
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    let mut newest_first: Vec<String> = made.iter().rev().map(|b| b.name.clone()).collect();
    newest_first.dedup();
    assert_eq!(listed, newest_first, "listed newest first");
    assert!(
        !fs::read_dir(&dir).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".partial")),
        "no half-written copy is left"
    );
}

#[test]
fn backup_names_sort_as_time_with_milliseconds() {
    let at = datetime!(2026-11-25 09:30:00.123 UTC);
    assert_eq!(
        file_name(at).unwrap(),
        "partnerdesk-20261125T093000.123Z.sqlite3"
    );
    assert_eq!(files::taken_at(&file_name(at).unwrap()), Some(at));
    assert_eq!(files::taken_at("partnerdesk.sqlite3"), None);
    assert_eq!(files::taken_at("notes.txt"), None);
}

/// Half-hourly backups for 20 days, ending at `now`.
fn twenty_days_half_hourly(now: time::OffsetDateTime) -> Vec<String> {
    (0..20 * 48)
        .map(|i| file_name(now - Duration::minutes(30 * i)).unwrap())
        .collect()
}

#[test]
fn rotation_keeps_the_newest_48_and_the_newest_of_each_of_14_days() {
    let now = datetime!(2026-11-25 09:00:00 UTC);
    let names = twenty_days_half_hourly(now);
    let retired = retired(&names, now);
    let mut kept: Vec<&String> = names.iter().filter(|n| !retired.contains(n)).collect();
    kept.sort();
    let mut expected: Vec<String> = names.iter().take(KEEP_NEWEST).cloned().collect();
    // The newest of each day, 2026-11-12 to 2026-11-25: 23:30 but for today (09:00).
    for day in 12..=24 {
        expected.push(format!("partnerdesk-202611{day:02}T233000.000Z.sqlite3"));
    }
    expected.sort();
    expected.dedup();
    assert_eq!(kept, expected.iter().collect::<Vec<_>>());
    // 48 cover today back to yesterday 09:30: 11-24's newest is among them.
    assert_eq!(kept.len(), KEEP_NEWEST + 12);
    assert!(retired.iter().all(|n| files::taken_at(n).is_some()));
}

#[test]
fn rotation_deletes_exactly_the_retired_files_and_nothing_else() {
    let w = world();
    let dir = backups_dir(w.store.path());
    fs::create_dir_all(&dir).unwrap();
    let now = datetime!(2026-11-25 09:00:00 UTC);
    // Old backups made by earlier runs, and a file that is not a backup.
    for name in twenty_days_half_hourly(now - Duration::minutes(30)) {
        fs::write(dir.join(name), b"old").unwrap();
    }
    fs::write(dir.join("notes.txt"), b"mine").unwrap();
    w.clock.set(now);
    let made = create(&w.store, &w.clock).expect("backup");
    let listed: Vec<String> = list(w.store.path())
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert_eq!(listed[0], made.name, "the new backup is kept, newest");
    assert_eq!(listed.len(), KEEP_NEWEST + 12);
    assert!(
        retired(&listed, now).is_empty(),
        "what is left is what rotation keeps"
    );
    assert!(dir.join("notes.txt").exists());
}

#[test]
fn a_failed_backup_is_recorded_shown_and_notified_to_admins_who_manage_backups() {
    let w = world();
    let service = w.staff(
        "Sam Service",
        CompanyRole::ServiceAdmin,
        CustomerAccess::None,
    );
    let nobody = w.staff("Nina Nobody", CompanyRole::None, CustomerAccess::None);
    // The folder cannot be made: a file stands where it would be (as root
    // too, where permissions would not stop the write).
    fs::write(backups_dir(w.store.path()), b"in the way").unwrap();
    let error = create(&w.store, &w.clock).expect_err("no folder, no backup");
    assert_eq!(error.code(), ErrorCode::Storage);

    let shown = overview_as(&w.store, &w.clock, &w.admin).unwrap();
    let failure = shown.last_failure.expect("the failure is recorded");
    assert_eq!(failure.at, "2026-11-25T09:00:00.000Z");
    assert_eq!(failure.error.en, error.to_string());
    assert_ne!(failure.error.pl, failure.error.en);
    assert!(shown.failing && shown.backups.is_empty());

    let kind = Some(notifications::KIND_BACKUP_FAILED.to_owned());
    let query = NotificationQuery {
        kind,
        ..Default::default()
    };
    for (who, sees) in [(&w.admin, 1), (&service, 1), (&nobody, 0)] {
        let list = notifications::list(&w.store, &w.clock, who, &query).unwrap();
        assert_eq!(list.items.len(), sees, "{}", who.display_name);
        if sees == 1 {
            assert_eq!(list.items[0].object_kind, "backup");
            assert!(list.items[0].subject.contains("file error"));
        }
    }
    // The same trouble again the same day: recorded, not notified twice.
    w.clock.advance(Duration::minutes(30));
    create(&w.store, &w.clock).expect_err("still in the way");
    let list = notifications::list(&w.store, &w.clock, &w.admin, &query).unwrap();
    assert_eq!(list.items.len(), 1);
    let shown = overview_as(&w.store, &w.clock, &w.admin).unwrap();
    assert_eq!(shown.last_failure.unwrap().at, "2026-11-25T09:30:00.000Z");

    // Once it works again the failure is history, not the present.
    fs::remove_file(backups_dir(w.store.path())).unwrap();
    w.clock.advance(Duration::minutes(30));
    create(&w.store, &w.clock).unwrap();
    assert!(!overview_as(&w.store, &w.clock, &w.admin).unwrap().failing);
}

#[test]
fn the_schedule_backs_up_only_when_something_committed() {
    let w = world();
    let schedule = Schedule::default();
    assert!(schedule.run_if_changed(&w.store, &w.clock).unwrap().is_ok());
    assert!(
        schedule.run_if_changed(&w.store, &w.clock).is_none(),
        "nothing new"
    );
    w.customer("Alfa", "alfa", &[]);
    w.clock.advance(Duration::minutes(30));
    assert!(schedule.run_if_changed(&w.store, &w.clock).unwrap().is_ok());
    assert_eq!(list(w.store.path()).unwrap().len(), 2);
}

#[test]
fn service_admins_may_back_up_but_not_restore_and_others_neither() {
    let w = world();
    let service = w.staff(
        "Sam Service",
        CompanyRole::ServiceAdmin,
        CustomerAccess::None,
    );
    let billing = w.staff(
        "Bill Billing",
        CompanyRole::BillingAdmin,
        CustomerAccess::Full,
    );
    let made = back_up_now_as(&w.store, &w.clock, &service).expect("service admin backs up");
    assert_eq!(
        overview_as(&w.store, &w.clock, &service)
            .unwrap()
            .backups
            .len(),
        1
    );
    let newest = |store: &crate::Store| {
        let page = audit::list(
            store,
            &AuditQuery {
                limit: Some(1),
                ..Default::default()
            },
        )
        .unwrap();
        let e = page.entries[0].clone();
        (e.action, e.outcome, e.target_label)
    };
    assert_eq!(
        newest(&w.store),
        ("backup.create".into(), "done".into(), made.name.clone())
    );

    let refused = prepare_restore_as(&w.store, &w.clock, &service, &made.name).unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Forbidden {
                reason: "role_required",
                ..
            }
        ),
        "{refused}"
    );
    assert_eq!(
        newest(&w.store),
        ("backup.restore".into(), "refused".into(), made.name.clone())
    );

    for refused in [
        back_up_now_as(&w.store, &w.clock, &billing).map(|_| ()),
        overview_as(&w.store, &w.clock, &billing).map(|_| ()),
        prepare_restore_as(&w.store, &w.clock, &billing, &made.name).map(|_| ()),
    ] {
        assert_eq!(refused.unwrap_err().code(), ErrorCode::Forbidden);
    }
    assert_eq!(list(w.store.path()).unwrap().len(), 1, "billing made none");
    prepare_restore_as(&w.store, &w.clock, &w.admin, &made.name).expect("a global admin may");
    let unknown = prepare_restore_as(&w.store, &w.clock, &w.admin, "../partnerdesk.sqlite3");
    assert!(matches!(unknown, Err(Error::Validation { .. })));
}
