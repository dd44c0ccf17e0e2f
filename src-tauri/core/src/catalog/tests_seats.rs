//! The seat ceilings on every path that adds licences: a subscription by
//! hand, a quantity change, a trial becoming paid, a product key (new
//! subscription, added licences), an offer when created, sent and accepted.

use super::tests_matrix::import;
use super::*;
use crate::imports::ImportMode;
use crate::offers::{self, AcceptanceInput, OfferDraftInput, OfferLineInput};
use crate::product_keys::{self, ProductKeyInput, RedeemMode, Redemption};
use crate::subscriptions::{self, SubscriptionInput, TrialConversion, MAX_QUANTITY};
use crate::testing::{world, World};

fn sub(customer: &str, service: &Service, quantity: u32) -> SubscriptionInput {
    crate::testing::subscription_input(customer, &service.id, quantity)
}

fn add(w: &World, customer: &str, service: &Service, quantity: u32) -> Result<String> {
    subscriptions::add(
        &w.store,
        &w.clock,
        &w.admin,
        &sub(customer, service, quantity),
    )
    .map(|(s, _)| s.id)
}

fn subscriptions_of(w: &World) -> i64 {
    w.store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM subscriptions", [], |r| r.get(0))?))
        .unwrap()
}

/// E3 is outside the Business family: only its matrix row decides.
fn e3_capped(w: &World, max: u32, min: u32) -> Service {
    import(
        w,
        &format!("ProductId,SkuId,MinLicenses,MaxLicenses\nCFQ7TTC0LFLX,0001,{min},{max}\n"),
        ImportMode::AllOrNothing,
    );
    w.service("Microsoft 365 E3")
}

fn refusal(result: Result<impl std::fmt::Debug>) -> (String, String) {
    let error = result.expect_err("refused");
    assert_eq!(error.field(), Some("quantity"), "{error:?}");
    let text = error.text();
    (text.en, text.pl)
}

#[test]
fn the_sku_maximum_is_pooled_across_the_customers_subscriptions_and_named_in_both_languages() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let e3 = e3_capped(&w, 10, 1);
    add(&w, &alfa, &e3, 8).unwrap();
    let before = subscriptions_of(&w);
    let (en, pl) = refusal(add(&w, &alfa, &e3, 3));
    assert_eq!(
        en,
        "The requested number of 3 seats exceeds the remaining limit of 2 seats: Microsoft 365 E3 (sample price) allows at most 10 seats per customer tenant, all its subscriptions of the SKU together (offer matrix MaxLicenses); Alfa already holds 8."
    );
    assert_eq!(
        pl,
        "Żądana liczba 3 licencji przekracza pozostały limit 2 licencji: Microsoft 365 E3 (sample price) pozwala na najwyżej 10 licencji na dzierżawę klienta, łącznie we wszystkich jego subskrypcjach tego SKU (MaxLicenses z macierzy ofert); klient Alfa ma już 8."
    );
    assert_eq!(subscriptions_of(&w), before, "nothing written");
    add(&w, &alfa, &e3, 2).expect("exactly the remaining 2");
    // Another customer's tenant has its own pool.
    let (beta, _) = w.active_customer("Beta", "beta", &[]);
    add(&w, &beta, &e3, 10).unwrap();
}

#[test]
fn microsofts_example_251_premium_seats_leave_50_and_51_are_refused() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let premium = w.service("Microsoft 365 Business Premium");
    add(&w, &alfa, &premium, 250).unwrap();
    let (en, _) = refusal(add(&w, &alfa, &premium, 51));
    assert!(
        en.starts_with(
            "The requested number of 51 seats exceeds the remaining limit of 50 seats: "
        ),
        "{en}"
    );
    add(&w, &alfa, &premium, 50).unwrap();
}

#[test]
fn the_business_family_holds_300_together_across_basic_standard_and_premium() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = w.service("Microsoft 365 Business Basic");
    let standard = w.service("Microsoft 365 Business Standard");
    let premium = w.service("Microsoft 365 Business Premium");
    add(&w, &alfa, &premium, 250).unwrap();
    // Basic's own pool is empty; the family has 50 left.
    let (en, pl) = refusal(add(&w, &alfa, &basic, 51));
    assert_eq!(
        en,
        "The requested number of 51 seats exceeds the remaining limit of 50 seats: Microsoft 365 Business Basic, Standard and Premium allow at most 300 seats together per customer tenant (the Business family); Alfa already holds 250."
    );
    assert!(pl.contains("rodzina Business"), "{pl}");
    add(&w, &alfa, &basic, 30).unwrap();
    add(&w, &alfa, &standard, 20).unwrap();
    let (en, _) = refusal(add(&w, &alfa, &standard, 1));
    assert!(en.contains("remaining limit of 0 seats"), "{en}");
    // E3 is no Business plan.
    add(&w, &alfa, &w.service("Microsoft 365 E3"), 500).unwrap();
}

#[test]
fn trials_do_not_count_and_ended_subscriptions_free_their_seats() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = w.service("Microsoft 365 Business Basic");
    let standard = w.service("Microsoft 365 Business Standard");
    let mut trial = sub(&alfa, &standard, 0);
    trial.trial = true;
    subscriptions::add(&w.store, &w.clock, &w.admin, &trial).unwrap();
    let paid = add(&w, &alfa, &basic, 300).expect("the 25 trial seats are not bought");
    subscriptions::apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &paid,
        subscriptions::SubscriptionEvent::Cancel,
        "",
    )
    .unwrap();
    add(&w, &alfa, &basic, 300).expect("a cancelled subscription holds nothing");
}

#[test]
fn a_quantity_change_is_checked_by_what_it_adds() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let e3 = e3_capped(&w, 10, 1);
    let first = add(&w, &alfa, &e3, 4).unwrap();
    add(&w, &alfa, &e3, 4).unwrap();
    let change = |q| subscriptions::change_quantity(&w.store, &w.clock, &w.admin, &first, q, "");
    let (en, _) = refusal(change(7));
    assert!(
        en.starts_with("The requested number of 3 seats exceeds the remaining limit of 2 seats"),
        "{en}"
    );
    assert!(en.ends_with("Alfa already holds 8."), "{en}");
    change(6).expect("up to the pooled ceiling");
    change(5).expect("a decrease in the window is never refused by the maximum");
}

#[test]
fn min_licenses_is_asked_of_every_purchase() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let e3 = e3_capped(&w, 100, 5);
    let (en, pl) = refusal(add(&w, &alfa, &e3, 3));
    assert_eq!(
        en,
        "Microsoft 365 E3 (sample price) needs at least 5 seats per purchase (offer matrix MinLicenses); 3 requested"
    );
    assert!(pl.contains("co najmniej 5 licencji"), "{pl}");
    let id = add(&w, &alfa, &e3, 5).unwrap();
    let lower = subscriptions::change_quantity(&w.store, &w.clock, &w.admin, &id, 4, "");
    refusal(lower);
}

#[test]
fn a_sku_without_a_matrix_row_keeps_the_flat_limit_per_subscription() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let e5 = w.service("Microsoft 365 E5");
    let error = add(&w, &alfa, &e5, MAX_QUANTITY + 1).unwrap_err();
    assert!(
        error.to_string().contains("1 to 300000 licences"),
        "{error}"
    );
    add(&w, &alfa, &e5, MAX_QUANTITY).unwrap();
    add(&w, &alfa, &e5, MAX_QUANTITY).expect("no pooled ceiling without a row");
}

#[test]
fn a_trial_becoming_paid_is_a_purchase_under_the_ceilings() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = w.service("Microsoft 365 Business Basic");
    let premium = w.service("Microsoft 365 Business Premium");
    let mut trial = sub(&alfa, &basic, 0);
    trial.trial = true;
    let (trial, _) = subscriptions::add(&w.store, &w.clock, &w.admin, &trial).unwrap();
    add(&w, &alfa, &premium, 290).unwrap();
    let convert = |quantity| {
        subscriptions::convert_trial(
            &w.store,
            &w.clock,
            &w.admin,
            &trial.id,
            &TrialConversion {
                quantity,
                term: "P1Y".into(),
                billing_plan: "monthly".into(),
                auto_renew: true,
            },
        )
    };
    let (en, _) = refusal(convert(11));
    assert!(en.contains("remaining limit of 10 seats"), "{en}");
    convert(10).unwrap();
}

const KEYS: [&str; 2] = [
    "BCDFG-HJKMP-QRTVW-XY234-6789B",
    "BCDFG-HJKMP-QRTVW-XY234-6789C",
];

fn key(w: &World, text: &str, service: &Service, quantity: u32) -> String {
    let input = ProductKeyInput {
        key: text.into(),
        service_id: service.id.clone(),
        quantity,
        term: "P1Y".into(),
    };
    product_keys::add(&w.store, &w.clock, &w.admin, &input)
        .unwrap()
        .0
        .id
}

fn redeem(w: &World, key_id: &str, customer: &str, mode: RedeemMode) -> Result<String> {
    let redemption = Redemption {
        key_id: key_id.into(),
        customer_id: customer.into(),
        mode,
        auto_renew: true,
        relationship: None,
        subscription_id: None,
    };
    product_keys::redeem(&w.store, &w.clock, &w.admin, &redemption).map(|(r, _)| r.subscription.id)
}

#[test]
fn a_product_key_is_refused_past_the_ceiling_for_a_new_subscription_and_for_added_licences() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let e3 = e3_capped(&w, 10, 1);
    add(&w, &alfa, &e3, 6).unwrap();
    let new = key(&w, KEYS[0], &e3, 5);
    let (en, _) = refusal(redeem(&w, &new, &alfa, RedeemMode::NewSubscription));
    assert!(
        en.contains("5 seats exceeds the remaining limit of 4 seats"),
        "{en}"
    );
    let more = key(&w, KEYS[1], &e3, 5);
    let (en, _) = refusal(redeem(&w, &more, &alfa, RedeemMode::AddLicences));
    assert!(
        en.contains("5 seats exceeds the remaining limit of 4 seats"),
        "{en}"
    );
    let keys_left: i64 = w
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM product_keys WHERE status = 'available'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(keys_left, 2, "neither key was used");
    import(
        &w,
        "ProductId,SkuId,MaxLicenses\nCFQ7TTC0LFLX,0001,16\n",
        ImportMode::AllOrNothing,
    );
    redeem(&w, &new, &alfa, RedeemMode::NewSubscription).unwrap();
    redeem(&w, &more, &alfa, RedeemMode::AddLicences).unwrap();
}

fn line(service: &Service, quantity: u32) -> OfferLineInput {
    OfferLineInput {
        service_id: service.id.clone(),
        quantity,
        unit_price_minor: service.unit_price_minor,
        discount_bp: 0,
        price_source: None,
    }
}

fn offer_for(customer: Option<&str>, lines: Vec<OfferLineInput>) -> OfferDraftInput {
    OfferDraftInput {
        customer_id: customer.map(str::to_owned),
        prospect_name: "Gamma Sp. z o.o.".into(),
        prospect_email: "it@gamma.pl".into(),
        language: "pl".into(),
        valid_until: "2026-12-24".into(),
        lines,
        ..Default::default()
    }
}

#[test]
fn an_offer_is_refused_at_creation_when_its_lines_together_pass_the_family_total() {
    let w = world();
    w.set_partner_id("1234567");
    let basic = w.service("Microsoft 365 Business Basic");
    let premium = w.service("Microsoft 365 Business Premium");
    // A prospect holds nothing; the two lines count together.
    let input = offer_for(None, vec![line(&basic, 200), line(&premium, 101)]);
    let (en, _) = refusal(offers::create(&w.store, &w.clock, &w.admin, &input));
    assert!(
        en.starts_with(
            "The requested number of 101 seats exceeds the remaining limit of 100 seats"
        ),
        "{en}"
    );
    assert!(
        en.ends_with("the customer holds none yet and this offer's other lines add 200."),
        "{en}"
    );
    let fits = offer_for(None, vec![line(&basic, 200), line(&premium, 100)]);
    offers::create(&w.store, &w.clock, &w.admin, &fits).unwrap();
}

#[test]
fn an_offer_is_refused_at_sending_and_at_acceptance_after_other_purchases() {
    let w = world();
    w.set_partner_id("1234567");
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let e3 = e3_capped(&w, 10, 1);
    let draft = |q| {
        offers::create(
            &w.store,
            &w.clock,
            &w.admin,
            &offer_for(Some(&alfa), vec![line(&e3, q)]),
        )
        .map(|(d, _)| d.offer.id)
    };
    let (en, _) = refusal(draft(11));
    assert!(en.contains("remaining limit of 10 seats"), "{en}");
    let to_send = draft(6).unwrap();
    let to_accept = draft(6).unwrap();
    let send = |id: &str| offers::send(&w.store, &w.clock, &w.admin, id, &["it@alfa.pl".into()]);
    send(&to_accept).unwrap();
    // Meanwhile the customer bought 5 by hand.
    add(&w, &alfa, &e3, 5).unwrap();
    let (en, _) = refusal(send(&to_send));
    assert!(en.contains("remaining limit of 5 seats"), "{en}");
    let (en, _) = refusal(send(&to_accept));
    assert!(
        en.contains("remaining limit of 5 seats"),
        "sending again: {en}"
    );
    let before = subscriptions_of(&w);
    let accept = offers::accept(
        &w.store,
        &w.clock,
        &w.admin,
        &to_accept,
        &AcceptanceInput::default(),
    );
    let (en, _) = refusal(accept);
    assert!(en.contains("remaining limit of 5 seats"), "{en}");
    assert_eq!(subscriptions_of(&w), before, "nothing written");
    // The customer may still buy what remains.
    let fewer = AcceptanceInput {
        lines: vec![offers::LineCount {
            line_id: offers::get(&w.store, &w.clock, &w.admin, &to_accept)
                .unwrap()
                .lines[0]
                .id
                .clone(),
            quantity: 5,
        }],
        customer: None,
    };
    offers::accept(&w.store, &w.clock, &w.admin, &to_accept, &fewer).unwrap();
}

#[test]
fn the_room_shown_where_staff_choose_a_quantity_is_the_one_the_core_decides_with() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let basic = w.service("Microsoft 365 Business Basic");
    let premium = w.service("Microsoft 365 Business Premium");
    add(&w, &alfa, &premium, 120).unwrap();
    let others = [SeatLine {
        service_id: basic.id.clone(),
        quantity: 30,
    }];
    let room = seat_room(
        &w.store,
        &w.clock,
        &w.admin,
        Some(&alfa),
        &premium.id,
        &others,
    )
    .unwrap();
    assert_eq!(
        (
            room.rule,
            room.ceiling,
            room.held,
            room.remaining,
            room.minimum
        ),
        (
            Some(SeatRule::BusinessFamily),
            Some(300),
            150,
            Some(150),
            Some(1)
        )
    );
    assert_eq!(
        room.text.unwrap().en,
        "Microsoft 365 Business Basic, Standard and Premium allow at most 300 seats together per customer tenant (the Business family); Alfa already holds 120 and this offer's other lines add 30"
    );
    let e5 = w.service("Microsoft 365 E5");
    let free = seat_room(&w.store, &w.clock, &w.admin, Some(&alfa), &e5.id, &[]).unwrap();
    assert_eq!((free.rule, free.remaining, free.text), (None, None, None));
}
