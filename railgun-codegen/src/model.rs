//! The spec's data model: what `spec/railgun.yaml` may contain, as serde types.
//!
//! Every struct rejects unknown keys, so a misspelt key is an error that
//! points at its line instead of a setting that silently does nothing.
//! Cross-references (type names, families) are checked later, when
//! [`crate::parse`] validates the spec.

use serde::Deserialize;

/// The whole spec file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Format version; only `1` exists.
    pub version: u32,
    /// Default base URL of the service; the action name is appended to it.
    pub base_url: String,
    /// Base URL of the upstream reference; endpoint `docs` are relative to it.
    pub docs_base: String,
    /// The API families (Client API, Optimized Partner API), each with its own
    /// credentials and client type.
    pub families: Vec<Family>,
    /// Named types shared by endpoints: enums and response objects.
    pub types: Vec<TypeDef>,
    /// One entry per (family, action).
    pub endpoints: Vec<Endpoint>,
}

/// An API family: a set of actions that share one way to authenticate.
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
    /// Credentials sent with every request of the family, in wire order.
    pub auth: Vec<Param>,
}

/// What kind of named type a [`TypeDef`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeKind {
    /// A JSON object, generated as a struct.
    Struct,
    /// A string value from a fixed set, generated as an enum.
    Enum,
}

/// A named type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// Rust name of the type (UpperCamelCase).
    pub name: String,
    /// Struct or enum.
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
}

/// A named, typed, documented value: a field of a response object, a
/// request parameter, or a family's credential.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Name on the wire: JSON key, form field or query key.
    pub name: String,
    /// Rust name (field or argument), when it differs from the wire name.
    #[serde(default)]
    pub rust: Option<String>,
    /// Type expression. Response fields take a scalar (`string`, `secret`,
    /// `id`, `integer`, `flag`, `timestamp`), a named type, or `list<Name>`;
    /// parameters take `string`, `secret`, `ip_ranges` or an enum's name.
    #[serde(rename = "type")]
    pub ty: String,
    /// A field the service may omit or send as `null` (generated as
    /// `Option`), or a parameter that may be left out (an `Option` argument).
    #[serde(default)]
    pub optional: bool,
    /// Rustdoc: what the value means, as the docs say it.
    pub doc: String,
}

/// A field of a response object.
pub type Field = Member;

/// A request parameter, or a family's credential.
pub type Param = Member;

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
    /// Parameters in the query string.
    #[serde(rename = "GET")]
    Get,
    /// Parameters in an `application/x-www-form-urlencoded` body.
    #[serde(rename = "POST")]
    Post,
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

/// One action of one family.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// Action name: the last path segment and the generated method's name.
    pub action: String,
    /// Name of the [`Family`] the endpoint belongs to.
    pub family: String,
    /// Documented methods, in order of preference.
    pub methods: Vec<Method>,
    /// The `act` value a successful answer carries.
    pub act: String,
    /// One-line summary: the first line of the method's rustdoc.
    pub summary: String,
    /// Further rustdoc paragraphs.
    #[serde(default)]
    pub doc: Option<String>,
    /// Upstream section, relative to `docs_base`.
    pub docs: String,
    /// Parameters besides the family's credentials, in wire order.
    pub params: Vec<Param>,
    /// Name of the struct type the `response` member decodes into.
    pub response: String,
    /// Recorded differences from the upstream docs.
    #[serde(default)]
    pub deviations: Vec<Deviation>,
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
        }
    }
}

impl Spec {
    /// The family called `name`.
    pub fn family(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.name == name)
    }

    /// The named type called `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    /// The endpoints of one family, in spec order.
    pub fn endpoints_of<'a>(&'a self, family: &'a str) -> impl Iterator<Item = &'a Endpoint> {
        self.endpoints.iter().filter(move |e| e.family == family)
    }

    /// Full URL of an upstream docs section given relative to `docs_base`.
    pub fn docs_url(&self, relative: &str) -> String {
        format!("{}{}", self.docs_base, relative)
    }
}
