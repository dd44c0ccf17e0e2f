//! The customer list: substring search, filters, keyset pages with a total count.

use std::io::Write;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{guarded_read, read_target, require, Action};
use crate::auth::Actor;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::exports::{Column, ExportFormat, TableWriter, Value};
use crate::fold::fold;
use crate::paging;
use crate::store::Store;
use crate::validate::{filter_value, like_escape};

/// Below this many characters the trigram index cannot help; such short
/// fragments scan the folded text instead.
const TRIGRAM: usize = 3;
/// Every delegated-administration state a customer can be in, as the list
/// keeps it (the most advanced of its relationships).
pub(crate) const RELATIONSHIP_STATES: &[&str] = &[
    "none",
    "created",
    "approval_pending",
    "approved",
    "activating",
    "active",
    "expiring",
    "expired",
    "termination_requested",
    "terminating",
    "terminated",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CustomerSort {
    #[default]
    Name,
    /// Newest first.
    Added,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct CustomerQuery {
    /// Any part of the name, a domain, the contact e-mail or the tenant ID;
    /// case and Polish diacritics are ignored.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// A delegated-admin state (`none`, `active`, `approval_pending`, …).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship_state: Option<String>,
    /// Customers who did (`true`) or did not (`false`) designate the partner
    /// as partner of record on a live subscription.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_of_record: Option<bool>,
    /// Archived customers instead of current ones.
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub sort: CustomerSort,
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
pub struct CustomerSummary {
    pub id: String,
    pub company_name: String,
    pub default_domain: String,
    pub contact_email: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    pub relationship_state: String,
    pub tags: Vec<String>,
    pub archived: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CustomerPage {
    pub rows: Vec<CustomerSummary>,
    /// How many customers match, over all pages. Absent on a later page of an
    /// unfiltered or state-filtered list, whose total the first page gave.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u32>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A filter SQLite can count from its own index, when it is the only one.
enum Only {
    /// An FTS phrase.
    Search(String),
    Tag(String),
}

struct Filter {
    clauses: Vec<String>,
    values: Vec<SqlValue>,
    only: Option<Only>,
}

fn filter(query: &CustomerQuery) -> Result<Filter> {
    let mut clauses = vec!["c.archived = ?".to_owned()];
    let mut values = vec![SqlValue::Integer(i64::from(query.archived))];
    let mut only = Vec::new();
    if let Some(search) = crate::validate::search("search", &query.search)? {
        let folded = fold(&search);
        // The trigram index holds current customers only (migration 0004):
        // archived ones, and fragments too short for a trigram, scan the text.
        if folded.chars().count() >= TRIGRAM && !query.archived {
            // A phrase query: the trigram tokenizer matches it as a substring.
            clauses.push(
                "c.rowid IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)"
                    .into(),
            );
            let phrase = format!("\"{}\"", folded.replace('"', "\"\""));
            values.push(SqlValue::Text(phrase.clone()));
            only.push(Only::Search(phrase));
        } else {
            clauses.push("c.search_text LIKE ? ESCAPE '\\'".into());
            values.push(SqlValue::Text(format!("%{}%", like_escape(&folded))));
            // A scan: nothing to count from an index; the generic count is used.
            only.push(Only::Tag(String::new()));
        }
    }
    if let Some(tag) = filter_value(&query.tag) {
        clauses.push(
            "c.id IN (SELECT customer_id FROM customer_tags WHERE tag = ? AND archived = ?)".into(),
        );
        values.push(SqlValue::Text(tag.clone()));
        values.push(SqlValue::Integer(i64::from(query.archived)));
        only.push(Only::Tag(tag));
    }
    if let Some(state) = filter_value(&query.relationship_state) {
        if !RELATIONSHIP_STATES.contains(&state.as_str()) {
            return Err(Error::validation(
                "relationship_state",
                text!(
                    "'{state}' is not a delegated-administration state",
                    "„{state}” nie jest stanem administracji delegowanej"
                ),
            ));
        }
        clauses.push("c.relationship_state = ?".into());
        values.push(SqlValue::Text(state));
        only.push(Only::Tag(String::new()));
    }
    if let Some(of_record) = query.partner_of_record {
        let operator = if of_record { "IN" } else { "NOT IN" };
        clauses.push(format!(
            "c.id {operator} (SELECT s.customer_id FROM subscriptions s
                JOIN catalog_workloads cw ON cw.service_id = s.service_id
                JOIN partner_of_record_claims por ON por.customer_id = s.customer_id
                    AND por.workload = cw.workload AND por.state = 'claimed'
                WHERE s.status IN ('pending', 'active', 'suspended'))"
        ));
        only.push(Only::Tag(String::new()));
    }
    // Counting from an index works only when one search or one tag is the whole filter.
    let only = match (only.len(), only.pop()) {
        (1, Some(Only::Tag(tag))) if !tag.is_empty() => Some(Only::Tag(tag)),
        (1, Some(Only::Search(phrase))) => Some(Only::Search(phrase)),
        _ => None,
    };
    Ok(Filter {
        clauses,
        values,
        only,
    })
}

fn summary(row: &Row<'_>) -> rusqlite::Result<(CustomerSummary, String)> {
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
        row.get(9)?,
    ))
}

const SUMMARY_COLUMNS: &str = "c.id, c.company_name, c.default_domain, c.contact_email,
    c.tenant_id, c.relationship_state, c.archived,
    (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM customer_tags t WHERE t.customer_id = c.id ORDER BY tag)),
    c.created_at";

/// Below this many matches a filtered page is read by match, not by name order.
const FEW_MATCHES: u32 = 1000;

/// Counts the matching customers. A lone search or tag counts its own index
/// instead of checking ~100,000 index entries against the match list.
fn count(
    conn: &Connection,
    archived: bool,
    only: &Option<Only>,
    clauses: &[String],
    values: &[SqlValue],
) -> Result<u32> {
    let counted: u32 = match only {
        // The search index holds exactly the current customers.
        Some(Only::Search(phrase)) => conn
            .prepare_cached("SELECT count(*) FROM customer_search WHERE customer_search MATCH ?1")?
            .query_row([phrase], |r| r.get(0))?,
        // customer_tags carries the archived flag: one index range.
        Some(Only::Tag(tag)) => conn
            .prepare_cached("SELECT count(*) FROM customer_tags WHERE tag = ?1 AND archived = ?2")?
            .query_row(rusqlite::params![tag, archived], |r| r.get(0))?,
        None => {
            let sql = format!(
                "SELECT count(*) FROM customers c WHERE {}",
                clauses.join(" AND ")
            );
            conn.prepare_cached(&sql)?
                .query_row(params_from_iter(values.iter()), |r| r.get(0))?
        }
    };
    Ok(counted)
}

fn page(conn: &Connection, query: &CustomerQuery) -> Result<CustomerPage> {
    let limit = paging::page_size(query.limit, text!("customers", "klientów"))?;
    let Filter {
        mut clauses,
        mut values,
        only,
    } = filter(query)?;
    let first_page = paging::is_first_page(&query.cursor);
    let total = if only.is_some() || first_page {
        Some(count(conn, query.archived, &only, &clauses, &values)?)
    } else {
        None
    };
    // Few matches: read them by rowid and sort them, rather than walking the
    // name index until a page is full (for one match, the whole index).
    if total.is_some_and(|t| t <= FEW_MATCHES) && only.is_some() {
        clauses[0] = "+c.archived = ?".into();
    }
    // The sort key travels in the cursor with the id, so equal names page correctly.
    let (key_column, order, compare) = match query.sort {
        CustomerSort::Name => ("c.name_key", "c.name_key ASC, c.id ASC", ">"),
        CustomerSort::Added => ("c.created_at", "c.created_at DESC, c.id DESC", "<"),
    };
    paging::after_cursor(
        &query.cursor,
        key_column,
        "c.id",
        compare,
        &mut clauses,
        &mut values,
    )?;
    values.push(paging::look_ahead(limit));
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, {key_column} FROM customers c WHERE {} ORDER BY {order} LIMIT ?",
        clauses.join(" AND ")
    );
    let mut rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(values.iter()), summary)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let next_cursor =
        paging::next_cursor(&mut rows, limit, |(row, key)| (key.clone(), row.id.clone()));
    Ok(CustomerPage {
        rows: rows.into_iter().map(|(row, _)| row).collect(),
        total,
        next_cursor,
    })
}

pub fn list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    query: &CustomerQuery,
) -> Result<CustomerPage> {
    let target = read_target("customer", None, "customer list");
    guarded_read(store, clock, actor, "customer.list", target, |conn| {
        require(conn, actor, Action::ViewCustomers)?;
        page(conn, query)
    })
}

/// One exported customer: the import's columns, then the relationship state
/// and the relationship Partner Center stated.
struct ExportRow {
    cells: [String; 16],
}

/// Text column `$index` of [`ExportRow`], headed as the import reads it.
macro_rules! text_column {
    ($index:literal, $width:literal) => {
        Column::new(IMPORTED[$index], $width, |r| Value::text(&r.cells[$index]))
    };
}

use super::import::COLUMNS as IMPORTED;

/// The customer list's columns: the ones the import reads (in its
/// [`super::import::COLUMNS`] order, so an export imports back), then the
/// relationship state, then the relationship Partner Center stated (read
/// back by the import, and recorded when asked).
const EXPORT_COLUMNS: [Column<ExportRow>; 16] = [
    text_column!(0, 32.0),  // company_name
    text_column!(1, 28.0),  // default_domain
    text_column!(2, 28.0),  // other_domains
    text_column!(3, 38.0),  // tenant_id
    text_column!(4, 24.0),  // street
    text_column!(5, 16.0),  // city
    text_column!(6, 12.0),  // postal_code
    text_column!(7, 9.0),   // country
    text_column!(8, 22.0),  // contact_name
    text_column!(9, 28.0),  // contact_email
    text_column!(10, 16.0), // contact_phone
    text_column!(11, 9.0),  // language
    text_column!(12, 40.0), // notes
    text_column!(13, 20.0), // tags
    Column::new("relationship_state", 18.0, |r| Value::text(&r.cells[14])),
    Column::new("partner_relationship", 28.0, |r| Value::text(&r.cells[15])),
];

/// Writes every customer matching the filters (ignoring paging) as CSV or a
/// workbook, in the columns the import reads, so an export can be edited and
/// imported back.
pub fn export_list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    query: &CustomerQuery,
    format: impl Into<ExportFormat>,
    out: impl Write,
) -> Result<u64> {
    let target = read_target("customer", None, "customer list");
    guarded_read(store, clock, actor, "customer.export", target, |conn| {
        require(conn, actor, Action::ViewCustomers)?;
        let Filter {
            clauses, values, ..
        } = filter(query)?;
        let order = match query.sort {
            CustomerSort::Name => "c.name_key, c.id",
            CustomerSort::Added => "c.created_at DESC, c.id DESC",
        };
        let sql = format!(
            "SELECT c.company_name, c.default_domain, c.other_domains, coalesce(c.tenant_id, ''),
                    c.street, c.city, c.postal_code, c.country, c.contact_name, c.contact_email,
                    c.contact_phone, c.language, c.notes,
                    coalesce((SELECT group_concat(tag, ';') FROM (SELECT tag FROM customer_tags t WHERE t.customer_id = c.id ORDER BY tag)), ''),
                    c.relationship_state, c.partner_relationship
             FROM customers c WHERE {} ORDER BY {order}",
            clauses.join(" AND ")
        );
        let mut statement = conn.prepare(&sql)?;
        let mut rows = statement.query(params_from_iter(values.iter()))?;
        let mut table = TableWriter::start(out, format.into(), "Customers", &EXPORT_COLUMNS)?;
        while let Some(row) = rows.next()? {
            let mut cells: [String; 16] = Default::default();
            for (i, cell) in cells.iter_mut().enumerate() {
                *cell = row.get(i)?;
            }
            // Other domains are kept one per line; the file uses semicolons.
            cells[2] = cells[2].replace('\n', ";");
            table.push(&ExportRow { cells })?;
        }
        table.finish()
    })
}
