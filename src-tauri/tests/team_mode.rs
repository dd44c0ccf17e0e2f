//! Standalone or connected, decided by `team-connection.json` in the data
//! directory (docs/decisions/0054-connected-desktop.md), through the real
//! commands on Tauri's mock runtime.

mod support;

use std::sync::Arc;

use partnerdesk_core::clock::SystemClock;
use partnerdesk_core::store::DATABASE_FILE;
use partnerdesk_lib::state::AppState;
use partnerdesk_lib::team::file::{ConnectionFile, CONNECTION_FILE, DAMAGED_REASON};
use serde_json::{json, Value};
use support::{harness_with, invoke, setup_input, Harness};

fn open(dir: tempfile::TempDir) -> Harness {
    let state = AppState::open_in(dir.path(), Arc::new(SystemClock));
    harness_with(dir, state)
}

fn connect_file(dir: &std::path::Path) -> ConnectionFile {
    let url = partnerdesk_lib::team::file::server_url("http://127.0.0.1:9").unwrap();
    let file = ConnectionFile::new(&url, None);
    partnerdesk_lib::team::file::save(dir, &file).unwrap();
    file
}

fn status(h: &Harness) -> Value {
    invoke(&h.window, "team_status", json!({})).expect("team status")
}

#[test]
fn without_a_connection_file_the_desktop_is_standalone_as_before() {
    let h = open(tempfile::tempdir().unwrap());
    assert_eq!(status(&h)["connected"], false);
    let info = invoke(&h.window, "app_info", json!({})).unwrap();
    assert_eq!(
        info["database_path"],
        h.dir.path().join(DATABASE_FILE).display().to_string()
    );
    assert_eq!(
        invoke(&h.window, "session_status", json!({})).unwrap()["state"],
        "setup_required"
    );
    invoke(&h.window, "complete_setup", setup_input()).expect("the wizard runs standalone");
}

#[test]
fn with_a_connection_file_the_desktop_reads_its_replica_and_offers_no_wizard() {
    let dir = tempfile::tempdir().unwrap();
    let file = connect_file(dir.path());
    let h = open(dir);

    let team = status(&h);
    assert_eq!(team["connected"], true);
    assert_eq!(team["host"], "127.0.0.1:9");
    assert_eq!(team["sync"]["state"], "connecting");
    assert_eq!(
        team["replica_path"],
        file.replica_path(h.dir.path()).display().to_string()
    );
    // Until the server was reached the replica is not open: reads say why.
    let waiting = invoke(&h.window, "app_info", json!({})).unwrap_err();
    assert!(
        waiting["text"]["en"]
            .as_str()
            .unwrap()
            .contains("Connecting to the team server 127.0.0.1:9"),
        "{waiting}"
    );
    let refused = invoke(&h.window, "complete_setup", setup_input()).unwrap_err();
    assert!(
        refused["text"]["en"]
            .as_str()
            .unwrap()
            .contains("server's admin"),
        "{refused}"
    );
    assert!(
        !h.dir.path().join(DATABASE_FILE).exists(),
        "the standalone database is never opened"
    );
}

#[test]
fn a_damaged_connection_file_is_explained_and_leaves_the_standalone_data_alone() {
    let dir = tempfile::tempdir().unwrap();
    // A standalone workspace first, then a damaged connection file beside it.
    let standalone = open(dir);
    invoke(&standalone.window, "complete_setup", setup_input()).unwrap();
    let Harness { dir, app, window } = standalone;
    drop(window);
    drop(app);
    let database = dir.path().join(DATABASE_FILE);
    std::fs::write(dir.path().join(CONNECTION_FILE), "{ half a file").unwrap();
    let before = std::fs::read(&database).unwrap();

    let h = open(dir);
    let error = invoke(&h.window, "app_info", json!({})).unwrap_err();
    assert_eq!(error["reason"], DAMAGED_REASON, "{error}");
    assert!(error["text"]["en"]
        .as_str()
        .unwrap()
        .contains(CONNECTION_FILE));
    assert_eq!(
        std::fs::read(&database).unwrap(),
        before,
        "nothing opened the standalone database"
    );

    // "Work standalone" removes the file and opens the standalone workspace.
    let after = invoke(&h.window, "work_standalone", json!({})).expect("back to standalone");
    assert_eq!(after["connected"], false);
    assert!(!h.dir.path().join(CONNECTION_FILE).exists());
    assert_eq!(
        invoke(&h.window, "session_status", json!({})).unwrap()["state"],
        "signed_out",
        "the standalone workspace with its staff is back"
    );
}

#[test]
fn going_back_to_standalone_forgets_the_connection_and_the_replica() {
    let dir = tempfile::tempdir().unwrap();
    let file = connect_file(dir.path());
    let h = open(dir);
    assert_eq!(status(&h)["connected"], true);
    let replica = file.replica_path(h.dir.path());
    std::fs::create_dir_all(&replica).unwrap();
    std::fs::write(replica.join("replica-1.sqlite3"), b"team data").unwrap();

    let after = invoke(&h.window, "work_standalone", json!({})).unwrap();

    assert_eq!(after["connected"], false);
    assert!(!h.dir.path().join(CONNECTION_FILE).exists());
    assert!(!replica.exists(), "the replica is deleted (decision 0054)");
    assert_eq!(
        invoke(&h.window, "session_status", json!({})).unwrap()["state"],
        "setup_required"
    );
}

#[test]
fn connecting_to_an_address_that_is_not_one_is_a_field_error() {
    let h = open(tempfile::tempdir().unwrap());
    let error = invoke(
        &h.window,
        "connect_team_server",
        json!({"serverUrl": "https://x.example.com/some/path", "fingerprint": null}),
    )
    .unwrap_err();
    assert_eq!(error["field"], "server_url", "{error}");
    assert_eq!(status(&h)["connected"], false);
}
