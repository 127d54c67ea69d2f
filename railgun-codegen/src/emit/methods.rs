//! One async method per endpoint: the endpoint's description for the
//! runtime, the arguments, and where each goes.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};

use super::docs::{attrs, paragraphs};
use super::models::ip_range_type;
use super::{ident, local, rt};
use railgun_spec::ir::{
    Api, Binding, BodyMember, BodyValue, Endpoint, Family, ListEncoding, Method, Pagination, Param, ParamLocation,
    ParamScalar, ParamType, PathSegment, Response,
};

pub fn method(api: &Api, family: &Family, ep: &Endpoint) -> TokenStream {
    let name = ident(&ep.action);
    let error = rt("Error");
    let request = local("request");
    let args = ep.params.iter().map(|p| {
        let arg = ident(&p.rust);
        let ty = param_type(p, None);
        quote! { #arg: #ty }
    });
    let checked = ep.params.iter().filter_map(checked_wrap);
    let pushes = pushes(ep, &request);
    let item = match &ep.response {
        Response::Struct(named) | Response::List(named) => {
            let n = ident(&named.name);
            quote! { super::types::#n }
        }
    };
    let response = match (&ep.response, ep.paginated()) {
        (Response::Struct(_), _) => item.clone(),
        (Response::List(_), false) => quote! { ::std::vec::Vec<#item> },
        (Response::List(_), true) => {
            let page = rt("Page");
            quote! { #page<#item> }
        }
    };
    let endpoint = endpoint_const(ep);
    let doc = attrs(&method_doc(api, family, ep));
    let deprecated = deprecated(ep);
    let stream = ep.pagination.map(|pagination| stream_method(ep, pagination, &item));

    quote! {
        #doc
        #deprecated
        pub async fn #name(&self, #(#args),*) -> ::std::result::Result<#response, #error> {
            #endpoint
            #(#checked)*
            let mut #request = self.session.request(&ENDPOINT);
            #(#pushes)*
            self.session.call(#request).await
        }

        #stream
    }
}

/// `#[deprecated]` with the upstream note, for a deprecated endpoint.
fn deprecated(ep: &Endpoint) -> Option<TokenStream> {
    ep.deprecated.as_ref().map(|note| quote! { #[deprecated(note = #note)] })
}

/// `<action>_stream`: every item of a paginated list, page after page.
fn stream_method(ep: &Endpoint, pagination: Pagination, item: &TokenStream) -> TokenStream {
    let name = quote::format_ident!("{}_stream", ep.action);
    let method = ident(&ep.action);
    let lifetime = quote! { 'a };
    let error = rt("Error");
    let stream = rt("Stream");
    let pages = rt("__private::pages");
    let page = local("page");
    let action = &ep.action;
    let taken = ep.params.iter().enumerate().filter(|(j, _)| *j != pagination.page);
    let args = taken.map(|(_, p)| {
        let arg = ident(&p.rust);
        let ty = param_type(p, Some(&lifetime));
        quote! { #arg: #ty }
    });
    let per_page = ident(&ep.params[pagination.per_page].rust);
    let passed = ep.params.iter().enumerate().map(|(j, p)| {
        if j == pagination.page {
            quote! { ::std::option::Option::Some(#page) }
        } else {
            let arg = ident(&p.rust);
            quote! { #arg }
        }
    });
    let doc = attrs(&paragraphs([
        &format!("Every item of [`Self::{}`]'s list, page after page from the first.", ep.action),
        "Each page is asked for once the items before it are taken; the stream ends after the last page \
         (see [`railgun_runtime::Page::has_next`]) or with the first error, which a call of its own \
         would have returned. A list longer than the client's \
         [`max_list_items`](railgun_runtime::ApiBuilder::max_list_items) ends with \
         [`railgun_runtime::Error::ListTooLong`] after that many items; one that goes on past its \
         [`max_list_pages`](railgun_runtime::ApiBuilder::max_list_pages) or \
         [`max_list_time`](railgun_runtime::ApiBuilder::max_list_time), or whose page repeats the \
         one before it, ends with [`railgun_runtime::Error::ListStopped`].",
    ]));
    // A deprecated method's stream is deprecated too, and calls it.
    let deprecated = deprecated(ep).map(|attr| quote! { #attr #[allow(deprecated)] });
    quote! {
        #doc
        #deprecated
        pub fn #name<#lifetime>(&#lifetime self, #(#args),*)
            -> impl #stream<Item = ::std::result::Result<#item, #error>> + #lifetime
        {
            #pages(self.session.list_limits(), #action, #per_page, move |#page| self.#method(#(#passed),*))
        }
    }
}

/// `const ENDPOINT`: what the runtime needs to know about the endpoint.
fn endpoint_const(ep: &Endpoint) -> TokenStream {
    let action = &ep.action;
    let secret_keys = &ep.secret_keys;
    let idempotent = ep.idempotent;
    match &ep.binding {
        Binding::ActionForm(form) => {
            let ty = rt("__private::ActionEndpoint");
            let act = &form.act;
            let get = form.methods.contains(&Method::Get);
            let post = form.methods.contains(&Method::Post);
            quote! {
                const ENDPOINT: #ty = #ty {
                    action: #action,
                    act: #act,
                    get: #get,
                    post: #post,
                    idempotent: #idempotent,
                    secret_keys: &[#(#secret_keys),*],
                };
            }
        }
        Binding::RestJson(rest) => {
            let ty = rt("__private::RestEndpoint");
            let method_ty = rt("__private::RestMethod");
            let method = ident(match rest.method {
                Method::Get => "Get",
                Method::Post => "Post",
                Method::Put => "Put",
                Method::Patch => "Patch",
                Method::Delete => "Delete",
            });
            let segment = rt("__private::PathSegment");
            let paginated = ep.paginated();
            let path = rest.path.iter().map(|s| match s {
                PathSegment::Literal(text) => quote! { #segment::Literal(#text) },
                PathSegment::Param { name, .. } => quote! { #segment::Param(#name) },
            });
            let body = body_layout(&rest.body);
            quote! {
                const ENDPOINT: #ty = #ty {
                    action: #action,
                    method: #method_ty::#method,
                    path: &[#(#path),*],
                    body: #body,
                    idempotent: #idempotent,
                    paginated: #paginated,
                    secret_keys: &[#(#secret_keys),*],
                };
            }
        }
    }
}

/// For an argument the runtime checks as it is sent, the statement that
/// wraps it: a `domain` in `DomainName`, whose text is refused unless it is
/// a domain name; a limited string in `Limited`, refused when longer; a
/// bounded integer in `Bounded`, refused outside its bounds.
fn checked_wrap(p: &Param) -> Option<TokenStream> {
    let arg = ident(&p.rust);
    if p.ty == ParamType::One(ParamScalar::Domain) {
        let domain = rt("__private::DomainName");
        return Some(if p.optional {
            quote! { let #arg = #arg.map(#domain); }
        } else {
            quote! { let #arg = #domain(#arg); }
        });
    }
    if let Some(max_length) = p.max_length {
        let limited = rt("__private::Limited");
        let refusal = railgun_spec::ir::too_long(max_length);
        let max_length = Literal::usize_unsuffixed(max_length);
        let text = local("text");
        return Some(if p.optional {
            quote! { let #arg = #arg.map(|#text| #limited { #text, max_chars: #max_length, refusal: #refusal }); }
        } else {
            quote! { let #arg = #limited { text: #arg, max_chars: #max_length, refusal: #refusal }; }
        });
    }
    let bounds = p.bounds?;
    let bounded = rt("__private::Bounded");
    let minimum = Literal::u64_unsuffixed(bounds.minimum);
    let maximum = match bounds.maximum {
        u64::MAX => quote! { ::std::primitive::u64::MAX },
        maximum => Literal::u64_unsuffixed(maximum).into_token_stream(),
    };
    let refusal = bounds.refusal();
    let value = local("value");
    Some(if p.optional {
        quote! {
            let #arg = #arg.map(|#value| #bounded { #value, minimum: #minimum, maximum: #maximum, refusal: #refusal });
        }
    } else {
        quote! { let #arg = #bounded { value: #arg, minimum: #minimum, maximum: #maximum, refusal: #refusal }; }
    })
}

/// The body's layout, as the runtime's `&[BodyMember]`.
fn body_layout(members: &[BodyMember]) -> TokenStream {
    let member = rt("__private::BodyMember");
    let value = rt("__private::BodyValue");
    let members = members.iter().map(|m| {
        let name = &m.name;
        let held = match &m.value {
            BodyValue::Param { slot, .. } => {
                let slot = Literal::usize_unsuffixed(*slot);
                quote! { #value::Arg(#slot) }
            }
            BodyValue::Object(inner) => {
                let inner = body_layout(inner);
                quote! { #value::Object(#inner) }
            }
        };
        quote! { #member { name: #name, value: #held } }
    });
    quote! { &[#(#members),*] }
}

/// Where each argument goes, in the order the runtime takes them: a REST
/// path's parameters in the template's order, then the others in spec
/// order; each body member with its slot, the page number as such.
fn pushes(ep: &Endpoint, request: &proc_macro2::Ident) -> Vec<TokenStream> {
    let (path, slots) = match &ep.binding {
        Binding::ActionForm(_) => (Vec::new(), Vec::new()),
        Binding::RestJson(rest) => {
            let path = rest.path.iter().filter_map(|s| match s {
                PathSegment::Param { param, .. } => Some(*param),
                PathSegment::Literal(_) => None,
            });
            (path.collect(), BodyMember::params(&rest.body))
        }
    };
    let page = ep.pagination.map(|p| p.page);
    let others = (0..ep.params.len()).filter(|j| !path.contains(j));
    path.iter()
        .copied()
        .chain(others)
        .map(|j| {
            let place = match slots.iter().find(|(param, _)| *param == j) {
                Some((_, slot)) => Place::Body(*slot),
                None if page == Some(j) => Place::Page,
                None => Place::Location,
            };
            push(&ep.params[j], place, request)
        })
        .collect()
}

/// How an argument is handed to the request, beside its location.
#[derive(Clone, Copy)]
enum Place {
    /// By its location alone.
    Location,
    /// A body member, in this slot of the body's layout.
    Body(usize),
    /// A paginated list's page number.
    Page,
}

/// The statement that puts one argument where it goes.
fn push(p: &Param, place: Place, request: &proc_macro2::Ident) -> TokenStream {
    let arg = ident(&p.rust);
    let wire = &p.wire;
    let value = local("value");
    let verb = ident(match (p.location, place) {
        (_, Place::Page) => "page",
        (ParamLocation::Form, _) => "param",
        (ParamLocation::Path, _) => "path",
        (ParamLocation::Query, _) => "query",
        (ParamLocation::Header, _) => "header",
        (ParamLocation::Body, _) => "body",
    });
    let slot = match place {
        Place::Body(slot) => {
            let slot = Literal::usize_unsuffixed(slot);
            quote! { #slot, }
        }
        Place::Location | Place::Page => TokenStream::new(),
    };
    let call = |v: TokenStream| match &p.ty {
        ParamType::One(_) => quote! { #request.#verb(#slot #wire, #v)?; },
        ParamType::List(_, encoding) => {
            let verb = quote::format_ident!("{}_list", verb);
            let encoding = match encoding {
                ListEncoding::Json => rt("__private::ListEncoding::Json"),
            };
            quote! { #request.#verb(#slot #wire, #v, #encoding)?; }
        }
    };
    // A checked argument is wrapped by now (`DomainName`, `Limited`),
    // owned like a flag.
    let owned = by_value(&p.ty) || checked_wrap(p).is_some();
    match (p.optional, owned) {
        (false, false) => call(quote! { #arg }),
        (false, true) => call(quote! { &#arg }),
        (true, false) => {
            let call = call(quote! { #value });
            quote! { if let ::std::option::Option::Some(#value) = #arg { #call } }
        }
        (true, true) => {
            let call = call(quote! { #value });
            quote! { if let ::std::option::Option::Some(#value) = &#arg { #call } }
        }
    }
}

/// Small `Copy` values (flags, integers, closed enums) are passed by value.
pub(super) fn by_value(ty: &ParamType) -> bool {
    match ty {
        ParamType::One(scalar) => match scalar {
            ParamScalar::Flag | ParamScalar::Integer => true,
            ParamScalar::Enum(e) => !e.open,
            ParamScalar::Text | ParamScalar::Domain | ParamScalar::Secret | ParamScalar::IpRange(_) => false,
        },
        ParamType::List(..) => false,
    }
}

/// The type of one value, owned (`bool`, `Mode`) or unsized (`str`), the
/// models named through `types`.
pub(super) fn scalar_type_in(scalar: &ParamScalar, types: &TokenStream) -> TokenStream {
    match scalar {
        ParamScalar::Text | ParamScalar::Domain => quote! { str },
        ParamScalar::Secret => rt("Secret"),
        ParamScalar::Flag => quote! { bool },
        ParamScalar::Integer => quote! { u64 },
        ParamScalar::Enum(e) => {
            let n = ident(&e.named.name);
            quote! { #types::#n }
        }
        ParamScalar::IpRange(range) => match &range.named {
            Some(named) => {
                let n = ident(&named.name);
                quote! { #types::#n }
            }
            None => ip_range_type(range.netmask),
        },
    }
}

/// [`scalar_type_in`] the expansion's own `types` module.
fn scalar_type(scalar: &ParamScalar) -> TokenStream {
    scalar_type_in(scalar, &quote! { super::types })
}

/// The argument type of a parameter, its references with `lifetime` when
/// one is given.
fn param_type(p: &Param, lifetime: Option<&TokenStream>) -> TokenStream {
    let base = match &p.ty {
        ParamType::One(scalar) => {
            let ty = scalar_type(scalar);
            if by_value(&p.ty) {
                ty
            } else {
                quote! { &#lifetime #ty }
            }
        }
        ParamType::List(ParamScalar::Text, _) => quote! { &#lifetime [&#lifetime str] },
        ParamType::List(scalar, _) => {
            let ty = scalar_type(scalar);
            quote! { &#lifetime [#ty] }
        }
    };
    if p.optional {
        quote! { ::std::option::Option<#base> }
    } else {
        base
    }
}

fn method_doc(api: &Api, family: &Family, ep: &Endpoint) -> String {
    let methods = ep.binding.methods().iter().map(|m| format!("`{}`", m.as_str())).collect::<Vec<_>>();
    let (transport, refusal) = match &ep.binding {
        Binding::ActionForm(form) if form.methods.len() == 1 => (
            format!(
                "Sent as {} to `{}{}` whatever method the client is configured with; \
                 a successful answer carries `act: {}`.",
                methods[0], api.base_url, ep.action, form.act
            ),
            "[`railgun_runtime::Error::Api`] when the service answers `result: error`",
        ),
        Binding::ActionForm(form) => (
            format!(
                "Sent as {} (see [`railgun_runtime::HttpMethod`]) to `{}{}`; a successful answer carries `act: {}`.",
                methods.join(" or "),
                api.base_url,
                ep.action,
                form.act
            ),
            "[`railgun_runtime::Error::Api`] when the service answers `result: error`",
        ),
        Binding::RestJson(rest) => (
            format!("Sent as {} to `{}{}`.", methods.join(" or "), api.base_url, rest.template),
            "[`railgun_runtime::Error::ApiErrors`] when the service answers `success: false`",
        ),
    };
    let mut args: Vec<String> = ep
        .params
        .iter()
        .map(|p| {
            let optional = if p.optional { " Optional: `None` leaves it out." } else { "" };
            let place = match p.location {
                ParamLocation::Form => format!("`{}`", p.wire),
                ParamLocation::Path => format!("path `{{{}}}`", p.wire),
                ParamLocation::Query => format!("query `{}`", p.wire),
                ParamLocation::Header => format!("header `{}`", p.wire),
                ParamLocation::Body => format!("body `{}`", p.wire),
            };
            let checked = if p.ty == ParamType::One(ParamScalar::Domain) {
                " Refused before anything is sent unless it is a domain name \
                 ([`railgun_runtime::is_domain_name`])."
                    .to_owned()
            } else if let Some(bounds) = p.bounds {
                format!(" Refused before anything is sent unless it is {}.", bounds.described())
            } else if let Some(max_length) = p.max_length {
                format!(" Refused before anything is sent when longer than {max_length} characters.")
            } else {
                String::new()
            };
            format!("- `{}` ({place}): {}{checked}{optional}", p.rust, p.doc.trim())
        })
        .collect();
    if args.is_empty() {
        args.push("None besides the client's credentials.".to_owned());
    }
    let mut refused_early = String::new();
    if ep.params.iter().any(|p| p.ty == ParamType::One(ParamScalar::Domain)) {
        refused_early.push_str(", or a domain argument is not a domain name");
    }
    if ep.params.iter().any(|p| p.bounds.is_some()) {
        refused_early.push_str(", or an integer argument is outside its bounds");
    }
    if ep.params.iter().any(|p| p.max_length.is_some()) {
        refused_early.push_str(", or a text argument is longer than its limit");
    }
    let deviations = if ep.deviations.is_empty() {
        String::new()
    } else {
        let items: Vec<_> = ep.deviations.iter().map(|d| format!("- {}: {}", d.item, d.reason.trim())).collect();
        format!("This client differs from the upstream page on purpose:\n{}", items.join("\n"))
    };
    let pages = if ep.paginated() {
        format!(
            "Answers one page of the list, with the answer's `result_info` \
             ([`railgun_runtime::Page`]): `page` picks it (from 1), `per_page` its size. \
             [`Self::{}_stream`] walks every page.",
            ep.action
        )
    } else {
        String::new()
    };
    paragraphs([
        ep.summary.trim(),
        ep.doc.as_deref().unwrap_or_default(),
        &transport,
        &pages,
        &format!("# Arguments\n\n{}", args.join("\n")),
        if ep.idempotent {
            "# Retries\n\nSafe to repeat: sending it twice does what sending it once does, so the client \
             retries it after a failure that may pass (see [`railgun_runtime::RetryPolicy`])."
        } else {
            "# Retries\n\nNot safe to repeat. The client sends it again only when the first attempt \
             cannot have reached the service (it could not connect, or a 429 answer). After any other failure, \
             [`railgun_runtime::Error::may_have_been_applied`] tells whether to check the state before \
             calling again."
        },
        &format!(
            "# Errors\n\n[`railgun_runtime::Error::InvalidInput`] before anything is sent when an argument \
             is empty{refused_early}; otherwise any other [`railgun_runtime::Error`] the exchange meets, such as \
             {refusal}."
        ),
        &match &ep.undocumented {
            None => format!("# Upstream\n\n[{} › {}]({})", family.title, ep.action, ep.docs_url),
            Some(reason) => {
                format!("# Upstream\n\nNot in the upstream reference: {reason}\n\nNearest page: <{}>", ep.docs_url)
            }
        },
        &deviations,
    ])
}
