//! Audit log paging at scale: prints numbers, asserts nothing.
//!
//! Seeds a throw-away database with N entries (default 1,000,000) through the
//! real `audit::append`, then times `audit::list` for the filters the audit
//! screen offers, each beside the equivalent hand-written SQL on a plain
//! rusqlite connection, and prints SQLite's query plan for each.
//!
//! ```text
//! cargo run --release -p partnerdesk-core --example bench_audit            # 1,000,000
//! cargo run --release -p partnerdesk-core --example bench_audit -- 200000
//! ```

mod bench_support;

use std::time::{Duration as StdDuration, Instant};

use partnerdesk_core::audit::{self, ActorRef, AuditEntry, AuditQuery, Event, Outcome, Target};
use partnerdesk_core::clock::{to_rfc3339, ManualClock};
use partnerdesk_core::Store;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};
use serde_json::json;
use time::macros::datetime;
use time::Duration;

use bench_support::{
    checkpoint_then_read_only, file_size, format_duration, measure, mib, one_line, open_plain,
    plan, progress, size_arg, text, BenchResult, Rng, ITERATIONS, WARM_UP,
};

const DEFAULT_ENTRIES: u64 = 1_000_000;
const BATCH: u64 = 50_000;
const PAGE: u32 = 100;

/// What `audit::list` selects, so the raw SQL reads exactly the same columns.
const COLUMNS: &str = "seq, at, actor_id, actor_name, action, outcome, target_kind, target_id, \
                       target_label, detail, before_json, after_json";

// ---------------------------------------------------------------------------
// Seed data
// ---------------------------------------------------------------------------

/// Partner staff: mostly Polish, some English; several with diacritics.
const NAMES: [&str; 50] = [
    "Łukasz Wróbel",
    "Zofia Wiśniewska",
    "Małgorzata Kołodziej",
    "Paweł Żak",
    "Agnieszka Nowak",
    "Jan Kowalski",
    "Katarzyna Lewandowska",
    "Michał Wójcik",
    "Anna Kamińska",
    "Piotr Zieliński",
    "Ewa Szymańska",
    "Tomasz Woźniak",
    "Joanna Dąbrowska",
    "Krzysztof Kozłowski",
    "Magdalena Jankowska",
    "Marcin Mazur",
    "Aleksandra Kwiatkowska",
    "Jakub Krawczyk",
    "Natalia Piotrowska",
    "Kamil Grabowski",
    "Monika Pawłowska",
    "Mateusz Michalski",
    "Weronika Król",
    "Bartosz Wieczorek",
    "Urszula Jabłońska",
    "Szymon Nowakowski",
    "Julia Majewska",
    "Wojciech Olszewski",
    "Dorota Stępień",
    "Rafał Jaworski",
    "Beata Malinowska",
    "Sebastian Górecki",
    "Iwona Sikora",
    "Adrian Walczak",
    "Żaneta Baran",
    "Łucja Rutkowska",
    "Przemysław Michalak",
    "Grzegorz Brzęczyszczykiewicz",
    "Emily Carter",
    "James O'Connor",
    "Oliver Smith",
    "Charlotte Brown",
    "Harry Wilson",
    "Amelia Taylor",
    "Jack Thompson",
    "Sophie Evans",
    "George Walker",
    "Isabella Hughes",
    "Daniel Green",
    "Grace Hall",
];

/// The action names the core really logs, with a rough share of traffic (per mille).
const ACTIONS: [(&str, u32); 15] = [
    ("session.sign_in", 300),
    ("session.sign_out", 200),
    ("staff.view", 150),
    ("staff.update", 90),
    ("audit.view", 50),
    ("staff.create", 30),
    ("company.update", 30),
    ("staff.reset_password", 30),
    ("staff.block", 20),
    ("staff.unblock", 20),
    ("staff.change_own_password", 20),
    ("audit.export", 20),
    ("staff.remove", 15),
    ("settings.update", 15),
    ("audit.verify", 10),
];

const ROLES: [&str; 6] = [
    "none",
    "global_admin",
    "billing_admin",
    "password_admin",
    "service_admin",
    "user_management_admin",
];
const ACCESS: [&str; 3] = ["none", "full", "limited"];
const COMPANY: &str = "Contoso Sp. z o.o.";
/// Hired near the end of the span: only a handful of entries, for the
/// "rare actor + common action" case.
const NEWCOMER: &str = "Hubert Łęcki";
/// The newcomer acts only in this last share of the log, once in 1000 entries.
const NEWCOMER_SHARE: f64 = 0.05;

struct Person {
    id: String,
    name: &'static str,
    email: String,
}

impl Person {
    fn actor(&self) -> ActorRef {
        ActorRef {
            id: Some(self.id.clone()),
            name: self.name.to_owned(),
        }
    }

    fn target(&self) -> Target {
        Target {
            kind: "staff",
            id: Some(self.id.clone()),
            label: self.name.to_owned(),
        }
    }

    fn snapshot(&self, role: &str, access: &str, status: &str) -> serde_json::Value {
        json!({
            "display_name": self.name,
            "email": self.email,
            "role": role,
            "customer_access": access,
            "status": status,
        })
    }
}

/// `Łukasz Wróbel` -> `lukasz.wrobel@contoso.pl`.
fn email_for(name: &str) -> String {
    let folded: String = name
        .chars()
        .filter_map(|c| match c {
            'ą' | 'Ą' => Some('a'),
            'ć' | 'Ć' => Some('c'),
            'ę' | 'Ę' => Some('e'),
            'ł' | 'Ł' => Some('l'),
            'ń' | 'Ń' => Some('n'),
            'ó' | 'Ó' => Some('o'),
            'ś' | 'Ś' => Some('s'),
            'ź' | 'Ź' | 'ż' | 'Ż' => Some('z'),
            ' ' => Some('.'),
            '\'' => None,
            c => Some(c.to_ascii_lowercase()),
        })
        .collect();
    format!("{folded}@contoso.pl")
}

fn people(rng: &mut Rng) -> Vec<Person> {
    NAMES
        .iter()
        .chain([&NEWCOMER])
        .map(|&name| Person {
            id: rng.uuid(),
            name,
            email: email_for(name),
        })
        .collect()
}

/// A few people do most of the work: actor `i` has weight falling with `i`.
fn pick_actor(rng: &mut Rng) -> usize {
    let u = rng.unit();
    ((u * u) * NAMES.len() as f64) as usize
}

fn refusal_reason(action: &str) -> &'static str {
    match action {
        "company.update" | "settings.update" => "Only global admins can change this.",
        "audit.view" | "audit.export" | "audit.verify" => {
            "Only global admins can see the audit log."
        }
        _ => "You need the global admin or user management admin role to manage staff.",
    }
}

/// One realistic event: who did what to whom, how it ended, and what changed.
fn make_event(rng: &mut Rng, staff: &[Person], newcomer_hired: bool) -> Event {
    let actor = if newcomer_hired && rng.below(1000) == 0 {
        &staff[NAMES.len()]
    } else {
        &staff[pick_actor(rng)]
    };
    let action = rng.weighted(&ACTIONS);
    let other = &staff[rng.below(staff.len() as u64) as usize];
    let roll = rng.below(1000);
    let role = ROLES[rng.below(ROLES.len() as u64) as usize];
    let access = ACCESS[rng.below(ACCESS.len() as u64) as usize];

    let session = |label: &str| Target {
        kind: "session",
        id: None,
        label: label.to_owned(),
    };
    let log_target = || Target {
        kind: "audit_log",
        id: None,
        label: "audit log".into(),
    };

    match action {
        "session.sign_in" if roll < 60 => Event {
            outcome: Outcome::Failed,
            detail: format!("failed sign-in number {} in a row", 1 + rng.below(4)),
            ..Event::done(ActorRef::anonymous(), action, session(&other.email))
        },
        "session.sign_in" if roll < 70 => Event::refused(
            ActorRef::anonymous(),
            action,
            session(&other.email),
            "the account is blocked",
        ),
        "session.sign_in" | "session.sign_out" => {
            Event::done(actor.actor(), action, session(&actor.email))
        }
        _ if roll < 40 => {
            let target = match action {
                "company.update" => Target {
                    kind: "company",
                    id: None,
                    label: COMPANY.into(),
                },
                "settings.update" => Target {
                    kind: "settings",
                    id: None,
                    label: "idle_lock_minutes".into(),
                },
                a if a.starts_with("audit.") => log_target(),
                _ => other.target(),
            };
            Event::refused(actor.actor(), action, target, refusal_reason(action))
        }
        "staff.view" => Event::done(
            actor.actor(),
            action,
            Target {
                kind: "staff",
                id: None,
                label: "staff list".into(),
            },
        ),
        "staff.create" => Event::done(actor.actor(), action, other.target())
            .with_change(None, Some(other.snapshot(role, access, "active"))),
        "staff.update" => {
            let before_role = ROLES[rng.below(ROLES.len() as u64) as usize];
            Event::done(actor.actor(), action, other.target()).with_change(
                Some(other.snapshot(before_role, access, "active")),
                Some(other.snapshot(role, access, "active")),
            )
        }
        "staff.block" | "staff.unblock" | "staff.remove" => {
            let (before, after) = match action {
                "staff.block" => ("active", "blocked"),
                "staff.unblock" => ("blocked", "active"),
                _ => ("active", "removed"),
            };
            Event::done(actor.actor(), action, other.target()).with_change(
                Some(other.snapshot(role, access, before)),
                Some(other.snapshot(role, access, after)),
            )
        }
        "staff.reset_password" => Event::done(actor.actor(), action, other.target()),
        "staff.change_own_password" => Event::done(actor.actor(), action, actor.target()),
        "company.update" => {
            let city = if roll % 2 == 0 { "Kraków" } else { "Łódź" };
            Event::done(
                actor.actor(),
                action,
                Target {
                    kind: "company",
                    id: None,
                    label: COMPANY.into(),
                },
            )
            .with_change(
                Some(
                    json!({"legal_name": COMPANY, "city": "Warszawa", "street": "ul. Złota 44",
                            "postal_code": "00-120", "default_currency": "PLN"}),
                ),
                Some(
                    json!({"legal_name": COMPANY, "city": city, "street": "ul. Świętokrzyska 12",
                            "postal_code": "00-116", "default_currency": "PLN"}),
                ),
            )
        }
        "settings.update" => Event::done(
            actor.actor(),
            action,
            Target {
                kind: "settings",
                id: None,
                label: "idle_lock_minutes".into(),
            },
        )
        .with_change(
            Some(json!({"idle_lock_minutes": 15})),
            Some(json!({"idle_lock_minutes": 5 + rng.below(55)})),
        ),
        "audit.export" => Event {
            detail: format!("{} entries", 100 + rng.below(50_000)),
            ..Event::done(actor.actor(), action, log_target())
        },
        _ => Event::done(actor.actor(), action, log_target()),
    }
}

fn seed(store: &Store, entries: u64) -> BenchResult<(StdDuration, Vec<Person>)> {
    let mut rng = Rng(0x05EE_D0FA_0D17);
    let staff = people(&mut rng);
    let clock = ManualClock::at(datetime!(2025-06-02 07:30:00 UTC));
    let started = Instant::now();
    let mut done = 0_u64;
    while done < entries {
        let this_batch = BATCH.min(entries - done);
        store.write(|tx| {
            for i in 0..this_batch {
                let event = if done + i == 0 {
                    Event::done(
                        ActorRef::anonymous(),
                        "setup.complete",
                        Target {
                            kind: "company",
                            id: None,
                            label: COMPANY.into(),
                        },
                    )
                    .with_change(None, Some(json!({"legal_name": COMPANY, "country": "PL"})))
                } else {
                    let position = (done + i) as f64 / entries as f64;
                    make_event(&mut rng, &staff, position >= 1.0 - NEWCOMER_SHARE)
                };
                audit::append(tx, &clock, &event)?;
                // 1 to 20 seconds apart: ~10.5 s on average, ~4 months per million.
                clock.advance(Duration::seconds(1 + rng.below(20) as i64));
            }
            Ok(())
        })?;
        done += this_batch;
        let secs = started.elapsed().as_secs_f64();
        progress(format_args!(
            "seeded {done:>9} / {entries} ({:.0} entries/s)",
            done as f64 / secs
        ))?;
    }
    eprintln!();
    Ok((started.elapsed(), staff))
}

fn raw_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: row.get(0)?,
        at: row.get(1)?,
        actor_id: row.get(2)?,
        actor_name: row.get(3)?,
        action: row.get(4)?,
        outcome: row.get(5)?,
        target_kind: row.get(6)?,
        target_id: row.get(7)?,
        target_label: row.get(8)?,
        detail: row.get(9)?,
        before_json: row.get(10)?,
        after_json: row.get(11)?,
    })
}

fn raw_page(conn: &Connection, sql: &str, params: &[SqlValue]) -> BenchResult<Vec<AuditEntry>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement
        .query_map(params_from_iter(params.iter()), raw_entry)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One row of the table: a query through the core, and the same by hand.
struct Case {
    name: String,
    /// `None`: raw SQL only (a hand-written alternative the core does not use).
    query: Option<AuditQuery>,
    sql: String,
    params: Vec<SqlValue>,
}

fn select(filter: &str) -> String {
    let filter = if filter.is_empty() {
        String::new()
    } else {
        format!("WHERE {filter} ")
    };
    format!(
        "SELECT {COLUMNS} FROM audit_log {filter}ORDER BY seq DESC LIMIT {}",
        PAGE + 1
    )
}

/// The seq of the `nth` newest entry matching `filter`: a cursor the UI would
/// hold after paging that deep.
fn cursor(conn: &Connection, filter: &str, params: &[SqlValue], nth: i64) -> BenchResult<i64> {
    let sql =
        format!("SELECT seq FROM audit_log WHERE {filter} ORDER BY seq DESC LIMIT 1 OFFSET {nth}");
    Ok(conn.query_row(&sql, params_from_iter(params.iter()), |r| r.get(0))?)
}

fn count(conn: &Connection, filter: &str, params: &[SqlValue]) -> BenchResult<i64> {
    let sql = format!("SELECT count(*) FROM audit_log WHERE {filter}");
    Ok(conn.query_row(&sql, params_from_iter(params.iter()), |r| r.get(0))?)
}

fn main() -> BenchResult<()> {
    let entries = size_arg(DEFAULT_ENTRIES)?;
    if entries < 10_000 {
        return Err("give at least 10000 entries".into());
    }

    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.db");
    let store = Store::open(&path)?;

    println!("# Audit log benchmark: {entries} entries\n");
    println!("Database: {} (temporary)\n", path.display());
    let (seeding, staff) = seed(&store, entries)?;
    println!(
        "Seeding: {entries} entries through `audit::append` in transactions of {BATCH}: \
         {:.1} s ({:.0} entries/s)",
        seeding.as_secs_f64(),
        entries as f64 / seeding.as_secs_f64()
    );

    // A plain connection to the same file, for the hand-written SQL.
    let raw = open_plain(&path)?;
    let wal_before = checkpoint_then_read_only(&raw, &path)?;
    let (first_at, last_at): (String, String) = raw.query_row(
        "SELECT (SELECT at FROM audit_log ORDER BY seq LIMIT 1),
                (SELECT at FROM audit_log ORDER BY seq DESC LIMIT 1)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    println!(
        "Database file: {} after a checkpoint (the WAL was {} before it); page size {} B\n\
         Log spans {first_at} .. {last_at}\n",
        mib(file_size(&path)),
        mib(wal_before),
        raw.query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0))?,
    );

    // ---- the cases ------------------------------------------------------
    let n = entries as i64;
    let page = |q: AuditQuery| AuditQuery {
        limit: Some(PAGE),
        ..q
    };
    let actor = &staff[10];
    let rare_actor = &staff[45];
    let target_person = &staff[3];
    let actor_filter = "actor_id = ?1";
    let actor_params = vec![text(&actor.id)];
    let actor_count = count(&raw, actor_filter, &actor_params)?;
    let actor_cursor = cursor(&raw, actor_filter, &actor_params, actor_count / 2)?;
    let action_filter = "action = ?1";
    let action_params = vec![text("staff.update")];

    // One week in the middle of the span, on day boundaries.
    let mid_at: String =
        raw.query_row("SELECT at FROM audit_log WHERE seq = ?1", [n / 2], |r| {
            r.get(0)
        })?;
    let from = format!("{}T00:00:00Z", &mid_at[..10]);
    let from_time = partnerdesk_core::clock::parse_rfc3339("from", &from)?;
    let to = to_rfc3339(from_time + Duration::days(7))?;
    let range_filter =
        "seq >= (SELECT seq FROM audit_log WHERE at >= ?1 ORDER BY at, seq LIMIT 1) \
         AND seq < coalesce((SELECT seq FROM audit_log WHERE at >= ?2 ORDER BY at, seq LIMIT 1), \
         9223372036854775807)";
    let range_params = vec![text(&from), text(&to)];
    let range_count = count(&raw, range_filter, &range_params)?;
    let range_cursor = cursor(&raw, range_filter, &range_params, range_count / 2)?;
    let date = |q: AuditQuery| AuditQuery {
        from: Some(from.clone()),
        to: Some(to.clone()),
        ..q
    };
    // The middle three fifths of the span, paged almost to its oldest end.
    let day_of = |seq: i64| -> BenchResult<String> {
        let at: String = raw.query_row("SELECT at FROM audit_log WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })?;
        Ok(format!("{}T00:00:00Z", &at[..10]))
    };
    let (long_from, long_to) = (day_of(n / 5)?, day_of(n * 4 / 5)?);
    let long_params = vec![text(&long_from), text(&long_to)];
    let long_count = count(&raw, range_filter, &long_params)?;
    let long_cursor = cursor(&raw, range_filter, &long_params, long_count - 200)?;
    let newcomer = &staff[NAMES.len()];
    let with_range = |filter: &str| {
        format!(
            "{filter} AND seq >= (SELECT seq FROM audit_log WHERE at >= ?2 ORDER BY at, seq LIMIT 1) \
             AND seq < coalesce((SELECT seq FROM audit_log WHERE at >= ?3 ORDER BY at, seq LIMIT 1), \
             9223372036854775807)"
        )
    };

    let cases = vec![
        Case {
            name: "(a) first page, no filter".into(),
            query: Some(page(AuditQuery::default())),
            sql: select(""),
            params: vec![],
        },
        Case {
            name: format!("(b) deep page, before_seq = {} (middle)", n / 2),
            query: Some(page(AuditQuery {
                before_seq: Some(n / 2),
                ..Default::default()
            })),
            sql: select("seq < ?1"),
            params: vec![SqlValue::Integer(n / 2)],
        },
        Case {
            name: "(b) deep page, before_seq = 1000 (near the oldest end)".into(),
            query: Some(page(AuditQuery {
                before_seq: Some(1000),
                ..Default::default()
            })),
            sql: select("seq < ?1"),
            params: vec![SqlValue::Integer(1000)],
        },
        Case {
            name: "(b) last page, before_seq = 101".into(),
            query: Some(page(AuditQuery {
                before_seq: Some(101),
                ..Default::default()
            })),
            sql: select("seq < ?1"),
            params: vec![SqlValue::Integer(101)],
        },
        Case {
            name: format!(
                "(c) actor {} ({actor_count} entries), first page",
                actor.name
            ),
            query: Some(page(AuditQuery {
                actor_id: Some(actor.id.clone()),
                ..Default::default()
            })),
            sql: select(actor_filter),
            params: actor_params.clone(),
        },
        Case {
            name: format!("(c) same actor, deep page (cursor {actor_cursor}, halfway)"),
            query: Some(page(AuditQuery {
                actor_id: Some(actor.id.clone()),
                before_seq: Some(actor_cursor),
                ..Default::default()
            })),
            sql: select("actor_id = ?1 AND seq < ?2"),
            params: vec![text(&actor.id), SqlValue::Integer(actor_cursor)],
        },
        Case {
            name: format!(
                "(c) rare actor {} ({} entries), first page",
                rare_actor.name,
                count(&raw, actor_filter, &[text(&rare_actor.id)])?
            ),
            query: Some(page(AuditQuery {
                actor_id: Some(rare_actor.id.clone()),
                ..Default::default()
            })),
            sql: select(actor_filter),
            params: vec![text(&rare_actor.id)],
        },
        Case {
            name: format!(
                "(d) action staff.update ({} entries), first page",
                count(&raw, action_filter, &action_params)?
            ),
            query: Some(page(AuditQuery {
                action: Some("staff.update".into()),
                ..Default::default()
            })),
            sql: select(action_filter),
            params: action_params.clone(),
        },
        Case {
            name: format!(
                "(d) action staff.update, deep page (before_seq = {})",
                n / 2
            ),
            query: Some(page(AuditQuery {
                action: Some("staff.update".into()),
                before_seq: Some(n / 2),
                ..Default::default()
            })),
            sql: select("action = ?1 AND seq < ?2"),
            params: vec![text("staff.update"), SqlValue::Integer(n / 2)],
        },
        Case {
            name: format!(
                "(e) target staff/{} ({} entries), first page",
                target_person.name,
                count(
                    &raw,
                    "target_kind = 'staff' AND target_id = ?1",
                    &[text(&target_person.id)]
                )?
            ),
            query: Some(page(AuditQuery {
                target_kind: Some("staff".into()),
                target_id: Some(target_person.id.clone()),
                ..Default::default()
            })),
            sql: select("target_kind = ?1 AND target_id = ?2"),
            params: vec![text("staff"), text(&target_person.id)],
        },
        Case {
            name: format!(
                "(e) target kind settings only ({} entries), first page",
                count(&raw, "target_kind = 'settings'", &[])?
            ),
            query: Some(page(AuditQuery {
                target_kind: Some("settings".into()),
                ..Default::default()
            })),
            sql: select("target_kind = ?1"),
            params: vec![text("settings")],
        },
        Case {
            name: format!(
                "(e) target kind staff only ({} entries), first page",
                count(&raw, "target_kind = 'staff'", &[])?
            ),
            query: Some(page(AuditQuery {
                target_kind: Some("staff".into()),
                ..Default::default()
            })),
            sql: select("target_kind = ?1"),
            params: vec![text("staff")],
        },
        Case {
            name: format!("(f) one week {from} .. {to} ({range_count} entries), first page"),
            query: Some(page(date(AuditQuery::default()))),
            sql: select(range_filter),
            params: range_params.clone(),
        },
        Case {
            name: format!("(f) same week, deep page (cursor {range_cursor}, halfway)"),
            query: Some(page(date(AuditQuery {
                before_seq: Some(range_cursor),
                ..Default::default()
            }))),
            sql: select(&format!("{range_filter} AND seq < ?3")),
            params: vec![text(&from), text(&to), SqlValue::Integer(range_cursor)],
        },
        Case {
            name: format!(
                "(f) {long_from} .. {long_to} ({long_count} entries), deep page \
                 (cursor {long_cursor}, 200 entries from its oldest end)"
            ),
            query: Some(page(AuditQuery {
                from: Some(long_from.clone()),
                to: Some(long_to.clone()),
                before_seq: Some(long_cursor),
                ..Default::default()
            })),
            sql: select(&format!("{range_filter} AND seq < ?3")),
            params: vec![
                text(&long_from),
                text(&long_to),
                SqlValue::Integer(long_cursor),
            ],
        },
        Case {
            name: "(f) same week, naive `at >= ? AND at < ?` (raw SQL only)".into(),
            query: None,
            sql: select("at >= ?1 AND at < ?2"),
            params: range_params.clone(),
        },
        Case {
            name: format!(
                "(g) actor {} + same week ({} entries), first page",
                actor.name,
                count(
                    &raw,
                    &with_range(actor_filter),
                    &[text(&actor.id), text(&from), text(&to)]
                )?
            ),
            query: Some(page(date(AuditQuery {
                actor_id: Some(actor.id.clone()),
                ..Default::default()
            }))),
            sql: select(&with_range(actor_filter)),
            params: vec![text(&actor.id), text(&from), text(&to)],
        },
        Case {
            name: format!(
                "(g) actor {} + action settings.update ({} entries), first page",
                actor.name,
                count(
                    &raw,
                    "actor_id = ?1 AND action = ?2",
                    &[text(&actor.id), text("settings.update")]
                )?
            ),
            query: Some(page(AuditQuery {
                actor_id: Some(actor.id.clone()),
                action: Some("settings.update".into()),
                ..Default::default()
            })),
            sql: select("actor_id = ?1 AND action = ?2"),
            params: vec![text(&actor.id), text("settings.update")],
        },
        Case {
            name: format!(
                "(g) newcomer {} ({} entries) + action session.sign_in ({} entries), first page",
                newcomer.name,
                count(&raw, actor_filter, &[text(&newcomer.id)])?,
                count(
                    &raw,
                    "actor_id = ?1 AND action = ?2",
                    &[text(&newcomer.id), text("session.sign_in")]
                )?
            ),
            query: Some(page(AuditQuery {
                actor_id: Some(newcomer.id.clone()),
                action: Some("session.sign_in".into()),
                ..Default::default()
            })),
            sql: select("actor_id = ?1 AND action = ?2"),
            params: vec![text(&newcomer.id), text("session.sign_in")],
        },
    ];

    // ---- time them ------------------------------------------------------
    eprintln!("  timing {} queries ...", cases.len());
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for case in &cases {
        let raw_rows = raw_page(&raw, &case.sql, &case.params)?;
        let mut note = format!("### {}\n\n", case.name);
        let core_stats = match &case.query {
            Some(query) => {
                let first = audit::list(&store, query)?;
                let core_seqs: Vec<i64> = first.entries.iter().map(|e| e.seq).collect();
                let raw_seqs: Vec<i64> =
                    raw_rows.iter().take(PAGE as usize).map(|e| e.seq).collect();
                note += &format!(
                    "- core: {} entries (seq {} .. {}), next_before_seq = {:?}; \
                     same entries as the raw SQL: {}\n",
                    first.entries.len(),
                    core_seqs.first().map_or("-".into(), i64::to_string),
                    core_seqs.last().map_or("-".into(), i64::to_string),
                    first.next_before_seq,
                    if core_seqs == raw_seqs { "yes" } else { "NO" },
                );
                Some(measure(|_| Ok(audit::list(&store, query)?.entries.len()))?)
            }
            None => {
                note += &format!("- raw SQL: {} rows\n", raw_rows.len());
                None
            }
        };
        let raw_stats = measure(|_| Ok(raw_page(&raw, &case.sql, &case.params)?.len()))?;
        note += &format!("- raw SQL: `{}`\n- plan:\n\n```text\n", one_line(&case.sql));
        for line in plan(&raw, &case.sql, &case.params)? {
            note += &format!("{line}\n");
        }
        note += "```\n";
        let core_cells = match &core_stats {
            Some(s) => format!(
                "{} | {} | {}{}",
                format_duration(s.p50),
                format_duration(s.p95),
                format_duration(s.p99),
                s.runs_note()
            ),
            None => "— | — | —".into(),
        };
        rows.push(format!(
            "| {} | {core_cells} | {} | {}{} |",
            case.name,
            format_duration(raw_stats.p50),
            format_duration(raw_stats.p99),
            raw_stats.runs_note()
        ));
        notes.push(note);
    }

    println!(
        "## Page latency ({PAGE} entries a page; {ITERATIONS} timed calls each after {WARM_UP} \
         warm-up calls, unless marked n=)\n"
    );
    println!("| query | core p50 | core p95 | core p99 | raw SQL p50 | raw SQL p99 |");
    println!("|---|---:|---:|---:|---:|---:|");
    for row in &rows {
        println!("{row}");
    }

    let started = Instant::now();
    let verification = audit::verify(&store)?;
    let verify_time = started.elapsed();
    println!(
        "\n## Chain verification\n\n`audit::verify` over {} entries: {:.2} s (intact: {}, {:.0} entries/s)\n",
        verification.entries_checked,
        verify_time.as_secs_f64(),
        verification.intact,
        verification.entries_checked as f64 / verify_time.as_secs_f64()
    );

    println!("## Query plans (EXPLAIN QUERY PLAN of the raw SQL)\n");
    for note in &notes {
        println!("{note}");
    }
    Ok(())
}
