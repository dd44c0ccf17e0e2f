use std::collections::HashSet;
use std::sync::atomic::AtomicBool;

use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A, DenialReason};
use crate::auth::password::temporary;
use crate::customers::CustomerInput;
use crate::error::ErrorCode;
use crate::imports::ImportMode;
use crate::relationships;
use crate::testing::{world, World};

fn zolc(w: &World) -> String {
    w.active_customer("Żółć Sp. z o.o.", "zolc", &["zolc.pl"]).0
}

fn input(name: &str, user_name: &str) -> CustomerUserInput {
    CustomerUserInput {
        display_name: name.into(),
        user_name: user_name.into(),
        ..Default::default()
    }
}

fn add(w: &World, customer_id: &str, name: &str, user_name: &str, role: &str) -> CustomerUser {
    let input = CustomerUserInput {
        admin_role: role.into(),
        ..input(name, user_name)
    };
    create(&w.store, &w.clock, &w.admin, customer_id, &input)
        .unwrap()
        .0
}

fn all(w: &World, customer_id: &str, query: CustomerUserQuery) -> CustomerUserPage {
    list(&w.store, &w.clock, &w.admin, customer_id, &query).unwrap()
}

fn names(page: &CustomerUserPage) -> Vec<&str> {
    page.rows.iter().map(|u| u.display_name.as_str()).collect()
}

fn reason(error: &Error) -> Option<&'static str> {
    match error {
        Error::Forbidden { reason, .. } => Some(reason),
        _ => None,
    }
}

fn count_audit(w: &World, action: &str, outcome: &str) -> usize {
    w.audit_actions()
        .iter()
        .filter(|(a, o, _)| a == action && o == outcome)
        .count()
}

#[test]
fn a_user_is_validated_normalised_and_audited() {
    let w = world();
    let customer_id = zolc(&w);
    let (user, change) = create(
        &w.store,
        &w.clock,
        &w.admin,
        &customer_id,
        &CustomerUserInput {
            display_name: "  Anna Nowak ".into(),
            user_name: " Anna.Nowak@ZOLC.PL ".into(),
            first_name: "Anna".into(),
            last_name: "Nowak".into(),
            job_title: "Księgowa".into(),
            admin_role: String::new(),
        },
    )
    .unwrap();
    assert_eq!(user.display_name, "Anna Nowak");
    assert_eq!(
        user.user_name, "Anna.Nowak@zolc.pl",
        "the domain in lower case, the name as typed"
    );
    assert_eq!(
        user.admin_role,
        CompanyRole::None,
        "no admin role by default"
    );
    assert!(!user.blocked && !user.must_change_password);
    assert_eq!(user.password_reset_at, None);
    assert_eq!(change.entity, Entity::CustomerUser);
    assert_eq!(change.ids, vec![user.id.clone(), customer_id.clone()]);
    assert_eq!(count_audit(&w, "customer_user.create", "done"), 1);
    let page = all(&w, &customer_id, CustomerUserQuery::default());
    assert_eq!((page.total, page.rows.clone()), (1, vec![user]));
}

#[test]
fn each_bad_field_is_named_and_nothing_is_written() {
    let w = world();
    let customer_id = zolc(&w);
    let cases: Vec<(&str, CustomerUserInput, &str)> = vec![
        (
            "display_name",
            input("  ", "anna@zolc.pl"),
            "this field is required",
        ),
        (
            "display_name",
            input(&"x".repeat(257), "anna@zolc.pl"),
            "at most 256",
        ),
        ("user_name", input("Anna", " "), "this field is required"),
        ("user_name", input("Anna", "anna"), "name@domain"),
        (
            "user_name",
            input("Anna", "anna@x@zolc.pl"),
            "exactly one @",
        ),
        (
            "user_name",
            input("Anna", "@zolc.pl"),
            "before the @ is missing",
        ),
        (
            "user_name",
            input("Anna", "anna@"),
            "after the @ is missing",
        ),
        (
            "user_name",
            input("Łukasz", "łukasz@zolc.pl"),
            "'ł' cannot be used before the @",
        ),
        (
            "user_name",
            input("Anna", "an na@zolc.pl"),
            "' ' cannot be used",
        ),
        ("user_name", input("Anna", ".anna@zolc.pl"), "period"),
        ("user_name", input("Anna", "anna.@zolc.pl"), "period"),
        ("user_name", input("Anna", "an..na@zolc.pl"), "period"),
        (
            "user_name",
            input("Anna", &format!("{}@zolc.pl", "a".repeat(65))),
            "at most 64",
        ),
        (
            "first_name",
            CustomerUserInput {
                first_name: "A".repeat(65),
                ..input("Anna", "anna@zolc.pl")
            },
            "at most 64",
        ),
        (
            "first_name",
            CustomerUserInput {
                first_name: "An\tna".into(),
                ..input("Anna", "anna@zolc.pl")
            },
            "control characters",
        ),
        (
            "last_name",
            CustomerUserInput {
                last_name: "N".repeat(65),
                ..input("Anna", "anna@zolc.pl")
            },
            "at most 64",
        ),
        (
            "job_title",
            CustomerUserInput {
                job_title: "J".repeat(129),
                ..input("Anna", "anna@zolc.pl")
            },
            "at most 128",
        ),
        (
            "admin_role",
            CustomerUserInput {
                admin_role: "owner".into(),
                ..input("Anna", "anna@zolc.pl")
            },
            "'owner' is not an admin role",
        ),
    ];
    for (field, bad, fragment) in cases {
        let error = create(&w.store, &w.clock, &w.admin, &customer_id, &bad).unwrap_err();
        assert_eq!(error.code(), ErrorCode::Validation, "{field}: {error}");
        assert_eq!(error.field(), Some(field), "{error}");
        assert!(
            error.to_string().contains(fragment),
            "{field}: '{error}' should say '{fragment}'"
        );
    }
    assert_eq!(all(&w, &customer_id, CustomerUserQuery::default()).total, 0);
    assert_eq!(count_audit(&w, "customer_user.create", "done"), 0);

    let longest = format!("{}@zolc.pl", "a".repeat(64));
    let ok = add(&w, &customer_id, "Anna", &longest, "global_admin");
    assert_eq!(ok.admin_role, CompanyRole::GlobalAdmin);
    add(&w, &customer_id, "Symbols", "o'brien_x-y!#^~.z@zolc.pl", "");
}

#[test]
fn the_domain_must_be_one_of_the_customers_domains() {
    let w = world();
    let customer_id = zolc(&w);
    let (fabrikam, _) = w.active_customer("Fabrikam", "fabrikam", &["fabrikam.com"]);
    for foreign in [
        "anna@fabrikam.com",
        "anna@fabrikam.onmicrosoft.com",
        "anna@zolc.com",
    ] {
        let error = create(
            &w.store,
            &w.clock,
            &w.admin,
            &customer_id,
            &input("Anna", foreign),
        )
        .unwrap_err();
        assert_eq!(
            (error.code(), error.field()),
            (ErrorCode::Validation, Some("user_name")),
            "{foreign}"
        );
        assert!(
            error
                .to_string()
                .contains("not a domain of Żółć Sp. z o.o.; use one of its domains: zolc.onmicrosoft.com, zolc.pl"),
            "{error}"
        );
    }
    add(&w, &customer_id, "Anna", "anna@zolc.onmicrosoft.com", "");
    add(&w, &customer_id, "Piotr", "piotr@ZOLC.pl", "");
    add(&w, &fabrikam, "Anna F", "anna@fabrikam.com", "");
    assert_eq!(all(&w, &customer_id, CustomerUserQuery::default()).total, 2);
}

#[test]
fn user_names_are_unique_across_customers_ignoring_case() {
    let w = world();
    let customer_id = zolc(&w);
    // Two customers may list the same extra domain; a sign-in name is still one person's.
    let (other, _) = w.active_customer("Fabrikam", "fabrikam", &["zolc.pl"]);
    let anna = add(&w, &customer_id, "Anna", "anna@zolc.pl", "");
    for (customer, user_name) in [(&customer_id, "ANNA@zolc.pl"), (&other, "anna@ZOLC.PL")] {
        let clash = create(
            &w.store,
            &w.clock,
            &w.admin,
            customer,
            &input("Anna 2", user_name),
        )
        .unwrap_err();
        assert_eq!(
            (clash.code(), clash.field()),
            (ErrorCode::Conflict, Some("user_name"))
        );
        assert!(
            clash
                .to_string()
                .contains("anna@zolc.pl is already a user of Żółć Sp. z o.o."),
            "{clash}"
        );
    }
    // Keeping one's own name (in another case) is no conflict.
    let (renamed, _) = update(
        &w.store,
        &w.clock,
        &w.admin,
        &anna.id,
        &input("Anna N", "Anna@zolc.pl"),
    )
    .unwrap();
    assert_eq!(renamed.user_name, "Anna@zolc.pl");
    let piotr = add(&w, &customer_id, "Piotr", "piotr@zolc.pl", "");
    let taken = update(
        &w.store,
        &w.clock,
        &w.admin,
        &piotr.id,
        &input("Piotr", "anna@zolc.pl"),
    )
    .unwrap_err();
    assert_eq!(taken.code(), ErrorCode::Conflict);
}

#[test]
fn an_update_changes_every_field_and_audits_before_and_after() {
    let w = world();
    let customer_id = zolc(&w);
    let anna = add(&w, &customer_id, "Anna", "anna@zolc.pl", "");
    let (after, change) = update(
        &w.store,
        &w.clock,
        &w.admin,
        &anna.id,
        &CustomerUserInput {
            display_name: "Anna Nowak".into(),
            user_name: "a.nowak@zolc.onmicrosoft.com".into(),
            first_name: "Anna".into(),
            last_name: "Nowak".into(),
            job_title: "Dyrektor finansowy".into(),
            admin_role: "billing_admin".into(),
        },
    )
    .unwrap();
    assert_eq!(
        (
            after.display_name.as_str(),
            after.user_name.as_str(),
            after.first_name.as_str(),
            after.last_name.as_str(),
            after.job_title.as_str(),
            after.admin_role
        ),
        (
            "Anna Nowak",
            "a.nowak@zolc.onmicrosoft.com",
            "Anna",
            "Nowak",
            "Dyrektor finansowy",
            CompanyRole::BillingAdmin
        )
    );
    assert_eq!(change.ids, vec![anna.id.clone(), customer_id.clone()]);
    let (before_json, after_json): (String, String) = w
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT before_json, after_json FROM audit_log
                 WHERE action = 'customer_user.update' AND target_id = ?1",
                [&anna.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert!(before_json.contains("anna@zolc.pl") && before_json.contains("\"none\""));
    assert!(
        after_json.contains("a.nowak@zolc.onmicrosoft.com") && after_json.contains("billing_admin")
    );
    let missing = update(
        &w.store,
        &w.clock,
        &w.admin,
        &crate::ids::new_id(),
        &input("X", "x@zolc.pl"),
    )
    .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
}

#[test]
fn users_are_blocked_unblocked_and_removed_with_the_before_image_kept() {
    let w = world();
    let customer_id = zolc(&w);
    let anna = add(&w, &customer_id, "Anna", "anna@zolc.pl", "");
    add(&w, &customer_id, "Piotr", "piotr@zolc.pl", "");

    let (blocked, _) = set_blocked(&w.store, &w.clock, &w.admin, &anna.id, true).unwrap();
    assert!(blocked.blocked);
    let again = set_blocked(&w.store, &w.clock, &w.admin, &anna.id, true).unwrap_err();
    assert_eq!(again.code(), ErrorCode::InvalidState);
    let only_blocked = all(
        &w,
        &customer_id,
        CustomerUserQuery {
            blocked_only: true,
            ..Default::default()
        },
    );
    assert_eq!(names(&only_blocked), vec!["Anna"]);
    let (unblocked, _) = set_blocked(&w.store, &w.clock, &w.admin, &anna.id, false).unwrap();
    assert!(!unblocked.blocked);
    assert_eq!(
        set_blocked(&w.store, &w.clock, &w.admin, &anna.id, false)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidState
    );
    assert_eq!(count_audit(&w, "customer_user.block", "done"), 1);
    assert_eq!(count_audit(&w, "customer_user.unblock", "done"), 1);

    let (removed, change) = remove(&w.store, &w.clock, &w.admin, &anna.id).unwrap();
    assert_eq!(removed.user_name, "anna@zolc.pl");
    assert_eq!(change.ids, vec![anna.id.clone(), customer_id.clone()]);
    assert_eq!(
        names(&all(&w, &customer_id, CustomerUserQuery::default())),
        vec!["Piotr"]
    );
    let (before_json, after_json): (String, Option<String>) = w
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT before_json, after_json FROM audit_log WHERE action = 'customer_user.remove'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert!(before_json.contains("anna@zolc.pl"), "{before_json}");
    assert_eq!(after_json, None);
    assert_eq!(
        remove(&w.store, &w.clock, &w.admin, &anna.id)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    // The name is free again.
    add(&w, &customer_id, "Anna again", "anna@zolc.pl", "");
}

#[test]
fn the_list_searches_ignoring_case_and_diacritics_filters_and_pages() {
    let w = world();
    let customer_id = zolc(&w);
    let (other, _) = w.active_customer("Fabrikam", "fabrikam", &[]);
    add(
        &w,
        &other,
        "Łukasz Other",
        "lukasz@fabrikam.onmicrosoft.com",
        "",
    );
    add(&w, &customer_id, "Łukasz Żak", "lzak@zolc.pl", "");
    add(&w, &customer_id, "anna Kowalska", "akowalska@zolc.pl", "");
    add(
        &w,
        &customer_id,
        "Anna Nowak",
        "anowak@zolc.pl",
        "billing_admin",
    );
    let zenon = add(&w, &customer_id, "Zenon", "zenon@zolc.pl", "global_admin");
    add(&w, &customer_id, "Ewa", "ewa@zolc.pl", "");
    set_blocked(&w.store, &w.clock, &w.admin, &zenon.id, true).unwrap();

    let search = |text: &str| {
        let page = all(
            &w,
            &customer_id,
            CustomerUserQuery {
                search: Some(text.into()),
                ..Default::default()
            },
        );
        names(&page)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(search("lukasz"), vec!["Łukasz Żak"], "only this customer's");
    assert_eq!(search("ŻAK"), vec!["Łukasz Żak"]);
    assert_eq!(search("ANNA"), vec!["anna Kowalska", "Anna Nowak"]);
    assert_eq!(search("nowak@zolc"), vec!["Anna Nowak"], "by user name");
    assert_eq!(
        search("100%_"),
        Vec::<String>::new(),
        "LIKE characters are literal"
    );

    let admins = all(
        &w,
        &customer_id,
        CustomerUserQuery {
            admins_only: true,
            ..Default::default()
        },
    );
    assert_eq!(
        (names(&admins), admins.total),
        (vec!["Anna Nowak", "Zenon"], 2)
    );
    let blocked_admins = all(
        &w,
        &customer_id,
        CustomerUserQuery {
            admins_only: true,
            blocked_only: true,
            ..Default::default()
        },
    );
    assert_eq!(names(&blocked_admins), vec!["Zenon"]);

    // Pages of two walk every user once, in folded name order (Ł with L).
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = all(
            &w,
            &customer_id,
            CustomerUserQuery {
                limit: Some(2),
                cursor: cursor.clone(),
                ..Default::default()
            },
        );
        assert_eq!(page.total, 5);
        seen.extend(page.rows.iter().map(|u| u.display_name.clone()));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(
        seen,
        vec!["anna Kowalska", "Anna Nowak", "Ewa", "Łukasz Żak", "Zenon"]
    );
    for (bad, field) in [
        (
            CustomerUserQuery {
                limit: Some(0),
                ..Default::default()
            },
            "limit",
        ),
        (
            CustomerUserQuery {
                cursor: Some("no separator".into()),
                ..Default::default()
            },
            "cursor",
        ),
    ] {
        let error = list(&w.store, &w.clock, &w.admin, &customer_id, &bad).unwrap_err();
        assert_eq!(error.field(), Some(field));
    }
}

#[test]
fn limited_access_may_reset_only_users_without_an_admin_role() {
    let w = world();
    let customer_id = zolc(&w);
    let plain = add(&w, &customer_id, "Anna", "anna@zolc.pl", "");
    let admin = add(&w, &customer_id, "Zenon", "zenon@zolc.pl", "password_admin");
    let limited = w.staff("Lena", R::None, A::Limited);

    let (issued, _) = reset_password(&w.store, &w.clock, &limited, &plain.id).unwrap();
    assert_eq!(issued.user_name, "anna@zolc.pl");
    assert_eq!(issued.password.chars().count(), PASSWORD_LENGTH);

    let refused = reset_password(&w.store, &w.clock, &limited, &admin.id).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert_eq!(reason(&refused), Some("full_customer_access_required"));
    assert_eq!(
        count_audit(&w, "customer_user.reset_password", "refused"),
        1
    );
    let after = all(&w, &customer_id, CustomerUserQuery::default());
    let zenon = after.rows.iter().find(|u| u.id == admin.id).unwrap();
    assert!(
        !zenon.must_change_password,
        "a refused reset changes nothing"
    );

    // Limited access sees the users but does not manage them.
    assert_eq!(
        list(
            &w.store,
            &w.clock,
            &limited,
            &customer_id,
            &CustomerUserQuery::default()
        )
        .unwrap()
        .total,
        2
    );
    let create_refused = create(
        &w.store,
        &w.clock,
        &limited,
        &customer_id,
        &input("Ewa", "ewa@zolc.pl"),
    )
    .unwrap_err();
    assert_eq!(
        reason(&create_refused),
        Some("full_customer_access_required")
    );
    let block_refused = set_blocked(&w.store, &w.clock, &limited, &plain.id, true).unwrap_err();
    assert_eq!(
        reason(&block_refused),
        Some("full_customer_access_required")
    );

    // Full access resets admins too; no customer access sees nothing.
    let full = w.staff("Filip", R::None, A::Full);
    reset_password(&w.store, &w.clock, &full, &admin.id).unwrap();
    let nobody = w.staff("Nina", R::GlobalAdmin, A::None);
    let unseen = list(
        &w.store,
        &w.clock,
        &nobody,
        &customer_id,
        &CustomerUserQuery::default(),
    )
    .unwrap_err();
    assert_eq!(reason(&unseen), Some("customer_access_required"));
    assert_eq!(count_audit(&w, "customer_user.view", "refused"), 1);
}

#[test]
fn without_an_active_relationship_every_action_is_refused_and_audited() {
    let w = world();
    let (customer_id, relationship_id) = w.active_customer("Żółć Sp. z o.o.", "zolc", &["zolc.pl"]);
    let anna = add(&w, &customer_id, "Anna", "anna@zolc.pl", "");
    relationships::terminate(&w.store, &w.clock, &w.admin, &relationship_id).unwrap();

    let csv = "display_name,user_name\nPiotr,piotr@zolc.pl\n";
    let never = AtomicBool::new(false);
    let attempts: Vec<(&str, Error)> = vec![
        (
            "customer_user.view",
            list(
                &w.store,
                &w.clock,
                &w.admin,
                &customer_id,
                &CustomerUserQuery::default(),
            )
            .unwrap_err(),
        ),
        (
            "customer_user.create",
            create(
                &w.store,
                &w.clock,
                &w.admin,
                &customer_id,
                &input("Piotr", "piotr@zolc.pl"),
            )
            .unwrap_err(),
        ),
        (
            "customer_user.update",
            update(
                &w.store,
                &w.clock,
                &w.admin,
                &anna.id,
                &input("Anna N", "anna@zolc.pl"),
            )
            .unwrap_err(),
        ),
        (
            "customer_user.block",
            set_blocked(&w.store, &w.clock, &w.admin, &anna.id, true).unwrap_err(),
        ),
        (
            "customer_user.remove",
            remove(&w.store, &w.clock, &w.admin, &anna.id).unwrap_err(),
        ),
        (
            "customer_user.reset_password",
            reset_password(&w.store, &w.clock, &w.admin, &anna.id).unwrap_err(),
        ),
        (
            "customer_user.import",
            preview_import(&w.store, &w.clock, &w.admin, &customer_id, &csv.into()).unwrap_err(),
        ),
        (
            "customer_user.import",
            apply_import(
                &w.store,
                &w.clock,
                &w.admin,
                &customer_id,
                &csv.into(),
                ImportMode::ValidRows,
                &|_, _| {},
                &never,
            )
            .unwrap_err(),
        ),
    ];
    for (audit_action, error) in &attempts {
        assert_eq!(
            error.code(),
            ErrorCode::Forbidden,
            "{audit_action}: {error}"
        );
        assert_eq!(
            reason(error),
            Some("no_active_relationship"),
            "{audit_action}"
        );
        assert!(
            count_audit(&w, audit_action, "refused") >= 1,
            "{audit_action} refusal is audited"
        );
    }
    assert_eq!(
        w.audit_actions()
            .iter()
            .filter(|(a, o, _)| a.starts_with("customer_user.") && o == "refused")
            .count(),
        attempts.len()
    );
    // Nothing changed underneath.
    let user: CustomerUser = w.store.read(|c| load(c, &anna.id)).unwrap();
    assert_eq!(user, anna);
}

#[test]
fn a_pending_relationship_does_not_open_the_gate_either() {
    let w = world();
    let (customer, _) = customers::create(
        &w.store,
        &w.clock,
        &w.admin,
        &CustomerInput {
            company_name: "Nowy".into(),
            default_domain: "nowy".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let error = create(
        &w.store,
        &w.clock,
        &w.admin,
        &customer.id,
        &input("Anna", "anna@nowy.onmicrosoft.com"),
    )
    .unwrap_err();
    assert_eq!(reason(&error), Some("no_active_relationship"));
}

#[test]
fn an_archived_customers_users_cannot_be_changed() {
    let w = world();
    let customer_id = zolc(&w);
    let anna = add(&w, &customer_id, "Anna", "anna@zolc.pl", "");
    customers::set_archived(&w.store, &w.clock, &w.admin, &customer_id, true).unwrap();
    let error = create(
        &w.store,
        &w.clock,
        &w.admin,
        &customer_id,
        &input("Piotr", "piotr@zolc.pl"),
    )
    .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidState);
    assert!(error.to_string().contains("restore the customer first"));
    assert_eq!(
        remove(&w.store, &w.clock, &w.admin, &anna.id)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidState
    );
}

#[test]
fn a_reset_flags_the_user_and_keeps_a_blocked_user_blocked() {
    let w = world();
    let customer_id = zolc(&w);
    let anna = add(&w, &customer_id, "Anna", "anna@zolc.pl", "");
    set_blocked(&w.store, &w.clock, &w.admin, &anna.id, true).unwrap();
    w.clock.advance(time::Duration::hours(1));
    let (issued, change) = reset_password(&w.store, &w.clock, &w.admin, &anna.id).unwrap();
    assert!(issued.must_change_password);
    assert_eq!(issued.user_id, anna.id);
    assert_eq!(change.ids, vec![anna.id.clone(), customer_id.clone()]);
    let user = w.store.read(|c| load(c, &anna.id)).unwrap();
    assert!(user.must_change_password);
    assert!(user.blocked, "a reset does not unblock");
    assert_eq!(
        user.password_reset_at.as_deref(),
        Some("2026-11-25T10:00:00.000Z")
    );
    assert_eq!(count_audit(&w, "customer_user.reset_password", "done"), 1);
    let shown = format!("{issued:?}");
    assert!(
        !shown.contains(&issued.password) && shown.contains("<redacted>"),
        "{shown}"
    );
}

#[test]
fn temporary_passwords_are_long_complex_unambiguous_and_distinct() {
    let mut seen = HashSet::new();
    for _ in 0..1000 {
        let p = temporary(PASSWORD_LENGTH).unwrap();
        assert_eq!(p.chars().count(), 20, "{p}");
        assert!(p.chars().any(|c| c.is_ascii_uppercase()), "upper: {p}");
        assert!(p.chars().any(|c| c.is_ascii_lowercase()), "lower: {p}");
        assert!(p.chars().any(|c| c.is_ascii_digit()), "digit: {p}");
        assert!(p.chars().any(|c| c.is_ascii_punctuation()), "symbol: {p}");
        assert!(p.chars().all(|c| c.is_ascii_graphic()), "{p}");
        assert!(!p.contains(['0', 'O', '1', 'l', 'I']), "look-alike: {p}");
        assert!(seen.insert(p), "a repeated password");
    }
}

/// The raw bytes of the database file and, if present, its write-ahead log.
fn database_bytes(w: &World) -> Vec<u8> {
    let path = w.store.path();
    let mut bytes = std::fs::read(path).unwrap();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(more) = std::fs::read(&wal) {
        bytes.extend(more);
    }
    bytes
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[test]
fn no_temporary_password_reaches_the_database_files() {
    let w = world();
    let customer_id = zolc(&w);
    let anna = add(&w, &customer_id, "Anna", "anna@zolc.pl", "global_admin");
    let passwords: Vec<String> = (0..3)
        .map(|_| {
            reset_password(&w.store, &w.clock, &w.admin, &anna.id)
                .unwrap()
                .0
                .password
        })
        .collect();

    let before_checkpoint = database_bytes(&w);
    assert!(
        holds(&before_checkpoint, "anna@zolc.pl"),
        "the files are read where the user's row is"
    );
    for password in &passwords {
        assert!(
            !holds(&before_checkpoint, password),
            "{password} is in the files"
        );
    }

    // Move everything from the log into the database file and look again.
    let conn = rusqlite::Connection::open(w.store.path()).unwrap();
    let busy: i64 = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(busy, 0, "the checkpoint completed");
    let after_checkpoint = database_bytes(&w);
    assert!(holds(&after_checkpoint, "anna@zolc.pl"));
    for password in &passwords {
        assert!(
            !holds(&after_checkpoint, password),
            "{password} is in the file"
        );
    }

    // Nor in any audit entry, whatever the column.
    let audit_text: String = conn
        .query_row(
            "SELECT group_concat(action || target_label || detail || coalesce(before_json, '')
                 || coalesce(after_json, ''), char(10)) FROM audit_log",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(audit_text.contains("customer_user.reset_password"));
    for password in &passwords {
        assert!(!audit_text.contains(password.as_str()));
    }
}

const USERS_CSV: &str = "\u{feff}Display_Name,User_Name,admin_role,job_title,unknown column\n\
Anna Nowak,anna@zolc.pl,,Księgowa,x\n\
Piotr Zając,piotr@ZOLC.onmicrosoft.com,global_admin,,x\n\
Obcy,obcy@fabrikam.com,,,x\n\
Anna again,ANNA@zolc.pl,,,x\n\
,pusty@zolc.pl,,,x\n\
Rola,rola@zolc.pl,owner,,x\n\
Existing,existing@zolc.pl,,,x\n";

fn imported_names(w: &World, customer_id: &str) -> Vec<String> {
    all(w, customer_id, CustomerUserQuery::default())
        .rows
        .into_iter()
        .map(|u| u.display_name)
        .collect()
}

#[test]
fn an_import_preview_reports_every_bad_row_by_line_and_writes_nothing() {
    let w = world();
    let customer_id = zolc(&w);
    add(&w, &customer_id, "Existing", "existing@zolc.pl", "");
    let report = preview_import(
        &w.store,
        &w.clock,
        &w.admin,
        &customer_id,
        &USERS_CSV.into(),
    )
    .unwrap();
    assert_eq!((report.rows, report.valid, report.imported), (7, 2, 0));
    let problems: Vec<(u32, &str)> = report
        .problems
        .iter()
        .map(|p| (p.line, p.field.as_str()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (4, "user_name"),
            (5, "user_name"),
            (6, "display_name"),
            (7, "admin_role"),
            (8, "user_name"),
        ]
    );
    assert!(report.problems[0].message.contains("not a domain of"));
    assert!(report.problems[1].message.contains("earlier in this file"));
    assert!(report.problems[4].message.contains("already a user of"));
    assert_eq!(imported_names(&w, &customer_id), vec!["Existing"]);
    let no_column = preview_import(
        &w.store,
        &w.clock,
        &w.admin,
        &customer_id,
        &"display_name,email\nAnna,anna@zolc.pl\n".into(),
    )
    .unwrap_err();
    assert_eq!(no_column.field(), Some("file"));
    assert!(no_column.to_string().contains("'user_name'"));
}

#[test]
fn import_modes_keep_the_valid_rows_or_none_and_cancel_leaves_nothing() {
    let w = world();
    let customer_id = zolc(&w);
    add(&w, &customer_id, "Existing", "existing@zolc.pl", "");
    let never = AtomicBool::new(false);
    let import = |mode, cancel: &AtomicBool, progress: &dyn Fn(u32, u32)| {
        apply_import(
            &w.store,
            &w.clock,
            &w.admin,
            &customer_id,
            &USERS_CSV.into(),
            mode,
            progress,
            cancel,
        )
    };

    let (report, change) = import(ImportMode::AllOrNothing, &never, &|_, _| {}).unwrap();
    assert_eq!((report.imported, report.problems.len()), (0, 5));
    assert!(change.is_none());
    assert_eq!(imported_names(&w, &customer_id), vec!["Existing"]);

    let cancelled = import(ImportMode::ValidRows, &AtomicBool::new(true), &|_, _| {}).unwrap_err();
    assert_eq!(cancelled.code(), ErrorCode::InvalidState);
    assert!(cancelled.to_string().contains("no user was imported"));
    assert_eq!(imported_names(&w, &customer_id), vec!["Existing"]);

    let seen = std::sync::Mutex::new(Vec::new());
    let (report, change) = import(ImportMode::ValidRows, &never, &|done, total| {
        seen.lock().unwrap().push((done, total))
    })
    .unwrap();
    assert_eq!(report.imported, 2);
    assert_eq!(seen.lock().unwrap().last(), Some(&(2, 2)));
    let change = change.unwrap();
    assert_eq!(change.entity, Entity::CustomerUser);
    assert_eq!(change.ids.len(), 3, "the customer and the two new users");
    assert_eq!(change.ids[0], customer_id);
    assert_eq!(
        imported_names(&w, &customer_id),
        vec!["Anna Nowak", "Existing", "Piotr Zając"]
    );
    let piotr = all(
        &w,
        &customer_id,
        CustomerUserQuery {
            admins_only: true,
            ..Default::default()
        },
    );
    assert_eq!(piotr.rows[0].user_name, "piotr@zolc.onmicrosoft.com");
    assert_eq!(piotr.rows[0].admin_role, CompanyRole::GlobalAdmin);
    assert_eq!(count_audit(&w, "customer_user.import", "done"), 1);
}

#[test]
fn a_customers_permissions_follow_its_relationship_for_the_ui() {
    let w = world();
    let (customer_id, relationship_id) = w.active_customer("Żółć Sp. z o.o.", "zolc", &["zolc.pl"]);
    let limited = w.staff("Lena", R::None, A::Limited);
    let find = |action: Action| {
        customers::permissions(&w.store, &w.clock, &limited, &customer_id)
            .unwrap()
            .into_iter()
            .find(|p| p.action == action)
            .unwrap()
    };
    assert!(find(Action::ResetCustomerUserPassword).allowed);
    let admins = find(Action::ResetCustomerAdminPassword);
    assert_eq!(
        (admins.allowed, admins.reason),
        (false, Some(DenialReason::FullCustomerAccessRequired))
    );
    relationships::terminate(&w.store, &w.clock, &w.admin, &relationship_id).unwrap();
    let reset = find(Action::ResetCustomerUserPassword);
    assert_eq!(
        (reset.allowed, reset.reason),
        (false, Some(DenialReason::NoActiveRelationship))
    );
    assert!(
        find(Action::ViewCustomers).allowed,
        "the customer itself stays visible"
    );
    let nobody = w.staff("Nina", R::GlobalAdmin, A::None);
    assert_eq!(
        customers::permissions(&w.store, &w.clock, &nobody, &customer_id)
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
}

#[test]
fn the_admin_centers_bulk_add_template_imports_as_microsoft_writes_it() {
    let w = world();
    let customer_id = zolc(&w);
    // Microsoft 365 admin center, "Add multiple users": 16 columns, this order.
    let csv = "User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region\r\n\
anna@zolc.pl,Anna,Nowak,Anna Nowak,Księgowa,Finanse,,,,,,,Łódź,,90-001,Polska\r\n\
,Jan,Kowalski,Jan Kowalski,,,,,,,,,,,,\r\n";
    let report = preview_import(&w.store, &w.clock, &w.admin, &customer_id, &csv.into()).unwrap();
    assert_eq!((report.rows, report.valid), (2, 1), "{:?}", report.problems);
    assert_eq!(
        (report.problems[0].line, report.problems[0].field.as_str()),
        (3, "user_name")
    );
    // Polish headers, semicolons, as Excel in Poland saves them.
    let polish = "Nazwa wyświetlana;Nazwa użytkownika;Imię;Nazwisko;Stanowisko\r\n\
Ewa Zięba;ewa@zolc.pl;Ewa;Zięba;Kierowniczka\r\n";
    let never = AtomicBool::new(false);
    let (report, _) = apply_import(
        &w.store,
        &w.clock,
        &w.admin,
        &customer_id,
        &polish.into(),
        ImportMode::AllOrNothing,
        &|_, _| {},
        &never,
    )
    .unwrap();
    assert_eq!(report.imported, 1, "{:?}", report.problems);
    let user = all(&w, &customer_id, CustomerUserQuery::default())
        .rows
        .into_iter()
        .find(|u| u.user_name == "ewa@zolc.pl")
        .unwrap();
    assert_eq!(
        (
            user.first_name.as_str(),
            user.last_name.as_str(),
            user.job_title.as_str()
        ),
        ("Ewa", "Zięba", "Kierowniczka")
    );
}
