use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A};
use crate::error::ErrorCode;
use crate::testing::world;

fn input(name: &str, email: &str, role: R, access: A) -> StaffInput {
    StaffInput {
        display_name: name.into(),
        email: email.into(),
        role: role.as_str().into(),
        customer_access: access.as_str().into(),
    }
}

fn reason(error: &Error) -> &'static str {
    match error {
        Error::Forbidden { reason, .. } => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn user_management_admins_manage_only_staff_without_admin_rights() {
    let w = world();
    let uma = w.staff("Uma", R::UserManagementAdmin, A::None);
    let (plain, _) = create(
        &w.store,
        &w.clock,
        &uma,
        &input("Piotr", "piotr@contoso.pl", R::None, A::None),
    )
    .unwrap();
    assert_eq!(plain.temporary_password.len(), 16);
    assert!(plain.staff.must_change_password);

    let refused = create(
        &w.store,
        &w.clock,
        &uma,
        &input("Bea", "bea@contoso.pl", R::BillingAdmin, A::None),
    )
    .unwrap_err();
    assert_eq!(reason(&refused), "role_required");
    assert!(refused.to_string().contains("Only global admins may"));
    let limited = create(
        &w.store,
        &w.clock,
        &uma,
        &input("Lena", "lena@contoso.pl", R::None, A::Limited),
    )
    .unwrap_err();
    assert_eq!(
        reason(&limited),
        "role_required",
        "customer access is an admin right too"
    );

    let promote = update(
        &w.store,
        &w.clock,
        &uma,
        &plain.staff.id,
        &input("Piotr", "piotr@contoso.pl", R::PasswordAdmin, A::None),
    )
    .unwrap_err();
    assert_eq!(reason(&promote), "role_required");
    let renamed = update(
        &w.store,
        &w.clock,
        &uma,
        &plain.staff.id,
        &input("Piotr Nowak", "piotr@contoso.pl", R::None, A::None),
    )
    .unwrap();
    assert_eq!(renamed.0.display_name, "Piotr Nowak");
    let admin_target = set_blocked(&w.store, &w.clock, &uma, &w.admin.id, true).unwrap_err();
    assert_eq!(reason(&admin_target), "role_required");

    let refusals = w
        .audit_actions()
        .into_iter()
        .filter(|(_, outcome, who)| outcome == "refused" && who == "Uma")
        .count();
    assert_eq!(refusals, 4, "every refusal is audited");
}

#[test]
fn sign_in_emails_are_unique_ignoring_case_until_removed() {
    let w = world();
    let (first, _) = create(
        &w.store,
        &w.clock,
        &w.admin,
        &input("Ola", "ola@contoso.pl", R::None, A::None),
    )
    .unwrap();
    let clash = create(
        &w.store,
        &w.clock,
        &w.admin,
        &input("Ola 2", "OLA@Contoso.pl", R::None, A::None),
    )
    .unwrap_err();
    assert_eq!(clash.code(), ErrorCode::Conflict);
    assert_eq!(clash.field(), Some("email"));
    remove(&w.store, &w.clock, &w.admin, &first.staff.id).unwrap();
    create(
        &w.store,
        &w.clock,
        &w.admin,
        &input("Ola 2", "OLA@Contoso.pl", R::None, A::None),
    )
    .expect("a removed member's address may be used again");
}

#[test]
fn bad_input_names_the_field_and_writes_nothing() {
    let w = world();
    let before = w.audit_actions().len();
    for (bad, field) in [
        (input("", "a@contoso.pl", R::None, A::None), "display_name"),
        (input("A", "not-an-email", R::None, A::None), "email"),
        (
            StaffInput {
                role: "owner".into(),
                ..input("A", "a@contoso.pl", R::None, A::None)
            },
            "role",
        ),
        (
            StaffInput {
                customer_access: "some".into(),
                ..input("A", "a@contoso.pl", R::None, A::None)
            },
            "customer_access",
        ),
    ] {
        let error = create(&w.store, &w.clock, &w.admin, &bad).unwrap_err();
        assert_eq!(error.field(), Some(field));
    }
    assert_eq!(w.audit_actions().len(), before);
    assert_eq!(
        list(&w.store, &w.clock, &w.admin, &StaffFilter::default())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn nobody_changes_their_own_rights() {
    let w = world();
    let own = update(
        &w.store,
        &w.clock,
        &w.admin,
        &w.admin.id,
        &input(
            "Anna Admin",
            "anna.admin@contoso.pl",
            R::GlobalAdmin,
            A::Limited,
        ),
    )
    .unwrap_err();
    assert_eq!(reason(&own), "own_rights");
    update(
        &w.store,
        &w.clock,
        &w.admin,
        &w.admin.id,
        &input("Anna A.", "anna.admin@contoso.pl", R::GlobalAdmin, A::Full),
    )
    .expect("own name and e-mail may change");
    let uma = w.staff("Uma", R::UserManagementAdmin, A::None);
    let raise = update(
        &w.store,
        &w.clock,
        &uma,
        &uma.id,
        &input("Uma", "uma@contoso.pl", R::GlobalAdmin, A::None),
    )
    .unwrap_err();
    assert_eq!(reason(&raise), "role_required");
}

#[test]
fn global_admins_may_demote_or_block_each_other_while_another_stays_active() {
    let w = world();
    let greg = w.staff("Greg", R::GlobalAdmin, A::Full);
    update(
        &w.store,
        &w.clock,
        &greg,
        &w.admin.id,
        &input(
            "Anna Admin",
            "anna.admin@contoso.pl",
            R::BillingAdmin,
            A::None,
        ),
    )
    .expect("Greg stays, so Anna may be demoted");
    let hela = w.staff("Hela", R::GlobalAdmin, A::None);
    set_blocked(&w.store, &w.clock, &hela, &greg.id, true).expect("Hela stays active");
    let uma = w.staff("Uma", R::UserManagementAdmin, A::None);
    assert_eq!(
        reason(&remove(&w.store, &w.clock, &uma, &hela.id).unwrap_err()),
        "role_required"
    );
    let demote_self = update(
        &w.store,
        &w.clock,
        &hela,
        &hela.id,
        &input("Hela", "hela@contoso.pl", R::None, A::None),
    )
    .unwrap_err();
    assert_eq!(reason(&demote_self), "own_rights");
    let active_global_admins: i64 = w
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM staff WHERE role = 'global_admin' AND status = 'active'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(active_global_admins, 1);
}

#[test]
fn the_last_global_admin_rule_refuses_with_its_reason() {
    let w = world();
    let own = remove(&w.store, &w.clock, &w.admin, &w.admin.id).unwrap_err();
    assert_eq!(reason(&own), "own_account");
    // Anna is the only *active* global admin. A blocked one never acts through a
    // session; calling the core with him directly isolates the rule itself.
    let greg2 = w.staff("Greg Two", R::GlobalAdmin, A::Full);
    set_blocked(&w.store, &w.clock, &w.admin, &greg2.id, true).unwrap();
    let demote = update(
        &w.store,
        &w.clock,
        &greg2,
        &w.admin.id,
        &input("Anna Admin", "anna.admin@contoso.pl", R::None, A::Full),
    )
    .unwrap_err();
    assert_eq!(reason(&demote), "last_global_admin");
    let block = set_blocked(&w.store, &w.clock, &greg2, &w.admin.id, true).unwrap_err();
    assert_eq!(reason(&block), "last_global_admin");
    let removal = remove(&w.store, &w.clock, &greg2, &w.admin.id).unwrap_err();
    assert_eq!(reason(&removal), "last_global_admin");
}

#[test]
fn password_resets_follow_the_targets_rights() {
    let w = world();
    let pa = w.staff("Paula", R::PasswordAdmin, A::None);
    let plain = w.staff("Zenon", R::None, A::None);
    let billing = w.staff("Bea", R::BillingAdmin, A::None);
    let (issued, _) = reset_password(&w.store, &w.clock, &pa, &plain.id).unwrap();
    assert!(issued.staff.must_change_password);
    assert!(crate::auth::password::temporary(16).unwrap().len() == issued.temporary_password.len());
    let admin_target = reset_password(&w.store, &w.clock, &pa, &billing.id).unwrap_err();
    assert_eq!(reason(&admin_target), "role_required");
    reset_password(&w.store, &w.clock, &w.admin, &billing.id).expect("global admins reset anyone");
    let own = reset_password(&w.store, &w.clock, &w.admin, &w.admin.id).unwrap_err();
    assert_eq!(reason(&own), "own_account");
    let none = reset_password(&w.store, &w.clock, &billing, &plain.id).unwrap_err();
    assert_eq!(reason(&none), "role_required");
    let logged: String = w
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT group_concat(coalesce(after_json, '') || detail, ' ') FROM audit_log",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert!(
        !logged.contains(&issued.temporary_password),
        "no password in the audit log"
    );
}

#[test]
fn the_list_searches_and_filters() {
    let w = world();
    w.staff("Zofia Żak", R::BillingAdmin, A::None);
    let blocked = w.staff("Jan Kowalski", R::None, A::Limited);
    set_blocked(&w.store, &w.clock, &w.admin, &blocked.id, true).unwrap();
    let names = |filter: StaffFilter| -> Vec<String> {
        list(&w.store, &w.clock, &w.admin, &filter)
            .unwrap()
            .into_iter()
            .map(|s| s.member.display_name)
            .collect()
    };
    assert_eq!(
        names(StaffFilter::default()),
        vec!["Anna Admin", "Jan Kowalski", "Zofia Żak"]
    );
    assert_eq!(
        names(StaffFilter {
            search: Some("KOWAL".into()),
            ..Default::default()
        }),
        vec!["Jan Kowalski"]
    );
    assert_eq!(
        names(StaffFilter {
            search: Some("żak".into()),
            ..Default::default()
        }),
        vec!["Zofia Żak"]
    );
    assert_eq!(
        names(StaffFilter {
            role: Some("billing_admin".into()),
            ..Default::default()
        }),
        vec!["Zofia Żak"]
    );
    assert_eq!(
        names(StaffFilter {
            customer_access: Some("limited".into()),
            ..Default::default()
        }),
        vec!["Jan Kowalski"]
    );
    assert_eq!(
        names(StaffFilter {
            status: Some("blocked".into()),
            ..Default::default()
        }),
        vec!["Jan Kowalski"]
    );
    assert_eq!(
        names(StaffFilter {
            search: Some("%".into()),
            ..Default::default()
        }),
        Vec::<String>::new()
    );
    let bad = list(
        &w.store,
        &w.clock,
        &w.admin,
        &StaffFilter {
            status: Some("gone".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(bad.field(), Some("status"));
    let billing = w.staff("Bea", R::BillingAdmin, A::None);
    assert_eq!(
        reason(&list(&w.store, &w.clock, &billing, &StaffFilter::default()).unwrap_err()),
        "role_required"
    );
}

#[test]
fn each_listed_member_carries_what_the_actor_may_do_to_them() {
    let w = world();
    let pa = w.staff("Paula", R::PasswordAdmin, A::None);
    w.staff("Zenon", R::None, A::None);
    let allowed =
        |actor: &crate::auth::Actor, name: &str| -> Vec<(StaffAction, bool, Option<String>)> {
            list(&w.store, &w.clock, actor, &StaffFilter::default())
                .unwrap()
                .into_iter()
                .find(|row| row.member.display_name == name)
                .unwrap()
                .actions
                .into_iter()
                .map(|a| (a.action, a.allowed, a.reason))
                .collect()
        };
    assert_eq!(
        allowed(&pa, "Zenon"),
        vec![
            (StaffAction::Edit, false, Some("role_required".into())),
            (StaffAction::Block, false, Some("role_required".into())),
            (StaffAction::Remove, false, Some("role_required".into())),
            (StaffAction::ResetPassword, true, None),
        ]
    );
    assert_eq!(
        allowed(&w.admin, "Anna Admin"),
        vec![
            (StaffAction::Edit, true, None),
            (StaffAction::Block, false, Some("own_account".into())),
            (StaffAction::Remove, false, Some("own_account".into())),
            (
                StaffAction::ResetPassword,
                false,
                Some("own_account".into())
            ),
        ]
    );
    let greg = w.staff("Greg", R::GlobalAdmin, A::None);
    let on_anna = allowed(&greg, "Anna Admin");
    assert!(
        on_anna.iter().all(|(_, ok, _)| *ok),
        "two global admins: {on_anna:?}"
    );
}
