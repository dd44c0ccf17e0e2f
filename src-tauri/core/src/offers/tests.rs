use time::macros::datetime;
use time::Duration;

use super::*;
use crate::access::{CompanyRole, CustomerAccess};
use crate::catalog;
use crate::error::ErrorCode;
use crate::subscriptions::{self, SubscriptionInput};
use crate::testing::{world, World};

fn service(w: &World, title_starts: &str) -> (String, i64) {
    let s = catalog::list(&w.store, &w.clock, &w.admin)
        .unwrap()
        .into_iter()
        .find(|s| s.title.starts_with(title_starts))
        .unwrap();
    (s.id, s.unit_price_minor)
}

/// A partner whose profile carries the partner ID the offer links need.
fn advisor_world() -> World {
    let w = world();
    w.set_partner_id("1234567");
    w
}

fn line(service: &(String, i64), quantity: u32) -> OfferLineInput {
    OfferLineInput {
        service_id: service.0.clone(),
        quantity,
        unit_price_minor: service.1,
        price_source: None,
        discount_bp: 0,
    }
}

fn for_customer(customer_id: &str, lines: Vec<OfferLineInput>) -> OfferDraftInput {
    OfferDraftInput {
        customer_id: Some(customer_id.into()),
        valid_until: "2026-12-24".into(),
        lines,
        ..Default::default()
    }
}

fn for_prospect(lines: Vec<OfferLineInput>) -> OfferDraftInput {
    OfferDraftInput {
        prospect_name: "Gamma Sp. z o.o.".into(),
        prospect_email: "it@gamma.pl".into(),
        language: "pl".into(),
        valid_until: "2026-12-24".into(),
        lines,
        ..Default::default()
    }
}

fn sent(w: &World, input: &OfferDraftInput) -> PurchaseOfferDetail {
    let (draft, _) = create(&w.store, &w.clock, &w.admin, input).unwrap();
    send(
        &w.store,
        &w.clock,
        &w.admin,
        &draft.offer.id,
        &["it@example.pl".into()],
    )
    .unwrap()
    .0
}

fn count(w: &World, sql: &str) -> i64 {
    w.store
        .read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn the_transition_table_is_exactly_as_designed() {
    let mut table = String::new();
    for status in OfferStatus::ALL {
        for event in OfferEvent::ALL {
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
        "draft --sent--> sent
draft --withdrawn--> withdrawn
sent --accepted--> accepted
sent --declined--> declined
sent --withdrawn--> withdrawn
sent --expired--> expired
sent --superseded--> superseded
"
    );
}

#[test]
fn line_totals_round_half_up_in_integers_and_totals_stay_per_currency() {
    use super::money::{line_total, totals};
    // 3 × 33.33 with 2.5 % off = 97.49025 → 97.49
    assert_eq!(line_total(3, 3_333, 250).unwrap(), 9_749);
    // 1 × 0.01 with 50 % off = 0.005 → half up → 0.01
    assert_eq!(line_total(1, 1, 5_000).unwrap(), 1);
    // 1 × 0.03 with 50 % off = 0.015 → 0.02; 0.0149… would round down
    assert_eq!(line_total(1, 3, 5_000).unwrap(), 2);
    assert_eq!(line_total(1, 1, 5_001).unwrap(), 0);
    assert_eq!(line_total(7, 2_600, 0).unwrap(), 18_200);
    assert_eq!(line_total(7, 2_600, 10_000).unwrap(), 0);
    // No overflow on the way: i128 inside.
    assert_eq!(
        line_total(300_000, 10_000_000_000, 0).unwrap(),
        3_000_000_000_000_000
    );
    assert_eq!(
        line_total(1, 100, 10_001).unwrap_err().field(),
        Some("discount_bp")
    );
    assert!(line_total(1, -1, 0).is_err());
    let sums = totals([("PLN", 100), ("EUR", 5), ("PLN", 23)]).unwrap();
    assert_eq!(
        sums.iter()
            .map(|m| (m.currency.as_str(), m.amount_minor))
            .collect::<Vec<_>>(),
        vec![("EUR", 5), ("PLN", 123)]
    );
}

#[test]
fn line_totals_and_prices_stay_within_what_javascript_holds_exactly() {
    use super::money::line_total;
    use crate::limits::MONEY_MINOR;
    assert_eq!(line_total(1, MONEY_MINOR, 0).unwrap(), MONEY_MINOR);
    assert_eq!(line_total(2, MONEY_MINOR, 5_000).unwrap(), MONEY_MINOR);
    let error = line_total(300_000, 1_000_000_000_000, 0).unwrap_err();
    assert_eq!(error.field(), Some("quantity"));
    assert_eq!(
        error.to_string(),
        "300000 × 1000000000000 is more than 9007199254740991 minor units, the most an amount can be"
    );
    assert!(line_total(u32::MAX, i64::MAX, 0).is_err());
    let price = line_total(1, MONEY_MINOR + 1, 10_000).unwrap_err();
    assert_eq!(
        price.field(),
        Some("unit_price_minor"),
        "refused even at 100 % off"
    );
}

#[test]
fn a_draft_saves_on_every_change_and_shows_totals_per_currency() {
    let w = advisor_world();
    let customer = w.customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let e3 = service(&w, "Microsoft 365 E3");
    w.store
        .write(|tx| {
            tx.execute(
                "UPDATE catalog_services SET currency = 'EUR' WHERE id = ?1",
                [&e3.0],
            )?;
            Ok(())
        })
        .unwrap();
    let (draft, _) = create(
        &w.store,
        &w.clock,
        &w.admin,
        &for_customer(&customer, vec![]),
    )
    .unwrap();
    assert_eq!(draft.offer.status, OfferStatus::Draft);
    assert_eq!(draft.offer.revision, 1);
    assert_eq!(draft.offer.root_id, draft.offer.id);
    assert_eq!(draft.offer.company_name, "Alfa");
    assert_eq!(draft.offer.expires_at, "2026-12-25T00:00:00.000Z");
    let mut discounted = line(&basic, 10);
    discounted.discount_bp = 1_000;
    let (saved, _) = update_draft(
        &w.store,
        &w.clock,
        &w.admin,
        &draft.offer.id,
        &for_customer(&customer, vec![discounted, line(&e3, 3)]),
    )
    .unwrap();
    // 10 × 26.00 − 10 % = 234.00 PLN; 3 × 155.00 EUR.
    assert_eq!(saved.lines[0].line_total_minor, 23_400);
    assert_eq!(
        saved
            .totals
            .iter()
            .map(|m| (m.currency.as_str(), m.amount_minor))
            .collect::<Vec<_>>(),
        vec![("EUR", 46_500), ("PLN", 23_400)]
    );
    // Saved for good: read back from the database.
    let read = get(&w.store, &w.clock, &w.admin, &draft.offer.id).unwrap();
    assert_eq!(read.lines.len(), 2);
    // A half-typed prospect is fine in a draft, refused when sending.
    let (prospect, _) = create(
        &w.store,
        &w.clock,
        &w.admin,
        &OfferDraftInput {
            prospect_name: "Gam".into(),
            prospect_email: "it@gam".into(),
            valid_until: "2026-12-24".into(),
            lines: vec![line(&basic, 1)],
            ..Default::default()
        },
    )
    .unwrap();
    let err = send(&w.store, &w.clock, &w.admin, &prospect.offer.id, &[]).unwrap_err();
    assert_eq!(err.field(), Some("prospect_email"));
    // Bad numbers never reach the database.
    for (bad, field) in [
        (line(&basic, 0), "quantity"),
        (
            OfferLineInput {
                discount_bp: 10_001,
                ..line(&basic, 1)
            },
            "discount_bp",
        ),
    ] {
        let err = update_draft(
            &w.store,
            &w.clock,
            &w.admin,
            &draft.offer.id,
            &for_customer(&customer, vec![bad]),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some(field));
    }
}

#[test]
fn only_global_and_billing_admins_set_a_price_other_than_the_catalogs() {
    let w = advisor_world();
    let customer = w.customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let seller = w.staff("Sam Seller", CompanyRole::None, CustomerAccess::Limited);
    let billing = w.staff(
        "Bea Billing",
        CompanyRole::BillingAdmin,
        CustomerAccess::Limited,
    );
    let cheaper = OfferLineInput {
        unit_price_minor: 2_000,
        ..line(&basic, 5)
    };
    let refused = create(
        &w.store,
        &w.clock,
        &seller,
        &for_customer(&customer, vec![cheaper.clone()]),
    )
    .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert!(w
        .audit_actions()
        .iter()
        .any(|(a, o, _)| a == "offer.create" && o == "refused"));
    let (draft, _) = create(
        &w.store,
        &w.clock,
        &seller,
        &for_customer(&customer, vec![line(&basic, 5)]),
    )
    .unwrap();
    let (priced, _) = update_draft(
        &w.store,
        &w.clock,
        &billing,
        &draft.offer.id,
        &for_customer(&customer, vec![cheaper.clone()]),
    )
    .unwrap();
    assert_eq!(priced.lines[0].unit_price_minor, 2_000);
    assert_eq!(priced.lines[0].catalog_price_minor, 2_600);
    // The seller may keep the billing admin's price while changing the count…
    let kept = OfferLineInput {
        quantity: 8,
        ..cheaper
    };
    update_draft(
        &w.store,
        &w.clock,
        &seller,
        &draft.offer.id,
        &for_customer(&customer, vec![kept.clone()]),
    )
    .unwrap();
    // …but not set another one.
    let other = OfferLineInput {
        unit_price_minor: 1_000,
        ..kept
    };
    let err = update_draft(
        &w.store,
        &w.clock,
        &seller,
        &draft.offer.id,
        &for_customer(&customer, vec![other]),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
}

#[test]
fn sending_fixes_the_content_records_recipients_and_builds_the_link() {
    let w = advisor_world();
    let customer = w.customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let offer = sent(&w, &for_customer(&customer, vec![line(&basic, 10)]));
    assert_eq!(offer.offer.status, OfferStatus::Sent);
    assert_eq!(offer.recipients.len(), 1);
    let err = update_draft(
        &w.store,
        &w.clock,
        &w.admin,
        &offer.offer.id,
        &for_customer(&customer, vec![line(&basic, 11)]),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidState);
    let again = send(
        &w.store,
        &w.clock,
        &w.admin,
        &offer.offer.id,
        &["boss@alfa.pl".into(), "BOSS@alfa.pl".into()],
    )
    .unwrap()
    .0;
    assert_eq!(again.recipients.len(), 2);
    let m = message(&w.store, &w.clock, &w.admin, &offer.offer.id, &[]).unwrap();
    assert!(m
        .link
        .contains(&format!("type=Purchase&id={}", offer.offer.id)));
    assert!(m.mailto.starts_with("mailto:it%40alfa.pl?"));
    assert!(m
        .html_snippet
        .starts_with("<a href=\"https://portal.office.com/"));
    let doc = document(&w.store, &w.clock, &w.admin, &offer.offer.id).unwrap();
    assert!(doc.contains("260,00 PLN"), "{doc}");
    assert!(doc.contains("Oferta zakupu"));
}

#[test]
fn the_document_escapes_every_value_and_speaks_english_to_english_customers() {
    let w = advisor_world();
    let basic = service(&w, "Microsoft 365 Business Basic");
    // 300: Business Basic's ceiling per customer tenant (decision 0040).
    let mut input = for_prospect(vec![line(&basic, 300)]);
    input.prospect_name = "<script>alert(1)</script> & Co".into();
    input.language = "en".into();
    input.note = "\"quoted\" <b>".into();
    let (draft, _) = create(&w.store, &w.clock, &w.admin, &input).unwrap();
    let doc = document(&w.store, &w.clock, &w.admin, &draft.offer.id).unwrap();
    assert!(!doc.contains("<script>alert"));
    assert!(doc.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
    assert!(doc.contains("&quot;quoted&quot; &lt;b&gt;"));
    assert!(doc.contains("Purchase offer"));
    assert!(doc.contains("7,800.00 PLN"), "{doc}");
}

#[test]
fn a_revision_supersedes_the_previous_one_when_it_is_sent_and_shows_what_changed() {
    let w = advisor_world();
    let customer = w.customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let e3 = service(&w, "Microsoft 365 E3");
    let first = sent(
        &w,
        &for_customer(&customer, vec![line(&basic, 10), line(&e3, 2)]),
    );
    let basic_line = first.lines[0].id.clone();
    let counts = [LineCount {
        line_id: basic_line.clone(),
        quantity: 15,
    }];
    let (second, change) = revise(&w.store, &w.clock, &w.admin, &first.offer.id, &counts).unwrap();
    assert_eq!(
        change.ids,
        vec![second.offer.id.clone(), first.offer.id.clone()]
    );
    assert_eq!(second.offer.status, OfferStatus::Draft);
    assert_eq!(second.offer.revision, 2);
    assert_eq!(second.offer.root_id, first.offer.id);
    assert_eq!(
        second.offer.previous_id.as_deref(),
        Some(first.offer.id.as_str())
    );
    assert_eq!(second.lines[0].quantity, 15);
    assert_eq!(second.lines[1].quantity, 2);
    // Drafting does not touch the sent revision; only one revision follows it.
    assert_eq!(
        get(&w.store, &w.clock, &w.admin, &first.offer.id)
            .unwrap()
            .offer
            .status,
        OfferStatus::Sent
    );
    assert!(
        !get(&w.store, &w.clock, &w.admin, &first.offer.id)
            .unwrap()
            .can_revise
    );
    let twice = revise(&w.store, &w.clock, &w.admin, &first.offer.id, &[]).unwrap_err();
    assert_eq!(twice.code(), ErrorCode::Conflict);
    let (second, _) = send(&w.store, &w.clock, &w.admin, &second.offer.id, &[]).unwrap();
    assert_eq!(second.offer.status, OfferStatus::Sent);
    let first_now = get(&w.store, &w.clock, &w.admin, &first.offer.id).unwrap();
    assert_eq!(first_now.offer.status, OfferStatus::Superseded);
    assert_eq!(second.revisions.len(), 2);
    assert_eq!(second.revisions[0].status, OfferStatus::Superseded);
    assert_eq!(
        second.revisions[1].changes,
        vec![OfferLineChange {
            service_title: second.lines[0].service_title.clone(),
            from_quantity: Some(10),
            to_quantity: Some(15),
            price_changed: false,
            discount_changed: false,
        }]
    );
    // The list shows the offer once, by its latest revision.
    let page = list(&w.store, &w.clock, &w.admin, &OfferQuery::default()).unwrap();
    assert_eq!(page.rows.len(), 1);
    assert_eq!(page.rows[0].offer.revision, 2);
    let all = list(
        &w.store,
        &w.clock,
        &w.admin,
        &OfferQuery {
            all_revisions: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(all.rows.len(), 2);
    // A superseded offer cannot be accepted.
    let err = accept(
        &w.store,
        &w.clock,
        &w.admin,
        &first.offer.id,
        &AcceptanceInput::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidState);
}

#[test]
fn the_clock_expires_sent_offers_after_their_validity_date() {
    let w = advisor_world();
    let customer = w.customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let offer = sent(&w, &for_customer(&customer, vec![line(&basic, 1)]));
    let (draft, _) = create(
        &w.store,
        &w.clock,
        &w.admin,
        &for_customer(&customer, vec![line(&basic, 1)]),
    )
    .unwrap();
    // Valid through 24 December: still open at its last minute.
    w.clock.set(datetime!(2026-12-24 23:59:00 UTC));
    assert_eq!(apply_clock(&w.store, &w.clock).unwrap(), None);
    w.clock.advance(Duration::minutes(1));
    let change = apply_clock(&w.store, &w.clock).unwrap().unwrap();
    assert_eq!(change.ids, vec![offer.offer.id.clone()]);
    let after = get(&w.store, &w.clock, &w.admin, &offer.offer.id).unwrap();
    assert_eq!(after.offer.status, OfferStatus::Expired);
    assert_eq!(
        after.offer.closed_by.as_deref(),
        Some("Partnerdesk (clock)")
    );
    assert!(after.can_revise, "an expired offer can get a new revision");
    // A draft does not expire; it cannot be sent with a past date.
    assert_eq!(
        get(&w.store, &w.clock, &w.admin, &draft.offer.id)
            .unwrap()
            .offer
            .status,
        OfferStatus::Draft
    );
    let err = send(&w.store, &w.clock, &w.admin, &draft.offer.id, &[]).unwrap_err();
    assert_eq!(err.field(), Some("valid_until"));
    assert!(w
        .audit_actions()
        .iter()
        .any(|(a, _, who)| a == "offer.expire" && who == "Partnerdesk (clock)"));
}

#[test]
fn acceptance_with_changed_counts_converts_the_trial_and_activates_delegated_admin() {
    let w = advisor_world();
    let customer = w.customer("Alfa", "alfa", &[]);
    w.activate(&customer);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let e3 = service(&w, "Microsoft 365 E3");
    let (trial, _) = subscriptions::add(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionInput {
            customer_id: customer.clone(),
            service_id: basic.0.clone(),
            quantity: 1,
            term: None,
            billing_plan: None,
            starts_at: None,
            auto_renew: false,
            trial: true,
        },
    )
    .unwrap();
    let mut input = for_customer(&customer, vec![line(&basic, 10), line(&e3, 3)]);
    input.delegated_admin = Some(DelegatedAdminRequest {
        display_name: "Alfa offer GDAP".into(),
        roles: vec![crate::testing::USER_ADMINISTRATOR.into()],
        duration_days: 365,
        auto_extend: true,
    });
    let offer = sent(&w, &input);
    let acceptance = AcceptanceInput {
        lines: vec![LineCount {
            line_id: offer.lines[0].id.clone(),
            quantity: 12,
        }],
        customer: None,
    };
    let (done, change) =
        accept(&w.store, &w.clock, &w.admin, &offer.offer.id, &acceptance).unwrap();
    assert_eq!(done.offer.status, OfferStatus::Accepted);
    assert!(change.ids.contains(&customer));
    assert_eq!(done.lines[0].accepted_quantity, Some(12));
    assert_eq!(done.lines[1].accepted_quantity, Some(3));
    // The trial became paid with the final count; E3 is a new subscription.
    let converted = subscriptions::get(&w.store, &w.clock, &w.admin, &trial.id).unwrap();
    assert!(!converted.subscription.trial);
    assert_eq!(converted.subscription.quantity, 12);
    assert_eq!(count(&w, "SELECT count(*) FROM subscriptions"), 2);
    assert_eq!(
        count(
            &w,
            "SELECT count(*) FROM subscriptions WHERE source = 'purchase_offer' AND quantity = 3"
        ),
        1
    );
    assert_eq!(
        count(
            &w,
            "SELECT count(*) FROM relationships WHERE display_name = 'Alfa offer GDAP' AND state = 'approved'"
        ),
        1
    );
    let actions: Vec<String> = w.audit_actions().into_iter().map(|(a, _, _)| a).collect();
    assert!(actions.contains(&"subscription.convert_trial".to_owned()));
    assert!(actions.contains(&"offer.accept".to_owned()));
}

#[test]
fn accepting_a_prospects_offer_creates_the_customer() {
    let w = advisor_world();
    let basic = service(&w, "Microsoft 365 Business Basic");
    let offer = sent(&w, &for_prospect(vec![line(&basic, 5)]));
    // The prospect has no initial domain yet: acceptance needs one.
    let err = accept(
        &w.store,
        &w.clock,
        &w.admin,
        &offer.offer.id,
        &AcceptanceInput::default(),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("default_domain"));
    let acceptance = AcceptanceInput {
        lines: vec![],
        customer: Some(customers::CustomerInput {
            company_name: "Gamma Sp. z o.o.".into(),
            default_domain: "gamma".into(),
            contact_email: "it@gamma.pl".into(),
            language: "pl".into(),
            ..Default::default()
        }),
    };
    let (done, _) = accept(&w.store, &w.clock, &w.admin, &offer.offer.id, &acceptance).unwrap();
    let customer_id = done.offer.accepted_customer_id.clone().unwrap();
    let customer = w.store.read(|c| customers::load(c, &customer_id)).unwrap();
    assert_eq!(customer.default_domain, "gamma.onmicrosoft.com");
    let on_their_tab = list(
        &w.store,
        &w.clock,
        &w.admin,
        &OfferQuery {
            customer_id: Some(customer_id.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        on_their_tab.rows.len(),
        1,
        "the offer they accepted as a prospect is on the new customer's tab"
    );
    assert_eq!(
        count(
            &w,
            "SELECT count(*) FROM subscriptions WHERE source = 'purchase_offer' AND quantity = 5"
        ),
        1
    );
}

#[test]
fn a_failed_acceptance_writes_nothing() {
    let w = advisor_world();
    let basic = service(&w, "Microsoft 365 Business Basic");
    let e3 = service(&w, "Microsoft 365 E3");
    let mut input = for_prospect(vec![line(&basic, 5), line(&e3, 2)]);
    input.delegated_admin = Some(DelegatedAdminRequest {
        display_name: "Taken name".into(),
        roles: vec![crate::testing::USER_ADMINISTRATOR.into()],
        duration_days: 365,
        auto_extend: false,
    });
    let offer = sent(&w, &input);
    // Another relationship already has the display name, so the last step fails.
    let other = w.customer("Alfa", "alfa", &[]);
    crate::relationships::offer(
        &w.store,
        &w.clock,
        &w.admin,
        &RelationshipOffer {
            customer_id: other,
            display_name: "Taken name".into(),
            roles: vec![crate::testing::USER_ADMINISTRATOR.into()],
            duration_days: 30,
            auto_extend: false,
            request_approval: false,
        },
    )
    .unwrap();
    let before = (
        count(&w, "SELECT count(*) FROM customers"),
        count(&w, "SELECT count(*) FROM subscriptions"),
        count(&w, "SELECT count(*) FROM relationships"),
        count(&w, "SELECT count(*) FROM audit_log"),
    );
    let acceptance = AcceptanceInput {
        lines: vec![],
        customer: Some(customers::CustomerInput {
            company_name: "Gamma".into(),
            default_domain: "gamma".into(),
            ..Default::default()
        }),
    };
    let err = accept(&w.store, &w.clock, &w.admin, &offer.offer.id, &acceptance).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    let after = (
        count(&w, "SELECT count(*) FROM customers"),
        count(&w, "SELECT count(*) FROM subscriptions"),
        count(&w, "SELECT count(*) FROM relationships"),
        count(&w, "SELECT count(*) FROM audit_log"),
    );
    assert_eq!(before, after);
    let still = get(&w.store, &w.clock, &w.admin, &offer.offer.id).unwrap();
    assert_eq!(still.offer.status, OfferStatus::Sent);
    assert!(still.lines.iter().all(|l| l.accepted_quantity.is_none()));
    // Nothing bought at all is a decline, not an acceptance.
    let nothing = AcceptanceInput {
        lines: still
            .lines
            .iter()
            .map(|l| LineCount {
                line_id: l.id.clone(),
                quantity: 0,
            })
            .collect(),
        customer: acceptance.customer.clone(),
    };
    let err = accept(&w.store, &w.clock, &w.admin, &offer.offer.id, &nothing).unwrap_err();
    assert_eq!(err.field(), Some("lines"));
}

#[test]
fn withdrawing_and_declining_follow_the_table_and_need_the_permission() {
    let w = advisor_world();
    let customer = w.customer("Alfa", "alfa", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    let offer = sent(&w, &for_customer(&customer, vec![line(&basic, 1)]));
    let nobody = w.staff("No Access", CompanyRole::None, CustomerAccess::None);
    let err = close(
        &w.store,
        &w.clock,
        &nobody,
        &offer.offer.id,
        OfferEvent::Withdraw,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let (declined, _) = close(
        &w.store,
        &w.clock,
        &w.admin,
        &offer.offer.id,
        OfferEvent::Decline,
    )
    .unwrap();
    assert_eq!(declined.offer.status, OfferStatus::Declined);
    let err = close(
        &w.store,
        &w.clock,
        &w.admin,
        &offer.offer.id,
        OfferEvent::Withdraw,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidState);
    let err = close(
        &w.store,
        &w.clock,
        &w.admin,
        &offer.offer.id,
        OfferEvent::Accept,
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("event"));
    let (draft, _) = create(
        &w.store,
        &w.clock,
        &w.admin,
        &for_customer(&customer, vec![]),
    )
    .unwrap();
    let (gone, _) = close(
        &w.store,
        &w.clock,
        &w.admin,
        &draft.offer.id,
        OfferEvent::Withdraw,
    )
    .unwrap();
    assert_eq!(gone.offer.status, OfferStatus::Withdrawn);
}

#[test]
fn the_list_pages_newest_first_and_finds_customers_and_prospects() {
    let w = advisor_world();
    let customer = w.customer("Łódź Trading", "lodz", &[]);
    let basic = service(&w, "Microsoft 365 Business Basic");
    for minute in 0..3 {
        w.clock.advance(Duration::minutes(1));
        let input = if minute == 0 {
            for_customer(&customer, vec![line(&basic, 1)])
        } else {
            for_prospect(vec![line(&basic, minute + 1)])
        };
        create(&w.store, &w.clock, &w.admin, &input).unwrap();
    }
    let first = list(
        &w.store,
        &w.clock,
        &w.admin,
        &OfferQuery {
            limit: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(first.rows.len(), 2);
    assert_eq!(first.rows[0].offer.company_name, "Gamma Sp. z o.o.");
    assert_eq!(first.rows[0].totals[0].amount_minor, 3 * 2_600);
    let second = list(
        &w.store,
        &w.clock,
        &w.admin,
        &OfferQuery {
            limit: Some(2),
            cursor: first.next_cursor.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(second.rows.len(), 1);
    assert_eq!(second.rows[0].offer.company_name, "Łódź Trading");
    assert!(second.next_cursor.is_none());
    let search = |text: &str| {
        list(
            &w.store,
            &w.clock,
            &w.admin,
            &OfferQuery {
                search: Some(text.into()),
                ..Default::default()
            },
        )
        .unwrap()
        .rows
        .len()
    };
    assert_eq!(search("lodz"), 1, "diacritics are ignored for customers");
    assert_eq!(search("gamma"), 2);
    assert_eq!(search("nobody"), 0);
    let prospect = OfferDraftInput {
        prospect_name: "Źródło Sp. z o.o.".into(),
        ..for_prospect(vec![line(&basic, 1)])
    };
    create(&w.store, &w.clock, &w.admin, &prospect).unwrap();
    assert_eq!(search("ZRODLO"), 1, "and for prospects");

    let of_customer = |id: &str| {
        list(
            &w.store,
            &w.clock,
            &w.admin,
            &OfferQuery {
                customer_id: Some(id.into()),
                ..Default::default()
            },
        )
    };
    let rows = of_customer(&customer).unwrap().rows;
    assert_eq!(rows.len(), 1, "only the offers made to that customer");
    assert_eq!(rows[0].offer.company_name, "Łódź Trading");
    let other = w.customer("Other", "other", &[]);
    assert!(of_customer(&other).unwrap().rows.is_empty());
    assert_eq!(
        of_customer("not-an-id").unwrap_err().code(),
        ErrorCode::Validation
    );
    let nobody = w.staff("No Access", CompanyRole::None, CustomerAccess::None);
    assert_eq!(
        list(&w.store, &w.clock, &nobody, &OfferQuery::default())
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
}

#[test]
fn an_offer_cannot_be_sent_without_the_partner_id_its_link_carries() {
    let w = world();
    let basic = service(&w, "Microsoft 365 Business Basic");
    let (draft, _) = create(
        &w.store,
        &w.clock,
        &w.admin,
        &for_prospect(vec![line(&basic, 3)]),
    )
    .unwrap();
    let refused = send(
        &w.store,
        &w.clock,
        &w.admin,
        &draft.offer.id,
        &["it@gamma.pl".into()],
    )
    .unwrap_err();
    assert_eq!(refused.code(), crate::error::ErrorCode::InvalidState);
    assert!(refused.to_string().contains("partner ID"), "{refused}");
}
