//! How long a backup and the start-up check take on a big database.
//!
//! `cargo run --release -p partnerdesk-core --example bench_backup [MiB]`
//! (default 100): fills a fresh database to about that size with rows in an
//! indexed table, then times `backup::create` (online backup, quick_check of
//! the copy, rename) and `backup::quick_check` / `backup::open_checked` on the
//! database itself, as the app does at start.

use std::time::Instant;

use partnerdesk_core::backup;
use partnerdesk_core::clock::SystemClock;
use partnerdesk_core::Store;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> BenchResult<()> {
    let mib: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("partnerdesk.sqlite3");
    let store = Store::open(&path)?;
    let started = Instant::now();
    store.write(|tx| {
        tx.execute_batch(
            "CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT NOT NULL);
             CREATE INDEX bench_rows_by_name ON bench_rows (name);",
        )?;
        Ok(())
    })?;
    // About 330 bytes a row with its index entry.
    let rows = mib * 1024 * 1024 / 330;
    let batch = 20_000;
    let mut done = 0;
    while done < rows {
        store.write(|tx| {
            let mut insert =
                tx.prepare_cached("INSERT INTO bench_rows (name, note) VALUES (?1, ?2)")?;
            for i in done..(done + batch).min(rows) {
                let name = format!(
                    "Customer {i:010} Sp. z o.o. {}",
                    i.wrapping_mul(2_654_435_761) % 97
                );
                let note = format!("{:0>200}", i.wrapping_mul(40_503));
                insert.execute((name, note))?;
            }
            Ok(())
        })?;
        done += batch;
    }
    store.read(|c| Ok(c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?))?;
    let size = std::fs::metadata(&path)?.len();
    println!(
        "seeded {rows} rows, {:.1} MiB, in {:.1} s",
        size as f64 / 1048576.0,
        started.elapsed().as_secs_f64()
    );

    for turn in 1..=3 {
        let t = Instant::now();
        let made = backup::create(&store, &SystemClock)?;
        println!(
            "backup {turn}: {:.0} ms ({} bytes, copy + quick_check of the copy + rename)",
            t.elapsed().as_secs_f64() * 1000.0,
            made.size_bytes
        );
    }
    for turn in 1..=3 {
        let t = Instant::now();
        backup::quick_check(&path).map_err(|e| format!("quick_check: {e}"))?;
        println!(
            "quick_check of the database {turn}: {:.0} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    drop(store);
    let t = Instant::now();
    drop(backup::open_checked(&path)?);
    println!(
        "open with the start-up check: {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}
