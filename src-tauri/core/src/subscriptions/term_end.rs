//! What the clock makes due at a term's edges: pending subscriptions start,
//! terms renew or end; trials' ends and the steps after the term follow.

use super::*;

pub(super) fn system() -> ActorRef {
    ActorRef {
        id: None,
        name: "Partnerdesk (clock)".into(),
    }
}

/// Applies what the clock makes due: pending subscriptions start, and at the
/// end of an active term a subscription renews (auto-renew on, not a trial)
/// for whole terms until its end is in the future, or expires; then the
/// steps after the term ([`after_term`]). Run at start and hourly, like the
/// relationships' clock.
pub fn apply_clock(store: &Store, clock: &dyn Clock) -> Result<Option<Change>> {
    let now = clock.now();
    let now_text = to_rfc3339(now)?;
    store.write(|tx| {
        let due: Vec<Subscription> = tx
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM {FROM}
                 WHERE (s.status = 'pending' AND s.starts_at <= ?1)
                    OR (s.status = 'active' AND s.ends_at <= ?1 AND s.trial = 0)"
            ))?
            .query_map([&now_text], subscription)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut ids = Vec::new();
        for s in due {
            let mut term_started = parse_rfc3339("term_started_at", &s.term_started_at)?;
            let mut end = parse_rfc3339("ends_at", &s.ends_at)?;
            // The app may have been closed for a while: a pending subscription
            // can start and reach its end in the same run.
            let mut steps = Vec::new();
            if s.status == SubscriptionStatus::Pending {
                steps.push(SubscriptionEvent::Started);
            }
            // A trial's end is `trial_end`'s, below.
            if end <= now && !s.trial {
                let renews = s.auto_renew && !s.trial && s.status != SubscriptionStatus::Suspended;
                if renews {
                    while end <= now {
                        term_started = end;
                        end = add_term(end, &s.term)?;
                    }
                    steps.push(SubscriptionEvent::Renewed);
                } else {
                    steps.push(SubscriptionEvent::Ended);
                }
            }
            let mut status = s.status;
            for step in &steps {
                let next = transition(status, *step).ok_or_else(|| refuse_event(&s, *step))?;
                record_change(
                    tx,
                    &s.id,
                    &now_text,
                    &system(),
                    step.as_str(),
                    (Some(status.as_str().into()), Some(next.as_str().into())),
                    "",
                )?;
                status = next;
            }
            tx.execute(
                "UPDATE subscriptions SET status = ?1, term_started_at = ?2, ends_at = ?3, updated_at = ?4
                 WHERE id = ?5",
                params![status.as_str(), to_rfc3339(term_started)?, to_rfc3339(end)?, now_text, s.id],
            )?;
            let after = load(tx, &s.id)?;
            if steps.contains(&SubscriptionEvent::Renewed) {
                // The whole count gets a fresh window, at the price in force
                // when the new term began.
                let started = to_rfc3339(term_started)?;
                let price = lots::catalog_price(tx, &s.service_id, &started)?;
                let term = lots::Term::of(&after)?;
                windows::open_term(tx, &term, LotOrigin::Renewal, after.quantity, price)?;
            }
            for step in &steps {
                crate::notifications::subscription_changed(tx, clock, &s, &after, step.as_str())?;
            }
            let entry = Event {
                detail: steps.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", "),
                ..Event::done(system(), "subscription.clock", target(&after))
            }
            .with_change(serde_json::to_value(&s).ok(), serde_json::to_value(&after).ok());
            audit::append(tx, clock, &entry)?;
            ids.push(s.id.clone());
            ids.push(s.customer_id.clone());
        }
        // A trial's end is trial_end's; a suspended term's end and the steps
        // after the term (expired, disabled, deleted) are after_term's,
        // including what this run expired.
        ids.extend(trial_end::apply(tx, clock, now)?);
        after_term::apply(tx, clock, now, &mut ids)?;
        Ok((!ids.is_empty()).then_some(Change {
            entity: Entity::Subscription,
            ids,
        }))
    })
}
