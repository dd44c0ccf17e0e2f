//! The partner-wide queue and a customer's list: filters, keyset pages with a
//! total, newest activity first, and counts by severity × status for the chips.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    manage_permission, parse_category, parse_severity, parse_status, reference, require_view,
    sees_all, ServiceRequestCategory, ServiceRequestSeverity, ServiceRequestStatus,
};
use crate::access::{guarded_read, read_target, require, Action, Permission};
use crate::auth::Actor;
use crate::clock::Clock;
use crate::error::Result;
use crate::fold::fold;
use crate::ids::parse_id;
use crate::paging;
use crate::store::Store;
use crate::validate::{filter_choice, filter_value, like_escape};

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct ServiceRequestQuery {
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Ignored by a customer's own list, which is always that customer's.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Part of the title or the customer's name, or the number (`SR-000042`, `42`).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// The `next_cursor` of the previous page.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ServiceRequestSummary {
    pub id: String,
    pub number: u32,
    pub reference: String,
    pub customer_id: String,
    pub customer_name: String,
    pub title: String,
    pub category: ServiceRequestCategory,
    pub severity: ServiceRequestSeverity,
    pub status: ServiceRequestStatus,
    pub created_at: String,
    pub updated_at: String,
    pub note_count: u32,
}

/// How many requests have one severity and one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ServiceRequestCount {
    pub severity: ServiceRequestSeverity,
    pub status: ServiceRequestStatus,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ServiceRequestPage {
    pub rows: Vec<ServiceRequestSummary>,
    /// How many requests match every filter, over all pages.
    pub total: u32,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Every severity × status pair (zeros included), counted with every filter
    /// except status and severity themselves, so each chip says what it would show.
    pub counts: Vec<ServiceRequestCount>,
}

/// A customer's Service requests tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CustomerServiceRequests {
    pub page: ServiceRequestPage,
    /// Whether the acting staff member may create and work on this customer's requests.
    pub manage: Permission,
}

/// Which customers' requests the reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Every,
    /// Only customers with an active (or expiring) delegated-admin relationship.
    ActiveRelationships,
}

struct Filter {
    /// Visibility, customer, category and search: what the counts use.
    base: Vec<String>,
    base_values: Vec<SqlValue>,
    status: Option<String>,
    severity: Option<String>,
}

const STATUSES: &[&str] = &["draft", "open", "attention_needed", "closed"];
const SEVERITIES: &[&str] = &["minimal", "moderate", "critical"];

/// `SR-000042`, `sr-42` or `42` as a number.
fn number_in(search: &str) -> Option<u32> {
    let lower = search.trim().to_ascii_lowercase();
    let digits = lower
        .strip_prefix("sr-")
        .or_else(|| lower.strip_prefix("sr"))
        .unwrap_or(&lower)
        .trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn filter(query: &ServiceRequestQuery, scope: Scope) -> Result<Filter> {
    let mut base = Vec::new();
    let mut base_values = Vec::new();
    if scope == Scope::ActiveRelationships {
        base.push("c.relationship_state IN ('active', 'expiring')".to_owned());
    }
    if let Some(text) = filter_value(&query.customer_id) {
        base.push("sr.customer_id = ?".into());
        base_values.push(SqlValue::Text(parse_id("customer_id", &text)?));
    }
    let categories: Vec<&str> = ServiceRequestCategory::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    if let Some(category) = filter_choice(
        "category",
        &query.category,
        &categories,
        text!("a category", "kategorią"),
    )? {
        base.push("sr.category = ?".into());
        base_values.push(SqlValue::Text(category));
    }
    if let Some(search) = crate::validate::search("search", &query.search)? {
        // Titles and customer names both folded, so "blad" finds "Błąd" and
        // "zolc" finds "Żółć". Titles keep no folded copy: the scan stays
        // within the filtered requests, which a queue keeps few.
        let mut any = vec![
            "fold(sr.title) LIKE ? ESCAPE '\\'".to_owned(),
            "c.name_key LIKE ? ESCAPE '\\'".to_owned(),
        ];
        let pattern = format!("%{}%", like_escape(&fold(&search)));
        base_values.push(SqlValue::Text(pattern.clone()));
        base_values.push(SqlValue::Text(pattern));
        if let Some(number) = number_in(&search) {
            any.push("sr.number = ?".into());
            base_values.push(SqlValue::Integer(i64::from(number)));
        }
        base.push(format!("({})", any.join(" OR ")));
    }
    Ok(Filter {
        base,
        base_values,
        status: filter_choice(
            "status",
            &query.status,
            STATUSES,
            text!("a service request status", "stanem żądania usługigo"),
        )?,
        severity: filter_choice(
            "severity",
            &query.severity,
            SEVERITIES,
            text!("a severity", "ważnością żądania"),
        )?,
    })
}

fn where_clause(clauses: &[String]) -> String {
    if clauses.is_empty() {
        "1".into()
    } else {
        clauses.join(" AND ")
    }
}

fn summary(row: &Row<'_>) -> rusqlite::Result<ServiceRequestSummary> {
    let number: u32 = row.get(1)?;
    Ok(ServiceRequestSummary {
        id: row.get(0)?,
        number,
        reference: reference(number),
        customer_id: row.get(2)?,
        customer_name: row.get(3)?,
        title: row.get(4)?,
        category: parse_category(5, &row.get::<_, String>(5)?)?,
        severity: parse_severity(6, &row.get::<_, String>(6)?)?,
        status: parse_status(7, &row.get::<_, String>(7)?)?,
        created_at: row.get(8)?,
        updated_at: row.get(9)?,
        note_count: row.get(10)?,
    })
}

fn counts(conn: &Connection, filter: &Filter) -> Result<Vec<ServiceRequestCount>> {
    let sql = format!(
        "SELECT sr.severity, sr.status, count(*) FROM service_requests sr
         JOIN customers c ON c.id = sr.customer_id
         WHERE {} GROUP BY sr.severity, sr.status",
        where_clause(&filter.base)
    );
    let found = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(filter.base_values.iter()), |r| {
            Ok((
                parse_severity(0, &r.get::<_, String>(0)?)?,
                parse_status(1, &r.get::<_, String>(1)?)?,
                r.get::<_, u32>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut grid = Vec::new();
    for &severity in ServiceRequestSeverity::ALL {
        for status in ServiceRequestStatus::ALL {
            let count = found
                .iter()
                .find(|(s, t, _)| *s == severity && *t == status)
                .map_or(0, |(_, _, n)| *n);
            grid.push(ServiceRequestCount {
                severity,
                status,
                count,
            });
        }
    }
    Ok(grid)
}

fn page(
    conn: &Connection,
    query: &ServiceRequestQuery,
    scope: Scope,
) -> Result<ServiceRequestPage> {
    let limit = paging::page_size(query.limit, text!("requests", "żądań"))?;
    let filter = filter(query, scope)?;
    let counts = counts(conn, &filter)?;
    let total = counts
        .iter()
        .filter(|c| {
            filter
                .status
                .as_deref()
                .is_none_or(|s| s == c.status.as_str())
        })
        .filter(|c| {
            filter
                .severity
                .as_deref()
                .is_none_or(|s| s == c.severity.as_str())
        })
        .map(|c| c.count)
        .sum();
    let mut clauses = filter.base.clone();
    let mut values = filter.base_values.clone();
    if let Some(status) = &filter.status {
        clauses.push("sr.status = ?".into());
        values.push(SqlValue::Text(status.clone()));
    }
    if let Some(severity) = &filter.severity {
        clauses.push("sr.severity = ?".into());
        values.push(SqlValue::Text(severity.clone()));
    }
    // The activity time travels in the cursor with the id, so equal times page correctly.
    paging::after_cursor(
        &query.cursor,
        "sr.updated_at",
        "sr.id",
        "<",
        &mut clauses,
        &mut values,
    )?;
    values.push(paging::look_ahead(limit));
    let sql = format!(
        "SELECT sr.id, sr.number, sr.customer_id, c.company_name, sr.title, sr.category,
                sr.severity, sr.status, sr.created_at, sr.updated_at,
                (SELECT count(*) FROM service_request_notes n WHERE n.request_id = sr.id)
         FROM service_requests sr JOIN customers c ON c.id = sr.customer_id
         WHERE {} ORDER BY sr.updated_at DESC, sr.id DESC LIMIT ?",
        where_clause(&clauses)
    );
    let mut rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(values.iter()), summary)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let next_cursor = paging::next_cursor(&mut rows, limit, |row| {
        (row.updated_at.clone(), row.id.clone())
    });
    Ok(ServiceRequestPage {
        rows,
        total,
        next_cursor,
        counts,
    })
}

/// The partner-wide queue. Service and global admins see every customer's
/// requests; others who may see service requests see those of customers with
/// an active delegated-admin relationship; anyone else is refused.
pub fn queue(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    query: &ServiceRequestQuery,
) -> Result<ServiceRequestPage> {
    let target = read_target("service_request", None, "queue");
    guarded_read(
        store,
        clock,
        actor,
        "service_request.queue",
        target,
        |conn| {
            let scope = if sees_all(conn, actor)? {
                Scope::Every
            } else {
                require(conn, actor, Action::ViewServiceRequests)?;
                Scope::ActiveRelationships
            };
            page(conn, query, scope)
        },
    )
}

/// One customer's requests, with whether the reader may work on them.
pub fn list_for_customer(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
    query: &ServiceRequestQuery,
) -> Result<CustomerServiceRequests> {
    let customer_id = parse_id("customer_id", customer_id)?;
    let target = read_target("customer", Some(&customer_id), "service requests");
    guarded_read(
        store,
        clock,
        actor,
        "service_request.list",
        target,
        |conn| {
            require_view(conn, actor, &customer_id)?;
            let query = ServiceRequestQuery {
                customer_id: Some(customer_id.clone()),
                ..query.clone()
            };
            Ok(CustomerServiceRequests {
                page: page(conn, &query, Scope::Every)?,
                manage: manage_permission(conn, actor, &customer_id)?,
            })
        },
    )
}
