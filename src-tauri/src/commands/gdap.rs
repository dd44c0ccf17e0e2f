//! GDAP commands: Entra roles, role templates, security groups, access
//! assignments, auto-extend, Global Administrator removal, the pre-flight.

use partnerdesk_core::commands::Command;
use partnerdesk_core::relationships::assignments::{self, AssignmentInput, DelegatedAccess};
use partnerdesk_core::relationships::groups::{self, SecurityGroup, SecurityGroupInput};
use partnerdesk_core::relationships::roles::{EntraRole, ENTRA_ROLES};
use partnerdesk_core::relationships::templates::{self, RoleTemplate, RoleTemplateInput};
use partnerdesk_core::relationships::{self, Preflight, RelationshipOffer};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, Json};
use crate::state::AppState;

/// The built-in roles a relationship can grant (a constant: no sign-in needed to list them).
#[tauri::command]
pub fn list_entra_roles() -> Vec<EntraRole> {
    ENTRA_ROLES.to_vec()
}

#[tauri::command]
pub async fn preflight_relationship(
    state: State<'_, AppState>,
    offer: RelationshipOffer,
) -> Result<Preflight, ApiError> {
    as_actor(&state, move |cx| {
        relationships::preflight(cx.store, cx.clock, &cx.actor, &offer)
    })
    .await
}

#[tauri::command]
pub async fn list_role_templates(
    state: State<'_, AppState>,
) -> Result<Vec<RoleTemplate>, ApiError> {
    as_actor(&state, move |cx| {
        templates::list_templates(cx.store, cx.clock, &cx.actor)
    })
    .await
}

#[tauri::command]
pub async fn save_role_template<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Option<String>,
    input: RoleTemplateInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::SaveRoleTemplate { id, input }).await
}

#[tauri::command]
pub async fn delete_role_template<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::DeleteRoleTemplate { id }).await
}

#[tauri::command]
pub async fn list_security_groups(
    state: State<'_, AppState>,
) -> Result<Vec<SecurityGroup>, ApiError> {
    as_actor(&state, move |cx| {
        groups::list_groups(cx.store, cx.clock, &cx.actor)
    })
    .await
}

#[tauri::command]
pub async fn save_security_group<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Option<String>,
    input: SecurityGroupInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::SaveSecurityGroup { id, input }).await
}

#[tauri::command]
pub async fn delete_security_group<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::DeleteSecurityGroup { id }).await
}

#[tauri::command]
pub async fn delegated_access(
    state: State<'_, AppState>,
    customer_id: String,
) -> Result<DelegatedAccess, ApiError> {
    as_actor(&state, move |cx| {
        assignments::delegated_access(cx.store, cx.clock, &cx.actor, &customer_id)
    })
    .await
}

#[tauri::command]
pub async fn create_access_assignment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: AssignmentInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::CreateAccessAssignment { input }).await
}

#[tauri::command]
pub async fn delete_access_assignment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::DeleteAccessAssignment { id }).await
}

#[tauri::command]
pub async fn set_relationship_auto_extend<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    auto_extend: bool,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::SetRelationshipAutoExtend { id, auto_extend },
    )
    .await
}

#[tauri::command]
pub async fn remove_relationship_global_admin<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::RemoveRelationshipGlobalAdmin { id }).await
}
