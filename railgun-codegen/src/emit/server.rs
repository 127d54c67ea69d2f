//! A server's typed dispatch from the same model as the client: per API a
//! `Request` enum, one variant per endpoint with its arguments typed, and
//! the code that reads a request into it, checking each argument as the
//! spec says. A server matches on `Request` exhaustively, so an endpoint
//! added to the spec fails to compile until the server handles it
//! (smithy-rs's server SDK and progenitor's mock server are made the same
//! way).
//!
//! The output is a source file of the server's own (committed by `cargo
//! xtask codegen`), written against the server's support module at the
//! path given, which provides:
//!
//! - `Fields` (named values: a form, a query string, headers; `get(name)`),
//!   `Refused` and `Problem` (why a request was not read);
//! - `method(get, takes_get, takes_post)` and `present(fields, name)`, the
//!   checks an action makes before reading its arguments;
//! - `path_segment(raw)` (a path parameter, percent-decoded) and
//!   `body_object(body)` (the JSON object a body must be);
//! - `required(read, name)` (a reader's `None` as missing) and the readers,
//!   each giving an `Option`: `text`, `secret`, `domain`, `flag`, `integer`,
//!   `one_of`, `ip_range`, `ip_ranges` (form, query and header values),
//!   `path_integer`, and `json_text`, `json_secret`, `json_flag`, `json_integer`,
//!   `json_one_of`, `json_ip_range` (JSON body members).
//!
//! How a refusal is answered is the server's.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::attrs;
use super::ident;
use railgun_spec::ir::{
    Api, Binding, Endpoint, EnumDef, Method, Param, ParamLocation, ParamScalar, ParamType, PathSegment, Protocol,
    TypeKind,
};

/// The typed dispatch of `api`, against the support module at `support`.
pub fn server(api: &Api, support: &TokenStream) -> TokenStream {
    // The enums requests carry; those only answers hold are the client's.
    let taken: std::collections::BTreeSet<&str> = api
        .endpoints
        .iter()
        .flat_map(|ep| &ep.params)
        .filter_map(|p| match &p.ty {
            ParamType::One(ParamScalar::Enum(e)) | ParamType::List(ParamScalar::Enum(e), _) => {
                Some(e.named.name.as_str())
            }
            ParamType::One(_) | ParamType::List(..) => None,
        })
        .collect();
    let enums = api.types.iter().filter_map(|def| match &def.kind {
        TypeKind::Enum(values) if taken.contains(def.name.as_str()) => Some(enum_item(&def.name, &def.doc, values)),
        TypeKind::Enum(_) | TypeKind::Struct(_) | TypeKind::IpRange(_) => None,
    });
    let variants = api.endpoints.iter().map(|ep| request_variant(api, ep));
    let actions = api.endpoints.iter().map(|ep| {
        let variant = variant_name(api, ep);
        let action = &ep.action;
        quote! { Request::#variant { .. } => #action, }
    });
    let title = api.title.as_deref().unwrap_or("API");
    let request_doc = attrs(&format!(
        "A request of the {title}: one variant per endpoint, its arguments read and checked as the spec says."
    ));
    let reading = match api.protocol {
        Protocol::ActionForm => action_form_reading(api),
        Protocol::RestJson => rest_json_reading(api),
    };
    let families = family_enum(api);
    quote! {
        #![allow(clippy::too_many_lines, clippy::match_single_binding, clippy::large_enum_variant)]

        #[allow(unused_imports)]
        use #support::*;

        #families

        #(#enums)*

        #request_doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum Request {
            #(#variants)*
        }

        impl Request {
            /// The endpoint's action (or operation) name.
            pub fn action(&self) -> &'static str {
                match self {
                    #(#actions)*
                }
            }
        }

        #reading
    }
}

/// The `Family` enum: which family a request is of.
fn family_enum(api: &Api) -> TokenStream {
    let variants: Vec<_> = api.families.iter().map(|f| format_ident!("{}", camel(&f.name))).collect();
    let names: Vec<&str> = api.families.iter().map(|f| f.name.as_str()).collect();
    let titles: Vec<&str> = api.families.iter().map(|f| f.title.as_str()).collect();
    let docs: Vec<String> = titles.iter().map(|title| format!(" The {title}.")).collect();
    quote! {
        /// The API's families.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Family {
            #(#[doc = #docs] #variants,)*
        }

        impl Family {
            /// The family's name in the spec.
            pub fn name(self) -> &'static str {
                match self {
                    #(Family::#variants => #names,)*
                }
            }

            /// The family's title in the spec.
            pub fn title(self) -> &'static str {
                match self {
                    #(Family::#variants => #titles,)*
                }
            }
        }
    }
}

/// `client` → `Client`, `conn_set` → `ConnSet`.
fn camel(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// A request's variant: the family and the action (`PartnerConnSet`); an
/// API of one family, the action alone.
fn variant_name(api: &Api, ep: &Endpoint) -> proc_macro2::Ident {
    if api.families.len() == 1 {
        format_ident!("{}", camel(&ep.action))
    } else {
        format_ident!("{}{}", camel(&api.family(ep.family).name), camel(&ep.action))
    }
}

/// A spec enum as the server reads it: its variants, and the wire values.
fn enum_item(name: &str, doc: &str, values: &EnumDef) -> TokenStream {
    let name = ident(name);
    let doc = attrs(doc);
    let decls = values.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let vdoc = attrs(&v.doc);
        quote! { #vdoc #vname, }
    });
    let wires: Vec<&str> = values.variants.iter().map(|v| v.wire.as_str()).collect();
    let arms = values.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote! { #wire => ::std::option::Option::Some(#name::#vname), }
    });
    let to_wire = values.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote! { #name::#vname => #wire, }
    });
    let (unknown, unknown_arm, unknown_wire, copy) = if values.open {
        (
            quote! {
                /// A value the spec does not list, kept as sent.
                Unknown(::std::string::String),
            },
            quote! { other => ::std::option::Option::Some(#name::Unknown(other.to_owned())), },
            quote! { #name::Unknown(value) => value, },
            quote! {},
        )
    } else {
        (quote! {}, quote! { _ => ::std::option::Option::None, }, quote! {}, quote! { Copy, })
    };
    quote! {
        #doc
        #[derive(Debug, Clone, #copy PartialEq, Eq, Hash)]
        pub enum #name {
            #(#decls)*
            #unknown
        }

        impl #name {
            /// The values the spec lists, as sent.
            pub const WIRE: &'static [&'static str] = &[#(#wires),*];

            /// The value sent as `wire`.
            pub fn from_wire(wire: &str) -> ::std::option::Option<#name> {
                match wire {
                    #(#arms)*
                    #unknown_arm
                }
            }

            /// The value as sent.
            pub fn as_wire(&self) -> &str {
                match self {
                    #(#to_wire)*
                    #unknown_wire
                }
            }
        }
    }
}

/// A request variant and its typed arguments.
fn request_variant(api: &Api, ep: &Endpoint) -> TokenStream {
    let variant = variant_name(api, ep);
    let doc = format!(" `{}` ({}): {}", ep.action, api.family(ep.family).name, ep.summary.trim());
    let fields = ep.params.iter().map(|p| {
        let name = ident(&p.rust);
        let ty = arg_type(p);
        let doc = attrs(&format!("`{}`: {}", p.wire, p.doc.trim()));
        quote! { #doc #name: #ty, }
    });
    quote! {
        #[doc = #doc]
        #variant { #(#fields)* },
    }
}

/// The Rust type of an argument as read.
fn arg_type(p: &Param) -> TokenStream {
    let one = |scalar: &ParamScalar| match scalar {
        ParamScalar::Text | ParamScalar::Domain => quote! { ::std::string::String },
        // Its `Debug` shows no value: a server may log its requests.
        ParamScalar::Secret => quote! { ::railgun_runtime::Secret },
        ParamScalar::Flag => quote! { bool },
        ParamScalar::Integer => quote! { u64 },
        ParamScalar::Enum(e) => {
            let name = ident(&e.named.name);
            quote! { #name }
        }
        ParamScalar::IpRange(range) => {
            let bounds = [range.netmask.ipv4.0, range.netmask.ipv4.1, range.netmask.ipv6.0, range.netmask.ipv6.1]
                .map(Literal::u8_unsuffixed);
            quote! { ::railgun_runtime::IpRange<#(#bounds),*> }
        }
    };
    let ty = match &p.ty {
        ParamType::One(scalar) => one(scalar),
        ParamType::List(scalar, _) => {
            let item = one(scalar);
            quote! { ::std::vec::Vec<#item> }
        }
    };
    if p.optional {
        quote! { ::std::option::Option<#ty> }
    } else {
        ty
    }
}

/// The expression reading argument `p` from `source` (a `&Fields`), for
/// form, query and header values: the reader's `Option`, or, for a
/// required parameter, its value.
fn read_field(p: &Param, source: &TokenStream) -> TokenStream {
    let wire = &p.wire;
    let read = match &p.ty {
        ParamType::One(ParamScalar::Text) => {
            let max = max_length(p);
            quote! { text(#source, #wire, #max)? }
        }
        ParamType::One(ParamScalar::Secret) => {
            let max = max_length(p);
            quote! { secret(#source, #wire, #max)? }
        }
        ParamType::One(ParamScalar::Domain) => quote! { domain(#source, #wire)? },
        ParamType::One(ParamScalar::Flag) => quote! { flag(#source, #wire)? },
        ParamType::One(ParamScalar::Integer) => {
            let bounds = bounds(p);
            quote! { integer(#source, #wire, #bounds)? }
        }
        ParamType::One(ParamScalar::Enum(e)) => {
            let name = ident(&e.named.name);
            quote! { one_of(#source, #wire, #name::WIRE, #name::from_wire)? }
        }
        ParamType::One(ParamScalar::IpRange(_)) => quote! { ip_range(#source, #wire)? },
        ParamType::List(_, _) => quote! { ip_ranges(#source, #wire)? },
    };
    required_if(p, read)
}

/// `read`, or for a required parameter `required(read, wire)?`.
fn required_if(p: &Param, read: TokenStream) -> TokenStream {
    let wire = &p.wire;
    if p.optional {
        read
    } else {
        quote! { required(#read, #wire)? }
    }
}

/// `Some(n)` for a string parameter's length limit.
fn max_length(p: &Param) -> TokenStream {
    match p.max_length {
        Some(max) => {
            let max = Literal::usize_unsuffixed(max);
            let refusal = railgun_spec::ir::too_long(p.max_length.unwrap_or_default());
            quote! { ::std::option::Option::Some((#max, #refusal)) }
        }
        None => quote! { ::std::option::Option::None },
    }
}

/// `Some((minimum, maximum, refusal))` for an integer parameter's bounds.
fn bounds(p: &Param) -> TokenStream {
    match p.bounds {
        Some(bounds) => {
            let minimum = Literal::u64_unsuffixed(bounds.minimum);
            let maximum = if bounds.maximum == u64::MAX {
                quote! { ::std::primitive::u64::MAX }
            } else {
                let maximum = Literal::u64_unsuffixed(bounds.maximum);
                quote! { #maximum }
            };
            let refusal = bounds.refusal();
            quote! { ::std::option::Option::Some((#minimum, #maximum, #refusal)) }
        }
        None => quote! { ::std::option::Option::None },
    }
}

/// `action_form`: `Request::read(family, action, get, fields)` and
/// `knows(action)`.
fn action_form_reading(api: &Api) -> TokenStream {
    let actions: std::collections::BTreeSet<&str> = api.endpoints.iter().map(|ep| ep.action.as_str()).collect();
    let actions = actions.into_iter();
    let arms = api.endpoints.iter().map(|ep| {
        let Binding::ActionForm(form) = &ep.binding else {
            unreachable!("an action_form spec's endpoints are actions")
        };
        let family = format_ident!("{}", camel(&api.family(ep.family).name));
        let action = &ep.action;
        let variant = variant_name(api, ep);
        let get = form.methods.contains(&Method::Get);
        let post = form.methods.contains(&Method::Post);
        let required: Vec<&str> = ep.params.iter().filter(|p| !p.optional).map(|p| p.wire.as_str()).collect();
        let source = quote! { fields };
        let reads = ep.params.iter().map(|p| {
            let name = ident(&p.rust);
            let read = read_field(p, &source);
            quote! { #name: #read, }
        });
        quote! {
            (Family::#family, #action) => {
                method(get, #get, #post)?;
                #(present(fields, #required)?;)*
                ::std::result::Result::Ok(Request::#variant { #(#reads)* })
            }
        }
    });
    let acts = api.endpoints.iter().map(|ep| {
        let Binding::ActionForm(form) = &ep.binding else {
            unreachable!("an action_form spec's endpoints are actions")
        };
        let variant = variant_name(api, ep);
        let act = &form.act;
        quote! { Request::#variant { .. } => #act, }
    });
    let endpoints = api.endpoints.iter().map(|ep| {
        let family = format_ident!("{}", camel(&api.family(ep.family).name));
        let action = &ep.action;
        quote! { (Family::#family, #action) }
    });
    quote! {
        /// Every endpoint: its family and action, in spec order.
        pub const ENDPOINTS: &[(Family, &str)] = &[#(#endpoints),*];

        /// Whether any family has the action `action`.
        pub fn knows(action: &str) -> bool {
            matches!(action, #(#actions)|*)
        }

        impl Request {
            /// Reads a request of `family`'s `action`, sent by GET (`get`)
            /// or POST with `fields`: the method the action is documented
            /// for, every required parameter there (in spec order), then
            /// each argument checked. [`Refused::NotInFamily`] when the
            /// family has no such action.
            pub fn read(
                family: Family,
                action: &str,
                get: bool,
                fields: &Fields,
            ) -> ::std::result::Result<Request, Refused> {
                match (family, action) {
                    #(#arms)*
                    _ => ::std::result::Result::Err(Refused::NotInFamily),
                }
            }

            /// The `act` a successful answer carries.
            pub fn act(&self) -> &'static str {
                match self {
                    #(#acts)*
                }
            }
        }
    }
}

/// One piece of a REST path, segment by segment.
enum Piece<'e> {
    Literal(String),
    Param { wire: &'e str },
}

/// `rest_json`: `route(method, path)`, the `Operation` enum and
/// `Route::read(query, headers, body)`.
fn rest_json_reading(api: &Api) -> TokenStream {
    let ops: Vec<_> = api.endpoints.iter().map(|ep| variant_name(api, ep)).collect();
    let op_docs: Vec<String> =
        api.endpoints.iter().map(|ep| format!(" `{}`: {}", ep.action, ep.summary.trim())).collect();
    let op_names: Vec<&str> = api.endpoints.iter().map(|ep| ep.action.as_str()).collect();
    let op_methods: Vec<&str> = api.endpoints.iter().map(rest_method).collect();
    let op_templates: Vec<&str> = api
        .endpoints
        .iter()
        .map(|ep| match &ep.binding {
            Binding::RestJson(rest) => rest.template.as_str(),
            Binding::ActionForm(_) => unreachable!("a rest_json spec's endpoints are REST"),
        })
        .collect();
    // One test per path template, in spec order; the methods it takes.
    let mut templates: Vec<(&str, Vec<&Endpoint>)> = Vec::new();
    for ep in &api.endpoints {
        let Binding::RestJson(rest) = &ep.binding else { unreachable!("a rest_json spec's endpoints are REST") };
        match templates.iter_mut().find(|(template, _)| *template == rest.template) {
            Some((_, eps)) => eps.push(ep),
            None => templates.push((&rest.template, vec![ep])),
        }
    }
    let routes = templates.iter().map(|(_, eps)| {
        let shape = pieces(eps[0]);
        let count = Literal::usize_unsuffixed(shape.len());
        let checks = shape.iter().enumerate().map(|(i, piece)| {
            let i = Literal::usize_unsuffixed(i);
            match piece {
                Piece::Literal(text) => quote! { && segments[#i] == #text },
                Piece::Param { .. } => quote! { && !segments[#i].is_empty() },
            }
        });
        let methods: Vec<&str> = eps.iter().map(|ep| rest_method(ep)).collect();
        let arms = eps.iter().map(|ep| {
            let variant = variant_name(api, ep);
            let method = rest_method(ep);
            let values = pieces(ep).into_iter().enumerate().filter_map(|(i, piece)| match piece {
                Piece::Literal(_) => None,
                Piece::Param { wire } => {
                    let i = Literal::usize_unsuffixed(i);
                    Some(quote! { (#wire, segments[#i]) })
                }
            });
            quote! { #method => return Route::new(Operation::#variant, &[#(#values),*]), }
        });
        quote! {
            if segments.len() == #count #(#checks)* {
                match method {
                    #(#arms)*
                    _ => allowed = allowed.or(::std::option::Option::Some(&[#(#methods),*])),
                }
            }
        }
    });
    let reads = api.endpoints.iter().map(|ep| {
        let variant = variant_name(api, ep);
        // Path and query first, the body last: a malformed body is
        // refused only once everything else is right.
        let read = |p: &Param, j: usize| {
            let name = ident(&p.rust);
            let read = match p.location {
                ParamLocation::Path => {
                    let position = Literal::usize_unsuffixed(path_position(ep, j));
                    let wire = &p.wire;
                    match &p.ty {
                        ParamType::One(ParamScalar::Integer) => {
                            quote! { path_integer(#wire, &self.path[#position].1)? }
                        }
                        _ => quote! { self.path[#position].1.clone() },
                    }
                }
                ParamLocation::Query | ParamLocation::Form => read_field(p, &quote! { query }),
                ParamLocation::Header => read_field(p, &quote! { headers }),
                ParamLocation::Body => read_member(p),
            };
            quote! { let #name = #read; }
        };
        let in_body = |p: &&Param| p.location == ParamLocation::Body;
        let params = ep.params.iter().enumerate();
        let before: Vec<_> = params.clone().filter(|(_, p)| !in_body(p)).map(|(j, p)| read(p, j)).collect();
        let after: Vec<_> = params.filter(|(_, p)| in_body(p)).map(|(j, p)| read(p, j)).collect();
        let body = if after.is_empty() {
            quote! {}
        } else {
            quote! { let body = body_object(body)?; }
        };
        let names = ep.params.iter().map(|p| ident(&p.rust));
        quote! {
            Operation::#variant => {
                #(#before)*
                #body
                #(#after)*
                ::std::result::Result::Ok(Request::#variant { #(#names),* })
            }
        }
    });
    quote! {
        /// The API's operations.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Operation {
            #(
                #[doc = #op_docs]
                #ops,
            )*
        }

        impl Operation {
            /// Every operation, in spec order.
            pub const ALL: &'static [Operation] = &[#(Operation::#ops),*];

            /// The operation's name in the spec.
            pub fn name(self) -> &'static str {
                match self {
                    #(Operation::#ops => #op_names,)*
                }
            }

            /// Its HTTP method, upper case.
            pub fn method(self) -> &'static str {
                match self {
                    #(Operation::#ops => #op_methods,)*
                }
            }

            /// Its path template below the base URL (`railguns/{identifier}`).
            pub fn template(self) -> &'static str {
                match self {
                    #(Operation::#ops => #op_templates,)*
                }
            }
        }

        /// The operation a request's method and path name, and its path
        /// parameters' values (percent-decoded), by wire name.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Route {
            /// The operation.
            pub operation: Operation,
            /// Its path parameters, in the template's order.
            pub path: ::std::vec::Vec<(&'static str, ::std::string::String)>,
        }

        impl Route {
            /// A route, its parameters percent-decoded.
            fn new(operation: Operation, raw: &[(&'static str, &str)]) -> ::std::result::Result<Route, Refused> {
                let mut path = ::std::vec::Vec::with_capacity(raw.len());
                for (name, value) in raw {
                    path.push((*name, path_segment(value)?));
                }
                ::std::result::Result::Ok(Route { operation, path })
            }
        }

        /// The operation `method` (upper case) and `path` (below the base
        /// URL, as sent: percent-encoded) name: [`Refused::NoRoute`] when
        /// none has that path (a segment holding an encoded `/` matches
        /// none), [`Refused::Method`] when another method's does.
        pub fn route(method: &str, path: &str) -> ::std::result::Result<Route, Refused> {
            let segments: ::std::vec::Vec<&str> = path.split('/').collect();
            // A segment holding an encoded `/` (or one that is not UTF-8
            // once decoded) matches no template, whatever the method.
            if !segments.iter().all(|segment| path_segment(segment).is_ok()) {
                return ::std::result::Result::Err(Refused::NoRoute);
            }
            let mut allowed: ::std::option::Option<&'static [&'static str]> = ::std::option::Option::None;
            #(#routes)*
            ::std::result::Result::Err(match allowed {
                ::std::option::Option::Some(allowed) => Refused::Method { allowed },
                ::std::option::Option::None => Refused::NoRoute,
            })
        }

        impl Route {
            /// Reads the request: its query parameters, headers and JSON
            /// body members, each checked as the spec says.
            pub fn read(self, query: &Fields, headers: &Fields, body: &[u8]) -> ::std::result::Result<Request, Refused> {
                let _ = (query, headers, body);
                match self.operation {
                    #(#reads)*
                }
            }
        }
    }
}

/// A REST endpoint's method, upper case.
fn rest_method(ep: &Endpoint) -> &'static str {
    match &ep.binding {
        Binding::RestJson(rest) => rest.method.as_str(),
        Binding::ActionForm(_) => unreachable!("a rest_json spec's endpoints are REST"),
    }
}

/// The endpoint's path, segment by segment.
fn pieces(ep: &Endpoint) -> Vec<Piece<'_>> {
    let Binding::RestJson(rest) = &ep.binding else { return Vec::new() };
    let mut pieces = Vec::new();
    for segment in &rest.path {
        match segment {
            PathSegment::Literal(text) => {
                for part in text.split('/').filter(|part| !part.is_empty()) {
                    pieces.push(Piece::Literal(part.to_owned()));
                }
            }
            PathSegment::Param { param, .. } => {
                let p = &ep.params[*param];
                pieces.push(Piece::Param { wire: &p.wire });
            }
        }
    }
    pieces
}

/// Where path parameter `j` stands among the path's parameters.
fn path_position(ep: &Endpoint, j: usize) -> usize {
    let Binding::RestJson(rest) = &ep.binding else { return 0 };
    rest.path
        .iter()
        .filter_map(|s| match s {
            PathSegment::Param { param, .. } => Some(*param),
            PathSegment::Literal(_) => None,
        })
        .position(|param| param == j)
        .unwrap_or_default()
}

/// The expression reading a JSON body member (`zone.id` through nested
/// objects), checked as the spec says.
fn read_member(p: &Param) -> TokenStream {
    let wire = &p.wire;
    let path: Vec<&str> = p.wire.split('.').collect();
    let read = match &p.ty {
        ParamType::One(ParamScalar::Text | ParamScalar::Domain) => {
            let max = max_length(p);
            quote! { json_text(&body, #wire, &[#(#path),*], #max)? }
        }
        ParamType::One(ParamScalar::Secret) => {
            let max = max_length(p);
            quote! { json_secret(&body, #wire, &[#(#path),*], #max)? }
        }
        ParamType::One(ParamScalar::Flag) => quote! { json_flag(&body, #wire, &[#(#path),*])? },
        ParamType::One(ParamScalar::Integer) => {
            let bounds = bounds(p);
            quote! { json_integer(&body, #wire, &[#(#path),*], #bounds)? }
        }
        ParamType::One(ParamScalar::Enum(e)) => {
            let name = ident(&e.named.name);
            quote! { json_one_of(&body, #wire, &[#(#path),*], #name::WIRE, #name::from_wire)? }
        }
        ParamType::One(ParamScalar::IpRange(_)) => quote! { json_ip_range(&body, #wire, &[#(#path),*])? },
        // The resolver allows no list in a body.
        ParamType::List(..) => quote! { ::std::compile_error!("a JSON body member is one value, not a list") },
    };
    required_if(p, read)
}
