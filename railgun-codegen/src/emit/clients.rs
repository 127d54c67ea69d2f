//! One module per family: its client type, constructors and one async
//! method per action.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{attrs, paragraphs};
use super::{ident, rt};
use crate::model::{Endpoint, Family, Method, Param, Spec, TypeKind};
use crate::ty::{Scalar, TypeExpr};

pub fn family_module(spec: &Spec, family: &Family) -> TokenStream {
    let module = ident(&family.name);
    let client = ident(&family.client);
    let module_doc = format!(" The {}: [`{}`] and its methods.", family.title, family.client);
    let client_doc = attrs(&paragraphs([
        family.doc.as_str(),
        &format!(
            "Build one with [`{0}::new`] or, to change the base URL, HTTP method, timeout, \
             user agent or HTTP client, with [`{0}::builder`]. Cloning is cheap: clones share \
             one connection pool.",
            family.client
        ),
        &format!("Upstream reference: <{}>", spec.docs_url(&family.docs)),
    ]));

    let cred_args = family.auth.iter().map(|p| {
        let name = ident(p.rust_name());
        let ty = match TypeExpr::parse(&p.ty) {
            Ok(TypeExpr::Scalar(Scalar::Secret)) => {
                let secret = rt("Secret");
                quote! { impl ::std::convert::Into<#secret> }
            }
            _ => quote! { impl ::std::convert::Into<::std::string::String> },
        };
        quote! { #name: #ty }
    });
    let cred_args: Vec<_> = cred_args.collect();
    let cred_values = family.auth.iter().map(|p| {
        let name = ident(p.rust_name());
        let wire = &p.name;
        let credential = rt("__private::Credential");
        match TypeExpr::parse(&p.ty) {
            Ok(TypeExpr::Scalar(Scalar::Secret)) => {
                quote! { #credential::secret(#wire, #name.into()) }
            }
            _ => quote! { #credential::plain(#wire, #name.into()) },
        }
    });
    let cred_names: Vec<_> = family.auth.iter().map(|p| ident(p.rust_name())).collect();
    let cred_docs = family
        .auth
        .iter()
        .map(|p| format!("- `{}` (`{}`): {}", p.rust_name(), p.name, p.doc.trim()))
        .collect::<Vec<_>>()
        .join("\n");
    let new_doc = attrs(&paragraphs([
        format!("A client with the default settings, sending to <{}>.", spec.base_url),
        cred_docs.clone(),
        "# Errors\n\n[`railgun_api::Error::InvalidInput`] when a credential is empty.".to_owned(),
    ]));
    let builder_doc = attrs(&paragraphs([
        "A builder for a client with other settings; see [`railgun_api::ApiBuilder`].".to_owned(),
        cred_docs,
    ]));

    let base_url = &spec.base_url;
    let builder = rt("ApiBuilder");
    let new_builder = rt("__private::builder");
    let error = rt("Error");
    let session = rt("__private::Session");
    let from_session = rt("__private::FromSession");
    let methods = spec.endpoints_of(&family.name).map(|ep| method(spec, family, ep));

    quote! {
        #[doc = #module_doc]
        pub mod #module {
            #client_doc
            #[derive(Clone)]
            pub struct #client {
                session: #session,
            }

            impl #client {
                #new_doc
                pub fn new(#(#cred_args),*) -> ::std::result::Result<Self, #error> {
                    Self::builder(#(#cred_names),*).build()
                }

                #builder_doc
                pub fn builder(#(#cred_args),*) -> #builder<Self> {
                    #new_builder(#base_url, ::std::vec![#(#cred_values),*])
                }

                #(#methods)*
            }

            impl #from_session for #client {
                fn from_session(session: #session) -> Self {
                    Self { session }
                }
            }

            impl ::std::fmt::Debug for #client {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(::std::stringify!(#client)).field("session", &self.session).finish()
                }
            }
        }
    }
}

fn method(spec: &Spec, family: &Family, ep: &Endpoint) -> TokenStream {
    let name = ident(&ep.action);
    let action = &ep.action;
    let act = &ep.act;
    let get = ep.methods.contains(&Method::Get);
    let post = ep.methods.contains(&Method::Post);
    let response = ident(&ep.response);
    let error = rt("Error");
    let endpoint_ty = rt("__private::Endpoint");
    let secret_keys = secret_keys(spec, family, ep);

    let args = ep.params.iter().map(|p| {
        let arg = ident(p.rust_name());
        let ty = param_type(spec, p);
        quote! { #arg: #ty }
    });
    let pushes = ep.params.iter().map(|p| {
        let arg = ident(p.rust_name());
        let wire = &p.name;
        let by_value = is_copy_enum(spec, p);
        match (p.optional, by_value) {
            (false, false) => quote! { request.param(#wire, #arg)?; },
            (false, true) => quote! { request.param(#wire, &#arg)?; },
            (true, false) => {
                quote! { if let ::std::option::Option::Some(value) = #arg { request.param(#wire, value)?; } }
            }
            (true, true) => {
                quote! { if let ::std::option::Option::Some(value) = &#arg { request.param(#wire, value)?; } }
            }
        }
    });
    let doc = attrs(&method_doc(spec, family, ep));

    quote! {
        #doc
        pub async fn #name(&self, #(#args),*) -> ::std::result::Result<super::types::#response, #error> {
            const ENDPOINT: #endpoint_ty = #endpoint_ty {
                action: #action,
                act: #act,
                get: #get,
                post: #post,
                secret_keys: &[#(#secret_keys),*],
            };
            let mut request = self.session.request(&ENDPOINT);
            #(#pushes)*
            self.session.call(request).await
        }
    }
}

fn method_doc(spec: &Spec, family: &Family, ep: &Endpoint) -> String {
    let methods = ep.methods.iter().map(|m| format!("`{}`", m.as_str())).collect::<Vec<_>>();
    let transport = if ep.methods.len() == 1 {
        format!(
            "Sent as {} to `{}{}` whatever method the client is configured with; \
             a successful answer carries `act: {}`.",
            methods[0], spec.base_url, ep.action, ep.act
        )
    } else {
        format!(
            "Sent as {} (see [`railgun_api::HttpMethod`]) to `{}{}`; a successful answer carries `act: {}`.",
            methods.join(" or "),
            spec.base_url,
            ep.action,
            ep.act
        )
    };
    let mut args: Vec<String> = ep
        .params
        .iter()
        .map(|p| {
            let optional = if p.optional { " Optional: `None` leaves it out." } else { "" };
            format!("- `{}` (`{}`): {}{optional}", p.rust_name(), p.name, p.doc.trim())
        })
        .collect();
    if args.is_empty() {
        args.push("None besides the client's credentials.".to_owned());
    }
    let deviations = if ep.deviations.is_empty() {
        String::new()
    } else {
        let items: Vec<_> = ep.deviations.iter().map(|d| format!("- {}: {}", d.item, d.reason.trim())).collect();
        format!("This client differs from the upstream page on purpose:\n{}", items.join("\n"))
    };
    paragraphs([
        ep.summary.trim(),
        ep.doc.as_deref().unwrap_or_default(),
        &transport,
        &format!("# Arguments\n\n{}", args.join("\n")),
        "# Errors\n\n[`railgun_api::Error::InvalidInput`] before anything is sent when an argument \
         is empty; otherwise any other [`railgun_api::Error`] the exchange meets, such as \
         [`railgun_api::Error::Api`] when the service answers `result: error`.",
        &format!("# Upstream\n\n[{} › {}]({})", family.title, ep.action, spec.docs_url(&ep.docs)),
        &deviations,
    ])
}

/// The argument type of a parameter.
fn param_type(spec: &Spec, p: &Param) -> TokenStream {
    let base = match TypeExpr::parse(&p.ty).expect("validated type expression") {
        TypeExpr::Scalar(Scalar::Secret) => {
            let secret = rt("Secret");
            quote! { &#secret }
        }
        TypeExpr::Scalar(Scalar::IpRanges) => {
            let range = rt("IpRange");
            quote! { &[#range] }
        }
        TypeExpr::Named(n) => {
            let n = ident(&n);
            if is_copy_enum(spec, p) {
                quote! { super::types::#n }
            } else {
                quote! { &super::types::#n }
            }
        }
        _ => quote! { &str },
    };
    if p.optional {
        quote! { ::std::option::Option<#base> }
    } else {
        base
    }
}

/// Closed enums are small `Copy` values and are passed by value.
fn is_copy_enum(spec: &Spec, p: &Param) -> bool {
    spec.type_def(&p.ty).is_some_and(|d| d.kind == TypeKind::Enum && d.open != Some(true))
}

/// Wire names whose values are secrets, in the request or anywhere in the
/// answer: the runtime blanks them out of every text it shows.
fn secret_keys(spec: &Spec, family: &Family, ep: &Endpoint) -> Vec<String> {
    let mut keys = BTreeSet::new();
    for p in family.auth.iter().chain(&ep.params) {
        if TypeExpr::parse(&p.ty) == Ok(TypeExpr::Scalar(Scalar::Secret)) {
            keys.insert(p.name.clone());
        }
    }
    let mut pending = vec![ep.response.clone()];
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        for f in spec.type_def(&name).and_then(|d| d.fields.as_ref()).into_iter().flatten() {
            match TypeExpr::parse(&f.ty) {
                Ok(TypeExpr::Scalar(Scalar::Secret)) => {
                    keys.insert(f.name.clone());
                }
                Ok(TypeExpr::Named(n)) => pending.push(n),
                Ok(TypeExpr::List(inner)) => {
                    if let TypeExpr::Named(n) = *inner {
                        pending.push(n);
                    }
                }
                _ => {}
            }
        }
    }
    keys.into_iter().collect()
}
