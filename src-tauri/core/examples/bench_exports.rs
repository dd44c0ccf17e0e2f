//! The customer list exported at scale: prints numbers, asserts nothing.
//!
//! Seeds a throw-away database with N customers (default 100,000; the same
//! seeder as `bench_customers`), then exports the whole list through
//! `customers::export_as` as CSV with commas, CSV with semicolons and an
//! Excel workbook, and prints each one's time, file size, and the process's
//! peak memory (VmHWM, Linux) after it.
//!
//! ```text
//! cargo run --release -p partnerdesk-core --example bench_exports            # 100,000
//! cargo run --release -p partnerdesk-core --example bench_exports -- 20000
//! ```

mod bench_support;

use std::time::Instant;

use partnerdesk_core::clock::SystemClock;
use partnerdesk_core::csv_file::Delimiter;
use partnerdesk_core::customers::{self, CustomerQuery};
use partnerdesk_core::exports::ExportFormat;
use partnerdesk_core::Store;

use bench_support::seed::{company, seed_customers, sign_in_first_admin, Generator};
use bench_support::{mib, size_arg, BenchResult, Rng};

/// The process's peak resident memory so far, where Linux tells it.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn main() -> BenchResult<()> {
    let n = size_arg(100_000)? as usize;
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("bench.db"))?;
    let actor = sign_in_first_admin(&store, company())?;
    let mut lines = Vec::new();
    let mut generator = Generator::new(Rng(0xC057_0C0F_FEE5));
    seed_customers(&store, &actor, &mut generator, (n, 1), &mut lines)?;
    println!("# Customer list export: {n} customers\n");
    println!("after seeding: peak memory {}\n", peak_memory());
    println!("| format | rows | time | file | peak memory after |\n|---|---|---|---|---|");
    let out = dir.path().join("exports");
    for (label, format) in [
        ("CSV ,", ExportFormat::Csv(Delimiter::Comma)),
        ("CSV ;", ExportFormat::Csv(Delimiter::Semicolon)),
        ("xlsx", ExportFormat::Xlsx),
    ] {
        let started = Instant::now();
        let file = customers::export_as(
            &store,
            &SystemClock,
            &actor,
            &CustomerQuery::default(),
            format,
        )
        .and_then(|rendered| rendered.save(&out))?;
        let took = started.elapsed();
        let size = std::fs::metadata(&file.path)?.len();
        println!(
            "| {label} | {} | {:.2} s | {} | {} |",
            file.rows,
            took.as_secs_f64(),
            mib(size),
            peak_memory()
        );
    }
    Ok(())
}
