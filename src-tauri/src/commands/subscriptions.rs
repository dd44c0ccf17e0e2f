use partnerdesk_core::csv_file::Delimiter;
use partnerdesk_core::exports::{ExportFormat, ExportedFile, FileType};
use partnerdesk_core::store::export_dir;
use partnerdesk_core::subscriptions::{
    self, QuantityQuote, Subscription, SubscriptionDetail, SubscriptionEvent, SubscriptionInput,
    SubscriptionPage, SubscriptionQuery, TrialConversion, UpgradeInput, UpgradeOutcome,
    UpgradeTarget,
};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, write_as_actor};
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
) -> Result<Subscription, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        subscriptions::add(cx.store, cx.clock, &cx.actor, &input)
    })
    .await
}

#[tauri::command]
pub async fn change_subscription_quantity<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    quantity: u32,
    reason: String,
) -> Result<Subscription, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        subscriptions::change_quantity(cx.store, cx.clock, &cx.actor, &id, quantity, &reason)
    })
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
) -> Result<Subscription, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        subscriptions::apply_event(cx.store, cx.clock, &cx.actor, &id, event, &reason)
    })
    .await
}

#[tauri::command]
pub async fn set_subscription_auto_renew<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    auto_renew: bool,
) -> Result<Subscription, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        subscriptions::set_auto_renew(cx.store, cx.clock, &cx.actor, &id, auto_renew)
    })
    .await
}

#[tauri::command]
pub async fn convert_trial_subscription<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    conversion: TrialConversion,
) -> Result<Subscription, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        subscriptions::convert_trial(cx.store, cx.clock, &cx.actor, &id, &conversion)
    })
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
) -> Result<UpgradeOutcome, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        subscriptions::upgrade(cx.store, cx.clock, &cx.actor, &id, &upgrade)
    })
    .await
}

#[tauri::command]
pub async fn set_subscription_partner_of_record<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    partner_of_record: bool,
) -> Result<Subscription, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        subscriptions::set_partner_of_record(cx.store, cx.clock, &cx.actor, &id, partner_of_record)
    })
    .await
}

#[tauri::command]
pub async fn schedule_trial_conversion<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    conversion: TrialConversion,
) -> Result<Subscription, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        subscriptions::schedule_trial_conversion(cx.store, cx.clock, &cx.actor, &id, &conversion)
    })
    .await
}

#[tauri::command]
pub async fn clear_trial_conversion<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Subscription, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        subscriptions::clear_trial_conversion(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
}

#[tauri::command]
pub async fn export_subscriptions_csv(
    state: State<'_, AppState>,
    query: SubscriptionQuery,
    file_type: Option<FileType>,
    delimiter: Option<Delimiter>,
) -> Result<ExportedFile, ApiError> {
    let format = ExportFormat::new(file_type, delimiter);
    as_actor(&state, move |cx| {
        subscriptions::export_as(
            cx.store,
            cx.clock,
            &cx.actor,
            &query,
            format,
            &export_dir()?,
        )
    })
    .await
}
