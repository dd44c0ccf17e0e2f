use super::*;
use crate::access::{CompanyRole, CustomerAccess};
use crate::error::ErrorCode;
use crate::testing::{company, world};

fn complete_profile() -> CompanyProfile {
    CompanyProfile {
        street: "ul. Marszałkowska 1".into(),
        city: "Warszawa".into(),
        postal_code: "00-950".into(),
        phone: "+48 22 123 45 67".into(),
        email: "biuro@contoso.pl".into(),
        website: "contoso.pl".into(),
        partner_id: "1234567".into(),
        partner_tenant_id: "0B7C6F1E-2D3A-4F5B-8C9D-0E1F2A3B4C5D".into(),
        ..company()
    }
}

#[test]
fn a_complete_profile_is_normalised_and_clean() {
    let valid = validate_profile(&complete_profile()).unwrap();
    assert_eq!(valid.website, "https://contoso.pl/");
    assert_eq!(
        valid.partner_tenant_id,
        "0b7c6f1e-2d3a-4f5b-8c9d-0e1f2a3b4c5d"
    );
    assert_eq!(valid.phone, "+48 22 123 45 67");
    assert!(completeness(&valid).is_empty());
}

#[test]
fn each_malformed_field_is_named() {
    let cases: Vec<(&str, CompanyProfile)> = vec![
        (
            "legal_name",
            CompanyProfile {
                legal_name: " ".into(),
                ..complete_profile()
            },
        ),
        (
            "country",
            CompanyProfile {
                country: "XX".into(),
                ..complete_profile()
            },
        ),
        (
            "postal_code",
            CompanyProfile {
                postal_code: "00950".into(),
                ..complete_profile()
            },
        ),
        (
            "phone",
            CompanyProfile {
                phone: "22 123 45 67".into(),
                ..complete_profile()
            },
        ),
        (
            "phone",
            CompanyProfile {
                phone: "+48 1".into(),
                ..complete_profile()
            },
        ),
        (
            "email",
            CompanyProfile {
                email: "biuro@".into(),
                ..complete_profile()
            },
        ),
        (
            "website",
            CompanyProfile {
                website: "ftp://contoso.pl".into(),
                ..complete_profile()
            },
        ),
        (
            "partner_id",
            CompanyProfile {
                partner_id: "MPN-12".into(),
                ..complete_profile()
            },
        ),
        (
            "partner_tenant_id",
            CompanyProfile {
                partner_tenant_id: "tenant".into(),
                ..complete_profile()
            },
        ),
        (
            "default_currency",
            CompanyProfile {
                default_currency: "ZZZ".into(),
                ..complete_profile()
            },
        ),
        (
            "default_language",
            CompanyProfile {
                default_language: "de".into(),
                ..complete_profile()
            },
        ),
    ];
    for (field, profile) in cases {
        let error = validate_profile(&profile).unwrap_err();
        assert_eq!(error.field(), Some(field), "{error}");
    }
}

#[test]
fn completeness_lists_what_is_missing_before_the_first_customer_contact() {
    let missing: Vec<String> = completeness(&company())
        .into_iter()
        .map(|i| i.field)
        .collect();
    assert_eq!(
        missing,
        [
            "street",
            "city",
            "postal_code",
            "phone",
            "email",
            "partner_id",
            "partner_tenant_id"
        ]
    );
    let not_delegated = CompanyProfile {
        authorized_delegated_admin: false,
        ..company()
    };
    assert!(!completeness(&not_delegated)
        .iter()
        .any(|i| i.field == "partner_tenant_id"));
    let stored_badly = CompanyProfile {
        phone: "123".into(),
        ..complete_profile()
    };
    let issues = completeness(&stored_badly);
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].problem, IssueKind::Malformed);
}

#[test]
fn only_global_admins_edit_and_each_edit_is_audited_with_before_and_after() {
    let w = world();
    let billing = w.staff("Bea", CompanyRole::BillingAdmin, CustomerAccess::None);
    let view = get(&w.store, &w.clock, &billing).expect("everyone reads");
    assert_eq!(view.issues.len(), 7);
    let refused = update(&w.store, &w.clock, &billing, &complete_profile()).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert_eq!(
        get(&w.store, &w.clock, &billing).unwrap().profile.city,
        "",
        "nothing written"
    );

    let (saved, _) = update(&w.store, &w.clock, &w.admin, &complete_profile()).unwrap();
    assert!(saved.issues.is_empty());
    let (before, after): (String, String) = w
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT before_json, after_json FROM audit_log WHERE action = 'company.update' AND outcome = 'done'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert!(before.contains(r#""city":"""#));
    assert!(after.contains("Warszawa"));
    let actions = w.audit_actions();
    assert!(actions.contains(&("company.update".into(), "refused".into(), "Bea".into())));
}

#[test]
fn a_rejected_edit_keeps_the_stored_profile() {
    let w = world();
    update(&w.store, &w.clock, &w.admin, &complete_profile()).unwrap();
    let bad = CompanyProfile {
        phone: "not a phone".into(),
        city: "Kraków".into(),
        ..complete_profile()
    };
    assert_eq!(
        update(&w.store, &w.clock, &w.admin, &bad)
            .unwrap_err()
            .field(),
        Some("phone")
    );
    assert_eq!(
        get(&w.store, &w.clock, &w.admin).unwrap().profile.city,
        "Warszawa"
    );
}
