//! The desktop shell: Tauri set-up and thin commands over `partnerdesk-core`.

pub mod commands;
pub mod executor;
pub mod logs;
pub mod state;

use partnerdesk_core::change::{Change, Entity};
use tauri::{Builder, Manager, RunEvent, Runtime};

use crate::commands::activity::CountsActivity;
use crate::state::AppState;

/// The app's commands and state on any runtime: the real one in `run`, the mock one in tests.
pub fn app_builder<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder
        .manage(state)
        .invoke_handler_counting_activity(tauri::generate_handler![
            commands::system::app_info,
            commands::settings::get_settings,
            commands::settings::update_settings,
            commands::settings::update_idle_lock,
            commands::session::session_status,
            commands::session::complete_setup,
            commands::session::sign_in,
            commands::session::sign_out,
            commands::session::lock_session,
            commands::session::unlock_session,
            commands::session::touch_session,
            commands::session::change_own_password,
            commands::company::get_company_profile,
            commands::company::update_company_profile,
            commands::staff::list_staff,
            commands::staff::create_staff,
            commands::staff::update_staff,
            commands::staff::set_staff_blocked,
            commands::staff::remove_staff,
            commands::staff::reset_staff_password,
            commands::audit::list_audit,
            commands::audit::verify_audit,
            commands::audit::export_audit_csv,
            commands::audit::audit_head,
            commands::audit::reanchor_audit_head,
            commands::customers::list_customers,
            commands::customers::get_customer,
            commands::customers::create_customer,
            commands::customers::update_customer,
            commands::customers::set_customer_archived,
            commands::customers::preview_customer_import,
            commands::customers::import_customers,
            commands::customers::cancel_import,
            commands::customers::export_customers_csv,
            commands::customers::customer_activity,
            commands::customers::customer_permissions,
            commands::customer_users::list_customer_users,
            commands::customer_users::create_customer_user,
            commands::customer_users::update_customer_user,
            commands::customer_users::set_customer_user_blocked,
            commands::customer_users::remove_customer_user,
            commands::customer_users::reset_customer_user_password,
            commands::customer_users::preview_customer_user_import,
            commands::customer_users::import_customer_users,
            commands::customer_users::export_customer_users,
            commands::offers::list_offers,
            commands::offers::get_offer,
            commands::offers::create_offer,
            commands::offers::update_offer_draft,
            commands::offers::send_offer,
            commands::offers::send_offer_email,
            commands::offers::offer_message,
            commands::offers::offer_document,
            commands::offers::withdraw_offer,
            commands::offers::decline_offer,
            commands::offers::revise_offer,
            commands::offers::accept_offer,
            commands::product_keys::list_product_keys,
            commands::product_keys::add_product_key,
            commands::product_keys::preview_product_key_import,
            commands::product_keys::import_product_keys,
            commands::product_keys::redeem_product_key,
            commands::relationships::list_relationships,
            commands::relationships::offer_relationship,
            commands::relationships::request_relationship_approval,
            commands::relationships::record_relationship_acceptance,
            commands::relationships::terminate_relationship,
            commands::relationships::relationship_message,
            commands::relationships::send_relationship_email,
            commands::relationships::get_link_templates,
            commands::relationships::update_link_templates,
            commands::gdap::list_entra_roles,
            commands::gdap::preflight_relationship,
            commands::gdap::list_role_templates,
            commands::gdap::save_role_template,
            commands::gdap::delete_role_template,
            commands::gdap::list_security_groups,
            commands::gdap::save_security_group,
            commands::gdap::delete_security_group,
            commands::gdap::delegated_access,
            commands::gdap::create_access_assignment,
            commands::gdap::delete_access_assignment,
            commands::gdap::set_relationship_auto_extend,
            commands::gdap::remove_relationship_global_admin,
            commands::catalog::list_catalog,
            commands::catalog::update_service,
            commands::catalog::preview_price_list,
            commands::catalog::import_price_list,
            commands::offer_matrix::list_offer_matrix,
            commands::offer_matrix::preview_offer_matrix_import,
            commands::offer_matrix::import_offer_matrix,
            commands::offer_matrix::seat_room,
            commands::subscriptions::list_subscriptions,
            commands::subscriptions::get_subscription,
            commands::subscriptions::add_subscription,
            commands::subscriptions::change_subscription_quantity,
            commands::subscriptions::quote_subscription_quantity,
            commands::subscriptions::apply_subscription_event,
            commands::subscriptions::set_subscription_auto_renew,
            commands::subscriptions::convert_trial_subscription,
            commands::subscriptions::subscription_upgrade_targets,
            commands::subscriptions::upgrade_subscription,
            commands::subscriptions::set_subscription_partner_of_record,
            commands::subscriptions::schedule_trial_conversion,
            commands::subscriptions::clear_trial_conversion,
            commands::partner_of_record::list_partner_of_record_claims,
            commands::partner_of_record::claim_partner_of_record,
            commands::partner_of_record::record_partner_of_record_decline,
            commands::partner_of_record::remove_partner_of_record,
            commands::subscriptions::export_subscriptions_csv,
            commands::notifications::list_notifications,
            commands::notifications::mark_notification_read,
            commands::notifications::mark_all_notifications_read,
            commands::notifications::get_notification_kinds,
            commands::notifications::set_notification_kinds,
            commands::dashboard::dashboard_overview,
            commands::dashboard::expiry_calendar,
            commands::dashboard::export_calendar_ics,
            commands::service_requests::service_request_queue,
            commands::service_requests::list_customer_service_requests,
            commands::service_requests::get_service_request,
            commands::service_requests::create_service_request,
            commands::service_requests::update_service_request,
            commands::service_requests::discard_service_request,
            commands::service_requests::change_service_request_status,
            commands::service_requests::add_service_request_note,
            commands::trial_invitations::list_trial_invitations,
            commands::trial_invitations::get_trial_invitation,
            commands::trial_invitations::list_trial_services,
            commands::trial_invitations::create_trial_invitation,
            commands::trial_invitations::update_trial_invitation,
            commands::trial_invitations::activate_trial_invitation,
            commands::trial_invitations::retire_trial_invitation,
            commands::trial_invitations::trial_invitation_message,
            commands::trial_invitations::send_trial_invitation_email,
            commands::trial_invitations::record_trial_invitation_signup,
            commands::backups::list_backups,
            commands::backups::back_up_now,
            commands::backups::restore_backup,
            commands::backups::recovery_backups,
            commands::backups::recover_database,
        ])
}

/// How often the clock-driven changes (relationship expiry, renewal) are applied.
const CLOCK_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// How often Microsoft's relationship steps (approved → activating → active,
/// termination requested → terminating → terminated) are moved on: they take
/// minutes (docs/decisions/0045).
const RELATIONSHIP_STEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// Applies the changes due by the clock now and then hourly, on a thread of
/// its own; a rule that fails or panics is logged and the others still run.
/// In between, every minute, the core's minute rules (`hourly::MINUTE_RULES`).
fn start_clock<R: Runtime>(app: tauri::AppHandle<R>) {
    std::thread::spawn(move || {
        let minutes_per_run =
            (CLOCK_INTERVAL.as_secs() / RELATIONSHIP_STEP_INTERVAL.as_secs()).max(1);
        let mut minute = 0;
        loop {
            let state = app.state::<AppState>();
            if let Ok(store) = state.store() {
                let clock = state.clock();
                let rules = if minute % minutes_per_run == 0 {
                    partnerdesk_core::hourly::RULES
                } else {
                    partnerdesk_core::hourly::MINUTE_RULES
                };
                for change in partnerdesk_core::hourly::run(&store, clock.as_ref(), rules) {
                    commands::announce(&app, &change);
                }
            }
            minute += 1;
            std::thread::sleep(RELATIONSHIP_STEP_INTERVAL);
        }
    });
}

/// Backs up every half hour while something changed (decision 0030). A
/// failure was logged, recorded and notified by the core; the bell is told.
fn start_backups<R: Runtime>(app: tauri::AppHandle<R>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(partnerdesk_core::backup::INTERVAL);
        back_up_if_changed(&app);
    });
}

fn back_up_if_changed<R: Runtime>(app: &tauri::AppHandle<R>) {
    let state = app.state::<AppState>();
    if let Ok(store) = state.store() {
        let clock = state.clock();
        if let Some(Err(_)) = state.backups().run_if_changed(&store, clock.as_ref()) {
            commands::announce(app, &Change::of(Entity::Notification));
        }
    }
}

/// On Unix a SIGTERM (the session ending, a shutdown, `kill`) quits the app
/// the way closing its window does, so the exit backup runs and the database
/// closes cleanly.
#[cfg(unix)]
fn quit_on_terminate<R: Runtime>(app: tauri::AppHandle<R>) {
    use tokio::signal::unix::{signal, SignalKind};
    // Inside the task: the signal needs the async runtime's reactor.
    tauri::async_runtime::spawn(async move {
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                if terminate.recv().await.is_some() {
                    tracing::info!("SIGTERM: quitting");
                    app.exit(0);
                }
            }
            Err(error) => tracing::warn!(%error, "SIGTERM will end the app without an exit backup"),
        }
    });
}

pub fn run() {
    logs::start();
    app_builder(tauri::Builder::default(), AppState::open_default())
        .setup(|app| {
            start_clock(app.handle().clone());
            start_backups(app.handle().clone());
            #[cfg(unix)]
            quit_on_terminate(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("Partnerdesk could not start its window")
        .run(|app, event| {
            // The last chance to back up what changed since the last backup.
            if let RunEvent::Exit = event {
                tracing::info!("quitting: backing up what changed and closing the database");
                back_up_if_changed(app);
                app.state::<AppState>().close();
            }
        });
}
