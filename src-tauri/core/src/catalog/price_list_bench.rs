//! How long a real price list's size takes (docs/decisions/0038).

use super::price_list_tests::HEADER;
use super::tests::import_as;
use super::*;
use crate::testing::world;

/// A real price list's size: `cargo test --release -p partnerdesk-core
/// price_list_of_100000_rows -- --ignored --nocapture` prints the timings
/// (docs/decisions/0038).
#[test]
#[ignore]
fn price_list_of_100000_rows_previews_and_applies_in_seconds() {
    let w = world();
    let mut csv = format!("{HEADER}\n");
    let terms = [
        ("P1M", "Monthly"),
        ("P1Y", "Monthly"),
        ("P1Y", "Annual"),
        ("P3Y", "Annual"),
    ];
    for i in 0..100_000u32 {
        let (term, plan) = terms[(i % 4) as usize];
        let start = if i % 10 == 0 {
            "2027-01-01T00:00:00.0000000Z"
        } else {
            "2026-11-01T00:00:00.0000000Z"
        };
        csv.push_str(&format!(
            "Unchanged,Product {n},CFQ7TTC{n:05},0001,Product {n},Microsoft Corporation,\"<p>Product {n} for business, with <b>Teams</b></p>\",,{term},{plan},PL,PLN,{price}.40,,,{start},9999-11-30T23:59:59.0000000Z,License,{erp}.00,Commercial\n",
            n = i / 4,
            price = 100 + i % 900,
            erp = 130 + i % 900,
        ));
    }
    let started = std::time::Instant::now();
    let seen = preview_price_list(&w.store, &w.clock, &w.admin, &csv.as_str().into()).unwrap();
    let previewed = started.elapsed();
    assert_eq!(seen.summary.added + seen.summary.scheduled, 100_000);
    let started = std::time::Instant::now();
    let (done, _) = import_as(&w, &w.admin, &csv).unwrap();
    let applied = started.elapsed();
    assert_eq!(done.report.imported, 100_000);
    let started = std::time::Instant::now();
    let again = preview_price_list(&w.store, &w.clock, &w.admin, &csv.as_str().into()).unwrap();
    let previewed_again = started.elapsed();
    assert_eq!(again.summary.unchanged + again.summary.scheduled, 100_000);
    let started = std::time::Instant::now();
    let services = list(&w.store, &w.clock, &w.admin).unwrap();
    let listed = started.elapsed();
    assert_eq!(services.len(), 100_000 + 7);
    println!(
        "100,000 rows ({} MB): preview {previewed:.2?}, apply {applied:.2?}, preview against the imported catalog {previewed_again:.2?}, catalog list {listed:.2?}",
        csv.len() / 1_000_000
    );
}
