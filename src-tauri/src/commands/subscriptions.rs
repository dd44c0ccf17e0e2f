use partnerdesk_core::commands::Command;
use partnerdesk_core::csv_file::Delimiter;
use partnerdesk_core::exports::{ExportedFile, FileType};
use partnerdesk_core::subscriptions::{
    self, QuantityQuote, SubscriptionDetail, SubscriptionEvent, SubscriptionInput,
    SubscriptionPage, SubscriptionQuery, TrialConversion, UpgradeInput, UpgradeTarget,
};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, run_export, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn list_subscriptions(
    state: State<'_, AppState>,
    query: SubscriptionQuery,
) -> Result<SubscriptionPage, ApiError> {
    as_actor(&state, move |cx| {
        subscriptions::list(cx.store, cx.clock, &cx.actor, &query)
    })
    .await
}

#[tauri::command]
pub async fn get_subscription(
    state: State<'_, AppState>,
    id: String,
) -> Result<SubscriptionDetail, ApiError> {
    as_actor(&state, move |cx| {
        subscriptions::get(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
}

#[tauri::command]
pub async fn add_subscription<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: SubscriptionInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::AddSubscription { input }).await
}

#[tauri::command]
pub async fn change_subscription_quantity<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    quantity: u32,
    reason: String,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::ChangeSubscriptionQuantity {
            id,
            quantity,
            reason,
        },
    )
    .await
}

/// What changing the licence count would charge or refund, before confirming.
#[tauri::command]
pub async fn quote_subscription_quantity(
    state: State<'_, AppState>,
    id: String,
    quantity: u32,
) -> Result<QuantityQuote, ApiError> {
    as_actor(&state, move |cx| {
        subscriptions::quote_quantity(cx.store, cx.clock, &cx.actor, &id, quantity)
    })
    .await
}

/// Suspend, reactivate or cancel.
#[tauri::command]
pub async fn apply_subscription_event<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    event: SubscriptionEvent,
    reason: String,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::ApplySubscriptionEvent { id, event, reason },
    )
    .await
}

#[tauri::command]
pub async fn set_subscription_auto_renew<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    auto_renew: bool,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::SetSubscriptionAutoRenew { id, auto_renew },
    )
    .await
}

#[tauri::command]
pub async fn convert_trial_subscription<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    conversion: TrialConversion,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::ConvertTrialSubscription { id, conversion },
    )
    .await
}

#[tauri::command]
pub async fn subscription_upgrade_targets(
    state: State<'_, AppState>,
    id: String,
) -> Result<Vec<UpgradeTarget>, ApiError> {
    as_actor(&state, move |cx| {
        subscriptions::upgrade_targets(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
}

#[tauri::command]
pub async fn upgrade_subscription<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    upgrade: UpgradeInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::UpgradeSubscription { id, upgrade }).await
}

#[tauri::command]
pub async fn set_subscription_partner_of_record<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    partner_of_record: bool,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::SetSubscriptionPartnerOfRecord {
            id,
            partner_of_record,
        },
    )
    .await
}

#[tauri::command]
pub async fn schedule_trial_conversion<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    conversion: TrialConversion,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::ScheduleTrialConversion { id, conversion },
    )
    .await
}

#[tauri::command]
pub async fn clear_trial_conversion<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::ClearTrialConversion { id }).await
}

#[tauri::command]
pub async fn export_subscriptions_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    query: SubscriptionQuery,
    file_type: Option<FileType>,
    delimiter: Option<Delimiter>,
) -> Result<ExportedFile, ApiError> {
    let command = Command::ExportSubscriptionsCsv {
        query,
        file_type,
        delimiter,
    };
    run_export(&app, &state, command).await
}
