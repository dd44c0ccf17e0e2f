use clap::Parser;
use partnerdesk_server::Config;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt().with_ansi(false).init();
    let config = Config::parse();
    if let Err(refused) = config.check() {
        eprintln!("partnerdesk-server: {refused}");
        return std::process::ExitCode::from(2);
    }
    let identity = match partnerdesk_server::tls::identity(&config) {
        Ok(identity) => identity,
        Err(refused) => {
            eprintln!("partnerdesk-server: {refused}");
            return std::process::ExitCode::from(2);
        }
    };
    if let Some(identity) = &identity {
        // On its own line, without log decoration, for the admin to copy and
        // read out to the people connecting their desktops.
        println!(
            "TLS certificate SHA-256 fingerprint: {}",
            identity.fingerprint()
        );
    }
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!(
                "partnerdesk-server: cannot listen on {}: {e}",
                config.listen
            );
            return std::process::ExitCode::from(2);
        }
    };
    match partnerdesk_server::serve_with(&config, listener, identity, shutdown_signal()).await {
        Ok(()) => {
            tracing::info!("stopped");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, "stopped on an error");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Ctrl-C or SIGTERM (what systemd and container runtimes send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
