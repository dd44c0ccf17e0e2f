//! The server's certificate chain and key: the admin's, or one generated once
//! and kept next to the server's other state.
use std::io::Write;
use std::path::{Path, PathBuf};

use rustls::sign::CertifiedKey;
use rustls::ServerConfig;
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::{provider, Fingerprint, ALPN_HTTP1};

/// The files a self-signed identity lives in, inside the directory the admin names.
pub const SELF_SIGNED_CERT_FILE: &str = "certificate.pem";
pub const SELF_SIGNED_KEY_FILE: &str = "private-key.pem";

/// Where an identity came from, for the startup log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The admin's `--tls-cert`/`--tls-key`.
    Provided,
    /// Self-signed, generated on this start.
    Generated,
    /// Self-signed, generated on an earlier start and read back.
    Reused,
}

#[derive(Debug)]
pub struct ServerIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    fingerprint: Fingerprint,
    origin: Origin,
}

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Unwritable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not PEM ({detail}): expected text with -----BEGIN …----- sections", path.display())]
    NotPem { path: PathBuf, detail: String },
    #[error("{} holds no certificate (no -----BEGIN CERTIFICATE----- section)", path.display())]
    NoCertificate { path: PathBuf },
    #[error("{} holds no private key (no -----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY section)", path.display())]
    NoKey { path: PathBuf },
    #[error("{} holds a private key this server cannot use: {detail}", path.display())]
    UnsupportedKey { path: PathBuf, detail: String },
    #[error("{} is not a certificate this server can read: {detail}", path.display())]
    BadCertificate { path: PathBuf, detail: String },
    #[error(
        "the private key in {} does not match the certificate in {}: \
         the first certificate in the chain must be the server's own, issued for this key",
        key.display(), cert.display()
    )]
    KeyMismatch { cert: PathBuf, key: PathBuf },
    #[error("the certificate in {} expired on {not_after}: renew it and restart the server", path.display())]
    Expired { path: PathBuf, not_after: String },
    #[error("the certificate in {} is not valid until {not_before}: check this machine's clock", path.display())]
    NotYetValid { path: PathBuf, not_before: String },
    #[error(
        "{} holds only half of a self-signed identity ({} is missing): \
         restore it, or delete the directory's {SELF_SIGNED_CERT_FILE} and {SELF_SIGNED_KEY_FILE} \
         to generate a new one (desktops will then be asked to confirm the new fingerprint)",
        dir.display(), missing.display()
    )]
    HalfSelfSigned { dir: PathBuf, missing: PathBuf },
    #[error("cannot generate a self-signed certificate: {0}")]
    Generate(String),
    #[error("rustls refused the certificate and key: {0}")]
    Rustls(String),
}

impl ServerIdentity {
    /// The admin's PEM certificate chain (server's certificate first) and key.
    pub fn load(cert_pem: &Path, key_pem: &Path) -> Result<ServerIdentity, IdentityError> {
        Self::read(cert_pem, key_pem, Origin::Provided)
    }

    /// A self-signed certificate for `hostnames` (names or IP addresses) kept
    /// in `dir`: generated on the first start, read back on every later one,
    /// so its fingerprint, the thing desktops pin, stays the same.
    pub fn self_signed(dir: &Path, hostnames: &[String]) -> Result<ServerIdentity, IdentityError> {
        let cert = dir.join(SELF_SIGNED_CERT_FILE);
        let key = dir.join(SELF_SIGNED_KEY_FILE);
        match (cert.exists(), key.exists()) {
            (true, true) => Self::read(&cert, &key, Origin::Reused),
            (false, false) => {
                generate(dir, &cert, &key, hostnames)?;
                Self::read(&cert, &key, Origin::Generated)
            }
            (true, false) => Err(IdentityError::HalfSelfSigned {
                dir: dir.to_path_buf(),
                missing: key,
            }),
            (false, true) => Err(IdentityError::HalfSelfSigned {
                dir: dir.to_path_buf(),
                missing: cert,
            }),
        }
    }

    /// The SHA-256 of the server's own (leaf) certificate: what desktops pin.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The server's own certificate, DER.
    pub fn leaf(&self) -> &CertificateDer<'static> {
        &self.chain[0]
    }

    /// A rustls server config presenting this identity, HTTP/1.1 only.
    pub fn server_config(&self) -> Result<ServerConfig, IdentityError> {
        let mut config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| IdentityError::Rustls(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .map_err(|e| IdentityError::Rustls(e.to_string()))?;
        config.alpn_protocols = vec![ALPN_HTTP1.to_vec()];
        Ok(config)
    }

    fn read(
        cert_pem: &Path,
        key_pem: &Path,
        origin: Origin,
    ) -> Result<ServerIdentity, IdentityError> {
        let chain = read_chain(cert_pem)?;
        let key = read_key(key_pem)?;
        check_validity(cert_pem, &chain[0])?;
        let signer = provider()
            .key_provider
            .load_private_key(key.clone_key())
            .map_err(|e| IdentityError::UnsupportedKey {
                path: key_pem.to_path_buf(),
                detail: e.to_string(),
            })?;
        match CertifiedKey::new(chain.clone(), signer).keys_match() {
            // Unknown: the key type cannot say its public key; the handshake will tell.
            Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {}
            Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
                return Err(IdentityError::KeyMismatch {
                    cert: cert_pem.to_path_buf(),
                    key: key_pem.to_path_buf(),
                })
            }
            Err(e) => {
                return Err(IdentityError::BadCertificate {
                    path: cert_pem.to_path_buf(),
                    detail: e.to_string(),
                })
            }
        }
        Ok(ServerIdentity {
            fingerprint: Fingerprint::of(&chain[0]),
            chain,
            key,
            origin,
        })
    }
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, IdentityError> {
    std::fs::read(path).map_err(|source| IdentityError::Unreadable {
        path: path.to_path_buf(),
        source,
    })
}

fn not_pem(path: &Path, detail: impl ToString) -> IdentityError {
    IdentityError::NotPem {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    }
}

fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|window| window == b"-----BEGIN ")
}

/// Every certificate in a PEM file, in order. Also how a desktop reads a
/// private CA's PEM the same way (`Trust::roots_pem`).
pub(crate) fn parse_certificates(
    path: &Path,
    bytes: &[u8],
) -> Result<Vec<CertificateDer<'static>>, IdentityError> {
    if !looks_like_pem(bytes) {
        return Err(not_pem(path, "no -----BEGIN line"));
    }
    let chain = CertificateDer::pem_slice_iter(bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| not_pem(path, e))?;
    if chain.is_empty() {
        return Err(IdentityError::NoCertificate {
            path: path.to_path_buf(),
        });
    }
    Ok(chain)
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, IdentityError> {
    parse_certificates(path, &read_bytes(path)?)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, IdentityError> {
    let bytes = read_bytes(path)?;
    if !looks_like_pem(&bytes) {
        return Err(not_pem(path, "no -----BEGIN line"));
    }
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| match e {
        pem::Error::NoItemsFound => IdentityError::NoKey {
            path: path.to_path_buf(),
        },
        other => not_pem(path, other),
    })
}

/// Refuses an expired or not-yet-valid certificate at start, instead of
/// letting every desktop fail its handshake with a vaguer message.
fn check_validity(path: &Path, leaf: &CertificateDer<'_>) -> Result<(), IdentityError> {
    let (_, parsed) =
        x509_parser::parse_x509_certificate(leaf).map_err(|e| IdentityError::BadCertificate {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
    let validity = parsed.validity();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if now > validity.not_after.timestamp() {
        return Err(IdentityError::Expired {
            path: path.to_path_buf(),
            not_after: validity.not_after.to_string(),
        });
    }
    if now < validity.not_before.timestamp() {
        return Err(IdentityError::NotYetValid {
            path: path.to_path_buf(),
            not_before: validity.not_before.to_string(),
        });
    }
    Ok(())
}

fn generate(
    dir: &Path,
    cert: &Path,
    key: &Path,
    hostnames: &[String],
) -> Result<(), IdentityError> {
    let unwritable = |path: &Path| {
        let path = path.to_path_buf();
        move |source| IdentityError::Unwritable { path, source }
    };
    create_private_dir(dir).map_err(unwritable(dir))?;
    let mut params = rcgen::CertificateParams::new(hostnames.to_vec())
        .map_err(|e| IdentityError::Generate(e.to_string()))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Partnerdesk team server");
    let signing_key =
        rcgen::KeyPair::generate().map_err(|e| IdentityError::Generate(e.to_string()))?;
    let certificate = params
        .self_signed(&signing_key)
        .map_err(|e| IdentityError::Generate(e.to_string()))?;
    // The key first, so a crash in between leaves "half an identity", which
    // is refused with instructions, never a certificate without its key reused.
    write_new(key, signing_key.serialize_pem().as_bytes(), 0o600).map_err(unwritable(key))?;
    write_new(cert, certificate.pem().as_bytes(), 0o644).map_err(unwritable(cert))?;
    Ok(())
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates `path` (never overwrites) with `mode` from the start, so the key
/// is never readable by others even for an instant.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
