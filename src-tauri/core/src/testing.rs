//! Fixtures for the core's tests: a set-up database and staff in any role.

use time::macros::datetime;

use crate::access::{CompanyRole, CustomerAccess};
use crate::auth::{Actor, Sessions};
use crate::clock::ManualClock;
use crate::company::CompanyProfile;
use crate::setup::{self, SetupInput};
use crate::staff::{self, StaffInput};
use crate::store::Store;

pub const ADMIN_EMAIL: &str = "anna.admin@contoso.pl";
pub const ADMIN_PASSWORD: &str = "first admin password";

pub struct World {
    _dir: tempfile::TempDir,
    pub store: Store,
    pub clock: ManualClock,
    pub sessions: Sessions,
    pub admin: Actor,
}

pub fn company() -> CompanyProfile {
    CompanyProfile {
        legal_name: "Contoso Partner Sp. z o.o.".into(),
        street: String::new(),
        city: String::new(),
        postal_code: String::new(),
        country: "PL".into(),
        phone: String::new(),
        email: String::new(),
        website: String::new(),
        partner_id: String::new(),
        partner_tenant_id: String::new(),
        authorized_delegated_admin: true,
        authorized_subscription_advisor: true,
        default_currency: "PLN".into(),
        default_language: "pl".into(),
    }
}

/// A database after the first-run wizard, with the first global admin signed in.
pub fn world() -> World {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("t.sqlite3")).expect("store");
    let clock = ManualClock::at(datetime!(2026-11-25 09:00:00 UTC));
    let sessions = Sessions::default();
    setup::complete(
        &store,
        &clock,
        &sessions,
        &SetupInput {
            company: company(),
            display_name: "Anna Admin".into(),
            email: ADMIN_EMAIL.into(),
            password: ADMIN_PASSWORD.into(),
        },
    )
    .expect("setup");
    let admin = sessions.actor(&store, &clock).expect("signed in");
    World {
        _dir: dir,
        store,
        clock,
        sessions,
        admin,
    }
}

impl World {
    /// Adds a staff member (as the first admin) and returns them as an actor
    /// who has already replaced the temporary password.
    pub fn staff(&self, name: &str, role: CompanyRole, access: CustomerAccess) -> Actor {
        let email = format!("{}@contoso.pl", name.to_lowercase().replace(' ', "."));
        let (issued, _) = staff::create(
            &self.store,
            &self.clock,
            &self.admin,
            &StaffInput {
                display_name: name.into(),
                email: email.clone(),
                role: role.as_str().into(),
                customer_access: access.as_str().into(),
            },
        )
        .expect("create staff");
        self.store
            .write(|tx| {
                tx.execute(
                    "UPDATE staff SET must_change_password = 0 WHERE id = ?1",
                    [&issued.staff.id],
                )?;
                Ok(())
            })
            .expect("clear flag");
        Actor {
            id: issued.staff.id,
            display_name: name.into(),
            email,
            role,
            customer_access: access,
            must_change_password: false,
        }
    }

    /// A customer named `name` on `<domain>.onmicrosoft.com` (plus `others`); its id.
    pub fn customer(&self, name: &str, domain: &str, others: &[&str]) -> String {
        let input = crate::customers::CustomerInput {
            company_name: name.into(),
            default_domain: domain.into(),
            other_domains: others.iter().map(|d| (*d).to_owned()).collect(),
            contact_email: format!("it@{domain}.pl"),
            ..Default::default()
        };
        crate::customers::create(&self.store, &self.clock, &self.admin, &input)
            .expect("create customer")
            .0
            .id
    }

    /// Offers delegated administration and records the customer's acceptance;
    /// the relationship's id.
    pub fn activate(&self, customer_id: &str) -> String {
        let offer = crate::relationships::RelationshipOffer {
            customer_id: customer_id.into(),
            display_name: format!("GDAP {customer_id}"),
            roles: vec!["global_admin".into()],
            duration_days: 365,
            auto_extend: false,
            request_approval: true,
        };
        let (r, _) = crate::relationships::offer(&self.store, &self.clock, &self.admin, &offer)
            .expect("offer");
        crate::relationships::record_acceptance(&self.store, &self.clock, &self.admin, &r.id, None)
            .expect("accept");
        r.id
    }

    /// A customer the partner may administer: (customer id, relationship id).
    pub fn active_customer(&self, name: &str, domain: &str, others: &[&str]) -> (String, String) {
        let customer = self.customer(name, domain, others);
        let relationship = self.activate(&customer);
        (customer, relationship)
    }

    /// Records the partner ID that trial and offer links carry, bypassing the
    /// profile's own checks, so a test can also see what a hostile value does.
    pub fn set_partner_id(&self, partner_id: &str) {
        self.store
            .write(|tx| {
                tx.execute("UPDATE company_profile SET partner_id = ?1", [partner_id])?;
                Ok(())
            })
            .expect("partner id");
    }

    /// Withdraws the partner's subscription-advisor authorization behind the
    /// profile's back, as if Microsoft had.
    pub fn withdraw_subscription_advisor(&self) {
        self.store
            .write(|tx| {
                tx.execute(
                    "UPDATE company_profile SET authorized_subscription_advisor = 0",
                    [],
                )?;
                Ok(())
            })
            .expect("withdraw the authorization");
    }

    pub fn audit_actions(&self) -> Vec<(String, String, String)> {
        self.store
            .read(|c| {
                let mut s =
                    c.prepare("SELECT action, outcome, actor_name FROM audit_log ORDER BY seq")?;
                let rows = s
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(rows)
            })
            .expect("audit")
    }
}
