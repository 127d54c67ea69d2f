//! The spec as written: what a spec file may contain, as serde types.
//!
//! Every struct rejects unknown keys, so a misspelt key is an error that
//! points at its line instead of a setting that silently does nothing.
//! Nothing here is checked beyond its shape: [`crate::parse`] resolves this
//! model into [`crate::ir`], checking every name and reference on the way,
//! and the generator only ever reads the resolved model.
//!
//! One model reads both format versions. Version 2 adds keys (`protocol`,
//! `title`, `in`, `encoding`, `path`, `ip_range` types, named auth schemes);
//! a file that says `version: 1` may not use them, and is read with version
//! 1's meaning.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// The whole spec file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Format version: `1` or `2`.
    pub version: u32,
    /// How requests and answers travel (version 2; version 1 is always
    /// [`Protocol::ActionForm`]).
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// Name of the API, used in the generated rustdoc (version 2).
    #[serde(default)]
    pub title: Option<String>,
    /// Default base URL of the service; action names or paths are appended.
    pub base_url: String,
    /// Base URL of the upstream reference; endpoint `docs` are relative to it.
    pub docs_base: String,
    /// The API families, each with its own credentials and client type.
    pub families: Vec<Family>,
    /// Named types shared by endpoints.
    pub types: Vec<TypeDef>,
    /// One entry per (family, action).
    pub endpoints: Vec<Endpoint>,
    /// The HTTP statuses after which a call may be sent again (version 2;
    /// [`crate::ir::DEFAULT_RETRY_STATUSES`] when left out).
    #[serde(default)]
    pub retry_statuses: Option<Vec<u16>>,
}

/// How a family's requests and answers travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// As Cloudflare Railgun's v2 API (`railgun-api`) has it: `base_url` + action, parameters in a query string (GET)
    /// or a form body (POST), answers `{result, msg, response: {act, …}}`.
    ActionForm,
    /// Cloudflare v4: `base_url` + a path template, parameters in the path,
    /// the query, headers or a JSON body, answers
    /// `{success, errors, messages, result, result_info}`.
    RestJson,
}

/// An API family: a set of endpoints that share one way to authenticate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// Key endpoints use to name the family, and the generated module's name.
    pub name: String,
    /// Name of the generated client type, e.g. `ClientApi`.
    pub client: String,
    /// Human title, e.g. "Client API".
    pub title: String,
    /// Rustdoc of the client type.
    pub doc: String,
    /// Upstream section of the family, relative to `docs_base`.
    pub docs: String,
    /// The credentials sent with every request.
    pub auth: Auth,
}

/// A family's credentials: one set (a YAML list), or several named
/// alternatives, one of which is chosen when a client is built (a YAML
/// mapping from scheme name to list; version 2).
#[derive(Debug, Clone)]
pub enum Auth {
    /// One set of credentials, in wire order.
    One(Vec<Member>),
    /// Named alternatives, in spec order.
    Schemes(Vec<(String, Vec<Member>)>),
}

/// What kind of named type a [`TypeDef`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeKind {
    /// A JSON object, generated as a struct.
    Struct,
    /// A string value from a fixed set, generated as an enum.
    Enum,
    /// An IP address with an optional netmask, within declared bounds
    /// (version 2).
    IpRange,
}

/// A named type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// Rust name of the type (UpperCamelCase).
    pub name: String,
    /// Struct, enum or IP range.
    pub kind: TypeKind,
    /// Rustdoc of the type.
    pub doc: String,
    /// Fields of a struct, in the order the docs list them.
    #[serde(default)]
    pub fields: Option<Vec<Field>>,
    /// Values of an enum.
    #[serde(default)]
    pub variants: Option<Vec<Variant>>,
    /// Whether an enum keeps values it does not know in an `Unknown(String)`
    /// variant instead of failing to decode.
    #[serde(default)]
    pub open: Option<bool>,
    /// The netmask lengths an IP range accepts.
    #[serde(default)]
    pub netmask: Option<Netmask>,
}

/// Inclusive bounds of an IP range's netmask length, per address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Netmask {
    /// Shortest and longest IPv4 netmask, in bits (at most 32).
    pub ipv4: [u8; 2],
    /// Shortest and longest IPv6 netmask, in bits (at most 128).
    pub ipv6: [u8; 2],
}

/// A named, typed, documented value: a field of a response object, a
/// request parameter, or a family's credential.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Name on the wire: JSON key, form field, query key, path parameter or
    /// header name.
    pub name: String,
    /// Rust name (field or argument), when it differs from the wire name.
    #[serde(default)]
    pub rust: Option<String>,
    /// Type expression, see `spec/README.md`.
    #[serde(rename = "type")]
    pub ty: String,
    /// A field the service may omit or send as `null` (generated as
    /// `Option`), or a parameter that may be left out (an `Option` argument).
    #[serde(default)]
    pub optional: bool,
    /// Where a parameter or credential goes (version 2).
    #[serde(default, rename = "in")]
    pub location: Option<Location>,
    /// How a list parameter is written into one value (version 2).
    #[serde(default)]
    pub encoding: Option<Encoding>,
    /// The least value an integer parameter takes (version 2).
    #[serde(default)]
    pub minimum: Option<u64>,
    /// The greatest value an integer parameter takes (version 2).
    #[serde(default)]
    pub maximum: Option<u64>,
    /// The most characters a string parameter takes (version 2).
    #[serde(default)]
    pub max_length: Option<usize>,
    /// Rustdoc: what the value means, as the docs say it.
    pub doc: String,
}

impl Member {
    /// The first bound key it has (`minimum`, else `maximum`), if any.
    pub fn bounds_key(&self) -> Option<&'static str> {
        match (self.minimum, self.maximum) {
            (Some(_), _) => Some("minimum"),
            (None, Some(_)) => Some("maximum"),
            (None, None) => None,
        }
    }
}

/// A field of a response object.
pub type Field = Member;

/// A request parameter, or a family's credential.
pub type Param = Member;

/// Where a parameter or credential travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// An action's field: the query string of a GET, the form body of a POST.
    Form,
    /// A `{name}` segment of the endpoint's path.
    Path,
    /// A query parameter.
    Query,
    /// A request header.
    Header,
    /// A member of the JSON request body.
    Body,
    /// `Authorization: Bearer <value>` (credentials only).
    Bearer,
}

/// How a list parameter is written into one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// A JSON array of the items' texts: `["a","b"]`.
    Json,
}

/// A value of an enum.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// The string on the wire, e.g. `"1"` or `"INI"`.
    pub wire: String,
    /// Rust variant name (UpperCamelCase).
    pub name: String,
    /// Rustdoc of the variant.
    pub doc: String,
}

/// An HTTP method an endpoint is documented for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum Method {
    /// `GET`.
    #[serde(rename = "GET")]
    Get,
    /// `POST`.
    #[serde(rename = "POST")]
    Post,
    /// `PUT` (version 2, `rest_json`).
    #[serde(rename = "PUT")]
    Put,
    /// `PATCH` (version 2, `rest_json`).
    #[serde(rename = "PATCH")]
    Patch,
    /// `DELETE` (version 2, `rest_json`).
    #[serde(rename = "DELETE")]
    Delete,
}

/// A deliberate difference between the spec and the upstream docs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deviation {
    /// What differs, e.g. `param z`.
    pub item: String,
    /// Why the spec differs.
    pub reason: String,
}

/// One action (or operation) of one family.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// The generated method's name; for `action_form`, also the last path
    /// segment.
    pub action: String,
    /// Name of the [`Family`] the endpoint belongs to.
    pub family: String,
    /// Documented methods, in order of preference (`rest_json`: exactly one).
    pub methods: Vec<Method>,
    /// Path template relative to `base_url`, e.g. `shops/{shop}/widgets`
    /// (`rest_json` only).
    #[serde(default)]
    pub path: Option<String>,
    /// The `act` value a successful answer carries (`action_form` only).
    #[serde(default)]
    pub act: Option<String>,
    /// One-line summary: the first line of the method's rustdoc.
    pub summary: String,
    /// Further rustdoc paragraphs.
    #[serde(default)]
    pub doc: Option<String>,
    /// Upstream section, relative to `docs_base`.
    pub docs: String,
    /// Parameters besides the family's credentials, in wire order.
    pub params: Vec<Param>,
    /// The answer's type: a struct name, or `list<Name>` (`rest_json`).
    pub response: String,
    /// Whether sending the call twice has the effect of sending it once
    /// (version 2, where it is required; version 1 files are taken as
    /// `false`): the client retries a safe call after a failure it can
    /// recover from, and never repeats one that is not once it may have
    /// been applied.
    #[serde(default)]
    pub idempotent: Option<bool>,
    /// Recorded differences from the upstream docs.
    #[serde(default)]
    pub deviations: Vec<Deviation>,
    /// Why the endpoint is deliberately absent from the upstream pages (an
    /// action seen in the wild, a local addition). `cargo xtask check`
    /// lists it as a note instead of a finding, and `regen` keeps it.
    #[serde(default)]
    pub undocumented: Option<String>,
    /// The upstream deprecation note, when the endpoint is deprecated: the
    /// method gets `#[deprecated]` with it (version 2).
    #[serde(default)]
    pub deprecated: Option<String>,
    /// A list answered a page at a time (`rest_json`): the method returns
    /// a page, and `<action>_stream` every item of every page.
    #[serde(default)]
    pub paginated: Option<bool>,
}

impl Member {
    /// The Rust name: `rust` if given, else the wire name.
    pub fn rust_name(&self) -> &str {
        self.rust.as_deref().unwrap_or(&self.name)
    }
}

impl Method {
    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl Location {
    /// The name the spec uses for this location.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Form => "form",
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Body => "body",
            Location::Bearer => "bearer",
        }
    }
}

impl Auth {
    /// Each scheme's name (`None` for the unnamed one) and credentials.
    pub fn schemes(&self) -> Vec<(Option<&str>, &[Member])> {
        match self {
            Auth::One(members) => vec![(None, members.as_slice())],
            Auth::Schemes(schemes) => schemes.iter().map(|(name, m)| (Some(name.as_str()), m.as_slice())).collect(),
        }
    }
}

impl Spec {
    /// The named type called `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    /// The endpoints of one family, in spec order.
    pub fn endpoints_of<'a>(&'a self, family: &'a str) -> impl Iterator<Item = &'a Endpoint> {
        self.endpoints.iter().filter(move |e| e.family == family)
    }
}

impl<'de> Deserialize<'de> for Auth {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Auth, D::Error> {
        struct AuthVisitor;

        impl<'de> Visitor<'de> for AuthVisitor {
            type Value = Auth;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of credentials, or a mapping from scheme name to a list of credentials")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Auth, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = seq.next_element()? {
                    members.push(member);
                }
                Ok(Auth::One(members))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Auth, A::Error> {
                let mut schemes: Vec<(String, Vec<Member>)> = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    if schemes.iter().any(|(n, _)| *n == name) {
                        return Err(de::Error::custom(format_args!("duplicate auth scheme `{name}`")));
                    }
                    let members = map.next_value()?;
                    schemes.push((name, members));
                }
                Ok(Auth::Schemes(schemes))
            }
        }

        deserializer.deserialize_any(AuthVisitor)
    }
}
