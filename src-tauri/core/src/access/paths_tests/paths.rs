//! The paths the walk takes: each act, in each form, with what it asks.

use super::*;
pub(super) fn offer_paths() -> Vec<Path> {
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
    // The customer's approval: Microsoft activates it in the minutes after (decision 0045).
    // The seed's own relationship (World::activate) is named "GDAP <customer>".
    let sql = "SELECT count(*) FROM relationships
               WHERE customer_id = ?1 AND state = 'approved' AND display_name NOT LIKE 'GDAP %'";
    assert_eq!(
        f.count(sql, customer),
        1,
        "the act recorded the customer's approval"
    );
}

pub(super) fn invitation_paths() -> Vec<Path> {
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

pub(super) fn key_paths() -> Vec<Path> {
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
pub(super) fn direct_paths() -> Vec<Path> {
    vec![
        Path {
            name: "customer: added directly",
            on: On::Nobody,
            asks: &[Row(CUSTOMERS)],
            audit: "customer.create",
            seed: |_, _| {},
            run: |f, actor, s| {
                let input = CustomerInput {
                    company_name: format!("Direct {}", s.n),
                    default_domain: format!("direct{}", s.n),
                    ..CustomerInput::default()
                };
                customers::create(&f.w.store, &f.w.clock, actor, &input).map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT count(*) FROM customers WHERE company_name = ?1";
                assert_eq!(f.count(sql, &format!("Direct {}", s.n)), 1);
            },
        },
        Path {
            name: "customer: imported with the relationship the file states",
            on: On::Nobody,
            asks: &[Row(CUSTOMERS)],
            audit: "customer.import",
            seed: |_, _| {},
            run: |f, actor, s| {
                let file = format!(
                    "Company name,Primary domain name,Relationship\nImported {n},imported{n},Cloud Reseller\n",
                    n = s.n
                );
                let import = customers::CustomerImport {
                    file: file.as_str().into(),
                    record_relationship: true,
                };
                let never = std::sync::atomic::AtomicBool::new(false);
                let mode = crate::imports::ImportMode::AllOrNothing;
                customers::apply_import(
                    &f.w.store,
                    &f.w.clock,
                    actor,
                    &import,
                    mode,
                    &|_, _| {},
                    &never,
                )
                .map(drop)
            },
            effect: |f, s| {
                let sql = "SELECT count(*) FROM customers WHERE company_name = ?1
                           AND partner_relationship = 'Cloud Reseller'";
                assert_eq!(f.count(sql, &format!("Imported {}", s.n)), 1);
            },
        },
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
                    roles: vec![crate::testing::USER_ADMINISTRATOR.into()],
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
        Path {
            name: "subscription: part of it upgraded along a conversion path",
            on: On::Customer,
            asks: &[Gate(SUBSCRIPTIONS)],
            audit: "subscription.upgrade",
            seed: |f, s| s.subscription = Some(f.subscription(s.customer(), &f.basic, false)),
            run: |f, actor, s| {
                let input = subscriptions::UpgradeInput {
                    service_id: f.w.service("Microsoft 365 Business Standard").id,
                    quantity: 2,
                };
                let id = s.subscription.as_deref().unwrap();
                subscriptions::upgrade(&f.w.store, &f.w.clock, actor, id, &input).map(drop)
            },
            effect: |f, s| {
                let sql =
                    "SELECT count(*) FROM subscriptions WHERE upgraded_from = ?1 AND quantity = 2";
                assert_eq!(f.count(sql, s.subscription.as_deref().unwrap()), 1);
            },
        },
    ]
}
