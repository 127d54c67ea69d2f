//! How values cross the wire: lenient decoding of the scalars the service
//! sends (ids and flags as strings, numbers where strings were expected) and
//! encoding of parameters (as text for forms, queries, paths and headers, as
//! JSON for bodies). Used by the generated code.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};

use crate::{IpRange, Secret, Timestamp};

/// A value decoded from one JSON scalar, whatever its JSON type: numbers and
/// booleans are read through their text (`1` as `"1"`, `true` as `"true"`).
pub trait FromWire: Sized {
    /// What a valid value looks like, for error messages.
    const EXPECTED: &'static str;

    /// Reads the value from its text; `None` when the text is not valid.
    fn from_wire(text: &str) -> Option<Self>;
}

impl FromWire for String {
    const EXPECTED: &'static str = "a string";

    fn from_wire(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

impl FromWire for Secret {
    const EXPECTED: &'static str = "a string";

    fn from_wire(text: &str) -> Option<Self> {
        Some(Secret::new(text))
    }
}

impl FromWire for u64 {
    const EXPECTED: &'static str = "a non-negative integer, as a number or a string of digits";

    fn from_wire(text: &str) -> Option<Self> {
        text.trim().parse().ok()
    }
}

impl FromWire for i64 {
    const EXPECTED: &'static str = "an integer, as a number or a string of digits";

    fn from_wire(text: &str) -> Option<Self> {
        text.trim().parse().ok()
    }
}

impl FromWire for bool {
    const EXPECTED: &'static str = "a flag: \"t\"/\"f\", \"1\"/\"0\" or a boolean";

    fn from_wire(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "t" | "true" | "1" | "y" | "yes" => Some(true),
            "f" | "false" | "0" | "n" | "no" => Some(false),
            _ => None,
        }
    }
}

impl FromWire for Timestamp {
    const EXPECTED: &'static str = "a timestamp such as \"2012-10-27 16:34:37.718746-07\"";

    fn from_wire(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

/// `deserialize_with` for a field that must be present and not `null`.
pub fn required<'de, D: Deserializer<'de>, T: FromWire>(deserializer: D) -> Result<T, D::Error> {
    deserializer
        .deserialize_any(ScalarVisitor::<T>(PhantomData))?
        .ok_or_else(|| de::Error::custom(format_args!("invalid type: null, expected {}", T::EXPECTED)))
}

/// `deserialize_with` for a field that may be missing or `null`
/// (used together with `#[serde(default)]`).
pub fn optional<'de, D: Deserializer<'de>, T: FromWire>(deserializer: D) -> Result<Option<T>, D::Error> {
    deserializer.deserialize_any(ScalarVisitor::<T>(PhantomData))
}

/// Visits one scalar; `Ok(None)` for `null`.
struct ScalarVisitor<T>(PhantomData<T>);

impl<T: FromWire> ScalarVisitor<T> {
    fn parse<E: de::Error>(text: &str, unexpected: de::Unexpected<'_>) -> Result<Option<T>, E> {
        match T::from_wire(text) {
            Some(value) => Ok(Some(value)),
            None => Err(E::invalid_value(unexpected, &Expected(T::EXPECTED))),
        }
    }
}

struct Expected(&'static str);

impl de::Expected for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// What is expected, when a float too large to be exact arrived.
struct InexactFloat(&'static str);

impl de::Expected for InexactFloat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; with a fraction or an exponent, a number is exact only below 2^53", self.0)
    }
}

impl<'de, T: FromWire> Visitor<'de> for ScalarVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Self::parse(v, de::Unexpected::Str(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::parse(&v.to_string(), de::Unexpected::Unsigned(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::parse(&v.to_string(), de::Unexpected::Signed(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // JSON numbers with a fraction or an exponent arrive as f64 (parsed
        // exactly: serde_json's `float_roundtrip` feature), which
        // holds every integer only up to 2^53: `9007199254740993.0` would
        // be read as ...992. Beyond that, the value sent is not known.
        const EXACT_BELOW: f64 = 9_007_199_254_740_992.0;
        if v.abs() >= EXACT_BELOW {
            return Err(E::invalid_value(de::Unexpected::Float(v), &InexactFloat(T::EXPECTED)));
        }
        Self::parse(&v.to_string(), de::Unexpected::Float(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Self::parse(if v { "true" } else { "false" }, de::Unexpected::Bool(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// A value that can be sent as a request parameter.
pub trait ToParam {
    /// Whether the value must be blanked out of anything shown.
    const SECRET: bool = false;

    /// Why an empty list of these values is refused.
    const EMPTY_LIST: &'static str = "must hold at least one value";

    /// The text to send, or why the value cannot be sent.
    fn to_param(&self) -> Result<Cow<'_, str>, &'static str>;

    /// The value as a member of a JSON body: its text as a JSON string,
    /// unless the type has a JSON form of its own (flags, integers).
    fn to_json(&self) -> Result<serde_json::Value, &'static str> {
        self.to_param().map(|text| serde_json::Value::String(text.into_owned()))
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    const SECRET: bool = T::SECRET;
    const EMPTY_LIST: &'static str = T::EMPTY_LIST;

    fn to_param(&self) -> Result<Cow<'_, str>, &'static str> {
        (**self).to_param()
    }

    fn to_json(&self) -> Result<serde_json::Value, &'static str> {
        (**self).to_json()
    }
}

impl ToParam for str {
    fn to_param(&self) -> Result<Cow<'_, str>, &'static str> {
        if self.trim().is_empty() {
            return Err("must not be empty");
        }
        Ok(Cow::Borrowed(self))
    }
}

impl ToParam for Secret {
    const SECRET: bool = true;

    fn to_param(&self) -> Result<Cow<'_, str>, &'static str> {
        self.expose_secret().to_param()
    }
}

impl ToParam for bool {
    fn to_param(&self) -> Result<Cow<'_, str>, &'static str> {
        Ok(Cow::Borrowed(if *self { "true" } else { "false" }))
    }

    fn to_json(&self) -> Result<serde_json::Value, &'static str> {
        Ok(serde_json::Value::Bool(*self))
    }
}

impl ToParam for u64 {
    fn to_param(&self) -> Result<Cow<'_, str>, &'static str> {
        Ok(Cow::Owned(self.to_string()))
    }

    fn to_json(&self) -> Result<serde_json::Value, &'static str> {
        Ok(serde_json::Value::from(*self))
    }
}

impl<const V4_MIN: u8, const V4_MAX: u8, const V6_MIN: u8, const V6_MAX: u8> ToParam
    for IpRange<V4_MIN, V4_MAX, V6_MIN, V6_MAX>
{
    const EMPTY_LIST: &'static str = "must hold at least one IP range";

    fn to_param(&self) -> Result<Cow<'_, str>, &'static str> {
        Ok(Cow::Owned(self.to_string()))
    }
}

/// `name` if it is a domain name ([`is_domain_name`]), else why not: the
/// refusal a generated method gives before sending, for a command line
/// to check its argument with the same words.
pub fn check_domain_name(name: &str) -> Result<&str, &'static str> {
    if is_domain_name(name) { Ok(name) } else { Err(NOT_A_DOMAIN_NAME) }
}

/// Whether `name` is a domain name: two or more
/// dot-separated labels of letters, digits and inner hyphens, each at most
/// 63 bytes, 253 in all (the host name rule of RFC 1123; an
/// internationalized name is written in its `xn--` form). Arguments of the
/// spec's type `domain` are checked with it before anything is sent.
pub fn is_domain_name(name: &str) -> bool {
    name.len() <= 253
        && name.contains('.')
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// An argument of the spec's type `domain`: its text, sent once it is a
/// domain name ([`is_domain_name`]).
#[derive(Debug, Clone, Copy)]
pub struct DomainName<'a>(pub &'a str);

impl ToParam for DomainName<'_> {
    fn to_param(&self) -> Result<Cow<'_, str>, &'static str> {
        let text = self.0.to_param()?;
        if is_domain_name(self.0) { Ok(text) } else { Err(NOT_A_DOMAIN_NAME) }
    }
}

/// An integer argument the spec bounds (`minimum`, `maximum`): sent once
/// it is within them, both included; refused with `refusal` otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Bounded {
    /// The argument.
    pub value: u64,
    /// The least value allowed.
    pub minimum: u64,
    /// The greatest value allowed.
    pub maximum: u64,
    /// Why a value outside them is refused: `must be between 5 and 50`.
    pub refusal: &'static str,
}

impl ToParam for Bounded {
    fn to_param(&self) -> Result<Cow<'_, str>, &'static str> {
        self.check()?.to_param().map(|text| Cow::Owned(text.into_owned()))
    }

    fn to_json(&self) -> Result<serde_json::Value, &'static str> {
        self.check()?.to_json()
    }
}

/// A page number, as a paginated call's page parameter takes it: plain,
/// or bounded by the spec.
pub trait PageNumber: ToParam {
    /// The number.
    fn number(&self) -> u64;
}

impl PageNumber for u64 {
    fn number(&self) -> u64 {
        *self
    }
}

impl PageNumber for Bounded {
    fn number(&self) -> u64 {
        self.value
    }
}

impl Bounded {
    fn check(&self) -> Result<u64, &'static str> {
        if (self.minimum..=self.maximum).contains(&self.value) { Ok(self.value) } else { Err(self.refusal) }
    }
}

/// A string argument the spec limits (`max_length`): sent once it holds
/// at most `max_chars` characters (and is not empty); refused with
/// `refusal` otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Limited<'a> {
    /// The argument.
    pub text: &'a str,
    /// The most characters allowed.
    pub max_chars: usize,
    /// Why a longer text is refused: `must be at most 160 characters`.
    pub refusal: &'static str,
}

impl ToParam for Limited<'_> {
    fn to_param(&self) -> Result<Cow<'_, str>, &'static str> {
        let text = self.text.to_param()?;
        if self.text.chars().count() > self.max_chars { Err(self.refusal) } else { Ok(text) }
    }
}

/// Why a `domain` argument is refused.
/// Why a text that is not a domain name is refused ([`check_domain_name`]).
pub const NOT_A_DOMAIN_NAME: &str =
    "must be a domain name: two or more dot-separated labels of letters, digits and inner hyphens";

/// How a list parameter is written into one value, as the spec's
/// `encoding:` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListEncoding {
    /// A JSON array of the items' texts: `["a","b"]`.
    Json,
}

impl ListEncoding {
    /// The list as one value; an empty list, or an item that cannot be sent,
    /// is refused.
    pub(crate) fn encode<T: ToParam>(self, values: &[T]) -> Result<String, &'static str> {
        if values.is_empty() {
            return Err(T::EMPTY_LIST);
        }
        let texts = values.iter().map(ToParam::to_param).collect::<Result<Vec<_>, _>>()?;
        match self {
            ListEncoding::Json => serde_json::to_string(&texts).map_err(|_| "cannot be encoded as JSON"),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Sample {
        #[serde(deserialize_with = "required")]
        id: u64,
        #[serde(deserialize_with = "required")]
        enabled: bool,
        #[serde(default, deserialize_with = "optional")]
        port: Option<u64>,
        #[serde(default, deserialize_with = "optional")]
        name: Option<String>,
    }

    fn sample(json: &str) -> Result<Sample, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn ids_and_flags_are_read_from_strings_numbers_and_booleans() {
        let s = sample(r#"{"id": "178", "enabled": "t", "port": 2408, "name": 7}"#).unwrap();
        assert_eq!((s.id, s.enabled, s.port, s.name.as_deref()), (178, true, Some(2408), Some("7")));
        let s = sample(r#"{"id": 1, "enabled": "f"}"#).unwrap();
        assert_eq!((s.id, s.enabled, s.port, s.name), (1, false, None, None));
        let s = sample(r#"{"id": "2", "enabled": true, "port": null, "name": null}"#).unwrap();
        assert_eq!((s.id, s.enabled, s.port), (2, true, None));
        assert!(sample(r#"{"id": "1", "enabled": "1"}"#).unwrap().enabled);
        assert!(!sample(r#"{"id": "1", "enabled": 0}"#).unwrap().enabled);
    }

    #[test]
    fn bad_scalars_say_what_was_expected() {
        let err = sample(r#"{"id": "x1", "enabled": "t"}"#).unwrap_err();
        assert!(err.starts_with("invalid value: string \"x1\", expected a non-negative integer"), "{err}");
        let err = sample(r#"{"id": null, "enabled": "t"}"#).unwrap_err();
        assert!(err.starts_with("invalid type: null, expected a non-negative integer"), "{err}");
        let err = sample(r#"{"id": "1", "enabled": "maybe"}"#).unwrap_err();
        assert!(err.starts_with("invalid value: string \"maybe\", expected a flag"), "{err}");
    }

    #[test]
    fn domain_names_are_labels_of_letters_digits_and_inner_hyphens() {
        for good in ["example.com", "a.b", "xn--bcher-kva.example", "0.co", &format!("{}.com", "a".repeat(63))] {
            assert!(is_domain_name(good), "{good}");
        }
        let long = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        assert!(long.len() > 253);
        for bad in [
            "",
            "com",
            "example..com",
            ".example.com",
            "example.com.",
            "-a.com",
            "a-.com",
            "a b.com",
            "ex_ample.com",
            "é.com",
            &format!("{}.com", "a".repeat(64)),
            &long,
        ] {
            assert!(!is_domain_name(bad), "{bad}");
        }
    }

    #[test]
    fn domain_arguments_are_sent_as_they_are_once_they_are_domain_names() {
        assert_eq!(DomainName("Example.COM").to_param(), Ok(Cow::Borrowed("Example.COM")));
        assert_eq!(DomainName("example.com").to_json(), Ok(serde_json::json!("example.com")));
        assert_eq!(DomainName(" ").to_param(), Err("must not be empty"));
        for bad in ["bad name", "example.com/x", "example.com?a=1", "localhost", "example.com."] {
            assert_eq!(DomainName(bad).to_param(), Err(NOT_A_DOMAIN_NAME), "{bad}");
        }
    }

    #[test]
    fn limited_texts_are_sent_up_to_their_length_in_characters() {
        let name = |text| Limited { text, max_chars: 3, refusal: "must be at most 3 characters" };
        assert_eq!(name("abc").to_param(), Ok(Cow::Borrowed("abc")));
        // Characters, not bytes: three of two bytes each.
        assert_eq!(name("\u{e9}\u{e9}\u{e9}").to_json(), Ok(serde_json::json!("\u{e9}\u{e9}\u{e9}")));
        assert_eq!(name("abcd").to_param(), Err("must be at most 3 characters"));
        assert_eq!(name("abcd").to_json(), Err("must be at most 3 characters"));
        assert_eq!(name(" ").to_param(), Err("must not be empty"));
    }

    #[test]
    fn bounded_integers_are_sent_within_their_bounds_only() {
        let per_page = |value| Bounded { value, minimum: 5, maximum: 50, refusal: "must be between 5 and 50" };
        assert_eq!(per_page(5).to_param(), Ok(Cow::Owned("5".to_owned())));
        assert_eq!(per_page(50).to_json(), Ok(serde_json::json!(50)));
        for bad in [0, 4, 51, u64::MAX] {
            assert_eq!(per_page(bad).to_param(), Err("must be between 5 and 50"), "{bad}");
            assert_eq!(per_page(bad).to_json(), Err("must be between 5 and 50"), "{bad}");
        }
    }

    #[test]
    fn floats_are_read_only_where_they_are_exact() {
        assert_eq!(sample(r#"{"id": 178.0, "enabled": "t"}"#).unwrap().id, 178);
        assert_eq!(sample(r#"{"id": 1e3, "enabled": "t"}"#).unwrap().id, 1000);
        assert_eq!(sample(r#"{"id": 9007199254740991.0, "enabled": "t"}"#).unwrap().id, 9_007_199_254_740_991);
        let err = sample(r#"{"id": 9007199254740993.0, "enabled": "t"}"#).unwrap_err();
        assert!(
            err.starts_with(
                "invalid value: floating point `9007199254740992.0`, expected a non-negative integer, as a number \
                 or a string of digits; with a fraction or an exponent, a number is exact only below 2^53"
            ),
            "{err}"
        );
        let err = sample(r#"{"id": 1.5, "enabled": "t"}"#).unwrap_err();
        assert!(err.starts_with("invalid value: floating point `1.5`, expected a non-negative integer"), "{err}");
        // Integers without a fraction are exact at any size.
        assert_eq!(sample(r#"{"id": 9007199254740993, "enabled": "t"}"#).unwrap().id, 9_007_199_254_740_993);
    }

    #[test]
    fn signed_integers_take_a_sign_and_whole_floats() {
        #[derive(Debug, Deserialize)]
        struct Interval {
            #[serde(deserialize_with = "required")]
            seconds: i64,
        }
        let read = |json: &str| serde_json::from_str::<Interval>(json).map(|i| i.seconds).map_err(|e| e.to_string());
        assert_eq!(read(r#"{"seconds": -7200}"#), Ok(-7200));
        assert_eq!(read(r#"{"seconds": "-3"}"#), Ok(-3));
        assert_eq!(read(r#"{"seconds": 7200.0}"#), Ok(7200));
        let err = read(r#"{"seconds": -1.5}"#).unwrap_err();
        assert!(err.starts_with("invalid value: floating point `-1.5`, expected an integer"), "{err}");
    }

    #[test]
    fn empty_parameters_are_refused() {
        assert_eq!("example.com".to_param(), Ok(Cow::Borrowed("example.com")));
        assert_eq!(" ".to_param(), Err("must not be empty"));
        assert_eq!(Secret::new("").to_param(), Err("must not be empty"));
        let none: &[IpRange<8, 32, 112, 128>] = &[];
        assert_eq!(ListEncoding::Json.encode(none), Err("must hold at least one IP range"));
        assert_eq!(ListEncoding::Json.encode::<&str>(&[]), Err("must hold at least one value"));
        assert_eq!(ListEncoding::Json.encode(&["a", " "]), Err("must not be empty"));
    }

    #[test]
    fn ip_ranges_are_sent_as_a_json_array() {
        let ranges: Vec<IpRange<8, 32, 112, 128>> =
            ["203.0.0.0/8", "207.0.0.7", "BE81::02C3:B44F:FE1E:8329/112"].iter().map(|r| r.parse().unwrap()).collect();
        let text = ListEncoding::Json.encode(&ranges).unwrap();
        assert_eq!(text, r#"["203.0.0.0/8","207.0.0.7","be81::2c3:b44f:fe1e:8329/112"]"#);
    }

    #[test]
    fn body_values_keep_their_json_type() {
        assert_eq!(true.to_json(), Ok(serde_json::json!(true)));
        assert_eq!(42u64.to_json(), Ok(serde_json::json!(42)));
        assert_eq!("a\"b".to_json(), Ok(serde_json::json!("a\"b")));
        assert_eq!(Secret::new("s").to_json(), Ok(serde_json::json!("s")));
        assert_eq!("".to_json(), Err("must not be empty"));
        assert_eq!(false.to_param(), Ok(Cow::Borrowed("false")));
    }
}
