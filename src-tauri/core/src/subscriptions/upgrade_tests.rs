//! Upgrades along the offer matrix's conversion paths (docs/decisions/0042).

use time::Duration;

use super::*;
use crate::access::{CompanyRole, CustomerAccess};
use crate::error::ErrorCode;
use crate::testing::{subscription_input, world, World};

fn service(w: &World, title_starts: &str) -> String {
    w.service(title_starts).id
}

fn basic_of(w: &World, customer: &str, quantity: u32) -> Subscription {
    let basic = service(w, "Microsoft 365 Business Basic");
    add(
        &w.store,
        &w.clock,
        &w.admin,
        &subscription_input(customer, &basic, quantity),
    )
    .unwrap()
    .0
}

fn move_to(service_id: &str, quantity: u32) -> UpgradeInput {
    UpgradeInput {
        service_id: service_id.into(),
        quantity,
    }
}

fn history(w: &World, id: &str) -> Vec<SubscriptionChange> {
    get(&w.store, &w.clock, &w.admin, id).unwrap().history
}

#[test]
fn the_targets_are_the_conversion_paths_the_catalog_sells() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = basic_of(&w, &customer, 10);
    let targets = upgrade_targets(&w.store, &w.clock, &w.admin, &s.id).unwrap();
    // The matrix lists Business Standard and Microsoft 365 E3 (CFQ7TTC0LF8Q,
    // not in the sample catalog) for Business Basic.
    let titles: Vec<&str> = targets.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["Microsoft 365 Business Standard (sample price)"]);
    assert_eq!(
        (targets[0].product_id.as_str(), targets[0].sku_id.as_str()),
        ("CFQ7TTC0LDPB", "0001")
    );
    let standard = service(&w, "Microsoft 365 Business Standard");
    let (on_standard, _) = add(
        &w.store,
        &w.clock,
        &w.admin,
        &subscription_input(&customer, &standard, 1),
    )
    .unwrap();
    assert!(
        upgrade_targets(&w.store, &w.clock, &w.admin, &on_standard.id)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_partial_upgrade_makes_a_coterminous_subscription_inside_the_parents_window() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = basic_of(&w, &customer, 10);
    let standard = service(&w, "Microsoft 365 Business Standard");
    w.clock.advance(Duration::days(2));
    let (outcome, change) =
        upgrade(&w.store, &w.clock, &w.admin, &s.id, &move_to(&standard, 3)).unwrap();
    let (parent, new) = (outcome.upgraded, outcome.created.expect("a new one"));
    assert_eq!((parent.id.as_str(), parent.quantity), (s.id.as_str(), 7));
    assert_eq!(parent.service_id, s.service_id);
    assert_eq!(new.service_id, standard);
    assert_eq!(new.quantity, 3);
    assert_eq!(new.status, SubscriptionStatus::Active);
    assert_eq!(new.ends_at, s.ends_at, "coterminous");
    assert_eq!(
        new.term_started_at, s.term_started_at,
        "the parent's window"
    );
    assert_eq!(new.decrease_window_closes_at, s.decrease_window_closes_at);
    assert_eq!(
        (new.term.as_str(), new.billing_plan.as_str()),
        ("P1Y", "monthly")
    );
    assert_eq!(new.auto_renew, s.auto_renew);
    assert_eq!(new.upgraded_from.as_deref(), Some(s.id.as_str()));
    assert_eq!(new.source, "upgrade");
    assert!(change.ids.contains(&new.id) && change.ids.contains(&s.id));

    let parent_rows = history(&w, &s.id);
    let last = parent_rows.last().unwrap();
    assert_eq!(
        (
            last.kind.as_str(),
            last.from_value.as_deref(),
            last.to_value.as_deref()
        ),
        ("upgraded", Some("10"), Some("7"))
    );
    let new_rows = history(&w, &new.id);
    assert_eq!(new_rows.len(), 1);
    assert_eq!(new_rows[0].kind, "upgraded");
    assert_eq!(
        new_rows[0].to_value.as_deref(),
        Some("3 × Microsoft 365 Business Standard (sample price)")
    );
    let upgrades = w
        .audit_actions()
        .into_iter()
        .filter(|(action, ..)| action == "subscription.upgrade")
        .count();
    assert_eq!(upgrades, 2, "one audit entry on each subscription");

    // Cancelling the new one inside the parent's window is refunded like the parent.
    let (cancelled, _) = apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &new.id,
        SubscriptionEvent::Cancel,
        "",
    )
    .unwrap();
    assert!(cancelled.refundable);
}

#[test]
fn a_full_upgrade_changes_the_sku_in_place() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = basic_of(&w, &customer, 10);
    let standard = service(&w, "Microsoft 365 Business Standard");
    let (outcome, _) =
        upgrade(&w.store, &w.clock, &w.admin, &s.id, &move_to(&standard, 10)).unwrap();
    assert_eq!(outcome.created, None);
    let same = outcome.upgraded;
    assert_eq!(same.id, s.id, "the subscription ID stays the same");
    assert_eq!(
        (same.service_id.as_str(), same.quantity),
        (standard.as_str(), 10)
    );
    assert_eq!(
        (same.ends_at.as_str(), same.term_started_at.as_str()),
        (s.ends_at.as_str(), s.term_started_at.as_str())
    );
    let last = history(&w, &s.id).pop().unwrap();
    assert_eq!(
        (
            last.kind.as_str(),
            last.from_value.as_deref(),
            last.to_value.as_deref()
        ),
        (
            "upgraded",
            Some("10 × Microsoft 365 Business Basic (sample price)"),
            Some("10 × Microsoft 365 Business Standard (sample price)")
        )
    );
    let on_standard = list(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionQuery {
            service_id: Some(standard),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(on_standard.total, Some(1), "the tally follows the SKU");
}

#[test]
fn moving_seats_within_the_business_family_does_not_count_them_twice() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = basic_of(&w, &customer, 300);
    let standard = service(&w, "Microsoft 365 Business Standard");
    let (outcome, _) = upgrade(
        &w.store,
        &w.clock,
        &w.admin,
        &s.id,
        &move_to(&standard, 120),
    )
    .expect("300 in the family before and after");
    assert_eq!(outcome.upgraded.quantity, 180);
}

#[test]
fn the_targets_seat_ceiling_applies() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let (e3, e5) = (
        service(&w, "Microsoft 365 E3"),
        service(&w, "Microsoft 365 E5"),
    );
    // A matrix where E3 converts to E5 and E5 allows 5 seats per tenant.
    w.store
        .write(|tx| {
            tx.execute_batch(
                "INSERT INTO offer_matrix (product_id, sku_id, max_licenses, updated_at) VALUES
                     ('CFQ7TTC0LFLX', '0001', NULL, '2026-11-25T09:00:00.000Z'),
                     ('CFQ7TTC0LFLZ', '0002', 5, '2026-11-25T09:00:00.000Z');
                 INSERT INTO offer_matrix_links (product_id, sku_id, kind, position, to_product_id, to_sku_id)
                 VALUES ('CFQ7TTC0LFLX', '0001', 'conversion', 0, 'CFQ7TTC0LFLZ', '0002');",
            )?;
            Ok(())
        })
        .unwrap();
    let (s, _) = add(
        &w.store,
        &w.clock,
        &w.admin,
        &subscription_input(&customer, &e3, 10),
    )
    .unwrap();
    let refused = upgrade(&w.store, &w.clock, &w.admin, &s.id, &move_to(&e5, 6)).unwrap_err();
    assert_eq!(refused.field(), Some("quantity"));
    assert!(
        refused
            .to_string()
            .contains("exceeds the remaining limit of 5"),
        "{refused}"
    );
    assert_eq!(
        get(&w.store, &w.clock, &w.admin, &s.id)
            .unwrap()
            .subscription
            .quantity,
        10,
        "nothing moved"
    );
    upgrade(&w.store, &w.clock, &w.admin, &s.id, &move_to(&e5, 5)).expect("five fit");
}

#[test]
fn upgrades_are_refused_off_the_path_beyond_the_count_when_not_active_and_for_trials() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = basic_of(&w, &customer, 10);
    let (standard, premium) = (
        service(&w, "Microsoft 365 Business Standard"),
        service(&w, "Microsoft 365 Business Premium"),
    );
    let attempt = |id: &str, to: &str, quantity| {
        upgrade(&w.store, &w.clock, &w.admin, id, &move_to(to, quantity)).unwrap_err()
    };
    let off_path = attempt(&s.id, &premium, 3);
    assert_eq!(off_path.field(), Some("service_id"));
    assert!(off_path.to_string().contains("ProductSkuConversion"));
    assert_eq!(attempt(&s.id, &standard, 11).field(), Some("quantity"));
    assert_eq!(attempt(&s.id, &standard, 0).field(), Some("quantity"));

    apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &s.id,
        SubscriptionEvent::Suspend,
        "",
    )
    .unwrap();
    let suspended = attempt(&s.id, &standard, 3);
    assert_eq!(suspended.code(), ErrorCode::InvalidState);
    assert!(
        suspended.to_string().contains("cannot be upgraded"),
        "{suspended}"
    );

    let basic = service(&w, "Microsoft 365 Business Basic");
    // A customer who owns no Basic: Microsoft gives no trial of an owned offer.
    let (newcomer, _) = w.active_customer("Gamma", "gamma", &[]);
    let (trial, _) = add(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionInput {
            trial: true,
            ..subscription_input(&newcomer, &basic, 1)
        },
    )
    .unwrap();
    let refused = attempt(&trial.id, &standard, 25);
    assert_eq!(refused.code(), ErrorCode::InvalidState);
    assert!(refused.to_string().contains("trial"), "{refused}");

    let (customer_b, _) = w.active_customer("Beta", "beta", &[]);
    let ended = {
        let (e, _) = add(
            &w.store,
            &w.clock,
            &w.admin,
            &SubscriptionInput {
                auto_renew: false,
                ..subscription_input(&customer_b, &basic, 4)
            },
        )
        .unwrap();
        w.clock.set(parse_rfc3339("ends_at", &e.ends_at).unwrap());
        apply_clock(&w.store, &w.clock).unwrap();
        e
    };
    assert_eq!(
        attempt(&ended.id, &standard, 4).code(),
        ErrorCode::InvalidState
    );
    assert_eq!(
        get(&w.store, &w.clock, &w.admin, &s.id)
            .unwrap()
            .subscription
            .quantity,
        10,
        "no refusal moved anything"
    );
}

#[test]
fn an_upgrade_needs_full_access_to_the_customer() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = basic_of(&w, &customer, 10);
    let standard = service(&w, "Microsoft 365 Business Standard");
    let limited = w.staff("Lena Limited", CompanyRole::None, CustomerAccess::Limited);
    assert_eq!(
        upgrade_targets(&w.store, &w.clock, &limited, &s.id)
            .unwrap()
            .len(),
        1,
        "seeing where it could go is viewing"
    );
    let refused = upgrade(&w.store, &w.clock, &limited, &s.id, &move_to(&standard, 3)).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert_eq!(refused.reason(), Some("full_customer_access_required"));
}

/// Refundable total and the sum of what the lots still hold.
fn windows_of(w: &World, id: &str) -> (u32, u32, u32) {
    let d = get(&w.store, &w.clock, &w.admin, id).unwrap();
    let held: u32 = d.windows.lots.iter().map(|l| l.remaining).sum();
    (
        d.windows.refundable_quantity.total,
        held,
        d.subscription.quantity,
    )
}

#[test]
fn a_partial_upgrade_moves_licence_lots_and_the_new_ones_keep_the_parents_window() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = basic_of(&w, &customer, 10);
    let standard = service(&w, "Microsoft 365 Business Standard");
    // Day 2: the purchase's window is open; 3 move, the parent may still remove 7.
    w.clock.advance(Duration::days(2));
    let (outcome, _) =
        upgrade(&w.store, &w.clock, &w.admin, &s.id, &move_to(&standard, 3)).unwrap();
    let new = outcome.created.expect("a new one");
    assert_eq!(windows_of(&w, &s.id), (7, 7, 7));
    assert_eq!(windows_of(&w, &new.id), (3, 3, 3));
    let lot = get(&w.store, &w.clock, &w.admin, &new.id)
        .unwrap()
        .windows
        .lots
        .pop()
        .unwrap();
    assert_eq!(lot.origin, LotOrigin::Upgrade);
    assert_eq!(
        lot.removable_until, s.decrease_window_closes_at,
        "the parent's window, not seven days from the move"
    );
    // Day 8: every window closed; an addition then a second upgrade takes the
    // closed licences first, so the addition stays removable.
    w.clock.advance(Duration::days(6));
    change_quantity(&w.store, &w.clock, &w.admin, &s.id, 9, "").unwrap();
    assert_eq!(windows_of(&w, &s.id), (2, 9, 9));
    let (outcome, _) =
        upgrade(&w.store, &w.clock, &w.admin, &s.id, &move_to(&standard, 4)).unwrap();
    let later = outcome.created.expect("a new one");
    assert_eq!(windows_of(&w, &s.id), (2, 5, 5));
    assert_eq!(
        windows_of(&w, &later.id),
        (0, 4, 4),
        "the parent's window closed"
    );
    // Moving into the addition's licences once the closed ones are gone.
    let (outcome, _) =
        upgrade(&w.store, &w.clock, &w.admin, &s.id, &move_to(&standard, 4)).unwrap();
    assert!(outcome.created.is_some());
    assert_eq!(windows_of(&w, &s.id), (1, 1, 1));
}
