//! What the benchmark examples share: seeding randomness, timing, and the raw
//! rusqlite side of each "core beside hand-written SQL" comparison.
//!
//! Lives in a directory so Cargo does not build it as an example of its own.

// Every example compiles its own copy of this module and uses only part of it.
#![allow(dead_code)]

pub mod seed;

use std::error::Error;
use std::fmt::Arguments;
use std::io::Write;
use std::path::Path;
use std::time::{Duration as StdDuration, Instant};

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OpenFlags};
use time::{Duration, OffsetDateTime};

pub type BenchResult<T> = std::result::Result<T, Box<dyn Error>>;

pub const WARM_UP: usize = 30;
pub const ITERATIONS: usize = 300;
/// A query slower than this per call (after warm-up) is timed fewer times.
pub const SLOW_CALL: StdDuration = StdDuration::from_millis(20);
pub const SLOW_ITERATIONS: usize = 40;

/// The size to seed: the first command-line argument (`1_000_000` and
/// `1,000,000` are accepted), else `default`.
pub fn size_arg(default: u64) -> BenchResult<u64> {
    Ok(match std::env::args().nth(1) {
        Some(arg) => arg.replace(['_', ','], "").parse()?,
        None => default,
    })
}

/// Rewrites the current stderr line; the trailing spaces wipe what a longer
/// previous line left behind.
pub fn progress(line: Arguments<'_>) -> BenchResult<()> {
    eprint!("\r  {line}   ");
    std::io::stderr().flush()?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Seed data
// ---------------------------------------------------------------------------

/// SplitMix64: deterministic, so two runs seed the same data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// True with `per_cent` chance.
    pub fn chance(&mut self, per_cent: u64) -> bool {
        self.below(100) < per_cent
    }

    pub fn pick<T: Copy>(&mut self, list: &[T]) -> T {
        list[self.below(list.len() as u64) as usize]
    }

    pub fn weighted(&mut self, list: &[(&'static str, u32)]) -> &'static str {
        let total: u32 = list.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(u64::from(total)) as u32;
        for (value, weight) in list {
            if roll < *weight {
                return value;
            }
            roll -= weight;
        }
        list[0].0
    }

    pub fn uuid(&mut self) -> String {
        let mut bytes = [0_u8; 16];
        bytes[..8].copy_from_slice(&self.next().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }

    /// A random moment in `from..to` (whole seconds), or `from` if empty.
    pub fn between(&mut self, from: OffsetDateTime, to: OffsetDateTime) -> OffsetDateTime {
        let span = (to - from).whole_seconds();
        if span <= 0 {
            from
        } else {
            from + Duration::seconds(self.below(span as u64) as i64)
        }
    }
}

// ---------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------

pub struct Stats {
    pub p50: StdDuration,
    pub p95: StdDuration,
    pub p99: StdDuration,
    pub runs: usize,
}

impl Stats {
    /// Marks a row timed fewer than `ITERATIONS` times, so the table's heading
    /// can state the usual count once.
    pub fn runs_note(&self) -> String {
        if self.runs == ITERATIONS {
            String::new()
        } else {
            format!(" (n={})", self.runs)
        }
    }
}

fn runs_after(warm_up: StdDuration, calls: usize) -> usize {
    if warm_up / calls as u32 > SLOW_CALL {
        SLOW_ITERATIONS
    } else {
        ITERATIONS
    }
}

pub fn percentiles(mut samples: Vec<StdDuration>) -> Stats {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Stats {
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        runs: samples.len(),
    }
}

/// Times `call(i)` for i = 0, 1, 2, …: the first `WARM_UP` calls are not counted.
pub fn measure(mut call: impl FnMut(usize) -> BenchResult<usize>) -> BenchResult<Stats> {
    let warm_started = Instant::now();
    for i in 0..WARM_UP {
        std::hint::black_box(call(i)?);
    }
    let runs = runs_after(warm_started.elapsed(), WARM_UP);
    let mut samples = Vec::with_capacity(runs);
    for i in 0..runs {
        let started = Instant::now();
        std::hint::black_box(call(WARM_UP + i)?);
        samples.push(started.elapsed());
    }
    Ok(percentiles(samples))
}

/// Times two ways of doing the same thing, alternating call by call (and which
/// goes first), so both see the same machine state (CPU frequency, OS page cache).
pub fn measure_pair(
    mut first: impl FnMut(usize) -> BenchResult<usize>,
    mut second: impl FnMut(usize) -> BenchResult<usize>,
) -> BenchResult<(Stats, Stats)> {
    let warm_started = Instant::now();
    for i in 0..WARM_UP {
        std::hint::black_box(first(i)?);
        std::hint::black_box(second(i)?);
    }
    let runs = runs_after(warm_started.elapsed(), 2 * WARM_UP);
    let (mut a, mut b) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for i in 0..runs {
        // Which goes first alternates too.
        for turn in [i % 2, 1 - i % 2] {
            let started = Instant::now();
            if turn == 0 {
                std::hint::black_box(first(WARM_UP + i)?);
                a.push(started.elapsed());
            } else {
                std::hint::black_box(second(WARM_UP + i)?);
                b.push(started.elapsed());
            }
        }
    }
    Ok((percentiles(a), percentiles(b)))
}

/// Microseconds below a millisecond, so fast rows do not all read `0.0x ms`.
pub fn format_duration(d: StdDuration) -> String {
    let micros = d.as_secs_f64() * 1e6;
    if micros < 1000.0 {
        format!("{micros:.0} µs")
    } else {
        format!("{:.2} ms", micros / 1000.0)
    }
}

// ---------------------------------------------------------------------------
// The raw side: a plain connection to the core's database file
// ---------------------------------------------------------------------------

/// Without the core's pragmas: only the busy timeout, so a checkpoint waits
/// for the core's connections instead of failing.
pub fn open_plain(path: &Path) -> BenchResult<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(StdDuration::from_secs(5))?;
    Ok(conn)
}

/// With the pragmas the core's connections run with
/// (`store::connection::configure`), so the raw SQL is not favoured by them.
pub fn open_raw(path: &Path) -> BenchResult<Connection> {
    let conn = open_plain(path)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(conn)
}

/// Folds the WAL back into the database so the file size printed is the real
/// one, then makes `conn` read-only so timing cannot change the data. Returns
/// the WAL's size before the checkpoint.
pub fn checkpoint_then_read_only(conn: &Connection, path: &Path) -> BenchResult<u64> {
    let wal_before = file_size(&path.with_extension("db-wal"));
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    conn.pragma_update(None, "query_only", "ON")?;
    Ok(wal_before)
}

/// `EXPLAIN QUERY PLAN` of `sql`, one step a line.
pub fn plan(conn: &Connection, sql: &str, params: &[SqlValue]) -> BenchResult<Vec<String>> {
    let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let rows = statement
        .query_map(params_from_iter(params.iter()), |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // Indent each step under its parent, as the sqlite3 shell does.
    let mut depth: Vec<(i64, usize)> = Vec::new();
    let mut lines = Vec::new();
    for (id, parent, detail) in rows {
        let level = depth
            .iter()
            .find(|(i, _)| *i == parent)
            .map_or(0, |(_, d)| d + 1);
        depth.push((id, level));
        lines.push(format!("{}{detail}", "  ".repeat(level)));
    }
    Ok(lines)
}

pub fn text(value: &str) -> SqlValue {
    SqlValue::Text(value.to_owned())
}

/// SQL written over several lines for reading, on one line for a Markdown
/// code span.
pub fn one_line(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 0 for a file that is not there (no WAL yet).
pub fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Cursors a user would hold after paging `depth` rows into a list: the page
/// statement run again without its LIMIT, reading the sort key (column
/// `key_column`) and id of the row at that depth, joined as the core's cursors are.
pub fn cursors_at(
    conn: &Connection,
    page: &str,
    page_params: &[SqlValue],
    key_column: usize,
    depths: &[u32],
) -> BenchResult<Vec<String>> {
    let select = page.rsplit_once(" LIMIT ?").map_or(page, |(s, _)| s);
    let select = format!("{select} LIMIT 1 OFFSET ?");
    let mut out = Vec::new();
    for depth in depths {
        let mut args = page_params[..page_params.len() - 1].to_vec();
        args.push(SqlValue::Integer(i64::from(*depth)));
        let (key, id): (String, String) =
            conn.query_row(&select, params_from_iter(args.iter()), |r| {
                Ok((r.get(key_column)?, r.get(0)?))
            })?;
        out.push(format!("{key}\u{1f}{id}"));
    }
    Ok(out)
}
