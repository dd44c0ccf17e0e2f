//! The relationship lifecycle as one transition table.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RelationshipState {
    Created,
    ApprovalPending,
    /// The customer approved; Microsoft has not started activating yet.
    Approved,
    /// Microsoft is activating it (Graph `activating`).
    Activating,
    Active,
    /// Active, in its last 30 days.
    Expiring,
    Expired,
    /// Staff asked Microsoft to terminate it (Graph `terminationRequested`).
    TerminationRequested,
    /// Microsoft is terminating it (Graph `terminating`).
    Terminating,
    Terminated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelationshipEvent {
    RequestApproval,
    RecordAcceptance,
    /// Clock: Microsoft started activating an approved relationship.
    ActivationStarted,
    /// Clock: the activation finished.
    ActivationFinished,
    Terminate,
    /// Clock: Microsoft started terminating it.
    TerminationStarted,
    /// Clock: the termination finished.
    TerminationFinished,
    /// Clock: the approval request was not accepted within 90 days.
    ApprovalLapsed,
    /// Clock: 30 days or fewer remain.
    EnteredLastMonth,
    /// Clock: the end came and auto-extend renewed it.
    AutoExtended,
    /// Clock: the end came without auto-extend.
    Ended,
}

/// Minutes after the acceptance when the clock moves an approved relationship
/// to activating, and an activating one to active (decision 0045: Microsoft
/// takes minutes; Partnerdesk shows the steps and moves on by itself).
pub const ACTIVATING_AFTER_MINUTES: i64 = 1;
pub const ACTIVE_AFTER_MINUTES: i64 = 5;
/// The same for a termination, from when staff requested it.
pub const TERMINATING_AFTER_MINUTES: i64 = 1;
pub const TERMINATED_AFTER_MINUTES: i64 = 5;

impl RelationshipState {
    pub const ALL: [RelationshipState; 10] = [
        RelationshipState::Created,
        RelationshipState::ApprovalPending,
        RelationshipState::Approved,
        RelationshipState::Activating,
        RelationshipState::Active,
        RelationshipState::Expiring,
        RelationshipState::Expired,
        RelationshipState::TerminationRequested,
        RelationshipState::Terminating,
        RelationshipState::Terminated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RelationshipState::Created => "created",
            RelationshipState::ApprovalPending => "approval_pending",
            RelationshipState::Approved => "approved",
            RelationshipState::Activating => "activating",
            RelationshipState::Active => "active",
            RelationshipState::Expiring => "expiring",
            RelationshipState::Expired => "expired",
            RelationshipState::TerminationRequested => "termination_requested",
            RelationshipState::Terminating => "terminating",
            RelationshipState::Terminated => "terminated",
        }
    }

    pub fn parse(text: &str) -> Option<RelationshipState> {
        RelationshipState::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// The customer approved it and it has not ended: Partnerdesk's customer
    /// gate opens (decision 0045); whether staff can use it in the tenant is
    /// another matter — that needs an active access assignment.
    pub fn approved_and_live(self) -> bool {
        matches!(
            self,
            RelationshipState::Approved
                | RelationshipState::Activating
                | RelationshipState::Active
                | RelationshipState::Expiring
        )
    }

    /// Microsoft's `active` (including our "expiring" part of it): access
    /// assignments can be made and changed.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            RelationshipState::Active | RelationshipState::Expiring
        )
    }

    pub fn describe(self) -> &'static str {
        match self {
            RelationshipState::Created => "created but not yet sent for approval",
            RelationshipState::ApprovalPending => "waiting for the customer's approval",
            RelationshipState::Approved => {
                "approved by the customer, waiting for Microsoft to activate it"
            }
            RelationshipState::Activating => "being activated by Microsoft",
            RelationshipState::Active => "active",
            RelationshipState::Expiring => "active and expiring soon",
            RelationshipState::Expired => "expired",
            RelationshipState::TerminationRequested => "asked to be terminated",
            RelationshipState::Terminating => "being terminated by Microsoft",
            RelationshipState::Terminated => "terminated",
        }
    }

    /// The state in Polish, to follow "ma stan:", as [`Self::describe`] is in English.
    pub fn describe_pl(self) -> &'static str {
        match self {
            RelationshipState::Created => "utworzona, jeszcze niewysłana do zatwierdzenia",
            RelationshipState::ApprovalPending => "czeka na zatwierdzenie przez klienta",
            RelationshipState::Approved => {
                "zatwierdzona przez klienta, czeka na aktywację przez Microsoft"
            }
            RelationshipState::Activating => "w trakcie aktywacji przez Microsoft",
            RelationshipState::Active => "aktywna",
            RelationshipState::Expiring => "aktywna, wkrótce wygasa",
            RelationshipState::Expired => "wygasła",
            RelationshipState::TerminationRequested => "zlecono jej zakończenie",
            RelationshipState::Terminating => "w trakcie kończenia przez Microsoft",
            RelationshipState::Terminated => "zakończona",
        }
    }
}

impl RelationshipEvent {
    pub const ALL: [RelationshipEvent; 11] = [
        RelationshipEvent::RequestApproval,
        RelationshipEvent::RecordAcceptance,
        RelationshipEvent::ActivationStarted,
        RelationshipEvent::ActivationFinished,
        RelationshipEvent::Terminate,
        RelationshipEvent::TerminationStarted,
        RelationshipEvent::TerminationFinished,
        RelationshipEvent::ApprovalLapsed,
        RelationshipEvent::EnteredLastMonth,
        RelationshipEvent::AutoExtended,
        RelationshipEvent::Ended,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            RelationshipEvent::RequestApproval => "sent for approval",
            RelationshipEvent::RecordAcceptance => "accepted",
            RelationshipEvent::ActivationStarted => "moved to activating",
            RelationshipEvent::ActivationFinished => "activated",
            RelationshipEvent::Terminate => "terminated",
            RelationshipEvent::TerminationStarted => "moved to terminating",
            RelationshipEvent::TerminationFinished => "finished terminating",
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
            RelationshipEvent::ActivationStarted => "przeniesiona do aktywacji",
            RelationshipEvent::ActivationFinished => "aktywowana",
            RelationshipEvent::Terminate => "zakończona",
            RelationshipEvent::TerminationStarted => "przeniesiona do kończenia",
            RelationshipEvent::TerminationFinished => "ostatecznie zakończona",
            RelationshipEvent::ApprovalLapsed => "uznana za wygasłą po 90 dniach bez zatwierdzenia",
            RelationshipEvent::EnteredLastMonth => "przeniesiona w ostatnie 30 dni",
            RelationshipEvent::AutoExtended => "przedłużona automatycznie o 180 dni",
            RelationshipEvent::Ended => "zakończona",
        }
    }
}

/// THE table: the next state, or `None` when the event is not allowed.
/// `ActivationFinished` and `AutoExtended` land on Active; the caller moves to
/// Expiring when the end is 30 days away or closer. A request never approved
/// has nothing for Microsoft to tear down, so it terminates at once.
pub fn transition(state: RelationshipState, event: RelationshipEvent) -> Option<RelationshipState> {
    use RelationshipEvent as E;
    use RelationshipState as S;
    match (state, event) {
        (S::Created, E::RequestApproval) => Some(S::ApprovalPending),
        (S::ApprovalPending, E::RecordAcceptance) => Some(S::Approved),
        (S::ApprovalPending, E::ApprovalLapsed) => Some(S::Expired),
        (S::Approved, E::ActivationStarted) => Some(S::Activating),
        (S::Activating, E::ActivationFinished) => Some(S::Active),
        (S::Active, E::EnteredLastMonth) => Some(S::Expiring),
        (S::Active | S::Expiring, E::AutoExtended) => Some(S::Active),
        (S::Active | S::Expiring, E::Ended) => Some(S::Expired),
        (S::Created | S::ApprovalPending, E::Terminate) => Some(S::Terminated),
        (S::Approved | S::Activating | S::Active | S::Expiring, E::Terminate) => {
            Some(S::TerminationRequested)
        }
        (S::TerminationRequested, E::TerminationStarted) => Some(S::Terminating),
        (S::Terminating, E::TerminationFinished) => Some(S::Terminated),
        _ => None,
    }
}
