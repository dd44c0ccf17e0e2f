use time::Duration;

use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A};
use crate::customers::{CustomerInput, CustomerQuery};
use crate::error::ErrorCode;
use crate::testing::{world, World};

fn customer(w: &World) -> String {
    let input = CustomerInput {
        company_name: "Żółć Sp. z o.o.".into(),
        default_domain: "zolc".into(),
        contact_email: "it@zolc.pl".into(),
        ..Default::default()
    };
    customers::create(&w.store, &w.clock, &w.admin, &input)
        .unwrap()
        .0
        .id
}

fn offer_input(customer_id: &str, name: &str) -> RelationshipOffer {
    RelationshipOffer {
        customer_id: customer_id.into(),
        display_name: name.into(),
        roles: vec![crate::testing::PASSWORD_ADMINISTRATOR.into()],
        duration_days: 365,
        auto_extend: true,
        request_approval: true,
    }
}

#[test]
fn the_transition_table_is_exactly_as_written() {
    use RelationshipEvent as E;
    use RelationshipState as S;
    let expected = [
        (S::Created, E::RequestApproval, Some(S::ApprovalPending)),
        (S::Created, E::Terminate, Some(S::Terminated)),
        (S::ApprovalPending, E::RecordAcceptance, Some(S::Approved)),
        (S::ApprovalPending, E::ApprovalLapsed, Some(S::Expired)),
        (S::ApprovalPending, E::Terminate, Some(S::Terminated)),
        (S::Approved, E::ActivationStarted, Some(S::Activating)),
        (S::Approved, E::Terminate, Some(S::TerminationRequested)),
        (S::Activating, E::ActivationFinished, Some(S::Active)),
        (S::Activating, E::Terminate, Some(S::TerminationRequested)),
        (S::Active, E::EnteredLastMonth, Some(S::Expiring)),
        (S::Active, E::AutoExtended, Some(S::Active)),
        (S::Active, E::Ended, Some(S::Expired)),
        (S::Active, E::Terminate, Some(S::TerminationRequested)),
        (S::Expiring, E::AutoExtended, Some(S::Active)),
        (S::Expiring, E::Ended, Some(S::Expired)),
        (S::Expiring, E::Terminate, Some(S::TerminationRequested)),
        (
            S::TerminationRequested,
            E::TerminationStarted,
            Some(S::Terminating),
        ),
        (S::Terminating, E::TerminationFinished, Some(S::Terminated)),
    ];
    for state in S::ALL {
        for event in E::ALL {
            let want = expected
                .iter()
                .find(|(s, e, _)| *s == state && *e == event)
                .and_then(|(_, _, next)| *next);
            assert_eq!(transition(state, event), want, "{state:?} + {event:?}");
        }
    }
}

#[test]
fn an_offer_is_validated_and_named_uniquely() {
    let w = world();
    let id = customer(&w);
    let bad = |f: &dyn Fn(&mut RelationshipOffer)| {
        let mut o = offer_input(&id, "Support");
        f(&mut o);
        offer(&w.store, &w.clock, &w.admin, &o).unwrap_err()
    };
    assert_eq!(
        bad(&|o| o.display_name = "x".repeat(51)).field(),
        Some("display_name")
    );
    assert_eq!(bad(&|o| o.roles = vec![]).field(), Some("roles"));
    assert_eq!(
        bad(&|o| o.roles = vec!["owner".into()]).field(),
        Some("roles")
    );
    assert_eq!(bad(&|o| o.duration_days = 0).field(), Some("duration_days"));
    assert_eq!(
        bad(&|o| o.duration_days = 731).field(),
        Some("duration_days")
    );
    assert_eq!(
        bad(&|o| o.roles = vec!["global_admin".into()]).field(),
        Some("roles"),
        "the seed's old keys are not role-definition ids"
    );
    assert_eq!(
        bad(&|o| o.roles = vec![roles::GLOBAL_ADMINISTRATOR.into()]).field(),
        Some("auto_extend")
    );
    offer(&w.store, &w.clock, &w.admin, &offer_input(&id, "Support")).unwrap();
    let clash = offer(&w.store, &w.clock, &w.admin, &offer_input(&id, "SUPPORT")).unwrap_err();
    assert_eq!(
        (clash.code(), clash.field()),
        (ErrorCode::Conflict, Some("display_name"))
    );
    let full = RelationshipOffer {
        roles: vec![crate::relationships::roles::GLOBAL_ADMINISTRATOR.into()],
        auto_extend: false,
        duration_days: 730,
        ..offer_input(&id, &"F".repeat(50))
    };
    offer(&w.store, &w.clock, &w.admin, &full)
        .expect("50 characters, two years, global admin without auto-extend");
}

#[test]
fn offering_needs_full_customer_access_and_the_partner_authorization() {
    let w = world();
    let id = customer(&w);
    let limited = w.staff("Lena", R::GlobalAdmin, A::Limited);
    let refused = offer(&w.store, &w.clock, &limited, &offer_input(&id, "Support")).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    let mut profile = crate::testing::company();
    profile.authorized_delegated_admin = false;
    crate::company::update(&w.store, &w.clock, &w.admin, &profile).unwrap();
    let gate = offer(&w.store, &w.clock, &w.admin, &offer_input(&id, "Support")).unwrap_err();
    assert!(gate
        .to_string()
        .contains("not authorized for delegated administration"));
}

#[test]
fn acceptance_activates_for_the_duration_and_the_customer_shows_it() {
    let w = world();
    let id = customer(&w);
    let (r, _) = offer(&w.store, &w.clock, &w.admin, &offer_input(&id, "Support")).unwrap();
    assert_eq!(r.state, RelationshipState::ApprovalPending);
    let pending = customers::list(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerQuery {
            relationship_state: Some("approval_pending".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(pending.total, Some(1));

    let future = to_rfc3339(w.clock.now() + Duration::days(1)).unwrap();
    assert_eq!(
        record_acceptance(&w.store, &w.clock, &w.admin, &r.id, Some(&future))
            .unwrap_err()
            .field(),
        Some("accepted_at")
    );
    let before_request = to_rfc3339(w.clock.now() - Duration::days(1)).unwrap();
    assert_eq!(
        record_acceptance(&w.store, &w.clock, &w.admin, &r.id, Some(&before_request))
            .unwrap_err()
            .field(),
        Some("accepted_at")
    );

    w.clock.advance(Duration::days(2));
    let (approved, _) = record_acceptance(&w.store, &w.clock, &w.admin, &r.id, None).unwrap();
    assert_eq!(approved.state, RelationshipState::Approved);
    assert_eq!(approved.accepted_recorded_by.as_deref(), Some("Anna Admin"));
    assert_eq!(
        approved.ends_at.as_deref(),
        Some("2027-11-27T09:00:00.000Z")
    );
    let state = || w.store.read(|c| load(c, &r.id)).unwrap().state;
    w.clock.advance(Duration::seconds(59));
    apply_clock(&w.store, &w.clock).unwrap();
    assert_eq!(
        state(),
        RelationshipState::Approved,
        "a minute not yet gone"
    );
    w.clock.advance(Duration::seconds(1));
    apply_clock(&w.store, &w.clock).unwrap();
    assert_eq!(state(), RelationshipState::Activating);
    w.clock.advance(Duration::minutes(4));
    apply_clock(&w.store, &w.clock).unwrap();
    assert_eq!(
        state(),
        RelationshipState::Active,
        "five minutes after the acceptance"
    );
    let listed = customers::list(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerQuery {
            relationship_state: Some("active".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(listed.rows[0].id, id);
    let again = record_acceptance(&w.store, &w.clock, &w.admin, &r.id, None).unwrap_err();
    assert_eq!(again.code(), ErrorCode::InvalidState);
}

#[test]
fn the_clock_moves_relationships_to_expiring_renewed_or_expired() {
    let w = world();
    let id = customer(&w);
    let (renewing, _) = offer(
        &w.store,
        &w.clock,
        &w.admin,
        &RelationshipOffer {
            duration_days: 60,
            ..offer_input(&id, "Renews")
        },
    )
    .unwrap();
    let (ending, _) = offer(
        &w.store,
        &w.clock,
        &w.admin,
        &RelationshipOffer {
            duration_days: 60,
            auto_extend: false,
            ..offer_input(&id, "Ends")
        },
    )
    .unwrap();
    record_acceptance(&w.store, &w.clock, &w.admin, &renewing.id, None).unwrap();
    record_acceptance(&w.store, &w.clock, &w.admin, &ending.id, None).unwrap();
    let state = |rid: &str| w.store.read(|c| load(c, rid)).unwrap();
    w.clock.advance(Duration::minutes(ACTIVE_AFTER_MINUTES));
    assert!(
        apply_clock(&w.store, &w.clock).unwrap().is_some(),
        "activated"
    );
    assert_eq!(state(&renewing.id).state, RelationshipState::Active);
    w.clock.advance(-Duration::minutes(ACTIVE_AFTER_MINUTES));

    assert!(
        apply_clock(&w.store, &w.clock).unwrap().is_none(),
        "nothing due yet"
    );
    w.clock.advance(Duration::days(31));
    assert!(apply_clock(&w.store, &w.clock).unwrap().is_some());
    assert_eq!(state(&renewing.id).state, RelationshipState::Expiring);
    assert_eq!(state(&ending.id).state, RelationshipState::Expiring);
    assert!(
        apply_clock(&w.store, &w.clock).unwrap().is_none(),
        "applying twice changes nothing"
    );

    w.clock.advance(Duration::days(30));
    apply_clock(&w.store, &w.clock).unwrap();
    let renewed = state(&renewing.id);
    assert_eq!(renewed.state, RelationshipState::Active);
    assert_eq!(
        renewed.ends_at.as_deref(),
        Some("2027-07-23T09:00:00.000Z"),
        "60 + 180 days after acceptance"
    );
    assert_eq!(state(&ending.id).state, RelationshipState::Expired);
    assert!(w
        .audit_actions()
        .iter()
        .any(|(a, _, who)| a == "relationship.clock" && who == "Partnerdesk (clock)"));
}

#[test]
fn an_unapproved_request_lapses_after_ninety_days_and_terminate_ends_any_live_state() {
    let w = world();
    let id = customer(&w);
    let (waiting, _) = offer(&w.store, &w.clock, &w.admin, &offer_input(&id, "Waits")).unwrap();
    let (stopped, _) = offer(&w.store, &w.clock, &w.admin, &offer_input(&id, "Stopped")).unwrap();
    let (draft, _) = offer(
        &w.store,
        &w.clock,
        &w.admin,
        &RelationshipOffer {
            request_approval: false,
            ..offer_input(&id, "Draft")
        },
    )
    .unwrap();
    assert_eq!(draft.state, RelationshipState::Created);
    assert_eq!(
        message(&w.store, &w.clock, &w.admin, &draft.id)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidState
    );
    let (ended, _) = terminate(&w.store, &w.clock, &w.admin, &stopped.id).unwrap();
    assert_eq!(
        ended.state,
        RelationshipState::Terminated,
        "a request never approved ends at once"
    );
    assert_eq!(
        terminate(&w.store, &w.clock, &w.admin, &stopped.id)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidState
    );
    w.clock.advance(Duration::days(89));
    apply_clock(&w.store, &w.clock).unwrap();
    assert_eq!(
        w.store.read(|c| load(c, &waiting.id)).unwrap().state,
        RelationshipState::ApprovalPending
    );
    w.clock.advance(Duration::days(1));
    apply_clock(&w.store, &w.clock).unwrap();
    assert_eq!(
        w.store.read(|c| load(c, &waiting.id)).unwrap().state,
        RelationshipState::Expired
    );
    let customer_state = customers::get(&w.store, &w.clock, &w.admin, &id)
        .unwrap()
        .relationship_state;
    assert_eq!(
        customer_state, "created",
        "the draft is the most advanced one left"
    );
}

#[test]
fn the_message_carries_the_link_in_the_customers_language_signed_by_the_company() {
    let w = world();
    let id = customer(&w);
    let (r, _) = offer(&w.store, &w.clock, &w.admin, &offer_input(&id, "Support")).unwrap();
    let m = message(&w.store, &w.clock, &w.admin, &r.id).unwrap();
    assert_eq!(m.link, format!("https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/{}", r.id));
    assert!(
        m.subject.contains("prośba o administrację delegowaną"),
        "{}",
        m.subject
    );
    assert!(m.body.contains("Contoso Partner Sp. z o.o."));
    assert!(m.mailto.starts_with("mailto:it%40zolc.pl?subject="));
    assert!(!m.mailto.contains(' '));
    assert!(m
        .html_snippet
        .starts_with(&format!("<a href=\"{}\"", m.link)));

    let bad = LinkTemplates {
        granular_relationship: "http://example.com/{relationship}".into(),
        ..LinkTemplates::default()
    };
    assert_eq!(
        update_templates(&w.store, &w.clock, &w.admin, &bad)
            .unwrap_err()
            .field(),
        Some("granular_relationship")
    );
    let missing = LinkTemplates {
        granular_relationship: "https://example.com/approve".into(),
        ..LinkTemplates::default()
    };
    assert_eq!(
        update_templates(&w.store, &w.clock, &w.admin, &missing)
            .unwrap_err()
            .field(),
        Some("granular_relationship")
    );
    let custom = LinkTemplates {
        granular_relationship: "https://partner.example.com/gdap/{relationship}?p={advisor}".into(),
        ..LinkTemplates::default()
    };
    update_templates(&w.store, &w.clock, &w.admin, &custom).unwrap();
    assert_eq!(
        message(&w.store, &w.clock, &w.admin, &r.id).unwrap().link,
        format!("https://partner.example.com/gdap/{}?p=", r.id)
    );
    let billing = w.staff("Bea", R::BillingAdmin, A::None);
    assert_eq!(
        update_templates(&w.store, &w.clock, &billing, &custom)
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
}

#[test]
fn link_templates_show_to_who_edits_them_or_sends_what_they_build() {
    let w = world();
    let limited = w.staff("Lena Limited", R::None, A::Limited);
    let billing = w.staff("Bill Billing", R::BillingAdmin, A::None);
    let full = w.staff("Fred Full", R::None, A::Full);
    for who in [&w.admin, &limited, &full] {
        let shown = get_templates(&w.store, &w.clock, who).unwrap();
        assert!(
            shown.purchase_offer.contains("{offer}"),
            "{}",
            who.display_name
        );
    }
    let refused = get_templates(&w.store, &w.clock, &billing).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    let Error::Forbidden { reason, text } = &refused else {
        unreachable!()
    };
    assert_eq!(*reason, "role_required");
    assert!(
        text.en.contains("Only global admins may change the link"),
        "{}",
        text.en
    );
    assert!(text.en.contains("access to customers"), "{}", text.en);
    assert!(text.pl.contains("dostępu do klientów"), "{}", text.pl);
    assert_eq!(
        w.audit_actions().pop().unwrap(),
        (
            "link_templates.view".into(),
            "refused".into(),
            "Bill Billing".into()
        )
    );

    // Without the advisor authorization, limited access sends nothing they build.
    w.withdraw_subscription_advisor();
    assert_eq!(
        get_templates(&w.store, &w.clock, &limited)
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    assert!(
        get_templates(&w.store, &w.clock, &full).is_ok(),
        "full access offers delegated admin"
    );
}
