//! The Microsoft Entra built-in roles a relationship can grant, by their
//! role-definition (template) ids: GDAP's `unifiedRoles[].roleDefinitionId`
//! (docs/decisions/0035, "Microsoft Entra built-in role template IDs"). The
//! names are Microsoft's, in English and as Microsoft's Polish Entra docs
//! write them (docs/decisions/0045 says which Polish names are best-effort).

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};

/// One built-in role, as the UI lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EntraRole {
    /// The role-definition id (template id), lower-case GUID.
    pub id: &'static str,
    pub name_en: &'static str,
    pub name_pl: &'static str,
    /// Microsoft marks it "privileged" in the permissions reference.
    pub privileged: bool,
}

const fn role(
    id: &'static str,
    name_en: &'static str,
    name_pl: &'static str,
    privileged: bool,
) -> EntraRole {
    EntraRole {
        id,
        name_en,
        name_pl,
        privileged,
    }
}

pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

/// The roles partners use, in the order 0035 lists them.
pub const ENTRA_ROLES: [EntraRole; 24] = [
    role(
        "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
        "Global Reader",
        "Czytelnik globalny",
        true,
    ),
    role(
        "fe930be7-5e62-47db-91af-98c3a49a38b1",
        "User Administrator",
        "Administrator użytkowników",
        true,
    ),
    role(
        "29232cdf-9323-42fd-ade2-1d097af3e4de",
        "Exchange Administrator",
        "Administrator programu Exchange",
        false,
    ),
    role(
        "3a2c62db-5318-420d-8d74-23affee5d9d5",
        "Intune Administrator",
        "Administrator usługi Intune",
        true,
    ),
    role(
        "194ae4cb-b126-40b2-bd5b-6091b380977d",
        "Security Administrator",
        "Administrator zabezpieczeń",
        true,
    ),
    role(
        "69091246-20e8-4a56-aa4d-066075b2a7a8",
        "Teams Administrator",
        "Administrator usługi Teams",
        false,
    ),
    role(
        "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
        "SharePoint Administrator",
        "Administrator programu SharePoint",
        false,
    ),
    role(
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
        "Privileged Authentication Administrator",
        "Administrator uprzywilejowanego uwierzytelniania",
        true,
    ),
    role(
        "729827e3-9c14-49f7-bb1b-9608f156bbb8",
        "Helpdesk Administrator",
        "Administrator pomocy technicznej",
        true,
    ),
    role(
        "4d6ac14f-3453-41d0-bef9-a3e0c569773a",
        "License Administrator",
        "Administrator licencji",
        false,
    ),
    role(
        "f023fd81-a637-4b56-95fd-791ac0226033",
        "Service Support Administrator",
        "Administrator pomocy technicznej usługi",
        false,
    ),
    role(
        "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
        "Directory Readers",
        "Czytelnicy katalogów",
        false,
    ),
    role(
        "158c047a-c907-4556-b7ef-446551a6b5f7",
        "Cloud Application Administrator",
        "Administrator aplikacji w chmurze",
        true,
    ),
    role(
        "c4e39bd9-1100-46d3-8c65-fb160da0071f",
        "Authentication Administrator",
        "Administrator uwierzytelniania",
        true,
    ),
    role(
        "b0f54661-2d74-4c50-afa3-1ec803f12efe",
        "Billing Administrator",
        "Administrator rozliczeń",
        false,
    ),
    role(
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
        "Privileged Role Administrator",
        "Administrator ról uprzywilejowanych",
        true,
    ),
    role(
        GLOBAL_ADMINISTRATOR,
        "Global Administrator",
        "Administrator globalny",
        true,
    ),
    role(
        "5d6b6bb7-de71-4623-b4af-96380a352509",
        "Security Reader",
        "Czytelnik zabezpieczeń",
        true,
    ),
    role(
        "966707d0-3269-4727-9be2-8c3a10f19b9d",
        "Password Administrator",
        "Administrator haseł",
        true,
    ),
    role(
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
        "Application Administrator",
        "Administrator aplikacji",
        true,
    ),
    role(
        "0526716b-113d-4c15-b2c8-68e3c22b9f80",
        "Authentication Policy Administrator",
        "Administrator zasad uwierzytelniania",
        false,
    ),
    role(
        "892c5842-a9a6-463a-8041-72aa08ca3cf6",
        "Cloud App Security Administrator",
        "Administrator usługi Cloud App Security",
        false,
    ),
    role(
        "7698a772-787b-4ac8-901f-60d6b08affd2",
        "Cloud Device Administrator",
        "Administrator urządzenia w chmurze",
        true,
    ),
    role(
        "8329153b-31d0-4727-b945-745eb3bc5f31",
        "Domain Name Administrator",
        "Administrator nazw domen",
        true,
    ),
];

/// The role keys before role-definition ids (migration 0019 maps them the same way).
pub const LEGACY_KEYS: [(&str, &str); 6] = [
    ("global_admin", GLOBAL_ADMINISTRATOR),
    ("password_admin", "966707d0-3269-4727-9be2-8c3a10f19b9d"),
    ("user_admin", "fe930be7-5e62-47db-91af-98c3a49a38b1"),
    ("billing_admin", "b0f54661-2d74-4c50-afa3-1ec803f12efe"),
    ("helpdesk_admin", "729827e3-9c14-49f7-bb1b-9608f156bbb8"),
    (
        "service_support_admin",
        "f023fd81-a637-4b56-95fd-791ac0226033",
    ),
];

pub fn find(id: &str) -> Option<&'static EntraRole> {
    ENTRA_ROLES.iter().find(|r| r.id == id)
}

/// The English name of a role id, or the id itself when it is not in the table.
pub fn name_en(id: &str) -> &str {
    find(id).map_or(id, |r| r.name_en)
}

/// The Polish name of a role id, or the id itself when it is not in the table.
pub fn name_pl(id: &str) -> &str {
    find(id).map_or(id, |r| r.name_pl)
}

/// Names in `language` ("pl" or English), comma-separated, for messages.
pub fn names(ids: &[String], language: &str) -> String {
    ids.iter()
        .map(|id| {
            if language == "pl" {
                name_pl(id)
            } else {
                name_en(id)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Role-definition ids as given (any case, spaces around), checked against
/// the table, lower-cased, duplicates dropped, order kept; at least one.
pub fn normalize(field: &str, given: &[String]) -> Result<Vec<String>> {
    let mut roles: Vec<String> = Vec::new();
    for raw in given {
        let id = raw.trim().to_ascii_lowercase();
        if find(&id).is_none() {
            let shown = crate::validate::shown(raw.trim());
            return Err(Error::validation(
                field,
                text!(
                    "'{shown}' is not a Microsoft Entra built-in role a relationship can grant; choose roles from the list",
                    "„{shown}” nie jest wbudowaną rolą Microsoft Entra, którą może nadać relacja; wybierz role z listy"
                ),
            ));
        }
        if !roles.contains(&id) {
            roles.push(id);
        }
    }
    if roles.is_empty() {
        return Err(Error::validation(
            field,
            text!("choose at least one role", "wybierz co najmniej jedną rolę"),
        ));
    }
    Ok(roles)
}

pub fn includes_global_admin(roles: &[String]) -> bool {
    roles.iter().any(|r| r == GLOBAL_ADMINISTRATOR)
}
