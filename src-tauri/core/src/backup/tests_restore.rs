//! Opening a damaged database, recovering it, and restoring from Settings.

use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use super::files::{backups_dir, with_suffix};
use super::*;
use crate::audit::{self, AuditQuery};
use crate::clock::Clock;
use crate::customers::{self, CustomerQuery};
use crate::error::{Error, ErrorCode};
use crate::testing::world;

/// Overwrites database page `page` (1-based) with garbage, as a bad sector would.
pub(crate) fn corrupt_page(path: &Path, page: u64) {
    let bytes = fs::read(path).unwrap();
    let page_size = u64::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    assert!(
        bytes.len() as u64 >= page * page_size,
        "the file has page {page}"
    );
    let mut file = fs::OpenOptions::new().write(true).open(path).unwrap();
    file.seek(SeekFrom::Start((page - 1) * page_size)).unwrap();
    let garbage: Vec<u8> = b"garbage!"
        .iter()
        .copied()
        .cycle()
        .take(page_size as usize)
        .collect();
    file.write_all(&garbage).unwrap();
    file.sync_all().unwrap();
}

fn names(
    store: &crate::Store,
    actor: &crate::auth::Actor,
    clock: &dyn crate::clock::Clock,
) -> Vec<String> {
    customers::list(store, clock, actor, &CustomerQuery::default())
        .unwrap()
        .rows
        .into_iter()
        .map(|c| c.company_name)
        .collect()
}

#[test]
fn a_damaged_database_is_refused_at_open_and_the_newest_good_backup_brings_the_data_back() {
    let w = world();
    w.customer("Alfa", "alfa", &[]);
    let good = create(&w.store, &w.clock).expect("backup");
    let path = w.store.path().to_owned();
    let admin = w.admin.clone();
    // Closing the last connection checkpoints the log into the file.
    drop(w.store);
    corrupt_page(&path, 3);
    let damaged_bytes = fs::read(&path).unwrap();

    let error = open_checked(&path)
        .err()
        .expect("a damaged file does not open");
    assert_eq!(error.code(), ErrorCode::Damaged);
    let text = error.text();
    assert!(text.en.contains(&path.display().to_string()), "{}", text.en);
    assert!(text.pl.contains(&path.display().to_string()) && text.pl.contains("uszkodzony"));
    assert_eq!(
        fs::read(&path).unwrap(),
        damaged_bytes,
        "the check changed nothing"
    );

    let listed = recovery_overview(&path).unwrap();
    assert_eq!(listed.backups[0].name, good.name);

    // A newer backup that is itself damaged is passed over, and kept.
    w.clock.advance(time::Duration::minutes(1));
    let bad_name = super::files::file_name(w.clock.now()).unwrap();
    let bad = backups_dir(&path).join(&bad_name);
    fs::copy(&path, &bad).unwrap();

    let recovered = recover(&path, &w.clock, None).expect("recovers");
    assert_eq!(recovered.restored.name, good.name);
    assert_eq!(recovered.skipped, vec![bad_name]);
    assert!(with_suffix(&bad, ".failed-check").exists());
    assert_eq!(names(&recovered.store, &admin, &w.clock), ["Alfa"]);
    assert_eq!(
        fs::read(&recovered.set_aside).unwrap(),
        damaged_bytes,
        "kept aside, never deleted"
    );
    assert!(recovered
        .set_aside
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("t.sqlite3.damaged-20261125T"));
    let page = audit::list(
        &recovered.store,
        &AuditQuery {
            limit: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    let entry = &page.entries[0];
    assert_eq!(
        (entry.action.as_str(), entry.target_label.as_str()),
        ("backup.restored", good.name.as_str())
    );
    assert_eq!(
        entry.actor_name, "",
        "nobody could sign in to the damaged file"
    );
    let verified = audit::verify(&recovered.store).unwrap();
    assert!(verified.intact, "re-anchored: {:?}", verified.findings);
    let store = recovered.store;
    drop(store);
    open_checked(&path).expect("the restored file opens");
}

#[test]
fn a_file_that_is_not_a_database_is_damaged_too_and_a_missing_one_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("partnerdesk.sqlite3");
    open_checked(&path).expect("a new database");
    let other = dir.path().join("other.sqlite3");
    fs::write(
        &other,
        b"this is a letter, not a database, and it is long enough to have a header",
    )
    .unwrap();
    let error = open_checked(&other).err().expect("not a database");
    assert_eq!(error.code(), ErrorCode::Damaged);
    assert!(error.to_string().contains("not a database"), "{error}");
}

#[test]
fn a_chosen_backup_must_be_one_of_the_list_and_good() {
    let w = world();
    let good = create(&w.store, &w.clock).unwrap();
    let path = w.store.path().to_owned();
    drop(w.store);
    corrupt_page(&path, 3);
    for name in [
        "../t.sqlite3",
        "t.sqlite3",
        "partnerdesk-20991231T000000.000Z.sqlite3",
    ] {
        let refused = recover(&path, &w.clock, Some(name)).err().expect(name);
        assert!(
            matches!(refused, Error::Validation { .. }),
            "{name}: {refused}"
        );
    }
    assert!(open_checked(&path).is_err(), "nothing was touched");
    let recovered = recover(&path, &w.clock, Some(&good.name)).expect("the chosen one");
    assert_eq!(recovered.restored.name, good.name);
}

#[test]
fn restoring_from_settings_keeps_the_current_file_aside_with_its_companions() {
    let w = world();
    w.customer("Alfa", "alfa", &[]);
    let backup = create(&w.store, &w.clock).unwrap();
    w.customer("Beta", "beta", &[]);
    let path = w.store.path().to_owned();
    let head = with_suffix(&path, ".audit-head");
    let admin = w.admin.clone();
    let from = prepare_restore_as(&w.store, &w.clock, &admin, &backup.name).unwrap();
    drop(w.store);
    let head_before = fs::read(&head).unwrap();

    let (store, aside) = restore_closed(&path, &from, &w.clock, &admin.audit_ref()).unwrap();
    assert_eq!(
        names(&store, &admin, &w.clock),
        ["Alfa"],
        "the backup's data"
    );
    assert!(aside
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("t.sqlite3.before-restore-"));
    assert_eq!(
        fs::read(with_suffix(&aside, ".audit-head")).unwrap(),
        head_before,
        "the head file went along"
    );
    let before = crate::Store::open(&aside).unwrap();
    let mut kept = names(&before, &admin, &w.clock);
    kept.sort();
    assert_eq!(kept, ["Alfa", "Beta"], "the replaced file is whole");
    let last = |s: &crate::Store| {
        audit::list(
            s,
            &AuditQuery {
                limit: Some(1),
                ..Default::default()
            },
        )
        .unwrap()
        .entries[0]
            .clone()
    };
    assert_eq!(last(&before).action, "backup.restore");
    let restored = last(&store);
    assert_eq!(
        (restored.action.as_str(), restored.actor_name.as_str()),
        ("backup.restored", "Anna Admin")
    );
    // The restored log ends where the backup was taken; re-anchored, it
    // verifies whole, and the re-anchoring is the entry before.
    let verified = audit::verify(&store).unwrap();
    assert!(verified.intact, "{:?}", verified.findings);
    let entries = audit::list(
        &store,
        &AuditQuery {
            limit: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(entries.entries[1].action, "audit.reanchor");
    assert!(head.exists(), "a new head file for the restored database");
}

#[test]
fn a_database_left_with_its_write_ahead_log_by_a_crash_passes_the_check_and_keeps_its_data() {
    let w = world();
    w.customer("Alfa", "alfa", &[]);
    // The files as a crash leaves them: copied while the store is open.
    let crashed = tempfile::tempdir().unwrap();
    let copy = crashed.path().join("t.sqlite3");
    for suffix in ["", "-wal"] {
        let from = with_suffix(w.store.path(), suffix);
        fs::copy(&from, with_suffix(&copy, suffix)).unwrap();
    }
    assert!(
        fs::metadata(with_suffix(&copy, "-wal")).unwrap().len() > 0,
        "the log holds the commits"
    );
    let store = open_checked(&copy).expect("a crash is not damage");
    assert_eq!(names(&store, &w.admin, &w.clock), ["Alfa"]);
}
