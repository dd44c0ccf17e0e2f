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

    /// PEM certificate chain for TLS.
    #[arg(long, env = "PARTNERDESK_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key for TLS.
    #[arg(long, env = "PARTNERDESK_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Most PostgreSQL connections this instance keeps.
    #[arg(long, env = "PARTNERDESK_DATABASE_POOL", default_value_t = 16)]
    pub pool_size: usize,

    /// Where this instance keeps its working copy (a cache of the log, rebuilt
    /// from PostgreSQL when missing). Default: a new temporary directory.
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
         unencrypted; listen on 127.0.0.1 (TLS with --tls-cert/--tls-key comes in a later preview)"
    )]
    PlainHttpOffLoopback(SocketAddr),
    #[error(
        "TLS is configured ({0}), but this preview does not serve TLS yet (decision 0048): \
         listen on a loopback address without --tls-cert/--tls-key for now"
    )]
    TlsNotYetServed(String),
}

impl Config {
    /// Refuses what this build cannot serve safely, with the reason.
    pub fn check(&self) -> Result<(), ConfigError> {
        if let Some(cert) = &self.tls_cert {
            return Err(ConfigError::TlsNotYetServed(cert.display().to_string()));
        }
        if !self.listen.ip().is_loopback() {
            return Err(ConfigError::PlainHttpOffLoopback(self.listen));
        }
        Ok(())
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
    fn tls_is_refused_until_it_is_served() {
        let tls = parse(&[
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
            "--listen",
            "0.0.0.0:443",
        ]);
        assert!(matches!(tls.check(), Err(ConfigError::TlsNotYetServed(_))));
    }
}
