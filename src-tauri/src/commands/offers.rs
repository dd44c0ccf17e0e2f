use partnerdesk_core::offers::{
    self, AcceptanceInput, LineCount, OfferDraftInput, OfferEvent, OfferMessage, OfferPage,
    OfferQuery, PurchaseOfferDetail,
};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, write_as_actor};
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
) -> Result<PurchaseOfferDetail, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        offers::create(cx.store, cx.clock, &cx.actor, &input)
    })
    .await
}

/// The editor's autosave: every call is one committed transaction.
#[tauri::command]
pub async fn update_offer_draft<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: OfferDraftInput,
) -> Result<PurchaseOfferDetail, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        offers::update_draft(cx.store, cx.clock, &cx.actor, &id, &input)
    })
    .await
}

/// Sends a draft (or records another sending) without opening the mail
/// client: the link was copied or published.
#[tauri::command]
pub async fn send_offer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    recipients: Vec<String>,
) -> Result<PurchaseOfferDetail, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        offers::send(cx.store, cx.clock, &cx.actor, &id, &recipients)
    })
    .await
}

/// Records the recipients (sending the draft if it is one), then opens the
/// mail client with the composed message.
#[tauri::command]
pub async fn send_offer_email<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    recipients: Vec<String>,
) -> Result<PurchaseOfferDetail, ApiError> {
    let (sent_id, to) = (id.clone(), recipients.clone());
    let detail = write_as_actor(&app, &state, move |cx| {
        offers::send(cx.store, cx.clock, &cx.actor, &sent_id, &to)
    })
    .await?;
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
) -> Result<PurchaseOfferDetail, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        offers::close(cx.store, cx.clock, &cx.actor, &id, OfferEvent::Withdraw)
    })
    .await
}

#[tauri::command]
pub async fn decline_offer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<PurchaseOfferDetail, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        offers::close(cx.store, cx.clock, &cx.actor, &id, OfferEvent::Decline)
    })
    .await
}

#[tauri::command]
pub async fn revise_offer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    counts: Vec<LineCount>,
) -> Result<PurchaseOfferDetail, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        offers::revise(cx.store, cx.clock, &cx.actor, &id, &counts)
    })
    .await
}

#[tauri::command]
pub async fn accept_offer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: AcceptanceInput,
) -> Result<PurchaseOfferDetail, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        offers::accept(cx.store, cx.clock, &cx.actor, &id, &input)
    })
    .await
}
