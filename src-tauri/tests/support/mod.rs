//! The shell's test harness: the real app on Tauri's mock runtime, one
//! window, and a way to call a command as the webview would.

#![allow(dead_code)] // each test binary uses its own part

use std::sync::Arc;

use partnerdesk_core::clock::SystemClock;
use partnerdesk_core::Store;
use partnerdesk_lib::{app_builder, state::AppState};
use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

pub struct Harness {
    pub dir: tempfile::TempDir,
    pub app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
}

pub fn harness() -> Harness {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("partnerdesk.sqlite3"));
    let state = AppState::new(store.map_err(Into::into), Arc::new(SystemClock));
    harness_with(dir, state)
}

pub fn harness_with(dir: tempfile::TempDir, state: AppState) -> Harness {
    let app = app_builder(mock_builder(), state)
        .build(tauri::generate_context!())
        .expect("app builds");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("main window");
    Harness { dir, app, window }
}

pub fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    invoke_with_headers(window, cmd, args, Default::default())
}

/// [`invoke`] with request headers, as the webview's `invoke(cmd, args, { headers })` sends them.
pub fn invoke_with_headers(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
    headers: tauri::http::HeaderMap,
) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: tauri::ipc::InvokeBody::Json(args),
            headers,
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().expect("json body"))
}

pub fn setup_input() -> Value {
    json!({"input": {
        "company": {
            "legal_name": "Contoso Partner Sp. z o.o.", "street": "", "city": "", "postal_code": "",
            "country": "PL", "phone": "", "email": "", "website": "", "partner_id": "",
            "partner_tenant_id": "", "authorized_delegated_admin": true,
            "authorized_subscription_advisor": false, "default_currency": "PLN", "default_language": "pl"
        },
        "display_name": "Anna Admin", "email": "anna@contoso.pl", "password": "a long enough password"
    }})
}
