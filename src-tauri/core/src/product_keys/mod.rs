//! The product-key inventory (DESIGN §1 row 7, §3): keys the partner bought,
//! added by hand or imported, each redeemed once, ever, to set up a customer's
//! subscription. Keys are shown masked to staff without billing or global
//! admin, and the audit log only ever holds the masked form.

mod key;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{
    allows, guarded_read, guarded_write, read_target, require, require_for_customer,
    require_to_offer_delegated_admin, Action, Guarded,
};
use crate::audit::{self, ActorRef, Event, Target};
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::csv_file::Column;
use crate::error::{Error, Result};
use crate::ids::{new_id, parse_id};
use crate::imports::{
    self, CsvRow, FileReading, ImportFile, ImportJob, ImportMode, ImportProblem, ImportReport,
    ParsedRows,
};
use crate::paging;
use crate::relationships::{self, Relationship, RelationshipOffer};
use crate::store::Store;
use crate::subscriptions::{self, Source, Subscription, SubscriptionInput, MAX_QUANTITY, TERMS};

pub use key::{last_group, mask, normalise, ALPHABET};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ProductKey {
    pub id: String,
    /// In full for global and billing admins; otherwise masked but for the last group.
    pub key: String,
    pub masked: bool,
    pub service_id: String,
    pub service_title: String,
    pub quantity: u32,
    pub term: String,
    /// available or redeemed.
    pub status: String,
    pub added_at: String,
    pub added_by: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redeem_mode: Option<RedeemMode>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redeemed_at: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redeemed_by: Option<String>,
}

/// A key added by hand.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct ProductKeyInput {
    pub key: String,
    pub service_id: String,
    pub quantity: u32,
    /// P1M, P1Y or P3Y.
    pub term: String,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct ProductKeyQuery {
    /// available or redeemed; every key when absent.
    #[ts(optional)]
    #[serde(default)]
    pub status: Option<String>,
    #[ts(optional)]
    #[serde(default)]
    pub cursor: Option<String>,
    #[ts(optional)]
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ProductKeyPage {
    pub rows: Vec<ProductKey>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// An import: a file (a CSV with a `key` column, or one key a line), or
/// pasted lines of one key each. The service, licence count and term apply
/// to rows that give none.
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct KeyImport {
    /// Pasted text; read when there is no `file`.
    #[serde(default)]
    pub text: String,
    #[ts(optional)]
    #[serde(default)]
    pub file: Option<ImportFile>,
    #[ts(optional)]
    #[serde(default)]
    pub service_id: Option<String>,
    #[ts(optional)]
    #[serde(default)]
    pub quantity: Option<u32>,
    #[ts(optional)]
    #[serde(default)]
    pub term: Option<String>,
}

/// What redeeming a key does to the customer's subscriptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RedeemMode {
    /// A new subscription with the key's service, licences and term.
    NewSubscription,
    /// The customer's subscription of that service runs one more term.
    ExtendTerm,
    /// The customer's subscription of that service gains the key's licences.
    AddLicences,
}

impl RedeemMode {
    fn as_str(self) -> &'static str {
        match self {
            RedeemMode::NewSubscription => "new_subscription",
            RedeemMode::ExtendTerm => "extend_term",
            RedeemMode::AddLicences => "add_licences",
        }
    }

    fn parse(text: &str) -> Option<RedeemMode> {
        [
            RedeemMode::NewSubscription,
            RedeemMode::ExtendTerm,
            RedeemMode::AddLicences,
        ]
        .into_iter()
        .find(|m| m.as_str() == text)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct Redemption {
    pub key_id: String,
    pub customer_id: String,
    pub mode: RedeemMode,
    #[serde(default)]
    pub auto_renew: bool,
    /// Request delegated administration at the same time.
    #[ts(optional)]
    #[serde(default)]
    pub relationship: Option<RelationshipOffer>,
    /// For extend and add: which of the customer's live subscriptions of the
    /// key's service; the newest when absent.
    #[ts(optional)]
    #[serde(default)]
    pub subscription_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Redeemed {
    pub key: ProductKey,
    pub subscription: Subscription,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Relationship>,
}

const COLUMNS: &str = "k.id, k.product_key, k.service_id, cs.title, k.quantity, k.term, k.status,
    k.added_at, k.added_by, k.customer_id, c.company_name, k.subscription_id, k.redeem_mode,
    k.redeemed_at, k.redeemed_by";
const FROM: &str = "product_keys k JOIN catalog_services cs ON cs.id = k.service_id
    LEFT JOIN customers c ON c.id = k.customer_id";

fn row_of(full: bool) -> impl Fn(&Row<'_>) -> rusqlite::Result<ProductKey> {
    move |row| {
        let text: String = row.get(1)?;
        let mode: Option<String> = row.get(12)?;
        Ok(ProductKey {
            id: row.get(0)?,
            key: if full { text.clone() } else { mask(&text) },
            masked: !full,
            service_id: row.get(2)?,
            service_title: row.get(3)?,
            quantity: row.get(4)?,
            term: row.get(5)?,
            status: row.get(6)?,
            added_at: row.get(7)?,
            added_by: row.get(8)?,
            customer_id: row.get(9)?,
            customer_name: row.get(10)?,
            subscription_id: row.get(11)?,
            redeem_mode: mode.as_deref().and_then(RedeemMode::parse),
            redeemed_at: row.get(13)?,
            redeemed_by: row.get(14)?,
        })
    }
}

fn load(conn: &Connection, id: &str, full: bool) -> Result<ProductKey> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM {FROM} WHERE k.id = ?1"))?
        .query_row([id], row_of(full))
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "product_key",
            id: id.to_owned(),
        })
}

/// Whether `actor` sees keys in full.
fn sees_full(conn: &Connection, actor: &Actor) -> Result<bool> {
    allows(conn, actor, Action::ViewFullProductKeys)
}

/// The audit target: never the full key.
fn target(id: Option<String>, key_text: &str) -> Target {
    Target {
        kind: "product_key",
        id,
        label: if key_text.is_empty() {
            String::new()
        } else {
            mask(key_text)
        },
    }
}

/// The inventory, newest first, masked per permission.
pub fn list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    query: &ProductKeyQuery,
) -> Result<ProductKeyPage> {
    let limit = paging::page_size(query.limit, text!("product keys", "kluczy produktów"))?;
    let target = read_target("product_key", None, "inventory");
    guarded_read(store, clock, actor, "product_key.list", target, |conn| {
        require(conn, actor, Action::ViewProductKeys)?;
        let full = sees_full(conn, actor)?;
        let mut clauses = vec!["1 = 1".to_owned()];
        let mut values: Vec<SqlValue> = Vec::new();
        match query
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => {}
            Some(status @ ("available" | "redeemed")) => {
                clauses.push("k.status = ?".into());
                values.push(SqlValue::Text(status.into()));
            }
            Some(_) => {
                return Err(Error::validation(
                    "status",
                    text!(
                        "the filter is available or redeemed",
                        "filtr przyjmuje wartość available lub redeemed"
                    ),
                ))
            }
        }
        paging::after_cursor(
            &query.cursor,
            "k.added_at",
            "k.id",
            "<",
            &mut clauses,
            &mut values,
        )?;
        values.push(paging::look_ahead(limit));
        let sql = format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE {} ORDER BY k.added_at DESC, k.id DESC LIMIT ?",
            clauses.join(" AND ")
        );
        let mut rows = conn
            .prepare(&sql)?
            .query_map(params_from_iter(values), row_of(full))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let next_cursor =
            paging::next_cursor(&mut rows, limit, |k| (k.added_at.clone(), k.id.clone()));
        Ok(ProductKeyPage { rows, next_cursor })
    })
}

/// A key checked for the inventory: normalised, with its catalog service.
#[derive(Debug, Clone)]
struct ValidKey {
    /// The line of the import it came from (0 when added by hand).
    line: u32,
    key: String,
    service: String,
    quantity: u32,
    term: String,
}

fn check_quantity(quantity: u32) -> Result<u32> {
    if quantity == 0 || quantity > MAX_QUANTITY {
        return Err(Error::validation(
            "quantity",
            text!(
                "a key holds 1 to {MAX_QUANTITY} licences",
                "klucz obejmuje od 1 do {MAX_QUANTITY} licencji"
            ),
        ));
    }
    Ok(quantity)
}

fn check_term(term: &str) -> Result<String> {
    let term = term.trim().to_uppercase();
    if !TERMS.contains(&term.as_str()) {
        return Err(Error::validation("term", {
            let terms = TERMS.join(", ");
            text!(
                "the term is one of {terms}",
                "okres to jedna z wartości: {terms}"
            )
        }));
    }
    Ok(term)
}

/// The catalog service named by id or (case-insensitively) title.
fn service_id_of(conn: &Connection, service: &str) -> Result<String> {
    let service = service.trim();
    if service.is_empty() {
        return Err(Error::validation(
            "service",
            text!("choose the key's service", "wybierz usługę klucza"),
        ));
    }
    conn.prepare_cached(
        "SELECT id FROM catalog_services WHERE id = ?1 OR lower(title) = lower(?1)
         ORDER BY id = ?1 DESC LIMIT 1",
    )?
    .query_row([service], |r| r.get(0))
    .optional()?
    .ok_or_else(|| {
        Error::validation(
            "service",
            text!(
                "'{service}' is not in the catalog",
                "„{service}” nie ma w katalogu"
            ),
        )
    })
}

/// Refuses a key already in the inventory.
fn check_new(conn: &Connection, key: &str) -> Result<()> {
    let earlier: Option<String> = conn
        .prepare_cached("SELECT added_at FROM product_keys WHERE product_key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    match earlier {
        Some(at) => {
            let (masked, added) = (mask(key), at.get(..10).unwrap_or(&at));
            Err(Error::conflict(
                "key",
                text!(
                    "{masked} is already in the inventory (added {added})",
                    "{masked} jest już na liście kluczy (dodano {added})"
                ),
            ))
        }
        None => Ok(()),
    }
}

fn insert(
    tx: &Connection,
    clock: &dyn Clock,
    who: &ActorRef,
    valid: &ValidKey,
    audited: bool,
) -> Result<String> {
    let service_id = service_id_of(tx, &valid.service)?;
    check_new(tx, &valid.key)?;
    let id = new_id();
    tx.execute(
        "INSERT INTO product_keys (id, product_key, last_group, service_id, quantity, term,
             status, added_at, added_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'available', ?7, ?8)",
        params![
            id,
            valid.key,
            last_group(&valid.key),
            service_id,
            valid.quantity,
            valid.term,
            to_rfc3339(clock.now())?,
            who.name
        ],
    )?;
    if audited {
        let added = load(tx, &id, false)?;
        let event = Event::done(
            who.clone(),
            "product_key.add",
            target(Some(id.clone()), &valid.key),
        )
        .with_change(None, serde_json::to_value(&added).ok());
        audit::append(tx, clock, &event)?;
    }
    Ok(id)
}

/// Adds one key to the inventory.
pub fn add(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    input: &ProductKeyInput,
) -> Result<(ProductKey, Change)> {
    let valid = ValidKey {
        line: 0,
        key: normalise(&input.key)?,
        service: input.service_id.clone(),
        quantity: check_quantity(input.quantity)?,
        term: check_term(&input.term)?,
    };
    let audit_target = target(None, &valid.key);
    let added = guarded_write(store, clock, actor, "product_key.add", audit_target, |tx| {
        require(tx, actor, Action::ManageProductKeys)?;
        let id = insert(tx, clock, &actor.audit_ref(), &valid, true)?;
        load(tx, &id, true)
    })?;
    let change = Change::one(Entity::ProductKey, added.id.clone());
    Ok((added, change))
}

/// The columns a CSV import reads; only `key` is required when the import
/// gives the service, licence count and term.
pub const IMPORT_COLUMNS: [Column; 4] = [
    Column::required("key", &["Product key", "Klucz", "Klucz produktu"]),
    Column::optional("service", &["Usługa"]),
    Column::optional("quantity", &["Licences", "Licenses", "Liczba licencji"]),
    Column::optional("term", &["Okres"]),
];

/// A pasted file's rows, and how many of its lines were blank or comments.
struct KeyRows {
    rows: ParsedRows<ValidKey>,
    skipped: u32,
    /// How a CSV was read; none for lines of keys.
    reading: Option<FileReading>,
}

/// A pasted line that is not a key: blank, or a `#` comment.
fn is_skipped(line: &str) -> bool {
    let line = line.trim();
    line.is_empty() || line.starts_with('#')
}

fn parse_import(import: &KeyImport) -> Result<KeyRows> {
    let default_service = import.service_id.clone().unwrap_or_default();
    let default_quantity = import.quantity;
    let default_term = import.term.clone().unwrap_or_default();
    let build = |line: u32, key_text: &str, service: String, quantity: String, term: String| {
        let key = normalise(key_text)?;
        let quantity = if quantity.trim().is_empty() {
            default_quantity.ok_or_else(|| {
                Error::validation(
                    "quantity",
                    text!("give a licence count", "podaj liczbę licencji"),
                )
            })?
        } else {
            quantity.trim().parse::<u32>().map_err(|_| {
                Error::validation(
                    "quantity",
                    text!(
                        "the licence count is a whole number",
                        "liczba licencji musi być liczbą całkowitą"
                    ),
                )
            })?
        };
        let term = if term.trim().is_empty() {
            default_term.clone()
        } else {
            term
        };
        Ok(ValidKey {
            line,
            key,
            service: if service.trim().is_empty() {
                default_service.clone()
            } else {
                service
            },
            quantity: check_quantity(quantity)?,
            term: check_term(&term)?,
        })
    };
    let (decoded, encoding, delimiter) = match &import.file {
        Some(file) => {
            let (text, encoding) = imports::decode_file(file)?;
            (text, Some(encoding), file.delimiter)
        }
        None => {
            imports::check_size(import.text.len() as u64)?;
            (import.text.clone(), None, None)
        }
    };
    let text = decoded.strip_prefix('\u{feff}').unwrap_or(&decoded);
    let first = text.lines().find(|l| !is_skipped(l)).unwrap_or("");
    let is_csv = first
        .split([',', ';', '\t'])
        .any(|h| h.trim().trim_matches('"').eq_ignore_ascii_case("key"));
    if is_csv {
        let parsed = imports::parse_text(
            text,
            encoding,
            delimiter,
            &IMPORT_COLUMNS,
            |row: &CsvRow<'_>| {
                build(
                    row.line(),
                    &row.get("key"),
                    row.get("service"),
                    row.get("quantity"),
                    row.get("term"),
                )
            },
        )?;
        return Ok(KeyRows {
            rows: parsed.rows,
            skipped: 0,
            reading: Some(parsed.reading),
        });
    }
    // Pasted lines: one key a line; line numbers are the text's own; blank
    // lines and `#` comments are counted, never reported as bad keys.
    let lines: Vec<&str> = text.lines().collect();
    let skipped = lines.iter().filter(|l| is_skipped(l)).count();
    let rows = lines
        .into_iter()
        .enumerate()
        .filter(|(_, l)| !is_skipped(l))
        .map(|(index, l)| {
            let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
            let result = build(line, l, String::new(), String::new(), String::new())
                .map_err(|e| ImportProblem::of_error(line, &e, "key"));
            (line, result)
        })
        .collect();
    Ok(KeyRows {
        rows,
        skipped: u32::try_from(skipped).unwrap_or(u32::MAX),
        reading: None,
    })
}

/// Checks the permission and each row: its service, and that its key is
/// neither in the inventory nor earlier in the file (naming that line).
fn prepare<C>(
    guarded: &Guarded<'_, C>,
    actor: &Actor,
    parsed: KeyRows,
) -> Result<(Vec<ValidKey>, ImportReport)> {
    require(guarded, actor, Action::ManageProductKeys)?;
    let conn = guarded.connection();
    let mut first_line: HashMap<String, u32> = HashMap::new();
    let KeyRows {
        rows,
        skipped,
        reading,
    } = parsed;
    let (valid, mut report) = imports::check(rows, |valid| {
        if let Some(first) = first_line.get(&valid.key) {
            let masked = mask(&valid.key);
            return Ok(Some((
                "key".into(),
                text!(
                    "{masked} is a copy of the key on line {first}",
                    "{masked} to kopia klucza z wiersza {first}"
                ),
            )));
        }
        first_line.insert(valid.key.clone(), valid.line);
        service_id_of(conn, &valid.service)?;
        check_new(conn, &valid.key)?;
        Ok(None)
    })?;
    report.skipped = skipped;
    report.file = reading;
    Ok((valid, report))
}

fn import_target() -> Target {
    Target {
        kind: "product_key",
        id: None,
        label: "Import of product keys".into(),
    }
}

/// What an import would do, without writing anything.
pub fn preview_import(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    import: &KeyImport,
) -> Result<ImportReport> {
    let parsed = parse_import(import)?;
    guarded_read(
        store,
        clock,
        actor,
        "product_key.import",
        import_target(),
        |conn| Ok(prepare(conn, actor, parsed)?.1),
    )
}

/// Imports in one transaction. `progress(done, total)` follows the writing;
/// setting `cancel` rolls the whole import back.
pub fn apply_import(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    import: &KeyImport,
    mode: ImportMode,
    progress: &dyn Fn(u32, u32),
    cancel: &AtomicBool,
) -> Result<(ImportReport, Option<Change>)> {
    let parsed = parse_import(import)?;
    let job = ImportJob {
        audit_action: "product_key.import",
        target: import_target(),
        change: Change::of(Entity::ProductKey),
        noun: text!("key", "klucza"),
    };
    let who = actor.audit_ref();
    imports::apply(
        store,
        clock,
        actor,
        job,
        mode,
        progress,
        cancel,
        |conn| prepare(conn, actor, parsed),
        |tx, valid| insert(tx, clock, &who, valid, false),
    )
}

/// Redeems a key for a customer: a new subscription, or the customer's
/// subscription of that service extended by the key's term or given its
/// licences; optionally with a delegated-administration request. The key is
/// claimed with a conditional update inside the write transaction, so two
/// windows redeeming it at once cannot both succeed.
pub fn redeem(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    redemption: &Redemption,
) -> Result<(Redeemed, Change)> {
    let key_id = parse_id("key_id", &redemption.key_id)?;
    let customer_id = parse_id("customer_id", &redemption.customer_id)?;
    if let Some(offer) = &redemption.relationship {
        if offer.customer_id != customer_id {
            return Err(Error::validation(
                "relationship",
                text!(
                    "the delegated-administration request is for another customer",
                    "prośba o administrację delegowaną dotyczy innego klienta"
                ),
            ));
        }
        relationships::check_offer(offer)?;
    }
    let audit_target = target(Some(key_id.clone()), "");
    let redeemed = guarded_write(
        store,
        clock,
        actor,
        "product_key.redeem",
        audit_target,
        |tx| {
            require(tx, actor, Action::RedeemProductKeys)?;
            require_to_offer_delegated_admin(tx, actor, redemption.relationship.as_ref())?;
            // A key may set up the first subscription of a customer the partner
            // has never set up; anything else it does administers the tenant
            // and needs the customer gate (decision 0027).
            let sets_up = redemption.mode == RedeemMode::NewSubscription
                && subscriptions::never_set_up(tx, &customer_id)?;
            if !sets_up {
                require_for_customer(tx, actor, Action::ManageSubscriptions, &customer_id)?;
            }
            let who = actor.audit_ref();
            let before = load(tx, &key_id, true)?;
            if before.status != "available" {
                return Err(already_redeemed(&before));
            }
            let reason = format!("product key {}", mask(&before.key));
            let subscription = match redemption.mode {
                RedeemMode::NewSubscription => subscriptions::insert(
                    tx,
                    clock,
                    &who,
                    &SubscriptionInput {
                        customer_id: customer_id.clone(),
                        service_id: before.service_id.clone(),
                        quantity: before.quantity,
                        term: Some(before.term.clone()),
                        billing_plan: None,
                        starts_at: None,
                        auto_renew: redemption.auto_renew,
                        trial: false,
                    },
                    Source::ProductKey,
                )
                .or_else(|e| match e {
                    // The catalog's billing plan may not fit the key's term: pay up front.
                    Error::Validation { ref field, .. } if field == "billing_plan" => {
                        subscriptions::insert(
                            tx,
                            clock,
                            &who,
                            &SubscriptionInput {
                                customer_id: customer_id.clone(),
                                service_id: before.service_id.clone(),
                                quantity: before.quantity,
                                term: Some(before.term.clone()),
                                billing_plan: Some(upfront_plan(&before.term).into()),
                                starts_at: None,
                                auto_renew: redemption.auto_renew,
                                trial: false,
                            },
                            Source::ProductKey,
                        )
                    }
                    other => Err(other),
                })?,
                mode @ (RedeemMode::ExtendTerm | RedeemMode::AddLicences) => {
                    let customer = crate::customers::load(tx, &customer_id)?;
                    if customer.archived {
                        let name = &customer.company_name;
                        return Err(Error::invalid_state(text!(
                            "{name} is archived; restore the customer first",
                            "Klient {name} jest zarchiwizowany; najpierw go przywróć"
                        )));
                    }
                    let chosen = redemption
                        .subscription_id
                        .as_deref()
                        .map(|id| parse_id("subscription_id", id))
                        .transpose()?;
                    let title = &before.service_title;
                    let id = subscriptions::live_of_service(
                        tx,
                        &customer_id,
                        &before.service_id,
                        chosen.as_deref(),
                    )?
                    .ok_or_else(|| match chosen {
                        Some(_) => Error::validation(
                            "subscription_id",
                            text!(
                                "the chosen subscription is not this customer's live paid subscription of {title}",
                                "wybrana subskrypcja nie jest trwającą płatną subskrypcją usługi {title} tego klienta"
                            ),
                        ),
                        None => Error::invalid_state(text!(
                            "the customer has no live paid subscription of {title}; redeem the key as a new subscription",
                            "klient nie ma trwającej płatnej subskrypcji usługi {title}; zrealizuj klucz jako nową subskrypcję"
                        )),
                    })?;
                    if mode == RedeemMode::ExtendTerm {
                        subscriptions::extend_term_in(tx, clock, actor, &id, &before.term, &reason)?
                    } else {
                        subscriptions::add_licences_in(
                            tx,
                            clock,
                            actor,
                            &id,
                            before.quantity,
                            &reason,
                        )?
                    }
                }
            };
            let now_text = to_rfc3339(clock.now())?;
            let claimed = tx.execute(
            "UPDATE product_keys SET status = 'redeemed', customer_id = ?1, subscription_id = ?2,
                 redeem_mode = ?3, redeemed_at = ?4, redeemed_by = ?5
             WHERE id = ?6 AND status = 'available'",
            params![
                customer_id,
                subscription.id,
                redemption.mode.as_str(),
                now_text,
                who.name,
                key_id
            ],
        )?;
            if claimed != 1 {
                return Err(already_redeemed(&load(tx, &key_id, true)?));
            }
            let relationship = match &redemption.relationship {
                Some(offer) => Some(relationships::request_in(tx, clock, actor, offer)?),
                None => None,
            };
            let after = load(tx, &key_id, false)?;
            let masked_before = load_masked_before(&before);
            let event = Event {
                detail: format!(
                    "{} for {}",
                    redemption.mode.as_str(),
                    subscription.customer_name
                ),
                ..Event::done(
                    who,
                    "product_key.redeem",
                    target(Some(key_id.clone()), &before.key),
                )
            }
            .with_change(
                serde_json::to_value(&masked_before).ok(),
                serde_json::to_value(&after).ok(),
            );
            audit::append(tx, clock, &event)?;
            let full = sees_full(tx, actor)?;
            Ok(Redeemed {
                key: load(tx, &key_id, full)?,
                subscription,
                relationship,
            })
        },
    )?;
    let change = Change {
        entity: Entity::ProductKey,
        ids: vec![
            redeemed.key.id.clone(),
            redeemed.subscription.id.clone(),
            customer_id,
        ],
    };
    Ok((redeemed, change))
}

fn upfront_plan(term: &str) -> &'static str {
    match term {
        "P3Y" => "triennial",
        "P1Y" => "annual",
        _ => "monthly",
    }
}

fn load_masked_before(key: &ProductKey) -> ProductKey {
    ProductKey {
        key: mask(&key.key),
        masked: true,
        ..key.clone()
    }
}

fn already_redeemed(key: &ProductKey) -> Error {
    let masked = mask(&key.key);
    let day = key
        .redeemed_at
        .as_deref()
        .map(|at| at.get(..10).unwrap_or(at));
    let (on, on_pl) = match day {
        Some(day) => (format!(" on {day}"), format!(" {day}")),
        None => (String::new(), String::new()),
    };
    Error::conflict(
        "key_id",
        text!(
            "{masked} was already redeemed{on}; a key is redeemed once",
            "{masked} został już zrealizowany{on_pl}; klucz realizuje się tylko raz"
        ),
    )
}
