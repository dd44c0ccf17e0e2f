//! `scripts/bench.sh team`: a team server on PostgreSQL, 20 simulated
//! desktops doing a mixed workload, and the same writes on a standalone
//! database beside them (decision 0055). Prints Markdown; asserts nothing
//! about speed, only reports it beside the targets.
//!
//!   bench_team --database-url "host=… port=… user=…" [--customers N] [--seconds S]
//!              [--desktops D] [--think-ms M] [--server-bin PATH]
#[path = "../../../src-tauri/core/examples/bench_support/mod.rs"]
mod bench_support;
mod checks;
mod desktops;
mod ops;
mod phases;
mod report;

use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use bench_support::seed::{self, Generator};
use bench_support::{BenchResult, Rng};
use partnerdesk_client::{Connection, Replica, SyncState};
use partnerdesk_core::store::{Scope, Store};
use partnerdesk_server::import::Workspace;

pub struct Args {
    pub database_url: String,
    pub customers: usize,
    pub seconds: u64,
    pub desktops: usize,
    pub think_ms: u64,
    pub server_bin: PathBuf,
}

fn args() -> BenchResult<Args> {
    let mut args = Args {
        database_url: String::new(),
        customers: 100_000,
        seconds: 60,
        desktops: 20,
        think_ms: 500,
        server_bin: std::env::current_exe()?
            .parent()
            .and_then(Path::parent)
            .ok_or("no target directory")?
            .join("partnerdesk-server"),
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let mut value = || given.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.replace(['_', ','], "").parse::<u64>();
        match flag.as_str() {
            "--database-url" => args.database_url = value()?,
            "--customers" => args.customers = number(value()?)? as usize,
            "--seconds" => args.seconds = number(value()?)?,
            "--desktops" => args.desktops = number(value()?)?.max(2) as usize,
            "--think-ms" => args.think_ms = number(value()?)?,
            "--server-bin" => args.server_bin = value()?.into(),
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    if args.database_url.is_empty() {
        return Err("give --database-url (scripts/bench.sh team starts PostgreSQL)".into());
    }
    Ok(args)
}

/// The seeded standalone database, and a copy of it for the baseline.
struct Seeded {
    file: PathBuf,
    baseline: PathBuf,
    customer_ids: Vec<String>,
    /// Customers with an active delegated-admin relationship: only those
    /// take service requests.
    supported: Vec<String>,
    seconds: f64,
    lines: Vec<String>,
}

fn seed_standalone(dir: &Path, n: usize) -> BenchResult<Seeded> {
    let file = dir.join("partnerdesk.sqlite3");
    let started = Instant::now();
    let store = Store::open(&file)?;
    let actor = seed::sign_in_first_admin(&store, seed::company())?;
    let mut generator = Generator::new(Rng(0x7EA4));
    let mut lines = Vec::new();
    let core_count = 1000.min(n / 2).max(1);
    let customer_ids =
        seed::seed_customers(&store, &actor, &mut generator, (n, core_count), &mut lines)?;
    let supported = seed_relationships(&store, &customer_ids, n)?;
    lines.push(format!(
        "- a delegated-admin relationship for each of the first {} customers, {} of them active (service requests go to those)",
        RELATIONSHIPS.min(n),
        supported.len()
    ));
    let seconds = started.elapsed().as_secs_f64();
    ops::choose_service(&store)?;
    let baseline = dir.join("baseline.sqlite3");
    store.snapshot_into(&baseline, Scope::Everything)?;
    Ok(Seeded {
        file,
        baseline,
        customer_ids,
        supported,
        seconds,
        lines,
    })
}

const RELATIONSHIPS: usize = 3000;

/// The bench seeder's relationships (the core's columns, its state order).
fn seed_relationships(store: &Store, ids: &[String], n: usize) -> BenchResult<Vec<String>> {
    let mut rng = Rng(0x5E2);
    let mut active = Vec::new();
    store.write(|tx| {
        for (i, id) in ids.iter().enumerate().take(RELATIONSHIPS) {
            let r = seed::relationship(&mut rng, seed::added_at(n, i), format!("Support {i}"));
            if r.state == "active" {
                active.push(id.clone());
            }
            seed::insert_relationship(tx, &mut rng, id, &r)
                .map_err(|e| partnerdesk_core::Error::Internal(e.to_string()))?;
        }
        tx.execute(&seed::refresh_states(), [])?;
        Ok(())
    })?;
    if active.is_empty() {
        return Err("no active relationship was seeded".into());
    }
    Ok(active)
}

async fn fresh_database(admin: &str) -> BenchResult<String> {
    let (client, connection) = tokio_postgres::connect(admin, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let name = format!("pd_bench_{}", uuid::Uuid::new_v4().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await?;
    Ok(format!("{admin} dbname={name}"))
}

/// The real release binary on loopback; killed when dropped.
struct Server {
    base: String,
    child: Child,
}

impl Server {
    fn start(bin: &Path, database_url: &str, data_dir: &Path, log: &Path) -> BenchResult<Server> {
        use std::io::{BufRead, BufReader, Write};
        let mut child = Process::new(bin)
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env("PARTNERDESK_DATABASE_URL", database_url)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                format!(
                    "{}: {e} (build it: cargo build --release -p partnerdesk-server)",
                    bin.display()
                )
            })?;
        let mut lines = BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
        let mut out = std::fs::File::create(log)?;
        let addr = loop {
            let line = lines.next().ok_or("the server exited before listening")??;
            writeln!(out, "{line}")?;
            if let Some(addr) = line
                .split_whitespace()
                .find_map(|f| f.strip_prefix("addr="))
            {
                break addr.to_string();
            }
        };
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let _ = writeln!(out, "{line}");
            }
        });
        Ok(Server {
            base: format!("http://{addr}"),
            child,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn wait_live(replica: &Replica, within: Duration) -> BenchResult<()> {
    let mut state = replica.state();
    tokio::time::timeout(
        within,
        state.wait_for(|s| matches!(s, SyncState::Live { .. })),
    )
    .await
    .map_err(|_| {
        format!(
            "the replica was not live within {within:?}: {:?}",
            replica.state().borrow().clone()
        )
    })??;
    Ok(())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> BenchResult<()> {
    let args = args()?;
    let dir = tempfile::tempdir()?;
    let n = args.customers;
    println!(
        "# Team benchmark: {n} customers, {} desktops, {} s\n",
        args.desktops, args.seconds
    );
    println!(
        "Machine: {} logical CPUs (shared with other builds), PostgreSQL on a Unix socket \
         (fsync off, a throwaway cluster), the server and desktops on loopback\n",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );

    let seeded = tokio::task::spawn_blocking({
        let dir = dir.path().to_path_buf();
        move || seed_standalone(&dir, n).map_err(|e| e.to_string())
    })
    .await??;
    println!(
        "## Seeding the standalone database: {:.1} s\n\n{}\n",
        seeded.seconds,
        seeded.lines.join("\n")
    );

    let database_url = fresh_database(&args.database_url).await?;
    let started = Instant::now();
    let workspace = tokio::task::spawn_blocking({
        let file = seeded.file.clone();
        move || Workspace::open(&file).map_err(|e| e.to_string())
    })
    .await??;
    let pool = partnerdesk_server::db::pool(&database_url, 2)?;
    let imported = workspace.import_into(&pool).await?;
    drop(workspace);
    let import_seconds = started.elapsed().as_secs_f64();
    println!(
        "## Import into the team server: {import_seconds:.1} s ({} staff, {} customers, {} audit \
         entries, {:.0} MiB snapshot)\n",
        imported.staff,
        imported.customers,
        imported.audit_entries,
        imported.bytes as f64 / 1048576.0
    );

    let started = Instant::now();
    let server = Server::start(
        &args.server_bin,
        &database_url,
        &dir.path().join("server"),
        &dir.path().join("server.log"),
    )?;
    let server_start = started.elapsed().as_secs_f64();
    println!("Server started (rebuilt its copy from the import) in {server_start:.1} s\n");

    // A fresh replica: snapshot download and open, until live.
    let admin = Connection::connect(&server.base).await?;
    admin
        .sign_in(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD)
        .await?;
    let started = Instant::now();
    let admin_replica = Replica::open(&admin, &dir.path().join("admin-replica"))?;
    wait_live(&admin_replica, Duration::from_secs(300)).await?;
    let fresh_replica = started.elapsed();
    eprintln!("  fresh replica: {:.1} s", fresh_replica.as_secs_f64());

    let team =
        desktops::Team::start(&args, &server.base, &admin, &admin_replica, dir.path()).await?;
    let run = team
        .run(&args, seeded.customer_ids.clone(), seeded.supported.clone())
        .await?;
    let checked = checks::check(&database_url, &admin, &admin_replica, &team, &run).await?;

    let baseline = tokio::task::spawn_blocking({
        let path = seeded.baseline.clone();
        let ids = seeded.customer_ids.clone();
        let supported = seeded.supported.clone();
        let count = run.samples.len().clamp(500, 3000);
        move || ops::standalone(&path, ids, supported, count).map_err(|e| e.to_string())
    })
    .await??;

    let steps = phases::measure(&args.database_url, 300).await?;
    report::print(&args, &run, &baseline, fresh_replica, &checked);
    report::phases(&steps, &baseline);
    println!(
        "\nServer log: {} lines (in a temporary directory, removed now)",
        std::fs::read_to_string(dir.path().join("server.log"))?
            .lines()
            .count()
    );
    team.stop();
    admin_replica.stop();
    drop(server);
    Ok(())
}
