//! The service-request lifecycle as one transition table: draft → open ⇄
//! attention needed → closed, and reopening. Editing, discarding and adding a
//! note are in the same table, so one place says what each state allows.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ServiceRequestStatus {
    /// Being written; not yet submitted, may be edited or discarded.
    Draft,
    Open,
    /// Open, and flagged as waiting for someone to act.
    AttentionNeeded,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ServiceRequestEvent {
    Submit,
    FlagAttention,
    ClearAttention,
    Close,
    Reopen,
    /// Change a draft's fields.
    Edit,
    /// Delete a draft.
    Discard,
    AddNote,
}

/// Where an event leads: a status, or nowhere (the draft was discarded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Status(ServiceRequestStatus),
    Discarded,
}

impl ServiceRequestStatus {
    pub const ALL: [ServiceRequestStatus; 4] = [
        ServiceRequestStatus::Draft,
        ServiceRequestStatus::Open,
        ServiceRequestStatus::AttentionNeeded,
        ServiceRequestStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceRequestStatus::Draft => "draft",
            ServiceRequestStatus::Open => "open",
            ServiceRequestStatus::AttentionNeeded => "attention_needed",
            ServiceRequestStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<ServiceRequestStatus> {
        ServiceRequestStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    pub fn describe(self) -> &'static str {
        match self {
            ServiceRequestStatus::Draft => "a draft",
            ServiceRequestStatus::Open => "open",
            ServiceRequestStatus::AttentionNeeded => "flagged as needing attention",
            ServiceRequestStatus::Closed => "closed",
        }
    }

    /// The status in Polish, to follow "Żądanie … jest", as [`Self::describe`] is in English.
    pub fn describe_pl(self) -> &'static str {
        match self {
            ServiceRequestStatus::Draft => "szkicem",
            ServiceRequestStatus::Open => "otwarte",
            ServiceRequestStatus::AttentionNeeded => "oznaczone jako wymagające uwagi",
            ServiceRequestStatus::Closed => "zamknięte",
        }
    }
}

impl ServiceRequestEvent {
    pub const ALL: [ServiceRequestEvent; 8] = [
        ServiceRequestEvent::Submit,
        ServiceRequestEvent::FlagAttention,
        ServiceRequestEvent::ClearAttention,
        ServiceRequestEvent::Close,
        ServiceRequestEvent::Reopen,
        ServiceRequestEvent::Edit,
        ServiceRequestEvent::Discard,
        ServiceRequestEvent::AddNote,
    ];

    /// The events that move a request between statuses (one command takes them).
    pub const LIFECYCLE: [ServiceRequestEvent; 5] = [
        ServiceRequestEvent::Submit,
        ServiceRequestEvent::FlagAttention,
        ServiceRequestEvent::ClearAttention,
        ServiceRequestEvent::Close,
        ServiceRequestEvent::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceRequestEvent::Submit => "submit",
            ServiceRequestEvent::FlagAttention => "flag_attention",
            ServiceRequestEvent::ClearAttention => "clear_attention",
            ServiceRequestEvent::Close => "close",
            ServiceRequestEvent::Reopen => "reopen",
            ServiceRequestEvent::Edit => "edit",
            ServiceRequestEvent::Discard => "discard",
            ServiceRequestEvent::AddNote => "add_note",
        }
    }

    /// The audit log's action for the event.
    pub fn audit_action(self) -> &'static str {
        match self {
            ServiceRequestEvent::Submit => "service_request.submit",
            ServiceRequestEvent::FlagAttention => "service_request.flag_attention",
            ServiceRequestEvent::ClearAttention => "service_request.clear_attention",
            ServiceRequestEvent::Close => "service_request.close",
            ServiceRequestEvent::Reopen => "service_request.reopen",
            ServiceRequestEvent::Edit => "service_request.update",
            ServiceRequestEvent::Discard => "service_request.discard",
            ServiceRequestEvent::AddNote => "service_request.add_note",
        }
    }

    /// "it cannot be …", for the invalid-state message.
    pub fn describe(self) -> &'static str {
        match self {
            ServiceRequestEvent::Submit => "submitted",
            ServiceRequestEvent::FlagAttention => "flagged as needing attention",
            ServiceRequestEvent::ClearAttention => "cleared of its attention flag",
            ServiceRequestEvent::Close => "closed",
            ServiceRequestEvent::Reopen => "reopened",
            ServiceRequestEvent::Edit => "edited (only a draft can be)",
            ServiceRequestEvent::Discard => "discarded (only a draft can be)",
            ServiceRequestEvent::AddNote => "annotated; reopen it first",
        }
    }

    /// "nie można …", for the invalid-state message in Polish.
    pub fn describe_pl(self) -> &'static str {
        match self {
            ServiceRequestEvent::Submit => "go wysłać",
            ServiceRequestEvent::FlagAttention => "oznaczyć go jako wymagające uwagi",
            ServiceRequestEvent::ClearAttention => "usunąć z niego oznaczenia „wymaga uwagi”",
            ServiceRequestEvent::Close => "go zamknąć",
            ServiceRequestEvent::Reopen => "go ponownie otworzyć",
            ServiceRequestEvent::Edit => "go edytować (można edytować tylko szkic)",
            ServiceRequestEvent::Discard => "go odrzucić (można odrzucić tylko szkic)",
            ServiceRequestEvent::AddNote => "dodać do niego notatki; najpierw otwórz je ponownie",
        }
    }
}

/// THE table: where `event` leads from `status`, or `None` when it is not allowed.
pub fn transition(status: ServiceRequestStatus, event: ServiceRequestEvent) -> Option<Next> {
    use Next::{Discarded, Status};
    use ServiceRequestEvent as E;
    use ServiceRequestStatus as S;
    match (status, event) {
        (S::Draft, E::Submit) => Some(Status(S::Open)),
        (S::Draft, E::Edit) => Some(Status(S::Draft)),
        (S::Draft, E::Discard) => Some(Discarded),
        (S::Open, E::FlagAttention) => Some(Status(S::AttentionNeeded)),
        (S::AttentionNeeded, E::ClearAttention) => Some(Status(S::Open)),
        (S::Open | S::AttentionNeeded, E::Close) => Some(Status(S::Closed)),
        (S::Closed, E::Reopen) => Some(Status(S::Open)),
        (S::Draft | S::Open | S::AttentionNeeded, E::AddNote) => Some(Status(status)),
        _ => None,
    }
}

/// The events the table allows from `status`, for the UI's buttons.
pub fn allowed_events(status: ServiceRequestStatus) -> Vec<ServiceRequestEvent> {
    ServiceRequestEvent::ALL
        .into_iter()
        .filter(|e| transition(status, *e).is_some())
        .collect()
}
