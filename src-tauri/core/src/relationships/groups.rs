//! The partner's security groups (Graph: the access container an access
//! assignment gives roles to) and which of our staff are members. Managed by
//! whoever manages relationships.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{guarded_read, guarded_write, read_target, require, Action};
use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::ids::{new_id, parse_id};
use crate::store::Store;
use crate::validate;

/// Entra allows 256 characters in a group's display name.
pub const GROUP_NAME: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct GroupMember {
    pub staff_id: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SecurityGroup {
    pub id: String,
    pub display_name: String,
    /// The group's object id in the partner's tenant.
    pub object_id: String,
    pub members: Vec<GroupMember>,
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct SecurityGroupInput {
    pub display_name: String,
    pub object_id: String,
    /// Staff who are members of the group in the partner's tenant.
    #[serde(default)]
    pub member_ids: Vec<String>,
}

fn group(row: &Row<'_>) -> rusqlite::Result<SecurityGroup> {
    Ok(SecurityGroup {
        id: row.get(0)?,
        display_name: row.get(1)?,
        object_id: row.get(2)?,
        members: Vec::new(),
    })
}

fn members(conn: &Connection, group_id: &str) -> Result<Vec<GroupMember>> {
    Ok(conn
        .prepare_cached(
            "SELECT s.id, s.display_name FROM security_group_members m
             JOIN staff s ON s.id = m.staff_id
             WHERE m.group_id = ?1 AND s.status <> 'removed'
             ORDER BY s.display_name COLLATE NOCASE, s.id",
        )?
        .query_map([group_id], |r| {
            Ok(GroupMember {
                staff_id: r.get(0)?,
                display_name: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<SecurityGroup> {
    let mut found = conn
        .prepare_cached("SELECT id, display_name, object_id FROM security_groups WHERE id = ?1")?
        .query_row([id], group)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "security group",
            id: id.to_owned(),
        })?;
    found.members = members(conn, id)?;
    Ok(found)
}

pub(crate) fn list_in(conn: &Connection) -> Result<Vec<SecurityGroup>> {
    let mut groups = conn
        .prepare_cached(
            "SELECT id, display_name, object_id FROM security_groups ORDER BY name_key, id",
        )?
        .query_map([], group)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for g in &mut groups {
        g.members = members(conn, &g.id)?;
    }
    Ok(groups)
}

fn audit_target(id: &str, label: &str) -> Target {
    Target {
        kind: "security_group",
        id: Some(id.to_owned()),
        label: label.to_owned(),
    }
}

pub fn list_groups(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<Vec<SecurityGroup>> {
    let target = read_target("security_group", None, "security groups");
    guarded_read(store, clock, actor, "security_group.list", target, |conn| {
        require(conn, actor, Action::ManageRelationships)?;
        list_in(conn)
    })
}

fn object_id(value: &str) -> Result<String> {
    let value = value.trim();
    uuid::Uuid::parse_str(value)
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| {
            let shown = validate::shown(value);
            Error::validation(
                "object_id",
                text!(
                    "'{shown}' is not a group's object ID (a GUID such as 3f1e2d4c-…, from the group's page in Entra)",
                    "„{shown}” nie jest identyfikatorem obiektu grupy (GUID, np. 3f1e2d4c-…, ze strony grupy w Entra)"
                ),
            )
        })
}

/// Creates (`id` none) or changes a group and its members; audited.
pub fn save_group(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: Option<&str>,
    input: &SecurityGroupInput,
) -> Result<(SecurityGroup, Change)> {
    let display_name = validate::required_text("display_name", &input.display_name, GROUP_NAME)?;
    let object_id = object_id(&input.object_id)?;
    let mut member_ids = Vec::new();
    for raw in &input.member_ids {
        let staff_id = parse_id("member_ids", raw)?;
        if !member_ids.contains(&staff_id) {
            member_ids.push(staff_id);
        }
    }
    let id = id.map(|id| parse_id("id", id)).transpose()?;
    let group_id = id.clone().unwrap_or_else(new_id);
    let now = to_rfc3339(clock.now())?;
    let action = if id.is_some() {
        "security_group.update"
    } else {
        "security_group.create"
    };
    let saved = guarded_write(
        store,
        clock,
        actor,
        action,
        audit_target(&group_id, &display_name),
        |tx| {
            require(tx, actor, Action::ManageRelationships)?;
            let before = id.as_deref().map(|id| load(tx, id)).transpose()?;
            let clash: Option<String> = tx
                .prepare_cached(
                    "SELECT display_name FROM security_groups
                 WHERE (name_key = ?1 OR object_id = ?2) AND id <> ?3",
                )?
                .query_row(params![fold(&display_name), object_id, group_id], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(other) = clash {
                return Err(Error::conflict(
                    "display_name",
                    text!(
                        "the security group '{other}' already has this name or object ID",
                        "grupa zabezpieczeń „{other}” ma już tę nazwę lub identyfikator obiektu"
                    ),
                ));
            }
            tx.execute(
            "INSERT INTO security_groups (id, display_name, name_key, object_id, created_at, created_by, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)
             ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,
                 name_key = excluded.name_key, object_id = excluded.object_id,
                 updated_at = excluded.updated_at",
            params![group_id, display_name, fold(&display_name), object_id, now, actor.display_name],
        )?;
            tx.execute(
                "DELETE FROM security_group_members WHERE group_id = ?1",
                [&group_id],
            )?;
            for staff_id in &member_ids {
                let status: Option<String> = tx
                    .prepare_cached("SELECT status FROM staff WHERE id = ?1")?
                    .query_row([staff_id], |r| r.get(0))
                    .optional()?;
                if status.is_none_or(|s| s == "removed") {
                    return Err(Error::validation(
                        "member_ids",
                        text!(
                            "a chosen staff member no longer exists; reload and choose again",
                            "wybrany pracownik już nie istnieje; odśwież i wybierz ponownie"
                        ),
                    ));
                }
                tx.execute(
                    "INSERT INTO security_group_members (group_id, staff_id) VALUES (?1, ?2)",
                    params![group_id, staff_id],
                )?;
            }
            let after = load(tx, &group_id)?;
            let event = Event::done(
                actor.audit_ref(),
                action,
                audit_target(&group_id, &after.display_name),
            )
            .with_change(
                before.and_then(|b| serde_json::to_value(b).ok()),
                serde_json::to_value(&after).ok(),
            );
            audit::append(tx, clock, &event)?;
            Ok(after)
        },
    )?;
    Ok((saved, Change::one(Entity::SecurityGroup, group_id)))
}

/// Deletes a group that holds no live access assignment.
pub fn delete_group(store: &Store, clock: &dyn Clock, actor: &Actor, id: &str) -> Result<Change> {
    let id = parse_id("id", id)?;
    guarded_write(
        store,
        clock,
        actor,
        "security_group.delete",
        audit_target(&id, ""),
        |tx| {
            require(tx, actor, Action::ManageRelationships)?;
            let before = load(tx, &id)?;
            let live: u32 = tx
            .prepare_cached(
                "SELECT count(*) FROM access_assignments WHERE group_id = ?1 AND status <> 'deleted'",
            )?
            .query_row([&id], |r| r.get(0))?;
            if live > 0 {
                let name = &before.display_name;
                return Err(Error::invalid_state(text!(
                "'{name}' holds roles in {live} relationship(s); remove those access assignments first",
                "Grupa „{name}” ma role w relacjach ({live}); najpierw usuń te przypisania dostępu"
            )));
            }
            // Its deleted assignments go with it; the audit log keeps their history.
            tx.execute("DELETE FROM access_assignments WHERE group_id = ?1", [&id])?;
            tx.execute("DELETE FROM security_groups WHERE id = ?1", [&id])?;
            let event = Event::done(
                actor.audit_ref(),
                "security_group.delete",
                audit_target(&id, &before.display_name),
            )
            .with_change(serde_json::to_value(&before).ok(), None);
            audit::append(tx, clock, &event)?;
            Ok(())
        },
    )?;
    Ok(Change::one(Entity::SecurityGroup, id))
}
