//! HTTPS from the real binary (decision 0053): a self-signed certificate
//! pinned by its printed fingerprint, an admin's certificate from a private
//! CA, and the flags it refuses.
mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use partnerdesk_tls::{
    certificate_changed, fetch_fingerprint, reqwest_builder, Fingerprint, Trust,
};

const FINGERPRINT_LINE: &str = "TLS certificate SHA-256 fingerprint: ";

/// Cargo's binary, or `PARTNERDESK_SERVER_BIN`: on a target directory shared
/// by several worktrees another build can replace cargo's copy mid-run.
/// (h-desktop's common::server_binary does the same; use it once merged.)
fn binary() -> String {
    std::env::var("PARTNERDESK_SERVER_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_partnerdesk-server").to_owned())
}

struct Started {
    server: Spawned,
    port: u16,
    /// What the server printed for the admin.
    printed: Fingerprint,
    /// What its log line said.
    logged: Fingerprint,
}

/// The binary with `args`, read until it says where it listens.
fn start(database_url: &str, args: &[&str]) -> Started {
    let mut child = Command::new(binary())
        .args(args)
        .env("PARTNERDESK_DATABASE_URL", database_url)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn partnerdesk-server");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut printed, mut logged) = (None, None);
    let addr = loop {
        let line = lines
            .next()
            .expect("the server printed its address before exiting")
            .unwrap();
        if let Some(text) = line.strip_prefix(FINGERPRINT_LINE) {
            printed = Some(text.parse::<Fingerprint>().unwrap());
        }
        let field = |name: &str| {
            line.split_whitespace()
                .find_map(|field| field.strip_prefix(name).map(str::to_string))
        };
        if let Some(fingerprint) = field("fingerprint=") {
            logged = Some(fingerprint.parse::<Fingerprint>().unwrap());
        }
        if let Some(addr) = field("addr=") {
            assert!(
                line.contains("scheme=\"https\"") || line.contains("scheme=https"),
                "{line}"
            );
            break addr.parse::<std::net::SocketAddr>().unwrap();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    Started {
        server: Spawned {
            base: format!("https://127.0.0.1:{}", addr.port()),
            child,
        },
        port: addr.port(),
        printed: printed.expect("the fingerprint was printed on its own line"),
        logged: logged.expect("the fingerprint was logged"),
    }
}

/// The binary run to its exit: (exit code, stderr).
fn refused(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(binary())
        .args(args)
        .env("PARTNERDESK_DATABASE_URL", "host=/nonexistent")
        .output()
        .expect("run partnerdesk-server");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn client(trust: &Trust) -> reqwest::Client {
    reqwest_builder(trust)
        .unwrap()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn health_over(trust: &Trust, base: &str) -> Result<u16, reqwest::Error> {
    let reply = client(trust).get(format!("{base}/health")).send().await?;
    Ok(reply.status().as_u16())
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_signed_server_is_reached_by_its_pinned_fingerprint_and_keeps_it_across_restarts() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let state = tempfile::tempdir().unwrap();
    let dir = state.path().join("tls");
    let args = ["--listen", "127.0.0.1:0", "--tls-self-signed", path(&dir)];

    let mut first = start(&url, &args);
    assert_eq!(first.printed, first.logged);
    // First use: the desktop reads what the server presents and shows it to the
    // person, who compares it with what the admin saw printed.
    let presented = fetch_fingerprint("127.0.0.1", first.port).await.unwrap();
    assert_eq!(presented, first.printed);

    let pinned = Trust::Pinned(presented);
    // A client that connects and never starts its handshake holds up no one.
    let _idle = tokio::net::TcpStream::connect(("127.0.0.1", first.port))
        .await
        .unwrap();
    assert_eq!(health_over(&pinned, &first.server.base).await.unwrap(), 200);

    let other = Fingerprint::of(b"some other certificate");
    let error = health_over(&Trust::Pinned(other), &first.server.base)
        .await
        .unwrap_err();
    let changed = certificate_changed(&error).expect("reqwest's error carries the pin mismatch");
    assert_eq!(changed.expected, other);
    assert_eq!(changed.presented, first.printed);

    // Without a pin, a self-signed certificate is not trusted.
    assert!(health_over(&Trust::System, &first.server.base)
        .await
        .is_err());
    first.server.kill();

    let second = start(&url, &args);
    assert_eq!(
        second.printed, first.printed,
        "a restart reuses the certificate"
    );
    assert_eq!(
        health_over(&pinned, &second.server.base).await.unwrap(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_is_served_on_every_address_plain_http_is_not() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let state = tempfile::tempdir().unwrap();
    let dir = state.path().join("tls");
    let open = start(
        &url,
        &["--listen", "0.0.0.0:0", "--tls-self-signed", path(&dir)],
    );
    let pinned = Trust::Pinned(open.printed);
    assert_eq!(health_over(&pinned, &open.server.base).await.unwrap(), 200);

    let (code, stderr) = refused(&["--listen", "0.0.0.0:0"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("refusing to serve plain HTTP on 0.0.0.0:0"),
        "{stderr}"
    );
}

/// A CA and a leaf for 127.0.0.1 and localhost, as a partner's IT would issue.
struct PrivateCa {
    ca_pem: String,
    chain: std::path::PathBuf,
    key: std::path::PathBuf,
    stranger_key: std::path::PathBuf,
}

fn private_ca(dir: &Path) -> PrivateCa {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Partner internal CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let names = vec!["127.0.0.1".to_string(), "localhost".to_string()];
    let leaf = rcgen::CertificateParams::new(names)
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    let chain = dir.join("server-chain.pem");
    let key = dir.join("server-key.pem");
    let stranger_key = dir.join("another-key.pem");
    std::fs::write(&chain, format!("{}{}", leaf.pem(), ca.pem())).unwrap();
    std::fs::write(&key, leaf_key.serialize_pem()).unwrap();
    std::fs::write(
        &stranger_key,
        rcgen::KeyPair::generate().unwrap().serialize_pem(),
    )
    .unwrap();
    PrivateCa {
        ca_pem: ca.pem(),
        chain,
        key,
        stranger_key,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admins_certificate_from_a_private_ca_is_trusted_through_that_ca() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let files = tempfile::tempdir().unwrap();
    let ca = private_ca(files.path());
    let server = start(
        &url,
        &[
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            path(&ca.chain),
            "--tls-key",
            path(&ca.key),
        ],
    );
    let roots = Trust::roots_pem(ca.ca_pem.as_bytes()).unwrap();
    assert_eq!(health_over(&roots, &server.server.base).await.unwrap(), 200);
    let by_name = format!("https://localhost:{}", server.port);
    assert_eq!(health_over(&roots, &by_name).await.unwrap(), 200);
    // The fingerprint printed is the server's own certificate's, pinnable too.
    assert_eq!(
        health_over(&Trust::Pinned(server.printed), &server.server.base)
            .await
            .unwrap(),
        200
    );
    // The CA is not in this machine's store.
    assert!(health_over(&Trust::System, &server.server.base)
        .await
        .is_err());
}

#[test]
fn a_key_that_does_not_match_the_certificate_is_refused_before_serving() {
    let files = tempfile::tempdir().unwrap();
    let ca = private_ca(files.path());
    let (code, stderr) = refused(&[
        "--listen",
        "0.0.0.0:0",
        "--tls-cert",
        path(&ca.chain),
        "--tls-key",
        path(&ca.stranger_key),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("does not match the certificate"),
        "{stderr}"
    );
    assert!(stderr.contains("another-key.pem"), "{stderr}");

    let (code, stderr) = refused(&["--tls-cert", path(&ca.key), "--tls-key", path(&ca.key)]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("holds no certificate"), "{stderr}");
}
