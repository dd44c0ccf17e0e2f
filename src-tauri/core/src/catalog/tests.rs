use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A};
use crate::error::ErrorCode;
use crate::testing::{world, World};

/// Applies a price list as `actor` in "import the valid rows" mode.
pub(super) fn import_as(
    w: &World,
    actor: &crate::auth::Actor,
    csv: &str,
) -> Result<(PriceListPreview, Option<crate::change::Change>)> {
    apply_price_list(
        &w.store,
        &w.clock,
        actor,
        &csv.into(),
        crate::imports::ImportMode::ValidRows,
        &|_, _| {},
        &std::sync::atomic::AtomicBool::new(false),
    )
}

#[test]
fn the_first_run_seeds_a_marked_sample_catalog() {
    let w = world();
    let services = list(&w.store, &w.clock, &w.admin).unwrap();
    assert_eq!(services.len(), 7);
    assert!(services
        .iter()
        .all(|s| s.sample && s.title.contains("sample price")));
    let basic = services
        .iter()
        .find(|s| s.title.starts_with("Microsoft 365 Business Basic"))
        .unwrap();
    assert_eq!(
        (basic.trial_seats, basic.trial_days, basic.unit_price_minor),
        (Some(25), Some(30), 2_600)
    );
}

#[test]
fn prices_convert_exactly_to_monthly_minor_units() {
    assert_eq!(
        price_list::tests_support::monthly("12.5", "EUR", "P1M"),
        Ok(1250)
    );
    assert_eq!(
        price_list::tests_support::monthly("120", "EUR", "P1Y"),
        Ok(1000)
    );
    assert_eq!(
        price_list::tests_support::monthly("100", "EUR", "P1Y"),
        Ok(833),
        "8.333… rounds to 8.33"
    );
    assert_eq!(
        price_list::tests_support::monthly("1080", "EUR", "P3Y"),
        Ok(3000),
        "a three-year term's price is for 36 months"
    );
    assert_eq!(
        price_list::tests_support::monthly("1234,56", "PLN", "P1M"),
        Ok(123_456)
    );
    assert_eq!(
        price_list::tests_support::monthly("1500", "JPY", "P1M"),
        Ok(1500),
        "no minor unit"
    );
    assert!(price_list::tests_support::monthly("12.5.1", "EUR", "P1M").is_err());
    assert!(price_list::tests_support::monthly("-3", "EUR", "P1M").is_err());
}

#[test]
fn absurd_prices_are_refused_with_their_digits_not_overflowed() {
    let monthly = price_list::tests_support::monthly;
    // 38 digits parse as an i128; multiplied by 1000 they overflowed (a panic).
    let huge = "9".repeat(38);
    let error = monthly(&huge, "PLN", "P1M").unwrap_err();
    assert_eq!(
        error.en,
        format!("'{huge}' has too many digits for a price: at most 16 before the decimal point and 12 after")
    );
    let longer = monthly(&"9".repeat(1_000_000), "PLN", "P1M").unwrap_err();
    assert!(longer.en.starts_with(&format!(
        "'{}… (1000000)' has too many digits",
        "9".repeat(40)
    )));
    assert_eq!(
        monthly("90071992547409.91", "PLN", "P1M"),
        Ok(9_007_199_254_740_991)
    );
    assert_eq!(
        monthly("90071992547409.92", "PLN", "P1M").unwrap_err().en,
        "'90071992547409.92' is more than 9007199254740991 minor units a month, the most an amount can be"
    );
    assert!(monthly(&format!("1.{}", "0".repeat(13)), "PLN", "P1M").is_err());
    assert_eq!(
        monthly(&format!("1.{}", "0".repeat(12)), "PLN", "P1M"),
        Ok(100)
    );
    assert!(monthly(&"9".repeat(17), "JPY", "P1M").is_err());
}

#[test]
fn price_list_cells_have_ceilings_too() {
    let w = world();
    let sku = "S".repeat(65);
    let csv = format!(
        "ProductTitle,ProductId,SkuId,Market,Currency,UnitPrice,TermDuration,BillingPlan\n\
         Long,CFQ7TTC0ZZZZ,{sku},PL,PLN,1.00,P1M,Monthly\n"
    );
    let (report, _) = import_as(&w, &w.admin, &csv).unwrap();
    assert_eq!(report.summary.added, 0);
    assert_eq!(report.report.problems.len(), 1);
    assert_eq!(report.report.problems[0].field, "SkuId");
    assert_eq!(
        report.report.problems[0].message,
        "use at most 64 characters (this has 65)"
    );
}

#[test]
fn the_price_list_maps_by_header_updates_in_place_and_reports_bad_lines() {
    let w = world();
    let csv = "\u{feff}ChangeIndicator,ProductTitle,ProductId,SkuId,SkuTitle,Publisher,Market,Currency,UnitPrice,TermDuration,BillingPlan,Extra\n\
Unchanged,Microsoft 365 Business Basic,CFQ7TTC0LH18,0001,Microsoft 365 Business Basic,Microsoft,PL,PLN,325.20,P1Y,Monthly,x\n\
Added,Microsoft 365 Business Basic,CFQ7TTC0LH18,0001,Microsoft 365 Business Basic,Microsoft,PL,PLN,312.00,P1Y,Annual,x\n\
Added,Bad Term,CFQ7TTC0XXXX,0001,Bad,Microsoft,PL,PLN,1.00,P2Y,Monthly,x\n\
Added,Bad Price,CFQ7TTC0YYYY,0001,Bad,Microsoft,PL,PLN,free,P1M,Monthly,x\n";
    let (report, _) = import_as(&w, &w.admin, csv).unwrap();
    assert_eq!(
        (
            report.report.rows,
            report.summary.added,
            report.summary.changed
        ),
        (4, 1, 1)
    );
    let lines: Vec<(u32, &str)> = report
        .report
        .problems
        .iter()
        .map(|p| (p.line, p.field.as_str()))
        .collect();
    assert_eq!(lines, vec![(4, "TermDuration"), (5, "UnitPrice")]);
    let services = list(&w.store, &w.clock, &w.admin).unwrap();
    assert_eq!(services.len(), 8);
    let updated = services
        .iter()
        .find(|s| s.product_id == "CFQ7TTC0LH18" && s.billing_plan == "monthly")
        .unwrap();
    assert_eq!((updated.unit_price_minor, updated.sample), (2_710, false));
    assert_eq!(updated.trial_seats, Some(25), "the trial settings stay");
    let annual = services
        .iter()
        .find(|s| s.product_id == "CFQ7TTC0LH18" && s.billing_plan == "annual")
        .unwrap();
    assert_eq!(
        annual.unit_price_minor, 2_600,
        "312.00 a year is 26.00 a month"
    );

    let missing = import_as(&w, &w.admin, "ProductId,SkuId\nA,B\n").unwrap_err();
    assert_eq!(missing.field(), Some("file"));
}

#[test]
fn only_billing_and_global_admins_change_prices() {
    let w = world();
    let billing = w.staff("Bea", R::BillingAdmin, A::None);
    let staff = w.staff("Zenon", R::None, A::Full);
    let service = list(&w.store, &w.clock, &staff).unwrap().remove(0);
    let input = ServiceUpdate {
        title: service.title.clone(),
        unit_price_minor: 9_900,
        currency: "pln".into(),
        trial_seats: Some(25),
        trial_days: Some(30),
        decrease_window_days: 7,
    };
    assert_eq!(
        update(&w.store, &w.clock, &staff, &service.id, &input)
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    let (saved, _) = update(&w.store, &w.clock, &billing, &service.id, &input).unwrap();
    assert_eq!(
        (
            saved.unit_price_minor,
            saved.currency.as_str(),
            saved.sample
        ),
        (9_900, "PLN", false)
    );
    let not_microsofts = ServiceUpdate {
        trial_seats: Some(10),
        ..input.clone()
    };
    let refused = update(&w.store, &w.clock, &billing, &service.id, &not_microsofts).unwrap_err();
    assert_eq!(refused.field(), Some("trial_seats"));
    assert!(
        refused.to_string().contains("25 licences for 30 days"),
        "{refused}"
    );
    let half_trial = ServiceUpdate {
        trial_days: None,
        ..input.clone()
    };
    assert_eq!(
        update(&w.store, &w.clock, &billing, &service.id, &half_trial)
            .unwrap_err()
            .field(),
        Some("trial_seats")
    );
    let negative = ServiceUpdate {
        unit_price_minor: -1,
        ..input
    };
    assert_eq!(
        update(&w.store, &w.clock, &billing, &service.id, &negative)
            .unwrap_err()
            .field(),
        Some("unit_price_minor")
    );
    assert_eq!(
        import_as(&w, &staff, "x").unwrap_err().code(),
        ErrorCode::Validation
    );
}

#[test]
fn unit_price_is_the_whole_terms_price_whatever_the_billing_plan() {
    let w = world();
    // Microsoft's pair: the same annual term, paid up front or monthly.
    let csv = "ProductTitle;ProductId;SkuId;Market;Currency;UnitPrice;TermDuration;BillingPlan\r\n\
Microsoft 365 E3;CFQ7TTC0MM8R;0002;GB;GBP;3393.90;P1Y;Annual\r\n\
Microsoft 365 E3;CFQ7TTC0MM8R;0002;GB;GBP;3393.96;P1Y;Monthly\r\n\
Microsoft 365 E3;CFQ7TTC0MM8R;0002;GB;GBP;10181.70;P3Y;Annual\r\n\
Microsoft 365 E3;CFQ7TTC0MM8R;0002;GB;GBP;282.83;P1M;Monthly\r\n";
    let (report, _) = import_as(&w, &w.admin, csv).unwrap();
    assert!(
        report.report.problems.is_empty(),
        "{:?}",
        report.report.problems
    );
    assert_eq!(report.summary.added, 4);
    let services = list(&w.store, &w.clock, &w.admin).unwrap();
    let monthly = |term: &str, plan: &str| {
        services
            .iter()
            .find(|s| s.product_id == "CFQ7TTC0MM8R" && s.term == term && s.billing_plan == plan)
            .map(|s| s.unit_price_minor)
            .unwrap()
    };
    // 3393.90 / 12 = 282.825, rounded half up; 3393.96 / 12 = 282.83 exactly.
    assert_eq!(monthly("P1Y", "annual"), 28_283);
    assert_eq!(
        monthly("P1Y", "monthly"),
        28_283,
        "not twelve times the annual row"
    );
    assert_eq!(monthly("P3Y", "annual"), 28_283, "10181.70 over 36 months");
    assert_eq!(monthly("P1M", "monthly"), 28_283);
}

#[test]
fn a_bad_price_list_line_is_reported_on_its_own_line_in_a_crlf_file() {
    let w = world();
    let csv = "ProductTitle,ProductId,SkuId,Market,Currency,UnitPrice,TermDuration\r\n\
A,A,0001,PL,PLN,10.00,P1M\r\n\
B,B,0001,PL,PLN,ten,P1M\r\n\
C,C,0001,PL,PLN,10.00,P1M,extra\r\n";
    let (report, _) = import_as(&w, &w.admin, csv).unwrap();
    let lines: Vec<(u32, &str)> = report
        .report
        .problems
        .iter()
        .map(|p| (p.line, p.field.as_str()))
        .collect();
    assert_eq!(lines, [(3, "UnitPrice"), (4, "file")]);
    assert_eq!(report.summary.added, 1);
}
