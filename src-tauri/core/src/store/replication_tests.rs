//! Team mode's replication foundation: a gate sees every write, a replica
//! that applies the changesets in order holds the same content.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use time::Duration;

use super::replication::{is_derived, DERIVED_TABLES};
use super::{CapturedWrite, CommitGate, LoggedChange, Scope, Store};
use crate::access::{CompanyRole, CustomerAccess};
use crate::customers::{self, CustomerInput};
use crate::error::{Error, ErrorCode, Result};
use crate::offers::{self, AcceptanceInput, OfferDraftInput, OfferLineInput};
use crate::product_keys::{self, ProductKeyInput, RedeemMode, Redemption};
use crate::subscriptions::{self, SubscriptionEvent};
use crate::testing::{key_text, subscription_input, world_gated, World};

/// Keeps every changeset in commit order; refuses while `refusing` is set.
#[derive(Default)]
pub(super) struct Collector {
    changesets: Mutex<Vec<CapturedWrite>>,
    pub(super) refusing: AtomicBool,
    calls: AtomicUsize,
    /// Changes taken out of `changesets` already: the log's numbering goes on.
    applied_before: AtomicUsize,
}

impl CommitGate for Collector {
    fn before_commit(&self, change: &CapturedWrite) -> Result<Option<i64>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.refusing.load(Ordering::SeqCst) {
            return Err(Error::invalid_state(text!(
                "The team server did not acknowledge the change.",
                "Serwer zespołu nie potwierdził zmiany."
            )));
        }
        let mut log = self.changesets.lock().unwrap();
        log.push(change.clone());
        Ok(Some(
            self.applied_before.load(Ordering::SeqCst) as i64 + log.len() as i64,
        ))
    }
}

impl Collector {
    /// The changes since the last call, numbered as the log numbers them.
    pub(super) fn taken(&self) -> Vec<(i64, CapturedWrite)> {
        let taken = std::mem::take(&mut *self.changesets.lock().unwrap());
        let first = self.applied_before.fetch_add(taken.len(), Ordering::SeqCst) as i64 + 1;
        (first..).zip(taken).collect()
    }
}

pub(super) fn gated() -> (World, Arc<Collector>) {
    let gate = Arc::new(Collector::default());
    let w = world_gated(gate.clone());
    (w, gate)
}

/// A fresh store with the same migrations and nothing else.
pub(super) fn replica() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("replica.sqlite3")).unwrap();
    (dir, store)
}

pub(super) fn logged(seq: i64, change: &CapturedWrite) -> LoggedChange<'_> {
    LoggedChange {
        seq,
        changeset: &change.changeset,
        private_changeset: &change.private_changeset,
    }
}

pub(super) fn apply_all(replica: &Store, changes: &[(i64, CapturedWrite)]) {
    for (seq, change) in changes {
        replica
            .apply_change(&logged(*seq, change))
            .unwrap_or_else(|e| panic!("change {seq} of {}: {e}", changes.len()));
    }
}

pub(super) fn count(store: &Store, sql: &str) -> i64 {
    store
        .read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
        .unwrap()
}

fn service_id(w: &World, title_starts: &str) -> (String, i64) {
    let s = w.service(title_starts);
    (s.id, s.unit_price_minor)
}

/// A working day of a partner: staff, customers with tags, subscriptions
/// bought, resized and cancelled, an offer sent and accepted, a product key
/// redeemed, a customer archived, a refused command, and the clock a month on.
pub(super) fn a_realistic_mix(w: &World) {
    w.set_partner_id("1234567");
    let sales = w.staff("Sam Sales", CompanyRole::None, CustomerAccess::Limited);
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let beta = customers::create(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerInput {
            company_name: "Beta Łódź Sp. z o.o.".into(),
            default_domain: "beta".into(),
            contact_email: "it@beta.pl".into(),
            tags: vec!["vip".into(), "north".into()],
            ..Default::default()
        },
    )
    .unwrap()
    .0
    .id;
    w.activate(&beta);
    let (basic, basic_price) = service_id(w, "Microsoft 365 Business Basic");
    let (sub, _) = subscriptions::add(
        &w.store,
        &w.clock,
        &w.admin,
        &subscription_input(&alfa, &basic, 10),
    )
    .unwrap();
    subscriptions::change_quantity(&w.store, &w.clock, &w.admin, &sub.id, 14, "new hires").unwrap();
    let (other, _) = subscriptions::add(
        &w.store,
        &w.clock,
        &w.admin,
        &subscription_input(&beta, &basic, 3),
    )
    .unwrap();
    subscriptions::apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &other.id,
        SubscriptionEvent::Cancel,
        "bought by mistake",
    )
    .unwrap();

    let (draft, _) = offers::create(
        &w.store,
        &w.clock,
        &w.admin,
        &OfferDraftInput {
            customer_id: Some(alfa.clone()),
            valid_until: "2026-12-24".into(),
            lines: vec![OfferLineInput {
                service_id: w.service("Microsoft 365 E3").id,
                quantity: 2,
                unit_price_minor: basic_price,
                price_source: None,
                discount_bp: 0,
            }],
            ..Default::default()
        },
    )
    .unwrap();
    offers::send(
        &w.store,
        &w.clock,
        &w.admin,
        &draft.offer.id,
        &["it@alfa.pl".into()],
    )
    .unwrap();
    offers::accept(
        &w.store,
        &w.clock,
        &w.admin,
        &draft.offer.id,
        &AcceptanceInput::default(),
    )
    .unwrap();

    let (key, _) = product_keys::add(
        &w.store,
        &w.clock,
        &w.admin,
        &ProductKeyInput {
            key: key_text(7),
            service_id: basic.clone(),
            quantity: 5,
            term: "P1Y".into(),
        },
    )
    .unwrap();
    product_keys::redeem(
        &w.store,
        &w.clock,
        &w.admin,
        &Redemption {
            key_id: key.id,
            customer_id: beta.clone(),
            mode: RedeemMode::NewSubscription,
            auto_renew: false,
            relationship: None,
            subscription_id: None,
        },
    )
    .unwrap();

    // Partner Center's customer export: many customers in one transaction.
    customers::apply_import(
        &w.store,
        &w.clock,
        &w.admin,
        &customers::CustomerImport {
            file: "Microsoft ID,Company name,Primary domain name,Relationship,Tags\r\n\
                0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0,Contoso Sp. z o.o.,contoso.onmicrosoft.com,Cloud Reseller,\r\n\
                9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d,Fabrikam,fabrikam.onmicrosoft.com,Cloud Reseller,vip\r\n"
                .into(),
            record_relationship: true,
        },
        customers::ImportMode::AllOrNothing,
        &|_, _| {},
        &AtomicBool::new(false),
    )
    .unwrap();

    // The tags' copy of the flag follows by trigger: an indirect change.
    customers::set_archived(&w.store, &w.clock, &w.admin, &beta, true).unwrap();

    // Sales may not change a subscription's licences: refused, and audited.
    let refused =
        subscriptions::change_quantity(&w.store, &w.clock, &sales, &sub.id, 99, "").unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden, "{refused}");

    w.clock.advance(Duration::days(40));
    crate::hourly::run(&w.store, &w.clock, crate::hourly::RULES);
}

#[test]
fn a_replica_that_applies_every_changeset_in_order_equals_its_source() {
    let (w, gate) = gated();
    a_realistic_mix(&w);
    let changes = gate.taken();
    let (_dir, b) = replica();
    assert_ne!(
        b.content_checksum(Scope::Everything).unwrap(),
        w.store.content_checksum(Scope::Everything).unwrap()
    );

    apply_all(&b, &changes);

    assert_eq!(
        b.content_checksum(Scope::Everything).unwrap(),
        w.store.content_checksum(Scope::Everything).unwrap()
    );
    // Not by luck of empty tables: the mix reached what the checksum covers.
    for sql in [
        "SELECT count(*) FROM audit_log WHERE outcome = 'refused'",
        "SELECT count(*) FROM subscription_tally WHERE subscriptions > 0",
        "SELECT count(*) FROM notification_tally",
        "SELECT count(*) FROM customer_tags WHERE archived = 1",
        "SELECT count(*) FROM product_keys WHERE status = 'redeemed'",
        "SELECT count(*) FROM purchase_offers WHERE status = 'accepted'",
        "SELECT count(*) FROM customer_search WHERE customer_search MATCH 'alfa'",
        "SELECT count(*) FROM customers WHERE partner_relationship = 'Cloud Reseller'",
    ] {
        assert!(count(&b, sql) > 0, "the replica holds rows for {sql}");
        assert_eq!(count(&b, sql), count(&w.store, sql), "{sql}");
    }
    let verified = crate::audit::verify(&b).unwrap();
    assert!(
        verified.intact,
        "the replica's audit chain verifies: {verified:?}"
    );
    assert_eq!(
        verified.entries_checked,
        count(&w.store, "SELECT count(*) FROM audit_log")
    );
}

#[test]
fn the_checksum_sees_a_changed_value_and_a_derived_row() {
    let (w, gate) = gated();
    w.customer("Alfa", "alfa", &[]);
    let changes = gate.taken();
    let (_dir, b) = replica();
    apply_all(&b, &changes);
    let same = b.content_checksum(Scope::Everything).unwrap();
    assert_eq!(same, w.store.content_checksum(Scope::Everything).unwrap());
    b.write(|tx| {
        tx.execute("UPDATE customers SET notes = 'x'", [])?;
        Ok(())
    })
    .unwrap();
    assert_ne!(
        b.content_checksum(Scope::Everything).unwrap(),
        same,
        "a replicated value"
    );
    // The same rows, but the search index emptied behind the triggers' back.
    let (_dir2, c) = replica();
    apply_all(&c, &changes);
    c.write(|tx| {
        tx.execute("UPDATE customers SET notes = 'x'", [])?;
        tx.execute(
            "INSERT INTO customer_search (customer_search) VALUES ('delete-all')",
            [],
        )?;
        Ok(())
    })
    .unwrap();
    assert_ne!(
        c.content_checksum(Scope::Everything).unwrap(),
        b.content_checksum(Scope::Everything).unwrap(),
        "a derived row"
    );
}

#[test]
fn a_refusing_gate_rolls_the_write_back_and_returns_its_error() {
    let (w, gate) = gated();
    let customer = w.customer("Alfa", "alfa", &[]);
    let before = w.store.content_checksum(Scope::Everything).unwrap();
    let commits = w.store.commits();
    gate.refusing.store(true, Ordering::SeqCst);

    let err = customers::set_archived(&w.store, &w.clock, &w.admin, &customer, true).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidState);
    assert!(err.to_string().contains("did not acknowledge"), "{err}");
    assert_eq!(
        w.store.content_checksum(Scope::Everything).unwrap(),
        before,
        "nothing changed"
    );
    assert_eq!(w.store.commits(), commits);
    // A refused command's own audit entry goes through the gate too.
    let sales = {
        gate.refusing.store(false, Ordering::SeqCst);
        let s = w.staff("Sam Sales", CompanyRole::None, CustomerAccess::Limited);
        gate.refusing.store(true, Ordering::SeqCst);
        s
    };
    let before = w.store.content_checksum(Scope::Everything).unwrap();
    let err = customers::set_archived(&w.store, &w.clock, &sales, &customer, true).unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::InvalidState,
        "the audit's write was refused: {err}"
    );
    assert_eq!(w.store.content_checksum(Scope::Everything).unwrap(), before);
}

#[test]
fn a_write_that_changes_no_row_skips_the_gate() {
    let (w, gate) = gated();
    let calls = gate.calls.load(Ordering::SeqCst);
    w.store.write(|_| Ok(())).unwrap();
    w.store
        .write(|tx| {
            // Changed and changed back: the net change is nothing.
            tx.execute("UPDATE company_profile SET phone = 'x'", [])?;
            tx.execute("UPDATE company_profile SET phone = ''", [])?;
            Ok(())
        })
        .unwrap();
    assert_eq!(gate.calls.load(Ordering::SeqCst), calls);
    w.customer("Alfa", "alfa", &[]);
    assert_eq!(gate.calls.load(Ordering::SeqCst), calls + 1);
}

/// (table, indirect) of every change in a changeset.
fn operations(changeset: &[u8]) -> Vec<(String, bool)> {
    use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
    let mut input: &[u8] = changeset;
    let reader: &mut dyn std::io::Read = &mut input;
    let mut iter = rusqlite::session::ChangesetIter::start_strm(&reader).unwrap();
    let mut found = Vec::new();
    while let Some(item) = iter.next().unwrap() {
        let op = item.op().unwrap();
        found.push((op.table_name().to_owned(), op.indirect()));
    }
    found
}

#[test]
fn a_change_the_replicas_own_trigger_makes_is_not_a_conflict() {
    let (w, gate) = gated();
    let id = customers::create(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerInput {
            company_name: "Beta".into(),
            default_domain: "beta".into(),
            contact_email: "it@beta.pl".into(),
            tags: vec!["vip".into()],
            ..Default::default()
        },
    )
    .unwrap()
    .0
    .id;
    let (_dir, b) = replica();
    apply_all(&b, &gate.taken());
    customers::set_archived(&w.store, &w.clock, &w.admin, &id, true).unwrap();
    let archived = gate.taken();
    assert!(
        operations(&archived[0].1.changeset).contains(&("customer_tags".into(), true)),
        "the tag's flag, set by a trigger, travels as an indirect change"
    );
    apply_all(&b, &archived);
    assert_eq!(
        b.content_checksum(Scope::Everything).unwrap(),
        w.store.content_checksum(Scope::Everything).unwrap()
    );
}

#[test]
fn applying_a_changeset_twice_is_refused_and_changes_nothing() {
    let (w, gate) = gated();
    let customer = w.customer("Alfa", "alfa", &[]);
    customers::set_archived(&w.store, &w.clock, &w.admin, &customer, true).unwrap();
    let changes = gate.taken();
    let (_dir, b) = replica();
    apply_all(&b, &changes);
    let applied = b.content_checksum(Scope::Everything).unwrap();
    let next = b.position().unwrap() + 1;
    for (seq, change) in &changes {
        // Under its own number: the position says it is held already.
        let err = b.apply_change(&logged(*seq, change)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Conflict, "change {seq}: {err}");
        assert!(err.to_string().contains("in order, each once"), "{err}");
        // Under the next number (a log that repeated it): the rows say so.
        let err = b.apply_change(&logged(next, change)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Conflict, "change {seq}: {err}");
        assert!(err.to_string().contains("applied already"), "{err}");
        assert_eq!(
            b.content_checksum(Scope::Everything).unwrap(),
            applied,
            "change {seq}"
        );
        assert_eq!(b.position().unwrap(), next - 1);
    }
}

#[test]
fn a_replica_that_differs_from_the_server_refuses_the_change() {
    let (w, gate) = gated();
    let customer = w.customer("Alfa", "alfa", &[]);
    let (_dir, b) = replica();
    apply_all(&b, &gate.taken());
    b.write(|tx| {
        tx.execute("UPDATE customers SET archived = 1", [])?;
        Ok(())
    })
    .unwrap();
    let diverged = b.content_checksum(Scope::Everything).unwrap();
    customers::set_archived(&w.store, &w.clock, &w.admin, &customer, true).unwrap();
    let change = gate.taken();
    let err = b
        .apply_change(&logged(change[0].0, &change[0].1))
        .unwrap_err();
    assert!(
        err.to_string().contains("customers"),
        "names the table: {err}"
    );
    assert_eq!(b.content_checksum(Scope::Everything).unwrap(), diverged);
}

#[test]
fn every_table_is_replicated_with_a_key_or_listed_as_derived() {
    let (_dir, store) = replica();
    let path = store.path().to_path_buf();
    drop(store);
    let conn = Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for table in &tables {
        if is_derived(table) {
            continue;
        }
        // The session extension silently ignores a table without a primary key.
        let keyed: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            keyed > 0,
            "table {table} has no primary key: replicate it with one, or list it in DERIVED_TABLES"
        );
    }
    for derived in DERIVED_TABLES {
        assert!(
            tables.iter().any(|t| t == derived.name),
            "DERIVED_TABLES names {}, which the schema no longer has",
            derived.name
        );
    }
}

#[test]
fn a_standalone_store_records_nothing() {
    let w = crate::testing::world();
    let before = super::replication::sessions_recorded();
    w.customer("Alfa", "alfa", &[]);
    assert_eq!(
        super::replication::sessions_recorded(),
        before,
        "no session without a gate"
    );
    let (g, _gate) = gated();
    let before = super::replication::sessions_recorded();
    g.customer("Alfa", "alfa", &[]);
    assert!(
        super::replication::sessions_recorded() > before,
        "the counter counts"
    );
}

/// `cargo test -q -p partnerdesk-core gate_cost -- --ignored --nocapture`:
/// the same writes with and without a gate (memory-backed, so fsync is not
/// most of the time).
#[test]
#[ignore = "a measurement, not a test"]
fn gate_cost() {
    struct Accept;
    impl CommitGate for Accept {
        fn before_commit(&self, _: &CapturedWrite) -> Result<Option<i64>> {
            Ok(None)
        }
    }
    let dir = tempfile::tempdir_in("/dev/shm").unwrap_or_else(|_| tempfile::tempdir().unwrap());
    let run = |store: &Store| {
        let started = std::time::Instant::now();
        for n in 0..2000 {
            store
                .write(|tx| {
                    tx.execute(
                        "UPDATE company_profile SET phone = ?1",
                        [format!("+48 {n}")],
                    )?;
                    Ok(())
                })
                .unwrap();
        }
        started.elapsed()
    };
    let plain = Store::open(&dir.path().join("plain.sqlite3")).unwrap();
    let gated = Store::open_gated(&dir.path().join("gated.sqlite3"), Arc::new(Accept)).unwrap();
    for store in [&plain, &gated] {
        store
            .write(|tx| {
                crate::company::write(tx, &crate::testing::company(), "2026-11-25T09:00:00Z")
            })
            .unwrap();
    }
    let (a, b) = (run(&plain), run(&gated));
    println!("2000 writes: standalone {a:?}, gated {b:?}");
}
