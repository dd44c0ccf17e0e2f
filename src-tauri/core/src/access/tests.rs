use super::*;

const PARTNERS: [PartnerAuthorizations; 4] = [
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

/// The whole table as text: one line per action and company role; then, for
/// customer access none / full / limited, four marks for the partner's
/// authorizations (neither, delegated admin, subscription advisor, both).
/// `Y` allowed, `.` refused.
fn matrix() -> String {
    let mut out = String::new();
    for action in Action::ALL {
        for role in CompanyRole::ALL {
            let mut line = format!("{:<24}{:<22}", action.as_str(), role.as_str());
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
            "{:<24}customer gate: {}\n",
            action.as_str(),
            customer_gate(action)
        ));
    }
    out
}

const EXPECTED: &str = "\
view_dashboard          none                   n:YYYY f:YYYY l:YYYY
view_dashboard          global_admin           n:YYYY f:YYYY l:YYYY
view_dashboard          billing_admin          n:YYYY f:YYYY l:YYYY
view_dashboard          password_admin         n:YYYY f:YYYY l:YYYY
view_dashboard          service_admin          n:YYYY f:YYYY l:YYYY
view_dashboard          user_management_admin  n:YYYY f:YYYY l:YYYY
change_own_password     none                   n:YYYY f:YYYY l:YYYY
change_own_password     global_admin           n:YYYY f:YYYY l:YYYY
change_own_password     billing_admin          n:YYYY f:YYYY l:YYYY
change_own_password     password_admin         n:YYYY f:YYYY l:YYYY
change_own_password     service_admin          n:YYYY f:YYYY l:YYYY
change_own_password     user_management_admin  n:YYYY f:YYYY l:YYYY
view_company_profile    none                   n:YYYY f:YYYY l:YYYY
view_company_profile    global_admin           n:YYYY f:YYYY l:YYYY
view_company_profile    billing_admin          n:YYYY f:YYYY l:YYYY
view_company_profile    password_admin         n:YYYY f:YYYY l:YYYY
view_company_profile    service_admin          n:YYYY f:YYYY l:YYYY
view_company_profile    user_management_admin  n:YYYY f:YYYY l:YYYY
edit_company_profile    none                   n:.... f:.... l:....
edit_company_profile    global_admin           n:YYYY f:YYYY l:YYYY
edit_company_profile    billing_admin          n:.... f:.... l:....
edit_company_profile    password_admin         n:.... f:.... l:....
edit_company_profile    service_admin          n:.... f:.... l:....
edit_company_profile    user_management_admin  n:.... f:.... l:....
view_staff              none                   n:.... f:.... l:....
view_staff              global_admin           n:YYYY f:YYYY l:YYYY
view_staff              billing_admin          n:.... f:.... l:....
view_staff              password_admin         n:YYYY f:YYYY l:YYYY
view_staff              service_admin          n:.... f:.... l:....
view_staff              user_management_admin  n:YYYY f:YYYY l:YYYY
manage_staff            none                   n:.... f:.... l:....
manage_staff            global_admin           n:YYYY f:YYYY l:YYYY
manage_staff            billing_admin          n:.... f:.... l:....
manage_staff            password_admin         n:.... f:.... l:....
manage_staff            service_admin          n:.... f:.... l:....
manage_staff            user_management_admin  n:YYYY f:YYYY l:YYYY
manage_admin_staff      none                   n:.... f:.... l:....
manage_admin_staff      global_admin           n:YYYY f:YYYY l:YYYY
manage_admin_staff      billing_admin          n:.... f:.... l:....
manage_admin_staff      password_admin         n:.... f:.... l:....
manage_admin_staff      service_admin          n:.... f:.... l:....
manage_admin_staff      user_management_admin  n:.... f:.... l:....
reset_staff_password    none                   n:.... f:.... l:....
reset_staff_password    global_admin           n:YYYY f:YYYY l:YYYY
reset_staff_password    billing_admin          n:.... f:.... l:....
reset_staff_password    password_admin         n:YYYY f:YYYY l:YYYY
reset_staff_password    service_admin          n:.... f:.... l:....
reset_staff_password    user_management_admin  n:YYYY f:YYYY l:YYYY
reset_admin_password    none                   n:.... f:.... l:....
reset_admin_password    global_admin           n:YYYY f:YYYY l:YYYY
reset_admin_password    billing_admin          n:.... f:.... l:....
reset_admin_password    password_admin         n:.... f:.... l:....
reset_admin_password    service_admin          n:.... f:.... l:....
reset_admin_password    user_management_admin  n:.... f:.... l:....
view_audit_log          none                   n:.... f:.... l:....
view_audit_log          global_admin           n:YYYY f:YYYY l:YYYY
view_audit_log          billing_admin          n:.... f:.... l:....
view_audit_log          password_admin         n:.... f:.... l:....
view_audit_log          service_admin          n:YYYY f:YYYY l:YYYY
view_audit_log          user_management_admin  n:.... f:.... l:....
verify_audit_log        none                   n:.... f:.... l:....
verify_audit_log        global_admin           n:YYYY f:YYYY l:YYYY
verify_audit_log        billing_admin          n:.... f:.... l:....
verify_audit_log        password_admin         n:.... f:.... l:....
verify_audit_log        service_admin          n:YYYY f:YYYY l:YYYY
verify_audit_log        user_management_admin  n:.... f:.... l:....
edit_security_settings  none                   n:.... f:.... l:....
edit_security_settings  global_admin           n:YYYY f:YYYY l:YYYY
edit_security_settings  billing_admin          n:.... f:.... l:....
edit_security_settings  password_admin         n:.... f:.... l:....
edit_security_settings  service_admin          n:.... f:.... l:....
edit_security_settings  user_management_admin  n:.... f:.... l:....
edit_link_templates     none                   n:.... f:.... l:....
edit_link_templates     global_admin           n:YYYY f:YYYY l:YYYY
edit_link_templates     billing_admin          n:.... f:.... l:....
edit_link_templates     password_admin         n:.... f:.... l:....
edit_link_templates     service_admin          n:.... f:.... l:....
edit_link_templates     user_management_admin  n:.... f:.... l:....
view_customers          none                   n:.... f:.Y.Y l:.Y.Y
view_customers          global_admin           n:.... f:.Y.Y l:.Y.Y
view_customers          billing_admin          n:.... f:.Y.Y l:.Y.Y
view_customers          password_admin         n:.... f:.Y.Y l:.Y.Y
view_customers          service_admin          n:.... f:.Y.Y l:.Y.Y
view_customers          user_management_admin  n:.... f:.Y.Y l:.Y.Y
manage_customers        none                   n:.... f:.Y.Y l:....
manage_customers        global_admin           n:.... f:.Y.Y l:....
manage_customers        billing_admin          n:.... f:.Y.Y l:....
manage_customers        password_admin         n:.... f:.Y.Y l:....
manage_customers        service_admin          n:.... f:.Y.Y l:....
manage_customers        user_management_admin  n:.... f:.Y.Y l:....
manage_relationships    none                   n:.... f:.Y.Y l:....
manage_relationships    global_admin           n:.... f:.Y.Y l:....
manage_relationships    billing_admin          n:.... f:.Y.Y l:....
manage_relationships    password_admin         n:.... f:.Y.Y l:....
manage_relationships    service_admin          n:.... f:.Y.Y l:....
manage_relationships    user_management_admin  n:.... f:.Y.Y l:....
view_catalog            none                   n:YYYY f:YYYY l:YYYY
view_catalog            global_admin           n:YYYY f:YYYY l:YYYY
view_catalog            billing_admin          n:YYYY f:YYYY l:YYYY
view_catalog            password_admin         n:YYYY f:YYYY l:YYYY
view_catalog            service_admin          n:YYYY f:YYYY l:YYYY
view_catalog            user_management_admin  n:YYYY f:YYYY l:YYYY
edit_catalog            none                   n:.... f:.... l:....
edit_catalog            global_admin           n:YYYY f:YYYY l:YYYY
edit_catalog            billing_admin          n:YYYY f:YYYY l:YYYY
edit_catalog            password_admin         n:.... f:.... l:....
edit_catalog            service_admin          n:.... f:.... l:....
edit_catalog            user_management_admin  n:.... f:.... l:....
view_dashboard          customer gate: -
change_own_password     customer gate: -
view_company_profile    customer gate: -
edit_company_profile    customer gate: -
view_staff              customer gate: -
manage_staff            customer gate: -
manage_admin_staff      customer gate: -
reset_staff_password    customer gate: -
reset_admin_password    customer gate: -
view_audit_log          customer gate: -
verify_audit_log        customer gate: -
edit_security_settings  customer gate: -
edit_link_templates     customer gate: -
view_customers          customer gate: -
manage_customers        customer gate: -
manage_relationships    customer gate: -
view_catalog            customer gate: -
edit_catalog            customer gate: -
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
        reason.message(Action::EditCompanyProfile),
        "Only global admins may edit the company profile."
    );
    let reset = decide(billing, PARTNERS[0], Action::ResetStaffPassword).unwrap_err();
    assert_eq!(
        reset.message(Action::ResetStaffPassword),
        "Only global admins, user management admins or password admins may reset staff passwords."
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
