//! The change log against a real PostgreSQL: health, order, idempotent
//! retries, catch-up reads, and several instances appending at once.
mod common;

use std::collections::HashSet;

use common::*;
use partnerdesk_server::db;
use partnerdesk_server::log::{self, NewChange};
use uuid::Uuid;

fn change(command_id: Uuid, changeset: &[u8]) -> NewChange {
    NewChange {
        command_id,
        actor: "anna@partner.example".into(),
        schema_version: partnerdesk_core::store::latest_version() as i32,
        changeset: changeset.to_vec(),
    }
}

#[tokio::test]
async fn health_reports_postgres_and_the_log_head() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let server = InProcess::start(&url).await;
    let http = http();

    let (status, body) = health(&http, &server.base).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["postgres"], "reachable");
    assert_eq!(body["head"], 0);
    assert_eq!(
        body["core_schema_version"],
        partnerdesk_core::store::latest_version()
    );

    post_change(&http, &server.base, Uuid::new_v4(), b"one")
        .await
        .unwrap();
    post_change(&http, &server.base, Uuid::new_v4(), b"two")
        .await
        .unwrap();
    assert_eq!(health(&http, &server.base).await.1["head"], 2);
}

#[tokio::test]
async fn appends_are_numbered_in_order_and_a_retry_returns_the_original() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let server = InProcess::start(&url).await;
    let http = http();
    let first = Uuid::new_v4();
    let second = Uuid::new_v4();

    assert_eq!(
        post_change(&http, &server.base, first, b"a").await,
        Ok((201, 1))
    );
    assert_eq!(
        post_change(&http, &server.base, second, b"b").await,
        Ok((201, 2))
    );
    // The same command again (a client that never saw the reply) is the same row.
    assert_eq!(
        post_change(&http, &server.base, first, b"a").await,
        Ok((200, 1))
    );
    assert_eq!(logged(&url).await, vec![(1, first), (2, second)]);

    // The same id with other content is a client bug, refused rather than hidden.
    let reused = post_change(&http, &server.base, first, b"other")
        .await
        .unwrap_err();
    assert!(
        reused.starts_with("409") && reused.contains("sequence 1"),
        "{reused}"
    );

    let reply: serde_json::Value = http
        .get(format!("{}/changes?after=1&limit=5", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let changes = reply["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["seq"], 2);
    assert_eq!(changes[0]["command_id"], second.to_string());
    assert_eq!(changes[0]["changeset"], "Yg==");
    assert_eq!(changes[0]["actor"], "anna@partner.example");
}

#[tokio::test]
async fn bad_requests_are_refused_with_the_reason() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let server = InProcess::start(&url).await;
    let http = http();
    let mut body = change_body(Uuid::new_v4(), b"x");
    body["schema_version"] = serde_json::json!(partnerdesk_core::store::latest_version() + 1);
    let reply = http
        .post(format!("{}/changes", server.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 400);
    let text = reply.text().await.unwrap();
    assert!(text.contains("schema version"), "{text}");

    let mut body = change_body(Uuid::new_v4(), b"x");
    body["changeset"] = serde_json::json!("not base64!");
    let reply = http
        .post(format!("{}/changes", server.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 400);
    assert!(logged(&url).await.is_empty());
}

#[tokio::test]
async fn catch_up_reads_page_through_the_log_in_order() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let pool = db::pool(&url, 4).unwrap();
    db::migrate(&pool).await.unwrap();
    let ids: Vec<Uuid> = (0..25).map(|_| Uuid::new_v4()).collect();
    for (i, id) in ids.iter().enumerate() {
        let appended = log::append(&pool, &change(*id, &[i as u8])).await.unwrap();
        assert_eq!(appended.seq, i as i64 + 1);
    }
    let mut cursor = 0;
    let mut seen = Vec::new();
    loop {
        let page = log::read_after(&pool, cursor, 10).await.unwrap();
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

/// Two instances (two pools, as two processes would have) and many tasks each.
const INSTANCES: usize = 2;
const TASKS_PER_INSTANCE: usize = 8;
const APPENDS_PER_TASK: usize = 25;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_appending_at_once_get_one_gapless_order() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let pools: Vec<_> = (0..INSTANCES).map(|_| db::pool(&url, 8).unwrap()).collect();
    // Instances start together, so their migrations race too.
    let migrations: Vec<_> = pools
        .iter()
        .map(|pool| {
            let pool = pool.clone();
            tokio::spawn(async move { db::migrate(&pool).await })
        })
        .collect();
    for migration in migrations {
        migration.await.unwrap().unwrap();
    }

    let mut tasks = Vec::new();
    for pool in &pools {
        for _ in 0..TASKS_PER_INSTANCE {
            let pool = pool.clone();
            tasks.push(tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                for _ in 0..APPENDS_PER_TASK {
                    let id = Uuid::new_v4();
                    let appended = log::append(&pool, &change(id, id.as_bytes()))
                        .await
                        .unwrap();
                    // A retry racing the other instance still lands on the same row.
                    let again = log::append(&pool, &change(id, id.as_bytes()))
                        .await
                        .unwrap();
                    assert_eq!((again.seq, again.retried), (appended.seq, true));
                    acknowledged.push((appended.seq, id));
                }
                acknowledged
            }));
        }
    }
    let mut acknowledged = Vec::new();
    for task in tasks {
        acknowledged.extend(task.await.unwrap());
    }
    acknowledged.sort();

    let rows = logged(&url).await;
    assert_eq!(
        rows.len(),
        INSTANCES * TASKS_PER_INSTANCE * APPENDS_PER_TASK
    );
    assert_gapless(&rows);
    assert_eq!(rows, acknowledged, "each acknowledgement names its own row");
    let distinct: HashSet<_> = rows.iter().map(|(_, id)| id).collect();
    assert_eq!(distinct.len(), rows.len());
}

#[test]
fn plain_http_off_loopback_is_refused_before_listening() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_partnerdesk-server"))
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
    post_change(&http(), &server.base, Uuid::new_v4(), b"x")
        .await
        .unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_server_processes_share_one_order() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    // Started together: their migrations race across processes.
    let (first, second) = std::thread::scope(|s| {
        let a = s.spawn(|| Spawned::start(&url));
        let b = s.spawn(|| Spawned::start(&url));
        (a.join().unwrap(), b.join().unwrap())
    });
    for server in [&first, &second] {
        wait_healthy(&server.base, std::time::Duration::from_secs(10)).await;
    }
    let tasks: Vec<_> = (0..TASKS_PER_INSTANCE * INSTANCES)
        .map(|task| {
            let bases = [first.base.clone(), second.base.clone()];
            tokio::spawn(async move {
                let http = http();
                let mut acknowledged = Vec::new();
                for i in 0..APPENDS_PER_TASK {
                    let id = Uuid::new_v4();
                    // Alternate instances, as a load balancer would.
                    let base = &bases[(task + i) % bases.len()];
                    let (_, seq) = post_change(&http, base, id, id.as_bytes()).await.unwrap();
                    acknowledged.push((seq, id));
                }
                acknowledged
            })
        })
        .collect();
    let mut acknowledged = Vec::new();
    for task in tasks {
        acknowledged.extend(task.await.unwrap());
    }
    acknowledged.sort();
    let rows = logged(&url).await;
    assert_gapless(&rows);
    assert_eq!(rows, acknowledged);
    assert_eq!(
        rows.len(),
        INSTANCES * TASKS_PER_INSTANCE * APPENDS_PER_TASK
    );
}
