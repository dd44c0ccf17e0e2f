use super::*;

pub(super) use crate::testing::PARTNERS;

/// The whole table as text: one line per action and company role; then, for
/// customer access none / full / limited, four marks for the partner's
/// authorizations (neither, delegated admin, subscription advisor, both).
/// `Y` allowed, `.` refused.
fn matrix() -> String {
    let mut out = String::new();
    for action in Action::ALL {
        for role in CompanyRole::ALL {
            let mut line = format!("{:<31}{:<22}", action.as_str(), role.as_str());
            for access in CustomerAccess::ALL {
                let marks: String = PARTNERS
                    .iter()
                    .map(|partner| {
                        let subject = Subject {
                            role,
                            customer_access: access,
                        };
                        if decide(subject, *partner, action).is_ok() {
                            'Y'
                        } else {
                            '.'
                        }
                    })
                    .collect();
                line.push_str(&format!(" {}:{marks}", &access.as_str()[..1]));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    // The customer gate: which actions need an active relationship with the customer.
    for action in Action::ALL {
        out.push_str(&format!(
            "{:<31}customer gate: {}\n",
            action.as_str(),
            customer_gate(action)
        ));
    }
    // What every path to the same effects asks (walked in paths_tests.rs).
    out.push_str(&super::paths_tests::asks_of_every_path());
    out
}

const EXPECTED: &str = "\
view_dashboard                 none                   n:YYYY f:YYYY l:YYYY
view_dashboard                 global_admin           n:YYYY f:YYYY l:YYYY
view_dashboard                 billing_admin          n:YYYY f:YYYY l:YYYY
view_dashboard                 password_admin         n:YYYY f:YYYY l:YYYY
view_dashboard                 service_admin          n:YYYY f:YYYY l:YYYY
view_dashboard                 user_management_admin  n:YYYY f:YYYY l:YYYY
change_own_password            none                   n:YYYY f:YYYY l:YYYY
change_own_password            global_admin           n:YYYY f:YYYY l:YYYY
change_own_password            billing_admin          n:YYYY f:YYYY l:YYYY
change_own_password            password_admin         n:YYYY f:YYYY l:YYYY
change_own_password            service_admin          n:YYYY f:YYYY l:YYYY
change_own_password            user_management_admin  n:YYYY f:YYYY l:YYYY
view_company_profile           none                   n:YYYY f:YYYY l:YYYY
view_company_profile           global_admin           n:YYYY f:YYYY l:YYYY
view_company_profile           billing_admin          n:YYYY f:YYYY l:YYYY
view_company_profile           password_admin         n:YYYY f:YYYY l:YYYY
view_company_profile           service_admin          n:YYYY f:YYYY l:YYYY
view_company_profile           user_management_admin  n:YYYY f:YYYY l:YYYY
edit_company_profile           none                   n:.... f:.... l:....
edit_company_profile           global_admin           n:YYYY f:YYYY l:YYYY
edit_company_profile           billing_admin          n:.... f:.... l:....
edit_company_profile           password_admin         n:.... f:.... l:....
edit_company_profile           service_admin          n:.... f:.... l:....
edit_company_profile           user_management_admin  n:.... f:.... l:....
view_staff                     none                   n:.... f:.... l:....
view_staff                     global_admin           n:YYYY f:YYYY l:YYYY
view_staff                     billing_admin          n:.... f:.... l:....
view_staff                     password_admin         n:YYYY f:YYYY l:YYYY
view_staff                     service_admin          n:.... f:.... l:....
view_staff                     user_management_admin  n:YYYY f:YYYY l:YYYY
manage_staff                   none                   n:.... f:.... l:....
manage_staff                   global_admin           n:YYYY f:YYYY l:YYYY
manage_staff                   billing_admin          n:.... f:.... l:....
manage_staff                   password_admin         n:.... f:.... l:....
manage_staff                   service_admin          n:.... f:.... l:....
manage_staff                   user_management_admin  n:YYYY f:YYYY l:YYYY
manage_admin_staff             none                   n:.... f:.... l:....
manage_admin_staff             global_admin           n:YYYY f:YYYY l:YYYY
manage_admin_staff             billing_admin          n:.... f:.... l:....
manage_admin_staff             password_admin         n:.... f:.... l:....
manage_admin_staff             service_admin          n:.... f:.... l:....
manage_admin_staff             user_management_admin  n:.... f:.... l:....
reset_staff_password           none                   n:.... f:.... l:....
reset_staff_password           global_admin           n:YYYY f:YYYY l:YYYY
reset_staff_password           billing_admin          n:.... f:.... l:....
reset_staff_password           password_admin         n:YYYY f:YYYY l:YYYY
reset_staff_password           service_admin          n:.... f:.... l:....
reset_staff_password           user_management_admin  n:YYYY f:YYYY l:YYYY
reset_admin_password           none                   n:.... f:.... l:....
reset_admin_password           global_admin           n:YYYY f:YYYY l:YYYY
reset_admin_password           billing_admin          n:.... f:.... l:....
reset_admin_password           password_admin         n:.... f:.... l:....
reset_admin_password           service_admin          n:.... f:.... l:....
reset_admin_password           user_management_admin  n:.... f:.... l:....
view_audit_log                 none                   n:.... f:.... l:....
view_audit_log                 global_admin           n:YYYY f:YYYY l:YYYY
view_audit_log                 billing_admin          n:.... f:.... l:....
view_audit_log                 password_admin         n:.... f:.... l:....
view_audit_log                 service_admin          n:YYYY f:YYYY l:YYYY
view_audit_log                 user_management_admin  n:.... f:.... l:....
verify_audit_log               none                   n:.... f:.... l:....
verify_audit_log               global_admin           n:YYYY f:YYYY l:YYYY
verify_audit_log               billing_admin          n:.... f:.... l:....
verify_audit_log               password_admin         n:.... f:.... l:....
verify_audit_log               service_admin          n:YYYY f:YYYY l:YYYY
verify_audit_log               user_management_admin  n:.... f:.... l:....
edit_security_settings         none                   n:.... f:.... l:....
edit_security_settings         global_admin           n:YYYY f:YYYY l:YYYY
edit_security_settings         billing_admin          n:.... f:.... l:....
edit_security_settings         password_admin         n:.... f:.... l:....
edit_security_settings         service_admin          n:.... f:.... l:....
edit_security_settings         user_management_admin  n:.... f:.... l:....
edit_link_templates            none                   n:.... f:.... l:....
edit_link_templates            global_admin           n:YYYY f:YYYY l:YYYY
edit_link_templates            billing_admin          n:.... f:.... l:....
edit_link_templates            password_admin         n:.... f:.... l:....
edit_link_templates            service_admin          n:.... f:.... l:....
edit_link_templates            user_management_admin  n:.... f:.... l:....
view_customers                 none                   n:.... f:.Y.Y l:.Y.Y
view_customers                 global_admin           n:.... f:.Y.Y l:.Y.Y
view_customers                 billing_admin          n:.... f:.Y.Y l:.Y.Y
view_customers                 password_admin         n:.... f:.Y.Y l:.Y.Y
view_customers                 service_admin          n:.... f:.Y.Y l:.Y.Y
view_customers                 user_management_admin  n:.... f:.Y.Y l:.Y.Y
manage_customers               none                   n:.... f:.Y.Y l:....
manage_customers               global_admin           n:.... f:.Y.Y l:....
manage_customers               billing_admin          n:.... f:.Y.Y l:....
manage_customers               password_admin         n:.... f:.Y.Y l:....
manage_customers               service_admin          n:.... f:.Y.Y l:....
manage_customers               user_management_admin  n:.... f:.Y.Y l:....
manage_relationships           none                   n:.... f:.Y.Y l:....
manage_relationships           global_admin           n:.... f:.Y.Y l:....
manage_relationships           billing_admin          n:.... f:.Y.Y l:....
manage_relationships           password_admin         n:.... f:.Y.Y l:....
manage_relationships           service_admin          n:.... f:.Y.Y l:....
manage_relationships           user_management_admin  n:.... f:.Y.Y l:....
edit_role_templates            none                   n:.... f:.... l:....
edit_role_templates            global_admin           n:.Y.Y f:.Y.Y l:.Y.Y
edit_role_templates            billing_admin          n:.... f:.... l:....
edit_role_templates            password_admin         n:.... f:.... l:....
edit_role_templates            service_admin          n:.... f:.... l:....
edit_role_templates            user_management_admin  n:.... f:.... l:....
view_catalog                   none                   n:YYYY f:YYYY l:YYYY
view_catalog                   global_admin           n:YYYY f:YYYY l:YYYY
view_catalog                   billing_admin          n:YYYY f:YYYY l:YYYY
view_catalog                   password_admin         n:YYYY f:YYYY l:YYYY
view_catalog                   service_admin          n:YYYY f:YYYY l:YYYY
view_catalog                   user_management_admin  n:YYYY f:YYYY l:YYYY
edit_catalog                   none                   n:.... f:.... l:....
edit_catalog                   global_admin           n:YYYY f:YYYY l:YYYY
edit_catalog                   billing_admin          n:YYYY f:YYYY l:YYYY
edit_catalog                   password_admin         n:.... f:.... l:....
edit_catalog                   service_admin          n:.... f:.... l:....
edit_catalog                   user_management_admin  n:.... f:.... l:....
view_subscriptions             none                   n:.... f:.Y.Y l:.Y.Y
view_subscriptions             global_admin           n:.... f:.Y.Y l:.Y.Y
view_subscriptions             billing_admin          n:.... f:.Y.Y l:.Y.Y
view_subscriptions             password_admin         n:.... f:.Y.Y l:.Y.Y
view_subscriptions             service_admin          n:.... f:.Y.Y l:.Y.Y
view_subscriptions             user_management_admin  n:.... f:.Y.Y l:.Y.Y
manage_subscriptions           none                   n:.... f:.Y.Y l:....
manage_subscriptions           global_admin           n:.... f:.Y.Y l:....
manage_subscriptions           billing_admin          n:.... f:.Y.Y l:....
manage_subscriptions           password_admin         n:.... f:.Y.Y l:....
manage_subscriptions           service_admin          n:.... f:.Y.Y l:....
manage_subscriptions           user_management_admin  n:.... f:.Y.Y l:....
record_partner_of_record       none                   n:.... f:..YY l:....
record_partner_of_record       global_admin           n:.... f:..YY l:....
record_partner_of_record       billing_admin          n:.... f:..YY l:....
record_partner_of_record       password_admin         n:.... f:..YY l:....
record_partner_of_record       service_admin          n:.... f:..YY l:....
record_partner_of_record       user_management_admin  n:.... f:..YY l:....
view_customer_users            none                   n:.... f:.Y.Y l:.Y.Y
view_customer_users            global_admin           n:.... f:.Y.Y l:.Y.Y
view_customer_users            billing_admin          n:.... f:.Y.Y l:.Y.Y
view_customer_users            password_admin         n:.... f:.Y.Y l:.Y.Y
view_customer_users            service_admin          n:.... f:.Y.Y l:.Y.Y
view_customer_users            user_management_admin  n:.... f:.Y.Y l:.Y.Y
manage_customer_users          none                   n:.... f:.Y.Y l:....
manage_customer_users          global_admin           n:.... f:.Y.Y l:....
manage_customer_users          billing_admin          n:.... f:.Y.Y l:....
manage_customer_users          password_admin         n:.... f:.Y.Y l:....
manage_customer_users          service_admin          n:.... f:.Y.Y l:....
manage_customer_users          user_management_admin  n:.... f:.Y.Y l:....
reset_customer_user_password   none                   n:.... f:.Y.Y l:.Y.Y
reset_customer_user_password   global_admin           n:.... f:.Y.Y l:.Y.Y
reset_customer_user_password   billing_admin          n:.... f:.Y.Y l:.Y.Y
reset_customer_user_password   password_admin         n:.... f:.Y.Y l:.Y.Y
reset_customer_user_password   service_admin          n:.... f:.Y.Y l:.Y.Y
reset_customer_user_password   user_management_admin  n:.... f:.Y.Y l:.Y.Y
reset_customer_admin_password  none                   n:.... f:.Y.Y l:....
reset_customer_admin_password  global_admin           n:.... f:.Y.Y l:....
reset_customer_admin_password  billing_admin          n:.... f:.Y.Y l:....
reset_customer_admin_password  password_admin         n:.... f:.Y.Y l:....
reset_customer_admin_password  service_admin          n:.... f:.Y.Y l:....
reset_customer_admin_password  user_management_admin  n:.... f:.Y.Y l:....
view_service_requests          none                   n:.... f:.Y.Y l:.Y.Y
view_service_requests          global_admin           n:.... f:.Y.Y l:.Y.Y
view_service_requests          billing_admin          n:.... f:.Y.Y l:.Y.Y
view_service_requests          password_admin         n:.... f:.Y.Y l:.Y.Y
view_service_requests          service_admin          n:.... f:.Y.Y l:.Y.Y
view_service_requests          user_management_admin  n:.... f:.Y.Y l:.Y.Y
view_all_service_requests      none                   n:.... f:.... l:....
view_all_service_requests      global_admin           n:YYYY f:YYYY l:YYYY
view_all_service_requests      billing_admin          n:.... f:.... l:....
view_all_service_requests      password_admin         n:.... f:.... l:....
view_all_service_requests      service_admin          n:YYYY f:YYYY l:YYYY
view_all_service_requests      user_management_admin  n:.... f:.... l:....
manage_service_requests        none                   n:.... f:.Y.Y l:.Y.Y
manage_service_requests        global_admin           n:.... f:.Y.Y l:.Y.Y
manage_service_requests        billing_admin          n:.... f:.Y.Y l:.Y.Y
manage_service_requests        password_admin         n:.... f:.Y.Y l:.Y.Y
manage_service_requests        service_admin          n:.... f:.Y.Y l:.Y.Y
manage_service_requests        user_management_admin  n:.... f:.Y.Y l:.Y.Y
manage_trial_invitations       none                   n:.... f:..YY l:..YY
manage_trial_invitations       global_admin           n:.... f:..YY l:..YY
manage_trial_invitations       billing_admin          n:.... f:..YY l:..YY
manage_trial_invitations       password_admin         n:.... f:..YY l:..YY
manage_trial_invitations       service_admin          n:.... f:..YY l:..YY
manage_trial_invitations       user_management_admin  n:.... f:..YY l:..YY
manage_purchase_offers         none                   n:.... f:..YY l:..YY
manage_purchase_offers         global_admin           n:.... f:..YY l:..YY
manage_purchase_offers         billing_admin          n:.... f:..YY l:..YY
manage_purchase_offers         password_admin         n:.... f:..YY l:..YY
manage_purchase_offers         service_admin          n:.... f:..YY l:..YY
manage_purchase_offers         user_management_admin  n:.... f:..YY l:..YY
override_offer_prices          none                   n:.... f:.... l:....
override_offer_prices          global_admin           n:.... f:..YY l:..YY
override_offer_prices          billing_admin          n:.... f:..YY l:..YY
override_offer_prices          password_admin         n:.... f:.... l:....
override_offer_prices          service_admin          n:.... f:.... l:....
override_offer_prices          user_management_admin  n:.... f:.... l:....
view_product_keys              none                   n:..YY f:..YY l:..YY
view_product_keys              global_admin           n:..YY f:..YY l:..YY
view_product_keys              billing_admin          n:..YY f:..YY l:..YY
view_product_keys              password_admin         n:..YY f:..YY l:..YY
view_product_keys              service_admin          n:..YY f:..YY l:..YY
view_product_keys              user_management_admin  n:..YY f:..YY l:..YY
manage_product_keys            none                   n:.... f:.... l:....
manage_product_keys            global_admin           n:..YY f:..YY l:..YY
manage_product_keys            billing_admin          n:..YY f:..YY l:..YY
manage_product_keys            password_admin         n:.... f:.... l:....
manage_product_keys            service_admin          n:.... f:.... l:....
manage_product_keys            user_management_admin  n:.... f:.... l:....
redeem_product_keys            none                   n:.... f:..YY l:....
redeem_product_keys            global_admin           n:.... f:..YY l:....
redeem_product_keys            billing_admin          n:.... f:..YY l:....
redeem_product_keys            password_admin         n:.... f:..YY l:....
redeem_product_keys            service_admin          n:.... f:..YY l:....
redeem_product_keys            user_management_admin  n:.... f:..YY l:....
view_full_product_keys         none                   n:.... f:.... l:....
view_full_product_keys         global_admin           n:..YY f:..YY l:..YY
view_full_product_keys         billing_admin          n:..YY f:..YY l:..YY
view_full_product_keys         password_admin         n:.... f:.... l:....
view_full_product_keys         service_admin          n:.... f:.... l:....
view_full_product_keys         user_management_admin  n:.... f:.... l:....
view_notifications             none                   n:YYYY f:YYYY l:YYYY
view_notifications             global_admin           n:YYYY f:YYYY l:YYYY
view_notifications             billing_admin          n:YYYY f:YYYY l:YYYY
view_notifications             password_admin         n:YYYY f:YYYY l:YYYY
view_notifications             service_admin          n:YYYY f:YYYY l:YYYY
view_notifications             user_management_admin  n:YYYY f:YYYY l:YYYY
manage_backups                 none                   n:.... f:.... l:....
manage_backups                 global_admin           n:YYYY f:YYYY l:YYYY
manage_backups                 billing_admin          n:.... f:.... l:....
manage_backups                 password_admin         n:.... f:.... l:....
manage_backups                 service_admin          n:YYYY f:YYYY l:YYYY
manage_backups                 user_management_admin  n:.... f:.... l:....
restore_backups                none                   n:.... f:.... l:....
restore_backups                global_admin           n:YYYY f:YYYY l:YYYY
restore_backups                billing_admin          n:.... f:.... l:....
restore_backups                password_admin         n:.... f:.... l:....
restore_backups                service_admin          n:.... f:.... l:....
restore_backups                user_management_admin  n:.... f:.... l:....
view_dashboard                 customer gate: -
change_own_password            customer gate: -
view_company_profile           customer gate: -
edit_company_profile           customer gate: -
view_staff                     customer gate: -
manage_staff                   customer gate: -
manage_admin_staff             customer gate: -
reset_staff_password           customer gate: -
reset_admin_password           customer gate: -
view_audit_log                 customer gate: -
verify_audit_log               customer gate: -
edit_security_settings         customer gate: -
edit_link_templates            customer gate: -
view_customers                 customer gate: -
manage_customers               customer gate: -
manage_relationships           customer gate: -
edit_role_templates            customer gate: -
view_catalog                   customer gate: -
edit_catalog                   customer gate: -
view_subscriptions             customer gate: -
manage_subscriptions           customer gate: active-relationship
record_partner_of_record       customer gate: active-relationship
view_customer_users            customer gate: active-relationship
manage_customer_users          customer gate: active-relationship
reset_customer_user_password   customer gate: active-relationship
reset_customer_admin_password  customer gate: active-relationship
view_service_requests          customer gate: active-relationship
view_all_service_requests      customer gate: -
manage_service_requests        customer gate: active-relationship
manage_trial_invitations       customer gate: -
manage_purchase_offers         customer gate: -
override_offer_prices          customer gate: -
view_product_keys              customer gate: -
manage_product_keys            customer gate: -
redeem_product_keys            customer gate: -
view_full_product_keys         customer gate: -
view_notifications             customer gate: -
manage_backups                 customer gate: -
restore_backups                customer gate: -
path: offer: create a draft with delegated admin
      asks manage_purchase_offers, manage_relationships
path: offer: a draft gains delegated admin
      asks manage_purchase_offers, manage_relationships
path: offer: a draft keeps the delegated admin someone allowed added
      asks manage_purchase_offers
path: offer: a revision keeps the delegated admin until it is sent
      asks manage_purchase_offers
path: offer: send a draft with delegated admin
      asks manage_purchase_offers, manage_relationships
path: offer: send a sent offer with delegated admin to one more address
      asks manage_purchase_offers, manage_relationships
path: offer: accept new subscriptions with delegated admin
      asks manage_purchase_offers, manage_relationships
path: offer: accept new subscriptions for an existing customer
      asks manage_purchase_offers
path: offer: accept, converting the customer's trial
      asks manage_purchase_offers, manage_subscriptions + gate
path: offer: accept, converting the trial, with delegated admin accepted in the same act
      asks manage_purchase_offers, manage_relationships, manage_subscriptions
path: offer: accept a prospect's offer with delegated admin
      asks manage_purchase_offers, manage_relationships
path: invitation: create with delegated admin
      asks manage_trial_invitations, manage_relationships
path: invitation: a draft gains delegated admin
      asks manage_trial_invitations, manage_relationships
path: invitation: a draft keeps the delegated admin someone allowed added
      asks manage_trial_invitations
path: invitation: activate with delegated admin
      asks manage_trial_invitations, manage_relationships
path: invitation: send with delegated admin
      asks manage_trial_invitations, manage_relationships
path: invitation: sign-up of an existing customer, with delegated admin
      asks manage_trial_invitations, manage_relationships
path: invitation: sign-up of an existing customer, without delegated admin
      asks manage_trial_invitations
path: invitation: sign-up of a new customer, with delegated admin
      asks manage_trial_invitations, manage_relationships
path: key: new subscription
      asks redeem_product_keys, manage_subscriptions + gate unless never set up
path: key: new subscription, requesting delegated admin
      asks redeem_product_keys, manage_relationships, manage_subscriptions + gate unless never set up
path: key: new subscription for a customer set up before
      asks redeem_product_keys, manage_subscriptions + gate
path: key: new subscription for a customer set up before, requesting delegated admin
      asks redeem_product_keys, manage_relationships, manage_subscriptions + gate
path: key: extend the term
      asks redeem_product_keys, manage_subscriptions + gate
path: key: extend the term, requesting delegated admin
      asks redeem_product_keys, manage_relationships, manage_subscriptions + gate
path: key: add licences
      asks redeem_product_keys, manage_subscriptions + gate
path: key: add licences, requesting delegated admin
      asks redeem_product_keys, manage_relationships, manage_subscriptions + gate
path: customer: added directly
      asks manage_customers
path: customer: imported with the relationship the file states
      asks manage_customers
path: relationship: offered alone
      asks manage_relationships
path: subscription: added directly
      asks manage_subscriptions + gate
path: subscription: a trial converted directly
      asks manage_subscriptions + gate
path: subscription: part of it upgraded along a conversion path
      asks manage_subscriptions + gate
";

#[test]
fn the_permission_matrix_is_exactly_as_written() {
    let actual = matrix();
    if actual != EXPECTED {
        // Print the whole table so the new expectation can be reviewed and pasted.
        panic!("the permission table changed:\n{actual}");
    }
}

#[test]
fn every_action_is_listed_once_with_a_unique_name() {
    let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Action::ALL.len());
}

#[test]
fn a_refusal_explains_who_may() {
    let billing = Subject {
        role: CompanyRole::BillingAdmin,
        customer_access: CustomerAccess::None,
    };
    let reason = decide(billing, PARTNERS[0], Action::EditCompanyProfile).unwrap_err();
    assert_eq!(reason, DenialReason::RoleRequired);
    assert_eq!(
        reason.text(Action::EditCompanyProfile),
        Text::new(
            "Only global admins may edit the company profile.",
            "Tylko administratorzy globalni mogą edytować profil firmy."
        )
    );
    let reset = decide(billing, PARTNERS[0], Action::ResetStaffPassword).unwrap_err();
    assert_eq!(
        reset.text(Action::ResetStaffPassword),
        Text::new(
            "Only global admins, user management admins or password admins may reset staff passwords.",
            "Tylko administratorzy globalni, administratorzy zarządzania użytkownikami lub administratorzy haseł mogą resetować hasła pracowników."
        )
    );
}

#[test]
fn every_refusal_of_every_action_is_said_in_polish_too() {
    let reasons = [
        DenialReason::RoleRequired,
        DenialReason::CustomerAccessRequired,
        DenialReason::FullCustomerAccessRequired,
        DenialReason::PartnerNotDelegatedAdmin,
        DenialReason::PartnerNotSubscriptionAdvisor,
        DenialReason::NoActiveRelationship,
    ];
    for action in Action::ALL {
        for reason in reasons {
            let text = reason.text(action);
            assert!(!text.pl.trim().is_empty(), "{reason:?} {action:?}");
            assert_ne!(text.pl, text.en, "{reason:?} {action:?}");
            assert!(text.pl.ends_with('.'), "{}", text.pl);
        }
    }
    assert_eq!(
        DenialReason::NoActiveRelationship
            .text(Action::ManageCustomerUsers)
            .pl,
        "Klient nie ma aktywnej relacji administracji delegowanej, a jest ona potrzebna, \
         aby dodawać, edytować, blokować lub usuwać użytkowników klienta."
    );
}

#[test]
fn permissions_list_every_action_with_reasons_for_refusals() {
    let staff = Subject {
        role: CompanyRole::None,
        customer_access: CustomerAccess::None,
    };
    let list = permissions_of(staff, PARTNERS[3]);
    assert_eq!(list.len(), Action::ALL.len());
    let edit = list
        .iter()
        .find(|p| p.action == Action::EditCompanyProfile)
        .unwrap();
    assert!(!edit.allowed);
    assert_eq!(edit.reason, Some(DenialReason::RoleRequired));
    assert!(list
        .iter()
        .filter(|p| p.allowed)
        .all(|p| p.reason.is_none()));
}

#[test]
fn customer_actions_pass_the_gate_only_when_no_active_relationship_is_needed() {
    let full = Subject {
        role: CompanyRole::None,
        customer_access: CustomerAccess::Full,
    };
    for state in [
        "none",
        "approval_pending",
        "active",
        "expired",
        "terminated",
    ] {
        assert_eq!(
            decide_for_customer(full, PARTNERS[1], state, Action::ManageRelationships),
            Ok(()),
            "offering needs no relationship ({state})"
        );
    }
    assert_eq!(
        decide_for_customer(full, PARTNERS[0], "active", Action::ViewCustomers),
        Err(DenialReason::PartnerNotDelegatedAdmin),
        "the table is asked first"
    );
}

#[test]
fn every_gated_action_needs_a_relationship_the_customer_approved_that_has_not_ended() {
    let full = Subject {
        role: CompanyRole::GlobalAdmin,
        customer_access: CustomerAccess::Full,
    };
    let both = PARTNERS[3];
    let gated: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|a| customer_gate(*a) == "active-relationship")
        .collect();
    assert!(gated.len() >= 8, "issue 5's actions administer customers");
    for action in gated {
        for &state in crate::testing::RELATIONSHIP_STATES {
            let decision = decide_for_customer(full, both, state, action);
            if matches!(state, "approved" | "activating" | "active" | "expiring") {
                assert_eq!(decision, Ok(()), "{action:?} with {state}");
            } else {
                assert_eq!(
                    decision,
                    Err(DenialReason::NoActiveRelationship),
                    "{action:?} with {state}"
                );
            }
        }
    }
}

#[test]
fn customer_permissions_carry_the_gate_for_the_ui() {
    let limited = Subject {
        role: CompanyRole::None,
        customer_access: CustomerAccess::Limited,
    };
    let find =
        |list: &[Permission], action| list.iter().find(|p| p.action == action).cloned().unwrap();
    let terminated = permissions_for_customer(limited, PARTNERS[3], "terminated");
    let reset = find(&terminated, Action::ResetCustomerUserPassword);
    assert_eq!(reset.reason, Some(DenialReason::NoActiveRelationship));
    let active = permissions_for_customer(limited, PARTNERS[3], "active");
    assert!(find(&active, Action::ResetCustomerUserPassword).allowed);
    assert_eq!(
        find(&active, Action::ManageSubscriptions).reason,
        Some(DenialReason::FullCustomerAccessRequired)
    );
}
