//! The offer list: newest first, keyset pages, one row per offer (its latest
//! revision) unless every revision is asked for.

use rusqlite::params_from_iter;
use rusqlite::types::Value as SqlValue;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{lines_of, offer_row, totals_of, OfferStatus, PurchaseOffer, COLUMNS, FROM};
use crate::access::{guarded_read, read_target, require, Action};
use crate::auth::Actor;
use crate::clock::Clock;
use crate::error::Result;
use crate::fold::fold;
use crate::ids::parse_id;
use crate::money::Money;
use crate::paging;
use crate::store::Store;
use crate::validate::{filter_value, like_escape};

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct OfferQuery {
    #[ts(optional)]
    #[serde(default)]
    pub status: Option<OfferStatus>,
    /// Part of the customer's or prospect's name or e-mail.
    #[ts(optional)]
    #[serde(default)]
    pub search: Option<String>,
    /// Offers made to this customer, or accepted by them as a prospect (the customer's tab).
    #[ts(optional)]
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Every revision, not only the latest of each offer.
    #[serde(default)]
    pub all_revisions: bool,
    #[ts(optional)]
    #[serde(default)]
    pub cursor: Option<String>,
    #[ts(optional)]
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OfferSummary {
    pub offer: PurchaseOffer,
    pub line_count: u32,
    pub totals: Vec<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OfferPage {
    pub rows: Vec<OfferSummary>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

pub fn list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    query: &OfferQuery,
) -> Result<OfferPage> {
    let limit = paging::page_size(query.limit, text!("offers", "ofert"))?;
    let target = read_target("purchase_offer", None, "offer list");
    guarded_read(store, clock, actor, "purchase_offer.list", target, |conn| {
        require(conn, actor, Action::ManagePurchaseOffers)?;
        let mut clauses = vec!["1 = 1".to_owned()];
        let mut values: Vec<SqlValue> = Vec::new();
        if let Some(status) = query.status {
            clauses.push("o.status = ?".into());
            values.push(SqlValue::Text(status.as_str().into()));
        }
        if !query.all_revisions {
            clauses.push(
                "NOT EXISTS (SELECT 1 FROM purchase_offers n WHERE n.previous_id = o.id)".into(),
            );
        }
        if let Some(customer) = filter_value(&query.customer_id) {
            let customer = parse_id("customer_id", &customer)?;
            clauses.push("(o.customer_id = ? OR o.accepted_customer_id = ?)".into());
            values.push(SqlValue::Text(customer.clone()));
            values.push(SqlValue::Text(customer));
        }
        if let Some(search) = crate::validate::search("search", &query.search)? {
            // The customer's folded search text, or the prospect's name and
            // e-mail folded alike, so "zrodlo" finds "Źródło" either way.
            clauses.push(
                "(c.search_text LIKE ? ESCAPE '\\' OR fold(o.prospect_name || ' ' || o.prospect_email) LIKE ? ESCAPE '\\')"
                    .into(),
            );
            let pattern = format!("%{}%", like_escape(&fold(&search)));
            values.push(SqlValue::Text(pattern.clone()));
            values.push(SqlValue::Text(pattern));
        }
        paging::after_cursor(
            &query.cursor,
            "o.created_at",
            "o.id",
            "<",
            &mut clauses,
            &mut values,
        )?;
        values.push(paging::look_ahead(limit));
        let sql = format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE {} ORDER BY o.created_at DESC, o.id DESC LIMIT ?",
            clauses.join(" AND ")
        );
        let mut rows = conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(values.iter()), offer_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let next_cursor =
            paging::next_cursor(&mut rows, limit, |o| (o.created_at.clone(), o.id.clone()));
        let rows = rows
            .into_iter()
            .map(|offer| {
                let lines = lines_of(conn, &offer.id)?;
                Ok(OfferSummary {
                    line_count: lines.len() as u32,
                    totals: totals_of(&lines)?,
                    offer,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(OfferPage { rows, next_cursor })
    })
}
