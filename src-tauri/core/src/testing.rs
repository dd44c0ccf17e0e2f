//! Fixtures for the core's tests: a set-up database and staff in any role.

use time::macros::datetime;

use crate::access::{CompanyRole, CustomerAccess, PartnerAuthorizations};
use crate::auth::{Actor, Sessions};
use crate::clock::ManualClock;
use crate::company::CompanyProfile;
pub(crate) use crate::customers::RELATIONSHIP_STATES;
use crate::setup::{self, SetupInput};
use crate::staff::{self, StaffInput};
use crate::store::Store;

/// The Entra role the seed's limited relationships grant.
pub const USER_ADMINISTRATOR: &str = "fe930be7-5e62-47db-91af-98c3a49a38b1";
/// The Entra role of the seed's "password admin" level.
pub const PASSWORD_ADMINISTRATOR: &str = "966707d0-3269-4727-9be2-8c3a10f19b9d";

pub const ADMIN_EMAIL: &str = "anna.admin@contoso.pl";
pub const ADMIN_PASSWORD: &str = "first admin password";

/// Every combination of the partner's two authorizations: neither, delegated
/// admin, subscription advisor, both.
pub const PARTNERS: [PartnerAuthorizations; 4] = [
    PartnerAuthorizations {
        delegated_admin: false,
        subscription_advisor: false,
    },
    PartnerAuthorizations {
        delegated_admin: true,
        subscription_advisor: false,
    },
    PartnerAuthorizations {
        delegated_admin: false,
        subscription_advisor: true,
    },
    PartnerAuthorizations {
        delegated_admin: true,
        subscription_advisor: true,
    },
];

/// A well-formed product key unique to `n`.
pub fn key_text(n: u32) -> String {
    let alphabet: Vec<char> = crate::product_keys::ALPHABET.chars().collect();
    let mut digits = vec![alphabet[0]; 25];
    let (mut rest, mut at) = (n as usize, 24);
    while rest > 0 {
        digits[at] = alphabet[rest % alphabet.len()];
        rest /= alphabet.len();
        at -= 1;
    }
    let text: String = digits.into_iter().collect();
    (0..5)
        .map(|g| &text[g * 5..g * 5 + 5])
        .collect::<Vec<_>>()
        .join("-")
}

/// A paid subscription of `quantity` licences, the catalog's default term
/// and billing plan, renewing.
pub fn subscription_input(
    customer_id: &str,
    service_id: &str,
    quantity: u32,
) -> crate::subscriptions::SubscriptionInput {
    crate::subscriptions::SubscriptionInput {
        customer_id: customer_id.into(),
        service_id: service_id.into(),
        quantity,
        term: None,
        billing_plan: None,
        starts_at: None,
        auto_renew: true,
        trial: false,
    }
}

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
    world_at(tempfile::tempdir().expect("temp dir"))
}

/// [`world`] in memory-backed storage where the system has it (`/dev/shm`),
/// for tests that commit thousands of times: every commit is fsynced, and
/// on a disk the waiting, not the work, would be most of their time.
pub fn world_in_memory_backed() -> World {
    let shm = std::path::Path::new("/dev/shm");
    match shm
        .is_dir()
        .then(|| tempfile::tempdir_in(shm).ok())
        .flatten()
    {
        Some(dir) => world_at(dir),
        None => world(),
    }
}

/// [`world`] whose store hands every write to `gate` (team mode), the
/// first-run wizard's included.
pub fn world_gated(gate: std::sync::Arc<dyn crate::store::CommitGate>) -> World {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_gated(&dir.path().join("t.sqlite3"), gate).expect("store");
    world_with(dir, store)
}

fn world_at(dir: tempfile::TempDir) -> World {
    let store = Store::open(&dir.path().join("t.sqlite3")).expect("store");
    world_with(dir, store)
}

fn world_with(dir: tempfile::TempDir, store: Store) -> World {
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
            roles: vec![crate::relationships::roles::GLOBAL_ADMINISTRATOR.into()],
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

    /// Offers delegated administration, records its acceptance and lets
    /// Microsoft's activation finish (the clock goes on by those minutes, and
    /// back: the world's now is unchanged); the relationship's id.
    pub fn activate_fully(
        &self,
        customer_id: &str,
        offer: &crate::relationships::RelationshipOffer,
    ) -> String {
        use crate::relationships::{self, RelationshipState};
        let minutes = time::Duration::minutes(crate::relationships::ACTIVE_AFTER_MINUTES);
        self.clock.advance(-minutes);
        let offer = crate::relationships::RelationshipOffer {
            customer_id: customer_id.into(),
            ..offer.clone()
        };
        let (r, _) =
            relationships::offer(&self.store, &self.clock, &self.admin, &offer).expect("offer");
        let accepted_at =
            crate::clock::to_rfc3339(crate::clock::Clock::now(&self.clock)).expect("time");
        self.clock.advance(minutes);
        let (accepted, _) = relationships::record_acceptance(
            &self.store,
            &self.clock,
            &self.admin,
            &r.id,
            Some(&accepted_at),
        )
        .expect("accept");
        assert!(
            matches!(
                accepted.state,
                RelationshipState::Active | RelationshipState::Expiring
            ),
            "activated: {:?}",
            accepted.state
        );
        r.id
    }

    /// A customer the partner may administer: (customer id, relationship id).
    pub fn active_customer(&self, name: &str, domain: &str, others: &[&str]) -> (String, String) {
        let customer = self.customer(name, domain, others);
        let relationship = self.activate(&customer);
        (customer, relationship)
    }

    /// A customer whose delegated-administration state (as the customer list
    /// keeps it) is `state`, reached through the relationship functions: one of
    /// [`RELATIONSHIP_STATES`]. `expired` runs the clock past the end.
    pub fn customer_in_state(&self, name: &str, domain: &str, state: &str) -> String {
        use crate::relationships::{self, RelationshipOffer};
        let customer = self.customer(name, domain, &[]);
        let offer = |days: u32, request_approval: bool| {
            let offer = RelationshipOffer {
                customer_id: customer.clone(),
                display_name: format!("GDAP {customer}"),
                roles: vec![USER_ADMINISTRATOR.into()],
                duration_days: days,
                auto_extend: false,
                request_approval,
            };
            relationships::offer(&self.store, &self.clock, &self.admin, &offer)
                .expect("offer")
                .0
                .id
        };
        let accept = |id: &str| {
            relationships::record_acceptance(&self.store, &self.clock, &self.admin, id, None)
                .expect("accept");
        };
        let active = |days: u32| {
            let offer = RelationshipOffer {
                customer_id: customer.clone(),
                display_name: format!("GDAP {customer}"),
                roles: vec![USER_ADMINISTRATOR.into()],
                duration_days: days,
                auto_extend: false,
                request_approval: true,
            };
            self.activate_fully(&customer, &offer)
        };
        let clock_on = |minutes: i64| {
            self.clock.advance(time::Duration::minutes(minutes));
            relationships::apply_clock(&self.store, &self.clock).expect("clock");
        };
        match state {
            "none" => {}
            "created" => drop(offer(365, false)),
            "approval_pending" => drop(offer(365, true)),
            "approved" => accept(&offer(365, true)),
            "activating" => {
                accept(&offer(365, true));
                clock_on(relationships::ACTIVATING_AFTER_MINUTES);
            }
            "active" => drop(active(365)),
            // Within the last 30 days from the start.
            "expiring" => drop(active(20)),
            "expired" => {
                let id = active(20);
                self.store
                    .write(|tx| {
                        tx.execute(
                            "UPDATE relationships SET ends_at = '2000-01-01T00:00:00Z' WHERE id = ?1",
                            [&id],
                        )?;
                        Ok(())
                    })
                    .expect("end in the past");
                relationships::apply_clock(&self.store, &self.clock).expect("clock");
            }
            "termination_requested" | "terminating" | "terminated" => {
                let id = active(365);
                relationships::terminate(&self.store, &self.clock, &self.admin, &id)
                    .expect("terminate");
                match state {
                    "terminating" => clock_on(relationships::TERMINATING_AFTER_MINUTES),
                    "terminated" => clock_on(relationships::TERMINATED_AFTER_MINUTES),
                    _ => {}
                }
            }
            other => panic!("no relationship state '{other}'"),
        }
        let reached: String = self
            .store
            .read(|c| {
                Ok(c.query_row(
                    "SELECT relationship_state FROM customers WHERE id = ?1",
                    [&customer],
                    |r| r.get(0),
                )?)
            })
            .expect("state");
        assert_eq!(reached, state, "the seed reached the state");
        customer
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

    /// The catalog service whose title starts with `title_starts`.
    pub fn service(&self, title_starts: &str) -> crate::catalog::Service {
        crate::catalog::list(&self.store, &self.clock, &self.admin)
            .expect("catalog")
            .into_iter()
            .find(|s| s.title.starts_with(title_starts))
            .expect("service in the sample catalog")
    }

    /// Sets the partner's authorizations behind the profile's back, as if
    /// Microsoft had granted or withdrawn them.
    pub fn authorize(&self, partner: PartnerAuthorizations) {
        self.store
            .write(|tx| {
                tx.execute(
                    "UPDATE company_profile SET authorized_delegated_admin = ?1,
                         authorized_subscription_advisor = ?2",
                    [partner.delegated_admin, partner.subscription_advisor],
                )?;
                Ok(())
            })
            .expect("set the authorizations");
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
