//! One sample of every command, written as a client would send it, and the
//! full list of command names as serde knows them, so a new variant without
//! a sample fails `every_variant_has_a_sample`.

use serde_json::{json, Value};

use super::Command;

const ID: &str = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
/// `a,b\r\n1,2\r\n` in base64: a file travels as its bytes.
const FILE: &str = "YSxiDQoxLDINCg==";

fn customer() -> Value {
    json!({ "company_name": "Contoso", "default_domain": "contoso" })
}

fn customers_and_users() -> Vec<Value> {
    let user = json!({ "display_name": "Jan", "user_name": "jan" });
    vec![
        json!({ "command": "create_customer", "input": customer() }),
        json!({ "command": "update_customer", "id": ID, "input": customer() }),
        json!({ "command": "set_customer_archived", "id": ID, "archived": true }),
        json!({ "command": "import_customers", "mode": "valid_rows",
                "import": { "file": { "bytes": FILE, "delimiter": "comma" },
                            "record_relationship": true } }),
        json!({ "command": "create_customer_user", "customer_id": ID, "input": user }),
        json!({ "command": "update_customer_user", "id": ID, "input": user }),
        json!({ "command": "set_customer_user_blocked", "id": ID, "blocked": false }),
        json!({ "command": "remove_customer_user", "id": ID }),
        json!({ "command": "reset_customer_user_password", "id": ID }),
        json!({ "command": "import_customer_users", "customer_id": ID,
                "file": { "bytes": FILE }, "mode": "all_or_nothing" }),
    ]
}

fn staff() -> Vec<Value> {
    let member = json!({ "display_name": "Ewa", "email": "ewa@contoso.pl",
                         "role": "billing_admin", "customer_access": "limited" });
    vec![
        json!({ "command": "create_staff", "input": member }),
        json!({ "command": "update_staff", "id": ID, "input": member }),
        json!({ "command": "set_staff_blocked", "id": ID, "blocked": true }),
        json!({ "command": "remove_staff", "id": ID }),
        json!({ "command": "reset_staff_password", "id": ID }),
        json!({ "command": "change_own_password",
                "change": { "current_password": "old one", "new_password": "new one" } }),
    ]
}

fn subscriptions() -> Vec<Value> {
    let conversion =
        json!({ "quantity": 5, "term": "P1Y", "billing_plan": "monthly", "auto_renew": true });
    vec![
        json!({ "command": "add_subscription",
                "input": { "customer_id": ID, "service_id": "m365-bp", "quantity": 3,
                           "term": "P1M", "auto_renew": true, "trial": false } }),
        json!({ "command": "change_subscription_quantity", "id": ID, "quantity": 4,
                "reason": "new hires" }),
        json!({ "command": "apply_subscription_event", "id": ID, "event": "suspend",
                "reason": "unpaid" }),
        json!({ "command": "set_subscription_auto_renew", "id": ID, "auto_renew": false }),
        json!({ "command": "convert_trial_subscription", "id": ID, "conversion": conversion }),
        json!({ "command": "upgrade_subscription", "id": ID,
                "upgrade": { "service_id": "m365-e3", "quantity": 3 } }),
        json!({ "command": "set_subscription_partner_of_record", "id": ID,
                "partner_of_record": true }),
        json!({ "command": "schedule_trial_conversion", "id": ID, "conversion": conversion }),
        json!({ "command": "clear_trial_conversion", "id": ID }),
    ]
}

fn offers() -> Vec<Value> {
    let draft = json!({ "prospect_name": "Fabrikam", "prospect_email": "it@fabrikam.pl",
                        "language": "pl", "valid_until": "2026-12-31", "note": "",
                        "lines": [{ "service_id": "m365-bp", "quantity": 2,
                                    "unit_price_minor": 5200, "discount_bp": 500 }] });
    let counts = json!([{ "line_id": ID, "quantity": 1 }]);
    vec![
        json!({ "command": "create_offer", "input": draft }),
        json!({ "command": "update_offer_draft", "id": ID, "input": draft }),
        json!({ "command": "send_offer", "id": ID, "recipients": ["it@fabrikam.pl"] }),
        json!({ "command": "withdraw_offer", "id": ID }),
        json!({ "command": "decline_offer", "id": ID }),
        json!({ "command": "revise_offer", "id": ID, "counts": counts }),
        json!({ "command": "accept_offer", "id": ID,
                "input": { "lines": counts, "customer": customer() } }),
    ]
}

fn trial_invitations() -> Vec<Value> {
    let invitation = json!({ "name": "Spring", "service_id": "m365-bp", "language": "en" });
    vec![
        json!({ "command": "create_trial_invitation", "input": invitation }),
        json!({ "command": "update_trial_invitation", "id": ID, "input": invitation }),
        json!({ "command": "activate_trial_invitation", "id": ID }),
        json!({ "command": "retire_trial_invitation", "id": ID }),
        json!({ "command": "send_trial_invitation_email", "id": ID,
                "recipients": ["it@fabrikam.pl"] }),
        json!({ "command": "record_trial_invitation_signup", "id": ID,
                "signup": { "customer": customer() } }),
    ]
}

fn product_keys() -> Vec<Value> {
    vec![
        json!({ "command": "add_product_key",
                "input": { "key": "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY", "service_id": "m365-bp",
                           "quantity": 5, "term": "P1Y" } }),
        json!({ "command": "import_product_keys", "mode": "valid_rows",
                "import": { "text": "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY", "service_id": "m365-bp",
                            "quantity": 1, "term": "P1Y" } }),
        json!({ "command": "redeem_product_key",
                "redemption": { "key_id": ID, "customer_id": ID, "mode": "new_subscription",
                                "auto_renew": true } }),
    ]
}

fn relationships() -> Vec<Value> {
    let offer = json!({ "customer_id": ID, "display_name": "Contoso support",
                        "roles": ["User Administrator"], "duration_days": 730,
                        "auto_extend": true, "request_approval": false });
    let links = json!({ "trial_invitation": "https://t/{id}", "purchase_offer": "https://p/{id}",
                        "reseller_relationship": "https://r", "granular_relationship": "https://g" });
    vec![
        json!({ "command": "offer_relationship", "offer": offer }),
        json!({ "command": "request_relationship_approval", "id": ID }),
        json!({ "command": "record_relationship_acceptance", "id": ID,
                "accepted_at": "2026-11-25T09:00:00Z" }),
        json!({ "command": "terminate_relationship", "id": ID }),
        json!({ "command": "set_relationship_auto_extend", "id": ID, "auto_extend": false }),
        json!({ "command": "remove_relationship_global_admin", "id": ID }),
        json!({ "command": "update_link_templates", "templates": links }),
        json!({ "command": "save_role_template", "id": null,
                "input": { "name": "Helpdesk", "roles": ["Helpdesk Administrator"] } }),
        json!({ "command": "delete_role_template", "id": ID }),
        json!({ "command": "save_security_group", "id": ID,
                "input": { "display_name": "Tier 1", "object_id": ID, "member_ids": [ID] } }),
        json!({ "command": "delete_security_group", "id": ID }),
        json!({ "command": "create_access_assignment",
                "input": { "relationship_id": ID, "group_id": ID, "roles": ["Reader"] } }),
        json!({ "command": "delete_access_assignment", "id": ID }),
    ]
}

fn service_requests() -> Vec<Value> {
    let request = json!({ "title": "Mailbox full", "description": "It is full",
                          "category": "exchange", "severity": "b", "contact_name": "Jan",
                          "contact_email": "jan@contoso.pl", "contact_phone": "" });
    vec![
        json!({ "command": "create_service_request", "customer_id": ID, "input": request }),
        json!({ "command": "update_service_request", "id": ID, "input": request }),
        json!({ "command": "discard_service_request", "id": ID }),
        json!({ "command": "change_service_request_status", "id": ID, "event": "close",
                "note": "Solved" }),
        json!({ "command": "add_service_request_note", "id": ID, "body": "Called back" }),
    ]
}

fn everything_else() -> Vec<Value> {
    vec![
        json!({ "command": "mark_notification_read", "id": ID }),
        json!({ "command": "mark_all_notifications_read" }),
        json!({ "command": "set_notification_kinds",
                "settings": [{ "kind": "subscription_expiring", "enabled": false }] }),
        json!({ "command": "claim_partner_of_record", "customer_id": ID, "workload": "azure" }),
        json!({ "command": "record_partner_of_record_decline", "customer_id": ID,
                "workload": "azure", "reason": "declined by the customer" }),
        json!({ "command": "remove_partner_of_record", "customer_id": ID, "workload": "azure",
                "reason": "moved away" }),
        json!({ "command": "update_service", "id": "m365-bp",
                "input": { "title": "Business Premium", "unit_price_minor": 9900,
                           "currency": "PLN", "trial_days": 30, "decrease_window_days": 7 } }),
        json!({ "command": "import_price_list", "file": { "bytes": FILE }, "mode": "valid_rows" }),
        json!({ "command": "import_offer_matrix", "file": { "bytes": FILE, "encoding": "utf8" },
                "mode": "valid_rows" }),
        json!({ "command": "update_company_profile",
                "profile": serde_json::to_value(crate::testing::company()).unwrap() }),
        json!({ "command": "update_idle_lock", "minutes": 15 }),
    ]
}

fn audited_reads() -> Vec<Value> {
    vec![
        json!({ "command": "export_customers_csv", "query": { "search": "contoso" },
                "file_type": "csv", "delimiter": "semicolon" }),
        json!({ "command": "export_subscriptions_csv", "query": {}, "file_type": "xlsx",
                "delimiter": null }),
        json!({ "command": "export_customer_users", "customer_id": ID, "query": {},
                "file_type": null, "delimiter": "tab" }),
        json!({ "command": "export_audit_csv", "query": { "outcome": "refused" },
                "file_type": "csv", "delimiter": "comma" }),
        json!({ "command": "export_calendar_ics" }),
        json!({ "command": "verify_audit", "noted": { "seq": 12, "hash": "0123abcd" } }),
    ]
}

/// Every sample, decoded as the executing side decodes what it receives.
pub(super) fn samples() -> Vec<Command> {
    [
        customers_and_users(),
        staff(),
        subscriptions(),
        offers(),
        trial_invitations(),
        product_keys(),
        relationships(),
        service_requests(),
        everything_else(),
        audited_reads(),
    ]
    .concat()
    .into_iter()
    .map(|sample| {
        serde_json::from_value(sample.clone())
            .unwrap_or_else(|error| panic!("{sample} is not a command: {error}"))
    })
    .collect()
}

/// The command's name: its JSON tag.
pub(super) fn tag_of(command: &Command) -> String {
    let value = serde_json::to_value(command).expect("a command serialises");
    value["command"].as_str().expect("tagged").to_owned()
}

/// Every command name, from serde itself: an unknown name is refused with the
/// list of the known ones, so no list here can fall behind the enum.
pub(super) fn every_tag() -> Vec<String> {
    let error = serde_json::from_str::<Command>(r#"{"command":"?"}"#).unwrap_err();
    let message = error.to_string();
    let (_, known) = message
        .split_once("expected one of ")
        .unwrap_or_else(|| panic!("unexpected refusal: {message}"));
    known
        .split(", ")
        .map(|name| {
            name.trim_matches(|c: char| c == '`' || !c.is_ascii())
                .to_owned()
        })
        .map(|name| name.split('`').next().unwrap_or_default().to_owned())
        .collect()
}
