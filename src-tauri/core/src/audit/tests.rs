use time::macros::datetime;
use time::Duration;

use super::*;
use crate::clock::ManualClock;
use crate::csv_file::Delimiter;

pub(super) fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("a.sqlite3")).unwrap();
    (dir, store)
}

pub(super) fn actor(name: &str) -> ActorRef {
    ActorRef {
        id: Some(format!("id-{name}")),
        name: name.into(),
    }
}

pub(super) fn staff_target(label: &str) -> Target {
    Target {
        kind: "staff",
        id: Some(format!("staff-{label}")),
        label: label.into(),
    }
}

/// Changes the file as someone at the sqlite3 prompt would: the append-only
/// triggers stop accidents, not a person who drops them first.
pub(super) fn tamper(store: &Store, sql: &str) {
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
}

pub(super) fn seed(store: &Store, clock: &ManualClock, count: usize) {
    store
        .write(|tx| {
            for i in 0..count {
                let who = if i % 2 == 0 { "Anna" } else { "Bartek" };
                let event = Event::done(actor(who), "staff.update", staff_target(&format!("u{i}")))
                    .with_change(
                        Some(serde_json::json!({"role": "none"})),
                        Some(serde_json::json!({"role": "billing_admin"})),
                    );
                append(tx, clock, &event)?;
                clock.advance(Duration::minutes(1));
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn an_untouched_chain_verifies_intact() {
    let (_dir, store) = store();
    let clock = ManualClock::at(datetime!(2026-11-25 09:00:00 UTC));
    assert!(verify(&store).unwrap().intact, "an empty log is intact");
    seed(&store, &clock, 20);
    let result = verify(&store).unwrap();
    assert!(result.intact);
    assert_eq!(result.entries_checked, 20);
    assert_eq!(result.first_broken_seq, None);
    assert_eq!(result.findings, Vec::new());
    assert_eq!(result.head.seq, 20);
    assert_eq!(result.head_file, HeadFileState::Matches);
}

#[test]
fn editing_a_row_behind_the_apps_back_is_reported_at_that_row() {
    let (_dir, store) = store();
    let clock = ManualClock::at(datetime!(2026-11-25 09:00:00 UTC));
    seed(&store, &clock, 10);
    tamper(
        &store,
        "UPDATE audit_log SET actor_name = 'Someone else' WHERE seq = 7",
    );
    let result = verify(&store).unwrap();
    assert!(!result.intact);
    assert_eq!(result.first_broken_seq, Some(7));
    assert_eq!(result.entries_checked, 10, "the walk goes on past a break");
    let kinds: Vec<_> = result.findings.iter().map(|f| (f.kind, f.seq)).collect();
    assert_eq!(kinds, vec![(FindingKind::Edited, Some(7))]);
    assert_eq!(
        result.findings[0].text.en,
        "Entry 7 was edited: its content no longer matches its hash."
    );
    assert_ne!(result.findings[0].text.pl, result.findings[0].text.en);
}

#[test]
fn deleting_a_row_is_reported_where_it_was() {
    let (_dir, store) = store();
    let clock = ManualClock::at(datetime!(2026-11-25 09:00:00 UTC));
    seed(&store, &clock, 10);
    tamper(&store, "DELETE FROM audit_log WHERE seq = 4");
    let result = verify(&store).unwrap();
    assert_eq!(result.first_broken_seq, Some(4));
    let kinds: Vec<_> = result
        .findings
        .iter()
        .map(|f| (f.kind, f.seq, f.to_seq))
        .collect();
    assert_eq!(
        kinds,
        vec![(FindingKind::Missing, Some(4), Some(4))],
        "a gap, and no broken link reported after it"
    );
    assert_eq!(
        result.findings[0].text.en,
        "Entry 4 is missing: it was deleted from the log."
    );
    assert_eq!(
        result.head_file,
        HeadFileState::Matches,
        "the newest is intact"
    );

    tamper(&store, "DELETE FROM audit_log WHERE seq IN (6, 7)");
    let result = verify(&store).unwrap();
    assert_eq!(result.findings.len(), 2);
    assert_eq!(
        result.findings[1].text.en,
        "Entries 6 to 7 are missing: 2 entries were deleted from the log."
    );
}

#[test]
fn rehashing_an_edited_row_still_breaks_the_next_link() {
    let (_dir, store) = store();
    let clock = ManualClock::at(datetime!(2026-11-25 09:00:00 UTC));
    seed(&store, &clock, 5);
    // A forger who recomputes row 2's own hash still cannot fix row 3's prev_hash link.
    tamper(&store, "UPDATE audit_log SET hash = 'forged' WHERE seq = 2");
    let result = verify(&store).unwrap();
    assert_eq!(result.first_broken_seq, Some(2));
    let kinds: Vec<_> = result.findings.iter().map(|f| (f.kind, f.seq)).collect();
    assert_eq!(
        kinds,
        vec![
            (FindingKind::Edited, Some(2)),
            (FindingKind::BrokenLink, Some(3))
        ]
    );
}

#[test]
fn times_never_go_backwards_even_when_the_clock_does() {
    let (_dir, store) = store();
    let clock = ManualClock::at(datetime!(2026-11-25 09:00:00 UTC));
    record(
        &store,
        &clock,
        &Event::done(actor("Anna"), "a", staff_target("x")),
    )
    .unwrap();
    clock.advance(Duration::hours(-5));
    record(
        &store,
        &clock,
        &Event::done(actor("Anna"), "b", staff_target("x")),
    )
    .unwrap();
    let page = list(&store, &AuditQuery::default()).unwrap();
    assert_eq!(page.entries[0].at, page.entries[1].at);
    assert!(verify(&store).unwrap().intact);
}

#[test]
fn pages_walk_newest_first_without_gaps_or_repeats() {
    let (_dir, store) = store();
    let clock = ManualClock::at(datetime!(2026-11-25 09:00:00 UTC));
    seed(&store, &clock, 25);
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = list(
            &store,
            &AuditQuery {
                before_seq: cursor,
                limit: Some(10),
                ..Default::default()
            },
        )
        .unwrap();
        seen.extend(page.entries.iter().map(|e| e.seq));
        match page.next_before_seq {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, (1..=25).rev().collect::<Vec<_>>());
}

#[test]
fn filters_by_actor_action_target_and_date_range() {
    let (_dir, store) = store();
    let clock = ManualClock::at(datetime!(2026-11-25 09:00:00 UTC));
    seed(&store, &clock, 10); // 09:00 .. 09:09, Anna on even, Bartek on odd
    let by_actor = list(
        &store,
        &AuditQuery {
            actor_id: Some("id-Bartek".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(by_actor.entries.len(), 5);
    assert!(by_actor.entries.iter().all(|e| e.actor_name == "Bartek"));

    let by_target = list(
        &store,
        &AuditQuery {
            target_kind: Some("staff".into()),
            target_id: Some("staff-u3".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(by_target.entries.len(), 1);
    assert_eq!(by_target.entries[0].target_label, "u3");

    let in_range = list(
        &store,
        &AuditQuery {
            from: Some("2026-11-25T09:02:00.000Z".into()),
            to: Some("2026-11-25T09:05:00.000Z".into()),
            action: Some("staff.update".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let seqs: Vec<i64> = in_range.entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, vec![5, 4, 3], "09:02, 09:03, 09:04; 09:05 excluded");

    let none = list(
        &store,
        &AuditQuery {
            from: Some("2027-01-01T00:00:00.000Z".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(none.entries.is_empty());
}

#[test]
fn bad_filters_name_their_field() {
    let (_dir, store) = store();
    let bad_date = AuditQuery {
        from: Some("yesterday".into()),
        ..Default::default()
    };
    assert_eq!(list(&store, &bad_date).unwrap_err().field(), Some("from"));
    let bad_limit = AuditQuery {
        limit: Some(0),
        ..Default::default()
    };
    assert_eq!(list(&store, &bad_limit).unwrap_err().field(), Some("limit"));
}

#[test]
fn csv_export_holds_the_filtered_set_with_a_header() {
    let (_dir, store) = store();
    let clock = ManualClock::at(datetime!(2026-11-25 09:00:00 UTC));
    seed(&store, &clock, 6);
    let mut out = Vec::new();
    let query = AuditQuery {
        actor_id: Some("id-Anna".into()),
        limit: Some(1),
        ..Default::default()
    };
    let count = export_list(&store, &query, Delimiter::Comma, &mut out).unwrap();
    assert_eq!(count, 3, "paging is ignored: the whole filtered set");
    let mut reader = csv::Reader::from_reader(out.as_slice());
    assert_eq!(&reader.headers().unwrap()[3], "actor_name");
    let mut rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let head = rows.pop().expect("the head row");
    assert_eq!(&head[4], "audit.head", "the last row is the head");
    assert_eq!(&head[0], "6", "the whole log's head, whatever the filter");
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| &r[3] == "Anna"));
    assert_eq!(&rows[0][11], r#"{"role":"billing_admin"}"#);
}

#[test]
fn viewing_verifying_and_exporting_need_the_permission_and_are_audited() {
    use crate::access::{CompanyRole, CustomerAccess};
    let w = crate::testing::world();
    let billing = w.staff("Bea", CompanyRole::BillingAdmin, CustomerAccess::None);
    let service = w.staff("Sam", CompanyRole::ServiceAdmin, CustomerAccess::None);
    let dir = tempfile::tempdir().unwrap();

    assert_eq!(
        list_as(&w.store, &w.clock, &billing, &AuditQuery::default())
            .unwrap_err()
            .code(),
        crate::ErrorCode::Forbidden
    );
    assert!(verify_as(&w.store, &w.clock, &billing, None).is_err());
    assert!(export_as(
        &w.store,
        &w.clock,
        &billing,
        &AuditQuery::default(),
        Delimiter::Comma
    )
    .and_then(|rendered| rendered.save(dir.path()))
    .is_err());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file for a refusal"
    );

    let result = verify_as(&w.store, &w.clock, &service, None).unwrap();
    assert!(result.intact);
    let exported = export_as(
        &w.store,
        &w.clock,
        &service,
        &AuditQuery::default(),
        Delimiter::Comma,
    )
    .and_then(|rendered| rendered.save(dir.path()))
    .unwrap();
    assert!(exported.path.ends_with(".csv"));
    let written = std::fs::read_to_string(&exported.path).unwrap();
    assert_eq!(
        written.lines().count() as u64,
        exported.rows + 2,
        "header, rows and the head"
    );
    assert!(
        !std::path::Path::new(&format!("{}.part", exported.path.trim_end_matches(".csv"))).exists()
    );

    let actions = w.audit_actions();
    let count = |action: &str, outcome: &str, who: &str| {
        actions
            .iter()
            .filter(|(a, o, n)| a == action && o == outcome && n == who)
            .count()
    };
    assert_eq!(count("audit.view", "refused", "Bea"), 1);
    assert_eq!(count("audit.verify", "refused", "Bea"), 1);
    assert_eq!(count("audit.export", "refused", "Bea"), 1);
    assert_eq!(count("audit.verify", "done", "Sam"), 1);
    assert_eq!(count("audit.export", "done", "Sam"), 1);
    assert!(
        verify(&w.store).unwrap().intact,
        "refusals extend the chain cleanly"
    );
}

#[test]
fn paging_inside_a_date_range_stays_inside_it() {
    let (_dir, store) = store();
    let clock = ManualClock::at(datetime!(2026-11-25 09:00:00 UTC));
    seed(&store, &clock, 30); // one a minute from 09:00
    let range = |before_seq| AuditQuery {
        from: Some("2026-11-25T09:05:00.000Z".into()),
        to: Some("2026-11-25T09:20:00.000Z".into()),
        before_seq,
        limit: Some(4),
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = list(&store, &range(cursor)).unwrap();
        seen.extend(page.entries.iter().map(|e| e.seq));
        match page.next_before_seq {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        seen,
        (6..=20).rev().collect::<Vec<i64>>(),
        "09:05 up to 09:19"
    );
    // A cursor beyond the range's end is capped by it, and one before its start gives nothing.
    assert_eq!(list(&store, &range(Some(1000))).unwrap().entries[0].seq, 20);
    assert!(list(&store, &range(Some(6))).unwrap().entries.is_empty());
}
