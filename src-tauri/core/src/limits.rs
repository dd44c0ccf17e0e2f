//! Every ceiling on what a person can type, paste or import, in one place
//! (docs/decisions/0032-input-limits-and-timestamps.md gives the reason for each).
//!
//! Text limits count characters (Unicode scalar values) of the trimmed value,
//! so "Żółć" is 4, as a person counts; the error names the field, the limit and
//! the length as written.

// People and organisations.
/// A customer's or the partner's legal name, a prospect's name.
pub const COMPANY_NAME: usize = 200;
/// A contact person's name (customers, service requests).
pub const CONTACT_NAME: usize = 200;
/// A staff member's display name.
pub const STAFF_NAME: usize = 100;
/// A customer user's display name: Microsoft Entra ID allows 256.
pub const USER_DISPLAY_NAME: usize = 256;
/// A customer user's first or last name: Entra ID's givenName/surname allow 64.
pub const USER_NAME_PART: usize = 64;
/// A customer user's job title: Entra ID allows 128.
pub const JOB_TITLE: usize = 128;
/// The part of a user name before `@` (RFC 5321: 64 octets).
pub const USER_NAME_LOCAL_PART: usize = 64;
/// An e-mail address (RFC 5321's 256-octet path less the angle brackets).
pub const EMAIL: usize = 254;
/// A phone number as typed, spaces and the `+` included.
pub const PHONE: usize = 40;

// Addresses and identifiers.
pub const STREET: usize = 200;
pub const CITY: usize = 100;
pub const POSTAL_CODE: usize = 16;
/// ISO 3166 alpha-2.
pub const COUNTRY: usize = 2;
/// A GUID with braces, as pasted from a portal.
pub const TENANT_ID: usize = 40;
/// A web address (browsers accept far more; a company's home page needs little).
pub const WEBSITE: usize = 300;
/// A Microsoft partner ID (MPN / Partner Location ID): up to 10 digits.
pub const PARTNER_ID: usize = 10;
/// A domain name (RFC 1035: 253 characters in text form).
pub const DOMAIN: usize = 253;
/// One tag on a customer, and how many a customer may have.
pub const TAG: usize = 40;
pub const TAGS: usize = 20;
/// The customer's free-form notes (several lines).
pub const CUSTOMER_NOTES: usize = 4_000;

// Catalog, offers, invitations, relationships, requests, subscriptions.
/// A service's title; also a price list's ProductTitle / SkuTitle.
pub const SERVICE_TITLE: usize = 200;
/// A price list's ProductId or SkuId (Microsoft's are 12 to 16 characters).
pub const PRICE_LIST_ID: usize = 64;
/// A price list's SkuDescription, as text once its markup is taken out.
pub const SERVICE_DESCRIPTION: usize = 4_000;
/// A price list's Publisher or UnitOfMeasure.
pub const PUBLISHER: usize = 200;
/// A price list's Market (ISO 3166 alpha-2 in Microsoft's files; room for regions).
pub const MARKET: usize = 16;
/// A price as written in a price list cell ("12345.6789"), digits before the
/// separator: 2^53 minor units is 16 digits, so 16 always reaches the money ceiling.
pub const PRICE_WHOLE_DIGITS: usize = 16;
/// Digits after the separator: no currency has more than 4 minor digits;
/// Microsoft's files carry up to 6; 12 is generous and never absurd.
pub const PRICE_FRACTION_DIGITS: usize = 12;
/// An offer-matrix licence count (MinLicenses, MaxLicenses, AssetOwnershipLimit):
/// Microsoft's largest are in the millions; a hundred million is never absurd.
pub const MATRIX_LICENSES: u32 = 100_000_000;
/// SKUs one matrix cell lists (conversions, prerequisites): add-ons list dozens.
pub const MATRIX_LINKS: usize = 500;
/// An offer-matrix Description.
pub const MATRIX_DESCRIPTION: usize = 4_000;
/// The name of a delegated-admin relationship: Microsoft allows 50.
pub const RELATIONSHIP_NAME: usize = 50;
/// The relationship a Partner Center export states ("Cloud Reseller"), as written.
pub const STATED_RELATIONSHIP: usize = 100;
/// The internal name of a trial invitation.
pub const INVITATION_NAME: usize = 100;
/// The personal note of a purchase offer (several lines, sent in the e-mail).
pub const OFFER_NOTE: usize = 2_000;
/// A service request's title, description and each note in its thread.
pub const REQUEST_TITLE: usize = 200;
pub const REQUEST_DESCRIPTION: usize = 10_000;
pub const REQUEST_NOTE: usize = 10_000;
/// The reason given for a subscription change.
pub const REASON: usize = 500;
/// A link template: browsers and mail clients handle URLs to about 2,000.
pub const LINK_TEMPLATE: usize = 2_000;

// Searches and filters.
/// A search string in any list; longer ones find nothing more, only cost more.
pub const SEARCH: usize = 200;
/// A free-text filter value that is not a search (the audit log's action, kind, id).
pub const FILTER: usize = 200;

// Files.
/// An imported file (customers, customer users, price list, product keys), in bytes.
pub const IMPORT_BYTES: u64 = 50 * 1_000 * 1_000;

// Money and dates.
/// The largest amount in minor units anywhere: `Number.MAX_SAFE_INTEGER`
/// (2^53 − 1), the largest n for which JavaScript holds n and n + 1 exactly,
/// so every amount the UI shows or sends back is the one the core computed.
pub const MONEY_MINOR: i64 = (1 << 53) - 1;
/// Business dates typed or imported (a start, an acceptance, a validity, a
/// search bound) lie in these years; computed ones (a term end) may run past.
pub const EARLIEST_YEAR: i32 = 2000;
pub const LATEST_YEAR: i32 = 2100;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::testing::world;

    /// One character over `max`.
    fn over(max: usize) -> String {
        "ż".repeat(max + 1)
    }

    /// The refusal of a text one character over its limit names the field,
    /// the limit and the length as written.
    fn assert_over(result: Result<impl std::fmt::Debug, Error>, field: &str, max: usize) {
        let error = result.expect_err(field);
        assert_eq!(error.field(), Some(field), "{error:?}");
        assert_eq!(
            error.to_string(),
            format!("use at most {max} characters (this has {})", max + 1),
            "{field}"
        );
    }

    #[test]
    fn every_free_text_field_has_a_ceiling_named_with_its_length() {
        let w = world();
        let customer = |edit: &dyn Fn(&mut crate::customers::CustomerInput)| {
            let mut input = crate::customers::CustomerInput {
                company_name: "Alfa".into(),
                default_domain: "alfa".into(),
                ..Default::default()
            };
            edit(&mut input);
            crate::customers::create(&w.store, &w.clock, &w.admin, &input).map(|_| ())
        };
        assert_over(
            customer(&|c| c.company_name = over(COMPANY_NAME)),
            "company_name",
            COMPANY_NAME,
        );
        assert_over(customer(&|c| c.street = over(STREET)), "street", STREET);
        assert_over(customer(&|c| c.city = over(CITY)), "city", CITY);
        assert_over(
            customer(&|c| c.contact_name = over(CONTACT_NAME)),
            "contact_name",
            CONTACT_NAME,
        );
        assert_over(
            customer(&|c| c.contact_email = over(EMAIL)),
            "contact_email",
            EMAIL,
        );
        assert_over(
            customer(&|c| c.contact_phone = over(PHONE)),
            "contact_phone",
            PHONE,
        );
        assert_over(
            customer(&|c| c.notes = over(CUSTOMER_NOTES)),
            "notes",
            CUSTOMER_NOTES,
        );
        assert_over(customer(&|c| c.tags = vec![over(TAG)]), "tags", TAG);
        assert_over(
            customer(&|c| c.default_domain = over(DOMAIN)),
            "default_domain",
            DOMAIN,
        );
        assert_over(
            customer(&|c| c.other_domains = vec![over(DOMAIN)]),
            "other_domains",
            DOMAIN,
        );

        let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
        let user = |edit: &dyn Fn(&mut crate::customer_users::CustomerUserInput)| {
            let mut input = crate::customer_users::CustomerUserInput {
                display_name: "Anna".into(),
                user_name: "anna@alfa.onmicrosoft.com".into(),
                ..Default::default()
            };
            edit(&mut input);
            crate::customer_users::create(&w.store, &w.clock, &w.admin, &alfa, &input).map(|_| ())
        };
        assert_over(
            user(&|u| u.display_name = over(USER_DISPLAY_NAME)),
            "display_name",
            USER_DISPLAY_NAME,
        );
        assert_over(
            user(&|u| u.first_name = over(USER_NAME_PART)),
            "first_name",
            USER_NAME_PART,
        );
        assert_over(
            user(&|u| u.last_name = over(USER_NAME_PART)),
            "last_name",
            USER_NAME_PART,
        );
        assert_over(
            user(&|u| u.job_title = over(JOB_TITLE)),
            "job_title",
            JOB_TITLE,
        );

        let staff = crate::staff::StaffInput {
            display_name: over(STAFF_NAME),
            email: "anna@contoso.pl".into(),
            role: "none".into(),
            customer_access: "full".into(),
        };
        assert_over(
            crate::staff::create(&w.store, &w.clock, &w.admin, &staff),
            "display_name",
            STAFF_NAME,
        );

        let profile = |edit: &dyn Fn(&mut crate::company::CompanyProfile)| {
            let mut profile = crate::testing::company();
            edit(&mut profile);
            crate::company::validate_profile(&profile)
        };
        assert_over(
            profile(&|p| p.legal_name = over(COMPANY_NAME)),
            "legal_name",
            COMPANY_NAME,
        );
        assert_over(profile(&|p| p.street = over(STREET)), "street", STREET);
        assert_over(profile(&|p| p.website = over(WEBSITE)), "website", WEBSITE);

        let service = crate::catalog::list(&w.store, &w.clock, &w.admin).unwrap()[0].clone();
        let update = crate::catalog::ServiceUpdate {
            title: over(SERVICE_TITLE),
            unit_price_minor: 100,
            currency: service.currency.clone(),
            trial_seats: None,
            trial_days: None,
            decrease_window_days: 7,
        };
        assert_over(
            crate::catalog::update(&w.store, &w.clock, &w.admin, &service.id, &update),
            "title",
            SERVICE_TITLE,
        );

        let request = |edit: &dyn Fn(&mut crate::service_requests::ServiceRequestInput)| {
            let mut input = crate::service_requests::ServiceRequestInput {
                title: "Mail".into(),
                description: "It fails".into(),
                category: "other".into(),
                severity: "minimal".into(),
                contact_name: "Anna".into(),
                contact_email: "anna@alfa.pl".into(),
                ..Default::default()
            };
            edit(&mut input);
            crate::service_requests::create(&w.store, &w.clock, &w.admin, &alfa, &input).map(|_| ())
        };
        assert_over(
            request(&|r| r.title = over(REQUEST_TITLE)),
            "title",
            REQUEST_TITLE,
        );
        assert_over(
            request(&|r| r.description = over(REQUEST_DESCRIPTION)),
            "description",
            REQUEST_DESCRIPTION,
        );
        assert_over(
            request(&|r| r.contact_name = over(CONTACT_NAME)),
            "contact_name",
            CONTACT_NAME,
        );

        let offer = crate::offers::OfferDraftInput {
            prospect_name: "Beta".into(),
            valid_until: "2026-12-31".into(),
            note: over(OFFER_NOTE),
            ..Default::default()
        };
        assert_over(
            crate::offers::create(&w.store, &w.clock, &w.admin, &offer),
            "note",
            OFFER_NOTE,
        );

        let invitation = crate::trial_invitations::TrialInvitationInput {
            name: over(INVITATION_NAME),
            service_id: service.id.clone(),
            language: String::new(),
            relationship: None,
        };
        assert_over(
            crate::trial_invitations::create(&w.store, &w.clock, &w.admin, &invitation),
            "name",
            INVITATION_NAME,
        );

        let relationship = crate::relationships::RelationshipOffer {
            customer_id: alfa.clone(),
            display_name: over(RELATIONSHIP_NAME),
            roles: vec![],
            duration_days: 30,
            auto_extend: false,
            request_approval: false,
        };
        assert_over(
            crate::relationships::offer(&w.store, &w.clock, &w.admin, &relationship),
            "display_name",
            RELATIONSHIP_NAME,
        );

        let long_link = format!(
            "https://portal.office.com/{}{{invitation}}",
            "a".repeat(LINK_TEMPLATE)
        );
        let templates = crate::relationships::LinkTemplates {
            trial_invitation: long_link.clone(),
            ..Default::default()
        };
        let error =
            crate::relationships::update_templates(&w.store, &w.clock, &w.admin, &templates)
                .unwrap_err();
        assert_eq!(error.field(), Some("trial_invitation"));
        assert_eq!(
            error.to_string(),
            format!(
                "use at most {LINK_TEMPLATE} characters (this has {})",
                long_link.chars().count()
            )
        );
    }

    #[test]
    fn every_search_string_has_a_ceiling() {
        let w = world();
        let long = Some("a".repeat(SEARCH + 1));
        let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
        let refusals = [
            crate::customers::list(
                &w.store,
                &w.clock,
                &w.admin,
                &crate::customers::CustomerQuery {
                    search: long.clone(),
                    ..Default::default()
                },
            )
            .map(|_| ()),
            crate::staff::list(
                &w.store,
                &w.clock,
                &w.admin,
                &crate::staff::StaffFilter {
                    search: long.clone(),
                    ..Default::default()
                },
            )
            .map(|_| ()),
            crate::customer_users::list(
                &w.store,
                &w.clock,
                &w.admin,
                &alfa,
                &crate::customer_users::CustomerUserQuery {
                    search: long.clone(),
                    ..Default::default()
                },
            )
            .map(|_| ()),
            crate::offers::list(
                &w.store,
                &w.clock,
                &w.admin,
                &crate::offers::OfferQuery {
                    search: long.clone(),
                    ..Default::default()
                },
            )
            .map(|_| ()),
            crate::trial_invitations::list(
                &w.store,
                &w.clock,
                &w.admin,
                &crate::trial_invitations::TrialInvitationQuery {
                    search: long.clone(),
                    ..Default::default()
                },
            )
            .map(|_| ()),
            crate::service_requests::queue(
                &w.store,
                &w.clock,
                &w.admin,
                &crate::service_requests::ServiceRequestQuery {
                    search: long.clone(),
                    ..Default::default()
                },
            )
            .map(|_| ()),
        ];
        for result in refusals {
            assert_over(result, "search", SEARCH);
        }
        let audit = crate::audit::AuditQuery {
            target_id: Some("x".repeat(FILTER + 1)),
            ..Default::default()
        };
        assert_over(crate::audit::list(&w.store, &audit), "target_id", FILTER);
    }

    #[test]
    fn typed_dates_outside_the_business_years_are_refused_not_a_panic() {
        let w = world();
        let (alfa, _) = w.active_customer("Alfa", "alfa", &[]);
        let service = crate::catalog::list(&w.store, &w.clock, &w.admin).unwrap()[0]
            .id
            .clone();
        // The year 9999 plus a term panicked in the time crate before.
        let far = crate::subscriptions::SubscriptionInput {
            customer_id: alfa.clone(),
            service_id: service,
            quantity: 1,
            term: None,
            billing_plan: None,
            starts_at: Some("9999-12-31T00:00:00Z".into()),
            auto_renew: true,
            trial: false,
        };
        let error = crate::subscriptions::add(&w.store, &w.clock, &w.admin, &far).unwrap_err();
        assert_eq!(error.field(), Some("starts_at"));
        assert_eq!(
            error.to_string(),
            "'9999-12-31T00:00:00Z' is outside the years 2000 to 2100"
        );
        let offer = crate::offers::OfferDraftInput {
            valid_until: "2999-01-01".into(),
            ..Default::default()
        };
        let error = crate::offers::create(&w.store, &w.clock, &w.admin, &offer).unwrap_err();
        assert_eq!(error.field(), Some("valid_until"));
        assert_eq!(
            error.to_string(),
            "'2999-01-01' is outside the years 2000 to 2100"
        );
        let relationship = crate::relationships::RelationshipOffer {
            customer_id: w.customer("Beta", "beta", &[]),
            display_name: "Beta admin".into(),
            roles: vec![crate::testing::PASSWORD_ADMINISTRATOR.into()],
            duration_days: 30,
            auto_extend: false,
            request_approval: true,
        };
        let (offered, _) =
            crate::relationships::offer(&w.store, &w.clock, &w.admin, &relationship).unwrap();
        let error = crate::relationships::record_acceptance(
            &w.store,
            &w.clock,
            &w.admin,
            &offered.id,
            Some("9999-12-31T23:59:59Z"),
        )
        .unwrap_err();
        assert_eq!(error.field(), Some("accepted_at"));
        let audit = crate::audit::AuditQuery {
            from: Some("0001-01-01T00:00:00Z".into()),
            ..Default::default()
        };
        assert_eq!(
            crate::audit::list(&w.store, &audit).unwrap_err().field(),
            Some("from")
        );
    }
}
