use time::macros::datetime;
use time::Duration;

use super::*;
use crate::access::{CompanyRole, CustomerAccess};
use crate::catalog;
use crate::offers::{self, OfferDraftInput, OfferLineInput};
use crate::relationships;
use crate::subscriptions::{self, SubscriptionEvent, SubscriptionInput};
use crate::testing::{world, World};

fn service(w: &World, title_starts: &str) -> catalog::Service {
    catalog::list(&w.store, &w.clock, &w.admin)
        .unwrap()
        .into_iter()
        .find(|s| s.title.starts_with(title_starts))
        .unwrap()
}

fn subscription(w: &World, customer: &str, title: &str, trial: bool, auto_renew: bool) -> String {
    let input = SubscriptionInput {
        customer_id: customer.into(),
        service_id: service(w, title).id,
        quantity: 10,
        term: Some("P1M".into()),
        billing_plan: Some("monthly".into()),
        starts_at: None,
        auto_renew,
        trial,
    };
    subscriptions::add(&w.store, &w.clock, &w.admin, &input)
        .unwrap()
        .0
        .id
}

fn all(w: &World, actor: &Actor) -> Vec<Notification> {
    list(
        &w.store,
        &w.clock,
        actor,
        &NotificationQuery {
            limit: Some(500),
            ..Default::default()
        },
    )
    .unwrap()
    .items
}

fn of_kind(w: &World, kind: &str) -> Vec<Notification> {
    let mut found: Vec<Notification> = all(w, &w.admin)
        .into_iter()
        .filter(|n| n.kind == kind)
        .collect();
    found.reverse();
    found
}

fn count(w: &World) -> i64 {
    w.store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM notifications", [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn every_subscription_change_notifies_while_the_partner_is_of_record() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let id = subscription(&w, &customer, "Microsoft 365 Business Basic", false, false);
    // Not partner of record yet: a change stays quiet.
    subscriptions::change_quantity(&w.store, &w.clock, &w.admin, &id, 12, "").unwrap();
    assert!(of_kind(&w, KIND_PARTNER_OF_RECORD).is_empty());

    subscriptions::set_partner_of_record(&w.store, &w.clock, &w.admin, &id, true).unwrap();
    subscriptions::change_quantity(&w.store, &w.clock, &w.admin, &id, 15, "").unwrap();
    subscriptions::apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &id,
        SubscriptionEvent::Suspend,
        "",
    )
    .unwrap();
    subscriptions::apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &id,
        SubscriptionEvent::Reactivate,
        "",
    )
    .unwrap();
    subscriptions::set_auto_renew(&w.store, &w.clock, &w.admin, &id, true).unwrap();
    // Renewal by the clock.
    w.clock.advance(Duration::days(31));
    subscriptions::apply_clock(&w.store, &w.clock).unwrap();
    subscriptions::apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &id,
        SubscriptionEvent::Cancel,
        "",
    )
    .unwrap();

    let seen: Vec<(String, Option<String>, Option<String>)> = of_kind(&w, KIND_PARTNER_OF_RECORD)
        .into_iter()
        .map(|n| (n.event, n.from_value, n.to_value))
        .collect();
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        seen,
        vec![
            ("partner_of_record".into(), s("off"), s("on")),
            ("quantity".into(), s("12"), s("15")),
            ("suspend".into(), s("active"), s("suspended")),
            ("reactivate".into(), s("suspended"), s("active")),
            ("auto_renew".into(), s("off"), s("on")),
            ("renewed".into(), s("2026-12-25"), s("2027-01-25")),
            ("cancel".into(), s("active"), s("cancelled")),
        ]
    );
    assert!(of_kind(&w, KIND_PARTNER_OF_RECORD)
        .iter()
        .all(|n| n.object_kind == "subscription"
            && n.object_id == id
            && n.subject.starts_with("Alfa — ")));
    // What Partner Center would have sent: every change but our own record.
    let webhook: Vec<(String, Option<String>)> = of_kind(&w, KIND_PARTNER_OF_RECORD)
        .into_iter()
        .map(|n| (n.event, n.partner_center_event))
        .collect();
    for (event, partner_center) in webhook {
        let expected = (event != "partner_of_record").then(|| "subscription-updated".to_owned());
        assert_eq!(partner_center, expected, "{event}");
    }
}

#[test]
fn a_por_subscription_coming_to_its_end_and_its_expiry_notify() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let id = subscription(&w, &customer, "Microsoft 365 Business Basic", false, false);
    subscriptions::set_partner_of_record(&w.store, &w.clock, &w.admin, &id, true).unwrap();
    apply_clock(&w.store, &w.clock).unwrap();
    w.clock.advance(Duration::days(31));
    subscriptions::apply_clock(&w.store, &w.clock).unwrap();
    let events: Vec<(String, Option<String>)> = of_kind(&w, KIND_PARTNER_OF_RECORD)
        .into_iter()
        .map(|n| (n.event, n.due))
        .collect();
    assert_eq!(
        events,
        vec![
            ("partner_of_record".into(), None),
            ("expiring".into(), Some("2026-12-25".into())),
            ("expired".into(), None),
        ]
    );
}

#[test]
fn a_trial_ending_within_seven_days_notifies_once_even_across_restarts() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let id = subscription(&w, &customer, "Microsoft 365 Business Basic", true, false);
    let ends = subscriptions::get(&w.store, &w.clock, &w.admin, &id)
        .unwrap()
        .subscription
        .ends_at;
    apply_clock(&w.store, &w.clock).unwrap();
    assert!(
        of_kind(&w, "trial_ending").is_empty(),
        "30 days out is not yet"
    );

    w.clock
        .set(crate::clock::parse_rfc3339("t", &ends).unwrap() - Duration::days(6));
    let before = count(&w);
    assert!(apply_clock(&w.store, &w.clock).unwrap().is_some());
    let trial = of_kind(&w, "trial_ending");
    assert_eq!(trial.len(), 1);
    assert_eq!(
        (trial[0].object_id.as_str(), trial[0].due.as_deref()),
        (id.as_str(), Some(&ends[..10]))
    );
    let after = count(&w);
    assert!(after > before);

    // The same run again, an hour later, and after a restart on the same file.
    w.clock.advance(Duration::hours(1));
    assert_eq!(apply_clock(&w.store, &w.clock).unwrap(), None);
    let reopened = Store::open(w.store.path()).unwrap();
    assert_eq!(apply_clock(&reopened, &w.clock).unwrap(), None);
    drop(reopened);
    assert_eq!(count(&w), after);
}

#[test]
fn a_relationship_entering_expiring_notifies() {
    let w = world();
    let (customer, relationship) = w.active_customer("Alfa", "alfa", &[]);
    w.clock.advance(Duration::days(340));
    relationships::apply_clock(&w.store, &w.clock).unwrap();
    apply_clock(&w.store, &w.clock).unwrap();
    let found = of_kind(&w, "relationship_expiring");
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].object_kind.as_str(), found[0].object_id.as_str()),
        ("relationship", relationship.as_str())
    );
    assert_eq!(found[0].due.as_deref(), Some("2027-11-25"));
    assert_eq!(found[0].customer_id.as_deref(), Some(customer.as_str()));
}

#[test]
fn an_offer_about_to_expire_notifies() {
    let w = world();
    w.set_partner_id("1234567");
    let customer = w.customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let input = OfferDraftInput {
        customer_id: Some(customer),
        valid_until: "2026-12-24".into(),
        lines: vec![OfferLineInput {
            service_id: basic.id,
            quantity: 3,
            unit_price_minor: basic.unit_price_minor,
            price_source: None,
            discount_bp: 0,
        }],
        ..Default::default()
    };
    let (draft, _) = offers::create(&w.store, &w.clock, &w.admin, &input).unwrap();
    offers::send(
        &w.store,
        &w.clock,
        &w.admin,
        &draft.offer.id,
        &["it@alfa.pl".into()],
    )
    .unwrap();
    apply_clock(&w.store, &w.clock).unwrap();
    assert!(of_kind(&w, "offer_expiring").is_empty());
    w.clock.set(datetime!(2026-12-22 09:00:00 UTC));
    apply_clock(&w.store, &w.clock).unwrap();
    let found = of_kind(&w, "offer_expiring");
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].object_id.as_str(), found[0].due.as_deref()),
        (draft.offer.id.as_str(), Some("2026-12-24"))
    );
}

#[test]
fn an_incomplete_company_profile_notifies_once_per_set_of_gaps() {
    let w = world();
    apply_clock(&w.store, &w.clock).unwrap();
    apply_clock(&w.store, &w.clock).unwrap();
    let found = of_kind(&w, "company_profile");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].object_kind, "company");
    assert!(found[0].to_value.as_deref().unwrap().contains("street"));
    // Filling the gaps in: nothing more to say.
    w.store
        .write(|tx| {
            tx.execute(
                "UPDATE company_profile SET street = 'ul. Prosta 1', city = 'Warszawa',
                     postal_code = '00-001', phone = '+48 22 123 45 67', email = 'biuro@contoso.pl',
                     website = 'https://contoso.pl', partner_id = '1234567',
                     partner_tenant_id = '0f8fad5b-d9cb-469f-a165-70867728950e'",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    assert!(crate::company::get(&w.store, &w.clock, &w.admin)
        .unwrap()
        .issues
        .is_empty());
    assert_eq!(apply_clock(&w.store, &w.clock).unwrap(), None);
}

#[test]
fn read_state_and_wanted_kinds_are_per_staff_member() {
    let w = world();
    let bob = w.staff(
        "Bob Billing",
        CompanyRole::BillingAdmin,
        CustomerAccess::Full,
    );
    let nina = w.staff("Nina None", CompanyRole::None, CustomerAccess::None);
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let id = subscription(&w, &customer, "Microsoft 365 Business Basic", false, false);
    subscriptions::set_partner_of_record(&w.store, &w.clock, &w.admin, &id, true).unwrap();
    apply_clock(&w.store, &w.clock).unwrap();
    let unread = |a: &Actor| {
        list(&w.store, &w.clock, a, &NotificationQuery::default())
            .unwrap()
            .unread
    };
    let total = all(&w, &w.admin).len() as u32;
    assert!(total >= 3);
    assert_eq!((unread(&w.admin), unread(&bob)), (total, total));
    // Without customer access, customers' subscriptions stay out of sight.
    assert!(all(&w, &nina).iter().all(|n| n.object_kind == "company"));
    assert_eq!(unread(&nina), 1);

    // Bob wants no partner-of-record notifications: they vanish from his list and count.
    let (settings, _) = set_kind_settings(
        &w.store,
        &w.clock,
        &bob,
        &[KindSetting {
            kind: KIND_PARTNER_OF_RECORD.into(),
            enabled: false,
        }],
    )
    .unwrap();
    assert!(settings
        .iter()
        .any(|s| s.kind == KIND_PARTNER_OF_RECORD && !s.enabled));
    assert!(settings
        .iter()
        .filter(|s| s.kind != KIND_PARTNER_OF_RECORD)
        .all(|s| s.enabled));
    assert!(all(&w, &bob)
        .iter()
        .all(|n| n.kind != KIND_PARTNER_OF_RECORD));
    assert!(unread(&bob) < total);
    assert_eq!(unread(&w.admin), total, "Anna's settings are her own");

    // Anna reads one, then all; Bob's stay unread.
    let first = all(&w, &w.admin)[0].id.clone();
    mark_read(&w.store, &w.clock, &w.admin, &first).unwrap();
    assert_eq!(unread(&w.admin), total - 1);
    let unread_only = list(
        &w.store,
        &w.clock,
        &w.admin,
        &NotificationQuery {
            unread_only: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(unread_only.items.iter().all(|n| !n.read && n.id != first));
    mark_all_read(&w.store, &w.clock, &w.admin).unwrap();
    assert_eq!(unread(&w.admin), 0);
    assert!(unread(&bob) > 0);

    // Filter by kind; unknown kinds are refused.
    let company = list(
        &w.store,
        &w.clock,
        &w.admin,
        &NotificationQuery {
            kind: Some("company_profile".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(!company.items.is_empty() && company.items.iter().all(|n| n.kind == "company_profile"));
    let bad = NotificationQuery {
        kind: Some("nope".into()),
        ..Default::default()
    };
    assert!(list(&w.store, &w.clock, &w.admin, &bad).is_err());
    assert!(set_kind_settings(
        &w.store,
        &w.clock,
        &bob,
        &[KindSetting {
            kind: "nope".into(),
            enabled: false
        }]
    )
    .is_err());
}

#[test]
fn every_clock_rule_kind_is_a_setting() {
    let kinds = kinds();
    for rule in CLOCK_RULES {
        assert!(kinds.contains(&rule.kind));
    }
    let mut unique = kinds.clone();
    unique.dedup();
    assert_eq!(unique.len(), kinds.len());
}

#[test]
fn a_key_unredeemed_for_ninety_days_notifies_once_masked() {
    let w = world();
    let basic = service(&w, "Microsoft 365 Business Basic");
    let input = crate::product_keys::ProductKeyInput {
        key: "bcdfg hjkmp qrtvw xy234 6789b".into(),
        service_id: basic.id,
        quantity: 10,
        term: "P1Y".into(),
    };
    crate::product_keys::add(&w.store, &w.clock, &w.admin, &input).unwrap();
    w.clock.advance(Duration::days(89));
    apply_clock(&w.store, &w.clock).unwrap();
    assert!(of_kind(&w, "product_key_unredeemed").is_empty(), "not yet");
    w.clock.advance(Duration::days(1));
    apply_clock(&w.store, &w.clock).unwrap();
    apply_clock(&w.store, &w.clock).unwrap();
    let found = of_kind(&w, "product_key_unredeemed");
    assert_eq!(found.len(), 1, "once, however often the clock runs");
    assert!(found[0].subject.contains("-6789B"), "{}", found[0].subject);
    assert!(
        !found[0].subject.contains("BCDFG"),
        "the key is masked: {}",
        found[0].subject
    );
    assert_eq!(found[0].object_kind, "product_key");
}

#[test]
fn notifications_past_the_retention_are_dropped_with_their_read_marks() {
    let w = world();
    apply_clock(&w.store, &w.clock).unwrap();
    let first = of_kind(&w, "company_profile");
    assert_eq!(first.len(), 1);
    mark_read(&w.store, &w.clock, &w.admin, &first[0].id).unwrap();
    let reads = || -> i64 {
        w.store
            .read(|c| Ok(c.query_row("SELECT count(*) FROM notification_reads", [], |r| r.get(0))?))
            .unwrap()
    };
    assert_eq!(reads(), 1);

    w.clock.advance(Duration::days(RETENTION_DAYS - 1));
    assert_eq!(apply_clock(&w.store, &w.clock).unwrap(), None, "still kept");
    assert_eq!(count(&w), 1);

    w.clock.advance(Duration::days(2));
    assert_eq!(
        apply_clock(&w.store, &w.clock).unwrap(),
        Some(Change::of(Entity::Notification)),
        "dropping is a change the bell hears about"
    );
    assert_eq!(count(&w), 0);
    assert_eq!(reads(), 0, "read marks go with their notification");

    // The profile is still incomplete: the next run says so again, as new and unread.
    apply_clock(&w.store, &w.clock).unwrap();
    let again = of_kind(&w, "company_profile");
    assert_eq!(again.len(), 1);
    assert_ne!(again[0].id, first[0].id);
    assert!(!again[0].read);
}

/// The unread count as a pass over every notification gives it (what
/// `notifications::list` computed before the tallies).
fn unread_by_counting(w: &World, actor: &Actor) -> u32 {
    w.store
        .read(|conn| {
            Ok(conn.query_row(
                &format!(
                    "SELECT count(*) FROM {FROM} WHERE r.read_at IS NULL AND {WANTED} AND {}",
                    visible(conn, actor).unwrap()
                ),
                [&actor.id],
                |r| r.get(0),
            )?)
        })
        .unwrap()
}

/// One of every clock rule's notifications falls due on the same day.
fn everything_due(w: &World) {
    let basic = service(w, "Microsoft 365 Business Basic");
    let key = crate::product_keys::ProductKeyInput {
        key: "bcdfg hjkmp qrtvw xy234 6789b".into(),
        service_id: basic.id.clone(),
        quantity: 10,
        term: "P1Y".into(),
    };
    crate::product_keys::add(&w.store, &w.clock, &w.admin, &key).unwrap();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    w.clock.advance(Duration::days(315));
    subscription(w, &customer, "Microsoft 365 Business Premium", true, false);
    w.clock.advance(Duration::days(24));
    let id = subscription(w, &customer, "Microsoft 365 Business Basic", false, false);
    subscriptions::set_partner_of_record(&w.store, &w.clock, &w.admin, &id, true).unwrap();
    // Cancelled: its data goes in seven days (the after-term notice).
    let cancelled = subscription(w, &customer, "Exchange Online", false, false);
    subscriptions::apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &cancelled,
        SubscriptionEvent::Cancel,
        "",
    )
    .unwrap();
    w.set_partner_id("1234567");
    let offer = OfferDraftInput {
        customer_id: Some(customer),
        valid_until: (w.clock.now() + Duration::days(2)).date().to_string(),
        lines: vec![OfferLineInput {
            service_id: basic.id,
            quantity: 3,
            unit_price_minor: basic.unit_price_minor,
            price_source: None,
            discount_bp: 0,
        }],
        ..Default::default()
    };
    let (draft, _) = offers::create(&w.store, &w.clock, &w.admin, &offer).unwrap();
    offers::send(
        &w.store,
        &w.clock,
        &w.admin,
        &draft.offer.id,
        &["it@alfa.pl".into()],
    )
    .unwrap();
    w.clock.advance(Duration::days(1));
    relationships::apply_clock(&w.store, &w.clock).unwrap();
}

#[test]
fn a_second_run_finds_nothing_to_draft() {
    let w = world();
    everything_due(&w);
    apply_clock(&w.store, &w.clock).unwrap();
    let kinds: Vec<String> = all(&w, &w.admin).into_iter().map(|n| n.kind).collect();
    for rule in CLOCK_RULES {
        assert!(
            kinds.iter().any(|k| k == rule.kind),
            "no {} notification",
            rule.kind
        );
    }
    // Each rule's SQL leaves out the causes already made: its cause key in
    // SQL is the one in Rust.
    let now = w.clock.now();
    w.store
        .read(|conn| {
            for rule in CLOCK_RULES {
                let drafts = (rule.find)(conn, now)?;
                assert!(drafts.is_empty(), "{} drafts {:?} again", rule.kind, drafts);
            }
            Ok(())
        })
        .unwrap();
    let before = count(&w);
    assert_eq!(apply_clock(&w.store, &w.clock).unwrap(), None);
    assert_eq!(count(&w), before);
}

#[test]
fn the_unread_count_stays_exact_through_reads_mutes_and_pruning() {
    let w = world();
    let bob = w.staff(
        "Bob Billing",
        CompanyRole::BillingAdmin,
        CustomerAccess::Full,
    );
    let nina = w.staff("Nina None", CompanyRole::None, CustomerAccess::None);
    everything_due(&w);
    apply_clock(&w.store, &w.clock).unwrap();
    let check = |when: &str| {
        for actor in [&w.admin, &bob, &nina] {
            let unread = list(&w.store, &w.clock, actor, &NotificationQuery::default())
                .unwrap()
                .unread;
            assert_eq!(
                unread,
                unread_by_counting(&w, actor),
                "{} {when}",
                actor.display_name
            );
        }
    };
    check("at first");
    let items = all(&w, &w.admin);
    assert!(items.len() >= 6);
    mark_read(&w.store, &w.clock, &w.admin, &items[0].id).unwrap();
    mark_read(&w.store, &w.clock, &w.admin, &items[0].id).unwrap();
    mark_read(&w.store, &w.clock, &bob, &items[1].id).unwrap();
    check("after reading one each, one twice");
    set_kind_settings(
        &w.store,
        &w.clock,
        &bob,
        &[KindSetting {
            kind: "trial_ending".into(),
            enabled: false,
        }],
    )
    .unwrap();
    check("with a kind muted");
    mark_all_read(&w.store, &w.clock, &bob).unwrap();
    check("after Bob read all he wants");
    // A read mark removed on its own, and notifications dropped with theirs.
    w.store
        .write(|tx| {
            tx.execute(
                "DELETE FROM notification_reads WHERE notification_id = ?1 AND staff_id = ?2",
                [&items[1].id, &bob.id],
            )?;
            Ok(())
        })
        .unwrap();
    check("after a read mark was removed");
    w.clock.advance(Duration::days(RETENTION_DAYS + 1));
    apply_clock(&w.store, &w.clock).unwrap();
    check("after the old ones were dropped");
    mark_all_read(&w.store, &w.clock, &w.admin).unwrap();
    check("after Anna read all");
    let tallied: i64 = w
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT sum(notifications) FROM notification_tally",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(tallied, count(&w));
}

#[test]
fn the_bell_reads_its_order_from_the_index_without_sorting() {
    let w = world();
    let visible = w.store.read(|conn| super::visible(conn, &w.admin)).unwrap();
    let plan: Vec<String> = w
        .store
        .read(|conn| {
            Ok(conn
                .prepare(&format!("EXPLAIN QUERY PLAN {}", super::list_sql(&visible)))?
                .query_map(params![w.admin.id, false, None::<String>, 50], |r| r.get(3))?
                .collect::<rusqlite::Result<Vec<String>>>()?)
        })
        .unwrap();
    assert!(
        plan.iter()
            .any(|line| line == "SCAN n USING INDEX notifications_by_created"),
        "{plan:?}"
    );
    assert!(
        !plan.iter().any(|line| line.contains("TEMP B-TREE")),
        "{plan:?}"
    );
}
