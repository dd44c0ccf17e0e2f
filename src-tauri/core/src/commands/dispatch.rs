//! The one dispatcher: each command calls the core function its desktop
//! command always called, with the same arguments. No rule lives here; the
//! functions check permissions and audit refusals themselves, each in its own
//! transaction.

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::{Command, Executed, Hooks};
use crate::audit;
use crate::auth::{self, Actor, Sessions};
use crate::change::Change;
use crate::clock::Clock;
use crate::csv_file::Delimiter;
use crate::error::{Error, Result};
use crate::exports::{ExportFormat, FileType};
use crate::offers::OfferEvent;
use crate::relationships::{self, assignments, groups, templates};
use crate::store::Store;
use crate::{catalog, company, customer_users, customers, dashboard, notifications, offers};
use crate::{partner_of_record, product_keys, service_requests, settings, staff};
use crate::{subscriptions, trial_invitations};

/// Executes `command` as `actor`: the core function's own checks decide
/// whether it may, exactly as when the desktop called it directly.
pub fn execute(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    command: Command,
    hooks: &Hooks,
) -> Result<Executed> {
    use Command as C;
    let (s, c, a) = (store, clock, actor);
    match command {
        C::CreateCustomer { input } => one(customers::create(s, c, a, &input)),
        C::UpdateCustomer { id, input } => one(customers::update(s, c, a, &id, &input)),
        C::SetCustomerArchived { id, archived } => {
            one(customers::set_archived(s, c, a, &id, archived))
        }
        C::ImportCustomers { import, mode } => with_import_hooks(hooks, |progress, cancel| {
            customers::apply_import(s, c, a, &import, mode, progress, cancel)
        }),
        C::CreateCustomerUser { customer_id, input } => {
            one(customer_users::create(s, c, a, &customer_id, &input))
        }
        C::UpdateCustomerUser { id, input } => one(customer_users::update(s, c, a, &id, &input)),
        C::SetCustomerUserBlocked { id, blocked } => {
            one(customer_users::set_blocked(s, c, a, &id, blocked))
        }
        C::RemoveCustomerUser { id } => one(customer_users::remove(s, c, a, &id)),
        C::ResetCustomerUserPassword { id } => one(customer_users::reset_password(s, c, a, &id)),
        C::ImportCustomerUsers {
            customer_id,
            file,
            mode,
        } => with_import_hooks(hooks, |progress, cancel| {
            customer_users::apply_import(s, c, a, &customer_id, &file, mode, progress, cancel)
        }),

        C::CreateStaff { input } => one(staff::create(s, c, a, &input)),
        C::UpdateStaff { id, input } => one(staff::update(s, c, a, &id, &input)),
        C::SetStaffBlocked { id, blocked } => one(staff::set_blocked(s, c, a, &id, blocked)),
        C::RemoveStaff { id } => one(staff::remove(s, c, a, &id)),
        C::ResetStaffPassword { id } => one(staff::reset_password(s, c, a, &id)),
        C::ChangeOwnPassword { change } => {
            let nobody = Sessions::default();
            let sessions = hooks.sessions.unwrap_or(&nobody);
            one(auth::change_own_password(s, c, sessions, a, &change))
        }

        C::AddSubscription { input } => one(subscriptions::add(s, c, a, &input)),
        C::ChangeSubscriptionQuantity {
            id,
            quantity,
            reason,
        } => one(subscriptions::change_quantity(
            s, c, a, &id, quantity, &reason,
        )),
        C::ApplySubscriptionEvent { id, event, reason } => {
            one(subscriptions::apply_event(s, c, a, &id, event, &reason))
        }
        C::SetSubscriptionAutoRenew { id, auto_renew } => {
            one(subscriptions::set_auto_renew(s, c, a, &id, auto_renew))
        }
        C::ConvertTrialSubscription { id, conversion } => {
            one(subscriptions::convert_trial(s, c, a, &id, &conversion))
        }
        C::UpgradeSubscription { id, upgrade } => {
            one(subscriptions::upgrade(s, c, a, &id, &upgrade))
        }
        C::SetSubscriptionPartnerOfRecord {
            id,
            partner_of_record,
        } => one(subscriptions::set_partner_of_record(
            s,
            c,
            a,
            &id,
            partner_of_record,
        )),
        C::ScheduleTrialConversion { id, conversion } => one(
            subscriptions::schedule_trial_conversion(s, c, a, &id, &conversion),
        ),
        C::ClearTrialConversion { id } => one(subscriptions::clear_trial_conversion(s, c, a, &id)),

        C::CreateOffer { input } => one(offers::create(s, c, a, &input)),
        C::UpdateOfferDraft { id, input } => one(offers::update_draft(s, c, a, &id, &input)),
        C::SendOffer { id, recipients } => one(offers::send(s, c, a, &id, &recipients)),
        C::WithdrawOffer { id } => one(offers::close(s, c, a, &id, OfferEvent::Withdraw)),
        C::DeclineOffer { id } => one(offers::close(s, c, a, &id, OfferEvent::Decline)),
        C::ReviseOffer { id, counts } => one(offers::revise(s, c, a, &id, &counts)),
        C::AcceptOffer { id, input } => one(offers::accept(s, c, a, &id, &input)),

        C::CreateTrialInvitation { input } => one(trial_invitations::create(s, c, a, &input)),
        C::UpdateTrialInvitation { id, input } => {
            one(trial_invitations::update(s, c, a, &id, &input))
        }
        C::ActivateTrialInvitation { id } => one(trial_invitations::activate(s, c, a, &id)),
        C::RetireTrialInvitation { id } => one(trial_invitations::retire(s, c, a, &id)),
        C::SendTrialInvitationEmail { id, recipients } => {
            one(trial_invitations::record_sent(s, c, a, &id, &recipients))
        }
        C::RecordTrialInvitationSignup { id, signup } => {
            let (value, changes) = trial_invitations::record_signup(s, c, a, &id, &signup)?;
            executed(&value, changes)
        }

        C::AddProductKey { input } => one(product_keys::add(s, c, a, &input)),
        C::ImportProductKeys { import, mode } => with_import_hooks(hooks, |progress, cancel| {
            product_keys::apply_import(s, c, a, &import, mode, progress, cancel)
        }),
        C::RedeemProductKey { redemption } => one(product_keys::redeem(s, c, a, &redemption)),

        C::OfferRelationship { offer } => one(relationships::offer(s, c, a, &offer)),
        C::RequestRelationshipApproval { id } => one(relationships::request_approval(s, c, a, &id)),
        C::RecordRelationshipAcceptance { id, accepted_at } => one(
            relationships::record_acceptance(s, c, a, &id, accepted_at.as_deref()),
        ),
        C::TerminateRelationship { id } => one(relationships::terminate(s, c, a, &id)),
        C::SetRelationshipAutoExtend { id, auto_extend } => {
            one(relationships::set_auto_extend(s, c, a, &id, auto_extend))
        }
        C::RemoveRelationshipGlobalAdmin { id } => {
            one(relationships::remove_global_admin(s, c, a, &id))
        }
        C::UpdateLinkTemplates { templates } => {
            one(relationships::update_templates(s, c, a, &templates))
        }
        C::SaveRoleTemplate { id, input } => {
            one(templates::save_template(s, c, a, id.as_deref(), &input))
        }
        C::DeleteRoleTemplate { id } => unit(templates::delete_template(s, c, a, &id)),
        C::SaveSecurityGroup { id, input } => {
            one(groups::save_group(s, c, a, id.as_deref(), &input))
        }
        C::DeleteSecurityGroup { id } => unit(groups::delete_group(s, c, a, &id)),
        C::CreateAccessAssignment { input } => one(assignments::create_assignment(s, c, a, &input)),
        C::DeleteAccessAssignment { id } => unit(assignments::delete_assignment(s, c, a, &id)),

        C::CreateServiceRequest { customer_id, input } => {
            one(service_requests::create(s, c, a, &customer_id, &input))
        }
        C::UpdateServiceRequest { id, input } => {
            one(service_requests::update(s, c, a, &id, &input))
        }
        C::DiscardServiceRequest { id } => one(service_requests::discard(s, c, a, &id)),
        C::ChangeServiceRequestStatus { id, event, note } => one(service_requests::change_status(
            s,
            c,
            a,
            &id,
            event,
            note.as_deref(),
        )),
        C::AddServiceRequestNote { id, body } => {
            one(service_requests::add_note(s, c, a, &id, &body))
        }

        C::MarkNotificationRead { id } => unit(notifications::mark_read(s, c, a, &id)),
        C::MarkAllNotificationsRead => unit(notifications::mark_all_read(s, c, a)),
        C::SetNotificationKinds { settings } => {
            one(notifications::set_kind_settings(s, c, a, &settings))
        }

        C::ClaimPartnerOfRecord {
            customer_id,
            workload,
        } => one(partner_of_record::claim(s, c, a, &customer_id, &workload)),
        C::RecordPartnerOfRecordDecline {
            customer_id,
            workload,
            reason,
        } => one(partner_of_record::record_decline(
            s,
            c,
            a,
            &customer_id,
            &workload,
            &reason,
        )),
        C::RemovePartnerOfRecord {
            customer_id,
            workload,
            reason,
        } => one(partner_of_record::remove(
            s,
            c,
            a,
            &customer_id,
            &workload,
            &reason,
        )),

        C::UpdateService { id, input } => one(catalog::update(s, c, a, &id, &input)),
        C::ImportPriceList { file, mode } => with_import_hooks(hooks, |progress, cancel| {
            catalog::apply_price_list(s, c, a, &file, mode, progress, cancel)
        }),
        C::ImportOfferMatrix { file, mode } => with_import_hooks(hooks, |progress, cancel| {
            catalog::import_offer_matrix(s, c, a, &file, mode, progress, cancel)
        }),
        C::UpdateCompanyProfile { profile } => one(company::update(s, c, a, &profile)),
        C::UpdateIdleLock { minutes } => unit(settings::update_idle_lock(s, c, a, minutes)),

        C::ExportCustomersCsv {
            query,
            file_type,
            delimiter,
        } => audited_read(customers::export_as(
            s,
            c,
            a,
            &query,
            format(file_type, delimiter),
        )),
        C::ExportSubscriptionsCsv {
            query,
            file_type,
            delimiter,
        } => audited_read(subscriptions::export_as(
            s,
            c,
            a,
            &query,
            format(file_type, delimiter),
        )),
        C::ExportCustomerUsers {
            customer_id,
            query,
            file_type,
            delimiter,
        } => audited_read(customer_users::export_as(
            s,
            c,
            a,
            &customer_id,
            &query,
            format(file_type, delimiter),
        )),
        C::ExportAuditCsv {
            query,
            file_type,
            delimiter,
        } => audited_read(audit::export_as(
            s,
            c,
            a,
            &query,
            format(file_type, delimiter),
        )),
        C::ExportCalendarIcs => audited_read(dashboard::export_calendar(s, c, a)),
        C::VerifyAudit { noted } => audited_read(audit::verify_as(s, c, a, noted.as_ref())),
    }
}

/// Runs an import with the caller's progress and cancel, or none.
fn with_import_hooks<T: Serialize>(
    hooks: &Hooks,
    import: impl FnOnce(&dyn Fn(u32, u32), &AtomicBool) -> Result<(T, Option<Change>)>,
) -> Result<Executed> {
    let never = AtomicBool::new(false);
    let (value, change) = import(
        hooks.progress.unwrap_or(&|_, _| {}),
        hooks.cancel.unwrap_or(&never),
    )?;
    executed(&value, change.into_iter().collect())
}

/// The result of a read that only appended to the audit log: no screen
/// shows anything changed (the audit screen refreshes on its own), so
/// nothing is announced, as before commands were data.
fn audited_read<T: Serialize>(result: Result<T>) -> Result<Executed> {
    executed(&result?, Vec::new())
}

fn format(file_type: Option<FileType>, delimiter: Option<Delimiter>) -> ExportFormat {
    ExportFormat::new(file_type, delimiter)
}

/// The result of a write that changed one kind of object.
fn one<T: Serialize>(result: Result<(T, Change)>) -> Result<Executed> {
    let (value, change) = result?;
    executed(&value, vec![change])
}

/// The same for a write whose function gives back only the change.
fn unit(result: Result<Change>) -> Result<Executed> {
    one(result.map(|change| ((), change)))
}

fn executed<T: Serialize>(value: &T, changes: Vec<Change>) -> Result<Executed> {
    let value = serde_json::value::to_raw_value(value)
        .map_err(|error| Error::Internal(format!("the result could not be written: {error}")))?;
    Ok(Executed { value, changes })
}
