//! The end of the run: nothing acknowledged lost, nothing twice, every
//! replica equal to the server's copy.
use std::path::Path;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use partnerdesk_client::{Connection, Replica};
use partnerdesk_core::store::{Scope, Store};

use crate::bench_support::BenchResult;
use crate::desktops::{Run, Team};
use crate::ops::CREATED_PREFIX;

pub struct Checked {
    pub head: i64,
    /// Acknowledged writes whose change is missing from the log, or created
    /// customers missing from a copy.
    pub lost: usize,
    /// Command ids behind more than one acknowledged write, or a created
    /// customer present twice.
    pub duplicated: usize,
    pub replicas: usize,
    pub differing: usize,
    pub notes: Vec<String>,
}

/// The server's caught-up copy as a desktop downloads it: position and store.
async fn server_copy(admin: &Connection, dir: &Path) -> BenchResult<(i64, Store)> {
    let reply = admin
        .http()
        .get(format!("{}/snapshot", admin.base_url()))
        .bearer_auth(admin.token().ok_or("signed out")?)
        .send()
        .await?;
    let header = |name: &str| -> BenchResult<String> {
        Ok(reply
            .headers()
            .get(name)
            .ok_or(format!("no {name}"))?
            .to_str()?
            .to_owned())
    };
    let position: i64 = header("Partnerdesk-Position")?.parse()?;
    let head = BASE64.decode(header("Partnerdesk-Audit-Head")?)?;
    let bytes = reply.bytes().await?;
    let file = dir.join(format!("server-copy-{position}.sqlite3"));
    std::fs::write(&file, &bytes)?;
    std::fs::write(partnerdesk_core::audit::head::head_file_path(&file), head)?;
    Ok((position, Store::open(&file)?))
}

fn created(store: &Store) -> BenchResult<(usize, usize)> {
    let pattern = format!("{CREATED_PREFIX}%");
    Ok(store.read(|conn| {
        let total: i64 = conn.query_row(
            "SELECT count(*) FROM customers WHERE company_name LIKE ?1",
            [&pattern],
            |r| r.get(0),
        )?;
        let twice: i64 = conn.query_row(
            "SELECT count(*) FROM (SELECT company_name FROM customers WHERE company_name LIKE ?1
             GROUP BY company_name HAVING count(*) > 1)",
            [&pattern],
            |r| r.get(0),
        )?;
        Ok((total as usize, twice as usize))
    })?)
}

pub async fn check(
    database_url: &str,
    admin: &Connection,
    admin_replica: &Replica,
    team: &Team,
    run: &Run,
) -> BenchResult<Checked> {
    let (client, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let acked: Vec<i64> = run.samples.iter().map(|s| s.seq).collect();
    let rows = client
        .query(
            "SELECT seq, command_id FROM changes WHERE seq = ANY($1)",
            &[&acked],
        )
        .await?;
    let mut notes = Vec::new();
    let in_log = rows.len();
    let mut command_ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.get(1)).collect();
    command_ids.sort_unstable();
    command_ids.dedup();
    let mut lost = acked.len() - in_log;
    let mut duplicated = in_log - command_ids.len();
    notes.push(format!(
        "{} acknowledged writes: {in_log} of their changes in PostgreSQL's log, from {} distinct command ids",
        acked.len(),
        command_ids.len()
    ));

    let mut replicas: Vec<&Replica> = team.desktops.iter().map(|d| &d.replica).collect();
    replicas.push(admin_replica);
    let dir = tempfile::tempdir()?;
    let mut attempt = 0;
    let (position, copy) = loop {
        attempt += 1;
        let (position, copy) = server_copy(admin, dir.path()).await?;
        for replica in &replicas {
            replica.wait_for(position, Duration::from_secs(30)).await;
        }
        // The clock may have written after the snapshot: take it again.
        if replicas.iter().all(|r| r.position() == position) || attempt == 3 {
            break (position, copy);
        }
    };
    let head: i64 = client
        .query_one("SELECT coalesce(max(seq), 0) FROM changes", &[])
        .await?
        .get(0);
    let expected = copy.content_checksum(Scope::Desktop)?;
    let (on_server, twice) = created(&copy)?;
    if on_server != run.created_customers {
        lost += run.created_customers.saturating_sub(on_server);
        duplicated += on_server.saturating_sub(run.created_customers);
    }
    duplicated += twice;
    notes.push(format!(
        "{} customers acknowledged as created; the server's copy (at change {position}) holds {on_server}, {twice} of them twice",
        run.created_customers
    ));
    // Every replica at once: a checksum over 100,000 customers and their
    // search index takes seconds, and they are independent files.
    let sums: Vec<_> = replicas
        .iter()
        .map(|replica| {
            let store = replica.store();
            tokio::task::spawn_blocking(move || -> Result<(usize, String), String> {
                let (held, _) = created(&store).map_err(|e| e.to_string())?;
                let sum = store
                    .content_checksum(Scope::Desktop)
                    .map_err(|e| e.to_string())?;
                Ok((held, sum))
            })
        })
        .collect();
    let mut differing = 0;
    for (replica, sum) in replicas.iter().zip(sums) {
        let (held, sum) = sum.await??;
        lost += run.created_customers.saturating_sub(held);
        if replica.position() != position || sum != expected {
            differing += 1;
            notes.push(format!(
                "a replica at change {} differs from the server's copy",
                replica.position()
            ));
        }
    }
    Ok(Checked {
        head,
        lost,
        duplicated,
        replicas: replicas.len(),
        differing,
        notes,
    })
}
