//! Shared by the server's integration tests: a fresh database per test on the
//! throwaway PostgreSQL that scripts/test.sh starts, servers in-process or as
//! real processes, and an HTTP client.
#![allow(dead_code)] // each test binary uses a part

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use partnerdesk_server::Config;
use serde_json::Value;
use uuid::Uuid;

pub const DATABASE_URL_ENV: &str = "PARTNERDESK_TEST_DATABASE_URL";

/// The test cluster's connection string (key=value form, as scripts/pg.sh
/// prints it). Missing on CI is a failure, never a silent skip; a developer
/// without PostgreSQL gets `None` and a note.
pub fn admin_url() -> Option<String> {
    match std::env::var(DATABASE_URL_ENV) {
        Ok(url) if !url.trim().is_empty() => {
            assert!(
                !url.starts_with("postgres"),
                "{DATABASE_URL_ENV} must be key=value pairs (host=… port=… user=…), as scripts/pg.sh prints"
            );
            Some(url)
        }
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "{DATABASE_URL_ENV} is not set on CI: scripts/test.sh must start PostgreSQL before the server tests"
        ),
        _ => {
            eprintln!("skipped: {DATABASE_URL_ENV} is not set (run bash scripts/test.sh, or start scripts/pg.sh yourself)");
            None
        }
    }
}

/// A new, empty database on the cluster `admin`, so tests run in parallel
/// without seeing each other's rows.
pub async fn fresh_database(admin: &str) -> String {
    let (client, connection) = tokio_postgres::connect(admin, tokio_postgres::NoTls)
        .await
        .expect("the test PostgreSQL answers");
    tokio::spawn(connection);
    let name = format!("pd_{}", Uuid::new_v4().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create a test database");
    format!("{admin} dbname={name}")
}

pub fn config(database_url: &str) -> Config {
    Config {
        database_url: database_url.to_string(),
        listen: "127.0.0.1:0".parse().unwrap(),
        tls_cert: None,
        tls_key: None,
        pool_size: 8,
        data_dir: None,
        snapshot_every: 10_000,
        retain_changes: 100_000,
        clock: true,
        clock_retry_seconds: 30,
    }
}

/// A server inside the test process; dropped with the runtime.
pub struct InProcess {
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl InProcess {
    pub async fn start(database_url: &str) -> InProcess {
        InProcess::start_with(config(database_url)).await
    }

    pub async fn start_with(config: Config) -> InProcess {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            partnerdesk_server::serve(&config, listener, async {
                let _ = stopped.await;
            })
            .await
            .expect("the in-process server serves");
        });
        wait_healthy(&base, Duration::from_secs(10)).await;
        InProcess {
            base,
            stop: Some(stop),
        }
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The binary cargo built for these tests, or `PARTNERDESK_SERVER_BIN`: on a
/// target directory shared by several worktrees another build can replace
/// cargo's copy mid-run, so a copy of one's own can be named instead.
pub fn server_binary() -> String {
    std::env::var("PARTNERDESK_SERVER_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_partnerdesk-server").to_owned())
}

/// The real binary, as an admin runs it; killed (SIGKILL) on drop.
pub struct Spawned {
    pub base: String,
    pub child: Child,
}

impl Spawned {
    pub fn start(database_url: &str) -> Spawned {
        Spawned::start_in(database_url, None)
    }

    /// With `data_dir`, the working copy survives the process (as in production).
    pub fn start_in(database_url: &str, data_dir: Option<&std::path::Path>) -> Spawned {
        Spawned::start_at(database_url, data_dir, "127.0.0.1:0")
    }

    /// On `listen` (a fixed port, so desktops reconnect to a restarted server).
    pub fn start_at(
        database_url: &str,
        data_dir: Option<&std::path::Path>,
        listen: &str,
    ) -> Spawned {
        let mut command = Command::new(server_binary());
        if let Some(dir) = data_dir {
            command.arg("--data-dir").arg(dir);
        }
        let mut child = command
            .args(["--listen", listen])
            .env("PARTNERDESK_DATABASE_URL", database_url)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn partnerdesk-server");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("the server printed its address before exiting")
                .unwrap();
            if let Some(addr) = line
                .split_whitespace()
                .find_map(|field| field.strip_prefix("addr="))
            {
                break addr.to_string();
            }
        };
        // Keep draining the log so a full pipe never blocks the server.
        std::thread::spawn(move || lines.for_each(drop));
        Spawned {
            base: format!("http://{addr}"),
            child,
        }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill(); // SIGKILL on Unix
        let _ = self.child.wait();
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

pub async fn health(http: &reqwest::Client, base: &str) -> (u16, Value) {
    let reply = http.get(format!("{base}/health")).send().await.unwrap();
    (reply.status().as_u16(), reply.json().await.unwrap())
}

pub async fn wait_healthy(base: &str, within: Duration) {
    let http = http();
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Ok(reply) = http.get(format!("{base}/health")).send().await {
            if reply.status().is_success() {
                return;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{base} was not healthy within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub mod team;

/// Every (seq, command id) in the log, in order, read straight from PostgreSQL.
pub async fn logged(database_url: &str) -> Vec<(i64, Uuid)> {
    let (client, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .query("SELECT seq, command_id FROM changes ORDER BY seq", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect()
}

/// Sequence numbers are exactly 1..=n: no hole, no duplicate.
pub fn assert_gapless(rows: &[(i64, Uuid)]) {
    for (index, (seq, _)) in rows.iter().enumerate() {
        assert_eq!(
            *seq,
            index as i64 + 1,
            "hole or duplicate at position {index}"
        );
    }
}
