//! Backups over IPC: a restore swaps the store and signs everyone out; a
//! damaged database is recovered without signing in.

mod support;

use std::io::{Seek, SeekFrom, Write};
use std::sync::Arc;

use partnerdesk_core::backup::open_checked;
use partnerdesk_core::clock::SystemClock;
use partnerdesk_core::{ApiError, Store};
use partnerdesk_lib::state::AppState;
use serde_json::{json, Value};
use tauri::Manager;

use support::{harness, harness_with, invoke, setup_input, Harness};

const PASSWORD: &str = "a long enough password";

fn call(h: &Harness, cmd: &str, args: Value) -> Value {
    invoke(&h.window, cmd, args).unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

fn customer_names(h: &Harness) -> Vec<String> {
    call(h, "list_customers", json!({"query": {}}))["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["company_name"].as_str().expect("name").to_owned())
        .collect()
}

fn add_customer(h: &Harness, name: &str, domain: &str) {
    call(
        h,
        "create_customer",
        json!({"input": {"company_name": name, "default_domain": domain}}),
    );
}

#[test]
fn restoring_a_backup_swaps_the_database_and_signs_everyone_out() {
    let h = harness();
    call(&h, "complete_setup", setup_input());
    add_customer(&h, "Alfa", "alfa");
    let made = call(&h, "back_up_now", json!({}));
    add_customer(&h, "Beta", "beta");
    let listed = call(&h, "list_backups", json!({}));
    assert_eq!(listed["backups"][0]["name"], made["name"]);
    assert_eq!(listed["failing"], false);

    let report = call(&h, "restore_backup", json!({"name": made["name"]}));
    assert!(report["set_aside"]
        .as_str()
        .expect("aside")
        .contains("partnerdesk.sqlite3.before-restore-"));
    let status = call(&h, "session_status", json!({}));
    assert_eq!(status["state"], "signed_out", "the old session is gone");
    let refused =
        invoke(&h.window, "list_customers", json!({"query": {}})).expect_err("signed out");
    assert_eq!(refused["code"], "unauthenticated");

    call(
        &h,
        "sign_in",
        json!({"email": "anna@contoso.pl", "password": PASSWORD}),
    );
    assert_eq!(customer_names(&h), ["Alfa"], "the backup's data");
    let refused = invoke(&h.window, "recover_database", json!({"name": null}))
        .expect_err("only a damaged database is recovered without signing in");
    assert_eq!(refused["code"], "invalid_state");
}

fn corrupt_page_3(path: &std::path::Path) {
    let bytes = std::fs::read(path).expect("read");
    let page = u64::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("open");
    file.seek(SeekFrom::Start(2 * page)).expect("seek");
    file.write_all(&vec![0x67; page as usize]).expect("write");
}

#[test]
fn a_damaged_database_is_recovered_from_the_newest_backup_without_signing_in() {
    let h = harness();
    call(&h, "complete_setup", setup_input());
    add_customer(&h, "Alfa", "alfa");
    call(&h, "back_up_now", json!({}));
    // As at quit: the store closes, folding its write-ahead log into the file.
    h.app.state::<AppState>().close();
    let Harness { dir, .. } = h;
    let path = dir.path().join("partnerdesk.sqlite3");
    corrupt_page_3(&path);

    let error = match open_checked(&path) {
        Ok(_) => panic!("a damaged file opened"),
        Err(error) => ApiError::from(error),
    };
    let h = harness_with(dir, AppState::failed(error, &path, Arc::new(SystemClock)));
    let startup = invoke(&h.window, "app_info", json!({})).expect_err("damaged");
    assert_eq!(startup["code"], "damaged");
    let list = call(&h, "recovery_backups", json!({}));
    assert_eq!(list["backups"].as_array().expect("backups").len(), 1);

    let report = call(&h, "recover_database", json!({"name": null}));
    assert_eq!(report["restored"], list["backups"][0]["name"]);
    call(&h, "app_info", json!({}));
    assert_eq!(call(&h, "session_status", json!({}))["state"], "signed_out");
    call(
        &h,
        "sign_in",
        json!({"email": "anna@contoso.pl", "password": PASSWORD}),
    );
    assert_eq!(customer_names(&h), ["Alfa"]);
    let again = invoke(&h.window, "recovery_backups", json!({})).expect_err("healthy now");
    assert_eq!(again["code"], "invalid_state");
    drop(Store::open(&path).expect("the restored file opens"));
}
