//! Access assignments: which of the partner's security groups holds which of
//! an active relationship's roles (Graph `delegatedAdminAccessAssignment`).
//! Partnerdesk records what staff did in Partner Center, so an assignment is
//! recorded active and removed as deleted; Graph's pending, deleting and error
//! are stored when they come from Graph (decision 0045).

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::notify::{relationship_event, RelationshipNotice};
use super::{groups, load as load_relationship, roles, Relationship};
use crate::access::{guarded_read, guarded_write, read_target, require, Action};
use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::ids::{new_id, parse_id};
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AssignmentStatus {
    Pending,
    Active,
    Deleting,
    Deleted,
    Error,
}

impl AssignmentStatus {
    const ALL: [AssignmentStatus; 5] = [
        AssignmentStatus::Pending,
        AssignmentStatus::Active,
        AssignmentStatus::Deleting,
        AssignmentStatus::Deleted,
        AssignmentStatus::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentStatus::Pending => "pending",
            AssignmentStatus::Active => "active",
            AssignmentStatus::Deleting => "deleting",
            AssignmentStatus::Deleted => "deleted",
            AssignmentStatus::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<AssignmentStatus> {
        AssignmentStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AccessAssignment {
    pub id: String,
    pub relationship_id: String,
    pub group_id: String,
    pub group_name: String,
    /// Role-definition ids, a subset of the relationship's.
    pub roles: Vec<String>,
    pub status: AssignmentStatus,
    pub created_at: String,
    pub created_by: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct AssignmentInput {
    pub relationship_id: String,
    pub group_id: String,
    pub roles: Vec<String>,
}

/// What one of our staff can do in a customer's tenant, through the groups
/// they are members of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StaffAccess {
    pub staff_id: String,
    pub display_name: String,
    pub relationship_id: String,
    /// Through which groups.
    pub groups: Vec<String>,
    pub roles: Vec<String>,
}

/// A customer's delegated access: every assignment (deleted ones too, for
/// history) and who can do what now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DelegatedAccess {
    pub assignments: Vec<AccessAssignment>,
    pub staff: Vec<StaffAccess>,
}

const COLUMNS: &str = "a.id, a.relationship_id, a.group_id, g.display_name, a.roles, a.status,
    a.created_at, a.created_by";
const FROM: &str = "access_assignments a JOIN security_groups g ON g.id = a.group_id";

fn assignment(row: &Row<'_>) -> rusqlite::Result<AccessAssignment> {
    let roles: String = row.get(4)?;
    let status: String = row.get(5)?;
    Ok(AccessAssignment {
        id: row.get(0)?,
        relationship_id: row.get(1)?,
        group_id: row.get(2)?,
        group_name: row.get(3)?,
        roles: roles.split(',').map(str::to_owned).collect(),
        status: AssignmentStatus::parse(&status).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                5,
                rusqlite::types::Type::Text,
                format!("unknown assignment status '{status}'").into(),
            )
        })?,
        created_at: row.get(6)?,
        created_by: row.get(7)?,
    })
}

fn load(conn: &Connection, id: &str) -> Result<AccessAssignment> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM {FROM} WHERE a.id = ?1"))?
        .query_row([id], assignment)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "access assignment",
            id: id.to_owned(),
        })
}

fn of_relationship(conn: &Connection, relationship_id: &str) -> Result<Vec<AccessAssignment>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE a.relationship_id = ?1 ORDER BY a.created_at, a.id"
        ))?
        .query_map([relationship_id], assignment)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

fn audit_target(r: &Relationship) -> Target {
    Target {
        kind: "relationship",
        id: Some(r.id.clone()),
        label: r.display_name.clone(),
    }
}

fn change_of(r: &Relationship) -> Change {
    Change {
        entity: Entity::Relationship,
        ids: vec![r.id.clone(), r.customer_id.clone()],
    }
}

fn refuse_unless_active(r: &Relationship) -> Result<()> {
    if r.state.is_active() {
        return Ok(());
    }
    let name = &r.display_name;
    let (state, state_pl) = (r.state.describe(), r.state.describe_pl());
    Err(Error::invalid_state(text!(
        "'{name}' is {state}; Microsoft takes access assignments only on an active relationship",
        "Relacja „{name}” ma stan: {state_pl}; Microsoft przyjmuje przypisania dostępu tylko dla aktywnej relacji"
    )))
}

/// Gives a security group some of an active relationship's roles.
pub fn create_assignment(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    input: &AssignmentInput,
) -> Result<(AccessAssignment, Change)> {
    let relationship_id = parse_id("relationship_id", &input.relationship_id)?;
    let group_id = parse_id("group_id", &input.group_id)?;
    let wanted = roles::normalize("roles", &input.roles)?;
    let now = to_rfc3339(clock.now())?;
    let target = read_target("relationship", Some(&relationship_id), "");
    let (made, r) = guarded_write(store, clock, actor, "relationship.assign", target, |tx| {
        require(tx, actor, Action::ManageRelationships)?;
        let r = load_relationship(tx, &relationship_id)?;
        refuse_unless_active(&r)?;
        let group = groups::load(tx, &group_id)?;
        if let Some(outside) = wanted.iter().find(|role| !r.roles.contains(role)) {
            let (en, pl, name) = (
                roles::name_en(outside),
                roles::name_pl(outside),
                &r.display_name,
            );
            return Err(Error::validation(
                "roles",
                text!(
                    "'{name}' does not grant {en}; an assignment can hold only the relationship's roles",
                    "Relacja „{name}” nie nadaje roli {pl}; przypisanie może obejmować tylko role relacji"
                ),
            ));
        }
        let live: Option<String> = tx
            .prepare_cached(
                "SELECT id FROM access_assignments
                 WHERE relationship_id = ?1 AND group_id = ?2 AND status <> 'deleted'",
            )?
            .query_row(params![relationship_id, group_id], |row| row.get(0))
            .optional()?;
        if live.is_some() {
            let group_name = &group.display_name;
            return Err(Error::conflict(
                "group_id",
                text!(
                    "'{group_name}' already has an access assignment in this relationship; remove it first to change its roles",
                    "Grupa „{group_name}” ma już przypisanie dostępu w tej relacji; aby zmienić role, najpierw je usuń"
                ),
            ));
        }
        let id = new_id();
        tx.execute(
            "INSERT INTO access_assignments (id, relationship_id, group_id, roles, status,
                 created_at, created_by, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'active', ?5, ?6, ?5)",
            params![
                id,
                relationship_id,
                group_id,
                wanted.join(","),
                now,
                actor.display_name
            ],
        )?;
        let made = load(tx, &id)?;
        let after = load_relationship(tx, &relationship_id)?;
        let event = Event {
            detail: format!(
                "{} → {}",
                group.display_name,
                roles::names(&made.roles, "en")
            ),
            ..Event::done(
                actor.audit_ref(),
                "relationship.assign",
                audit_target(&after),
            )
        }
        .with_change(None, serde_json::to_value(&made).ok());
        audit::append(tx, clock, &event)?;
        relationship_event(
            tx,
            clock,
            &after,
            RelationshipNotice::AssignmentCreated,
            &id,
            (None, Some(group.display_name.clone())),
        )?;
        Ok((made, after))
    })?;
    Ok((made, change_of(&r)))
}

/// Marks an assignment deleted; its group no longer holds the roles.
fn delete_in(
    tx: &Connection,
    clock: &dyn Clock,
    r: &Relationship,
    a: &AccessAssignment,
    now: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE access_assignments SET status = 'deleted', deleted_at = ?1, updated_at = ?1 WHERE id = ?2",
        params![now, a.id],
    )?;
    relationship_event(
        tx,
        clock,
        r,
        RelationshipNotice::AssignmentDeleted,
        &a.id,
        (Some(a.group_name.clone()), None),
    )
}

pub fn delete_assignment(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<Change> {
    let id = parse_id("id", id)?;
    let now = to_rfc3339(clock.now())?;
    let target = read_target("relationship", None, "access assignment");
    let r = guarded_write(store, clock, actor, "relationship.unassign", target, |tx| {
        require(tx, actor, Action::ManageRelationships)?;
        let before = load(tx, &id)?;
        if before.status == AssignmentStatus::Deleted {
            let group = &before.group_name;
            return Err(Error::invalid_state(text!(
                "the access assignment of '{group}' is already deleted",
                "przypisanie dostępu grupy „{group}” jest już usunięte"
            )));
        }
        let r = load_relationship(tx, &before.relationship_id)?;
        delete_in(tx, clock, &r, &before, &now)?;
        let after = load(tx, &id)?;
        let event = Event {
            detail: before.group_name.clone(),
            ..Event::done(actor.audit_ref(), "relationship.unassign", audit_target(&r))
        }
        .with_change(
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        audit::append(tx, clock, &event)?;
        load_relationship(tx, &r.id)
    })?;
    Ok(change_of(&r))
}

/// Takes `role` out of `r`'s live assignments (removing Global
/// Administrator); an assignment left without a role is deleted.
pub(crate) fn drop_role_in(
    tx: &Connection,
    clock: &dyn Clock,
    r: &Relationship,
    role: &str,
    now: &str,
) -> Result<()> {
    for a in of_relationship(tx, &r.id)? {
        if a.status == AssignmentStatus::Deleted || !a.roles.iter().any(|x| x == role) {
            continue;
        }
        let left: Vec<String> = a
            .roles
            .iter()
            .filter(|x| x.as_str() != role)
            .cloned()
            .collect();
        if left.is_empty() {
            delete_in(tx, clock, r, &a, now)?;
        } else {
            tx.execute(
                "UPDATE access_assignments SET roles = ?1, updated_at = ?2 WHERE id = ?3",
                params![left.join(","), now, a.id],
            )?;
        }
    }
    Ok(())
}

/// An ended relationship (expired, terminated) holds no assignment any more.
pub(crate) fn end_all_in(tx: &Connection, relationship_id: &str, now: &str) -> Result<()> {
    tx.execute(
        "UPDATE access_assignments SET status = 'deleted', deleted_at = ?1, updated_at = ?1
         WHERE relationship_id = ?2 AND status <> 'deleted'",
        params![now, relationship_id],
    )?;
    Ok(())
}

/// The customer's access assignments and which of our staff can do what
/// there through their groups (active assignments of active relationships).
pub fn delegated_access(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
) -> Result<DelegatedAccess> {
    let customer_id = parse_id("customer_id", customer_id)?;
    let target = read_target("customer", Some(&customer_id), "delegated access");
    guarded_read(store, clock, actor, "relationship.access", target, |conn| {
        require(conn, actor, Action::ViewCustomers)?;
        crate::customers::load(conn, &customer_id)?;
        let assignments = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM {FROM} JOIN relationships r ON r.id = a.relationship_id
                 WHERE r.customer_id = ?1 ORDER BY a.created_at, a.id"
            ))?
            .query_map([&customer_id], assignment)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let rows: Vec<(String, String, String, String, String)> = conn
            .prepare_cached(
                "SELECT s.id, s.display_name, a.relationship_id, g.display_name, a.roles
                 FROM access_assignments a
                 JOIN relationships r ON r.id = a.relationship_id
                 JOIN security_groups g ON g.id = a.group_id
                 JOIN security_group_members m ON m.group_id = a.group_id
                 JOIN staff s ON s.id = m.staff_id
                 WHERE r.customer_id = ?1 AND a.status = 'active'
                   AND r.state IN ('active', 'expiring') AND s.status = 'active'
                 ORDER BY s.display_name COLLATE NOCASE, s.id, a.relationship_id, g.display_name",
            )?
            .query_map([&customer_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut staff: Vec<StaffAccess> = Vec::new();
        for (staff_id, display_name, relationship_id, group, role_list) in rows {
            let at = match staff
                .iter()
                .position(|s| s.staff_id == staff_id && s.relationship_id == relationship_id)
            {
                Some(at) => at,
                None => {
                    staff.push(StaffAccess {
                        staff_id,
                        display_name,
                        relationship_id,
                        groups: Vec::new(),
                        roles: Vec::new(),
                    });
                    staff.len() - 1
                }
            };
            let entry = &mut staff[at];
            entry.groups.push(group);
            for role in role_list.split(',') {
                if !entry.roles.iter().any(|r| r == role) {
                    entry.roles.push(role.to_owned());
                }
            }
        }
        Ok(DelegatedAccess { assignments, staff })
    })
}
