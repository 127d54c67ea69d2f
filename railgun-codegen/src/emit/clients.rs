//! One module per family: its client type, one pair of constructors per
//! auth scheme, and one async method per endpoint.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{attrs, paragraphs};
use super::{ident, methods, rt};
use railgun_spec::ir::{Api, AuthScheme, Credential, CredentialLocation, Family, FamilyId, Protocol};
use railgun_spec::names;

pub fn family_module(api: &Api, id: FamilyId, family: &Family) -> TokenStream {
    let module = ident(&family.name);
    let client = ident(&family.client);
    let module_doc = format!(" The {}: [`{}`] and its methods.", family.title, family.client);
    let client_doc = attrs(&paragraphs([
        family.doc.as_str(),
        &how_to_build(api, family),
        &format!("Upstream reference: <{}>", family.docs_url),
    ]));
    let constructors = family.auth.iter().map(|scheme| constructors(api, scheme));
    let session = rt("__private::Session");
    let from_session = rt("__private::FromSession");
    let methods = api.endpoints_of(id).map(|ep| methods::method(api, family, ep));
    let pauses = pauses_method();

    quote! {
        #[doc = #module_doc]
        pub mod #module {
            #client_doc
            #[derive(Clone)]
            pub struct #client {
                session: #session,
            }

            impl #client {
                #(#constructors)*

                #pauses

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

/// The names of a scheme's constructor and builder function.
fn constructor_names(scheme: &AuthScheme) -> [String; 2] {
    match &scheme.name {
        None => names::CONSTRUCTORS.map(str::to_owned),
        Some(name) => names::scheme_constructors(name),
    }
}

fn how_to_build(api: &Api, family: &Family) -> String {
    let settings = match api.protocol {
        Protocol::ActionForm => "base URL, HTTP method, timeout, user agent or HTTP client",
        Protocol::RestJson => "base URL, timeout, user agent or HTTP client",
    };
    let links = |which: usize| {
        let links: Vec<String> = family
            .auth
            .iter()
            .map(|scheme| format!("[`{}::{}`]", family.client, constructor_names(scheme)[which]))
            .collect();
        links.join(" or ")
    };
    let choice = if family.auth.len() > 1 { ", one per way to authenticate," } else { "" };
    format!(
        "Build one with {}{choice} or, to change the {settings}, with {}. Cloning is cheap: clones share \
         one HTTP client.",
        links(0),
        links(1)
    )
}

fn constructors(api: &Api, scheme: &AuthScheme) -> TokenStream {
    let [new, builder] = constructor_names(scheme).map(|n| format_ident!("{}", n));
    let args: Vec<TokenStream> = scheme
        .credentials
        .iter()
        .map(|c| {
            let name = ident(&c.rust);
            let ty = if c.secret {
                let secret = rt("Secret");
                quote! { impl ::std::convert::Into<#secret> }
            } else {
                quote! { impl ::std::convert::Into<::std::string::String> }
            };
            quote! { #name: #ty }
        })
        .collect();
    let names: Vec<_> = scheme.credentials.iter().map(|c| ident(&c.rust)).collect();
    let values = scheme.credentials.iter().map(credential_value);
    let cred_docs = scheme.credentials.iter().map(credential_doc).collect::<Vec<_>>().join("\n");
    let in_headers = scheme.credentials.iter().any(|c| match c.location {
        CredentialLocation::Form => false,
        CredentialLocation::Header | CredentialLocation::Bearer => true,
    });
    let errors = match (scheme.credentials.is_empty(), in_headers) {
        (true, _) => "[`railgun_runtime::Error::Build`] when the HTTP client cannot be made.",
        (false, true) => {
            "[`railgun_runtime::Error::InvalidInput`] when a credential is empty or cannot be sent in a header."
        }
        (false, false) => "[`railgun_runtime::Error::InvalidInput`] when a credential is empty.",
    };
    let new_doc = attrs(&paragraphs([
        format!("A client with the default settings, sending to <{}>.", api.base_url),
        cred_docs.clone(),
        format!("# Errors\n\n{errors}"),
    ]));
    let builder_doc = attrs(&paragraphs([
        "A builder for a client with other settings; see [`railgun_runtime::ApiBuilder`].".to_owned(),
        cred_docs,
    ]));
    let base_url = &api.base_url;
    let retry_statuses = api.retry_statuses.iter().map(|s| proc_macro2::Literal::u16_unsuffixed(*s));
    let api_builder = rt("ApiBuilder");
    let new_builder = rt("__private::builder");
    let error = rt("Error");
    quote! {
        #new_doc
        pub fn #new(#(#args),*) -> ::std::result::Result<Self, #error> {
            Self::#builder(#(#names),*).build()
        }

        #builder_doc
        pub fn #builder(#(#args),*) -> #api_builder<Self> {
            #new_builder(#base_url, ::std::vec![#(#values),*], &[#(#retry_statuses),*])
        }
    }
}

/// The client's own method beside the endpoints' (its name is reserved:
/// [`names::CLIENT_METHODS`]).
fn pauses_method() -> TokenStream {
    let pauses = rt("Pauses");
    let doc = attrs(&paragraphs([
        "How the service's 429 answers have held this client and its clones back so far: how many, for how \
         long in all, and what is left of the current pause. Every call waits out a 429's `Retry-After`; see \
         [`railgun_runtime::ApiBuilder::rate_limit`]."
            .to_owned(),
    ]));
    quote! {
        #doc
        pub fn pauses(&self) -> #pauses {
            self.session.pauses()
        }
    }
}

fn credential_value(c: &Credential) -> TokenStream {
    let name = ident(&c.rust);
    let wire = &c.wire;
    let credential = rt("__private::Credential");
    match (c.location, c.secret) {
        (CredentialLocation::Form, false) => quote! { #credential::plain(#wire, #name.into()) },
        (CredentialLocation::Form, true) => quote! { #credential::secret(#wire, #name.into()) },
        (CredentialLocation::Header, false) => quote! { #credential::header(#wire, #name.into()) },
        (CredentialLocation::Header, true) => quote! { #credential::secret_header(#wire, #name.into()) },
        // Resolution made sure a bearer token is a secret.
        (CredentialLocation::Bearer, _) => quote! { #credential::bearer(#name.into()) },
    }
}

fn credential_doc(c: &Credential) -> String {
    let place = match c.location {
        CredentialLocation::Form => format!("`{}`", c.wire),
        CredentialLocation::Header => format!("header `{}`", c.wire),
        CredentialLocation::Bearer => "`Authorization: Bearer`".to_owned(),
    };
    format!("- `{}` ({place}): {}", c.rust, c.doc.trim())
}
