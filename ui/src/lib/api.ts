// The typed client over Tauri's invoke: one function per command, typed by the
// bindings generated from the Rust types (ui/src/lib/bindings, never edited by hand).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ExportFormat } from "./exportFormat";
import type { ServerProbe, TeamStatus } from "./team";
import type { ApiError } from "./bindings/ApiError";
import type { Calendar } from "./bindings/Calendar";
import type { KindSetting } from "./bindings/KindSetting";
import type { NotificationList } from "./bindings/NotificationList";
import type { NotificationQuery } from "./bindings/NotificationQuery";
import type { Overview } from "./bindings/Overview";
import type { AppInfo } from "./bindings/AppInfo";
import type { BackupInfo } from "./bindings/BackupInfo";
import type { BackupOverview } from "./bindings/BackupOverview";
import type { RestoreReport } from "./bindings/RestoreReport";
import type { AppSettings } from "./bindings/AppSettings";
import type { ActivityPage } from "./bindings/ActivityPage";
import type { AuditPage } from "./bindings/AuditPage";
import type { AuditQuery } from "./bindings/AuditQuery";
import type { AuditVerification } from "./bindings/AuditVerification";
import type { AuditHeadStatus } from "./bindings/AuditHeadStatus";
import type { NotedHead } from "./bindings/NotedHead";
import type { Change } from "./bindings/Change";
import type { CompanyProfile } from "./bindings/CompanyProfile";
import type { CompanyView } from "./bindings/CompanyView";
import type { Customer } from "./bindings/Customer";
import type { CustomerInput } from "./bindings/CustomerInput";
import type { CustomerPage } from "./bindings/CustomerPage";
import type { CustomerQuery } from "./bindings/CustomerQuery";
import type { CustomerUser } from "./bindings/CustomerUser";
import type { CustomerUserInput } from "./bindings/CustomerUserInput";
import type { CustomerUserPage } from "./bindings/CustomerUserPage";
import type { CustomerUserQuery } from "./bindings/CustomerUserQuery";
import type { CustomerImport } from "./bindings/CustomerImport";
import type { ImportFile } from "./bindings/ImportFile";
import type { ImportMode } from "./bindings/ImportMode";
import type { ImportReport } from "./bindings/ImportReport";
import type { KeyImport } from "./bindings/KeyImport";
import type { OfferMatrixRow } from "./bindings/OfferMatrixRow";
import type { SeatLine } from "./bindings/SeatLine";
import type { SeatRoom } from "./bindings/SeatRoom";
import type { ProductKey } from "./bindings/ProductKey";
import type { ProductKeyInput } from "./bindings/ProductKeyInput";
import type { ProductKeyPage } from "./bindings/ProductKeyPage";
import type { ProductKeyQuery } from "./bindings/ProductKeyQuery";
import type { Redeemed } from "./bindings/Redeemed";
import type { Redemption } from "./bindings/Redemption";
import type { LinkTemplates } from "./bindings/LinkTemplates";
import type { PriceListPreview } from "./bindings/PriceListPreview";
import type { Relationship } from "./bindings/Relationship";
import type { RelationshipMessage } from "./bindings/RelationshipMessage";
import type { RelationshipOffer } from "./bindings/RelationshipOffer";
import type { AccessAssignment } from "./bindings/AccessAssignment";
import type { AssignmentInput } from "./bindings/AssignmentInput";
import type { DelegatedAccess } from "./bindings/DelegatedAccess";
import type { EntraRole } from "./bindings/EntraRole";
import type { Preflight } from "./bindings/Preflight";
import type { RoleTemplate } from "./bindings/RoleTemplate";
import type { RoleTemplateInput } from "./bindings/RoleTemplateInput";
import type { SecurityGroup } from "./bindings/SecurityGroup";
import type { SecurityGroupInput } from "./bindings/SecurityGroupInput";
import type { Service } from "./bindings/Service";
import type { CustomerServiceRequests } from "./bindings/CustomerServiceRequests";
import type { ServiceRequestEvent } from "./bindings/ServiceRequestEvent";
import type { ServiceRequestInput } from "./bindings/ServiceRequestInput";
import type { ServiceRequestPage } from "./bindings/ServiceRequestPage";
import type { ServiceRequestQuery } from "./bindings/ServiceRequestQuery";
import type { ServiceRequestView } from "./bindings/ServiceRequestView";
import type { ServiceUpdate } from "./bindings/ServiceUpdate";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { Text } from "./bindings/Text";
import type { ExportedFile } from "./bindings/ExportedFile";
import type { IssuedPassword } from "./bindings/IssuedPassword";
import type { PasswordChange } from "./bindings/PasswordChange";
import type { Permission } from "./bindings/Permission";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { SessionStatus } from "./bindings/SessionStatus";
import type { SettingsUpdate } from "./bindings/SettingsUpdate";
import type { SetupInput } from "./bindings/SetupInput";
import type { StaffFilter } from "./bindings/StaffFilter";
import type { StaffInput } from "./bindings/StaffInput";
import type { StaffMember } from "./bindings/StaffMember";
import type { StaffRow } from "./bindings/StaffRow";
import type { Subscription } from "./bindings/Subscription";
import type { SubscriptionDetail } from "./bindings/SubscriptionDetail";
import type { QuantityQuote } from "./bindings/QuantityQuote";
import type { SubscriptionEvent } from "./bindings/SubscriptionEvent";
import type { SubscriptionInput } from "./bindings/SubscriptionInput";
import type { SubscriptionPage } from "./bindings/SubscriptionPage";
import type { SubscriptionQuery } from "./bindings/SubscriptionQuery";
import type { TrialConversion } from "./bindings/TrialConversion";
import type { UpgradeInput } from "./bindings/UpgradeInput";
import type { UpgradeOutcome } from "./bindings/UpgradeOutcome";
import type { UpgradeTarget } from "./bindings/UpgradeTarget";
import type { WorkloadClaim } from "./bindings/WorkloadClaim";
import type { TemporaryPassword } from "./bindings/TemporaryPassword";
import type { SignupInput } from "./bindings/SignupInput";
import type { TrialInvitationDetail } from "./bindings/TrialInvitationDetail";
import type { TrialInvitationInput } from "./bindings/TrialInvitationInput";
import type { TrialInvitationMessage } from "./bindings/TrialInvitationMessage";
import type { TrialInvitationPage } from "./bindings/TrialInvitationPage";
import type { TrialInvitationQuery } from "./bindings/TrialInvitationQuery";
import type { TrialService } from "./bindings/TrialService";

import type { AcceptanceInput } from "./bindings/AcceptanceInput";
import type { LineCount } from "./bindings/LineCount";
import type { OfferDraftInput } from "./bindings/OfferDraftInput";
import type { OfferMessage } from "./bindings/OfferMessage";
import type { OfferPage } from "./bindings/OfferPage";
import type { OfferQuery } from "./bindings/OfferQuery";
import type { PurchaseOfferDetail } from "./bindings/PurchaseOfferDetail";

const CHANGE_EVENT = "changed";

// A Record, so a code added in Rust and missing here fails the type check.
const KNOWN_CODES: Record<ErrorCode, true> = {
  validation: true,
  not_found: true,
  conflict: true,
  forbidden: true,
  unauthenticated: true,
  locked: true,
  rate_limited: true,
  invalid_state: true,
  storage: true,
  damaged: true,
  internal: true,
};
const ERROR_CODES = Object.keys(KNOWN_CODES) as ErrorCode[];

/** An ApiError whose `text` may be missing (a failure the core did not describe). */
export type CommandErrorInit = Omit<ApiError, "text"> & { text?: Text | undefined };

/**
 * A failed command, as the core described it. Screens switch on `code`, never on
 * `message`, and show `text` in the user's language (see `describeError`).
 */
export class CommandError extends Error implements ApiError {
  readonly code: ErrorCode;
  /** What to tell the person; the message in both languages when the core sent none. */
  readonly text: Text;
  /** Whether `text` came from the core (so its Polish is a real translation). */
  readonly translated: boolean;
  readonly field?: string;
  readonly reason?: string;

  constructor(error: CommandErrorInit) {
    super(error.message);
    this.name = "CommandError";
    this.code = error.code;
    this.translated = error.text !== undefined;
    this.text = error.text ?? { en: error.message, pl: error.message };
    if (error.field !== undefined) this.field = error.field;
    if (error.reason !== undefined) this.reason = error.reason;
  }
}

function isText(value: unknown): value is Text {
  if (typeof value !== "object" || value === null) return false;
  const { en, pl } = value as Record<string, unknown>;
  return typeof en === "string" && typeof pl === "string";
}

/** Anything invoke rejects with becomes a CommandError; an untyped failure is `internal`. */
export function toCommandError(raw: unknown): CommandError {
  if (raw instanceof CommandError) return raw;
  if (typeof raw === "object" && raw !== null && "code" in raw && "message" in raw) {
    const { code, message, text, field, reason } = raw as Record<string, unknown>;
    if (ERROR_CODES.includes(code as ErrorCode) && typeof message === "string") {
      return new CommandError({
        code: code as ErrorCode,
        message,
        ...(isText(text) ? { text } : {}),
        ...(typeof field === "string" ? { field } : {}),
        ...(typeof reason === "string" ? { reason } : {}),
      });
    }
  }
  const message = raw instanceof Error ? raw.message : String(raw);
  return new CommandError({ code: "internal", message });
}

/** The header that tells the core a call is the app's own, not the person's (commands/activity.rs). */
export const ACTIVITY_HEADER = "Partnerdesk-Activity";
let ownCalls = 0;

/**
 * Runs `work` as the app's own doing: the commands it starts (before its
 * first `await`) do not count as the person's activity, so refreshing after
 * a change event — the hourly clock's, say — never keeps an idle session open.
 */
export function asAppsOwn<T>(work: () => T): T {
  ownCalls += 1;
  try {
    return work();
  } finally {
    ownCalls -= 1;
  }
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  // Read before the first await: the scope of asAppsOwn is synchronous.
  const options = ownCalls > 0 ? { headers: { [ACTIVITY_HEADER]: "background" } } : undefined;
  try {
    return await (options ? invoke<T>(command, args, options) : invoke<T>(command, args));
  } catch (raw) {
    throw toCommandError(raw);
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  getSettings: () => call<AppSettings>("get_settings"),
  updateSettings: (update: SettingsUpdate) => call<AppSettings>("update_settings", { update }),
  updateIdleLock: (minutes: number) => call<null>("update_idle_lock", { minutes }),

  teamStatus: () => call<TeamStatus>("team_status"),
  probeTeamServer: (serverUrl: string) => call<ServerProbe>("probe_team_server", { serverUrl }),
  connectTeamServer: (serverUrl: string, fingerprint: string | null) =>
    call<TeamStatus>("connect_team_server", { serverUrl, fingerprint }),
  workStandalone: () => call<TeamStatus>("work_standalone"),

  sessionStatus: () => call<SessionStatus>("session_status"),
  completeSetup: (input: SetupInput) => call<SessionInfo>("complete_setup", { input }),
  signIn: (email: string, password: string) => call<SessionInfo>("sign_in", { email, password }),
  signOut: () => call<null>("sign_out"),
  lockSession: () => call<null>("lock_session"),
  unlockSession: (password: string) => call<SessionInfo>("unlock_session", { password }),
  touchSession: () => call<null>("touch_session"),
  changeOwnPassword: (change: PasswordChange) =>
    call<SessionInfo>("change_own_password", { change }),

  getCompanyProfile: () => call<CompanyView>("get_company_profile"),
  updateCompanyProfile: (profile: CompanyProfile) =>
    call<CompanyView>("update_company_profile", { profile }),

  listStaff: (filter: StaffFilter) => call<StaffRow[]>("list_staff", { filter }),
  createStaff: (input: StaffInput) => call<IssuedPassword>("create_staff", { input }),
  updateStaff: (id: string, input: StaffInput) =>
    call<StaffMember>("update_staff", { id, input }),
  setStaffBlocked: (id: string, blocked: boolean) =>
    call<StaffMember>("set_staff_blocked", { id, blocked }),
  removeStaff: (id: string) => call<StaffMember>("remove_staff", { id }),
  resetStaffPassword: (id: string) => call<IssuedPassword>("reset_staff_password", { id }),

  listAudit: (query: AuditQuery) => call<AuditPage>("list_audit", { query }),
  verifyAudit: (noted?: NotedHead) => call<AuditVerification>("verify_audit", { noted: noted ?? null }),
  auditHead: () => call<AuditHeadStatus>("audit_head"),
  reanchorAuditHead: (reason: string) => call<AuditHeadStatus>("reanchor_audit_head", { reason }),
  exportAudit: (query: AuditQuery, format: ExportFormat) =>
    call<ExportedFile>("export_audit_csv", { query, ...format }),

  listCustomers: (query: CustomerQuery) => call<CustomerPage>("list_customers", { query }),
  getCustomer: (id: string) => call<Customer>("get_customer", { id }),
  createCustomer: (input: CustomerInput) => call<Customer>("create_customer", { input }),
  updateCustomer: (id: string, input: CustomerInput) =>
    call<Customer>("update_customer", { id, input }),
  setCustomerArchived: (id: string, archived: boolean) =>
    call<Customer>("set_customer_archived", { id, archived }),
  previewCustomerImport: (file: ImportFile) => call<ImportReport>("preview_customer_import", { file }),
  importCustomers: (customers: CustomerImport, mode: ImportMode) =>
    call<ImportReport>("import_customers", { import: customers, mode }),
  cancelImport: () => call<null>("cancel_import"),
  exportCustomers: (query: CustomerQuery, format: ExportFormat) =>
    call<ExportedFile>("export_customers_csv", { query, ...format }),
  customerActivity: (id: string, beforeSeq?: number) =>
    call<ActivityPage>("customer_activity", { id, beforeSeq: beforeSeq ?? null }),
  customerPermissions: (customerId: string) =>
    call<Permission[]>("customer_permissions", { customerId }),

  listCustomerUsers: (customerId: string, query: CustomerUserQuery) =>
    call<CustomerUserPage>("list_customer_users", { customerId, query }),
  createCustomerUser: (customerId: string, input: CustomerUserInput) =>
    call<CustomerUser>("create_customer_user", { customerId, input }),
  updateCustomerUser: (id: string, input: CustomerUserInput) =>
    call<CustomerUser>("update_customer_user", { id, input }),
  setCustomerUserBlocked: (id: string, blocked: boolean) =>
    call<CustomerUser>("set_customer_user_blocked", { id, blocked }),
  removeCustomerUser: (id: string) => call<CustomerUser>("remove_customer_user", { id }),
  resetCustomerUserPassword: (id: string) =>
    call<TemporaryPassword>("reset_customer_user_password", { id }),
  previewCustomerUserImport: (customerId: string, file: ImportFile) =>
    call<ImportReport>("preview_customer_user_import", { customerId, file }),
  importCustomerUsers: (customerId: string, file: ImportFile, mode: ImportMode) =>
    call<ImportReport>("import_customer_users", { customerId, file, mode }),
  exportCustomerUsers: (customerId: string, query: CustomerUserQuery, format: ExportFormat) =>
    call<ExportedFile>("export_customer_users", { customerId, query, ...format }),

  listRelationships: (customerId: string) =>
    call<Relationship[]>("list_relationships", { customerId }),
  offerRelationship: (offer: RelationshipOffer) =>
    call<Relationship>("offer_relationship", { offer }),
  requestRelationshipApproval: (id: string) =>
    call<Relationship>("request_relationship_approval", { id }),
  recordRelationshipAcceptance: (id: string, acceptedAt?: string) =>
    call<Relationship>("record_relationship_acceptance", { id, acceptedAt: acceptedAt ?? null }),
  terminateRelationship: (id: string) => call<Relationship>("terminate_relationship", { id }),
  relationshipMessage: (id: string) => call<RelationshipMessage>("relationship_message", { id }),
  sendRelationshipEmail: (id: string) => call<null>("send_relationship_email", { id }),
  listEntraRoles: () => call<EntraRole[]>("list_entra_roles"),
  preflightRelationship: (offer: RelationshipOffer) => call<Preflight>("preflight_relationship", { offer }),
  listRoleTemplates: () => call<RoleTemplate[]>("list_role_templates"),
  saveRoleTemplate: (id: string | null, input: RoleTemplateInput) => call<RoleTemplate>("save_role_template", { id, input }),
  deleteRoleTemplate: (id: string) => call<null>("delete_role_template", { id }),
  listSecurityGroups: () => call<SecurityGroup[]>("list_security_groups"),
  saveSecurityGroup: (id: string | null, input: SecurityGroupInput) => call<SecurityGroup>("save_security_group", { id, input }),
  deleteSecurityGroup: (id: string) => call<null>("delete_security_group", { id }),
  delegatedAccess: (customerId: string) => call<DelegatedAccess>("delegated_access", { customerId }),
  createAccessAssignment: (input: AssignmentInput) => call<AccessAssignment>("create_access_assignment", { input }),
  deleteAccessAssignment: (id: string) => call<null>("delete_access_assignment", { id }),
  setRelationshipAutoExtend: (id: string, autoExtend: boolean) =>
    call<Relationship>("set_relationship_auto_extend", { id, autoExtend }),
  removeRelationshipGlobalAdmin: (id: string) => call<Relationship>("remove_relationship_global_admin", { id }),
  getLinkTemplates: () => call<LinkTemplates>("get_link_templates"),
  updateLinkTemplates: (templates: LinkTemplates) =>
    call<LinkTemplates>("update_link_templates", { templates }),

  listOffers: (query: OfferQuery) => call<OfferPage>("list_offers", { query }),
  getOffer: (id: string) => call<PurchaseOfferDetail>("get_offer", { id }),
  createOffer: (input: OfferDraftInput) => call<PurchaseOfferDetail>("create_offer", { input }),
  updateOfferDraft: (id: string, input: OfferDraftInput) =>
    call<PurchaseOfferDetail>("update_offer_draft", { id, input }),
  sendOffer: (id: string, recipients: string[]) =>
    call<PurchaseOfferDetail>("send_offer", { id, recipients }),
  sendOfferEmail: (id: string, recipients: string[]) =>
    call<PurchaseOfferDetail>("send_offer_email", { id, recipients }),
  offerMessage: (id: string, recipients: string[] = []) =>
    call<OfferMessage>("offer_message", { id, recipients }),
  offerDocument: (id: string) => call<string>("offer_document", { id }),
  withdrawOffer: (id: string) => call<PurchaseOfferDetail>("withdraw_offer", { id }),
  declineOffer: (id: string) => call<PurchaseOfferDetail>("decline_offer", { id }),
  reviseOffer: (id: string, counts: LineCount[] = []) =>
    call<PurchaseOfferDetail>("revise_offer", { id, counts }),
  acceptOffer: (id: string, input: AcceptanceInput) =>
    call<PurchaseOfferDetail>("accept_offer", { id, input }),

  listProductKeys: (query: ProductKeyQuery) => call<ProductKeyPage>("list_product_keys", { query }),
  addProductKey: (input: ProductKeyInput) => call<ProductKey>("add_product_key", { input }),
  previewProductKeyImport: (keys: KeyImport) =>
    call<ImportReport>("preview_product_key_import", { import: keys }),
  importProductKeys: (keys: KeyImport, mode: ImportMode) =>
    call<ImportReport>("import_product_keys", { import: keys, mode }),
  redeemProductKey: (redemption: Redemption) =>
    call<Redeemed>("redeem_product_key", { redemption }),

  listCatalog: () => call<Service[]>("list_catalog"),
  updateService: (id: string, input: ServiceUpdate) =>
    call<Service>("update_service", { id, input }),
  previewPriceList: (file: ImportFile) => call<PriceListPreview>("preview_price_list", { file }),
  importPriceList: (file: ImportFile, mode: ImportMode) =>
    call<PriceListPreview>("import_price_list", { file, mode }),
  listOfferMatrix: () => call<OfferMatrixRow[]>("list_offer_matrix"),
  previewOfferMatrixImport: (file: ImportFile) => call<ImportReport>("preview_offer_matrix_import", { file }),
  importOfferMatrix: (file: ImportFile, mode: ImportMode) =>
    call<ImportReport>("import_offer_matrix", { file, mode }),
  seatRoom: (customerId: string | undefined, serviceId: string, others: SeatLine[]) =>
    call<SeatRoom>("seat_room", { customerId: customerId ?? null, serviceId, others }),

  listSubscriptions: (query: SubscriptionQuery) =>
    call<SubscriptionPage>("list_subscriptions", { query }),
  getSubscription: (id: string) => call<SubscriptionDetail>("get_subscription", { id }),
  addSubscription: (input: SubscriptionInput) => call<Subscription>("add_subscription", { input }),
  changeSubscriptionQuantity: (id: string, quantity: number, reason: string) =>
    call<Subscription>("change_subscription_quantity", { id, quantity, reason }),
  quoteSubscriptionQuantity: (id: string, quantity: number) =>
    call<QuantityQuote>("quote_subscription_quantity", { id, quantity }),
  applySubscriptionEvent: (id: string, event: SubscriptionEvent, reason: string) =>
    call<Subscription>("apply_subscription_event", { id, event, reason }),
  setSubscriptionAutoRenew: (id: string, autoRenew: boolean) =>
    call<Subscription>("set_subscription_auto_renew", { id, autoRenew }),
  convertTrialSubscription: (id: string, conversion: TrialConversion) =>
    call<Subscription>("convert_trial_subscription", { id, conversion }),
  subscriptionUpgradeTargets: (id: string) => call<UpgradeTarget[]>("subscription_upgrade_targets", { id }),
  upgradeSubscription: (id: string, upgrade: UpgradeInput) =>
    call<UpgradeOutcome>("upgrade_subscription", { id, upgrade }),
  setSubscriptionPartnerOfRecord: (id: string, partnerOfRecord: boolean) =>
    call<Subscription>("set_subscription_partner_of_record", { id, partnerOfRecord }),
  scheduleTrialConversion: (id: string, conversion: TrialConversion) =>
    call<Subscription>("schedule_trial_conversion", { id, conversion }),
  clearTrialConversion: (id: string) => call<Subscription>("clear_trial_conversion", { id }),
  listPartnerOfRecordClaims: (customerId: string) =>
    call<WorkloadClaim[]>("list_partner_of_record_claims", { customerId }),
  claimPartnerOfRecord: (customerId: string, workload: string) =>
    call<WorkloadClaim[]>("claim_partner_of_record", { customerId, workload }),
  recordPartnerOfRecordDecline: (customerId: string, workload: string, reason: string) =>
    call<WorkloadClaim[]>("record_partner_of_record_decline", { customerId, workload, reason }),
  removePartnerOfRecord: (customerId: string, workload: string, reason: string) =>
    call<WorkloadClaim[]>("remove_partner_of_record", { customerId, workload, reason }),
  exportSubscriptions: (query: SubscriptionQuery, format: ExportFormat) =>
    call<ExportedFile>("export_subscriptions_csv", { query, ...format }),
  serviceRequestQueue: (query: ServiceRequestQuery) =>
    call<ServiceRequestPage>("service_request_queue", { query }),
  listCustomerServiceRequests: (customerId: string, query: ServiceRequestQuery) =>
    call<CustomerServiceRequests>("list_customer_service_requests", { customerId, query }),
  getServiceRequest: (id: string) => call<ServiceRequestView>("get_service_request", { id }),
  createServiceRequest: (customerId: string, input: ServiceRequestInput) =>
    call<ServiceRequestView>("create_service_request", { customerId, input }),
  updateServiceRequest: (id: string, input: ServiceRequestInput) =>
    call<ServiceRequestView>("update_service_request", { id, input }),
  discardServiceRequest: (id: string) => call<null>("discard_service_request", { id }),
  changeServiceRequestStatus: (id: string, event: ServiceRequestEvent, note?: string) =>
    call<ServiceRequestView>("change_service_request_status", { id, event, note: note ?? null }),
  addServiceRequestNote: (id: string, body: string) =>
    call<ServiceRequestView>("add_service_request_note", { id, body }),
  listTrialInvitations: (query: TrialInvitationQuery) =>
    call<TrialInvitationPage>("list_trial_invitations", { query }),
  getTrialInvitation: (id: string) => call<TrialInvitationDetail>("get_trial_invitation", { id }),
  listTrialServices: () => call<TrialService[]>("list_trial_services"),
  createTrialInvitation: (input: TrialInvitationInput) =>
    call<TrialInvitationDetail>("create_trial_invitation", { input }),
  updateTrialInvitation: (id: string, input: TrialInvitationInput) =>
    call<TrialInvitationDetail>("update_trial_invitation", { id, input }),
  activateTrialInvitation: (id: string) =>
    call<TrialInvitationDetail>("activate_trial_invitation", { id }),
  retireTrialInvitation: (id: string) => call<TrialInvitationDetail>("retire_trial_invitation", { id }),
  trialInvitationMessage: (id: string, recipients: string[] = []) =>
    call<TrialInvitationMessage>("trial_invitation_message", { id, recipients }),
  sendTrialInvitationEmail: (id: string, recipients: string[]) =>
    call<null>("send_trial_invitation_email", { id, recipients }),
  recordTrialInvitationSignup: (id: string, signup: SignupInput) =>
    call<TrialInvitationDetail>("record_trial_invitation_signup", { id, signup }),
  listNotifications: (query: NotificationQuery) => call<NotificationList>("list_notifications", { query }),
  markNotificationRead: (id: string) => call<null>("mark_notification_read", { id }),
  markAllNotificationsRead: () => call<null>("mark_all_notifications_read"),
  getNotificationKinds: () => call<KindSetting[]>("get_notification_kinds"),
  setNotificationKinds: (settings: KindSetting[]) => call<KindSetting[]>("set_notification_kinds", { settings }),
  dashboardOverview: () => call<Overview>("dashboard_overview"),
  expiryCalendar: () => call<Calendar>("expiry_calendar"),
  exportCalendarIcs: () => call<ExportedFile>("export_calendar_ics"),
  listBackups: () => call<BackupOverview>("list_backups"),
  backUpNow: () => call<BackupInfo>("back_up_now"),
  restoreBackup: (name: string) => call<RestoreReport>("restore_backup", { name }),
  /** Only while the database is damaged: no sign-in is possible then. */
  recoveryBackups: () => call<BackupOverview>("recovery_backups"),
  /** Restores `name`, or the newest backup that passes its check when null. */
  recoverDatabase: (name: string | null) => call<RestoreReport>("recover_database", { name }),
};

/**
 * Calls `handler` after every successful write anywhere in the app. What it
 * loads is the app's own refresh, not the person's activity (`asAppsOwn`).
 */
export function onChange(handler: (change: Change) => void): Promise<UnlistenFn> {
  return listen<Change>(CHANGE_EVENT, (event) => asAppsOwn(() => handler(event.payload)));
}
