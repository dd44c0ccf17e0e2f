//! In-process "desktops" for the team tests: the partnerdesk-client crate
//! exactly as the desktop shell uses it.
use std::path::Path;
use std::time::Duration;

use partnerdesk_client::{Connection, Executed, Replica, SignedIn, SyncState};
use partnerdesk_core::commands::Command;
use partnerdesk_core::store::Scope;
use serde_json::{json, Value};

pub const ADMIN_EMAIL: &str = "anna.admin@contoso.pl";
pub const ADMIN_PASSWORD: &str = "first admin password";
pub const STAFF_PASSWORD: &str = "a long password of my own";

pub fn command(json: Value) -> Command {
    serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{json}: {e}"))
}

/// The first-run wizard against an empty server; the admin's connection.
pub async fn set_up(base: &str) -> (Connection, SignedIn) {
    let connection = Connection::connect(base).await.expect("connect");
    let signed = connection
        .set_up(&json!({
            "company": {
                "legal_name": "Contoso Partner Sp. z o.o.", "street": "", "city": "",
                "postal_code": "", "country": "PL", "phone": "", "email": "", "website": "",
                "partner_id": "", "partner_tenant_id": "",
                "authorized_delegated_admin": true, "authorized_subscription_advisor": true,
                "default_currency": "PLN", "default_language": "pl"
            },
            "display_name": "Anna Admin",
            "email": ADMIN_EMAIL,
            "password": ADMIN_PASSWORD,
        }))
        .await
        .expect("set-up");
    (connection, signed)
}

/// A new staff member created by `admin`, signed in on a connection of
/// their own with a password of their own. Returns (connection, staff id).
pub async fn staff_member(
    admin: &Connection,
    name: &str,
    email: &str,
    role: &str,
    access: &str,
) -> (Connection, String) {
    let created = admin
        .execute(&command(json!({ "command": "create_staff", "input": {
            "display_name": name, "email": email, "role": role, "customer_access": access
        }})))
        .await
        .expect("create staff");
    let value: Value = created.decode().unwrap();
    let temporary = value["temporary_password"]
        .as_str()
        .unwrap_or_else(|| panic!("no temporary password in {value}"))
        .to_owned();
    let connection = Connection::connect(admin.base_url()).await.unwrap();
    let signed = connection
        .sign_in(email, &temporary)
        .await
        .expect("sign in");
    connection
        .execute(&command(
            json!({ "command": "change_own_password", "change": {
                "current_password": temporary, "new_password": STAFF_PASSWORD
            }}),
        ))
        .await
        .expect("change own password");
    (connection, signed.staff_id().to_owned())
}

/// A desktop: a connection with `token` and its replica in `dir`, live.
pub async fn desktop(base: &str, token: &str, dir: &Path) -> (Connection, Replica) {
    let connection = Connection::connect(base).await.unwrap();
    connection.set_token(Some(token.to_owned()));
    let replica = Replica::open(&connection, dir).expect("open the replica");
    wait_live(&replica, Duration::from_secs(10)).await;
    (connection, replica)
}

pub async fn wait_live(replica: &Replica, within: Duration) {
    let mut state = replica.state();
    tokio::time::timeout(
        within,
        state.wait_for(|s| matches!(s, SyncState::Live { .. })),
    )
    .await
    .unwrap_or_else(|_| panic!("not live within {within:?}: {:?}", replica.state().borrow()))
    .unwrap();
}

pub fn create_customer(name: &str, domain: &str) -> Command {
    command(json!({ "command": "create_customer", "input": {
        "company_name": name, "default_domain": domain, "contact_email": format!("it@{domain}.pl")
    }}))
}

pub fn customer_names(replica: &Replica) -> Vec<String> {
    replica
        .store()
        .read(|c| {
            let mut statement =
                c.prepare("SELECT company_name FROM customers ORDER BY company_name")?;
            let names = statement
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(names)
        })
        .unwrap()
}

pub fn desktop_checksum(replica: &Replica) -> String {
    replica.store().content_checksum(Scope::Desktop).unwrap()
}

/// The audit actions (newest last) a replica holds.
pub fn audit_actions(replica: &Replica) -> Vec<(String, String)> {
    replica
        .store()
        .read(|c| {
            let mut statement = c.prepare("SELECT action, outcome FROM audit_log ORDER BY seq")?;
            let rows = statement
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<(String, String)>, _>>()?;
            Ok(rows)
        })
        .unwrap()
}

pub fn ok(executed: &Result<Executed, partnerdesk_client::ClientError>) -> bool {
    executed.is_ok()
}
