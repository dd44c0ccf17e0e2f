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
    assert_eq!(loaded.replica, "team-127.0.0.1-8750");
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
        r#"{"server_url":"ftp://x","replica":"team-x-21"}"#,
        r#"{"server_url":"https://x","replica":"partnerdesk.sqlite3"}"#,
        r#"{"server_url":"https://x","replica":"team-../../elsewhere"}"#,
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
    let replica = connection.replica_path(dir.path());
    std::fs::create_dir_all(&replica).unwrap();
    std::fs::write(replica.join("replica-1.sqlite3"), b"team data").unwrap();

    file::forget(dir.path(), Some(&connection)).unwrap();

    assert!(!dir.path().join(CONNECTION_FILE).exists());
    assert!(!replica.exists());
    assert_eq!(std::fs::read(&standalone).unwrap(), b"standalone bytes");
}

#[test]
fn the_version_rule_names_who_must_update() {
    use partnerdesk_client::Compatibility;
    let ours = partnerdesk_core::store::latest_version();
    assert_eq!(compatibility_text(Compatibility::of(ours)), None);
    let newer = compatibility_text(Compatibility::of(ours + 1)).unwrap();
    assert!(newer.en.starts_with("Update Partnerdesk"), "{newer}");
    assert!(
        newer.pl.starts_with("Zaktualizuj Partnerdesk"),
        "{}",
        newer.pl
    );
    let older = compatibility_text(Compatibility::of(ours - 1)).unwrap();
    assert!(
        older.en.starts_with("The team server must be updated"),
        "{older}"
    );
}

#[test]
fn a_team_not_reached_yet_explains_why_it_has_nothing_to_read() {
    let dir = tempfile::tempdir().unwrap();
    let team = Team::new(dir.path(), connection("http://127.0.0.1:8750"));
    let waiting = team
        .store()
        .err()
        .expect("no replica before the server was reached");
    assert!(waiting
        .text
        .en
        .contains("Connecting to the team server 127.0.0.1:8750"));
    team.set_sync(Sync::Reconnecting {
        since: "2026-12-04T03:30:00Z".into(),
    });
    let away = team.store().err().unwrap();
    assert!(
        away.text
            .en
            .contains("cannot be reached (since 2026-12-04T03:30:00Z)"),
        "{}",
        away.text.en
    );
    assert_eq!(
        team.status().sync,
        Sync::Reconnecting {
            since: "2026-12-04T03:30:00Z".into()
        }
    );
    assert_eq!(team.status().host.as_deref(), Some("127.0.0.1:8750"));
}
