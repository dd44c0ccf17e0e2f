//! The partner-wide subscription list (and a customer's tab): filters, keyset
//! pages with a total, CSV or workbook export of the filtered list.

use std::io::Write;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{subscription, Subscription, SubscriptionStatus, COLUMNS, FROM};
use crate::access::{guarded_read, read_target, require, Action};
use crate::auth::Actor;
use crate::clock::{add_days, to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::exports::{Column, ExportFormat, TableWriter, Value};
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

#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
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

/// The query's filters, checked, with their values.
struct Filters {
    customer_id: Option<String>,
    service_id: Option<String>,
    status: Option<SubscriptionStatus>,
    trial: Option<bool>,
    auto_renew: Option<bool>,
    /// "Ending within N days": the window's end.
    ending_by: Option<String>,
}

/// The filters' columns, for choosing which may lead SQLite to an index.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Term {
    Customer,
    Service,
    Status,
    Trial,
    AutoRenew,
    Ending,
}

/// The live statuses; also the condition of `subscriptions_list_live_by_end`,
/// which SQLite uses only for a query carrying the same term.
pub const LIVE_SUBSCRIPTIONS: &str = "s.status IN ('pending', 'active', 'suspended')";
const LIVE_INDEX: &str = "subscriptions_list_live_by_end";

impl Filters {
    fn parse(query: &SubscriptionQuery, clock: &dyn Clock) -> Result<Filters> {
        let customer_id = filter_value(&query.customer_id)
            .map(|id| parse_id("customer_id", &id))
            .transpose()?;
        let service_id = filter_value(&query.service_id)
            .map(|id| parse_id("service_id", &id))
            .transpose()?;
        let ending_by = match query.ending_within_days {
            Some(days) if days > 3 * 366 => {
                return Err(Error::validation(
                    "ending_within_days",
                    text!(
                        "look ahead at most three years",
                        "wybierz okres najwyżej trzech lat naprzód"
                    ),
                ))
            }
            Some(days) => Some(to_rfc3339(add_days(clock.now(), i64::from(days))?)?),
            None => None,
        };
        Ok(Filters {
            customer_id,
            service_id,
            status: query.status,
            trial: query.trial,
            auto_renew: query.auto_renew,
            ending_by,
        })
    }

    /// The WHERE terms and their values. A term `indexed` rejects is written
    /// `+s.column`, which SQLite cannot serve from an index: it then walks the
    /// index that gives the order instead of gathering every match to sort.
    fn clauses(&self, indexed: impl Fn(Term) -> bool) -> (Vec<String>, Vec<SqlValue>) {
        let mut clauses = Vec::new();
        let mut values = Vec::new();
        let column = |term: Term, name: &str| {
            let plus = if indexed(term) { "" } else { "+" };
            format!("{plus}s.{name}")
        };
        if let Some(id) = &self.customer_id {
            clauses.push(format!("{} = ?", column(Term::Customer, "customer_id")));
            values.push(SqlValue::Text(id.clone()));
        }
        if let Some(id) = &self.service_id {
            clauses.push(format!("{} = ?", column(Term::Service, "service_id")));
            values.push(SqlValue::Text(id.clone()));
        }
        if let Some(status) = self.status {
            clauses.push(format!("{} = ?", column(Term::Status, "status")));
            values.push(SqlValue::Text(status.as_str().into()));
        }
        if let Some(trial) = self.trial {
            clauses.push(format!("{} = ?", column(Term::Trial, "trial")));
            values.push(SqlValue::Integer(i64::from(trial)));
        }
        if let Some(auto_renew) = self.auto_renew {
            clauses.push(format!("{} = ?", column(Term::AutoRenew, "auto_renew")));
            values.push(SqlValue::Integer(i64::from(auto_renew)));
        }
        if let Some(by) = &self.ending_by {
            if indexed(Term::Ending) {
                clauses.push(format!("{LIVE_SUBSCRIPTIONS} AND s.ends_at <= ?"));
            } else {
                clauses.push(format!("+{LIVE_SUBSCRIPTIONS} AND +s.ends_at <= ?"));
            }
            values.push(SqlValue::Text(by.clone()));
        }
        (clauses, values)
    }

    /// Only service, status, trial and auto-renew: `subscription_tally` counts it.
    fn tallied(&self) -> bool {
        self.customer_id.is_none() && self.ending_by.is_none()
    }

    /// The total. The tally answers the filters it keeps; a customer's tab
    /// counts that customer's rows; "ending within" counts its range of the
    /// live index, which holds every column a filter tests.
    fn count(&self, conn: &Connection) -> Result<u32> {
        let (sql, values) = if self.tallied() {
            let (clauses, values) = self.clauses(|_| true);
            let sql = format!(
                "SELECT coalesce(sum(s.subscriptions), 0) FROM subscription_tally s{}",
                where_clause(&clauses)
            );
            (sql, values)
        } else if self.customer_id.is_some() {
            let (clauses, values) = self.clauses(|term| term == Term::Customer);
            let sql = format!(
                "SELECT count(*) FROM subscriptions s{}",
                where_clause(&clauses)
            );
            (sql, values)
        } else {
            let (clauses, values) = self.clauses(|_| true);
            let sql = format!(
                "SELECT count(*) FROM subscriptions s INDEXED BY {LIVE_INDEX}{}",
                where_clause(&clauses)
            );
            (sql, values)
        };
        Ok(conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(values.iter()), |r| r.get(0))?)
    }
}

fn where_clause(clauses: &[String]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    }
}

fn order(sort: SubscriptionSort) -> (&'static str, &'static str, &'static str) {
    match sort {
        SubscriptionSort::Ends => ("s.ends_at", "s.ends_at ASC, s.id ASC", ">"),
        SubscriptionSort::Added => ("s.created_at", "s.created_at DESC, s.id DESC", "<"),
    }
}

/// One page. A customer's tab reads that customer's rows and sorts them.
/// Otherwise the page walks an index in its own order and stops at the page's
/// end: `subscriptions_list_by_added` or `subscriptions_list_by_end`, which
/// carry the filtered columns; by end with a status, `subscriptions_by_end`
/// (that status only); "ending within" alone, the live subscriptions' index.
fn page(
    conn: &Connection,
    clock: &dyn Clock,
    query: &SubscriptionQuery,
) -> Result<SubscriptionPage> {
    let limit = paging::page_size(query.limit, text!("subscriptions", "subskrypcji"))?;
    let filters = Filters::parse(query, clock)?;
    let total = match paging::is_first_page(&query.cursor) {
        false => None,
        true => Some(filters.count(conn)?),
    };
    let by_customer = filters.customer_id.is_some();
    let by_end = query.sort == SubscriptionSort::Ends;
    let (mut clauses, mut values) = filters.clauses(|term| match term {
        Term::Customer => true,
        Term::Status | Term::Ending => by_end && !by_customer,
        Term::Service | Term::Trial | Term::AutoRenew => false,
    });
    let live_only =
        by_end && !by_customer && filters.ending_by.is_some() && filters.status.is_none();
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
    let from = if live_only {
        FROM.replacen(
            "subscriptions s",
            &format!("subscriptions s INDEXED BY {LIVE_INDEX}"),
            1,
        )
    } else {
        FROM.to_owned()
    };
    let sql = format!(
        "SELECT {COLUMNS}, {key_column} FROM {from}{} ORDER BY {order} LIMIT ?",
        where_clause(&clauses)
    );
    // The sort key follows the subscription's own columns.
    let key_at = COLUMNS.split(',').count();
    let mut rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(values.iter()), |r| {
            Ok((subscription(r)?, r.get::<_, String>(key_at)?))
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
    let target = read_target("subscription", None, "subscription list");
    guarded_read(store, clock, actor, "subscription.list", target, |conn| {
        require(conn, actor, Action::ViewSubscriptions)?;
        page(conn, clock, query)
    })
}

/// One exported subscription, with its catalog service's price.
struct ExportRow {
    subscription: Subscription,
    /// The catalog's price per licence per month now, in minor units.
    price_minor: i64,
    currency: String,
}

/// The subscription list's columns, for CSV and workbook alike.
const EXPORT_COLUMNS: [Column<ExportRow>; 18] = [
    Column::new("customer", 30.0, |r| {
        Value::text(&r.subscription.customer_name)
    }),
    Column::new("service", 34.0, |r| {
        Value::text(&r.subscription.service_title)
    }),
    Column::new("status", 11.0, |r| {
        Value::text(r.subscription.status.as_str())
    }),
    Column::new("trial", 7.0, |r| Value::Flag(r.subscription.trial)),
    Column::new("quantity", 9.0, |r| {
        Value::Count(i64::from(r.subscription.quantity))
    }),
    Column::new("term", 6.0, |r| Value::text(&r.subscription.term)),
    Column::new("billing_plan", 12.0, |r| {
        Value::text(&r.subscription.billing_plan)
    }),
    Column::new("auto_renew", 11.0, |r| {
        Value::Flag(r.subscription.auto_renew)
    }),
    Column::new("starts_at", 24.0, |r| {
        Value::Time(&r.subscription.starts_at)
    }),
    Column::new("term_started_at", 24.0, |r| {
        Value::Time(&r.subscription.term_started_at)
    }),
    Column::new("ends_at", 24.0, |r| Value::Time(&r.subscription.ends_at)),
    Column::new("decrease_window_closes_at", 24.0, |r| {
        Value::Time(&r.subscription.decrease_window_closes_at)
    }),
    // The steps after the term (decision 0042): what comes next and when the
    // customer's data goes.
    Column::new("next_status", 11.0, |r| match r.subscription.next_status {
        Some(status) => Value::text(status.as_str()),
        None => Value::Empty,
    }),
    Column::new("data_deleted_at", 24.0, |r| {
        match r.subscription.data_deleted_at.as_deref() {
            Some(at) => Value::Time(at),
            None => Value::Empty,
        }
    }),
    Column::new("monthly_price_per_licence", 16.0, |r| Value::Money {
        minor: r.price_minor,
        currency: &r.currency,
    }),
    Column::new("source", 14.0, |r| Value::text(&r.subscription.source)),
    Column::new("partner_of_record", 10.0, |r| {
        Value::Flag(r.subscription.partner_of_record)
    }),
    Column::new("id", 38.0, |r| Value::text(&r.subscription.id)),
];

/// Writes every subscription matching the filters (ignoring paging) as CSV
/// or a workbook.
pub fn export_list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    query: &SubscriptionQuery,
    format: impl Into<ExportFormat>,
    out: impl Write,
) -> Result<u64> {
    let target = read_target("subscription", None, "subscription list");
    guarded_read(store, clock, actor, "subscription.export", target, |conn| {
        require(conn, actor, Action::ViewSubscriptions)?;
        let (clauses, values) = Filters::parse(query, clock)?.clauses(|_| true);
        let sql = format!(
            "SELECT {COLUMNS}, cs.unit_price_minor, cs.currency FROM {FROM}{} ORDER BY {}",
            where_clause(&clauses),
            order(query.sort).1
        );
        let mut statement = conn.prepare(&sql)?;
        let price_at = COLUMNS.split(',').count();
        let rows = statement.query_map(params_from_iter(values.iter()), |row| {
            Ok(ExportRow {
                subscription: subscription(row)?,
                price_minor: row.get(price_at)?,
                currency: row.get(price_at + 1)?,
            })
        })?;
        let mut table = TableWriter::start(out, format.into(), "Subscriptions", &EXPORT_COLUMNS)?;
        for row in rows {
            table.push(&row?)?;
        }
        table.finish()
    })
}
