//! Writes as commands (docs/decisions/0049-commands-as-data.md), seen from
//! the webview: a write's reply is the very JSON its core type writes, and an
//! export's file is saved on this machine from the bytes the command returned.

mod support;

use serde_json::{json, Value};
use tauri::ipc::InvokeResponseBody;
use tauri::test::{get_ipc_response, INVOKE_KEY};
use tauri::webview::InvokeRequest;

use support::{harness, invoke, setup_input, Harness};

/// The reply's text exactly as the webview receives it.
fn reply_text(h: &Harness, cmd: &str, args: Value) -> String {
    let body = get_ipc_response(
        &h.window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .unwrap_or_else(|error| panic!("{cmd} refused: {error}"));
    match body {
        InvokeResponseBody::Json(text) => text,
        InvokeResponseBody::Raw(_) => panic!("{cmd} replied with bytes"),
    }
}

#[test]
fn a_writes_reply_is_the_text_its_read_gives_field_order_included() {
    let h = harness();
    invoke(&h.window, "complete_setup", setup_input()).expect("setup");
    let mut profile = setup_input()["input"]["company"].clone();
    profile["partner_id"] = json!("1234567");
    let saved = reply_text(&h, "update_company_profile", json!({ "profile": profile }));
    let read = reply_text(&h, "get_company_profile", json!({}));
    // The company screen compares the saved profile with its draft as text.
    assert_eq!(saved, read);
    assert!(saved.starts_with(r#"{"profile":{"legal_name":"#), "{saved}");
}

#[test]
fn an_export_is_saved_here_from_the_bytes_its_command_returned_and_audited_by_name() {
    let h = harness();
    let exports = tempfile::tempdir().expect("export dir");
    std::env::set_var(partnerdesk_core::store::EXPORT_DIR_ENV, exports.path());
    invoke(&h.window, "complete_setup", setup_input()).expect("setup");
    invoke(
        &h.window,
        "create_customer",
        json!({"input": {"company_name": "Contoso", "default_domain": "contoso"}}),
    )
    .expect("create");
    let exported = invoke(
        &h.window,
        "export_customers_csv",
        json!({"query": {}, "fileType": "csv", "delimiter": "semicolon"}),
    )
    .expect("export");
    assert_eq!(exported["rows"], 1);
    let path = std::path::PathBuf::from(exported["path"].as_str().expect("path"));
    assert_eq!(path.parent(), Some(exports.path()));
    let content = std::fs::read_to_string(&path).expect("the file");
    assert!(
        content.contains("Contoso;contoso.onmicrosoft.com"),
        "{content}"
    );

    let log = invoke(
        &h.window,
        "list_audit",
        json!({"query": {"action": "customer.export"}}),
    )
    .expect("audit");
    let name = path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let detail = log["entries"][0]["detail"]
        .as_str()
        .expect("an entry")
        .to_owned();
    assert_eq!(detail, format!("1 customers as {name}"));
}
