//! The change log against a real PostgreSQL: health, the internal append's
//! order and head check, catch-up reads, and no way in from outside.
mod common;

use common::team::*;
use common::*;
use partnerdesk_server::db;
use partnerdesk_server::log::{self, NewChange};
use uuid::Uuid;

fn change(command_id: Uuid, changeset: &[u8]) -> NewChange {
    NewChange {
        command_id,
        part: 0,
        actor: "anna".into(),
        schema_version: partnerdesk_core::store::latest_version() as i32,
        changeset: changeset.to_vec(),
        private_changeset: Vec::new(),
    }
}

#[tokio::test]
async fn health_reports_postgres_the_log_head_and_the_workspace() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let server = InProcess::start(&url).await;
    let http = http();

    let (status, body) = health(&http, &server.base).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["postgres"], "reachable");
    assert_eq!(body["head"], 0);
    assert_eq!(body["workspace"], false);
    assert_eq!(
        body["core_schema_version"],
        partnerdesk_core::store::latest_version()
    );
    let (_, signed) = set_up(&server.base).await;
    let (_, body) = health(&http, &server.base).await;
    assert_eq!(body["workspace"], true);
    assert_eq!(body["head"], signed.seq);
}

#[tokio::test]
async fn appends_follow_the_head_and_catch_up_reads_page_in_order() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let pool = db::pool(&url, 4).unwrap();
    db::migrate(&pool).await.unwrap();
    let mut client = pool.get().await.unwrap();
    let ids: Vec<Uuid> = (0..25).map(|_| Uuid::new_v4()).collect();
    for (i, id) in ids.iter().enumerate() {
        let seq = log::append(&mut client, i as i64, &change(*id, &[i as u8]))
            .await
            .unwrap();
        assert_eq!(seq, i as i64 + 1);
    }
    // A writer whose copy is behind is refused, and nothing is logged.
    let stale = log::append(&mut client, 3, &change(Uuid::new_v4(), b"x")).await;
    assert!(
        matches!(
            stale,
            Err(partnerdesk_server::ServerError::Stale { local: 3, head: 25 })
        ),
        "{stale:?}"
    );
    let mut cursor = 0;
    let mut seen = Vec::new();
    loop {
        let page = log::read_after(&**client, cursor, 10, false).await.unwrap();
        let Some(last) = page.last() else { break };
        cursor = last.seq;
        seen.extend(page.iter().map(|c| (c.command_id, c.changeset.clone())));
    }
    let expected: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, vec![i as u8]))
        .collect();
    assert_eq!(seen, expected);
}

#[test]
fn plain_http_off_loopback_is_refused_before_listening() {
    let output = std::process::Command::new(server_binary())
        .args([
            "--listen",
            "0.0.0.0:0",
            "--database-url",
            "host=/nonexistent",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refusing to serve plain HTTP on 0.0.0.0:0"),
        "{stderr}"
    );
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let mut server = Spawned::start(&url);
    wait_healthy(&server.base, std::time::Duration::from_secs(10)).await;
    let (_, signed) = set_up(&server.base).await;
    // A desktop following the stream must not hold the shutdown up.
    let dir = tempfile::tempdir().unwrap();
    let (_, _replica) = desktop(&server.base, &signed.token, dir.path()).await;
    let pid = server.child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running 10 s after SIGTERM"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(status.success(), "exit after SIGTERM: {status}");
}

/// An instance older (or newer) than a change in the log stops before it
/// applies it: SQLite would skip the rows of a table whose columns differ.
#[tokio::test]
async fn an_instance_refuses_a_change_recorded_at_another_schema_version() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let pool = db::pool(&url, 2).unwrap();
    db::migrate(&pool).await.unwrap();
    let mut client = pool.get().await.unwrap();
    let mut newer = change(Uuid::new_v4(), b"a change from a newer Partnerdesk");
    newer.schema_version += 1;
    log::append(&mut client, 0, &newer).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let refused = partnerdesk_server::serve(&config(&url), listener, async {})
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains(&format!(
            "recorded at schema version {}",
            newer.schema_version
        )) && refused.contains("update this one"),
        "{refused}"
    );
}
