use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A};
use crate::error::ErrorCode;
use crate::testing::{world, World};

const NOTE: &str = "The mailbox password is Tajne-Haslo-7f3a";
const USER_NAME: &str = "Ewa Zielińska-Poufna";
const KINDS: [&str; 7] = [
    "customer",
    "relationship",
    "subscription",
    "customer_user",
    "service_request",
    "purchase_offer",
    "product_key",
];

/// An active customer with one record of every kind the tab shows, and a
/// service-request note whose text must never reach who may not see requests.
fn busy_customer(w: &World, n: u32) -> (String, String) {
    let (customer, relationship) =
        w.active_customer(&format!("Alfa {n}"), &format!("alfa{n}"), &[]);
    let service = crate::catalog::list(&w.store, &w.clock, &w.admin).unwrap()[0]
        .id
        .clone();
    let subscription = crate::subscriptions::SubscriptionInput {
        customer_id: customer.clone(),
        service_id: service.clone(),
        quantity: 5,
        term: Some("P1M".into()),
        billing_plan: Some("monthly".into()),
        starts_at: None,
        auto_renew: true,
        trial: false,
    };
    crate::subscriptions::add(&w.store, &w.clock, &w.admin, &subscription).unwrap();
    let user = crate::customer_users::CustomerUserInput {
        display_name: USER_NAME.into(),
        user_name: format!("ewa@alfa{n}.onmicrosoft.com"),
        ..Default::default()
    };
    crate::customer_users::create(&w.store, &w.clock, &w.admin, &customer, &user).unwrap();
    let request = crate::service_requests::ServiceRequestInput {
        title: "Mailbox locked".into(),
        description: "Since the morning.".into(),
        category: "email_and_calendar".into(),
        severity: "moderate".into(),
        contact_name: "Jan".into(),
        contact_email: "jan@alfa.pl".into(),
        contact_phone: String::new(),
    };
    let (created, _) =
        crate::service_requests::create(&w.store, &w.clock, &w.admin, &customer, &request).unwrap();
    crate::service_requests::add_note(&w.store, &w.clock, &w.admin, &created.request.id, NOTE)
        .unwrap();
    let offer = crate::offers::OfferDraftInput {
        customer_id: Some(customer.clone()),
        valid_until: "2099-12-31".into(),
        ..Default::default()
    };
    crate::offers::create(&w.store, &w.clock, &w.admin, &offer).unwrap();
    let key = crate::product_keys::ProductKeyInput {
        key: crate::testing::key_text(n),
        service_id: service,
        quantity: 10,
        term: "P1Y".into(),
    };
    let (key, _) = crate::product_keys::add(&w.store, &w.clock, &w.admin, &key).unwrap();
    let redemption = crate::product_keys::Redemption {
        key_id: key.id,
        customer_id: customer.clone(),
        mode: crate::product_keys::RedeemMode::NewSubscription,
        auto_renew: true,
        relationship: None,
        subscription_id: None,
    };
    crate::product_keys::redeem(&w.store, &w.clock, &w.admin, &redemption).unwrap();
    (customer, relationship)
}

/// Every kind the page holds, each with the reason it is hidden (none: shown).
fn hidden_by_kind(page: &ActivityPage) -> Vec<(String, Option<DenialReason>)> {
    let mut kinds: Vec<(String, Option<DenialReason>)> = Vec::new();
    for e in &page.entries {
        let seen = (
            e.entry.target_kind.clone(),
            e.hidden.as_ref().map(|h| h.reason),
        );
        if !kinds.contains(&seen) {
            kinds.push(seen);
        }
    }
    kinds.sort_by(|a, b| a.0.cmp(&b.0));
    kinds
}

/// What each hidden entry still says, and what it no longer says.
fn assert_redacted_honestly(page: &ActivityPage) {
    for e in &page.entries {
        match &e.hidden {
            Some(hidden) => {
                assert!(e.entry.before_json.is_none() && e.entry.after_json.is_none());
                assert!(e.entry.target_label.is_empty() && e.entry.detail.is_empty());
                assert!(e.entry.target_id.is_none());
                assert!(!e.entry.action.is_empty() && !e.entry.at.is_empty());
                assert_eq!(e.entry.actor_name, "Anna Admin", "who did it stays");
                assert_eq!(hidden.text, hidden.reason.text(hidden.action));
                assert!(!hidden.text.pl.is_empty());
            }
            None if e.entry.action.ends_with(".create") || e.entry.action.ends_with(".add") => {
                assert!(e.entry.after_json.is_some(), "{} in full", e.entry.action);
            }
            None => {}
        }
    }
}

fn expect(hidden: &[(&str, DenialReason)]) -> Vec<(String, Option<DenialReason>)> {
    let mut kinds: Vec<(String, Option<DenialReason>)> = KINDS
        .iter()
        .map(|kind| {
            let reason = hidden.iter().find(|(k, _)| k == kind).map(|(_, r)| *r);
            ((*kind).to_owned(), reason)
        })
        .collect();
    kinds.sort_by(|a, b| a.0.cmp(&b.0));
    kinds
}

#[test]
fn each_entry_is_shown_in_full_only_to_who_may_see_its_kind_of_record() {
    let w = world();
    let (customer, relationship) = busy_customer(&w, 1);
    let global = w.admin.clone();
    let limited = w.staff("Lena Limited", R::None, A::Limited);
    let service = w.staff("Sam Service", R::ServiceAdmin, A::Limited);
    let page = |who: &Actor| activity(&w.store, &w.clock, who, &customer, None).unwrap();

    // An active relationship and both authorizations: everyone with customer access sees it all.
    for who in [&global, &limited, &service] {
        let shown = page(who);
        assert_eq!(hidden_by_kind(&shown), expect(&[]), "{}", who.display_name);
        assert_redacted_honestly(&shown);
    }

    // Without an active relationship the tenant's users and requests are
    // refused on their tabs; service and global admins still read every request.
    crate::relationships::terminate(&w.store, &w.clock, &w.admin, &relationship).unwrap();
    use DenialReason::{NoActiveRelationship as GATE, PartnerNotSubscriptionAdvisor as ADVISOR};
    let cases: [(&Actor, Vec<(&str, DenialReason)>); 3] = [
        (&global, vec![("customer_user", GATE)]),
        (&service, vec![("customer_user", GATE)]),
        (
            &limited,
            vec![("customer_user", GATE), ("service_request", GATE)],
        ),
    ];
    for (who, hidden) in cases {
        let shown = page(who);
        assert_eq!(
            hidden_by_kind(&shown),
            expect(&hidden),
            "{}",
            who.display_name
        );
        assert_redacted_honestly(&shown);
    }

    // Offers and keys need the subscription-advisor authorization.
    w.withdraw_subscription_advisor();
    let shown = page(&limited);
    assert_eq!(
        hidden_by_kind(&shown),
        expect(&[
            ("customer_user", GATE),
            ("service_request", GATE),
            ("purchase_offer", ADVISOR),
            ("product_key", ADVISOR),
        ])
    );
    assert_redacted_honestly(&shown);
    let offer = shown
        .entries
        .iter()
        .find(|e| e.entry.target_kind == "purchase_offer")
        .unwrap();
    assert_eq!(
        offer.hidden.as_ref().unwrap().action,
        Action::ManagePurchaseOffers
    );
}

#[test]
fn a_refused_viewer_gets_no_trace_of_a_note_or_a_hidden_users_name() {
    let w = world();
    let (customer, relationship) = busy_customer(&w, 1);
    let limited = w.staff("Lena Limited", R::None, A::Limited);
    let json = |who: &Actor| {
        serde_json::to_string(&activity(&w.store, &w.clock, who, &customer, None).unwrap()).unwrap()
    };
    assert!(json(&limited).contains(NOTE), "the log holds the note");
    assert!(json(&limited).contains(USER_NAME));

    crate::relationships::terminate(&w.store, &w.clock, &w.admin, &relationship).unwrap();
    let refused = json(&limited);
    assert!(!refused.contains(NOTE), "{refused}");
    assert!(!refused.contains("Tajne"), "{refused}");
    assert!(!refused.contains(USER_NAME), "{refused}");
    assert!(!refused.contains("Mailbox locked"), "{refused}");
    assert!(
        refused.contains("\"service_request.add_note\""),
        "{refused}"
    );
    assert!(refused.contains("\"hidden\":{\"action\":\"view_service_requests\",\"reason\":\"no_active_relationship\""), "{refused}");
    // Service admins read every request in the queue, so here too.
    let service = w.staff("Sam Service", R::ServiceAdmin, A::Limited);
    assert!(json(&service).contains(NOTE));
}

#[test]
fn a_refused_activity_tab_is_audited() {
    let w = world();
    let (customer, _) = busy_customer(&w, 1);
    let nobody = w.staff("Nina None", R::None, A::None);
    let refused = activity(&w.store, &w.clock, &nobody, &customer, None).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    let last = w.audit_actions().pop().unwrap();
    assert_eq!(
        last,
        (
            "customer.activity".into(),
            "refused".into(),
            "Nina None".into()
        )
    );
}

/// What the table asks before an entry about each kind of record is shown in
/// full: any one of these actions, for the customer's relationship state.
const KIND_NEEDS: [(&str, &[Action]); 7] = [
    ("customer", &[Action::ViewCustomers]),
    ("relationship", &[Action::ViewCustomers]),
    ("subscription", &[Action::ViewSubscriptions]),
    ("customer_user", &[Action::ViewCustomerUsers]),
    (
        "service_request",
        &[Action::ViewAllServiceRequests, Action::ViewServiceRequests],
    ),
    ("purchase_offer", &[Action::ManagePurchaseOffers]),
    ("product_key", &[Action::ViewProductKeys]),
];

/// The whole tab, page by page: the refusals the walk audits fill the newest pages.
fn every_page(w: &World, who: &Actor, customer: &str) -> Result<Vec<ActivityPage>> {
    let mut pages = vec![activity(&w.store, &w.clock, who, customer, None)?];
    while let Some(before) = pages.last().and_then(|page| page.next_before_seq) {
        pages.push(activity(&w.store, &w.clock, who, customer, Some(before))?);
    }
    Ok(pages)
}

/// The permission walk of decision 0027, for the one view that shows records
/// of every kind: every company role × customer access × partner
/// authorization × relationship state. The records can only be made while
/// the relationship is active, so each customer gets them first and is then
/// put in its state as the customer list keeps it (the real transitions to
/// each state are walked by `World::customer_in_state`).
#[test]
fn the_tab_and_each_entry_follow_the_table_for_every_role_access_authorization_and_state() {
    use crate::access::decide;
    use crate::testing::{PARTNERS, RELATIONSHIP_STATES};
    let w = world();
    let mut staff = Vec::new();
    for role in R::ALL {
        for access in A::ALL {
            let name = format!("{} {}", role.as_str(), access.as_str());
            staff.push(w.staff(&name, role, access));
        }
    }
    let mut customers = Vec::new();
    for (n, state) in (1..).zip(RELATIONSHIP_STATES) {
        let (customer, _) = busy_customer(&w, n);
        w.store
            .write(|tx| {
                tx.execute(
                    "UPDATE customers SET relationship_state = ?1 WHERE id = ?2",
                    [state, customer.as_str()],
                )?;
                Ok(())
            })
            .unwrap();
        customers.push((state, customer));
    }
    let (mut refused_tabs, mut hidden_entries, mut cases) = (0, 0, 0);
    for partner in PARTNERS {
        w.authorize(partner);
        for (state, customer) in &customers {
            for who in &staff {
                cases += 1;
                let case = format!("{} / {partner:?} / {state}", who.display_name);
                let subject = who.subject();
                let pages = every_page(&w, who, customer);
                if decide(subject, partner, Action::ViewCustomers).is_err() {
                    assert_eq!(pages.unwrap_err().code(), ErrorCode::Forbidden, "{case}");
                    let last = w.audit_actions().pop().unwrap();
                    let refusal = ("customer.activity".into(), "refused".into());
                    assert_eq!((last.0, last.1), refusal, "{case}");
                    assert_eq!(last.2, who.display_name, "{case}");
                    refused_tabs += 1;
                    continue;
                }
                let pages = pages.unwrap();
                let mut kinds: Vec<&str> = Vec::new();
                for e in pages.iter().flat_map(|page| &page.entries) {
                    let kind = e.entry.target_kind.as_str();
                    let (_, needs) = KIND_NEEDS.iter().find(|(k, _)| *k == kind).unwrap();
                    let may =
                        |action: &Action| decide_for_customer(subject, partner, state, *action);
                    let shown = needs.iter().any(|action| may(action).is_ok());
                    assert_eq!(
                        e.hidden.is_none(),
                        shown,
                        "{case}: {kind} {}",
                        e.entry.action
                    );
                    if let Some(hidden) = &e.hidden {
                        assert!(needs.contains(&hidden.action), "{case}: {kind}");
                        assert_eq!(may(&hidden.action), Err(hidden.reason), "{case}: {kind}");
                        hidden_entries += 1;
                    }
                    if !kinds.contains(&kind) {
                        kinds.push(kind);
                    }
                }
                assert_eq!(kinds.len(), KINDS.len(), "{case}: every kind is there");
                pages.iter().for_each(assert_redacted_honestly);
            }
        }
    }
    assert_eq!(cases, 6 * 3 * 4 * RELATIONSHIP_STATES.len());
    // The walk has both outcomes, or it proves nothing.
    assert!(refused_tabs > 0 && refused_tabs < cases);
    assert!(hidden_entries > 0);
}
