//! GDAP: Entra roles, templates, security groups, access assignments,
//! auto-extend, Global Administrator removal, pre-flight, notifications and
//! the migration of the old role keys (decision 0045).

use time::Duration;

use super::assignments::{self, AssignmentInput, AssignmentStatus};
use super::groups::{self, SecurityGroupInput};
use super::preflight::{PreflightCheck, Severity};
use super::roles::{ENTRA_ROLES, GLOBAL_ADMINISTRATOR, LEGACY_KEYS};
use super::templates::{self, RoleTemplateInput};
use super::*;
use crate::access::{CompanyRole as R, CustomerAccess as A};
use crate::error::ErrorCode;
use crate::testing::{world, World, PASSWORD_ADMINISTRATOR, USER_ADMINISTRATOR};

const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const GROUP_OBJECT: &str = "3f1e2d4c-0000-4000-8000-00000000000a";

fn request(customer_id: &str, name: &str, roles: &[&str], auto_extend: bool) -> RelationshipOffer {
    RelationshipOffer {
        customer_id: customer_id.into(),
        display_name: name.into(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        duration_days: 365,
        auto_extend,
        request_approval: true,
    }
}

/// An active relationship granting `roles`; (customer, relationship).
fn active(w: &World, roles: &[&str]) -> (String, String) {
    let customer = w.customer("Żółć Sp. z o.o.", "zolc", &[]);
    let id = w.activate_fully(&customer, &request(&customer, "Support", roles, false));
    (customer, id)
}

fn group(w: &World, name: &str, object_id: &str, members: &[&str]) -> String {
    let input = SecurityGroupInput {
        display_name: name.into(),
        object_id: object_id.into(),
        member_ids: members.iter().map(|m| (*m).to_owned()).collect(),
    };
    groups::save_group(&w.store, &w.clock, &w.admin, None, &input)
        .unwrap()
        .0
        .id
}

fn relationship_of(w: &World, id: &str) -> Relationship {
    w.store.read(|c| load(c, id)).unwrap()
}

#[test]
fn the_role_table_holds_entra_role_definition_ids_with_both_names() {
    assert_eq!(ENTRA_ROLES.len(), 24);
    let mut ids: Vec<&str> = ENTRA_ROLES.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 24, "ids are unique");
    for role in ENTRA_ROLES {
        let parsed = uuid::Uuid::parse_str(role.id).expect("a GUID");
        assert_eq!(
            parsed.hyphenated().to_string(),
            role.id,
            "lower-case, hyphenated"
        );
        assert!(!role.name_en.is_empty() && !role.name_pl.is_empty());
    }
    assert_eq!(
        roles::name_pl(GLOBAL_ADMINISTRATOR),
        "Administrator globalny"
    );
    for (key, id) in LEGACY_KEYS {
        assert!(roles::find(id).is_some(), "{key} maps into the table");
    }
    let upper = vec![
        format!(" {} ", USER_ADMINISTRATOR.to_uppercase()),
        USER_ADMINISTRATOR.into(),
    ];
    assert_eq!(
        roles::normalize("roles", &upper).unwrap(),
        vec![USER_ADMINISTRATOR]
    );
    let unknown =
        roles::normalize("roles", &["00000000-0000-0000-0000-000000000000".into()]).unwrap_err();
    assert!(
        unknown
            .to_string()
            .contains("not a Microsoft Entra built-in role"),
        "{unknown}"
    );
}

#[test]
fn the_pre_flight_reports_each_check_and_warns_about_global_administrator() {
    let w = world();
    let customer = w.customer("Alfa", "alfa", &[]);
    let check =
        |offer: &RelationshipOffer| super::preflight(&w.store, &w.clock, &w.admin, offer).unwrap();
    let checks = |offer: &RelationshipOffer| -> Vec<(PreflightCheck, Severity)> {
        check(offer)
            .problems
            .iter()
            .map(|p| (p.check, p.severity))
            .collect()
    };
    let fine = request(&customer, "Alfa GDAP", &[USER_ADMINISTRATOR], true);
    assert_eq!(
        check(&fine),
        Preflight {
            ok: true,
            problems: vec![]
        }
    );

    let long = request(&customer, &"N".repeat(51), &[USER_ADMINISTRATOR], false);
    assert_eq!(
        checks(&long),
        vec![(PreflightCheck::DisplayName, Severity::Error)]
    );
    assert!(
        check(&request(
            &customer,
            &"N".repeat(50),
            &[USER_ADMINISTRATOR],
            false
        ))
        .ok
    );

    super::offer(&w.store, &w.clock, &w.admin, &fine).unwrap();
    let taken = request(&customer, "ALFA gdap", &[USER_ADMINISTRATOR], false);
    assert_eq!(
        checks(&taken),
        vec![(PreflightCheck::DisplayNameTaken, Severity::Error)]
    );

    let no_roles = request(&customer, "Beta", &[], false);
    assert_eq!(
        checks(&no_roles),
        vec![(PreflightCheck::Roles, Severity::Error)]
    );
    for days in [0, 731] {
        let offer = RelationshipOffer {
            duration_days: days,
            ..request(&customer, "Beta", &[HELPDESK], false)
        };
        assert_eq!(
            checks(&offer),
            vec![(PreflightCheck::Duration, Severity::Error)],
            "{days}"
        );
    }
    for days in [1, 730] {
        let offer = RelationshipOffer {
            duration_days: days,
            ..request(&customer, "Beta", &[HELPDESK], false)
        };
        assert!(check(&offer).ok, "{days} days is allowed");
    }

    let global = request(&customer, "Beta", &[GLOBAL_ADMINISTRATOR], false);
    let warned = check(&global);
    assert!(warned.ok, "a warning does not stop the request");
    assert_eq!(
        checks(&global),
        vec![(PreflightCheck::GlobalAdministrator, Severity::Warning)]
    );
    assert!(warned.problems[0]
        .text
        .pl
        .contains("Administrator globalny"));
    let extending = request(&customer, "Beta", &[GLOBAL_ADMINISTRATOR], true);
    assert_eq!(
        checks(&extending),
        vec![
            (PreflightCheck::AutoExtend, Severity::Error),
            (PreflightCheck::GlobalAdministrator, Severity::Warning)
        ]
    );
    // Every path refuses what the pre-flight calls an error, with its field.
    let refused = super::offer(&w.store, &w.clock, &w.admin, &taken).unwrap_err();
    assert_eq!(
        (refused.code(), refused.field()),
        (ErrorCode::Conflict, Some("display_name"))
    );
    assert_eq!(
        check_offer(&extending).unwrap_err().field(),
        Some("auto_extend")
    );
    super::offer(&w.store, &w.clock, &w.admin, &global).expect("a warning only");
}

#[test]
fn role_templates_are_edited_by_global_admins_only_and_audited() {
    let w = world();
    let shipped = templates::list_templates(&w.store, &w.clock, &w.admin).unwrap();
    let least = shipped
        .iter()
        .find(|t| t.name.starts_with("Least privilege"))
        .expect("shipped");
    assert_eq!(least.roles.len(), 15);
    assert!(!roles::includes_global_admin(&least.roles));
    assert!(least.roles.iter().all(|r| roles::find(r).is_some()));

    let input = RoleTemplateInput {
        name: "Helpdesk".into(),
        roles: vec![HELPDESK.into()],
    };
    let full_staff = w.staff("Fred Full", R::None, A::Full);
    let billing = w.staff("Bea Billing", R::BillingAdmin, A::Full);
    for who in [&full_staff, &billing] {
        let refused = templates::save_template(&w.store, &w.clock, who, None, &input).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::Forbidden, "{}", who.display_name);
    }
    assert!(
        templates::list_templates(&w.store, &w.clock, &full_staff).is_ok(),
        "who offers relationships reads them"
    );
    let (made, _) = templates::save_template(&w.store, &w.clock, &w.admin, None, &input).unwrap();
    let renamed = RoleTemplateInput {
        name: "Helpdesk plus".into(),
        roles: vec![HELPDESK.into(), USER_ADMINISTRATOR.into()],
    };
    let (changed, _) =
        templates::save_template(&w.store, &w.clock, &w.admin, Some(&made.id), &renamed).unwrap();
    assert_eq!(
        (changed.name.as_str(), changed.roles.len()),
        ("Helpdesk plus", 2)
    );
    let clash = RoleTemplateInput {
        name: "read ONLY".into(),
        roles: vec![HELPDESK.into()],
    };
    assert_eq!(
        templates::save_template(&w.store, &w.clock, &w.admin, None, &clash)
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );
    let bad = RoleTemplateInput {
        name: "Bad".into(),
        roles: vec!["global_admin".into()],
    };
    assert_eq!(
        templates::save_template(&w.store, &w.clock, &w.admin, None, &bad)
            .unwrap_err()
            .field(),
        Some("roles")
    );
    assert_eq!(
        templates::delete_template(&w.store, &w.clock, &full_staff, &made.id)
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    templates::delete_template(&w.store, &w.clock, &w.admin, &made.id).unwrap();
    let actions: Vec<(String, String)> = w
        .audit_actions()
        .into_iter()
        .map(|(a, o, _)| (a, o))
        .collect();
    for action in [
        "role_template.create",
        "role_template.update",
        "role_template.delete",
    ] {
        assert!(
            actions.contains(&(action.to_owned(), "done".to_owned())),
            "{action}"
        );
    }
    assert!(actions.contains(&("role_template.create".to_owned(), "refused".to_owned())));
}

#[test]
fn groups_and_assignments_are_managed_by_who_manages_relationships() {
    let w = world();
    let (_, relationship) = active(&w, &[USER_ADMINISTRATOR, HELPDESK]);
    let limited = w.staff("Lena Limited", R::GlobalAdmin, A::Limited);
    let input = SecurityGroupInput {
        display_name: "Helpdesk".into(),
        object_id: GROUP_OBJECT.into(),
        member_ids: vec![],
    };
    assert_eq!(
        groups::save_group(&w.store, &w.clock, &limited, None, &input)
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    assert_eq!(
        groups::list_groups(&w.store, &w.clock, &limited)
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    let full = w.staff("Fred Full", R::None, A::Full);
    let (made, _) = groups::save_group(&w.store, &w.clock, &full, None, &input).unwrap();
    let not_guid = SecurityGroupInput {
        object_id: "helpdesk".into(),
        ..input.clone()
    };
    assert_eq!(
        groups::save_group(&w.store, &w.clock, &full, None, &not_guid)
            .unwrap_err()
            .field(),
        Some("object_id")
    );
    let assign = AssignmentInput {
        relationship_id: relationship.clone(),
        group_id: made.id.clone(),
        roles: vec![HELPDESK.into()],
    };
    assert_eq!(
        assignments::create_assignment(&w.store, &w.clock, &limited, &assign)
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    assignments::create_assignment(&w.store, &w.clock, &full, &assign).unwrap();
}

#[test]
fn an_assignment_makes_an_active_relationship_usable_and_holds_only_its_roles() {
    let w = world();
    let nina = w.staff("Nina Helpdesk", R::None, A::Full);
    let (customer, relationship) = active(&w, &[USER_ADMINISTRATOR, HELPDESK]);
    let r = relationship_of(&w, &relationship);
    assert!(r.state.is_active() && !r.usable, "approved, not usable yet");
    let helpdesk = group(&w, "Helpdesk", GROUP_OBJECT, &[&nina.id]);

    let outside = AssignmentInput {
        relationship_id: relationship.clone(),
        group_id: helpdesk.clone(),
        roles: vec![USER_ADMINISTRATOR.into(), PASSWORD_ADMINISTRATOR.into()],
    };
    let refused =
        assignments::create_assignment(&w.store, &w.clock, &w.admin, &outside).unwrap_err();
    assert_eq!(refused.field(), Some("roles"));
    assert!(
        refused.to_string().contains("Password Administrator"),
        "{refused}"
    );

    let both = AssignmentInput {
        roles: vec![USER_ADMINISTRATOR.into(), HELPDESK.into()],
        ..outside
    };
    let (made, _) = assignments::create_assignment(&w.store, &w.clock, &w.admin, &both).unwrap();
    assert_eq!(made.status, AssignmentStatus::Active);
    assert!(relationship_of(&w, &relationship).usable);
    assert_eq!(
        assignments::create_assignment(&w.store, &w.clock, &w.admin, &both)
            .unwrap_err()
            .code(),
        ErrorCode::Conflict,
        "one assignment per group and relationship"
    );
    let access = assignments::delegated_access(&w.store, &w.clock, &w.admin, &customer).unwrap();
    assert_eq!(access.staff.len(), 1);
    assert_eq!(access.staff[0].display_name, "Nina Helpdesk");
    assert_eq!(access.staff[0].roles, vec![USER_ADMINISTRATOR, HELPDESK]);

    assert_eq!(
        groups::delete_group(&w.store, &w.clock, &w.admin, &helpdesk)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidState,
        "a group holding roles stays"
    );
    assignments::delete_assignment(&w.store, &w.clock, &w.admin, &made.id).unwrap();
    assert!(!relationship_of(&w, &relationship).usable);
    let after = assignments::delegated_access(&w.store, &w.clock, &w.admin, &customer).unwrap();
    assert!(after.staff.is_empty());
    assert_eq!(after.assignments[0].status, AssignmentStatus::Deleted);
    groups::delete_group(&w.store, &w.clock, &w.admin, &helpdesk).unwrap();
}

#[test]
fn assignments_wait_for_microsoft_to_activate_and_end_with_the_relationship() {
    let w = world();
    let customer = w.customer("Beta", "beta", &[]);
    let (r, _) = super::offer(
        &w.store,
        &w.clock,
        &w.admin,
        &request(&customer, "Beta", &[HELPDESK], false),
    )
    .unwrap();
    record_acceptance(&w.store, &w.clock, &w.admin, &r.id, None).unwrap();
    let g = group(&w, "Helpdesk", GROUP_OBJECT, &[]);
    let input = AssignmentInput {
        relationship_id: r.id.clone(),
        group_id: g,
        roles: vec![HELPDESK.into()],
    };
    let early = assignments::create_assignment(&w.store, &w.clock, &w.admin, &input).unwrap_err();
    assert_eq!(
        early.code(),
        ErrorCode::InvalidState,
        "approved is not active yet"
    );
    w.clock.advance(Duration::minutes(ACTIVE_AFTER_MINUTES));
    apply_clock(&w.store, &w.clock).unwrap();
    assignments::create_assignment(&w.store, &w.clock, &w.admin, &input).unwrap();
    assert!(relationship_of(&w, &r.id).usable);

    terminate(&w.store, &w.clock, &w.admin, &r.id).unwrap();
    let requested = relationship_of(&w, &r.id);
    assert_eq!(requested.state, RelationshipState::TerminationRequested);
    assert!(!requested.usable);
    w.clock
        .advance(Duration::minutes(TERMINATING_AFTER_MINUTES));
    apply_clock(&w.store, &w.clock).unwrap();
    assert_eq!(
        relationship_of(&w, &r.id).state,
        RelationshipState::Terminating
    );
    w.clock.advance(Duration::minutes(
        TERMINATED_AFTER_MINUTES - TERMINATING_AFTER_MINUTES,
    ));
    apply_clock(&w.store, &w.clock).unwrap();
    assert_eq!(
        relationship_of(&w, &r.id).state,
        RelationshipState::Terminated
    );
    let access = assignments::delegated_access(&w.store, &w.clock, &w.admin, &customer).unwrap();
    assert_eq!(access.assignments[0].status, AssignmentStatus::Deleted);
}

#[test]
fn an_acceptance_recorded_late_catches_up_through_every_state() {
    let w = world();
    let customer = w.customer("Gamma", "gamma", &[]);
    let (r, _) = super::offer(
        &w.store,
        &w.clock,
        &w.admin,
        &request(&customer, "Gamma", &[HELPDESK], false),
    )
    .unwrap();
    let accepted = crate::clock::to_rfc3339(crate::clock::Clock::now(&w.clock)).unwrap();
    w.clock.advance(Duration::days(1));
    let (r, _) = record_acceptance(&w.store, &w.clock, &w.admin, &r.id, Some(&accepted)).unwrap();
    assert_eq!(r.state, RelationshipState::Active);
    let details: Vec<String> = w
        .store
        .read(|c| {
            Ok(c.prepare(
                "SELECT detail FROM audit_log WHERE action = 'relationship.clock' ORDER BY seq",
            )?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .unwrap();
    assert_eq!(details, vec!["moved to activating", "activated"]);
}

#[test]
fn auto_extend_is_refused_with_global_administrator_until_it_is_removed() {
    let w = world();
    let (_, relationship) = active(&w, &[GLOBAL_ADMINISTRATOR, HELPDESK]);
    let refused = set_auto_extend(&w.store, &w.clock, &w.admin, &relationship, true).unwrap_err();
    assert_eq!(refused.field(), Some("auto_extend"));
    assert!(!relationship_of(&w, &relationship).auto_extend);

    let g = group(&w, "Admins", GROUP_OBJECT, &[]);
    let input = AssignmentInput {
        relationship_id: relationship.clone(),
        group_id: g,
        roles: vec![GLOBAL_ADMINISTRATOR.into()],
    };
    assignments::create_assignment(&w.store, &w.clock, &w.admin, &input).unwrap();
    let (after, _) = remove_global_admin(&w.store, &w.clock, &w.admin, &relationship).unwrap();
    assert_eq!(after.roles, vec![HELPDESK]);
    assert!(
        !after.usable,
        "the group held only Global Administrator: its assignment is gone"
    );
    assert_eq!(
        remove_global_admin(&w.store, &w.clock, &w.admin, &relationship)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidState
    );
    let (extending, _) =
        set_auto_extend(&w.store, &w.clock, &w.admin, &relationship, true).unwrap();
    assert!(extending.auto_extend);
    assert_eq!(auto_extend_to_graph(extending.auto_extend), "P180D");
    let actions: Vec<String> = w.audit_actions().into_iter().map(|(a, _, _)| a).collect();
    assert!(actions.contains(&"relationship.remove_global_admin".to_owned()));
    assert!(actions.contains(&"relationship.auto_extend".to_owned()));
}

#[test]
fn global_administrator_alone_cannot_be_removed_and_only_active_relationships_change() {
    let w = world();
    let (customer, relationship) = active(&w, &[GLOBAL_ADMINISTRATOR]);
    let alone = remove_global_admin(&w.store, &w.clock, &w.admin, &relationship).unwrap_err();
    assert!(alone.to_string().contains("only role"), "{alone}");
    let (pending, _) = super::offer(
        &w.store,
        &w.clock,
        &w.admin,
        &request(&customer, "Pending", &[HELPDESK], false),
    )
    .unwrap();
    assert_eq!(
        set_auto_extend(&w.store, &w.clock, &w.admin, &pending.id, true)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidState
    );
}

#[test]
fn graph_auto_extend_durations_read_as_on_or_off() {
    assert!(auto_extend_from_graph("P180D").unwrap());
    assert!(!auto_extend_from_graph("P0D").unwrap());
    assert!(!auto_extend_from_graph("PT0S").unwrap());
    assert_eq!(
        auto_extend_from_graph("P90D").unwrap_err().field(),
        Some("auto_extend_duration")
    );
    assert_eq!(auto_extend_to_graph(false), "PT0S");
}

#[test]
fn relationship_events_notify_the_staff_who_manage_relationships() {
    let w = world();
    let (_, relationship) = active(&w, &[HELPDESK]);
    let g = group(&w, "Helpdesk", GROUP_OBJECT, &[]);
    let input = AssignmentInput {
        relationship_id: relationship.clone(),
        group_id: g,
        roles: vec![HELPDESK.into()],
    };
    let (made, _) = assignments::create_assignment(&w.store, &w.clock, &w.admin, &input).unwrap();
    assignments::delete_assignment(&w.store, &w.clock, &w.admin, &made.id).unwrap();
    let events = |who: &crate::auth::Actor| -> Vec<String> {
        let query = crate::notifications::NotificationQuery {
            kind: Some(crate::notifications::KIND_DELEGATED_ADMIN.into()),
            ..Default::default()
        };
        let mut events: Vec<String> = crate::notifications::list(&w.store, &w.clock, who, &query)
            .unwrap()
            .items
            .into_iter()
            .map(|n| {
                assert_eq!(n.object_kind, "relationship");
                n.event
            })
            .collect();
        events.sort();
        events
    };
    assert_eq!(
        events(&w.admin),
        vec![
            "activated",
            "approved",
            "assignment_created",
            "assignment_deleted"
        ]
    );
    let limited = w.staff("Lena Limited", R::None, A::Limited);
    assert!(
        events(&limited).is_empty(),
        "limited access does not manage relationships"
    );
}

#[test]
fn migration_0019_turns_the_old_role_keys_into_role_definition_ids() {
    use rusqlite::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    {
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        // Version 15: the last migration before GDAP's in this branch.
        crate::store::migrations()
            .to_version(&mut conn, 15)
            .unwrap();
        // The sign-up's invitation service and subscription need not exist:
        // the migration must keep its link to the relationship all the same.
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        let at = "2026-11-25T09:00:00.000Z";
        conn.execute(
            "INSERT INTO customers (id, company_name, name_key, default_domain, search_text, created_at, updated_at)
             VALUES ('c1', 'Alfa', 'alfa', 'alfa', 'alfa', ?1, ?1)",
            [at],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO relationships (id, customer_id, display_name, display_name_key, roles, duration_days,
                 auto_extend, state, created_at, created_by, updated_at)
             VALUES ('r1', 'c1', 'Alfa GDAP', 'alfa gdap', 'global_admin,password_admin', 365, 0, 'active', ?1, 'Anna', ?1)",
            [at],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO trial_invitations (id, name, name_key, service_id, language, include_relationship,
                 roles, duration_days, state, created_at, created_by, updated_at)
             VALUES ('t1', 'Trial', 'trial', 'no-such-service', 'pl', 1, 'user_admin,helpdesk_admin', 30, 'draft', ?1, 'Anna', ?1)",
            [at],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO trial_invitation_signups (id, invitation_id, customer_id, subscription_id,
                 relationship_id, new_customer, recorded_at, recorded_by)
             VALUES ('s1', 't1', 'c1', 'no-such-subscription', 'r1', 0, ?1, 'Anna')",
            [at],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO purchase_offers (id, root_id, revision, status, language, valid_until, expires_at,
                 da_display_name, da_roles, da_duration_days, da_auto_extend, created_by, created_at, updated_at)
             VALUES ('o1', 'o1', 1, 'draft', 'pl', '2026-12-31', '2027-01-01T00:00:00.000Z', 'Offer GDAP',
                 'billing_admin,service_support_admin', 90, 0, 'Anna', ?1, ?1)",
            [at],
        )
        .unwrap();
    }
    let clock = crate::clock::ManualClock::at(time::macros::datetime!(2026-12-04 09:00:00 UTC));
    let store = crate::store::Store::open_with(
        &path,
        &crate::store::migrations(),
        crate::store::latest_version(),
        &clock,
    )
    .expect("migrates with foreign keys on");
    let (relationship, invitation, signup, offer): (String, String, String, String) = store
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT roles FROM relationships WHERE id = 'r1'),
                        (SELECT roles FROM trial_invitations WHERE id = 't1'),
                        (SELECT relationship_id FROM trial_invitation_signups WHERE id = 's1'),
                        (SELECT da_roles FROM purchase_offers WHERE id = 'o1')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?)
        })
        .unwrap();
    assert_eq!(
        relationship,
        format!("{GLOBAL_ADMINISTRATOR},{PASSWORD_ADMINISTRATOR}")
    );
    assert_eq!(invitation, format!("{USER_ADMINISTRATOR},{HELPDESK}"));
    assert_eq!(
        offer,
        "b0f54661-2d74-4c50-afa3-1ec803f12efe,f023fd81-a637-4b56-95fd-791ac0226033"
    );
    assert_eq!(signup, "r1", "the sign-up still names its relationship");
    let kept = store.read(|c| load(c, "r1")).unwrap();
    assert_eq!(
        (kept.state, kept.usable),
        (RelationshipState::Active, false)
    );
}

#[test]
fn the_clock_notifies_an_extension_with_its_new_end_and_an_expiry() {
    let w = world();
    let customer = w.customer("Delta", "delta", &[]);
    let short = |name: &str, auto_extend: bool| RelationshipOffer {
        duration_days: 1,
        ..request(&customer, name, &[HELPDESK], auto_extend)
    };
    let extending = w.activate_fully(&customer, &short("Extends", true));
    let ending = w.activate_fully(&customer, &short("Ends", false));
    w.clock.advance(Duration::days(2));
    apply_clock(&w.store, &w.clock).unwrap();
    let query = crate::notifications::NotificationQuery {
        kind: Some(crate::notifications::KIND_DELEGATED_ADMIN.into()),
        ..Default::default()
    };
    let items = crate::notifications::list(&w.store, &w.clock, &w.admin, &query)
        .unwrap()
        .items;
    let extended = items
        .iter()
        .find(|n| n.event == "auto_extended" && n.object_id == extending)
        .expect("the extension notified");
    assert_eq!(
        extended.to_value,
        relationship_of(&w, &extending).ends_at,
        "with the new end"
    );
    assert!(items
        .iter()
        .any(|n| n.event == "expired" && n.object_id == ending));
    assert_eq!(
        relationship_of(&w, &ending).state,
        RelationshipState::Expired
    );
}
