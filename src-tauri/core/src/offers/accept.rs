//! Recording the customer's acceptance: one transaction that creates the
//! customer (from a prospect), the delegated-admin relationship, and the
//! subscriptions (converting a trial of the same service), or nothing at all.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    apply, audit_done, blank_target, change_of, check_delegated_admin, detail, lines_of, load,
    OfferEvent, OfferStatus, PurchaseOfferDetail,
};
use crate::access::{guarded_write, require, Action};
use crate::audit::{self, Event};
use crate::auth::Actor;
use crate::change::Change;
use crate::clock::{to_rfc3339, Clock};
use crate::customers::{self, CustomerInput};
use crate::error::{Error, Result};
use crate::ids::{new_id, parse_id};
use crate::money::Money;
use crate::relationships::{self, RelationshipOffer};
use crate::store::Store;
use crate::subscriptions::{self, Source, SubscriptionInput, TrialConversion, MAX_QUANTITY};

/// A licence count for one line of an offer.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct LineCount {
    pub line_id: String,
    pub quantity: u32,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct AcceptanceInput {
    /// The counts the customer bought, where they differ from the offer;
    /// 0 = that service was not bought. Lines not named are bought as offered.
    #[serde(default)]
    pub lines: Vec<LineCount>,
    /// For an offer to a prospect: the customer record to create.
    #[ts(optional)]
    #[serde(default)]
    pub customer: Option<CustomerInput>,
}

/// The price per licence per month the line sold at, after its discount.
fn sold_at(line: &super::OfferLine) -> Result<Money> {
    let unit = super::money::line_total(1, line.unit_price_minor, line.discount_bp)?;
    Money::new(unit, &line.currency)
}

/// Records the acceptance of a sent, unexpired offer. Subscriptions start
/// now with the catalog service's term and billing plan, auto-renewing.
pub fn accept(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    input: &AcceptanceInput,
) -> Result<(PurchaseOfferDetail, Change)> {
    let id = parse_id("id", id)?;
    let now = clock.now();
    let now_text = to_rfc3339(now)?;
    let detail = guarded_write(
        store,
        clock,
        actor,
        "offer.accept",
        blank_target(Some(&id)),
        |tx| {
            require(tx, actor, Action::ManagePurchaseOffers)?;
            let who = actor.audit_ref();
            let before = load(tx, &id)?;
            if let Some(request) = &before.delegated_admin {
                check_delegated_admin(tx, actor, request)?;
            }
            if before.status == OfferStatus::Sent
                && super::parse_valid_until(&before.valid_until)?.1 <= now
            {
                let until = &before.valid_until;
                return Err(Error::invalid_state(text!(
                    "the offer was valid until {until}; send a new revision instead",
                    "oferta była ważna do {until}; zamiast tego wyślij nową wersję"
                )));
            }
            apply(tx, &before, OfferEvent::Accept, &who, &now_text)?;
            let lines = lines_of(tx, &id)?;
            for count in &input.lines {
                if !lines.iter().any(|l| l.id == count.line_id) {
                    return Err(Error::validation(
                        "lines",
                        text!(
                            "no such line in this offer",
                            "w tej ofercie nie ma takiej pozycji"
                        ),
                    ));
                }
                if count.quantity > MAX_QUANTITY {
                    return Err(Error::validation(
                        "quantity",
                        text!(
                            "a subscription holds at most {MAX_QUANTITY} licences",
                            "subskrypcja może mieć najwyżej {MAX_QUANTITY} licencji"
                        ),
                    ));
                }
            }
            let finals: Vec<u32> = lines
                .iter()
                .map(|l| {
                    input
                        .lines
                        .iter()
                        .find(|c| c.line_id == l.id)
                        .map_or(l.quantity, |c| c.quantity)
                })
                .collect();
            if finals.iter().all(|q| *q == 0) {
                return Err(Error::validation(
                    "lines",
                    text!(
                        "the customer bought nothing; record that the offer was declined instead",
                        "klient niczego nie kupił; zamiast tego zapisz, że odrzucił ofertę"
                    ),
                ));
            }
            let customer_id = match &before.customer_id {
                Some(id) => id.clone(),
                None => {
                    let prospect = CustomerInput {
                        company_name: before.prospect_name.clone(),
                        contact_email: before.prospect_email.clone(),
                        language: before.language.clone(),
                        ..Default::default()
                    };
                    let input = input.customer.as_ref().unwrap_or(&prospect);
                    let valid = customers::validate_input(input)?;
                    customers::check_unique(tx, &valid, None)?;
                    let customer_id = new_id();
                    customers::insert(tx, &valid, &customer_id, &now_text)?;
                    let created = customers::load(tx, &customer_id)?;
                    let event = Event::done(
                        who.clone(),
                        "customer.create",
                        customers::target(&customer_id, &created.company_name),
                    )
                    .with_change(None, serde_json::to_value(&created).ok());
                    audit::append(tx, clock, &event)?;
                    customer_id
                }
            };
            // The relationship first: when the customer accepts it with the
            // offer, the same act makes it active, so the trial conversions
            // below pass the customer gate they ask (decision 0027).
            if let Some(request) = &before.delegated_admin {
                relationships::create_accepted_in(
                    tx,
                    clock,
                    actor,
                    &RelationshipOffer {
                        customer_id: customer_id.clone(),
                        display_name: request.display_name.clone(),
                        roles: request.roles.clone(),
                        duration_days: request.duration_days,
                        auto_extend: request.auto_extend,
                        request_approval: true,
                    },
                )?;
            }
            // New subscriptions are the customer's own purchase and need no
            // relationship; converting a trial changes one the customer has,
            // and asks the customer gate inside `convert_trial_in`.
            for (line, quantity) in lines.iter().zip(&finals) {
                tx.execute(
                    "UPDATE purchase_offer_lines SET accepted_quantity = ?1 WHERE id = ?2",
                    params![quantity, line.id],
                )?;
                if *quantity == 0 {
                    continue;
                }
                match subscriptions::active_trial_of(tx, &customer_id, &line.service_id)? {
                    Some(trial) => {
                        let conversion = TrialConversion {
                            quantity: *quantity,
                            term: line.term.clone(),
                            billing_plan: line.billing_plan.clone(),
                            auto_renew: true,
                        };
                        subscriptions::convert_trial_in(tx, clock, actor, &trial, &conversion)?;
                        subscriptions::lock_offer_price(tx, &trial, &sold_at(line)?)?;
                    }
                    None => {
                        let subscription = SubscriptionInput {
                            customer_id: customer_id.clone(),
                            service_id: line.service_id.clone(),
                            quantity: *quantity,
                            term: None,
                            billing_plan: None,
                            starts_at: None,
                            auto_renew: true,
                            trial: false,
                        };
                        let created = subscriptions::insert(
                            tx,
                            clock,
                            &who,
                            &subscription,
                            Source::PurchaseOffer,
                        )?;
                        subscriptions::lock_offer_price(tx, &created.id, &sold_at(line)?)?;
                    }
                }
            }
            tx.execute(
                "UPDATE purchase_offers SET accepted_customer_id = ?1 WHERE id = ?2",
                params![customer_id, id],
            )?;
            let after = load(tx, &id)?;
            audit_done(tx, clock, &who, "offer.accept", Some(&before), &after)?;
            detail(tx, &id)
        },
    )?;
    let mut change = change_of(&detail.offer);
    change.ids.extend(detail.offer.accepted_customer_id.clone());
    Ok((detail, change))
}
