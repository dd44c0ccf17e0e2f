//! The purchase-offer lifecycle as one transition table (DESIGN §3):
//! draft → sent → accepted | declined | expired | withdrawn | superseded.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OfferStatus {
    /// Being written; saved on every change, never seen by the customer.
    Draft,
    /// Its content is fixed; the customer has the link.
    Sent,
    Accepted,
    Declined,
    /// The validity date passed (applied by the clock).
    Expired,
    Withdrawn,
    /// A later revision was sent in its place.
    Superseded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OfferEvent {
    Send,
    Accept,
    Decline,
    Withdraw,
    /// Clock: the validity date passed.
    Expire,
    /// The next revision was sent.
    Supersede,
}

impl OfferStatus {
    pub const ALL: [OfferStatus; 7] = [
        OfferStatus::Draft,
        OfferStatus::Sent,
        OfferStatus::Accepted,
        OfferStatus::Declined,
        OfferStatus::Expired,
        OfferStatus::Withdrawn,
        OfferStatus::Superseded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OfferStatus::Draft => "draft",
            OfferStatus::Sent => "sent",
            OfferStatus::Accepted => "accepted",
            OfferStatus::Declined => "declined",
            OfferStatus::Expired => "expired",
            OfferStatus::Withdrawn => "withdrawn",
            OfferStatus::Superseded => "superseded",
        }
    }

    /// The status in Polish, as the UI labels it ("ma stan „wysłana”").
    pub fn describe_pl(self) -> &'static str {
        match self {
            OfferStatus::Draft => "szkic",
            OfferStatus::Sent => "wysłana",
            OfferStatus::Accepted => "przyjęta",
            OfferStatus::Declined => "odrzucona",
            OfferStatus::Expired => "wygasła",
            OfferStatus::Withdrawn => "wycofana",
            OfferStatus::Superseded => "zastąpiona",
        }
    }

    pub fn parse(text: &str) -> Option<OfferStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// A revision may follow it: the customer still needs an offer.
    pub fn can_be_revised(self) -> bool {
        matches!(
            self,
            OfferStatus::Sent | OfferStatus::Declined | OfferStatus::Expired
        )
    }
}

impl OfferEvent {
    pub const ALL: [OfferEvent; 6] = [
        OfferEvent::Send,
        OfferEvent::Accept,
        OfferEvent::Decline,
        OfferEvent::Withdraw,
        OfferEvent::Expire,
        OfferEvent::Supersede,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OfferEvent::Send => "sent",
            OfferEvent::Accept => "accepted",
            OfferEvent::Decline => "declined",
            OfferEvent::Withdraw => "withdrawn",
            OfferEvent::Expire => "expired",
            OfferEvent::Supersede => "superseded",
        }
    }

    /// "nie można jej …", for the invalid-state message in Polish.
    pub fn describe_pl(self) -> &'static str {
        match self {
            OfferEvent::Send => "wysłać",
            OfferEvent::Accept => "przyjąć",
            OfferEvent::Decline => "odrzucić",
            OfferEvent::Withdraw => "wycofać",
            OfferEvent::Expire => "uznać za wygasłą",
            OfferEvent::Supersede => "zastąpić",
        }
    }
}

/// THE table: the next status, or `None` when the event is not allowed.
/// A draft may be withdrawn (discarded); only a sent offer can be answered.
pub fn transition(status: OfferStatus, event: OfferEvent) -> Option<OfferStatus> {
    use OfferEvent as E;
    use OfferStatus as S;
    match (status, event) {
        (S::Draft, E::Send) => Some(S::Sent),
        (S::Draft | S::Sent, E::Withdraw) => Some(S::Withdrawn),
        (S::Sent, E::Accept) => Some(S::Accepted),
        (S::Sent, E::Decline) => Some(S::Declined),
        (S::Sent, E::Expire) => Some(S::Expired),
        (S::Sent, E::Supersede) => Some(S::Superseded),
        _ => None,
    }
}
