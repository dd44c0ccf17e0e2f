//! Administration of a team server's PostgreSQL, run by the admin while
//! setting the server up (decision 0055). A separate binary from
//! `partnerdesk-server`, so the server's own flags stay what they are.
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use partnerdesk_server::import::Workspace;

#[derive(Debug, Parser)]
#[command(
    name = "partnerdesk-server-admin",
    version,
    about = "Partnerdesk team server administration (preview)"
)]
struct Admin {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Moves a standalone workspace (a desktop's partnerdesk.sqlite3, the app
    /// closed) into an empty team server: its staff sign in with their own
    /// passwords, and every instance rebuilds from it.
    ImportWorkspace {
        /// PostgreSQL connection string, as for partnerdesk-server.
        #[arg(long, env = "PARTNERDESK_DATABASE_URL")]
        database_url: String,
        /// The standalone database file (it is read, never changed).
        file: PathBuf,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt().with_ansi(false).init();
    match Admin::parse().task {
        Task::ImportWorkspace { database_url, file } => match import(&database_url, &file).await {
            Ok(line) => {
                println!("{line}");
                std::process::ExitCode::SUCCESS
            }
            Err(refused) => {
                eprintln!("partnerdesk-server-admin: {refused}");
                std::process::ExitCode::FAILURE
            }
        },
    }
}

async fn import(database_url: &str, file: &std::path::Path) -> Result<String, String> {
    let workspace = {
        let file = file.to_path_buf();
        tokio::task::spawn_blocking(move || Workspace::open(&file))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?
    };
    let pool = partnerdesk_server::db::pool(database_url, 2).map_err(|e| e.to_string())?;
    let imported = workspace
        .import_into(&pool)
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "imported {}: {} staff, {} customers, {} audit entries ({} bytes) at log position {}; \
         running server instances rebuild from it",
        file.display(),
        imported.staff,
        imported.customers,
        imported.audit_entries,
        imported.bytes,
        imported.position
    ))
}
