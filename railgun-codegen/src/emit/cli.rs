//! A command line from the same model as the client: per family a clap
//! command with one subcommand per endpoint, and per endpoint the function
//! that reads its arguments, calls the **typed client method** and prints
//! its typed answer.
//!
//! The output is a source file of the command line's own (committed by
//! `cargo xtask codegen`), written against three things:
//!
//! - the client the spec expands into, at the path given ([`CliPaths`]);
//! - `clap`;
//! - the command line's hand-written context, at `CliPaths::context`,
//!   which provides `Context` (credentials, settings, printing) and
//!   `Failure`: `Context::secret(name, file)`, `Context::credential(name)`,
//!   `Context::secret_credential(name)`, `Context::has(names)`,
//!   `Context::missing_credentials(family, ways)`, `Context::configure(builder,
//!   base_url_setting, service_url)`, `Context::failed(error, command,
//!   idempotent)`, `Context::print(answer, idempotent)`,
//!   `Context::print_stream(stream)` and `Context::unknown_command(name)`.
//!
//! Every value is checked as the generated method checks it (a domain
//! name, bounds, a length, an IP range's netmask) before anything is sent,
//! with the same words, and every answer is decoded by the client.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::attrs;
use super::ident;
use super::methods::{by_value, scalar_type_in};
use super::models::snake_name;
use railgun_spec::ir::{
    Api, AuthScheme, CredentialLocation, Endpoint, Family, ListEncoding, Param, ParamScalar, ParamType, Protocol,
    TypeKind,
};
use railgun_spec::names;

/// Where the generated command line finds what it calls.
#[derive(Debug, Clone)]
pub struct CliPaths {
    /// The client crate's root (`::railgun_api`): `Secret`,
    /// `check_domain_name`.
    pub sdk: TokenStream,
    /// The module the spec expanded into (`::railgun_api` or
    /// `::railgun_api::v4`): its client types and its `types`.
    pub module: TokenStream,
    /// The command line's hand-written `Context` and `Failure`.
    pub context: TokenStream,
}

/// The command line of `api`: a `Family` enum, and a module per family.
pub fn cli(api: &Api, paths: &CliPaths) -> TokenStream {
    let context = &paths.context;
    let variants: Vec<_> = api.families.iter().map(|f| format_ident!("{}", camel(&f.name))).collect();
    let modules: Vec<_> = api.families.iter().map(|f| ident(&f.name)).collect();
    let names: Vec<&str> = api.families.iter().map(|f| f.name.as_str()).collect();
    let variant_docs: Vec<String> =
        api.families.iter().map(|f| format!(" `railgun {}`: the {}.", f.name, f.title)).collect();
    let count = Literal::usize_unsuffixed(api.families.len());
    let title = api.title.as_deref().unwrap_or("API");
    let family_doc = attrs(&format!("The families of the {title}, each a command of its own."));
    let families = api.families().map(|(id, family)| family_module(api, id, family, paths));
    quote! {
        #![allow(clippy::too_many_lines)]

        use #context::{Context, Failure};

        #family_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Family {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
        }

        impl Family {
            /// Every family, in spec order.
            pub const ALL: [Family; #count] = [#(Family::#variants),*];

            /// Its command's name.
            pub fn name(self) -> &'static str {
                match self {
                    #(Family::#variants => #names,)*
                }
            }

            /// Its command, one subcommand per endpoint.
            pub fn command(self) -> ::clap::Command {
                match self {
                    #(Family::#variants => #modules::command(),)*
                }
            }

            /// Runs the endpoint subcommand `matches` (the family's) names.
            pub async fn run(self, matches: &::clap::ArgMatches, context: &Context) -> ::std::result::Result<(), Failure> {
                match self {
                    #(Family::#variants => #modules::run(matches, context).await,)*
                }
            }
        }

        #(#families)*
    }
}

/// `partner` → `Partner`.
fn camel(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// `conn_setmode_enabled` → `conn-setmode-enabled`.
fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

/// The setting that names a credential, in the environment
/// (`RAILGUN_<NAME>`) and the config file: a form field's wire name
/// (`host_key`, `email`, `tkn`); a header's or a bearer token's `api_` and
/// its argument name (`api_email`, `api_key`, `api_token`).
fn credential_setting(c: &railgun_spec::ir::Credential) -> String {
    match c.location {
        CredentialLocation::Form => c.wire.clone(),
        CredentialLocation::Header | CredentialLocation::Bearer => format!("api_{}", c.rust),
    }
}

/// `RAILGUN_HOST_KEY` for `host_key`.
fn env_name(setting: &str) -> String {
    format!("RAILGUN_{}", setting.to_ascii_uppercase().replace('-', "_"))
}

fn family_module(api: &Api, id: railgun_spec::ir::FamilyId, family: &Family, paths: &CliPaths) -> TokenStream {
    let module = ident(&family.name);
    let name = &family.name;
    let about = format!("The {}", family.title);
    let long_about = format!("{}\nUpstream: {}", family.doc.trim(), family.docs_url);
    let endpoints: Vec<&Endpoint> = api.endpoints_of(id).collect();
    let commands = endpoints.iter().map(|ep| format_ident!("{}_command", ep.action));
    let runs = endpoints.iter().map(|ep| format_ident!("{}_run", ep.action));
    let subcommands: Vec<String> = endpoints.iter().map(|ep| kebab(&ep.action)).collect();
    let items = endpoints.iter().map(|ep| endpoint_items(api, family, ep, paths));
    let client = client_fn(api, family, paths);
    let doc = attrs(&format!("`railgun {name} …`: the {}.", family.title));
    quote! {
        #doc
        pub mod #module {
            use super::{Context, Failure};

            /// The family's command, one subcommand per endpoint.
            pub fn command() -> ::clap::Command {
                ::clap::Command::new(#name)
                    .about(#about)
                    .long_about(#long_about)
                    .subcommand_required(true)
                    #(.subcommand(#commands()))*
            }

            /// Runs the endpoint subcommand `matches` names.
            pub async fn run(matches: &::clap::ArgMatches, context: &Context) -> ::std::result::Result<(), Failure> {
                let ::std::option::Option::Some((name, args)) = matches.subcommand() else {
                    return ::std::result::Result::Err(context.unknown_command(#name));
                };
                match name {
                    #(#subcommands => #runs(args, context).await,)*
                    other => ::std::result::Result::Err(context.unknown_command(other)),
                }
            }

            #client

            #(#items)*
        }
    }
}

/// `api(context)`: the family's client, with the first way to
/// authenticate whose credentials are all set.
fn client_fn(api: &Api, family: &Family, paths: &CliPaths) -> TokenStream {
    let module = &paths.module;
    let client = ident(&family.client);
    let setting = match api.protocol {
        Protocol::ActionForm => "base_url",
        Protocol::RestJson => "v4_base_url",
    };
    let service = &api.base_url;
    // The last statement of the function returns its value; a way to
    // authenticate among several returns early.
    let build = |scheme: &AuthScheme, early: bool| {
        let constructor = match &scheme.name {
            None => format_ident!("{}", names::CONSTRUCTORS[1]),
            Some(name) => format_ident!("{}", names::scheme_constructors(name)[1]),
        };
        let values = scheme.credentials.iter().map(|c| {
            let setting = credential_setting(c);
            if c.secret {
                quote! { context.secret_credential(#setting)? }
            } else {
                quote! { context.credential(#setting)? }
            }
        });
        let made =
            quote! { context.configure(builder, #setting, #service)?.build().map_err(::std::convert::Into::into) };
        let made = if early {
            quote! { return #made; }
        } else {
            made
        };
        quote! {
            let builder = #module::#client::#constructor(#(#values),*);
            #made
        }
    };
    let body = if family.auth.len() == 1 {
        build(&family.auth[0], false)
    } else {
        let ways = family.auth.iter().map(|scheme| {
            let settings: Vec<String> = scheme.credentials.iter().map(credential_setting).collect();
            let build = build(scheme, true);
            quote! {
                if context.has(&[#(#settings),*]) {
                    #build
                }
            }
        });
        let all: Vec<TokenStream> = family
            .auth
            .iter()
            .map(|scheme| {
                let settings: Vec<String> = scheme.credentials.iter().map(credential_setting).collect();
                quote! { &[#(#settings),*] }
            })
            .collect();
        let name = &family.name;
        quote! {
            #(#ways)*
            ::std::result::Result::Err(context.missing_credentials(#name, &[#(#all),*]))
        }
    };
    let doc = format!(" A client of the {}, its credentials from the environment or the config file.", family.title);
    quote! {
        #[doc = #doc]
        pub fn api(context: &Context) -> ::std::result::Result<#module::#client, Failure> {
            #body
        }
    }
}

/// The endpoint's subcommand and the function that runs it.
fn endpoint_items(api: &Api, family: &Family, ep: &Endpoint, paths: &CliPaths) -> TokenStream {
    let command_fn = format_ident!("{}_command", ep.action);
    let name = kebab(&ep.action);
    let about = ep.summary.trim();
    let long_about =
        [Some(ep.summary.trim()), ep.doc.as_deref().map(str::trim), Some(&format!("Upstream: {}", ep.docs_url))]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n\n");
    let args = ep.params.iter().map(|p| arg(api, p, paths));
    let secrets: Vec<String> = ep
        .params
        .iter()
        .filter(|p| p.ty == ParamType::One(ParamScalar::Secret))
        .map(|p| format!("{} ({})", p.wire, env_name(&p.wire)))
        .collect();
    let after_help = (!secrets.is_empty()).then(|| {
        let text = format!(
            "Secrets: {} from the environment, the config file, or a --…-file; never from the command line.",
            secrets.join(", ")
        );
        quote! { .after_help(#text) }
    });
    let all = ep.pagination.map(|pagination| {
        let page = &ep.params[pagination.page].wire;
        quote! {
            .arg(
                ::clap::Arg::new("all")
                    .long("all")
                    .action(::clap::ArgAction::SetTrue)
                    .conflicts_with(#page)
                    .help("Every page, one after the other, as one list (--per-page sets their length)"),
            )
        }
    });
    let doc = format!(" `railgun {} {name}`: {about}", family.name);
    let run = run_fn_body(family, ep, paths);
    quote! {
        #[doc = #doc]
        fn #command_fn() -> ::clap::Command {
            ::clap::Command::new(#name)
                .about(#about)
                .long_about(#long_about)
                #(.arg(#args))*
                #all
                #after_help
        }

        #run
    }
}

/// The option of one parameter: a typed value parser, or, for a secret,
/// the file to read it from (`--rtkn-file`).
fn arg(api: &Api, p: &Param, paths: &CliPaths) -> TokenStream {
    let id = &p.wire;
    if p.ty == ParamType::One(ParamScalar::Secret) {
        let long = format!("{}-file", kebab(&p.wire));
        let id = format!("{}-file", p.wire);
        let help = format!("Read {} from this file ('-': stdin) instead of ${}", p.wire, env_name(&p.wire));
        return quote! {
            ::clap::Arg::new(#id)
                .long(#long)
                .value_name("PATH")
                .value_parser(::clap::value_parser!(::std::path::PathBuf))
                .help(#help)
        };
    }
    let long = kebab(&p.rust);
    let alias = (p.rust != p.wire).then(|| {
        let alias = kebab(&p.wire);
        quote! { .alias(#alias) }
    });
    let help = p.doc.trim();
    let required = !p.optional;
    let value_name = match &p.ty {
        ParamType::One(ParamScalar::Domain) => "DOMAIN",
        ParamType::One(ParamScalar::Integer) => "NUMBER",
        ParamType::One(ParamScalar::Flag) => "BOOL",
        ParamType::One(ParamScalar::Enum(_)) => "MODE",
        ParamType::One(ParamScalar::IpRange(_)) | ParamType::List(ParamScalar::IpRange(_), _) => "RANGE",
        ParamType::One(ParamScalar::Text | ParamScalar::Secret) | ParamType::List(..) => "TEXT",
    };
    let (scalar, list) = match &p.ty {
        ParamType::One(scalar) => (scalar, None),
        ParamType::List(scalar, ListEncoding::Json) => {
            (scalar, Some(quote! { .action(::clap::ArgAction::Append).value_delimiter(',') }))
        }
    };
    let parser = value_parser(api, scalar, list.is_none().then_some(p), paths);
    quote! {
        ::clap::Arg::new(#id)
            .long(#long)
            #alias
            .help(#help)
            .required(#required)
            .value_name(#value_name)
            .value_parser(#parser)
            #list
    }
}

/// A value parser that yields what the client method takes, refusing what
/// the method would refuse, in its words. `param` gives the bounds or
/// length of a parameter's one value.
fn value_parser(api: &Api, scalar: &ParamScalar, param: Option<&Param>, paths: &CliPaths) -> TokenStream {
    let sdk = &paths.sdk;
    let types = {
        let module = &paths.module;
        quote! { #module::types }
    };
    match scalar {
        ParamScalar::Text | ParamScalar::Secret => {
            let limit = param.and_then(|p| p.max_length).map(|max| {
                let refusal = railgun_spec::ir::too_long(max);
                let max = Literal::usize_unsuffixed(max);
                quote! {
                    if text.chars().count() > #max {
                        return ::std::result::Result::Err(#refusal);
                    }
                }
            });
            quote! {
                |text: &str| -> ::std::result::Result<::std::string::String, &'static str> {
                    if text.trim().is_empty() {
                        return ::std::result::Result::Err("must not be empty");
                    }
                    #limit
                    ::std::result::Result::Ok(text.to_owned())
                }
            }
        }
        ParamScalar::Domain => quote! {
            |text: &str| #sdk::check_domain_name(text).map(::std::borrow::ToOwned::to_owned)
        },
        ParamScalar::Integer => {
            let check = param.and_then(|p| p.bounds).map(|bounds| {
                let (minimum, maximum) = (Literal::u64_unsuffixed(bounds.minimum), bounds.maximum);
                let maximum = if maximum == u64::MAX {
                    quote! { ::std::primitive::u64::MAX }
                } else {
                    let maximum = Literal::u64_unsuffixed(maximum);
                    quote! { #maximum }
                };
                let refusal = bounds.refusal();
                quote! {
                    if !(#minimum..=#maximum).contains(&value) {
                        return ::std::result::Result::Err(#refusal.to_owned());
                    }
                }
            });
            quote! {
                |text: &str| -> ::std::result::Result<u64, ::std::string::String> {
                    let value: u64 = text.parse().map_err(|e: ::std::num::ParseIntError| e.to_string())?;
                    #check
                    ::std::result::Result::Ok(value)
                }
            }
        }
        ParamScalar::Flag => quote! { ::clap::builder::BoolishValueParser::new() },
        ParamScalar::Enum(e) => {
            let TypeKind::Enum(def) = &api.type_def(e.named.id).kind else {
                unreachable!("the resolver checked that an enum parameter names an enum")
            };
            let ty = scalar_type_in(scalar, &types);
            let values = def.variants.iter().map(|v| {
                let name = snake_name(&v.name);
                let help = format!("sent as {:?}", v.wire);
                let alias = (name != v.wire).then(|| {
                    let wire = &v.wire;
                    quote! { .alias(#wire) }
                });
                quote! { ::clap::builder::PossibleValue::new(#name) #alias .help(#help) }
            });
            let arms = def.variants.iter().map(|v| {
                let name = snake_name(&v.name);
                let wire = &v.wire;
                let variant = ident(&v.name);
                let pattern = if name == *wire {
                    quote! { #name }
                } else {
                    quote! { #name | #wire }
                };
                quote! { #pattern => ::std::result::Result::Ok(#ty::#variant), }
            });
            quote! {
                ::clap::builder::TypedValueParser::try_map(
                    ::clap::builder::PossibleValuesParser::new([#(#values),*]),
                    |name: ::std::string::String| match name.as_str() {
                        #(#arms)*
                        other => ::std::result::Result::Err(::std::format!("'{other}' is not one of the values")),
                    },
                )
            }
        }
        ParamScalar::IpRange(_) => {
            let ty = scalar_type_in(scalar, &types);
            quote! { |text: &str| text.parse::<#ty>().map_err(|e| e.to_string()) }
        }
    }
}

/// `<action>_run`: reads the arguments, calls the client method, prints
/// its answer.
fn run_fn_body(family: &Family, ep: &Endpoint, paths: &CliPaths) -> TokenStream {
    let run_fn = format_ident!("{}_run", ep.action);
    let method = ident(&ep.action);
    let types = {
        let module = &paths.module;
        quote! { #module::types }
    };
    let command = format!("railgun {} {}", family.name, kebab(&ep.action));
    let idempotent = ep.idempotent;
    let reads = ep.params.iter().map(|p| read_arg(p, &types));
    let page = ep.pagination.map(|pagination| pagination.page);
    let call_args = |stream: bool| {
        ep.params
            .iter()
            .enumerate()
            .filter(move |(j, _)| !(stream && Some(*j) == page))
            .map(|(_, p)| pass_arg(p))
            .collect::<Vec<_>>()
    };
    let fail = quote! { .map_err(|error| context.failed(error, #command, #idempotent))? };
    let call = match ep.pagination {
        None => {
            let args = call_args(false);
            quote! {
                let answer = api.#method(#(#args),*).await #fail;
                context.print(&answer, #idempotent)
            }
        }
        Some(_) => {
            let stream = format_ident!("{}_stream", ep.action);
            let (page_args, stream_args) = (call_args(false), call_args(true));
            quote! {
                if args.get_flag("all") {
                    let items = api.#stream(#(#stream_args),*);
                    return context.print_stream(items, #command, #idempotent).await;
                }
                let answer = api.#method(#(#page_args),*).await #fail;
                context.print(&answer, #idempotent)
            }
        }
    };
    let deprecated = ep.deprecated.as_ref().map(|_| quote! { #[allow(deprecated)] });
    let args_name = if ep.params.is_empty() { format_ident!("_args") } else { format_ident!("args") };
    quote! {
        #deprecated
        async fn #run_fn(#args_name: &::clap::ArgMatches, context: &Context) -> ::std::result::Result<(), Failure> {
            #(#reads)*
            let api = api(context)?;
            #call
        }
    }
}

/// `let <rust> = …;`: the argument as the value parser left it, a secret
/// from the environment, the config file or its file.
fn read_arg(p: &Param, types: &TokenStream) -> TokenStream {
    let name = ident(&p.rust);
    let id = &p.wire;
    let required = format!("`{}` is required by the command", p.wire);
    match &p.ty {
        ParamType::One(ParamScalar::Secret) => {
            let file = format!("{}-file", p.wire);
            let wire = &p.wire;
            let read = quote! { context.secret(#wire, args.get_one::<::std::path::PathBuf>(#file))? };
            if p.optional {
                // An optional secret is sent only when its file is named.
                quote! {
                    let #name = match args.get_one::<::std::path::PathBuf>(#file) {
                        ::std::option::Option::Some(_) => ::std::option::Option::Some(#read),
                        ::std::option::Option::None => ::std::option::Option::None,
                    };
                }
            } else {
                quote! { let #name = #read; }
            }
        }
        ParamType::One(scalar) => {
            let ty = owned_type(scalar, types);
            let copied = if by_value(&p.ty) {
                quote! { .copied() }
            } else {
                quote! { .cloned() }
            };
            if p.optional {
                quote! { let #name: ::std::option::Option<#ty> = args.get_one::<#ty>(#id)#copied; }
            } else {
                quote! { let #name: #ty = args.get_one::<#ty>(#id)#copied.expect(#required); }
            }
        }
        ParamType::List(scalar, _) => {
            let ty = owned_type(scalar, types);
            let many =
                quote! { args.get_many::<#ty>(#id).map(|values| values.cloned().collect::<::std::vec::Vec<#ty>>()) };
            if p.optional {
                quote! { let #name: ::std::option::Option<::std::vec::Vec<#ty>> = #many; }
            } else {
                quote! { let #name: ::std::vec::Vec<#ty> = #many.expect(#required); }
            }
        }
    }
}

/// The owned type a value parser yields for `scalar`.
fn owned_type(scalar: &ParamScalar, types: &TokenStream) -> TokenStream {
    match scalar {
        ParamScalar::Text | ParamScalar::Domain | ParamScalar::Secret => quote! { ::std::string::String },
        ParamScalar::Flag | ParamScalar::Integer | ParamScalar::Enum(_) | ParamScalar::IpRange(_) => {
            scalar_type_in(scalar, types)
        }
    }
}

/// The argument as the client method takes it.
fn pass_arg(p: &Param) -> TokenStream {
    let name = ident(&p.rust);
    let by_value = by_value(&p.ty);
    match (&p.ty, p.optional, by_value) {
        (_, false, true) => quote! { #name },
        (ParamType::One(ParamScalar::Text | ParamScalar::Domain), false, false) => quote! { #name.as_str() },
        (ParamType::One(_), false, false) => quote! { &#name },
        (ParamType::List(ParamScalar::Text, _), false, _) => {
            quote! { &#name.iter().map(::std::string::String::as_str).collect::<::std::vec::Vec<_>>() }
        }
        (ParamType::List(..), false, _) => quote! { #name.as_slice() },
        (_, true, true) => quote! { #name },
        (ParamType::One(ParamScalar::Text | ParamScalar::Domain), true, false) => quote! { #name.as_deref() },
        (ParamType::One(_), true, false) => quote! { #name.as_ref() },
        (ParamType::List(..), true, _) => quote! { #name.as_deref() },
    }
}
