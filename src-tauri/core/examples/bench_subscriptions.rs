//! Subscriptions, the dashboard, the bell and the hourly clock at scale:
//! prints numbers, asserts nothing about speed.
//!
//! Seeds a throw-away database with N customers (default 100,000), their
//! delegated-admin relationships (an active one for most), about 3
//! subscriptions a customer over the sample catalog, N/4 purchase offers,
//! product keys and half a year of notifications, then times through the real
//! core functions, as the signed-in first global admin:
//!
//! - `subscriptions::list`: the partner-wide list and a customer's tab, first
//!   pages with every filter and sort, and pages deep into the keyset;
//! - `subscriptions::get`, `dashboard::overview`, `dashboard::calendar` and
//!   `notifications::list` (the bell's first load, with its unread count);
//! - the four `apply_clock` functions in the order the app runs them, hourly
//!   for a day (each run then repeated in the same hour, when nothing is due)
//!   and once after the app was closed for a week;
//!
//! and prints SQLite's query plan of the statements behind each.
//!
//! Seeding: the first customers go through `customers::create`; for the
//! first of those, relationships, subscriptions (paid, trial, pending,
//! partner of record, suspended, cancelled, changed), offers (sent, accepted,
//! withdrawn) and product keys go through the core's own functions, on a
//! clock that walks through the last year, and one catch-up run of the four
//! clocks brings everything to `NOW` as the app does at start. The rest is
//! written in large transactions with the INSERTs the core uses, every
//! column filled as the core fills it (history rows, partner-of-record
//! notifications with their change ids, cause keys, read marks). Every table
//! is then checked row kind by row kind: each column of a seeded row must
//! have the shape (NULL, '', integer, text, RFC 3339 time, date, UUID) the
//! core wrote into the same kind of row.
//!
//! ```text
//! cargo run --release -p partnerdesk-core --example bench_subscriptions            # 100,000
//! cargo run --release -p partnerdesk-core --example bench_subscriptions -- 20000
//! ```

mod bench_support;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::{Duration as StdDuration, Instant};

use partnerdesk_core::auth::Actor;
use partnerdesk_core::catalog;
use partnerdesk_core::clock::{parse_rfc3339, to_rfc3339, Clock, ManualClock, SystemClock};
use partnerdesk_core::company::CompanyProfile;
use partnerdesk_core::dashboard;
use partnerdesk_core::notifications::{self, NotificationQuery};
use partnerdesk_core::offers::{
    self, AcceptanceInput, DelegatedAdminRequest, OfferDraftInput, OfferEvent, OfferLineInput,
};
use partnerdesk_core::product_keys::{self, ProductKeyInput, ALPHABET};
use partnerdesk_core::relationships::roles::{GLOBAL_ADMINISTRATOR, LEGACY_KEYS};
use partnerdesk_core::relationships::{self, RelationshipOffer};
use partnerdesk_core::subscriptions::{
    self, add_term, SubscriptionEvent, SubscriptionInput, SubscriptionQuery, SubscriptionSort,
    SubscriptionStatus,
};
use partnerdesk_core::Store;
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{params, params_from_iter, Connection, Transaction};
use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime};

use bench_support::seed::{
    company, insert_relationship, refresh_states, rfc, rfc_opt, seed_customers, seeding_progress,
    sign_in_first_admin, state_by_end, Generator, SeedRelationship, ADMIN_NAME, BATCH,
    EXPIRING_DAYS, NOW, ROLE_SETS,
};
use bench_support::{
    checkpoint_then_read_only, cursors_at, file_size, format_duration, measure, mib, one_line,
    open_plain, open_raw, percentiles, plan, progress, size_arg, text, BenchResult, Rng, Stats,
    ITERATIONS, WARM_UP,
};

/// The role-definition id of one of the old role keys the core sample is written with.
fn entra_role(key: &str) -> String {
    LEGACY_KEYS
        .iter()
        .find(|(old, _)| *old == key)
        .map_or(key, |(_, id)| *id)
        .to_owned()
}

const DEFAULT_CUSTOMERS: u64 = 100_000;
const SUBSCRIPTIONS_PER_CUSTOMER: usize = 3;
/// At most this many customers go through `customers::create` one by one.
const CORE_CUSTOMERS: usize = 200;
/// Of those, this many get relationships, subscriptions, offers and keys
/// through the core's own functions.
const CORE_SAMPLE: usize = 100;
/// The page size the subscription list and the bell ask for.
const PAGE: u32 = 200;
/// Distinct inputs a varying case cycles through (cursors, customers).
const VARIANTS: usize = 40;
/// Hourly clock runs timed, each repeated in the same hour.
const HOURLY_RUNS: usize = 24;
/// The app closed this long before the "many things due" run.
const CLOSED_FOR_DAYS: i64 = 7;
/// A file to copy the seeded database to, for a closer look.
const KEEP_ENV: &str = "PARTNERDESK_BENCH_KEEP";

/// The targets the table is judged against (p95).
const LIST_P95: StdDuration = StdDuration::from_millis(10);
const SCREEN_P95: StdDuration = StdDuration::from_millis(50);
const CLOCK_P95: StdDuration = StdDuration::from_millis(100);

/// Who the clock's history rows and closings name.
const CLOCK_NAME: &str = "Partnerdesk (clock)";
/// How long notifications are kept, and how far ahead the rules look.
const RETENTION_DAYS: i64 = notifications::RETENTION_DAYS;
const TRIAL_ENDING_DAYS: i64 = 7;
const POR_EXPIRY_DAYS: i64 = 30;
const OFFER_EXPIRING_DAYS: i64 = 3;
const UNREDEEMED_KEY_DAYS: i64 = 90;

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn hours(n: i64) -> Duration {
    Duration::hours(n)
}

/// `YYYY-MM-DD` of a moment, as the core cuts it from the RFC 3339 text.
fn date_of(at: OffsetDateTime) -> BenchResult<String> {
    Ok(rfc(at)?[..10].to_owned())
}

fn core_err(what: &str) -> impl Fn(Box<dyn std::error::Error>) -> partnerdesk_core::Error + '_ {
    move |e| partnerdesk_core::Error::Internal(format!("seeding {what}: {e}"))
}

// ---------------------------------------------------------------------------
// What the seeder knows about the customers and the catalog
// ---------------------------------------------------------------------------

struct Cust {
    id: String,
    name: String,
    language: String,
    email: String,
    added: OffsetDateTime,
    archived: bool,
}

fn load_customers(store: &Store) -> BenchResult<Vec<Cust>> {
    Ok(store.read(|conn| {
        let mut statement = conn.prepare(
            "SELECT id, company_name, language, contact_email, created_at, archived
             FROM customers ORDER BY rowid",
        )?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, bool>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, name, language, email, added, archived)| {
                Ok(Cust {
                    id,
                    name,
                    language,
                    email,
                    added: parse_rfc3339("created_at", &added)?,
                    archived,
                })
            })
            .collect()
    })?)
}

struct Svc {
    id: String,
    title: String,
    term: String,
    price: i64,
    currency: String,
    trial: Option<(u32, u32)>,
    window_days: u32,
    /// How often it is sold, relative to the others.
    weight: u64,
}

fn load_services(store: &Store, actor: &Actor) -> BenchResult<Vec<Svc>> {
    let mut services: Vec<Svc> = catalog::list(store, &SystemClock, actor)?
        .into_iter()
        .map(|s| {
            let weight = match s.title.as_str() {
                t if t.contains("Business Basic") => 24,
                t if t.contains("Business Standard") => 26,
                t if t.contains("Business Premium") => 16,
                t if t.contains("E3") => 10,
                t if t.contains("E5") => 4,
                t if t.contains("Exchange") => 12,
                _ => 8,
            };
            Svc {
                id: s.id,
                title: s.title,
                term: s.term,
                price: s.unit_price_minor,
                currency: s.currency,
                trial: s.trial_seats.zip(s.trial_days),
                window_days: s.decrease_window_days,
                weight,
            }
        })
        .collect();
    services.sort_by(|a, b| a.title.cmp(&b.title));
    Ok(services)
}

fn weighted_index(rng: &mut Rng, weights: impl Iterator<Item = u64> + Clone) -> usize {
    let total: u64 = weights.clone().sum();
    let mut roll = rng.below(total);
    for (i, w) in weights.enumerate() {
        if roll < w {
            return i;
        }
        roll -= w;
    }
    0
}

fn pick_service(rng: &mut Rng, services: &[Svc]) -> usize {
    weighted_index(rng, services.iter().map(|s| s.weight))
}

/// A licence count: mostly small firms, a few large ones.
fn quantity(rng: &mut Rng) -> u32 {
    match rng.below(100) {
        0..=54 => 1 + rng.below(5) as u32,
        55..=84 => 6 + rng.below(20) as u32,
        85..=96 => 26 + rng.below(125) as u32,
        _ => 151 + rng.below(850) as u32,
    }
}

/// A paid term and a billing plan it allows.
fn term_and_plan(rng: &mut Rng) -> (&'static str, &'static str) {
    match rng.below(100) {
        0..=14 => ("P1M", "monthly"),
        15..=89 => ("P1Y", if rng.chance(65) { "monthly" } else { "annual" }),
        _ => (
            "P3Y",
            ["monthly", "annual", "triennial", "triennial"][rng.below(4) as usize],
        ),
    }
}

// ---------------------------------------------------------------------------
// Relationships: an active one for most customers
// ---------------------------------------------------------------------------

fn offered(rng: &mut Rng, name: String, created: OffsetDateTime) -> SeedRelationship {
    let roles = rng.pick(&ROLE_SETS);
    SeedRelationship {
        display_name: name,
        roles: roles.join(","),
        duration_days: rng.pick(&[730_i64, 365, 365, 180]),
        auto_extend: !roles.contains(&GLOBAL_ADMINISTRATOR) && rng.chance(60),
        state: "created",
        created_at: created,
        requested_at: None,
        accepted_at: None,
        ends_at: None,
        terminated_at: None,
        updated_at: created,
    }
}

/// Accepted on `at`: runs for its duration; the clock moved it on since.
fn accept(mut r: SeedRelationship, at: OffsetDateTime) -> SeedRelationship {
    let ends = at + days(r.duration_days);
    r.requested_at = Some(r.created_at);
    r.accepted_at = Some(at);
    r.ends_at = Some(ends);
    r.state = state_by_end(ends);
    r.updated_at = match r.state {
        "expired" => ends,
        "expiring" => ends - days(EXPIRING_DAYS),
        _ => at,
    };
    r
}

/// Ran its whole term without extending itself; None if the customer is too new.
fn expired(rng: &mut Rng, name: String, added: OffsetDateTime) -> Option<SeedRelationship> {
    let mut r = offered(rng, name, added);
    r.auto_extend = false;
    let latest = NOW - days(r.duration_days) - hours(1);
    if latest <= added {
        return None;
    }
    let at = rng.between(added, latest);
    r.created_at = rng.between(added, at);
    Some(accept(r, at))
}

fn terminated(rng: &mut Rng, name: String, added: OffsetDateTime) -> SeedRelationship {
    let at = rng.between(added, NOW - hours(2));
    let mut r = offered(rng, name, added);
    r.created_at = rng.between(added, at);
    let mut r = accept(r, at);
    let until = r.ends_at.unwrap_or(NOW).min(NOW - hours(1));
    let when = rng.between(at, until);
    r.state = "terminated";
    r.terminated_at = Some(when);
    r.updated_at = when;
    r
}

/// The customer's current relationship: live for 86 %, else waiting for
/// approval, never sent, expired or terminated; archived customers' ended.
fn current_relationship(
    rng: &mut Rng,
    name: String,
    added: OffsetDateTime,
    archived: bool,
) -> SeedRelationship {
    let roll = if archived {
        97 + rng.below(3)
    } else {
        rng.below(100)
    };
    match roll {
        0..=85 => {
            let mut r = offered(rng, name, added);
            let earliest = added.max(NOW - days(r.duration_days) + hours(1));
            let at = rng.between(earliest, NOW - hours(1));
            r.created_at = rng.between(added.max(at - days(14)), at);
            accept(r, at)
        }
        86..=89 => {
            let created = rng.between(added.max(NOW - days(89)), NOW - hours(1));
            let mut r = offered(rng, name, created);
            r.requested_at = Some(created);
            r.state = "approval_pending";
            r
        }
        90..=92 => {
            let created = rng.between(added, NOW - hours(1));
            offered(rng, name, created)
        }
        93..=97 => {
            expired(rng, name.clone(), added).unwrap_or_else(|| terminated(rng, name, added))
        }
        _ => terminated(rng, name, added),
    }
}

// ---------------------------------------------------------------------------
// Subscriptions
// ---------------------------------------------------------------------------

/// One row of a subscription's history, as `record_change` writes it.
struct HistoryRow {
    at: OffsetDateTime,
    by_clock: bool,
    kind: &'static str,
    from: Option<String>,
    to: Option<String>,
    reason: String,
    /// The partner-of-record notification's from/to, where they differ from
    /// the history row's (a renewal notifies the old and new end dates).
    notice: Option<(String, String)>,
    /// The money the change moved, where the core knows a price (migration
    /// 0016): an increase's prorated charge, a cancellation's refund.
    amount: Option<(i64, String)>,
}

fn row(at: OffsetDateTime, by_clock: bool, kind: &'static str, from: &str, to: &str) -> HistoryRow {
    HistoryRow {
        at,
        by_clock,
        kind,
        from: Some(from.to_owned()),
        to: Some(to.to_owned()),
        reason: String::new(),
        notice: None,
        amount: None,
    }
}

/// Days from `from` to `to`, a day begun counting whole (`prorate::started_days`).
fn started_days(from: OffsetDateTime, to: OffsetDateTime) -> i64 {
    let seconds = (to - from).whole_seconds();
    if seconds <= 0 {
        0
    } else {
        (seconds + 86_399) / 86_400
    }
}

/// `count` licences at `unit` a month over a term of `months` for `days` of
/// its `term_days`, rounded half up (`prorate::prorated`).
fn prorated(count: u32, unit: i64, months: i64, days: i64, term_days: i64) -> i64 {
    let term_days = i128::from(term_days.max(1));
    let numerator = i128::from(count)
        * i128::from(unit)
        * i128::from(months)
        * i128::from(days.min(term_days as i64));
    ((2 * numerator + term_days) / (2 * term_days)) as i64
}

fn term_months(term: &str) -> i64 {
    match term {
        "P1M" => 1,
        "P1Y" => 12,
        _ => 36,
    }
}

struct SeedSub {
    id: String,
    customer: usize,
    service: usize,
    status: &'static str,
    trial: bool,
    began_as_trial: bool,
    quantity: u32,
    term: String,
    plan: &'static str,
    auto_renew: bool,
    starts: OffsetDateTime,
    term_started: OffsetDateTime,
    ends: OffsetDateTime,
    source: &'static str,
    por: Option<OffsetDateTime>,
    cancelled: Option<OffsetDateTime>,
    refundable: bool,
    created: OffsetDateTime,
    history: Vec<HistoryRow>,
}

/// Terms from `start`, renewed by the clock at each end up to `until`:
/// (the current term's start, its end, each renewal's old end).
fn renewed_until(
    start: OffsetDateTime,
    term: &str,
    until: OffsetDateTime,
) -> BenchResult<(OffsetDateTime, OffsetDateTime, Vec<OffsetDateTime>)> {
    let (mut started, mut ends) = (start, add_term(start, term)?);
    let mut renewals = Vec::new();
    while ends <= until {
        renewals.push(ends);
        started = ends;
        ends = add_term(ends, term)?;
    }
    Ok((started, ends, renewals))
}

/// What the subscription generator needs about one customer.
struct SubContext<'a> {
    rng: &'a mut Rng,
    services: &'a [Svc],
    customer: usize,
    added: OffsetDateTime,
    /// Services this customer already had a trial of (one per service, ever).
    trials: &'a mut Vec<usize>,
}

impl SubContext<'_> {
    fn base(&mut self, service: usize, status: &'static str, start: OffsetDateTime) -> SeedSub {
        let (term, plan) = term_and_plan(self.rng);
        let source = match self.rng.below(100) {
            0..=75 => "manual",
            76..=93 => "purchase_offer",
            _ => "product_key",
        };
        SeedSub {
            id: self.rng.uuid(),
            customer: self.customer,
            service,
            status,
            trial: false,
            began_as_trial: false,
            quantity: quantity(self.rng),
            term: term.to_owned(),
            plan,
            auto_renew: self.rng.chance(80),
            starts: start,
            term_started: start,
            ends: start,
            source,
            por: None,
            cancelled: None,
            refundable: false,
            created: start,
            history: Vec::new(),
        }
    }

    fn created_row(s: &SeedSub, quantity: u32) -> HistoryRow {
        HistoryRow {
            at: s.created,
            by_clock: false,
            kind: "created",
            from: None,
            to: Some(quantity.to_string()),
            reason: String::new(),
            notice: None,
            amount: None,
        }
    }

    /// The clock's rows for the last few renewals (older ones are left out
    /// to keep the seed small; the screens read only one subscription's).
    fn renewal_rows(s: &mut SeedSub, renewals: &[OffsetDateTime]) -> BenchResult<()> {
        for &at in renewals.iter().rev().take(3).rev() {
            let mut r = row(at, true, "renewed", "active", "active");
            r.notice = Some((date_of(at)?, date_of(add_term(at, &s.term)?)?));
            s.history.push(r);
        }
        Ok(())
    }

    /// Partner of record for 35 %, recorded some time in `from..until`.
    fn maybe_por(&mut self, s: &mut SeedSub, from: OffsetDateTime, until: OffsetDateTime) {
        if self.rng.chance(35) && until > from {
            let at = self.rng.between(from, until);
            s.por = Some(at);
            s.history
                .push(row(at, false, "partner_of_record", "off", "on"));
        }
    }

    /// Active (or suspended): bought some time ago and renewed since, maybe
    /// begun as a trial, maybe its licence count changed.
    fn live(&mut self, suspended: bool) -> BenchResult<SeedSub> {
        let service = pick_service(self.rng, self.services);
        let start = self.rng.between(self.added, NOW - hours(1));
        let mut s = self.base(service, "active", start);
        let mut paid_from = start;
        let mut first_quantity = s.quantity;
        let trial = self.services[service].trial;
        if let Some((seats, trial_days)) = trial {
            let converted = start + days(1 + self.rng.below(trial_days as u64 - 1) as i64);
            if !self.trials.contains(&service) && converted < NOW - hours(1) && self.rng.chance(15)
            {
                self.trials.push(service);
                s.began_as_trial = true;
                s.source = "manual";
                first_quantity = seats;
                paid_from = converted;
                let mut r = row(
                    converted,
                    false,
                    "converted",
                    &format!("trial, {seats} seats"),
                    &format!("{} licences, {}", s.quantity, s.term),
                );
                r.notice = Some(("active".into(), "active".into()));
                s.history.push(r);
            }
        }
        let (term_started, ends, renewals) = renewed_until(paid_from, &s.term, NOW)?;
        s.term_started = term_started;
        s.ends = ends;
        s.history.insert(0, Self::created_row(&s, first_quantity));
        Self::renewal_rows(&mut s, &renewals)?;
        if !s.began_as_trial && self.rng.chance(10) {
            let before = (s.quantity / 2).max(1);
            if before != s.quantity {
                let at = self.rng.between(start, NOW - hours(1));
                s.history[0].to = Some(before.to_string());
                let mut r = row(
                    at,
                    false,
                    "quantity",
                    &before.to_string(),
                    &s.quantity.to_string(),
                );
                // A new lot charged to the term end at the term's price (the
                // catalog's, also for a term bought with a product key).
                let (started, ends, _) = renewed_until(start, &s.term, at)?;
                let svc = &self.services[service];
                r.amount = Some((
                    prorated(
                        s.quantity - before,
                        svc.price,
                        term_months(&s.term),
                        started_days(at.max(started), ends),
                        started_days(started, ends),
                    ),
                    svc.currency.clone(),
                ));
                s.history.push(r);
            }
        }
        if !s.auto_renew && !renewals.is_empty() {
            // Renewed while it was on; switched off since.
            let at = self.rng.between(term_started, NOW - hours(1));
            s.history.push(row(at, false, "auto_renew", "on", "off"));
        }
        if suspended {
            let at = self.rng.between(term_started, NOW - hours(1));
            s.status = "suspended";
            s.history
                .push(row(at, false, "suspended", "active", "suspended"));
        }
        self.maybe_por(&mut s, start, NOW - hours(1));
        Ok(s)
    }

    /// Ran one term without renewing (some suspended first); None if the
    /// customer is too new for that.
    fn ended(&mut self) -> BenchResult<Option<SeedSub>> {
        if self.added >= NOW - days(40) {
            return Ok(None);
        }
        let service = pick_service(self.rng, self.services);
        let start = self.rng.between(self.added, NOW - days(40));
        let mut s = self.base(service, "expired", start);
        s.auto_renew = false;
        let mut ends = add_term(start, &s.term)?;
        if ends > NOW - hours(1) {
            (s.term, s.plan) = ("P1M".into(), "monthly");
            ends = add_term(start, "P1M")?;
        }
        s.ends = ends;
        s.history.push(Self::created_row(&s, s.quantity));
        let mut last = "active";
        if self.rng.chance(20) {
            let at = self.rng.between(start, ends);
            s.history
                .push(row(at, false, "suspended", "active", "suspended"));
            last = "suspended";
        }
        self.maybe_por(&mut s, start, ends);
        s.history.push(row(ends, true, "expired", last, "expired"));
        Ok(Some(s))
    }

    fn cancelled(&mut self) -> BenchResult<SeedSub> {
        let service = pick_service(self.rng, self.services);
        let start = self.rng.between(self.added, NOW - hours(2));
        let mut s = self.base(service, "cancelled", start);
        let mut at = if s.auto_renew {
            self.rng.between(start, NOW - hours(1))
        } else {
            let first_end = add_term(start, &s.term)?.min(NOW - hours(1));
            self.rng.between(start, first_end)
        };
        let (term_started, ends, renewals) = renewed_until(start, &s.term, at)?;
        let window = days(i64::from(self.services[service].window_days));
        if self.rng.chance(25) {
            // Changed their mind within the decrease window.
            at = self
                .rng
                .between(term_started, (term_started + window).min(NOW - hours(1)));
        }
        s.term_started = term_started;
        s.ends = ends;
        s.cancelled = Some(at);
        s.refundable = at < term_started + window;
        s.history.push(Self::created_row(&s, s.quantity));
        Self::renewal_rows(&mut s, &renewals)?;
        self.maybe_por(&mut s, start, at);
        let mut r = row(at, false, "cancelled", "active", "cancelled");
        if s.refundable {
            r.reason = "(within the decrease window: refundable)".into();
        }
        // The term's licences refunded for the days not used, at the price
        // its term was bought at. A first term paid with a product key has
        // none (the core records no amount), and the core sample cancels no
        // such term to compare with: those are bought by hand here.
        if s.source == "product_key" && renewals.is_empty() {
            s.source = "manual";
        }
        let svc = &self.services[service];
        let (months, term_days) = (term_months(&s.term), started_days(term_started, ends));
        let full = prorated(s.quantity, svc.price, months, term_days, term_days);
        let used = started_days(term_started, at).min(term_days);
        let spent = prorated(s.quantity, svc.price, months, used, term_days);
        r.amount = Some((full - spent, svc.currency.clone()));
        s.history.push(r);
        Ok(s)
    }

    /// Bought to start on a later date.
    fn pending(&mut self) -> BenchResult<SeedSub> {
        let service = pick_service(self.rng, self.services);
        let created = self
            .rng
            .between(self.added.max(NOW - days(20)), NOW - hours(1));
        let starts = self.rng.between(NOW + days(1), NOW + days(45));
        let mut s = self.base(service, "pending", starts);
        s.created = created;
        s.ends = add_term(starts, &s.term)?;
        s.history.push(Self::created_row(&s, s.quantity));
        Ok(s)
    }

    /// A free trial, running or ended; None when the customer had a trial of
    /// every service that offers one, or is too new for an ended one.
    fn trial(&mut self, running: bool) -> BenchResult<Option<SeedSub>> {
        let open: Vec<usize> = (0..self.services.len())
            .filter(|i| self.services[*i].trial.is_some() && !self.trials.contains(i))
            .collect();
        if open.is_empty() || (!running && self.added >= NOW - days(31)) {
            return Ok(None);
        }
        let service = open[self.rng.below(open.len() as u64) as usize];
        let Some((seats, trial_days)) = self.services[service].trial else {
            return Ok(None);
        };
        let start = if running {
            self.rng.between(
                self.added.max(NOW - days(i64::from(trial_days) - 1)),
                NOW - hours(1),
            )
        } else {
            self.rng
                .between(self.added, NOW - days(i64::from(trial_days) + 1))
        };
        self.trials.push(service);
        let mut s = self.base(service, if running { "active" } else { "expired" }, start);
        s.trial = true;
        s.began_as_trial = true;
        s.quantity = seats;
        s.term = self.services[service].term.clone();
        s.plan = "none";
        s.auto_renew = false;
        s.source = if self.rng.chance(50) {
            "trial_invitation"
        } else {
            "manual"
        };
        s.ends = start + days(i64::from(trial_days));
        s.history.push(Self::created_row(&s, seats));
        if running {
            if self.rng.chance(10) {
                self.maybe_por(&mut s, start, NOW - hours(1));
            }
        } else {
            s.history
                .push(row(s.ends, true, "expired", "active", "expired"));
        }
        Ok(Some(s))
    }

    /// One subscription: active 60 %, suspended 4 %, cancelled 12 %, ended
    /// 18 %, pending 2 %, trials 4 %; an archived customer's all ended.
    fn next(&mut self, archived: bool) -> BenchResult<SeedSub> {
        let roll = if archived {
            if self.rng.chance(40) {
                70
            } else {
                90
            }
        } else {
            self.rng.below(100)
        };
        let made = match roll {
            0..=1 => self.trial(true)?,
            2..=3 => self.trial(false)?,
            4..=5 => Some(self.pending()?),
            6..=65 => Some(self.live(false)?),
            66..=69 => Some(self.live(true)?),
            70..=81 => Some(self.cancelled()?),
            _ => self.ended()?,
        };
        let mut s = match made {
            Some(s) => s,
            None if archived => self.cancelled()?,
            None => self.live(false)?,
        };
        s.history.sort_by_key(|h| h.at);
        Ok(s)
    }
}

const INSERT_SUBSCRIPTION: &str = "INSERT INTO subscriptions (id, customer_id, service_id, status,
    trial, began_as_trial, quantity, term, billing_plan, auto_renew, starts_at, term_started_at,
    ends_at, source, partner_of_record, cancelled_at, refundable, created_at, updated_at,
    partner_of_record_at, partner_of_record_by)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)";
/// `record_change`'s INSERT.
const INSERT_CHANGE: &str = "INSERT INTO subscription_changes (subscription_id, at, actor_id,
    actor_name, kind, from_value, to_value, reason, amount_minor, currency)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
/// `notifications::notify`'s INSERT.
const INSERT_NOTIFICATION: &str = "INSERT INTO notifications (id, cause_key, kind, event,
    object_kind, object_id, subject, from_value, to_value, due, created_at, customer_id, made_order)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
        (SELECT coalesce(max(made_order), 0) + 1 FROM notifications))
    ON CONFLICT (cause_key) DO NOTHING";

/// The notification event a history row's change is announced as
/// (`change_subscription` passes the audit action, the clock its step).
fn notice_event(kind: &str) -> &'static str {
    match kind {
        "quantity" => "quantity",
        "suspended" => "suspend",
        "reactivated" => "reactivate",
        "cancelled" => "cancel",
        "converted" => "convert_trial",
        "auto_renew" => "auto_renew",
        "partner_of_record" => "partner_of_record",
        "renewed" => "renewed",
        "started" => "started",
        _ => "expired",
    }
}

/// A notification as the seeder writes it.
struct Notice {
    cause_key: String,
    kind: &'static str,
    event: String,
    object_kind: &'static str,
    object_id: String,
    customer_id: Option<String>,
    subject: String,
    from: Option<String>,
    to: Option<String>,
    due: Option<String>,
    at: OffsetDateTime,
}

fn insert_notice(tx: &Connection, rng: &mut Rng, n: &Notice) -> BenchResult<Option<String>> {
    let id = rng.uuid();
    let made = tx.prepare_cached(INSERT_NOTIFICATION)?.execute(params![
        id,
        n.cause_key,
        n.kind,
        n.event,
        n.object_kind,
        n.object_id,
        n.subject,
        n.from,
        n.to,
        n.due,
        rfc(n.at)?,
        n.customer_id
    ])?;
    Ok((made > 0).then_some(id))
}

/// Writes one subscription, its history and, while the partner is partner
/// of record on it, the notification each change made (cause key with the
/// history row's id, as `notifications::subscription_changed` makes it).
fn insert_subscription(
    tx: &Transaction<'_>,
    rng: &mut Rng,
    s: &SeedSub,
    (customer, service): (&Cust, &Svc),
    admin_id: &str,
    seeded_notices: &mut Vec<String>,
) -> BenchResult<()> {
    let updated = s.history.iter().map(|h| h.at).max().unwrap_or(s.created);
    tx.prepare_cached(INSERT_SUBSCRIPTION)?.execute(params![
        s.id,
        customer.id,
        service.id,
        s.status,
        s.trial,
        s.began_as_trial,
        s.quantity,
        s.term,
        s.plan,
        s.auto_renew,
        rfc(s.starts)?,
        rfc(s.term_started)?,
        rfc(s.ends)?,
        s.source,
        s.por.is_some(),
        rfc_opt(s.cancelled)?,
        s.refundable,
        rfc(s.created)?,
        rfc(updated)?,
        rfc_opt(s.por)?,
        s.por.map(|_| ADMIN_NAME),
    ])?;
    let kept_from = NOW - days(RETENTION_DAYS);
    for h in &s.history {
        let (actor_id, actor_name) = if h.by_clock {
            (None, CLOCK_NAME)
        } else {
            (Some(admin_id), ADMIN_NAME)
        };
        tx.prepare_cached(INSERT_CHANGE)?.execute(params![
            s.id,
            rfc(h.at)?,
            actor_id,
            actor_name,
            h.kind,
            h.from,
            h.to,
            h.reason,
            h.amount.as_ref().map(|(minor, _)| *minor),
            h.amount.as_ref().map(|(_, currency)| currency.as_str())
        ])?;
        let notified = s.por.is_some_and(|at| h.at >= at) && h.kind != "created";
        if notified && h.at > kept_from {
            let change_id = tx.last_insert_rowid();
            let event = notice_event(h.kind);
            let (from, to) = match &h.notice {
                Some((from, to)) => (Some(from.clone()), Some(to.clone())),
                None => (h.from.clone(), h.to.clone()),
            };
            let notice = Notice {
                cause_key: format!("partner_of_record:{}:{event}:{change_id}", s.id),
                kind: "partner_of_record",
                event: event.into(),
                object_kind: "subscription",
                object_id: s.id.clone(),
                customer_id: Some(customer.id.clone()),
                subject: format!("{} — {}", customer.name, service.title),
                from,
                to,
                due: None,
                at: h.at,
            };
            seeded_notices.extend(insert_notice(tx, rng, &notice)?);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Purchase offers and product keys
// ---------------------------------------------------------------------------

struct SeedOffer {
    id: String,
    root_id: String,
    revision: u32,
    previous_id: Option<String>,
    status: &'static str,
    customer: Option<usize>,
    prospect: (String, String),
    language: String,
    valid_until: Date,
    note: &'static str,
    delegated_admin: Option<(String, &'static str, i64, bool)>,
    created: OffsetDateTime,
    sent: Option<OffsetDateTime>,
    closed: Option<(OffsetDateTime, &'static str)>,
    lines: Vec<(usize, u32, u32)>,
    recipient: String,
}

fn expires_at(valid_until: Date) -> OffsetDateTime {
    valid_until
        .next_day()
        .unwrap_or(valid_until)
        .midnight()
        .assume_utc()
}

/// One offer's revisions: most to a customer, some to prospects; the last
/// revision ends sent (open), as a draft, accepted, declined, expired or
/// withdrawn, and 8 % were revised once (the first then superseded).
fn offer_revisions(
    rng: &mut Rng,
    k: usize,
    customers: &[Cust],
    services: &[Svc],
) -> BenchResult<Vec<SeedOffer>> {
    let customer = rng.chance(85).then(|| loop {
        let i = CORE_CUSTOMERS + rng.below((customers.len() - CORE_CUSTOMERS) as u64) as usize;
        if !customers[i].archived {
            break i;
        }
    });
    let (prospect, language, recipient) = match customer {
        Some(i) => {
            let c = &customers[i];
            let to = if c.email.is_empty() {
                format!("zakupy{k}@example.pl")
            } else {
                c.email.clone()
            };
            ((String::new(), String::new()), c.language.clone(), to)
        }
        None => {
            let email = format!("biuro@prospekt{k}.pl");
            (
                (format!("Prospekt {k} Sp. z o.o."), email.clone()),
                if rng.chance(80) { "pl" } else { "en" }.to_owned(),
                email,
            )
        }
    };
    let mut status = match rng.below(100) {
        0..=3 => "draft",
        4..=13 => "sent",
        14..=51 => "accepted",
        52..=63 => "declined",
        64..=89 => "expired",
        _ => "withdrawn",
    };
    if status == "accepted" && customer.is_none() {
        status = "declined";
    }
    let open = matches!(status, "draft" | "sent");
    let earliest = customer.map_or(customers[0].added, |i| customers[i].added);
    let created = if open {
        rng.between(earliest.max(NOW - days(25)), NOW - hours(2))
    } else {
        rng.between(earliest, NOW - days(32))
    };
    let count = 1 + rng.below(3) as usize;
    let mut lines: Vec<(usize, u32, u32)> = Vec::new();
    while lines.len() < count {
        let service = pick_service(rng, services);
        if !lines.iter().any(|l| l.0 == service) {
            let discount = if rng.chance(10) {
                500 + 100 * rng.below(11) as u32
            } else {
                0
            };
            lines.push((service, quantity(rng), discount));
        }
    }
    let delegated_admin = rng
        .chance(if customer.is_some() { 30 } else { 50 })
        .then(|| {
            // User Administrator and Helpdesk Administrator, or Global Administrator.
            let roles = if rng.chance(50) {
                "fe930be7-5e62-47db-91af-98c3a49a38b1,729827e3-9c14-49f7-bb1b-9608f156bbb8"
            } else {
                GLOBAL_ADMINISTRATOR
            };
            (
                format!("Oferta-GDAP-{k:06}"),
                roles,
                365,
                roles != GLOBAL_ADMINISTRATOR,
            )
        });
    let base = SeedOffer {
        id: rng.uuid(),
        root_id: String::new(),
        revision: 1,
        previous_id: None,
        status,
        customer,
        prospect,
        language,
        valid_until: NOW.date(),
        note: if rng.chance(20) {
            "Cena ważna przy zamówieniu do końca miesiąca."
        } else {
            ""
        },
        delegated_admin,
        created,
        sent: None,
        closed: None,
        lines,
        recipient,
    };
    let mut revisions = Vec::new();
    let mut current = base;
    current.root_id = current.id.clone();
    if !open && rng.chance(8) {
        // Sent, then revised: the second revision replaced it when sent.
        let sent = current.created + Duration::minutes(10 + rng.below(2880) as i64);
        let mut first = SeedOffer {
            id: current.id.clone(),
            root_id: current.id.clone(),
            status: "superseded",
            sent: Some(sent),
            valid_until: (sent + days(30)).date(),
            lines: current.lines.clone(),
            prospect: current.prospect.clone(),
            language: current.language.clone(),
            recipient: current.recipient.clone(),
            delegated_admin: current.delegated_admin.clone(),
            ..current
        };
        let second_created = sent + days(1 + rng.below(5) as i64);
        first.closed = Some((second_created + hours(1), ADMIN_NAME));
        current = SeedOffer {
            id: rng.uuid(),
            root_id: first.id.clone(),
            revision: 2,
            previous_id: Some(first.id.clone()),
            created: second_created,
            lines: first.lines.iter().map(|&(s, q, d)| (s, q + 1, d)).collect(),
            prospect: first.prospect.clone(),
            language: first.language.clone(),
            recipient: first.recipient.clone(),
            delegated_admin: first.delegated_admin.clone(),
            closed: None,
            sent: None,
            status,
            ..first
        };
        revisions.push(first);
        current.sent = Some(current.created + hours(1));
    }
    match status {
        "draft" => {
            current.valid_until = (NOW + days(7 + rng.below(24) as i64)).date();
        }
        "sent" => {
            current.sent = Some(rng.between(current.created, NOW - hours(1)));
            current.valid_until = (NOW + days(rng.below(31) as i64)).date();
        }
        _ => {
            let sent = current
                .sent
                .unwrap_or(current.created + Duration::minutes(10 + rng.below(2880) as i64));
            current.sent = Some(sent);
            current.valid_until =
                ((sent + days(14 + rng.below(17) as i64)).date()).min((NOW - days(2)).date());
            let expires = expires_at(current.valid_until);
            current.closed = Some(match status {
                "expired" => (
                    expires + Duration::minutes(rng.below(60) as i64),
                    CLOCK_NAME,
                ),
                _ => (rng.between(sent, expires.min(NOW)), ADMIN_NAME),
            });
        }
    }
    revisions.push(current);
    Ok(revisions)
}

fn insert_offer(
    tx: &Connection,
    rng: &mut Rng,
    o: &SeedOffer,
    customers: &[Cust],
    services: &[Svc],
) -> BenchResult<()> {
    let da = o.delegated_admin.as_ref();
    let updated = o.closed.map(|c| c.0).or(o.sent).unwrap_or(o.created);
    let customer_id = o.customer.map(|i| customers[i].id.clone());
    tx.prepare_cached(
        "INSERT INTO purchase_offers (id, root_id, revision, previous_id, status, customer_id,
             prospect_name, prospect_email, language, valid_until, expires_at, note,
             da_display_name, da_roles, da_duration_days, da_auto_extend, accepted_customer_id,
             created_by, created_at, updated_at, sent_at, closed_at, closed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
             ?18, ?19, ?20, ?21, ?22, ?23)",
    )?
    .execute(params![
        o.id,
        o.root_id,
        o.revision,
        o.previous_id,
        o.status,
        customer_id,
        o.prospect.0,
        o.prospect.1,
        o.language,
        o.valid_until.to_string(),
        rfc(expires_at(o.valid_until))?,
        o.note,
        da.map(|d| d.0.clone()),
        da.map(|d| d.1),
        da.map(|d| d.2),
        da.map(|d| d.3),
        if o.status == "accepted" {
            customer_id.clone()
        } else {
            None
        },
        ADMIN_NAME,
        rfc(o.created)?,
        rfc(updated)?,
        rfc_opt(o.sent)?,
        rfc_opt(o.closed.map(|c| c.0))?,
        o.closed.map(|c| c.1),
    ])?;
    for (position, &(service, quantity, discount)) in o.lines.iter().enumerate() {
        let svc = &services[service];
        tx.prepare_cached(
            "INSERT INTO purchase_offer_lines (id, offer_id, position, service_id, quantity,
                 unit_price_minor, catalog_price_minor, currency, discount_bp, accepted_quantity)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            rng.uuid(),
            o.id,
            position as u32,
            svc.id,
            quantity,
            svc.price,
            svc.price,
            svc.currency,
            discount,
            (o.status == "accepted").then_some(quantity),
        ])?;
    }
    if let Some(sent) = o.sent {
        tx.prepare_cached(
            "INSERT INTO purchase_offer_recipients (offer_id, email, sent_at, sent_by)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![o.id, o.recipient, rfc(sent)?, ADMIN_NAME])?;
    }
    Ok(())
}

/// A key in Microsoft's format, from its alphabet.
fn product_key(rng: &mut Rng) -> String {
    let alphabet: Vec<char> = ALPHABET.chars().collect();
    (0..5)
        .map(|_| {
            (0..5)
                .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize])
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// A product key as the inventory holds it; redeemed for a subscription, or not.
struct SeedKey {
    key: String,
    service: usize,
    quantity: u32,
    term: String,
    added: OffsetDateTime,
    redeemed: Option<(usize, String, OffsetDateTime)>,
}

fn insert_key(
    tx: &Connection,
    rng: &mut Rng,
    k: &SeedKey,
    customers: &[Cust],
    services: &[Svc],
) -> BenchResult<()> {
    let last_group = k.key.rsplit('-').next().unwrap_or_default();
    let redeemed = k.redeemed.as_ref();
    tx.prepare_cached(
        "INSERT INTO product_keys (id, product_key, last_group, service_id, quantity, term,
             status, added_at, added_by, customer_id, subscription_id, redeem_mode, redeemed_at,
             redeemed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        rng.uuid(),
        k.key,
        last_group,
        services[k.service].id,
        k.quantity,
        k.term,
        if redeemed.is_some() {
            "redeemed"
        } else {
            "available"
        },
        rfc(k.added)?,
        ADMIN_NAME,
        redeemed.map(|r| customers[r.0].id.clone()),
        redeemed.map(|r| r.1.clone()),
        redeemed.map(|_| "new_subscription"),
        rfc_opt(redeemed.map(|r| r.2))?,
        redeemed.map(|_| ADMIN_NAME),
    ])?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------

struct Seeded {
    actor: Actor,
    lines: Vec<String>,
    total: StdDuration,
}

/// A complete company profile (a partner ID for offer links), so no
/// "incomplete profile" notice.
fn full_company() -> CompanyProfile {
    CompanyProfile {
        phone: "+48 22 123 45 67".into(),
        email: "biuro@contoso.pl".into(),
        website: "https://contoso.pl/".into(),
        partner_id: "1234567".into(),
        partner_tenant_id: "0b7c6f1e-2d3a-4c5b-9e8f-7a6b5c4d3e2f".into(),
        ..company()
    }
}

fn seed(store: &Store, n: usize) -> BenchResult<Seeded> {
    let all_started = Instant::now();
    let mut lines = Vec::new();
    let actor = sign_in_first_admin(store, full_company())?;
    let mut generator = Generator::new(Rng(0x5AB5_C41B_7105));
    seed_customers(
        store,
        &actor,
        &mut generator,
        (n, CORE_CUSTOMERS.min(n / 20).max(1)),
        &mut lines,
    )?;
    let customers = load_customers(store)?;
    let services = load_services(store, &actor)?;
    let sample = CORE_SAMPLE.min(n / 40).max(1);
    let mut core = core_sample(store, &actor, &customers[..sample], &services)?;
    lines.append(&mut core.lines);

    // ---- relationships by SQL ------------------------------------------------
    let started = Instant::now();
    let mut rng = Rng(0x6DA9_2026);
    let mut written = 0;
    let mut c = sample;
    while c < n {
        let end = (c + BATCH).min(n);
        store.write(|tx| {
            for (i, cust) in customers.iter().enumerate().take(end).skip(c) {
                let r = current_relationship(
                    &mut rng,
                    format!("GDAP-{i:06}"),
                    cust.added,
                    cust.archived,
                );
                insert_relationship(tx, &mut rng, &cust.id, &r)
                    .map_err(core_err("relationship"))?;
                written += 1;
                if rng.chance(30) {
                    if let Some(r) =
                        expired(&mut rng, format!("GDAP-{i:06}-poprzednia"), cust.added)
                    {
                        insert_relationship(tx, &mut rng, &cust.id, &r)
                            .map_err(core_err("relationship"))?;
                        written += 1;
                    }
                }
            }
            Ok(())
        })?;
        c = end;
        seeding_progress("relationships by SQL", c - sample, n - sample, started)?;
    }
    eprintln!();
    let states = |store: &Store| -> BenchResult<Vec<String>> {
        Ok(store.read(|conn| {
            let mut s = conn.prepare("SELECT relationship_state FROM customers WHERE id = ?1")?;
            let mut out = Vec::new();
            for c in &customers[..sample] {
                out.push(s.query_row([&c.id], |r| r.get(0))?);
            }
            Ok(out)
        })?)
    };
    let before = states(store)?;
    store.write(|tx| {
        tx.execute(&refresh_states(), [])?;
        Ok(())
    })?;
    if before != states(store)? {
        return Err("the bulk relationship-state refresh disagrees with the core's refresh".into());
    }
    lines.push(format!(
        "- {written} relationships by SQL (one current per customer: 86 % live, the rest \
         waiting for approval, never sent, expired or terminated; a former one for 30 %), then \
         every customer's list state set by the core's rule: {:.2} s",
        started.elapsed().as_secs_f64()
    ));

    // ---- subscriptions by SQL ------------------------------------------------
    let started = Instant::now();
    let mut rng = Rng(0x5B5C_2026);
    let total = SUBSCRIPTIONS_PER_CUSTOMER * n - core.subscriptions;
    const SHARES: [(usize, u64); 9] = [
        (0, 8),
        (1, 17),
        (2, 20),
        (3, 20),
        (4, 14),
        (5, 9),
        (6, 6),
        (8, 4),
        (10, 2),
    ];
    let counts = bench_support::seed::counts(&mut rng, n - sample, total, &SHARES, 14);
    let mut written = 0;
    let mut history = 0;
    let mut keys: Vec<SeedKey> = Vec::new();
    let mut seeded_notices: Vec<String> = Vec::new();
    let mut c = sample;
    while c < n {
        let end = (c + BATCH / 2).min(n);
        store.write(|tx| {
            for i in c..end {
                let mut trials = Vec::new();
                for _ in 0..counts[i - sample] {
                    let s = SubContext {
                        rng: &mut rng,
                        services: &services,
                        customer: i,
                        added: customers[i].added,
                        trials: &mut trials,
                    }
                    .next(customers[i].archived)
                    .map_err(core_err("subscription"))?;
                    insert_subscription(
                        tx,
                        &mut rng,
                        &s,
                        (&customers[i], &services[s.service]),
                        &actor.id,
                        &mut seeded_notices,
                    )
                    .map_err(core_err("subscription"))?;
                    if s.source == "product_key" {
                        let added = s.created - days(1 + rng.below(200) as i64);
                        keys.push(SeedKey {
                            key: String::new(),
                            service: s.service,
                            quantity: s.quantity,
                            term: s.term.clone(),
                            added,
                            redeemed: Some((s.customer, s.id.clone(), s.created)),
                        });
                    }
                    written += 1;
                    history += s.history.len();
                }
            }
            Ok(())
        })?;
        c = end;
        seeding_progress("subscriptions by SQL", written, total, started)?;
    }
    eprintln!();
    // The partner of record is a claim per customer and workload now (0018,
    // decision 0044): the flag the seeder sets becomes one, as the migration does.
    store.write(|tx| {
        tx.execute(
            "INSERT OR IGNORE INTO partner_of_record_claims (customer_id, workload, state,
                 claimed_at, claimed_by, changed_at, changed_by)
             SELECT s.customer_id, cw.workload, 'claimed', min(s.partner_of_record_at),
                 s.partner_of_record_by, min(s.partner_of_record_at), s.partner_of_record_by
             FROM subscriptions s JOIN catalog_workloads cw ON cw.service_id = s.service_id
             WHERE s.partner_of_record = 1 AND cw.workload IS NOT NULL
             GROUP BY s.customer_id, cw.workload",
            [],
        )?;
        Ok(())
    })?;
    lines.push(format!(
        "- {written} subscriptions by SQL ({history} history rows; the partner-of-record \
         notifications of the last {RETENTION_DAYS} days with them): {:.2} s",
        started.elapsed().as_secs_f64()
    ));

    // ---- offers and keys by SQL --------------------------------------------
    let started = Instant::now();
    let mut rng = Rng(0x0FFE_2026);
    let roots = n / 4;
    let mut offers = 0;
    let mut k = 0;
    while k < roots {
        let end = (k + BATCH).min(roots);
        store.write(|tx| {
            for root in k..end {
                for o in offer_revisions(&mut rng, root, &customers, &services)
                    .map_err(core_err("offer"))?
                {
                    insert_offer(tx, &mut rng, &o, &customers, &services)
                        .map_err(core_err("offer"))?;
                    offers += 1;
                }
            }
            Ok(())
        })?;
        k = end;
        seeding_progress("offers by SQL", k, roots, started)?;
    }
    eprintln!();
    // Keys still in stock, bought over the last two years.
    for _ in 0..n / 30 {
        let service = pick_service(&mut rng, &services);
        let (term, _) = term_and_plan(&mut rng);
        keys.push(SeedKey {
            key: String::new(),
            service,
            quantity: quantity(&mut rng),
            term: term.into(),
            added: rng.between(NOW - days(730), NOW - hours(1)),
            redeemed: None,
        });
    }
    let mut taken: HashSet<String> = store.read(|conn| {
        let mut s = conn.prepare("SELECT product_key FROM product_keys")?;
        let keys = s
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<HashSet<String>>>()?;
        Ok(keys)
    })?;
    for key in &mut keys {
        loop {
            let candidate = product_key(&mut rng);
            if taken.insert(candidate.clone()) {
                key.key = candidate;
                break;
            }
        }
    }
    store.write(|tx| {
        for key in &keys {
            insert_key(tx, &mut rng, key, &customers, &services).map_err(core_err("key"))?;
        }
        Ok(())
    })?;
    lines.push(format!(
        "- {offers} purchase offers ({roots} offers, some revised) with their lines and \
         recipients, and {} product keys ({} redeemed for the subscriptions they set up) by SQL: \
         {:.2} s",
        keys.len(),
        keys.iter().filter(|k| k.redeemed.is_some()).count(),
        started.elapsed().as_secs_f64()
    ));

    // ---- the clock's notifications of the last half year ----------------------
    let started = Instant::now();
    let made = seed_clock_notices(store, &mut rng, &customers[..core.customers])?;
    seeded_notices.extend(made);
    let reads = seed_reads(store, &mut rng, &actor.id, &seeded_notices)?;
    lines.push(format!(
        "- {} notifications of the last {RETENTION_DAYS} days by SQL (what the clock rules and \
         the partner-of-record changes made, cause keys as the core makes them), {reads} of them \
         read by the admin: {:.2} s",
        seeded_notices.len(),
        started.elapsed().as_secs_f64()
    ));

    // ---- start: the clocks catch up, as when the app opens ----------------
    let catch_up = ManualClock::at(NOW);
    let mut ran = Vec::new();
    for (name, run) in CLOCKS {
        let started = Instant::now();
        let change = run(store, &catch_up)?;
        ran.push(format!(
            "`{name}` {} ({})",
            format_duration(started.elapsed()),
            changed(name, change.as_ref())
        ));
    }
    lines.push(format!(
        "- the clocks' catch-up at `NOW`, as the app runs them at start: {}",
        ran.join(", ")
    ));
    let made_at_start: Vec<(String, i64)> = store.read(|conn| {
        let mut s = conn.prepare(
            "SELECT kind, count(*) FROM notifications WHERE created_at = ?1 GROUP BY kind ORDER BY kind",
        )?;
        let rows = s
            .query_map([rfc(NOW).map_err(core_err("now"))?], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })?;
    lines.push(format!(
        "- notifications the catch-up made (the core sample's; the seeded history held the \
         rest): {}",
        pairs(&made_at_start)
    ));

    // ---- the seeder's rows must look like the core's ------------------------
    let seeded: HashSet<String> = seeded_notices.into_iter().collect();
    lines.extend(check_shapes(store, &core, &seeded)?);
    Ok(Seeded {
        actor,
        lines,
        total: all_started.elapsed(),
    })
}

fn pairs<T: std::fmt::Display>(v: &[(String, T)]) -> String {
    v.iter()
        .map(|(s, c)| format!("{s} {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

type ClockRun =
    fn(&Store, &dyn Clock) -> partnerdesk_core::Result<Option<partnerdesk_core::change::Change>>;

/// The clocks in the order the app runs them (`src-tauri/src/lib.rs`).
const CLOCKS: [(&str, ClockRun); 4] = [
    ("relationships::apply_clock", relationships::apply_clock),
    ("subscriptions::apply_clock", subscriptions::apply_clock),
    ("offers::apply_clock", offers::apply_clock),
    ("notifications::apply_clock", notifications::apply_clock),
];

/// What a clock run changed, from the change it announces.
fn changed(name: &str, change: Option<&partnerdesk_core::change::Change>) -> String {
    match change {
        None => "nothing due".into(),
        // Subscriptions and relationships name the object and its customer.
        Some(c) if name.starts_with("subscriptions") || name.starts_with("relationships") => {
            format!("{} changed", c.ids.len() / 2)
        }
        Some(c) if name.starts_with("offers") => format!("{} expired", c.ids.len()),
        Some(_) => "made or dropped notifications".into(),
    }
}

/// What went through the core's own functions.
struct CoreSample {
    /// The first `customers` customers are the core's.
    customers: usize,
    subscriptions: usize,
    offers: Vec<String>,
    keys: Vec<String>,
    lines: Vec<String>,
}

/// Relationships, subscriptions, offers and keys for the first customers
/// through the core, on a clock walking through the last year.
fn core_sample(
    store: &Store,
    actor: &Actor,
    customers: &[Cust],
    services: &[Svc],
) -> BenchResult<CoreSample> {
    let started = Instant::now();
    let clock = ManualClock::at(NOW - days(300));
    let service = |part: &str| -> BenchResult<&Svc> {
        services
            .iter()
            .find(|s| s.title.contains(part))
            .ok_or_else(|| format!("no {part} in the catalog").into())
    };
    let (basic, standard, premium, exchange, e3) = (
        service("Business Basic")?,
        service("Business Standard")?,
        service("Business Premium")?,
        service("Exchange")?,
        service("E3")?,
    );
    let offer = |c: &Cust, name: String, roles: &[&str], length: u32, approval| RelationshipOffer {
        customer_id: c.id.clone(),
        display_name: name,
        roles: roles.iter().map(|r| entra_role(r)).collect(),
        duration_days: length,
        auto_extend: !roles.contains(&"global_admin"),
        request_approval: approval,
    };
    // Relationships, 300 days ago: live, soon expiring, never sent, about to
    // expire, terminated; those without a live one get a second. Every state
    // holds one role (a bare id) and several (ids joined with ','), as the
    // seeder's do.
    let mut relationships_made = 0;
    for (k, c) in customers.iter().enumerate() {
        clock.advance(Duration::minutes(1));
        let several = (k / 10) % 2 == 1;
        let (roles, length, approval): (&[&str], u32, bool) = match (k % 10, several) {
            (6, false) => (&["password_admin"], 320, true),
            (6, true) => (&["password_admin", "billing_admin"], 320, true),
            (7, false) => (&["user_admin"], 365, false),
            (7, true) => (&["user_admin", "helpdesk_admin"], 365, false),
            (8, false) => (&["global_admin"], 30, true),
            (8, true) => (&["global_admin", "billing_admin"], 30, true),
            (9, false) => (&["service_support_admin"], 365, true),
            _ => (&["password_admin", "user_admin"], 365, true),
        };
        let (first, _) = relationships::offer(
            store,
            &clock,
            actor,
            &offer(c, format!("Core-GDAP-{k:04}"), roles, length, approval),
        )?;
        relationships_made += 1;
        if approval {
            relationships::record_acceptance(store, &clock, actor, &first.id, None)?;
        }
        if k % 10 == 9 {
            relationships::terminate(store, &clock, actor, &first.id)?;
        }
        if matches!(k % 10, 7..=9) {
            let (second, _) = relationships::offer(
                store,
                &clock,
                actor,
                &offer(
                    c,
                    format!("Core-GDAP-{k:04}-b"),
                    &["helpdesk_admin"],
                    730,
                    true,
                ),
            )?;
            relationships::record_acceptance(store, &clock, actor, &second.id, None)?;
            relationships_made += 1;
        }
    }
    // Subscriptions and their changes, in time order.
    let add =
        |c: &Cust, s: &Svc, quantity, term: Option<&str>, starts: Option<String>, trial: bool| {
            subscriptions::add(
                store,
                &clock,
                actor,
                &SubscriptionInput {
                    customer_id: c.id.clone(),
                    service_id: s.id.clone(),
                    quantity,
                    term: term.map(str::to_owned),
                    billing_plan: term
                        .map(|t| if t == "P1M" { "monthly" } else { "annual" }.to_owned()),
                    starts_at: starts,
                    // A trial with auto-renew on schedules its conversion; the
                    // seeder writes trials without one, so these have none either.
                    auto_renew: !trial,
                    trial,
                },
            )
            .map(|(s, _)| s.id)
        };
    let at = |when: OffsetDateTime| clock.set(when);
    at(NOW - days(200));
    let mut paid = Vec::new();
    for c in customers {
        clock.advance(Duration::minutes(1));
        paid.push(add(c, standard, 10, None, None, false)?);
    }
    let phase = |when: OffsetDateTime,
                 pick: &dyn Fn(usize) -> bool,
                 work: &dyn Fn(&str) -> partnerdesk_core::Result<()>|
     -> BenchResult<()> {
        at(when);
        for (k, id) in paid.iter().enumerate() {
            if pick(k) {
                clock.advance(Duration::minutes(1));
                work(id)?;
            }
        }
        Ok(())
    };
    phase(NOW - days(199), &|k| k % 10 == 2, &|id| {
        subscriptions::apply_event(store, &clock, actor, id, SubscriptionEvent::Cancel, "")
            .map(drop)
    })?;
    phase(NOW - days(190), &|k| k % 4 == 0 && k % 10 != 2, &|id| {
        subscriptions::set_partner_of_record(store, &clock, actor, id, true).map(drop)
    })?;
    phase(NOW - days(150), &|k| k % 10 == 3 || k % 10 == 4, &|id| {
        subscriptions::change_quantity(store, &clock, actor, id, 12, "więcej pracowników").map(drop)
    })?;
    phase(NOW - days(120), &|k| k % 10 == 4 || k % 10 == 5, &|id| {
        subscriptions::set_auto_renew(store, &clock, actor, id, false).map(drop)
    })?;
    phase(NOW - days(100), &|k| k % 10 == 1 || k % 10 == 4, &|id| {
        subscriptions::apply_event(
            store,
            &clock,
            actor,
            id,
            SubscriptionEvent::Suspend,
            "zaległa płatność",
        )
        .map(drop)
    })?;
    // Keys bought four months ago, still in stock.
    let mut key_ids = Vec::new();
    let mut rng = Rng(0x4B45_5953);
    at(NOW - days(120));
    for i in 0..20 {
        clock.advance(Duration::minutes(1));
        let (k, _) = product_keys::add(
            store,
            &clock,
            actor,
            &ProductKeyInput {
                key: product_key(&mut rng),
                service_id: services[i % services.len()].id.clone(),
                quantity: 5,
                term: "P1Y".into(),
            },
        )?;
        key_ids.push(k.id);
    }
    // Monthly ones that renew at the catch-up; trials ending soon or ended.
    at(NOW - days(40));
    for (k, c) in customers.iter().enumerate().filter(|(k, _)| k % 3 == 0) {
        clock.advance(Duration::minutes(1));
        let id = add(c, exchange, 5, Some("P1M"), None, false)?;
        if k % 6 == 0 {
            subscriptions::set_partner_of_record(store, &clock, actor, &id, true)?;
        }
    }
    at(NOW - days(35));
    for c in customers.iter().step_by(5) {
        clock.advance(Duration::minutes(1));
        add(c, basic, 1, None, None, true)?;
    }
    at(NOW - days(25));
    for c in customers.iter().skip(1).step_by(2) {
        clock.advance(Duration::minutes(1));
        let id = add(c, premium, 1, None, None, true)?;
        if c.id.ends_with(['0', '1', '2', '3']) {
            subscriptions::set_partner_of_record(store, &clock, actor, &id, true)?;
        }
    }
    // Bought to start in ten days.
    at(NOW - days(5));
    for c in customers.iter().step_by(7) {
        clock.advance(Duration::minutes(1));
        add(
            c,
            e3,
            3,
            Some("P1Y"),
            Some(to_rfc3339(NOW + days(10))?),
            false,
        )?;
    }
    // Offers: accepted, withdrawn, open and lapsing soon, lapsed, drafts.
    // A delegated-admin request asks for one role or several (`several`).
    let draft = |c: &Cust, valid: OffsetDateTime, with_da: bool, several: bool| OfferDraftInput {
        customer_id: Some(c.id.clone()),
        valid_until: valid.date().to_string(),
        note: String::new(),
        delegated_admin: with_da.then(|| DelegatedAdminRequest {
            display_name: format!("Core-Oferta-{}", &c.id[..8]),
            roles: if several {
                vec![entra_role("user_admin"), entra_role("helpdesk_admin")]
            } else {
                vec![entra_role("user_admin")]
            },
            duration_days: 365,
            auto_extend: true,
        }),
        lines: vec![
            OfferLineInput {
                service_id: premium.id.clone(),
                quantity: 4,
                unit_price_minor: premium.price,
                price_source: None,
                discount_bp: 0,
            },
            OfferLineInput {
                service_id: e3.id.clone(),
                quantity: 2,
                unit_price_minor: e3.price,
                price_source: None,
                discount_bp: 500,
            },
        ],
        ..Default::default()
    };
    let mut offer_ids = Vec::new();
    let recipient = |c: &Cust| -> Vec<String> {
        vec![if c.email.is_empty() {
            "zakupy@example.pl".to_owned()
        } else {
            c.email.clone()
        }]
    };
    at(NOW - days(12));
    for (k, c) in customers.iter().enumerate().filter(|(k, _)| k % 4 == 1) {
        clock.advance(Duration::minutes(1));
        // With delegated admin: k % 8 == 1, accepted, withdrawn or declined
        // by k % 12; k / 24 alternates one role and several within each.
        let (d, _) = offers::create(
            store,
            &clock,
            actor,
            &draft(c, NOW - days(3), k % 8 == 1, (k / 24) % 2 == 1),
        )?;
        offers::send(store, &clock, actor, &d.offer.id, &recipient(c))?;
        offer_ids.push(d.offer.id.clone());
        match k % 12 {
            1 => {
                offers::accept(
                    store,
                    &clock,
                    actor,
                    &d.offer.id,
                    &AcceptanceInput::default(),
                )?;
            }
            5 => {
                offers::close(store, &clock, actor, &d.offer.id, OfferEvent::Withdraw)?;
            }
            9 => {
                offers::close(store, &clock, actor, &d.offer.id, OfferEvent::Decline)?;
            }
            3 => {
                // Revised and sent again: the first is superseded.
                let (next, _) = offers::revise(store, &clock, actor, &d.offer.id, &[])?;
                offers::send(store, &clock, actor, &next.offer.id, &recipient(c))?;
                offer_ids.push(next.offer.id.clone());
            }
            _ => {} // lapses at the catch-up
        }
    }
    at(NOW - days(3));
    for (k, c) in customers.iter().enumerate().filter(|(k, _)| k % 4 == 2) {
        clock.advance(Duration::minutes(1));
        let (d, _) = offers::create(store, &clock, actor, &draft(c, NOW + days(2), false, false))?;
        if k % 8 != 2 {
            offers::send(store, &clock, actor, &d.offer.id, &recipient(c))?;
        }
        offer_ids.push(d.offer.id.clone());
    }
    // And to prospects, some asking for delegated administration.
    for i in 0..12 {
        clock.advance(Duration::minutes(1));
        let email = format!("biuro@prospekt-core{i}.pl");
        let input = OfferDraftInput {
            customer_id: None,
            prospect_name: format!("Prospekt core {i} Sp. z o.o."),
            prospect_email: email.clone(),
            language: "pl".into(),
            // Drafts (i 0, 4, 8) and sent (2, 6, 10) each ask for several
            // roles once (i % 3 == 1).
            ..draft(&customers[0], NOW + days(20), i % 2 == 0, i % 3 == 1)
        };
        let input = OfferDraftInput {
            delegated_admin: input.delegated_admin.map(|d| DelegatedAdminRequest {
                display_name: format!("Core-Prospekt-{i}"),
                ..d
            }),
            ..input
        };
        let (d, _) = offers::create(store, &clock, actor, &input)?;
        if i % 4 != 0 {
            offers::send(store, &clock, actor, &d.offer.id, &[email])?;
        }
        if i % 4 == 1 {
            offers::close(store, &clock, actor, &d.offer.id, OfferEvent::Decline)?;
        }
        offer_ids.push(d.offer.id.clone());
    }
    // Accepting an offer converts a running trial of the same service
    // instead of adding one: count what is there.
    let made: i64 = store
        .read(|conn| Ok(conn.query_row("SELECT count(*) FROM subscriptions", [], |r| r.get(0))?))?;
    let made = made as usize;
    Ok(CoreSample {
        customers: customers.len(),
        subscriptions: made,
        lines: vec![format!(
            "- through the core for the first {} customers, on a clock walking through the last \
             300 days: {relationships_made} relationships (`relationships::offer` / \
             `record_acceptance` / `terminate`), {made} subscriptions (`subscriptions::add`, \
             trials and pending ones among them, then `set_partner_of_record`, `apply_event`, \
             `change_quantity`, `set_auto_renew`; `offers::accept` adds some), {} offers \
             (`offers::create` / `send` / `accept` / `close`), {} keys (`product_keys::add`): \
             {:.2} s",
            customers.len(),
            offer_ids.len(),
            key_ids.len(),
            started.elapsed().as_secs_f64()
        )],
        offers: offer_ids,
        keys: key_ids,
    })
}

/// The notifications the clock rules made over the last half year, for the
/// seeded objects (the core sample's are left to the catch-up run): each
/// on the day its rule first found it, with the cause key the rule makes.
fn seed_clock_notices(
    store: &Store,
    rng: &mut Rng,
    core_customers: &[Cust],
) -> BenchResult<Vec<String>> {
    let core: HashSet<&str> = core_customers.iter().map(|c| c.id.as_str()).collect();
    let kept_from = NOW - days(RETENTION_DAYS);
    // (object id, subject, due text, customer id)
    type Found = (String, String, String, Option<String>);
    let found = |sql: &str, args: &[SqlValue]| -> BenchResult<Vec<Found>> {
        Ok(store.read(|conn| {
            let mut s = conn.prepare(sql)?;
            let rows = s
                .query_map(params_from_iter(args.iter()), |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<rusqlite::Result<Vec<Found>>>()?;
            Ok(rows)
        })?)
    };
    let mut notices = Vec::new();
    let mut due_ahead = |rows: Vec<Found>,
                         ahead: i64,
                         (kind, event, object_kind): (&'static str, &'static str, &'static str),
                         cause: &dyn Fn(&str, &str) -> String|
     -> BenchResult<()> {
        for (id, subject, due_at, customer_id) in rows {
            if customer_id.as_deref().is_some_and(|c| core.contains(c)) {
                continue;
            }
            let due_time = if due_at.len() == 10 {
                expires_at(Date::parse(
                    &due_at,
                    time::macros::format_description!("[year]-[month]-[day]"),
                )?)
            } else {
                OffsetDateTime::parse(&due_at, &Rfc3339)?
            };
            // Hourly runs: found within the hour it came inside the window.
            let at = due_time - days(ahead) + Duration::minutes(rng.below(60) as i64);
            if at <= kept_from || at > NOW {
                continue;
            }
            let due = due_at[..10].to_owned();
            notices.push(Notice {
                cause_key: cause(&id, &due),
                kind,
                event: event.into(),
                object_kind,
                object_id: id,
                customer_id,
                subject,
                from: None,
                to: None,
                due: Some(due),
                at,
            });
        }
        Ok(())
    };
    let window = [
        text(&rfc(kept_from)?),
        text(&rfc(NOW + days(POR_EXPIRY_DAYS))?),
    ];
    due_ahead(
        found(
            "SELECT s.id, c.company_name || ' — ' || cs.title, s.ends_at, s.customer_id
             FROM subscriptions s JOIN customers c ON c.id = s.customer_id
             JOIN catalog_services cs ON cs.id = s.service_id
             WHERE s.trial = 1 AND s.status IN ('active', 'expired')
               AND s.ends_at > ?1 AND s.ends_at <= ?2",
            &window,
        )?,
        TRIAL_ENDING_DAYS,
        ("trial_ending", "ending", "subscription"),
        &|id, due| format!("trial_ending:{id}:{due}"),
    )?;
    due_ahead(
        found(
            "SELECT s.id, c.company_name || ' — ' || cs.title, s.ends_at, s.customer_id
             FROM subscriptions s JOIN customers c ON c.id = s.customer_id
             JOIN catalog_services cs ON cs.id = s.service_id
             WHERE s.partner_of_record = 1 AND s.status IN ('active', 'suspended', 'expired')
               AND (s.trial = 1 OR s.auto_renew = 0 OR s.status <> 'active')
               AND s.ends_at > ?1 AND s.ends_at <= ?2",
            &window,
        )?,
        POR_EXPIRY_DAYS,
        ("partner_of_record", "expiring", "subscription"),
        &|id, due| format!("partner_of_record:{id}:expiring:{due}"),
    )?;
    due_ahead(
        found(
            "SELECT r.id, c.company_name || ' — ' || r.display_name, r.ends_at, r.customer_id
             FROM relationships r JOIN customers c ON c.id = r.customer_id
             WHERE r.state IN ('expiring', 'expired') AND r.ends_at > ?1 AND r.ends_at <= ?2",
            &window,
        )?,
        EXPIRING_DAYS,
        ("relationship_expiring", "expiring", "relationship"),
        &|id, due| format!("relationship_expiring:{id}:{due}"),
    )?;
    let offers_found = found(
        "SELECT o.id,
                coalesce(c.company_name, nullif(o.prospect_name, ''), o.prospect_email)
                    || ' (' || o.revision || ')',
                o.valid_until, o.customer_id
         FROM purchase_offers o LEFT JOIN customers c ON c.id = o.customer_id
         WHERE o.status IN ('sent', 'expired') AND o.expires_at > ?1 AND o.expires_at <= ?2",
        &[
            text(&rfc(kept_from)?),
            text(&rfc(NOW + days(OFFER_EXPIRING_DAYS))?),
        ],
    )?;
    due_ahead(
        offers_found,
        OFFER_EXPIRING_DAYS,
        ("offer_expiring", "expiring", "offer"),
        &|id, due| format!("offer_expiring:{id}:{due}"),
    )?;
    // Keys in stock 90 days: said once, and again each time the last one was dropped.
    let keys: Vec<(String, String, String)> = store.read(|conn| {
        let mut s = conn.prepare(
            "SELECT k.id, '•••••-•••••-•••••-•••••-' || k.last_group || ' — ' || cs.title, k.added_at
             FROM product_keys k JOIN catalog_services cs ON cs.id = k.service_id
             WHERE k.status = 'available' AND k.added_by = ?1 AND k.added_at <= ?2",
        )?;
        let rows = s
            .query_map(
                params![ADMIN_NAME, rfc(NOW - days(UNREDEEMED_KEY_DAYS)).map_err(core_err("now"))?],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })?;
    let core_keys_from = NOW - days(121);
    for (id, subject, added) in keys {
        let added_time = OffsetDateTime::parse(&added, &Rfc3339)?;
        if added_time >= core_keys_from {
            continue; // the core sample's
        }
        let mut at =
            added_time + days(UNREDEEMED_KEY_DAYS) + Duration::minutes(rng.below(60) as i64);
        while at + days(RETENTION_DAYS) <= NOW {
            at += days(RETENTION_DAYS) + hours(1);
        }
        notices.push(Notice {
            cause_key: format!("product_key_unredeemed:{id}"),
            kind: "product_key_unredeemed",
            event: "unredeemed".into(),
            object_kind: "product_key",
            object_id: id,
            customer_id: None,
            subject,
            from: Some(added[..10].to_owned()),
            to: None,
            due: None,
            at,
        });
    }
    notices.sort_by_key(|n| n.at);
    let mut ids = Vec::new();
    store.write(|tx| {
        for n in &notices {
            ids.extend(insert_notice(tx, rng, n).map_err(core_err("notification"))?);
        }
        Ok(())
    })?;
    Ok(ids)
}

/// The admin read most of what is older than two days, and some of the rest.
fn seed_reads(store: &Store, rng: &mut Rng, staff_id: &str, ids: &[String]) -> BenchResult<usize> {
    let created: Vec<(String, String)> = store.read(|conn| {
        let mut s = conn.prepare("SELECT id, created_at FROM notifications")?;
        let rows = s
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })?;
    let seeded: HashSet<&String> = ids.iter().collect();
    let mut reads = 0;
    store.write(|tx| {
        let mut insert = tx.prepare_cached(
            "INSERT OR IGNORE INTO notification_reads (notification_id, staff_id, read_at)
             VALUES (?1, ?2, ?3)",
        )?;
        for (id, at) in &created {
            if !seeded.contains(id) {
                continue;
            }
            let at = parse_rfc3339("created_at", at)?;
            let share = if at < NOW - days(2) { 92 } else { 30 };
            if rng.chance(share) {
                let read = rng.between(at, (at + days(2)).min(NOW));
                insert.execute(params![id, staff_id, to_rfc3339(read)?])?;
                reads += 1;
            }
        }
        Ok(())
    })?;
    Ok(reads)
}

// ---------------------------------------------------------------------------
// The seeder's rows against the core's
// ---------------------------------------------------------------------------

fn shape(value: ValueRef<'_>) -> &'static str {
    match value {
        ValueRef::Null => "NULL",
        ValueRef::Integer(_) => "integer",
        ValueRef::Real(_) => "real",
        ValueRef::Blob(_) => "blob",
        ValueRef::Text(bytes) => {
            let t = std::str::from_utf8(bytes).unwrap_or_default();
            if t.is_empty() {
                // '' and other text are one shape: columns that default to
                // '' hold free text; NULL against '' is what matters.
                "text or ''"
            } else if OffsetDateTime::parse(t, &Rfc3339).is_ok() {
                "RFC 3339 time"
            } else if t.len() == 10
                && Date::parse(t, time::macros::format_description!("[year]-[month]-[day]")).is_ok()
            {
                "date"
            } else if t.len() == 36 && uuid::Uuid::parse_str(t).is_ok() {
                "UUID"
            } else {
                "text or ''"
            }
        }
    }
}

/// (kind of row, column) -> shapes seen, for the core's rows and the seeder's.
type Shapes = BTreeMap<(String, String), BTreeSet<&'static str>>;

/// Compares one table: `sql` selects (is the core's, kind of row, columns…).
fn compare(
    conn: &Connection,
    table: &str,
    sql: &str,
    args: &[SqlValue],
) -> BenchResult<(String, Vec<String>)> {
    let mut statement = conn.prepare(sql)?;
    let names: Vec<String> = statement
        .column_names()
        .iter()
        .skip(2)
        .map(|s| (*s).to_owned())
        .collect();
    let (mut core, mut seeded): (Shapes, Shapes) = Default::default();
    let (mut core_rows, mut seeded_rows) = (0, 0);
    let mut rows = statement.query(params_from_iter(args.iter()))?;
    while let Some(row) = rows.next()? {
        let is_core: bool = row.get(0)?;
        let kind: String = row.get(1)?;
        let into = if is_core {
            core_rows += 1;
            &mut core
        } else {
            seeded_rows += 1;
            &mut seeded
        };
        for (i, name) in names.iter().enumerate() {
            into.entry((kind.clone(), name.clone()))
                .or_default()
                .insert(shape(row.get_ref(i + 2)?));
        }
    }
    let kinds = |s: &Shapes| -> BTreeSet<String> { s.keys().map(|(k, _)| k.clone()).collect() };
    let (core_kinds, seeded_kinds) = (kinds(&core), kinds(&seeded));
    let both: Vec<&String> = core_kinds.intersection(&seeded_kinds).collect();
    let mut problems = Vec::new();
    for kind in &both {
        for name in &names {
            let key = ((*kind).clone(), name.clone());
            if core.get(&key) != seeded.get(&key) {
                problems.push(format!(
                    "{table} ({kind}).{name}: the core wrote {:?}, the seeder {:?}",
                    core.get(&key),
                    seeded.get(&key)
                ));
            }
        }
    }
    let only_seeded: Vec<&String> = seeded_kinds.difference(&core_kinds).collect();
    let mut named: Vec<String> = only_seeded
        .iter()
        .take(6)
        .map(|k| format!("`{k}`"))
        .collect();
    if only_seeded.len() > named.len() {
        named.push(format!("and {} more", only_seeded.len() - named.len()));
    }
    let line = format!(
        "- `{table}`: {} kinds of row made both by the core ({core_rows} rows) and the seeder \
         ({seeded_rows} rows), every column of the same shape; made by the seeder only: {}",
        both.len(),
        if named.is_empty() {
            "none".to_owned()
        } else {
            named.join(", ")
        }
    );
    Ok((line, problems))
}

fn check_shapes(
    store: &Store,
    core: &CoreSample,
    seeded: &HashSet<String>,
) -> BenchResult<Vec<String>> {
    let json = |ids: &mut dyn Iterator<Item = &String>| -> BenchResult<SqlValue> {
        Ok(SqlValue::Text(serde_json::to_string(
            &ids.collect::<Vec<_>>(),
        )?))
    };
    let core_customers: Vec<String> = store.read(|conn| {
        let mut s = conn.prepare("SELECT id FROM customers ORDER BY rowid LIMIT ?1")?;
        let rows = s
            .query_map([core.customers as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })?;
    let customers = json(&mut core_customers.iter())?;
    let offers = json(&mut core.offers.iter())?;
    let keys = json(&mut core.keys.iter())?;
    let notices = json(&mut seeded.iter())?;
    const IN_CORE: &str = "IN (SELECT value FROM json_each(?1))";
    let checks: Vec<(&str, String, SqlValue)> = vec![
        (
            "relationships",
            format!("SELECT customer_id {IN_CORE}, state, * FROM relationships"),
            customers.clone(),
        ),
        (
            "subscriptions",
            format!(
                "SELECT customer_id {IN_CORE}, status
                     || CASE WHEN trial = 1 THEN ' trial' ELSE '' END
                     || CASE WHEN partner_of_record = 1 THEN ' of record' ELSE '' END
                     -- Deleted after a cancellation or after the term (decision 0042).
                     || CASE WHEN status = 'deleted' AND cancelled_at IS NOT NULL
                             THEN ' after a cancellation' ELSE '' END,
                     * FROM subscriptions"
            ),
            customers.clone(),
        ),
        (
            "subscription_changes",
            format!(
                "SELECT s.customer_id {IN_CORE}, sc.kind
                     || CASE WHEN sc.actor_id IS NULL THEN ' by the clock' ELSE '' END, sc.*
                 FROM subscription_changes sc JOIN subscriptions s ON s.id = sc.subscription_id"
            ),
            customers.clone(),
        ),
        (
            "purchase_offers",
            format!(
                "SELECT id {IN_CORE}, status
                     || CASE WHEN revision > 1 THEN ' revised' ELSE '' END
                     || CASE WHEN customer_id IS NULL THEN ' to a prospect' ELSE '' END
                     || CASE WHEN da_display_name IS NULL THEN '' ELSE ' with delegated admin' END,
                     * FROM purchase_offers"
            ),
            offers.clone(),
        ),
        (
            "purchase_offer_lines",
            format!(
                "SELECT l.offer_id {IN_CORE}, o.status, l.* FROM purchase_offer_lines l
                 JOIN purchase_offers o ON o.id = l.offer_id"
            ),
            offers.clone(),
        ),
        (
            "purchase_offer_recipients",
            format!("SELECT offer_id {IN_CORE}, 'sent', * FROM purchase_offer_recipients"),
            offers,
        ),
        (
            "product_keys",
            format!("SELECT id {IN_CORE}, status, * FROM product_keys"),
            keys,
        ),
        (
            "notifications",
            format!(
                "SELECT id NOT {IN_CORE}, kind || ' ' || event
                     || CASE WHEN customer_id IS NULL THEN '' ELSE ' for a customer' END, *
                 FROM notifications"
            ),
            notices,
        ),
    ];
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    store.read(|conn| {
        for (table, sql, arg) in &checks {
            let (line, mut found) = compare(conn, table, sql, std::slice::from_ref(arg))
                .map_err(core_err("shape check"))?;
            lines.push(line);
            problems.append(&mut found);
        }
        Ok(())
    })?;
    if !problems.is_empty() {
        return Err(format!(
            "the seeder writes rows the core would not: fix the seeder first\n{}",
            problems.join("\n")
        )
        .into());
    }
    Ok(lines)
}

// ---------------------------------------------------------------------------
// The statements behind the screens, for their query plans
// ---------------------------------------------------------------------------

/// `subscriptions::list`'s columns and joins (`subscriptions/mod.rs`).
const SUB_COLUMNS: &str =
    "s.id, s.customer_id, c.company_name, s.service_id, cs.title, s.status, s.trial,
    s.quantity, s.term, s.billing_plan, s.auto_renew, s.starts_at, s.term_started_at, s.ends_at,
    s.source, por.customer_id IS NOT NULL, s.cancelled_at, s.refundable, s.created_at,
    cs.decrease_window_days, por.claimed_at, por.claimed_by, s.conversion_quantity,
    s.conversion_term, s.conversion_billing_plan, s.conversion_auto_renew";
const SUB_FROM: &str = "subscriptions s JOIN customers c ON c.id = s.customer_id
    JOIN catalog_services cs ON cs.id = s.service_id
    LEFT JOIN catalog_workloads cw ON cw.service_id = s.service_id
    LEFT JOIN partner_of_record_claims por ON por.customer_id = s.customer_id
        AND por.workload = cw.workload AND por.state = 'claimed'";

/// The two statements `subscriptions::list` runs for a query
/// (`subscriptions/list.rs`, keep in step): the total and the page.
struct ListSql {
    count: String,
    count_params: Vec<SqlValue>,
    page: String,
    page_params: Vec<SqlValue>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Term {
    Customer,
    Service,
    Status,
    Trial,
    AutoRenew,
    Ending,
}

const LIVE: &str = "s.status IN ('pending', 'active', 'suspended')";
const LIVE_INDEX: &str = "subscriptions_list_live_by_end";

fn where_clause(clauses: &[String]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    }
}

fn list_sql(q: &SubscriptionQuery, now: OffsetDateTime) -> BenchResult<ListSql> {
    let ending_by = q
        .ending_within_days
        .map(|d| to_rfc3339(now + days(i64::from(d))))
        .transpose()?;
    let clauses = |indexed: &dyn Fn(Term) -> bool| -> (Vec<String>, Vec<SqlValue>) {
        let mut clauses = Vec::new();
        let mut values = Vec::new();
        let column =
            |term: Term, name: &str| format!("{}s.{name}", if indexed(term) { "" } else { "+" });
        if let Some(id) = &q.customer_id {
            clauses.push(format!("{} = ?", column(Term::Customer, "customer_id")));
            values.push(text(id));
        }
        if let Some(id) = &q.service_id {
            clauses.push(format!("{} = ?", column(Term::Service, "service_id")));
            values.push(text(id));
        }
        if let Some(status) = q.status {
            clauses.push(format!("{} = ?", column(Term::Status, "status")));
            values.push(text(status.as_str()));
        }
        if let Some(trial) = q.trial {
            clauses.push(format!("{} = ?", column(Term::Trial, "trial")));
            values.push(SqlValue::Integer(i64::from(trial)));
        }
        if let Some(auto_renew) = q.auto_renew {
            clauses.push(format!("{} = ?", column(Term::AutoRenew, "auto_renew")));
            values.push(SqlValue::Integer(i64::from(auto_renew)));
        }
        if let Some(by) = &ending_by {
            if indexed(Term::Ending) {
                clauses.push(format!("{LIVE} AND s.ends_at <= ?"));
            } else {
                clauses.push(format!("+{LIVE} AND +s.ends_at <= ?"));
            }
            values.push(text(by));
        }
        (clauses, values)
    };
    let by_customer = q.customer_id.is_some();
    let (count, count_params) = if !by_customer && ending_by.is_none() {
        let (c, v) = clauses(&|_| true);
        (
            format!(
                "SELECT coalesce(sum(s.subscriptions), 0) FROM subscription_tally s{}",
                where_clause(&c)
            ),
            v,
        )
    } else if by_customer {
        let (c, v) = clauses(&|t| t == Term::Customer);
        (
            format!("SELECT count(*) FROM subscriptions s{}", where_clause(&c)),
            v,
        )
    } else {
        let (c, v) = clauses(&|_| true);
        (
            format!(
                "SELECT count(*) FROM subscriptions s INDEXED BY {LIVE_INDEX}{}",
                where_clause(&c)
            ),
            v,
        )
    };
    let by_end = q.sort == SubscriptionSort::Ends;
    let (mut page_clauses, mut values) = clauses(&|term| match term {
        Term::Customer => true,
        Term::Status | Term::Ending => by_end && !by_customer,
        Term::Service | Term::Trial | Term::AutoRenew => false,
    });
    let live_only = by_end && !by_customer && ending_by.is_some() && q.status.is_none();
    let (key_column, order, compare) = match q.sort {
        SubscriptionSort::Ends => ("s.ends_at", "s.ends_at ASC, s.id ASC", ">"),
        SubscriptionSort::Added => ("s.created_at", "s.created_at DESC, s.id DESC", "<"),
    };
    if let Some((key, id)) = q.cursor.as_deref().and_then(|c| c.split_once('\u{1f}')) {
        page_clauses.push(format!("({key_column}, s.id) {compare} (?, ?)"));
        values.push(text(key));
        values.push(text(id));
    }
    values.push(SqlValue::Integer(i64::from(q.limit.unwrap_or(PAGE)) + 1));
    let from = if live_only {
        SUB_FROM.replacen(
            "subscriptions s",
            &format!("subscriptions s INDEXED BY {LIVE_INDEX}"),
            1,
        )
    } else {
        SUB_FROM.to_owned()
    };
    Ok(ListSql {
        count,
        count_params,
        page: format!(
            "SELECT {SUB_COLUMNS}, {key_column} FROM {from}{} ORDER BY {order} LIMIT ?",
            where_clause(&page_clauses)
        ),
        page_params: values,
    })
}

/// The total as a plain count of every matching row, for checking the tally.
fn plain_count(conn: &Connection, q: &SubscriptionQuery, now: OffsetDateTime) -> BenchResult<u32> {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    let texts = [
        (q.customer_id.clone(), "customer_id"),
        (q.service_id.clone(), "service_id"),
        (q.status.map(|s| s.as_str().to_owned()), "status"),
    ];
    for (value, column) in texts {
        if let Some(v) = value {
            clauses.push(format!("{column} = ?"));
            values.push(text(&v));
        }
    }
    for (value, column) in [(q.trial, "trial"), (q.auto_renew, "auto_renew")] {
        if let Some(v) = value {
            clauses.push(format!("{column} = ?"));
            values.push(SqlValue::Integer(i64::from(v)));
        }
    }
    if let Some(d) = q.ending_within_days {
        clauses.push("status IN ('pending', 'active', 'suspended') AND ends_at <= ?".into());
        values.push(text(&to_rfc3339(now + days(i64::from(d)))?));
    }
    Ok(conn.query_row(
        &format!(
            "SELECT count(*) FROM subscriptions{}",
            where_clause(&clauses)
        ),
        params_from_iter(values.iter()),
        |r| r.get(0),
    )?)
}

/// The page by hand: (id, sort key) of each row, look-ahead row included.
fn raw_page(conn: &Connection, sql: &ListSql) -> BenchResult<(u32, Vec<(String, String)>)> {
    let total = conn
        .prepare_cached(&sql.count)?
        .query_row(params_from_iter(sql.count_params.iter()), |r| r.get(0))?;
    // The sort key follows the subscription's own columns.
    let key_at = SUB_COLUMNS.split(',').count();
    let rows = conn
        .prepare_cached(&sql.page)?
        .query_map(params_from_iter(sql.page_params.iter()), |r| {
            Ok((r.get(0)?, r.get(key_at)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((total, rows))
}

/// The other screens' statements, copied from the core (keep them in step).
fn screen_statements(
    now: OffsetDateTime,
    admin_id: &str,
) -> BenchResult<Vec<(&'static str, String, Vec<SqlValue>)>> {
    let t = |at: OffsetDateTime| -> BenchResult<SqlValue> { Ok(text(&to_rfc3339(at)?)) };
    let visible =
        "n.object_kind IN ('company', 'subscription', 'relationship', 'offer', 'product_key')";
    let wanted = "n.kind NOT IN (SELECT kind FROM notification_muted_kinds WHERE staff_id = ?1)";
    let from = "notifications n
    LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.staff_id = ?1";
    Ok(vec![
        ("dashboard::overview: customers", "SELECT count(*) FROM customers WHERE archived = 0".into(), vec![]),
        (
            "dashboard::overview: active subscriptions",
            "SELECT coalesce(sum(subscriptions), 0) FROM subscription_tally
             WHERE status = 'active'".into(),
            vec![],
        ),
        (
            "dashboard::overview: licences by service",
            "SELECT cs.title, sum(t.subscriptions), sum(t.licences)
             FROM subscription_tally t JOIN catalog_services cs ON cs.id = t.service_id
             WHERE t.status = 'active'
             GROUP BY cs.id HAVING sum(t.subscriptions) > 0
             ORDER BY sum(t.licences) DESC, cs.title".into(),
            vec![],
        ),
        ("dashboard::overview: offers by status", "SELECT status, count(*) FROM purchase_offers GROUP BY status ORDER BY status".into(), vec![]),
        ("dashboard::overview: relationships by state", "SELECT state, count(*) FROM relationships GROUP BY state ORDER BY state".into(), vec![]),
        (
            "dashboard::calendar: subscriptions",
            "SELECT CASE WHEN s.trial = 1 THEN 'trial' ELSE 'subscription' END,
                    CASE WHEN s.trial = 0 AND s.auto_renew = 1 AND s.status = 'active'
                         THEN 'renews' ELSE 'ends' END,
                    s.id, c.company_name || ' — ' || cs.title, s.ends_at, s.customer_id
             FROM subscriptions s JOIN customers c ON c.id = s.customer_id
             JOIN catalog_services cs ON cs.id = s.service_id
             WHERE s.status IN ('active', 'suspended') AND s.ends_at > ?1 AND s.ends_at <= ?2".into(),
            vec![t(now)?, t(now + days(dashboard::CALENDAR_DAYS))?],
        ),
        (
            "dashboard::calendar: relationships",
            "SELECT 'relationship', 'expires', r.id, c.company_name || ' — ' || r.display_name, r.ends_at, r.customer_id
             FROM relationships r JOIN customers c ON c.id = r.customer_id
             WHERE r.state IN ('active', 'expiring') AND r.ends_at > ?1 AND r.ends_at <= ?2".into(),
            vec![t(now)?, t(now + days(dashboard::CALENDAR_DAYS))?],
        ),
        (
            "dashboard::calendar: approval requests",
            "SELECT 'approval_request', 'lapses', r.id, c.company_name || ' — ' || r.display_name,
                    strftime('%Y-%m-%dT%H:%M:%SZ', r.requested_at, '+90 days'), r.customer_id
             FROM relationships r JOIN customers c ON c.id = r.customer_id
             WHERE r.state = 'approval_pending' AND r.requested_at > ?1 AND r.requested_at <= ?2".into(),
            vec![t(now - days(90))?, t(now)?],
        ),
        (
            "dashboard::calendar: offers",
            "SELECT 'offer', 'expires', o.id,
                    coalesce(c.company_name, nullif(o.prospect_name, ''), o.prospect_email)
                        || ' (' || o.revision || ')',
                    o.valid_until, o.customer_id
             FROM purchase_offers o LEFT JOIN customers c ON c.id = o.customer_id
             WHERE o.status = 'sent' AND o.expires_at > ?1 AND o.expires_at <= ?2".into(),
            vec![t(now)?, t(now + days(dashboard::CALENDAR_DAYS))?],
        ),
        (
            "notifications::list: the newest",
            format!(
                "SELECT n.id, n.kind, n.event, n.object_kind, n.object_id, n.subject, n.from_value,
                     n.to_value, n.due, n.created_at, r.read_at IS NOT NULL, n.customer_id FROM {from}
                 WHERE {wanted} AND {visible} AND (?2 = 0 OR r.read_at IS NULL) AND (?3 IS NULL OR n.kind = ?3)
                 ORDER BY n.created_at DESC, n.rowid DESC LIMIT ?4"
            ),
            vec![text(admin_id), SqlValue::Integer(0), SqlValue::Null, SqlValue::Integer(i64::from(PAGE))],
        ),
        (
            "notifications::list: the unread count",
            format!(
                "SELECT coalesce((SELECT sum(n.notifications) FROM notification_tally n
                                  WHERE {wanted} AND {visible}), 0)
                      - coalesce((SELECT sum(n.reads) FROM notification_read_tally n
                                  WHERE n.staff_id = ?1 AND {wanted} AND {visible}), 0)"
            ),
            vec![text(admin_id)],
        ),
    ])
}

/// What the clocks read every run, copied from the core (keep them in step).
fn clock_statements(
    now: OffsetDateTime,
) -> BenchResult<Vec<(&'static str, String, Vec<SqlValue>)>> {
    let t = |at: OffsetDateTime| -> BenchResult<SqlValue> { Ok(text(&to_rfc3339(at)?)) };
    Ok(vec![
        (
            "relationships::apply_clock: due",
            "SELECT id FROM relationships
             WHERE (state = 'approval_pending' AND requested_at <= ?1)
                OR (state IN ('active', 'expiring') AND ends_at <= ?2)".into(),
            vec![t(now - days(90))?, t(now + days(EXPIRING_DAYS))?],
        ),
        (
            "subscriptions::apply_clock: due",
            format!(
                "SELECT {SUB_COLUMNS} FROM {SUB_FROM}
                 WHERE (s.status = 'pending' AND s.starts_at <= ?1)
                    OR (s.status IN ('active', 'suspended') AND s.ends_at <= ?1)"
            ),
            vec![t(now)?],
        ),
        (
            "offers::apply_clock: due",
            "SELECT o.id FROM purchase_offers o LEFT JOIN customers c ON c.id = o.customer_id
             WHERE o.status = 'sent' AND o.expires_at <= ?1".into(),
            vec![t(now)?],
        ),
        (
            "notifications rule trial_ending",
            "SELECT s.id, c.company_name || ' — ' || cs.title, s.ends_at, s.customer_id
             FROM subscriptions s JOIN customers c ON c.id = s.customer_id
             JOIN catalog_services cs ON cs.id = s.service_id
             WHERE s.trial = 1 AND +s.status = 'active' AND s.ends_at > ?1 AND s.ends_at <= ?2
               AND NOT EXISTS (SELECT 1 FROM notifications made WHERE made.cause_key =
                   'trial_ending:' || s.id || ':' || substr(s.ends_at, 1, 10))".into(),
            vec![t(now)?, t(now + days(TRIAL_ENDING_DAYS))?],
        ),
        (
            "notifications rule partner_of_record (expiring)",
            "SELECT s.id, c.company_name || ' — ' || cs.title, s.ends_at, s.customer_id
             FROM subscriptions s JOIN customers c ON c.id = s.customer_id
             JOIN catalog_services cs ON cs.id = s.service_id
             JOIN catalog_workloads cw ON cw.service_id = s.service_id
             JOIN partner_of_record_claims por ON por.customer_id = s.customer_id
                 AND por.workload = cw.workload AND por.state = 'claimed'
             WHERE +s.status IN ('active', 'suspended')
               AND (s.trial = 1 OR s.auto_renew = 0 OR s.status = 'suspended')
               AND s.ends_at > ?1 AND s.ends_at <= ?2
               AND NOT EXISTS (SELECT 1 FROM notifications made WHERE made.cause_key =
                   'partner_of_record:' || s.id || ':expiring:' || substr(s.ends_at, 1, 10))".into(),
            vec![t(now)?, t(now + days(POR_EXPIRY_DAYS))?],
        ),
        (
            "notifications rule relationship_expiring",
            "SELECT r.id, c.company_name || ' — ' || r.display_name, coalesce(r.ends_at, ''), r.customer_id
             FROM relationships r JOIN customers c ON c.id = r.customer_id
             WHERE r.state = 'expiring'
               AND NOT EXISTS (SELECT 1 FROM notifications made WHERE made.cause_key =
                   'relationship_expiring:' || r.id || ':' || substr(coalesce(r.ends_at, ''), 1, 10))".into(),
            vec![],
        ),
        (
            "notifications rule offer_expiring",
            "SELECT o.id, o.valid_until, o.customer_id
             FROM purchase_offers o LEFT JOIN customers c ON c.id = o.customer_id
             WHERE o.status = 'sent' AND o.expires_at > ?1 AND o.expires_at <= ?2
               AND NOT EXISTS (SELECT 1 FROM notifications made WHERE made.cause_key =
                   'offer_expiring:' || o.id || ':' || substr(o.valid_until, 1, 10))".into(),
            vec![t(now)?, t(now + days(OFFER_EXPIRING_DAYS))?],
        ),
        (
            "notifications rule product_key_unredeemed",
            "SELECT k.id, '•••••-•••••-•••••-•••••-' || k.last_group || ' — ' || cs.title, k.added_at, NULL
             FROM product_keys k JOIN catalog_services cs ON cs.id = k.service_id
             WHERE k.status = 'available' AND k.added_at <= ?1
               AND NOT EXISTS (SELECT 1 FROM notifications made WHERE made.cause_key =
                   'product_key_unredeemed:' || k.id)".into(),
            vec![t(now - days(UNREDEEMED_KEY_DAYS))?],
        ),
        (
            "notifications::apply_clock: drop the old",
            "SELECT count(*) FROM notifications WHERE created_at < ?1".into(),
            vec![t(now - days(RETENTION_DAYS))?],
        ),
    ])
}

/// `EXPLAIN QUERY PLAN` as a Markdown block under the statement.
fn plan_note(conn: &Connection, label: &str, sql: &str, args: &[SqlValue]) -> BenchResult<String> {
    Ok(format!(
        "- {label}: `{}`\n\n```text\n{}\n```\n",
        one_line(sql),
        plan(conn, sql, args)?.join("\n")
    ))
}

// ---------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// A list page, a detail or the bell: p95 ≤ 10 ms.
    List,
    /// The dashboard's overview or calendar (once per screen): p95 ≤ 50 ms.
    Screen,
    /// A clock run: p95 ≤ 100 ms (it holds the write lock while staff work).
    Clock,
    /// Reported only.
    Report,
}

struct Row {
    name: String,
    goal: Goal,
    stats: Stats,
}

impl Row {
    fn target(&self) -> Option<StdDuration> {
        match self.goal {
            Goal::List => Some(LIST_P95),
            Goal::Screen => Some(SCREEN_P95),
            Goal::Clock => Some(CLOCK_P95),
            Goal::Report => None,
        }
    }

    fn verdict(&self) -> String {
        match self.target() {
            None => "reported only".into(),
            Some(t) if self.stats.p95 <= t => "ok".into(),
            Some(t) => format!(
                "**MISSED**: p95 {} > {} ms",
                format_duration(self.stats.p95),
                t.as_millis()
            ),
        }
    }

    fn markdown(&self) -> String {
        format!(
            "| {} | {} | {} | {}{} | {} | {} |",
            self.name,
            format_duration(self.stats.p50),
            format_duration(self.stats.p95),
            format_duration(self.stats.p99),
            self.stats.runs_note(),
            self.target()
                .map_or("—".to_owned(), |t| format!("p95 ≤ {} ms", t.as_millis())),
            self.verdict()
        )
    }
}

struct ListCase {
    name: String,
    /// Cycled through, one per call.
    queries: Vec<SubscriptionQuery>,
}

fn query(sort: SubscriptionSort) -> SubscriptionQuery {
    SubscriptionQuery {
        sort,
        limit: Some(PAGE),
        ..Default::default()
    }
}

/// Cursors a user would hold after paging `depth` rows into a list.
fn cursors(
    conn: &Connection,
    base: &SubscriptionQuery,
    depths: &[u32],
) -> BenchResult<Vec<String>> {
    let sql = list_sql(base, NOW)?;
    cursors_at(
        conn,
        &sql.page,
        &sql.page_params,
        SUB_COLUMNS.split(',').count(),
        depths,
    )
}

fn spread(total: u32, from: f64, to: f64) -> Vec<u32> {
    (0..VARIANTS)
        .map(|k| {
            let share = from + (to - from) * k as f64 / (VARIANTS - 1) as f64;
            (f64::from(total) * share) as u32
        })
        .collect()
}

fn count_of(conn: &Connection, q: &SubscriptionQuery) -> BenchResult<u32> {
    plain_count(conn, q, NOW)
}

fn list_cases(
    raw: &Connection,
    services: &[Svc],
    customer_ids: &[String],
) -> BenchResult<Vec<ListCase>> {
    let by_end = query(SubscriptionSort::Ends);
    let by_added = query(SubscriptionSort::Added);
    let all = count_of(raw, &by_end)?;
    let with_cursors = |base: &SubscriptionQuery| -> BenchResult<Vec<SubscriptionQuery>> {
        Ok(
            cursors(raw, base, &spread(count_of(raw, base)?, 0.10, 0.95))?
                .into_iter()
                .map(|c| SubscriptionQuery {
                    cursor: Some(c),
                    ..base.clone()
                })
                .collect(),
        )
    };
    let mut cases = vec![
        ListCase {
            name: format!("all {all}, soonest end first (the default)"),
            queries: vec![by_end.clone()],
        },
        ListCase {
            name: "all, newest first".into(),
            queries: vec![by_added.clone()],
        },
        ListCase {
            name: format!(
                "all, soonest end first, deep page via cursor ({VARIANTS} cursors, 10–95 % deep)"
            ),
            queries: with_cursors(&by_end)?,
        },
        ListCase {
            name: format!(
                "all, newest first, deep page via cursor ({VARIANTS} cursors, 10–95 % deep)"
            ),
            queries: with_cursors(&by_added)?,
        },
    ];
    let filtered = |name: &str, q: SubscriptionQuery| -> BenchResult<ListCase> {
        Ok(ListCase {
            name: format!("{name} ({} matches)", count_of(raw, &q)?),
            queries: vec![q],
        })
    };
    for part in ["Business Basic", "E5"] {
        let svc = services
            .iter()
            .find(|s| s.title.contains(part))
            .ok_or("no such service")?;
        cases.push(filtered(
            &format!("service \"{part}\""),
            SubscriptionQuery {
                service_id: Some(svc.id.clone()),
                ..by_end.clone()
            },
        )?);
    }
    for status in [SubscriptionStatus::Active, SubscriptionStatus::Suspended] {
        cases.push(filtered(
            &format!("status \"{}\"", status.as_str()),
            SubscriptionQuery {
                status: Some(status),
                ..by_end.clone()
            },
        )?);
    }
    cases.push(filtered(
        "status \"active\", newest first",
        SubscriptionQuery {
            status: Some(SubscriptionStatus::Active),
            ..by_added.clone()
        },
    )?);
    cases.push(filtered(
        "trials",
        SubscriptionQuery {
            trial: Some(true),
            ..by_end.clone()
        },
    )?);
    cases.push(filtered(
        "ending within 30 days",
        SubscriptionQuery {
            ending_within_days: Some(30),
            ..by_end.clone()
        },
    )?);
    for (on, label) in [(true, "on"), (false, "off")] {
        cases.push(filtered(
            &format!("auto-renew {label}"),
            SubscriptionQuery {
                auto_renew: Some(on),
                ..by_end.clone()
            },
        )?);
    }
    cases.push(filtered(
        "active, auto-renew off, ending within 30 days",
        SubscriptionQuery {
            status: Some(SubscriptionStatus::Active),
            auto_renew: Some(false),
            ending_within_days: Some(30),
            ..by_end.clone()
        },
    )?);
    for (sort, label) in [
        (SubscriptionSort::Ends, "soonest end first"),
        (SubscriptionSort::Added, "newest first"),
    ] {
        cases.push(ListCase {
            name: format!(
                "a customer's tab, {label} ({} customers cycled)",
                customer_ids.len()
            ),
            queries: customer_ids
                .iter()
                .map(|id| SubscriptionQuery {
                    customer_id: Some(id.clone()),
                    ..query(sort)
                })
                .collect(),
        });
    }
    Ok(cases)
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

fn main() -> BenchResult<()> {
    let n = size_arg(DEFAULT_CUSTOMERS)?;
    if n < 4_000 {
        return Err("give at least 4000 customers".into());
    }
    let n = n as usize;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.db");
    let store = Store::open(&path)?;
    println!("# Subscriptions, dashboard, bell and clock benchmark: {n} customers\n");
    println!("Database: {} (temporary)\n", path.display());
    let Seeded {
        actor,
        lines,
        total,
    } = seed(&store, n)?;
    println!(
        "## Seeding: {:.1} s in all\n\n{}\n",
        total.as_secs_f64(),
        lines.join("\n")
    );

    let raw = open_raw(&path)?;
    let wal_before = checkpoint_then_read_only(&raw, &path)?;
    if let Some(keep) = std::env::var_os(KEEP_ENV) {
        // A copy to look at afterwards (the temporary one goes at exit).
        open_plain(&path)?.execute("VACUUM INTO ?1", [keep.to_string_lossy()])?;
        println!(
            "Seeded database copied to {} ({KEEP_ENV}).\n",
            keep.to_string_lossy()
        );
    }
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
    let grouped = |sql: &str| -> BenchResult<String> {
        let mut s = raw.prepare(sql)?;
        let rows = s
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(pairs(&rows))
    };
    if let Ok(sizes) =
        grouped("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 14")
    {
        println!("Largest tables and indexes (bytes): {sizes}\n");
    }
    let now_text = text(&rfc(NOW)?);
    let within = |d: i64| -> BenchResult<i64> {
        Ok(raw.query_row(
            "SELECT count(*) FROM subscriptions WHERE status IN ('active', 'suspended')
             AND ends_at > ?1 AND ends_at <= ?2",
            params_from_iter([now_text.clone(), text(&rfc(NOW + days(d))?)].iter()),
            |r| r.get(0),
        )?)
    };
    println!(
        "Data: {} customers ({} archived), {} relationships, {} subscriptions ({} history rows), \
         {} offers, {} product keys, {} notifications ({} read by the admin).\n\
         Customers by list state: {}.\n\
         Subscriptions by status: {}; trials {}, partner of record {}, auto-renew on {}; live ones \
         ending within 30 / 90 / 365 / 1095 days: {} / {} / {} / {}.\n\
         Subscriptions by term: {}.\n\
         Offers by status: {}.\nNotifications by kind: {}.\n",
        scalar("SELECT count(*) FROM customers")?,
        scalar("SELECT count(*) FROM customers WHERE archived = 1")?,
        scalar("SELECT count(*) FROM relationships")?,
        scalar("SELECT count(*) FROM subscriptions")?,
        scalar("SELECT count(*) FROM subscription_changes")?,
        scalar("SELECT count(*) FROM purchase_offers")?,
        scalar("SELECT count(*) FROM product_keys")?,
        scalar("SELECT count(*) FROM notifications")?,
        scalar("SELECT count(*) FROM notification_reads")?,
        grouped("SELECT relationship_state, count(*) FROM customers GROUP BY 1 ORDER BY 2 DESC")?,
        grouped("SELECT status, count(*) FROM subscriptions GROUP BY 1 ORDER BY 2 DESC")?,
        scalar("SELECT count(*) FROM subscriptions WHERE trial = 1")?,
        scalar("SELECT count(*) FROM subscriptions WHERE partner_of_record = 1")?,
        scalar("SELECT count(*) FROM subscriptions WHERE auto_renew = 1")?,
        within(30)?,
        within(90)?,
        within(365)?,
        within(1095)?,
        grouped("SELECT term || ' ' || billing_plan, count(*) FROM subscriptions GROUP BY 1 ORDER BY 2 DESC")?,
        grouped("SELECT status, count(*) FROM purchase_offers GROUP BY 1 ORDER BY 2 DESC")?,
        grouped("SELECT kind, count(*) FROM notifications GROUP BY 1 ORDER BY 2 DESC")?,
    );

    let services = load_services(&store, &actor)?;
    let mut pick = Rng(0x0F3E_2026);
    // Customers with a few subscriptions or more, spread over the table.
    let with_some: Vec<String> = raw
        .prepare(
            "SELECT customer_id FROM subscriptions GROUP BY customer_id HAVING count(*) >= 3
             ORDER BY customer_id",
        )?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let customer_ids: Vec<String> = with_some
        .iter()
        .step_by((with_some.len() / VARIANTS).max(1))
        .take(VARIANTS)
        .cloned()
        .collect();
    let cases = list_cases(&raw, &services, &customer_ids)?;
    let max_rowid = scalar("SELECT max(rowid) FROM subscriptions")?;
    let subscription_ids = (0..1000)
        .map(|_| {
            raw.query_row(
                "SELECT id FROM subscriptions WHERE rowid >= ?1 ORDER BY rowid LIMIT 1",
                [1 + pick.below(max_rowid as u64) as i64],
                |r| r.get(0),
            )
        })
        .collect::<rusqlite::Result<Vec<String>>>()?;

    let clock = ManualClock::at(NOW);
    let mut rows = Vec::new();
    let mut notes = Vec::new();

    // ---- the subscription list ----------------------------------------------
    eprintln!("  timing {} list queries ...", cases.len());
    for (k, case) in cases.iter().enumerate() {
        progress(format_args!("{:>2} / {}", k + 1, cases.len()))?;
        let mut same = true;
        let mut first = None;
        for q in &case.queries {
            let page = subscriptions::list(&store, &clock, &actor, q)?;
            let (total, mut by_hand) = raw_page(&raw, &list_sql(q, NOW)?)?;
            let next = (by_hand.len() > PAGE as usize).then(|| {
                by_hand.truncate(PAGE as usize);
                by_hand
                    .last()
                    .map(|(id, key)| format!("{key}\u{1f}{id}"))
                    .unwrap_or_default()
            });
            same &= page
                .rows
                .iter()
                .map(|r| &r.id)
                .eq(by_hand.iter().map(|(id, _)| id))
                && page.next_cursor == next
                && page
                    .total
                    .is_none_or(|t| t == total && t == plain_count(&raw, q, NOW).unwrap_or(0));
            first.get_or_insert(page);
        }
        let first = first.ok_or("a case without a query")?;
        let stats = measure(|i| {
            Ok(subscriptions::list(
                &store,
                &clock,
                &actor,
                &case.queries[i % case.queries.len()],
            )?
            .rows
            .len())
        })?;
        let sql = list_sql(&case.queries[0], NOW)?;
        let mut note = format!(
            "### subscriptions::list — {}\n\n- first input: total {}, {} rows ({} … {}), next \
             page {}; the same page as the statements below, and the total a plain count(*) \
             gives, for all {} inputs: {}\n",
            case.name,
            first
                .total
                .map_or("not given (a later page)".into(), |t| t.to_string()),
            first.rows.len(),
            first.rows.first().map_or("-".into(), |r| format!(
                "{} ends {}",
                r.customer_name,
                &r.ends_at[..10]
            )),
            first.rows.last().map_or("-".into(), |r| format!(
                "{} ends {}",
                r.customer_name,
                &r.ends_at[..10]
            )),
            if first.next_cursor.is_some() {
                "yes"
            } else {
                "no"
            },
            case.queries.len(),
            if same { "yes" } else { "NO" },
        );
        if paging_first(&case.queries[0]) {
            note += &plan_note(&raw, "count", &sql.count, &sql.count_params)?;
        }
        note += &plan_note(&raw, "page", &sql.page, &sql.page_params)?;
        notes.push(note);
        rows.push(Row {
            name: format!("`subscriptions::list`: {}", case.name),
            goal: Goal::List,
            stats,
        });
    }
    eprintln!();

    // ---- one subscription, the dashboard, the bell -----------------------
    eprintln!("  timing get, the dashboard and the bell ...");
    let stats = measure(|i| {
        Ok(subscriptions::get(
            &store,
            &clock,
            &actor,
            &subscription_ids[i % subscription_ids.len()],
        )?
        .history
        .len())
    })?;
    rows.push(Row {
        name: format!(
            "`subscriptions::get` (detail with history, {} ids cycled)",
            subscription_ids.len()
        ),
        goal: Goal::List,
        stats,
    });
    let overview = dashboard::overview(&store, &clock, &actor)?;
    rows.push(Row {
        name: format!(
            "`dashboard::overview` ({} customers, {} active subscriptions, {} services)",
            overview.customers.unwrap_or_default(),
            overview.active_subscriptions.unwrap_or_default(),
            overview.licences_by_service.as_ref().map_or(0, Vec::len)
        ),
        goal: Goal::Screen,
        stats: measure(|_| {
            Ok(dashboard::overview(&store, &clock, &actor)?
                .partner
                .delegated_admin as usize)
        })?,
    });
    let calendar = dashboard::calendar(&store, &clock, &actor)?;
    rows.push(Row {
        name: format!(
            "`dashboard::calendar` (90 days: {} entries, the soonest {} shown)",
            calendar.total,
            calendar.entries.len()
        ),
        goal: Goal::Screen,
        stats: measure(|_| Ok(dashboard::calendar(&store, &clock, &actor)?.entries.len()))?,
    });
    let bell = NotificationQuery {
        unread_only: false,
        kind: None,
        limit: Some(PAGE),
    };
    let first = notifications::list(&store, &clock, &actor, &bell)?;
    rows.push(Row {
        name: format!(
            "`notifications::list` (the bell: newest {PAGE} and the unread count, {} unread)",
            first.unread
        ),
        goal: Goal::List,
        stats: measure(|_| {
            Ok(notifications::list(&store, &clock, &actor, &bell)?
                .items
                .len())
        })?,
    });
    let unread_only = NotificationQuery {
        unread_only: true,
        ..bell.clone()
    };
    rows.push(Row {
        name: "`notifications::list`, unread only".into(),
        goal: Goal::List,
        stats: measure(|_| {
            Ok(notifications::list(&store, &clock, &actor, &unread_only)?
                .items
                .len())
        })?,
    });
    let mut screen_note = "### The other screens' statements\n\n".to_owned();
    for (label, sql, args) in screen_statements(NOW, &actor.id)? {
        screen_note += &plan_note(&raw, label, &sql, &args)?;
    }
    notes.push(screen_note);
    let mut clock_note = "### What the clocks read on every run\n\n".to_owned();
    for (label, sql, args) in clock_statements(NOW + hours(1))? {
        clock_note += &plan_note(&raw, label, &sql, &args)?;
    }
    notes.push(clock_note);

    // ---- the clocks -----------------------------------------------------------
    eprintln!("  running the clocks hourly for {HOURLY_RUNS} hours ...");
    let mut hourly: Vec<Vec<StdDuration>> = vec![Vec::new(); CLOCKS.len()];
    let mut again: Vec<Vec<StdDuration>> = vec![Vec::new(); CLOCKS.len()];
    let mut first_hour = vec![String::new(); CLOCKS.len()];
    let mut due_again = vec![0; CLOCKS.len()];
    for h in 1..=HOURLY_RUNS {
        progress(format_args!("hour {h:>2} / {HOURLY_RUNS}"))?;
        let at = ManualClock::at(NOW + hours(h as i64));
        for (i, (name, run)) in CLOCKS.iter().enumerate() {
            let started = Instant::now();
            let change = run(&store, &at)?;
            hourly[i].push(started.elapsed());
            if h == 1 {
                first_hour[i] = changed(name, change.as_ref());
            }
        }
        // As at a restart within the same hour: nothing is due.
        for (i, (_, run)) in CLOCKS.iter().enumerate() {
            let started = Instant::now();
            let change = run(&store, &at)?;
            again[i].push(started.elapsed());
            due_again[i] += usize::from(change.is_some());
        }
    }
    eprintln!();
    for (i, (name, _)) in CLOCKS.iter().enumerate() {
        rows.push(Row {
            name: format!(
                "`{name}` one hour later ({HOURLY_RUNS} hourly runs; the first: {})",
                first_hour[i]
            ),
            goal: Goal::Clock,
            stats: percentiles(hourly[i].clone()),
        });
    }
    for (i, (name, _)) in CLOCKS.iter().enumerate() {
        rows.push(Row {
            name: if due_again[i] == 0 {
                format!("`{name}` again in the same hour: nothing due")
            } else {
                format!(
                    "`{name}` again in the same hour ({} of {HOURLY_RUNS} repeats still \
                     changed something)",
                    due_again[i]
                )
            },
            goal: Goal::Clock,
            stats: percentiles(again[i].clone()),
        });
    }
    eprintln!("  the clocks after {CLOSED_FOR_DAYS} days closed ...");
    let later = ManualClock::at(NOW + hours(HOURLY_RUNS as i64) + days(CLOSED_FOR_DAYS));
    for (name, run) in CLOCKS {
        let started = Instant::now();
        let change = run(&store, &later)?;
        let took = started.elapsed();
        rows.push(Row {
            name: format!(
                "`{name}` after the app was closed {CLOSED_FOR_DAYS} days, one run: {}",
                changed(name, change.as_ref())
            ),
            goal: Goal::Report,
            stats: percentiles(vec![took]),
        });
    }

    println!(
        "## Latency ({PAGE} rows a page, as the screens ask; {ITERATIONS} timed calls each after \
         {WARM_UP} warm-up calls, unless marked n=; clock rows: one run each hour for \
         {HOURLY_RUNS} hours, each then repeated in the same hour)\n"
    );
    println!(
        "Targets (p95): list pages, the detail and the bell ≤ {} ms; the dashboard's overview and \
         calendar ≤ {} ms (they load once per screen); a clock run ≤ {} ms (it holds the write \
         lock while staff work). The run after a week closed is reported only.\n",
        LIST_P95.as_millis(),
        SCREEN_P95.as_millis(),
        CLOCK_P95.as_millis()
    );
    println!("| query | p50 | p95 | p99 | target | verdict |");
    println!("|---|---:|---:|---:|---|---|");
    for row in &rows {
        println!("{}", row.markdown());
    }
    let judged: Vec<&Row> = rows.iter().filter(|r| r.goal != Goal::Report).collect();
    let missed: Vec<&str> = judged
        .iter()
        .filter(|r| r.verdict() != "ok")
        .map(|r| r.name.as_str())
        .collect();
    println!(
        "\n{} of {} judged rows meet their targets{}\n",
        judged.len() - missed.len(),
        judged.len(),
        if missed.is_empty() {
            ".".to_owned()
        } else {
            format!("; missed: {}.", missed.join("; "))
        }
    );
    println!("## Query plans (EXPLAIN QUERY PLAN, first input)\n");
    for note in &notes {
        println!("{note}");
    }
    Ok(())
}

fn paging_first(q: &SubscriptionQuery) -> bool {
    q.cursor.as_deref().is_none_or(str::is_empty)
}
