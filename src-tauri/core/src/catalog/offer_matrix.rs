//! Importing Microsoft's new-commerce offer matrix (CSV): per product and SKU
//! the licences one purchase needs and one customer tenant may hold, the
//! upgrade paths and add-on prerequisites, the provisioning id and the
//! markets. Read through the one CSV reader, with the shared preview → mode →
//! apply flow (docs/decisions/0016, 0034 §1, 0040).

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;

use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use crate::access::{guarded_read, read_target, require, Action};
use crate::audit::Target;
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::csv_file::Column;
use crate::error::{Error, Result};
use crate::imports::{
    self, CsvRow, ImportFile, ImportJob, ImportMode, ImportReport, Parsed, ParsedRows,
};
use crate::limits;
use crate::store::Store;
use crate::validate;

/// One SKU's row of the matrix, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OfferMatrixRow {
    pub product_id: String,
    pub sku_id: String,
    pub product_title: String,
    pub sku_title: String,
    pub provisioning_id: String,
    pub provisioning_string: String,
    /// Fewest licences one purchase may have.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_licenses: Option<u32>,
    /// Most licences one customer tenant may hold of the SKU, all its
    /// subscriptions together.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_licenses: Option<u32>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset_ownership_limit: Option<u32>,
    /// "ConcurrentCount" or a lifetime count, as Microsoft writes it.
    pub asset_ownership_limit_type: String,
    /// "PRODUCT/SKU" of each SKU the add-on supports.
    pub prerequisites: Vec<String>,
    /// "PRODUCT/SKU" of each SKU it converts (upgrades) to.
    pub conversions: Vec<String>,
    /// ISO 3166 alpha-2 codes.
    pub allowed_countries: Vec<String>,
    pub description: String,
    pub sample: bool,
}

/// The columns the import reads, by Microsoft's header names (0034 §1); the
/// readable spellings and the catalog API's names are aliases.
pub const MATRIX_COLUMNS: [Column; 14] = [
    Column::required("ProductId", &["Product ID", "Identyfikator produktu"]),
    Column::required("SkuId", &["SKU ID", "Identyfikator SKU"]),
    Column::optional("ProductTitle", &["Product title", "Product name"]),
    Column::optional("SkuTitle", &["SKU title", "SKU name"]),
    Column::optional("ProvisioningId", &["Provisioning ID"]),
    Column::optional("ProvisioningString", &[]),
    Column::optional(
        "MinLicenses",
        &["Min licenses", "Minimum licenses", "MinimumQuantity"],
    ),
    Column::optional(
        "MaxLicenses",
        &[
            "Max licenses",
            "Maximum licenses",
            "MaximumQuantity",
            "Max Seat Count",
        ],
    ),
    Column::optional("AssetOwnershipLimit", &["Offer limit"]),
    Column::optional("AssetOwnershipLimitType", &["Offer limit scope"]),
    Column::optional(
        "ProductSkuPreRequisites",
        &[
            "ProductSkuPrerequisites",
            "Prerequisites",
            "PrerequisiteSkus",
        ],
    ),
    Column::optional(
        "ProductSkuConversion",
        &[
            "ProductSkuConversions",
            "Conversions",
            "UpgradeTargetOffers",
        ],
    ),
    Column::optional("Description", &["Opis"]),
    Column::optional("AllowedCountries", &["Allowed countries", "Markets"]),
];

/// A SKU id as the price list writes it: Excel saves `0001` as `1`, so a
/// numeric id shorter than four digits gets its zeros back. Letters stay.
pub fn normalise_sku(sku: &str) -> String {
    let sku = sku.trim().to_uppercase();
    if !sku.is_empty() && sku.len() < 4 && sku.bytes().all(|b| b.is_ascii_digit()) {
        return format!("{sku:0>4}");
    }
    sku
}

fn id_cell(row: &CsvRow<'_>, column: &'static str) -> Result<String> {
    let value = row.get(column);
    if value.is_empty() {
        return Err(Error::validation(
            column,
            text!("{column} is empty", "kolumna {column} jest pusta"),
        ));
    }
    validate::check_length(column, &value, limits::PRICE_LIST_ID)?;
    if !value.chars().all(|c| c.is_ascii_alphanumeric()) {
        let shown = validate::shown(&value);
        return Err(Error::validation(
            column,
            text!(
                "{column} '{shown}' is not an id (letters and digits only)",
                "{column} „{shown}” nie jest identyfikatorem (tylko litery i cyfry)"
            ),
        ));
    }
    Ok(value.to_uppercase())
}

/// An optional whole number (a count of licences); empty is `None`.
fn count_cell(row: &CsvRow<'_>, column: &'static str) -> Result<Option<u32>> {
    let value = row.get(column);
    if value.is_empty() {
        return Ok(None);
    }
    let shown = validate::shown(&value);
    let parsed = value
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| value.parse::<u32>().ok())
        .flatten()
        .filter(|n| *n <= limits::MATRIX_LICENSES);
    match parsed {
        Some(n) => Ok(Some(n)),
        None => {
            let max = limits::MATRIX_LICENSES;
            Err(Error::validation(
                column,
                text!(
                    "{column} '{shown}' is not a whole number of licences from 0 to {max}",
                    "{column} „{shown}” nie jest liczbą całkowitą licencji od 0 do {max}"
                ),
            ))
        }
    }
}

fn text_cell(row: &CsvRow<'_>, column: &'static str, max: usize) -> Result<String> {
    let value = row.get(column);
    validate::check_length(column, &value, max)?;
    Ok(value)
}

/// The items of a list cell: Microsoft separates them with `, ` in one column
/// and `;` in another (0034 §1), so commas, semicolons and white space all
/// separate.
fn items(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// "CFQ7TTC0LDPB/0001, CFQ7TTC0LF8Q/0001" (or with `:` as the catalog API
/// writes it) into (product, SKU) pairs.
fn sku_list(row: &CsvRow<'_>, column: &'static str) -> Result<Vec<(String, String)>> {
    let value = row.get(column);
    let mut out: Vec<(String, String)> = Vec::new();
    for item in items(&value) {
        let pair = item.split_once(['/', ':']).and_then(|(product, sku)| {
            // The catalog API's "PRODUCT:SKU:AVAILABILITY" keeps its first two parts.
            let sku = sku.split([':', '/']).next().unwrap_or(sku);
            let valid = |id: &str| {
                !id.is_empty()
                    && id.len() <= limits::PRICE_LIST_ID
                    && id.chars().all(|c| c.is_ascii_alphanumeric())
            };
            (valid(product) && valid(sku)).then(|| (product.to_uppercase(), normalise_sku(sku)))
        });
        match pair {
            Some(pair) if !out.contains(&pair) => out.push(pair),
            Some(_) => {}
            None => {
                let shown = validate::shown(item);
                return Err(Error::validation(
                    column,
                    text!(
                        "{column}: '{shown}' is not PRODUCT/SKU (e.g. CFQ7TTC0LDPB/0001)",
                        "{column}: „{shown}” nie ma postaci PRODUKT/SKU (np. CFQ7TTC0LDPB/0001)"
                    ),
                ));
            }
        }
    }
    if out.len() > limits::MATRIX_LINKS {
        let max = limits::MATRIX_LINKS;
        return Err(Error::validation(
            column,
            text!(
                "{column} lists more than {max} SKUs",
                "kolumna {column} wymienia więcej niż {max} SKU"
            ),
        ));
    }
    Ok(out)
}

fn countries(row: &CsvRow<'_>) -> Result<Vec<String>> {
    let value = row.get("AllowedCountries");
    let mut out: Vec<String> = Vec::new();
    for item in items(&value) {
        if item.len() != 2 || !item.bytes().all(|b| b.is_ascii_alphabetic()) {
            let shown = validate::shown(item);
            return Err(Error::validation(
                "AllowedCountries",
                text!(
                    "AllowedCountries: '{shown}' is not a two-letter country code",
                    "AllowedCountries: „{shown}” nie jest dwuliterowym kodem kraju"
                ),
            ));
        }
        let code = item.to_uppercase();
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

fn row(row: &CsvRow<'_>) -> Result<OfferMatrixRow> {
    let product_id = id_cell(row, "ProductId")?;
    let sku_id = normalise_sku(&id_cell(row, "SkuId")?);
    let min_licenses = count_cell(row, "MinLicenses")?;
    let max_licenses = count_cell(row, "MaxLicenses")?;
    if let (Some(min), Some(max)) = (min_licenses, max_licenses) {
        if min > max {
            return Err(Error::validation(
                "MinLicenses",
                text!(
                    "MinLicenses {min} is more than MaxLicenses {max}",
                    "MinLicenses {min} przekracza MaxLicenses {max}"
                ),
            ));
        }
    }
    if max_licenses == Some(0) {
        return Err(Error::validation(
            "MaxLicenses",
            text!(
                "MaxLicenses '0' would allow no licence at all",
                "MaxLicenses „0” nie pozwala na żadną licencję"
            ),
        ));
    }
    let to_strings = |pairs: Vec<(String, String)>| {
        pairs
            .into_iter()
            .map(|(p, s)| format!("{p}/{s}"))
            .collect::<Vec<_>>()
    };
    Ok(OfferMatrixRow {
        product_title: text_cell(row, "ProductTitle", limits::SERVICE_TITLE)?,
        sku_title: text_cell(row, "SkuTitle", limits::SERVICE_TITLE)?,
        provisioning_id: text_cell(row, "ProvisioningId", limits::PRICE_LIST_ID)?,
        provisioning_string: text_cell(row, "ProvisioningString", limits::SERVICE_TITLE)?,
        min_licenses,
        max_licenses,
        asset_ownership_limit: count_cell(row, "AssetOwnershipLimit")?,
        asset_ownership_limit_type: text_cell(row, "AssetOwnershipLimitType", limits::MARKET * 2)?,
        prerequisites: to_strings(sku_list(row, "ProductSkuPreRequisites")?),
        conversions: to_strings(sku_list(row, "ProductSkuConversion")?),
        allowed_countries: countries(row)?,
        description: text_cell(row, "Description", limits::MATRIX_DESCRIPTION)?,
        product_id,
        sku_id,
        sample: false,
    })
}

fn parse(file: &ImportFile) -> Result<Parsed<OfferMatrixRow>> {
    imports::parse(file, &MATRIX_COLUMNS, row)
}

/// Each product/SKU once per file; the database's rows are updated in place.
fn check_all(parsed: ParsedRows<OfferMatrixRow>) -> Result<(Vec<OfferMatrixRow>, ImportReport)> {
    let mut seen = HashSet::new();
    imports::check(parsed, |r| {
        let key = format!("{}/{}", r.product_id, r.sku_id);
        Ok(if seen.insert(key.clone()) {
            None
        } else {
            imports::repeated("SkuId", &key)
        })
    })
}

/// Writes one row (replacing the SKU's earlier row and its links).
pub(crate) fn upsert(tx: &Connection, r: &OfferMatrixRow, now: &str) -> Result<String> {
    tx.prepare_cached("DELETE FROM offer_matrix WHERE product_id = ?1 AND sku_id = ?2")?
        .execute(params![r.product_id, r.sku_id])?;
    tx.prepare_cached(
        "INSERT INTO offer_matrix (product_id, sku_id, product_title, sku_title, provisioning_id,
             provisioning_string, min_licenses, max_licenses, asset_ownership_limit,
             asset_ownership_limit_type, allowed_countries, description, sample, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        r.product_id,
        r.sku_id,
        r.product_title,
        r.sku_title,
        r.provisioning_id,
        r.provisioning_string,
        r.min_licenses,
        r.max_licenses,
        r.asset_ownership_limit,
        r.asset_ownership_limit_type,
        r.allowed_countries.join(";"),
        r.description,
        r.sample,
        now
    ])?;
    let mut link = tx.prepare_cached(
        "INSERT INTO offer_matrix_links (product_id, sku_id, kind, position, to_product_id, to_sku_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (kind, list) in [
        ("conversion", &r.conversions),
        ("prerequisite", &r.prerequisites),
    ] {
        for (position, item) in list.iter().enumerate() {
            let (product, sku) = item.split_once('/').unwrap_or((item, ""));
            link.execute(params![
                r.product_id,
                r.sku_id,
                kind,
                position as u32,
                product,
                sku
            ])?;
        }
    }
    Ok(format!("{}/{}", r.product_id, r.sku_id))
}

fn import_target() -> Target {
    Target {
        kind: "catalog",
        id: None,
        label: "offer matrix import".into(),
    }
}

/// What an import of the offer matrix would do, without writing anything.
pub fn preview_offer_matrix(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    file: &ImportFile,
) -> Result<ImportReport> {
    let Parsed { rows, reading } = parse(file)?;
    guarded_read(
        store,
        clock,
        actor,
        "catalog.offer_matrix_import",
        import_target(),
        |conn| {
            require(conn, actor, Action::EditCatalog)?;
            let (_, report) = check_all(rows)?;
            Ok(ImportReport {
                file: Some(reading),
                ..report
            })
        },
    )
}

/// Imports the offer matrix in one transaction; `progress(done, total)`
/// follows the writing and setting `cancel` rolls it all back.
pub fn import_offer_matrix(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    file: &ImportFile,
    mode: ImportMode,
    progress: &dyn Fn(u32, u32),
    cancel: &AtomicBool,
) -> Result<(ImportReport, Option<Change>)> {
    let Parsed { rows, reading } = parse(file)?;
    let now = to_rfc3339(clock.now())?;
    let job = ImportJob {
        audit_action: "catalog.offer_matrix_import",
        target: import_target(),
        change: Change::of(Entity::Catalog),
        noun: text!("offer-matrix row", "wiersza macierzy ofert"),
    };
    let (report, change) = imports::apply(
        store,
        clock,
        actor,
        job,
        mode,
        progress,
        cancel,
        |conn| {
            require(conn, actor, Action::EditCatalog)?;
            check_all(rows)
        },
        |tx, r| upsert(tx, r, &now),
    )?;
    let report = ImportReport {
        file: Some(reading),
        ..report
    };
    Ok((report, change))
}

fn links(conn: &Connection, product: &str, sku: &str, kind: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT to_product_id || '/' || to_sku_id FROM offer_matrix_links
             WHERE product_id = ?1 AND sku_id = ?2 AND kind = ?3 ORDER BY position",
        )?
        .query_map(params![product, sku, kind], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The matrix row of one product and SKU, if the matrix has one.
pub(crate) fn find(conn: &Connection, product: &str, sku: &str) -> Result<Option<OfferMatrixRow>> {
    use rusqlite::OptionalExtension;
    let sku = normalise_sku(sku);
    let found = conn
        .prepare_cached(
            "SELECT product_id, sku_id, product_title, sku_title, provisioning_id,
                 provisioning_string, min_licenses, max_licenses, asset_ownership_limit,
                 asset_ownership_limit_type, allowed_countries, description, sample
             FROM offer_matrix WHERE product_id = ?1 AND sku_id = ?2",
        )?
        .query_row(params![product, sku], |r| {
            let countries: String = r.get(10)?;
            Ok(OfferMatrixRow {
                product_id: r.get(0)?,
                sku_id: r.get(1)?,
                product_title: r.get(2)?,
                sku_title: r.get(3)?,
                provisioning_id: r.get(4)?,
                provisioning_string: r.get(5)?,
                min_licenses: r.get(6)?,
                max_licenses: r.get(7)?,
                asset_ownership_limit: r.get(8)?,
                asset_ownership_limit_type: r.get(9)?,
                prerequisites: Vec::new(),
                conversions: Vec::new(),
                allowed_countries: items(&countries).map(str::to_owned).collect(),
                description: r.get(11)?,
                sample: r.get(12)?,
            })
        })
        .optional()?;
    let Some(mut row) = found else {
        return Ok(None);
    };
    row.conversions = links(conn, &row.product_id, &row.sku_id, "conversion")?;
    row.prerequisites = links(conn, &row.product_id, &row.sku_id, "prerequisite")?;
    Ok(Some(row))
}

/// Every row of the matrix, by product and SKU.
pub fn list_offer_matrix(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
) -> Result<Vec<OfferMatrixRow>> {
    let target = read_target("catalog", None, "offer matrix");
    guarded_read(store, clock, actor, "catalog.view", target, |conn| {
        require(conn, actor, Action::ViewCatalog)?;
        let keys = conn
            .prepare_cached(
                "SELECT product_id, sku_id FROM offer_matrix ORDER BY product_id, sku_id",
            )?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut rows = Vec::with_capacity(keys.len());
        for (product, sku) in keys {
            rows.extend(find(conn, &product, &sku)?);
        }
        Ok(rows)
    })
}
