use partnerdesk_core::commands::Command;
use partnerdesk_core::relationships::{
    self, LinkTemplates, Relationship, RelationshipMessage, RelationshipOffer,
};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn list_relationships(
    state: State<'_, AppState>,
    customer_id: String,
) -> Result<Vec<Relationship>, ApiError> {
    as_actor(&state, move |cx| {
        relationships::list_for_customer(cx.store, cx.clock, &cx.actor, &customer_id)
    })
    .await
}

#[tauri::command]
pub async fn offer_relationship<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    offer: RelationshipOffer,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::OfferRelationship { offer }).await
}

#[tauri::command]
pub async fn request_relationship_approval<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::RequestRelationshipApproval { id }).await
}

#[tauri::command]
pub async fn record_relationship_acceptance<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    accepted_at: Option<String>,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::RecordRelationshipAcceptance { id, accepted_at },
    )
    .await
}

#[tauri::command]
pub async fn terminate_relationship<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::TerminateRelationship { id }).await
}

#[tauri::command]
pub async fn relationship_message(
    state: State<'_, AppState>,
    id: String,
) -> Result<RelationshipMessage, ApiError> {
    as_actor(&state, move |cx| {
        relationships::message(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
}

/// Opens the user's mail client with the composed message; nothing is sent by us.
#[tauri::command]
pub async fn send_relationship_email(
    state: State<'_, AppState>,
    id: String,
) -> Result<(), ApiError> {
    let message = as_actor(&state, move |cx| {
        relationships::message(cx.store, cx.clock, &cx.actor, &id)
    })
    .await?;
    super::mail::open_mail_client(message.mailto).await
}

#[tauri::command]
pub async fn get_link_templates(state: State<'_, AppState>) -> Result<LinkTemplates, ApiError> {
    as_actor(&state, |cx| {
        relationships::get_templates(cx.store, cx.clock, &cx.actor)
    })
    .await
}

#[tauri::command]
pub async fn update_link_templates<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    templates: LinkTemplates,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::UpdateLinkTemplates { templates }).await
}
