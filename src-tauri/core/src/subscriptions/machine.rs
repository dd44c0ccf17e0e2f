//! The subscription lifecycle as one transition table (DESIGN §3):
//! pending → active ⇄ suspended → expired | cancelled.

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
    Expired,
    Cancelled,
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
}

impl SubscriptionStatus {
    pub const ALL: [SubscriptionStatus; 5] = [
        SubscriptionStatus::Pending,
        SubscriptionStatus::Active,
        SubscriptionStatus::Suspended,
        SubscriptionStatus::Expired,
        SubscriptionStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Pending => "pending",
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::Suspended => "suspended",
            SubscriptionStatus::Expired => "expired",
            SubscriptionStatus::Cancelled => "cancelled",
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
    pub const ALL: [SubscriptionEvent; 7] = [
        SubscriptionEvent::Suspend,
        SubscriptionEvent::Reactivate,
        SubscriptionEvent::Cancel,
        SubscriptionEvent::ConvertTrial,
        SubscriptionEvent::Started,
        SubscriptionEvent::Renewed,
        SubscriptionEvent::Ended,
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
        (S::Active | S::Suspended, E::Ended) => Some(S::Expired),
        _ => None,
    }
}
