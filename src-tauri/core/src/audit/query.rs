//! Reading the audit log: filtered keyset pages (newest first) and its export.

use std::io::Write;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::head::{head_status, AuditHeadStatus};
use crate::clock::{parse_business_time, to_rfc3339};
use crate::error::{Error, Result};
use crate::exports::{Column, ExportFormat, TableWriter, Value};
use crate::limits;
use crate::store::Store;
use crate::validate::{bounded_filter, filter_value};

const DEFAULT_PAGE: u32 = 100;
const MAX_PAGE: u32 = 500;

/// Filters from the audit screen. Every field is optional; dates are RFC 3339.
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct AuditQuery {
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_kind: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    /// Entries at or after this time.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Entries before this time.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Keyset cursor: the `seq` of the last entry of the previous page.
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_seq: Option<i64>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub at: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub action: String,
    pub outcome: String,
    pub target_kind: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    pub target_label: String,
    pub detail: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_json: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_json: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before_seq` for the next page; absent on the last page.
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_before_seq: Option<i64>,
}

/// The WHERE clause and its parameters. Dates become a seq range first: log
/// times never decrease, so a date range is one contiguous run of seq, and
/// every filter then walks an index on (column, seq) backwards from the cursor.
/// The first entry at or after `at`, through the (at, seq) index.
fn first_seq_at_or_after(conn: &Connection, at: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT seq FROM audit_log WHERE at >= ?1 ORDER BY at, seq LIMIT 1")?
        .query_row([at], |r| r.get(0))
        .optional()?)
}

fn where_clause(conn: &Connection, query: &AuditQuery) -> Result<(String, Vec<SqlValue>)> {
    let mut clauses: Vec<&str> = Vec::new();
    let mut values: Vec<SqlValue> = Vec::new();
    if let Some(actor) = bounded_filter("actor_id", &query.actor_id, limits::FILTER)? {
        clauses.push("actor_id = ?");
        values.push(SqlValue::Text(actor.to_owned()));
    }
    if let Some(action) = bounded_filter("action", &query.action, limits::FILTER)? {
        clauses.push("action = ?");
        values.push(SqlValue::Text(action.to_owned()));
    }
    if let Some(kind) = bounded_filter("target_kind", &query.target_kind, limits::FILTER)? {
        clauses.push("target_kind = ?");
        values.push(SqlValue::Text(kind.to_owned()));
    }
    if let Some(id) = bounded_filter("target_id", &query.target_id, limits::FILTER)? {
        clauses.push("target_id = ?");
        values.push(SqlValue::Text(id.to_owned()));
    }
    // The lower date bound and the upper bounds (the "to" date, the cursor)
    // each become one seq bound: SQLite searches by a single range, and a second
    // upper bound would be checked row by row from the end of the range.
    if let Some(from) = filter_value(&query.from) {
        let from = to_rfc3339(parse_business_time("from", &from)?)?;
        clauses.push("seq >= ?");
        values.push(SqlValue::Integer(
            first_seq_at_or_after(conn, &from)?.unwrap_or(i64::MAX),
        ));
    }
    let to_bound = match filter_value(&query.to) {
        Some(to) => first_seq_at_or_after(conn, &to_rfc3339(parse_business_time("to", &to)?)?)?,
        None => None,
    };
    let upper = match (to_bound, query.before_seq) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(upper) = upper {
        clauses.push("seq < ?");
        values.push(SqlValue::Integer(upper));
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    Ok((sql, values))
}

const COLUMNS: &str = "seq, at, actor_id, actor_name, action, outcome, target_kind, target_id,
     target_label, detail, before_json, after_json";

fn entry(row: &Row<'_>) -> rusqlite::Result<AuditEntry> {
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

/// One page, newest first.
pub fn list(store: &Store, query: &AuditQuery) -> Result<AuditPage> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(Error::validation(
            "limit",
            text!(
                "a page holds 1 to {MAX_PAGE} entries",
                "strona mieści od 1 do {MAX_PAGE} wpisów"
            ),
        ));
    }
    store.read(|conn| {
        let (filter, mut values) = where_clause(conn, query)?;
        // One extra row tells whether another page follows.
        values.push(SqlValue::Integer(i64::from(limit) + 1));
        let sql = format!("SELECT {COLUMNS} FROM audit_log {filter} ORDER BY seq DESC LIMIT ?");
        page_of(conn, &sql, values, limit)
    })
}

/// Runs a query that asked for `limit + 1` rows, newest first, and turns the
/// extra row into the cursor of the next page.
fn page_of(conn: &Connection, sql: &str, values: Vec<SqlValue>, limit: u32) -> Result<AuditPage> {
    let mut entries = conn
        .prepare_cached(sql)?
        .query_map(params_from_iter(values), entry)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let next_before_seq = if entries.len() > limit as usize {
        entries.truncate(limit as usize);
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    Ok(AuditPage {
        entries,
        next_before_seq,
    })
}

fn optional(text: &Option<String>) -> Value<'_> {
    Value::text(text.as_deref().unwrap_or_default())
}

/// The audit log's columns, for CSV and workbook alike.
const EXPORT_COLUMNS: [Column<AuditEntry>; 12] = [
    Column::new("seq", 9.0, |e| Value::Count(e.seq)),
    Column::new("at", 24.0, |e| Value::Time(&e.at)),
    Column::new("actor_id", 38.0, |e| optional(&e.actor_id)),
    Column::new("actor_name", 22.0, |e| Value::text(&e.actor_name)),
    Column::new("action", 28.0, |e| Value::text(&e.action)),
    Column::new("outcome", 9.0, |e| Value::text(&e.outcome)),
    Column::new("target_kind", 16.0, |e| Value::text(&e.target_kind)),
    Column::new("target_id", 38.0, |e| optional(&e.target_id)),
    Column::new("target_label", 28.0, |e| Value::text(&e.target_label)),
    Column::new("detail", 48.0, |e| Value::text(&e.detail)),
    Column::new("before", 40.0, |e| optional(&e.before_json)),
    Column::new("after", 40.0, |e| optional(&e.after_json)),
];

/// Writes every entry matching the filters (ignoring paging) as CSV or a
/// workbook, newest first, and last an `audit.head` row: the whole log's head
/// when the export began, whatever the filters, and how it compared with the
/// head file — so every export is also a noted head
/// (docs/decisions/0029-audit-head.md). Returns the entries written, not
/// counting the head row.
pub fn export_list(
    store: &Store,
    query: &AuditQuery,
    format: impl Into<ExportFormat>,
    out: impl Write,
) -> Result<u64> {
    let query = AuditQuery {
        before_seq: None,
        limit: None,
        ..query.clone()
    };
    let head = head_status(store)?;
    store.read(|conn| {
        let (filter, values) = where_clause(conn, &query)?;
        let sql = format!("SELECT {COLUMNS} FROM audit_log {filter} ORDER BY seq DESC");
        let mut statement = conn.prepare(&sql)?;
        let mut rows = statement.query(params_from_iter(values))?;
        let mut table = TableWriter::start(out, format.into(), "Audit log", &EXPORT_COLUMNS)?;
        while let Some(row) = rows.next()? {
            table.push(&entry(row)?)?;
        }
        table.push(&head_row(&head))?;
        Ok(table.finish()? - 1)
    })
}

/// The head as a row of the export's columns: seq and time in theirs, the
/// hash and the head file's state in the detail, and all of it as JSON in "after".
fn head_row(status: &AuditHeadStatus) -> AuditEntry {
    let head = &status.head;
    let state = status.file_state.as_str();
    let after = serde_json::json!({
        "seq": head.seq,
        "hash": head.hash,
        "at": head.at,
        "head_file": state,
        "head_file_seq": status.file_head.as_ref().map(|h| h.seq),
        "head_file_hash": status.file_head.as_ref().map(|h| h.hash.as_str()),
    });
    AuditEntry {
        seq: head.seq,
        at: head.at.clone(),
        actor_id: None,
        actor_name: String::new(),
        action: HEAD_ROW_ACTION.to_owned(),
        outcome: String::new(),
        target_kind: "audit_log".to_owned(),
        target_id: None,
        target_label: "head".to_owned(),
        detail: format!("hash {}; head file {state}", head.hash),
        before_json: None,
        after_json: Some(after.to_string()),
    }
}

/// The action column of an export's last row, which holds the head.
pub const HEAD_ROW_ACTION: &str = "audit.head";

/// The newest entries about a customer and everything of theirs: their
/// relationships, subscriptions, users, service requests, purchase offers and
/// redeemed product keys — the customer's Activity tab. The ids come from
/// subqueries, so a customer with thousands of users binds no long list.
pub fn list_for_customer(
    conn: &Connection,
    customer_id: &str,
    before_seq: Option<i64>,
    limit: u32,
) -> Result<AuditPage> {
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log
         WHERE seq < ?2 AND (
               (target_kind = 'customer' AND target_id = ?1)
            OR (target_kind = 'relationship'
                AND target_id IN (SELECT id FROM relationships WHERE customer_id = ?1))
            OR (target_kind = 'subscription'
                AND target_id IN (SELECT id FROM subscriptions WHERE customer_id = ?1))
            OR (target_kind = 'customer_user'
                AND target_id IN (SELECT id FROM customer_users WHERE customer_id = ?1))
            OR (target_kind = 'service_request'
                AND target_id IN (SELECT id FROM service_requests WHERE customer_id = ?1))
            OR (target_kind = 'purchase_offer'
                AND target_id IN (SELECT id FROM purchase_offers WHERE customer_id = ?1
                                  UNION ALL
                                  SELECT id FROM purchase_offers WHERE accepted_customer_id = ?1))
            OR (target_kind = 'product_key'
                AND target_id IN (SELECT id FROM product_keys WHERE customer_id = ?1)))
         ORDER BY seq DESC LIMIT ?3"
    );
    let values = vec![
        SqlValue::Text(customer_id.to_owned()),
        SqlValue::Integer(before_seq.unwrap_or(i64::MAX)),
        SqlValue::Integer(i64::from(limit) + 1),
    ];
    page_of(conn, &sql, values, limit)
}
