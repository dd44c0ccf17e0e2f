//! The one permission table: who may do what.
//!
//! Every command asks [`decide`] with the acting staff member's company role and
//! customer access, and the partner's authorizations. Later issues add actions
//! (and the customer's relationship state) to the same table; the matrix test
//! in `tests.rs` writes the whole table out, so any change is a visible diff.

mod guard;
#[cfg(test)]
mod paths_tests;
#[cfg(test)]
mod tests;

pub(crate) use guard::read_target;
pub use guard::{
    allows, guarded_read, guarded_write, require, require_any, require_for_customer,
    require_to_offer_delegated_admin, Guarded,
};

use crate::text::Text;
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
    /// Offer delegated administration however it is offered — alone, inside a
    /// purchase offer, a trial invitation or a key redemption — record the
    /// customer's acceptance, terminate. One row for every way (decision 0027).
    ManageRelationships,
    ViewCatalog,
    /// Edit services and prices, import Microsoft's price list.
    EditCatalog,
    /// See the subscriptions the partner sold (a customer's tab, the partner-wide list).
    ViewSubscriptions,
    /// Add subscriptions, change quantities, suspend, reactivate, cancel, renew settings.
    ManageSubscriptions,
    /// Record that the customer designated the partner as partner of record.
    RecordPartnerOfRecord,
    /// See a customer's own users.
    ViewCustomerUsers,
    /// Add, edit, block, remove and import a customer's users.
    ManageCustomerUsers,
    /// Reset the password of a customer user who holds no admin role.
    ResetCustomerUserPassword,
    /// Reset the password of a customer user who holds an admin role.
    ResetCustomerAdminPassword,
    /// See a customer's service requests.
    ViewServiceRequests,
    /// See every customer's service requests in the partner-wide queue.
    ViewAllServiceRequests,
    /// Create, submit, annotate, flag, close and reopen service requests.
    ManageServiceRequests,
    /// Draft, activate, send and retire trial invitations; record sign-ups.
    ManageTrialInvitations,
    /// Draft, send, revise, withdraw purchase offers; record the customer's answer.
    ManagePurchaseOffers,
    /// Set an offer line's unit price other than the catalog's.
    OverrideOfferPrices,
    /// See the product-key inventory (keys masked but for the last group).
    ViewProductKeys,
    /// Add product keys to the inventory and import them.
    ManageProductKeys,
    /// Redeem a product key for a customer.
    RedeemProductKeys,
    /// See product keys in full.
    ViewFullProductKeys,
    /// See one's own notifications, mark them read, choose the kinds one wants.
    ViewNotifications,
    /// See the automatic backups and make one now (decision 0030).
    ManageBackups,
    /// Replace the database with a backup (the current file is kept aside).
    RestoreBackups,
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
    /// The stable key the UI translates.
    pub fn key(self) -> &'static str {
        match self {
            DenialReason::RoleRequired => "role_required",
            DenialReason::CustomerAccessRequired => "customer_access_required",
            DenialReason::FullCustomerAccessRequired => "full_customer_access_required",
            DenialReason::PartnerNotDelegatedAdmin => "partner_not_delegated_admin",
            DenialReason::PartnerNotSubscriptionAdvisor => "partner_not_subscription_advisor",
            DenialReason::NoActiveRelationship => "no_active_relationship",
        }
    }

    /// The refusal of `action`, said to a person in English and Polish.
    pub fn text(self, action: Action) -> Text {
        let (what, co) = (action.describe(), action.describe_pl());
        match self {
            DenialReason::RoleRequired => {
                let roles = rule(action).roles;
                let who = join_or(&roles.iter().map(|r| r.describe()).collect::<Vec<_>>());
                if roles.is_empty() {
                    text!(
                        "Only {who} may {what}.",
                        "Nie ma roli, która pozwala {co}."
                    )
                } else {
                    let kto = join_lub(&roles.iter().map(|r| r.describe_pl()).collect::<Vec<_>>());
                    text!("Only {who} may {what}.", "Tylko {kto} mogą {co}.")
                }
            }
            DenialReason::CustomerAccessRequired => text!(
                "You need full or limited access to customers to {what}.",
                "Aby {co}, potrzebujesz pełnego lub ograniczonego dostępu do klientów."
            ),
            DenialReason::FullCustomerAccessRequired => text!(
                "You need full access to customers to {what}.",
                "Aby {co}, potrzebujesz pełnego dostępu do klientów."
            ),
            DenialReason::PartnerNotDelegatedAdmin => text!(
                "Your company is not authorized for delegated administration, so nobody may {what}.",
                "Twoja firma nie ma autoryzacji do administracji delegowanej, a jest ona potrzebna, aby {co}."
            ),
            DenialReason::PartnerNotSubscriptionAdvisor => text!(
                "Your company is not an authorized subscription advisor, so nobody may {what}.",
                "Twoja firma nie jest autoryzowanym doradcą ds. subskrypcji, a jest to potrzebne, aby {co}."
            ),
            DenialReason::NoActiveRelationship => text!(
                "The customer has no active delegated-administration relationship, so nobody may {what} for them.",
                "Klient nie ma aktywnej relacji administracji delegowanej, a jest ona potrzebna, aby {co}."
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

fn join_lub(items: &[&str]) -> String {
    match items {
        [] => "nikt".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} lub {last}", init.join(", ")),
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

    /// The role's holders in Polish (nominative plural), as [`Self::describe`] is in English.
    fn describe_pl(self) -> &'static str {
        match self {
            CompanyRole::None => "pracownicy bez roli administratora",
            CompanyRole::GlobalAdmin => "administratorzy globalni",
            CompanyRole::BillingAdmin => "administratorzy rozliczeń",
            CompanyRole::PasswordAdmin => "administratorzy haseł",
            CompanyRole::ServiceAdmin => "administratorzy usług",
            CompanyRole::UserManagementAdmin => "administratorzy zarządzania użytkownikami",
        }
    }
}

impl Action {
    pub const ALL: [Action; 38] = [
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
        Action::ViewSubscriptions,
        Action::ManageSubscriptions,
        Action::RecordPartnerOfRecord,
        Action::ViewCustomerUsers,
        Action::ManageCustomerUsers,
        Action::ResetCustomerUserPassword,
        Action::ResetCustomerAdminPassword,
        Action::ViewServiceRequests,
        Action::ViewAllServiceRequests,
        Action::ManageServiceRequests,
        Action::ManageTrialInvitations,
        Action::ManagePurchaseOffers,
        Action::OverrideOfferPrices,
        Action::ViewProductKeys,
        Action::ManageProductKeys,
        Action::RedeemProductKeys,
        Action::ViewFullProductKeys,
        Action::ViewNotifications,
        Action::ManageBackups,
        Action::RestoreBackups,
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
            Action::ViewSubscriptions => "view_subscriptions",
            Action::ManageSubscriptions => "manage_subscriptions",
            Action::RecordPartnerOfRecord => "record_partner_of_record",
            Action::ViewCustomerUsers => "view_customer_users",
            Action::ManageCustomerUsers => "manage_customer_users",
            Action::ResetCustomerUserPassword => "reset_customer_user_password",
            Action::ResetCustomerAdminPassword => "reset_customer_admin_password",
            Action::ViewServiceRequests => "view_service_requests",
            Action::ViewAllServiceRequests => "view_all_service_requests",
            Action::ManageServiceRequests => "manage_service_requests",
            Action::ManageTrialInvitations => "manage_trial_invitations",
            Action::ManagePurchaseOffers => "manage_purchase_offers",
            Action::OverrideOfferPrices => "override_offer_prices",
            Action::ViewProductKeys => "view_product_keys",
            Action::ManageProductKeys => "manage_product_keys",
            Action::RedeemProductKeys => "redeem_product_keys",
            Action::ViewFullProductKeys => "view_full_product_keys",
            Action::ViewNotifications => "view_notifications",
            Action::ManageBackups => "manage_backups",
            Action::RestoreBackups => "restore_backups",
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
            Action::ViewSubscriptions => "see subscriptions",
            Action::ManageSubscriptions => "add or change subscriptions",
            Action::RecordPartnerOfRecord => "record the partner of record",
            Action::ViewCustomerUsers => "see a customer's users",
            Action::ManageCustomerUsers => "add, edit, block or remove a customer's users",
            Action::ResetCustomerUserPassword => "reset customer users' passwords",
            Action::ResetCustomerAdminPassword => {
                "reset the passwords of customer users who hold an admin role"
            }
            Action::ViewServiceRequests => "see service requests",
            Action::ViewAllServiceRequests => "see every customer's service requests",
            Action::ManageServiceRequests => "create or work on service requests",
            Action::ManageTrialInvitations => "create or send trial invitations",
            Action::ManagePurchaseOffers => "create or send purchase offers",
            Action::OverrideOfferPrices => "change an offer's prices from the catalog's",
            Action::ViewProductKeys => "see the product-key inventory",
            Action::ManageProductKeys => "add or import product keys",
            Action::RedeemProductKeys => "redeem product keys for customers",
            Action::ViewFullProductKeys => "see product keys in full",
            Action::ViewNotifications => "see notifications",
            Action::ManageBackups => "see or make backups",
            Action::RestoreBackups => "restore a backup",
        }
    }

    /// The action in Polish (an infinitive with its object in the accusative),
    /// as [`Self::describe`] is in English.
    fn describe_pl(self) -> &'static str {
        match self {
            Action::ViewDashboard => "wyświetlać pulpit",
            Action::ChangeOwnPassword => "zmienić własne hasło",
            Action::ViewCompanyProfile => "wyświetlać profil firmy",
            Action::EditCompanyProfile => "edytować profil firmy",
            Action::ViewStaff => "wyświetlać listę pracowników",
            Action::ManageStaff => "dodawać, edytować, blokować lub usuwać pracowników",
            Action::ManageAdminStaff => {
                "dodawać, edytować, blokować lub usuwać pracowników z rolą administratora lub dostępem do klientów"
            }
            Action::ResetStaffPassword => "resetować hasła pracowników",
            Action::ResetAdminPassword => "resetować hasła pracowników z uprawnieniami administratora",
            Action::ViewAuditLog => "wyświetlać dziennik inspekcji",
            Action::VerifyAuditLog => "sprawdzać integralność dziennika inspekcji",
            Action::EditSecuritySettings => "zmieniać ustawienia bezpieczeństwa",
            Action::EditLinkTemplates => "zmieniać szablony linków i e-maili",
            Action::ViewCustomers => "wyświetlać klientów",
            Action::ManageCustomers => "dodawać, edytować, archiwizować lub importować klientów",
            Action::ManageRelationships => "oferować lub zmieniać administrację delegowaną",
            Action::ViewCatalog => "wyświetlać katalog usług",
            Action::EditCatalog => "edytować katalog usług i ceny",
            Action::ViewSubscriptions => "wyświetlać subskrypcje",
            Action::ManageSubscriptions => "dodawać lub zmieniać subskrypcje",
            Action::RecordPartnerOfRecord => "zapisywać zarejestrowanego partnera (POR)",
            Action::ViewCustomerUsers => "wyświetlać użytkowników klienta",
            Action::ManageCustomerUsers => {
                "dodawać, edytować, blokować lub usuwać użytkowników klienta"
            }
            Action::ResetCustomerUserPassword => "resetować hasła użytkowników klientów",
            Action::ResetCustomerAdminPassword => {
                "resetować hasła użytkowników klientów z rolą administratora"
            }
            Action::ViewServiceRequests => "wyświetlać żądania usługi",
            Action::ViewAllServiceRequests => "wyświetlać żądania usługi wszystkich klientów",
            Action::ManageServiceRequests => "tworzyć lub obsługiwać żądania usługi",
            Action::ManageTrialInvitations => "tworzyć lub wysyłać zaproszenia do wersji próbnych",
            Action::ManagePurchaseOffers => "tworzyć lub wysyłać oferty zakupu",
            Action::OverrideOfferPrices => "zmieniać w ofercie ceny z katalogu",
            Action::ViewProductKeys => "wyświetlać listę kluczy produktów",
            Action::ManageProductKeys => "dodawać lub importować klucze produktów",
            Action::RedeemProductKeys => "realizować klucze produktów dla klientów",
            Action::ViewFullProductKeys => "wyświetlać pełne klucze produktów",
            Action::ViewNotifications => "wyświetlać powiadomienia",
            Action::ManageBackups => "wyświetlać lub tworzyć kopie zapasowe",
            Action::RestoreBackups => "przywracać kopię zapasową",
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
    SubscriptionAdvisor,
}

/// What an action needs of the customer it acts on (DESIGN §2, "customer gate").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerGate {
    /// Not about one customer's tenant (lists, CRM data, offering a relationship).
    None,
    /// Administers the customer's tenant: needs an active (or expiring) relationship.
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
    use AccessNeed::{Any, Full, FullOrLimited};
    use CustomerGate::{ActiveRelationship as ACTIVE, None as ANY_CUSTOMER};
    use PartnerNeed::{DelegatedAdmin as DA, None as NO_GATE, SubscriptionAdvisor as ADVISOR};
    let (roles, access, partner, customer): (&'static [CompanyRole], _, _, _) = match action {
        Action::ViewDashboard => (EVERYONE, Any, NO_GATE, ANY_CUSTOMER),
        Action::ChangeOwnPassword => (EVERYONE, Any, NO_GATE, ANY_CUSTOMER),
        Action::ViewCompanyProfile => (EVERYONE, Any, NO_GATE, ANY_CUSTOMER),
        Action::EditCompanyProfile => (&[GA], Any, NO_GATE, ANY_CUSTOMER),
        Action::ViewStaff => (&[GA, UMA, PA], Any, NO_GATE, ANY_CUSTOMER),
        Action::ManageStaff => (&[GA, UMA], Any, NO_GATE, ANY_CUSTOMER),
        Action::ManageAdminStaff => (&[GA], Any, NO_GATE, ANY_CUSTOMER),
        Action::ResetStaffPassword => (&[GA, UMA, PA], Any, NO_GATE, ANY_CUSTOMER),
        Action::ResetAdminPassword => (&[GA], Any, NO_GATE, ANY_CUSTOMER),
        Action::ViewAuditLog => (&[GA, SA], Any, NO_GATE, ANY_CUSTOMER),
        Action::VerifyAuditLog => (&[GA, SA], Any, NO_GATE, ANY_CUSTOMER),
        Action::EditSecuritySettings => (&[GA], Any, NO_GATE, ANY_CUSTOMER),
        Action::EditLinkTemplates => (&[GA], Any, NO_GATE, ANY_CUSTOMER),
        // Customer screens: customer access decides, whatever the company role;
        // customer management needs the delegated-administration authorization.
        Action::ViewCustomers => (EVERYONE, FullOrLimited, DA, ANY_CUSTOMER),
        Action::ManageCustomers => (EVERYONE, Full, DA, ANY_CUSTOMER),
        // Asked by every act that offers delegated administration or records
        // its acceptance, alone or inside an offer, an invitation or a key.
        Action::ManageRelationships => (EVERYONE, Full, DA, ANY_CUSTOMER),
        Action::ViewCatalog => (EVERYONE, Any, NO_GATE, ANY_CUSTOMER),
        Action::EditCatalog => (&[GA, BA], Any, NO_GATE, ANY_CUSTOMER),
        // Subscriptions are the partner's own sales records: seeing them needs
        // no relationship; changing one administers the customer's tenant.
        Action::ViewSubscriptions => (EVERYONE, FullOrLimited, DA, ANY_CUSTOMER),
        Action::ManageSubscriptions => (EVERYONE, Full, DA, ACTIVE),
        Action::RecordPartnerOfRecord => (EVERYONE, Full, ADVISOR, ACTIVE),
        // A customer's users live in the customer's tenant.
        Action::ViewCustomerUsers => (EVERYONE, FullOrLimited, DA, ACTIVE),
        Action::ManageCustomerUsers => (EVERYONE, Full, DA, ACTIVE),
        // Limited access is the customer's password admin: users without an admin role.
        Action::ResetCustomerUserPassword => (EVERYONE, FullOrLimited, DA, ACTIVE),
        Action::ResetCustomerAdminPassword => (EVERYONE, Full, DA, ACTIVE),
        Action::ViewServiceRequests => (EVERYONE, FullOrLimited, DA, ACTIVE),
        // Service admins watch the whole queue, whatever their customer access.
        Action::ViewAllServiceRequests => (&[GA, SA], Any, NO_GATE, ANY_CUSTOMER),
        Action::ManageServiceRequests => (EVERYONE, FullOrLimited, DA, ACTIVE),
        // The seed: limited access may also create trial invitations and offers.
        // They reach prospects as well as customers, so no relationship is needed.
        Action::ManageTrialInvitations => (EVERYONE, FullOrLimited, ADVISOR, ANY_CUSTOMER),
        Action::ManagePurchaseOffers => (EVERYONE, FullOrLimited, ADVISOR, ANY_CUSTOMER),
        // Prices are the billing admins' (DESIGN §2).
        Action::OverrideOfferPrices => (&[GA, BA], FullOrLimited, ADVISOR, ANY_CUSTOMER),
        // The inventory is the billing admins' (DESIGN §2); everybody sees it
        // masked, so staff setting up customers know what is in stock.
        Action::ViewProductKeys => (EVERYONE, Any, ADVISOR, ANY_CUSTOMER),
        Action::ManageProductKeys => (&[GA, BA], Any, ADVISOR, ANY_CUSTOMER),
        // Redeeming sets up a (possibly new) customer: full access. Changing an
        // existing customer's subscriptions with a key also asks
        // manage_subscriptions with its customer gate (decision 0027).
        Action::RedeemProductKeys => (EVERYONE, Full, ADVISOR, ANY_CUSTOMER),
        Action::ViewFullProductKeys => (&[GA, BA], Any, ADVISOR, ANY_CUSTOMER),
        Action::ViewNotifications => (EVERYONE, Any, NO_GATE, ANY_CUSTOMER),
        // Backups are the data's safety: the service admins watch them with the
        // global admins; replacing the database is the global admins' alone.
        Action::ManageBackups => (&[GA, SA], Any, NO_GATE, ANY_CUSTOMER),
        Action::RestoreBackups => (&[GA], Any, NO_GATE, ANY_CUSTOMER),
    };
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
    /// The refusal in English (the same as `text.en`).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The refusal, in each language the UI speaks.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
    /// The roles that may, so the UI can say who to ask, in the user's language.
    pub allowed_roles: Vec<CompanyRole>,
}

pub fn permissions_of(subject: Subject, partner: PartnerAuthorizations) -> Vec<Permission> {
    permissions_where(|action| decide(subject, partner, action))
}

/// The same for one customer, whose relationship state the customer gate reads.
pub fn permissions_for_customer(
    subject: Subject,
    partner: PartnerAuthorizations,
    relationship_state: &str,
) -> Vec<Permission> {
    permissions_where(|action| decide_for_customer(subject, partner, relationship_state, action))
}

fn permissions_where(decision: impl Fn(Action) -> Result<(), DenialReason>) -> Vec<Permission> {
    Action::ALL
        .into_iter()
        .map(|action| {
            let allowed_roles = rule(action).roles.to_vec();
            match decision(action) {
                Ok(()) => Permission {
                    action,
                    allowed: true,
                    reason: None,
                    message: None,
                    text: None,
                    allowed_roles,
                },
                Err(reason) => {
                    let text = reason.text(action);
                    Permission {
                        action,
                        allowed: false,
                        reason: Some(reason),
                        message: Some(text.en.clone()),
                        text: Some(text),
                        allowed_roles,
                    }
                }
            }
        })
        .collect()
}
