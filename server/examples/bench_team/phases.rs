//! Where a command's time goes on the server, measured from outside: the
//! server's own PostgreSQL steps for one command (`partnerdesk_server::log`
//! and the same statements `instance.rs` / `execute.rs` / `sessions.rs` run),
//! timed one by one on a scratch database of their own, uncontended. The
//! core's own part is the standalone baseline (the same `commands::execute`).
use std::time::{Duration, Instant};

use partnerdesk_server::instance::COMMAND_LOCK;
use partnerdesk_server::log::{self, NewChange};
use uuid::Uuid;

use crate::bench_support::BenchResult;

pub const STEPS: [&str; 8] = [
    "token → staff (sessions::resolve, one UPDATE … RETURNING)",
    "pool checkout (deadpool `Verified`: a trivial query first)",
    "command lock taken (uncontended)",
    "catch-up check (read after the copy's position, then the head)",
    "retry lookup (outcome, then the command's last change)",
    "append + commit: the acknowledgement (advisory lock, head, INSERT, NOTIFY)",
    "outcome stored",
    "command lock released",
];

pub async fn measure(admin_url: &str, runs: usize) -> BenchResult<Vec<Vec<Duration>>> {
    let url = crate::fresh_database(admin_url).await?;
    let pool = partnerdesk_server::db::pool(&url, 2)?;
    partnerdesk_server::db::migrate(&pool).await?;
    let token_hash = vec![7_u8; 32];
    pool.get()
        .await?
        .execute(
            "INSERT INTO sessions (token_hash, staff_id, expires_at) VALUES ($1, 'staff', now() + interval '1 day')",
            &[&token_hash],
        )
        .await?;
    let changeset = vec![0x42_u8; 600]; // about an edited customer's changeset
    let mut steps: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); STEPS.len()];
    let mut head = 0;
    for _ in 0..runs {
        let mut clock = Instant::now();
        let mut lap = |steps: &mut Vec<Vec<Duration>>, i: usize| {
            steps[i].push(clock.elapsed());
            clock = Instant::now();
        };
        {
            let client = pool.get().await?;
            client
                .query_opt(
                    "UPDATE sessions SET last_used_at = now(), expires_at = now() + interval '12 hours'
                     WHERE token_hash = $1 AND expires_at > now() RETURNING staff_id",
                    &[&token_hash],
                )
                .await?;
        }
        lap(&mut steps, 0);
        let mut client = pool.get().await?;
        lap(&mut steps, 1);
        client
            .execute("SELECT pg_advisory_lock($1)", &[&COMMAND_LOCK])
            .await?;
        lap(&mut steps, 2);
        log::read_after(&**client, head, log::MAX_READ, true).await?;
        log::head_of(&**client).await?;
        lap(&mut steps, 3);
        let command_id = Uuid::new_v4();
        client
            .query_opt(
                "SELECT request_hash, status, body FROM command_outcomes WHERE command_id = $1",
                &[&command_id],
            )
            .await?;
        log::last_of_command(&**client, command_id).await?;
        lap(&mut steps, 4);
        let change = NewChange {
            command_id,
            part: 0,
            actor: "staff".into(),
            schema_version: partnerdesk_core::store::latest_version() as i32,
            changeset: changeset.clone(),
            private_changeset: Vec::new(),
        };
        head = log::append(&mut client, head, &change).await?;
        lap(&mut steps, 5);
        let body = r#"{"seq":1,"value":{},"changes":[],"retried":false}"#.to_string();
        client
            .execute(
                "INSERT INTO command_outcomes (command_id, request_hash, status, body, seq)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&command_id, &vec![1_u8; 32], &200_i16, &body, &Some(head)],
            )
            .await?;
        lap(&mut steps, 6);
        client
            .execute("SELECT pg_advisory_unlock($1)", &[&COMMAND_LOCK])
            .await?;
        lap(&mut steps, 7);
    }
    Ok(steps)
}
