//! The workload's writes, as the commands a desktop sends, and the same
//! writes executed by the core on a standalone database (the baseline).
use std::path::Path;
use std::time::{Duration, Instant};

use partnerdesk_core::auth;
use partnerdesk_core::clock::SystemClock;
use partnerdesk_core::commands::{self, Command, Hooks};
use partnerdesk_core::store::Store;
use serde_json::{json, Value};

use crate::bench_support::seed;
use crate::bench_support::{BenchResult, Rng};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    CreateCustomer,
    UpdateCustomer,
    CreateOffer,
    EditOffer,
    CreateServiceRequest,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::CreateCustomer,
        Kind::UpdateCustomer,
        Kind::CreateOffer,
        Kind::EditOffer,
        Kind::CreateServiceRequest,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::CreateCustomer => "create customer",
            Kind::UpdateCustomer => "update customer",
            Kind::CreateOffer => "create offer draft",
            Kind::EditOffer => "edit offer draft",
            Kind::CreateServiceRequest => "create service request",
        }
    }

    /// The mix: a partner's day is mostly customers and service requests,
    /// offers drafted and reworked now and then.
    pub fn pick(rng: &mut Rng, has_offer: bool) -> Kind {
        let kind = match rng.below(100) {
            0..=19 => Kind::CreateCustomer,
            20..=44 => Kind::UpdateCustomer,
            45..=59 => Kind::CreateOffer,
            60..=74 => Kind::EditOffer,
            _ => Kind::CreateServiceRequest,
        };
        if kind == Kind::EditOffer && !has_offer {
            Kind::CreateOffer
        } else {
            kind
        }
    }
}

pub fn command(value: Value) -> Command {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

/// The name every customer the workload creates starts with: counted on
/// every copy at the end.
pub const CREATED_PREFIX: &str = "Bench ";

pub fn create_customer(who: &str, k: u64) -> Command {
    command(json!({ "command": "create_customer", "input": {
        "company_name": format!("{CREATED_PREFIX}{who}-{k}"),
        "default_domain": format!("bench{who}x{k}"),
        "city": "Kraków", "country": "PL", "contact_name": "Jan Kowalski",
        "contact_email": format!("it@bench{who}x{k}.pl") } }))
}

/// A customer's name and domain kept, its notes and contact edited.
pub fn update_customer(id: &str, name: &str, domain: &str, who: &str, k: u64) -> Command {
    command(json!({ "command": "update_customer", "id": id, "input": {
        "company_name": name, "default_domain": domain, "country": "PL",
        "contact_name": "Ewa Nowak", "contact_phone": "+48 600 100 200",
        "notes": format!("Called back by {who} ({k})") } }))
}

/// The catalog service the offers quote (one of the samples set-up adds).
pub static SERVICE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub fn choose_service(store: &Store) -> BenchResult<()> {
    let id: String = store.read(|conn| {
        Ok(conn.query_row(
            "SELECT id FROM catalog_services ORDER BY title, term LIMIT 1",
            [],
            |r| r.get(0),
        )?)
    })?;
    let _ = SERVICE.set(id);
    Ok(())
}

fn draft(who: &str, k: u64, quantity: u64) -> Value {
    json!({ "prospect_name": format!("Prospect {who}-{k}"),
            "prospect_email": format!("it@prospect-{who}-{k}.pl"),
            "language": "pl", "valid_until": "2027-06-30", "note": "",
            "lines": [{ "service_id": SERVICE.get().expect("chosen at the start"), "quantity": quantity,
                        "unit_price_minor": 5200, "discount_bp": 500 }] })
}

pub fn create_offer(who: &str, k: u64) -> Command {
    command(json!({ "command": "create_offer", "input": draft(who, k, 2) }))
}

pub fn edit_offer(id: &str, who: &str, k: u64) -> Command {
    command(
        json!({ "command": "update_offer_draft", "id": id, "input": draft(who, k, 3 + k % 20) }),
    )
}

pub fn create_service_request(customer_id: &str, k: u64) -> Command {
    command(
        json!({ "command": "create_service_request", "customer_id": customer_id, "input": {
        "title": format!("Mailbox full ({k})"), "description": "The CEO's mailbox is full",
        "category": "email_and_calendar", "severity": "moderate", "contact_name": "Jan",
        "contact_email": "jan@contoso.pl", "contact_phone": "" } }),
    )
}

/// An id from a command's value (the created record, or a pair whose first
/// part is it).
pub fn id_of(value: &Value) -> Option<String> {
    value["id"]
        .as_str()
        .or_else(|| value[0]["id"].as_str())
        .or_else(|| value["offer"]["id"].as_str())
        .map(str::to_owned)
}

/// A customer that can be edited: name, domain (archived ones are skipped).
pub fn customer_row(store: &Store, id: &str) -> Option<(String, String)> {
    store
        .read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT company_name, default_domain FROM customers WHERE id = ?1 AND NOT archived",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .ok())
        })
        .ok()
        .flatten()
}

/// The read a customer screen does most: one page of the list by name,
/// from a random letter on (the list's keyset, not an OFFSET).
pub fn read_page(store: &Store, rng: &mut Rng) -> usize {
    let from = ((b'a' + rng.below(26) as u8) as char).to_string();
    store
        .read(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT id, company_name, default_domain, city FROM customers
                 WHERE NOT archived AND name_key >= ?1 ORDER BY name_key LIMIT 50",
            )?;
            let rows = statement
                .query_map([from], |r| r.get::<_, String>(0))?
                .count();
            Ok(rows)
        })
        .unwrap_or(0)
}

/// The baseline: `count` writes of the same mix, one after another, by the
/// core's `commands::execute` on a standalone copy of the seeded database.
pub struct Baseline {
    pub by_kind: Vec<(Kind, Vec<Duration>)>,
    pub reads: Vec<Duration>,
    pub refused: usize,
}

pub fn standalone(
    path: &Path,
    ids: Vec<String>,
    supported: Vec<String>,
    count: usize,
) -> BenchResult<Baseline> {
    let store = Store::open(path)?;
    let actor = auth::authenticate(
        &store,
        &SystemClock,
        seed::ADMIN_EMAIL,
        seed::ADMIN_PASSWORD,
    )?;
    let mut rng = Rng(0x5A4D);
    let mut offers: Vec<String> = Vec::new();
    let mut by_kind: Vec<(Kind, Vec<Duration>)> =
        Kind::ALL.iter().map(|k| (*k, Vec::new())).collect();
    let mut reads = Vec::new();
    let mut refused = 0;
    for k in 0..count as u64 {
        let kind = Kind::pick(&mut rng, !offers.is_empty());
        let command = match kind {
            Kind::CreateCustomer => create_customer("standalone", k),
            Kind::UpdateCustomer => {
                let id = &ids[rng.below(ids.len() as u64) as usize];
                let Some((name, domain)) = customer_row(&store, id) else {
                    continue;
                };
                update_customer(id, &name, &domain, "standalone", k)
            }
            Kind::CreateOffer => create_offer("standalone", k),
            Kind::EditOffer => edit_offer(
                &offers[rng.below(offers.len() as u64) as usize],
                "standalone",
                k,
            ),
            Kind::CreateServiceRequest => {
                create_service_request(&supported[rng.below(supported.len() as u64) as usize], k)
            }
        };
        let started = Instant::now();
        let executed = commands::execute(&store, &SystemClock, &actor, command, &Hooks::default());
        let took = started.elapsed();
        match executed {
            Ok(executed) => {
                if kind == Kind::CreateOffer {
                    offers.extend(executed.decode::<Value>().ok().and_then(|v| id_of(&v)));
                }
                by_kind
                    .iter_mut()
                    .find(|(k, _)| *k == kind)
                    .expect("every kind")
                    .1
                    .push(took);
            }
            Err(e) => {
                if refused == 0 {
                    eprintln!("  standalone: {} refused: {e}", kind.label());
                }
                refused += 1
            }
        }
        if k % 2 == 0 {
            let started = Instant::now();
            std::hint::black_box(read_page(&store, &mut rng));
            reads.push(started.elapsed());
        }
    }
    Ok(Baseline {
        by_kind,
        reads,
        refused,
    })
}
