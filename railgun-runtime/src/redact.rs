//! Keeping secrets out of every text the client shows.
//!
//! Texts taken from an answer (error messages, body excerpts, an unexpected
//! `act`) may echo what was sent, and answers carry secrets of their own
//! (`rtkn`, `railgun_api_key`). Before such a text is put into an [`Error`],
//! the values of secret keys are blanked and every secret value the request
//! sent is replaced, in plain and in URL-encoded form.
//!
//! [`Error`]: crate::Error

use std::borrow::Cow;

/// What replaces a secret.
pub(crate) const REDACTED: &str = "** redacted **";

/// Longest excerpt of a body, in characters.
pub(crate) const EXCERPT_CHARS: usize = 200;

/// How much of a body is scanned for secrets before the excerpt is cut: far
/// more than the excerpt, so no secret straddles the cut.
const SCAN_BYTES: usize = 8 * 1024;

/// Blanks secrets out of texts for one exchange.
#[derive(Debug)]
pub struct Scrubber<'a> {
    /// Secret values the request sent.
    pub values: Vec<&'a str>,
    /// Wire names whose values are secret (`rtkn`, `tkn`, …).
    pub keys: &'a [&'a str],
}

impl Scrubber<'_> {
    /// `text` with every secret blanked.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for key in self.keys {
            out = blank_json_values(&out, key).into_owned();
            out = blank_form_values(&out, key).into_owned();
        }
        for value in &self.values {
            // Too short a value would blank innocent text; credentials are
            // checked non-empty and tokens are tens of characters long.
            if value.len() < 4 {
                continue;
            }
            out = out.replace(value, REDACTED);
            // As a form encoder writes it (space as `+`) and as a URL does (`%20`).
            let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            for form in [encoded.replace('+', "%20"), encoded] {
                if form != *value {
                    out = out.replace(&form, REDACTED);
                }
            }
        }
        out
    }

    /// A one-line, scrubbed start of `body`, at most [`EXCERPT_CHARS`] long.
    pub fn excerpt(&self, body: &[u8]) -> String {
        let scanned = &body[..body.len().min(SCAN_BYTES)];
        let text = self.scrub(&String::from_utf8_lossy(scanned));
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return "(empty body)".to_owned();
        }
        let mut line: String = collapsed.chars().take(EXCERPT_CHARS).collect();
        if line.len() < collapsed.len() || body.len() > scanned.len() {
            line.push('…');
        }
        line
    }
}

/// Blanks the string value of every `"key": "…"` in `text`; a value cut off
/// by the end of the text is blanked to the end.
fn blank_json_values<'t>(text: &'t str, key: &str) -> Cow<'t, str> {
    let needle = format!("\"{key}\"");
    if !text.contains(&needle) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        let after_key = at + needle.len();
        out.push_str(&rest[..after_key]);
        rest = &rest[after_key..];
        let value_start = rest.len() - rest.trim_start().len();
        let Some(colon) = rest[value_start..].strip_prefix(':') else {
            continue;
        };
        let spaced = colon.len() - colon.trim_start().len();
        let Some(value) = colon[spaced..].strip_prefix('"') else {
            continue;
        };
        // Copy the key-value separator, then skip the string's contents.
        let open = value_start + 1 + spaced + 1;
        out.push_str(&rest[..open]);
        out.push_str(REDACTED);
        let mut escaped = false;
        let end = value.char_indices().find(|&(_, c)| {
            let closes = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            closes
        });
        rest = match end {
            Some((i, _)) => &value[i..],
            None => "",
        };
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Blanks `key=value` pairs as found in query strings and form bodies.
fn blank_form_values<'t>(text: &'t str, key: &str) -> Cow<'t, str> {
    let needle = format!("{key}=");
    if !text.contains(&needle) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        let starts_pair = at == 0 || rest[..at].ends_with(['&', '?', ' ', '\n', '"', '\'', '>']);
        let after = at + needle.len();
        out.push_str(&rest[..after]);
        rest = &rest[after..];
        if !starts_pair {
            continue;
        }
        let end = rest.find(|c: char| c == '&' || c.is_whitespace() || "\"'<#".contains(c)).unwrap_or(rest.len());
        out.push_str(REDACTED);
        rest = &rest[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp";

    fn scrubber() -> Scrubber<'static> {
        Scrubber { values: vec![TOKEN, "us er@x"], keys: &["rtkn", "railgun_api_key"] }
    }

    #[test]
    fn blanks_json_values_of_secret_keys() {
        let body = r#"{"rtkn": "abc\"def", "railgun_api_key":"k", "rtkn_like": "keep", "railgun_id": "1"}"#;
        assert_eq!(
            scrubber().scrub(body),
            r#"{"rtkn": "** redacted **", "railgun_api_key":"** redacted **", "rtkn_like": "keep", "railgun_id": "1"}"#
        );
    }

    #[test]
    fn blanks_a_value_cut_off_by_truncation() {
        assert_eq!(scrubber().scrub(r#"{"rtkn": "7h8i9j0k1l2"#), r#"{"rtkn": "** redacted **"#);
    }

    #[test]
    fn blanks_form_pairs_and_known_values() {
        let text = format!("GET /init?host_key=zz&rtkn=secret&xrtkn=keep&tkn={TOKEN} for us%20er%40x");
        assert_eq!(
            scrubber().scrub(&text),
            "GET /init?host_key=zz&rtkn=** redacted **&xrtkn=keep&tkn=** redacted ** for ** redacted **"
        );
    }

    #[test]
    fn excerpts_are_one_short_line() {
        let body = format!("<html>\n  <body>\n{}</body></html>", "x".repeat(500));
        let excerpt = scrubber().excerpt(body.as_bytes());
        assert!(excerpt.starts_with("<html> <body> xxx"), "{excerpt}");
        assert_eq!(excerpt.chars().count(), EXCERPT_CHARS + 1);
        assert!(excerpt.ends_with('…'));
        assert_eq!(scrubber().excerpt(b""), "(empty body)");
        assert_eq!(scrubber().excerpt(b"{\"result\": \"error\"}"), "{\"result\": \"error\"}");
    }
}
