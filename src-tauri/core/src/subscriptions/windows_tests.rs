//! The new-commerce windows at their edges (decision 0041): cancellation
//! within 168 hours of the term's start, each licence lot's own window, the
//! prorated refund and addition, on every path that adds licences.

use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::prorate::prorated;
use super::*;
use crate::error::ErrorCode;
use crate::offers::{self, AcceptanceInput, OfferDraftInput, OfferLineInput};
use crate::product_keys::{self, ProductKeyInput, RedeemMode, Redemption};
use crate::testing::{subscription_input as input, world, World};

/// The sample catalog's start: the world's clock.
const BOUGHT: OffsetDateTime = datetime!(2026-11-25 09:00 UTC);

fn basic(w: &World) -> catalog::Service {
    w.service("Microsoft 365 Business Basic")
}

use crate::catalog;

/// A customer with a 10-licence, one-year Business Basic bought at [`BOUGHT`].
fn bought(w: &World) -> Subscription {
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    add(
        &w.store,
        &w.clock,
        &w.admin,
        &input(&customer, &basic(w).id, 10),
    )
    .unwrap()
    .0
}

fn at(w: &World, days: i64, hours: i64, minutes: i64) {
    w.clock
        .set(BOUGHT + Duration::days(days) + Duration::hours(hours) + Duration::minutes(minutes));
}

fn detail(w: &World, id: &str) -> SubscriptionDetail {
    get(&w.store, &w.clock, &w.admin, id).unwrap()
}

fn cancel(w: &World, id: &str) -> Result<Subscription> {
    apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        id,
        SubscriptionEvent::Cancel,
        "",
    )
    .map(|r| r.0)
}

fn to(w: &World, id: &str, quantity: u32) -> Result<Subscription> {
    change_quantity(&w.store, &w.clock, &w.admin, id, quantity, "").map(|r| r.0)
}

fn refundable(w: &World, id: &str) -> (u32, Vec<(u32, String)>) {
    let r = detail(w, id).windows.refundable_quantity;
    let details = r
        .details
        .into_iter()
        .map(|d| (d.quantity, d.allowed_until))
        .collect();
    (r.total, details)
}

/// The current term's lots hold exactly the subscription's licences.
fn assert_lots_hold_the_quantity(w: &World, id: &str) {
    let d = detail(w, id);
    let held: u32 = d.windows.lots.iter().map(|l| l.remaining).sum();
    assert_eq!(held, d.subscription.quantity, "{:?}", d.windows.lots);
}

fn origins(w: &World, id: &str) -> Vec<(LotOrigin, u32)> {
    detail(w, id)
        .windows
        .lots
        .iter()
        .map(|l| (l.origin, l.quantity))
        .collect()
}

#[test]
fn cancellation_is_allowed_at_167_59_and_refused_at_168_00() {
    let w = world();
    let first = bought(&w);
    let second = add(
        &w.store,
        &w.clock,
        &w.admin,
        &input(&first.customer_id, &basic(&w).id, 3),
    )
    .unwrap()
    .0;
    let window = detail(&w, &first.id).windows.cancellation;
    assert_eq!(window.allowed_until, "2026-12-02T09:00:00.000Z");
    assert!(window.open && window.closed.is_none());

    at(&w, 6, 23, 59);
    let cancelled = cancel(&w, &first.id).unwrap();
    assert_eq!(cancelled.status, SubscriptionStatus::Cancelled);
    assert!(cancelled.refundable);

    at(&w, 7, 0, 0);
    let shown = detail(&w, &second.id).windows.cancellation;
    assert!(!shown.open && shown.refund.is_none());
    let refused = cancel(&w, &second.id).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidState);
    let (en, pl) = (refused.to_string(), refused.text().pl);
    assert_eq!(
        Some(refused.text()),
        shown.closed,
        "the detail says what the refusal says"
    );
    for part in [
        "can no longer be cancelled",
        "closed at 2026-12-02 09:00 UTC",
        "started at 2026-11-25 09:00 UTC",
        "turn off auto-renew",
        "(2027-11-25 09:00 UTC)",
        "suspend it — Microsoft keeps billing",
    ] {
        assert!(en.contains(part), "{part}: {en}");
    }
    for part in [
        "nie można już anulować",
        "zamknęło się 2026-12-02 09:00 UTC",
        "wyłączyć automatyczne odnawianie",
        "zawiesić — Microsoft nadal nalicza",
    ] {
        assert!(pl.contains(part), "{part}: {pl}");
    }
    // With auto-renew already off, the refusal says so and offers what is left.
    set_auto_renew(&w.store, &w.clock, &w.admin, &second.id, false).unwrap();
    let refused = cancel(&w, &second.id).unwrap_err().to_string();
    assert!(refused.contains("Auto-renew is already off"), "{refused}");
    assert!(!refused.contains("turn off auto-renew"), "{refused}");
    // Suspending is still possible.
    apply_event(
        &w.store,
        &w.clock,
        &w.admin,
        &second.id,
        SubscriptionEvent::Suspend,
        "",
    )
    .unwrap();
    // Once suspended, the refusal says what that means instead of offering it.
    let refused = cancel(&w, &second.id).unwrap_err().to_string();
    assert!(
        refused.contains("It is suspended, which Microsoft keeps billing"),
        "{refused}"
    );
}

#[test]
fn the_cancellation_refund_is_the_full_amount_minus_the_days_used_and_is_recorded() {
    let w = world();
    let s = bought(&w);
    let unit = basic(&w).unit_price_minor;
    assert!(unit > 0, "the sample catalog has a price");
    // Two days and an hour in: three days begun.
    at(&w, 2, 1, 0);
    let full = prorated(10, unit, 12, 365, 365).unwrap();
    let used = prorated(10, unit, 12, 3, 365).unwrap();
    let shown = detail(&w, &s.id).windows.cancellation.refund.unwrap();
    assert_eq!(shown.totals, vec![Money::new(full - used, "PLN").unwrap()]);
    assert_eq!(shown.unpriced_quantity, 0);
    cancel(&w, &s.id).unwrap();
    let row = detail(&w, &s.id).history.pop().unwrap();
    assert_eq!(row.kind, "cancelled");
    assert_eq!(row.amount, Some(Money::new(full - used, "PLN").unwrap()));
    assert!(row.reason.contains("prorated refund"), "{}", row.reason);
}

use crate::money::Money;

#[test]
fn each_increase_has_its_own_window_to_the_minute() {
    let w = world();
    let s = bought(&w);
    at(&w, 3, 0, 0);
    to(&w, &s.id, 20).unwrap();
    // 167:59 after the purchase both lots are open; at 168:00 only the addition.
    at(&w, 6, 23, 59);
    assert_eq!(
        refundable(&w, &s.id),
        (
            20,
            vec![
                (10, "2026-12-02T09:00:00.000Z".into()),
                (10, "2026-12-05T09:00:00.000Z".into())
            ]
        )
    );
    at(&w, 7, 0, 0);
    assert_eq!(
        refundable(&w, &s.id),
        (10, vec![(10, "2026-12-05T09:00:00.000Z".into())])
    );
    let refused = to(&w, &s.id, 9).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidState);
    assert_eq!(
        refused.to_string(),
        "only 10 of the 11 licences can be removed now (10 until 2026-12-05 09:00 UTC); the others were added before their window closed and stay until the term ends (2027-11-25 09:00 UTC)"
    );
    assert!(refused
        .text()
        .pl
        .starts_with("teraz można usunąć tylko 10 z 11 licencji (10 do 2026-12-05 09:00 UTC)"));
    // The addition's own window: a minute before it closes, and at its close.
    at(&w, 9, 23, 59);
    to(&w, &s.id, 19).unwrap();
    at(&w, 10, 0, 0);
    let none = to(&w, &s.id, 18).unwrap_err().to_string();
    assert!(
        none.starts_with("no licences can be removed now")
            && none.contains("(the last at 2026-12-05 09:00 UTC)"),
        "{none}"
    );
    assert_lots_hold_the_quantity(&w, &s.id);
}

#[test]
fn the_issues_example_ten_on_day_3_five_on_day_20() {
    let w = world();
    let s = bought(&w);
    at(&w, 3, 0, 0);
    to(&w, &s.id, 20).unwrap();
    at(&w, 20, 0, 0);
    to(&w, &s.id, 25).unwrap();
    at(&w, 21, 0, 0);
    let refused = to(&w, &s.id, 19).unwrap_err().to_string();
    assert!(
        refused.starts_with(
            "only 5 of the 6 licences can be removed now (5 until 2026-12-22 09:00 UTC)"
        ),
        "{refused}"
    );
    let quote = quote_quantity(&w.store, &w.clock, &w.admin, &s.id, 19).unwrap();
    assert_eq!(quote.refused.map(|t| t.en), Some(refused));
    assert_eq!(refundable(&w, &s.id).0, 5);
    to(&w, &s.id, 20).unwrap();
    assert_eq!(refundable(&w, &s.id), (0, vec![]));
    // Never below what the term started with once its window closed.
    at(&w, 28, 0, 0);
    assert!(to(&w, &s.id, 19).is_err());
    assert_lots_hold_the_quantity(&w, &s.id);
}

#[test]
fn a_removal_takes_from_the_window_that_closes_first_and_refunds_prorata() {
    let w = world();
    let s = bought(&w);
    let unit = basic(&w).unit_price_minor;
    at(&w, 1, 0, 0);
    to(&w, &s.id, 14).unwrap();
    at(&w, 2, 0, 0);
    to(&w, &s.id, 20).unwrap();
    // Day 5 + 1 h: removing 12 takes the 10 bought (window closes first),
    // then 2 of the 4 added on day 1.
    at(&w, 5, 1, 0);
    let quote = quote_quantity(&w.store, &w.clock, &w.admin, &s.id, 8).unwrap();
    let from_purchase =
        prorated(10, unit, 12, 365, 365).unwrap() - prorated(10, unit, 12, 6, 365).unwrap();
    let from_day_one =
        prorated(2, unit, 12, 364, 365).unwrap() - prorated(2, unit, 12, 5, 365).unwrap();
    let expected = Money::new(from_purchase + from_day_one, "PLN").unwrap();
    assert_eq!(quote.amounts.totals, vec![expected.clone()]);
    assert!(quote.refused.is_none());
    to(&w, &s.id, 8).unwrap();
    let lots: Vec<u32> = detail(&w, &s.id)
        .windows
        .lots
        .iter()
        .map(|l| l.remaining)
        .collect();
    assert_eq!(lots, [0, 2, 6]);
    assert_eq!(
        detail(&w, &s.id).history.pop().unwrap().amount,
        Some(expected)
    );
}

#[test]
fn an_addition_is_co_terminous_and_quoted_prorata_before_it_is_made() {
    let w = world();
    let s = bought(&w);
    let unit = basic(&w).unit_price_minor;
    at(&w, 100, 1, 0);
    let quote = quote_quantity(&w.store, &w.clock, &w.admin, &s.id, 15).unwrap();
    // 264 days and 23 hours to the term end: 265 days begun.
    assert_eq!(quote.days, 265);
    assert_eq!(quote.term_ends_at, s.ends_at);
    let charge = Money::new(prorated(5, unit, 12, 265, 365).unwrap(), "PLN").unwrap();
    assert_eq!(quote.amounts.totals, vec![charge.clone()]);
    let after = to(&w, &s.id, 15).unwrap();
    assert_eq!(after.ends_at, s.ends_at, "co-terminous");
    let row = detail(&w, &s.id).history.pop().unwrap();
    assert_eq!((row.kind.as_str(), row.amount), ("quantity", Some(charge)));
    let lot = detail(&w, &s.id).windows.lots.pop().unwrap();
    assert_eq!(
        (lot.origin, lot.quantity, lot.removable_until.as_str()),
        (LotOrigin::Increase, 5, "2027-03-12T10:00:00.000Z")
    );
}

#[test]
fn a_renewal_gives_the_whole_count_one_fresh_window() {
    let w = world();
    let s = bought(&w);
    // Two days before the renewal: a lot whose window would run past it.
    w.clock.set(datetime!(2027-11-23 09:00 UTC));
    to(&w, &s.id, 15).unwrap();
    w.clock.set(datetime!(2027-11-25 09:00 UTC));
    apply_clock(&w.store, &w.clock).unwrap();
    assert_eq!(origins(&w, &s.id), [(LotOrigin::Renewal, 15)]);
    assert_eq!(
        refundable(&w, &s.id),
        (15, vec![(15, "2027-12-02T09:00:00.000Z".into())])
    );
    let window = detail(&w, &s.id).windows.cancellation;
    assert_eq!(window.allowed_until, "2027-12-02T09:00:00.000Z");
    assert!(window.open);
    w.clock.set(datetime!(2027-12-02 08:59 UTC));
    to(&w, &s.id, 1).unwrap();
    w.clock.set(datetime!(2027-12-02 09:00 UTC));
    assert!(cancel(&w, &s.id).is_err());
    assert_lots_hold_the_quantity(&w, &s.id);
}

#[test]
fn a_product_keys_licences_are_a_lot_with_a_window_and_no_price() {
    let w = world();
    let s = bought(&w);
    let add_key = |key: &str| {
        product_keys::add(
            &w.store,
            &w.clock,
            &w.admin,
            &ProductKeyInput {
                key: key.into(),
                service_id: s.service_id.clone(),
                quantity: 4,
                term: "P1Y".into(),
            },
        )
        .unwrap()
        .0
    };
    let redeem = |key_id: &str, mode| {
        product_keys::redeem(
            &w.store,
            &w.clock,
            &w.admin,
            &Redemption {
                key_id: key_id.into(),
                customer_id: s.customer_id.clone(),
                mode,
                auto_renew: true,
                relationship: None,
                subscription_id: None,
            },
        )
        .unwrap()
        .0
        .subscription
    };
    at(&w, 2, 0, 0);
    let key = add_key("BCDFG-HJKMP-QRTVW-XY234-6789B");
    redeem(&key.id, RedeemMode::AddLicences);
    assert_eq!(
        origins(&w, &s.id),
        [(LotOrigin::Purchase, 10), (LotOrigin::ProductKey, 4)]
    );
    let lot = detail(&w, &s.id).windows.lots.pop().unwrap();
    assert_eq!(lot.removable_until, "2026-12-04T09:00:00.000Z");
    assert_eq!(lot.unit_price, None);
    // Cancelling refunds what has a price and says which licences have none.
    let refund = detail(&w, &s.id).windows.cancellation.refund.unwrap();
    assert_eq!((refund.totals.len(), refund.unpriced_quantity), (1, 4));

    // A subscription a key set up has no price at all: it says so.
    let other = add_key("CCCCC-CCCCC-CCCCC-CCCCC-CCCCC");
    let keyed = redeem(&other.id, RedeemMode::NewSubscription);
    assert_eq!(origins(&w, &keyed.id), [(LotOrigin::Purchase, 4)]);
    let refund = detail(&w, &keyed.id).windows.cancellation.refund.unwrap();
    assert!(refund.totals.is_empty());
    assert_eq!(refund.unpriced_quantity, 4);
    cancel(&w, &keyed.id).unwrap();
    let row = detail(&w, &keyed.id).history.pop().unwrap();
    assert_eq!(row.amount, None);
    assert!(
        row.reason
            .contains("no price is known for these 4 licences"),
        "{}",
        row.reason
    );
}

#[test]
fn a_trials_conversion_opens_a_lot_and_a_trial_is_cancelled_at_any_time() {
    let w = world();
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let trial_of = |title: &str| {
        add(
            &w.store,
            &w.clock,
            &w.admin,
            &SubscriptionInput {
                trial: true,
                auto_renew: false,
                ..input(&customer, &w.service(title).id, 1)
            },
        )
        .unwrap()
        .0
    };
    let trial = trial_of("Microsoft 365 Business Basic");
    assert!(
        origins(&w, &trial.id).is_empty(),
        "a trial holds no bought licences"
    );
    at(&w, 10, 0, 0);
    convert_trial(
        &w.store,
        &w.clock,
        &w.admin,
        &trial.id,
        &TrialConversion {
            quantity: 12,
            term: "P1Y".into(),
            billing_plan: "monthly".into(),
            auto_renew: true,
        },
    )
    .unwrap();
    assert_eq!(origins(&w, &trial.id), [(LotOrigin::Conversion, 12)]);
    assert_eq!(
        detail(&w, &trial.id).windows.cancellation.allowed_until,
        "2026-12-12T09:00:00.000Z"
    );

    let other = trial_of("Microsoft 365 Business Premium");
    at(&w, 25, 0, 0);
    let cancelled = cancel(&w, &other.id).unwrap();
    assert_eq!(cancelled.status, SubscriptionStatus::Cancelled);
    assert!(!cancelled.refundable, "nothing was paid");
}

#[test]
fn an_accepted_offer_opens_a_lot_at_the_offers_price_new_or_converting_a_trial() {
    let w = world();
    w.set_partner_id("1234567");
    let (customer, _) = w.active_customer("Alfa", "alfa", &[]);
    let (basic, premium) = (basic(&w), w.service("Microsoft 365 Business Premium"));
    let (trial, _) = add(
        &w.store,
        &w.clock,
        &w.admin,
        &SubscriptionInput {
            trial: true,
            auto_renew: false,
            ..input(&customer, &premium.id, 1)
        },
    )
    .unwrap();
    let line = |service_id: &str, quantity| OfferLineInput {
        service_id: service_id.into(),
        quantity,
        unit_price_minor: 20_00,
        price_source: None,
        discount_bp: 1_000,
    };
    let (draft, _) = offers::create(
        &w.store,
        &w.clock,
        &w.admin,
        &OfferDraftInput {
            customer_id: Some(customer.clone()),
            valid_until: "2026-12-24".into(),
            lines: vec![line(&basic.id, 6), line(&premium.id, 30)],
            ..Default::default()
        },
    )
    .unwrap();
    let id = &draft.offer.id;
    offers::send(&w.store, &w.clock, &w.admin, id, &["it@alfa.pl".into()]).unwrap();
    at(&w, 1, 0, 0);
    offers::accept(
        &w.store,
        &w.clock,
        &w.admin,
        id,
        &AcceptanceInput::default(),
    )
    .unwrap();
    let page = list(&w.store, &w.clock, &w.admin, &SubscriptionQuery::default()).unwrap();
    let bought = page.rows.iter().find(|s| s.service_id == basic.id).unwrap();
    // 20.00 less 10 %: 18.00 per licence per month, locked for the term.
    let sold_at = Some(Money::new(18_00, "PLN").unwrap());
    for (id, origin, quantity) in [
        (&bought.id, LotOrigin::Purchase, 6),
        (&trial.id, LotOrigin::Conversion, 30),
    ] {
        let lots = detail(&w, id).windows.lots;
        assert_eq!(lots.len(), 1, "{lots:?}");
        assert_eq!(
            (lots[0].origin, lots[0].quantity, &lots[0].unit_price),
            (origin, quantity, &sold_at)
        );
    }
    // An addition on the day of purchase: the whole term at the offer's price.
    let quote = quote_quantity(&w.store, &w.clock, &w.admin, &bought.id, 7).unwrap();
    assert_eq!(
        quote.amounts.totals,
        vec![Money::new(18_00 * 12, "PLN").unwrap()]
    );
}

#[test]
fn lots_are_kept_for_subscriptions_from_before_the_migration() {
    let w = world();
    let s = bought(&w);
    // As the migration found it: no lots, then 0016's own statement.
    w.store
        .write(|tx| {
            tx.execute("DELETE FROM subscription_licence_lots", [])?;
            let sql = include_str!("../../migrations/0016_licence_windows.sql");
            let insert = &sql[sql.find("INSERT INTO subscription_licence_lots").unwrap()..];
            tx.execute_batch(insert)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(origins(&w, &s.id), [(LotOrigin::Migrated, 10)]);
    assert_eq!(
        refundable(&w, &s.id),
        (10, vec![(10, "2026-12-02T09:00:00.000Z".into())])
    );
    let refund = detail(&w, &s.id).windows.cancellation.refund.unwrap();
    assert_eq!(refund.unpriced_quantity, 10, "no price was kept before");
}
