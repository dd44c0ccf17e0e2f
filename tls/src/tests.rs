use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector};

use super::*;

fn hosts() -> Vec<String> {
    vec!["localhost".to_string(), "127.0.0.1".to_string()]
}

/// A CA and a leaf it issued for `hosts()`, as PEM files in `dir`.
pub(crate) struct Issued {
    pub ca_pem: String,
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

fn issue(dir: &Path, not_after: Option<time::OffsetDateTime>) -> Issued {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Test partner CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let mut leaf_params = rcgen::CertificateParams::new(hosts()).unwrap();
    if let Some(not_after) = not_after {
        leaf_params.not_before = not_after - time::Duration::days(30);
        leaf_params.not_after = not_after;
    }
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
    let cert = dir.join("chain.pem");
    let key = dir.join("key.pem");
    std::fs::write(&cert, format!("{}{}", leaf.pem(), ca.pem())).unwrap();
    std::fs::write(&key, leaf_key.serialize_pem()).unwrap();
    Issued {
        ca_pem: ca.pem(),
        cert,
        key,
    }
}

#[test]
fn a_fingerprint_is_sha256_in_uppercase_hex_pairs_and_parses_back() {
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    let fingerprint = Fingerprint::of(b"abc");
    let shown = fingerprint.to_string();
    assert_eq!(
        shown,
        "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD"
    );
    assert_eq!(shown.parse::<Fingerprint>(), Ok(fingerprint));
    let pasted = shown.to_lowercase().replace(':', " ");
    assert_eq!(pasted.parse::<Fingerprint>(), Ok(fingerprint));
    assert!("BA:78".parse::<Fingerprint>().is_err());
}

#[test]
fn self_signed_is_generated_once_with_a_private_key_file_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("tls");
    let first = ServerIdentity::self_signed(&state, &hosts()).unwrap();
    assert_eq!(first.origin(), Origin::Generated);
    assert_eq!(first.fingerprint(), Fingerprint::of(first.leaf()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = std::fs::metadata(state.join("private-key.pem")).unwrap();
        assert_eq!(key.permissions().mode() & 0o777, 0o600);
    }
    let again = ServerIdentity::self_signed(&state, &hosts()).unwrap();
    assert_eq!(again.origin(), Origin::Reused);
    assert_eq!(again.fingerprint(), first.fingerprint());

    std::fs::remove_file(state.join("private-key.pem")).unwrap();
    let half = ServerIdentity::self_signed(&state, &hosts()).unwrap_err();
    assert!(
        matches!(half, IdentityError::HalfSelfSigned { .. }),
        "{half}"
    );
    assert!(half.to_string().contains("private-key.pem"), "{half}");
}

#[test]
fn an_admins_chain_loads_and_its_fingerprint_is_the_leafs() {
    let dir = tempfile::tempdir().unwrap();
    let issued = issue(dir.path(), None);
    let identity = ServerIdentity::load(&issued.cert, &issued.key).unwrap();
    assert_eq!(identity.origin(), Origin::Provided);
    let chain: Vec<_> = CertificateDer::pem_file_iter(&issued.cert)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(chain.len(), 2);
    assert_eq!(identity.fingerprint(), Fingerprint::of(&chain[0]));
    assert_ne!(identity.fingerprint(), Fingerprint::of(&chain[1]));
    assert_eq!(
        identity.server_config().unwrap().alpn_protocols,
        vec![b"http/1.1".to_vec()]
    );
}
#[test]
fn bad_files_are_refused_naming_the_file_and_the_fault() {
    let dir = tempfile::tempdir().unwrap();
    let issued = issue(dir.path(), None);
    let other = issue(&dir.path().join("other").tap_mkdir(), None);
    let garbage = dir.path().join("garbage.der");
    std::fs::write(&garbage, [0x30, 0x82, 0x01, 0x00]).unwrap();

    let not_pem = ServerIdentity::load(&garbage, &issued.key).unwrap_err();
    assert!(matches!(not_pem, IdentityError::NotPem { .. }), "{not_pem}");
    assert!(not_pem.to_string().contains("garbage.der"), "{not_pem}");

    let no_cert = ServerIdentity::load(&issued.key, &issued.key).unwrap_err();
    assert!(
        matches!(no_cert, IdentityError::NoCertificate { .. }),
        "{no_cert}"
    );

    let no_key = ServerIdentity::load(&issued.cert, &issued.cert).unwrap_err();
    assert!(matches!(no_key, IdentityError::NoKey { .. }), "{no_key}");

    let mismatch = ServerIdentity::load(&issued.cert, &other.key).unwrap_err();
    assert!(
        matches!(mismatch, IdentityError::KeyMismatch { .. }),
        "{mismatch}"
    );
    let message = mismatch.to_string();
    assert!(message.contains("does not match"), "{message}");
    assert!(
        message.contains(&other.key.display().to_string()),
        "{message}"
    );

    let missing = ServerIdentity::load(&dir.path().join("nope.pem"), &issued.key).unwrap_err();
    assert!(
        matches!(missing, IdentityError::Unreadable { .. }),
        "{missing}"
    );
}

#[test]
fn an_expired_certificate_is_refused_with_its_date() {
    let dir = tempfile::tempdir().unwrap();
    let yesterday = time::OffsetDateTime::now_utc() - time::Duration::days(1);
    let issued = issue(dir.path(), Some(yesterday));
    let expired = ServerIdentity::load(&issued.cert, &issued.key).unwrap_err();
    assert!(
        matches!(expired, IdentityError::Expired { .. }),
        "{expired}"
    );
    assert!(
        expired.to_string().contains(&yesterday.year().to_string()),
        "{expired}"
    );
}

trait TapMkdir {
    fn tap_mkdir(self) -> Self;
}
impl TapMkdir for std::path::PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}

/// Serves `identity` on loopback: each connection gets "pong" once it sends a line.
async fn echo_server(identity: &ServerIdentity) -> u16 {
    let acceptor = TlsAcceptor::from(Arc::new(identity.server_config().unwrap()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let mut buf = [0u8; 5];
                    if tls.read_exact(&mut buf).await.is_ok() {
                        let _ = tls.write_all(b"pong\n").await;
                        let _ = tls.shutdown().await;
                    }
                }
            });
        }
    });
    port
}

async fn exchange(trust: &Trust, host: &str, port: u16) -> std::io::Result<String> {
    let connector = TlsConnector::from(Arc::new(client_config(trust).unwrap()));
    let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
    let name = ServerName::try_from(host.to_string()).unwrap();
    let mut tls = connector.connect(name, tcp).await?;
    tls.write_all(b"ping\n").await?;
    let mut reply = String::new();
    tls.read_to_string(&mut reply).await?;
    Ok(reply)
}

#[tokio::test]
async fn a_pinned_client_talks_to_its_server_and_refuses_another_saying_both_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerIdentity::self_signed(&dir.path().join("a"), &hosts()).unwrap();
    let impostor = ServerIdentity::self_signed(&dir.path().join("b"), &hosts()).unwrap();
    let port = echo_server(&server).await;

    let pinned = Trust::Pinned(server.fingerprint());
    // The pin, not the name, is the identity: any name reaches the pinned server.
    assert_eq!(
        exchange(&pinned, "team.example", port).await.unwrap(),
        "pong\n"
    );

    let wrong = Trust::Pinned(impostor.fingerprint());
    let refused = exchange(&wrong, "localhost", port).await.unwrap_err();
    let changed = certificate_changed(&refused).expect("the refusal is a pin mismatch");
    assert_eq!(changed.expected, impostor.fingerprint());
    assert_eq!(changed.presented, server.fingerprint());
    let message = changed.to_string();
    assert!(message.contains("certificate changed"), "{message}");
    assert!(
        message.contains(&server.fingerprint().to_string()),
        "{message}"
    );
}

#[tokio::test]
async fn first_use_reads_the_presented_fingerprint_without_a_pin() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerIdentity::self_signed(dir.path(), &hosts()).unwrap();
    let port = echo_server(&server).await;
    assert_eq!(
        fetch_fingerprint("127.0.0.1", port).await.unwrap(),
        server.fingerprint()
    );
    assert_eq!(
        fetch_fingerprint("localhost", port).await.unwrap(),
        server.fingerprint()
    );
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let unused = closed.local_addr().unwrap().port();
    drop(closed);
    assert!(matches!(
        fetch_fingerprint("127.0.0.1", unused).await,
        Err(FetchError::Unreachable { .. })
    ));
}

#[tokio::test]
async fn a_private_ca_is_trusted_for_its_leaf_only_under_its_names() {
    let dir = tempfile::tempdir().unwrap();
    let issued = issue(dir.path(), None);
    let server = ServerIdentity::load(&issued.cert, &issued.key).unwrap();
    let port = echo_server(&server).await;
    let roots = Trust::roots_pem(issued.ca_pem.as_bytes()).unwrap();
    assert_eq!(exchange(&roots, "localhost", port).await.unwrap(), "pong\n");
    assert!(
        exchange(&roots, "team.example", port).await.is_err(),
        "wrong name"
    );

    let stranger = issue(&dir.path().join("s").tap_mkdir(), None);
    let other_ca = Trust::roots_pem(stranger.ca_pem.as_bytes()).unwrap();
    let refused = exchange(&other_ca, "localhost", port).await.unwrap_err();
    assert!(certificate_changed(&refused).is_none(), "{refused}");

    // A self-signed server is not trusted through the system's roots.
    let self_signed = ServerIdentity::self_signed(&dir.path().join("ss"), &hosts()).unwrap();
    let port = echo_server(&self_signed).await;
    assert!(exchange(&Trust::System, "localhost", port).await.is_err());
    assert!(Trust::roots_pem(b"not pem").is_err());
}

#[tokio::test]
async fn first_contact_says_whether_the_trust_accepts_the_server_or_a_pin_is_needed() {
    let dir = tempfile::tempdir().unwrap();
    let issued = issue(dir.path(), None);
    let ca_server = ServerIdentity::load(&issued.cert, &issued.key).unwrap();
    let ca_port = echo_server(&ca_server).await;
    let roots = Trust::roots_pem(issued.ca_pem.as_bytes()).unwrap();
    assert_eq!(
        first_contact("localhost", ca_port, &roots).await.unwrap(),
        FirstContact::Trusted {
            fingerprint: ca_server.fingerprint()
        }
    );

    let self_signed = ServerIdentity::self_signed(&dir.path().join("ss"), &hosts()).unwrap();
    let port = echo_server(&self_signed).await;
    match first_contact("localhost", port, &Trust::System)
        .await
        .unwrap()
    {
        FirstContact::Unverified { fingerprint, why } => {
            assert_eq!(fingerprint, self_signed.fingerprint());
            assert!(why.contains("certificate"), "{why}");
        }
        trusted => panic!("a self-signed server was trusted: {trusted:?}"),
    }
}
