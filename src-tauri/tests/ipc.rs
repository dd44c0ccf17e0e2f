//! IPC round trips through Tauri's mock runtime, with the real configuration
//! and capabilities: what the webview sends, what it gets back.

mod support;

use std::sync::{Arc, Mutex};

use partnerdesk_core::clock::SystemClock;
use partnerdesk_core::Store;
use partnerdesk_lib::commands::names::COMMANDS;
use partnerdesk_lib::commands::CHANGE_EVENT;
use partnerdesk_lib::state::AppState;
use serde_json::{json, Value};
use tauri::Listener;

use support::{harness, harness_with, invoke, setup_input};

#[test]
fn settings_round_trip_and_announce_the_change() {
    let h = harness();
    let events = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::clone(&events);
    h.app.listen_any(CHANGE_EVENT, move |event| {
        seen.lock().expect("lock").push(event.payload().to_owned());
    });

    let initial = invoke(&h.window, "get_settings", json!({})).expect("get_settings");
    assert_eq!(initial, json!({"language": "system", "theme": "system"}));

    let saved = invoke(
        &h.window,
        "update_settings",
        json!({"update": {"language": "pl"}}),
    )
    .expect("update_settings");
    assert_eq!(saved["language"], "pl");
    assert_eq!(saved["theme"], "system");

    let payloads = events.lock().expect("lock").clone();
    assert_eq!(
        payloads.len(),
        1,
        "one change event per write: {payloads:?}"
    );
    let change: Value = serde_json::from_str(&payloads[0]).expect("change json");
    assert_eq!(change, json!({"entity": "settings", "ids": []}));
}

#[test]
fn a_validation_error_arrives_typed_with_its_field_and_announces_nothing() {
    let h = harness();
    let events = Arc::new(Mutex::new(0usize));
    let count = Arc::clone(&events);
    h.app.listen_any(CHANGE_EVENT, move |_| {
        *count.lock().expect("lock") += 1;
    });

    let error = invoke(
        &h.window,
        "update_settings",
        json!({"update": {"language": "de"}}),
    )
    .expect_err("refused");
    assert_eq!(error["code"], "validation");
    assert_eq!(error["field"], "language");
    assert!(error["message"]
        .as_str()
        .expect("message")
        .contains("system, pl, en"));
    assert_eq!(
        error["text"]["en"], error["message"],
        "the English is the message"
    );
    let polish = error["text"]["pl"].as_str().expect("the Polish text");
    assert!(
        polish.contains("wybierz jedną z: system, pl, en"),
        "{polish}"
    );
    assert_eq!(*events.lock().expect("lock"), 0);
    let unchanged = invoke(&h.window, "get_settings", json!({})).expect("get_settings");
    assert_eq!(unchanged["language"], "system");
}

#[test]
fn a_store_that_failed_to_open_is_explained_by_every_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("partnerdesk.sqlite3");
    drop(Store::open(&path).expect("create"));
    mark_as_written_by_newer_build(&path);
    let state = AppState::new(
        Store::open(&path).map_err(Into::into),
        Arc::new(SystemClock),
    );
    let h = harness_with(dir, state);
    let error = invoke(&h.window, "app_info", json!({})).expect_err("refused");
    assert_eq!(error["code"], "storage");
    assert!(error["message"]
        .as_str()
        .expect("message")
        .contains("newer version of Partnerdesk"));
    assert!(error["text"]["pl"]
        .as_str()
        .expect("the Polish text")
        .contains("nowsza wersja Partnerdesk"));
}

#[test]
fn app_info_reports_the_database_in_use() {
    let h = harness();
    let info = invoke(&h.window, "app_info", json!({})).expect("app_info");
    assert!(info["database_path"]
        .as_str()
        .expect("path")
        .ends_with("partnerdesk.sqlite3"));
    assert!(info["schema_version"].as_u64().expect("number") >= 1);
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn every_command_is_granted_to_the_main_window_and_nothing_else_is() {
    let capability: Value = serde_json::from_str(include_str!("../capabilities/main-window.json"))
        .expect("capability json");
    assert_eq!(capability["windows"], json!(["main"]));
    let granted: Vec<String> = capability["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| p.as_str().expect("string").to_owned())
        .collect();
    let mut expected: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    expected.extend(["core:event:allow-listen", "core:event:allow-unlisten"].map(String::from));
    let mut sorted = granted.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected);
}

#[test]
fn a_service_request_travels_its_lifecycle_over_ipc() {
    let h = harness();
    invoke(&h.window, "complete_setup", setup_input()).expect("setup");
    let customer = invoke(
        &h.window,
        "create_customer",
        json!({"input": {"company_name": "Żółć", "default_domain": "zolc"}}),
    )
    .expect("customer");
    let customer_id = customer["id"].as_str().expect("id").to_owned();
    let offer = json!({"offer": {"customer_id": customer_id, "display_name": "Żółć GDAP",
        "roles": ["966707d0-3269-4727-9be2-8c3a10f19b9d"], "duration_days": 365, "auto_extend": false}});
    let relationship = invoke(&h.window, "offer_relationship", offer).expect("offer");
    invoke(
        &h.window,
        "record_relationship_acceptance",
        json!({"id": relationship["id"], "acceptedAt": null}),
    )
    .expect("accept");
    let input = json!({"title": "Outlook", "description": "No mail.", "category": "email_and_calendar",
        "severity": "critical", "contact_name": "Jan", "contact_email": "jan@zolc.pl"});
    let mut urgent = input.clone();
    urgent["severity"] = json!("urgent");
    let bad = invoke(
        &h.window,
        "create_service_request",
        json!({"customerId": customer_id, "input": urgent}),
    )
    .expect_err("not a severity");
    assert_eq!(bad["field"], "severity");
    let created = invoke(
        &h.window,
        "create_service_request",
        json!({"customerId": customer_id, "input": input}),
    )
    .expect("create");
    assert_eq!(created["request"]["reference"], "SR-000001");
    assert_eq!(
        created["events"],
        json!(["submit", "edit", "discard", "add_note"])
    );
    let id = created["request"]["id"].clone();
    let open = invoke(
        &h.window,
        "change_service_request_status",
        json!({"id": id, "event": "submit", "note": null}),
    )
    .expect("submit");
    assert_eq!(open["request"]["status"], "open");
    let closed = invoke(
        &h.window,
        "change_service_request_status",
        json!({"id": id, "event": "close", "note": "Fixed."}),
    )
    .expect("close");
    assert_eq!(closed["notes"][0]["body"], "Fixed.");
    let refused = invoke(
        &h.window,
        "add_service_request_note",
        json!({"id": id, "body": "late"}),
    )
    .expect_err("closed");
    assert_eq!(refused["code"], "invalid_state");
    let queue = invoke(
        &h.window,
        "service_request_queue",
        json!({"query": {"status": "closed"}}),
    )
    .expect("queue");
    assert_eq!(queue["total"], 1);
    let mine = invoke(
        &h.window,
        "list_customer_service_requests",
        json!({"customerId": customer_id, "query": {}}),
    )
    .expect("customer list");
    assert_eq!(mine["manage"]["allowed"], true);
}

#[test]
fn a_trial_invitation_is_drafted_activated_sent_and_signed_up_to_over_ipc() {
    let h = harness();
    let mut setup = setup_input();
    setup["input"]["company"]["partner_id"] = json!("1234567");
    setup["input"]["company"]["authorized_subscription_advisor"] = json!(true);
    invoke(&h.window, "complete_setup", setup).expect("setup");
    let services = invoke(&h.window, "list_trial_services", json!({})).expect("services");
    let service_id = services[0]["id"].clone();
    assert!(services[0]["trial_days"].as_u64().unwrap() > 0);

    let bad = invoke(
        &h.window,
        "create_trial_invitation",
        json!({"input": {"name": "Autumn", "service_id": "", "language": ""}}),
    )
    .expect_err("no service");
    assert_eq!(bad["field"], "service_id");
    let draft = invoke(
        &h.window,
        "create_trial_invitation",
        json!({"input": {"name": "Autumn", "service_id": service_id, "language": "en",
            "relationship": {"roles": ["fe930be7-5e62-47db-91af-98c3a49a38b1"], "duration_days": 90, "auto_extend": false}}}),
    )
    .expect("draft");
    assert_eq!(draft["invitation"]["state"], "draft");
    assert!(draft.get("link").is_none(), "a draft has no link");
    let id = draft["invitation"]["id"].clone();
    let active =
        invoke(&h.window, "activate_trial_invitation", json!({"id": id})).expect("activate");
    assert_eq!(active["events"], json!(["retire", "send", "record_signup"]));
    assert!(active["link"]
        .as_str()
        .unwrap()
        .ends_with("&msppid=1234567"));

    // Sending records the recipients, then opens the mail client (here, the recorder).
    let recorder = mail_recorder();
    let refused = invoke(
        &h.window,
        "send_trial_invitation_email",
        json!({"id": id, "recipients": ["not an address"]}),
    )
    .expect_err("bad address");
    assert_eq!(refused["field"], "recipients");
    invoke(
        &h.window,
        "send_trial_invitation_email",
        json!({"id": id, "recipients": ["jan@zolc.pl"]}),
    )
    .expect("send");
    let mail = std::fs::read_to_string(recorder).expect("recorded mail");
    assert!(
        mail.lines()
            .any(|m| m.starts_with("mailto:jan%40zolc.pl?subject=")),
        "{mail}"
    );

    let signed = invoke(
        &h.window,
        "record_trial_invitation_signup",
        json!({"id": id, "signup": {"customer": {"company_name": "Żółć", "default_domain": "zolc"}}}),
    )
    .expect("sign-up");
    assert_eq!(signed["signups"][0]["customer_name"], "Żółć");
    assert_eq!(signed["recipients"][0]["email"], "jan@zolc.pl");
    let again = invoke(
        &h.window,
        "record_trial_invitation_signup",
        json!({"id": id, "signup": {"customer_id": signed["signups"][0]["customer_id"]}}),
    )
    .expect_err("one trial per service");
    assert_eq!(
        (again["code"].clone(), again["field"].clone()),
        (json!("conflict"), json!("trial"))
    );
    let page = invoke(&h.window, "list_trial_invitations", json!({"query": {}})).expect("list");
    assert_eq!(page["rows"][0]["signup_count"], 1);
    let retired = invoke(&h.window, "retire_trial_invitation", json!({"id": id})).expect("retire");
    assert_eq!(retired["invitation"]["state"], "retired");
}

/// Marks the database as written by a future build, without going through the store.
/// The debug build's mail recorder (`commands/mail.rs`), one file for the
/// whole test process: the variable is process-wide and tests run in parallel,
/// so each test looks for its own message among the lines.
fn mail_recorder() -> &'static std::path::Path {
    static RECORDER: std::sync::OnceLock<(tempfile::TempDir, std::path::PathBuf)> =
        std::sync::OnceLock::new();
    &RECORDER
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("mail.txt");
            std::env::set_var("PARTNERDESK_TEST_MAIL_RECORDER", &path);
            (dir, path)
        })
        .1
}

fn mark_as_written_by_newer_build(path: &std::path::Path) {
    // SQLite keeps user_version as a big-endian u32 at byte offset 60 of the header.
    let mut bytes = std::fs::read(path).expect("read db");
    bytes[60..64].copy_from_slice(&999u32.to_be_bytes());
    std::fs::write(path, bytes).expect("write db");
}

#[test]
fn commands_need_a_session_and_refusals_carry_their_reason() {
    let h = harness();
    let status = invoke(&h.window, "session_status", json!({})).expect("status");
    assert_eq!(status, json!({"state": "setup_required"}));
    let anonymous = invoke(&h.window, "list_staff", json!({"filter": {}})).expect_err("refused");
    assert_eq!(anonymous["code"], "unauthenticated");

    let session = invoke(&h.window, "complete_setup", setup_input()).expect("setup");
    assert_eq!(session["staff"]["role"], "global_admin");
    assert_eq!(session["company_name"], "Contoso Partner Sp. z o.o.");
    let issued = invoke(
        &h.window,
        "create_staff",
        json!({"input": {"display_name": "Bea", "email": "bea@contoso.pl",
                          "role": "billing_admin", "customer_access": "none"}}),
    )
    .expect("create");
    let temporary = issued["temporary_password"]
        .as_str()
        .expect("password")
        .to_owned();
    invoke(&h.window, "sign_out", json!({})).expect("sign out");

    let bea = invoke(
        &h.window,
        "sign_in",
        json!({"email": "BEA@contoso.pl", "password": temporary}),
    )
    .expect("sign in");
    assert_eq!(bea["staff"]["must_change_password"], true);
    invoke(
        &h.window,
        "change_own_password",
        json!({"change": {"current_password": temporary, "new_password": "beas own password"}}),
    )
    .expect("change password");
    let refused = invoke(&h.window, "list_staff", json!({"filter": {}})).expect_err("refused");
    assert_eq!(refused["code"], "forbidden");
    assert_eq!(refused["reason"], "role_required");
    let profile = invoke(&h.window, "get_company_profile", json!({})).expect("read-only view");
    assert_eq!(profile["profile"]["country"], "PL");
}

#[test]
fn absent_optional_fields_are_left_out_not_sent_as_null() {
    let h = harness();
    invoke(&h.window, "complete_setup", setup_input()).expect("setup");
    let page = invoke(&h.window, "list_customers", json!({"query": {}})).expect("list");
    assert_eq!(page["total"], 0);
    assert!(
        page.get("next_cursor").is_none(),
        "the generated type says `next_cursor?: string`: {page}"
    );
    let created = invoke(
        &h.window,
        "create_customer",
        json!({"input": {"company_name": "Żółć", "default_domain": "zolc"}}),
    )
    .expect("create");
    assert!(created.get("tenant_id").is_none(), "{created}");
}

#[test]
fn a_purchase_offer_is_drafted_sent_by_mail_and_accepted_over_ipc() {
    let h = harness();
    let recorder = mail_recorder();
    let mut setup = setup_input();
    setup["input"]["company"]["partner_id"] = json!("1234567");
    setup["input"]["company"]["authorized_subscription_advisor"] = json!(true);
    invoke(&h.window, "complete_setup", setup).expect("setup");
    let customer = invoke(
        &h.window,
        "create_customer",
        json!({"input": {"company_name": "Żółć", "default_domain": "zolc", "contact_email": "it@zolc.pl"}}),
    )
    .expect("customer");
    let catalog = invoke(&h.window, "list_catalog", json!({})).expect("catalog");
    let service = &catalog[0];
    let draft = invoke(
        &h.window,
        "create_offer",
        json!({"input": {"customer_id": customer["id"], "valid_until": "2099-12-31", "lines": []}}),
    )
    .expect("draft");
    let id = draft["offer"]["id"].clone();
    assert_eq!(draft["offer"]["status"], "draft");
    let line = json!({"service_id": service["id"], "quantity": 3,
        "unit_price_minor": service["unit_price_minor"], "discount_bp": 0});
    let saved = invoke(
        &h.window,
        "update_offer_draft",
        json!({"id": id, "input": {"customer_id": customer["id"], "valid_until": "2099-12-31", "lines": [line]}}),
    )
    .expect("autosave");
    assert_eq!(saved["lines"][0]["quantity"], 3);
    let sent = invoke(
        &h.window,
        "send_offer_email",
        json!({"id": id, "recipients": ["boss@zolc.pl"]}),
    )
    .expect("send by mail");
    assert_eq!(sent["offer"]["status"], "sent");
    assert_eq!(sent["recipients"][0]["email"], "boss@zolc.pl");
    let mail = std::fs::read_to_string(recorder).expect("recorded mail");
    assert!(
        mail.lines()
            .any(|m| m.starts_with("mailto:boss%40zolc.pl?subject=")),
        "{mail}"
    );
    let document = invoke(&h.window, "offer_document", json!({"id": id})).expect("document");
    assert!(document.as_str().expect("html").contains("Żółć"));
    let accepted = invoke(
        &h.window,
        "accept_offer",
        json!({"id": id, "input": {"lines": [{"line_id": saved["lines"][0]["id"], "quantity": 4}]}}),
    )
    .expect("accept");
    assert_eq!(accepted["offer"]["status"], "accepted");
    assert_eq!(accepted["lines"][0]["accepted_quantity"], 4);
}
