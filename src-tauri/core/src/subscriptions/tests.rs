use time::macros::datetime;
use time::Duration;

use super::*;
use crate::access::{CompanyRole, CustomerAccess};
use crate::catalog;
use crate::customers::{self, CustomerQuery};
use crate::error::ErrorCode;
use crate::relationships;
use crate::testing::{world, World};

fn service(w: &World, title_starts: &str) -> String {
    catalog::list(&w.store, &w.clock, &w.admin)
        .unwrap()
        .into_iter()
        .find(|s| s.title.starts_with(title_starts))
        .unwrap()
        .id
}

use crate::testing::subscription_input as input;

#[test]
fn the_transition_table_is_exactly_as_designed() {
    use SubscriptionEvent as E;
    use SubscriptionStatus as S;
    let mut table = String::new();
    for status in S::ALL {
        for event in E::ALL {
            if let Some(next) = transition(status, event) {
                table.push_str(&format!(
                    "{} --{}--> {}\n",
                    status.as_str(),
                    event.as_str(),
                    next.as_str()
                ));
            }
        }
    }
    assert_eq!(
        table,
        "pending --cancelled--> cancelled
pending --started--> active
active --suspended--> suspended
active --cancelled--> cancelled
active --converted--> active
active --renewed--> active
active --expired--> expired
active --upgraded--> active
suspended --reactivated--> active
suspended --cancelled--> cancelled
suspended --disabled--> disabled
expired --disabled--> disabled
cancelled --deleted--> deleted
disabled --deleted--> deleted
"
    );
}

#[test]
fn a_subscription_is_added_from_the_catalog_with_its_history_and_audit() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let (s, change) = add(&w.store, &w.clock, &w.admin, &input(&customer, &basic, 10)).unwrap();
    assert_eq!(s.status, SubscriptionStatus::Active);
    assert_eq!(
        (s.quantity, s.term.as_str(), s.billing_plan.as_str()),
        (10, "P1Y", "monthly")
    );
    assert_eq!(s.ends_at, "2027-11-25T09:00:00.000Z");
    assert_eq!(s.decrease_window_closes_at, "2026-12-02T09:00:00.000Z");
    assert_eq!(s.source, "manual");
    assert_eq!(change.entity, Entity::Subscription);
    let detail = get(&w.store, &w.clock, &w.admin, &s.id).unwrap();
    assert_eq!(detail.history.len(), 1);
    assert_eq!(detail.history[0].kind, "created");
    assert_eq!(detail.history[0].actor_name, "Anna Admin");
    assert!(w.audit_actions().contains(&(
        "subscription.add".into(),
        "done".into(),
        "Anna Admin".into()
    )));
}

#[test]
fn bad_input_names_its_field_and_writes_nothing() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let e3 = service(&w, "Microsoft 365 E3");
    let cases: Vec<(SubscriptionInput, &str)> = vec![
        (input(&customer, &basic, 0), "quantity"),
        (input(&customer, &basic, MAX_QUANTITY + 1), "quantity"),
        (
            SubscriptionInput {
                term: Some("P2Y".into()),
                ..input(&customer, &basic, 5)
            },
            "billing_plan",
        ),
        (
            SubscriptionInput {
                term: Some("P1M".into()),
                billing_plan: Some("annual".into()),
                ..input(&customer, &basic, 5)
            },
            "billing_plan",
        ),
        (
            SubscriptionInput {
                starts_at: Some("2026-01-01T00:00:00.000Z".into()),
                ..input(&customer, &basic, 5)
            },
            "starts_at",
        ),
        (
            SubscriptionInput {
                starts_at: Some("next week".into()),
                ..input(&customer, &basic, 5)
            },
            "starts_at",
        ),
        (input(&customer, &crate::ids::new_id(), 5), "service_id"),
        (input("not-an-id", &basic, 5), "customer_id"),
        (
            SubscriptionInput {
                trial: true,
                ..input(&customer, &e3, 5)
            },
            "trial",
        ),
    ];
    for (bad, field) in cases {
        let error = add(&w.store, &w.clock, &w.admin, &bad).unwrap_err();
        assert_eq!(error.field(), Some(field), "{bad:?}: {error}");
    }
    let page = list(&w.store, &w.clock, &w.admin, &SubscriptionQuery::default()).unwrap();
    assert_eq!(page.total, Some(0));
}

#[test]
fn a_later_start_is_pending_until_the_clock_starts_it() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let (s, _) = add(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionInput {
            starts_at: Some("2026-12-01T00:00:00.000Z".into()),
            ..input(&customer, &basic, 3)
        },
    )
    .unwrap();
    assert_eq!(s.status, SubscriptionStatus::Pending);
    assert_eq!(apply_clock(&w.store, &w.clock).unwrap(), None);
    w.clock.set(datetime!(2026-12-01 00:00 UTC));
    assert!(apply_clock(&w.store, &w.clock).unwrap().is_some());
    let detail = get(&w.store, &w.clock, &w.admin, &s.id).unwrap();
    assert_eq!(detail.subscription.status, SubscriptionStatus::Active);
    assert_eq!(detail.history.last().unwrap().kind, "started");
    assert_eq!(
        detail.history.last().unwrap().actor_name,
        "Partnerdesk (clock)"
    );
}

#[test]
fn the_decrease_window_holds_at_its_edges_and_reopens_at_renewal() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let (s, _) = add(&w.store, &w.clock, &w.admin, &input(&customer, &basic, 10)).unwrap();
    let bought = w.clock.now();
    assert!(
        get(&w.store, &w.clock, &w.admin, &s.id)
            .unwrap()
            .windows
            .cancellation
            .open
    );

    // Just inside: one second before the window closes.
    w.clock
        .set(bought + Duration::days(7) - Duration::seconds(1));
    let (fewer, _) = change_quantity(&w.store, &w.clock, &w.admin, &s.id, 8, "two left").unwrap();
    assert_eq!(fewer.quantity, 8);

    // Just outside: the moment it closes. The error names the date.
    w.clock.set(bought + Duration::days(7));
    assert!(
        !get(&w.store, &w.clock, &w.admin, &s.id)
            .unwrap()
            .windows
            .cancellation
            .open
    );
    let refused = change_quantity(&w.store, &w.clock, &w.admin, &s.id, 7, "").unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidState);
    assert!(
        refused
            .to_string()
            .starts_with("no licences can be removed now")
            && refused.to_string().contains("2026-12-02 09:00 UTC"),
        "{refused}"
    );
    // The Polish names the same moment.
    let polish = refused.text().pl;
    assert!(
        polish.starts_with("teraz nie można usunąć żadnej licencji")
            && polish.contains("2026-12-02 09:00 UTC"),
        "{polish}"
    );
    assert_ne!(polish, refused.to_string());
    // Rising is always allowed.
    change_quantity(&w.store, &w.clock, &w.admin, &s.id, 12, "new hires").unwrap();

    // Across a renewal: the term renews a year later and the window opens again.
    w.clock.set(datetime!(2027-11-25 09:00 UTC));
    apply_clock(&w.store, &w.clock).unwrap();
    let renewed = get(&w.store, &w.clock, &w.admin, &s.id).unwrap();
    assert_eq!(renewed.subscription.status, SubscriptionStatus::Active);
    assert_eq!(
        renewed.subscription.term_started_at,
        "2027-11-25T09:00:00.000Z"
    );
    assert_eq!(renewed.subscription.ends_at, "2028-11-25T09:00:00.000Z");
    change_quantity(&w.store, &w.clock, &w.admin, &s.id, 5, "after renewal").unwrap();
    w.clock.set(datetime!(2027-12-02 09:00 UTC));
    assert!(change_quantity(&w.store, &w.clock, &w.admin, &s.id, 4, "").is_err());

    let history = get(&w.store, &w.clock, &w.admin, &s.id).unwrap().history;
    let kinds: Vec<_> = history.iter().map(|h| h.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["created", "quantity", "quantity", "renewed", "quantity"]
    );
    assert_eq!(history[1].from_value.as_deref(), Some("10"));
    assert_eq!(history[1].to_value.as_deref(), Some("8"));
    assert_eq!(history[1].reason, "two left");
}

#[test]
fn without_auto_renew_the_term_ends_and_a_long_closed_app_renews_whole_terms() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let (ending, _) = add(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionInput {
            auto_renew: false,
            ..input(&customer, &basic, 2)
        },
    )
    .unwrap();
    let (monthly, _) = add(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionInput {
            term: Some("P1M".into()),
            ..input(&customer, &basic, 2)
        },
    )
    .unwrap();
    w.clock.set(datetime!(2028-01-10 00:00 UTC));
    apply_clock(&w.store, &w.clock).unwrap();
    let ended = get(&w.store, &w.clock, &w.admin, &ending.id).unwrap();
    // Ended on 2027-11-25, so more than 30 days expired: already disabled.
    assert_eq!(ended.subscription.status, SubscriptionStatus::Disabled);
    let kinds: Vec<&str> = ended.history.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, ["created", "expired", "disabled"]);
    let renewed = get(&w.store, &w.clock, &w.admin, &monthly.id)
        .unwrap()
        .subscription;
    assert_eq!(renewed.status, SubscriptionStatus::Active);
    assert_eq!(renewed.term_started_at, "2027-12-25T09:00:00.000Z");
    assert_eq!(renewed.ends_at, "2028-01-25T09:00:00.000Z");
    assert_eq!(
        apply_clock(&w.store, &w.clock).unwrap(),
        None,
        "nothing due twice"
    );
}

#[test]
fn suspend_reactivate_cancel_follow_the_table_and_refunds_are_flagged() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let (s, _) = add(&w.store, &w.clock, &w.admin, &input(&customer, &basic, 10)).unwrap();
    let (suspended, _) = apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &s.id,
        SubscriptionEvent::Suspend,
        "unpaid",
    )
    .unwrap();
    assert_eq!(suspended.status, SubscriptionStatus::Suspended);
    let again = apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &s.id,
        SubscriptionEvent::Suspend,
        "",
    )
    .unwrap_err();
    assert_eq!(again.code(), ErrorCode::InvalidState);
    assert!(change_quantity(&w.store, &w.clock, &w.admin, &s.id, 11, "").is_err());
    apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &s.id,
        SubscriptionEvent::Reactivate,
        "paid",
    )
    .unwrap();
    let (cancelled, _) = apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &s.id,
        SubscriptionEvent::Cancel,
        "moved",
    )
    .unwrap();
    assert_eq!(cancelled.status, SubscriptionStatus::Cancelled);
    assert!(cancelled.refundable, "cancelled within the window");
    assert_eq!(
        cancelled.cancelled_at.as_deref(),
        Some("2026-11-25T09:00:00.000Z")
    );

    // After the window, cancelling is refused with what remains (decision 0041).
    let (late, _) = add(&w.store, &w.clock, &w.admin, &input(&customer, &basic, 1)).unwrap();
    w.clock.advance(Duration::days(8));
    let refused = apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &late.id,
        SubscriptionEvent::Cancel,
        "",
    )
    .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidState);
    assert!(
        refused.to_string().contains("turn off auto-renew"),
        "{refused}"
    );
    let clock_event = apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &late.id,
        SubscriptionEvent::Renewed,
        "",
    )
    .unwrap_err();
    assert_eq!(clock_event.field(), Some("event"));
    assert!(set_auto_renew(&w.store, &w.clock, &w.admin, &s.id, true).is_err());
}

#[test]
fn one_trial_per_service_per_customer_even_after_conversion() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let (other, _) = w.active_customer("Beta", "beta", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let trial = SubscriptionInput {
        trial: true,
        ..input(&customer, &basic, 999)
    };
    let (t, _) = add(&w.store, &w.clock, &w.admin, &trial).unwrap();
    assert!(t.trial && !t.auto_renew);
    assert_eq!(
        (t.quantity, t.ends_at.as_str()),
        (25, "2026-12-25T09:00:00.000Z")
    );
    let second = add(&w.store, &w.clock, &w.admin, &trial).unwrap_err();
    assert_eq!(second.code(), ErrorCode::Conflict);
    assert_eq!(second.field(), Some("trial"));
    assert!(change_quantity(&w.store, &w.clock, &w.admin, &t.id, 30, "").is_err());

    w.clock.advance(Duration::days(10));
    let (paid, _) = convert_trial(
        &w.store,
        &w.clock,
        &w.admin,
        &t.id,
        &TrialConversion {
            quantity: 20,
            term: "P1Y".into(),
            billing_plan: "annual".into(),
            auto_renew: true,
        },
    )
    .unwrap();
    assert!(!paid.trial);
    assert_eq!(paid.id, t.id, "the same subscription continues");
    assert_eq!(paid.term_started_at, "2026-12-05T09:00:00.000Z");
    assert_eq!(paid.ends_at, "2027-12-05T09:00:00.000Z");
    assert!(
        add(&w.store, &w.clock, &w.admin, &trial).is_err(),
        "still one trial, ever"
    );
    let not_trial = convert_trial(
        &w.store,
        &w.clock,
        &w.admin,
        &paid.id,
        &TrialConversion {
            quantity: 1,
            term: "P1Y".into(),
            billing_plan: "annual".into(),
            auto_renew: true,
        },
    )
    .unwrap_err();
    assert_eq!(not_trial.code(), ErrorCode::InvalidState);
    add(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionInput {
            trial: true,
            ..input(&other, &basic, 1)
        },
    )
    .expect("another customer may have its own trial");
}

#[test]
fn an_unconverted_trial_expires_at_its_end() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let (t, _) = add(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionInput {
            trial: true,
            auto_renew: false,
            ..input(&customer, &basic, 1)
        },
    )
    .unwrap();
    w.clock.set(datetime!(2026-12-25 09:00 UTC));
    apply_clock(&w.store, &w.clock).unwrap();
    assert_eq!(
        get(&w.store, &w.clock, &w.admin, &t.id)
            .unwrap()
            .subscription
            .status,
        SubscriptionStatus::Expired
    );
}

#[test]
fn limited_access_sees_but_cannot_change_and_a_terminated_relationship_refuses_everyone() {
    let w = world();
    let (customer, relationship) = w.active_customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let (s, _) = add(&w.store, &w.clock, &w.admin, &input(&customer, &basic, 10)).unwrap();
    let limited = w.staff("Lena Limited", CompanyRole::None, CustomerAccess::Limited);
    assert_eq!(
        list(&w.store, &w.clock, &limited, &SubscriptionQuery::default())
            .unwrap()
            .total,
        Some(1)
    );
    let refused = change_quantity(&w.store, &w.clock, &limited, &s.id, 12, "").unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert_eq!(refused.reason(), Some("full_customer_access_required"));

    relationships::terminate(&w.store, &w.clock, &w.admin, &relationship).unwrap();
    let attempts: Vec<Result<(Subscription, Change)>> = vec![
        add(&w.store, &w.clock, &w.admin, &input(&customer, &basic, 1)),
        change_quantity(&w.store, &w.clock, &w.admin, &s.id, 12, ""),
        apply_event(
            &w.store,
            &w.clock,
            &w.admin,
            &s.id,
            SubscriptionEvent::Suspend,
            "",
        ),
        set_auto_renew(&w.store, &w.clock, &w.admin, &s.id, false),
        set_partner_of_record(&w.store, &w.clock, &w.admin, &s.id, true),
    ];
    for attempt in attempts {
        let error = attempt.unwrap_err();
        assert_eq!(error.reason(), Some("no_active_relationship"), "{error}");
    }
    let refusals = w
        .audit_actions()
        .into_iter()
        .filter(|(action, outcome, _)| action.starts_with("subscription.") && outcome == "refused")
        .count();
    assert_eq!(
        refusals, 6,
        "the limited attempt and the five after termination"
    );
}

#[test]
fn the_partner_of_record_flag_filters_customers_and_lists_filter_subscriptions() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let (beta, _) = w.active_customer("Beta", "beta", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let premium = service(&w, "Microsoft 365 Business Premium");
    let (s, _) = add(&w.store, &w.clock, &w.admin, &input(&alfa, &basic, 10)).unwrap();
    add(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionInput {
            auto_renew: false,
            term: Some("P1M".into()),
            ..input(&beta, &premium, 3)
        },
    )
    .unwrap();
    set_partner_of_record(&w.store, &w.clock, &w.admin, &s.id, true).unwrap();
    let of_record = |flag| {
        customers::list(
            &w.store,
            &w.clock,
            &w.admin,
            &CustomerQuery {
                partner_of_record: Some(flag),
                ..Default::default()
            },
        )
        .unwrap()
        .rows
        .into_iter()
        .map(|c| c.company_name)
        .collect::<Vec<_>>()
    };
    assert_eq!(of_record(true), ["Alfa"]);
    assert_eq!(of_record(false), ["Beta"]);

    let q = SubscriptionQuery::default;
    let expected = [
        (
            SubscriptionQuery {
                customer_id: Some(alfa.clone()),
                ..q()
            },
            1,
        ),
        (
            SubscriptionQuery {
                service_id: Some(premium.clone()),
                ..q()
            },
            1,
        ),
        (
            SubscriptionQuery {
                auto_renew: Some(false),
                ..q()
            },
            1,
        ),
        (
            SubscriptionQuery {
                ending_within_days: Some(31),
                ..q()
            },
            1,
        ),
        (
            SubscriptionQuery {
                ending_within_days: Some(400),
                ..q()
            },
            2,
        ),
        (
            SubscriptionQuery {
                trial: Some(true),
                ..q()
            },
            0,
        ),
        (
            SubscriptionQuery {
                status: Some(SubscriptionStatus::Active),
                ..q()
            },
            2,
        ),
    ];
    for (query, total) in expected {
        let page = list(&w.store, &w.clock, &w.admin, &query).unwrap();
        assert_eq!(page.total, Some(total), "{query:?}");
    }
    let first = list(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionQuery {
            limit: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(first.rows[0].customer_name, "Beta", "soonest end first");
    let second = list(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionQuery {
            limit: Some(1),
            cursor: first.next_cursor.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(second.rows[0].customer_name, "Alfa");
    assert_eq!(second.total, None);
    assert_eq!(second.next_cursor, None);

    let mut csv = Vec::new();
    let rows = export_list(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionQuery::default(),
        crate::csv_file::Delimiter::Comma,
        &mut csv,
    )
    .unwrap();
    assert_eq!(rows, 2);
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with("customer,service,status,"));
    assert!(text.contains(
        "Alfa,Microsoft 365 Business Basic (sample price),active,no,10,P1Y,monthly,yes,"
    ));
}

#[test]
fn the_partner_of_record_keeps_when_and_who_and_needs_the_advisor_authorization() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let (s, _) = add(&w.store, &w.clock, &w.admin, &input(&alfa, &basic, 10)).unwrap();
    assert_eq!(s.partner_of_record_at, None);
    w.clock.advance(Duration::hours(2));
    let (on, _) = set_partner_of_record(&w.store, &w.clock, &w.admin, &s.id, true).unwrap();
    assert!(on.partner_of_record);
    assert_eq!(
        on.partner_of_record_at.as_deref(),
        Some("2026-11-25T11:00:00.000Z")
    );
    assert_eq!(on.partner_of_record_by.as_deref(), Some("Anna Admin"));
    let (off, _) = set_partner_of_record(&w.store, &w.clock, &w.admin, &s.id, false).unwrap();
    assert!(!off.partner_of_record);
    assert_eq!(
        (off.partner_of_record_at, off.partner_of_record_by),
        (None, None)
    );

    w.store
        .write(|tx| {
            tx.execute(
                "UPDATE company_profile SET authorized_subscription_advisor = 0",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    let e = set_partner_of_record(&w.store, &w.clock, &w.admin, &s.id, true).unwrap_err();
    assert_eq!(e.reason(), Some("partner_not_subscription_advisor"), "{e}");
}

/// (service, status, trial, auto-renew, subscriptions, licences)
type TallyRow = (String, String, i64, i64, i64, i64);

/// Every subscription, read one by one, for checking the list against.
fn every_subscription(w: &World) -> Vec<Subscription> {
    w.store
        .read(|conn| {
            let ids: Vec<String> = conn
                .prepare("SELECT id FROM subscriptions")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            ids.iter().map(|id| load(conn, id)).collect()
        })
        .unwrap()
}

#[test]
fn every_filter_and_sort_pages_through_exactly_the_matching_subscriptions() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let (beta, _) = w.active_customer("Beta", "beta", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let premium = service(&w, "Microsoft 365 Business Premium");
    let e3 = service(&w, "Microsoft 365 E3");
    let add_one =
        |input: SubscriptionInput| add(&w.store, &w.clock, &w.admin, &input).unwrap().0.id;
    let monthly = |customer: &str, service: &str, quantity, auto_renew| SubscriptionInput {
        term: Some("P1M".into()),
        billing_plan: Some("monthly".into()),
        auto_renew,
        ..input(customer, service, quantity)
    };
    let a1 = add_one(input(&alfa, &basic, 10));
    add_one(SubscriptionInput {
        trial: true,
        auto_renew: false,
        ..input(&alfa, &premium, 1)
    });
    add_one(monthly(&beta, &basic, 3, false));
    add_one(SubscriptionInput {
        starts_at: Some("2026-12-05T09:00:00.000Z".into()),
        ..input(&beta, &e3, 5)
    });
    let b3 = add_one(input(&beta, &premium, 2));
    let a2 = add_one(monthly(&alfa, &e3, 1, true));
    w.clock.advance(Duration::minutes(5));
    apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &b3,
        SubscriptionEvent::Suspend,
        "",
    )
    .unwrap();
    apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &a2,
        SubscriptionEvent::Cancel,
        "",
    )
    .unwrap();
    change_quantity(&w.store, &w.clock, &w.admin, &a1, 12, "").unwrap();
    set_auto_renew(&w.store, &w.clock, &w.admin, &b3, false).unwrap();
    // A month on: the monthly one without auto-renew and the trial end, the
    // pending one starts; then a new trial and a monthly one that renews.
    w.clock.advance(Duration::days(35));
    apply_clock(&w.store, &w.clock).unwrap();
    // Beta owns Premium (b3): Microsoft gives no trial of it, so Standard.
    let standard = service(&w, "Microsoft 365 Business Standard");
    // Without a conversion, so that it ends expired (decision 0043).
    add_one(SubscriptionInput {
        trial: true,
        auto_renew: false,
        ..input(&beta, &standard, 1)
    });
    add_one(monthly(&alfa, &basic, 4, true));
    w.clock.advance(Duration::days(32));
    apply_clock(&w.store, &w.clock).unwrap();
    add_one(SubscriptionInput {
        starts_at: Some(to_rfc3339(w.clock.now() + Duration::days(10)).unwrap()),
        ..input(&alfa, &e3, 5)
    });
    // By now the first cancellation's data is deleted and the ended ones are
    // disabled; one more cancelled keeps every status in the set.
    let late = add_one(input(&beta, &basic, 1));
    apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &late,
        SubscriptionEvent::Cancel,
        "",
    )
    .unwrap();

    // The tally the triggers keep is what counting every row gives.
    let (tally, recount) = w
        .store
        .read(|conn| {
            let rows = |sql: &str| -> rusqlite::Result<Vec<TallyRow>> {
                conn.prepare(sql)?
                    .query_map([], |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                        ))
                    })?
                    .collect()
            };
            Ok((
                rows(
                    "SELECT service_id, status, trial, auto_renew, subscriptions, licences
                     FROM subscription_tally WHERE subscriptions > 0 ORDER BY 1, 2, 3, 4",
                )?,
                rows(
                    "SELECT service_id, status, trial, auto_renew, count(*), sum(quantity)
                     FROM subscriptions GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
                )?,
            ))
        })
        .unwrap();
    assert_eq!(tally, recount);
    assert_eq!(tally.iter().map(|t| t.4).sum::<i64>(), 10);

    let all = every_subscription(&w);
    let statuses: Vec<_> = all.iter().map(|s| s.status).collect();
    for status in SubscriptionStatus::ALL {
        assert!(
            statuses.contains(&status),
            "no {} subscription",
            status.as_str()
        );
    }
    let by = to_rfc3339(w.clock.now() + Duration::days(31)).unwrap();
    let yes_no = [None, Some(true), Some(false)];
    let mut statuses = vec![None];
    statuses.extend(SubscriptionStatus::ALL.map(Some));
    let mut checked = 0;
    for customer in [None, Some(alfa.clone())] {
        for service in [None, Some(basic.clone()), Some(premium.clone())] {
            for status in &statuses {
                for trial in yes_no {
                    for auto_renew in yes_no {
                        for ending in [None, Some(31)] {
                            for sort in [SubscriptionSort::Ends, SubscriptionSort::Added] {
                                let query = SubscriptionQuery {
                                    customer_id: customer.clone(),
                                    service_id: service.clone(),
                                    status: *status,
                                    trial,
                                    auto_renew,
                                    ending_within_days: ending,
                                    sort,
                                    cursor: None,
                                    limit: Some(2),
                                };
                                let mut expected: Vec<&Subscription> = all
                                    .iter()
                                    .filter(|s| {
                                        customer.as_ref().is_none_or(|c| &s.customer_id == c)
                                            && service.as_ref().is_none_or(|v| &s.service_id == v)
                                            && status.is_none_or(|v| s.status == v)
                                            && trial.is_none_or(|v| s.trial == v)
                                            && auto_renew.is_none_or(|v| s.auto_renew == v)
                                            && (ending.is_none()
                                                || (s.status.is_live() && s.ends_at <= by))
                                    })
                                    .collect();
                                match sort {
                                    SubscriptionSort::Ends => expected.sort_by(|a, b| {
                                        (&a.ends_at, &a.id).cmp(&(&b.ends_at, &b.id))
                                    }),
                                    SubscriptionSort::Added => expected.sort_by(|a, b| {
                                        (&b.created_at, &b.id).cmp(&(&a.created_at, &a.id))
                                    }),
                                }
                                let first = list(&w.store, &w.clock, &w.admin, &query).unwrap();
                                assert_eq!(first.total, Some(expected.len() as u32), "{query:?}");
                                let mut seen: Vec<String> =
                                    first.rows.iter().map(|s| s.id.clone()).collect();
                                let mut cursor = first.next_cursor;
                                while let Some(next) = cursor {
                                    let page = list(
                                        &w.store,
                                        &w.clock,
                                        &w.admin,
                                        &SubscriptionQuery {
                                            cursor: Some(next),
                                            ..query.clone()
                                        },
                                    )
                                    .unwrap();
                                    seen.extend(page.rows.iter().map(|s| s.id.clone()));
                                    cursor = page.next_cursor;
                                }
                                let expected: Vec<String> =
                                    expected.iter().map(|s| s.id.clone()).collect();
                                assert_eq!(seen, expected, "{query:?}");
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    assert_eq!(
        checked,
        2 * 3 * (SubscriptionStatus::ALL.len() + 1) * 3 * 3 * 2 * 2
    );
}

#[test]
fn the_clock_ends_what_ended_and_not_what_ends_later_in_the_same_second() {
    let w = world();
    let (first, _) = w.active_customer("Alfa", "alfa", &[]);
    let (second, _) = w.active_customer("Beta", "beta", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let monthly = |customer: &str| SubscriptionInput {
        term: Some("P1M".into()),
        auto_renew: false,
        ..input(customer, &basic, 1)
    };
    let (whole, _) = add(&w.store, &w.clock, &w.admin, &monthly(&first)).unwrap();
    w.clock.set(datetime!(2026-11-25 09:00:00.17 UTC));
    let (later, _) = add(&w.store, &w.clock, &w.admin, &monthly(&second)).unwrap();
    assert_eq!(whole.ends_at, "2026-12-25T09:00:00.000Z");
    assert_eq!(later.ends_at, "2026-12-25T09:00:00.170Z");
    w.clock.set(datetime!(2026-12-25 09:00:00.1 UTC));
    apply_clock(&w.store, &w.clock).unwrap();
    let status = |id: &str| {
        get(&w.store, &w.clock, &w.admin, id)
            .unwrap()
            .subscription
            .status
    };
    assert_eq!(
        status(&whole.id),
        SubscriptionStatus::Expired,
        "ended 100 ms ago"
    );
    assert_eq!(
        status(&later.id),
        SubscriptionStatus::Active,
        "ends in 70 ms"
    );
}
