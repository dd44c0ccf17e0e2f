//! Changes made to a subscription inside another write under way: a redeemed
//! product key extends a term or adds licences; offers and keys ask who owns what.

use super::*;

/// Whether the partner has never set the customer up: no relationship was
/// ever offered to it and it has no subscription of any kind, live or ended.
/// A product key may set up such a customer's first subscription without a
/// relationship (DESIGN §1 row 7); any other customer's subscriptions change
/// only behind the customer gate (decision 0027).
pub fn never_set_up(tx: &Connection, customer_id: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT c.relationship_state = 'none'
                    AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = c.id)
             FROM customers c WHERE c.id = ?1",
        )?
        .query_row([customer_id], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}

/// The customer's live, paid subscription of `service_id` — the one `chosen`,
/// or else the newest — if any: a redeemed product key can extend its term or
/// add to its licences.
pub fn live_of_service(
    tx: &Connection,
    customer_id: &str,
    service_id: &str,
    chosen: Option<&str>,
) -> Result<Option<String>> {
    Ok(tx
        .prepare_cached(
            "SELECT id FROM subscriptions
             WHERE customer_id = ?1 AND service_id = ?2 AND trial = 0
               AND status IN ('pending', 'active', 'suspended')
               AND (?3 IS NULL OR id = ?3)
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )?
        .query_row(params![customer_id, service_id, chosen], |r| r.get(0))
        .optional()?)
}

/// Audits one in-transaction change with before and after.
fn audit_in(
    tx: &Connection,
    clock: &dyn Clock,
    who: &ActorRef,
    audit_action: &'static str,
    before: &Subscription,
    reason: &str,
) -> Result<Subscription> {
    let after = load(tx, &before.id)?;
    let event = Event {
        detail: reason.to_owned(),
        ..Event::done(who.clone(), audit_action, target(&after))
    }
    .with_change(
        serde_json::to_value(before).ok(),
        serde_json::to_value(&after).ok(),
    );
    audit::append(tx, clock, &event)?;
    Ok(after)
}

/// The subscription a key's extension or addition changes, once the customer
/// gate let the actor through: live and paid, or refused saying what
/// (`not_done`) cannot be done.
fn live_paid_behind_the_gate(
    tx: &Guarded<'_, Transaction<'_>>,
    actor: &Actor,
    id: &str,
    not_done: crate::text::Text,
) -> Result<Subscription> {
    let before = load(tx, id)?;
    require_for_customer(tx, actor, Action::ManageSubscriptions, &before.customer_id)?;
    if before.status.is_live() && !before.trial {
        return Ok(before);
    }
    let (title, customer) = (&before.service_title, &before.customer_name);
    let (status, status_pl) = (before.status.as_str(), before.status.describe_pl());
    let (trial, trial_pl) = trial_note(before.trial);
    let (done, done_pl) = (&not_done.en, &not_done.pl);
    Err(Error::invalid_state(text!(
        "{title} for {customer} is {status}{trial}; {done}",
        "Subskrypcja {title} klienta {customer} ma stan „{status_pl}”{trial_pl}; {done_pl}"
    )))
}

/// Extends a live, paid subscription's end by one `term` inside a write under
/// way (a redeemed product key), with a history row and an audit entry; behind
/// the customer gate, as every change to an existing subscription is.
pub fn extend_term_in(
    tx: &Guarded<'_, Transaction<'_>>,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    term: &str,
    reason: &str,
) -> Result<Subscription> {
    let not_done = text!(
        "its term cannot be extended",
        "nie można przedłużyć jej okresu"
    );
    let before = live_paid_behind_the_gate(tx, actor, id, not_done)?;
    let who = &actor.audit_ref();
    let now_text = to_rfc3339(clock.now())?;
    let ends = add_term(parse_rfc3339("ends_at", &before.ends_at)?, term)?;
    let ends_text = to_rfc3339(ends)?;
    tx.execute(
        "UPDATE subscriptions SET ends_at = ?1, updated_at = ?2 WHERE id = ?3",
        params![ends_text, now_text, id],
    )?;
    record_change(
        tx,
        id,
        &now_text,
        who,
        "term_extended",
        (Some(before.ends_at.clone()), Some(ends_text)),
        reason,
    )?;
    audit_in(tx, clock, who, "subscription.extend_term", &before, reason)
}

/// Adds `quantity` licences to a live, paid subscription inside a write under
/// way (a redeemed product key), with a history row and an audit entry; behind
/// the customer gate, as every change to an existing subscription is.
pub fn add_licences_in(
    tx: &Guarded<'_, Transaction<'_>>,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    quantity: u32,
    reason: &str,
) -> Result<Subscription> {
    let not_done = text!("licences cannot be added", "nie można dodać licencji");
    let before = live_paid_behind_the_gate(tx, actor, id, not_done)?;
    let who = &actor.audit_ref();
    let total = check_quantity(before.quantity.saturating_add(quantity))?;
    seats::check(
        tx,
        &SeatRequest {
            customer_id: Some(&before.customer_id),
            service_id: &before.service_id,
            adding: quantity,
            resulting: total,
        },
        &[],
    )?;
    let now_text = to_rfc3339(clock.now())?;
    windows::increase(tx, &before, LotOrigin::ProductKey, quantity, clock.now())?;
    tx.execute(
        "UPDATE subscriptions SET quantity = ?1, updated_at = ?2 WHERE id = ?3",
        params![total, now_text, id],
    )?;
    record_change(
        tx,
        id,
        &now_text,
        who,
        "quantity",
        (Some(before.quantity.to_string()), Some(total.to_string())),
        reason,
    )?;
    audit_in(tx, clock, who, "subscription.add_licences", &before, reason)
}
