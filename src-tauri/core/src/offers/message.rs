//! What goes to the customer: the offer link, the e-mail that carries it, an
//! HTML snippet for a web site, and the printable offer document — all in
//! the customer's language.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use super::{blank_target, lines_of, load, totals_of, OfferLine, OfferStatus, PurchaseOffer};
use crate::access::{guarded_read, require, Action};
use crate::auth::Actor;
use crate::clock::Clock;
use crate::company::CompanyProfile;
use crate::error::{Error, Result};
use crate::ids::parse_id;
use crate::links::{self, escape_html};
use crate::money::Money;
use crate::relationships::get_templates_in;
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OfferMessage {
    pub link: String,
    pub subject: String,
    pub body: String,
    pub mailto: String,
    pub html_snippet: String,
}

fn link_of(conn: &Connection, offer: &PurchaseOffer, company: &CompanyProfile) -> Result<String> {
    let templates = get_templates_in(conn)?;
    links::build(
        &templates.purchase_offer,
        &[
            ("{offer}", &offer.id),
            ("{advisor}", links::advisor_code(company)?),
        ],
    )
}

/// `12345` minor units → `123.45` (en) or `123,45` (pl), thousands grouped.
/// Two decimals: the catalog's currencies (PLN, EUR, USD) all have them.
pub(crate) fn amount(minor: i64, language: &str) -> String {
    let (sep, group) = if language == "pl" {
        (',', '\u{a0}')
    } else {
        ('.', ',')
    };
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped}{sep}{:02}", abs % 100)
}

fn money_text(m: &Money, language: &str) -> String {
    format!("{} {}", amount(m.amount_minor, language), m.currency)
}

fn totals_text(totals: &[Money], language: &str) -> String {
    totals
        .iter()
        .map(|m| money_text(m, language))
        .collect::<Vec<_>>()
        .join(" + ")
}

fn line_text(line: &OfferLine, language: &str) -> String {
    let total = Money {
        amount_minor: line.line_total_minor,
        currency: line.currency.clone(),
    };
    format!(
        "- {} × {}: {}",
        line.quantity,
        line.service_title,
        money_text(&total, language)
    )
}

/// The link, e-mail and snippet for a sent offer. `recipients` are the
/// addresses (the customer's contact or the prospect's when empty).
pub fn message(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    recipients: &[String],
) -> Result<OfferMessage> {
    let id = parse_id("id", id)?;
    let target = blank_target(Some(&id));
    guarded_read(
        store,
        clock,
        actor,
        "purchase_offer.message",
        target,
        |conn| {
            require(conn, actor, Action::ManagePurchaseOffers)?;
            let offer = load(conn, &id)?;
            if offer.status != OfferStatus::Sent && offer.status != OfferStatus::Draft {
                let (status, status_pl) = (offer.status.as_str(), offer.status.describe_pl());
                return Err(Error::invalid_state(text!(
                    "the offer is {status}; only an open offer has a link to send",
                    "Oferta ma stan „{status_pl}”; link do wysłania ma tylko otwarta oferta"
                )));
            }
            let company = crate::company::read_profile(conn)?;
            let link = link_of(conn, &offer, &company)?;
            let lines = lines_of(conn, &id)?;
            let pl = offer.language == "pl";
            let list = lines
                .iter()
                .map(|l| line_text(l, &offer.language))
                .collect::<Vec<_>>()
                .join("\n");
            let totals = totals_text(&totals_of(&lines)?, &offer.language);
            let note = if offer.note.is_empty() {
                String::new()
            } else {
                format!("{}\n\n", offer.note)
            };
            let (subject, body, anchor) = if pl {
                (
                format!("{}: oferta dla {}", company.legal_name, offer.company_name),
                format!(
                    "Dzień dobry,\n\nprzesyłamy ofertę dla {}:\n{}\nRazem miesięcznie (netto): {}\nOferta jest ważna do {}.\n\n{}Aby ją przyjąć, otwórz link:\n{}\n\nZ poważaniem\n{}",
                    offer.company_name, list, totals, offer.valid_until, note, link, links::signature(&company)
                ),
                "Zobacz ofertę i kup",
            )
            } else {
                (
                format!("{}: offer for {}", company.legal_name, offer.company_name),
                format!(
                    "Hello,\n\nhere is our offer for {}:\n{}\nTotal per month (net): {}\nThe offer is valid until {}.\n\n{}To accept it, open:\n{}\n\nKind regards\n{}",
                    offer.company_name, list, totals, offer.valid_until, note, link, links::signature(&company)
                ),
                "See the offer and buy",
            )
            };
            let to: Vec<&str> = if recipients.iter().any(|r| !r.trim().is_empty()) {
                recipients
                    .iter()
                    .map(|r| r.trim())
                    .filter(|r| !r.is_empty())
                    .collect()
            } else {
                vec![offer.contact_email.as_str()]
            };
            let mailto = links::mailto(&to, &subject, &body);
            let html_snippet = links::html_link(&link, anchor);
            Ok(OfferMessage {
                link,
                subject,
                body,
                mailto,
                html_snippet,
            })
        },
    )
}

struct Words {
    title: &'static str,
    revision: &'static str,
    from: &'static str,
    to: &'static str,
    service: &'static str,
    licences: &'static str,
    unit: &'static str,
    discount: &'static str,
    total: &'static str,
    totals: &'static str,
    valid: &'static str,
    link: &'static str,
    delegated: &'static str,
    partner_id: &'static str,
    note: &'static str,
}

const PL: Words = Words {
    title: "Oferta zakupu",
    revision: "wersja",
    from: "Od",
    to: "Dla",
    service: "Usługa",
    licences: "Licencje",
    unit: "Cena za licencję / miesiąc",
    discount: "Rabat",
    total: "Razem / miesiąc",
    totals: "Razem miesięcznie (netto)",
    valid: "Oferta ważna do",
    link: "Aby przyjąć ofertę, otwórz",
    delegated: "Oferta obejmuje prośbę o administrację delegowaną",
    partner_id: "ID partnera",
    note: "Uwagi",
};

const EN: Words = Words {
    title: "Purchase offer",
    revision: "revision",
    from: "From",
    to: "To",
    service: "Service",
    licences: "Licences",
    unit: "Price per licence / month",
    discount: "Discount",
    total: "Total / month",
    totals: "Total per month (net)",
    valid: "Valid until",
    link: "To accept the offer, open",
    delegated: "The offer includes a request for delegated administration",
    partner_id: "Partner ID",
    note: "Note",
};

fn percent(bp: u32, language: &str) -> String {
    let text = format!("{}.{:02} %", bp / 100, bp % 100);
    if language == "pl" {
        text.replace('.', ",")
    } else {
        text
    }
}

/// The printable offer: a whole HTML page (the app shows it and prints it
/// to PDF through the system dialog). Every value is escaped.
pub fn document(store: &Store, clock: &dyn Clock, actor: &Actor, id: &str) -> Result<String> {
    let id = parse_id("id", id)?;
    let target = blank_target(Some(&id));
    guarded_read(
        store,
        clock,
        actor,
        "purchase_offer.document",
        target,
        |conn| {
            require(conn, actor, Action::ManagePurchaseOffers)?;
            let offer = load(conn, &id)?;
            let company = crate::company::read_profile(conn)?;
            let link = link_of(conn, &offer, &company)?;
            let lines = lines_of(conn, &id)?;
            let totals = totals_of(&lines)?;
            let lang = offer.language.as_str();
            let w = if lang == "pl" { &PL } else { &EN };
            let e = escape_html;
            let address = |street: &str, postal: &str, city: &str, country: &str| {
                [
                    street.to_owned(),
                    format!("{postal} {city}").trim().to_owned(),
                    country.to_owned(),
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(|s| e(&s))
                .collect::<Vec<_>>()
                .join("<br>")
            };
            let from = format!(
                "<strong>{}</strong><br>{}<br>{}<br>{}: {}",
                e(&company.legal_name),
                address(
                    &company.street,
                    &company.postal_code,
                    &company.city,
                    &company.country
                ),
                [
                    company.phone.as_str(),
                    company.email.as_str(),
                    company.website.as_str()
                ]
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| e(s))
                .collect::<Vec<_>>()
                .join(" · "),
                w.partner_id,
                e(&company.partner_id)
            );
            let to = match &offer.customer_id {
                Some(customer_id) => {
                    let c = crate::customers::load(conn, customer_id)?;
                    format!(
                        "<strong>{}</strong><br>{}<br>{}",
                        e(&c.company_name),
                        address(&c.street, &c.postal_code, &c.city, &c.country),
                        e(&c.contact_email)
                    )
                }
                None => format!(
                    "<strong>{}</strong><br>{}",
                    e(&offer.prospect_name),
                    e(&offer.prospect_email)
                ),
            };
            let rows = lines
            .iter()
            .map(|l| {
                format!(
                    "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} {}</td><td class=\"n\">{}</td><td class=\"n\">{} {}</td></tr>",
                    e(&l.service_title),
                    l.quantity,
                    amount(l.unit_price_minor, lang),
                    e(&l.currency),
                    percent(l.discount_bp, lang),
                    amount(l.line_total_minor, lang),
                    e(&l.currency)
                )
            })
            .collect::<String>();
            let note = if offer.note.is_empty() {
                String::new()
            } else {
                format!(
                    "<h2>{}</h2><p class=\"note\">{}</p>",
                    w.note,
                    e(&offer.note)
                )
            };
            let delegated = if offer.delegated_admin.is_some() {
                format!("<p>{}.</p>", w.delegated)
            } else {
                String::new()
            };
            Ok(format!(
                r#"<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} — {company}</title>
<style>
body {{ font: 11pt/1.4 system-ui, sans-serif; color: #111; margin: 2cm; }}
h1 {{ font-size: 18pt; margin: 0 0 0.2em; }}
.parties {{ display: flex; gap: 3em; margin: 1.5em 0; }}
table {{ width: 100%; border-collapse: collapse; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 0.3em 0.4em; text-align: left; }}
.n {{ text-align: right; white-space: nowrap; }}
.total {{ font-weight: bold; font-size: 12pt; margin-top: 1em; text-align: right; }}
.note {{ white-space: pre-wrap; }}
a {{ word-break: break-all; }}
</style></head>
<body>
<h1>{title}</h1>
<p>{revision_word} {revision} · {valid_word}: {valid}</p>
<div class="parties"><div><h2>{from_word}</h2><p>{from}</p></div><div><h2>{to_word}</h2><p>{to}</p></div></div>
<table><thead><tr><th>{service}</th><th class="n">{licences}</th><th class="n">{unit}</th><th class="n">{discount}</th><th class="n">{total}</th></tr></thead>
<tbody>{rows}</tbody></table>
<p class="total">{totals_word}: {totals}</p>
{delegated}{note}
<p>{link_word}: <a href="{href}">{link}</a></p>
</body></html>
"#,
                title = w.title,
                company = e(&company.legal_name),
                revision_word = w.revision,
                revision = offer.revision,
                valid_word = w.valid,
                valid = e(&offer.valid_until),
                from_word = w.from,
                to_word = w.to,
                service = w.service,
                licences = w.licences,
                unit = w.unit,
                discount = w.discount,
                total = w.total,
                totals_word = w.totals,
                totals = e(&totals_text(&totals, lang)),
                link_word = w.link,
                href = e(&link),
                link = e(&link),
            ))
        },
    )
}
