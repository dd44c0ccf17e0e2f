//! Switches staff set on a subscription: auto-renew, and (through
//! `partner_of_record`) the partner-of-record claim its workload carries.

use super::*;

/// The yes/no settings staff change on a live subscription (the partner of
/// record is a claim per workload now: `crate::partner_of_record`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flag {
    AutoRenew,
}

impl Flag {
    /// The column, which is also the history row's kind.
    fn column(self) -> &'static str {
        match self {
            Flag::AutoRenew => "auto_renew",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Flag::AutoRenew => "auto-renew setting",
        }
    }

    fn describe_pl(self) -> &'static str {
        match self {
            Flag::AutoRenew => "ustawienie automatycznego odnawiania",
        }
    }

    fn current(self, s: &Subscription) -> bool {
        match self {
            Flag::AutoRenew => s.auto_renew,
        }
    }
}

fn set_flag(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    (flag, action, audit_action): (Flag, Action, &'static str),
    value: bool,
) -> Result<(Subscription, Change)> {
    change_subscription(
        store,
        clock,
        actor,
        id,
        action,
        audit_action,
        |tx, s, _, now_text| {
            if !s.status.is_live() {
                let (status, status_pl) = (s.status.as_str(), s.status.describe_pl());
                let (what, what_pl) = (flag.describe(), flag.describe_pl());
                return Err(Error::invalid_state(text!(
                    "a {status} subscription keeps its {what}",
                    "Subskrypcja ma stan „{status_pl}”; {what_pl} pozostaje bez zmian"
                )));
            }
            if flag == Flag::AutoRenew && s.trial && value {
                return Err(Error::invalid_state(text!(
                    "a trial does not renew; schedule its conversion to paid instead",
                    "wersja próbna nie odnawia się; zamiast tego zaplanuj jej zamianę na płatną"
                )));
            }
            tx.execute(
                &format!(
                    "UPDATE subscriptions SET {} = ?1, updated_at = ?2 WHERE id = ?3",
                    flag.column()
                ),
                params![value, now_text, s.id],
            )?;
            record_change(
                tx,
                &s.id,
                now_text,
                &actor.audit_ref(),
                flag.column(),
                (Some(on_off(flag.current(s))), Some(on_off(value))),
                "",
            )
        },
    )
}

pub fn set_auto_renew(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    auto_renew: bool,
) -> Result<(Subscription, Change)> {
    let what = (
        Flag::AutoRenew,
        Action::ManageSubscriptions,
        "subscription.auto_renew",
    );
    set_flag(store, clock, actor, id, what, auto_renew)
}

fn on_off(value: bool) -> String {
    if value { "on" } else { "off" }.into()
}
