use partnerdesk_core::commands::Command;
use partnerdesk_core::offers::{
    self, AcceptanceInput, LineCount, OfferDraftInput, OfferMessage, OfferPage, OfferQuery,
    PurchaseOfferDetail,
};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn list_offers(
    state: State<'_, AppState>,
    query: OfferQuery,
) -> Result<OfferPage, ApiError> {
    as_actor(&state, move |cx| {
        offers::list(cx.store, cx.clock, &cx.actor, &query)
    })
    .await
}

#[tauri::command]
pub async fn get_offer(
    state: State<'_, AppState>,
    id: String,
) -> Result<PurchaseOfferDetail, ApiError> {
    as_actor(&state, move |cx| {
        offers::get(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
}

#[tauri::command]
pub async fn create_offer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: OfferDraftInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::CreateOffer { input }).await
}

/// The editor's autosave: every call is one committed transaction.
#[tauri::command]
pub async fn update_offer_draft<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: OfferDraftInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::UpdateOfferDraft { id, input }).await
}

/// Sends a draft (or records another sending) without opening the mail
/// client: the link was copied or published.
#[tauri::command]
pub async fn send_offer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    recipients: Vec<String>,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::SendOffer { id, recipients }).await
}

/// Records the recipients (sending the draft if it is one), then opens the
/// mail client with the composed message.
#[tauri::command]
pub async fn send_offer_email<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    recipients: Vec<String>,
) -> Result<Json, ApiError> {
    let sent = Command::SendOffer {
        id: id.clone(),
        recipients: recipients.clone(),
    };
    let detail = run(&app, &state, sent).await?;
    let message = as_actor(&state, move |cx| {
        offers::message(cx.store, cx.clock, &cx.actor, &id, &recipients)
    })
    .await?;
    super::mail::open_mail_client(message.mailto).await?;
    Ok(detail)
}

#[tauri::command]
pub async fn offer_message(
    state: State<'_, AppState>,
    id: String,
    recipients: Vec<String>,
) -> Result<OfferMessage, ApiError> {
    as_actor(&state, move |cx| {
        offers::message(cx.store, cx.clock, &cx.actor, &id, &recipients)
    })
    .await
}

#[tauri::command]
pub async fn offer_document(state: State<'_, AppState>, id: String) -> Result<String, ApiError> {
    as_actor(&state, move |cx| {
        offers::document(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
}

#[tauri::command]
pub async fn withdraw_offer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::WithdrawOffer { id }).await
}

#[tauri::command]
pub async fn decline_offer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::DeclineOffer { id }).await
}

#[tauri::command]
pub async fn revise_offer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    counts: Vec<LineCount>,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::ReviseOffer { id, counts }).await
}

#[tauri::command]
pub async fn accept_offer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: AcceptanceInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::AcceptOffer { id, input }).await
}
