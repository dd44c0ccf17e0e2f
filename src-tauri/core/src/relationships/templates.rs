//! Role templates: named sets of Microsoft Entra roles staff pick from when
//! they offer a relationship. Global admins create, rename, change and delete
//! them (the permission table's edit_role_templates); whoever offers
//! relationships reads them.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::roles;
use crate::access::{guarded_read, guarded_write, read_target, require, require_any, Action};
use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::ids::{new_id, parse_id};
use crate::store::Store;
use crate::validate;

/// Longest template name.
pub const TEMPLATE_NAME: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RoleTemplate {
    pub id: String,
    pub name: String,
    /// Microsoft Entra role-definition ids.
    pub roles: Vec<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct RoleTemplateInput {
    pub name: String,
    pub roles: Vec<String>,
}

fn template(row: &Row<'_>) -> rusqlite::Result<RoleTemplate> {
    let roles: String = row.get(2)?;
    Ok(RoleTemplate {
        id: row.get(0)?,
        name: row.get(1)?,
        roles: roles.split(',').map(str::to_owned).collect(),
        updated_at: row.get(3)?,
    })
}

fn load(conn: &Connection, id: &str) -> Result<RoleTemplate> {
    conn.prepare_cached("SELECT id, name, roles, updated_at FROM role_templates WHERE id = ?1")?
        .query_row([id], template)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "role template",
            id: id.to_owned(),
        })
}

fn audit_target(id: Option<&str>, label: &str) -> Target {
    Target {
        kind: "role_template",
        id: id.map(str::to_owned),
        label: label.to_owned(),
    }
}

pub fn list_templates(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
) -> Result<Vec<RoleTemplate>> {
    let target = read_target("role_template", None, "role templates");
    guarded_read(store, clock, actor, "role_template.list", target, |conn| {
        require_any(
            conn,
            actor,
            &[Action::ManageRelationships, Action::EditRoleTemplates],
        )?;
        Ok(conn
            .prepare_cached(
                "SELECT id, name, roles, updated_at FROM role_templates ORDER BY name_key, id",
            )?
            .query_map([], template)?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    })
}

struct ValidTemplate {
    name: String,
    roles: Vec<String>,
}

fn validate_input(input: &RoleTemplateInput) -> Result<ValidTemplate> {
    Ok(ValidTemplate {
        name: validate::required_text("name", &input.name, TEMPLATE_NAME)?,
        roles: roles::normalize("roles", &input.roles)?,
    })
}

fn check_name_free(conn: &Connection, name: &str, except: Option<&str>) -> Result<()> {
    let taken: Option<String> = conn
        .prepare_cached("SELECT name FROM role_templates WHERE name_key = ?1 AND id IS NOT ?2")?
        .query_row(params![fold(name), except], |r| r.get(0))
        .optional()?;
    match taken {
        Some(taken) => Err(Error::conflict(
            "name",
            text!(
                "another role template is already named '{taken}'",
                "inny szablon ról ma już nazwę „{taken}”"
            ),
        )),
        None => Ok(()),
    }
}

/// Creates (`id` none) or changes a template; audited with before and after.
pub fn save_template(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: Option<&str>,
    input: &RoleTemplateInput,
) -> Result<(RoleTemplate, Change)> {
    let valid = validate_input(input)?;
    let id = match id {
        Some(id) => Some(parse_id("id", id)?),
        None => None,
    };
    let now = to_rfc3339(clock.now())?;
    let action = if id.is_some() {
        "role_template.update"
    } else {
        "role_template.create"
    };
    let target = audit_target(id.as_deref(), &valid.name);
    let saved = guarded_write(store, clock, actor, action, target, |tx| {
        require(tx, actor, Action::EditRoleTemplates)?;
        let before = id.as_deref().map(|id| load(tx, id)).transpose()?;
        check_name_free(tx, &valid.name, id.as_deref())?;
        let template_id = id.clone().unwrap_or_else(new_id);
        tx.execute(
            "INSERT INTO role_templates (id, name, name_key, roles, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
                 roles = excluded.roles, updated_at = excluded.updated_at",
            params![
                template_id,
                valid.name,
                fold(&valid.name),
                valid.roles.join(","),
                now
            ],
        )?;
        let after = load(tx, &template_id)?;
        let event = Event::done(
            actor.audit_ref(),
            action,
            audit_target(Some(&template_id), &after.name),
        )
        .with_change(
            before.and_then(|b| serde_json::to_value(b).ok()),
            serde_json::to_value(&after).ok(),
        );
        audit::append(tx, clock, &event)?;
        Ok(after)
    })?;
    let change = Change::one(Entity::RoleTemplate, saved.id.clone());
    Ok((saved, change))
}

pub fn delete_template(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<Change> {
    let id = parse_id("id", id)?;
    let target = audit_target(Some(&id), "");
    guarded_write(store, clock, actor, "role_template.delete", target, |tx| {
        require(tx, actor, Action::EditRoleTemplates)?;
        let before = load(tx, &id)?;
        tx.execute("DELETE FROM role_templates WHERE id = ?1", [&id])?;
        let event = Event::done(
            actor.audit_ref(),
            "role_template.delete",
            audit_target(Some(&id), &before.name),
        )
        .with_change(serde_json::to_value(&before).ok(), None);
        audit::append(tx, clock, &event)?;
        Ok(())
    })?;
    Ok(Change::one(Entity::RoleTemplate, id))
}
