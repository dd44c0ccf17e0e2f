use partnerdesk_core::clock::SystemClock;
use partnerdesk_core::store::DATABASE_FILE;

use super::file::{self, ConnectionFile, CONNECTION_FILE, DAMAGED_REASON};
use super::*;

fn connection(url: &str) -> ConnectionFile {
    ConnectionFile::new(&file::server_url(url).expect("a valid url"), None)
}

#[test]
fn no_file_means_standalone() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(file::load(dir.path()).unwrap(), None);
}

#[test]
fn a_saved_file_reads_back_and_names_its_own_replica() {
    let dir = tempfile::tempdir().unwrap();
    let saved = ConnectionFile::new(
        &file::server_url("http://127.0.0.1:8750/").unwrap(),
        Some("AB:CD".into()),
    );
    file::save(dir.path(), &saved).unwrap();
    let loaded = file::load(dir.path()).unwrap().expect("connected");
    assert_eq!(loaded, saved);
    assert_eq!(loaded.server_url, "http://127.0.0.1:8750");
    assert_eq!(loaded.replica, "team-127.0.0.1-8750.sqlite3");
    assert_ne!(loaded.replica, DATABASE_FILE);
    assert_eq!(loaded.host(), "127.0.0.1:8750");
    // Another server, another replica.
    assert_ne!(
        connection("https://other.example.com").replica,
        loaded.replica
    );
}

#[test]
fn a_damaged_file_is_a_clear_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for damage in [
        "{ not json",
        r#"{"server_url":"ftp://x","replica":"team-x-21.sqlite3"}"#,
        r#"{"server_url":"https://x","replica":"partnerdesk.sqlite3"}"#,
        r#"{"server_url":"https://x","replica":"../elsewhere.sqlite3"}"#,
    ] {
        std::fs::write(dir.path().join(CONNECTION_FILE), damage).unwrap();
        let error = file::load(dir.path()).expect_err(damage);
        assert_eq!(error.reason.as_deref(), Some(DAMAGED_REASON), "{damage}");
        assert!(error.text.en.contains(CONNECTION_FILE), "{}", error.text.en);
        assert!(error.text.pl.contains("uszkodzony"), "{}", error.text.pl);
    }
}

#[test]
fn typed_addresses_become_a_base_url_or_a_field_error() {
    assert_eq!(
        file::server_url(" partnerdesk.example.com ")
            .unwrap()
            .as_str(),
        "https://partnerdesk.example.com/"
    );
    assert_eq!(
        file::server_url("http://10.0.0.5:8750").unwrap().port(),
        Some(8750)
    );
    for wrong in [
        "",
        "https://x.example.com/api",
        "ftp://x.example.com",
        "https://u:p@x.example.com",
        "http://",
    ] {
        let error = file::server_url(wrong).expect_err(wrong);
        assert_eq!(error.field.as_deref(), Some("server_url"), "{wrong}");
    }
}

#[test]
fn forgetting_removes_the_connection_and_the_replica_but_not_the_standalone_database() {
    let dir = tempfile::tempdir().unwrap();
    let standalone = dir.path().join(DATABASE_FILE);
    std::fs::write(&standalone, b"standalone bytes").unwrap();
    let connection = connection("http://127.0.0.1:8750");
    file::save(dir.path(), &connection).unwrap();
    drop(open_replica(dir.path(), &connection).unwrap());
    assert!(connection.replica_path(dir.path()).exists());

    file::forget(dir.path(), Some(&connection)).unwrap();

    assert!(!dir.path().join(CONNECTION_FILE).exists());
    assert!(!connection.replica_path(dir.path()).exists());
    assert_eq!(std::fs::read(&standalone).unwrap(), b"standalone bytes");
}

#[test]
fn the_replica_refuses_every_local_write() {
    let dir = tempfile::tempdir().unwrap();
    let replica = open_replica(dir.path(), &connection("http://127.0.0.1:8750")).unwrap();
    let sessions = partnerdesk_core::auth::Sessions::default();
    let input = partnerdesk_core::setup::SetupInput {
        company: serde_json::from_value(serde_json::json!({
            "legal_name": "Contoso", "street": "", "city": "", "postal_code": "",
            "country": "PL", "phone": "", "email": "", "website": "", "partner_id": "",
            "partner_tenant_id": "", "authorized_delegated_admin": true,
            "authorized_subscription_advisor": false, "default_currency": "PLN",
            "default_language": "pl"
        }))
        .unwrap(),
        display_name: "Anna Admin".into(),
        email: "anna@contoso.pl".into(),
        password: "a long enough password".into(),
    };
    let error = partnerdesk_core::setup::complete(&replica, &SystemClock, &sessions, &input)
        .expect_err("a replica is written only by the server's changes");
    assert!(
        error.text().en.contains("connected to a team server"),
        "{error}"
    );
    let staff: i64 = replica
        .read(|c| Ok(c.query_row("SELECT count(*) FROM staff", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(staff, 0);
}

#[test]
fn the_version_rule_names_who_must_update() {
    let ours = desktop_schema_version();
    assert_eq!(version_rule(ours), None);
    assert!(version_rule(ours + 1)
        .unwrap()
        .en
        .starts_with("Update Partnerdesk"));
    assert!(version_rule(ours - 1)
        .unwrap()
        .en
        .starts_with("The team server must be updated"));
}
