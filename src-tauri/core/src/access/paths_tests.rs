//! Every path to an effect the table guards — the direct command and each act
//! that reaches the same effect from inside another — walked against every
//! company role × customer access × partner authorization × relationship state
//! (decision 0027).
//!
//! Each path says which rows of the table it asks, in order (`asks`). The
//! expected outcome is the table's first refusal among them; the real function
//! runs on a seeded store and must match: allowed → the effect happened;
//! refused → `forbidden` with that reason, nothing written, the refusal audited.

use std::cell::Cell;

use super::tests::PARTNERS;
use super::{decide, decide_for_customer, Action, CompanyRole, CustomerAccess, DenialReason};
use super::{PartnerAuthorizations, Subject};
use crate::auth::Actor;
use crate::customers::CustomerInput;
use crate::error::{Error, Result};
use crate::offers::{
    self, AcceptanceInput, DelegatedAdminRequest, OfferDraftInput, OfferLineInput,
};
use crate::product_keys::{self, ProductKeyInput, RedeemMode, Redemption};
use crate::relationships::{self, RelationshipOffer};
use crate::subscriptions::{self, Source, SubscriptionInput, TrialConversion};
use crate::testing::{world_in_memory_backed, World, RELATIONSHIP_STATES};
use crate::trial_invitations::TrialInvitationInput;
use crate::trial_invitations::{self as invitations, InvitationRelationship, SignupInput};

use Action::{
    ManagePurchaseOffers as OFFERS, ManageRelationships as DELEGATED_ADMIN,
    ManageSubscriptions as SUBSCRIPTIONS, ManageTrialInvitations as INVITATIONS,
    RedeemProductKeys as KEYS,
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
        self.w
            .store
            .write(|tx| {
                tx.execute(
                    "UPDATE company_profile SET authorized_delegated_admin = ?1,
                         authorized_subscription_advisor = ?2",
                    [partner.delegated_admin, partner.subscription_advisor],
                )?;
                Ok(())
            })
            .unwrap();
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
                roles: vec!["user_admin".into()],
                duration_days: 365,
                auto_extend: false,
            }),
            lines: vec![OfferLineInput {
                service_id: service.into(),
                quantity: 7,
                unit_price_minor: self.price(service),
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
                roles: vec!["user_admin".into()],
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
            roles: vec!["user_admin".into()],
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

/// A well-formed product key unique to `n`.
fn key_text(n: u32) -> String {
    let alphabet: Vec<char> = product_keys::ALPHABET.chars().collect();
    let mut digits = vec![alphabet[0]; 25];
    let (mut rest, mut at) = (n as usize, 24);
    while rest > 0 {
        digits[at] = alphabet[rest % alphabet.len()];
        rest /= alphabet.len();
        at -= 1;
    }
    let text: String = digits.into_iter().collect();
    (0..5)
        .map(|g| &text[g * 5..g * 5 + 5])
        .collect::<Vec<_>>()
        .join("-")
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

// ---------------------------------------------------------------- paths

fn offer_paths() -> Vec<Path> {
    vec![
        Path {
            name: "offer: create a draft with delegated admin",
            on: On::Customer,
            asks: &[Row(OFFERS), Row(DELEGATED_ADMIN)],
            audit: "offer.create",
            seed: |_, _| {},
            run: |f, actor, s| {
                let input = f.offer_input(s, &f.e3, true);
                offers::create(&f.w.store, &f.w.clock, actor, &input).map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT count(*) FROM purchase_offers WHERE customer_id = ?1 AND da_display_name IS NOT NULL";
                assert_eq!(f.count(sql, s.customer()), 1);
            },
        },
        Path {
            name: "offer: a draft gains delegated admin",
            on: On::Customer,
            asks: &[Row(OFFERS), Row(DELEGATED_ADMIN)],
            audit: "offer.update",
            seed: |f, s| f.offer(s, &f.e3, false, false),
            run: |f, actor, s| {
                let input = f.offer_input(s, &f.e3, true);
                let id = s.offer.as_deref().unwrap();
                offers::update_draft(&f.w.store, &f.w.clock, actor, id, &input).map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT count(*) FROM purchase_offers WHERE id = ?1 AND da_display_name IS NOT NULL";
                assert_eq!(f.count(sql, s.offer.as_deref().unwrap()), 1);
            },
        },
        Path {
            name: "offer: a draft keeps the delegated admin someone allowed added",
            on: On::Customer,
            asks: &[Row(OFFERS)],
            audit: "offer.update",
            seed: |f, s| f.offer(s, &f.e3, true, false),
            run: |f, actor, s| {
                let input = OfferDraftInput {
                    note: "edited".into(),
                    ..f.offer_input(s, &f.e3, true)
                };
                let id = s.offer.as_deref().unwrap();
                offers::update_draft(&f.w.store, &f.w.clock, actor, id, &input).map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT count(*) FROM purchase_offers WHERE id = ?1 AND note = 'edited'
                           AND da_display_name IS NOT NULL";
                assert_eq!(f.count(sql, s.offer.as_deref().unwrap()), 1);
            },
        },
        Path {
            name: "offer: a revision keeps the delegated admin until it is sent",
            on: On::Customer,
            asks: &[Row(OFFERS)],
            audit: "offer.revise",
            seed: |f, s| f.offer(s, &f.e3, true, true),
            run: |f, actor, s| {
                let id = s.offer.as_deref().unwrap();
                offers::revise(&f.w.store, &f.w.clock, actor, id, &[]).map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT count(*) FROM purchase_offers WHERE previous_id = ?1 AND status = 'draft'";
                assert_eq!(f.count(sql, s.offer.as_deref().unwrap()), 1);
            },
        },
        Path {
            name: "offer: send a draft with delegated admin",
            on: On::Customer,
            asks: &[Row(OFFERS), Row(DELEGATED_ADMIN)],
            audit: "offer.send",
            seed: |f, s| f.offer(s, &f.e3, true, false),
            run: |f, actor, s| {
                let id = s.offer.as_deref().unwrap();
                offers::send(&f.w.store, &f.w.clock, actor, id, &["it@firma.pl".into()]).map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT count(*) FROM purchase_offers WHERE id = ?1 AND status = 'sent'";
                assert_eq!(f.count(sql, s.offer.as_deref().unwrap()), 1);
            },
        },
        Path {
            name: "offer: send a sent offer with delegated admin to one more address",
            on: On::Customer,
            asks: &[Row(OFFERS), Row(DELEGATED_ADMIN)],
            audit: "offer.send",
            seed: |f, s| f.offer(s, &f.e3, true, true),
            run: |f, actor, s| {
                let id = s.offer.as_deref().unwrap();
                offers::send(&f.w.store, &f.w.clock, actor, id, &["ceo@firma.pl".into()]).map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT count(*) FROM purchase_offer_recipients WHERE offer_id = ?1";
                assert_eq!(f.count(sql, s.offer.as_deref().unwrap()), 2);
            },
        },
        Path {
            name: "offer: accept new subscriptions with delegated admin",
            on: On::Customer,
            asks: &[Row(OFFERS), Row(DELEGATED_ADMIN)],
            audit: "offer.accept",
            seed: |f, s| f.offer(s, &f.e3, true, true),
            run: accept,
            effect: |f, s| {
                accepted_with_subscription(f, s);
                relationship_active(f, s.customer());
            },
        },
        Path {
            name: "offer: accept new subscriptions for an existing customer",
            on: On::Customer,
            asks: &[Row(OFFERS)],
            audit: "offer.accept",
            seed: |f, s| f.offer(s, &f.e3, false, true),
            run: accept,
            effect: accepted_with_subscription,
        },
        Path {
            name: "offer: accept, converting the customer's trial",
            on: On::Customer,
            asks: &[Row(OFFERS), Gate(SUBSCRIPTIONS)],
            audit: "offer.accept",
            seed: |f, s| {
                s.subscription = Some(f.subscription(s.customer(), &f.basic, true));
                f.offer(s, &f.basic, false, true);
            },
            run: accept,
            effect: trial_converted,
        },
        Path {
            name:
                "offer: accept, converting the trial, with delegated admin accepted in the same act",
            on: On::Customer,
            asks: &[Row(OFFERS), Row(DELEGATED_ADMIN), Row(SUBSCRIPTIONS)],
            audit: "offer.accept",
            seed: |f, s| {
                s.subscription = Some(f.subscription(s.customer(), &f.basic, true));
                f.offer(s, &f.basic, true, true);
            },
            run: accept,
            effect: |f, s| {
                trial_converted(f, s);
                relationship_active(f, s.customer());
            },
        },
        Path {
            name: "offer: accept a prospect's offer with delegated admin",
            on: On::Nobody,
            asks: &[Row(OFFERS), Row(DELEGATED_ADMIN)],
            audit: "offer.accept",
            seed: |f, s| f.offer(s, &f.e3, true, true),
            run: |f, actor, s| {
                let input = AcceptanceInput {
                    lines: vec![],
                    customer: Some(CustomerInput {
                        company_name: format!("Prospekt {}", s.n),
                        default_domain: format!("prospekt{}", s.n),
                        ..Default::default()
                    }),
                };
                let id = s.offer.as_deref().unwrap();
                offers::accept(&f.w.store, &f.w.clock, actor, id, &input).map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT accepted_customer_id FROM purchase_offers WHERE id = ?1";
                let customer: String = f
                    .w
                    .store
                    .read(|c| Ok(c.query_row(sql, [s.offer.as_deref().unwrap()], |r| r.get(0))?))
                    .unwrap();
                relationship_active(f, &customer);
            },
        },
    ]
}

fn accept(f: &Fixture, actor: &Actor, s: &Seed) -> Result<()> {
    let id = s.offer.as_deref().unwrap();
    offers::accept(
        &f.w.store,
        &f.w.clock,
        actor,
        id,
        &AcceptanceInput::default(),
    )
    .map(drop)
}

fn accepted_with_subscription(f: &Fixture, s: &Seed) {
    let sql =
        "SELECT count(*) FROM subscriptions WHERE customer_id = ?1 AND source = 'purchase_offer'";
    assert_eq!(f.count(sql, s.customer()), 1);
}

fn trial_converted(f: &Fixture, s: &Seed) {
    let sql = "SELECT count(*) FROM subscriptions WHERE id = ?1 AND trial = 0 AND quantity = 7";
    assert_eq!(f.count(sql, s.subscription.as_deref().unwrap()), 1);
}

fn relationship_active(f: &Fixture, customer: &str) {
    let sql = "SELECT count(*) FROM customers WHERE id = ?1 AND relationship_state = 'active'";
    assert_eq!(
        f.count(sql, customer),
        1,
        "the act made the relationship active"
    );
}

fn invitation_paths() -> Vec<Path> {
    vec![
        Path {
            name: "invitation: create with delegated admin",
            on: On::Nobody,
            asks: &[Row(INVITATIONS), Row(DELEGATED_ADMIN)],
            audit: "trial_invitation.create",
            seed: |_, _| {},
            run: |f, actor, s| {
                let input = f.invitation_input(s, true);
                invitations::create(&f.w.store, &f.w.clock, actor, &input).map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT count(*) FROM trial_invitations WHERE name = ?1 AND include_relationship = 1";
                assert_eq!(f.count(sql, &format!("Campaign {}", s.n)), 1);
            },
        },
        Path {
            name: "invitation: a draft gains delegated admin",
            on: On::Nobody,
            asks: &[Row(INVITATIONS), Row(DELEGATED_ADMIN)],
            audit: "trial_invitation.update",
            seed: |f, s| f.invitation(s, false, false),
            run: |f, actor, s| {
                let input = f.invitation_input(s, true);
                let id = s.invitation.as_deref().unwrap();
                invitations::update(&f.w.store, &f.w.clock, actor, id, &input).map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT count(*) FROM trial_invitations WHERE id = ?1 AND include_relationship = 1";
                assert_eq!(f.count(sql, s.invitation.as_deref().unwrap()), 1);
            },
        },
        Path {
            name: "invitation: a draft keeps the delegated admin someone allowed added",
            on: On::Nobody,
            asks: &[Row(INVITATIONS)],
            audit: "trial_invitation.update",
            seed: |f, s| f.invitation(s, true, false),
            run: |f, actor, s| {
                let input = TrialInvitationInput {
                    name: "Renamed".into(),
                    ..f.invitation_input(s, true)
                };
                let id = s.invitation.as_deref().unwrap();
                invitations::update(&f.w.store, &f.w.clock, actor, id, &input).map(drop)
            },
            effect: |f, s| {
                let sql =
                    "SELECT count(*) FROM trial_invitations WHERE id = ?1 AND name = 'Renamed'
                           AND include_relationship = 1";
                assert_eq!(f.count(sql, s.invitation.as_deref().unwrap()), 1);
            },
        },
        Path {
            name: "invitation: activate with delegated admin",
            on: On::Nobody,
            asks: &[Row(INVITATIONS), Row(DELEGATED_ADMIN)],
            audit: "trial_invitation.activate",
            seed: |f, s| f.invitation(s, true, false),
            run: |f, actor, s| {
                let id = s.invitation.as_deref().unwrap();
                invitations::activate(&f.w.store, &f.w.clock, actor, id).map(drop)
            },
            effect: |f, s| {
                let sql =
                    "SELECT count(*) FROM trial_invitations WHERE id = ?1 AND state = 'active'";
                assert_eq!(f.count(sql, s.invitation.as_deref().unwrap()), 1);
            },
        },
        Path {
            name: "invitation: send with delegated admin",
            on: On::Nobody,
            asks: &[Row(INVITATIONS), Row(DELEGATED_ADMIN)],
            audit: "trial_invitation.send",
            seed: |f, s| f.invitation(s, true, true),
            run: |f, actor, s| {
                let id = s.invitation.as_deref().unwrap();
                invitations::record_sent(&f.w.store, &f.w.clock, actor, id, &["it@firma.pl".into()])
                    .map(drop)
            },
            effect: |f, s| {
                let sql =
                    "SELECT count(*) FROM trial_invitation_recipients WHERE invitation_id = ?1";
                assert_eq!(f.count(sql, s.invitation.as_deref().unwrap()), 1);
            },
        },
        Path {
            name: "invitation: sign-up of an existing customer, with delegated admin",
            on: On::Customer,
            asks: &[Row(INVITATIONS), Row(DELEGATED_ADMIN)],
            audit: "trial_invitation.signup",
            seed: |f, s| f.invitation(s, true, true),
            run: signup_existing,
            effect: |f, s| {
                trial_signed_up(f, s);
                relationship_active(f, s.customer());
            },
        },
        Path {
            name: "invitation: sign-up of an existing customer, without delegated admin",
            on: On::Customer,
            asks: &[Row(INVITATIONS)],
            audit: "trial_invitation.signup",
            seed: |f, s| f.invitation(s, false, true),
            run: signup_existing,
            effect: trial_signed_up,
        },
        Path {
            name: "invitation: sign-up of a new customer, with delegated admin",
            on: On::Nobody,
            asks: &[Row(INVITATIONS), Row(DELEGATED_ADMIN)],
            audit: "trial_invitation.signup",
            seed: |f, s| f.invitation(s, true, true),
            run: |f, actor, s| {
                let input = SignupInput {
                    customer_id: None,
                    customer: Some(CustomerInput {
                        company_name: format!("Nowa {}", s.n),
                        default_domain: format!("nowa{}", s.n),
                        ..Default::default()
                    }),
                };
                let id = s.invitation.as_deref().unwrap();
                invitations::record_signup(&f.w.store, &f.w.clock, actor, id, &input).map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT count(*) FROM trial_invitation_signups
                           WHERE invitation_id = ?1 AND relationship_id IS NOT NULL";
                assert_eq!(f.count(sql, s.invitation.as_deref().unwrap()), 1);
            },
        },
    ]
}

fn signup_existing(f: &Fixture, actor: &Actor, s: &Seed) -> Result<()> {
    let input = SignupInput {
        customer_id: s.customer.clone(),
        customer: None,
    };
    let id = s.invitation.as_deref().unwrap();
    invitations::record_signup(&f.w.store, &f.w.clock, actor, id, &input).map(drop)
}

fn trial_signed_up(f: &Fixture, s: &Seed) {
    let sql = "SELECT count(*) FROM subscriptions WHERE customer_id = ?1 AND trial = 1";
    assert_eq!(f.count(sql, s.customer()), 1);
}

/// A key redemption path in `mode`, with or without a delegated-admin request;
/// `has_subscription`: the customer already has a subscription (of another
/// service for a new one, of the key's for extend and add).
fn key_path(name: &'static str, mode: RedeemMode, delegated: bool, has_subscription: bool) -> Path {
    let asks: &'static [Ask] = match (delegated, has_subscription) {
        (false, false) => &[Row(KEYS), GateUnlessNeverSetUp(SUBSCRIPTIONS)],
        (true, false) => &[
            Row(KEYS),
            Row(DELEGATED_ADMIN),
            GateUnlessNeverSetUp(SUBSCRIPTIONS),
        ],
        (false, true) => &[Row(KEYS), Gate(SUBSCRIPTIONS)],
        (true, true) => &[Row(KEYS), Row(DELEGATED_ADMIN), Gate(SUBSCRIPTIONS)],
    };
    let (seed, run, effect): (SeedFn, RunFn, EffectFn) = match (mode, delegated, has_subscription) {
        (RedeemMode::NewSubscription, _, false) => (
            |f, s| f.key(s),
            new_key_subscription_run(delegated),
            key_subscribed,
        ),
        (RedeemMode::NewSubscription, _, true) => (
            |f, s| {
                f.subscription(s.customer(), &f.e3, false);
                f.key(s);
            },
            new_key_subscription_run(delegated),
            key_subscribed,
        ),
        (RedeemMode::ExtendTerm, false, _) => (
            with_basic,
            |f, a, s| f.redeem(a, s, RedeemMode::ExtendTerm, false),
            extended,
        ),
        (RedeemMode::ExtendTerm, true, _) => (
            with_basic,
            |f, a, s| f.redeem(a, s, RedeemMode::ExtendTerm, true),
            extended,
        ),
        (RedeemMode::AddLicences, false, _) => (
            with_basic,
            |f, a, s| f.redeem(a, s, RedeemMode::AddLicences, false),
            added,
        ),
        (RedeemMode::AddLicences, true, _) => (
            with_basic,
            |f, a, s| f.redeem(a, s, RedeemMode::AddLicences, true),
            added,
        ),
    };
    Path {
        name,
        on: On::Customer,
        asks,
        audit: "product_key.redeem",
        seed,
        run,
        effect,
    }
}

fn new_key_subscription_run(delegated: bool) -> RunFn {
    if delegated {
        |f, a, s| f.redeem(a, s, RedeemMode::NewSubscription, true)
    } else {
        |f, a, s| f.redeem(a, s, RedeemMode::NewSubscription, false)
    }
}

fn with_basic(f: &Fixture, s: &mut Seed) {
    s.subscription = Some(f.subscription(s.customer(), &f.basic, false));
    f.key(s);
}

fn key_redeemed(f: &Fixture, s: &Seed) {
    let sql = "SELECT count(*) FROM product_keys WHERE id = ?1 AND status = 'redeemed'";
    assert_eq!(f.count(sql, s.key.as_deref().unwrap()), 1);
}

fn key_subscribed(f: &Fixture, s: &Seed) {
    key_redeemed(f, s);
    let sql =
        "SELECT count(*) FROM subscriptions WHERE customer_id = ?1 AND source = 'product_key'";
    assert_eq!(f.count(sql, s.customer()), 1);
}

fn extended(f: &Fixture, s: &Seed) {
    key_redeemed(f, s);
    let sql = "SELECT count(*) FROM subscription_changes WHERE subscription_id = ?1 AND kind = 'term_extended'";
    assert_eq!(f.count(sql, s.subscription.as_deref().unwrap()), 1);
}

fn added(f: &Fixture, s: &Seed) {
    key_redeemed(f, s);
    let sql = "SELECT count(*) FROM subscriptions WHERE id = ?1 AND quantity = 15";
    assert_eq!(f.count(sql, s.subscription.as_deref().unwrap()), 1);
}

fn key_paths() -> Vec<Path> {
    use RedeemMode::{AddLicences, ExtendTerm, NewSubscription};
    vec![
        key_path("key: new subscription", NewSubscription, false, false),
        key_path(
            "key: new subscription, requesting delegated admin",
            NewSubscription,
            true,
            false,
        ),
        key_path(
            "key: new subscription for a customer set up before",
            NewSubscription,
            false,
            true,
        ),
        key_path(
            "key: new subscription for a customer set up before, requesting delegated admin",
            NewSubscription,
            true,
            true,
        ),
        key_path("key: extend the term", ExtendTerm, false, true),
        key_path(
            "key: extend the term, requesting delegated admin",
            ExtendTerm,
            true,
            true,
        ),
        key_path("key: add licences", AddLicences, false, true),
        key_path(
            "key: add licences, requesting delegated admin",
            AddLicences,
            true,
            true,
        ),
    ]
}

/// The direct commands to the same effects, so every path is seen beside them.
fn direct_paths() -> Vec<Path> {
    vec![
        Path {
            name: "relationship: offered alone",
            on: On::Customer,
            asks: &[Row(DELEGATED_ADMIN)],
            audit: "relationship.offer",
            seed: |_, _| {},
            run: |f, actor, s| {
                let offer = RelationshipOffer {
                    customer_id: s.customer().into(),
                    display_name: format!("Alone {}", s.n),
                    roles: vec!["user_admin".into()],
                    duration_days: 365,
                    auto_extend: false,
                    request_approval: true,
                };
                relationships::offer(&f.w.store, &f.w.clock, actor, &offer).map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT count(*) FROM relationships WHERE display_name = ?1";
                assert_eq!(f.count(sql, &format!("Alone {}", s.n)), 1);
            },
        },
        Path {
            name: "subscription: added directly",
            on: On::Customer,
            asks: &[Gate(SUBSCRIPTIONS)],
            audit: "subscription.add",
            seed: |_, _| {},
            run: |f, actor, s| {
                let input = SubscriptionInput {
                    customer_id: s.customer().into(),
                    service_id: f.e3.clone(),
                    quantity: 3,
                    term: None,
                    billing_plan: None,
                    starts_at: None,
                    auto_renew: false,
                    trial: false,
                };
                subscriptions::add(&f.w.store, &f.w.clock, actor, &input).map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT count(*) FROM subscriptions WHERE customer_id = ?1";
                assert_eq!(f.count(sql, s.customer()), 1);
            },
        },
        Path {
            name: "subscription: a trial converted directly",
            on: On::Customer,
            asks: &[Gate(SUBSCRIPTIONS)],
            audit: "subscription.convert_trial",
            seed: |f, s| s.subscription = Some(f.subscription(s.customer(), &f.basic, true)),
            run: |f, actor, s| {
                let conversion = TrialConversion {
                    quantity: 7,
                    term: "P1Y".into(),
                    billing_plan: "monthly".into(),
                    auto_renew: true,
                };
                let id = s.subscription.as_deref().unwrap();
                subscriptions::convert_trial(&f.w.store, &f.w.clock, actor, id, &conversion)
                    .map(drop)
            },
            effect: trial_converted,
        },
    ]
}

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
