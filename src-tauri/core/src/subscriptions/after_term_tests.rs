//! The states after the term, driven by an injected clock at the day
//! boundaries Microsoft gives (docs/decisions/0035, 0042).

use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::after_term::{DELETE_NOTICE_DAYS, DISABLE_NOTICE_DAYS};
use super::*;
use crate::error::ErrorCode;
use crate::notifications::{self, Notification, NotificationQuery};
use crate::testing::{subscription_input, world, world_in_memory_backed, World};

fn service(w: &World, title_starts: &str) -> String {
    w.service(title_starts).id
}

fn status_of(w: &World, id: &str) -> Subscription {
    get(&w.store, &w.clock, &w.admin, id).unwrap().subscription
}

fn kinds(w: &World, id: &str) -> Vec<String> {
    get(&w.store, &w.clock, &w.admin, id)
        .unwrap()
        .history
        .into_iter()
        .map(|c| c.kind)
        .collect()
}

fn at(text: &str) -> OffsetDateTime {
    parse_rfc3339("at", text).unwrap()
}

/// Sets the clock to `base + days` (less `early`) and runs the subscription clock.
fn run_at(w: &World, base: OffsetDateTime, days: i64, early: Duration) {
    w.clock.set(base + Duration::days(days) - early);
    apply_clock(&w.store, &w.clock).unwrap();
}

/// A one-year subscription of Business Basic that does not renew.
fn not_renewing(w: &World, customer: &str) -> Subscription {
    let basic = service(w, "Microsoft 365 Business Basic");
    add(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionInput {
            auto_renew: false,
            ..subscription_input(customer, &basic, 10)
        },
    )
    .unwrap()
    .0
}

const A_SECOND: Duration = Duration::seconds(1);

#[test]
fn an_ended_term_expires_is_disabled_at_30_days_and_deleted_at_120() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = not_renewing(&w, &customer);
    let end = at(&s.ends_at);
    assert_eq!(s.next_status, Some(SubscriptionStatus::Expired));
    assert_eq!(s.next_status_at.as_deref(), Some(s.ends_at.as_str()));
    assert_eq!(
        s.data_deleted_at.as_deref(),
        Some("2028-03-24T09:00:00.000Z"),
        "term end 2027-11-25 + 120 days"
    );

    run_at(&w, end, 0, A_SECOND);
    assert_eq!(status_of(&w, &s.id).status, SubscriptionStatus::Active);
    run_at(&w, end, 0, Duration::ZERO);
    let expired = status_of(&w, &s.id);
    assert_eq!(expired.status, SubscriptionStatus::Expired);
    assert_eq!(expired.next_status, Some(SubscriptionStatus::Disabled));
    assert_eq!(
        expired.next_status_at.as_deref(),
        Some("2027-12-25T09:00:00.000Z")
    );
    assert_eq!(expired.data_deleted_at, s.data_deleted_at);

    run_at(&w, end, 29, Duration::ZERO);
    assert_eq!(status_of(&w, &s.id).status, SubscriptionStatus::Expired);
    run_at(&w, end, 30, A_SECOND);
    assert_eq!(status_of(&w, &s.id).status, SubscriptionStatus::Expired);
    run_at(&w, end, 30, Duration::ZERO);
    let disabled = status_of(&w, &s.id);
    assert_eq!(disabled.status, SubscriptionStatus::Disabled);
    assert_eq!(disabled.next_status, Some(SubscriptionStatus::Deleted));
    assert_eq!(disabled.next_status_at, s.data_deleted_at);

    // Ninety days disabled.
    run_at(&w, end, 30 + 89, Duration::ZERO);
    assert_eq!(status_of(&w, &s.id).status, SubscriptionStatus::Disabled);
    run_at(&w, end, 120, A_SECOND);
    assert_eq!(status_of(&w, &s.id).status, SubscriptionStatus::Disabled);
    run_at(&w, end, 120, Duration::ZERO);
    let deleted = status_of(&w, &s.id);
    assert_eq!(deleted.status, SubscriptionStatus::Deleted);
    assert_eq!(deleted.next_status, None);
    assert_eq!(deleted.data_deleted_at, s.data_deleted_at, "when it went");
    assert_eq!(
        kinds(&w, &s.id),
        ["created", "expired", "disabled", "deleted"]
    );
    assert_eq!(
        apply_clock(&w.store, &w.clock).unwrap(),
        None,
        "nothing due twice"
    );
}

#[test]
fn a_suspended_term_end_disables_it_at_once_and_its_data_goes_120_days_after() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let (s, _) = add(
        &w.store,
        &w.clock,
        &w.admin,
        &subscription_input(&customer, &basic, 10),
    )
    .unwrap();
    let (suspended, _) = apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &s.id,
        SubscriptionEvent::Suspend,
        "unpaid",
    )
    .unwrap();
    assert_eq!(suspended.next_status, Some(SubscriptionStatus::Disabled));
    assert_eq!(
        suspended.next_status_at.as_deref(),
        Some(s.ends_at.as_str())
    );
    let end = at(&s.ends_at);
    run_at(&w, end, 0, A_SECOND);
    assert_eq!(status_of(&w, &s.id).status, SubscriptionStatus::Suspended);
    run_at(&w, end, 0, Duration::ZERO);
    let disabled = status_of(&w, &s.id);
    assert_eq!(disabled.status, SubscriptionStatus::Disabled, "not expired");
    assert_eq!(
        disabled.ends_at, s.ends_at,
        "a suspended term does not renew"
    );
    assert_eq!(
        disabled.data_deleted_at.as_deref(),
        Some("2028-03-24T09:00:00.000Z"),
        "disabled 30 days, then 90"
    );
    // Day 30 only turns Microsoft's 30-day disabled state into its 90-day one.
    run_at(&w, end, 30, Duration::ZERO);
    assert_eq!(status_of(&w, &s.id).status, SubscriptionStatus::Disabled);
    run_at(&w, end, 120, A_SECOND);
    assert_eq!(status_of(&w, &s.id).status, SubscriptionStatus::Disabled);
    run_at(&w, end, 120, Duration::ZERO);
    assert_eq!(status_of(&w, &s.id).status, SubscriptionStatus::Deleted);
    assert_eq!(
        kinds(&w, &s.id),
        ["created", "suspended", "disabled", "deleted"]
    );
}

#[test]
fn a_cancelled_subscriptions_data_goes_seven_days_after_the_cancellation() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = not_renewing(&w, &customer);
    w.clock.advance(Duration::hours(5));
    let (cancelled, _) = apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &s.id,
        SubscriptionEvent::Cancel,
        "",
    )
    .unwrap();
    assert_eq!(
        cancelled.data_deleted_at.as_deref(),
        Some("2026-12-02T14:00:00.000Z")
    );
    assert_eq!(cancelled.next_status, Some(SubscriptionStatus::Deleted));
    let cancelled_at = at(cancelled.cancelled_at.as_deref().unwrap());
    run_at(&w, cancelled_at, 7, A_SECOND);
    assert_eq!(status_of(&w, &s.id).status, SubscriptionStatus::Cancelled);
    run_at(&w, cancelled_at, 7, Duration::ZERO);
    let deleted = status_of(&w, &s.id);
    assert_eq!(deleted.status, SubscriptionStatus::Deleted);
    assert_eq!(deleted.data_deleted_at, cancelled.data_deleted_at);
    assert_eq!(kinds(&w, &s.id), ["created", "cancelled", "deleted"]);
}

#[test]
fn a_clock_that_was_off_for_months_takes_every_step_in_one_run() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = not_renewing(&w, &customer);
    run_at(&w, at(&s.ends_at), 200, Duration::ZERO);
    assert_eq!(status_of(&w, &s.id).status, SubscriptionStatus::Deleted);
    assert_eq!(
        kinds(&w, &s.id),
        ["created", "expired", "disabled", "deleted"]
    );
    let clock_entries = w
        .audit_actions()
        .into_iter()
        .filter(|(action, ..)| action == "subscription.clock")
        .count();
    assert_eq!(clock_entries, 3, "one audit entry per step");
}

#[test]
fn deleted_subscriptions_stay_as_history_but_are_no_longer_the_customers() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let (full, _) = add(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionInput {
            auto_renew: false,
            ..subscription_input(&customer, &basic, 300)
        },
    )
    .unwrap();
    let refused = add(
        &w.store,
        &w.clock,
        &w.admin,
        &subscription_input(&customer, &basic, 1),
    )
    .unwrap_err();
    assert_eq!(refused.field(), Some("quantity"), "300 held: {refused}");
    run_at(&w, at(&full.ends_at), 120, Duration::ZERO);
    assert_eq!(status_of(&w, &full.id).status, SubscriptionStatus::Deleted);

    // Its seats no longer count; the row is still listed and counted.
    add(
        &w.store,
        &w.clock,
        &w.admin,
        &subscription_input(&customer, &basic, 300),
    )
    .expect("the deleted one's seats are free");
    let deleted = list(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionQuery {
            status: Some(SubscriptionStatus::Deleted),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(deleted.total, Some(1));
    assert_eq!(deleted.rows[0].id, full.id);
    let of_customer = list(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionQuery {
            customer_id: Some(customer.clone()),
            status: Some(SubscriptionStatus::Deleted),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(of_customer.total, Some(1));

    // Nothing changes it any more.
    for refused in [
        change_quantity(&w.store, &w.clock, &w.admin, &full.id, 5, "").map(|_| ()),
        set_auto_renew(&w.store, &w.clock, &w.admin, &full.id, true).map(|_| ()),
        apply_event(
            &w.store,
            &w.clock,
            &w.admin,
            &full.id,
            SubscriptionEvent::Reactivate,
            "",
        )
        .map(|_| ()),
        apply_event(
            &w.store,
            &w.clock,
            &w.admin,
            &full.id,
            SubscriptionEvent::Cancel,
            "",
        )
        .map(|_| ()),
    ] {
        assert_eq!(refused.unwrap_err().code(), ErrorCode::InvalidState);
    }
}

fn after_term_notices(w: &World, id: &str) -> Vec<Notification> {
    let mut found: Vec<Notification> = notifications::list(
        &w.store,
        &w.clock,
        &w.admin,
        &NotificationQuery {
            kind: Some("after_term".into()),
            limit: Some(500),
            ..Default::default()
        },
    )
    .unwrap()
    .items
    .into_iter()
    .filter(|n| n.object_id == id)
    .collect();
    found.reverse();
    found
}

/// Runs both clocks twice a day from now until `until`.
fn live_until(w: &World, until: OffsetDateTime) {
    while w.clock.now() < until {
        w.clock.advance(Duration::hours(12));
        apply_clock(&w.store, &w.clock).unwrap();
        notifications::apply_clock(&w.store, &w.clock).unwrap();
    }
}

/// (event, due, the day it was made) of each notice.
fn summary(notices: &[Notification]) -> Vec<(String, String, String)> {
    notices
        .iter()
        .map(|n| {
            (
                n.event.clone(),
                n.due.clone().unwrap_or_default(),
                n.created_at[..10].to_owned(),
            )
        })
        .collect()
}

#[test]
fn each_step_after_the_term_is_announced_once_before_it_comes() {
    let w = world_in_memory_backed();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = not_renewing(&w, &customer);
    // The term ends 2027-11-25: disabled 2027-12-25, deleted 2028-03-24.
    w.clock.set(datetime!(2027-11-20 09:00 UTC));
    live_until(&w, datetime!(2028-04-01 09:00 UTC));
    let notices = after_term_notices(&w, &s.id);
    assert_eq!(
        summary(&notices),
        [
            ("disabling".into(), "2027-12-25".into(), "2027-12-18".into()),
            ("deleting".into(), "2028-03-24".into(), "2028-03-10".into()),
        ],
        "{DISABLE_NOTICE_DAYS} and {DELETE_NOTICE_DAYS} days before"
    );
    assert_eq!(
        (
            notices[0].from_value.as_deref(),
            notices[0].to_value.as_deref()
        ),
        (Some("expired"), Some("disabled"))
    );
    assert_eq!(notices[1].from_value.as_deref(), Some("disabled"));
}

#[test]
fn a_suspended_and_a_cancelled_subscription_are_announced_before_their_steps() {
    let w = world_in_memory_backed();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let suspended = not_renewing(&w, &customer);
    apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &suspended.id,
        SubscriptionEvent::Suspend,
        "",
    )
    .unwrap();
    let cancelled = not_renewing(&w, &customer);
    apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &cancelled.id,
        SubscriptionEvent::Cancel,
        "",
    )
    .unwrap();
    live_until(&w, datetime!(2026-12-10 09:00 UTC));
    assert_eq!(
        summary(&after_term_notices(&w, &cancelled.id)),
        [("deleting".into(), "2026-12-02".into(), "2026-11-25".into())],
        "the seven days are inside the notice: at the first run"
    );
    w.clock.set(datetime!(2027-11-10 09:00 UTC));
    live_until(&w, datetime!(2028-04-01 09:00 UTC));
    assert_eq!(
        summary(&after_term_notices(&w, &suspended.id)),
        [
            ("disabling".into(), "2027-11-25".into(), "2027-11-18".into()),
            ("deleting".into(), "2028-03-24".into(), "2028-03-10".into()),
        ]
    );
}

#[test]
fn each_step_reaches_the_subscription_changed_hook_by_its_name() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = not_renewing(&w, &customer);
    set_partner_of_record(&w.store, &w.clock, &w.admin, &s.id, true).unwrap();
    run_at(&w, at(&s.ends_at), 0, Duration::ZERO);
    run_at(&w, at(&s.ends_at), 30, Duration::ZERO);
    run_at(&w, at(&s.ends_at), 120, Duration::ZERO);
    let mut events: Vec<(String, Option<String>, Option<String>)> = notifications::list(
        &w.store,
        &w.clock,
        &w.admin,
        &NotificationQuery {
            kind: Some(crate::notifications::KIND_PARTNER_OF_RECORD.into()),
            limit: Some(100),
            ..Default::default()
        },
    )
    .unwrap()
    .items
    .into_iter()
    .filter(|n| n.object_id == s.id)
    .map(|n| (n.event, n.from_value, n.to_value))
    .collect();
    events.reverse();
    let step = |event: &str, from: &str, to: &str| {
        (event.to_owned(), Some(from.to_owned()), Some(to.to_owned()))
    };
    assert_eq!(
        events[1..],
        [
            step("expired", "active", "expired"),
            step("disabled", "expired", "disabled"),
            step("deleted", "disabled", "deleted"),
        ]
    );
}

#[test]
fn the_widened_constraints_still_refuse_what_is_no_status_or_source() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = not_renewing(&w, &customer);
    let set = |column: &str, value: &str| {
        w.store.write(|tx| {
            tx.execute(
                &format!("UPDATE subscriptions SET {column} = ?1 WHERE id = ?2"),
                [value, s.id.as_str()],
            )?;
            Ok(())
        })
    };
    for (column, value) in [
        ("status", "disabled"),
        ("status", "deleted"),
        ("source", "upgrade"),
    ] {
        set(column, value).unwrap_or_else(|e| panic!("{column} {value}: {e}"));
    }
    assert!(set("status", "archived").is_err());
    assert!(set("source", "gift").is_err());
    let ok: String = w
        .store
        .read(|conn| Ok(conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn the_export_carries_the_next_step_and_the_date_the_data_goes() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let s = not_renewing(&w, &customer);
    run_at(&w, at(&s.ends_at), 0, Duration::ZERO);
    let mut csv = Vec::new();
    export_list(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionQuery::default(),
        crate::csv_file::Delimiter::Comma,
        &mut csv,
    )
    .unwrap();
    let text = String::from_utf8(csv).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.contains(",decrease_window_closes_at,next_status,data_deleted_at,"),
        "{header}"
    );
    assert!(
        text.contains(",expired,no,10,") && text.contains(",disabled,2028-03-24T09:00:00.000Z,"),
        "{text}"
    );
}

#[test]
fn each_hourly_step_query_reads_an_index_not_every_subscription() {
    let w = world();
    for step in &super::after_term::STEPS {
        let sql = super::after_term::due_query(step);
        let plan: Vec<String> = w
            .store
            .read(|conn| {
                Ok(conn
                    .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?
                    .query_map(["2027-01-01T00:00:00.000Z"], |r| r.get(3))?
                    .collect::<rusqlite::Result<Vec<String>>>()?)
            })
            .unwrap();
        let search = match step.anchor {
            super::after_term::Anchor::TermEnd => {
                "SEARCH s USING INDEX subscriptions_by_end (status=? AND ends_at<?)"
            }
            // Cancelled subscriptions are a week's at most: each is deleted 7 days on.
            super::after_term::Anchor::Cancellation => {
                "SEARCH s USING INDEX subscriptions_by_end (status=?)"
            }
        };
        assert!(
            plan.iter().any(|line| line == search),
            "{}: {plan:?}",
            step.from.as_str()
        );
    }
}
