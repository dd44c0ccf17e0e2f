//! The price list read the way Microsoft means it (docs/decisions/0038):
//! rows written the way Microsoft writes them (the header of 0033 §3).

use std::sync::atomic::{AtomicBool, Ordering};

use time::macros::datetime;

use super::tests::import_as;
use super::*;
use crate::imports::ImportMode;
use crate::testing::{world, World};

/// Microsoft's header, in the order the price list has it (0033 §3).
pub(super) const HEADER: &str = "ChangeIndicator,ProductTitle,ProductId,SkuId,SkuTitle,Publisher,SkuDescription,UnitOfMeasure,TermDuration,BillingPlan,Market,Currency,UnitPrice,PricingTierRangeMin,PricingTierRangeMax,EffectiveStartDate,EffectiveEndDate,Tags,ERP Price,Segment";

/// One price-list row; the defaults are a current Microsoft 365 E3 row.
#[derive(Clone)]
struct Row {
    title: &'static str,
    product: &'static str,
    sku: &'static str,
    description: &'static str,
    term: &'static str,
    plan: &'static str,
    market: &'static str,
    currency: &'static str,
    price: &'static str,
    tier_min: &'static str,
    tier_max: &'static str,
    start: &'static str,
    end: &'static str,
    tags: &'static str,
    erp: &'static str,
    segment: &'static str,
}

const E3: Row = Row {
    title: "Microsoft 365 E3",
    product: "CFQ7TTC0MM8R",
    sku: "0002",
    description: "Microsoft 365 E3 for enterprises",
    term: "P1Y",
    plan: "Annual",
    market: "GB",
    currency: "GBP",
    price: "3393.90",
    tier_min: "",
    tier_max: "",
    start: "2026-11-01T00:00:00.0000000Z",
    end: "9999-11-30T23:59:59.0000000Z",
    tags: "License",
    erp: "",
    segment: "Commercial",
};

impl Row {
    fn line(&self) -> String {
        let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        format!(
            "Unchanged,{title},{product},{sku},{title},Microsoft Corporation,{description},,{term},{plan},{market},{currency},{price},{tier_min},{tier_max},{start},{end},{tags},{erp},{segment}",
            title = self.title,
            product = self.product,
            sku = self.sku,
            description = quoted(self.description),
            term = self.term,
            plan = self.plan,
            market = self.market,
            currency = self.currency,
            // Quoted, as the price sheet API writes every field ("12,5" holds a comma).
            price = quoted(self.price),
            tier_min = self.tier_min,
            tier_max = self.tier_max,
            start = self.start,
            end = self.end,
            tags = self.tags,
            erp = self.erp,
            segment = self.segment,
        )
    }
}

fn file(rows: &[Row]) -> String {
    let mut text = format!("{HEADER}\r\n");
    for row in rows {
        text.push_str(&row.line());
        text.push_str("\r\n");
    }
    text
}

fn import(w: &World, rows: &[Row]) -> PriceListPreview {
    let (done, _) = import_as(w, &w.admin, &file(rows)).unwrap();
    assert!(
        done.report.problems.is_empty(),
        "{:?}",
        done.report.problems
    );
    done
}

fn preview(w: &World, rows: &[Row]) -> PriceListPreview {
    preview_price_list(&w.store, &w.clock, &w.admin, &file(rows).as_str().into()).unwrap()
}

fn of(w: &World, product: &str) -> Vec<Service> {
    list(&w.store, &w.clock, &w.admin)
        .unwrap()
        .into_iter()
        .filter(|s| s.product_id == product)
        .collect()
}

fn dated_prices(w: &World) -> i64 {
    w.store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM catalog_prices", [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn microsofts_annual_pair_is_a_whole_terms_price_a_cent_apart_not_twelvefold() {
    let w = world();
    // [PO]: "annual term with annual billing: 3393.9 / annual term with monthly billing: 3393.96".
    import(
        &w,
        &[
            E3,
            Row {
                plan: "Monthly",
                price: "3393.96",
                ..E3
            },
        ],
    );
    let services = of(&w, "CFQ7TTC0MM8R");
    let plan = |plan: &str| services.iter().find(|s| s.billing_plan == plan).unwrap();
    let (annual, monthly) = (plan("annual"), plan("monthly"));
    // 3393.90 / 12 = 282.825 (rounded half up), 3393.96 / 12 = 282.83.
    assert_eq!(
        (annual.unit_price_minor, monthly.unit_price_minor),
        (28_283, 28_283)
    );
    assert!(
        (monthly.unit_price_minor - annual.unit_price_minor).abs() <= 1,
        "at most a cent apart a month"
    );
    assert_eq!(
        (annual.term_price_minor, monthly.term_price_minor),
        (Some(339_390), Some(339_396)),
        "the year's prices as Microsoft wrote them: six pence apart a year, not twelvefold"
    );
}

#[test]
fn segments_and_price_tiers_are_separate_services() {
    let w = world();
    let rows = [
        E3,
        Row {
            segment: "Education",
            price: "1200.00",
            ..E3
        },
        Row {
            segment: "Government",
            price: "3000.00",
            ..E3
        },
        Row {
            segment: "Charity",
            price: "600.00",
            ..E3
        },
        Row {
            tier_min: "1",
            tier_max: "2400",
            price: "3300.00",
            ..E3
        },
        Row {
            tier_min: "2401",
            tier_max: "",
            price: "3000.00",
            ..E3
        },
    ];
    let done = import(&w, &rows);
    assert_eq!(done.summary.added, 6);
    let services = of(&w, "CFQ7TTC0MM8R");
    let mut seen: Vec<(String, Option<u32>, Option<u32>, i64)> = services
        .iter()
        .map(|s| {
            (
                s.segment.clone(),
                s.tier_min,
                s.tier_max,
                s.unit_price_minor,
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("charity".to_owned(), None, None, 5_000),
            ("commercial".to_owned(), None, None, 28_283),
            ("commercial".to_owned(), Some(1), Some(2400), 27_500),
            ("commercial".to_owned(), Some(2401), None, 25_000),
            ("education".to_owned(), None, None, 10_000),
            ("government".to_owned(), None, None, 25_000),
        ]
    );
    // Importing the same file again changes nothing.
    let again = preview(&w, &rows);
    assert_eq!(
        (
            again.summary.added,
            again.summary.changed,
            again.summary.unchanged
        ),
        (0, 0, 6)
    );
}

#[test]
fn the_price_in_force_follows_the_clock_and_a_scheduled_price_takes_effect_on_its_date() {
    let w = world(); // 2026-11-25 09:00 UTC
    let done = import(
        &w,
        &[
            E3,
            Row {
                price: "3600.00",
                start: "12/1/2026 0:00",
                end: "11/30/9999 23:59",
                ..E3
            },
        ],
    );
    assert_eq!((done.summary.added, done.summary.scheduled), (1, 1));
    let now = of(&w, "CFQ7TTC0MM8R").remove(0);
    assert_eq!(now.unit_price_minor, 28_283);
    assert_eq!(
        now.price_starts_at.as_deref(),
        Some("2026-11-01T00:00:00.000Z")
    );
    assert_eq!(
        now.scheduled,
        Some(ScheduledPrice {
            starts_at: "2026-12-01T00:00:00.000Z".into(),
            unit_price_minor: 30_000,
            erp_price_minor: None,
        })
    );
    w.clock.set(datetime!(2026-11-30 23:59:59 UTC));
    assert_eq!(of(&w, "CFQ7TTC0MM8R")[0].unit_price_minor, 28_283);
    w.clock.set(datetime!(2026-12-01 00:00:00 UTC));
    let later = of(&w, "CFQ7TTC0MM8R").remove(0);
    assert_eq!(later.unit_price_minor, 30_000, "no job: the clock decides");
    assert_eq!(later.scheduled, None);
}

#[test]
fn where_two_prices_overlap_the_one_that_ends_first_applies_until_it_ends() {
    // Microsoft's example (0033 §3): the old row runs to 3 Nov 06:57, the new
    // one from 1 Nov; "a transaction made on November 2 would be related to the top line item".
    let w = world();
    w.clock.set(datetime!(2026-10-15 12:00 UTC));
    import(
        &w,
        &[
            Row {
                price: "120.00",
                start: "2026-10-01T00:00:00.0000000Z",
                end: "2026-11-03T06:57:00.0000000Z",
                ..E3
            },
            Row {
                price: "132.00",
                start: "2026-11-01T00:00:00.0000000Z",
                ..E3
            },
        ],
    );
    let price_on = |at| {
        w.clock.set(at);
        of(&w, "CFQ7TTC0MM8R")[0].unit_price_minor
    };
    assert_eq!(price_on(datetime!(2026-11-02 12:00 UTC)), 1_000);
    assert_eq!(price_on(datetime!(2026-11-03 06:56 UTC)), 1_000);
    assert_eq!(price_on(datetime!(2026-11-03 06:57 UTC)), 1_100);
}

#[test]
fn the_preview_counts_what_it_adds_changes_and_schedules_and_writes_nothing() {
    let w = world();
    let basic = Row {
        title: "Microsoft 365 Business Basic",
        product: "CFQ7TTC0LH18",
        sku: "0001",
        market: "PL",
        currency: "PLN",
        price: "312.00",
        ..E3
    };
    import(&w, &[E3, basic.clone()]);
    let prices = dated_prices(&w);
    let rows = [
        E3.clone(), // line 2: unchanged
        Row {
            price: "325.20",
            ..basic.clone()
        }, // line 3: a new price for a known service
        Row {
            plan: "Monthly",
            price: "3393.96",
            ..E3
        }, // line 4: a new service
        Row {
            price: "3600.00",
            start: "2027-01-01T00:00:00.0000000Z",
            ..E3
        }, // line 5: scheduled
        Row {
            price: "3000.00",
            start: "2026-01-01T00:00:00.0000000Z",
            end: "2026-06-30T23:59:59.0000000Z",
            ..E3
        }, // line 6: ended, history
        Row {
            price: "12,5x",
            ..E3
        }, // line 7: bad
        Row {
            segment: "Academic",
            plan: "Monthly",
            product: "CFQ7TTC0LFLX",
            ..E3
        }, // line 8: a new service, Microsoft's older word for Education
    ];
    let seen = preview(&w, &rows);
    let s = &seen.summary;
    assert_eq!(
        (s.added, s.changed, s.scheduled, s.unchanged, s.ended),
        (2, 1, 1, 1, 1)
    );
    assert_eq!((seen.report.rows, seen.report.valid), (7, 6));
    assert_eq!(seen.report.imported, 0);
    let kinds: Vec<(PriceChangeKind, u32, i64, Option<i64>)> = s
        .examples
        .iter()
        .map(|e| (e.kind, e.line, e.unit_price_minor, e.before_minor))
        .collect();
    assert_eq!(
        kinds,
        [
            (PriceChangeKind::Change, 3, 2_710, Some(2_600)),
            (PriceChangeKind::Add, 4, 28_283, None),
            (PriceChangeKind::Schedule, 5, 30_000, None),
            (PriceChangeKind::Add, 8, 28_283, None),
        ]
    );
    assert_eq!(
        s.examples[2].starts_at.as_deref(),
        Some("2027-01-01T00:00:00.000Z")
    );
    assert_eq!(dated_prices(&w), prices, "a preview writes nothing");

    // Applied, it does what the preview said.
    let (done, _) = import_as(&w, &w.admin, &file(&rows)).unwrap();
    assert_eq!(done.summary, seen.summary);
    assert_eq!(done.report.imported, 6);
    assert_eq!(
        dated_prices(&w),
        prices + 4,
        "line 3 rewrites its row; line 2 is left alone"
    );
    let again = preview(&w, &rows).summary;
    assert_eq!(
        (again.added, again.changed, again.scheduled, again.unchanged),
        (0, 0, 1, 4),
        "the scheduled row is still to come"
    );
}

fn apply(
    w: &World,
    csv: &str,
    mode: ImportMode,
    cancel: &AtomicBool,
) -> crate::error::Result<PriceListPreview> {
    let progress = |_done: u32, _total: u32| {};
    apply_price_list(
        &w.store,
        &w.clock,
        &w.admin,
        &csv.into(),
        mode,
        &progress,
        cancel,
    )
    .map(|(p, _)| p)
}

#[test]
fn all_or_nothing_writes_nothing_when_a_row_fails_and_valid_rows_writes_the_rest() {
    let w = world();
    let csv = file(&[
        E3,
        Row {
            price: "free",
            plan: "Monthly",
            ..E3
        },
    ]);
    let none = apply(&w, &csv, ImportMode::AllOrNothing, &AtomicBool::new(false)).unwrap();
    assert_eq!((none.report.imported, none.report.problems.len()), (0, 1));
    assert_eq!(dated_prices(&w), 0);
    assert!(of(&w, "CFQ7TTC0MM8R").is_empty());
    let some = apply(&w, &csv, ImportMode::ValidRows, &AtomicBool::new(false)).unwrap();
    assert_eq!(some.report.imported, 1);
    assert_eq!(of(&w, "CFQ7TTC0MM8R").len(), 1);
}

#[test]
fn a_cancelled_price_list_import_leaves_nothing_behind() {
    let w = world();
    let rows: Vec<Row> = ["P1M", "P1Y", "P3Y"]
        .into_iter()
        .map(|term| Row { term, ..E3 })
        .collect();
    let cancel = AtomicBool::new(false);
    // The first progress report comes after the first row is written.
    let progress = |_done: u32, _total: u32| cancel.store(true, Ordering::Relaxed);
    let error = apply_price_list(
        &w.store,
        &w.clock,
        &w.admin,
        &file(&rows).as_str().into(),
        ImportMode::ValidRows,
        &progress,
        &cancel,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "The import was cancelled; no price-list row was imported."
    );
    assert_eq!(dated_prices(&w), 0);
    assert!(of(&w, "CFQ7TTC0MM8R").is_empty());
}

#[test]
fn each_bad_value_is_reported_with_its_line_column_and_value_as_written() {
    let w = world();
    let mut rows: Vec<Row> = (0..12)
        .map(|i| Row {
            sku: [
                "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010",
                "0011", "0012",
            ][i],
            ..E3
        })
        .collect();
    rows.push(Row {
        price: "12,5x",
        ..E3
    }); // line 14
    rows.push(Row {
        start: "31/12/2026",
        ..E3
    });
    rows.push(Row {
        segment: "Retail",
        ..E3
    });
    rows.push(Row {
        tier_min: "ten",
        ..E3
    });
    rows.push(Row {
        erp: "4242.36 GBP",
        ..E3
    });
    rows.push(Row { term: "P2Y", ..E3 });
    rows.push(Row {
        tags: "License; Trial",
        ..E3
    });
    rows.push(Row {
        start: "2026-12-01T00:00:00Z",
        end: "2026-11-01T00:00:00Z",
        ..E3
    });
    let seen = preview(&w, &rows);
    let problems: Vec<(u32, &str, &str)> = seen
        .report
        .problems
        .iter()
        .map(|p| (p.line, p.field.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        problems,
        [
            (14, "UnitPrice", "UnitPrice '12,5x' is not a price"),
            (15, "EffectiveStartDate", "EffectiveStartDate '31/12/2026' is not a date (e.g. 2026-12-01T00:00:00Z or 12/1/2026 0:00)"),
            (16, "Segment", "Segment 'Retail' is not Commercial, Education, Government or Charity"),
            (17, "PricingTierRangeMin", "PricingTierRangeMin 'ten' is not a whole number of licences"),
            (18, "ERP Price", "ERP Price '4242.36 GBP' is not a price"),
            (19, "TermDuration", "TermDuration 'P2Y' is not P1M, P1Y or P3Y"),
            (20, "Tags", "Tags 'License; Trial' marks a trial, but a trial's BillingPlan is None, not annual"),
            (21, "EffectiveEndDate", "EffectiveEndDate '2026-11-01T00:00:00Z' is not after EffectiveStartDate"),
        ]
    );
    assert_eq!(
        seen.report.problems[0].text.pl,
        "UnitPrice „12,5x” nie jest ceną"
    );
    assert_eq!(seen.summary.added, 12);
}

#[test]
fn a_trial_row_is_a_trial_offer_with_microsofts_seats_and_days() {
    let w = world();
    import(
        &w,
        &[Row {
            term: "P1M",
            plan: "None",
            price: "0",
            tags: "License; Trial",
            ..E3
        }],
    );
    let trial = of(&w, "CFQ7TTC0MM8R").remove(0);
    assert_eq!(
        (
            trial.billing_plan.as_str(),
            trial.trial_seats,
            trial.trial_days,
            trial.unit_price_minor
        ),
        ("none", Some(25), Some(30), 0)
    );
}

#[test]
fn the_suggested_retail_price_is_stored_beside_the_partners_and_both_are_scheduled() {
    let w = world();
    import(
        &w,
        &[
            Row {
                erp: "4242.36",
                ..E3
            },
            Row {
                price: "3600.00",
                erp: "4500.00",
                start: "2027-01-01T00:00:00.0000000Z",
                ..E3
            },
        ],
    );
    let e3 = of(&w, "CFQ7TTC0MM8R").remove(0);
    assert_eq!(
        (e3.unit_price_minor, e3.erp_price_minor),
        (28_283, Some(35_353))
    );
    assert_eq!(
        e3.scheduled
            .map(|s| (s.unit_price_minor, s.erp_price_minor)),
        Some((30_000, Some(37_500)))
    );
}

#[test]
fn description_publisher_and_unit_are_stored_and_markup_becomes_text() {
    let w = world();
    import(
        &w,
        &[Row {
            description: "<p>Best for businesses that need <b>professional email</b> &amp; Teams.</p><ul><li>Exchange</li><li>OneDrive</li></ul>",
            sku: "1",
            ..E3
        }],
    );
    let e3 = of(&w, "CFQ7TTC0MM8R").remove(0);
    assert_eq!(
        e3.description,
        "Best for businesses that need professional email & Teams.\n• Exchange\n• OneDrive"
    );
    assert_eq!(e3.publisher, "Microsoft Corporation");
    assert_eq!(e3.unit_of_measure, "");
    assert_eq!(e3.sku_id, "0001", "Excel's '1' is Microsoft's 0001");
}

#[test]
fn microsofts_three_ways_of_writing_a_date_are_read_in_utc() {
    use super::price_list::price_date;
    for (written, stored) in [
        (
            "2021-10-01T00:00:00.0000000Z",
            Some("2021-10-01T00:00:00.000Z"),
        ),
        ("2/1/2023 0:00", Some("2023-02-01T00:00:00.000Z")),
        ("2/4/2021 8:35:31 PM", Some("2021-02-04T20:35:31.000Z")),
        ("2/1/2019 12:00:00 AM", Some("2019-02-01T00:00:00.000Z")),
        ("11/30/9999 23:59", None),
        ("9999-11-30T23:59:59.0000000Z", None),
        ("2026-12-01", Some("2026-12-01T00:00:00.000Z")),
    ] {
        assert_eq!(
            price_date("EffectiveStartDate", written)
                .unwrap()
                .as_deref(),
            stored,
            "{written}"
        );
    }
    for bad in [
        "13/1/2026 0:00",
        "2/30/2026",
        "2/1/2026 13:00 PM",
        "yesterday",
    ] {
        assert!(price_date("EffectiveStartDate", bad).is_err(), "{bad}");
    }
}

#[test]
fn a_price_set_by_hand_replaces_the_one_in_force_and_the_scheduled_one_still_comes() {
    let w = world();
    import(
        &w,
        &[
            E3,
            Row {
                price: "3600.00",
                start: "2026-12-01T00:00:00.0000000Z",
                ..E3
            },
        ],
    );
    let e3 = of(&w, "CFQ7TTC0MM8R").remove(0);
    let input = ServiceUpdate {
        title: e3.title.clone(),
        unit_price_minor: 27_000,
        currency: e3.currency.clone(),
        trial_seats: None,
        trial_days: None,
        decrease_window_days: 7,
    };
    let (saved, _) = update(&w.store, &w.clock, &w.admin, &e3.id, &input).unwrap();
    assert_eq!(
        (saved.unit_price_minor, saved.term_price_minor),
        (27_000, Some(324_000))
    );
    w.clock.set(datetime!(2026-12-02 00:00 UTC));
    assert_eq!(of(&w, "CFQ7TTC0MM8R")[0].unit_price_minor, 30_000);
}

#[test]
fn an_offer_line_starts_from_the_partners_price_or_the_suggested_retail_price() {
    use crate::access::{CompanyRole, CustomerAccess};
    use crate::offers::{self, OfferDraftInput, OfferLineInput};
    let w = world();
    import(
        &w,
        &[
            Row {
                erp: "4242.36",
                ..E3
            },
            Row {
                product: "CFQ7TTC0LFLX",
                ..E3
            },
        ],
    );
    let e3 = of(&w, "CFQ7TTC0MM8R").remove(0);
    let no_erp = of(&w, "CFQ7TTC0LFLX").remove(0);
    // A seller who may not change prices may still start from either catalog price.
    let seller = w.staff("Sam Seller", CompanyRole::None, CustomerAccess::Full);
    let draft = |service: &Service, price: i64, source: Option<PriceSource>| OfferDraftInput {
        prospect_name: "Gamma Sp. z o.o.".into(),
        prospect_email: "it@gamma.pl".into(),
        language: "pl".into(),
        valid_until: "2026-12-24".into(),
        lines: vec![OfferLineInput {
            service_id: service.id.clone(),
            quantity: 10,
            unit_price_minor: price,
            price_source: source,
            discount_bp: 0,
        }],
        ..Default::default()
    };
    let (retail, _) = offers::create(
        &w.store,
        &w.clock,
        &seller,
        &draft(&e3, 35_353, Some(PriceSource::Retail)),
    )
    .unwrap();
    let line = &retail.lines[0];
    assert_eq!(
        (
            line.price_source,
            line.unit_price_minor,
            line.catalog_price_minor
        ),
        (PriceSource::Retail, 35_353, 35_353)
    );
    let (partner, _) =
        offers::create(&w.store, &w.clock, &seller, &draft(&e3, 28_283, None)).unwrap();
    assert_eq!(
        (
            partner.lines[0].price_source,
            partner.lines[0].catalog_price_minor
        ),
        (PriceSource::Partner, 28_283)
    );
    // The retail price is a catalog price only where the price list gives one.
    let error = offers::create(
        &w.store,
        &w.clock,
        &w.admin,
        &draft(&no_erp, 28_283, Some(PriceSource::Retail)),
    )
    .unwrap_err();
    assert_eq!(error.field(), Some("price_source"));
    assert_eq!(
        error.to_string(),
        "Microsoft 365 E3 has no suggested retail price (the price list's ERP Price)"
    );
}

#[test]
fn a_service_whose_first_price_is_scheduled_cannot_be_offered_before_its_date() {
    use crate::offers::{self, OfferDraftInput, OfferLineInput};
    let w = world();
    import(
        &w,
        &[Row {
            start: "2027-01-01T00:00:00.0000000Z",
            ..E3
        }],
    );
    let e3 = of(&w, "CFQ7TTC0MM8R").remove(0);
    assert!(e3.no_price_now);
    let input = OfferDraftInput {
        prospect_name: "Gamma".into(),
        valid_until: "2026-12-24".into(),
        lines: vec![OfferLineInput {
            service_id: e3.id.clone(),
            quantity: 1,
            unit_price_minor: 28_283,
            price_source: None,
            discount_bp: 0,
        }],
        ..Default::default()
    };
    let error = offers::create(&w.store, &w.clock, &w.admin, &input).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Microsoft 365 E3 has no price in force yet: its price starts on 2027-01-01"
    );
}
