//! Workbook exports read back with `calamine` (cell types and values) and
//! unzipped (the frozen header and the filter, which calamine does not show);
//! and the customer list's CSV in both delimiters read back by the import.

use std::io::Read;
use std::sync::atomic::AtomicBool;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

use super::*;
use crate::customers::{self, Customer, CustomerInput, CustomerQuery};
use crate::imports::ImportMode;
use crate::subscriptions::{self, SubscriptionInput, SubscriptionQuery};
use crate::testing::{world, World};

/// The one worksheet of a workbook file, and the sheet's XML.
fn read_back(path: &str) -> (String, calamine::Range<Data>, String) {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip file, no byte-order mark");
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    (name, range, xml)
}

fn header(range: &calamine::Range<Data>) -> Vec<String> {
    range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// The cell under `column` in data row `row` (0 = the first after the header).
fn cell<'a>(range: &'a calamine::Range<Data>, row: usize, column: &str) -> &'a Data {
    let col = header(range).iter().position(|h| h == column).unwrap();
    range.get((row + 1, col)).unwrap_or(&Data::Empty)
}

fn assert_frozen_and_filtered(xml: &str, last_cell: &str) {
    assert!(
        xml.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{xml}"
    );
    assert!(
        xml.contains(&format!(r#"<autoFilter ref="A1:{last_cell}"/>"#)),
        "{xml}"
    );
    assert!(xml.contains("<cols>"), "column widths are set");
}

fn subscription(w: &World) -> (crate::catalog::Service, subscriptions::Subscription) {
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let service = w.service("Microsoft 365 Business Basic");
    let input = SubscriptionInput {
        customer_id: alfa,
        service_id: service.id.clone(),
        quantity: 10,
        term: None,
        billing_plan: None,
        starts_at: None,
        auto_renew: true,
        trial: false,
    };
    let (s, _) = subscriptions::add(&w.store, &w.clock, &w.admin, &input).unwrap();
    (service, s)
}

#[test]
fn a_subscription_workbook_has_dates_money_counts_and_flags_typed() {
    let w = world();
    let (service, s) = subscription(&w);
    let dir = tempfile::tempdir().unwrap();
    let query = SubscriptionQuery::default();
    let exported =
        subscriptions::export_as(&w.store, &w.clock, &w.admin, &query, ExportFormat::Xlsx)
            .and_then(|rendered| rendered.save(dir.path()))
            .unwrap();
    assert_eq!(exported.rows, 1);
    assert!(exported.path.ends_with(".xlsx"), "{}", exported.path);
    let (name, range, xml) = read_back(&exported.path);
    assert_eq!(name, "Subscriptions");
    assert_eq!(range.height(), 2, "the header and one subscription");

    // The same columns as the CSV, in the same order.
    let mut csv = Vec::new();
    subscriptions::export_list(
        &w.store,
        &w.clock,
        &w.admin,
        &query,
        Delimiter::Comma,
        &mut csv,
    )
    .unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(header(&range).join(","), csv.lines().next().unwrap());

    assert_eq!(cell(&range, 0, "customer"), &Data::String("Alfa".into()));
    assert_eq!(cell(&range, 0, "quantity"), &Data::Float(10.0));
    assert_eq!(cell(&range, 0, "trial"), &Data::Bool(false));
    assert_eq!(cell(&range, 0, "auto_renew"), &Data::Bool(true));
    let Data::DateTime(starts) = cell(&range, 0, "starts_at") else {
        panic!("starts_at is {:?}", cell(&range, 0, "starts_at"));
    };
    assert!(starts.is_datetime());
    let at =
        time::OffsetDateTime::parse(&s.starts_at, &time::format_description::well_known::Rfc3339)
            .unwrap();
    let expected = 25_569.0 + at.unix_timestamp() as f64 / 86_400.0;
    assert!(
        (starts.as_f64() - expected).abs() < 1e-6,
        "{} vs {expected}",
        starts.as_f64()
    );
    assert!(
        matches!(cell(&range, 0, "ends_at"), Data::DateTime(_)),
        "every time column is a date"
    );
    let price = service.unit_price_minor as f64 / 100.0;
    assert_eq!(
        cell(&range, 0, "monthly_price_per_licence"),
        &Data::Float(price)
    );
    assert_eq!(cell(&range, 0, "id"), &Data::String(s.id.clone()));
    // The amount's number format names its currency; times say UTC.
    let mut styles = String::new();
    zip::ZipArchive::new(std::io::Cursor::new(std::fs::read(&exported.path).unwrap()))
        .unwrap()
        .by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    let currency = &service.currency;
    assert!(
        styles.contains(&format!(
            r##"formatCode="#,##0.00 &quot;{currency}&quot;""##
        )),
        "{styles}"
    );
    assert!(
        styles.contains(r#"formatCode="yyyy-mm-dd hh:mm:ss &quot;UTC&quot;""#),
        "{styles}"
    );
    assert_frozen_and_filtered(&xml, "R2");
    assert_eq!(
        w.audit_actions()
            .iter()
            .filter(|(a, o, _)| a == "subscription.export" && o == "done")
            .count(),
        1,
        "audited like the CSV"
    );
}

#[test]
fn a_workbook_writes_formula_like_text_as_text() {
    let w = world();
    let input = CustomerInput {
        company_name: "=HYPERLINK(\"https://evil.example\";\"Contoso\")".into(),
        default_domain: "alfa".into(),
        city: "-Kraków".into(),
        notes: "@SUM(A1)".into(),
        ..Default::default()
    };
    customers::create(&w.store, &w.clock, &w.admin, &input).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let exported = customers::export_as(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerQuery::default(),
        ExportFormat::Xlsx,
    )
    .and_then(|rendered| rendered.save(dir.path()))
    .unwrap();
    let (name, range, xml) = read_back(&exported.path);
    assert_eq!(name, "Customers");
    assert_eq!(
        cell(&range, 0, "company_name"),
        &Data::String(input.company_name.clone()),
        "as typed, with no quote in front"
    );
    assert_eq!(cell(&range, 0, "city"), &Data::String("-Kraków".into()));
    assert_eq!(cell(&range, 0, "notes"), &Data::String("@SUM(A1)".into()));
    assert!(!xml.contains("<f>"), "no formula anywhere: {xml}");
    assert_eq!(
        header(&range)[..3],
        ["company_name", "default_domain", "other_domains"],
        "the import's columns"
    );
    assert_frozen_and_filtered(&xml, "P2");
}

#[test]
fn an_audit_workbook_ends_with_the_head_and_an_empty_list_still_has_its_header() {
    let w = world();
    let dir = tempfile::tempdir().unwrap();
    let exported = crate::audit::export_as(
        &w.store,
        &w.clock,
        &w.admin,
        &Default::default(),
        ExportFormat::Xlsx,
    )
    .and_then(|rendered| rendered.save(dir.path()))
    .unwrap();
    let (name, range, _) = read_back(&exported.path);
    assert_eq!(name, "Audit log");
    assert_eq!(
        range.height() as u64,
        exported.rows + 2,
        "header and head row"
    );
    let last = range.height() - 2;
    assert_eq!(
        cell(&range, last, "action"),
        &Data::String("audit.head".into())
    );
    assert!(matches!(cell(&range, 0, "seq"), Data::Float(_)));
    assert!(matches!(cell(&range, 0, "at"), Data::DateTime(_)));

    let empty = customers::export_as(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerQuery {
            search: Some("nobody by this name".into()),
            ..Default::default()
        },
        ExportFormat::Xlsx,
    )
    .and_then(|rendered| rendered.save(dir.path()))
    .unwrap();
    assert_eq!(empty.rows, 0);
    let (_, range, xml) = read_back(&empty.path);
    assert_eq!(range.height(), 1);
    assert_frozen_and_filtered(&xml, "P1");
}

#[test]
fn the_customer_list_imports_back_unchanged_with_commas_and_with_semicolons() {
    let w = world();
    let input = CustomerInput {
        company_name: "Zakład \"Alfa\", Łódź; oddział".into(),
        default_domain: "alfa".into(),
        other_domains: vec!["alfa.pl".into(), "alfa.com".into()],
        tenant_id: "0f3c2a51-8d6e-4b7a-9c1d-2e5f6a7b8c9d".into(),
        street: "ul. Piotrkowska 1".into(),
        city: "Łódź".into(),
        postal_code: "90-001".into(),
        country: "PL".into(),
        contact_name: "Zofia Żak".into(),
        contact_email: "zofia@alfa.pl".into(),
        contact_phone: "+48 42 123 45 67".into(),
        language: "pl".into(),
        notes: "=SUM(1;2)\nover two lines, with \"quotes\"".into(),
        tags: vec!["north".into(), "vip".into()],
    };
    customers::create(&w.store, &w.clock, &w.admin, &input).unwrap();
    let query = CustomerQuery::default();
    let only = |w: &World| -> Customer {
        let rows = customers::list(&w.store, &w.clock, &w.admin, &query)
            .unwrap()
            .rows;
        assert_eq!(rows.len(), 1);
        let c = customers::get(&w.store, &w.clock, &w.admin, &rows[0].id).unwrap();
        Customer {
            id: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
            ..c
        }
    };
    let original = only(&w);
    let dir = tempfile::tempdir().unwrap();
    for delimiter in [Delimiter::Comma, Delimiter::Semicolon] {
        let exported = customers::export_as(&w.store, &w.clock, &w.admin, &query, delimiter)
            .and_then(|rendered| rendered.save(dir.path()))
            .unwrap();
        let bytes = std::fs::read(&exported.path).unwrap();
        let other = world();
        let (report, _) = customers::apply_import(
            &other.store,
            &other.clock,
            &other.admin,
            // The file's own bytes, byte-order mark and all.
            &customers::CustomerImport {
                file: crate::imports::ImportFile::new(bytes.clone()),
                record_relationship: false,
            },
            ImportMode::AllOrNothing,
            &|_, _| {},
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(
            (report.imported, report.problems.len()),
            (1, 0),
            "{delimiter:?}: {:?}",
            report.problems
        );
        assert_eq!(only(&other), original, "{delimiter:?}");
    }
}
