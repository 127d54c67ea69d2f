//! What the generated dispatch (`generated/`, written by `cargo xtask
//! codegen` from the specs) reads requests with: named values, the
//! readers that check each argument as the spec says, and why a request
//! is refused. How a refusal is answered (v2's `err_code` and `msg`, v4's
//! status and code) is `api.rs`'s and `v4.rs`'s.

use railgun_runtime::{IpRange, ParseIpRangeError, Secret};
use serde_json::{Map, Value};

/// Named values in the order they came: a form, a query string, headers.
/// A name sent twice counts by its last value, as PHP reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The values `pairs` holds.
    pub fn new(pairs: Vec<(String, String)>) -> Fields {
        Fields(pairs)
    }

    /// The value of `name`, the last when it is repeated.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Why a request was not read into a typed request.
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    /// The caller's family has no such action (another does).
    NotInFamily,
    /// No operation has the request's path.
    NoRoute,
    /// The endpoint takes other methods (`allowed`, when known).
    Method {
        /// The methods it takes.
        allowed: &'static [&'static str],
    },
    /// The body is not the JSON object the operation takes.
    MalformedBody,
    /// A required parameter is missing.
    Missing {
        /// Its wire name.
        param: &'static str,
    },
    /// A required parameter is empty.
    Empty {
        /// Its wire name.
        param: &'static str,
    },
    /// A value is not what the spec says the parameter takes.
    Invalid {
        /// Its wire name.
        param: &'static str,
        /// The value as sent.
        value: String,
        /// What is wrong with it.
        problem: Problem,
    },
}

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Not a domain name.
    NotADomain,
    /// Not one of the spec's values (these).
    NotOneOf(&'static [&'static str]),
    /// Not a string (a JSON body member).
    NotAString,
    /// Not `true` or `false`.
    NotAFlag,
    /// Not a whole number.
    NotAWholeNumber,
    /// Outside the spec's bounds: why.
    OutOfBounds(&'static str),
    /// Longer than the spec's limit: why.
    TooLong(&'static str),
    /// Not a JSON array of strings.
    NotAList,
    /// An empty list.
    EmptyList,
    /// An item that is not an IP range within the spec's bounds.
    IpRange(ParseIpRangeError),
}

type Read<T> = Result<Option<T>, Refused>;

fn invalid(param: &'static str, value: impl Into<String>, problem: Problem) -> Refused {
    Refused::Invalid { param, value: value.into(), problem }
}

/// A required parameter's value: [`Refused::Missing`] when it was not read.
pub fn required<T>(value: Option<T>, param: &'static str) -> Result<T, Refused> {
    value.ok_or(Refused::Missing { param })
}

/// A text, `None` when missing or empty; at most `max` characters when
/// given (with why not).
pub fn text(fields: &Fields, param: &'static str, max: Option<(usize, &'static str)>) -> Read<String> {
    let Some(value) = fields.get(param).filter(|v| !v.is_empty()) else { return Ok(None) };
    check_length(param, value, max)?;
    Ok(Some(value.to_owned()))
}

/// A secret, as [`text`] reads it; a refusal does not show it.
pub fn secret(fields: &Fields, param: &'static str, max: Option<(usize, &'static str)>) -> Read<Secret> {
    text(fields, param, max).map(|value| value.map(Secret::new)).map_err(redacted)
}

/// `refused`, the value it holds hidden.
fn redacted(refused: Refused) -> Refused {
    match refused {
        Refused::Invalid { param, problem, .. } => invalid(param, REDACTED, problem),
        other => other,
    }
}

/// What a refusal shows of a secret.
const REDACTED: &str = "** redacted **";

fn check_length(param: &'static str, value: &str, max: Option<(usize, &'static str)>) -> Result<(), Refused> {
    match max {
        Some((max, why)) if value.chars().count() > max => Err(invalid(param, value, Problem::TooLong(why))),
        _ => Ok(()),
    }
}

/// A domain name.
pub fn domain(fields: &Fields, param: &'static str) -> Read<String> {
    let Some(value) = fields.get(param).filter(|v| !v.is_empty()) else { return Ok(None) };
    if !railgun_runtime::is_domain_name(value) {
        return Err(invalid(param, value, Problem::NotADomain));
    }
    Ok(Some(value.to_owned()))
}

/// `true` or `false`.
pub fn flag(fields: &Fields, param: &'static str) -> Read<bool> {
    match fields.get(param) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(invalid(param, other, Problem::NotAFlag)),
    }
}

/// A whole number, within `bounds` when given (with why not).
pub fn integer(fields: &Fields, param: &'static str, bounds: Option<(u64, u64, &'static str)>) -> Read<u64> {
    let Some(value) = fields.get(param) else { return Ok(None) };
    let number = value.parse().map_err(|_| invalid(param, value, Problem::NotAWholeNumber))?;
    check_bounds(param, number, bounds)?;
    Ok(Some(number))
}

fn check_bounds(param: &'static str, number: u64, bounds: Option<(u64, u64, &'static str)>) -> Result<(), Refused> {
    match bounds {
        Some((lo, hi, why)) if !(lo..=hi).contains(&number) => {
            Err(invalid(param, number.to_string(), Problem::OutOfBounds(why)))
        }
        _ => Ok(()),
    }
}

/// One of an enum's wire values.
pub fn one_of<T>(
    fields: &Fields,
    param: &'static str,
    wire: &'static [&'static str],
    from_wire: fn(&str) -> Option<T>,
) -> Read<T> {
    let Some(value) = fields.get(param).filter(|v| !v.is_empty()) else { return Ok(None) };
    from_wire(value).map(Some).ok_or_else(|| invalid(param, value, Problem::NotOneOf(wire)))
}

/// One IP range within the bounds of `R`.
pub fn ip_range<const A: u8, const B: u8, const C: u8, const D: u8>(
    fields: &Fields,
    param: &'static str,
) -> Read<IpRange<A, B, C, D>> {
    let Some(value) = fields.get(param).filter(|v| !v.is_empty()) else { return Ok(None) };
    value.parse().map(Some).map_err(|e| invalid(param, value, Problem::IpRange(e)))
}

/// A JSON array of IP ranges (`["203.0.0.0/8"]`), at least one.
pub fn ip_ranges<const A: u8, const B: u8, const C: u8, const D: u8>(
    fields: &Fields,
    param: &'static str,
) -> Read<Vec<IpRange<A, B, C, D>>> {
    let Some(value) = fields.get(param).filter(|v| !v.is_empty()) else { return Ok(None) };
    let items: Vec<String> = serde_json::from_str(value).map_err(|_| invalid(param, value, Problem::NotAList))?;
    if items.is_empty() {
        return Err(invalid(param, value, Problem::EmptyList));
    }
    let ranges = items.iter().map(|item| item.parse().map_err(|e| invalid(param, value, Problem::IpRange(e))));
    ranges.collect::<Result<Vec<_>, _>>().map(Some)
}

/// A path parameter that is a whole number.
pub fn path_integer(param: &'static str, value: &str) -> Result<u64, Refused> {
    value.parse().map_err(|_| invalid(param, value, Problem::NotAWholeNumber))
}

/// The body member at `path` (`["zone", "id"]`).
fn member<'b>(body: &'b Map<String, Value>, path: &[&str]) -> Option<&'b Value> {
    let (first, rest) = path.split_first()?;
    rest.iter().try_fold(body.get(*first)?, |value, part| value.get(part))
}

/// A body member that is a string.
pub fn json_text(
    body: &Map<String, Value>,
    param: &'static str,
    path: &[&str],
    max: Option<(usize, &'static str)>,
) -> Read<String> {
    let Some(value) = member(body, path) else { return Ok(None) };
    let Value::String(text) = value else { return Err(invalid(param, value.to_string(), Problem::NotAString)) };
    check_length(param, text, max)?;
    Ok(Some(text.clone()))
}

/// A body member that is a secret, as [`json_text`] reads it; a refusal
/// does not show it.
pub fn json_secret(
    body: &Map<String, Value>,
    param: &'static str,
    path: &[&str],
    max: Option<(usize, &'static str)>,
) -> Read<Secret> {
    json_text(body, param, path, max).map(|value| value.map(Secret::new)).map_err(redacted)
}

/// A body member that is `true` or `false`.
pub fn json_flag(body: &Map<String, Value>, param: &'static str, path: &[&str]) -> Read<bool> {
    match member(body, path) {
        None => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(*flag)),
        Some(other) => Err(invalid(param, other.to_string(), Problem::NotAFlag)),
    }
}

/// A body member that is a whole number, within `bounds` when given.
pub fn json_integer(
    body: &Map<String, Value>,
    param: &'static str,
    path: &[&str],
    bounds: Option<(u64, u64, &'static str)>,
) -> Read<u64> {
    let Some(value) = member(body, path) else { return Ok(None) };
    let number = value.as_u64().ok_or_else(|| invalid(param, value.to_string(), Problem::NotAWholeNumber))?;
    check_bounds(param, number, bounds)?;
    Ok(Some(number))
}

/// A body member that is one of an enum's wire values.
pub fn json_one_of<T>(
    body: &Map<String, Value>,
    param: &'static str,
    path: &[&str],
    wire: &'static [&'static str],
    from_wire: fn(&str) -> Option<T>,
) -> Read<T> {
    let Some(value) = member(body, path) else { return Ok(None) };
    let refused = || invalid(param, value.to_string(), Problem::NotOneOf(wire));
    value.as_str().and_then(from_wire).map(Some).ok_or_else(refused)
}

/// A body member that is an IP range.
pub fn json_ip_range<const A: u8, const B: u8, const C: u8, const D: u8>(
    body: &Map<String, Value>,
    param: &'static str,
    path: &[&str],
) -> Read<IpRange<A, B, C, D>> {
    let Some(value) = member(body, path) else { return Ok(None) };
    let Value::String(text) = value else { return Err(invalid(param, value.to_string(), Problem::NotAString)) };
    text.parse().map(Some).map_err(|e| invalid(param, text.clone(), Problem::IpRange(e)))
}

/// Whether a request sent by GET (`get`) or POST is of a method the action
/// takes.
pub fn method(get: bool, takes_get: bool, takes_post: bool) -> Result<(), Refused> {
    if (get && takes_get) || (!get && takes_post) {
        return Ok(());
    }
    let allowed: &'static [&'static str] = match (takes_get, takes_post) {
        (true, true) => &["GET", "POST"],
        (true, false) => &["GET"],
        (false, true) => &["POST"],
        (false, false) => &[],
    };
    Err(Refused::Method { allowed })
}

/// A required parameter is there and holds more than blanks.
pub fn present(fields: &Fields, param: &'static str) -> Result<(), Refused> {
    match fields.get(param) {
        Some(value) if !value.trim().is_empty() => Ok(()),
        Some(_) => Err(Refused::Empty { param }),
        None => Err(Refused::Missing { param }),
    }
}

/// A path parameter as sent (percent-encoded), decoded: one that is not
/// UTF-8, or holds `/` once decoded (`%2F`), names no operation, as a
/// literal `/` would not.
pub fn path_segment(raw: &str) -> Result<String, Refused> {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().map_err(|_| Refused::NoRoute)?;
    if decoded.contains('/') {
        return Err(Refused::NoRoute);
    }
    Ok(decoded.into_owned())
}

/// The body, which must be a JSON object.
pub fn body_object(body: &[u8]) -> Result<Map<String, Value>, Refused> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(members)) => Ok(members),
        _ => Err(Refused::MalformedBody),
    }
}

/// What the value must be instead, as v4 words it: `must be a string`.
impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::NotADomain => f.write_str("must be a domain name"),
            Problem::NotOneOf(values) => write!(f, "must be one of {}", values.join(", ")),
            Problem::NotAString => f.write_str("must be a string"),
            Problem::NotAFlag => f.write_str("must be true or false"),
            Problem::NotAWholeNumber => f.write_str("must be a whole number"),
            Problem::OutOfBounds(why) | Problem::TooLong(why) => f.write_str(why),
            Problem::NotAList => f.write_str("must be a JSON array of strings"),
            Problem::EmptyList => f.write_str("must hold at least one item"),
            Problem::IpRange(e) => write!(f, "must be an IP address or range: {e}"),
        }
    }
}
