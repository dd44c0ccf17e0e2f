//! Every write a signed-in staff member can make, as data: a [`Command`] can
//! cross the network (issue #13, team mode) and is executed by [`execute`],
//! the one dispatcher the desktop (standalone) and the team server share. It
//! calls the same core function the desktop always called, so every rule and
//! every permission check stays where it is: nothing is decided here
//! (docs/decisions/0049-commands-as-data.md).

mod dispatch;
#[cfg(test)]
mod samples;
#[cfg(test)]
mod tests;

use std::sync::atomic::AtomicBool;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::audit::{AuditQuery, NotedHead};
use crate::auth::{PasswordChange, Sessions};
use crate::catalog::ServiceUpdate;
use crate::change::Change;
use crate::company::CompanyProfile;
use crate::csv_file::Delimiter;
use crate::customer_users::{CustomerUserInput, CustomerUserQuery};
use crate::customers::{CustomerImport, CustomerInput, CustomerQuery};
use crate::error::Error;
use crate::exports::FileType;
use crate::imports::{ImportFile, ImportMode};
use crate::notifications::KindSetting;
use crate::offers::{AcceptanceInput, LineCount, OfferDraftInput};
use crate::product_keys::{KeyImport, ProductKeyInput, Redemption};
use crate::relationships::assignments::AssignmentInput;
use crate::relationships::groups::SecurityGroupInput;
use crate::relationships::templates::RoleTemplateInput;
use crate::relationships::{LinkTemplates, RelationshipOffer};
use crate::service_requests::{ServiceRequestEvent, ServiceRequestInput};
use crate::staff::StaffInput;
use crate::subscriptions::{
    SubscriptionEvent, SubscriptionInput, SubscriptionQuery, TrialConversion, UpgradeInput,
};
use crate::trial_invitations::{SignupInput, TrialInvitationInput};

pub use dispatch::execute;

/// One write, named like the desktop command that makes it (`"command"`),
/// with that command's arguments as fields: `{"command": "update_customer",
/// "id": "…", "input": {…}}`. Files to import travel as their bytes (base64),
/// never as a path: the side that executes cannot read the sender's disk.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    // Customers and their users.
    CreateCustomer {
        input: CustomerInput,
    },
    UpdateCustomer {
        id: String,
        input: CustomerInput,
    },
    SetCustomerArchived {
        id: String,
        archived: bool,
    },
    ImportCustomers {
        import: CustomerImport,
        mode: ImportMode,
    },
    CreateCustomerUser {
        customer_id: String,
        input: CustomerUserInput,
    },
    UpdateCustomerUser {
        id: String,
        input: CustomerUserInput,
    },
    SetCustomerUserBlocked {
        id: String,
        blocked: bool,
    },
    RemoveCustomerUser {
        id: String,
    },
    ResetCustomerUserPassword {
        id: String,
    },
    ImportCustomerUsers {
        customer_id: String,
        file: ImportFile,
        mode: ImportMode,
    },

    // Staff and the signed-in member's own password.
    CreateStaff {
        input: StaffInput,
    },
    UpdateStaff {
        id: String,
        input: StaffInput,
    },
    SetStaffBlocked {
        id: String,
        blocked: bool,
    },
    RemoveStaff {
        id: String,
    },
    ResetStaffPassword {
        id: String,
    },
    ChangeOwnPassword {
        change: PasswordChange,
    },

    // Subscriptions.
    AddSubscription {
        input: SubscriptionInput,
    },
    ChangeSubscriptionQuantity {
        id: String,
        quantity: u32,
        reason: String,
    },
    ApplySubscriptionEvent {
        id: String,
        event: SubscriptionEvent,
        reason: String,
    },
    SetSubscriptionAutoRenew {
        id: String,
        auto_renew: bool,
    },
    ConvertTrialSubscription {
        id: String,
        conversion: TrialConversion,
    },
    UpgradeSubscription {
        id: String,
        upgrade: UpgradeInput,
    },
    SetSubscriptionPartnerOfRecord {
        id: String,
        partner_of_record: bool,
    },
    ScheduleTrialConversion {
        id: String,
        conversion: TrialConversion,
    },
    ClearTrialConversion {
        id: String,
    },

    // Purchase offers.
    CreateOffer {
        input: OfferDraftInput,
    },
    UpdateOfferDraft {
        id: String,
        input: OfferDraftInput,
    },
    SendOffer {
        id: String,
        recipients: Vec<String>,
    },
    WithdrawOffer {
        id: String,
    },
    DeclineOffer {
        id: String,
    },
    ReviseOffer {
        id: String,
        counts: Vec<LineCount>,
    },
    AcceptOffer {
        id: String,
        input: AcceptanceInput,
    },

    // Trial invitations.
    CreateTrialInvitation {
        input: TrialInvitationInput,
    },
    UpdateTrialInvitation {
        id: String,
        input: TrialInvitationInput,
    },
    ActivateTrialInvitation {
        id: String,
    },
    RetireTrialInvitation {
        id: String,
    },
    /// Records the recipients; the desktop then opens the mail client.
    SendTrialInvitationEmail {
        id: String,
        recipients: Vec<String>,
    },
    RecordTrialInvitationSignup {
        id: String,
        signup: SignupInput,
    },

    // Product keys.
    AddProductKey {
        input: ProductKeyInput,
    },
    ImportProductKeys {
        import: KeyImport,
        mode: ImportMode,
    },
    RedeemProductKey {
        redemption: Redemption,
    },

    // Relationships and GDAP.
    OfferRelationship {
        offer: RelationshipOffer,
    },
    RequestRelationshipApproval {
        id: String,
    },
    RecordRelationshipAcceptance {
        id: String,
        accepted_at: Option<String>,
    },
    TerminateRelationship {
        id: String,
    },
    SetRelationshipAutoExtend {
        id: String,
        auto_extend: bool,
    },
    RemoveRelationshipGlobalAdmin {
        id: String,
    },
    UpdateLinkTemplates {
        templates: LinkTemplates,
    },
    SaveRoleTemplate {
        id: Option<String>,
        input: RoleTemplateInput,
    },
    DeleteRoleTemplate {
        id: String,
    },
    SaveSecurityGroup {
        id: Option<String>,
        input: SecurityGroupInput,
    },
    DeleteSecurityGroup {
        id: String,
    },
    CreateAccessAssignment {
        input: AssignmentInput,
    },
    DeleteAccessAssignment {
        id: String,
    },

    // Service requests.
    CreateServiceRequest {
        customer_id: String,
        input: ServiceRequestInput,
    },
    UpdateServiceRequest {
        id: String,
        input: ServiceRequestInput,
    },
    DiscardServiceRequest {
        id: String,
    },
    ChangeServiceRequestStatus {
        id: String,
        event: ServiceRequestEvent,
        note: Option<String>,
    },
    AddServiceRequestNote {
        id: String,
        body: String,
    },

    // Notifications.
    MarkNotificationRead {
        id: String,
    },
    MarkAllNotificationsRead,
    SetNotificationKinds {
        settings: Vec<KindSetting>,
    },

    // Partner of record.
    ClaimPartnerOfRecord {
        customer_id: String,
        workload: String,
    },
    RecordPartnerOfRecordDecline {
        customer_id: String,
        workload: String,
        reason: String,
    },
    RemovePartnerOfRecord {
        customer_id: String,
        workload: String,
        reason: String,
    },

    // Catalog, company and the settings that bind everyone.
    UpdateService {
        id: String,
        input: ServiceUpdate,
    },
    ImportPriceList {
        file: ImportFile,
        mode: ImportMode,
    },
    ImportOfferMatrix {
        file: ImportFile,
        mode: ImportMode,
    },
    UpdateCompanyProfile {
        profile: CompanyProfile,
    },
    UpdateIdleLock {
        minutes: u32,
    },

    // Reads that write the audit log: an export is audited when rendered and
    // comes back as its bytes, for the desktop to save; a verification
    // records its result.
    ExportCustomersCsv {
        query: CustomerQuery,
        file_type: Option<FileType>,
        delimiter: Option<Delimiter>,
    },
    ExportSubscriptionsCsv {
        query: SubscriptionQuery,
        file_type: Option<FileType>,
        delimiter: Option<Delimiter>,
    },
    ExportCustomerUsers {
        customer_id: String,
        query: CustomerUserQuery,
        file_type: Option<FileType>,
        delimiter: Option<Delimiter>,
    },
    ExportAuditCsv {
        query: AuditQuery,
        file_type: Option<FileType>,
        delimiter: Option<Delimiter>,
    },
    ExportCalendarIcs,
    VerifyAudit {
        noted: Option<NotedHead>,
    },
}

/// What an executed command gives back: the core function's result as the
/// JSON its type writes (what the UI always received, field order included:
/// a `serde_json::Value` would sort the keys, and screens compare a saved
/// record with their draft as text), and what it changed, for every open
/// screen (and, in team mode, every connected desktop) to refresh. Empty when
/// nothing was written (an import that imported no row); several for a
/// write that touches more than one kind of object (a trial sign-up).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Executed {
    pub value: Box<RawValue>,
    pub changes: Vec<Change>,
}

impl Executed {
    /// The result read back as `T` (the function's own type, or a `Value`).
    pub fn decode<T: DeserializeOwned>(&self) -> crate::Result<T> {
        serde_json::from_str(self.value.get())
            .map_err(|error| Error::Internal(format!("the result could not be read: {error}")))
    }
}

/// What a long command needs from whoever runs it. All optional: none is
/// what a caller without a screen (a test, the server) passes.
#[derive(Default, Clone, Copy)]
pub struct Hooks<'a> {
    /// Told `(rows written, rows to write)` while an import runs.
    pub progress: Option<&'a dyn Fn(u32, u32)>,
    /// Set to stop a running import; it rolls back everything.
    pub cancel: Option<&'a AtomicBool>,
    /// The sessions of the place the command runs in: changing one's own
    /// password starts the session again there (0031). None: nobody's.
    pub sessions: Option<&'a Sessions>,
}
