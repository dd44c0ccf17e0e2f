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
/// A price list's Market (ISO 3166 alpha-2 in Microsoft's files; room for regions).
pub const MARKET: usize = 16;
/// A price as written in a price list cell ("12345.6789"), digits before the
/// separator: 2^53 minor units is 16 digits, so 16 always reaches the money ceiling.
pub const PRICE_WHOLE_DIGITS: usize = 16;
/// Digits after the separator: no currency has more than 4 minor digits;
/// Microsoft's files carry up to 6; 12 is generous and never absurd.
pub const PRICE_FRACTION_DIGITS: usize = 12;
/// The name of a delegated-admin relationship: Microsoft allows 50.
pub const RELATIONSHIP_NAME: usize = 50;
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
