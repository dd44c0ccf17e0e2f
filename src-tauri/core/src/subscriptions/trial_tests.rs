//! Trials as Microsoft runs them (decision 0043): the fixed 25 licences and
//! 30 days, one per offer and none of an owned one, no suspension, and the
//! conversion at the end by the clock.

use time::macros::datetime;
use time::Duration;

use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A};
use crate::error::ErrorCode;
use crate::testing::{subscription_input as input, world, World};

fn trial(w: &World, customer: &str, title: &str, auto_renew: bool) -> Subscription {
    let service = w.service(title).id;
    let input = SubscriptionInput {
        trial: true,
        auto_renew,
        ..input(customer, &service, 0)
    };
    add(&w.store, &w.clock, &w.admin, &input).unwrap().0
}

fn reload(w: &World, id: &str) -> SubscriptionDetail {
    get(&w.store, &w.clock, &w.admin, id).unwrap()
}

fn kinds(detail: &SubscriptionDetail) -> Vec<&str> {
    detail.history.iter().map(|c| c.kind.as_str()).collect()
}

/// (kind, event, to_value) of the notifications about `id`, oldest first.
fn notifications_of(w: &World, id: &str) -> Vec<(String, String, Option<String>)> {
    w.store
        .read(|c| {
            Ok(c.prepare(
                "SELECT kind, event, to_value FROM notifications WHERE object_id = ?1
                 ORDER BY created_at, rowid",
            )?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .unwrap()
}

const END: time::OffsetDateTime = datetime!(2026-12-25 09:00 UTC);

#[test]
fn a_trial_is_microsofts_25_licences_for_30_days_whatever_is_asked() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = w.service("Microsoft 365 Business Basic").id;
    let asked = SubscriptionInput {
        trial: true,
        quantity: 7,
        term: Some("P1M".into()),
        ..input(&customer, &basic, 7)
    };
    let (t, _) = add(&w.store, &w.clock, &w.admin, &asked).unwrap();
    assert_eq!(
        (t.quantity, t.trial, t.auto_renew),
        (TRIAL_SEATS, true, false)
    );
    assert_eq!(
        t.ends_at,
        to_rfc3339(END).unwrap(),
        "30 days from the start"
    );
    // What was asked is what it converts into.
    let conversion = t.conversion.clone().expect("auto-renew on: it converts");
    assert_eq!((conversion.quantity, conversion.term.as_str()), (7, "P1M"));
    let refused = change_quantity(&w.store, &w.clock, &w.admin, &t.id, 26, "").unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidState);
    assert_eq!(reload(&w, &t.id).subscription.quantity, 25);
}

#[test]
fn no_trial_of_an_offer_the_customer_already_owns() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = w.service("Microsoft 365 Business Basic").id;
    let (paid, _) = add(&w.store, &w.clock, &w.admin, &input(&customer, &basic, 3)).unwrap();
    let as_trial = SubscriptionInput {
        trial: true,
        ..input(&customer, &basic, 0)
    };
    let refused = add(&w.store, &w.clock, &w.admin, &as_trial).unwrap_err();
    assert_eq!(
        (refused.code(), refused.field()),
        (ErrorCode::Conflict, Some("trial"))
    );
    assert!(
        refused.to_string().contains("already owns") && refused.to_string().contains("2026-11-25"),
        "{refused}"
    );
    assert!(
        refused.text().pl.contains("klient ma już"),
        "{}",
        refused.text().pl
    );
    // Another offer is not owned; once the paid one is cancelled, Basic is not either.
    trial(&w, &customer, "Microsoft 365 Business Standard", false);
    apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &paid.id,
        SubscriptionEvent::Cancel,
        "",
    )
    .unwrap();
    add(&w.store, &w.clock, &w.admin, &as_trial).expect("no live paid Basic any more");
}

#[test]
fn a_trial_cannot_be_suspended_but_a_paid_subscription_can() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let t = trial(&w, &customer, "Microsoft 365 Business Basic", true);
    let refused = apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &t.id,
        SubscriptionEvent::Suspend,
        "",
    )
    .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidState);
    assert!(
        refused.to_string().contains("cannot be suspended"),
        "{refused}"
    );
    assert_eq!(
        reload(&w, &t.id).subscription.status,
        SubscriptionStatus::Active
    );
    let premium = w.service("Microsoft 365 Business Premium").id;
    let (paid, _) = add(&w.store, &w.clock, &w.admin, &input(&customer, &premium, 2)).unwrap();
    let (suspended, _) = apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &paid.id,
        SubscriptionEvent::Suspend,
        "",
    )
    .unwrap();
    assert_eq!(suspended.status, SubscriptionStatus::Suspended);
}

#[test]
fn at_the_end_hour_the_clock_converts_into_microsofts_default() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let t = trial(&w, &customer, "Microsoft 365 Business Basic", true);
    assert_eq!(
        t.conversion,
        Some(TrialConversion {
            quantity: 25,
            term: "P1Y".into(),
            billing_plan: "monthly".into(),
            auto_renew: true,
        })
    );
    w.clock.set(END - Duration::seconds(1));
    apply_clock(&w.store, &w.clock).unwrap();
    assert!(
        reload(&w, &t.id).subscription.trial,
        "a second early: still a trial"
    );

    w.clock.set(END);
    let change = apply_clock(&w.store, &w.clock).unwrap().expect("a change");
    assert!(change.ids.contains(&t.id));
    let detail = reload(&w, &t.id);
    let paid = &detail.subscription;
    assert!(!paid.trial && paid.status == SubscriptionStatus::Active);
    assert_eq!(
        (
            paid.quantity,
            paid.term.as_str(),
            paid.billing_plan.as_str(),
            paid.auto_renew
        ),
        (25, "P1Y", "monthly", true)
    );
    assert_eq!(paid.term_started_at, "2026-12-25T09:00:00.000Z");
    assert_eq!(paid.ends_at, "2027-12-25T09:00:00.000Z");
    assert_eq!(paid.conversion, None, "done");
    let converted = detail.history.last().unwrap();
    assert_eq!(
        (converted.kind.as_str(), converted.actor_name.as_str()),
        ("converted", "Partnerdesk (clock)")
    );
    assert!(w
        .audit_actions()
        .iter()
        .any(|(action, outcome, _)| action == "subscription.clock" && outcome == "done"));
    assert_eq!(
        notifications_of(&w, &t.id),
        [(KIND_TRIAL.into(), "converted".into(), Some("active".into()))]
    );
    // A second run finds nothing more to do.
    assert_eq!(apply_clock(&w.store, &w.clock).unwrap(), None);
}

#[test]
fn staff_schedule_and_switch_off_the_conversion_then_the_trial_just_ends() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let t = trial(&w, &customer, "Microsoft 365 Business Basic", false);
    assert_eq!(t.conversion, None);
    let chosen = TrialConversion {
        quantity: 10,
        term: "P1M".into(),
        billing_plan: "monthly".into(),
        auto_renew: false,
    };
    let (scheduled, _) =
        schedule_trial_conversion(&w.store, &w.clock, &w.admin, &t.id, &chosen).unwrap();
    assert_eq!(scheduled.conversion.as_ref(), Some(&chosen));
    let bad = TrialConversion {
        billing_plan: "annual".into(),
        ..chosen.clone()
    };
    assert!(schedule_trial_conversion(&w.store, &w.clock, &w.admin, &t.id, &bad).is_err());
    let outsider = w.staff("Zenon", R::None, A::None);
    let forbidden =
        schedule_trial_conversion(&w.store, &w.clock, &outsider, &t.id, &chosen).unwrap_err();
    assert_eq!(forbidden.code(), ErrorCode::Forbidden);
    let (cleared, _) = clear_trial_conversion(&w.store, &w.clock, &w.admin, &t.id).unwrap();
    assert_eq!(cleared.conversion, None);
    let history = reload(&w, &t.id);
    assert_eq!(
        kinds(&history),
        ["created", "conversion_scheduled", "conversion_cleared"]
    );
    assert_eq!(
        history.history[1].to_value.as_deref(),
        Some("10 licences, P1M, monthly")
    );

    w.clock.set(END);
    apply_clock(&w.store, &w.clock).unwrap();
    let ended = reload(&w, &t.id);
    assert_eq!(ended.subscription.status, SubscriptionStatus::Expired);
    assert!(ended.subscription.trial);
    assert_eq!(kinds(&ended).last(), Some(&"expired"));
    assert_eq!(
        notifications_of(&w, &t.id),
        [(KIND_TRIAL.into(), "expired".into(), Some("expired".into()))]
    );
    let paid = w.service("Microsoft 365 Business Premium").id;
    let (p, _) = add(&w.store, &w.clock, &w.admin, &input(&customer, &paid, 1)).unwrap();
    let not_trial =
        schedule_trial_conversion(&w.store, &w.clock, &w.admin, &p.id, &chosen).unwrap_err();
    assert_eq!(not_trial.code(), ErrorCode::InvalidState);
}

#[test]
fn a_conversion_the_seat_ceiling_refuses_at_the_end_ends_the_trial_and_says_why() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let t = trial(&w, &customer, "Microsoft 365 Business Basic", false);
    let at_the_ceiling = TrialConversion {
        quantity: 290,
        term: "P1Y".into(),
        billing_plan: "monthly".into(),
        auto_renew: true,
    };
    schedule_trial_conversion(&w.store, &w.clock, &w.admin, &t.id, &at_the_ceiling).unwrap();
    // Meanwhile the customer buys Standard: the Business family passes 300.
    let standard = w.service("Microsoft 365 Business Standard").id;
    add(
        &w.store,
        &w.clock,
        &w.admin,
        &input(&customer, &standard, 20),
    )
    .unwrap();

    w.clock.set(END);
    apply_clock(&w.store, &w.clock).unwrap();
    let ended = reload(&w, &t.id);
    assert_eq!(
        (ended.subscription.status, ended.subscription.trial),
        (SubscriptionStatus::Expired, true)
    );
    let refused = ended
        .history
        .iter()
        .find(|c| c.kind == "conversion_refused")
        .expect("the refusal is in the history");
    assert!(refused.reason.contains("300"), "{}", refused.reason);
    assert_eq!(kinds(&ended).last(), Some(&"expired"));
    let told = notifications_of(&w, &t.id);
    assert_eq!(told.len(), 2, "{told:?}");
    assert_eq!(
        (told[0].0.as_str(), told[0].1.as_str()),
        (KIND_TRIAL, "conversion_refused")
    );
    assert!(told[0].2.as_deref().unwrap_or_default().contains("300"));
    assert_eq!(told[1].1, "expired");
}
