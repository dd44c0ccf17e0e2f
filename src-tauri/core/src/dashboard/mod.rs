//! The dashboard: the seed's partner overview (counts that depend on the
//! partner's authorizations and the signed-in staff member's access) and one
//! expiry calendar of everything that ends in the next 90 days, exportable as
//! iCalendar.

use std::io::Write;

use rusqlite::{params, Connection};
use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;

use crate::access::{allows, guarded_read, read_target, require, Action, PartnerAuthorizations};
use crate::audit::Target;
use crate::auth::Actor;
use crate::clock::{add_days, to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::exports::{audit_export, render, RenderedExport};
use crate::relationships::APPROVAL_LAPSES_DAYS;
use crate::store::Store;
use crate::subscriptions::LIVE_SUBSCRIPTIONS;

/// How far ahead the calendar looks.
pub const CALENDAR_DAYS: i64 = 90;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Count {
    /// A status, a state or a service title.
    pub key: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ServiceLicences {
    pub service_title: String,
    pub subscriptions: u32,
    pub licences: u32,
}

/// The partner overview. A section the staff member may not see is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Overview {
    pub partner: PartnerAuthorizations,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customers: Option<u32>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_subscriptions: Option<u32>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub licences_by_service: Option<Vec<ServiceLicences>>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offers_by_status: Option<Vec<Count>>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationships_by_state: Option<Vec<Count>>,
}

/// One date on the expiry calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CalendarEntry {
    /// trial, subscription, relationship, approval_request, offer.
    pub kind: String,
    /// What happens that day: ends, renews, expires, lapses.
    pub event: String,
    /// The id to open (a subscription, relationship or offer).
    pub object_id: String,
    /// The customer it concerns (subscriptions and relationships open there).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    pub subject: String,
    /// YYYY-MM-DD (UTC).
    pub date: String,
}

fn calendar_target() -> Target {
    Target {
        kind: "calendar",
        id: None,
        label: "expiry calendar".into(),
    }
}

fn counts(conn: &Connection, sql: &str) -> Result<Vec<Count>> {
    Ok(conn
        .prepare_cached(sql)?
        .query_map([], |r| {
            Ok(Count {
                key: r.get(0)?,
                count: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn overview(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<Overview> {
    let target = read_target("dashboard", None, "overview");
    guarded_read(store, clock, actor, "dashboard.view", target, |conn| {
        require(conn, actor, Action::ViewDashboard)?;
        let customers = allows(conn, actor, Action::ViewCustomers)?;
        let subscriptions = allows(conn, actor, Action::ViewSubscriptions)?;
        let offers = allows(conn, actor, Action::ManagePurchaseOffers)?;
        let count = |sql: &str| -> Result<u32> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
        Ok(Overview {
            partner: crate::auth::actor::partner_authorizations(conn)?,
            customers: customers
                .then(|| count("SELECT count(*) FROM customers WHERE archived = 0"))
                .transpose()?,
            // From the tally the triggers keep (migration 0010), not from
            // every subscription: the same numbers at any size.
            active_subscriptions: subscriptions
                .then(|| {
                    count(
                        "SELECT coalesce(sum(subscriptions), 0) FROM subscription_tally
                         WHERE status = 'active'",
                    )
                })
                .transpose()?,
            licences_by_service: subscriptions
                .then(|| -> Result<Vec<ServiceLicences>> {
                    Ok(conn
                        .prepare_cached(
                            "SELECT cs.title, sum(t.subscriptions), sum(t.licences)
                             FROM subscription_tally t JOIN catalog_services cs ON cs.id = t.service_id
                             WHERE t.status = 'active'
                             GROUP BY cs.id HAVING sum(t.subscriptions) > 0
                             ORDER BY sum(t.licences) DESC, cs.title",
                        )?
                        .query_map([], |r| {
                            Ok(ServiceLicences {
                                service_title: r.get(0)?,
                                subscriptions: r.get(1)?,
                                licences: r.get(2)?,
                            })
                        })?
                        .collect::<rusqlite::Result<Vec<_>>>()?)
                })
                .transpose()?,
            offers_by_status: offers
                .then(|| {
                    counts(
                        conn,
                        "SELECT status, count(*) FROM purchase_offers GROUP BY status ORDER BY status",
                    )
                })
                .transpose()?,
            relationships_by_state: customers
                .then(|| {
                    counts(
                        conn,
                        "SELECT state, count(*) FROM relationships GROUP BY state ORDER BY state",
                    )
                })
                .transpose()?,
        })
    })
}

fn entries(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<CalendarEntry>> {
    Ok(conn
        .prepare_cached(sql)?
        .query_map(args, |r| {
            let date: String = r.get(4)?;
            Ok(CalendarEntry {
                kind: r.get(0)?,
                event: r.get(1)?,
                object_id: r.get(2)?,
                subject: r.get(3)?,
                date: date.get(..10).unwrap_or(&date).to_owned(),
                customer_id: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The dashboard's calendar: the soonest of what ends in the next 90 days,
/// and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Calendar {
    /// At most [`CALENDAR_SHOWN`], soonest first.
    pub entries: Vec<CalendarEntry>,
    /// Everything in the 90 days; the `.ics` export holds them all.
    pub total: u32,
}

/// How many entries the dashboard shows. At 100,000 customers the 90 days
/// hold tens of thousands of renewals: a screen cannot list them, and the
/// subscription list (ending within N days) pages through them instead.
pub const CALENDAR_SHOWN: u32 = 200;

/// One kind of thing that ends: its columns (kind, event, id, subject, date,
/// customer), its table with the joins the subject needs, and the filter on
/// the table alone (?1 and ?2 bound the window) so it can be counted cheaply.
struct Source {
    needs: Action,
    columns: String,
    table: &'static str,
    /// The table's alias in `columns`, `filter` and `order`.
    alias: &'static str,
    joins: &'static str,
    filter: String,
    order: &'static str,
    window: (String, String),
}

fn sources(now: OffsetDateTime) -> Result<Vec<Source>> {
    let window = (to_rfc3339(now)?, to_rfc3339(add_days(now, CALENDAR_DAYS)?)?);
    // An unapproved request lapses 90 days after it was made.
    let lapses = (
        to_rfc3339(add_days(now, -APPROVAL_LAPSES_DAYS)?)?,
        to_rfc3339(add_days(now, CALENDAR_DAYS - APPROVAL_LAPSES_DAYS)?)?,
    );
    Ok(vec![
        Source {
            needs: Action::ViewSubscriptions,
            columns: "CASE WHEN s.trial = 1 THEN 'trial' ELSE 'subscription' END,
                      CASE WHEN s.trial = 0 AND s.auto_renew = 1 AND s.status = 'active'
                           THEN 'renews' ELSE 'ends' END,
                      s.id, c.company_name || ' — ' || cs.title, s.ends_at, s.customer_id"
                .into(),
            // The live subscriptions' index is in end order: the soonest are
            // its first entries in the window, and it counts the rest without
            // reading the table. Its own condition is repeated so SQLite may
            // use it; pending subscriptions are then left out.
            table: "subscriptions s INDEXED BY subscriptions_list_live_by_end",
            alias: "s",
            joins: "JOIN customers c ON c.id = s.customer_id
                    JOIN catalog_services cs ON cs.id = s.service_id",
            filter: format!(
                "{LIVE_SUBSCRIPTIONS} AND s.status <> 'pending' AND s.ends_at > ?1 AND s.ends_at <= ?2"
            ),
            order: "s.ends_at, s.id",
            window: window.clone(),
        },
        Source {
            needs: Action::ViewCustomers,
            columns: "'relationship', 'expires', r.id, c.company_name || ' — ' || r.display_name,
                      r.ends_at, r.customer_id"
                .into(),
            table: "relationships r",
            alias: "r",
            joins: "JOIN customers c ON c.id = r.customer_id",
            filter: "r.state IN ('approved', 'activating', 'active', 'expiring') AND r.ends_at > ?1 AND r.ends_at <= ?2"
                .into(),
            order: "r.ends_at, r.id",
            window: window.clone(),
        },
        Source {
            needs: Action::ViewCustomers,
            columns: format!(
                "'approval_request', 'lapses', r.id, c.company_name || ' — ' || r.display_name,
                 strftime('%Y-%m-%dT%H:%M:%fZ', r.requested_at, '+{APPROVAL_LAPSES_DAYS} days'),
                 r.customer_id"
            ),
            table: "relationships r",
            alias: "r",
            joins: "JOIN customers c ON c.id = r.customer_id",
            filter: "r.state = 'approval_pending' AND r.requested_at > ?1 AND r.requested_at <= ?2"
                .into(),
            order: "r.requested_at, r.id",
            window: lapses,
        },
        Source {
            needs: Action::ManagePurchaseOffers,
            columns: "'offer', 'expires', o.id,
                      coalesce(c.company_name, nullif(o.prospect_name, ''), o.prospect_email)
                          || ' (' || o.revision || ')',
                      o.valid_until, o.customer_id"
                .into(),
            table: "purchase_offers o",
            alias: "o",
            joins: "LEFT JOIN customers c ON c.id = o.customer_id",
            filter: "o.status = 'sent' AND o.expires_at > ?1 AND o.expires_at <= ?2".into(),
            order: "o.expires_at, o.id",
            window,
        },
    ])
}

/// What ends in the next 90 days that this staff member may see: the soonest
/// `limit` of each kind they may see (all with `None`), and the count of all.
fn collect(
    conn: &Connection,
    actor: &Actor,
    now: OffsetDateTime,
    limit: Option<u32>,
) -> Result<(Vec<CalendarEntry>, u32)> {
    let mut all = Vec::new();
    let mut total = 0_u32;
    let cap = limit.map_or(-1, i64::from);
    for source in sources(now)? {
        if !allows(conn, actor, source.needs)? {
            continue;
        }
        let Source {
            columns,
            table,
            alias,
            joins,
            filter,
            order,
            window: (from, to),
            ..
        } = source;
        all.extend(entries(
            conn,
            &format!(
                // The soonest are picked from the table alone and only they are
                // joined for their names: joining first named every match.
                "SELECT {columns} FROM (SELECT {alias}.* FROM {table} WHERE {filter}
                                        ORDER BY {order} LIMIT ?3) {alias}
                 {joins} ORDER BY {order}"
            ),
            params![from, to, cap],
        )?);
        let count: i64 = conn
            .prepare_cached(&format!("SELECT count(*) FROM {table} WHERE {filter}"))?
            .query_row(params![from, to], |r| r.get(0))?;
        total = total.saturating_add(u32::try_from(count).unwrap_or(u32::MAX));
    }
    all.sort_by(|a, b| (&a.date, &a.kind, &a.subject).cmp(&(&b.date, &b.kind, &b.subject)));
    if let Some(limit) = limit {
        all.truncate(limit as usize);
    }
    Ok((all, total))
}

/// Everything the staff member may see that ends in the next 90 days: the
/// soonest [`CALENDAR_SHOWN`] and how many in all.
pub fn calendar(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<Calendar> {
    guarded_read(
        store,
        clock,
        actor,
        "calendar.view",
        calendar_target(),
        |conn| {
            require(conn, actor, Action::ViewDashboard)?;
            let (entries, total) = collect(conn, actor, clock.now(), Some(CALENDAR_SHOWN))?;
            Ok(Calendar { entries, total })
        },
    )
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn ics_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a character (RFC 5545 §3.1).
fn ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

fn summary(entry: &CalendarEntry) -> String {
    let what = match entry.kind.as_str() {
        "trial" => "Trial ends",
        "subscription" if entry.event == "renews" => "Subscription renews",
        "subscription" => "Subscription ends",
        "relationship" => "Delegated administration expires",
        "approval_request" => "Approval request lapses",
        "offer" => "Offer expires",
        _ => "Ends",
    };
    format!("{what}: {}", entry.subject)
}

/// The calendar as an iCalendar document of all-day events.
pub fn to_ics(entries: &[CalendarEntry], now: OffsetDateTime) -> Result<String> {
    let stamp = now
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .map_err(|e| Error::Internal(e.to_string()))?;
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Partnerdesk//Expiry calendar//EN",
        "CALSCALE:GREGORIAN",
    ] {
        ics_line(&mut out, line);
    }
    for entry in entries {
        let day = entry.date.replace('-', "");
        let next = time::Date::parse(
            &entry.date,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|e| Error::Internal(format!("calendar date '{}': {e}", entry.date)))?
        .next_day()
        .ok_or_else(|| Error::Internal("calendar date out of range".into()))?;
        let next = next
            .format(time::macros::format_description!("[year][month][day]"))
            .map_err(|e| Error::Internal(e.to_string()))?;
        ics_line(&mut out, "BEGIN:VEVENT");
        ics_line(
            &mut out,
            &format!("UID:{}-{}-{}@partnerdesk", entry.kind, entry.object_id, day),
        );
        ics_line(&mut out, &format!("DTSTAMP:{stamp}"));
        ics_line(&mut out, &format!("DTSTART;VALUE=DATE:{day}"));
        ics_line(&mut out, &format!("DTEND;VALUE=DATE:{next}"));
        ics_line(&mut out, &format!("SUMMARY:{}", ics_text(&summary(entry))));
        ics_line(&mut out, &format!("CATEGORIES:{}", ics_text(&entry.kind)));
        ics_line(&mut out, "TRANSP:TRANSPARENT");
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    Ok(out)
}

/// Renders the calendar as `.ics` and audits it.
pub fn export_calendar(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<RenderedExport> {
    let found = guarded_read(
        store,
        clock,
        actor,
        "calendar.export",
        calendar_target(),
        |conn| {
            require(conn, actor, Action::ViewDashboard)?;
            Ok(collect(conn, actor, clock.now(), None)?.0)
        },
    )?;
    let text = to_ics(&found, clock.now())?;
    let rendered = render("calendar", "ics", clock, |out: &mut dyn Write| {
        out.write_all(text.as_bytes())?;
        Ok(found.len() as u64)
    })?;
    let (action, target) = ("calendar.export", calendar_target());
    audit_export(
        store,
        clock,
        actor,
        action,
        target,
        "calendar entries",
        &rendered,
    )?;
    Ok(rendered)
}

#[cfg(test)]
mod tests;
