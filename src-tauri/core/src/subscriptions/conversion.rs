//! A trial becoming paid, by staff now, by an accepted offer, or by the
//! clock at the trial's end (`trial_end`).

use super::*;

/// Checks and writes a trial's conversion to paid, with its history row; the
/// paid term starts at `now` (the clock passes the trial's end).
pub(super) fn apply_conversion(
    tx: &Connection,
    who: &ActorRef,
    s: &Subscription,
    conversion: &TrialConversion,
    (now, now_text): (OffsetDateTime, &str),
) -> Result<()> {
    let quantity = check_quantity(conversion.quantity)?;
    check_billing_plan(&conversion.term, &conversion.billing_plan)?;
    if !s.trial {
        return Err(Error::invalid_state(text!(
            "only a trial can be converted to paid",
            "na płatną można zamienić tylko wersję próbną"
        )));
    }
    transition(s.status, SubscriptionEvent::ConvertTrial)
        .ok_or_else(|| refuse_event(s, SubscriptionEvent::ConvertTrial))?;
    // The trial's seats were never bought: the paid count is a new purchase.
    seats::check(
        tx,
        &SeatRequest {
            customer_id: Some(&s.customer_id),
            service_id: &s.service_id,
            adding: quantity,
            resulting: quantity,
        },
        &[],
    )?;
    let ends = add_term(now, &conversion.term)?;
    tx.execute(
        "UPDATE subscriptions SET trial = 0, quantity = ?1, term = ?2, billing_plan = ?3,
             auto_renew = ?4, term_started_at = ?5, ends_at = ?6, updated_at = ?5,
             conversion_quantity = NULL, conversion_term = NULL, conversion_billing_plan = NULL
         WHERE id = ?7",
        params![
            quantity,
            conversion.term,
            conversion.billing_plan,
            conversion.auto_renew,
            now_text,
            to_rfc3339(ends)?,
            s.id
        ],
    )?;
    let converted = load(tx, &s.id)?;
    let price = lots::catalog_price(tx, &s.service_id, now_text)?;
    let term = lots::Term::of(&converted)?;
    windows::open_term(tx, &term, LotOrigin::Conversion, quantity, price)?;
    record_change(
        tx,
        &s.id,
        now_text,
        who,
        "converted",
        (
            Some(format!("trial, {} seats", s.quantity)),
            Some(format!("{} licences, {}", quantity, conversion.term)),
        ),
        "",
    )
}

/// A trial becomes paid: the same subscription continues with a paid term
/// starting now, so the decrease window runs from the conversion.
pub fn convert_trial(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    conversion: &TrialConversion,
) -> Result<(Subscription, Change)> {
    change_subscription(
        store,
        clock,
        actor,
        id,
        Action::ManageSubscriptions,
        "subscription.convert_trial",
        |tx, s, now, now_text| {
            apply_conversion(tx, &actor.audit_ref(), s, conversion, (now, now_text))
        },
    )
}

/// The customer's active trial of `service_id`, if any: an accepted offer for
/// the same service converts it instead of adding a second subscription.
pub fn active_trial_of(
    tx: &Connection,
    customer_id: &str,
    service_id: &str,
) -> Result<Option<String>> {
    Ok(tx
        .prepare_cached(
            "SELECT id FROM subscriptions
             WHERE customer_id = ?1 AND service_id = ?2 AND trial = 1 AND status = 'active'",
        )?
        .query_row(params![customer_id, service_id], |r| r.get(0))
        .optional()?)
}

/// [`convert_trial`] inside a write already under way (an accepted offer),
/// audited. It administers the customer's tenant, so it asks the same customer
/// gate as [`convert_trial`] itself, whoever calls it (decision 0027).
pub fn convert_trial_in(
    tx: &Guarded<'_, Transaction<'_>>,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    conversion: &TrialConversion,
) -> Result<Subscription> {
    let now = clock.now();
    let before = load(tx, id)?;
    require_for_customer(tx, actor, Action::ManageSubscriptions, &before.customer_id)?;
    let who = &actor.audit_ref();
    apply_conversion(tx, who, &before, conversion, (now, &to_rfc3339(now)?))?;
    let after = load(tx, id)?;
    crate::notifications::subscription_changed(tx, clock, &before, &after, "convert_trial")?;
    let event = Event::done(who.clone(), "subscription.convert_trial", target(&after)).with_change(
        serde_json::to_value(&before).ok(),
        serde_json::to_value(&after).ok(),
    );
    audit::append(tx, clock, &event)?;
    Ok(after)
}
