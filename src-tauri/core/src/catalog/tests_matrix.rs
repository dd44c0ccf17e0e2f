//! The offer-matrix import: Microsoft's columns as Microsoft writes them, the
//! list separators of each column, Polish Excel's semicolons, bad rows by
//! line, field and the value as written; and the sample catalog's ids.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::AtomicBool;

use super::offer_matrix::normalise_sku;
use super::*;
use crate::imports::{ImportMode, ImportReport};
use crate::testing::{world, World};

/// The header and first row of the Partner API's "Get an offer matrix"
/// example response (0040), quotes, trailing space and all.
pub(super) const MICROSOFT_HEADER: &str = "\"ProductTitle\",\"ProductId\",\"SkuId\",\"SkuTitle\",\"ProvisioningId\",\"ProvisioningString\",\"MinLicenses\",\"MaxLicenses\",\"AssetOwnershipLimit\",\"AssetOwnershipLimitType\",\"ProductSkuPreRequisites\",\"ProductSkuConversion\",\"Description\",\"AllowedCountries\" ";
const MICROSOFT_ROW: &str = "\"Microsoft 365 Business Basic\",\"CFQ7TTC0LH18\",\"0001\",\"Microsoft 365 Business Basic\",\"3b555118-da6a-4418-894f-7df1e2096870\",\"O365_BUSINESS_ESSENTIALS\",\"1\",\"300\",\"2\",\"ConcurrentCount\",\"\",\"CFQ7TTC0LDPB/0001,CFQ7TTC0LF8Q/0001\",\"Best for businesses that need professional...\",\"AD;AE;AF;AG;AI;AL;AM;AO\"";

pub(super) fn import(w: &World, csv: &str, mode: ImportMode) -> ImportReport {
    import_offer_matrix(
        &w.store,
        &w.clock,
        &w.admin,
        &csv.into(),
        mode,
        &|_, _| {},
        &AtomicBool::new(false),
    )
    .expect("import")
    .0
}

fn row_of(w: &World, product: &str, sku: &str) -> Option<OfferMatrixRow> {
    list_offer_matrix(&w.store, &w.clock, &w.admin)
        .unwrap()
        .into_iter()
        .find(|r| r.product_id == product && r.sku_id == sku)
}

#[test]
fn microsofts_own_file_imports_with_every_column() {
    let w = world();
    let csv = format!(
        "{MICROSOFT_HEADER}\r\n{MICROSOFT_ROW}\r\n\
\"An upgrade target\",\"CFQ7TTC0LF8Q\",\"1\",\"An upgrade target\",\"\",\"\",\"1\",\"\",\"\",\"\",\"CFQ7TTC0LH18/0001; CFQ7TTC0LDPB:0001:CFQ7TTC0LGNT\",\"\",\"\",\"PL\"\r\n"
    );
    let preview = preview_offer_matrix(&w.store, &w.clock, &w.admin, &csv.as_str().into()).unwrap();
    assert_eq!((preview.rows, preview.valid, preview.imported), (2, 2, 0));
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    let report = import(&w, &csv, ImportMode::AllOrNothing);
    assert_eq!((report.rows, report.imported), (2, 2));
    let basic = row_of(&w, "CFQ7TTC0LH18", "0001").expect("Business Basic");
    assert_eq!(
        basic,
        OfferMatrixRow {
            product_id: "CFQ7TTC0LH18".into(),
            sku_id: "0001".into(),
            product_title: "Microsoft 365 Business Basic".into(),
            sku_title: "Microsoft 365 Business Basic".into(),
            provisioning_id: "3b555118-da6a-4418-894f-7df1e2096870".into(),
            provisioning_string: "O365_BUSINESS_ESSENTIALS".into(),
            min_licenses: Some(1),
            max_licenses: Some(300),
            asset_ownership_limit: Some(2),
            asset_ownership_limit_type: "ConcurrentCount".into(),
            prerequisites: vec![],
            conversions: vec!["CFQ7TTC0LDPB/0001".into(), "CFQ7TTC0LF8Q/0001".into()],
            allowed_countries: ["AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO"]
                .map(String::from)
                .to_vec(),
            description: "Best for businesses that need professional...".into(),
            sample: false,
        }
    );
    // Excel's "1" is the price list's "0001"; the catalog API's
    // PRODUCT:SKU:AVAILABILITY and a `;` separator read as PRODUCT/SKU.
    let target = row_of(&w, "CFQ7TTC0LF8Q", "0001").expect("SkuId 1 stored as 0001");
    assert_eq!(target.max_licenses, None);
    assert_eq!(
        target.prerequisites,
        vec![
            "CFQ7TTC0LH18/0001".to_owned(),
            "CFQ7TTC0LDPB/0001".to_owned()
        ]
    );
    assert_eq!(target.allowed_countries, vec!["PL".to_owned()]);
}

#[test]
fn a_polish_excel_file_with_semicolons_and_readable_headers_imports() {
    let w = world();
    let csv = "sep=;\r\nProduct ID;SKU ID;Min licenses;Max licenses;ProductSkuConversion;Allowed countries\r\n\
CFQ7TTC0LFLX;1;5;50;\"CFQ7TTC0LFLZ/0002, CFQ7TTC0LFLZ/0002\";\"PL;DE; cz\"\r\n";
    let report = import(&w, csv, ImportMode::AllOrNothing);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let e3 = row_of(&w, "CFQ7TTC0LFLX", "0001").expect("E3");
    assert_eq!((e3.min_licenses, e3.max_licenses), (Some(5), Some(50)));
    assert_eq!(e3.conversions, vec!["CFQ7TTC0LFLZ/0002".to_owned()], "once");
    assert_eq!(e3.allowed_countries, ["PL", "DE", "CZ"].map(String::from));
}

#[test]
fn bad_rows_name_their_line_field_and_the_value_as_written() {
    let w = world();
    let csv = "ProductId,SkuId,MinLicenses,MaxLicenses,ProductSkuConversion,AllowedCountries\n\
CFQ7TTC0LFLX,0001,1,20,,PL\n\
CFQ7TTC0LFLZ,0002,1,trzysta,,PL\n\
CFQ7TTC0LH16,0001,50,10,,PL\n\
CFQ7TTC0LH16,0002,1,10,CFQ7TTC0LDPB,PL\n\
CFQ7TTC0LH16,0003,1,10,,POL\n\
CFQ7TTC0LFLX,1,1,30,,PL\n\
,0001,1,30,,PL\n\
CFQ7TTC0LH16,0004,-1,10,,PL\n";
    let preview = preview_offer_matrix(&w.store, &w.clock, &w.admin, &csv.into()).unwrap();
    let found: Vec<(u32, &str, &str)> = preview
        .problems
        .iter()
        .map(|p| (p.line, p.field.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                3,
                "MaxLicenses",
                "MaxLicenses 'trzysta' is not a whole number of licences from 0 to 100000000"
            ),
            (
                4,
                "MinLicenses",
                "MinLicenses 50 is more than MaxLicenses 10"
            ),
            (
                5,
                "ProductSkuConversion",
                "ProductSkuConversion: 'CFQ7TTC0LDPB' is not PRODUCT/SKU (e.g. CFQ7TTC0LDPB/0001)"
            ),
            (
                6,
                "AllowedCountries",
                "AllowedCountries: 'POL' is not a two-letter country code"
            ),
            (7, "SkuId", "CFQ7TTC0LFLX/0001 appears earlier in this file"),
            (8, "ProductId", "ProductId is empty"),
            (
                9,
                "MinLicenses",
                "MinLicenses '-1' is not a whole number of licences from 0 to 100000000"
            ),
        ]
    );
    assert_eq!(
        preview.problems[0].text.pl,
        "MaxLicenses „trzysta” nie jest liczbą całkowitą licencji od 0 do 100000000"
    );
    assert_eq!((preview.rows, preview.valid), (8, 1));

    let nothing = import(&w, csv, ImportMode::AllOrNothing);
    assert_eq!(nothing.imported, 0);
    assert!(
        row_of(&w, "CFQ7TTC0LFLX", "0001").is_none(),
        "nothing written"
    );
    let valid = import(&w, csv, ImportMode::ValidRows);
    assert_eq!((valid.imported, valid.problems.len()), (1, 7));
    assert_eq!(
        row_of(&w, "CFQ7TTC0LFLX", "0001").unwrap().max_licenses,
        Some(20)
    );
}

#[test]
fn a_file_without_product_or_sku_columns_is_refused_naming_them() {
    let w = world();
    let error = preview_offer_matrix(
        &w.store,
        &w.clock,
        &w.admin,
        &"ProductTitle,MaxLicenses\nX,3\n".into(),
    )
    .unwrap_err();
    assert!(error.to_string().contains("ProductId"), "{error}");
}

#[test]
fn importing_again_replaces_a_skus_row_and_its_paths() {
    let w = world();
    let basic = row_of(&w, "CFQ7TTC0LH18", "0001").expect("shipped sample row");
    assert!(basic.sample);
    assert_eq!(basic.conversions.len(), 2);
    import(
        &w,
        "ProductId,SkuId,MaxLicenses,ProductSkuConversion\nCFQ7TTC0LH18,0001,250,CFQ7TTC0LCHC/0002\n",
        ImportMode::AllOrNothing,
    );
    let after = row_of(&w, "CFQ7TTC0LH18", "0001").unwrap();
    assert_eq!(after.max_licenses, Some(250));
    assert_eq!(after.conversions, vec!["CFQ7TTC0LCHC/0002".to_owned()]);
    assert!(!after.sample, "imported, not the sample any more");
}

#[test]
fn sku_ids_get_back_the_zeros_excel_dropped_and_keep_letters() {
    assert_eq!(normalise_sku("1"), "0001");
    assert_eq!(normalise_sku("0002"), "0002");
    assert_eq!(normalise_sku("00P"), "00P");
    assert_eq!(normalise_sku(" 001g "), "001G");
}

#[test]
fn the_sample_catalog_has_one_name_per_product_and_sku_id() {
    let w = world();
    let mut names: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for s in list(&w.store, &w.clock, &w.admin).unwrap() {
        names
            .entry((s.product_id.clone(), s.sku_id.clone()))
            .or_default()
            .insert(s.title.clone());
    }
    for ((product, sku), titles) in &names {
        assert_eq!(titles.len(), 1, "{product}/{sku} carries {titles:?}");
    }
    let ids = |title: &str| {
        names
            .iter()
            .find(|(_, t)| t.iter().any(|t| t.starts_with(title)))
            .map(|((p, s), _)| format!("{p}/{s}"))
            .unwrap()
    };
    assert_eq!(ids("Microsoft 365 Business Basic"), "CFQ7TTC0LH18/0001");
    assert_eq!(ids("Microsoft 365 Business Standard"), "CFQ7TTC0LDPB/0001");
    assert_eq!(ids("Microsoft 365 Business Premium"), "CFQ7TTC0LCHC/0002");
    assert_eq!(ids("Microsoft 365 E5"), "CFQ7TTC0LFLZ/0002");
    // Each Business plan of the sample has its matrix row, and is in the family.
    for (product, sku, ..) in SAMPLES.iter().filter(|s| s.2.contains("Business")) {
        assert!(seats::BUSINESS_FAMILY.contains(product), "{product}");
        assert_eq!(row_of(&w, product, sku).unwrap().max_licenses, Some(300));
    }
}

#[test]
fn the_migration_gives_an_existing_sample_catalog_its_real_ids() {
    use crate::store::{migrations, Store};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    // The schema before 0014, with the sample catalog the old seed wrote.
    migrations().to_version(&mut conn, 12).unwrap();
    for (product, sku, title) in [
        (
            "CFQ7TTC0LCHC",
            "0002",
            "Microsoft 365 Business Standard (sample price)",
        ),
        (
            "CFQ7TTC0LCHC",
            "0001",
            "Microsoft 365 Business Premium (sample price)",
        ),
        ("CFQ7TTC0LFK5", "0002", "Microsoft 365 E5 (sample price)"),
        ("CFQ7TTC0LCHC", "0003", "A price the partner imported"),
    ] {
        conn.execute(
            "INSERT INTO catalog_services (id, product_id, sku_id, title, term, billing_plan,
                 unit_price_minor, currency, market, sample, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'P1Y', 'monthly', 100, 'PLN', 'PL', ?5, '2026-01-01T00:00:00.000Z')",
            rusqlite::params![crate::ids::new_id(), product, sku, title, !title.starts_with('A')],
        )
        .unwrap();
    }
    drop(conn);
    let clock = crate::clock::ManualClock::at(time::macros::datetime!(2026-11-25 09:00:00 UTC));
    let store =
        Store::open_with(&path, &migrations(), crate::store::latest_version(), &clock).unwrap();
    let rows: Vec<(String, String, String)> = store
        .read(|c| {
            Ok(
                c.prepare("SELECT product_id, sku_id, title FROM catalog_services ORDER BY title")?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<_>>()?,
            )
        })
        .unwrap();
    let ids: Vec<String> = rows.iter().map(|(p, s, _)| format!("{p}/{s}")).collect();
    assert_eq!(
        ids,
        [
            "CFQ7TTC0LCHC/0003",
            "CFQ7TTC0LCHC/0002",
            "CFQ7TTC0LDPB/0001",
            "CFQ7TTC0LFLZ/0002"
        ]
    );
}
