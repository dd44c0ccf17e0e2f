//! The one permission table: who may do what.
//!
//! Every command asks [`decide`] with the acting staff member's company role and
//! customer access, and the partner's authorizations. Later issues add actions
//! (and the customer's relationship state) to the same table; the matrix test
//! in `tests.rs` writes the whole table out, so any change is a visible diff.

mod guard;
#[cfg(test)]
mod tests;

pub use guard::{guarded_read, guarded_write, require};

use serde::Serialize;
use ts_rs::TS;

/// A staff member's company admin role (DESIGN §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CompanyRole {
    None,
    GlobalAdmin,
    BillingAdmin,
    PasswordAdmin,
    ServiceAdmin,
    UserManagementAdmin,
}

/// Admin access to supported companies (the partner's customers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CustomerAccess {
    None,
    /// Global-admin equivalent on customers.
    Full,
    /// Password-admin equivalent on customers; may also create trial invitations and offers.
    Limited,
}

impl CompanyRole {
    pub const ALL: [CompanyRole; 6] = [
        CompanyRole::None,
        CompanyRole::GlobalAdmin,
        CompanyRole::BillingAdmin,
        CompanyRole::PasswordAdmin,
        CompanyRole::ServiceAdmin,
        CompanyRole::UserManagementAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CompanyRole::None => "none",
            CompanyRole::GlobalAdmin => "global_admin",
            CompanyRole::BillingAdmin => "billing_admin",
            CompanyRole::PasswordAdmin => "password_admin",
            CompanyRole::ServiceAdmin => "service_admin",
            CompanyRole::UserManagementAdmin => "user_management_admin",
        }
    }

    pub fn parse(text: &str) -> Option<CompanyRole> {
        CompanyRole::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

impl CustomerAccess {
    pub const ALL: [CustomerAccess; 3] = [
        CustomerAccess::None,
        CustomerAccess::Full,
        CustomerAccess::Limited,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CustomerAccess::None => "none",
            CustomerAccess::Full => "full",
            CustomerAccess::Limited => "limited",
        }
    }

    pub fn parse(text: &str) -> Option<CustomerAccess> {
        CustomerAccess::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// What Microsoft has authorized the partner to do (company profile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, TS)]
#[ts(export)]
pub struct PartnerAuthorizations {
    pub delegated_admin: bool,
    pub subscription_advisor: bool,
}

/// Every action the permission table decides. Grows with each domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Action {
    ViewDashboard,
    ChangeOwnPassword,
    ViewCompanyProfile,
    EditCompanyProfile,
    ViewStaff,
    /// Create, edit, block, unblock and remove staff who hold no admin role and no customer access.
    ManageStaff,
    /// The same for staff who hold an admin role or customer access, and granting either.
    ManageAdminStaff,
    /// Reset the password of staff who hold no admin role and no customer access.
    ResetStaffPassword,
    /// Reset the password of staff who hold an admin role or customer access.
    ResetAdminPassword,
    ViewAuditLog,
    VerifyAuditLog,
    EditSecuritySettings,
    /// Edit the link and e-mail templates (DESIGN §4).
    EditLinkTemplates,
    /// See customers, search them, open one, export the list.
    ViewCustomers,
    /// Create, edit, archive, restore and import customers.
    ManageCustomers,
    /// Offer delegated administration, record the customer's acceptance, terminate.
    ManageRelationships,
    ViewCatalog,
    /// Edit services and prices, import Microsoft's price list.
    EditCatalog,
}

/// Why an action is refused. The UI shows a localised text for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DenialReason {
    /// The company role does not include the action.
    RoleRequired,
    /// Customer screens need full or limited customer access.
    CustomerAccessRequired,
    /// The action needs full customer access.
    FullCustomerAccessRequired,
    /// The partner is not authorized for delegated administration.
    PartnerNotDelegatedAdmin,
    /// The partner is not an authorized subscription advisor.
    PartnerNotSubscriptionAdvisor,
    /// The customer has not approved an active delegated-administration relationship.
    NoActiveRelationship,
}

impl DenialReason {
    pub fn message(self, action: Action) -> String {
        let what = action.describe();
        match self {
            DenialReason::RoleRequired => {
                let roles: Vec<&str> = rule(action).roles.iter().map(|r| r.describe()).collect();
                format!("Only {} may {what}.", join_or(&roles))
            }
            DenialReason::CustomerAccessRequired => {
                format!("You need full or limited access to customers to {what}.")
            }
            DenialReason::FullCustomerAccessRequired => {
                format!("You need full access to customers to {what}.")
            }
            DenialReason::PartnerNotDelegatedAdmin => format!(
                "Your company is not authorized for delegated administration, so nobody may {what}."
            ),
            DenialReason::PartnerNotSubscriptionAdvisor => format!(
                "Your company is not an authorized subscription advisor, so nobody may {what}."
            ),
            DenialReason::NoActiveRelationship => format!(
                "The customer has no active delegated-administration relationship, so nobody may {what} for them."
            ),
        }
    }
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => "nobody".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl CompanyRole {
    fn describe(self) -> &'static str {
        match self {
            CompanyRole::None => "staff without an admin role",
            CompanyRole::GlobalAdmin => "global admins",
            CompanyRole::BillingAdmin => "billing admins",
            CompanyRole::PasswordAdmin => "password admins",
            CompanyRole::ServiceAdmin => "service admins",
            CompanyRole::UserManagementAdmin => "user management admins",
        }
    }
}

impl Action {
    pub const ALL: [Action; 18] = [
        Action::ViewDashboard,
        Action::ChangeOwnPassword,
        Action::ViewCompanyProfile,
        Action::EditCompanyProfile,
        Action::ViewStaff,
        Action::ManageStaff,
        Action::ManageAdminStaff,
        Action::ResetStaffPassword,
        Action::ResetAdminPassword,
        Action::ViewAuditLog,
        Action::VerifyAuditLog,
        Action::EditSecuritySettings,
        Action::EditLinkTemplates,
        Action::ViewCustomers,
        Action::ManageCustomers,
        Action::ManageRelationships,
        Action::ViewCatalog,
        Action::EditCatalog,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::ViewDashboard => "view_dashboard",
            Action::ChangeOwnPassword => "change_own_password",
            Action::ViewCompanyProfile => "view_company_profile",
            Action::EditCompanyProfile => "edit_company_profile",
            Action::ViewStaff => "view_staff",
            Action::ManageStaff => "manage_staff",
            Action::ManageAdminStaff => "manage_admin_staff",
            Action::ResetStaffPassword => "reset_staff_password",
            Action::ResetAdminPassword => "reset_admin_password",
            Action::ViewAuditLog => "view_audit_log",
            Action::VerifyAuditLog => "verify_audit_log",
            Action::EditSecuritySettings => "edit_security_settings",
            Action::EditLinkTemplates => "edit_link_templates",
            Action::ViewCustomers => "view_customers",
            Action::ManageCustomers => "manage_customers",
            Action::ManageRelationships => "manage_relationships",
            Action::ViewCatalog => "view_catalog",
            Action::EditCatalog => "edit_catalog",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Action::ViewDashboard => "see the dashboard",
            Action::ChangeOwnPassword => "change their own password",
            Action::ViewCompanyProfile => "see the company profile",
            Action::EditCompanyProfile => "edit the company profile",
            Action::ViewStaff => "see the staff list",
            Action::ManageStaff => "add, edit, block or remove staff",
            Action::ManageAdminStaff => {
                "add, edit, block or remove staff who hold admin roles or customer access"
            }
            Action::ResetStaffPassword => "reset staff passwords",
            Action::ResetAdminPassword => "reset the passwords of staff who hold admin rights",
            Action::ViewAuditLog => "see the audit log",
            Action::VerifyAuditLog => "verify the audit log",
            Action::EditSecuritySettings => "change security settings",
            Action::EditLinkTemplates => "change the link and e-mail templates",
            Action::ViewCustomers => "see customers",
            Action::ManageCustomers => "add, edit, archive or import customers",
            Action::ManageRelationships => "offer or change delegated administration",
            Action::ViewCatalog => "see the service catalog",
            Action::EditCatalog => "edit the service catalog and prices",
        }
    }
}

/// Customer access an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AccessNeed {
    Any,
    FullOrLimited,
    Full,
}

/// Partner authorization an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartnerNeed {
    None,
    DelegatedAdmin,
    #[allow(dead_code)] // trial invitations, offers and keys (later issues)
    SubscriptionAdvisor,
}

/// What an action needs of the customer it acts on (DESIGN §2, "customer gate").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerGate {
    /// Not about one customer's tenant (lists, CRM data, offering a relationship).
    None,
    /// Administers the customer's tenant: needs an active (or expiring) relationship.
    #[allow(dead_code)] // subscriptions, customer users, service requests (issue 5)
    ActiveRelationship,
}

impl CustomerGate {
    fn as_str(self) -> &'static str {
        match self {
            CustomerGate::None => "-",
            CustomerGate::ActiveRelationship => "active-relationship",
        }
    }
}

struct Rule {
    roles: &'static [CompanyRole],
    access: AccessNeed,
    partner: PartnerNeed,
    customer: CustomerGate,
}

use CompanyRole::{
    BillingAdmin as BA, GlobalAdmin as GA, None as NO, PasswordAdmin as PA, ServiceAdmin as SA,
    UserManagementAdmin as UMA,
};
const EVERYONE: &[CompanyRole] = &[NO, GA, BA, PA, SA, UMA];

/// THE table. One row per action; read it top to bottom to know who may do what.
fn rule(action: Action) -> Rule {
    let (roles, access, partner): (&'static [CompanyRole], _, _) = match action {
        Action::ViewDashboard => (EVERYONE, AccessNeed::Any, PartnerNeed::None),
        Action::ChangeOwnPassword => (EVERYONE, AccessNeed::Any, PartnerNeed::None),
        Action::ViewCompanyProfile => (EVERYONE, AccessNeed::Any, PartnerNeed::None),
        Action::EditCompanyProfile => (&[GA], AccessNeed::Any, PartnerNeed::None),
        Action::ViewStaff => (&[GA, UMA, PA], AccessNeed::Any, PartnerNeed::None),
        Action::ManageStaff => (&[GA, UMA], AccessNeed::Any, PartnerNeed::None),
        Action::ManageAdminStaff => (&[GA], AccessNeed::Any, PartnerNeed::None),
        Action::ResetStaffPassword => (&[GA, UMA, PA], AccessNeed::Any, PartnerNeed::None),
        Action::ResetAdminPassword => (&[GA], AccessNeed::Any, PartnerNeed::None),
        Action::ViewAuditLog => (&[GA, SA], AccessNeed::Any, PartnerNeed::None),
        Action::VerifyAuditLog => (&[GA, SA], AccessNeed::Any, PartnerNeed::None),
        Action::EditSecuritySettings => (&[GA], AccessNeed::Any, PartnerNeed::None),
        Action::EditLinkTemplates => (&[GA], AccessNeed::Any, PartnerNeed::None),
        // Customer screens: customer access decides, whatever the company role;
        // customer management needs the delegated-administration authorization.
        Action::ViewCustomers => (
            EVERYONE,
            AccessNeed::FullOrLimited,
            PartnerNeed::DelegatedAdmin,
        ),
        Action::ManageCustomers => (EVERYONE, AccessNeed::Full, PartnerNeed::DelegatedAdmin),
        Action::ManageRelationships => (EVERYONE, AccessNeed::Full, PartnerNeed::DelegatedAdmin),
        Action::ViewCatalog => (EVERYONE, AccessNeed::Any, PartnerNeed::None),
        Action::EditCatalog => (&[GA, BA], AccessNeed::Any, PartnerNeed::None),
    };
    // Every action so far acts on the partner's own records; those that
    // administer a customer's tenant (issue 5) name CustomerGate::ActiveRelationship.
    let customer = CustomerGate::None;
    Rule {
        roles,
        access,
        partner,
        customer,
    }
}

/// The customer gate of `action`, as the matrix test prints it.
pub fn customer_gate(action: Action) -> &'static str {
    rule(action).customer.as_str()
}

/// Decides an action on one customer: the table first, then the customer gate
/// with the customer's relationship state.
pub fn decide_for_customer(
    subject: Subject,
    partner: PartnerAuthorizations,
    relationship_state: &str,
    action: Action,
) -> Result<(), DenialReason> {
    decide(subject, partner, action)?;
    match rule(action).customer {
        CustomerGate::None => Ok(()),
        CustomerGate::ActiveRelationship if matches!(relationship_state, "active" | "expiring") => {
            Ok(())
        }
        CustomerGate::ActiveRelationship => Err(DenialReason::NoActiveRelationship),
    }
}

/// Who is asking, as far as the table is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub role: CompanyRole,
    pub customer_access: CustomerAccess,
}

/// Decides one action. Partner gates come first: when the partner is not
/// authorized, nobody may, whatever their role.
pub fn decide(
    subject: Subject,
    partner: PartnerAuthorizations,
    action: Action,
) -> Result<(), DenialReason> {
    let rule = rule(action);
    match rule.partner {
        PartnerNeed::DelegatedAdmin if !partner.delegated_admin => {
            return Err(DenialReason::PartnerNotDelegatedAdmin)
        }
        PartnerNeed::SubscriptionAdvisor if !partner.subscription_advisor => {
            return Err(DenialReason::PartnerNotSubscriptionAdvisor)
        }
        _ => {}
    }
    if !rule.roles.contains(&subject.role) {
        return Err(DenialReason::RoleRequired);
    }
    match (rule.access, subject.customer_access) {
        (AccessNeed::FullOrLimited, CustomerAccess::None) => {
            Err(DenialReason::CustomerAccessRequired)
        }
        (AccessNeed::Full, CustomerAccess::None | CustomerAccess::Limited) => {
            Err(DenialReason::FullCustomerAccessRequired)
        }
        _ => Ok(()),
    }
}

/// One row of "what may I do", for the UI to hide or disable with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Permission {
    pub action: Action,
    pub allowed: bool,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<DenialReason>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The roles that may, so the UI can say who to ask, in the user's language.
    pub allowed_roles: Vec<CompanyRole>,
}

pub fn permissions_of(subject: Subject, partner: PartnerAuthorizations) -> Vec<Permission> {
    Action::ALL
        .into_iter()
        .map(|action| {
            let allowed_roles = rule(action).roles.to_vec();
            match decide(subject, partner, action) {
                Ok(()) => Permission {
                    action,
                    allowed: true,
                    reason: None,
                    message: None,
                    allowed_roles,
                },
                Err(reason) => Permission {
                    action,
                    allowed: false,
                    reason: Some(reason),
                    message: Some(reason.message(action)),
                    allowed_roles,
                },
            }
        })
        .collect()
}
