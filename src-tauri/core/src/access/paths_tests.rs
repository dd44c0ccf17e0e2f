//! Every path to an effect the table guards — the direct command and each act
//! that reaches the same effect from inside another — walked against every
//! company role × customer access × partner authorization × relationship state
//! (decision 0027).
//!
//! Each path says which rows of the table it asks, in order (`asks`). The
//! expected outcome is the table's first refusal among them; the real function
//! runs on a seeded store and must match: allowed → the effect happened;
//! refused → `forbidden` with that reason, nothing written, the refusal audited.

mod paths;

use std::cell::Cell;

use super::{decide, decide_for_customer, Action, CompanyRole, CustomerAccess, DenialReason};
use super::{PartnerAuthorizations, Subject};
use crate::auth::Actor;
use crate::customers::{self, CustomerInput};
use crate::error::{Error, Result};
use crate::offers::{
    self, AcceptanceInput, DelegatedAdminRequest, OfferDraftInput, OfferLineInput,
};
use crate::product_keys::{self, ProductKeyInput, RedeemMode, Redemption};
use crate::relationships::{self, RelationshipOffer};
use crate::subscriptions::{self, Source, SubscriptionInput, TrialConversion};
use crate::testing::{key_text, world_in_memory_backed, World, PARTNERS, RELATIONSHIP_STATES};
use crate::trial_invitations::TrialInvitationInput;
use crate::trial_invitations::{self as invitations, InvitationRelationship, SignupInput};

use Action::{
    ManageCustomers as CUSTOMERS, ManagePurchaseOffers as OFFERS,
    ManageRelationships as DELEGATED_ADMIN, ManageSubscriptions as SUBSCRIPTIONS,
    ManageTrialInvitations as INVITATIONS, RedeemProductKeys as KEYS,
};

/// What a path asks the table, in the order it asks.
#[derive(Clone, Copy, Debug)]
enum Ask {
    /// The row alone.
    Row(Action),
    /// The row and its customer gate, on the customer acted on.
    Gate(Action),
    /// The row and its gate, unless the partner never set the customer up
    /// (no relationship ever, no subscription): then nothing at all.
    GateUnlessNeverSetUp(Action),
}
use Ask::{Gate, GateUnlessNeverSetUp, Row};

/// Whom a path acts on.
#[derive(Clone, Copy, PartialEq)]
enum On {
    /// An existing customer, in every relationship state the store has.
    Customer,
    /// Nobody yet: a prospect, a new customer, or no customer at all.
    Nobody,
}

/// What a seed made for one path; the customer is the one acted on.
#[derive(Default, Debug)]
struct Seed {
    n: u32,
    customer: Option<String>,
    offer: Option<String>,
    invitation: Option<String>,
    key: Option<String>,
    subscription: Option<String>,
}

impl Seed {
    fn customer(&self) -> &str {
        self.customer.as_deref().expect("seeded customer")
    }
}

/// Makes what a path needs (as the first admin, the partner fully authorized).
type SeedFn = fn(&Fixture, &mut Seed);
/// Runs the path as `actor`.
type RunFn = fn(&Fixture, &Actor, &Seed) -> Result<()>;
/// Panics unless the path's effect happened.
type EffectFn = fn(&Fixture, &Seed);

struct Path {
    name: &'static str,
    on: On,
    asks: &'static [Ask],
    /// The audit action a refusal is recorded under.
    audit: &'static str,
    seed: SeedFn,
    run: RunFn,
    effect: EffectFn,
}

const BOTH: PartnerAuthorizations = PARTNERS[3];

/// One world for a family of paths: staff in every role × customer access.
struct Fixture {
    w: World,
    staff: Vec<Actor>,
    counter: Cell<u32>,
    partner: Cell<PartnerAuthorizations>,
    basic: String,
    basic_price: i64,
    e3: String,
    e3_price: i64,
}

impl Fixture {
    fn new() -> Fixture {
        let w = world_in_memory_backed();
        w.set_partner_id("1234567");
        let mut staff = Vec::new();
        for role in CompanyRole::ALL {
            for access in CustomerAccess::ALL {
                let name = format!("{} {}", role.as_str(), access.as_str());
                staff.push(w.staff(&name, role, access));
            }
        }
        let (basic, e3) = (
            w.service("Microsoft 365 Business Basic"),
            w.service("Microsoft 365 E3"),
        );
        let f = Fixture {
            basic: basic.id,
            basic_price: basic.unit_price_minor,
            e3: e3.id,
            e3_price: e3.unit_price_minor,
            w,
            staff,
            counter: Cell::new(0),
            partner: Cell::new(BOTH),
        };
        f.count_writes();
        f
    }

    fn next(&self) -> u32 {
        self.counter.set(self.counter.get() + 1);
        self.counter.get()
    }

    fn authorize(&self, partner: PartnerAuthorizations) {
        if self.partner.get() == partner {
            return;
        }
        self.w.authorize(partner);
        self.partner.set(partner);
    }

    fn seed(&self, path: &Path, state: &str) -> Seed {
        let now = self.partner.get();
        self.authorize(BOTH);
        let mut seed = Seed {
            n: self.next(),
            ..Seed::default()
        };
        if path.on == On::Customer {
            let n = seed.n;
            let id = self
                .w
                .customer_in_state(&format!("Firma {n}"), &format!("firma{n}"), state);
            seed.customer = Some(id);
        }
        (path.seed)(self, &mut seed);
        self.authorize(now);
        seed
    }

    /// Counts every row written to any table but the audit log, in the writer
    /// connection's own temporary table: a refused act rolls back with its
    /// writes, so an unchanged count means nothing was written.
    fn count_writes(&self) {
        self.w
            .store
            .write(|tx| {
                tx.execute_batch("CREATE TEMP TABLE writes (n INTEGER NOT NULL); INSERT INTO writes VALUES (0);")?;
                let tables: Vec<String> = tx
                    .prepare(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'audit_log'
                         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'customer_search%'",
                    )?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for table in tables {
                    for event in ["INSERT", "UPDATE", "DELETE"] {
                        tx.execute_batch(&format!(
                            "CREATE TEMP TRIGGER written_{table}_{event} AFTER {event} ON main.{table}
                             BEGIN UPDATE temp.writes SET n = n + 1; END;"
                        ))?;
                    }
                }
                Ok(())
            })
            .unwrap();
    }

    fn writes(&self) -> i64 {
        self.w
            .store
            .write(|tx| Ok(tx.query_row("SELECT n FROM temp.writes", [], |r| r.get(0))?))
            .unwrap()
    }

    /// The newest audit entry: (seq, action, outcome, actor).
    fn last_audit(&self) -> (i64, String, String, String) {
        self.w
            .store
            .read(|c| {
                Ok(c.query_row(
                    "SELECT seq, action, outcome, actor_name FROM audit_log ORDER BY seq DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?)
            })
            .unwrap()
    }

    fn count(&self, sql: &str, id: &str) -> i64 {
        self.w
            .store
            .read(|c| Ok(c.query_row(sql, [id], |r| r.get(0))?))
            .unwrap()
    }

    fn price(&self, service: &str) -> i64 {
        if service == self.basic {
            self.basic_price
        } else {
            self.e3_price
        }
    }

    fn admin(&self) -> &Actor {
        &self.w.admin
    }

    // ---------------------------------------------------------------- seeds

    fn subscription(&self, customer: &str, service: &str, trial: bool) -> String {
        let input = SubscriptionInput {
            customer_id: customer.into(),
            service_id: service.into(),
            quantity: 5,
            term: None,
            billing_plan: None,
            starts_at: None,
            auto_renew: false,
            trial,
        };
        // The seed is not the path under test: it writes past the gate.
        self.w
            .store
            .write(|tx| {
                subscriptions::insert(
                    tx,
                    &self.w.clock,
                    &self.admin().audit_ref(),
                    &input,
                    Source::Manual,
                )
            })
            .unwrap()
            .id
    }

    fn offer_input(&self, seed: &Seed, service: &str, delegated: bool) -> OfferDraftInput {
        OfferDraftInput {
            customer_id: seed.customer.clone(),
            prospect_name: "Prospekt Sp. z o.o.".into(),
            prospect_email: "it@prospekt.pl".into(),
            valid_until: "2026-12-24".into(),
            delegated_admin: delegated.then(|| DelegatedAdminRequest {
                display_name: format!("Offer GDAP {}", seed.n),
                roles: vec![crate::testing::USER_ADMINISTRATOR.into()],
                duration_days: 365,
                auto_extend: false,
            }),
            lines: vec![OfferLineInput {
                service_id: service.into(),
                quantity: 7,
                unit_price_minor: self.price(service),
                price_source: None,
                discount_bp: 0,
            }],
            ..Default::default()
        }
    }

    fn offer(&self, seed: &mut Seed, service: &str, delegated: bool, sent: bool) {
        let input = self.offer_input(seed, service, delegated);
        let (w, admin) = (&self.w, self.admin());
        let id = offers::create(&w.store, &w.clock, admin, &input)
            .unwrap()
            .0
            .offer
            .id;
        if sent {
            offers::send(&w.store, &w.clock, admin, &id, &["it@firma.pl".into()]).unwrap();
        }
        seed.offer = Some(id);
    }

    fn invitation_input(&self, seed: &Seed, delegated: bool) -> TrialInvitationInput {
        TrialInvitationInput {
            name: format!("Campaign {}", seed.n),
            service_id: self.basic.clone(),
            language: String::new(),
            relationship: delegated.then(|| InvitationRelationship {
                roles: vec![crate::testing::USER_ADMINISTRATOR.into()],
                duration_days: 180,
                auto_extend: false,
            }),
        }
    }

    fn invitation(&self, seed: &mut Seed, delegated: bool, active: bool) {
        let input = self.invitation_input(seed, delegated);
        let (w, admin) = (&self.w, self.admin());
        let id = invitations::create(&w.store, &w.clock, admin, &input)
            .unwrap()
            .0
            .invitation
            .id;
        if active {
            invitations::activate(&w.store, &w.clock, admin, &id).unwrap();
        }
        seed.invitation = Some(id);
    }

    fn key(&self, seed: &mut Seed) {
        let input = ProductKeyInput {
            key: key_text(seed.n),
            service_id: self.basic.clone(),
            quantity: 10,
            term: "P1Y".into(),
        };
        let (w, admin) = (&self.w, self.admin());
        seed.key = Some(
            product_keys::add(&w.store, &w.clock, admin, &input)
                .unwrap()
                .0
                .id,
        );
    }

    fn redeem(&self, actor: &Actor, seed: &Seed, mode: RedeemMode, delegated: bool) -> Result<()> {
        let relationship = delegated.then(|| RelationshipOffer {
            customer_id: seed.customer().into(),
            display_name: format!("Key GDAP {}", seed.n),
            roles: vec![crate::testing::USER_ADMINISTRATOR.into()],
            duration_days: 365,
            auto_extend: false,
            request_approval: true,
        });
        let redemption = Redemption {
            key_id: seed.key.clone().unwrap(),
            customer_id: seed.customer().into(),
            mode,
            auto_renew: false,
            relationship,
            subscription_id: seed.subscription.clone(),
        };
        product_keys::redeem(&self.w.store, &self.w.clock, actor, &redemption).map(drop)
    }
}

// ---------------------------------------------------------------- the walk

/// The table's answer for `path`: its first refusal, if any.
fn expected(
    path: &Path,
    subject: Subject,
    partner: PartnerAuthorizations,
    state: &str,
) -> Result<(), DenialReason> {
    for ask in path.asks {
        match *ask {
            Row(action) => decide(subject, partner, action)?,
            Gate(action) => decide_for_customer(subject, partner, state, action)?,
            GateUnlessNeverSetUp(_) if state == "none" => {}
            GateUnlessNeverSetUp(action) => decide_for_customer(subject, partner, state, action)?,
        }
    }
    Ok(())
}

/// Walks `paths`; returns every case whose outcome was not the table's.
fn walk(paths: &[Path]) -> Vec<String> {
    let f = Fixture::new();
    let mut wrong = Vec::new();
    for path in paths {
        let states: &[&str] = match path.on {
            On::Customer => RELATIONSHIP_STATES,
            On::Nobody => &["none"],
        };
        for state in states {
            let mut seed: Option<Seed> = None;
            for partner in PARTNERS {
                for actor in &f.staff {
                    let case = format!(
                        "{} | relationship {state} | {} {} | partner da={} advisor={}",
                        path.name,
                        actor.role.as_str(),
                        actor.customer_access.as_str(),
                        partner.delegated_admin,
                        partner.subscription_advisor
                    );
                    let current = seed.get_or_insert_with(|| f.seed(path, state));
                    f.authorize(partner);
                    let (written, audit) = (f.writes(), f.last_audit());
                    let outcome = (path.run)(&f, actor, current);
                    let want = expected(path, actor.subject(), partner, state);
                    let consumed = outcome.is_ok();
                    match (want, outcome) {
                        (Ok(()), Ok(())) => {
                            f.authorize(BOTH);
                            (path.effect)(&f, current);
                        }
                        (Err(reason), Err(Error::Forbidden { reason: got, .. })) => {
                            if got != reason.key() {
                                wrong.push(format!(
                                    "{case}: refused with {got}, the table says {}",
                                    reason.key()
                                ));
                            } else if f.writes() != written {
                                wrong.push(format!("{case}: refused, but something was written"));
                            } else {
                                let (count, action, outcome, by) = f.last_audit();
                                if (count, action.as_str(), outcome.as_str(), by.as_str())
                                    != (
                                        audit.0 + 1,
                                        path.audit,
                                        "refused",
                                        actor.display_name.as_str(),
                                    )
                                {
                                    wrong.push(format!(
                                        "{case}: the refusal is not audited as {} (newest: {action} {outcome} by {by})",
                                        path.audit
                                    ));
                                }
                            }
                        }
                        (want, got) => {
                            wrong.push(format!("{case}: the table says {want:?}, got {got:?}"))
                        }
                    }
                    // What an allowed act did, the next case must not find done.
                    if consumed {
                        seed = None;
                    }
                }
            }
        }
    }
    wrong
}

fn assert_walk(paths: &[Path]) {
    let wrong = walk(paths);
    if wrong.is_empty() {
        return;
    }
    let mut by_path: Vec<String> = Vec::new();
    for path in paths {
        let n = wrong
            .iter()
            .filter(|w| w.starts_with(&format!("{} |", path.name)))
            .count();
        if n > 0 {
            by_path.push(format!("{n:>5}  {}", path.name));
        }
    }
    panic!(
        "{} cases differ from the permission table:\n{}\n\nthe first of them:\n{}",
        wrong.len(),
        by_path.join("\n"),
        wrong
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

use paths::{direct_paths, invitation_paths, key_paths, offer_paths};

#[test]
fn every_offer_path_asks_the_table_as_written() {
    assert_walk(&offer_paths());
}

#[test]
fn every_invitation_path_asks_the_table_as_written() {
    assert_walk(&invitation_paths());
}

#[test]
fn every_key_redemption_path_asks_the_table_as_written() {
    assert_walk(&key_paths());
}

#[test]
fn the_direct_commands_ask_the_table_as_written() {
    assert_walk(&direct_paths());
}

/// Every path and what it asks, in order, as the matrix test prints it: a
/// change to what any path asks is a visible diff there too.
pub(super) fn asks_of_every_path() -> String {
    let mut out = String::new();
    let families = [
        offer_paths(),
        invitation_paths(),
        key_paths(),
        direct_paths(),
    ];
    for path in families.iter().flatten() {
        let asks: Vec<String> = path
            .asks
            .iter()
            .map(|ask| match *ask {
                Row(action) => action.as_str().to_owned(),
                Gate(action) => format!("{} + gate", action.as_str()),
                GateUnlessNeverSetUp(action) => {
                    format!("{} + gate unless never set up", action.as_str())
                }
            })
            .collect();
        out.push_str(&format!(
            "path: {}\n      asks {}\n",
            path.name,
            asks.join(", ")
        ));
    }
    out
}
