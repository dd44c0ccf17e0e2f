//! Links and messages sent to customers (DESIGN §4): URLs built from the
//! templates in settings, `mailto:` addresses and HTML snippets.
//!
//! Every value put into a template is percent-encoded, and the result must be
//! an https URL on the template's own host: an id, a partner ID or a
//! template cannot move a link to another host or break out of its query.

use crate::company::CompanyProfile;
use crate::error::{Error, Result};

/// Values for a template check: every placeholder a template may use.
const SAMPLE: &[(&str, &str)] = &[
    ("{invitation}", "00000000-0000-0000-0000-000000000000"),
    ("{offer}", "00000000-0000-0000-0000-000000000000"),
    ("{relationship}", "00000000-0000-0000-0000-000000000000"),
    ("{partner_tenant}", "00000000-0000-0000-0000-000000000000"),
    ("{advisor}", "1234567"),
];

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .fold(template.to_owned(), |text, (key, value)| {
            text.replace(key, &encode(value))
        })
}

fn https_host(text: &str) -> Option<String> {
    let url = url::Url::parse(text).ok()?;
    (url.scheme() == "https" && url.username().is_empty() && url.password().is_none())
        .then(|| url.host_str().map(str::to_owned))
        .flatten()
}

/// Checks a template before it is saved: it names `placeholder` and, filled
/// with sample values, is an https URL with a host and no credentials.
pub fn check_template(field: &str, template: &str, placeholder: &str) -> Result<String> {
    let template = template.trim();
    crate::validate::check_length(field, template, crate::limits::LINK_TEMPLATE)?;
    if !template.contains(placeholder) {
        return Err(Error::validation(
            field,
            text!(
                "the link must contain {placeholder}",
                "link musi zawierać {placeholder}"
            ),
        ));
    }
    match https_host(&fill(template, SAMPLE)) {
        Some(_) => Ok(template.to_owned()),
        None => Err(Error::validation(
            field,
            text!(
                "the link must be an https:// address",
                "link musi być adresem https://"
            ),
        )),
    }
}

/// Fills `template` with percent-encoded `values`; refuses a result whose host
/// is not the template's own.
pub fn build(template: &str, values: &[(&str, &str)]) -> Result<String> {
    let expected = https_host(&fill(template, SAMPLE));
    let link = fill(template, values);
    let actual = https_host(&link);
    if expected.is_none() || actual != expected {
        return Err(Error::invalid_state(
            text!(
                "the link template in Settings does not give an https address on one host; a global admin can correct it",
                "szablon linku w Ustawieniach nie daje adresu https na jednym hoście; administrator globalny może go poprawić"
            ),
        ));
    }
    Ok(link)
}

/// The partner ID that trial and purchase links carry as the advisor code;
/// without it a link would not identify the partner to Microsoft.
pub fn advisor_code(company: &CompanyProfile) -> Result<&str> {
    match company.partner_id.trim() {
        "" => Err(Error::invalid_state(
            text!(
                "the company profile has no partner ID, so the link cannot identify you as subscription advisor; a global admin can add it",
                "profil firmy nie zawiera identyfikatora partnera, więc link nie może wskazać Cię jako doradcy ds. subskrypcji; administrator globalny może go dodać"
            ),
        )),
        code => Ok(code),
    }
}

/// A `mailto:` the mail client opens with the message composed.
pub fn mailto(to: &[&str], subject: &str, body: &str) -> String {
    let to: Vec<String> = to.iter().map(|address| encode(address)).collect();
    format!(
        "mailto:{}?subject={}&body={}",
        to.join(","),
        encode(subject),
        encode(body)
    )
}

pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `<a href="…">text</a>` for publishing a link on a web site.
pub fn html_link(href: &str, text: &str) -> String {
    format!(
        "<a href=\"{}\" rel=\"noopener\">{}</a>",
        escape_html(href),
        escape_html(text)
    )
}

/// The company's signature under messages to customers.
pub fn signature(company: &CompanyProfile) -> String {
    [
        company.legal_name.as_str(),
        company.phone.as_str(),
        company.email.as_str(),
        company.website.as_str(),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRIAL: &str =
        "https://portal.office.com/partner/partnersignup.aspx?type=Trial&id={invitation}&msppid={advisor}";

    #[test]
    fn values_are_encoded_and_cannot_leave_the_query_or_the_host() {
        let link = build(
            TRIAL,
            &[("{invitation}", "abc"), ("{advisor}", "12&type=Purchase#x")],
        )
        .unwrap();
        assert_eq!(
            link,
            "https://portal.office.com/partner/partnersignup.aspx?type=Trial&id=abc&msppid=12%26type%3DPurchase%23x"
        );
        let parsed = url::Url::parse(&link).unwrap();
        assert_eq!(
            parsed.query_pairs().count(),
            3,
            "no extra parameter was injected"
        );
        // A value placed where the host is cannot change the host.
        let hostile = "https://{advisor}.example.com/x?id={invitation}";
        assert!(check_template("t", hostile, "{invitation}").is_ok());
        let moved = build(
            hostile,
            &[("{advisor}", "evil.com/"), ("{invitation}", "1")],
        );
        assert!(moved.is_err(), "{moved:?}");
    }

    #[test]
    fn templates_must_be_https_with_their_placeholder_and_no_credentials() {
        assert!(check_template("t", TRIAL, "{invitation}").is_ok());
        assert_eq!(
            check_template("t", TRIAL, "{offer}").unwrap_err().field(),
            Some("t")
        );
        for bad in [
            "http://portal.office.com/?id={invitation}",
            "javascript:alert(1)//{invitation}",
            "https://user:pw@portal.office.com/?id={invitation}",
            "{invitation}",
        ] {
            assert!(check_template("t", bad, "{invitation}").is_err(), "{bad}");
        }
    }

    #[test]
    fn mail_and_html_are_escaped() {
        assert_eq!(
            mailto(&["a@b.pl", "c@d.pl"], "Oferta & cena", "Dzień dobry\nlink"),
            "mailto:a%40b.pl,c%40d.pl?subject=Oferta%20%26%20cena&body=Dzie%C5%84%20dobry%0Alink"
        );
        assert_eq!(
            html_link("https://x/?a=1&b=\"2\"", "<Try>"),
            "<a href=\"https://x/?a=1&amp;b=&quot;2&quot;\" rel=\"noopener\">&lt;Try&gt;</a>"
        );
    }
}
