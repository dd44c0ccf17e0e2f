//! The clock's notification rules. Each rule looks at the database as it is
//! now and drafts the notifications that are due; the cause key makes a
//! draft that was already made a no-op. A new rule is one more entry in
//! [`CLOCK_RULES`] (its `kind` then appears in every staff member's settings).

use rusqlite::{params, Connection};
use time::OffsetDateTime;

use super::{date, Draft, KIND_PARTNER_OF_RECORD};
use crate::clock::{add_days, to_rfc3339};
use crate::error::Result;

/// A trial ends within this many days.
pub const TRIAL_ENDING_DAYS: i64 = 7;
/// A subscription the partner is partner of record on, not renewing, ends within this many days.
pub const POR_EXPIRY_DAYS: i64 = 30;
/// A key still in stock this long after it was bought is worth a reminder.
pub const UNREDEEMED_KEY_DAYS: i64 = 90;
/// A sent offer lapses within this many days.
pub const OFFER_EXPIRING_DAYS: i64 = 3;

pub struct ClockRule {
    /// The notification kind it makes (a key the UI translates).
    pub kind: &'static str,
    pub find: fn(&Connection, OffsetDateTime) -> Result<Vec<Draft>>,
}

pub const CLOCK_RULES: &[ClockRule] = &[
    ClockRule {
        kind: "trial_ending",
        find: trials_ending,
    },
    ClockRule {
        kind: KIND_PARTNER_OF_RECORD,
        find: por_subscriptions_expiring,
    },
    ClockRule {
        kind: "relationship_expiring",
        find: relationships_expiring,
    },
    ClockRule {
        kind: "offer_expiring",
        find: offers_expiring,
    },
    ClockRule {
        kind: "company_profile",
        find: company_profile_incomplete,
    },
    ClockRule {
        kind: "product_key_unredeemed",
        find: product_keys_unredeemed,
    },
    ClockRule {
        kind: KIND_AFTER_TERM,
        find: after_term_steps_coming,
    },
];

/// A subscription is about to be disabled or its data deleted
/// (`subscriptions::after_term`); the event names the coming step
/// (`disabling`, `deleting`), a reminder as `expiring` is.
pub const KIND_AFTER_TERM: &str = "after_term";

type Found = (String, String, String, Option<String>);

/// A rule's SQL leaves out what was made already: `cause_sql` builds, in SQL,
/// the cause key its `cause` builds in Rust (`date` is `substr(…, 1, 10)`), so
/// an hourly run with nothing new reads an index instead of trying thousands
/// of inserts. Were the two ever to differ, the insert's ON CONFLICT still
/// keeps each cause to one notification; the test
/// `a_second_run_finds_nothing_to_draft` keeps them equal.
fn not_made(cause_sql: &str) -> String {
    format!("NOT EXISTS (SELECT 1 FROM notifications made WHERE made.cause_key = {cause_sql})")
}

/// (object id, subject, due, customer id) rows.
fn rows(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<Found>> {
    Ok(conn
        .prepare_cached(sql)?
        .query_map(args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// One draft per object falling due on a date; `cause` makes its cause key
/// from the object's id and the due date, so a new date notifies again.
fn due_on(
    found: Vec<Found>,
    (kind, event, object_kind): (&'static str, &'static str, &'static str),
    cause: impl Fn(&str, &str) -> String,
) -> Vec<Draft> {
    found
        .into_iter()
        .map(|(id, subject, due_at, customer_id)| {
            let due = date(&due_at);
            Draft {
                cause_key: cause(&id, &due),
                kind,
                event: event.into(),
                object_kind,
                object_id: id,
                customer_id,
                subject,
                due: Some(due),
                ..Draft::default()
            }
        })
        .collect()
}

fn trials_ending(conn: &Connection, now: OffsetDateTime) -> Result<Vec<Draft>> {
    let (now_text, soon) = (
        to_rfc3339(now)?,
        to_rfc3339(add_days(now, TRIAL_ENDING_DAYS)?)?,
    );
    let found = rows(
        conn,
        &format!(
            // `+s.status`: the week's ends in `subscriptions_list_by_end`, which
            // holds status and trial, rather than every active one's.
            "SELECT s.id, c.company_name || ' — ' || cs.title, s.ends_at, s.customer_id
             FROM subscriptions s JOIN customers c ON c.id = s.customer_id
             JOIN catalog_services cs ON cs.id = s.service_id
             WHERE s.trial = 1 AND +s.status = 'active' AND s.ends_at > ?1 AND s.ends_at <= ?2
               AND {}",
            not_made("'trial_ending:' || s.id || ':' || substr(s.ends_at, 1, 10)")
        ),
        params![now_text, soon],
    )?;
    Ok(due_on(
        found,
        ("trial_ending", "ending", "subscription"),
        |id, due| format!("trial_ending:{id}:{due}"),
    ))
}

fn por_subscriptions_expiring(conn: &Connection, now: OffsetDateTime) -> Result<Vec<Draft>> {
    let (now_text, soon) = (
        to_rfc3339(now)?,
        to_rfc3339(add_days(now, POR_EXPIRY_DAYS)?)?,
    );
    let found = rows(
        conn,
        &format!(
            // The claims drive it (few customers' workloads are claimed);
            // `+s.status` keeps the planner off the status indexes.
            "SELECT s.id, c.company_name || ' — ' || cs.title, s.ends_at, s.customer_id
             FROM subscriptions s JOIN customers c ON c.id = s.customer_id
             JOIN catalog_services cs ON cs.id = s.service_id
             JOIN catalog_workloads cw ON cw.service_id = s.service_id
             JOIN partner_of_record_claims por ON por.customer_id = s.customer_id
                 AND por.workload = cw.workload AND por.state = 'claimed'
             WHERE +s.status IN ('active', 'suspended')
               AND (s.trial = 1 OR s.auto_renew = 0 OR s.status = 'suspended')
               AND s.ends_at > ?1 AND s.ends_at <= ?2 AND {}",
            not_made(&format!(
                "'{KIND_PARTNER_OF_RECORD}:' || s.id || ':expiring:' || substr(s.ends_at, 1, 10)"
            ))
        ),
        params![now_text, soon],
    )?;
    Ok(due_on(
        found,
        (KIND_PARTNER_OF_RECORD, "expiring", "subscription"),
        |id, due| format!("{KIND_PARTNER_OF_RECORD}:{id}:expiring:{due}"),
    ))
}

fn relationships_expiring(conn: &Connection, _now: OffsetDateTime) -> Result<Vec<Draft>> {
    let found = rows(
        conn,
        &format!(
            "SELECT r.id, c.company_name || ' — ' || r.display_name, coalesce(r.ends_at, ''), r.customer_id
             FROM relationships r JOIN customers c ON c.id = r.customer_id
             WHERE r.state = 'expiring' AND {}",
            not_made(
                "'relationship_expiring:' || r.id || ':' || substr(coalesce(r.ends_at, ''), 1, 10)"
            )
        ),
        [],
    )?;
    Ok(due_on(
        found,
        ("relationship_expiring", "expiring", "relationship"),
        |id, due| format!("relationship_expiring:{id}:{due}"),
    ))
}

fn offers_expiring(conn: &Connection, now: OffsetDateTime) -> Result<Vec<Draft>> {
    let (now_text, soon) = (
        to_rfc3339(now)?,
        to_rfc3339(add_days(now, OFFER_EXPIRING_DAYS)?)?,
    );
    let found = rows(
        conn,
        &format!(
            "SELECT o.id,
                    coalesce(c.company_name, nullif(o.prospect_name, ''), o.prospect_email)
                        || ' (' || o.revision || ')',
                    o.valid_until, o.customer_id
             FROM purchase_offers o LEFT JOIN customers c ON c.id = o.customer_id
             WHERE o.status = 'sent' AND o.expires_at > ?1 AND o.expires_at <= ?2 AND {}",
            not_made("'offer_expiring:' || o.id || ':' || substr(o.valid_until, 1, 10)")
        ),
        params![now_text, soon],
    )?;
    Ok(due_on(
        found,
        ("offer_expiring", "expiring", "offer"),
        |id, due| format!("offer_expiring:{id}:{due}"),
    ))
}

fn company_profile_incomplete(conn: &Connection, _now: OffsetDateTime) -> Result<Vec<Draft>> {
    let set_up: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM company_profile)")?
        .query_row([], |r| r.get(0))?;
    if !set_up {
        return Ok(Vec::new());
    }
    let profile = crate::company::read_profile(conn)?;
    let issues = crate::company::completeness(&profile);
    if issues.is_empty() {
        return Ok(Vec::new());
    }
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    // The same gaps notify once; a different set (a new gap) notifies again.
    let cause_key = format!("company_profile:company:{}", fields.join(","));
    let made: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM notifications WHERE cause_key = ?1)")?
        .query_row([&cause_key], |r| r.get(0))?;
    if made {
        return Ok(Vec::new());
    }
    Ok(vec![Draft {
        cause_key,
        kind: "company_profile",
        event: "incomplete".into(),
        object_kind: "company",
        object_id: String::new(),
        subject: profile.legal_name,
        to_value: Some(fields.join(", ")),
        ..Draft::default()
    }])
}

/// Keys bought 90 days ago or earlier and still not redeemed; the subject shows
/// the key masked, as every staff member may see it.
fn product_keys_unredeemed(conn: &Connection, now: OffsetDateTime) -> Result<Vec<Draft>> {
    let before = to_rfc3339(add_days(now, -UNREDEEMED_KEY_DAYS)?)?;
    let found = rows(
        conn,
        &format!(
            "SELECT k.id, '•••••-•••••-•••••-•••••-' || k.last_group || ' — ' || cs.title, k.added_at, NULL
             FROM product_keys k JOIN catalog_services cs ON cs.id = k.service_id
             WHERE k.status = 'available' AND k.added_at <= ?1 AND {}",
            not_made("'product_key_unredeemed:' || k.id")
        ),
        params![before],
    )?;
    Ok(found
        .into_iter()
        .map(|(id, subject, added, _)| Draft {
            cause_key: format!("product_key_unredeemed:{id}"),
            kind: "product_key_unredeemed",
            event: "unredeemed".into(),
            object_kind: "product_key",
            object_id: id,
            subject,
            from_value: Some(date(&added)),
            ..Draft::default()
        })
        .collect())
}

/// Each step after the term, `notice_days` before it: the subscriptions in the
/// step's status whose anchor puts the step within the notice. The due date
/// is the step's (SQLite's `+N days` is the same 24-hour days as `add_days`),
/// so each step notifies once.
fn after_term_steps_coming(conn: &Connection, now: OffsetDateTime) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for step in &crate::subscriptions::AFTER_TERM_STEPS {
        let (column, days, event) = (step.anchor.column(), step.days, step.coming);
        let due_sql = format!("strftime('%Y-%m-%dT%H:%M:%fZ', {column}, '+{days} days')");
        let (from, to) = (
            to_rfc3339(add_days(now, -days)?)?,
            to_rfc3339(add_days(now, step.notice_days - days)?)?,
        );
        let found = rows(
            conn,
            &format!(
                "SELECT s.id, c.company_name || ' — ' || cs.title, {due_sql}, s.customer_id
                 FROM subscriptions s JOIN customers c ON c.id = s.customer_id
                 JOIN catalog_services cs ON cs.id = s.service_id
                 WHERE s.status = '{status}' AND {column} > ?1 AND {column} <= ?2 AND {}",
                not_made(&format!(
                    "'{KIND_AFTER_TERM}:' || s.id || ':{event}:' || substr({due_sql}, 1, 10)"
                )),
                status = step.from.as_str(),
            ),
            params![from, to],
        )?;
        let next = crate::subscriptions::transition(step.from, step.event);
        drafts.extend(
            due_on(
                found,
                (KIND_AFTER_TERM, event, "subscription"),
                |id, due| format!("{KIND_AFTER_TERM}:{id}:{event}:{due}"),
            )
            .into_iter()
            .map(|draft| Draft {
                from_value: Some(step.from.as_str().into()),
                to_value: next.map(|n| n.as_str().into()),
                ..draft
            }),
        );
    }
    Ok(drafts)
}
