//! The simulated desktops: each a staff member of its own with a
//! `partnerdesk-client` Replica (its own file) following the server, and a
//! Connection for its writes.
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use partnerdesk_client::{ClientError, Connection, Replica};
use partnerdesk_core::store::Scope;
use serde_json::json;

use crate::bench_support::{BenchResult, Rng};
use crate::ops::{self, Kind};
use crate::{wait_live, Args};

const STAFF_PASSWORD: &str = "a long benchmark password";

pub struct Desktop {
    pub name: String,
    /// Writes go through this one: not attached to the replica, so its
    /// answer time is the acknowledgement alone.
    pub writer: Connection,
    /// Attached to the replica (the stream).
    _reader: Connection,
    pub replica: Replica,
}

pub struct Team {
    pub desktops: Vec<Desktop>,
}

/// One acknowledged write.
#[derive(Debug, Clone)]
pub struct Sample {
    pub kind: Kind,
    pub ack: Duration,
    pub seq: i64,
}

pub struct Run {
    pub samples: Vec<Sample>,
    /// Answer → another desktop's replica holds the change.
    pub visible: Vec<Duration>,
    /// Changes not seen on the other desktop within the wait.
    pub not_visible: usize,
    pub reads: Vec<Duration>,
    pub refused: Vec<String>,
    pub failed: Vec<String>,
    pub created_customers: usize,
    pub seconds: f64,
}

impl Team {
    /// Creates a staff member per desktop (through the server, as an admin
    /// would), signs each in, and gives each a replica started from a copy
    /// of the admin's (a fresh download each is measured once, in main).
    pub async fn start(
        args: &Args,
        base: &str,
        admin: &Connection,
        admin_replica: &Replica,
        dir: &Path,
    ) -> BenchResult<Team> {
        let mut desktops = Vec::new();
        for i in 0..args.desktops {
            let name = format!("d{i:02}");
            let email = format!("desk{i:02}@contoso.pl");
            let created = admin
                .execute(&ops::command(json!({ "command": "create_staff", "input": {
                    "display_name": format!("Desktop {i:02}"), "email": email,
                    "role": "global_admin", "customer_access": "full" } })))
                .await?;
            let value: serde_json::Value = created.decode()?;
            let temporary = value["temporary_password"]
                .as_str()
                .or_else(|| value[0]["temporary_password"].as_str())
                .ok_or_else(|| format!("no temporary password in {value}"))?
                .to_owned();
            let reader = Connection::connect(base).await?;
            reader.sign_in(&email, &temporary).await?;
            reader
                .execute(&ops::command(
                    json!({ "command": "change_own_password", "change": {
                    "current_password": temporary, "new_password": STAFF_PASSWORD } }),
                ))
                .await?;
            let replica_dir = dir.join(format!("replica-{name}"));
            std::fs::create_dir_all(&replica_dir)?;
            admin_replica
                .store()
                .snapshot_into(&replica_dir.join("replica-0.sqlite3"), Scope::Desktop)?;
            let replica = Replica::open(&reader, &replica_dir)?;
            wait_live(&replica, Duration::from_secs(60)).await?;
            let writer = Connection::connect(base).await?;
            writer.set_token(reader.token());
            crate::bench_support::progress(format_args!("desktops signed in: {}", i + 1))?;
            desktops.push(Desktop {
                name,
                writer,
                _reader: reader,
                replica,
            });
        }
        eprintln!();
        Ok(Team { desktops })
    }

    pub fn stop(&self) {
        for desktop in &self.desktops {
            desktop.replica.stop();
        }
    }

    /// Every desktop works until the deadline; each write's acknowledgement
    /// is timed, and the next desktop's replica is watched for it.
    pub async fn run(
        &self,
        args: &Args,
        customer_ids: Vec<String>,
        supported: Vec<String>,
    ) -> BenchResult<Run> {
        let ids = Arc::new(customer_ids);
        let supported = Arc::new(supported);
        let visible = Arc::new(Mutex::new((Vec::new(), 0usize)));
        let deadline = Instant::now() + Duration::from_secs(args.seconds);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (i, desktop) in self.desktops.iter().enumerate() {
            let other = self.desktops[(i + 1) % self.desktops.len()].replica.clone();
            let work = Work {
                who: desktop.name.clone(),
                writer: desktop.writer.clone(),
                own: desktop.replica.clone(),
                other,
                ids: ids.clone(),
                supported: supported.clone(),
                visible: visible.clone(),
                think_ms: args.think_ms,
                seed: 0xDE5C + i as u64,
            };
            tasks.push(tokio::spawn(work.until(deadline)));
        }
        let mut run = Run {
            samples: Vec::new(),
            visible: Vec::new(),
            not_visible: 0,
            reads: Vec::new(),
            refused: Vec::new(),
            failed: Vec::new(),
            created_customers: 0,
            seconds: 0.0,
        };
        for task in tasks {
            let done = task.await?;
            run.samples.extend(done.samples);
            run.reads.extend(done.reads);
            run.refused.extend(done.refused);
            run.failed.extend(done.failed);
            run.created_customers += done.created_customers;
        }
        run.seconds = started.elapsed().as_secs_f64();
        // Let the last visibility watches finish.
        tokio::time::sleep(Duration::from_secs(6)).await;
        let (times, missed) =
            std::mem::take(&mut *visible.lock().unwrap_or_else(|p| p.into_inner()));
        run.visible = times;
        run.not_visible = missed;
        Ok(run)
    }
}

/// How long a watch waits for another desktop to hold a change.
const VISIBLE_WAIT: Duration = Duration::from_secs(5);

struct Work {
    who: String,
    writer: Connection,
    own: Replica,
    other: Replica,
    ids: Arc<Vec<String>>,
    supported: Arc<Vec<String>>,
    visible: Arc<Mutex<(Vec<Duration>, usize)>>,
    think_ms: u64,
    seed: u64,
}

struct Done {
    samples: Vec<Sample>,
    reads: Vec<Duration>,
    refused: Vec<String>,
    failed: Vec<String>,
    created_customers: usize,
}

impl Work {
    async fn until(self, deadline: Instant) -> Done {
        let mut rng = Rng(self.seed);
        let mut offers: Vec<String> = Vec::new();
        let mut done = Done {
            samples: Vec::new(),
            reads: Vec::new(),
            refused: Vec::new(),
            failed: Vec::new(),
            created_customers: 0,
        };
        let mut k = 0_u64;
        while Instant::now() < deadline {
            k += 1;
            if self.think_ms > 0 {
                let pause = rng.below(2 * self.think_ms + 1);
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            let kind = Kind::pick(&mut rng, !offers.is_empty());
            let command = match kind {
                Kind::CreateCustomer => ops::create_customer(&self.who, k),
                Kind::UpdateCustomer => {
                    let id = &self.ids[rng.below(self.ids.len() as u64) as usize];
                    let store = self.own.store();
                    let Some((name, domain)) =
                        tokio::task::block_in_place(|| ops::customer_row(&store, id))
                    else {
                        continue;
                    };
                    ops::update_customer(id, &name, &domain, &self.who, k)
                }
                Kind::CreateOffer => ops::create_offer(&self.who, k),
                Kind::EditOffer => ops::edit_offer(
                    &offers[rng.below(offers.len() as u64) as usize],
                    &self.who,
                    k,
                ),
                Kind::CreateServiceRequest => ops::create_service_request(
                    &self.supported[rng.below(self.supported.len() as u64) as usize],
                    k,
                ),
            };
            let sent = Instant::now();
            let answer = self.writer.execute(&command).await;
            let ack = sent.elapsed();
            let answered = Instant::now();
            match answer {
                Ok(executed) => {
                    if kind == Kind::CreateOffer {
                        offers.extend(executed.decode().ok().and_then(|v| ops::id_of(&v)));
                    }
                    if kind == Kind::CreateCustomer {
                        done.created_customers += 1;
                    }
                    done.samples.push(Sample {
                        kind,
                        ack,
                        seq: executed.seq,
                    });
                    let (other, visible, seq) =
                        (self.other.clone(), self.visible.clone(), executed.seq);
                    tokio::spawn(async move {
                        let seen = other.wait_for(seq, VISIBLE_WAIT).await;
                        let took = answered.elapsed();
                        let mut visible = visible.lock().unwrap_or_else(|p| p.into_inner());
                        if seen {
                            visible.0.push(took);
                        } else {
                            visible.1 += 1;
                        }
                    });
                }
                Err(ClientError::Refused { error, .. }) => {
                    done.refused
                        .push(format!("{}: {}", kind.label(), error.text.en))
                }
                Err(e) => done.failed.push(format!("{}: {e}", kind.label())),
            }
            if k % 2 == 0 {
                let store = self.own.store();
                let started = Instant::now();
                tokio::task::block_in_place(|| {
                    std::hint::black_box(ops::read_page(&store, &mut rng))
                });
                done.reads.push(started.elapsed());
            }
        }
        done
    }
}
