//! The relationship lifecycle as one transition table.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RelationshipState {
    Created,
    ApprovalPending,
    Active,
    /// Active, in its last 30 days.
    Expiring,
    Expired,
    Terminated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelationshipEvent {
    RequestApproval,
    RecordAcceptance,
    Terminate,
    /// Clock: the approval request was not accepted within 90 days.
    ApprovalLapsed,
    /// Clock: 30 days or fewer remain.
    EnteredLastMonth,
    /// Clock: the end came and auto-extend renewed it.
    AutoExtended,
    /// Clock: the end came without auto-extend.
    Ended,
}

impl RelationshipState {
    pub const ALL: [RelationshipState; 6] = [
        RelationshipState::Created,
        RelationshipState::ApprovalPending,
        RelationshipState::Active,
        RelationshipState::Expiring,
        RelationshipState::Expired,
        RelationshipState::Terminated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RelationshipState::Created => "created",
            RelationshipState::ApprovalPending => "approval_pending",
            RelationshipState::Active => "active",
            RelationshipState::Expiring => "expiring",
            RelationshipState::Expired => "expired",
            RelationshipState::Terminated => "terminated",
        }
    }

    pub fn parse(text: &str) -> Option<RelationshipState> {
        RelationshipState::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    pub fn describe(self) -> &'static str {
        match self {
            RelationshipState::Created => "created but not yet sent for approval",
            RelationshipState::ApprovalPending => "waiting for the customer's approval",
            RelationshipState::Active => "active",
            RelationshipState::Expiring => "active and expiring soon",
            RelationshipState::Expired => "expired",
            RelationshipState::Terminated => "terminated",
        }
    }

    /// The state in Polish, to follow "ma stan:", as [`Self::describe`] is in English.
    pub fn describe_pl(self) -> &'static str {
        match self {
            RelationshipState::Created => "utworzona, jeszcze niewysłana do zatwierdzenia",
            RelationshipState::ApprovalPending => "czeka na zatwierdzenie przez klienta",
            RelationshipState::Active => "aktywna",
            RelationshipState::Expiring => "aktywna, wkrótce wygasa",
            RelationshipState::Expired => "wygasła",
            RelationshipState::Terminated => "zakończona",
        }
    }
}

impl RelationshipEvent {
    pub const ALL: [RelationshipEvent; 7] = [
        RelationshipEvent::RequestApproval,
        RelationshipEvent::RecordAcceptance,
        RelationshipEvent::Terminate,
        RelationshipEvent::ApprovalLapsed,
        RelationshipEvent::EnteredLastMonth,
        RelationshipEvent::AutoExtended,
        RelationshipEvent::Ended,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            RelationshipEvent::RequestApproval => "sent for approval",
            RelationshipEvent::RecordAcceptance => "accepted",
            RelationshipEvent::Terminate => "terminated",
            RelationshipEvent::ApprovalLapsed => "lapsed after 90 days without approval",
            RelationshipEvent::EnteredLastMonth => "entered its last 30 days",
            RelationshipEvent::AutoExtended => "extended automatically by 180 days",
            RelationshipEvent::Ended => "ended",
        }
    }

    /// The event in Polish, to follow "nie może zostać", as [`Self::describe`] is in English.
    pub fn describe_pl(self) -> &'static str {
        match self {
            RelationshipEvent::RequestApproval => "wysłana do zatwierdzenia",
            RelationshipEvent::RecordAcceptance => "zatwierdzona",
            RelationshipEvent::Terminate => "zakończona",
            RelationshipEvent::ApprovalLapsed => "uznana za wygasłą po 90 dniach bez zatwierdzenia",
            RelationshipEvent::EnteredLastMonth => "przeniesiona w ostatnie 30 dni",
            RelationshipEvent::AutoExtended => "przedłużona automatycznie o 180 dni",
            RelationshipEvent::Ended => "zakończona",
        }
    }
}

/// THE table: the next state, or `None` when the event is not allowed.
/// `RecordAcceptance` and `AutoExtended` land on Active; the caller moves to
/// Expiring when the new end is 30 days away or closer.
pub fn transition(state: RelationshipState, event: RelationshipEvent) -> Option<RelationshipState> {
    use RelationshipEvent as E;
    use RelationshipState as S;
    match (state, event) {
        (S::Created, E::RequestApproval) => Some(S::ApprovalPending),
        (S::ApprovalPending, E::RecordAcceptance) => Some(S::Active),
        (S::ApprovalPending, E::ApprovalLapsed) => Some(S::Expired),
        (S::Active, E::EnteredLastMonth) => Some(S::Expiring),
        (S::Active | S::Expiring, E::AutoExtended) => Some(S::Active),
        (S::Active | S::Expiring, E::Ended) => Some(S::Expired),
        (S::Created | S::ApprovalPending | S::Active | S::Expiring, E::Terminate) => {
            Some(S::Terminated)
        }
        _ => None,
    }
}
