//! What team mode adds to replication (decision 0050): password verifiers
//! never leave the server, each copy knows its position in the log, and a
//! snapshot is a whole copy at one position.

use std::sync::atomic::Ordering;

use super::replication::{is_derived, is_local, tables_written};
use super::replication_tests::{a_realistic_mix, apply_all, count, gated, logged, replica};
use super::{Scope, Store};
use crate::auth;
use crate::change::Entity;
use crate::customers;
use crate::error::ErrorCode;
use crate::testing::{ADMIN_EMAIL, ADMIN_PASSWORD};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn password_verifiers_travel_only_in_the_private_changeset() {
    let (w, gate) = gated();
    a_realistic_mix(&w);
    auth::change_own_password(
        &w.store,
        &w.clock,
        &w.sessions,
        &w.admin,
        &auth::PasswordChange {
            current_password: ADMIN_PASSWORD.into(),
            new_password: "a new long password for anna".into(),
        },
    )
    .unwrap();
    let changes = gate.taken();
    let mut private_writes = 0;
    for (seq, change) in &changes {
        let shared = tables_written(&change.changeset).unwrap();
        assert!(
            !shared.iter().any(|t| t == "staff_credentials"),
            "change {seq} sends verifiers to desktops: {shared:?}"
        );
        assert!(!contains(&change.changeset, b"$argon2id$"), "change {seq}");
        if !change.private_changeset.is_empty() {
            assert_eq!(
                tables_written(&change.private_changeset).unwrap(),
                vec!["staff_credentials".to_owned()]
            );
            assert!(contains(&change.private_changeset, b"$argon2id$"));
            private_writes += 1;
        }
    }
    // The first admin at set-up, Sam's temporary password, Anna's new one.
    assert_eq!(private_writes, 3);
}

#[test]
fn a_desktop_holds_no_verifier_and_equals_the_server_in_what_it_holds() {
    let (w, gate) = gated();
    a_realistic_mix(&w);
    let changes = gate.taken();
    let (_d, desktop) = replica();
    let (_s, instance) = replica();
    for (seq, change) in &changes {
        desktop
            .apply_change(&super::LoggedChange {
                seq: *seq,
                changeset: &change.changeset,
                private_changeset: &[],
            })
            .unwrap();
    }
    apply_all(&instance, &changes);
    assert_eq!(count(&desktop, "SELECT count(*) FROM staff_credentials"), 0);
    assert_eq!(
        count(&instance, "SELECT count(*) FROM staff_credentials"),
        count(&w.store, "SELECT count(*) FROM staff")
    );
    assert_eq!(
        desktop.content_checksum(Scope::Desktop).unwrap(),
        w.store.content_checksum(Scope::Desktop).unwrap()
    );
    assert_ne!(
        desktop.content_checksum(Scope::Everything).unwrap(),
        w.store.content_checksum(Scope::Everything).unwrap(),
        "the verifiers are what the desktop lacks"
    );
    assert_eq!(
        instance.content_checksum(Scope::Everything).unwrap(),
        w.store.content_checksum(Scope::Everything).unwrap()
    );
    // A desktop cannot check a password (the server does); an instance can.
    let refused = auth::authenticate(&desktop, &w.clock, ADMIN_EMAIL, ADMIN_PASSWORD).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden, "{refused}");
    let admin = auth::authenticate(&instance, &w.clock, ADMIN_EMAIL, ADMIN_PASSWORD).unwrap();
    assert_eq!(admin.id, w.admin.id);
}

#[test]
fn the_position_moves_with_the_write_and_stays_when_the_gate_refuses() {
    let (w, gate) = gated();
    w.customer("Alfa", "alfa", &[]);
    let at = w.store.position().unwrap();
    let changes = gate.taken();
    assert_eq!(
        at,
        changes.last().unwrap().0,
        "the last number the gate gave"
    );
    gate.refusing.store(true, Ordering::SeqCst);
    let refused = customers::create(
        &w.store,
        &w.clock,
        &w.admin,
        &customers::CustomerInput {
            company_name: "Beta".into(),
            default_domain: "beta".into(),
            contact_email: "it@beta.pl".into(),
            ..Default::default()
        },
    );
    assert!(refused.is_err(), "the gate's refusal is the write's");
    assert_eq!(w.store.position().unwrap(), at);
    gate.refusing.store(false, Ordering::SeqCst);
    w.customer("Gamma", "gamma", &[]);
    assert_eq!(w.store.position().unwrap(), at + 1);
    // A copy refuses a change that is not its next one, and moves with each.
    let (_dir, b) = replica();
    apply_all(&b, &changes);
    assert_eq!(b.position().unwrap(), at);
}

#[test]
fn a_desktop_snapshot_holds_no_verifier_anywhere_in_its_file_and_opens_in_step() {
    let (w, gate) = gated();
    a_realistic_mix(&w);
    let _ = gate.taken();
    let dir = tempfile::tempdir().unwrap();
    let everything = dir.path().join("instance.sqlite3");
    let desktop = dir.path().join("desktop.sqlite3");
    let full = w
        .store
        .snapshot_into(&everything, Scope::Everything)
        .unwrap();
    let shared = w.store.snapshot_into(&desktop, Scope::Desktop).unwrap();
    assert_eq!(full.position, w.store.position().unwrap());
    assert_eq!(shared.position, full.position);
    assert!(contains(
        &std::fs::read(&everything).unwrap(),
        b"$argon2id$"
    ));
    assert!(
        !contains(&std::fs::read(&desktop).unwrap(), b"$argon2id$"),
        "not in a row, not in a free page"
    );
    let opened = Store::open(&desktop).unwrap();
    assert_eq!(opened.position().unwrap(), full.position);
    assert_eq!(
        opened.content_checksum(Scope::Desktop).unwrap(),
        w.store.content_checksum(Scope::Desktop).unwrap()
    );
    let verified = crate::audit::verify(&opened).unwrap();
    assert!(verified.intact, "{verified:?}");
    // It goes on from there with the next change.
    w.customer("Later", "later", &[]);
    let next = gate.taken();
    assert_eq!(next.len(), 1);
    let (seq, change) = &next[0];
    opened.apply_change(&logged(*seq, change)).unwrap();
    assert_eq!(
        opened.content_checksum(Scope::Desktop).unwrap(),
        w.store.content_checksum(Scope::Desktop).unwrap()
    );
    let again = w.store.snapshot_into(&desktop, Scope::Desktop).unwrap_err();
    assert!(again.to_string().contains("exists already"), "{again}");
}

#[test]
fn every_table_a_change_can_write_names_what_screens_refresh() {
    let (_dir, store) = replica();
    let tables: Vec<String> = store
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'",
            )?;
            let names = stmt.query_map([], |r| r.get(0))?;
            Ok(names.collect::<rusqlite::Result<Vec<String>>>()?)
        })
        .unwrap();
    let unnamed: Vec<&String> = tables
        .iter()
        .filter(|t| !is_derived(t) && !is_local(t) && Entity::of_table(t).is_none())
        .collect();
    assert!(unnamed.is_empty(), "no entity for {unnamed:?}");
    assert_eq!(Entity::of_table("customer_search"), None);
}

#[test]
fn the_bell_lists_one_clock_runs_notifications_in_the_same_order_on_every_copy() {
    use crate::notifications::{self, Draft, NotificationQuery, KIND_BACKUP_FAILED};
    let (w, gate) = gated();
    // One transaction at one instant: every notification ties on created_at.
    w.store
        .write(|tx| {
            for n in 0..40 {
                notifications::notify(
                    tx,
                    &w.clock,
                    &Draft {
                        cause_key: format!("{KIND_BACKUP_FAILED}:tie:{n}"),
                        kind: KIND_BACKUP_FAILED,
                        event: "failed".into(),
                        object_kind: "backup",
                        subject: format!("failure {n}"),
                        ..Draft::default()
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
    let (_dir, b) = replica();
    apply_all(&b, &gate.taken());
    let bell = |store: &Store| -> Vec<String> {
        let query = NotificationQuery {
            limit: Some(100),
            ..Default::default()
        };
        notifications::list(store, &w.clock, &w.admin, &query)
            .unwrap()
            .items
            .into_iter()
            .map(|n| n.subject)
            .collect()
    };
    let on_source = bell(&w.store);
    assert_eq!(on_source.len(), 40);
    assert_eq!(on_source[0], "failure 39", "newest made first");
    assert_eq!(bell(&b), on_source);
}
