//! The price list's `SkuDescription` as plain text. Microsoft writes some
//! descriptions with HTML-looking markup (`<br>`, `<ul><li>`, `&amp;`); the
//! catalog stores and shows text only, never markup, so nothing in a file can
//! reach the UI as HTML (docs/decisions/0038).

/// `html` without its tags: `<br>`, `</p>`, `</div>` and `<li>` become line
/// breaks (a list item starts with "• "), every other tag is dropped, the
/// common entities and numeric references are decoded, runs of spaces are
/// folded and blank lines collapsed. Text that is not markup comes back as
/// written (trimmed). A `<` that does not open a tag (`a < b`) is kept.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(['<', '&']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('<') {
            match tag(rest) {
                Some((name, len)) => {
                    match name.as_str() {
                        "br" | "/p" | "/div" | "/li" | "/ul" | "/ol" | "/h1" | "/h2" | "/h3"
                        | "/h4" | "/tr" => out.push('\n'),
                        "li" => out.push_str("\n• "),
                        "p" | "div" | "tr" => out.push('\n'),
                        "td" | "th" => out.push(' '),
                        _ => {}
                    }
                    rest = &rest[len..];
                }
                None => {
                    out.push('<');
                    rest = &rest[1..];
                }
            }
        } else {
            match entity(rest) {
                Some((c, len)) => {
                    out.push(c);
                    rest = &rest[len..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    tidy(&out)
}

/// The lower-case name of the tag `text` starts with ("br", "/p", "li") and
/// its length up to and including `>`; `None` when `<` opens no tag.
fn tag(text: &str) -> Option<(String, usize)> {
    let body = &text[1..];
    let first = body.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '/' || first == '!') {
        return None;
    }
    let end = body.find('>')?;
    let inner = &body[..end];
    let name: String = inner
        .trim_end_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
        .collect::<String>()
        .to_ascii_lowercase();
    Some((name, end + 2))
}

/// The character an entity at the start of `text` stands for, and its length.
fn entity(text: &str) -> Option<(char, usize)> {
    // Bytes, not a slice: the twelfth byte may fall inside a character.
    let end = text.bytes().take(12).position(|b| b == b';')?;
    let name = &text[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "reg" => '®',
        "trade" => '™',
        "copy" => '©',
        "ndash" => '–',
        "mdash" => '—',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|c| !c.is_control() || *c == '\n')?
        }
    };
    Some((c, end + 1))
}

/// Spaces and tabs folded to one, each line trimmed, blank lines dropped.
fn tidy(text: &str) -> String {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn markup_becomes_text_and_text_stays_as_written() {
        assert_eq!(
            html_to_text("Best for businesses that need professional email &amp; Teams."),
            "Best for businesses that need professional email & Teams."
        );
        assert_eq!(
            html_to_text(
                "<p>Includes:</p><ul><li>Exchange</li><li>Teams &lt;chat&gt;</li></ul>Line<br/>two"
            ),
            "Includes:\n• Exchange\n• Teams <chat>\nLine\ntwo"
        );
        assert_eq!(
            html_to_text("<script>alert(1)</script><b onclick=\"x\">bold</b>"),
            "alert(1)bold",
            "tags go, whatever they are; the text inside is only text"
        );
        assert_eq!(html_to_text("a < b and c > d & e"), "a < b and c > d & e");
        assert_eq!(
            html_to_text("caf&#233; &#x2013; &bogus; &#0;"),
            "café – &bogus; &#0;"
        );
        assert_eq!(
            html_to_text("  two   spaces\n\n\nand lines  "),
            "two spaces\nand lines"
        );
        assert_eq!(html_to_text("<unclosed"), "<unclosed");
        assert_eq!(html_to_text("ends with &"), "ends with &");
        assert_eq!(
            html_to_text("&żółć gęślą;"),
            "&żółć gęślą;",
            "never cut inside a character"
        );
    }
}
