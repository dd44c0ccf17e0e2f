//! The idle lock counts only what the person started: the app's own calls
//! (the bell's refresh, the refreshes after a change event such as the hourly
//! clock's) check the session but do not keep it open.

mod support;

use std::sync::Arc;

use partnerdesk_core::clock::{Clock, ManualClock, SystemClock};
use partnerdesk_core::Store;
use partnerdesk_lib::commands::activity::ACTIVITY_HEADER;
use partnerdesk_lib::commands::names::{BACKGROUND_COMMANDS, COMMANDS};
use partnerdesk_lib::state::AppState;
use serde_json::{json, Value};
use tauri::http::{HeaderMap, HeaderValue};
use time::Duration;

use support::{harness_with, invoke, invoke_with_headers, setup_input, Harness};

/// Signed in as the first admin, on a clock the test moves (default idle lock: 15 minutes).
fn signed_in() -> (Harness, Arc<ManualClock>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("partnerdesk.sqlite3"));
    let clock = Arc::new(ManualClock::at(SystemClock.now()));
    let state = AppState::new(
        store.map_err(Into::into),
        Arc::clone(&clock) as Arc<dyn Clock>,
    );
    let h = harness_with(dir, state);
    invoke(&h.window, "complete_setup", setup_input()).expect("set-up signs in");
    (h, clock)
}

/// Arguments for each background command; a new one must be added here.
fn background_args(command: &str) -> Value {
    match command {
        "session_status" | "get_notification_kinds" | "team_status" => json!({}),
        "list_notifications" => json!({"query": {"unread_only": false, "limit": 50}}),
        other => panic!("add the arguments of the background command {other} here"),
    }
}

fn marked_background() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(ACTIVITY_HEADER, HeaderValue::from_static("background"));
    headers
}

fn state_of(h: &Harness) -> String {
    let status = invoke(&h.window, "session_status", json!({})).expect("status");
    status["state"].as_str().expect("state").to_owned()
}

#[test]
fn every_background_command_is_a_command() {
    for name in BACKGROUND_COMMANDS {
        assert!(COMMANDS.contains(name), "{name} is not a command");
    }
}

#[test]
fn background_commands_do_not_keep_the_session_open() {
    let (h, clock) = signed_in();
    for _ in 0..2 {
        clock.advance(Duration::minutes(6));
        for command in BACKGROUND_COMMANDS {
            invoke(&h.window, command, background_args(command))
                .unwrap_or_else(|e| panic!("{command} while signed in: {e}"));
        }
    }
    // 16 minutes of the bell refreshing, and nothing the person did.
    clock.advance(Duration::minutes(4));
    assert_eq!(state_of(&h), "locked");
    let refused = invoke(
        &h.window,
        "list_notifications",
        background_args("list_notifications"),
    )
    .expect_err("background commands are refused once locked");
    assert_eq!(refused["code"], "locked");
}

#[test]
fn a_refresh_the_webview_marks_as_its_own_does_not_keep_the_session_open() {
    let (h, clock) = signed_in();
    for _ in 0..2 {
        clock.advance(Duration::minutes(6));
        // What the dashboard asks for when the hourly clock announces a change.
        invoke_with_headers(
            &h.window,
            "dashboard_overview",
            json!({}),
            marked_background(),
        )
        .expect("a refresh while signed in");
    }
    clock.advance(Duration::minutes(4));
    assert_eq!(state_of(&h), "locked");
}

#[test]
fn commands_the_person_starts_keep_the_session_open() {
    let (h, clock) = signed_in();
    for command in ["dashboard_overview", "touch_session", "list_catalog"] {
        clock.advance(Duration::minutes(10));
        invoke(&h.window, command, json!({})).unwrap_or_else(|e| panic!("{command}: {e}"));
    }
    clock.advance(Duration::minutes(10));
    assert_eq!(
        state_of(&h),
        "signed_in",
        "30 minutes of work, never 15 idle"
    );
    clock.advance(Duration::minutes(6));
    assert_eq!(
        state_of(&h),
        "locked",
        "16 minutes since the last thing done"
    );
}

#[test]
fn a_command_started_after_the_idle_time_does_not_reopen_the_session() {
    let (h, clock) = signed_in();
    clock.advance(Duration::minutes(16));
    let refused = invoke(&h.window, "touch_session", json!({})).expect_err("locked");
    assert_eq!(refused["code"], "locked");
}
