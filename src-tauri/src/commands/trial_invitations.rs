use partnerdesk_core::commands::Command;
use partnerdesk_core::trial_invitations::{
    self, SignupInput, TrialInvitationDetail, TrialInvitationInput, TrialInvitationMessage,
    TrialInvitationPage, TrialInvitationQuery, TrialService,
};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, executed, run, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn list_trial_invitations(
    state: State<'_, AppState>,
    query: TrialInvitationQuery,
) -> Result<TrialInvitationPage, ApiError> {
    as_actor(&state, move |cx| {
        trial_invitations::list(cx.store, cx.clock, &cx.actor, &query)
    })
    .await
}

#[tauri::command]
pub async fn get_trial_invitation(
    state: State<'_, AppState>,
    id: String,
) -> Result<TrialInvitationDetail, ApiError> {
    as_actor(&state, move |cx| {
        trial_invitations::get(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
}

#[tauri::command]
pub async fn list_trial_services(
    state: State<'_, AppState>,
) -> Result<Vec<TrialService>, ApiError> {
    as_actor(&state, move |cx| {
        trial_invitations::trial_services(cx.store, cx.clock, &cx.actor)
    })
    .await
}

#[tauri::command]
pub async fn create_trial_invitation<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: TrialInvitationInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::CreateTrialInvitation { input }).await
}

#[tauri::command]
pub async fn update_trial_invitation<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: TrialInvitationInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::UpdateTrialInvitation { id, input }).await
}

#[tauri::command]
pub async fn activate_trial_invitation<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::ActivateTrialInvitation { id }).await
}

#[tauri::command]
pub async fn retire_trial_invitation<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::RetireTrialInvitation { id }).await
}

/// The link, the e-mail and the HTML snippet (for copying).
#[tauri::command]
pub async fn trial_invitation_message(
    state: State<'_, AppState>,
    id: String,
    recipients: Vec<String>,
) -> Result<TrialInvitationMessage, ApiError> {
    as_actor(&state, move |cx| {
        trial_invitations::message(cx.store, cx.clock, &cx.actor, &id, &recipients)
    })
    .await
}

/// Records the recipients, then opens the user's mail client with the
/// composed message; nothing is sent by us.
#[tauri::command]
pub async fn send_trial_invitation_email<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    recipients: Vec<String>,
) -> Result<(), ApiError> {
    let sent = Command::SendTrialInvitationEmail { id, recipients };
    let message: TrialInvitationMessage = executed(&app, &state, sent, None).await?.decode()?;
    super::mail::open_mail_client(message.mailto).await
}

/// One write that creates or links a customer, a subscription and maybe a
/// relationship: every screen showing one of them hears of it.
#[tauri::command]
pub async fn record_trial_invitation_signup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    signup: SignupInput,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::RecordTrialInvitationSignup { id, signup },
    )
    .await
}
