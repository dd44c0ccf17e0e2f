//! The customer list at scale: prints numbers, asserts nothing about speed.
//!
//! Seeds a throw-away database with N customers (default 100,000) and 2×N
//! delegated-admin relationships, then times the list screen's queries through
//! the real `customers::list` / `get` / `create`, each beside the same SQL run
//! by hand on a plain rusqlite connection to the same file, and prints SQLite's
//! query plan for each.
//!
//! Seeding: the first customers go through `customers::create` (and a few of
//! their relationships through `relationships::offer` / `record_acceptance` /
//! `terminate`), which also measures how long the one-by-one path would take;
//! the rest are written in large transactions with the same INSERTs the core
//! uses (`name_key` and `search_text` folded by `fold::fold`), so the FTS5
//! triggers index them exactly as they index customers added in the app. The
//! customers created through the core are then checked against the seeder's
//! own `search_text` / `name_key`, and the list state of every customer is
//! derived with the core's "most advanced relationship" rule.
//!
//! ```text
//! cargo run --release -p partnerdesk-core --example bench_customers            # 100,000
//! cargo run --release -p partnerdesk-core --example bench_customers -- 20000
//! ```

mod bench_support;

use std::path::Path;
use std::time::{Duration as StdDuration, Instant};

use partnerdesk_core::auth::Actor;
use partnerdesk_core::clock::{to_rfc3339, Clock, ManualClock, SystemClock};
use partnerdesk_core::customers::{
    self, Customer, CustomerPage, CustomerQuery, CustomerSort, CustomerSummary,
};
use partnerdesk_core::fold::fold;
use partnerdesk_core::relationships::{self, RelationshipOffer};
use partnerdesk_core::validate::like_escape;
use partnerdesk_core::Store;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, TransactionBehavior};
use time::{Duration, OffsetDateTime};

use bench_support::seed::{
    added_at, company, insert_customer, insert_relationship, refresh_states, relationship,
    relationship_counts, seed_customers, seeding_progress, sign_in_first_admin, Generator,
    SeedCustomer, BATCH, NOW,
};
use bench_support::{
    checkpoint_then_read_only, cursors_at, file_size, format_duration, measure, measure_pair, mib,
    one_line, open_raw, plan, progress, size_arg, text, BenchResult, Rng, Stats, ITERATIONS,
    WARM_UP,
};

const DEFAULT_CUSTOMERS: u64 = 100_000;
/// At most this many customers go through `customers::create` one by one.
const CORE_SAMPLE: usize = 1_000;
/// Of those, this many get their relationships through `relationships::offer`.
const CORE_RELATIONSHIP_SAMPLE: usize = 200;
const PAGE: u32 = 100;
/// Distinct inputs a varying case cycles through (cursors, ids).
const VARIANTS: usize = 40;

/// The targets the table is judged against.
const SEARCH_P95: StdDuration = StdDuration::from_millis(10);
const OTHER_P99: StdDuration = StdDuration::from_millis(5);
const MAX_RATIO: f64 = 2.0;

struct Seeded {
    actor: Actor,
    generator: Generator,
    total: StdDuration,
    lines: Vec<String>,
}

fn seed(store: &Store, n: usize) -> BenchResult<Seeded> {
    let mut generator = Generator::new(Rng(0xC057_0C0F_FEE5));
    let mut rel_rng = Rng(0x6DA9_2025);
    let mut lines = Vec::new();
    let all_started = Instant::now();

    // ---- set-up, then the customers: the first through `customers::create` --
    let actor = sign_in_first_admin(store, company())?;
    let core_count = CORE_SAMPLE.min(n / 20).max(1);
    let ids = seed_customers(store, &actor, &mut generator, (n, core_count), &mut lines)?;
    let added_at = |i: usize| added_at(n, i);

    // ---- relationships ------------------------------------------------------
    // A few through the core, as staff make them, twenty days ago.
    let core_rel = CORE_RELATIONSHIP_SAMPLE.min(core_count);
    let rel_clock = ManualClock::at(NOW - Duration::days(20));
    let started = Instant::now();
    let mut core_relationships = 0;
    for (k, id) in ids.iter().take(core_rel).enumerate() {
        let offer = |display: String, roles: &[&str], request| RelationshipOffer {
            customer_id: id.clone(),
            display_name: display,
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            duration_days: 365,
            auto_extend: !roles.contains(&"62e90394-69f5-4237-9190-012177145e10"),
            request_approval: request,
        };
        let (first, _) = relationships::offer(
            store,
            &rel_clock,
            &actor,
            &offer(
                format!("Partner-Haslo-{k:05}"),
                &["966707d0-3269-4727-9be2-8c3a10f19b9d"],
                true,
            ),
        )?;
        if rel_rng.chance(70) {
            rel_clock.advance(Duration::hours(1));
            relationships::record_acceptance(store, &rel_clock, &actor, &first.id, None)?;
        }
        let (second, _) = relationships::offer(
            store,
            &rel_clock,
            &actor,
            &offer(
                format!("Partner-Admin-{k:05}"),
                &["62e90394-69f5-4237-9190-012177145e10"],
                false,
            ),
        )?;
        if rel_rng.chance(30) {
            relationships::terminate(store, &rel_clock, &actor, &second.id)?;
        }
        core_relationships += 2;
        rel_clock.advance(Duration::minutes(3));
    }
    let core_rel_time = started.elapsed();

    // The rest by SQL: 2×N in all.
    let started = Instant::now();
    let counts = relationship_counts(&mut rel_rng, n - core_rel, 2 * n - core_relationships);
    let total_sql: usize = counts.iter().sum();
    let mut written = 0;
    let mut serial = 0_usize;
    let mut c = core_rel;
    while c < n {
        let end = (c + BATCH).min(n);
        store.write(|tx| {
            for (offset, id) in ids[c..end].iter().enumerate() {
                let index = c + offset;
                for _ in 0..counts[index - core_rel] {
                    serial += 1;
                    let name = format!(
                        "{}-{}-{serial:06}",
                        ["GDAP", "Helpdesk", "Admin", "Hasla", "Wsparcie"][serial % 5],
                        index
                    );
                    let r = relationship(&mut rel_rng, added_at(index), name);
                    insert_relationship(tx, &mut rel_rng, id, &r).map_err(|e| {
                        partnerdesk_core::Error::Internal(format!("seeding relationship: {e}"))
                    })?;
                    written += 1;
                }
            }
            Ok(())
        })?;
        c = end;
        seeding_progress("relationships by SQL", written, total_sql, started)?;
    }
    eprintln!();
    let before: Vec<String> = store.read(|conn| {
        let mut s = conn.prepare("SELECT relationship_state FROM customers WHERE id = ?1")?;
        let mut out = Vec::new();
        for id in ids.iter().take(core_rel) {
            out.push(s.query_row([id], |r| r.get(0))?);
        }
        Ok(out)
    })?;
    store.write(|tx| {
        tx.execute(&refresh_states(), [])?;
        Ok(())
    })?;
    let after: Vec<String> = store.read(|conn| {
        let mut s = conn.prepare("SELECT relationship_state FROM customers WHERE id = ?1")?;
        let mut out = Vec::new();
        for id in ids.iter().take(core_rel) {
            out.push(s.query_row([id], |r| r.get(0))?);
        }
        Ok(out)
    })?;
    if before != after {
        return Err("the bulk relationship-state refresh disagrees with the core's refresh".into());
    }
    let rel_sql_time = started.elapsed();
    lines.push(format!(
        "- {core_relationships} relationships for {core_rel} customers through \
         `relationships::offer` / `record_acceptance` / `terminate`: {:.2} s",
        core_rel_time.as_secs_f64()
    ));
    lines.push(format!(
        "- {total_sql} relationships by SQL, then every customer's `relationship_state` set by \
         the core's rule (most advanced state; the core-made ones came out unchanged): {:.2} s",
        rel_sql_time.as_secs_f64()
    ));
    Ok(Seeded {
        actor,
        generator,
        total: all_started.elapsed(),
        lines,
    })
}

// ---------------------------------------------------------------------------
// The list by hand: the statements `customers::list` runs, on a plain connection
// ---------------------------------------------------------------------------

const SUMMARY_COLUMNS: &str = "c.id, c.company_name, c.default_domain, c.contact_email,
    c.tenant_id, c.relationship_state, c.archived,
    (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM customer_tags t WHERE t.customer_id = c.id ORDER BY tag)),
    c.created_at";

/// `customers::get`'s columns.
const CUSTOMER_COLUMNS: &str = "id, company_name, default_domain, other_domains, tenant_id, street, city,
    postal_code, country, contact_name, contact_email, contact_phone, language, notes,
    (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM customer_tags t WHERE t.customer_id = customers.id ORDER BY tag)),
    relationship_state, archived, created_at, updated_at, partner_relationship";

struct RawSql {
    count: String,
    count_params: Vec<SqlValue>,
    page: String,
    page_params: Vec<SqlValue>,
    limit: usize,
}

fn raw_sql(q: &CustomerQuery) -> RawSql {
    let mut clauses = vec!["c.archived = ?".to_owned()];
    let mut values = vec![SqlValue::Integer(i64::from(q.archived))];
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    if let Some(search) = given(&q.search) {
        let folded = fold(&search);
        if folded.chars().count() >= 3 {
            clauses.push(
                "c.rowid IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)"
                    .into(),
            );
            values.push(text(&format!("\"{}\"", folded.replace('"', "\"\""))));
        } else {
            clauses.push("c.search_text LIKE ? ESCAPE '\\'".into());
            values.push(text(&format!("%{}%", like_escape(&folded))));
        }
    }
    if let Some(tag) = given(&q.tag) {
        clauses.push("c.id IN (SELECT customer_id FROM customer_tags WHERE tag = ?)".into());
        values.push(text(&tag));
    }
    if let Some(state) = given(&q.relationship_state) {
        clauses.push("c.relationship_state = ?".into());
        values.push(text(&state));
    }
    let count = format!(
        "SELECT count(*) FROM customers c WHERE {}",
        clauses.join(" AND ")
    );
    let count_params = values.clone();
    let (key_column, order, compare) = match q.sort {
        CustomerSort::Name => ("c.name_key", "c.name_key ASC, c.id ASC", ">"),
        CustomerSort::Added => ("c.created_at", "c.created_at DESC, c.id DESC", "<"),
    };
    if let Some((key, id)) = q.cursor.as_deref().and_then(|c| c.split_once('\u{1f}')) {
        clauses.push(format!("({key_column}, c.id) {compare} (?, ?)"));
        values.push(text(key));
        values.push(text(id));
    }
    let limit = q.limit.unwrap_or(PAGE) as usize;
    values.push(SqlValue::Integer(limit as i64 + 1));
    RawSql {
        count,
        count_params,
        page: format!(
            "SELECT {SUMMARY_COLUMNS}, {key_column} FROM customers c WHERE {} ORDER BY {order} LIMIT ?",
            clauses.join(" AND ")
        ),
        page_params: values,
        limit,
    }
}

fn raw_list(conn: &Connection, sql: &RawSql) -> BenchResult<CustomerPage> {
    let total: u32 = conn
        .prepare_cached(&sql.count)?
        .query_row(params_from_iter(sql.count_params.iter()), |r| r.get(0))?;
    let mut rows = conn
        .prepare_cached(&sql.page)?
        .query_map(params_from_iter(sql.page_params.iter()), |row| {
            let tags: Option<String> = row.get(7)?;
            Ok((
                CustomerSummary {
                    id: row.get(0)?,
                    company_name: row.get(1)?,
                    default_domain: row.get(2)?,
                    contact_email: row.get(3)?,
                    tenant_id: row.get(4)?,
                    relationship_state: row.get(5)?,
                    archived: row.get(6)?,
                    tags: tags
                        .map(|t| t.split('\u{1f}').map(str::to_owned).collect())
                        .unwrap_or_default(),
                    created_at: row.get(8)?,
                },
                row.get::<_, String>(9)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let next_cursor = if rows.len() > sql.limit {
        rows.truncate(sql.limit);
        rows.last()
            .map(|(row, key)| format!("{key}\u{1f}{}", row.id))
    } else {
        None
    };
    Ok(CustomerPage {
        rows: rows.into_iter().map(|(row, _)| row).collect(),
        total: Some(total),
        next_cursor,
    })
}

fn split(text: Option<String>, separator: char) -> Vec<String> {
    text.map(|t| {
        t.split(separator)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

fn raw_get(conn: &Connection, id: &str) -> BenchResult<Customer> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = ?1"
        ))?
        .query_row([id], |row| {
            Ok(Customer {
                id: row.get(0)?,
                company_name: row.get(1)?,
                default_domain: row.get(2)?,
                other_domains: split(row.get(3)?, '\n'),
                tenant_id: row.get(4)?,
                street: row.get(5)?,
                city: row.get(6)?,
                postal_code: row.get(7)?,
                country: row.get(8)?,
                contact_name: row.get(9)?,
                contact_email: row.get(10)?,
                contact_phone: row.get(11)?,
                language: row.get(12)?,
                notes: row.get(13)?,
                tags: split(row.get(14)?, '\u{1f}'),
                relationship_state: row.get(15)?,
                archived: row.get(16)?,
                created_at: row.get(17)?,
                updated_at: row.get(18)?,
                partner_relationship: row.get(19)?,
            })
        })?)
}

const UNIQUE_DOMAIN: &str =
    "SELECT company_name FROM customers WHERE default_domain = ?1 AND id <> coalesce(?2, '')";
const UNIQUE_TENANT: &str =
    "SELECT company_name FROM customers WHERE tenant_id = ?1 AND id <> coalesce(?2, '')";

/// What `customers::create` writes, by hand in one IMMEDIATE transaction:
/// the uniqueness checks, the INSERTs and the re-read, but no audit entry.
fn raw_create(conn: &mut Connection, c: &SeedCustomer, now: &str) -> BenchResult<usize> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = uuid::Uuid::new_v4().to_string();
    let taken = |sql: &str, value: &str| -> BenchResult<bool> {
        let mut statement = tx.prepare_cached(sql)?;
        let mut rows = statement.query(params![value, Option::<String>::None])?;
        Ok(rows.next()?.is_some())
    };
    if taken(UNIQUE_DOMAIN, &c.default_domain)? {
        return Err(format!("{} taken", c.default_domain).into());
    }
    if let Some(tenant) = &c.tenant_id {
        if taken(UNIQUE_TENANT, tenant)? {
            return Err(format!("{tenant} taken").into());
        }
    }
    insert_customer(&tx, c, &id, now)?;
    let created = raw_get(&tx, &id)?;
    tx.commit()?;
    Ok(created.tags.len())
}

// ---------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// Search: core p95 ≤ 10 ms.
    Search,
    /// Everything else: core p99 ≤ 5 ms.
    Other,
    /// Reported only (a 1–2 letter search scans; it is expected to be slower).
    Report,
}

struct ListCase {
    name: String,
    goal: Goal,
    /// Cycled through, one per call.
    queries: Vec<CustomerQuery>,
}

fn query(search: Option<&str>, sort: CustomerSort) -> CustomerQuery {
    CustomerQuery {
        search: search.map(str::to_owned),
        sort,
        limit: Some(PAGE),
        ..Default::default()
    }
}

/// Cursors a user would hold after paging `depth` rows into a list.
fn cursors(conn: &Connection, base: &CustomerQuery, depths: &[u32]) -> BenchResult<Vec<String>> {
    let sql = raw_sql(&CustomerQuery {
        limit: Some(1),
        ..base.clone()
    });
    cursors_at(conn, &sql.page, &sql.page_params, 9, depths)
}

/// Fragments a user types to find one customer: the first 8 characters of a
/// tenant ID, and the letters of an initial domain (without its number).
fn one_customer(conn: &Connection) -> BenchResult<(String, String)> {
    let (tenant, domain): (String, String) = conn.query_row(
        "SELECT tenant_id, default_domain FROM customers
         WHERE archived = 0 AND tenant_id IS NOT NULL ORDER BY rowid
         LIMIT 1 OFFSET (SELECT count(*) / 2 FROM customers)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let name = domain.split('.').next().unwrap_or_default();
    Ok((
        tenant.chars().take(8).collect(),
        name.trim_end_matches(|c: char| c.is_ascii_digit())
            .to_owned(),
    ))
}

fn matches(n: u32) -> String {
    if n == 1 {
        "1 match".into()
    } else {
        format!("{n} matches")
    }
}

fn spread(total: u32, from: f64, to: f64) -> Vec<u32> {
    (0..VARIANTS)
        .map(|k| {
            let share = from + (to - from) * k as f64 / (VARIANTS - 1) as f64;
            (f64::from(total) * share) as u32
        })
        .collect()
}

fn count_of(conn: &Connection, q: &CustomerQuery) -> BenchResult<u32> {
    let sql = raw_sql(q);
    Ok(
        conn.query_row(&sql.count, params_from_iter(sql.count_params.iter()), |r| {
            r.get(0)
        })?,
    )
}

fn list_cases(raw: &Connection, one: &(String, String)) -> BenchResult<Vec<ListCase>> {
    let by_name = query(None, CustomerSort::Name);
    let by_added = query(None, CustomerSort::Added);
    let all = count_of(raw, &by_name)?;
    let with_cursors = |base: &CustomerQuery, depths: &[u32]| -> BenchResult<Vec<CustomerQuery>> {
        Ok(cursors(raw, base, depths)?
            .into_iter()
            .map(|c| CustomerQuery {
                cursor: Some(c),
                ..base.clone()
            })
            .collect())
    };
    let search = |s: &str| query(Some(s), CustomerSort::Name);
    let mut cases = vec![
        ListCase {
            name: format!("first page by name ({all} current customers)"),
            goal: Goal::Other,
            queries: vec![by_name.clone()],
        },
        ListCase {
            name: format!("deep page by name via cursor ({VARIANTS} cursors, 10–95 % deep)"),
            goal: Goal::Other,
            queries: with_cursors(&by_name, &spread(all, 0.10, 0.95))?,
        },
        ListCase {
            name: "first page by date added (newest first)".into(),
            goal: Goal::Other,
            queries: vec![by_added.clone()],
        },
        ListCase {
            name: format!("deep page by date added via cursor ({VARIANTS} cursors, 10–95 % deep)"),
            goal: Goal::Other,
            queries: with_cursors(&by_added, &spread(all, 0.10, 0.95))?,
        },
    ];
    for fragment in ["kow", "zol", "sp.", "lod", "wro"] {
        cases.push(ListCase {
            name: format!(
                "search \"{fragment}\" (3 letters, {} matches)",
                count_of(raw, &search(fragment))?
            ),
            goal: Goal::Search,
            queries: vec![search(fragment)],
        });
    }
    let rotating = [
        "kow", "zol", "sp.", "lod", "wro", "now", "gda", "tra", "ltd", "log", "ska", "pia",
    ];
    cases.push(ListCase {
        name: format!(
            "search, 3 letters rotating over {} fragments ({})",
            rotating.len(),
            rotating.join(", ")
        ),
        goal: Goal::Search,
        queries: rotating.iter().map(|f| search(f)).collect(),
    });
    let sp = search("sp.");
    let sp_total = count_of(raw, &sp)?;
    cases.push(ListCase {
        name: format!("search \"sp.\", deep page via cursor ({VARIANTS} cursors, 10–95 % deep)"),
        goal: Goal::Search,
        queries: with_cursors(&sp, &spread(sp_total, 0.10, 0.95))?,
    });
    for fragment in ["kowals", "wrocla", "krakow"] {
        cases.push(ListCase {
            name: format!(
                "search \"{fragment}\" (6 letters, {} matches)",
                count_of(raw, &search(fragment))?
            ),
            goal: Goal::Search,
            queries: vec![search(fragment)],
        });
    }
    let (tenant, domain) = one;
    for (fragment, what) in [
        (&tenant, "8 characters of one tenant ID"),
        (&domain, "one customer's domain name"),
    ] {
        cases.push(ListCase {
            name: format!(
                "search \"{fragment}\" ({what}, {})",
                matches(count_of(raw, &search(fragment))?)
            ),
            goal: Goal::Search,
            queries: vec![search(fragment)],
        });
    }
    cases.push(ListCase {
        name: format!(
            "search \"ŁÓDŹ\" as typed (folds to \"lodz\", {} matches)",
            count_of(raw, &search("ŁÓDŹ"))?
        ),
        goal: Goal::Search,
        queries: vec![search("ŁÓDŹ")],
    });
    for fragment in ["k", "zo"] {
        cases.push(ListCase {
            name: format!(
                "search \"{fragment}\" ({} letter{}: LIKE scan, {} matches)",
                fragment.len(),
                if fragment.len() == 1 { "" } else { "s" },
                count_of(raw, &search(fragment))?
            ),
            goal: Goal::Report,
            queries: vec![search(fragment)],
        });
    }
    let state = |s: &str| CustomerQuery {
        relationship_state: Some(s.into()),
        ..by_name.clone()
    };
    let active_total = count_of(raw, &state("active"))?;
    cases.push(ListCase {
        name: format!("relationship state \"active\" ({active_total} matches), first page"),
        goal: Goal::Other,
        queries: vec![state("active")],
    });
    cases.push(ListCase {
        name: format!("relationship state \"active\", deep page via cursor ({VARIANTS} cursors)"),
        goal: Goal::Other,
        queries: with_cursors(&state("active"), &spread(active_total, 0.10, 0.95))?,
    });
    cases.push(ListCase {
        name: format!(
            "relationship state \"expiring\" ({} matches), first page",
            count_of(raw, &state("expiring"))?
        ),
        goal: Goal::Other,
        queries: vec![state("expiring")],
    });
    let tag = |t: &str| CustomerQuery {
        tag: Some(t.into()),
        ..by_name.clone()
    };
    for t in ["Produkcja", "VIP", "Windykacja"] {
        cases.push(ListCase {
            name: format!(
                "tag \"{t}\" ({} matches), first page",
                count_of(raw, &tag(t))?
            ),
            goal: Goal::Other,
            queries: vec![tag(t)],
        });
    }
    let combined = CustomerQuery {
        relationship_state: Some("active".into()),
        ..search("wro")
    };
    cases.push(ListCase {
        name: format!(
            "search \"wro\" + state \"active\" ({} matches)",
            count_of(raw, &combined)?
        ),
        goal: Goal::Search,
        queries: vec![combined],
    });
    Ok(cases)
}

/// One row of the table.
struct Row {
    name: String,
    goal: Goal,
    core: Stats,
    raw: Stats,
}

impl Row {
    fn ratio(&self) -> f64 {
        self.core.p50.as_secs_f64() / self.raw.p50.as_secs_f64().max(1e-9)
    }

    fn verdict(&self) -> String {
        let mut missed = Vec::new();
        match self.goal {
            Goal::Search if self.core.p95 > SEARCH_P95 => {
                missed.push(format!("p95 {} > 10 ms", format_duration(self.core.p95)));
            }
            Goal::Other if self.core.p99 > OTHER_P99 => {
                missed.push(format!("p99 {} > 5 ms", format_duration(self.core.p99)));
            }
            _ => {}
        }
        if self.ratio() > MAX_RATIO {
            missed.push(format!("{:.1}× raw", self.ratio()));
        }
        match (self.goal, missed.is_empty()) {
            (Goal::Report, true) => "reported only".into(),
            (Goal::Report, false) => format!("reported only ({})", missed.join(", ")),
            (_, true) => "ok".into(),
            (_, false) => format!("**MISSED**: {}", missed.join(", ")),
        }
    }

    fn markdown(&self) -> String {
        let goal = match self.goal {
            Goal::Search => "p95 ≤ 10 ms",
            Goal::Other => "p99 ≤ 5 ms",
            Goal::Report => "—",
        };
        format!(
            "| {} | {} | {} | {}{} | {} | {} | {}{} | {:.2}× | {goal} | {} |",
            self.name,
            format_duration(self.core.p50),
            format_duration(self.core.p95),
            format_duration(self.core.p99),
            self.core.runs_note(),
            format_duration(self.raw.p50),
            format_duration(self.raw.p95),
            format_duration(self.raw.p99),
            self.raw.runs_note(),
            self.ratio(),
            self.verdict()
        )
    }
}

fn main() -> BenchResult<()> {
    let n = size_arg(DEFAULT_CUSTOMERS)?;
    if n < 2_000 {
        return Err("give at least 2000 customers".into());
    }
    let n = n as usize;

    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.db");
    let store = Store::open(&path)?;

    println!(
        "# Customer list benchmark: {n} customers, {} relationships\n",
        2 * n
    );
    println!("Database: {} (temporary)\n", path.display());
    let Seeded {
        actor,
        mut generator,
        total: seeding,
        lines,
    } = seed(&store, n)?;
    println!(
        "## Seeding: {:.1} s in all\n\n{}\n",
        seeding.as_secs_f64(),
        lines.join("\n")
    );

    // A plain connection to the same file, for the hand-written SQL.
    let raw = open_raw(&path)?;
    let wal_before = checkpoint_then_read_only(&raw, &path)?;
    let scalar = |sql: &str| -> BenchResult<i64> { Ok(raw.query_row(sql, [], |r| r.get(0))?) };
    println!(
        "Database file: {} after a checkpoint (the WAL was {} before it); page size {} B, \
         SQLite {}, cache_size {} (the default; the core does not change it)\n",
        mib(file_size(&path)),
        mib(wal_before),
        scalar("PRAGMA page_size")?,
        raw.query_row("SELECT sqlite_version()", [], |r| r.get::<_, String>(0))?,
        scalar("PRAGMA cache_size")?,
    );
    if let Ok(mut sizes) =
        raw.prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12")
    {
        let rows = sizes
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        println!(
            "Largest tables and indexes: {}\n",
            rows.iter()
                .map(|(name, bytes)| format!("{name} {}", mib(*bytes as u64)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut states = raw
        .prepare("SELECT relationship_state, count(*) FROM customers GROUP BY 1 ORDER BY 2 DESC")?;
    let states = states
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut rel_states =
        raw.prepare("SELECT state, count(*) FROM relationships GROUP BY 1 ORDER BY 2 DESC")?;
    let rel_states = rel_states
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let pairs = |v: &[(String, i64)]| {
        v.iter()
            .map(|(s, c)| format!("{s} {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "Data: {} customers ({} archived, {} with a tenant ID, {} tag rows on {} customers), \
         {} relationships.\n\
         Customers by list state: {}.\nRelationships by state: {}.\n",
        scalar("SELECT count(*) FROM customers")?,
        scalar("SELECT count(*) FROM customers WHERE archived = 1")?,
        scalar("SELECT count(*) FROM customers WHERE tenant_id IS NOT NULL")?,
        scalar("SELECT count(*) FROM customer_tags")?,
        scalar("SELECT count(DISTINCT customer_id) FROM customer_tags")?,
        scalar("SELECT count(*) FROM relationships")?,
        pairs(&states),
        pairs(&rel_states),
    );
    let mut sample = raw.prepare(
        "SELECT company_name FROM customers WHERE rowid % ?1 = 0 ORDER BY rowid LIMIT 12",
    )?;
    let sample_names = sample
        .query_map([(n / 12).max(1) as i64], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    drop(sample);
    println!("Sample names: {}\n", sample_names.join(" · "));

    let one = one_customer(&raw)?;
    let cases = list_cases(&raw, &one)?;
    // A thousand customers to open, anywhere in the table.
    let mut id_rng = Rng(0x0F3E_2026);
    let max_rowid = scalar("SELECT max(rowid) FROM customers")?;
    let ids = (0..1000)
        .map(|_| {
            raw.query_row(
                "SELECT id FROM customers WHERE rowid = ?1",
                [1 + id_rng.below(max_rowid as u64) as i64],
                |r| r.get(0),
            )
        })
        .collect::<rusqlite::Result<Vec<String>>>()?;
    let ctx = Ctx {
        store: &store,
        actor: &actor,
        raw: &raw,
        path: &path,
    };
    let (rows, notes) = round(&ctx, &cases, &ids, &mut generator, NOW)?;
    println!(
        "## Latency ({PAGE} rows a page with the total count; {ITERATIONS} timed calls each after \
         {WARM_UP} warm-up calls, unless marked n=; raw SQL = the same statements on a plain \
         rusqlite connection with the core's pragmas)\n"
    );
    println!(
        "Targets: search p95 ≤ {} ms; every other query p99 ≤ {} ms in the core; core ≤ {MAX_RATIO}× \
         the raw SQL (compared at p50). 1–2 letter searches scan and are reported only.\n",
        SEARCH_P95.as_millis(),
        OTHER_P99.as_millis()
    );
    report(&rows);
    println!("## Query plans (EXPLAIN QUERY PLAN of the raw SQL, first input)\n");
    for note in &notes {
        println!("{note}");
    }

    Ok(())
}

struct Ctx<'a> {
    store: &'a Store,
    actor: &'a Actor,
    raw: &'a Connection,
    path: &'a Path,
}

/// Prints the table and which rows missed their targets.
fn report(rows: &[Row]) {
    println!(
        "| query | core p50 | core p95 | core p99 | raw p50 | raw p95 | raw p99 | core/raw p50 | target | verdict |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
    for row in rows {
        println!("{}", row.markdown());
    }
    let judged = rows.iter().filter(|r| r.goal != Goal::Report).count();
    let missed: Vec<&str> = rows
        .iter()
        .filter(|r| r.goal != Goal::Report && r.verdict() != "ok")
        .map(|r| r.name.as_str())
        .collect();
    println!(
        "\n{} of {judged} judged rows meet their targets{}\n",
        judged - missed.len(),
        if missed.is_empty() {
            ".".to_owned()
        } else {
            format!("; missed: {}.", missed.join("; "))
        }
    );
}

/// Times every list case, `get` and `create`; returns the table rows and, per
/// row, a note with the query plans.
fn round(
    ctx: &Ctx<'_>,
    cases: &[ListCase],
    ids: &[String],
    generator: &mut Generator,
    now: OffsetDateTime,
) -> BenchResult<(Vec<Row>, Vec<String>)> {
    let Ctx {
        store,
        actor,
        raw,
        path,
    } = *ctx;
    eprintln!("  timing {} list queries ...", cases.len());
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for (k, case) in cases.iter().enumerate() {
        progress(format_args!("{:>2} / {}", k + 1, cases.len()))?;
        let sqls: Vec<RawSql> = case.queries.iter().map(raw_sql).collect();
        // The core and the hand-written SQL must return the same page.
        let mut same = true;
        let mut first_page = None;
        for (q, sql) in case.queries.iter().zip(&sqls) {
            let core_page = customers::list(store, &SystemClock, actor, q)?;
            let raw_page = raw_list(raw, sql)?;
            // A later page may leave the total out (the first page gave it).
            same &= core_page.rows == raw_page.rows
                && core_page.next_cursor == raw_page.next_cursor
                && core_page.total.is_none_or(|t| Some(t) == raw_page.total);
            first_page.get_or_insert(core_page);
        }
        let first_page = first_page.ok_or("a case without a query")?;
        let (core, raw_stats) = measure_pair(
            |i| {
                Ok(customers::list(
                    store,
                    &SystemClock,
                    actor,
                    &case.queries[i % case.queries.len()],
                )?
                .rows
                .len())
            },
            |i| Ok(raw_list(raw, &sqls[i % sqls.len()])?.rows.len()),
        )?;
        let mut note = format!("### {}\n\n", case.name);
        note += &format!(
            "- core, first input: total {}, {} rows ({} … {}), next_cursor {}; same page as the \
             raw SQL for all {} inputs: {}\n",
            first_page.total.unwrap_or_default(),
            first_page.rows.len(),
            first_page
                .rows
                .first()
                .map_or("-", |r| r.company_name.as_str()),
            first_page
                .rows
                .last()
                .map_or("-", |r| r.company_name.as_str()),
            if first_page.next_cursor.is_some() {
                "set"
            } else {
                "none"
            },
            case.queries.len(),
            if same { "yes" } else { "NO" },
        );
        let sql = &sqls[0];
        for (label, text, params) in [
            ("count", &sql.count, &sql.count_params),
            ("page", &sql.page, &sql.page_params),
        ] {
            note += &format!(
                "- {label}: `{}`\n\n```text\n{}\n```\n",
                one_line(text),
                plan(raw, text, params)?.join("\n")
            );
        }
        notes.push(note);
        rows.push(Row {
            name: case.name.clone(),
            goal: case.goal,
            core,
            raw: raw_stats,
        });
    }
    eprintln!();

    // ---- opening one customer -------------------------------------------------
    eprintln!("  timing get and create ...");
    let mut same = true;
    for id in ids.iter().take(100) {
        same &= customers::get(store, &SystemClock, actor, id)? == raw_get(raw, id)?;
    }
    let (core, raw_stats) = measure_pair(
        |i| {
            Ok(
                customers::get(store, &SystemClock, actor, &ids[i % ids.len()])?
                    .tags
                    .len(),
            )
        },
        |i| Ok(raw_get(raw, &ids[i % ids.len()])?.tags.len()),
    )?;
    let get_sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = ?1");
    notes.push(format!(
        "### open one customer (`customers::get`, {} ids cycled)\n\n- same customer as the raw \
         SQL (100 checked): {}\n- `{}`\n\n```text\n{}\n```\n",
        ids.len(),
        if same { "yes" } else { "NO" },
        one_line(&get_sql),
        plan(raw, &get_sql, &[text(&ids[0])])?.join("\n")
    ));
    rows.push(Row {
        name: format!("open one customer (`get` by id, {} ids)", ids.len()),
        goal: Goal::Other,
        core,
        raw: raw_stats,
    });

    // ---- creating one customer ------------------------------------------------
    let calls = WARM_UP + ITERATIONS;
    let for_core: Vec<SeedCustomer> = (0..calls).map(|_| generator.customer()).collect();
    let for_raw: Vec<SeedCustomer> = (0..calls).map(|_| generator.customer()).collect();
    let clock = ManualClock::at(now);
    let core = measure(|i| {
        clock.advance(Duration::seconds(1));
        let (created, _) = customers::create(store, &clock, actor, &for_core[i].input())?;
        Ok(created.tags.len())
    })?;
    let mut writer = open_raw(path)?;
    let raw_clock = ManualClock::at(now + Duration::days(1));
    let raw_stats = measure(|i| {
        raw_clock.advance(Duration::seconds(1));
        raw_create(&mut writer, &for_raw[i], &to_rfc3339(raw_clock.now())?)
    })?;
    let mut note =
        "### create one customer (`customers::create`, a new unique domain each call)\n\n\
         - core: validation, permission check, uniqueness checks, INSERT customer + tags \
         (+ FTS trigger), re-read, hash-chained audit entry, one IMMEDIATE transaction, \
         fsync (synchronous = FULL)\n\
         - raw SQL: the same uniqueness checks, INSERTs and re-read in one IMMEDIATE \
         transaction, no audit entry, same pragmas\n"
            .to_owned();
    for sql in [UNIQUE_DOMAIN, UNIQUE_TENANT] {
        note += &format!(
            "- `{}`\n\n```text\n{}\n```\n",
            one_line(sql),
            plan(raw, sql, &[text("x"), SqlValue::Null])?.join("\n")
        );
    }
    notes.push(note);
    rows.push(Row {
        name: "create one customer (`create`, unique domain each call)".into(),
        goal: Goal::Other,
        core,
        raw: raw_stats,
    });
    Ok((rows, notes))
}
