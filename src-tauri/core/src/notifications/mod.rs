//! The notification centre: notifications made by the core from events (a
//! change to a subscription the partner is partner of record on) and by the
//! clock (at start and hourly). Each has a unique cause key, so neither a
//! second run nor a restart repeats one. Read state and the kinds a staff
//! member wants are per staff member.

mod partner_center;
mod rules;
#[cfg(test)]
mod tests;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{allows, guarded_read, guarded_write, require, Action};
use crate::audit::Target;
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::ids::{new_id, parse_id};
use crate::paging::page_size;
use crate::store::Store;
use crate::subscriptions::Subscription;

pub use partner_center::webhook_event;
pub use rules::{ClockRule, CLOCK_RULES};

/// Kinds made from events rather than by a clock rule.
pub const KIND_PARTNER_OF_RECORD: &str = "partner_of_record";
/// An automatic or manual backup failed (decision 0030); seen by those who manage backups.
pub const KIND_BACKUP_FAILED: &str = "backup_failed";
/// A delegated-administration relationship changed (approved, activated,
/// expired, terminated, auto-extended, an access assignment made or removed);
/// seen by those who manage relationships (decision 0045).
pub const KIND_DELEGATED_ADMIN: &str = "delegated_admin";

/// Every kind a staff member can switch off: the event kinds and one per clock rule.
pub fn kinds() -> Vec<&'static str> {
    let mut kinds = vec![
        KIND_PARTNER_OF_RECORD,
        KIND_BACKUP_FAILED,
        KIND_DELEGATED_ADMIN,
    ];
    for rule in CLOCK_RULES {
        if !kinds.contains(&rule.kind) {
            kinds.push(rule.kind);
        }
    }
    kinds
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Notification {
    pub id: String,
    pub kind: String,
    pub event: String,
    /// subscription, relationship, offer, company (what "open" opens).
    pub object_kind: String,
    pub object_id: String,
    /// The customer it concerns (subscriptions and relationships open there).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    pub subject: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_value: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_value: Option<String>,
    /// YYYY-MM-DD the cause falls due, when it has one.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    pub created_at: String,
    pub read: bool,
    /// The Partner Center webhook event of the same change (`subscription-updated`,
    /// `granular-admin-relationship-approved`, …), when Partner Center raises one.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_center_event: Option<String>,
}

/// A notification about to be made; `cause_key` decides whether it is new.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub cause_key: String,
    pub kind: &'static str,
    pub event: String,
    pub object_kind: &'static str,
    pub object_id: String,
    pub customer_id: Option<String>,
    pub subject: String,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub due: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct NotificationQuery {
    #[serde(default)]
    pub unread_only: bool,
    /// One kind only; every wanted kind when absent.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NotificationList {
    /// Newest first.
    pub items: Vec<Notification>,
    /// Unread among the kinds the staff member wants (the header's count).
    pub unread: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KindSetting {
    pub kind: String,
    pub enabled: bool,
}

/// Makes the notification unless one with the same cause exists; true if new.
pub fn notify(tx: &Connection, clock: &dyn Clock, draft: &Draft) -> Result<bool> {
    let made = tx
        .prepare_cached(
            "INSERT INTO notifications (id, cause_key, kind, event, object_kind, object_id,
                 subject, from_value, to_value, due, created_at, customer_id, made_order)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                 (SELECT coalesce(max(made_order), 0) + 1 FROM notifications))
             ON CONFLICT (cause_key) DO NOTHING",
        )?
        .execute(params![
            new_id(),
            draft.cause_key,
            draft.kind,
            draft.event,
            draft.object_kind,
            draft.object_id,
            draft.subject,
            draft.from_value,
            draft.to_value,
            draft.due,
            to_rfc3339(clock.now())?,
            draft.customer_id
        ])?;
    Ok(made > 0)
}

fn subject_of(s: &Subscription) -> String {
    format!("{} — {}", s.customer_name, s.service_title)
}

/// The one hook for subscription changes (staff's and the clock's): while the
/// partner is partner of record on it, the change becomes a notification.
/// `event` is the history row's kind (quantity, suspended, renewed, ...).
pub fn subscription_changed(
    tx: &Connection,
    clock: &dyn Clock,
    before: &Subscription,
    after: &Subscription,
    event: &str,
) -> Result<()> {
    if !(before.partner_of_record || after.partner_of_record) {
        return Ok(());
    }
    // The latest history row names this change exactly, even within one second.
    let change_id: i64 = tx
        .prepare_cached(
            "SELECT coalesce(max(id), 0) FROM subscription_changes WHERE subscription_id = ?1",
        )?
        .query_row([&after.id], |r| r.get(0))?;
    let (from_value, to_value) = match event {
        "quantity" => (
            Some(before.quantity.to_string()),
            Some(after.quantity.to_string()),
        ),
        "renewed" => (Some(date(&before.ends_at)), Some(date(&after.ends_at))),
        // "10 × Business Basic" → "3 × Business Standard" (a partial upgrade's
        // new subscription) or "10 × Business Standard" (in place).
        "upgraded" => (
            Some(format!("{} × {}", before.quantity, before.service_title)),
            Some(format!("{} × {}", after.quantity, after.service_title)),
        ),
        "partner_of_record" => (
            Some(on_off(before.partner_of_record)),
            Some(on_off(after.partner_of_record)),
        ),
        "auto_renew" => (
            Some(on_off(before.auto_renew)),
            Some(on_off(after.auto_renew)),
        ),
        _ => (
            Some(before.status.as_str().to_owned()),
            Some(after.status.as_str().to_owned()),
        ),
    };
    notify(
        tx,
        clock,
        &Draft {
            cause_key: format!("{KIND_PARTNER_OF_RECORD}:{}:{event}:{change_id}", after.id),
            kind: KIND_PARTNER_OF_RECORD,
            event: event.to_owned(),
            object_kind: "subscription",
            object_id: after.id.clone(),
            customer_id: Some(after.customer_id.clone()),
            subject: subject_of(after),
            from_value,
            to_value,
            due: None,
        },
    )?;
    Ok(())
}

fn on_off(value: bool) -> String {
    if value { "on" } else { "off" }.into()
}

pub(crate) fn date(text: &str) -> String {
    text.get(..10).unwrap_or(text).to_owned()
}

/// How long a notification is kept. Every cause a clock rule finds lies days
/// ahead, so a pruned one cannot come back; only a condition still true after
/// this long (an incomplete company profile, a key still unredeemed) is said
/// again, as a reminder.
pub const RETENTION_DAYS: i64 = 180;

/// Runs every clock rule and drops notifications older than [`RETENTION_DAYS`];
/// a change when anything was made or dropped.
pub fn apply_clock(store: &Store, clock: &dyn Clock) -> Result<Option<Change>> {
    let now = clock.now();
    let cutoff = to_rfc3339(crate::clock::add_days(now, -RETENTION_DAYS)?)?;
    store.write(|tx| {
        let mut made = Vec::new();
        for rule in CLOCK_RULES {
            for draft in (rule.find)(tx, now)? {
                if notify(tx, clock, &draft)? {
                    made.push(draft.cause_key);
                }
            }
        }
        // Their read marks go with them (ON DELETE CASCADE).
        let dropped = tx.execute("DELETE FROM notifications WHERE created_at < ?1", [&cutoff])?;
        Ok((!made.is_empty() || dropped > 0).then(|| Change::of(Entity::Notification)))
    })
}

const COLUMNS: &str = "n.id, n.kind, n.event, n.object_kind, n.object_id, n.subject, n.from_value,
    n.to_value, n.due, n.created_at, r.read_at IS NOT NULL, n.customer_id";
const FROM: &str = "notifications n
    LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.staff_id = ?1";
const WANTED: &str =
    "n.kind NOT IN (SELECT kind FROM notification_muted_kinds WHERE staff_id = ?1)";

/// The notifications' objects the staff member may open: customers' subscriptions
/// and relationships need customer access, offers the offers permission; the
/// delegated-admin kind is for those who manage relationships.
fn visible(conn: &Connection, actor: &Actor) -> Result<String> {
    let mut kinds = vec!["'company'"];
    for (action, kind) in [
        (Action::ViewSubscriptions, "'subscription'"),
        (Action::ViewCustomers, "'relationship'"),
        (Action::ManagePurchaseOffers, "'offer'"),
        (Action::ViewProductKeys, "'product_key'"),
        (Action::ManageBackups, "'backup'"),
    ] {
        if allows(conn, actor, action)? {
            kinds.push(kind);
        }
    }
    let mut clause = format!("n.object_kind IN ({})", kinds.join(", "));
    if !allows(conn, actor, Action::ManageRelationships)? {
        clause.push_str(&format!(" AND n.kind <> '{KIND_DELEGATED_ADMIN}'"));
    }
    Ok(clause)
}

fn notifications_target() -> Target {
    Target {
        kind: "notification",
        id: None,
        label: "own notifications".into(),
    }
}

fn notification(row: &Row<'_>) -> rusqlite::Result<Notification> {
    let (event, object_kind): (String, String) = (row.get(2)?, row.get(3)?);
    Ok(Notification {
        id: row.get(0)?,
        kind: row.get(1)?,
        partner_center_event: webhook_event(&object_kind, &event).map(str::to_owned),
        event,
        object_kind,
        object_id: row.get(4)?,
        customer_id: row.get(11)?,
        subject: row.get(5)?,
        from_value: row.get(6)?,
        to_value: row.get(7)?,
        due: row.get(8)?,
        created_at: row.get(9)?,
        read: row.get(10)?,
    })
}

/// The wanted, visible notifications less those the staff member read, from
/// the tallies the triggers keep (migration 0010): a few rows, however many
/// notifications there are. A read mark is unique per notification and staff
/// member, so the difference is the count of unread ones.
fn unread(conn: &Connection, actor: &Actor) -> Result<u32> {
    let visible = visible(conn, actor)?;
    Ok(conn
        .prepare_cached(&format!(
            "SELECT coalesce((SELECT sum(n.notifications) FROM notification_tally n
                              WHERE {WANTED} AND {visible}), 0)
                  - coalesce((SELECT sum(n.reads) FROM notification_read_tally n
                              WHERE n.staff_id = ?1 AND {WANTED} AND {visible}), 0)"
        ))?
        .query_row([&actor.id], |r| r.get(0))?)
}

/// The bell's page: newest first, ties in the order they were made (a
/// replicated number, migration 0022), read along `notifications_by_created`
/// without sorting.
fn list_sql(visible: &str) -> String {
    format!(
        "SELECT {COLUMNS} FROM {FROM}
         WHERE {WANTED} AND {visible} AND (?2 = 0 OR r.read_at IS NULL) AND (?3 IS NULL OR n.kind = ?3)
         ORDER BY n.created_at DESC, n.made_order DESC LIMIT ?4"
    )
}

/// The signed-in staff member's notifications, of the kinds they want, newest first.
pub fn list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    query: &NotificationQuery,
) -> Result<NotificationList> {
    let limit = page_size(query.limit, text!("notifications", "powiadomień"))?;
    let kind = query.kind.as_deref().filter(|k| !k.is_empty());
    if let Some(kind) = kind {
        if !kinds().contains(&kind) {
            return Err(Error::validation(
                "kind",
                text!(
                    "no notification kind '{kind}'",
                    "nie ma rodzaju powiadomień „{kind}”"
                ),
            ));
        }
    }
    let target = notifications_target();
    guarded_read(store, clock, actor, "notification.list", target, |conn| {
        require(conn, actor, Action::ViewNotifications)?;
        let items = conn
            .prepare_cached(&list_sql(&visible(conn, actor)?))?
            .query_map(
                params![actor.id, query.unread_only, kind, limit],
                notification,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(NotificationList {
            items,
            unread: unread(conn, actor)?,
        })
    })
}

/// Marks one notification read for the signed-in staff member.
pub fn mark_read(store: &Store, clock: &dyn Clock, actor: &Actor, id: &str) -> Result<Change> {
    let id = parse_id("id", id)?;
    let now = to_rfc3339(clock.now())?;
    let target = notifications_target();
    guarded_write(store, clock, actor, "notification.read", target, |tx| {
        require(tx, actor, Action::ViewNotifications)?;
        let exists: Option<String> = tx
            .prepare_cached("SELECT id FROM notifications WHERE id = ?1")?
            .query_row([&id], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Err(Error::NotFound {
                entity: "notification",
                id,
            });
        }
        tx.execute(
            "INSERT OR IGNORE INTO notification_reads (notification_id, staff_id, read_at)
             VALUES (?1, ?2, ?3)",
            params![id, actor.id, now],
        )?;
        Ok(Change::one(Entity::Notification, id))
    })
}

/// Marks every notification of the wanted kinds read for the signed-in staff member.
pub fn mark_all_read(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<Change> {
    let now = to_rfc3339(clock.now())?;
    let target = notifications_target();
    guarded_write(store, clock, actor, "notification.read", target, |tx| {
        require(tx, actor, Action::ViewNotifications)?;
        tx.execute(
            &format!(
                "INSERT OR IGNORE INTO notification_reads (notification_id, staff_id, read_at)
                 SELECT n.id, ?1, ?2 FROM notifications n WHERE {WANTED} AND {}",
                visible(tx, actor)?
            ),
            params![actor.id, now],
        )?;
        Ok(Change::of(Entity::Notification))
    })
}

/// Which kinds the signed-in staff member wants, every kind listed.
pub fn kind_settings(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<Vec<KindSetting>> {
    let target = notifications_target();
    guarded_read(store, clock, actor, "notification.kinds", target, |conn| {
        require(conn, actor, Action::ViewNotifications)?;
        let muted: Vec<String> = conn
            .prepare_cached("SELECT kind FROM notification_muted_kinds WHERE staff_id = ?1")?
            .query_map([&actor.id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(kinds()
            .into_iter()
            .map(|kind| KindSetting {
                kind: kind.to_owned(),
                enabled: !muted.iter().any(|m| m == kind),
            })
            .collect())
    })
}

/// Saves which kinds the signed-in staff member wants; kinds not named keep their setting.
pub fn set_kind_settings(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    settings: &[KindSetting],
) -> Result<(Vec<KindSetting>, Change)> {
    let known = kinds();
    for setting in settings {
        if !known.contains(&setting.kind.as_str()) {
            return Err(Error::validation("kind", {
                let kind = &setting.kind;
                text!(
                    "no notification kind '{kind}'",
                    "nie ma rodzaju powiadomień „{kind}”"
                )
            }));
        }
    }
    let target = notifications_target();
    guarded_write(store, clock, actor, "notification.kinds", target, |tx| {
        require(tx, actor, Action::ViewNotifications)?;
        for setting in settings {
            if setting.enabled {
                tx.execute(
                    "DELETE FROM notification_muted_kinds WHERE staff_id = ?1 AND kind = ?2",
                    params![actor.id, setting.kind],
                )?;
            } else {
                tx.execute(
                    "INSERT OR IGNORE INTO notification_muted_kinds (staff_id, kind) VALUES (?1, ?2)",
                    params![actor.id, setting.kind],
                )?;
            }
        }
        Ok(())
    })?;
    Ok((
        kind_settings(store, clock, actor)?,
        Change::of(Entity::Notification),
    ))
}
