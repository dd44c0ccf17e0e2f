use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A};
use crate::error::ErrorCode;
use crate::testing::{world, World};

use InvitationEvent as E;
use InvitationState as S;

fn service(w: &World, title_starts: &str) -> String {
    crate::catalog::list(&w.store, &w.clock, &w.admin)
        .unwrap()
        .into_iter()
        .find(|s| s.title.starts_with(title_starts))
        .unwrap()
        .id
}

fn input(w: &World, name: &str, relationship: bool) -> TrialInvitationInput {
    TrialInvitationInput {
        name: name.into(),
        service_id: service(w, "Microsoft 365 Business Standard"),
        language: String::new(),
        relationship: relationship.then(|| InvitationRelationship {
            roles: vec![
                crate::testing::USER_ADMINISTRATOR.into(),
                "729827e3-9c14-49f7-bb1b-9608f156bbb8".into(),
            ],
            duration_days: 180,
            auto_extend: true,
        }),
    }
}

fn draft(w: &World, relationship: bool) -> String {
    create(
        &w.store,
        &w.clock,
        &w.admin,
        &input(w, "Autumn campaign", relationship),
    )
    .unwrap()
    .0
    .invitation
    .id
}

fn active(w: &World, relationship: bool) -> String {
    w.set_partner_id("1234567");
    let id = draft(w, relationship);
    activate(&w.store, &w.clock, &w.admin, &id).unwrap();
    id
}

fn new_customer(name: &str, domain: &str) -> SignupInput {
    SignupInput {
        customer_id: None,
        customer: Some(CustomerInput {
            company_name: name.into(),
            default_domain: domain.into(),
            contact_email: format!("it@{domain}.pl"),
            ..Default::default()
        }),
    }
}

fn existing(customer_id: &str) -> SignupInput {
    SignupInput {
        customer_id: Some(customer_id.into()),
        customer: None,
    }
}

fn count(w: &World, table: &str) -> i64 {
    w.store
        .read(|c| Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?))
        .unwrap()
}

/// Runs any event through the public function that does it.
fn run(w: &World, id: &str, event: InvitationEvent, n: usize) -> Result<()> {
    match event {
        E::Edit => update(&w.store, &w.clock, &w.admin, id, &input(w, "Edited", false)).map(drop),
        E::Activate => activate(&w.store, &w.clock, &w.admin, id).map(drop),
        E::Retire => retire(&w.store, &w.clock, &w.admin, id).map(drop),
        E::Send => record_sent(&w.store, &w.clock, &w.admin, id, &["a@b.pl".into()]).map(drop),
        E::RecordSignup => record_signup(
            &w.store,
            &w.clock,
            &w.admin,
            id,
            &new_customer(&format!("Firma {n}"), &format!("firma{n}")),
        )
        .map(drop),
    }
}

fn in_state(w: &World, state: InvitationState) -> String {
    let id = draft(w, false);
    let path: &[InvitationEvent] = match state {
        S::Draft => &[],
        S::Active => &[E::Activate],
        S::Retired => &[E::Activate, E::Retire],
    };
    for event in path {
        run(w, &id, *event, 0).unwrap();
    }
    assert_eq!(
        get(&w.store, &w.clock, &w.admin, &id)
            .unwrap()
            .invitation
            .state,
        state
    );
    id
}

#[test]
fn the_transition_table_is_exactly_as_written() {
    let expected = [
        (S::Draft, E::Edit, S::Draft),
        (S::Draft, E::Activate, S::Active),
        (S::Active, E::Retire, S::Retired),
        (S::Active, E::Send, S::Active),
        (S::Active, E::RecordSignup, S::Active),
    ];
    for state in S::ALL {
        for event in E::ALL {
            let want = expected
                .iter()
                .find(|(s, e, _)| *s == state && *e == event)
                .map(|(_, _, next)| *next);
            assert_eq!(transition(state, event), want, "{state:?} + {event:?}");
        }
        let allowed: Vec<_> = expected
            .iter()
            .filter(|(s, _, _)| *s == state)
            .map(|(_, e, _)| *e)
            .collect();
        assert_eq!(allowed_events(state), allowed, "{state:?}");
    }
}

#[test]
fn every_event_in_every_state_does_what_the_table_says() {
    let w = world();
    w.set_partner_id("1234567");
    let mut n = 0;
    for state in S::ALL {
        for event in E::ALL {
            n += 1;
            let id = in_state(&w, state);
            let result = run(&w, &id, event, n);
            match transition(state, event) {
                Some(next) => {
                    result.unwrap_or_else(|e| panic!("{state:?} + {event:?}: {e}"));
                    let after = get(&w.store, &w.clock, &w.admin, &id).unwrap();
                    assert_eq!(after.invitation.state, next, "{state:?} + {event:?}");
                    assert_eq!(after.events, allowed_events(next));
                    assert_eq!(after.link.is_some(), next != S::Draft);
                }
                None => {
                    let refused = result.unwrap_err();
                    assert_eq!(
                        refused.code(),
                        ErrorCode::InvalidState,
                        "{state:?} + {event:?}"
                    );
                    assert!(
                        refused.to_string().contains(state.describe()),
                        "names the current state: {refused}"
                    );
                    let after = get(&w.store, &w.clock, &w.admin, &id).unwrap();
                    assert_eq!(after.invitation.state, state);
                    assert!(after.recipients.is_empty() && after.signups.is_empty());
                }
            }
        }
    }
}

#[test]
fn a_draft_holds_one_service_with_a_trial_and_a_valid_relationship_request() {
    let w = world();
    let mut no_trial = input(&w, "E3", false);
    no_trial.service_id = service(&w, "Microsoft 365 E3");
    let refused = create(&w.store, &w.clock, &w.admin, &no_trial).unwrap_err();
    assert_eq!(refused.field(), Some("service_id"));

    let mut unknown = input(&w, "Unknown", false);
    unknown.service_id = crate::ids::new_id();
    assert_eq!(
        create(&w.store, &w.clock, &w.admin, &unknown)
            .unwrap_err()
            .field(),
        Some("service_id")
    );

    let mut unnamed = input(&w, "  ", false);
    unnamed.name = "  ".into();
    assert_eq!(
        create(&w.store, &w.clock, &w.admin, &unnamed)
            .unwrap_err()
            .field(),
        Some("name")
    );

    // The relationship rules apply: roles, 1..730 days, no auto-extend with global admin.
    for (roles, days, extend, field) in [
        (vec![], 30, false, "roles"),
        (vec!["owner"], 30, false, "roles"),
        (vec!["user_admin"], 30, false, "roles"),
        (
            vec![crate::testing::USER_ADMINISTRATOR],
            0,
            false,
            "duration_days",
        ),
        (
            vec![crate::testing::USER_ADMINISTRATOR],
            731,
            false,
            "duration_days",
        ),
        (
            vec![crate::relationships::roles::GLOBAL_ADMINISTRATOR],
            30,
            true,
            "auto_extend",
        ),
    ] {
        let mut bad = input(&w, "GDAP", true);
        bad.relationship = Some(InvitationRelationship {
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            duration_days: days,
            auto_extend: extend,
        });
        let refused = create(&w.store, &w.clock, &w.admin, &bad).unwrap_err();
        assert_eq!(refused.field(), Some(field), "{roles:?} {days} {extend}");
    }
    assert_eq!(count(&w, "trial_invitations"), 0);

    let created = create(&w.store, &w.clock, &w.admin, &input(&w, "With GDAP", true))
        .unwrap()
        .0;
    let i = &created.invitation;
    assert_eq!(i.state, S::Draft);
    assert_eq!((i.trial_seats, i.trial_days), (Some(25), Some(30)));
    assert_eq!(i.language, "pl", "the company's default language");
    assert_eq!(i.relationship.as_ref().unwrap().duration_days, 180);
    assert!(created.link.is_none(), "a draft never leaves the machine");
    let refused = message(&w.store, &w.clock, &w.admin, &i.id, &[]).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidState);

    // Edits change the draft; activating fixes it.
    let mut edited = input(&w, "Renamed", false);
    edited.language = "en".into();
    let after = update(&w.store, &w.clock, &w.admin, &i.id, &edited)
        .unwrap()
        .0;
    assert_eq!(after.invitation.name, "Renamed");
    assert_eq!(after.invitation.language, "en");
    assert!(after.invitation.relationship.is_none());
}

#[test]
fn activating_needs_a_partner_id_for_the_advisor_code() {
    let w = world();
    let id = draft(&w, false);
    let refused = activate(&w.store, &w.clock, &w.admin, &id).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidState);
    assert!(refused.to_string().contains("partner ID"), "{refused}");
    w.set_partner_id("1234567");
    let active = activate(&w.store, &w.clock, &w.admin, &id).unwrap().0;
    assert_eq!(
        active.link.unwrap(),
        format!("https://portal.office.com/partner/partnersignup.aspx?type=Trial&id={id}&msppid=1234567")
    );
    assert_eq!(
        active.invitation.activated_by.as_deref(),
        Some("Anna Admin")
    );
}

#[test]
fn the_link_embeds_the_advisor_code_and_the_id_and_hostile_values_stay_in_their_place() {
    let w = world();
    let id = active(&w, false);
    // A partner ID that tries to add parameters or a fragment stays one value.
    w.set_partner_id("12&type=Purchase#x <b>\"");
    let sent = message(&w.store, &w.clock, &w.admin, &id, &[]).unwrap();
    let url = url::Url::parse(&sent.link).unwrap();
    assert_eq!(url.host_str(), Some("portal.office.com"));
    assert_eq!(url.fragment(), None);
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        vec![
            ("type".into(), "Trial".into()),
            ("id".into(), id.clone()),
            ("msppid".into(), "12&type=Purchase#x <b>\"".into()),
        ]
    );
    // The snippet and the mailto carry it escaped; so is a hostile service title.
    assert!(!sent.html_snippet.contains("<b>"), "{}", sent.html_snippet);
    w.store
        .write(|tx| {
            tx.execute(
                "UPDATE catalog_services SET title = '<script>alert(1)</script> & Co'
                 WHERE id = (SELECT service_id FROM trial_invitations WHERE id = ?1)",
                [&id],
            )?;
            Ok(())
        })
        .unwrap();
    let sent = message(&w.store, &w.clock, &w.admin, &id, &[]).unwrap();
    assert!(
        sent.html_snippet
            .ends_with(">Wypróbuj &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co za darmo</a>"),
        "{}",
        sent.html_snippet
    );
    // An id that is not a UUID never reaches a link.
    let refused = message(&w.store, &w.clock, &w.admin, "x&msppid=evil", &[]).unwrap_err();
    assert_eq!(refused.field(), Some("id"));
    assert!(sent
        .html_snippet
        .starts_with("<a href=\"https://portal.office.com/"));
    assert!(!sent.mailto.contains(' ') && !sent.mailto.contains('\n'));

    // A template that lets the advisor code choose the host cannot move the link.
    w.store
        .write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value, updated_at)
                 VALUES ('link.trial_invitation', 'https://{advisor}.example.com/t?id={invitation}', '')
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    w.set_partner_id("evil.com/");
    let refused = message(&w.store, &w.clock, &w.admin, &id, &[]).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidState);
    assert!(get(&w.store, &w.clock, &w.admin, &id)
        .unwrap()
        .link
        .is_none());
}

#[test]
fn sending_records_each_recipient_with_time_and_sender_and_composes_the_mail() {
    let w = world();
    let id = active(&w, true);
    let bad = record_sent(
        &w.store,
        &w.clock,
        &w.admin,
        &id,
        &["jan@zolc.pl".into(), "nope".into()],
    )
    .unwrap_err();
    assert_eq!(bad.field(), Some("recipients"));
    let none = record_sent(&w.store, &w.clock, &w.admin, &id, &[" ".into()]).unwrap_err();
    assert_eq!(none.field(), Some("recipients"));
    assert_eq!(count(&w, "trial_invitation_recipients"), 0);

    // The invitation includes delegated administration, so sending it offers
    // that too: full access (decision 0027; limited access is walked in
    // access/paths_tests.rs).
    let sales = w.staff("Piotr Sales", R::None, A::Full);
    let (sent, change) = record_sent(
        &w.store,
        &w.clock,
        &sales,
        &id,
        &["jan@zolc.pl; ewa@firma.pl".into(), "JAN@zolc.pl".into()],
    )
    .unwrap();
    assert_eq!(change.entity, Entity::TrialInvitation);
    assert!(sent
        .mailto
        .starts_with("mailto:jan%40zolc.pl,ewa%40firma.pl?subject="));
    assert!(sent.subject.contains("Microsoft 365 Business Standard"));
    assert!(
        sent.body.contains("25 licencji przez 30 dni"),
        "{}",
        sent.body
    );
    assert!(
        sent.body.contains("administrację delegowaną"),
        "{}",
        sent.body
    );
    assert!(sent.body.contains(&sent.link));
    assert!(sent.body.contains("Contoso Partner Sp. z o.o."), "signed");

    let shown = get(&w.store, &w.clock, &w.admin, &id).unwrap();
    let who: Vec<_> = shown
        .recipients
        .iter()
        .map(|r| (r.email.as_str(), r.sent_by.as_str(), r.sent_at.as_str()))
        .collect();
    assert_eq!(
        who,
        vec![
            ("ewa@firma.pl", "Piotr Sales", "2026-11-25T09:00:00.000Z"),
            ("jan@zolc.pl", "Piotr Sales", "2026-11-25T09:00:00.000Z"),
        ]
    );
    assert_eq!(shown.invitation.recipient_count, 2);
    assert!(w.audit_actions().contains(&(
        "trial_invitation.send".into(),
        "done".into(),
        "Piotr Sales".into()
    )));
}

#[test]
fn english_invitations_are_written_in_english() {
    let w = world();
    w.set_partner_id("1234567");
    let mut english = input(&w, "EN", false);
    english.language = "en".into();
    let id = create(&w.store, &w.clock, &w.admin, &english)
        .unwrap()
        .0
        .invitation
        .id;
    activate(&w.store, &w.clock, &w.admin, &id).unwrap();
    let m = message(&w.store, &w.clock, &w.admin, &id, &[]).unwrap();
    assert!(m.body.starts_with("Hello,"), "{}", m.body);
    assert!(m.body.contains("25 licenses for 30 days"));
    assert!(!m.body.contains("delegated administration"));
    assert!(
        m.mailto.starts_with("mailto:?subject="),
        "no recipients: {}",
        m.mailto
    );
    assert!(m
        .html_snippet
        .contains("Try Microsoft 365 Business Standard"));
}

#[test]
fn two_customers_sign_up_through_one_invitation() {
    let w = world();
    let id = active(&w, true);
    let known = w.customer("Żółć Sp. z o.o.", "zolc", &[]);

    let (first, changes) = record_signup(
        &w.store,
        &w.clock,
        &w.admin,
        &id,
        &new_customer("Nowa Firma", "nowafirma"),
    )
    .unwrap();
    let entities: Vec<Entity> = changes.iter().map(|c| c.entity).collect();
    assert_eq!(
        entities,
        [
            Entity::TrialInvitation,
            Entity::Subscription,
            Entity::Customer,
            Entity::Relationship
        ]
    );
    w.clock.advance(time::Duration::minutes(5));
    let (second, _) = record_signup(&w.store, &w.clock, &w.admin, &id, &existing(&known)).unwrap();
    assert_eq!(first.signups.len(), 1);
    assert_eq!(second.signups.len(), 2);
    assert_eq!(second.invitation.signup_count, 2);

    let newest = &second.signups[0];
    assert_eq!(newest.customer_name, "Żółć Sp. z o.o.");
    assert!(!newest.new_customer);
    let created = &second.signups[1];
    assert_eq!(created.customer_name, "Nowa Firma");
    assert!(created.new_customer);

    for signup in &second.signups {
        let sub = crate::subscriptions::get(&w.store, &w.clock, &w.admin, &signup.subscription_id)
            .unwrap()
            .subscription;
        assert!(sub.trial);
        assert_eq!(sub.quantity, 25);
        assert_eq!(sub.source, "trial_invitation");
        assert_eq!(sub.customer_id, signup.customer_id);
        let customer =
            crate::customers::get(&w.store, &w.clock, &w.admin, &signup.customer_id).unwrap();
        assert_eq!(
            customer.relationship_state, "approved",
            "Microsoft activates it next"
        );
        let rels = crate::relationships::list_for_customer(
            &w.store,
            &w.clock,
            &w.admin,
            &signup.customer_id,
        )
        .unwrap();
        assert_eq!(rels.len(), 1);
        assert_eq!(Some(&rels[0].id), signup.relationship_id.as_ref());
        assert_eq!(
            rels[0].roles,
            vec![
                crate::testing::USER_ADMINISTRATOR,
                "729827e3-9c14-49f7-bb1b-9608f156bbb8"
            ]
        );
        assert_eq!(rels[0].duration_days, 180);
        assert!(rels[0].display_name.chars().count() <= 50);
    }
    assert_eq!(count(&w, "trial_invitations"), 1);
}

#[test]
fn a_signup_without_delegated_admin_creates_no_relationship() {
    let w = world();
    let id = active(&w, false);
    let detail = record_signup(
        &w.store,
        &w.clock,
        &w.admin,
        &id,
        &new_customer("Bez GDAP", "bezgdap"),
    )
    .unwrap()
    .0;
    assert!(detail.signups[0].relationship_id.is_none());
    assert_eq!(count(&w, "relationships"), 0);
}

#[test]
fn the_same_customer_cannot_have_a_second_trial_of_the_service() {
    let w = world();
    let id = active(&w, true);
    let other = active(&w, false); // the same service, another invitation
    let customer = w.customer("Żółć Sp. z o.o.", "zolc", &[]);
    record_signup(&w.store, &w.clock, &w.admin, &id, &existing(&customer)).unwrap();
    let before = (
        count(&w, "subscriptions"),
        count(&w, "relationships"),
        count(&w, "audit_log"),
    );
    for invitation in [&id, &other] {
        let refused = record_signup(
            &w.store,
            &w.clock,
            &w.admin,
            invitation,
            &existing(&customer),
        )
        .unwrap_err();
        assert_eq!(refused.code(), ErrorCode::Conflict);
        assert_eq!(refused.field(), Some("trial"));
    }
    assert_eq!(
        (
            count(&w, "subscriptions"),
            count(&w, "relationships"),
            count(&w, "audit_log")
        ),
        before
    );
    assert_eq!(count(&w, "trial_invitation_signups"), 1);
}

#[test]
fn a_failed_signup_writes_nothing() {
    let w = world();
    let id = active(&w, true);
    let customer = w.customer("Żółć Sp. z o.o.", "zolc", &[]);
    let counts = |w: &World| {
        let before = |t: &str| count(w, t);
        (
            before("customers"),
            before("subscriptions"),
            before("relationships"),
            before("trial_invitation_signups"),
            before("audit_log"),
        )
    };
    let snapshot = counts(&w);

    // Invalid new-customer data: refused before the write, naming the field.
    let mut bad = new_customer("Nowa", "nowa");
    bad.customer.as_mut().unwrap().contact_email = "not an address".into();
    let refused = record_signup(&w.store, &w.clock, &w.admin, &id, &bad).unwrap_err();
    assert_eq!(refused.field(), Some("contact_email"));

    // A domain another customer has: a conflict on its field.
    let refused = record_signup(
        &w.store,
        &w.clock,
        &w.admin,
        &id,
        &new_customer("Duplikat", "zolc"),
    )
    .unwrap_err();
    assert_eq!(
        (refused.code(), refused.field()),
        (ErrorCode::Conflict, Some("default_domain"))
    );

    // Neither or both: the form must choose.
    for both in [
        SignupInput::default(),
        SignupInput {
            customer_id: Some(customer.clone()),
            ..new_customer("X", "x")
        },
    ] {
        assert_eq!(
            record_signup(&w.store, &w.clock, &w.admin, &id, &both)
                .unwrap_err()
                .field(),
            Some("customer_id")
        );
    }

    // A late failure inside the transaction: the relationship cannot be
    // created (a trigger stands in for any failure after the customer and
    // the subscription are written), so neither stays.
    w.store
        .write(|tx| {
            tx.execute_batch(
                "CREATE TEMP TRIGGER fail_relationship BEFORE INSERT ON main.relationships
                 BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;",
            )?;
            Ok(())
        })
        .unwrap();
    let failed = record_signup(
        &w.store,
        &w.clock,
        &w.admin,
        &id,
        &new_customer("Nowa Firma", "nowafirma"),
    );
    assert!(failed.is_err());
    assert_eq!(counts(&w), snapshot, "nothing was written");
    assert!(get(&w.store, &w.clock, &w.admin, &id)
        .unwrap()
        .signups
        .is_empty());
}

#[test]
fn who_may_manage_invitations_and_refusals_are_audited() {
    let w = world();
    let id = active(&w, false);
    let nobody = w.staff("Olga Outsider", R::GlobalAdmin, A::None);
    let limited = w.staff("Lena Limited", R::None, A::Limited);
    assert!(list(
        &w.store,
        &w.clock,
        &limited,
        &TrialInvitationQuery::default()
    )
    .is_ok());
    assert!(trial_services(&w.store, &w.clock, &limited)
        .unwrap()
        .iter()
        .all(|s| s.trial_days > 0));
    let refused = create(&w.store, &w.clock, &nobody, &input(&w, "No", false)).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    let refused = retire(&w.store, &w.clock, &nobody, &id).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert!(w.audit_actions().contains(&(
        "trial_invitation.retire".into(),
        "refused".into(),
        "Olga Outsider".into()
    )));

    // Without the subscription-advisor authorization nobody may.
    w.store
        .write(|tx| {
            tx.execute(
                "UPDATE company_profile SET authorized_subscription_advisor = 0",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    assert_eq!(
        get(&w.store, &w.clock, &w.admin, &id).unwrap_err().code(),
        ErrorCode::Forbidden
    );
}

#[test]
fn the_list_pages_newest_change_first_and_filters() {
    let w = world();
    w.set_partner_id("1234567");
    let mut ids = Vec::new();
    for n in 0..5 {
        w.clock.advance(time::Duration::minutes(1));
        let mut i = input(&w, &format!("Kampania {n}"), false);
        i.name = format!("Kampania {n}");
        ids.push(
            create(&w.store, &w.clock, &w.admin, &i)
                .unwrap()
                .0
                .invitation
                .id,
        );
    }
    w.clock.advance(time::Duration::minutes(1));
    activate(&w.store, &w.clock, &w.admin, &ids[0]).unwrap();
    let query = |cursor: Option<String>| TrialInvitationQuery {
        limit: Some(2),
        cursor,
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = list(&w.store, &w.clock, &w.admin, &query(cursor)).unwrap();
        seen.extend(page.rows.iter().map(|r| r.name.clone()));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "Kampania 0",
            "Kampania 4",
            "Kampania 3",
            "Kampania 2",
            "Kampania 1"
        ]
    );
    let drafts = list(
        &w.store,
        &w.clock,
        &w.admin,
        &TrialInvitationQuery {
            state: Some("active".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(drafts.rows.len(), 1);
    let found = list(
        &w.store,
        &w.clock,
        &w.admin,
        &TrialInvitationQuery {
            search: Some("kampania 3".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(found.rows.len(), 1);
    let bad = list(
        &w.store,
        &w.clock,
        &w.admin,
        &TrialInvitationQuery {
            state: Some("sent".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(bad.field(), Some("state"));
}

#[test]
fn a_signup_converts_by_default_and_none_is_given_for_an_offer_the_customer_owns() {
    let w = world();
    let id = active(&w, false);
    let (fresh, _) = w.active_customer("Alfa", "alfa", &[]);
    let signup = record_signup(&w.store, &w.clock, &w.admin, &id, &existing(&fresh)).unwrap();
    let trial = subscriptions::get(
        &w.store,
        &w.clock,
        &w.admin,
        &signup.0.signups[0].subscription_id,
    )
    .unwrap()
    .subscription;
    assert_eq!(trial.quantity, subscriptions::TRIAL_SEATS);
    let conversion = trial.conversion.expect("Microsoft's default: it converts");
    assert_eq!(
        (
            conversion.quantity,
            conversion.term.as_str(),
            conversion.billing_plan.as_str()
        ),
        (25, "P1Y", "monthly")
    );

    let (owner, _) = w.active_customer("Beta", "beta", &[]);
    let standard = service(&w, "Microsoft 365 Business Standard");
    let paid = crate::testing::subscription_input(&owner, &standard, 3);
    subscriptions::add(&w.store, &w.clock, &w.admin, &paid).unwrap();
    let before = count(&w, "subscriptions");
    let refused = record_signup(&w.store, &w.clock, &w.admin, &id, &existing(&owner)).unwrap_err();
    assert_eq!(
        (refused.code(), refused.field()),
        (ErrorCode::Conflict, Some("trial"))
    );
    assert!(refused.to_string().contains("already owns"), "{refused}");
    assert_eq!(count(&w, "subscriptions"), before);
}
