//! The subscription lifecycle as one transition table (DESIGN §3), with
//! Microsoft's new-commerce states after the term (docs/decisions/0035, 0042):
//! pending → active ⇄ suspended; active → expired → disabled → deleted;
//! suspended → disabled → deleted; cancelled → deleted.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SubscriptionStatus {
    /// Bought, starting on a later date.
    Pending,
    Active,
    Suspended,
    /// The term ended with auto-renew off: 30 days, users keep access, not billed.
    Expired,
    Cancelled,
    /// After 30 days expired, or a suspended term's end: only admins reach
    /// the data, until it is deleted (term end + 120 days).
    Disabled,
    /// The customer's data is gone; the row stays as history.
    Deleted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SubscriptionEvent {
    Suspend,
    Reactivate,
    Cancel,
    /// A trial becomes paid: the same subscription continues with a paid term.
    ConvertTrial,
    /// Clock: the start date came.
    Started,
    /// Clock: the term ended with auto-renew on.
    Renewed,
    /// Clock: the term ended without auto-renew (or a trial ended).
    Ended,
    /// Clock: 30 days expired, or a suspended term ended.
    Disable,
    /// Clock: the data's time is up (disabled 90 days, or cancelled 7 days).
    Delete,
    /// Staff move licences to a higher SKU on the catalog's conversion path.
    Upgrade,
}

impl SubscriptionStatus {
    pub const ALL: [SubscriptionStatus; 7] = [
        SubscriptionStatus::Pending,
        SubscriptionStatus::Active,
        SubscriptionStatus::Suspended,
        SubscriptionStatus::Expired,
        SubscriptionStatus::Cancelled,
        SubscriptionStatus::Disabled,
        SubscriptionStatus::Deleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Pending => "pending",
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::Suspended => "suspended",
            SubscriptionStatus::Expired => "expired",
            SubscriptionStatus::Cancelled => "cancelled",
            SubscriptionStatus::Disabled => "disabled",
            SubscriptionStatus::Deleted => "deleted",
        }
    }

    pub fn parse(text: &str) -> Option<SubscriptionStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The status in Polish, as the UI labels it ("ma stan „wygasła”").
    pub fn describe_pl(self) -> &'static str {
        match self {
            SubscriptionStatus::Pending => "oczekuje",
            SubscriptionStatus::Active => "aktywna",
            SubscriptionStatus::Suspended => "zawieszona",
            SubscriptionStatus::Expired => "wygasła",
            SubscriptionStatus::Cancelled => "anulowana",
            SubscriptionStatus::Disabled => "wyłączona",
            SubscriptionStatus::Deleted => "usunięta",
        }
    }

    /// Still counts as the customer's (not ended).
    pub fn is_live(self) -> bool {
        matches!(
            self,
            SubscriptionStatus::Pending
                | SubscriptionStatus::Active
                | SubscriptionStatus::Suspended
        )
    }
}

impl SubscriptionEvent {
    pub const ALL: [SubscriptionEvent; 10] = [
        SubscriptionEvent::Suspend,
        SubscriptionEvent::Reactivate,
        SubscriptionEvent::Cancel,
        SubscriptionEvent::ConvertTrial,
        SubscriptionEvent::Started,
        SubscriptionEvent::Renewed,
        SubscriptionEvent::Ended,
        SubscriptionEvent::Disable,
        SubscriptionEvent::Delete,
        SubscriptionEvent::Upgrade,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionEvent::Suspend => "suspended",
            SubscriptionEvent::Reactivate => "reactivated",
            SubscriptionEvent::Cancel => "cancelled",
            SubscriptionEvent::ConvertTrial => "converted",
            SubscriptionEvent::Started => "started",
            SubscriptionEvent::Renewed => "renewed",
            SubscriptionEvent::Ended => "expired",
            SubscriptionEvent::Disable => "disabled",
            SubscriptionEvent::Delete => "deleted",
            SubscriptionEvent::Upgrade => "upgraded",
        }
    }

    /// "nie można jej …", for the invalid-state message in Polish.
    pub fn describe_pl(self) -> &'static str {
        match self {
            SubscriptionEvent::Suspend => "zawiesić",
            SubscriptionEvent::Reactivate => "wznowić",
            SubscriptionEvent::Cancel => "anulować",
            SubscriptionEvent::ConvertTrial => "zamienić na płatną",
            SubscriptionEvent::Started => "rozpocząć",
            SubscriptionEvent::Renewed => "odnowić",
            SubscriptionEvent::Ended => "zakończyć",
            SubscriptionEvent::Disable => "wyłączyć",
            SubscriptionEvent::Delete => "usunąć",
            SubscriptionEvent::Upgrade => "uaktualnić",
        }
    }
}

/// THE table: the next status, or `None` when the event is not allowed.
pub fn transition(
    status: SubscriptionStatus,
    event: SubscriptionEvent,
) -> Option<SubscriptionStatus> {
    use SubscriptionEvent as E;
    use SubscriptionStatus as S;
    match (status, event) {
        (S::Pending, E::Started) => Some(S::Active),
        (S::Active, E::Suspend) => Some(S::Suspended),
        (S::Suspended, E::Reactivate) => Some(S::Active),
        (S::Pending | S::Active | S::Suspended, E::Cancel) => Some(S::Cancelled),
        (S::Active, E::ConvertTrial) => Some(S::Active),
        (S::Active, E::Renewed) => Some(S::Active),
        (S::Active, E::Upgrade) => Some(S::Active),
        // A suspended term's end disables it at once (users had no access
        // already); an active one expires first (0035, 0042: Microsoft's
        // Suspended section says "expired", its Disabled section "disabled").
        (S::Active, E::Ended) => Some(S::Expired),
        (S::Suspended | S::Expired, E::Disable) => Some(S::Disabled),
        (S::Disabled | S::Cancelled, E::Delete) => Some(S::Deleted),
        _ => None,
    }
}
