//! The head file and what verify finds against it (docs/decisions/0029-audit-head.md).

use std::path::Path;

use rusqlite::Connection;
use time::macros::datetime;

use super::head::{head_file_path, read_head_file, write_head_file, HeadFile};
use super::tests::{actor, seed, staff_target, store, tamper};
use super::*;
use crate::clock::ManualClock;
use crate::store::{migrations, DATABASE_FILE};

fn clock() -> ManualClock {
    ManualClock::at(datetime!(2026-11-25 09:00:00 UTC))
}

fn file_head(store: &Store) -> AuditHead {
    match read_head_file(&head_file_path(store.path())) {
        HeadFile::Found(head) => head,
        other => panic!("no head file: {other:?}"),
    }
}

fn kinds(result: &AuditVerification) -> Vec<(FindingKind, Option<i64>, Option<i64>)> {
    result
        .findings
        .iter()
        .map(|f| (f.kind, f.seq, f.to_seq))
        .collect()
}

fn one_more(store: &Store, clock: &ManualClock) -> i64 {
    record(
        store,
        clock,
        &Event::done(actor("Anna"), "staff.update", staff_target("x")),
    )
    .unwrap()
}

#[test]
fn the_head_file_follows_every_audited_commit() {
    let (_dir, store) = store();
    let clock = clock();
    let path = head_file_path(store.path());
    assert!(path.to_string_lossy().ends_with("a.sqlite3.audit-head"));
    assert_eq!(
        file_head(&store).seq,
        0,
        "a new database gets its file at once"
    );
    assert_eq!(file_head(&store).hash, GENESIS_HASH);
    seed(&store, &clock, 3);
    let newest = store.read(super::head::newest).unwrap();
    assert_eq!(file_head(&store), newest);
    assert_eq!(newest.seq, 3);
    assert_eq!(one_more(&store, &clock), 4);
    assert_eq!(file_head(&store).seq, 4);
    let status = head_status(&store).unwrap();
    assert_eq!(status.file_state, HeadFileState::Matches);
    assert_eq!(status.head.seq, 4);
    assert_eq!(status.file_path, path.display().to_string());
}

#[test]
fn the_triggers_refuse_to_change_or_delete_an_entry() {
    let (_dir, store) = store();
    seed(&store, &clock(), 3);
    let conn = Connection::open(store.path()).unwrap();
    let update = conn
        .execute("UPDATE audit_log SET detail = 'x' WHERE seq = 2", [])
        .unwrap_err();
    assert!(update.to_string().contains("append-only"), "{update}");
    let delete = conn
        .execute("DELETE FROM audit_log WHERE seq = 3", [])
        .unwrap_err();
    assert!(delete.to_string().contains("append-only"), "{delete}");
    // The app's own connection is refused the same way: a bug cannot do it either.
    let error = store
        .write(|tx| Ok(tx.execute("DELETE FROM audit_log", [])?))
        .unwrap_err();
    assert!(error.to_string().contains("append-only"), "{error}");
    assert!(verify(&store).unwrap().intact);
}

#[test]
fn deleting_the_newest_entries_is_reported_with_how_many() {
    let (_dir, store) = store();
    let clock = clock();
    seed(&store, &clock, 10);
    tamper(&store, "DELETE FROM audit_log WHERE seq > 6");
    let result = verify(&store).unwrap();
    assert!(!result.intact);
    assert_eq!(
        kinds(&result),
        vec![(FindingKind::NewestMissing, Some(7), Some(10))]
    );
    assert_eq!(
        result.findings[0].text.en,
        "The head file says 10 but the newest entry is 6: the 4 newest entries were deleted."
    );
    assert_eq!(
        result.findings[0].text.pl,
        "Plik głowy wskazuje 10, a najnowszy wpis to 6: usunięto najnowsze wpisy w liczbie 4."
    );
    assert_eq!(result.first_broken_seq, None, "the chain itself links");
    assert_eq!(result.head_file, HeadFileState::Mismatch);

    // Reopening does not paper over it, and new entries do not overwrite the evidence.
    let path = store.path().to_path_buf();
    drop(store);
    let store = Store::open(&path).unwrap();
    one_more(&store, &clock);
    assert_eq!(file_head(&store).seq, 10, "the head file is left as found");
    let result = verify(&store).unwrap();
    assert_eq!(
        kinds(&result),
        vec![(FindingKind::NewestMissing, Some(7), Some(10))],
        "counted from where the log ended at this start"
    );
    assert_eq!(
        result.findings[0].text.en,
        "The head file says 10 but the newest entry was 6 when Partnerdesk started: the 4 newest entries were deleted."
    );
    for _ in 0..3 {
        one_more(&store, &clock);
    }
    drop(store);
    let store = Store::open(&path).unwrap();
    let result = verify(&store).unwrap();
    assert_eq!(
        kinds(&result),
        vec![(FindingKind::HeadMismatch, Some(10), None)],
        "refilled up to the same seq, the hash still differs"
    );
    assert!(result.findings[0]
        .text
        .en
        .contains("Entry 10 is not the one the head file recorded"));
}

#[test]
fn large_counts_are_written_with_thousands_separators() {
    let (_dir, store) = store();
    let clock = clock();
    seed(&store, &clock, 1204);
    tamper(&store, "DELETE FROM audit_log WHERE seq > 200");
    let result = verify(&store).unwrap();
    assert_eq!(
        result.findings[0].text.en,
        "The head file says 1,204 but the newest entry is 200: the 1,004 newest entries were deleted."
    );
}

#[test]
fn a_deleted_or_replaced_head_file_is_reported_and_not_recreated() {
    let (_dir, store) = store();
    let clock = clock();
    seed(&store, &clock, 5);
    let path = head_file_path(store.path());

    std::fs::remove_file(&path).unwrap();
    let result = verify(&store).unwrap();
    assert_eq!(
        kinds(&result),
        vec![(FindingKind::HeadFileMissing, None, None)]
    );
    assert!(result.findings[0].text.en.contains("is missing"));
    let db = store.path().to_path_buf();
    drop(store);
    let store = Store::open(&db).unwrap();
    one_more(&store, &clock);
    assert!(
        !path.exists(),
        "an up-to-date database missing its file is a finding"
    );
    assert_eq!(
        head_status(&store).unwrap().file_state,
        HeadFileState::Missing
    );

    std::fs::write(&path, "not a head").unwrap();
    let result = verify(&store).unwrap();
    assert_eq!(
        kinds(&result),
        vec![(FindingKind::HeadFileUnreadable, None, None)]
    );

    let forged = AuditHead {
        seq: 6,
        hash: "ab".repeat(32),
        at: String::new(),
    };
    write_head_file(&path, &forged).unwrap();
    let result = verify(&store).unwrap();
    assert_eq!(
        kinds(&result),
        vec![(FindingKind::HeadMismatch, Some(6), None)]
    );
}

#[test]
fn a_rolled_back_write_or_one_without_entries_leaves_the_head_file_alone() {
    let (_dir, store) = store();
    let clock = clock();
    seed(&store, &clock, 2);
    let before = file_head(&store);
    let failed: Result<()> = store.write(|tx| {
        append(
            tx,
            &clock,
            &Event::done(actor("Anna"), "staff.update", staff_target("y")),
        )?;
        Err(crate::error::Error::Internal("rolled back".into()))
    });
    assert!(failed.is_err());
    assert_eq!(
        file_head(&store),
        before,
        "nothing committed, nothing written"
    );
    store.write(|_| Ok(())).unwrap();
    assert_eq!(file_head(&store), before);
    assert!(verify(&store).unwrap().intact);

    // A commit without entries does not touch the file at all.
    let path = head_file_path(store.path());
    std::fs::remove_file(&path).unwrap();
    store
        .write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 'now')",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    assert!(!path.exists());
    one_more(&store, &clock);
    assert_eq!(
        file_head(&store).seq,
        3,
        "an audited commit writes it again"
    );
}

#[test]
fn a_failed_head_write_loses_nothing_and_is_reported_until_it_succeeds() {
    let (_dir, store) = store();
    let clock = clock();
    seed(&store, &clock, 2);
    let mut temp = head_file_path(store.path()).into_os_string();
    temp.push(".tmp");
    // A folder where the temp file goes: creating it fails.
    std::fs::create_dir(&temp).unwrap();
    assert_eq!(one_more(&store, &clock), 3, "the change commits");
    assert_eq!(file_head(&store).seq, 2);
    let status = head_status(&store).unwrap();
    assert_eq!(status.file_state, HeadFileState::Behind);
    assert!(status.problem.is_some());
    let result = verify(&store).unwrap();
    assert_eq!(
        kinds(&result),
        vec![(FindingKind::HeadWriteFailed, None, None)]
    );
    assert_eq!(result.entries_checked, 3);

    std::fs::remove_dir(&temp).unwrap();
    one_more(&store, &clock);
    assert_eq!(file_head(&store).seq, 4);
    assert!(verify(&store).unwrap().intact);
    assert_eq!(head_status(&store).unwrap().problem, None);
}

#[test]
fn a_head_file_left_behind_by_a_stop_is_caught_up_at_the_next_start() {
    let (_dir, store) = store();
    let clock = clock();
    seed(&store, &clock, 3);
    let path = head_file_path(store.path());
    let older = std::fs::read(&path).unwrap();
    seed(&store, &clock, 2);
    // As if the app stopped between the commit and the head write.
    std::fs::write(&path, older).unwrap();
    assert!(
        verify(&store).unwrap().intact,
        "behind on the same chain is no break"
    );
    let db = store.path().to_path_buf();
    drop(store);
    let store = Store::open(&db).unwrap();
    assert_eq!(file_head(&store).seq, 5);
    let status = head_status(&store).unwrap();
    assert_eq!(status.file_state, HeadFileState::Matches);
    assert!(status.note.unwrap().en.contains("named entry 3"));
}

/// A database as the previous version left it: schema 11, entries, no head file.
fn previous_version_database(dir: &Path) -> std::path::PathBuf {
    let path = dir.join(DATABASE_FILE);
    let mut conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    migrations()
        .to_version(&mut conn, super::head::HEAD_SINCE_VERSION - 1)
        .unwrap();
    let clock = clock();
    for i in 0..3 {
        append(
            &conn,
            &clock,
            &Event::done(actor("Anna"), "staff.update", staff_target(&format!("{i}"))),
        )
        .unwrap();
    }
    path
}

#[test]
fn upgrading_a_previous_version_database_creates_its_head_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = previous_version_database(dir.path());
    let store = Store::open(&path).unwrap();
    assert_eq!(file_head(&store).seq, 3);
    let status = head_status(&store).unwrap();
    assert_eq!(status.file_state, HeadFileState::Matches);
    assert!(status.note.unwrap().en.contains("upgraded from version 11"));
    assert!(verify(&store).unwrap().intact);
    // Deleted after the upgrade, it is a finding: the database is up to date now.
    drop(store);
    std::fs::remove_file(head_file_path(&path)).unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(
        kinds(&verify(&store).unwrap()),
        vec![(FindingKind::HeadFileMissing, None, None)]
    );
}

#[test]
fn a_database_replaced_by_a_new_one_is_a_mismatch() {
    let (dir, store) = store();
    seed(&store, &clock(), 4);
    let db = store.path().to_path_buf();
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("a.sqlite3{suffix}")));
    }
    let store = Store::open(&db).unwrap();
    assert_eq!(file_head(&store).seq, 4, "the old head is kept as evidence");
    assert_eq!(
        kinds(&verify(&store).unwrap()),
        vec![(FindingKind::NewestMissing, Some(1), Some(4))]
    );
}

#[test]
fn reanchoring_records_the_head_it_replaces_and_verifies_clean_after() {
    let (_dir, store) = store();
    let clock = clock();
    seed(&store, &clock, 10);
    let old = file_head(&store);
    tamper(&store, "DELETE FROM audit_log WHERE seq > 6");
    assert!(!verify(&store).unwrap().intact);

    let blank = reanchor_audit_head(&store, &clock, &actor("Anna"), "  ").unwrap_err();
    assert_eq!(blank.field(), Some("reason"));

    let status = reanchor_audit_head(
        &store,
        &clock,
        &actor("Anna"),
        "restored from last night's backup",
    )
    .unwrap();
    assert_eq!(status.file_state, HeadFileState::Matches);
    assert_eq!(status.head.seq, 7, "the re-anchor entry is the new head");
    assert_eq!(file_head(&store).seq, 7);
    let entry = &list(&store, &AuditQuery::default()).unwrap().entries[0];
    assert_eq!(entry.action, "audit.reanchor");
    assert_eq!(entry.detail, "restored from last night's backup");
    let before: serde_json::Value =
        serde_json::from_str(entry.before_json.as_deref().unwrap()).unwrap();
    assert_eq!(before["head_file"]["seq"], 10);
    assert_eq!(before["head_file"]["hash"], old.hash.as_str());
    assert_eq!(before["head_file_state"], "mismatch");
    let after: serde_json::Value =
        serde_json::from_str(entry.after_json.as_deref().unwrap()).unwrap();
    assert_eq!(after["newest_seq"], 6);

    let result = verify(&store).unwrap();
    assert!(result.intact, "{:?}", result.findings);
    // And the file is kept in step again.
    one_more(&store, &clock);
    assert_eq!(file_head(&store).seq, 8);
}

#[test]
fn a_missing_head_file_can_be_reanchored_and_says_so() {
    let (_dir, store) = store();
    let clock = clock();
    seed(&store, &clock, 2);
    std::fs::remove_file(head_file_path(store.path())).unwrap();
    reanchor_audit_head(&store, &clock, &actor("Anna"), "file lost with old disk").unwrap();
    let entry = &list(&store, &AuditQuery::default()).unwrap().entries[0];
    let before: serde_json::Value =
        serde_json::from_str(entry.before_json.as_deref().unwrap()).unwrap();
    assert_eq!(before["head_file"], serde_json::Value::Null);
    assert_eq!(before["head_file_state"], "missing");
    assert!(verify(&store).unwrap().intact);
}

#[test]
fn a_noted_head_catches_what_a_rewritten_head_file_hides() {
    let (_dir, store) = store();
    let clock = clock();
    seed(&store, &clock, 10);
    let noted_head = file_head(&store);
    let noted = NotedHead {
        seq: Some(10),
        hash: noted_head.hash[..8].to_uppercase(),
    };
    assert!(verify_against(&store, Some(&noted)).unwrap().intact);
    let by_hash = NotedHead {
        seq: None,
        hash: noted_head.hash.clone(),
    };
    assert!(verify_against(&store, Some(&by_hash)).unwrap().intact);

    // The attacker deletes the newest entries and rewrites the head file to match.
    tamper(&store, "DELETE FROM audit_log WHERE seq > 7");
    let newest = store.read(super::head::newest).unwrap();
    write_head_file(&head_file_path(store.path()), &newest).unwrap();
    assert!(verify(&store).unwrap().intact, "the file alone is fooled");

    let result = verify_against(&store, Some(&noted)).unwrap();
    assert_eq!(
        kinds(&result),
        vec![(FindingKind::NotedMismatch, Some(8), Some(10))]
    );
    assert_eq!(
        result.findings[0].text.en,
        "The head you noted says 10 but the newest entry is 7: the 3 newest entries were deleted."
    );
    let result = verify_against(&store, Some(&by_hash)).unwrap();
    assert_eq!(
        kinds(&result),
        vec![(FindingKind::NotedMismatch, None, None)]
    );

    let wrong_hash = NotedHead {
        seq: Some(5),
        hash: "deadbeef".into(),
    };
    let result = verify_against(&store, Some(&wrong_hash)).unwrap();
    assert_eq!(
        kinds(&result),
        vec![(FindingKind::NotedMismatch, Some(5), None)]
    );
}

#[test]
fn a_noted_head_must_be_a_hash_prefix_of_eight_or_more() {
    let (_dir, store) = store();
    for bad in ["abc", "xyz12345", ""] {
        let error = verify_against(
            &store,
            Some(&NotedHead {
                seq: None,
                hash: bad.into(),
            }),
        )
        .unwrap_err();
        assert_eq!(error.field(), Some("noted_hash"), "{bad}");
    }
    let error = verify_against(
        &store,
        Some(&NotedHead {
            seq: Some(-1),
            hash: GENESIS_HASH.into(),
        }),
    )
    .unwrap_err();
    assert_eq!(error.field(), Some("noted_seq"));
}

#[test]
fn every_export_ends_with_the_head_and_how_it_compared() {
    let (_dir, store) = store();
    let clock = clock();
    seed(&store, &clock, 4);
    let export = |store: &Store| {
        let mut out = Vec::new();
        export_list(
            store,
            &AuditQuery::default(),
            crate::csv_file::Delimiter::Comma,
            &mut out,
        )
        .unwrap();
        let mut reader = csv::Reader::from_reader(out.as_slice());
        reader.records().map(|r| r.unwrap()).last().unwrap()
    };
    let row = export(&store);
    let head = file_head(&store);
    assert_eq!(&row[0], "4");
    assert_eq!(&row[1], head.at.as_str());
    assert_eq!(&row[4], "audit.head");
    assert_eq!(
        row[9].to_string(),
        format!("hash {}; head file matches", head.hash)
    );
    let json: serde_json::Value = serde_json::from_str(&row[11]).unwrap();
    assert_eq!(json["hash"], head.hash.as_str());
    assert_eq!(json["head_file"], "matches");

    tamper(&store, "DELETE FROM audit_log WHERE seq = 4");
    let row = export(&store);
    assert_eq!(&row[0], "3");
    assert!(row[9].ends_with("head file mismatch"));
}

#[test]
fn seeing_the_head_and_reanchoring_need_the_permission_and_are_audited() {
    use crate::access::{CompanyRole, CustomerAccess};
    let w = crate::testing::world();
    let billing = w.staff("Bea", CompanyRole::BillingAdmin, CustomerAccess::None);
    let service = w.staff("Sam", CompanyRole::ServiceAdmin, CustomerAccess::None);
    let forbidden = crate::ErrorCode::Forbidden;
    assert_eq!(
        head_status_as(&w.store, &w.clock, &billing)
            .unwrap_err()
            .code(),
        forbidden
    );
    let before = file_head(&w.store);
    assert_eq!(
        reanchor_as(&w.store, &w.clock, &billing, "because")
            .unwrap_err()
            .code(),
        forbidden
    );
    let refused = file_head(&w.store);
    assert!(
        refused.seq > before.seq,
        "the refusals are entries, and in step"
    );

    let status = head_status_as(&w.store, &w.clock, &service).unwrap();
    assert_eq!(status.head, file_head(&w.store));
    reanchor_as(&w.store, &w.clock, &service, "checked after a restore").unwrap();
    let actions = w.audit_actions();
    let count = |action: &str, outcome: &str, who: &str| {
        actions
            .iter()
            .filter(|(a, o, n)| a == action && o == outcome && n == who)
            .count()
    };
    assert_eq!(count("audit.head", "refused", "Bea"), 1);
    assert_eq!(count("audit.reanchor", "refused", "Bea"), 1);
    assert_eq!(count("audit.reanchor", "done", "Sam"), 1);
    assert!(verify(&w.store).unwrap().intact);
}
