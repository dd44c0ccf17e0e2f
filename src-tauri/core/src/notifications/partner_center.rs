//! Partner Center's names for the changes our notifications report, so that a
//! later connection to Partner Center's webhooks maps one event to one kind of
//! notification (decision 0046). Names as "Partner Center webhook events"
//! lists them (https://learn.microsoft.com/partner-center/developer/partner-center-webhook-events,
//! ms.date 10/17/2023): `{resource}-{action}`.

/// Raised for commerce-level changes: licence count and state (the page's own examples).
pub const SUBSCRIPTION_UPDATED: &str = "subscription-updated";

/// A subscription notification's event is the staff action (`cancel`) or the
/// clock's step (`expired`); every change of count, state or term is what
/// Partner Center calls "subscription updated". Who is partner of record, and
/// the clock's "ends soon" reminders, are ours alone.
const SUBSCRIPTION_EVENTS: &[&str] = &[
    // Staff actions.
    "quantity",
    "suspend",
    "reactivate",
    "cancel",
    "auto_renew",
    "convert_trial",
    "add_licences",
    "extend_term",
    "upgrade",
    // The clock's steps and history kinds.
    "started",
    "renewed",
    "converted",
    "expired",
    "disabled",
    "deleted",
    "upgraded",
];

/// Our relationship events and the GDAP webhook event of the same change.
const RELATIONSHIP_EVENTS: &[(&str, &str)] = &[
    ("approved", "granular-admin-relationship-approved"),
    ("activated", "granular-admin-relationship-activated"),
    ("expired", "granular-admin-relationship-expired"),
    ("terminated", "granular-admin-relationship-terminated"),
    (
        "assignment_created",
        "granular-admin-access-assignment-created",
    ),
    (
        "assignment_activated",
        "granular-admin-access-assignment-activated",
    ),
    (
        "assignment_updated",
        "granular-admin-access-assignment-updated",
    ),
    (
        "assignment_deleted",
        "granular-admin-access-assignment-deleted",
    ),
];

/// The webhook event Partner Center raises for the same change, if it raises one.
/// Clock reminders ("ends in 7 days") and our own records have none.
pub fn webhook_event(object_kind: &str, event: &str) -> Option<&'static str> {
    match object_kind {
        "subscription" => SUBSCRIPTION_EVENTS
            .contains(&event)
            .then_some(SUBSCRIPTION_UPDATED),
        "relationship" => RELATIONSHIP_EVENTS
            .iter()
            .find(|(ours, _)| *ours == event)
            .map(|(_, theirs)| *theirs),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_changes_of_count_and_state_are_subscription_updated() {
        for event in ["quantity", "cancel", "renewed", "expired", "converted"] {
            assert_eq!(
                webhook_event("subscription", event),
                Some(SUBSCRIPTION_UPDATED),
                "{event}"
            );
        }
        assert_eq!(webhook_event("subscription", "partner_of_record"), None);
        assert_eq!(webhook_event("subscription", "expiring"), None);
    }

    #[test]
    fn relationship_events_take_the_granular_admin_names() {
        assert_eq!(
            webhook_event("relationship", "approved"),
            Some("granular-admin-relationship-approved")
        );
        assert_eq!(
            webhook_event("relationship", "assignment_deleted"),
            Some("granular-admin-access-assignment-deleted")
        );
        assert_eq!(webhook_event("relationship", "expiring"), None);
        assert_eq!(webhook_event("offer", "approved"), None);
    }

    #[test]
    fn every_name_has_the_resource_action_form() {
        let names = RELATIONSHIP_EVENTS
            .iter()
            .map(|(_, theirs)| *theirs)
            .chain([SUBSCRIPTION_UPDATED]);
        for name in names {
            assert!(
                name.split('-').count() >= 2
                    && name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name}"
            );
        }
    }
}
