//! Flags with environment fallbacks, checked before anything listens.
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "partnerdesk-server",
    version,
    about = "Partnerdesk team server (preview)"
)]
pub struct Config {
    /// PostgreSQL connection string: a URL (postgresql://user@host:port/db) or key=value pairs.
    #[arg(long, env = "PARTNERDESK_DATABASE_URL")]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(long, env = "PARTNERDESK_LISTEN", default_value = "127.0.0.1:8750")]
    pub listen: SocketAddr,

    /// PEM certificate chain for TLS (the server's certificate first, then intermediates).
    #[arg(long, env = "PARTNERDESK_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key for TLS, matching the first certificate of --tls-cert.
    #[arg(long, env = "PARTNERDESK_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Serve TLS with a self-signed certificate kept in this directory: generated
    /// on the first start, reused after; desktops pin its fingerprint, which the
    /// server prints at every start.
    #[arg(
        long,
        env = "PARTNERDESK_TLS_SELF_SIGNED",
        value_name = "DIR",
        conflicts_with_all = ["tls_cert", "tls_key"]
    )]
    pub tls_self_signed: Option<PathBuf>,

    /// Most PostgreSQL connections this instance keeps.
    #[arg(long, env = "PARTNERDESK_DATABASE_POOL", default_value_t = 16)]
    pub pool_size: usize,

    /// Where this instance keeps its working copy (a cache of the log, rebuilt
    /// from PostgreSQL when missing). Default: a new temporary directory.
    /// The code the first admin types to create the workspace (`POST
    /// /setup`); a fresh random one, printed at start, when not given.
    #[arg(long, env = "PARTNERDESK_SETUP_CODE", hide_env_values = true)]
    pub setup_code: Option<String>,

    #[arg(long, env = "PARTNERDESK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Store a snapshot in PostgreSQL after this many changes.
    #[arg(long, env = "PARTNERDESK_SNAPSHOT_EVERY", default_value_t = 10_000)]
    pub snapshot_every: i64,

    /// Keep this many changes before the newest snapshot; older ones are pruned.
    #[arg(long, env = "PARTNERDESK_RETAIN_CHANGES", default_value_t = 100_000)]
    pub retain_changes: i64,

    /// Run the clock-driven rules when this instance holds the clock lock.
    #[arg(long, env = "PARTNERDESK_CLOCK", default_value_t = true, action = clap::ArgAction::Set)]
    pub clock: bool,

    /// Seconds between attempts to take over the clock (tests shorten it).
    #[arg(
        long,
        env = "PARTNERDESK_CLOCK_RETRY_SECONDS",
        default_value_t = 30,
        hide = true
    )]
    pub clock_retry_seconds: u64,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error(
        "refusing to serve plain HTTP on {0}: plain HTTP is allowed only on a loopback address \
         (127.0.0.1 or ::1), because staff passwords and data would cross the network \
         unencrypted; serve TLS (--tls-cert and --tls-key, or --tls-self-signed DIR) or listen on 127.0.0.1"
    )]
    PlainHttpOffLoopback(SocketAddr),
}

/// Where the server's TLS identity comes from (decision 0053).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsSource {
    /// The admin's certificate chain and key.
    Provided { cert: PathBuf, key: PathBuf },
    /// Self-signed, kept in this directory.
    SelfSigned { dir: PathBuf },
}

impl Config {
    /// Refuses what this build cannot serve safely, with the reason.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.tls().is_none() && !self.listen.ip().is_loopback() {
            return Err(ConfigError::PlainHttpOffLoopback(self.listen));
        }
        Ok(())
    }

    /// TLS, if configured; `None` means plain HTTP (loopback only).
    pub fn tls(&self) -> Option<TlsSource> {
        match (&self.tls_cert, &self.tls_key, &self.tls_self_signed) {
            (Some(cert), Some(key), _) => Some(TlsSource::Provided {
                cert: cert.clone(),
                key: key.clone(),
            }),
            (_, _, Some(dir)) => Some(TlsSource::SelfSigned { dir: dir.clone() }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Config {
        let mut all = vec!["partnerdesk-server", "--database-url", "host=/tmp"];
        all.extend_from_slice(args);
        Config::try_parse_from(all).expect("flags parse")
    }

    #[test]
    fn plain_http_is_allowed_on_loopback_only() {
        assert_eq!(parse(&["--listen", "127.0.0.1:9000"]).check(), Ok(()));
        assert_eq!(parse(&["--listen", "[::1]:9000"]).check(), Ok(()));
        let open = parse(&["--listen", "0.0.0.0:9000"]);
        assert_eq!(
            open.check(),
            Err(ConfigError::PlainHttpOffLoopback(open.listen))
        );
        let lan = parse(&["--listen", "192.168.1.5:9000"]);
        let message = lan.check().unwrap_err().to_string();
        assert!(message.contains("192.168.1.5:9000"), "{message}");
    }

    #[test]
    fn a_certificate_needs_its_key() {
        let result = Config::try_parse_from([
            "partnerdesk-server",
            "--database-url",
            "host=/tmp",
            "--tls-cert",
            "cert.pem",
        ]);
        assert!(result.is_err());
    }

    #[test]
    fn tls_is_served_on_any_address() {
        let provided = parse(&[
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
            "--listen",
            "0.0.0.0:443",
        ]);
        assert_eq!(provided.check(), Ok(()));
        assert_eq!(
            provided.tls(),
            Some(TlsSource::Provided {
                cert: "c.pem".into(),
                key: "k.pem".into()
            })
        );
        let self_signed = parse(&[
            "--tls-self-signed",
            "/var/lib/pd/tls",
            "--listen",
            "[::]:8750",
        ]);
        assert_eq!(self_signed.check(), Ok(()));
        assert_eq!(
            self_signed.tls(),
            Some(TlsSource::SelfSigned {
                dir: "/var/lib/pd/tls".into()
            })
        );
        assert_eq!(parse(&[]).tls(), None);
    }

    #[test]
    fn a_self_signed_identity_excludes_the_admins() {
        let both = Config::try_parse_from([
            "partnerdesk-server",
            "--database-url",
            "host=/tmp",
            "--tls-self-signed",
            "dir",
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
        ]);
        assert!(both.is_err());
    }
}
