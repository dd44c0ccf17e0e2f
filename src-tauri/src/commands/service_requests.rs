use partnerdesk_core::commands::Command;
use partnerdesk_core::service_requests::{
    self, CustomerServiceRequests, ServiceRequestEvent, ServiceRequestInput, ServiceRequestPage,
    ServiceRequestQuery, ServiceRequestView,
};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn service_request_queue(
    state: State<'_, AppState>,
    query: ServiceRequestQuery,
) -> Result<ServiceRequestPage, ApiError> {
    as_actor(&state, move |cx| {
        service_requests::queue(cx.store, cx.clock, &cx.actor, &query)
    })
    .await
}

#[tauri::command]
pub async fn list_customer_service_requests(
    state: State<'_, AppState>,
    customer_id: String,
    query: ServiceRequestQuery,
) -> Result<CustomerServiceRequests, ApiError> {
    as_actor(&state, move |cx| {
        service_requests::list_for_customer(cx.store, cx.clock, &cx.actor, &customer_id, &query)
    })
    .await
}

#[tauri::command]
pub async fn get_service_request(
    state: State<'_, AppState>,
    id: String,
) -> Result<ServiceRequestView, ApiError> {
    as_actor(&state, move |cx| {
        service_requests::get(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
}

#[tauri::command]
pub async fn create_service_request<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    customer_id: String,
    input: ServiceRequestInput,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::CreateServiceRequest { customer_id, input },
    )
    .await
}

#[tauri::command]
pub async fn update_service_request<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: ServiceRequestInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::UpdateServiceRequest { id, input }).await
}

#[tauri::command]
pub async fn discard_service_request<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::DiscardServiceRequest { id }).await
}

/// Submit, flag attention, clear attention, close or reopen, with an optional note.
#[tauri::command]
pub async fn change_service_request_status<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    event: ServiceRequestEvent,
    note: Option<String>,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::ChangeServiceRequestStatus { id, event, note },
    )
    .await
}

#[tauri::command]
pub async fn add_service_request_note<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    body: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::AddServiceRequestNote { id, body }).await
}
