//! `POST /commands` and the other writes, executed by the core on the
//! instance's working copy (decision 0051). Nothing is decided here: the core
//! checks, refuses and audits; this module runs it under the command lock and
//! keeps each command's outcome so a retry gets the same answer.
use axum::http::StatusCode;
use deadpool_postgres::Object;
use partnerdesk_core::auth::{self, Sessions};
use partnerdesk_core::change::Change;
use partnerdesk_core::clock::{Clock, SystemClock};
use partnerdesk_core::commands::{self, Command, Executed, Hooks};
use partnerdesk_core::error::{ApiError, Error};
use partnerdesk_core::setup::{self, SetupInput};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{status_of, ServerError};
use crate::instance::{Instance, Ran};
use crate::log;

/// An HTTP answer decided on a blocking thread: the JSON as text, so a
/// command's value keeps the field order its type wrote (a
/// `serde_json::Value` — or PostgreSQL's jsonb — would sort the keys, and
/// screens compare a saved record with their draft as text).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub body: String,
}

/// The clock the server's core runs on.
pub fn clock() -> &'static dyn Clock {
    &SystemClock
}

/// `retried` comes first so a stored reply is marked by its prefix alone.
#[derive(Serialize)]
struct Done<'a> {
    retried: bool,
    seq: i64,
    value: &'a RawValue,
    changes: &'a [Change],
}

#[derive(Serialize)]
struct Refused {
    retried: bool,
    error: ApiError,
    seq: Option<i64>,
}

const FIRST_TIME: &str = "{\"retried\":false,";
const AGAIN: &str = "{\"retried\":true,";

fn json_text(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("a reply serialises")
}

/// The reply for what a command left: the contract's success or refusal body.
fn reply_of(ran: &Ran<Executed>) -> Reply {
    match &ran.result {
        Ok(executed) => Reply {
            status: StatusCode::OK,
            body: json_text(&Done {
                retried: false,
                seq: ran.last_seq.unwrap_or(ran.head),
                value: &executed.value,
                changes: &executed.changes,
            }),
        },
        Err(error) => refusal(error, ran.last_seq),
    }
}

fn refusal(error: &Error, seq: Option<i64>) -> Reply {
    Reply {
        status: status_of(error.code()),
        body: json_text(&Refused {
            retried: false,
            error: ApiError::from(error),
            seq,
        }),
    }
}

/// Executes `raw` (a [`Command`]'s JSON) for the signed-in `staff_id`, once
/// per `command_id` across every instance.
pub fn command(
    instance: &Instance,
    staff_id: &str,
    command_id: Uuid,
    raw: Value,
) -> Result<Reply, ServerError> {
    let request_hash = Sha256::digest(raw.to_string().as_bytes()).to_vec();
    let command: Command = serde_json::from_value(raw)
        .map_err(|e| ServerError::BadRequest(format!("not a command this server knows: {e}")))?;
    let rt = instance.runtime().clone();
    let known = |client: &Object| earlier_outcome(&rt, client, command_id, &request_hash);
    let work = |store: &partnerdesk_core::store::Store| {
        // Loaded again under the lock: a colleague may have blocked or
        // demoted this person since the request was authenticated.
        let actor = store
            .read(|c| auth::actor::load_active(c, staff_id))?
            .ok_or(Error::Unauthenticated)?;
        commands::execute(store, clock(), &actor, command, &Hooks::default())
    };
    let record = |client: &Object, ran: &Ran<Executed>| {
        let reply = reply_of(ran);
        rt.block_on(client.execute(
            "INSERT INTO command_outcomes (command_id, request_hash, status, body, seq)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &command_id,
                &request_hash,
                &(reply.status.as_u16() as i16),
                &reply.body,
                &ran.last_seq,
            ],
        ))?;
        Ok(())
    };
    match instance.run(command_id, staff_id, known, work, record)? {
        Ok(ran) => Ok(reply_of(&ran)),
        Err(earlier) => Ok(earlier),
    }
}

/// A retry's answer: the stored outcome, or (changes logged but the server
/// stopped before storing the outcome) the last change with no value.
fn earlier_outcome(
    rt: &tokio::runtime::Handle,
    client: &Object,
    command_id: Uuid,
    request_hash: &[u8],
) -> Result<Option<Reply>, ServerError> {
    let row = rt.block_on(client.query_opt(
        "SELECT request_hash, status, body FROM command_outcomes WHERE command_id = $1",
        &[&command_id],
    ))?;
    if let Some(row) = row {
        if row.get::<_, Vec<u8>>(0) != request_hash {
            return Err(ServerError::Conflict(format!(
                "command {command_id} was already executed with another body: \
                 a retry must send the same command"
            )));
        }
        let stored: String = row.get(2);
        let body = match stored.strip_prefix(FIRST_TIME) {
            Some(rest) => format!("{AGAIN}{rest}"),
            None => stored,
        };
        let status = StatusCode::from_u16(row.get::<_, i16>(1) as u16)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return Ok(Some(Reply { status, body }));
    }
    Ok(rt
        .block_on(log::last_of_command(&***client, command_id))?
        .map(|seq| Reply {
            status: StatusCode::OK,
            body: json!({ "retried": true, "seq": seq, "value": null, "changes": [] }).to_string(),
        }))
}

/// A write of the server's own (sign-in, sign-out, set-up, the clock): run
/// under the command lock with a fresh command id, its outcome not kept.
pub fn write<T>(
    instance: &Instance,
    actor: &str,
    work: impl FnOnce(&partnerdesk_core::store::Store) -> partnerdesk_core::error::Result<T>,
) -> Result<Ran<T>, ServerError> {
    let ran = instance.run(
        Uuid::new_v4(),
        actor,
        |_| Ok(None::<()>),
        work,
        |_, _| Ok(()),
    )?;
    Ok(ran.unwrap_or_else(|()| unreachable!("no earlier outcome is looked up")))
}

/// Checks the e-mail and password: one audited attempt, logged like any write.
pub fn sign_in(
    instance: &Instance,
    email: &str,
    password: &str,
) -> Result<Ran<auth::SessionInfo>, ServerError> {
    write(instance, "sign-in", |store| {
        let actor = auth::authenticate(store, clock(), email, password)?;
        auth::describe(store, actor)
    })
}

/// Audits the sign-out of `staff_id`.
pub fn sign_out(instance: &Instance, staff_id: &str) -> Result<Ran<()>, ServerError> {
    write(instance, staff_id, |store| {
        let sessions = Sessions::default();
        sessions.start(staff_id, clock().now());
        sessions.sign_out(store, clock())
    })
}

/// First run on an empty server: the company and its first global admin.
pub fn set_up(
    instance: &Instance,
    input: &SetupInput,
) -> Result<Ran<auth::SessionInfo>, ServerError> {
    write(instance, "set-up", |store| {
        setup::complete(store, clock(), &Sessions::default(), input).map(|(info, _)| info)
    })
}

pub fn refusal_reply(error: &Error, seq: Option<i64>) -> Reply {
    refusal(error, seq)
}
