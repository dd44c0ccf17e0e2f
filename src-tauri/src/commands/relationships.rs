use partnerdesk_core::relationships::{
    self, LinkTemplates, Relationship, RelationshipMessage, RelationshipOffer,
};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, write_as_actor};
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
) -> Result<Relationship, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        relationships::offer(cx.store, cx.clock, &cx.actor, &offer)
    })
    .await
}

#[tauri::command]
pub async fn request_relationship_approval<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Relationship, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        relationships::request_approval(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
}

#[tauri::command]
pub async fn record_relationship_acceptance<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    accepted_at: Option<String>,
) -> Result<Relationship, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        relationships::record_acceptance(cx.store, cx.clock, &cx.actor, &id, accepted_at.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn terminate_relationship<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Relationship, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        relationships::terminate(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
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
) -> Result<LinkTemplates, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        relationships::update_templates(cx.store, cx.clock, &cx.actor, &templates)
    })
    .await
}
