//! Team mode end to end against a real PostgreSQL: desktops (the
//! partnerdesk-client crate, in-process) sending commands to the server and
//! following its log (decision 0051).
mod common;

use std::time::{Duration, Instant};

use common::team::*;
use common::*;
use partnerdesk_client::{ClientError, Executed};
use serde_json::{json, Value};
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_customer_created_on_one_desktop_reaches_another_within_2_s() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let server = InProcess::start(&url).await;
    let (_, signed) = set_up(&server.base).await;
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, replica_a) = desktop(&server.base, &signed.token, dirs.0.path()).await;
    let (_b, replica_b) = desktop(&server.base, &signed.token, dirs.1.path()).await;

    let mut changes_b = replica_b.changes();
    let sent = Instant::now();
    let executed = a.execute(&create_customer("Alfa", "alfa")).await.unwrap();
    let acknowledged = sent.elapsed();
    assert!(executed.replicated, "A's own replica holds its change");
    // The value is the JSON the core's type wrote, keys in its order (a
    // `Value` on the way would have sorted them).
    let value: Value = executed.decode().unwrap();
    assert_eq!(value["company_name"], "Alfa");
    assert_ne!(
        executed.value.get(),
        value.to_string(),
        "the value's keys were sorted on the way"
    );
    assert_eq!(customer_names(&replica_a), ["Alfa"]);
    assert!(
        replica_b
            .wait_for(executed.seq, Duration::from_secs(2))
            .await,
        "B did not get change {} within 2 s (at {})",
        executed.seq,
        replica_b.position()
    );
    let arrived = sent.elapsed();
    assert_eq!(customer_names(&replica_b), ["Alfa"]);
    let told = loop {
        let change = changes_b.recv().await.unwrap();
        if change.seq == executed.seq {
            break change;
        }
    };
    assert!(
        told.entities
            .contains(&partnerdesk_core::change::Entity::Customer),
        "{told:?}"
    );
    assert_eq!(desktop_checksum(&replica_a), desktop_checksum(&replica_b));
    // The replica's own gate refuses any local write: no side door on the desktop.
    let local = replica_a
        .store()
        .write(|tx| {
            tx.execute("DELETE FROM customers", [])?;
            Ok(())
        })
        .unwrap_err();
    assert_eq!(
        local.code(),
        partnerdesk_core::error::ErrorCode::Forbidden,
        "{local}"
    );
    assert_eq!(customer_names(&replica_a), ["Alfa"]);

    // Acknowledgement latency on loopback, the replica's wait included.
    let started = Instant::now();
    const N: u32 = 20;
    for i in 0..N {
        a.execute(&create_customer(&format!("Kund {i}"), &format!("kund{i}")))
            .await
            .unwrap();
    }
    // A sign-in: argon2 on the server, under the command lock.
    let signing = Instant::now();
    partnerdesk_client::Connection::connect(&server.base)
        .await
        .unwrap()
        .sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .unwrap();
    let sign_in = signing.elapsed();
    eprintln!(
        "sign-in {sign_in:?}; first command acknowledged in {acknowledged:?}, on B after {arrived:?}; \
         {N} more: {:?} each on average",
        started.elapsed() / N
    );
}

/// Two global admins, each on their own desktop, demote each other at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_global_admins_demoting_each_other_at_once_leave_exactly_one() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let server = InProcess::start(&url).await;
    let (anna, signed) = set_up(&server.base).await;
    let anna_id = signed.staff_id().to_owned();
    let (greg, greg_id) = staff_member(
        &anna,
        "Greg Global",
        "greg@contoso.pl",
        "global_admin",
        "full",
    )
    .await;
    let demote = |id: &str, name: &str, email: &str| {
        command(json!({ "command": "update_staff", "id": id, "input": {
            "display_name": name, "email": email, "role": "none", "customer_access": "full"
        }}))
    };
    let by_anna = demote(&greg_id, "Greg Global", "greg@contoso.pl");
    let by_greg = demote(&anna_id, "Anna Admin", ADMIN_EMAIL);
    let (first, second) = tokio::join!(anna.execute(&by_anna), greg.execute(&by_greg));
    let outcomes = [first, second];
    let succeeded = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(succeeded, 1, "{outcomes:?}");
    let refused = outcomes.iter().find_map(|o| o.as_ref().err()).unwrap();
    let ClientError::Refused { status, error, seq } = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(*status, 403, "{error:?}");
    assert!(!error.text.en.is_empty() && !error.text.pl.is_empty());
    assert!(seq.is_some(), "the refusal was audited as a change");
    let dir = tempfile::tempdir().unwrap();
    let (_, replica) = desktop(&server.base, &signed.token, dir.path()).await;
    let admins: i64 = replica
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM staff WHERE role = 'global_admin' AND status = 'active'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(admins, 1);
}

/// A product key redeemed from two desktops at the same moment: exactly one
/// succeeds. Each redeems it for a customer of its own that the partner never
/// set up, where a key's first subscription needs no delegated-admin gate
/// (decision 0027), so the race is on the key alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_product_key_redeemed_from_two_desktops_at_once_is_redeemed_once() {
    let Some(admin) = admin_url() else { return };
    let (_server, anna, greg, _dir, replica) = two_global_admins(&admin).await;
    let service: String = replica
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT id FROM catalog_services WHERE title LIKE 'Microsoft 365 Business Basic%'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let id_of = |executed: Executed| -> String {
        let value: Value = executed.decode().unwrap();
        value["id"].as_str().unwrap().to_owned()
    };
    let redeem = |key: &str, customer: &str| {
        command(json!({ "command": "redeem_product_key", "redemption": {
            "key_id": key, "customer_id": customer, "mode": "new_subscription", "auto_renew": true
        }}))
    };
    const ROUNDS: usize = 5;
    for round in 0..ROUNDS {
        let mut customers = Vec::new();
        for name in ["Alfa", "Beta"] {
            let created = create_customer(
                &format!("{name} {round}"),
                &format!("{}{round}", name.to_lowercase()),
            );
            customers.push(id_of(anna.execute(&created).await.unwrap()));
        }
        let (alfa, beta) = (&customers[0], &customers[1]);
        let key = id_of(
            anna.execute(&command(json!({ "command": "add_product_key", "input": {
                "key": format!("BCDFG-HJKMP-QRTVW-XY234-6789{}", ["B", "C", "D", "F", "G"][round]),
                "service_id": service, "quantity": 10, "term": "P1Y"
            }})))
            .await
            .unwrap(),
        );
        let (for_alfa, for_beta) = (redeem(&key, alfa), redeem(&key, beta));
        let (first, second) = tokio::join!(anna.execute(&for_alfa), greg.execute(&for_beta));
        let outcomes = [first, second];
        assert_eq!(
            outcomes.iter().filter(|o| o.is_ok()).count(),
            1,
            "{outcomes:?}"
        );
        let refused = outcomes.iter().find_map(|o| o.as_ref().err()).unwrap();
        match refused {
            ClientError::Refused {
                status: 409, error, ..
            } => {
                assert!(error.message.contains("redeemed"), "{error:?}")
            }
            other => panic!("refused otherwise: {other:?}"),
        }
    }
    let head = anna.refresh_health().await.unwrap().head.unwrap();
    assert!(replica.wait_for(head, Duration::from_secs(5)).await);
    let (redeemed, from_keys): (i64, i64) = replica
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM product_keys WHERE status = 'redeemed'),
                        (SELECT count(*) FROM subscriptions WHERE source = 'product_key')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert_eq!((redeemed, from_keys), (ROUNDS as i64, ROUNDS as i64));
}

/// The same race on another rule: one customer domain claimed from two
/// desktops at the same moment.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_domain_claimed_from_two_desktops_at_once_is_taken_once() {
    let Some(admin) = admin_url() else { return };
    let (_server, anna, greg, _dir, replica) = two_global_admins(&admin).await;
    for round in 0..5 {
        let domain = format!("shared{round}");
        let by_anna = create_customer(&format!("Anna's {round}"), &domain);
        let by_greg = create_customer(&format!("Greg's {round}"), &domain);
        let (first, second) = tokio::join!(anna.execute(&by_anna), greg.execute(&by_greg));
        let outcomes = [first, second];
        assert_eq!(
            outcomes.iter().filter(|o| o.is_ok()).count(),
            1,
            "{outcomes:?}"
        );
        let refused = outcomes.iter().find_map(|o| o.as_ref().err()).unwrap();
        assert!(
            matches!(
                refused,
                ClientError::Refused {
                    status: 409 | 422,
                    ..
                }
            ),
            "{refused:?}"
        );
    }
    let head = anna.refresh_health().await.unwrap().head.unwrap();
    assert!(replica.wait_for(head, Duration::from_secs(5)).await);
    assert_eq!(customer_names(&replica).len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hostile_client_is_refused_by_the_core_and_the_refusal_is_logged() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let server = InProcess::start(&url).await;
    let (anna, signed) = set_up(&server.base).await;
    let (_, _) = staff_member(&anna, "Hugo Help", "hugo@contoso.pl", "none", "limited").await;
    let dir = tempfile::tempdir().unwrap();
    let (_, watching) = desktop(&server.base, &signed.token, dir.path()).await;

    // Hugo's own token, used by a raw HTTP client instead of the desktop.
    let http = http();
    let login: Value = http
        .post(format!("{}/sessions", server.base))
        .json(&json!({ "email": "hugo@contoso.pl", "password": STAFF_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_owned();
    let hugo_id = login["session"]["staff"]["id"].as_str().unwrap().to_owned();
    let promote = json!({
        "command_id": Uuid::new_v4(),
        "command": { "command": "update_staff", "id": hugo_id, "input": {
            "display_name": "Hugo Help", "email": "hugo@contoso.pl",
            "role": "global_admin", "customer_access": "full" } }
    });
    let reply = http
        .post(format!("{}/commands", server.base))
        .bearer_auth(&token)
        .json(&promote)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 403);
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden", "{body}");
    assert!(body["error"]["text"]["pl"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    let seq = body["seq"]
        .as_i64()
        .expect("the refusal's audit entry is a change");
    assert!(watching.wait_for(seq, Duration::from_secs(2)).await);
    let last = audit_actions(&watching).pop().unwrap();
    assert_eq!(last, ("staff.update".to_owned(), "refused".to_owned()));

    // The same command id again: the stored refusal, not a second attempt.
    let again = http
        .post(format!("{}/commands", server.base))
        .bearer_auth(&token)
        .json(&promote)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 403);
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        (again["seq"].as_i64(), again["retried"].as_bool()),
        (Some(seq), Some(true))
    );
    let mut altered = promote.clone();
    altered["command"]["input"]["role"] = json!("billing_admin");
    let conflict = http
        .post(format!("{}/commands", server.base))
        .bearer_auth(&token)
        .json(&altered)
        .send()
        .await
        .unwrap();
    assert_eq!(conflict.status().as_u16(), 409);

    // No token, a wrong token: 401. The raw append is gone.
    for auth in [None, Some("not-a-token")] {
        let mut request = http
            .post(format!("{}/commands", server.base))
            .json(&promote);
        if let Some(token) = auth {
            request = request.bearer_auth(token);
        }
        assert_eq!(request.send().await.unwrap().status().as_u16(), 401);
    }
    let side_door = http
        .post(format!("{}/changes", server.base))
        .json(&json!({ "command_id": Uuid::new_v4(), "actor": "x", "schema_version": 1, "changeset": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        side_door.status().as_u16(),
        405,
        "POST /changes must not exist"
    );
    assert_eq!(
        logged(&url).await.last().unwrap().0,
        seq,
        "nothing logged after"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_desktop_away_for_a_week_catches_up_and_one_behind_the_log_gets_a_snapshot() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let mut config = config(&url);
    config.snapshot_every = 50;
    config.retain_changes = 10;
    let server = InProcess::start_with(config).await;
    let (anna, signed) = set_up(&server.base).await;
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (_, away) = desktop(&server.base, &signed.token, dirs.0.path()).await;
    let at = away.position();
    away.stop();
    // A week's work meanwhile, under the snapshot interval: still in the log.
    for i in 0..30 {
        anna.execute(&create_customer(
            &format!("Week {i:02}"),
            &format!("week{i}"),
        ))
        .await
        .unwrap();
    }
    let (_, back) = desktop(&server.base, &signed.token, dirs.0.path()).await;
    let head = anna.refresh_health().await.unwrap().head.unwrap();
    assert!(back.wait_for(head, Duration::from_secs(5)).await);
    assert!(back.position() >= at + 30);
    assert_eq!(customer_names(&back).len(), 30);
    back.stop();

    // Enough for a stored snapshot and pruning: the next catch-up is a download.
    for i in 0..80 {
        anna.execute(&create_customer(
            &format!("Month {i:02}"),
            &format!("month{i}"),
        ))
        .await
        .unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while logged(&url).await.first().map_or(0, |r| r.0) <= back.position() + 1 {
        assert!(Instant::now() < deadline, "the log was never pruned");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, replaced) = desktop(&server.base, &signed.token, dirs.0.path()).await;
    let head = anna.refresh_health().await.unwrap().head.unwrap();
    assert!(replaced.wait_for(head, Duration::from_secs(5)).await);
    assert_eq!(customer_names(&replaced).len(), 110);
    let (_, fresh) = desktop(&server.base, &signed.token, dirs.1.path()).await;
    assert!(fresh.wait_for(head, Duration::from_secs(5)).await);
    assert_eq!(desktop_checksum(&replaced), desktop_checksum(&fresh));
    // A restarted instance rebuilds from the stored snapshot and the rest.
    drop(server);
    // Without its clock, so nothing is written after `head`.
    let mut quiet = common::config(&url);
    quiet.clock = false;
    let again = InProcess::start_with(quiet).await;
    let third_dir = tempfile::tempdir().unwrap();
    let (_, third) = desktop(&again.base, &signed.token, third_dir.path()).await;
    assert!(third.wait_for(head, Duration::from_secs(5)).await);
    assert_eq!(third.position(), head, "nothing written since");
    assert_eq!(desktop_checksum(&third), desktop_checksum(&fresh));
}

/// Advisory locks of `key` held in the current database (bigint keys are
/// split into classid, the high half, and objid, the low half).
async fn holders(url: &str, key: i64) -> Vec<i32> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .query(
            "SELECT pid FROM pg_locks
             WHERE locktype = 'advisory' AND granted
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND classid::bigint = $1 AND objid::bigint = $2",
            &[&(key >> 32), &(key & 0xffff_ffff)],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn exactly_one_instance_runs_the_clock_and_another_takes_over() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    const CLOCK_LOCK: i64 = 0x5044_434c_4b21;
    let mut quick = config(&url);
    quick.clock_retry_seconds = 1;
    let first = InProcess::start_with(quick.clone()).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while holders(&url, CLOCK_LOCK).await.is_empty() {
        assert!(Instant::now() < deadline, "nobody took the clock");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let second = InProcess::start_with(quick).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let leader = holders(&url, CLOCK_LOCK).await;
    assert_eq!(leader.len(), 1, "{leader:?}");
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let now = holders(&url, CLOCK_LOCK).await;
        if now.len() == 1 && now != leader {
            break;
        }
        assert!(Instant::now() < deadline, "no takeover: {now:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(second);
}

/// Whoever reaches an empty server first must not become its admin: the
/// set-up needs the code the server printed for its admin.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn creating_the_workspace_needs_the_code_the_server_printed() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin).await;
    let server = InProcess::start(&url).await;
    let body = |code: Option<&str>| {
        let mut body = json!({
            "company": {
                "legal_name": "Intruder Sp. z o.o.", "street": "", "city": "", "postal_code": "",
                "country": "PL", "phone": "", "email": "", "website": "", "partner_id": "",
                "partner_tenant_id": "", "authorized_delegated_admin": true,
                "authorized_subscription_advisor": true, "default_currency": "PLN",
                "default_language": "pl"
            },
            "display_name": "Ivan Intruder", "email": "ivan@example.com",
            "password": "a long password of ivan's"
        });
        if let Some(code) = code {
            body["setup_code"] = json!(code);
        }
        body
    };
    for code in [None, Some("WRONG-CODE-0000"), Some("")] {
        let reply = http()
            .post(format!("{}/setup", server.base))
            .json(&body(code))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 403, "{code:?}");
        let refusal: Value = reply.json().await.unwrap();
        assert!(
            refusal["error"]["message"]
                .as_str()
                .unwrap()
                .contains("set-up code"),
            "{refusal}"
        );
    }
    let health: Value = http()
        .get(format!("{}/health", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["workspace"], json!(false), "nothing was created");
    // The code as a person types it: lower case, spaces for hyphens.
    let typed = SETUP_CODE.to_lowercase().replace('-', " ");
    let reply = http()
        .post(format!("{}/setup", server.base))
        .json(&body(Some(&typed)))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 201);
}

/// A fresh server with Anna (who set it up) and Greg, both global admins on
/// desktops of their own, and a replica that follows the log.
async fn two_global_admins(
    admin: &str,
) -> (
    InProcess,
    partnerdesk_client::Connection,
    partnerdesk_client::Connection,
    tempfile::TempDir,
    partnerdesk_client::Replica,
) {
    let url = fresh_database(admin).await;
    let server = InProcess::start(&url).await;
    let (anna, signed) = set_up(&server.base).await;
    let (greg, _) = staff_member(
        &anna,
        "Greg Global",
        "greg@contoso.pl",
        "global_admin",
        "full",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (_, replica) = desktop(&server.base, &signed.token, dir.path()).await;
    (server, anna, greg, dir, replica)
}
