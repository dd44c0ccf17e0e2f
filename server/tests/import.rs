//! Moving a standalone workspace into an empty team server (decision 0055),
//! against the real PostgreSQL scripts/test.sh starts.
use std::path::Path;
use std::time::Duration;

use partnerdesk_client::{Connection, Replica, SyncState};
use partnerdesk_core::auth::Sessions;
use partnerdesk_core::clock::SystemClock;
use partnerdesk_core::commands::{self, Command, Hooks};
use partnerdesk_core::setup::{self, SetupInput};
use partnerdesk_core::store::{Scope, Store};
use partnerdesk_server::import::{ImportError, Workspace};
use partnerdesk_server::Config;
use serde_json::json;

const ADMIN_EMAIL: &str = "anna.admin@contoso.pl";
const ADMIN_PASSWORD: &str = "my standalone password";
const CUSTOMERS: [&str; 3] = ["Contoso", "Fabrikam", "Northwind Traders"];

fn database_url_env() -> Option<String> {
    match std::env::var("PARTNERDESK_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("PARTNERDESK_TEST_DATABASE_URL is not set on CI")
        }
        _ => {
            eprintln!(
                "skipped: PARTNERDESK_TEST_DATABASE_URL is not set (run bash scripts/test.sh)"
            );
            None
        }
    }
}

async fn fresh_database(admin: &str) -> String {
    let (client, connection) = tokio_postgres::connect(admin, tokio_postgres::NoTls)
        .await
        .expect("the test PostgreSQL answers");
    tokio::spawn(connection);
    let name = format!("pd_{}", uuid::Uuid::new_v4().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    format!("{admin} dbname={name}")
}

/// A standalone database as the desktop leaves it: set up, a colleague,
/// customers, and the audit entries all of that wrote.
fn standalone(path: &Path) {
    let store = Store::open(path).unwrap();
    let sessions = Sessions::default();
    let input: SetupInput = serde_json::from_value(json!({
        "company": {
            "legal_name": "Contoso Partner Sp. z o.o.", "street": "", "city": "",
            "postal_code": "", "country": "PL", "phone": "", "email": "", "website": "",
            "partner_id": "", "partner_tenant_id": "",
            "authorized_delegated_admin": true, "authorized_subscription_advisor": true,
            "default_currency": "PLN", "default_language": "pl"
        },
        "display_name": "Anna Admin", "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
    }))
    .unwrap();
    setup::complete(&store, &SystemClock, &sessions, &input).unwrap();
    let actor = sessions.actor(&store, &SystemClock).unwrap();
    let run = |command: serde_json::Value| {
        let command: Command = serde_json::from_value(command).unwrap();
        commands::execute(&store, &SystemClock, &actor, command, &Hooks::default()).unwrap()
    };
    run(json!({ "command": "create_staff", "input": {
        "display_name": "Ewa", "email": "ewa@contoso.pl",
        "role": "billing_admin", "customer_access": "limited" } }));
    for name in CUSTOMERS {
        run(json!({ "command": "create_customer", "input": {
            "company_name": name, "default_domain": name.to_lowercase().replace(' ', "") } }));
    }
}

async fn serve(database_url: &str) -> (String, tokio::sync::oneshot::Sender<()>) {
    let config = config(database_url);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        partnerdesk_server::serve(&config, listener, async {
            let _ = stopped.await;
        })
        .await
        .expect("the server serves");
    });
    // reqwest has no crypto provider of its own here (partnerdesk-tls's feature).
    partnerdesk_tls::install_default_provider();
    for _ in 0..100 {
        if reqwest::get(format!("{base}/health")).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (base, stop)
}

fn config(database_url: &str) -> Config {
    use clap::Parser;
    let args = [
        "partnerdesk-server",
        "--database-url",
        database_url,
        "--listen",
        "127.0.0.1:0",
    ];
    Config::try_parse_from(args).unwrap()
}

fn pool(database_url: &str) -> deadpool_postgres::Pool {
    partnerdesk_server::db::pool(database_url, 2).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_standalone_workspace_moves_into_a_running_empty_server_and_only_once() {
    let Some(admin) = database_url_env() else {
        return;
    };
    let database_url = fresh_database(&admin).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("partnerdesk.sqlite3");
    standalone(&file);
    let before = std::fs::read(&file).unwrap();

    // Running before the import: its copy never had a workspace, so it rebuilds.
    let (base, _stop) = serve(&database_url).await;
    let workspace = tokio::task::spawn_blocking({
        let file = file.clone();
        move || Workspace::open(&file).map_err(|e| e.to_string())
    })
    .await
    .unwrap()
    .unwrap();
    let imported = workspace.import_into(&pool(&database_url)).await.unwrap();
    assert_eq!(
        (imported.position, imported.staff, imported.customers),
        (0, 2, 3)
    );
    assert!(imported.audit_entries >= 5, "{imported:?}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the admin's file is read only"
    );

    let connection = Connection::connect(&base).await.unwrap();
    assert_eq!(connection.health().workspace, Some(true));
    let signed = connection
        .sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .expect("the standalone password signs in on the server");
    assert_eq!(signed.session["staff"]["display_name"], "Anna Admin");
    let replica = Replica::open(&connection, &dir.path().join("replica")).unwrap();
    let mut state = replica.state();
    tokio::time::timeout(
        Duration::from_secs(10),
        state.wait_for(|s| matches!(s, SyncState::Live { .. })),
    )
    .await
    .expect("the replica goes live")
    .unwrap();
    let names: Vec<String> = replica
        .store()
        .read(|conn| {
            let mut statement =
                conn.prepare("SELECT company_name FROM customers ORDER BY company_name")?;
            let names = statement
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(names)
        })
        .unwrap();
    assert_eq!(names, CUSTOMERS);

    // The server's copy as PostgreSQL keeps it: the chain intact, the same workspace.
    let restored = dir.path().join("restored.sqlite3");
    let client = pool(&database_url).get().await.unwrap();
    let position = partnerdesk_server::snapshots::restore_latest(&client, &restored)
        .await
        .unwrap();
    assert_eq!(position, Some(0));
    let copy = Store::open(&restored).unwrap();
    let verified = partnerdesk_core::audit::verify(&copy).unwrap();
    assert!(verified.intact, "{:?}", verified.findings);
    assert_eq!(verified.entries_checked, imported.audit_entries);
    assert_eq!(
        copy.content_checksum(Scope::Everything).unwrap(),
        workspace
            .store()
            .content_checksum(Scope::Everything)
            .unwrap()
    );

    // Once: the server holds a workspace now (a snapshot, and the sign-in's change).
    let again = Workspace::open(&file)
        .unwrap()
        .import_into(&pool(&database_url))
        .await
        .unwrap_err();
    assert!(matches!(again, ImportError::NotEmpty { .. }), "{again}");
    assert!(
        again.to_string().contains("already holds a workspace"),
        "{again}"
    );
    replica.stop();
}

#[test]
fn a_file_that_is_not_a_partnerdesk_workspace_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("holiday-photos.sqlite3");
    std::fs::write(&garbage, vec![0x42_u8; 8192]).unwrap();
    let refused = Workspace::open(&garbage)
        .err()
        .expect("refused")
        .to_string();
    assert!(refused.contains("holiday-photos.sqlite3"), "{refused}");
    assert!(refused.contains("not a Partnerdesk database"), "{refused}");

    let missing = dir.path().join("nowhere.sqlite3");
    let refused = Workspace::open(&missing)
        .err()
        .expect("refused")
        .to_string();
    assert!(
        refused.contains("nowhere.sqlite3") && refused.contains("no such file"),
        "{refused}"
    );
    assert!(!missing.exists(), "nothing is created in its place");

    let never_set_up = dir.path().join("empty.sqlite3");
    drop(Store::open(&never_set_up).unwrap());
    let refused = Workspace::open(&never_set_up)
        .err()
        .expect("refused")
        .to_string();
    assert!(
        refused.contains("empty.sqlite3") && refused.contains("no staff"),
        "{refused}"
    );
}

#[test]
fn a_workspace_whose_audit_chain_was_edited_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("partnerdesk.sqlite3");
    standalone(&file);
    // Someone edits history behind the app's back.
    let raw = rusqlite::Connection::open(&file).unwrap();
    raw.execute_batch("DROP TRIGGER audit_log_no_update")
        .unwrap();
    let edited = raw
        .execute(
            "UPDATE audit_log SET detail = detail || ' (edited)' WHERE seq = 2",
            [],
        )
        .unwrap();
    assert_eq!(edited, 1);
    drop(raw);
    let refused = Workspace::open(&file).err().expect("refused").to_string();
    assert!(
        refused.contains("partnerdesk.sqlite3") && refused.contains("audit chain"),
        "{refused}"
    );
}
