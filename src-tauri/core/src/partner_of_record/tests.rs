//! Partner of record per workload (decision 0044).

use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A};
use crate::error::ErrorCode;
use crate::testing::{subscription_input as input, world, World};

fn state_of(w: &World, customer: &str, workload: &str) -> WorkloadClaim {
    list(&w.store, &w.clock, &w.admin, customer)
        .unwrap()
        .into_iter()
        .find(|c| c.workload == workload)
        .unwrap()
}

fn subscription(w: &World, customer: &str, title: &str) -> String {
    let service = w.service(title).id;
    crate::subscriptions::add(&w.store, &w.clock, &w.admin, &input(customer, &service, 2))
        .unwrap()
        .0
        .id
}

fn por(w: &World, id: &str) -> bool {
    crate::subscriptions::get(&w.store, &w.clock, &w.admin, id)
        .unwrap()
        .subscription
        .partner_of_record
}

#[test]
fn every_workload_the_catalog_view_yields_is_one_the_core_lists() {
    let w = world();
    let yielded: Vec<Option<String>> = w
        .store
        .read(|c| {
            Ok(
                c.prepare("SELECT DISTINCT workload FROM catalog_workloads")?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?,
            )
        })
        .unwrap();
    for workload in yielded.into_iter().flatten() {
        assert!(WORKLOADS.iter().any(|(k, _)| *k == workload), "{workload}");
    }
    // The title rule: a named workload wins over the suite.
    let of = |title: &str| {
        let id = w.service(title).id;
        w.store.read(|c| workload_of(c, &id)).unwrap()
    };
    assert_eq!(of("Exchange Online").as_deref(), Some("exchange"));
    assert_eq!(of("Microsoft Entra ID").as_deref(), Some("entra_id"));
    assert_eq!(
        of("Microsoft 365 Business Basic").as_deref(),
        Some("microsoft_365")
    );
}

#[test]
fn a_claim_makes_the_partner_of_record_of_every_subscription_in_that_workload_only() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = subscription(&w, &customer, "Microsoft 365 Business Basic");
    let premium = subscription(&w, &customer, "Microsoft 365 Business Premium");
    let exchange = subscription(&w, &customer, "Exchange Online");
    assert_eq!(
        state_of(&w, &customer, "microsoft_365").state,
        ClaimState::None
    );

    let (claims, change) = claim(&w.store, &w.clock, &w.admin, &customer, "microsoft_365").unwrap();
    assert_eq!(change.ids, std::slice::from_ref(&customer));
    let suite = claims
        .iter()
        .find(|c| c.workload == "microsoft_365")
        .unwrap();
    assert_eq!(
        (
            suite.state,
            suite.live_subscriptions,
            suite.claimed_by.as_deref()
        ),
        (ClaimState::Claimed, 2, Some("Anna Admin"))
    );
    assert!(por(&w, &basic) && por(&w, &premium));
    assert!(!por(&w, &exchange), "another workload");
    // Each subscription that became POR has its history row and notification.
    let history = crate::subscriptions::get(&w.store, &w.clock, &w.admin, &basic)
        .unwrap()
        .history;
    let last = history.last().unwrap();
    assert_eq!(
        (
            last.kind.as_str(),
            last.from_value.as_deref(),
            last.to_value.as_deref()
        ),
        ("partner_of_record", Some("off"), Some("on"))
    );
    let told: i64 = w
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM notifications WHERE kind = 'partner_of_record'
                 AND event = 'partner_of_record'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(told, 2);
    let twice = claim(&w.store, &w.clock, &w.admin, &customer, "microsoft_365").unwrap_err();
    assert_eq!(twice.code(), ErrorCode::InvalidState);
    assert!(w
        .audit_actions()
        .iter()
        .any(|(action, outcome, _)| action == "partner_of_record.claim" && outcome == "done"));
}

#[test]
fn the_customer_declines_and_the_partner_may_claim_again() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let exchange = subscription(&w, &customer, "Exchange Online");
    let early =
        record_decline(&w.store, &w.clock, &w.admin, &customer, "exchange", "").unwrap_err();
    assert_eq!(
        early.code(),
        ErrorCode::InvalidState,
        "nothing to decline yet"
    );
    claim(&w.store, &w.clock, &w.admin, &customer, "exchange").unwrap();
    w.clock.advance(time::Duration::days(2));
    record_decline(
        &w.store,
        &w.clock,
        &w.admin,
        &customer,
        "exchange",
        "opted out by e-mail",
    )
    .unwrap();
    let declined = state_of(&w, &customer, "exchange");
    assert_eq!(declined.state, ClaimState::Declined);
    assert_eq!(declined.reason, "opted out by e-mail");
    assert_eq!(
        declined.changed_at.as_deref(),
        Some("2026-11-27T09:00:00.000Z")
    );
    assert_eq!(
        declined.claimed_at.as_deref(),
        Some("2026-11-25T09:00:00.000Z")
    );
    assert!(!por(&w, &exchange));
    claim(&w.store, &w.clock, &w.admin, &customer, "exchange").unwrap();
    assert!(por(&w, &exchange));
    remove(&w.store, &w.clock, &w.admin, &customer, "exchange", "").unwrap();
    assert_eq!(
        state_of(&w, &customer, "exchange").state,
        ClaimState::Removed
    );
    assert!(!por(&w, &exchange));
    let unknown = claim(&w.store, &w.clock, &w.admin, &customer, "azure").unwrap_err();
    assert_eq!(unknown.field(), Some("workload"));
}

#[test]
fn claims_need_the_permission_and_the_customer_gate() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let outsider = w.staff("Zenon", R::None, A::None);
    let refused = claim(&w.store, &w.clock, &outsider, &customer, "teams").unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    let no_relationship = w.customer("Beta", "beta", &[]);
    let gated = claim(&w.store, &w.clock, &w.admin, &no_relationship, "teams").unwrap_err();
    assert_eq!(gated.code(), ErrorCode::Forbidden);
    assert_eq!(state_of(&w, &customer, "teams").state, ClaimState::None);
}

#[test]
fn the_subscription_switch_claims_and_removes_its_workload() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = subscription(&w, &customer, "Microsoft 365 Business Basic");
    let standard = subscription(&w, &customer, "Microsoft 365 Business Standard");
    let (on, _) = set_for_subscription(&w.store, &w.clock, &w.admin, &basic, true).unwrap();
    assert!(on.partner_of_record);
    assert!(por(&w, &standard), "the same workload");
    assert_eq!(
        state_of(&w, &customer, "microsoft_365").state,
        ClaimState::Claimed
    );
    let (off, _) = set_for_subscription(&w.store, &w.clock, &w.admin, &standard, false).unwrap();
    assert!(!off.partner_of_record && !por(&w, &basic));
    assert_eq!(
        state_of(&w, &customer, "microsoft_365").state,
        ClaimState::Removed
    );
}

#[test]
fn the_migration_turns_each_flagged_subscription_into_a_claim_for_its_workload() {
    use crate::store::{latest_version, migrations, Store};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    // The schema before 0018 (after 0001–0017): the flag on each subscription.
    migrations().to_version(&mut conn, 17).unwrap();
    let at = "2026-10-01T08:00:00.000Z";
    for (id, title, trial_seats) in [
        ("s-basic", "Microsoft 365 Business Basic", Some(10)),
        ("s-exo", "Exchange Online (Plan 1)", None),
        ("s-win", "Windows 11 Enterprise E3", None),
    ] {
        conn.execute(
            "INSERT INTO catalog_services (id, product_id, sku_id, title, term, billing_plan,
                 unit_price_minor, currency, market, trial_seats, trial_days, sample, updated_at)
             VALUES (?1, ?1, '0001', ?2, 'P1Y', 'monthly', 100, 'PLN', 'PL', ?3, ?3, 0, ?4)",
            rusqlite::params![format!("cs-{id}"), title, trial_seats, at],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO customers (id, company_name, name_key, default_domain, contact_email,
             search_text, created_at, updated_at)
         VALUES ('c1', 'Alfa', 'alfa', 'alfa.onmicrosoft.com', 'it@alfa.pl', 'alfa', ?1, ?1)",
        [at],
    )
    .unwrap();
    for (id, por, by) in [
        ("s-basic", 1, Some("Anna Admin")),
        ("s-exo", 0, None),
        ("s-win", 1, Some("Ola")),
    ] {
        conn.execute(
            "INSERT INTO subscriptions (id, customer_id, service_id, status, trial, began_as_trial,
                 quantity, term, billing_plan, auto_renew, starts_at, term_started_at, ends_at,
                 source, partner_of_record, partner_of_record_at, partner_of_record_by,
                 created_at, updated_at)
             VALUES (?1, 'c1', 'cs-' || ?1, 'active', 0, 0, 3, 'P1Y', 'monthly', 1, ?2, ?2,
                 '2027-10-01T08:00:00.000Z', 'manual', ?3, CASE WHEN ?3 THEN ?2 END, ?4, ?2, ?2)",
            rusqlite::params![id, at, por, by],
        )
        .unwrap();
    }
    drop(conn);
    let clock = crate::clock::ManualClock::at(time::macros::datetime!(2026-11-25 09:00:00 UTC));
    let store = Store::open_with(&path, &migrations(), latest_version(), &clock).unwrap();
    /// (customer, workload, state, claimed at, claimed by).
    type ClaimRow = (String, String, String, String, String);
    let (claims, trial): (Vec<ClaimRow>, (u32, u32)) = store
        .read(|c| {
            let claims = c
                .prepare(
                    "SELECT customer_id, workload, state, claimed_at, claimed_by
                     FROM partner_of_record_claims ORDER BY workload",
                )?
                .query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let trial = c.query_row(
                "SELECT trial_seats, trial_days FROM catalog_services WHERE id = 'cs-s-basic'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok((claims, trial))
        })
        .unwrap();
    // Basic's suite is claimed; Exchange was never flagged; Windows has no
    // Modern Work workload in the rule, so its flag has nothing to become.
    assert_eq!(
        claims,
        [(
            "c1".into(),
            "microsoft_365".into(),
            "claimed".into(),
            at.into(),
            "Anna Admin".into()
        )]
    );
    assert_eq!(trial, (25, 30), "Microsoft's trial, whatever was set");
    let derived: Vec<(String, bool)> = ["s-basic", "s-exo", "s-win"]
        .iter()
        .map(|id| {
            let s = store.read(|c| crate::subscriptions::load(c, id)).unwrap();
            (s.id, s.partner_of_record)
        })
        .collect();
    assert_eq!(
        derived,
        [
            ("s-basic".into(), true),
            ("s-exo".into(), false),
            ("s-win".into(), false)
        ]
    );
}
