//! The partner-wide subscription list (and a customer's tab): filters, keyset
//! pages with a total, CSV export of the filtered list.

use std::io::Write;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};
use time::Duration;
use ts_rs::TS;

use super::{subscription, Subscription, SubscriptionStatus, COLUMNS, FROM};
use crate::access::{require, Action};
use crate::auth::Actor;
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::ids::parse_id;
use crate::paging;
use crate::store::Store;
use crate::validate::filter_value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SubscriptionSort {
    /// Soonest end first.
    #[default]
    Ends,
    /// Newest first.
    Added,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct SubscriptionQuery {
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<SubscriptionStatus>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial: Option<bool>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_renew: Option<bool>,
    /// Live subscriptions whose term ends within this many days.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ending_within_days: Option<u32>,
    #[serde(default)]
    pub sort: SubscriptionSort,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SubscriptionPage {
    pub rows: Vec<Subscription>,
    /// Over all pages; given on the first page only.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u32>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

fn filter(query: &SubscriptionQuery, clock: &dyn Clock) -> Result<(Vec<String>, Vec<SqlValue>)> {
    let mut clauses = vec!["1 = 1".to_owned()];
    let mut values = Vec::new();
    if let Some(id) = filter_value(&query.customer_id) {
        clauses.push("s.customer_id = ?".into());
        values.push(SqlValue::Text(parse_id("customer_id", &id)?));
    }
    if let Some(id) = filter_value(&query.service_id) {
        clauses.push("s.service_id = ?".into());
        values.push(SqlValue::Text(parse_id("service_id", &id)?));
    }
    if let Some(status) = query.status {
        clauses.push("s.status = ?".into());
        values.push(SqlValue::Text(status.as_str().into()));
    }
    if let Some(trial) = query.trial {
        clauses.push("s.trial = ?".into());
        values.push(SqlValue::Integer(i64::from(trial)));
    }
    if let Some(auto_renew) = query.auto_renew {
        clauses.push("s.auto_renew = ?".into());
        values.push(SqlValue::Integer(i64::from(auto_renew)));
    }
    if let Some(days) = query.ending_within_days {
        if days > 3 * 366 {
            return Err(Error::validation(
                "ending_within_days",
                text!(
                    "look ahead at most three years",
                    "wybierz okres najwyżej trzech lat naprzód"
                ),
            ));
        }
        clauses.push("s.status IN ('pending', 'active', 'suspended') AND s.ends_at <= ?".into());
        values.push(SqlValue::Text(to_rfc3339(
            clock.now() + Duration::days(i64::from(days)),
        )?));
    }
    Ok((clauses, values))
}

fn order(sort: SubscriptionSort) -> (&'static str, &'static str, &'static str) {
    match sort {
        SubscriptionSort::Ends => ("s.ends_at", "s.ends_at ASC, s.id ASC", ">"),
        SubscriptionSort::Added => ("s.created_at", "s.created_at DESC, s.id DESC", "<"),
    }
}

fn page(
    conn: &Connection,
    clock: &dyn Clock,
    query: &SubscriptionQuery,
) -> Result<SubscriptionPage> {
    let limit = paging::page_size(query.limit, text!("subscriptions", "subskrypcji"))?;
    let (mut clauses, mut values) = filter(query, clock)?;
    let total = match paging::is_first_page(&query.cursor) {
        false => None,
        true => Some(
            conn.prepare_cached(&format!(
                "SELECT count(*) FROM subscriptions s WHERE {}",
                clauses.join(" AND ")
            ))?
            .query_row(params_from_iter(values.iter()), |r| r.get(0))?,
        ),
    };
    let (key_column, order, compare) = order(query.sort);
    paging::after_cursor(
        &query.cursor,
        key_column,
        "s.id",
        compare,
        &mut clauses,
        &mut values,
    )?;
    values.push(paging::look_ahead(limit));
    let sql = format!(
        "SELECT {COLUMNS}, {key_column} FROM {FROM} WHERE {} ORDER BY {order} LIMIT ?",
        clauses.join(" AND ")
    );
    let mut rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(values.iter()), |r| {
            Ok((subscription(r)?, r.get::<_, String>(22)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let next_cursor =
        paging::next_cursor(&mut rows, limit, |(row, key)| (key.clone(), row.id.clone()));
    Ok(SubscriptionPage {
        rows: rows.into_iter().map(|(row, _)| row).collect(),
        total,
        next_cursor,
    })
}

pub fn list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    query: &SubscriptionQuery,
) -> Result<SubscriptionPage> {
    store.read(|conn| {
        require(conn, actor, Action::ViewSubscriptions)?;
        page(conn, clock, query)
    })
}

const EXPORT_COLUMNS: [&str; 15] = [
    "customer",
    "service",
    "status",
    "trial",
    "quantity",
    "term",
    "billing_plan",
    "auto_renew",
    "starts_at",
    "term_started_at",
    "ends_at",
    "decrease_window_closes_at",
    "source",
    "partner_of_record",
    "id",
];

/// Writes every subscription matching the filters (ignoring paging) as CSV.
pub fn export_csv(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    query: &SubscriptionQuery,
    out: impl Write,
) -> Result<u64> {
    store.read(|conn| {
        require(conn, actor, Action::ViewSubscriptions)?;
        let (clauses, values) = filter(query, clock)?;
        let sql = format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE {} ORDER BY {}",
            clauses.join(" AND "),
            order(query.sort).1
        );
        let mut statement = conn.prepare(&sql)?;
        let rows = statement.query_map(params_from_iter(values.iter()), subscription)?;
        let csv_error = |e: csv::Error| Error::Internal(format!("cannot write CSV: {e}"));
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(EXPORT_COLUMNS).map_err(csv_error)?;
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
        let mut count = 0;
        for row in rows {
            let s = row?;
            writer
                .write_record([
                    s.customer_name,
                    s.service_title,
                    s.status.as_str().to_owned(),
                    yes_no(s.trial),
                    s.quantity.to_string(),
                    s.term,
                    s.billing_plan,
                    yes_no(s.auto_renew),
                    s.starts_at,
                    s.term_started_at,
                    s.ends_at,
                    s.decrease_window_closes_at,
                    s.source,
                    yes_no(s.partner_of_record),
                    s.id,
                ])
                .map_err(csv_error)?;
            count += 1;
        }
        writer.flush()?;
        Ok(count)
    })
}
