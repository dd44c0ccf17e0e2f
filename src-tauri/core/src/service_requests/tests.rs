use time::Duration;

use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A, DenialReason};
use crate::error::{ApiError, ErrorCode};
use crate::relationships;
use crate::testing::{world, World};

use ServiceRequestEvent as E;
use ServiceRequestStatus as S;

fn input(title: &str) -> ServiceRequestInput {
    ServiceRequestInput {
        title: title.into(),
        description: "Users cannot sign in to Outlook.\nSince this morning.".into(),
        category: "email_and_calendar".into(),
        severity: "moderate".into(),
        contact_name: "Jan Kowalski".into(),
        contact_email: "jan@zolc.pl".into(),
        contact_phone: String::new(),
    }
}

fn draft(w: &World, customer_id: &str, title: &str) -> ServiceRequestView {
    create(&w.store, &w.clock, &w.admin, customer_id, &input(title))
        .unwrap()
        .0
}

fn count_requests(w: &World) -> i64 {
    w.store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM service_requests", [], |r| r.get(0))?))
        .unwrap()
}

/// Runs any event through the public function that does it.
fn run(w: &World, actor: &Actor, id: &str, event: ServiceRequestEvent) -> Result<()> {
    match event {
        E::Edit => update(&w.store, &w.clock, actor, id, &input("Edited")).map(drop),
        E::Discard => discard(&w.store, &w.clock, actor, id).map(drop),
        E::AddNote => add_note(&w.store, &w.clock, actor, id, "A note").map(drop),
        lifecycle => change_status(&w.store, &w.clock, actor, id, lifecycle, None).map(drop),
    }
}

/// A request of the admin's in `status`, reached through the lifecycle.
fn in_status(w: &World, customer_id: &str, status: ServiceRequestStatus) -> String {
    let id = draft(w, customer_id, "Outlook").request.id;
    let path: &[ServiceRequestEvent] = match status {
        S::Draft => &[],
        S::Open => &[E::Submit],
        S::AttentionNeeded => &[E::Submit, E::FlagAttention],
        S::Closed => &[E::Submit, E::Close],
    };
    for event in path {
        run(w, &w.admin, &id, *event).unwrap();
    }
    assert_eq!(
        get(&w.store, &w.clock, &w.admin, &id)
            .unwrap()
            .request
            .status,
        status
    );
    id
}

fn reason(error: &Error) -> Option<String> {
    ApiError::from(error).reason
}

#[test]
fn the_transition_table_is_exactly_as_written() {
    use Next::{Discarded, Status};
    let expected = [
        (S::Draft, E::Submit, Status(S::Open)),
        (S::Draft, E::Edit, Status(S::Draft)),
        (S::Draft, E::Discard, Discarded),
        (S::Draft, E::AddNote, Status(S::Draft)),
        (S::Open, E::FlagAttention, Status(S::AttentionNeeded)),
        (S::Open, E::Close, Status(S::Closed)),
        (S::Open, E::AddNote, Status(S::Open)),
        (S::AttentionNeeded, E::ClearAttention, Status(S::Open)),
        (S::AttentionNeeded, E::Close, Status(S::Closed)),
        (S::AttentionNeeded, E::AddNote, Status(S::AttentionNeeded)),
        (S::Closed, E::Reopen, Status(S::Open)),
    ];
    for status in S::ALL {
        for event in E::ALL {
            let want = expected
                .iter()
                .find(|(s, e, _)| *s == status && *e == event)
                .map(|(_, _, next)| *next);
            assert_eq!(transition(status, event), want, "{status:?} + {event:?}");
        }
        let allowed: Vec<_> = expected
            .iter()
            .filter(|(s, _, _)| *s == status)
            .map(|(_, e, _)| *e)
            .collect();
        assert_eq!(allowed_events(status), allowed, "{status:?}");
    }
}

#[test]
fn every_event_in_every_status_does_what_the_table_says() {
    let w = world();
    let cid = w.active_customer("Żółć Sp. z o.o.", "zolc", &[]).0;
    for status in S::ALL {
        for event in E::ALL {
            let id = in_status(&w, &cid, status);
            let result = run(&w, &w.admin, &id, event);
            match transition(status, event) {
                Some(Next::Status(next)) => {
                    result.unwrap_or_else(|e| panic!("{status:?} + {event:?}: {e}"));
                    let after = get(&w.store, &w.clock, &w.admin, &id).unwrap();
                    assert_eq!(after.request.status, next, "{status:?} + {event:?}");
                    assert_eq!(after.events, allowed_events(next));
                }
                Some(Next::Discarded) => {
                    result.unwrap();
                    let gone = get(&w.store, &w.clock, &w.admin, &id).unwrap_err();
                    assert_eq!(gone.code(), ErrorCode::NotFound);
                }
                None => {
                    let refused = result.unwrap_err();
                    assert_eq!(
                        refused.code(),
                        ErrorCode::InvalidState,
                        "{status:?} + {event:?}"
                    );
                    assert!(
                        refused.to_string().contains(status.describe()),
                        "names the current state: {refused}"
                    );
                    assert_eq!(
                        get(&w.store, &w.clock, &w.admin, &id)
                            .unwrap()
                            .request
                            .status,
                        status
                    );
                }
            }
        }
    }
}

#[test]
fn status_times_are_stamped_and_reopening_clears_the_close() {
    let w = world();
    let cid = w.active_customer("Contoso", "contoso", &[]).0;
    let id = draft(&w, &cid, "Teams").request.id;
    assert!(get(&w.store, &w.clock, &w.admin, &id)
        .unwrap()
        .request
        .submitted_at
        .is_none());
    w.clock.advance(Duration::hours(1));
    let open = change_status(&w.store, &w.clock, &w.admin, &id, E::Submit, None)
        .unwrap()
        .0;
    assert_eq!(
        open.request.submitted_at.as_deref(),
        Some("2026-11-25T10:00:00.000Z")
    );
    w.clock.advance(Duration::hours(1));
    let closed = change_status(&w.store, &w.clock, &w.admin, &id, E::Close, None)
        .unwrap()
        .0;
    assert_eq!(
        closed.request.closed_at.as_deref(),
        Some("2026-11-25T11:00:00.000Z")
    );
    assert_eq!(closed.request.updated_at, "2026-11-25T11:00:00.000Z");
    let reopened = change_status(&w.store, &w.clock, &w.admin, &id, E::Reopen, None)
        .unwrap()
        .0;
    assert_eq!(reopened.request.closed_at, None);
    assert_eq!(reopened.request.status, S::Open);
}

#[test]
fn change_status_takes_only_the_lifecycle_events() {
    let w = world();
    let cid = w.active_customer("Contoso", "contoso", &[]).0;
    let id = draft(&w, &cid, "Teams").request.id;
    for event in [E::Edit, E::Discard, E::AddNote] {
        let refused = change_status(&w.store, &w.clock, &w.admin, &id, event, None).unwrap_err();
        assert_eq!(refused.field(), Some("event"), "{event:?}");
    }
    assert_eq!(count_requests(&w), 1);
}

#[test]
fn each_bad_field_is_named_and_nothing_is_written() {
    let w = world();
    let cid = w.active_customer("Contoso", "contoso", &[]).0;
    type Spoil = Box<dyn Fn(&mut ServiceRequestInput)>;
    let cases: Vec<(&str, Spoil)> = vec![
        ("title", Box::new(|i| i.title = "  ".into())),
        ("title", Box::new(|i| i.title = "x".repeat(201))),
        ("title", Box::new(|i| i.title = "two\nlines".into())),
        ("description", Box::new(|i| i.description = "\n \n".into())),
        (
            "description",
            Box::new(|i| i.description = "x".repeat(10_001)),
        ),
        (
            "description",
            Box::new(|i| i.description = "bell\u{7}".into()),
        ),
        ("category", Box::new(|i| i.category = "printers".into())),
        ("category", Box::new(|i| i.category = String::new())),
        ("severity", Box::new(|i| i.severity = "urgent".into())),
        ("severity", Box::new(|i| i.severity = String::new())),
        ("contact_name", Box::new(|i| i.contact_name = String::new())),
        (
            "contact_email",
            Box::new(|i| i.contact_email = String::new()),
        ),
        (
            "contact_email",
            Box::new(|i| i.contact_email = "jan@localhost".into()),
        ),
        (
            "contact_phone",
            Box::new(|i| i.contact_phone = "22 123 45 67".into()),
        ),
        (
            "contact_phone",
            Box::new(|i| i.contact_phone = "+48 1".into()),
        ),
    ];
    let existing = draft(&w, &cid, "Kept").request;
    for (field, spoil) in &cases {
        let mut bad = input("Outlook");
        spoil(&mut bad);
        let created = create(&w.store, &w.clock, &w.admin, &cid, &bad).unwrap_err();
        assert_eq!(
            (created.code(), created.field()),
            (ErrorCode::Validation, Some(*field)),
            "create: {created}"
        );
        let edited = update(&w.store, &w.clock, &w.admin, &existing.id, &bad).unwrap_err();
        assert_eq!(edited.field(), Some(*field), "update: {edited}");
    }
    assert_eq!(count_requests(&w), 1, "nothing half-written");
    assert_eq!(
        get(&w.store, &w.clock, &w.admin, &existing.id)
            .unwrap()
            .request,
        existing
    );
    let bad_customer = create(&w.store, &w.clock, &w.admin, "42", &input("X")).unwrap_err();
    assert_eq!(bad_customer.field(), Some("customer_id"));

    // The limits themselves are allowed; values are trimmed and the phone normalised.
    let full = ServiceRequestInput {
        title: format!("  {}  ", "T".repeat(200)),
        description: format!("{}\r\nend", "d".repeat(9_996)),
        category: "sharepoint_and_onedrive".into(),
        severity: "critical".into(),
        contact_phone: "+48221234567".into(),
        ..input("")
    };
    let made = create(&w.store, &w.clock, &w.admin, &cid, &full)
        .unwrap()
        .0
        .request;
    assert_eq!(made.title, "T".repeat(200));
    assert_eq!(made.description.chars().count(), 10_000);
    assert!(made.description.ends_with("\nend"));
    assert_eq!(made.category, ServiceRequestCategory::SharepointAndOnedrive);
    assert_eq!(made.severity, ServiceRequestSeverity::Critical);
    assert_eq!(made.contact_phone, "+48 22 123 45 67");
    assert_eq!(made.status, S::Draft);
    assert_eq!(made.created_by, "Anna Admin");
}

#[test]
fn a_draft_is_edited_in_every_field_and_audited_with_before_and_after() {
    let w = world();
    let cid = w.active_customer("Contoso", "contoso", &[]).0;
    let id = draft(&w, &cid, "Outlook").request.id;
    let edit = ServiceRequestInput {
        title: "Teams calls drop".into(),
        description: "Calls drop after a minute.".into(),
        category: "teams".into(),
        severity: "critical".into(),
        contact_name: "Ewa Nowak".into(),
        contact_email: "ewa@contoso.pl".into(),
        contact_phone: "+48 600 100 200".into(),
    };
    let after = update(&w.store, &w.clock, &w.admin, &id, &edit)
        .unwrap()
        .0
        .request;
    assert_eq!(
        (
            after.title.as_str(),
            after.description.as_str(),
            after.category,
            after.severity,
            after.contact_name.as_str(),
            after.contact_email.as_str(),
            after.contact_phone.as_str(),
        ),
        (
            "Teams calls drop",
            "Calls drop after a minute.",
            ServiceRequestCategory::Teams,
            ServiceRequestSeverity::Critical,
            "Ewa Nowak",
            "ewa@contoso.pl",
            "+48 600 100 200",
        )
    );
    let (before_json, after_json): (String, String) = w
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT before_json, after_json FROM audit_log WHERE action = 'service_request.update'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert!(before_json.contains("\"title\":\"Outlook\""));
    assert!(after_json.contains("\"title\":\"Teams calls drop\""));
}

#[test]
fn numbers_count_up_across_customers_and_are_never_reused() {
    let w = world();
    let a = w.active_customer("Contoso", "contoso", &[]).0;
    let b = w.active_customer("Fabrikam", "fabrikam", &[]).0;
    let first = draft(&w, &a, "One").request;
    let second = draft(&w, &b, "Two").request;
    let third = draft(&w, &a, "Three").request;
    assert_eq!((first.number, second.number, third.number), (1, 2, 3));
    assert_eq!(first.reference, "SR-000001");
    assert_eq!(reference(42), "SR-000042");
    discard(&w.store, &w.clock, &w.admin, &third.id).unwrap();
    assert_eq!(
        draft(&w, &b, "Four").request.number,
        4,
        "3 was discarded, not freed"
    );
    let refused = create(&w.store, &w.clock, &w.admin, &a, &input("")).unwrap_err();
    assert_eq!(refused.field(), Some("title"));
    assert_eq!(
        draft(&w, &a, "Five").request.number,
        5,
        "a refused create takes no number"
    );
}

#[test]
fn notes_form_a_thread_by_their_authors_and_closed_requests_take_none() {
    let w = world();
    let cid = w.active_customer("Contoso", "contoso", &[]).0;
    let lena = w.staff("Lena Limited", R::None, A::Limited);
    let id = in_status(&w, &cid, S::Open);
    add_note(
        &w.store,
        &w.clock,
        &w.admin,
        &id,
        "  Called the customer.  ",
    )
    .unwrap();
    w.clock.advance(Duration::minutes(5));
    let view = add_note(
        &w.store,
        &w.clock,
        &lena,
        &id,
        "Reset the mailbox.\nWaiting.",
    )
    .unwrap()
    .0;
    let thread: Vec<(&str, &str, Option<&str>, &str)> = view
        .notes
        .iter()
        .map(|n| {
            (
                n.body.as_str(),
                n.author_name.as_str(),
                n.author_id.as_deref(),
                n.at.as_str(),
            )
        })
        .collect();
    assert_eq!(
        thread,
        vec![
            (
                "Called the customer.",
                "Anna Admin",
                Some(w.admin.id.as_str()),
                "2026-11-25T09:00:00.000Z"
            ),
            (
                "Reset the mailbox.\nWaiting.",
                "Lena Limited",
                Some(lena.id.as_str()),
                "2026-11-25T09:05:00.000Z"
            ),
        ]
    );
    assert_eq!(
        view.request.updated_at, "2026-11-25T09:05:00.000Z",
        "a note is activity"
    );

    let blank = add_note(&w.store, &w.clock, &w.admin, &id, " \n ").unwrap_err();
    assert_eq!(blank.field(), Some("body"));
    let long = add_note(&w.store, &w.clock, &w.admin, &id, &"x".repeat(10_001)).unwrap_err();
    assert_eq!(long.field(), Some("body"));

    // Closing and reopening may carry a note; a blank one adds nothing.
    let closed = change_status(&w.store, &w.clock, &w.admin, &id, E::Close, Some("Fixed."))
        .unwrap()
        .0;
    assert_eq!(closed.notes.last().map(|n| n.body.as_str()), Some("Fixed."));
    let refused = add_note(&w.store, &w.clock, &w.admin, &id, "One more thing").unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidState);
    assert!(refused.to_string().contains("closed") && refused.to_string().contains("reopen"));
    let reopened = change_status(&w.store, &w.clock, &w.admin, &id, E::Reopen, Some("   "))
        .unwrap()
        .0;
    assert_eq!(reopened.notes.len(), 3);
    let again = change_status(
        &w.store,
        &w.clock,
        &w.admin,
        &id,
        E::Close,
        Some("Really fixed."),
    )
    .unwrap()
    .0;
    let reopened = change_status(
        &w.store,
        &w.clock,
        &w.admin,
        &id,
        E::Reopen,
        Some("It broke again."),
    )
    .unwrap()
    .0;
    assert_eq!(again.notes.len(), 4);
    let bodies: Vec<&str> = reopened.notes.iter().map(|n| n.body.as_str()).collect();
    assert_eq!(
        bodies,
        [
            "Called the customer.",
            "Reset the mailbox.\nWaiting.",
            "Fixed.",
            "Really fixed.",
            "It broke again."
        ]
    );
    let long_note = "x".repeat(10_001);
    let refused = change_status(
        &w.store,
        &w.clock,
        &w.admin,
        &id,
        E::Close,
        Some(&long_note),
    )
    .unwrap_err();
    assert_eq!(refused.field(), Some("note"));
    assert_eq!(
        get(&w.store, &w.clock, &w.admin, &id)
            .unwrap()
            .request
            .status,
        S::Open
    );
}

#[test]
fn discarding_a_draft_deletes_it_with_its_notes_and_audits_it() {
    let w = world();
    let cid = w.active_customer("Contoso", "contoso", &[]).0;
    let id = draft(&w, &cid, "Typo").request.id;
    add_note(&w.store, &w.clock, &w.admin, &id, "Draft note").unwrap();
    discard(&w.store, &w.clock, &w.admin, &id).unwrap();
    assert_eq!(count_requests(&w), 0);
    let notes: i64 = w
        .store
        .read(|c| {
            Ok(
                c.query_row("SELECT count(*) FROM service_request_notes", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .unwrap();
    assert_eq!(notes, 0);
    let (before, after): (Option<String>, Option<String>) = w
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT before_json, after_json FROM audit_log WHERE action = 'service_request.discard'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert!(before.unwrap().contains("\"title\":\"Typo\""));
    assert_eq!(after, None);
}

#[test]
fn without_an_active_relationship_every_write_is_refused_and_audited() {
    let w = world();
    let cid = w.customer("Contoso", "contoso", &[]);
    let relationship = w.activate(&cid);
    let lena = w.staff("Lena Limited", R::None, A::Limited);
    let ids: Vec<(ServiceRequestStatus, String)> = S::ALL
        .into_iter()
        .map(|s| (s, in_status(&w, &cid, s)))
        .collect();
    // While active, limited access may work on them.
    add_note(&w.store, &w.clock, &lena, &ids[1].1, "While active").unwrap();
    relationships::terminate(&w.store, &w.clock, &w.admin, &relationship).unwrap();

    let mut attempts = 0;
    for actor in [&w.admin, &lena] {
        let refused = create(&w.store, &w.clock, actor, &cid, &input("New")).unwrap_err();
        assert_eq!(reason(&refused).as_deref(), Some("no_active_relationship"));
        attempts += 1;
        for (status, id) in &ids {
            for event in E::ALL {
                let refused = run(&w, actor, id, event).unwrap_err();
                assert_eq!(
                    refused.code(),
                    ErrorCode::Forbidden,
                    "{status:?} + {event:?}"
                );
                assert_eq!(
                    reason(&refused).as_deref(),
                    Some(DenialReason::NoActiveRelationship.key()),
                    "the gate comes before the state: {status:?} + {event:?}"
                );
                attempts += 1;
            }
        }
    }
    let refusals: Vec<(String, String)> = w
        .audit_actions()
        .into_iter()
        .filter(|(action, outcome, _)| {
            action.starts_with("service_request.") && outcome == "refused"
        })
        .map(|(action, _, actor)| (action, actor))
        .collect();
    assert_eq!(refusals.len(), attempts, "one refusal entry per attempt");
    for action in [
        "service_request.create",
        "service_request.update",
        "service_request.discard",
        "service_request.submit",
        "service_request.flag_attention",
        "service_request.clear_attention",
        "service_request.close",
        "service_request.reopen",
        "service_request.add_note",
    ] {
        assert!(
            refusals
                .iter()
                .any(|(a, who)| a == action && who == "Lena Limited"),
            "{action} refused and audited"
        );
    }
    for (status, id) in &ids {
        assert_eq!(
            get(&w.store, &w.clock, &w.admin, id)
                .unwrap()
                .request
                .status,
            *status,
            "unchanged"
        );
    }
    // The admin still sees them (the whole queue), but may not work on them, and is told why.
    let view = get(&w.store, &w.clock, &w.admin, &ids[0].1).unwrap();
    assert!(!view.manage.allowed);
    assert_eq!(view.manage.reason, Some(DenialReason::NoActiveRelationship));
}

#[test]
fn working_on_requests_needs_customer_access() {
    let w = world();
    let cid = w.active_customer("Contoso", "contoso", &[]).0;
    let sam = w.staff("Sam Service", R::ServiceAdmin, A::None);
    let refused = create(&w.store, &w.clock, &sam, &cid, &input("X")).unwrap_err();
    assert_eq!(
        reason(&refused).as_deref(),
        Some("customer_access_required")
    );
    let id = in_status(&w, &cid, S::Open);
    let refused = add_note(&w.store, &w.clock, &sam, &id, "Hello").unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    let view = get(&w.store, &w.clock, &sam, &id).unwrap();
    assert_eq!(
        view.manage.reason,
        Some(DenialReason::CustomerAccessRequired)
    );
    assert_eq!(view.events, vec![E::FlagAttention, E::Close, E::AddNote]);
    let missing = create(
        &w.store,
        &w.clock,
        &w.admin,
        &crate::ids::new_id(),
        &input("X"),
    )
    .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
}

#[test]
fn an_archived_customer_takes_no_new_requests() {
    let w = world();
    let cid = w.active_customer("Contoso", "contoso", &[]).0;
    customers::set_archived(&w.store, &w.clock, &w.admin, &cid, true).unwrap();
    let refused = create(&w.store, &w.clock, &w.admin, &cid, &input("X")).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidState);
    assert_eq!(count_requests(&w), 0);
}

fn titles(page: &ServiceRequestPage) -> Vec<&str> {
    page.rows.iter().map(|r| r.title.as_str()).collect()
}

#[test]
fn the_queue_shows_each_reader_the_customers_they_may_see() {
    let w = world();
    let active = w.active_customer("Contoso", "contoso", &[]).0;
    let ended = w.customer("Fabrikam", "fabrikam", &[]);
    let relationship = w.activate(&ended);
    let never = w.customer("Northwind", "northwind", &[]);
    draft(&w, &active, "Active customer's");
    w.clock.advance(Duration::minutes(1));
    let hidden = draft(&w, &ended, "Ended customer's").request.id;
    relationships::terminate(&w.store, &w.clock, &w.admin, &relationship).unwrap();
    let everyone = ServiceRequestQuery::default();

    let sam = w.staff("Sam Service", R::ServiceAdmin, A::None);
    let page = queue(&w.store, &w.clock, &sam, &everyone).unwrap();
    assert_eq!(titles(&page), ["Ended customer's", "Active customer's"]);
    assert_eq!(page.total, 2);
    assert!(get(&w.store, &w.clock, &sam, &hidden).is_ok());

    let lena = w.staff("Lena Limited", R::None, A::Limited);
    let page = queue(&w.store, &w.clock, &lena, &everyone).unwrap();
    assert_eq!(titles(&page), ["Active customer's"]);
    assert_eq!(page.total, 1);
    let counted: u32 = page.counts.iter().map(|c| c.count).sum();
    assert_eq!(counted, 1, "counts follow the same visibility");
    let refused = get(&w.store, &w.clock, &lena, &hidden).unwrap_err();
    assert_eq!(reason(&refused).as_deref(), Some("no_active_relationship"));
    let refused = list_for_customer(&w.store, &w.clock, &lena, &ended, &everyone).unwrap_err();
    assert_eq!(reason(&refused).as_deref(), Some("no_active_relationship"));
    let mine = list_for_customer(&w.store, &w.clock, &lena, &active, &everyone).unwrap();
    assert_eq!(titles(&mine.page), ["Active customer's"]);
    assert!(mine.manage.allowed);

    let bella = w.staff("Bella Billing", R::BillingAdmin, A::None);
    let refused = queue(&w.store, &w.clock, &bella, &everyone).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert_eq!(
        reason(&refused).as_deref(),
        Some("customer_access_required")
    );

    // A customer's own list holds only that customer's requests.
    let admin_view = list_for_customer(&w.store, &w.clock, &w.admin, &never, &everyone).unwrap();
    assert!(admin_view.page.rows.is_empty());
    assert_eq!(
        admin_view.manage.reason,
        Some(DenialReason::NoActiveRelationship)
    );
}

#[test]
fn the_queue_counts_by_severity_and_status_and_filters() {
    let w = world();
    let a = w.active_customer("Żółć Sp. z o.o.", "zolc", &[]).0;
    let b = w.active_customer("Contoso", "contoso", &[]).0;
    let make =
        |cid: &str, title: &str, severity: &str, category: &str, status: ServiceRequestStatus| {
            let id = in_status(&w, cid, S::Draft);
            let edit = ServiceRequestInput {
                severity: severity.into(),
                category: category.into(),
                ..input(title)
            };
            update(&w.store, &w.clock, &w.admin, &id, &edit).unwrap();
            let path: &[ServiceRequestEvent] = match status {
                S::Draft => &[],
                S::Open => &[E::Submit],
                S::AttentionNeeded => &[E::Submit, E::FlagAttention],
                S::Closed => &[E::Submit, E::Close],
            };
            for event in path {
                run(&w, &w.admin, &id, *event).unwrap();
            }
            w.clock.advance(Duration::minutes(1));
            id
        };
    make(
        &a,
        "Mailbox full",
        "critical",
        "email_and_calendar",
        S::Open,
    );
    make(&a, "Invoice copy", "minimal", "billing", S::Closed);
    make(&b, "Teams audio", "critical", "teams", S::AttentionNeeded);
    make(&b, "Licence count", "moderate", "subscriptions", S::Open);
    make(&b, "Phishing mail", "critical", "security", S::Open);
    make(&a, "Draft idea", "minimal", "other", S::Draft);

    let all = queue(
        &w.store,
        &w.clock,
        &w.admin,
        &ServiceRequestQuery::default(),
    )
    .unwrap();
    assert_eq!(all.total, 6);
    assert_eq!(all.counts.len(), 12, "every severity × status pair");
    let count = |page: &ServiceRequestPage, severity: &str, status: &str| {
        page.counts
            .iter()
            .find(|c| c.severity.as_str() == severity && c.status.as_str() == status)
            .map(|c| c.count)
            .unwrap()
    };
    assert_eq!(count(&all, "critical", "open"), 2);
    assert_eq!(count(&all, "critical", "attention_needed"), 1);
    assert_eq!(count(&all, "moderate", "open"), 1);
    assert_eq!(count(&all, "minimal", "closed"), 1);
    assert_eq!(count(&all, "minimal", "draft"), 1);
    assert_eq!(count(&all, "moderate", "closed"), 0);

    let q = |f: &dyn Fn(&mut ServiceRequestQuery)| {
        let mut query = ServiceRequestQuery::default();
        f(&mut query);
        queue(&w.store, &w.clock, &w.admin, &query).unwrap()
    };
    let critical_open = q(&|q| {
        q.severity = Some("critical".into());
        q.status = Some("open".into());
    });
    assert_eq!(titles(&critical_open), ["Phishing mail", "Mailbox full"]);
    assert_eq!(critical_open.total, 2);
    assert_eq!(
        critical_open.counts, all.counts,
        "chips count without their own filters"
    );
    let of_b = q(&|q| q.customer_id = Some(b.clone()));
    assert_eq!(of_b.total, 3);
    assert_eq!(count(&of_b, "critical", "open"), 1);
    assert_eq!(
        titles(&q(&|q| q.category = Some("billing".into()))),
        ["Invoice copy"]
    );
    assert_eq!(
        titles(&q(&|q| q.search = Some("AUDIO".into()))),
        ["Teams audio"]
    );
    assert_eq!(
        q(&|q| q.search = Some("zolc".into())).total,
        3,
        "customer names fold diacritics"
    );
    assert_eq!(
        titles(&q(&|q| q.search = Some("sr-000002".into()))),
        ["Invoice copy"]
    );
    assert_eq!(
        titles(&q(&|q| q.search = Some("SR-2".into()))),
        ["Invoice copy"]
    );
    assert_eq!(q(&|q| q.search = Some("100%".into())).total, 0);
    make(&a, "Błąd księgowości", "minimal", "billing", S::Open);
    for typed in ["blad KSIEGOW", "Błąd", "ŁĄD KSIĘ"] {
        assert_eq!(
            titles(&q(&|q| q.search = Some(typed.into()))),
            ["Błąd księgowości"],
            "titles fold case and diacritics: {typed}"
        );
    }

    for (field, bad) in [
        ("status", "pending"),
        ("severity", "urgent"),
        ("category", "printers"),
        ("customer_id", "42"),
    ] {
        let mut query = ServiceRequestQuery::default();
        match field {
            "status" => query.status = Some(bad.into()),
            "severity" => query.severity = Some(bad.into()),
            "category" => query.category = Some(bad.into()),
            _ => query.customer_id = Some(bad.into()),
        }
        let refused = queue(&w.store, &w.clock, &w.admin, &query).unwrap_err();
        assert_eq!(refused.field(), Some(field));
    }
}

#[test]
fn pages_walk_every_request_once_newest_activity_first() {
    let w = world();
    let cid = w.active_customer("Contoso", "contoso", &[]).0;
    let mut made = Vec::new();
    for n in 0..7 {
        made.push(draft(&w, &cid, &format!("Request {n}")).request.id);
        if n % 2 == 0 {
            w.clock.advance(Duration::minutes(1));
        }
    }
    // A note is activity: the oldest request comes to the top.
    w.clock.advance(Duration::minutes(1));
    add_note(&w.store, &w.clock, &w.admin, &made[0], "Bump").unwrap();
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let query = ServiceRequestQuery {
            limit: Some(2),
            cursor: cursor.clone(),
            ..Default::default()
        };
        let page = queue(&w.store, &w.clock, &w.admin, &query).unwrap();
        assert_eq!(page.total, 7);
        seen.extend(
            page.rows
                .iter()
                .map(|r| (r.updated_at.clone(), r.id.clone())),
        );
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 7);
    assert_eq!(seen[0].1, made[0]);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest activity first, ties by id");
    let first = queue(
        &w.store,
        &w.clock,
        &w.admin,
        &ServiceRequestQuery::default(),
    )
    .unwrap();
    assert_eq!(first.rows[0].note_count, 1);
    let refused = queue(
        &w.store,
        &w.clock,
        &w.admin,
        &ServiceRequestQuery {
            limit: Some(0),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(refused.field(), Some("limit"));
}
