use icalendar::{Component, DatePerhapsTime};
use time::Duration;

use super::*;
use crate::access::{CompanyRole, CustomerAccess};
use crate::catalog;
use crate::relationships::{self, RelationshipOffer};
use crate::subscriptions::{self, SubscriptionInput};
use crate::testing::{world, World};

fn add(w: &World, customer: &str, title: &str, quantity: u32, trial: bool) -> String {
    let service = catalog::list(&w.store, &w.clock, &w.admin)
        .unwrap()
        .into_iter()
        .find(|s| s.title.starts_with(title))
        .unwrap();
    let input = SubscriptionInput {
        customer_id: customer.into(),
        service_id: service.id,
        quantity,
        term: Some("P1M".into()),
        billing_plan: Some("monthly".into()),
        starts_at: None,
        auto_renew: true,
        trial,
    };
    subscriptions::add(&w.store, &w.clock, &w.admin, &input)
        .unwrap()
        .0
        .id
}

#[test]
fn the_overview_counts_what_the_staff_member_may_see() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let (beta, _) = w.active_customer("Beta", "beta", &[]);
    add(&w, &alfa, "Microsoft 365 Business Basic", 10, false);
    add(&w, &beta, "Microsoft 365 Business Basic", 5, false);
    add(&w, &beta, "Microsoft 365 Business Standard", 3, false);
    let o = overview(&w.store, &w.clock, &w.admin).unwrap();
    assert_eq!((o.customers, o.active_subscriptions), (Some(2), Some(3)));
    let by_service = o.licences_by_service.unwrap();
    assert_eq!(
        (by_service[0].licences, by_service[0].subscriptions),
        (15, 2)
    );
    assert!(by_service[0]
        .service_title
        .starts_with("Microsoft 365 Business Basic"));
    assert_eq!(
        o.relationships_by_state.unwrap(),
        vec![Count {
            key: "approved".into(),
            count: 2
        }]
    );
    assert_eq!(o.offers_by_status, Some(vec![]));

    // No customer access: the dashboard shows no customer, subscription or offer counts.
    let bob = w.staff("Bob", CompanyRole::BillingAdmin, CustomerAccess::None);
    let o = overview(&w.store, &w.clock, &bob).unwrap();
    assert!(o.partner.delegated_admin);
    assert_eq!(
        (o.customers, o.active_subscriptions, o.offers_by_status),
        (None, None, None)
    );
    assert!(o.licences_by_service.is_none() && o.relationships_by_state.is_none());
}

#[test]
fn the_calendar_lists_the_next_90_days_and_exports_as_icalendar() {
    let w = world();
    let (alfa, relationship) = w.active_customer("Alfa; Sp. z o.o., Kraków", "alfa", &[]);
    let paid = add(&w, &alfa, "Microsoft 365 Business Basic", 10, false);
    let trial = add(&w, &alfa, "Microsoft 365 Business Standard", 0, true);
    let beta = w.customer("Beta", "beta", &[]);
    let offer = RelationshipOffer {
        customer_id: beta,
        display_name: "Beta GDAP".into(),
        roles: vec![crate::relationships::roles::GLOBAL_ADMINISTRATOR.into()],
        duration_days: 30,
        auto_extend: false,
        request_approval: true,
    };
    let (pending, _) = relationships::offer(&w.store, &w.clock, &w.admin, &offer).unwrap();
    let shown = calendar(&w.store, &w.clock, &w.admin).unwrap();
    assert_eq!(shown.total, 3);
    let entries = shown.entries;
    let seen: Vec<(&str, &str, &str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e.date.as_str(),
                e.kind.as_str(),
                e.event.as_str(),
                e.object_id.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("2026-12-25", "subscription", "renews", paid.as_str()),
            ("2026-12-25", "trial", "ends", trial.as_str()),
            (
                "2027-02-23",
                "approval_request",
                "lapses",
                pending.id.as_str()
            ),
        ]
    );
    // The active relationship ends in a year: outside the window until then.
    assert!(entries.iter().all(|e| e.object_id != relationship));
    w.clock.advance(Duration::days(300));
    assert!(calendar(&w.store, &w.clock, &w.admin)
        .unwrap()
        .entries
        .iter()
        .any(|e| e.kind == "relationship" && e.object_id == relationship));
    w.clock.advance(Duration::days(-300));

    let dir = tempfile::tempdir().unwrap();
    let file = export_calendar(&w.store, &w.clock, &w.admin)
        .and_then(|rendered| rendered.save(dir.path()))
        .unwrap();
    assert_eq!(file.rows, 3);
    assert!(file.path.ends_with(".ics"));
    let text = std::fs::read_to_string(&file.path).unwrap();
    assert!(text.lines().all(|l| l.len() <= 76), "lines are folded");
    let parsed: icalendar::Calendar = text.parse().unwrap();
    let events: Vec<&icalendar::Event> = parsed
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    assert_eq!(events.len(), 3);
    let first = events[0];
    assert_eq!(
        first.get_summary(),
        Some("Subscription renews: Alfa; Sp. z o.o., Kraków — Microsoft 365 Business Basic (sample price)")
    );
    assert!(
        matches!(first.get_start(), Some(DatePerhapsTime::Date(d)) if d.to_string() == "2026-12-25")
    );
    assert_eq!(
        first.get_uid(),
        Some(format!("subscription-{paid}-20261225@partnerdesk").as_str())
    );
    assert!(w
        .audit_actions()
        .iter()
        .any(|(action, _, _)| action == "calendar.export"));
}

#[test]
fn the_calendar_shows_the_soonest_and_counts_the_rest_while_the_export_holds_all() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let extra = CALENDAR_SHOWN as usize + 5;
    for _ in 0..extra {
        // A minute apart, so the soonest are the first ones added.
        w.clock.advance(Duration::minutes(1));
        add(&w, &alfa, "Microsoft 365 Business Basic", 1, false);
    }
    w.clock.advance(Duration::minutes(-(extra as i64)));
    let shown = calendar(&w.store, &w.clock, &w.admin).unwrap();
    assert_eq!(shown.total as usize, extra);
    assert_eq!(shown.entries.len(), CALENDAR_SHOWN as usize);
    assert!(shown
        .entries
        .windows(2)
        .all(|pair| pair[0].date <= pair[1].date));
    let dir = tempfile::tempdir().unwrap();
    let file = export_calendar(&w.store, &w.clock, &w.admin)
        .and_then(|rendered| rendered.save(dir.path()))
        .unwrap();
    assert_eq!(file.rows as usize, extra, "the file holds every entry");
}
