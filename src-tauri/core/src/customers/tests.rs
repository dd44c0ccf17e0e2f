use std::sync::atomic::AtomicBool;

use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A};
use crate::error::ErrorCode;
use crate::testing::world;

fn input(name: &str, domain: &str) -> CustomerInput {
    CustomerInput {
        company_name: name.into(),
        default_domain: domain.into(),
        ..Default::default()
    }
}

fn names(page: &CustomerPage) -> Vec<&str> {
    page.rows.iter().map(|r| r.company_name.as_str()).collect()
}

#[test]
fn a_customer_is_validated_normalised_and_audited() {
    let w = world();
    let full = CustomerInput {
        other_domains: vec!["Zolc.PL".into(), "zolc.pl".into(), " ".into()],
        tenant_id: "0B7C6F1E-2D3A-4F5B-8C9D-0E1F2A3B4C5D".into(),
        country: "pl".into(),
        postal_code: "31-000".into(),
        contact_email: "jan@zolc.pl".into(),
        contact_phone: "+48 12 345 67 89".into(),
        language: "en".into(),
        notes: "First line\nsecond line".into(),
        tags: vec!["VIP".into(), "vip".into(), "Kraków".into()],
        ..input("Żółć Sp. z o.o.", "Zolc")
    };
    let (customer, change) = create(&w.store, &w.clock, &w.admin, &full).unwrap();
    assert_eq!(customer.default_domain, "zolc.onmicrosoft.com");
    assert_eq!(customer.other_domains, vec!["zolc.pl"]);
    assert_eq!(
        customer.tenant_id.as_deref(),
        Some("0b7c6f1e-2d3a-4f5b-8c9d-0e1f2a3b4c5d")
    );
    assert_eq!(customer.country, "PL");
    assert_eq!(
        customer.tags,
        vec!["Kraków", "VIP"],
        "sorted, duplicates ignoring case dropped"
    );
    assert_eq!(customer.relationship_state, "none");
    assert_eq!(change.ids, vec![customer.id.clone()]);
    assert!(w.audit_actions().contains(&(
        "customer.create".into(),
        "done".into(),
        "Anna Admin".into()
    )));
}

#[test]
fn each_bad_field_is_named_and_nothing_is_written() {
    let w = world();
    let cases: Vec<(&str, CustomerInput)> = vec![
        ("company_name", input(" ", "contoso")),
        ("default_domain", input("C", "con-toso")),
        ("default_domain", input("C", "contoso.com")),
        ("default_domain", input("C", &"a".repeat(28))),
        (
            "other_domains",
            CustomerInput {
                other_domains: vec!["not a domain".into()],
                ..input("C", "c1")
            },
        ),
        (
            "tenant_id",
            CustomerInput {
                tenant_id: "tenant".into(),
                ..input("C", "c1")
            },
        ),
        (
            "country",
            CustomerInput {
                country: "XX".into(),
                ..input("C", "c1")
            },
        ),
        (
            "postal_code",
            CustomerInput {
                country: "PL".into(),
                postal_code: "31000".into(),
                ..input("C", "c1")
            },
        ),
        (
            "contact_email",
            CustomerInput {
                contact_email: "jan@".into(),
                ..input("C", "c1")
            },
        ),
        (
            "contact_phone",
            CustomerInput {
                contact_phone: "12345".into(),
                ..input("C", "c1")
            },
        ),
        (
            "language",
            CustomerInput {
                language: "de".into(),
                ..input("C", "c1")
            },
        ),
        (
            "tags",
            CustomerInput {
                tags: vec!["a,b".into()],
                ..input("C", "c1")
            },
        ),
        (
            "notes",
            CustomerInput {
                notes: "x".repeat(4001),
                ..input("C", "c1")
            },
        ),
    ];
    for (field, bad) in cases {
        let error = create(&w.store, &w.clock, &w.admin, &bad).unwrap_err();
        assert_eq!(error.field(), Some(field), "{error}");
    }
    assert_eq!(
        list(&w.store, &w.clock, &w.admin, &CustomerQuery::default())
            .unwrap()
            .total
            .unwrap(),
        0
    );
}

#[test]
fn domains_and_tenant_ids_are_unique() {
    let w = world();
    let tenant = "0b7c6f1e-2d3a-4f5b-8c9d-0e1f2a3b4c5d";
    let (first, _) = create(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerInput {
            tenant_id: tenant.into(),
            ..input("Contoso", "contoso")
        },
    )
    .unwrap();
    let same_domain = create(
        &w.store,
        &w.clock,
        &w.admin,
        &input("Other", "CONTOSO.onmicrosoft.com"),
    )
    .unwrap_err();
    assert_eq!(
        (same_domain.code(), same_domain.field()),
        (ErrorCode::Conflict, Some("default_domain"))
    );
    let same_tenant = create(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerInput {
            tenant_id: tenant.to_uppercase(),
            ..input("Other", "other")
        },
    )
    .unwrap_err();
    assert_eq!(same_tenant.field(), Some("tenant_id"));
    update(
        &w.store,
        &w.clock,
        &w.admin,
        &first.id,
        &CustomerInput {
            tenant_id: tenant.into(),
            ..input("Contoso Ltd", "contoso")
        },
    )
    .expect("a customer keeps its own values");
}

#[test]
fn search_ignores_case_and_polish_diacritics_and_finds_any_field() {
    let w = world();
    create(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerInput {
            contact_email: "biuro@zolc.pl".into(),
            ..input("Żółć Sp. z o.o.", "zolcsp")
        },
    )
    .unwrap();
    create(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerInput {
            tenant_id: "11111111-2222-3333-4444-555555555555".into(),
            ..input("Łódź Logistics", "lodzlog")
        },
    )
    .unwrap();
    create(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerInput {
            other_domains: vec!["fabrikam.pl".into()],
            ..input("Fabrikam", "fabrikam")
        },
    )
    .unwrap();
    let search = |text: &str| {
        let page = list(
            &w.store,
            &w.clock,
            &w.admin,
            &CustomerQuery {
                search: Some(text.into()),
                ..Default::default()
            },
        )
        .unwrap();
        names(&page)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(search("zolc"), vec!["Żółć Sp. z o.o."]);
    assert_eq!(search("ŻÓŁĆ"), vec!["Żółć Sp. z o.o."]);
    assert_eq!(search("lodz"), vec!["Łódź Logistics"]);
    assert_eq!(search("biuro@"), vec!["Żółć Sp. z o.o."]);
    assert_eq!(search("3333-4444"), vec!["Łódź Logistics"]);
    assert_eq!(search("abrikam.p"), vec!["Fabrikam"]);
    assert_eq!(
        search("ÓD"),
        vec!["Łódź Logistics"],
        "short fragments scan the folded text"
    );
    assert!(search("nothing like it").is_empty());
    assert!(
        search("\"quoted\" ' %_").is_empty(),
        "search text is data, never syntax"
    );
}

#[test]
fn pages_walk_every_customer_once_in_both_sort_orders() {
    let w = world();
    for i in 0..25 {
        // Equal names on purpose: the id breaks the tie.
        let name = if i % 5 == 0 {
            "Same Name".to_owned()
        } else {
            format!("Firma {i:02}")
        };
        create(
            &w.store,
            &w.clock,
            &w.admin,
            &input(&name, &format!("firma{i}")),
        )
        .unwrap();
        w.clock.advance(time::Duration::seconds(1));
    }
    for sort in [CustomerSort::Name, CustomerSort::Added] {
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = list(
                &w.store,
                &w.clock,
                &w.admin,
                &CustomerQuery {
                    sort,
                    cursor: cursor.clone(),
                    limit: Some(7),
                    ..Default::default()
                },
            )
            .unwrap();
            match &cursor {
                None => assert_eq!(page.total, Some(25), "the first page counts"),
                Some(_) => assert_eq!(page.total, None, "later pages keep the first page's total"),
            }
            seen.extend(
                page.rows
                    .iter()
                    .map(|r| (r.company_name.clone(), r.created_at.clone())),
            );
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), 25, "{sort:?}");
        let mut sorted = seen.clone();
        match sort {
            CustomerSort::Name => sorted.sort_by_key(|a| crate::fold::fold(&a.0)),
            CustomerSort::Added => sorted.sort_by(|a, b| b.1.cmp(&a.1)),
        }
        assert_eq!(
            seen.iter().map(|s| &s.0).collect::<Vec<_>>(),
            sorted.iter().map(|s| &s.0).collect::<Vec<_>>()
        );
    }
}

#[test]
fn archived_customers_are_hidden_filtered_and_restorable() {
    let w = world();
    let (kept, _) = create(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerInput {
            tags: vec!["vip".into()],
            ..input("Kept", "kept")
        },
    )
    .unwrap();
    let (gone, _) = create(&w.store, &w.clock, &w.admin, &input("Gone", "gone")).unwrap();
    set_archived(&w.store, &w.clock, &w.admin, &gone.id, true).unwrap();
    assert_eq!(
        names(&list(&w.store, &w.clock, &w.admin, &CustomerQuery::default()).unwrap()),
        vec!["Kept"]
    );
    assert_eq!(
        names(
            &list(
                &w.store,
                &w.clock,
                &w.admin,
                &CustomerQuery {
                    archived: true,
                    ..Default::default()
                }
            )
            .unwrap()
        ),
        vec!["Gone"]
    );
    assert_eq!(
        set_archived(&w.store, &w.clock, &w.admin, &gone.id, true)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidState
    );
    set_archived(&w.store, &w.clock, &w.admin, &gone.id, false).unwrap();
    assert_eq!(
        list(&w.store, &w.clock, &w.admin, &CustomerQuery::default())
            .unwrap()
            .total
            .unwrap(),
        2
    );
    let vip = list(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerQuery {
            tag: Some("vip".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        vip.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        vec![kept.id.as_str()]
    );
    let none = list(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerQuery {
            relationship_state: Some("none".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(none.total, Some(2));
    let bad = list(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerQuery {
            relationship_state: Some("happy".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(bad.field(), Some("relationship_state"));
}

#[test]
fn customer_access_and_the_partner_authorization_gate_every_customer_action() {
    let w = world();
    let limited = w.staff("Lena", R::None, A::Limited);
    let nobody = w.staff("Nina", R::GlobalAdmin, A::None);
    create(&w.store, &w.clock, &w.admin, &input("Contoso", "contoso")).unwrap();
    assert_eq!(
        list(&w.store, &w.clock, &limited, &CustomerQuery::default())
            .unwrap()
            .total
            .unwrap(),
        1
    );
    let refused = create(&w.store, &w.clock, &limited, &input("X", "x")).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert!(refused.to_string().contains("full access to customers"));
    assert_eq!(
        list(&w.store, &w.clock, &nobody, &CustomerQuery::default())
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );

    let mut profile = crate::testing::company();
    profile.authorized_delegated_admin = false;
    crate::company::update(&w.store, &w.clock, &w.admin, &profile).unwrap();
    let gate = list(&w.store, &w.clock, &w.admin, &CustomerQuery::default()).unwrap_err();
    assert!(
        gate.to_string()
            .contains("not authorized for delegated administration"),
        "{gate}"
    );
}

const CSV: &str = "\u{feff}Company_Name,default_domain,tags,unknown column,contact_email\n\
Alfa,alfa,a;b,ignored,biuro@alfa.pl\n\
Beta,beta.onmicrosoft.com,,x,\n\
Bad Domain,be ta,,x,\n\
Gamma,alfa,,x,\n\
,delta,,x,\n\
Epsilon,epsilon,,x,not-an-email\n";

#[test]
fn an_import_preview_reports_every_bad_row_by_line_and_writes_nothing() {
    let w = world();
    let report = preview_import(&w.store, &w.clock, &w.admin, &CSV.into()).unwrap();
    assert_eq!((report.rows, report.valid, report.imported), (6, 2, 0));
    let problems: Vec<(u32, &str)> = report
        .problems
        .iter()
        .map(|p| (p.line, p.field.as_str()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (4, "default_domain"),
            (5, "default_domain"),
            (6, "company_name"),
            (7, "contact_email")
        ]
    );
    assert!(report.problems[1].message.contains("earlier in this file"));
    // Each problem is said in Polish too, next to the English it came with.
    let repeated = &report.problems[1];
    assert_eq!(repeated.text.en, repeated.message);
    assert_eq!(
        repeated.text.pl,
        "alfa.onmicrosoft.com występuje już wcześniej w tym pliku"
    );
    assert!(report.problems[3]
        .text
        .pl
        .contains("nie jest adresem e-mail"));
    assert_eq!(
        list(&w.store, &w.clock, &w.admin, &CustomerQuery::default())
            .unwrap()
            .total
            .unwrap(),
        0
    );
}

#[test]
fn import_modes_keep_the_valid_rows_or_none() {
    let w = world();
    let never = AtomicBool::new(false);
    let (report, change) = apply_import(
        &w.store,
        &w.clock,
        &w.admin,
        &CSV.into(),
        ImportMode::AllOrNothing,
        &|_, _| {},
        &never,
    )
    .unwrap();
    assert_eq!(report.imported, 0);
    assert!(change.is_none());
    assert_eq!(
        list(&w.store, &w.clock, &w.admin, &CustomerQuery::default())
            .unwrap()
            .total
            .unwrap(),
        0
    );

    let seen = std::sync::Mutex::new(Vec::new());
    let (report, change) = apply_import(
        &w.store,
        &w.clock,
        &w.admin,
        &CSV.into(),
        ImportMode::ValidRows,
        &|done, total| seen.lock().unwrap().push((done, total)),
        &never,
    )
    .unwrap();
    assert_eq!(report.imported, 2);
    assert_eq!(change.unwrap().ids.len(), 2);
    assert_eq!(seen.lock().unwrap().last(), Some(&(2, 2)));
    let page = list(&w.store, &w.clock, &w.admin, &CustomerQuery::default()).unwrap();
    assert_eq!(names(&page), vec!["Alfa", "Beta"]);
    assert_eq!(page.rows[0].tags, vec!["a", "b"]);
}

#[test]
fn a_cancelled_import_leaves_nothing_behind() {
    let w = world();
    let cancel = AtomicBool::new(true);
    let error = apply_import(
        &w.store,
        &w.clock,
        &w.admin,
        &CSV.into(),
        ImportMode::ValidRows,
        &|_, _| {},
        &cancel,
    )
    .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidState);
    assert_eq!(
        list(&w.store, &w.clock, &w.admin, &CustomerQuery::default())
            .unwrap()
            .total
            .unwrap(),
        0
    );
    assert!(
        preview_import(&w.store, &w.clock, &w.admin, &"name,domain\nx,y\n".into())
            .unwrap_err()
            .to_string()
            .contains("company_name")
    );
}

#[test]
fn an_export_imports_back_unchanged() {
    let w = world();
    create(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerInput {
            other_domains: vec!["alfa.pl".into(), "alfa.com".into()],
            tags: vec!["x".into(), "y".into()],
            notes: "a \"quoted\", note".into(),
            ..input("Alfa, \"the first\"", "alfa")
        },
    )
    .unwrap();
    let mut out = Vec::new();
    assert_eq!(
        export_list(
            &w.store,
            &w.clock,
            &w.admin,
            &CustomerQuery::default(),
            crate::csv_file::Delimiter::Comma,
            &mut out
        )
        .unwrap(),
        1
    );
    let exported = String::from_utf8(out).unwrap();
    let other = world();
    let (report, _) = apply_import(
        &other.store,
        &other.clock,
        &other.admin,
        &exported.as_str().into(),
        ImportMode::AllOrNothing,
        &|_, _| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(report.imported, 1, "{:?}", report.problems);
    let id = list(
        &other.store,
        &other.clock,
        &other.admin,
        &CustomerQuery::default(),
    )
    .unwrap()
    .rows[0]
        .id
        .clone();
    let back = get(&other.store, &other.clock, &other.admin, &id).unwrap();
    assert_eq!(back.company_name, "Alfa, \"the first\"");
    assert_eq!(back.other_domains, vec!["alfa.pl", "alfa.com"]);
    assert_eq!(back.tags, vec!["x", "y"]);
    assert_eq!(back.notes, "a \"quoted\", note");
}

#[test]
fn the_activity_tab_holds_the_customer_and_its_relationships() {
    let w = world();
    let (c, _) = create(&w.store, &w.clock, &w.admin, &input("Contoso", "contoso")).unwrap();
    let (other, _) = create(&w.store, &w.clock, &w.admin, &input("Other", "other")).unwrap();
    update(
        &w.store,
        &w.clock,
        &w.admin,
        &c.id,
        &input("Contoso Ltd", "contoso"),
    )
    .unwrap();
    let offer = crate::relationships::RelationshipOffer {
        customer_id: c.id.clone(),
        display_name: "Support".into(),
        roles: vec![crate::testing::PASSWORD_ADMINISTRATOR.into()],
        duration_days: 30,
        auto_extend: false,
        request_approval: true,
    };
    crate::relationships::offer(&w.store, &w.clock, &w.admin, &offer).unwrap();
    let page = activity(&w.store, &w.clock, &w.admin, &c.id, None).unwrap();
    let actions: Vec<&str> = page
        .entries
        .iter()
        .map(|e| e.entry.action.as_str())
        .collect();
    assert_eq!(
        actions,
        vec!["relationship.offer", "customer.update", "customer.create"]
    );
    assert_eq!(
        activity(&w.store, &w.clock, &w.admin, &other.id, None)
            .unwrap()
            .entries
            .len(),
        1
    );

    let dir = tempfile::tempdir().unwrap();
    let exported = export_as(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerQuery::default(),
        crate::csv_file::Delimiter::Comma,
    )
    .and_then(|rendered| rendered.save(dir.path()))
    .unwrap();
    assert_eq!(exported.rows, 2);
    assert!(std::fs::read_to_string(&exported.path)
        .unwrap()
        .starts_with("\u{feff}company_name,default_domain"));
}

#[test]
fn the_activity_tab_holds_what_was_done_to_everything_of_the_customer() {
    let w = world();
    let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
    let (beta, _) = w.active_customer("Beta", "beta", &[]);
    let service = crate::catalog::list(&w.store, &w.clock, &w.admin).unwrap()[0]
        .id
        .clone();
    for customer in [&alfa, &beta] {
        let subscription = crate::subscriptions::SubscriptionInput {
            customer_id: customer.clone(),
            service_id: service.clone(),
            quantity: 5,
            term: Some("P1M".into()),
            billing_plan: Some("monthly".into()),
            starts_at: None,
            auto_renew: true,
            trial: false,
        };
        crate::subscriptions::add(&w.store, &w.clock, &w.admin, &subscription).unwrap();
        let domain = if customer == &alfa { "alfa" } else { "beta" };
        let user = crate::customer_users::CustomerUserInput {
            display_name: "Ewa".into(),
            user_name: format!("ewa@{domain}.onmicrosoft.com"),
            ..Default::default()
        };
        crate::customer_users::create(&w.store, &w.clock, &w.admin, customer, &user).unwrap();
        let request = crate::service_requests::ServiceRequestInput {
            title: "Mail is down".into(),
            description: "Since the morning.".into(),
            category: "email_and_calendar".into(),
            severity: "moderate".into(),
            contact_name: "Jan".into(),
            contact_email: "jan@example.com".into(),
            contact_phone: String::new(),
        };
        crate::service_requests::create(&w.store, &w.clock, &w.admin, customer, &request).unwrap();
    }
    let page = activity(&w.store, &w.clock, &w.admin, &alfa, None).unwrap();
    let actions: Vec<&str> = page
        .entries
        .iter()
        .map(|e| e.entry.action.as_str())
        .collect();
    for expected in [
        "service_request.create",
        "customer_user.create",
        "subscription.add",
        "relationship.accept",
        "customer.create",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let of_beta = activity(&w.store, &w.clock, &w.admin, &beta, None).unwrap();
    assert!(of_beta
        .entries
        .iter()
        .any(|e| e.entry.action == "customer_user.create"));
    assert!(
        of_beta
            .entries
            .iter()
            .all(|b| page.entries.iter().all(|a| a.entry.seq != b.entry.seq)),
        "nothing of another customer's"
    );
    let newest_first: Vec<i64> = page.entries.iter().map(|e| e.entry.seq).collect();
    assert!(newest_first.windows(2).all(|p| p[0] > p[1]));
}

#[test]
fn counts_from_the_search_and_tag_indexes_leave_archived_customers_out() {
    let w = world();
    let mut ids = Vec::new();
    for (name, domain) in [
        ("Alfa Zeta", "alfa1"),
        ("Alfa Beta", "alfa2"),
        ("Alfa Gamma", "alfa3"),
        ("Other", "other"),
    ] {
        let input = CustomerInput {
            tags: vec!["vip".into()],
            ..input(name, domain)
        };
        ids.push(create(&w.store, &w.clock, &w.admin, &input).unwrap().0.id);
    }
    set_archived(&w.store, &w.clock, &w.admin, &ids[2], true).unwrap();
    let count = |q: CustomerQuery| {
        let page = list(&w.store, &w.clock, &w.admin, &q).unwrap();
        (
            page.total,
            names(&page)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        )
    };
    let search = |archived| CustomerQuery {
        search: Some("alfa".into()),
        archived,
        ..Default::default()
    };
    assert_eq!(
        count(search(false)),
        (
            Some(2),
            vec!["Alfa Beta".to_owned(), "Alfa Zeta".to_owned()]
        ),
        "few matches still sort by name"
    );
    assert_eq!(
        count(search(true)),
        (Some(1), vec!["Alfa Gamma".to_owned()])
    );
    let tag = |archived| CustomerQuery {
        tag: Some("vip".into()),
        archived,
        ..Default::default()
    };
    assert_eq!(count(tag(false)).0, Some(3));
    assert_eq!(count(tag(true)).0, Some(1));
    let both = CustomerQuery {
        tag: Some("vip".into()),
        search: Some("alfa".into()),
        ..Default::default()
    };
    assert_eq!(
        count(both).0,
        Some(2),
        "combined filters use the general count"
    );
    set_archived(&w.store, &w.clock, &w.admin, &ids[2], false).unwrap();
    assert_eq!(
        count(search(false)).0,
        Some(3),
        "a restored customer is back in the search index"
    );
    assert_eq!(count(search(true)).0, Some(0));
}

#[test]
fn a_semicolon_export_for_excel_imports_back_unchanged() {
    let w = world();
    let input = CustomerInput {
        other_domains: vec!["lodz.example.pl".into(), "alfa.com".into()],
        tags: vec!["vip".into(), "północ".into()],
        city: "Łódź".into(),
        notes: "=not a formula; a \"quoted\", note\nover two lines".into(),
        ..input("Zakład Alfa; \"pierwszy\"", "alfa")
    };
    create(&w.store, &w.clock, &w.admin, &input).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let query = CustomerQuery::default();
    let semicolon = crate::csv_file::Delimiter::Semicolon;
    let exported = export_as(&w.store, &w.clock, &w.admin, &query, semicolon)
        .and_then(|rendered| rendered.save(dir.path()))
        .unwrap();
    let bytes = std::fs::read(&exported.path).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBFcompany_name;default_domain;"),
        "BOM, then semicolons"
    );
    assert!(bytes.windows(2).any(|w| w == b"\r\n"), "CRLF line ends");
    let text = crate::csv_file::decode(&bytes, None).unwrap().text;
    let other = world();
    let (report, _) = apply_import(
        &other.store,
        &other.clock,
        &other.admin,
        &text.as_str().into(),
        ImportMode::AllOrNothing,
        &|_, _| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(
        (report.imported, report.problems.len()),
        (1, 0),
        "{:?}",
        report.problems
    );
    let strip = |c: Customer| Customer {
        id: String::new(),
        created_at: String::new(),
        updated_at: String::new(),
        ..c
    };
    let original = list(&w.store, &w.clock, &w.admin, &query).unwrap().rows;
    let imported = list(&other.store, &other.clock, &other.admin, &query)
        .unwrap()
        .rows;
    assert_eq!(imported.len(), 1);
    let (original, imported) = (
        get(&w.store, &w.clock, &w.admin, &original[0].id).unwrap(),
        get(&other.store, &other.clock, &other.admin, &imported[0].id).unwrap(),
    );
    assert_eq!(strip(imported), strip(original));
}

#[test]
fn partner_centers_customer_export_and_polish_headers_import() {
    let w = world();
    // Partner Center → Customers → Export (docs/decisions/0033).
    let partner_center = "Microsoft ID,Company name,Primary domain name,Relationship,Tags\r\n\
0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0,Contoso Sp. z o.o.,contoso.onmicrosoft.com,Cloud Reseller,\r\n";
    let report = preview_import(&w.store, &w.clock, &w.admin, &partner_center.into()).unwrap();
    assert_eq!((report.rows, report.valid), (1, 1), "{:?}", report.problems);
    let (report, _) = apply_import(
        &w.store,
        &w.clock,
        &w.admin,
        &partner_center.into(),
        ImportMode::AllOrNothing,
        &|_, _| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(report.imported, 1);
    let rows = list(&w.store, &w.clock, &w.admin, &CustomerQuery::default())
        .unwrap()
        .rows;
    let contoso = get(&w.store, &w.clock, &w.admin, &rows[0].id).unwrap();
    assert_eq!(
        contoso.tenant_id.as_deref(),
        Some("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
    );
    assert_eq!(contoso.default_domain, "contoso.onmicrosoft.com");

    let polish =
        "Nazwa firmy;Domena;Miasto;Kod pocztowy;Kraj\r\nZakład Łódź;lodz;Łódź;90-001;PL\r\n";
    let report = preview_import(&w.store, &w.clock, &w.admin, &polish.into()).unwrap();
    assert_eq!((report.rows, report.valid), (1, 1), "{:?}", report.problems);
}
