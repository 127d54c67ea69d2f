//! Keeping secrets out of every text the client shows.
//!
//! Texts taken from an answer (error messages, body excerpts, an unexpected
//! `act`, a numeric error code) may echo what was sent, and answers carry
//! secrets of their own (`token`, `api_key`: the spec says which). Before
//! such a text is put into an [`Error`] it goes through a [`Scrubber`],
//! which blanks:
//!
//! - the value after each secret *key* (`"token": "…"`, `token=…`,
//!   `\"token\": \"…\"`, `&quot;token&quot;: …`), quoted or not, whole;
//! - every secret *value* the request sent, wherever it is and however it
//!   is written. Each character of the value may come back as itself,
//!   percent-encoded (either case; a space also as `+`), as a JSON or Rust
//!   escape (`\"`, `\\`, `\/`, `\n`, `\u00e9`, surrogate pairs, `\u{e9}`,
//!   `\x41`) or as an HTML character reference (`&amp;`, `&#38;`, `&#x26;`),
//!   so every mix of these forms is found.
//!
//! The whole text is scanned, whatever its length, before any excerpt is
//! cut from it.
//!
//! [`Error`]: crate::Error

/// What replaces a secret.
pub(crate) const REDACTED: &str = "** redacted **";

/// Longest excerpt of a body, in characters.
pub(crate) const EXCERPT_CHARS: usize = 200;

/// Blanks secrets out of texts for one exchange.
#[derive(Debug)]
pub struct Scrubber<'a> {
    /// Secret values the request sent.
    pub values: Vec<&'a str>,
    /// Wire names whose values are secret (`token`, `api_key`, …).
    pub keys: &'a [&'a str],
}

impl Scrubber<'_> {
    /// `text` with every secret blanked.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for key in self.keys {
            if !key.is_empty() {
                out = blank_key_values(&out, key);
            }
        }
        let mut values: Vec<&str> = self.values.iter().copied().filter(|v| !v.is_empty()).collect();
        // Longest first, so a secret that contains another is blanked whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        blank_values(&out, &values)
    }

    /// `number`'s digits, or its scrubbed text when they show a secret (an
    /// all-digit key sent back as a numeric code).
    pub(crate) fn number<N: ToString>(&self, number: N) -> Result<N, String> {
        let text = number.to_string();
        let scrubbed = self.scrub(&text);
        if scrubbed == text { Ok(number) } else { Err(scrubbed) }
    }

    /// A one-line, scrubbed start of `body`, at most [`EXCERPT_CHARS`] long.
    pub fn excerpt(&self, body: &[u8]) -> String {
        let text = self.scrub(&String::from_utf8_lossy(body));
        let mut words = text.split_whitespace();
        let mut line = String::new();
        let mut chars = 0;
        let mut cut = false;
        for word in words.by_ref() {
            if !line.is_empty() {
                line.push(' ');
                chars += 1;
            }
            let room = EXCERPT_CHARS.saturating_sub(chars);
            let word_chars = word.chars().count();
            if word_chars > room || chars > EXCERPT_CHARS {
                line.extend(word.chars().take(room));
                cut = true;
                break;
            }
            line.push_str(word);
            chars += word_chars;
        }
        if line.is_empty() {
            return "(empty body)".to_owned();
        }
        if cut || words.next().is_some() {
            line.push('…');
        }
        line
    }
}

/// Whether `c` may be part of a key name, so a key is matched only whole.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The ways a quote around a key or a string value may be written.
const QUOTES: [&str; 5] = ["\\\\\\\"", "\\\"", "\"", "&quot;", "'"];

/// Blanks the value after every whole-word occurrence of `key` (ASCII case
/// ignored) followed by `:` or `=`: a quoted value up to its closing quote,
/// written the same way, or an unquoted one up to the end of its field.
fn blank_key_values(text: &str, key: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(at) = find_ignore_ascii_case(&text[from..], key).map(|i| from + i) {
        from = at + key.len();
        let whole_word = !text[..at].ends_with(is_name_char) && !text[from..].starts_with(is_name_char);
        if !whole_word {
            continue;
        }
        // The key's closing quote, spaces, the separator, spaces.
        let mut rest = &text[from..];
        if let Some(quote) = QUOTES.iter().find(|q| rest.starts_with(**q)) {
            rest = &rest[quote.len()..];
        }
        rest = rest.trim_start_matches([' ', '\t']);
        let separator = match rest.chars().next() {
            Some(c @ (':' | '=')) => c,
            _ => continue,
        };
        rest = rest[1..].trim_start_matches([' ', '\t']);
        let value_start = text.len() - rest.len();
        let (open, value) = match QUOTES.iter().find(|q| rest.starts_with(**q)) {
            Some(quote) => (quote.len(), &rest[quote.len()..]),
            None => (0, rest),
        };
        let len = match open {
            0 => value.find(|c: char| unquoted_end(separator, c)).unwrap_or(value.len()),
            _ => quoted_len(value, &rest[..open]),
        };
        if open == 0 && len == 0 {
            continue;
        }
        out.push_str(&text[copied..value_start + open]);
        out.push_str(REDACTED);
        copied = value_start + open + len;
        from = copied;
    }
    out.push_str(&text[copied..]);
    out
}

/// Where an unquoted value ends: a form field (`key=value`) at the next
/// field or the end of its line or tag, so a value with spaces in it is
/// blanked whole; a JSON-like one (`key: value`) also at `,`, `}` and `]`.
fn unquoted_end(separator: char, c: char) -> bool {
    match c {
        '&' | '\n' | '\r' | '"' | '\'' | '<' => true,
        ',' | '}' | ']' => separator == ':',
        _ => false,
    }
}

/// The length of a string value opened by `quote`, up to (not including)
/// its closing `quote`. In JSON, and in JSON inside a JSON string (`\"`),
/// a quote of the value's own level is one the backslashes before it do
/// not escape. A value that never closes runs to the end of the text.
fn quoted_len(value: &str, quote: &str) -> usize {
    let Some(level) = quote.strip_suffix('"').filter(|q| q.bytes().all(|b| b == b'\\')).map(str::len) else {
        return value.find(quote).unwrap_or(value.len());
    };
    // `level` backslashes open and close the string; inside it, a quote is
    // written with `2 × level + 1` of them and a backslash with `2 × (level + 1)`.
    let period = 2 * (level + 1);
    let bytes = value.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\\' => run += 1,
            b'"' if run % period == level => return i - level,
            _ => run = 0,
        }
    }
    value.len()
}

fn find_ignore_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, pin) = (haystack.as_bytes(), needle.as_bytes());
    if pin.is_empty() || pin.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - pin.len())
        .filter(|&i| haystack.is_char_boundary(i))
        .find(|&i| hay[i..i + pin.len()].eq_ignore_ascii_case(pin))
}

/// Replaces every occurrence of any of `secrets`, in any mix of the forms
/// the module docs list, by [`REDACTED`]; the marker itself is left alone.
fn blank_values(text: &str, secrets: &[&str]) -> String {
    if secrets.is_empty() {
        return text.to_owned();
    }
    let secrets: Vec<Vec<char>> = secrets.iter().map(|s| s.chars().collect()).collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    'scan: while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with(REDACTED) {
            out.push_str(REDACTED);
            i += REDACTED.len();
            continue;
        }
        for secret in &secrets {
            if let Some(len) = match_encoded(rest, secret) {
                out.push_str(REDACTED);
                i += len;
                continue 'scan;
            }
        }
        let c = rest.chars().next().expect("i is below the text's length");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// The length of the start of `text` that spells `secret`, each character
/// in any of its forms. A character may match in two ways (a backslash as
/// itself or as the start of `\\`), so this is a search; `failed` keeps
/// the forks (character, position) known not to lead to a match, so none
/// is explored twice.
fn match_encoded(text: &str, secret: &[char]) -> Option<usize> {
    // Almost every position fails on the first character: no search then.
    let first = *secret.first()?;
    if match_char(text, first) == [None, None] {
        return None;
    }
    let mut failed = std::collections::HashSet::new();
    match_from(text, secret, 0, 0, &mut failed)
}

fn match_from(
    text: &str,
    chars: &[char],
    index: usize,
    at: usize,
    failed: &mut std::collections::HashSet<(usize, usize)>,
) -> Option<usize> {
    let Some(&c) = chars.get(index) else {
        return Some(at);
    };
    if failed.contains(&(index, at)) {
        return None;
    }
    let candidates = match_char(&text[at..], c);
    for len in candidates.into_iter().flatten() {
        if let Some(end) = match_from(text, chars, index + 1, at + len, failed) {
            return Some(end);
        }
    }
    // Only where the search forks can it come back the same way.
    if candidates.iter().all(Option::is_some) {
        failed.insert((index, at));
    }
    None
}

/// The lengths of the starts of `text` that spell `c`: as itself, and in
/// one of its encoded forms.
fn match_char(text: &str, c: char) -> [Option<usize>; 2] {
    let literal = text.starts_with(c).then_some(c.len_utf8());
    let encoded = match text.as_bytes().first() {
        Some(b'+') if c == ' ' => Some(1),
        Some(b'%') => percent_encoded(text, c),
        Some(b'\\') => escaped(text, c),
        Some(b'&') => html_reference(text, c),
        _ => None,
    };
    [literal, encoded]
}

/// `%HH` for each UTF-8 byte of `c`, hex digits in either case.
fn percent_encoded(text: &str, c: char) -> Option<usize> {
    let mut utf8 = [0; 4];
    let bytes = c.encode_utf8(&mut utf8).as_bytes();
    let text = text.as_bytes();
    for (k, byte) in bytes.iter().enumerate() {
        let at = 3 * k;
        if text.get(at) != Some(&b'%') || hex_value(text.get(at + 1..at + 3)?)? != u32::from(*byte) {
            return None;
        }
    }
    Some(3 * bytes.len())
}

/// A backslash escape of `c`: JSON's and Rust's short ones, `\uHHHH` (with
/// surrogate pairs), `\u{H…}` and `\xHH`.
fn escaped(text: &str, c: char) -> Option<usize> {
    let bytes = text.as_bytes();
    let short = match bytes.get(1)? {
        b'"' => Some('"'),
        b'\\' => Some('\\'),
        b'/' => Some('/'),
        b'\'' => Some('\''),
        b'b' => Some('\u{8}'),
        b'f' => Some('\u{c}'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        b'0' => Some('\0'),
        _ => None,
    };
    if let Some(short) = short {
        return (short == c).then_some(2);
    }
    match bytes[1] {
        b'x' => (hex_value(bytes.get(2..4)?)? == u32::from(c)).then_some(4),
        b'u' if bytes.get(2) == Some(&b'{') => {
            let close = text[3..].find('}')?;
            let value = (1..=6).contains(&close).then(|| hex_value(&bytes[3..3 + close]))??;
            (value == u32::from(c)).then_some(close + 4)
        }
        b'u' => {
            let unit = hex_value(bytes.get(2..6)?)?;
            if unit == u32::from(c) {
                return Some(6);
            }
            // A surrogate pair: `\uD83D\uDE00`.
            let (high, low) = utf16_pair(c)?;
            let second = bytes.get(6..12)?;
            (unit == high && second.starts_with(b"\\u") && hex_value(&second[2..])? == low).then_some(12)
        }
        _ => None,
    }
}

/// The UTF-16 surrogates of a character outside the Basic Multilingual Plane.
fn utf16_pair(c: char) -> Option<(u32, u32)> {
    let mut units = [0; 2];
    match *c.encode_utf16(&mut units) {
        [high, low] => Some((u32::from(high), u32::from(low))),
        _ => None,
    }
}

/// An HTML character reference to `c`: `&#DDD;`, `&#xHH;` or a named one.
fn html_reference(text: &str, c: char) -> Option<usize> {
    // Byte search: the text after `&` may be anything, a `;` is a boundary.
    let end = text.bytes().take(12).position(|b| b == b';')?;
    let name = &text[1..end];
    let value = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        hex_value(hex.as_bytes())?
    } else if let Some(decimal) = name.strip_prefix('#') {
        (!decimal.is_empty() && decimal.bytes().all(|b| b.is_ascii_digit())).then(|| decimal.parse().ok())??
    } else {
        u32::from(match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{a0}',
            _ => return None,
        })
    };
    (value == u32::from(c)).then_some(end + 1)
}

/// The value of hex digits (either case), or `None` if any is not one.
fn hex_value(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    digits.iter().try_fold(0u32, |acc, &d| Some(acc * 16 + char::from(d).to_digit(16)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp";

    fn scrubber() -> Scrubber<'static> {
        Scrubber { values: vec![TOKEN, "us er@x"], keys: &["token", "api_key"] }
    }

    fn scrub_with(secret: &'static str, text: &str) -> String {
        Scrubber { values: vec![secret], keys: &[] }.scrub(text)
    }

    #[test]
    fn blanks_json_values_of_secret_keys() {
        let body = r#"{"token": "abc\"def", "api_key":"k", "token_like": "keep", "widget_id": "1"}"#;
        assert_eq!(
            scrubber().scrub(body),
            r#"{"token": "** redacted **", "api_key":"** redacted **", "token_like": "keep", "widget_id": "1"}"#
        );
    }

    #[test]
    fn blanks_numbers_and_nested_json_of_secret_keys() {
        assert_eq!(scrubber().scrub(r#"{"token": 12345, "x": 1}"#), r#"{"token": ** redacted **, "x": 1}"#);
        assert_eq!(
            scrubber().scrub(r#"{"msg": "{\"token\": \"se\\\"cret\", \"a\": 1}"}"#),
            r#"{"msg": "{\"token\": \"** redacted **\", \"a\": 1}"}"#
        );
        assert_eq!(
            scrubber().scrub("&quot;TOKEN&quot;: &quot;abc&quot;, next"),
            "&quot;TOKEN&quot;: &quot;** redacted **&quot;, next"
        );
    }

    #[test]
    fn blanks_a_value_cut_off_by_truncation() {
        assert_eq!(scrubber().scrub(r#"{"token": "7h8i9j0k1l2"#), r#"{"token": "** redacted **"#);
    }

    #[test]
    fn blanks_form_pairs_whole_and_known_values() {
        let text = format!("GET /init?host_key=zz&token=sec ret&xtoken=keep&tkn={TOKEN} for us%20er%40x");
        assert_eq!(
            scrubber().scrub(&text),
            "GET /init?host_key=zz&token=** redacted **&xtoken=keep&tkn=** redacted ** for ** redacted **"
        );
    }

    #[test]
    fn finds_a_value_in_every_encoding() {
        let secret = "a/\"b\\c é😀 +&<";
        let quoted = |text: String| text[1..text.len() - 1].to_owned();
        let echoes = [
            secret.to_owned(),
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
            percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
                .to_lowercase(),
            quoted(serde_json::to_string(secret).unwrap()),
            r#"a\/\"b\\c \u00E9\ud83d\ude00 +\u0026\u003c"#.to_owned(),
            quoted(format!("{secret:?}")),
            "a/&quot;b\\c &#233;&#x1F600; +&amp;&lt;".to_owned(),
            r"a\x2f\u{22}b\\c \u{e9}😀\x20+&<".to_owned(),
        ];
        for echo in echoes {
            let scrubbed = scrub_with(secret, &format!("before {echo} after"));
            assert_eq!(scrubbed, "before ** redacted ** after", "{echo}");
        }
    }

    #[test]
    fn short_values_and_numbers_are_blanked_too() {
        assert_eq!(scrub_with("x7", "code x7; x%37"), "code ** redacted **; ** redacted **");
        let digits = Scrubber { values: vec!["918273"], keys: &[] };
        assert_eq!(digits.number(105_i64), Ok(105));
        assert_eq!(digits.number(91_827_345_i64), Err("** redacted **45".to_owned()));
    }

    #[test]
    fn references_next_to_multibyte_characters_are_read_safely() {
        assert_eq!(scrub_with("a&b", "x &.[/}\té9{é a&amp;b"), "x &.[/}\té9{é ** redacted **");
        assert_eq!(scrub_with("é", "&éé; &#233;"), "&** redacted **** redacted **; ** redacted **");
    }

    #[test]
    fn the_marker_is_not_rescrubbed() {
        assert_eq!(scrub_with("re", "a re b"), "a ** redacted ** b");
    }

    #[test]
    fn excerpts_are_one_short_line_scanned_whole() {
        let body = format!("<html>\n  <body>\n{}</body></html>", "x".repeat(500));
        let excerpt = scrubber().excerpt(body.as_bytes());
        assert!(excerpt.starts_with("<html> <body> xxx"), "{excerpt}");
        assert_eq!(excerpt.chars().count(), EXCERPT_CHARS + 1);
        assert!(excerpt.ends_with('…'));
        assert_eq!(scrubber().excerpt(b""), "(empty body)");
        assert_eq!(scrubber().excerpt(b"{\"result\": \"error\"}"), "{\"result\": \"error\"}");
        // A secret far into the body, after whitespace the excerpt collapses.
        let body = format!("{}{TOKEN}", " ".repeat(8180));
        assert_eq!(scrubber().excerpt(body.as_bytes()), REDACTED);
    }
}
