//! The users export in the Microsoft 365 admin center's shape: exactly the
//! template's header, and a file that imports back into Partnerdesk unchanged.

use std::sync::atomic::AtomicBool;

use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A};
use crate::csv_file::Delimiter;
use crate::exports::ExportFormat;
use crate::imports::ImportMode;
use crate::testing::{world, World};

/// The admin center's "Add multiple users" header, exactly (docs/decisions/0033 §2).
const TEMPLATE: &str = "User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region";

fn users(w: &World, customer_id: &str) -> Vec<(String, String, String, String, String)> {
    list(
        &w.store,
        &w.clock,
        &w.admin,
        customer_id,
        &Default::default(),
    )
    .unwrap()
    .rows
    .into_iter()
    .map(|u| {
        (
            u.user_name,
            u.display_name,
            u.first_name,
            u.last_name,
            u.job_title,
        )
    })
    .collect()
}

fn seed(w: &World) -> String {
    let (customer_id, _) = w.active_customer("Żółć Sp. z o.o.", "zolc", &["zolc.pl"]);
    for (display, user_name, first, last, title) in [
        (
            "Anna Nowak",
            "anna.nowak@zolc.pl",
            "Anna",
            "Nowak",
            "Księgowa, główna",
        ),
        (
            "Łukasz Żak",
            "l.zak@zolc.onmicrosoft.com",
            "Łukasz",
            "Żak",
            "",
        ),
        ("=cmd|' /C calc'!A0", "formula@zolc.pl", "", "", "-1"),
        (
            "O'Brien \"Bob\"",
            "bob@zolc.pl",
            "Bob",
            "O'Brien",
            "IT; helpdesk",
        ),
    ] {
        let input = CustomerUserInput {
            display_name: display.into(),
            user_name: user_name.into(),
            first_name: first.into(),
            last_name: last.into(),
            job_title: title.into(),
            admin_role: String::new(),
        };
        create(&w.store, &w.clock, &w.admin, &customer_id, &input).unwrap();
    }
    customer_id
}

#[test]
fn the_users_export_is_the_admin_center_template_and_imports_back_unchanged() {
    let w = world();
    let customer_id = seed(&w);
    let dir = tempfile::tempdir().unwrap();
    let query = CustomerUserQuery::default();
    let exported = export_as(
        &w.store,
        &w.clock,
        &w.admin,
        &customer_id,
        &query,
        Delimiter::Comma,
    )
    .and_then(|rendered| rendered.save(dir.path()))
    .unwrap();
    assert_eq!(exported.rows, 4);
    assert!(
        exported.path.contains("partnerdesk-users-"),
        "{}",
        exported.path
    );
    let bytes = std::fs::read(&exported.path).unwrap();
    let text = crate::csv_file::decode(&bytes, None).unwrap().text;
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8, as the admin center asks"
    );
    assert_eq!(text.lines().next().unwrap().trim_end(), TEMPLATE);
    assert!(
        text.contains(
            "\r\nanna.nowak@zolc.pl,Anna,Nowak,Anna Nowak,\"Księgowa, główna\",,,,,,,,,,,\r\n"
        ),
        "{text}"
    );

    // Into another database, a customer with the same domains.
    let other = world();
    let (elsewhere, _) = other.active_customer("Żółć Sp. z o.o.", "zolc", &["zolc.pl"]);
    let (report, _) = apply_import(
        &other.store,
        &other.clock,
        &other.admin,
        &elsewhere,
        &text.as_str().into(),
        ImportMode::AllOrNothing,
        &|_, _| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(
        (report.imported, report.problems.len()),
        (4, 0),
        "{:?}",
        report.problems
    );
    assert_eq!(users(&other, &elsewhere), users(&w, &customer_id));
    assert_eq!(
        w.audit_actions()
            .iter()
            .filter(|(a, o, _)| a == "customer_user.export" && o == "done")
            .count(),
        1
    );
}

#[test]
fn the_users_export_follows_the_tabs_filters_and_needs_the_view_permission() {
    let w = world();
    let customer_id = seed(&w);
    let query = CustomerUserQuery {
        search: Some("zak".into()),
        ..Default::default()
    };
    let mut out = Vec::new();
    let rows = export_list(
        &w.store,
        &w.clock,
        &w.admin,
        &customer_id,
        &query,
        Delimiter::Semicolon,
        &mut out,
    )
    .unwrap();
    assert_eq!(rows, 1, "Łukasz Żak only");
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("User Name;First Name;"), "{text}");

    let nobody = w.staff("Nina", R::None, A::None);
    let dir = tempfile::tempdir().unwrap();
    let refused = export_as(
        &w.store,
        &w.clock,
        &nobody,
        &customer_id,
        &Default::default(),
        ExportFormat::Xlsx,
    )
    .and_then(|rendered| rendered.save(dir.path()))
    .unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no file");
    assert!(w
        .audit_actions()
        .iter()
        .any(|(a, o, _)| a == "customer_user.export" && o == "refused"));
}
