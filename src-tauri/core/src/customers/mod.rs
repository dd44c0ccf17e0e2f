//! The partner's customers: one record per customer tenant, found by instant
//! substring search and paged by keyset, never loaded whole.

mod activity;
mod import;
#[cfg(test)]
pub(crate) mod import_tests;
mod list;
#[cfg(test)]
mod tests;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{
    guarded_read, guarded_write, permissions_for_customer, require, Action, Permission,
};
use crate::audit::{self, Event, Target};
use crate::auth::actor::partner_authorizations;
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::ids::{new_id, parse_id};
use crate::limits;
use crate::store::Store;
use crate::validate::{self, check_country, check_phone, check_postal_code, check_tenant_id};

pub use crate::imports::{ImportMode, ImportProblem, ImportReport};
pub use activity::{activity, ActivityEntry, ActivityPage, Hidden};
pub use import::{apply_import, preview_import, CustomerImport};
#[cfg(test)]
pub(crate) use list::RELATIONSHIP_STATES;
pub use list::{export_list, list, CustomerPage, CustomerQuery, CustomerSort, CustomerSummary};

const INITIAL_DOMAIN_SUFFIX: &str = ".onmicrosoft.com";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Customer {
    pub id: String,
    pub company_name: String,
    /// The initial `<name>.onmicrosoft.com` domain.
    pub default_domain: String,
    pub other_domains: Vec<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    pub street: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// `pl` or `en`: the language of offers, invitations and e-mails to this customer.
    pub language: String,
    pub notes: String,
    pub tags: Vec<String>,
    /// The most advanced state among the customer's delegated-admin relationships.
    pub relationship_state: String,
    /// The partner's relationship as Partner Center's customer export states
    /// it ("Cloud Reseller"), as written; empty when none was recorded.
    pub partner_relationship: String,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// Create or edit; every value is checked here and a wrong one names its field.
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct CustomerInput {
    pub company_name: String,
    /// `contoso` or `contoso.onmicrosoft.com`.
    pub default_domain: String,
    #[serde(default)]
    pub other_domains: Vec<String>,
    #[serde(default)]
    pub tenant_id: String,
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_email: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A validated, normalised customer, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValidCustomer {
    pub company_name: String,
    pub default_domain: String,
    pub other_domains: Vec<String>,
    pub tenant_id: Option<String>,
    pub street: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub language: String,
    pub notes: String,
    pub tags: Vec<String>,
}

impl ValidCustomer {
    fn search_text(&self) -> String {
        let mut parts = vec![
            self.company_name.as_str(),
            self.default_domain.as_str(),
            self.contact_email.as_str(),
        ];
        parts.extend(self.other_domains.iter().map(String::as_str));
        if let Some(tenant) = &self.tenant_id {
            parts.push(tenant);
        }
        // A separator no search can span, so a match never straddles two fields.
        fold(&parts.join(" \u{1f} "))
    }
}

fn check_initial_domain(text: &str) -> Result<String> {
    validate::check_length("default_domain", text.trim(), limits::DOMAIN)?;
    let lower = text.trim().to_lowercase();
    let name = lower.strip_suffix(INITIAL_DOMAIN_SUFFIX).unwrap_or(&lower);
    let valid = (1..=27).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !valid {
        return Err(Error::validation(
            "default_domain",
            text!(
                "'{text}' is not an initial domain: 1 to 27 letters or digits, then .onmicrosoft.com (e.g. contoso.onmicrosoft.com)",
                "„{text}” nie jest domeną początkową: od 1 do 27 liter lub cyfr, a po nich .onmicrosoft.com (np. contoso.onmicrosoft.com)"
            ),
        ));
    }
    Ok(format!("{name}{INITIAL_DOMAIN_SUFFIX}"))
}

fn check_domain(text: &str) -> Result<String> {
    validate::check_length("other_domains", text.trim(), limits::DOMAIN)?;
    let domain = text.trim().trim_end_matches('.').to_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.len() >= 2 && t.bytes().all(|b| b.is_ascii_alphabetic()));
    if labels.len() < 2 || !labels.iter().all(label_ok) || !tld_ok || domain.len() > 253 {
        return Err(Error::validation(
            "other_domains",
            text!(
                "'{text}' is not a domain name (e.g. contoso.pl)",
                "„{text}” nie jest nazwą domeny (np. contoso.pl)"
            ),
        ));
    }
    Ok(domain)
}

fn check_notes(text: &str) -> Result<String> {
    validate::long_text("notes", text, limits::CUSTOMER_NOTES, false)
}

fn check_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = validate::optional_text("tags", tag, limits::TAG)?;
        if tag.is_empty() {
            continue;
        }
        if tag.contains([',', ';']) {
            return Err(Error::validation(
                "tags",
                text!(
                    "'{tag}': a tag cannot contain a comma or a semicolon",
                    "„{tag}”: tag nie może zawierać przecinka ani średnika"
                ),
            ));
        }
        if !out.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            out.push(tag);
        }
    }
    if out.len() > limits::TAGS {
        let (max, count) = (limits::TAGS, out.len());
        return Err(Error::validation(
            "tags",
            text!(
                "use at most {max} tags (this has {count})",
                "użyj najwyżej {max} tagów (wpisano {count})"
            ),
        ));
    }
    Ok(out)
}

pub(crate) fn validate_input(input: &CustomerInput) -> Result<ValidCustomer> {
    let present = |value: String, check: &dyn Fn(&str) -> Result<String>| -> Result<String> {
        if value.is_empty() {
            Ok(value)
        } else {
            check(&value)
        }
    };
    let default_domain = check_initial_domain(&input.default_domain)?;
    let mut other_domains: Vec<String> = Vec::new();
    for domain in input.other_domains.iter().filter(|d| !d.trim().is_empty()) {
        let domain = check_domain(domain)?;
        if domain != default_domain && !other_domains.contains(&domain) {
            other_domains.push(domain);
        }
    }
    let country = present(
        validate::optional_text("country", &input.country, limits::COUNTRY)?,
        &|v| check_country("country", v),
    )?;
    let language = match input.language.trim() {
        "" => "pl".to_owned(),
        "pl" | "en" => input.language.trim().to_owned(),
        _ => {
            return Err(Error::validation(
                "language",
                text!(
                    "choose pl (Polski) or en (English)",
                    "wybierz pl (Polski) lub en (English)"
                ),
            ))
        }
    };
    let tenant = validate::optional_text("tenant_id", &input.tenant_id, limits::TENANT_ID)?;
    Ok(ValidCustomer {
        company_name: validate::required_text(
            "company_name",
            &input.company_name,
            limits::COMPANY_NAME,
        )?,
        default_domain,
        other_domains,
        tenant_id: if tenant.is_empty() {
            None
        } else {
            Some(check_tenant_id("tenant_id", &tenant)?)
        },
        street: validate::optional_text("street", &input.street, limits::STREET)?,
        city: validate::optional_text("city", &input.city, limits::CITY)?,
        postal_code: present(
            validate::optional_text("postal_code", &input.postal_code, limits::POSTAL_CODE)?,
            &|v| check_postal_code("postal_code", v, &country),
        )?,
        contact_name: validate::optional_text(
            "contact_name",
            &input.contact_name,
            limits::CONTACT_NAME,
        )?,
        contact_email: present(
            validate::optional_text("contact_email", &input.contact_email, limits::EMAIL)?,
            &|v| validate::email("contact_email", v),
        )?,
        contact_phone: present(
            validate::optional_text("contact_phone", &input.contact_phone, limits::PHONE)?,
            &|v| check_phone("contact_phone", v),
        )?,
        language,
        notes: check_notes(&input.notes)?,
        tags: check_tags(&input.tags)?,
        country,
    })
}

/// Refuses a default domain or tenant ID another customer already has.
pub(crate) fn check_unique(
    conn: &Connection,
    valid: &ValidCustomer,
    except_id: Option<&str>,
) -> Result<()> {
    let taken = |sql: &str, value: &str| -> Result<Option<String>> {
        Ok(conn
            .query_row(sql, params![value, except_id], |r| r.get(0))
            .optional()?)
    };
    if let Some(name) = taken(
        "SELECT company_name FROM customers WHERE default_domain = ?1 AND id <> coalesce(?2, '')",
        &valid.default_domain,
    )? {
        let domain = &valid.default_domain;
        return Err(Error::conflict(
            "default_domain",
            text!(
                "{name} already has the domain {domain}",
                "Klient {name} ma już domenę {domain}"
            ),
        ));
    }
    if let Some(tenant) = &valid.tenant_id {
        if let Some(name) = taken(
            "SELECT company_name FROM customers WHERE tenant_id = ?1 AND id <> coalesce(?2, '')",
            tenant,
        )? {
            return Err(Error::conflict(
                "tenant_id",
                text!(
                    "{name} already has the tenant ID {tenant}",
                    "Klient {name} ma już identyfikator dzierżawy {tenant}"
                ),
            ));
        }
    }
    Ok(())
}

const COLUMNS: &str = "id, company_name, default_domain, other_domains, tenant_id, street, city,
    postal_code, country, contact_name, contact_email, contact_phone, language, notes,
    (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM customer_tags t WHERE t.customer_id = customers.id ORDER BY tag)),
    relationship_state, archived, created_at, updated_at, partner_relationship";

fn split(text: Option<String>, separator: char) -> Vec<String> {
    text.map(|t| {
        t.split(separator)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

fn customer(row: &Row<'_>) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: row.get(0)?,
        company_name: row.get(1)?,
        default_domain: row.get(2)?,
        other_domains: split(row.get(3)?, '\n'),
        tenant_id: row.get(4)?,
        street: row.get(5)?,
        city: row.get(6)?,
        postal_code: row.get(7)?,
        country: row.get(8)?,
        contact_name: row.get(9)?,
        contact_email: row.get(10)?,
        contact_phone: row.get(11)?,
        language: row.get(12)?,
        notes: row.get(13)?,
        tags: split(row.get(14)?, '\u{1f}'),
        relationship_state: row.get(15)?,
        archived: row.get(16)?,
        created_at: row.get(17)?,
        updated_at: row.get(18)?,
        partner_relationship: row.get(19)?,
    })
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<Customer> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM customers WHERE id = ?1"))?
        .query_row([id], customer)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "customer",
            id: id.to_owned(),
        })
}

fn snapshot(c: &Customer) -> serde_json::Value {
    serde_json::to_value(c).unwrap_or_default()
}

pub(crate) fn target(id: &str, name: &str) -> Target {
    Target {
        kind: "customer",
        id: Some(id.to_owned()),
        label: name.to_owned(),
    }
}

fn write_tags(conn: &Connection, id: &str, tags: &[String]) -> Result<()> {
    conn.prepare_cached("DELETE FROM customer_tags WHERE customer_id = ?1")?
        .execute([id])?;
    let mut insert =
        conn.prepare_cached("INSERT INTO customer_tags (customer_id, tag) VALUES (?1, ?2)")?;
    for tag in tags {
        insert.execute(params![id, tag])?;
    }
    Ok(())
}

/// Records the relationship an imported file states for a customer, as written.
pub(crate) fn set_partner_relationship(conn: &Connection, id: &str, stated: &str) -> Result<()> {
    conn.prepare_cached("UPDATE customers SET partner_relationship = ?2 WHERE id = ?1")?
        .execute(params![id, stated])?;
    Ok(())
}

/// Inserts a validated customer (unique values already checked by the caller).
pub(crate) fn insert(conn: &Connection, valid: &ValidCustomer, id: &str, now: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO customers (id, company_name, name_key, default_domain, other_domains,
             tenant_id, street, city, postal_code, country, contact_name, contact_email,
             contact_phone, language, notes, search_text, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
    )?
    .execute(params![
        id,
        valid.company_name,
        fold(&valid.company_name),
        valid.default_domain,
        valid.other_domains.join("\n"),
        valid.tenant_id,
        valid.street,
        valid.city,
        valid.postal_code,
        valid.country,
        valid.contact_name,
        valid.contact_email,
        valid.contact_phone,
        valid.language,
        valid.notes,
        valid.search_text(),
        now
    ])?;
    write_tags(conn, id, &valid.tags)
}

pub fn get(store: &Store, clock: &dyn Clock, actor: &Actor, id: &str) -> Result<Customer> {
    let id = parse_id("id", id)?;
    guarded_read(
        store,
        clock,
        actor,
        "customer.view",
        target(&id, ""),
        |conn| {
            require(conn, actor, Action::ViewCustomers)?;
            load(conn, &id)
        },
    )
}

/// What `actor` may do for this customer, its customer gate (the
/// delegated-administration state) included: the UI disables what is refused
/// and shows why, without working out a rule itself.
pub fn permissions(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<Vec<Permission>> {
    let id = parse_id("id", id)?;
    guarded_read(
        store,
        clock,
        actor,
        "customer.view",
        target(&id, ""),
        |conn| {
            require(conn, actor, Action::ViewCustomers)?;
            let customer = load(conn, &id)?;
            Ok(permissions_for_customer(
                actor.subject(),
                partner_authorizations(conn)?,
                &customer.relationship_state,
            ))
        },
    )
}

pub fn create(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    input: &CustomerInput,
) -> Result<(Customer, Change)> {
    let valid = validate_input(input)?;
    let id = new_id();
    let now = to_rfc3339(clock.now())?;
    let customer = guarded_write(
        store,
        clock,
        actor,
        "customer.create",
        target(&id, &valid.company_name),
        |tx| {
            require(tx, actor, Action::ManageCustomers)?;
            check_unique(tx, &valid, None)?;
            insert(tx, &valid, &id, &now)?;
            let created = load(tx, &id)?;
            let event = Event::done(
                actor.audit_ref(),
                "customer.create",
                target(&id, &created.company_name),
            )
            .with_change(None, Some(snapshot(&created)));
            audit::append(tx, clock, &event)?;
            Ok(created)
        },
    )?;
    Ok((customer, Change::one(Entity::Customer, id)))
}

pub fn update(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    input: &CustomerInput,
) -> Result<(Customer, Change)> {
    let id = parse_id("id", id)?;
    let valid = validate_input(input)?;
    let now = to_rfc3339(clock.now())?;
    let customer = guarded_write(
        store,
        clock,
        actor,
        "customer.update",
        target(&id, &valid.company_name),
        |tx| {
            require(tx, actor, Action::ManageCustomers)?;
            let before = load(tx, &id)?;
            check_unique(tx, &valid, Some(&id))?;
            tx.execute(
                "UPDATE customers SET company_name = ?1, name_key = ?2, default_domain = ?3,
                     other_domains = ?4, tenant_id = ?5, street = ?6, city = ?7, postal_code = ?8,
                     country = ?9, contact_name = ?10, contact_email = ?11, contact_phone = ?12,
                     language = ?13, notes = ?14, search_text = ?15, updated_at = ?16
                 WHERE id = ?17",
                params![
                    valid.company_name,
                    fold(&valid.company_name),
                    valid.default_domain,
                    valid.other_domains.join("\n"),
                    valid.tenant_id,
                    valid.street,
                    valid.city,
                    valid.postal_code,
                    valid.country,
                    valid.contact_name,
                    valid.contact_email,
                    valid.contact_phone,
                    valid.language,
                    valid.notes,
                    valid.search_text(),
                    now,
                    id
                ],
            )?;
            write_tags(tx, &id, &valid.tags)?;
            let after = load(tx, &id)?;
            let event = Event::done(
                actor.audit_ref(),
                "customer.update",
                target(&id, &after.company_name),
            )
            .with_change(Some(snapshot(&before)), Some(snapshot(&after)));
            audit::append(tx, clock, &event)?;
            Ok(after)
        },
    )?;
    Ok((customer, Change::one(Entity::Customer, id)))
}

/// Archives (`archived = true`) or restores a customer; nothing is deleted.
pub fn set_archived(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    archived: bool,
) -> Result<(Customer, Change)> {
    let id = parse_id("id", id)?;
    let now = to_rfc3339(clock.now())?;
    let action = if archived {
        "customer.archive"
    } else {
        "customer.restore"
    };
    let customer = guarded_write(store, clock, actor, action, target(&id, ""), |tx| {
        require(tx, actor, Action::ManageCustomers)?;
        let before = load(tx, &id)?;
        if before.archived == archived {
            let name = &before.company_name;
            return Err(Error::invalid_state(if archived {
                text!(
                    "{name} is already archived",
                    "Klient {name} jest już zarchiwizowany"
                )
            } else {
                text!(
                    "{name} is not archived",
                    "Klient {name} nie jest zarchiwizowany"
                )
            }));
        }
        tx.execute(
            "UPDATE customers SET archived = ?1, updated_at = ?2 WHERE id = ?3",
            params![archived, now, id],
        )?;
        audit::append(
            tx,
            clock,
            &Event::done(actor.audit_ref(), action, target(&id, &before.company_name)),
        )?;
        load(tx, &id)
    })?;
    Ok((customer, Change::one(Entity::Customer, id)))
}

/// Renders the filtered list as CSV or a workbook (the import's columns)
/// and audits it.
pub fn export_as(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    query: &CustomerQuery,
    format: impl Into<crate::exports::ExportFormat>,
) -> Result<crate::exports::RenderedExport> {
    let format = format.into();
    crate::exports::render_list_audited(store, clock, actor, "customer", format, |out| {
        export_list(store, clock, actor, query, format, out)
    })
}
