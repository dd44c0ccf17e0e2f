//! Every command that shows something the permission table guards is refused
//! the same way — a typed `forbidden` and an audit entry naming the view —
//! for staff the table refuses and for staff still on a temporary password.
//! The table below names every command the shell has, so a new one must be
//! classified here before this test passes (docs/decisions/0028).

mod support;

use std::collections::BTreeSet;

use partnerdesk_core::audit::{self, AuditQuery};
use partnerdesk_core::Store;
use partnerdesk_lib::commands::names::COMMANDS;
use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::WebviewWindow;

use support::{harness, invoke, setup_input, Harness};

/// The records the views are asked about.
struct Ids {
    customer: Value,
    relationship: Value,
    subscription: Value,
    request: Value,
    invitation: Value,
    offer: Value,
}

enum Kind {
    /// Needs no permission: signing in, the session, the app's own settings.
    Open,
    /// Changes something; refusals of changes are walked by the permission test.
    Write,
    /// Shows something: refused unless the table allows one of `actions`, and
    /// then audited as `audit`.
    View {
        audit: &'static str,
        actions: &'static [&'static str],
        args: fn(&Ids) -> Value,
    },
}
use Kind::{Open, View, Write};

fn none(_: &Ids) -> Value {
    json!({})
}

fn query(_: &Ids) -> Value {
    json!({"query": {}})
}

fn customer(ids: &Ids) -> Value {
    json!({"customerId": ids.customer})
}

fn customer_query(ids: &Ids) -> Value {
    json!({"customerId": ids.customer, "query": {}})
}

/// Every command, by name. Keep it in step with `commands/names.rs`.
fn table() -> Vec<(&'static str, Kind)> {
    vec![
        ("app_info", Open),
        ("get_settings", Open),
        ("update_settings", Open),
        ("update_idle_lock", Write),
        ("session_status", Open),
        ("complete_setup", Open),
        ("sign_in", Open),
        ("sign_out", Open),
        ("lock_session", Open),
        ("unlock_session", Open),
        ("touch_session", Open),
        ("change_own_password", Write),
        (
            "get_company_profile",
            View {
                audit: "company.view",
                actions: &["view_company_profile"],
                args: none,
            },
        ),
        ("update_company_profile", Write),
        (
            "list_staff",
            View {
                audit: "staff.view",
                actions: &["view_staff"],
                args: |_| json!({"filter": {}}),
            },
        ),
        ("create_staff", Write),
        ("update_staff", Write),
        ("set_staff_blocked", Write),
        ("remove_staff", Write),
        ("reset_staff_password", Write),
        (
            "list_audit",
            View {
                audit: "audit.view",
                actions: &["view_audit_log"],
                args: query,
            },
        ),
        (
            "verify_audit",
            View {
                audit: "audit.verify",
                actions: &["verify_audit_log"],
                args: none,
            },
        ),
        (
            "export_audit_csv",
            View {
                audit: "audit.export",
                actions: &["view_audit_log"],
                args: query,
            },
        ),
        (
            "audit_head",
            View {
                audit: "audit.head",
                actions: &["view_audit_log"],
                args: none,
            },
        ),
        ("reanchor_audit_head", Write),
        (
            "list_customers",
            View {
                audit: "customer.list",
                actions: &["view_customers"],
                args: query,
            },
        ),
        (
            "get_customer",
            View {
                audit: "customer.view",
                actions: &["view_customers"],
                args: |ids| json!({"id": ids.customer}),
            },
        ),
        ("create_customer", Write),
        ("update_customer", Write),
        ("set_customer_archived", Write),
        (
            "preview_customer_import",
            View {
                audit: "customer.import",
                actions: &["manage_customers"],
                args: |_| json!({"file": {"bytes": "Y29tcGFueV9uYW1lLGRlZmF1bHRfZG9tYWluCkFsZmEsYWxmYQo="}}),
            },
        ),
        ("import_customers", Write),
        ("cancel_import", Open),
        (
            "export_customers_csv",
            View {
                audit: "customer.export",
                actions: &["view_customers"],
                args: query,
            },
        ),
        (
            "customer_activity",
            View {
                audit: "customer.activity",
                actions: &["view_customers"],
                args: |ids| json!({"id": ids.customer, "beforeSeq": null}),
            },
        ),
        (
            "customer_permissions",
            View {
                audit: "customer.view",
                actions: &["view_customers"],
                args: customer,
            },
        ),
        (
            "list_customer_users",
            View {
                audit: "customer_user.view",
                actions: &["view_customer_users"],
                args: customer_query,
            },
        ),
        (
            "export_customer_users",
            View {
                audit: "customer_user.export",
                actions: &["view_customer_users"],
                args: customer_query,
            },
        ),
        ("create_customer_user", Write),
        ("update_customer_user", Write),
        ("set_customer_user_blocked", Write),
        ("remove_customer_user", Write),
        ("reset_customer_user_password", Write),
        (
            "preview_customer_user_import",
            View {
                audit: "customer_user.import",
                actions: &["manage_customer_users"],
                args: |ids| json!({"customerId": ids.customer, "file": {"bytes": "ZGlzcGxheV9uYW1lLHVzZXJfbmFtZQpFd2EsZXdhQHpvbGMub25taWNyb3NvZnQuY29tCg=="}}),
            },
        ),
        ("import_customer_users", Write),
        (
            "list_relationships",
            View {
                audit: "relationship.list",
                actions: &["view_customers"],
                args: customer,
            },
        ),
        ("offer_relationship", Write),
        ("request_relationship_approval", Write),
        ("record_relationship_acceptance", Write),
        ("terminate_relationship", Write),
        (
            "relationship_message",
            View {
                audit: "relationship.message",
                actions: &["manage_relationships"],
                args: |ids| json!({"id": ids.relationship}),
            },
        ),
        (
            "send_relationship_email",
            View {
                audit: "relationship.message",
                actions: &["manage_relationships"],
                args: |ids| json!({"id": ids.relationship}),
            },
        ),
        (
            "get_link_templates",
            View {
                audit: "link_templates.view",
                actions: &[
                    "edit_link_templates",
                    "manage_relationships",
                    "manage_trial_invitations",
                    "manage_purchase_offers",
                ],
                args: none,
            },
        ),
        ("update_link_templates", Write),
        // The table of Microsoft's built-in roles: a constant, no one's data.
        ("list_entra_roles", Open),
        (
            "preflight_relationship",
            View {
                audit: "relationship.preflight",
                actions: &["manage_relationships"],
                args: |ids| {
                    json!({"offer": {"customer_id": ids.customer, "display_name": "Pre-flight",
                        "roles": ["fe930be7-5e62-47db-91af-98c3a49a38b1"], "duration_days": 30,
                        "auto_extend": false}})
                },
            },
        ),
        (
            "list_role_templates",
            View {
                audit: "role_template.list",
                actions: &["manage_relationships", "edit_role_templates"],
                args: none,
            },
        ),
        ("save_role_template", Write),
        ("delete_role_template", Write),
        (
            "list_security_groups",
            View {
                audit: "security_group.list",
                actions: &["manage_relationships"],
                args: none,
            },
        ),
        ("save_security_group", Write),
        ("delete_security_group", Write),
        (
            "delegated_access",
            View {
                audit: "relationship.access",
                actions: &["view_customers"],
                args: customer,
            },
        ),
        ("create_access_assignment", Write),
        ("delete_access_assignment", Write),
        ("set_relationship_auto_extend", Write),
        ("remove_relationship_global_admin", Write),
        (
            "list_catalog",
            View {
                audit: "catalog.view",
                actions: &["view_catalog"],
                args: none,
            },
        ),
        ("update_service", Write),
        (
            "preview_price_list",
            View {
                audit: "catalog.import",
                actions: &["edit_catalog"],
                args: |_| json!({"file": {"bytes": "UHJvZHVjdElkLFNrdUlkLFRlcm1EdXJhdGlvbixDdXJyZW5jeSxVbml0UHJpY2UsTWFya2V0CkNGUTdUVEMwTEgxOCwwMDAxLFAxTSxQTE4sMSxQTAo="}}),
            },
        ),
        ("import_price_list", Write),
        (
            "list_offer_matrix",
            View {
                audit: "catalog.view",
                actions: &["view_catalog"],
                args: none,
            },
        ),
        (
            "preview_offer_matrix_import",
            View {
                audit: "catalog.offer_matrix_import",
                actions: &["edit_catalog"],
                args: |_| json!({"file": {"bytes": "UHJvZHVjdElkLFNrdUlkLE1heExpY2Vuc2VzCkNGUTdUVEMwTEgxOCwwMDAxLDMwMAo="}}),
            },
        ),
        ("import_offer_matrix", Write),
        (
            "seat_room",
            View {
                audit: "catalog.seat_room",
                actions: &["view_subscriptions"],
                args: |ids| {
                    json!({"customerId": ids.customer,
                        "serviceId": "00000000-0000-4000-8000-000000000000", "others": []})
                },
            },
        ),
        (
            "list_subscriptions",
            View {
                audit: "subscription.list",
                actions: &["view_subscriptions"],
                args: query,
            },
        ),
        (
            "get_subscription",
            View {
                audit: "subscription.view",
                actions: &["view_subscriptions"],
                args: |ids| json!({"id": ids.subscription}),
            },
        ),
        ("add_subscription", Write),
        ("change_subscription_quantity", Write),
        (
            "quote_subscription_quantity",
            View {
                audit: "subscription.quote",
                actions: &["view_subscriptions"],
                args: |ids| json!({"id": ids.subscription, "quantity": 12}),
            },
        ),
        ("apply_subscription_event", Write),
        ("set_subscription_auto_renew", Write),
        ("convert_trial_subscription", Write),
        (
            "subscription_upgrade_targets",
            View {
                audit: "subscription.view",
                actions: &["view_subscriptions"],
                args: |ids| json!({"id": ids.subscription}),
            },
        ),
        ("upgrade_subscription", Write),
        ("set_subscription_partner_of_record", Write),
        ("schedule_trial_conversion", Write),
        ("clear_trial_conversion", Write),
        (
            "list_partner_of_record_claims",
            View {
                audit: "partner_of_record.view",
                actions: &["view_customers"],
                args: |ids| json!({"customerId": ids.customer}),
            },
        ),
        ("claim_partner_of_record", Write),
        ("record_partner_of_record_decline", Write),
        ("remove_partner_of_record", Write),
        (
            "export_subscriptions_csv",
            View {
                audit: "subscription.export",
                actions: &["view_subscriptions"],
                args: query,
            },
        ),
        (
            "service_request_queue",
            View {
                audit: "service_request.queue",
                actions: &["view_all_service_requests", "view_service_requests"],
                args: query,
            },
        ),
        (
            "list_customer_service_requests",
            View {
                audit: "service_request.list",
                actions: &["view_all_service_requests", "view_service_requests"],
                args: customer_query,
            },
        ),
        (
            "get_service_request",
            View {
                audit: "service_request.view",
                actions: &["view_all_service_requests", "view_service_requests"],
                args: |ids| json!({"id": ids.request}),
            },
        ),
        ("create_service_request", Write),
        ("update_service_request", Write),
        ("discard_service_request", Write),
        ("change_service_request_status", Write),
        ("add_service_request_note", Write),
        (
            "list_trial_invitations",
            View {
                audit: "trial_invitation.list",
                actions: &["manage_trial_invitations"],
                args: query,
            },
        ),
        (
            "get_trial_invitation",
            View {
                audit: "trial_invitation.view",
                actions: &["manage_trial_invitations"],
                args: |ids| json!({"id": ids.invitation}),
            },
        ),
        (
            "list_trial_services",
            View {
                audit: "trial_invitation.services",
                actions: &["manage_trial_invitations"],
                args: none,
            },
        ),
        ("create_trial_invitation", Write),
        ("update_trial_invitation", Write),
        ("activate_trial_invitation", Write),
        ("retire_trial_invitation", Write),
        (
            "trial_invitation_message",
            View {
                audit: "trial_invitation.message",
                actions: &["manage_trial_invitations"],
                args: |ids| json!({"id": ids.invitation, "recipients": []}),
            },
        ),
        ("send_trial_invitation_email", Write),
        ("record_trial_invitation_signup", Write),
        (
            "list_offers",
            View {
                audit: "purchase_offer.list",
                actions: &["manage_purchase_offers"],
                args: query,
            },
        ),
        (
            "get_offer",
            View {
                audit: "purchase_offer.view",
                actions: &["manage_purchase_offers"],
                args: |ids| json!({"id": ids.offer}),
            },
        ),
        ("create_offer", Write),
        ("update_offer_draft", Write),
        ("send_offer", Write),
        ("send_offer_email", Write),
        (
            "offer_message",
            View {
                audit: "purchase_offer.message",
                actions: &["manage_purchase_offers"],
                args: |ids| json!({"id": ids.offer, "recipients": []}),
            },
        ),
        (
            "offer_document",
            View {
                audit: "purchase_offer.document",
                actions: &["manage_purchase_offers"],
                args: |ids| json!({"id": ids.offer}),
            },
        ),
        ("withdraw_offer", Write),
        ("decline_offer", Write),
        ("revise_offer", Write),
        ("accept_offer", Write),
        (
            "list_product_keys",
            View {
                audit: "product_key.list",
                actions: &["view_product_keys"],
                args: query,
            },
        ),
        ("add_product_key", Write),
        (
            "preview_product_key_import",
            View {
                audit: "product_key.import",
                actions: &["manage_product_keys"],
                args: |_| json!({"import": {"text": "BCDFG-HJKMP-QRTVW-XY234-6789B", "quantity": 1, "term": "P1Y"}}),
            },
        ),
        ("import_product_keys", Write),
        ("redeem_product_key", Write),
        (
            "list_notifications",
            View {
                audit: "notification.list",
                actions: &["view_notifications"],
                args: query,
            },
        ),
        ("mark_notification_read", Write),
        ("mark_all_notifications_read", Write),
        (
            "get_notification_kinds",
            View {
                audit: "notification.kinds",
                actions: &["view_notifications"],
                args: none,
            },
        ),
        ("set_notification_kinds", Write),
        (
            "dashboard_overview",
            View {
                audit: "dashboard.view",
                actions: &["view_dashboard"],
                args: none,
            },
        ),
        (
            "expiry_calendar",
            View {
                audit: "calendar.view",
                actions: &["view_dashboard"],
                args: none,
            },
        ),
        (
            "export_calendar_ics",
            View {
                audit: "calendar.export",
                actions: &["view_dashboard"],
                args: none,
            },
        ),
        (
            "list_backups",
            View {
                audit: "backup.list",
                actions: &["manage_backups"],
                args: none,
            },
        ),
        ("back_up_now", Write),
        ("restore_backup", Write),
        // Only while the database is damaged, when nobody can sign in (decision 0030).
        ("recovery_backups", Open),
        ("recover_database", Open),
        // Team mode (decision 0054): this machine's own choice of where its
        // workspace is, before anyone signs in; the standalone data is kept.
        ("team_status", Open),
        ("probe_team_server", Open),
        ("connect_team_server", Open),
        ("work_standalone", Open),
    ]
}

#[test]
fn the_table_names_every_command_exactly_once() {
    let named: Vec<&str> = table().into_iter().map(|(name, _)| name).collect();
    let unique: BTreeSet<&str> = named.iter().copied().collect();
    assert_eq!(unique.len(), named.len(), "a command is named twice");
    let commands: BTreeSet<&str> = COMMANDS.iter().copied().collect();
    let unclassified: Vec<_> = commands.difference(&unique).collect();
    let gone: Vec<_> = unique.difference(&commands).collect();
    assert!(
        unclassified.is_empty() && gone.is_empty(),
        "classify each new command in this table (unclassified {unclassified:?}, no longer a command {gone:?})"
    );
}

fn call(h: &Harness, cmd: &str, args: Value) -> Value {
    invoke(&h.window, cmd, args).unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

/// One record of everything the views are asked about, made by the first admin.
fn records(h: &Harness) -> Ids {
    let customer = call(
        h,
        "create_customer",
        json!({"input": {"company_name": "Żółć", "default_domain": "zolc"}}),
    )["id"]
        .clone();
    let offer = json!({"offer": {"customer_id": customer, "display_name": "Żółć GDAP",
        "roles": ["966707d0-3269-4727-9be2-8c3a10f19b9d"], "duration_days": 365, "auto_extend": false}});
    let accepted = call(h, "offer_relationship", offer)["id"].clone();
    call(
        h,
        "record_relationship_acceptance",
        json!({"id": accepted, "acceptedAt": null}),
    );
    let pending = json!({"offer": {"customer_id": customer, "display_name": "Żółć waiting",
        "roles": ["966707d0-3269-4727-9be2-8c3a10f19b9d"], "duration_days": 30, "auto_extend": false, "request_approval": true}});
    let relationship = call(h, "offer_relationship", pending)["id"].clone();
    let service = call(h, "list_catalog", json!({}))[0]["id"].clone();
    let subscription = call(
        h,
        "add_subscription",
        json!({"input": {"customer_id": customer,
        "service_id": service, "quantity": 3, "auto_renew": true}}),
    )["id"]
        .clone();
    let request = call(
        h,
        "create_service_request",
        json!({"customerId": customer, "input": {
        "title": "Outlook", "description": "No mail.", "category": "email_and_calendar",
        "severity": "critical", "contact_name": "Jan", "contact_email": "jan@zolc.pl"}}),
    )["request"]["id"]
        .clone();
    let trial = call(h, "list_trial_services", json!({}))[0]["id"].clone();
    let invitation = call(
        h,
        "create_trial_invitation",
        json!({"input": {"name": "Autumn", "service_id": trial, "language": "en"}}),
    )["invitation"]["id"]
        .clone();
    let offer = call(
        h,
        "create_offer",
        json!({"input": {"customer_id": customer,
        "valid_until": "2099-12-31", "lines": []}}),
    )["offer"]["id"]
        .clone();
    Ids {
        customer,
        relationship,
        subscription,
        request,
        invitation,
        offer,
    }
}

/// Adds a staff member and returns their temporary password.
fn add_staff(h: &Harness, name: &str, email: &str, role: &str, access: &str) -> String {
    let issued = call(
        h,
        "create_staff",
        json!({"input": {"display_name": name, "email": email,
        "role": role, "customer_access": access}}),
    );
    issued["temporary_password"]
        .as_str()
        .expect("password")
        .to_owned()
}

fn newest_audit_entry(store: &Store) -> (String, String, String) {
    let page = audit::list(
        store,
        &AuditQuery {
            limit: Some(1),
            ..AuditQuery::default()
        },
    )
    .expect("audit log");
    let e = &page.entries[0];
    (e.action.clone(), e.outcome.clone(), e.actor_name.clone())
}

/// Calls each view as the signed-in `who`; those `refused` says are refused
/// must come back `forbidden` with a refusal entry naming the view.
fn walk(
    window: &WebviewWindow<MockRuntime>,
    store: &Store,
    ids: &Ids,
    who: &str,
    refused: impl Fn(&[&str]) -> bool,
) -> usize {
    let mut walked = 0;
    for (name, kind) in table() {
        let View {
            audit,
            actions,
            args,
        } = kind
        else {
            continue;
        };
        let before = audit::list(store, &AuditQuery::default())
            .expect("audit")
            .entries[0]
            .seq;
        let result = invoke(window, name, args(ids));
        if !refused(actions) {
            if let Err(error) = &result {
                assert_ne!(error["code"], "forbidden", "{name} for {who}: {error}");
            }
            continue;
        }
        let error = result.expect_err(name);
        assert_eq!(error["code"], "forbidden", "{name} for {who}: {error}");
        let entry = newest_audit_entry(store);
        assert_eq!(
            entry,
            (audit.to_owned(), "refused".to_owned(), who.to_owned()),
            "{name}"
        );
        let after = audit::list(store, &AuditQuery::default())
            .expect("audit")
            .entries[0]
            .seq;
        assert_eq!(after, before + 1, "{name}: one refusal entry");
        walked += 1;
    }
    walked
}

#[test]
fn every_refused_view_is_refused_and_audited_with_its_name() {
    let h = harness();
    let exports = tempfile::tempdir().expect("export dir");
    std::env::set_var(partnerdesk_core::store::EXPORT_DIR_ENV, exports.path());
    let mut setup = setup_input();
    setup["input"]["company"]["authorized_subscription_advisor"] = json!(true);
    call(&h, "complete_setup", setup);
    let ids = records(&h);
    let store = Store::open(&h.dir.path().join("partnerdesk.sqlite3")).expect("second handle");
    let tom = add_staff(
        &h,
        "Tom Temporary",
        "tom@contoso.pl",
        "global_admin",
        "full",
    );
    let nina = add_staff(&h, "Nina Nobody", "nina@contoso.pl", "none", "none");
    let views = table()
        .iter()
        .filter(|(_, k)| matches!(k, View { .. }))
        .count();

    // A temporary password refuses every view, whatever the role.
    call(&h, "sign_out", json!({}));
    call(
        &h,
        "sign_in",
        json!({"email": "tom@contoso.pl", "password": tom}),
    );
    let walked = walk(&h.window, &store, &ids, "Tom Temporary", |_| true);
    assert_eq!(walked, views);

    // The table refuses what Nina's role and access do not include.
    call(&h, "sign_out", json!({}));
    call(
        &h,
        "sign_in",
        json!({"email": "nina@contoso.pl", "password": nina}),
    );
    call(
        &h,
        "change_own_password",
        json!({"change": {"current_password": nina,
        "new_password": "ninas own long password"}}),
    );
    let status = call(&h, "session_status", json!({}));
    let allowed: BTreeSet<String> = status["session"]["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter(|p| p["allowed"] == true)
        .map(|p| p["action"].as_str().expect("action").to_owned())
        .collect();
    let walked = walk(&h.window, &store, &ids, "Nina Nobody", |actions| {
        actions.iter().all(|a| !allowed.contains(*a))
    });
    assert!(walked >= 30, "most views are refused to Nina: {walked}");
    assert!(
        walked < views,
        "and some are hers: the dashboard, the catalog"
    );
}
