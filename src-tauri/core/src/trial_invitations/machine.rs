//! The trial-invitation lifecycle as one transition table: draft → active →
//! retired. Editing is in the same table (only a draft can be edited), and so
//! is everything an active invitation is for: sending and recording sign-ups.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InvitationState {
    /// Being prepared; editable, never leaves the machine.
    Draft,
    /// Its content is fixed; its link may be sent or published.
    Active,
    /// No longer in use; kept with its recipients and sign-ups.
    Retired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InvitationEvent {
    Edit,
    Activate,
    Retire,
    /// Compose the message or record recipients.
    Send,
    RecordSignup,
}

impl InvitationState {
    pub const ALL: [InvitationState; 3] = [
        InvitationState::Draft,
        InvitationState::Active,
        InvitationState::Retired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InvitationState::Draft => "draft",
            InvitationState::Active => "active",
            InvitationState::Retired => "retired",
        }
    }

    pub fn parse(text: &str) -> Option<InvitationState> {
        InvitationState::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    pub fn describe(self) -> &'static str {
        match self {
            InvitationState::Draft => "a draft",
            InvitationState::Active => "active",
            InvitationState::Retired => "retired",
        }
    }

    /// The state in Polish, to follow "Zaproszenie … jest", as [`Self::describe`] is in English.
    pub fn describe_pl(self) -> &'static str {
        match self {
            InvitationState::Draft => "szkicem",
            InvitationState::Active => "aktywne",
            InvitationState::Retired => "wycofane",
        }
    }
}

impl InvitationEvent {
    pub const ALL: [InvitationEvent; 5] = [
        InvitationEvent::Edit,
        InvitationEvent::Activate,
        InvitationEvent::Retire,
        InvitationEvent::Send,
        InvitationEvent::RecordSignup,
    ];

    /// "it cannot be …", for the invalid-state message.
    pub fn describe(self) -> &'static str {
        match self {
            InvitationEvent::Edit => "edited (only a draft can be)",
            InvitationEvent::Activate => "activated (only a draft can be)",
            InvitationEvent::Retire => "retired (only an active invitation can be)",
            InvitationEvent::Send => "sent or published (only an active invitation can be)",
            InvitationEvent::RecordSignup => {
                "signed up to (only an active invitation takes sign-ups)"
            }
        }
    }

    /// "nie można …", for the invalid-state message in Polish.
    pub fn describe_pl(self) -> &'static str {
        match self {
            InvitationEvent::Edit => "go edytować (można edytować tylko szkic)",
            InvitationEvent::Activate => "go aktywować (można aktywować tylko szkic)",
            InvitationEvent::Retire => "go wycofać (można wycofać tylko aktywne zaproszenie)",
            InvitationEvent::Send => {
                "go wysłać ani opublikować (można to zrobić tylko z aktywnym zaproszeniem)"
            }
            InvitationEvent::RecordSignup => {
                "zapisać w nim rejestracji (rejestracje przyjmuje tylko aktywne zaproszenie)"
            }
        }
    }
}

/// THE table: the state after `event`, or `None` when it is not allowed.
pub fn transition(state: InvitationState, event: InvitationEvent) -> Option<InvitationState> {
    use InvitationEvent as E;
    use InvitationState as S;
    match (state, event) {
        (S::Draft, E::Edit) => Some(S::Draft),
        (S::Draft, E::Activate) => Some(S::Active),
        (S::Active, E::Retire) => Some(S::Retired),
        (S::Active, E::Send) => Some(S::Active),
        (S::Active, E::RecordSignup) => Some(S::Active),
        _ => None,
    }
}

/// The events the table allows from `state`, for the UI's buttons.
pub fn allowed_events(state: InvitationState) -> Vec<InvitationEvent> {
    InvitationEvent::ALL
        .into_iter()
        .filter(|e| transition(state, *e).is_some())
        .collect()
}
