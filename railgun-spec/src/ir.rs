//! The resolved model: what the emitters (and `cargo xtask`) read.
//!
//! [`crate::parse`] builds it from the spec as written ([`crate::model`]),
//! checking every name and reference on the way. Here every type reference
//! is resolved to a typed node, every parameter has its location, every
//! endpoint its binding (URL, methods, answer envelope) and every family its
//! auth schemes. Nothing is looked up by name any more, and each kind of
//! thing is an enum: a new kind fails to compile until every emitter handles
//! it.

pub use crate::model::{Method, Protocol};
pub use crate::ty::Scalar;

/// A resolved spec.
#[derive(Debug, Clone)]
pub struct Api {
    /// How requests and answers travel.
    pub protocol: Protocol,
    /// Name of the API, for rustdoc (`None`: "the API").
    pub title: Option<String>,
    /// Default base URL; every path or action is relative to it.
    pub base_url: String,
    /// The families, in spec order.
    pub families: Vec<Family>,
    /// The named types, in spec order.
    pub types: Vec<TypeDef>,
    /// The endpoints, in spec order.
    pub endpoints: Vec<Endpoint>,
    /// The HTTP statuses after which a call may be sent again, sorted.
    pub retry_statuses: Vec<u16>,
}

/// What a spec that names no `retry_statuses` retries: 429 (too many
/// requests) and 502, 503, 504 (a gateway or the service briefly down).
pub const DEFAULT_RETRY_STATUSES: [u16; 4] = [429, 502, 503, 504];

/// Index of a family in [`Api::families`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FamilyId(pub(crate) usize);

/// Index of a type in [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TypeId(pub(crate) usize);

/// A family: a client type and the endpoints it has.
#[derive(Debug, Clone)]
pub struct Family {
    /// Module name (snake_case).
    pub name: String,
    /// Client type name (UpperCamelCase).
    pub client: String,
    /// Human title.
    pub title: String,
    /// Rustdoc of the client type.
    pub doc: String,
    /// Upstream reference of the family.
    pub docs_url: String,
    /// The ways to authenticate; one unnamed scheme, or several named ones.
    pub auth: Vec<AuthScheme>,
}

/// One way to authenticate: the credentials a client built with it sends.
#[derive(Debug, Clone)]
pub struct AuthScheme {
    /// The scheme's name when the family has several; `None` when it has one.
    pub name: Option<String>,
    /// The credentials, in wire order.
    pub credentials: Vec<Credential>,
}

/// A credential sent with every request.
#[derive(Debug, Clone)]
pub struct Credential {
    /// Wire name: form field or header name (`Authorization` for bearer).
    pub wire: String,
    /// Constructor argument name.
    pub rust: String,
    /// Whether the value is a secret (never shown).
    pub secret: bool,
    /// Where it goes.
    pub location: CredentialLocation,
    /// What it is.
    pub doc: String,
}

/// Where a credential goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialLocation {
    /// A field of every action (`action_form`).
    Form,
    /// A request header.
    Header,
    /// `Authorization: Bearer <value>`.
    Bearer,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Rustdoc.
    pub doc: String,
    /// What it is.
    pub kind: TypeKind,
}

/// What a named type is.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A JSON object.
    Struct(Vec<Field>),
    /// A string from a set of values.
    Enum(EnumDef),
    /// An IP address with a netmask within bounds.
    IpRange(Netmask),
}

/// The values of an enum.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// The known values, in spec order.
    pub variants: Vec<Variant>,
    /// Whether unknown values are kept (`Unknown(String)`) instead of refused.
    pub open: bool,
}

/// One value of an enum.
#[derive(Debug, Clone)]
pub struct Variant {
    /// On the wire.
    pub wire: String,
    /// Rust variant name.
    pub name: String,
    /// Rustdoc.
    pub doc: String,
}

/// Inclusive netmask bounds of an IP range, in bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Netmask {
    /// IPv4 `(shortest, longest)`.
    pub ipv4: (u8, u8),
    /// IPv6 `(shortest, longest)`.
    pub ipv6: (u8, u8),
}

/// A field of a struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// JSON key.
    pub wire: String,
    /// Rust field name.
    pub rust: String,
    /// Its type.
    pub ty: FieldType,
    /// Whether it may be missing or `null`.
    pub optional: bool,
    /// Rustdoc.
    pub doc: String,
}

/// A reference to a named type, with what its users need to know of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// Which type.
    pub id: TypeId,
    /// Its Rust name.
    pub name: String,
}

/// A reference to an enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumRef {
    /// The enum.
    pub named: Named,
    /// Open enums are not `Copy`: they are passed by reference.
    pub open: bool,
}

/// An IP range type: a named `ip_range`, or version 1's `ip_ranges` item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRangeRef {
    /// The named type, or `None` for version 1's anonymous one.
    pub named: Option<Named>,
    /// Its bounds.
    pub netmask: Netmask,
}

/// The type of a response field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    /// A built-in scalar.
    Scalar(Scalar),
    /// An enum, decoded leniently from a string or number.
    Enum(EnumRef),
    /// A nested object.
    Struct(Named),
    /// An array of objects.
    List(Named),
    /// An array of strings (`list<string>`).
    Strings,
}

/// The type of one parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamScalar {
    /// `&str`.
    Text,
    /// `&str`, refused before anything is sent unless it is a domain name.
    Domain,
    /// `&Secret`.
    Secret,
    /// `bool`.
    Flag,
    /// `u64` (spec `integer` or `id`).
    Integer,
    /// An enum.
    Enum(EnumRef),
    /// An IP range.
    IpRange(IpRangeRef),
}

/// The type of a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamType {
    /// One value.
    One(ParamScalar),
    /// A non-empty list of values, written into one value.
    List(ParamScalar, ListEncoding),
}

/// How a list parameter becomes one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListEncoding {
    /// A JSON array of the items' texts.
    Json,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// An action's field (`action_form`): query on GET, form body on POST.
    Form,
    /// A segment of the path template.
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
    /// A member of the JSON body.
    Body,
}

/// A parameter of an endpoint.
#[derive(Debug, Clone)]
pub struct Param {
    /// Wire name.
    pub wire: String,
    /// Argument name.
    pub rust: String,
    /// Its type.
    pub ty: ParamType,
    /// `Option` argument, left out when `None`.
    pub optional: bool,
    /// Where it goes.
    pub location: ParamLocation,
    /// The values an integer takes, when the spec bounds them.
    pub bounds: Option<Bounds>,
    /// The most characters a string takes, when the spec limits it.
    pub max_length: Option<usize>,
    /// What it means.
    pub doc: String,
}

/// Why a string longer than `max_length` characters is refused.
pub fn too_long(max_length: usize) -> String {
    format!("must be at most {max_length} characters")
}

/// The values an integer parameter takes, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// The least (0 when the spec gives only a maximum).
    pub minimum: u64,
    /// The greatest (`u64::MAX` when the spec gives only a minimum).
    pub maximum: u64,
}

impl Bounds {
    /// Whether `value` is within them.
    pub fn allows(&self, value: u64) -> bool {
        (self.minimum..=self.maximum).contains(&value)
    }

    /// Why a value outside them is refused: `must be between 5 and 50`.
    pub fn refusal(&self) -> String {
        format!("must be {}", self.described())
    }

    /// The values they allow: `between 5 and 50`, `at least 1`.
    pub fn described(&self) -> String {
        match (self.minimum, self.maximum) {
            (minimum, u64::MAX) => format!("at least {minimum}"),
            (0, maximum) => format!("at most {maximum}"),
            (minimum, maximum) => format!("between {minimum} and {maximum}"),
        }
    }
}

/// How an endpoint is reached and answers.
#[derive(Debug, Clone)]
pub enum Binding {
    /// `base_url` + action, GET query or POST form, `{result, msg, response}`.
    ActionForm(ActionForm),
    /// `base_url` + path, JSON envelope `{success, errors, messages, result}`.
    RestJson(RestJson),
}

/// An `action_form` endpoint.
#[derive(Debug, Clone)]
pub struct ActionForm {
    /// Documented methods, in order of preference (GET and/or POST).
    pub methods: Vec<Method>,
    /// The `act` of a successful answer.
    pub act: String,
}

/// A `rest_json` endpoint.
#[derive(Debug, Clone)]
pub struct RestJson {
    /// The HTTP method.
    pub method: Method,
    /// The path template, as written.
    pub template: String,
    /// The path template, split, each parameter resolved.
    pub path: Vec<PathSegment>,
    /// The JSON body's layout: its members in spec order, the members of a
    /// nested object (`shelf.id`, `shelf.row`) gathered where the first of
    /// them stands. Empty for an endpoint without a body.
    pub body: Vec<BodyMember>,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// Literal text, `/` included.
    Literal(String),
    /// A path parameter's value.
    Param {
        /// Its wire name, as the template writes it.
        name: String,
        /// Its position in [`Endpoint::params`].
        param: usize,
    },
}

/// A member of a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyMember {
    /// Its key (`id` for the parameter `shelf.id`).
    pub name: String,
    /// What it holds.
    pub value: BodyValue,
}

/// What a body member holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyValue {
    /// A parameter's value.
    Param {
        /// Its position in [`Endpoint::params`].
        param: usize,
        /// Its place among the body's values, counted through the layout
        /// depth first: the runtime keeps the values by it.
        slot: usize,
    },
    /// A nested object.
    Object(Vec<BodyMember>),
}

impl BodyMember {
    /// The body parameters of `members`, depth first: `(param, slot)`.
    pub fn params(members: &[BodyMember]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for member in members {
            match &member.value {
                BodyValue::Param { param, slot } => out.push((*param, *slot)),
                BodyValue::Object(inner) => out.extend(BodyMember::params(inner)),
            }
        }
        out
    }
}

/// The page parameters of a paginated list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    /// The page number's position in [`Endpoint::params`] (`page`).
    pub page: usize,
    /// The page size's position in [`Endpoint::params`] (`per_page`).
    pub per_page: usize,
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// One object.
    Struct(Named),
    /// An array of objects (`rest_json`).
    List(Named),
}

/// A recorded difference from the upstream docs.
#[derive(Debug, Clone)]
pub struct Deviation {
    /// What differs.
    pub item: String,
    /// Why.
    pub reason: String,
}

/// One endpoint.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Its position in the spec's `endpoints` list.
    pub index: usize,
    /// Method name (and `action_form` URL segment).
    pub action: String,
    /// Its family.
    pub family: FamilyId,
    /// URL, methods and envelope.
    pub binding: Binding,
    /// Parameters besides the credentials, in wire order.
    pub params: Vec<Param>,
    /// The answer's type.
    pub response: Response,
    /// Whether repeating the call is safe: the runtime retries it after a
    /// failure it can recover from.
    pub idempotent: bool,
    /// First rustdoc line.
    pub summary: String,
    /// Further rustdoc.
    pub doc: Option<String>,
    /// Upstream reference.
    pub docs_url: String,
    /// Recorded differences from the upstream docs.
    pub deviations: Vec<Deviation>,
    /// Why the endpoint is deliberately not in the upstream pages, if it is not.
    pub undocumented: Option<String>,
    /// The upstream deprecation note, when the endpoint is deprecated.
    pub deprecated: Option<String>,
    /// When it answers a list a page at a time (`rest_json`): which of its
    /// optional query parameters are the page and its size. Such an
    /// endpoint returns a page, and has a second method that streams every
    /// page.
    pub pagination: Option<Pagination>,
    /// Wire names whose values are secret, in the request or anywhere in
    /// the answer, sorted: the runtime blanks them out of what it shows.
    pub secret_keys: Vec<String>,
}

impl Endpoint {
    /// Whether it answers a list a page at a time.
    pub fn paginated(&self) -> bool {
        self.pagination.is_some()
    }
}

impl TypeId {
    /// The type's position in the spec's `types` list (and in [`Api::types`]).
    pub fn index(self) -> usize {
        self.0
    }
}

impl Api {
    /// The family `id`.
    pub fn family(&self, id: FamilyId) -> &Family {
        &self.families[id.0]
    }

    /// The type `id`.
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The families with their ids.
    pub fn families(&self) -> impl Iterator<Item = (FamilyId, &Family)> {
        self.families.iter().enumerate().map(|(i, f)| (FamilyId(i), f))
    }

    /// The endpoints of family `id`, in spec order.
    pub fn endpoints_of(&self, id: FamilyId) -> impl Iterator<Item = &Endpoint> {
        self.endpoints.iter().filter(move |e| e.family == id)
    }
}

impl Binding {
    /// The methods the endpoint is documented for.
    pub fn methods(&self) -> &[Method] {
        match self {
            Binding::ActionForm(form) => &form.methods,
            Binding::RestJson(rest) => std::slice::from_ref(&rest.method),
        }
    }
}

impl std::fmt::Display for FieldType {
    /// The type as the spec writes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldType::Scalar(scalar) => f.write_str(scalar.name()),
            FieldType::Enum(e) => f.write_str(&e.named.name),
            FieldType::Struct(named) => f.write_str(&named.name),
            FieldType::List(named) => write!(f, "list<{}>", named.name),
            FieldType::Strings => f.write_str("list<string>"),
        }
    }
}
