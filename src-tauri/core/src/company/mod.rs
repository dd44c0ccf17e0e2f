//! The partner's own company profile ("verify your company information") and
//! its completeness check before the first customer contact.

#[cfg(test)]
mod tests;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{guarded_read, guarded_write, read_target, require, Action};
use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::limits;
use crate::store::Store;
use crate::text::Text;
use crate::validate::{
    self, check_country, check_currency, check_partner_id, check_phone, check_postal_code,
    check_tenant_id, check_website,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CompanyProfile {
    pub legal_name: String,
    pub street: String,
    pub city: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, upper case (PL, DE).
    pub country: String,
    /// International format, e.g. +48 22 123 45 67.
    pub phone: String,
    pub email: String,
    pub website: String,
    /// The Microsoft partner ID (also the advisor code in offer links).
    pub partner_id: String,
    /// The partner's Microsoft Entra tenant ID (a GUID).
    pub partner_tenant_id: String,
    pub authorized_delegated_admin: bool,
    pub authorized_subscription_advisor: bool,
    /// ISO 4217 code for offers and prices.
    pub default_currency: String,
    /// `pl` or `en`: the language of text the customer reads.
    pub default_language: String,
}

/// What is missing or malformed, field by field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CompletenessIssue {
    pub field: String,
    pub problem: IssueKind,
    /// What to do, in English (the same as `text.en`).
    pub message: String,
    /// What to do, in each language the UI speaks.
    pub text: Text,
}

impl CompletenessIssue {
    fn new(field: impl Into<String>, problem: IssueKind, text: Text) -> Self {
        CompletenessIssue {
            field: field.into(),
            problem,
            message: text.en.clone(),
            text,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum IssueKind {
    Missing,
    Malformed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CompanyView {
    pub profile: CompanyProfile,
    pub issues: Vec<CompletenessIssue>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// Checks every field's format and normalises it; empty optional fields stay
/// empty (the completeness check lists them), malformed ones are refused.
pub fn validate_profile(input: &CompanyProfile) -> Result<CompanyProfile> {
    let text = |field: &str, value: &str, max: usize| validate::optional_text(field, value, max);
    let present = |value: String, check: &dyn Fn(&str) -> Result<String>| -> Result<String> {
        if value.is_empty() {
            Ok(value)
        } else {
            check(&value)
        }
    };
    let country = present(text("country", &input.country, limits::COUNTRY)?, &|v| {
        check_country("country", v)
    })?;
    let language = input.default_language.trim();
    if !matches!(language, "pl" | "en") {
        return Err(Error::validation(
            "default_language",
            text!(
                "choose pl (Polski) or en (English)",
                "wybierz pl (Polski) lub en (English)"
            ),
        ));
    }
    Ok(CompanyProfile {
        legal_name: validate::required_text("legal_name", &input.legal_name, limits::COMPANY_NAME)?,
        street: text("street", &input.street, limits::STREET)?,
        city: text("city", &input.city, limits::CITY)?,
        postal_code: present(
            text("postal_code", &input.postal_code, limits::POSTAL_CODE)?,
            &|v| check_postal_code("postal_code", v, &country),
        )?,
        phone: present(text("phone", &input.phone, limits::PHONE)?, &|v| {
            check_phone("phone", v)
        })?,
        email: present(text("email", &input.email, limits::EMAIL)?, &|v| {
            validate::email("email", v)
        })?,
        website: present(text("website", &input.website, limits::WEBSITE)?, &|v| {
            check_website("website", v)
        })?,
        partner_id: present(
            text("partner_id", &input.partner_id, limits::PARTNER_ID)?,
            &|v| check_partner_id("partner_id", v),
        )?,
        partner_tenant_id: present(
            text(
                "partner_tenant_id",
                &input.partner_tenant_id,
                limits::TENANT_ID,
            )?,
            &|v| check_tenant_id("partner_tenant_id", v),
        )?,
        authorized_delegated_admin: input.authorized_delegated_admin,
        authorized_subscription_advisor: input.authorized_subscription_advisor,
        default_currency: check_currency("default_currency", &input.default_currency)?,
        default_language: language.to_owned(),
        country,
    })
}

/// What must be filled in before the first customer contact, and anything
/// stored that no longer passes its check.
pub fn completeness(profile: &CompanyProfile) -> Vec<CompletenessIssue> {
    let mut issues = Vec::new();
    let mut required = vec![
        (
            "street",
            &profile.street,
            text!("Add the street address.", "Dodaj ulicę i numer."),
        ),
        (
            "city",
            &profile.city,
            text!("Add the city.", "Dodaj miejscowość."),
        ),
        (
            "postal_code",
            &profile.postal_code,
            text!("Add the postal code.", "Dodaj kod pocztowy."),
        ),
        (
            "country",
            &profile.country,
            text!("Add the country.", "Dodaj kraj."),
        ),
        (
            "phone",
            &profile.phone,
            text!(
                "Add a phone number customers can call.",
                "Dodaj numer telefonu, pod który mogą dzwonić klienci."
            ),
        ),
        (
            "email",
            &profile.email,
            text!(
                "Add an e-mail address customers can write to.",
                "Dodaj adres e-mail, na który mogą pisać klienci."
            ),
        ),
        (
            "partner_id",
            &profile.partner_id,
            text!(
                "Add the Microsoft partner ID (used in offer links).",
                "Dodaj identyfikator partnera Microsoft (używany w linkach ofert)."
            ),
        ),
    ];
    if profile.authorized_delegated_admin {
        required.push((
            "partner_tenant_id",
            &profile.partner_tenant_id,
            text!(
                "Add the partner tenant ID (used in delegated-administration links).",
                "Dodaj identyfikator dzierżawy partnera (używany w linkach administracji delegowanej)."
            ),
        ));
    }
    for (field, value, text) in required {
        if value.trim().is_empty() {
            issues.push(CompletenessIssue::new(field, IssueKind::Missing, text));
        }
    }
    // Values written by an older version or another tool are re-checked too.
    if let Err(Error::Validation { field, text }) = validate_profile(profile) {
        issues.push(CompletenessIssue::new(field, IssueKind::Malformed, text));
    }
    issues
}

fn read(conn: &Connection) -> Result<Option<(CompanyProfile, String)>> {
    Ok(conn
        .query_row(
            "SELECT legal_name, street, city, postal_code, country, phone, email, website,
                    partner_id, partner_tenant_id, authorized_delegated_admin,
                    authorized_subscription_advisor, default_currency, default_language, updated_at
             FROM company_profile WHERE id = 1",
            [],
            |r| {
                Ok((
                    CompanyProfile {
                        legal_name: r.get(0)?,
                        street: r.get(1)?,
                        city: r.get(2)?,
                        postal_code: r.get(3)?,
                        country: r.get(4)?,
                        phone: r.get(5)?,
                        email: r.get(6)?,
                        website: r.get(7)?,
                        partner_id: r.get(8)?,
                        partner_tenant_id: r.get(9)?,
                        authorized_delegated_admin: r.get(10)?,
                        authorized_subscription_advisor: r.get(11)?,
                        default_currency: r.get(12)?,
                        default_language: r.get(13)?,
                    },
                    r.get(14)?,
                ))
            },
        )
        .optional()?)
}

/// The stored profile, or an empty one before set-up.
pub(crate) fn read_profile(conn: &Connection) -> Result<CompanyProfile> {
    Ok(read(conn)?
        .map(|(p, _)| p)
        .unwrap_or_else(|| CompanyProfile {
            legal_name: String::new(),
            street: String::new(),
            city: String::new(),
            postal_code: String::new(),
            country: String::new(),
            phone: String::new(),
            email: String::new(),
            website: String::new(),
            partner_id: String::new(),
            partner_tenant_id: String::new(),
            authorized_delegated_admin: false,
            authorized_subscription_advisor: false,
            default_currency: "PLN".into(),
            default_language: "pl".into(),
        }))
}

fn view(conn: &Connection) -> Result<CompanyView> {
    let (profile, updated_at) = read(conn)?.ok_or_else(|| Error::NotFound {
        entity: "company profile",
        id: "1".into(),
    })?;
    Ok(CompanyView {
        issues: completeness(&profile),
        profile,
        updated_at: Some(updated_at),
    })
}

/// Everyone signed in may read the profile.
pub fn get(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<CompanyView> {
    let target = read_target("company", None, "company profile");
    guarded_read(store, clock, actor, "company.view", target, |conn| {
        require(conn, actor, Action::ViewCompanyProfile)?;
        view(conn)
    })
}

pub(crate) fn write(conn: &Connection, profile: &CompanyProfile, now: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO company_profile (id, legal_name, street, city, postal_code, country, phone,
             email, website, partner_id, partner_tenant_id, authorized_delegated_admin,
             authorized_subscription_advisor, default_currency, default_language, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT (id) DO UPDATE SET
             legal_name = excluded.legal_name, street = excluded.street, city = excluded.city,
             postal_code = excluded.postal_code, country = excluded.country,
             phone = excluded.phone, email = excluded.email, website = excluded.website,
             partner_id = excluded.partner_id, partner_tenant_id = excluded.partner_tenant_id,
             authorized_delegated_admin = excluded.authorized_delegated_admin,
             authorized_subscription_advisor = excluded.authorized_subscription_advisor,
             default_currency = excluded.default_currency,
             default_language = excluded.default_language, updated_at = excluded.updated_at",
        params![
            profile.legal_name,
            profile.street,
            profile.city,
            profile.postal_code,
            profile.country,
            profile.phone,
            profile.email,
            profile.website,
            profile.partner_id,
            profile.partner_tenant_id,
            profile.authorized_delegated_admin,
            profile.authorized_subscription_advisor,
            profile.default_currency,
            profile.default_language,
            now
        ],
    )?;
    Ok(())
}

/// Only global admins edit; the whole profile is validated before anything is written.
pub fn update(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    input: &CompanyProfile,
) -> Result<(CompanyView, Change)> {
    let target = Target {
        kind: "company",
        id: None,
        label: input.legal_name.trim().to_owned(),
    };
    let now = to_rfc3339(clock.now())?;
    let view = guarded_write(
        store,
        clock,
        actor,
        "company.update",
        target.clone(),
        |tx| {
            require(tx, actor, Action::EditCompanyProfile)?;
            let profile = validate_profile(input)?;
            let before = read(tx)?.map(|(p, _)| p);
            write(tx, &profile, &now)?;
            let event = Event::done(actor.audit_ref(), "company.update", target).with_change(
                before.map(|p| serde_json::to_value(p).unwrap_or_default()),
                Some(serde_json::to_value(&profile).unwrap_or_default()),
            );
            audit::append(tx, clock, &event)?;
            view(tx)
        },
    )?;
    Ok((view, Change::of(Entity::Company)))
}
