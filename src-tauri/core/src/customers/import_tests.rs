//! Partner Center's customer export: the relationship each row states,
//! counted in the preview and recorded when asked; a customer listed twice
//! read once; and the import refused by the same rule as adding a customer
//! by hand (decisions 0027, 0037).

use std::sync::atomic::AtomicBool;

use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A};
use crate::error::ErrorCode;
use crate::imports::{ImportDuplicate, StatedValue};
use crate::testing::{world, World};

const CONTOSO: &str = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

/// A dual partner's export: Contoso is listed twice (line 4 in capitals).
pub(crate) const EXPORT: &str = "Microsoft ID,Company name,Primary domain name,Relationship,Tags\r\n\
0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0,Contoso Sp. z o.o.,contoso.onmicrosoft.com,Cloud Reseller,\r\n\
9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d,Fabrikam,fabrikam.onmicrosoft.com,Cloud Reseller,vip\r\n\
0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0,Contoso Sp. z o.o.,contoso.onmicrosoft.com,Indirect reseller,\r\n";

fn apply(w: &World, actor: &Actor, record_relationship: bool) -> Result<ImportReport> {
    let never = AtomicBool::new(false);
    let import = CustomerImport {
        file: EXPORT.into(),
        record_relationship,
    };
    apply_import(
        &w.store,
        &w.clock,
        actor,
        &import,
        ImportMode::AllOrNothing,
        &|_, _| {},
        &never,
    )
    .map(|(report, _)| report)
}

fn stated(w: &World) -> Vec<(String, String)> {
    let page = list(&w.store, &w.clock, &w.admin, &CustomerQuery::default()).unwrap();
    let mut found: Vec<(String, String)> = page
        .rows
        .iter()
        .map(|row| {
            let customer = get(&w.store, &w.clock, &w.admin, &row.id).unwrap();
            (customer.company_name, customer.partner_relationship)
        })
        .collect();
    found.sort();
    found
}

#[test]
fn the_preview_counts_the_relationships_the_export_states_and_reads_a_repeated_microsoft_id_once() {
    let w = world();
    let preview = preview_import(&w.store, &w.clock, &w.admin, &EXPORT.into()).unwrap();
    assert_eq!(
        (preview.rows, preview.valid),
        (3, 2),
        "{:?}",
        preview.problems
    );
    assert!(preview.problems.is_empty(), "a repeat is no problem");
    assert_eq!(
        preview.duplicates,
        [ImportDuplicate {
            line: 4,
            first_line: 2,
            field: "tenant_id".into(),
            value: CONTOSO.into(),
        }]
    );
    let counted = |value: &str, rows| StatedValue {
        value: value.into(),
        rows,
    };
    assert_eq!(
        preview.relationships,
        [
            counted("Cloud Reseller", 2),
            counted("Indirect reseller", 1)
        ]
    );
    let reading = preview.file.unwrap();
    assert!(reading.unknown.is_empty(), "{:?}", reading.unknown);
    assert!(reading
        .columns
        .iter()
        .any(|c| (c.header.as_str(), c.field.as_str()) == ("Relationship", "relationship")));
}

#[test]
fn the_stated_relationship_is_recorded_as_written_only_when_asked() {
    let w = world();
    let report = apply(&w, &w.admin, true).unwrap();
    assert_eq!((report.imported, report.duplicates.len()), (2, 1));
    assert_eq!(
        stated(&w),
        [
            (
                "Contoso Sp. z o.o.".into(),
                "Cloud Reseller; Indirect reseller".into()
            ),
            ("Fabrikam".into(), "Cloud Reseller".into()),
        ]
    );
    let other = world();
    apply(&other, &other.admin, false).unwrap();
    assert_eq!(
        stated(&other),
        [
            ("Contoso Sp. z o.o.".into(), String::new()),
            ("Fabrikam".into(), String::new()),
        ]
    );
    // Editing the customer by hand keeps what the export stated.
    let contoso = list(&w.store, &w.clock, &w.admin, &CustomerQuery::default())
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.company_name.starts_with("Contoso"))
        .unwrap();
    let edited = CustomerInput {
        company_name: "Contoso Polska".into(),
        default_domain: "contoso".into(),
        tenant_id: CONTOSO.into(),
        ..Default::default()
    };
    let (updated, _) = update(&w.store, &w.clock, &w.admin, &contoso.id, &edited).unwrap();
    assert_eq!(
        updated.partner_relationship,
        "Cloud Reseller; Indirect reseller"
    );
}

#[test]
fn our_export_carries_the_stated_relationship_and_imports_back_with_it() {
    let w = world();
    apply(&w, &w.admin, true).unwrap();
    for delimiter in [
        crate::csv_file::Delimiter::Comma,
        crate::csv_file::Delimiter::Semicolon,
    ] {
        let mut exported = Vec::new();
        let query = CustomerQuery::default();
        export_list(
            &w.store,
            &w.clock,
            &w.admin,
            &query,
            delimiter,
            &mut exported,
        )
        .unwrap();
        let other = world();
        let import = CustomerImport {
            file: crate::imports::ImportFile::new(exported),
            record_relationship: true,
        };
        let never = AtomicBool::new(false);
        let (report, _) = apply_import(
            &other.store,
            &other.clock,
            &other.admin,
            &import,
            ImportMode::AllOrNothing,
            &|_, _| {},
            &never,
        )
        .unwrap();
        assert_eq!(
            (report.imported, report.problems.len()),
            (2, 0),
            "{delimiter:?}"
        );
        let read = report.file.unwrap().columns;
        assert!(
            read.iter()
                .any(|c| c.header == "partner_relationship" && c.field == "relationship"),
            "{read:?}"
        );
        assert_eq!(stated(&other), stated(&w), "{delimiter:?}");
    }
}

#[test]
fn a_stated_relationship_too_long_is_that_rows_problem() {
    let w = world();
    let long = "R".repeat(limits::STATED_RELATIONSHIP + 1);
    let file = format!("Company name,Primary domain name,Relationship\nAlfa,alfa,{long}\nBeta,beta,Cloud Reseller\n");
    let preview = preview_import(&w.store, &w.clock, &w.admin, &file.as_str().into()).unwrap();
    assert_eq!(preview.valid, 1);
    assert_eq!(
        (preview.problems[0].line, preview.problems[0].field.as_str()),
        (2, "relationship")
    );
}

#[test]
fn the_import_is_refused_by_the_same_rule_as_adding_a_customer_by_hand() {
    let w = world();
    let limited = w.staff("Lena", R::None, A::Limited);
    let by_hand = create(
        &w.store,
        &w.clock,
        &limited,
        &CustomerInput {
            company_name: "Contoso".into(),
            default_domain: "contoso".into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    let previewed = preview_import(&w.store, &w.clock, &limited, &EXPORT.into()).unwrap_err();
    let imported = apply(&w, &limited, true).unwrap_err();
    for refused in [&previewed, &imported] {
        assert_eq!(refused.code(), ErrorCode::Forbidden);
        assert_eq!(refused.text(), by_hand.text(), "one rule, one reason");
    }
    assert!(stated(&w).is_empty(), "nothing was written");
    let refusals: Vec<_> = w
        .audit_actions()
        .into_iter()
        .filter(|(action, outcome, who)| {
            action == "customer.import" && outcome != "done" && who == "Lena"
        })
        .collect();
    assert_eq!(refusals.len(), 2, "both refusals are in the audit log");

    // Without the partner's delegated-admin authorization nobody imports.
    let mut profile = crate::testing::company();
    profile.authorized_delegated_admin = false;
    crate::company::update(&w.store, &w.clock, &w.admin, &profile).unwrap();
    let gate = apply(&w, &w.admin, true).unwrap_err();
    assert_eq!(gate.code(), ErrorCode::Forbidden);
    assert!(
        gate.to_string()
            .contains("not authorized for delegated administration"),
        "{gate}"
    );
}
