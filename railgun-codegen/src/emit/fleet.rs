//! The fleet traits for a family whose spec declares the `fleet:` roles:
//! `railgun_runtime::fleet::Connections` (v2) or
//! `railgun_runtime::fleet::ConnectionCalls` (v4), each role a call of the
//! generated method.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{ident, rt};
use crate::ir::{ConnectionArg, ConnectionCall, ConnectionRoles, FleetArg, FleetBinding, FleetCall, FleetRoles};

/// The impl for `client`, or nothing when the family has no fleet roles.
pub fn fleet_impl(client: &proc_macro2::Ident, fleet: Option<&FleetRoles>) -> TokenStream {
    match fleet {
        None => TokenStream::new(),
        Some(FleetRoles::Actions(roles)) => connections_impl(client, roles),
        Some(FleetRoles::Connections(roles)) => connection_calls_impl(client, roles),
    }
}

fn connections_impl(client: &proc_macro2::Ident, fleet: &FleetBinding) -> TokenStream {
    let trait_path = rt("fleet::Connections");
    let link = rt("fleet::Link");
    let target = rt("fleet::Target");
    let error = rt("fleet::FleetError");
    let read = call(&fleet.read, None);
    let connection = fleet.connection.iter().map(|f| ident(f));
    let railgun_id = ident(&fleet.railgun_id);
    let enabled = ident(&fleet.enabled.0);
    let enabled = if fleet.enabled.1 {
        quote! { c.#enabled }
    } else {
        quote! { ::std::option::Option::Some(c.#enabled) }
    };
    let connect = call(&fleet.connect, Some(quote! { enabled }));
    let enable = call(&fleet.enable, None);
    let disable = call(&fleet.disable, None);
    let disconnect = call(&fleet.disconnect, None);
    let doc = format!(
        " The spec's `fleet:` roles: `{}` reads, `{}` connects, `{}` and `{}` set the mode, `{}` disconnects; \
         [`railgun_runtime::fleet::Fleet`] reconciles zones through them.",
        fleet.read.action, fleet.connect.action, fleet.enable.action, fleet.disable.action, fleet.disconnect.action
    );
    quote! {
        #[doc = #doc]
        impl #trait_path for #client {
            type Railgun = #target;

            async fn active(
                &self,
                zone: &str,
                _railgun: ::std::option::Option<&#target>,
            ) -> ::std::result::Result<::std::option::Option<#link>, #error> {
                let answer = #read.await?;
                ::std::result::Result::Ok(answer #(.#connection)*.map(|c| #link::new(c.#railgun_id, #enabled)))
            }

            async fn connect(
                &self,
                zone: &str,
                railgun: &#target,
                enabled: bool,
            ) -> ::std::result::Result<(), #error> {
                #connect.await?;
                ::std::result::Result::Ok(())
            }

            async fn set_enabled(
                &self,
                zone: &str,
                railgun: &#target,
                enabled: bool,
            ) -> ::std::result::Result<(), #error> {
                if enabled {
                    #enable.await?;
                } else {
                    #disable.await?;
                }
                ::std::result::Result::Ok(())
            }

            async fn disconnect(&self, zone: &str, railgun: &#target) -> ::std::result::Result<(), #error> {
                #disconnect.await?;
                ::std::result::Result::Ok(())
            }
        }
    }
}

/// `self.action(zone, rtkn, mode)`, the mode chosen by the bool `enabled`.
fn call(call: &FleetCall, enabled: Option<TokenStream>) -> TokenStream {
    let method = ident(&call.action);
    let args = call.args.iter().map(|arg| match arg {
        FleetArg::Zone => quote! { zone },
        FleetArg::Token => quote! { &railgun.rtkn },
        FleetArg::Mode { ty, enabled: on, disabled: off } => {
            let name = ident(&ty.named.name);
            let (on, off) = (ident(on), ident(off));
            let flag = enabled.clone().unwrap_or_else(|| quote! { true });
            let value = quote! { if #flag { super::types::#name::#on } else { super::types::#name::#off } };
            if ty.open {
                quote! { &#value }
            } else {
                value
            }
        }
    });
    quote! { self.#method(#(#args),*) }
}

/// `impl ConnectionCalls`: each role a call of the generated method, and
/// one function reading the connection type into the runtime's
/// `ConnectionState`.
fn connection_calls_impl(client: &proc_macro2::Ident, roles: &ConnectionRoles) -> TokenStream {
    let trait_path = rt("fleet::ConnectionCalls");
    let railgun = rt("fleet::AccountRailgun");
    let state = rt("fleet::ConnectionState");
    let error = rt("Error");
    let collect = rt("__private::collect_items");
    let connection_type = ident(&roles.connection_type.name);
    let zone = connection_call(&roles.zone, "");
    let listed_id = ident(&roles.railgun_id);
    let connected = ident(&roles.connected.0);
    let is_connected = if roles.connected.1 {
        quote! { r.#connected == ::std::option::Option::Some(true) }
    } else {
        quote! { r.#connected }
    };
    let list = connection_call(&roles.connections, "_stream");
    let one = connection_call(&roles.connection, "");
    let create = connection_call(&roles.create, "");
    let update = connection_call(&roles.update, "");
    let delete = connection_call(&roles.delete, "");
    let id = ident(&roles.id);
    let zone_id = zone_id(quote! { c }, &roles.zone_id);
    let enabled = ident(&roles.enabled.0);
    let enabled = if roles.enabled.1 {
        quote! { c.#enabled }
    } else {
        quote! { ::std::option::Option::Some(c.#enabled) }
    };
    let state_of = format_ident!("fleet_connection_state");
    let doc = format!(
        " The spec's `fleet:` roles: `{}` finds the Railgun a zone is connected to, `{}` lists a Railgun's \
         connections, `{}` reads one, `{}` creates one, `{}` enables or disables one, `{}` removes one; \
         [`railgun_runtime::fleet::ByConnection`] reconciles zones through them.",
        roles.zone.action,
        roles.connections.action,
        roles.connection.action,
        roles.create.action,
        roles.update.action,
        roles.delete.action
    );
    quote! {
        /// What the fleet needs of a connection.
        fn #state_of(c: super::types::#connection_type) -> #state {
            let zone = #zone_id;
            #state::new(c.#id, zone, #enabled)
        }

        #[doc = #doc]
        impl #trait_path for #client {
            async fn connected_to(
                &self,
                zone: &str,
            ) -> ::std::result::Result<::std::option::Option<::std::string::String>, #error> {
                let listed = #zone.await?;
                ::std::result::Result::Ok(listed.into_iter().find(|r| #is_connected).map(|r| r.#listed_id))
            }

            async fn connections(
                &self,
                railgun: &#railgun,
            ) -> ::std::result::Result<::std::vec::Vec<#state>, #error> {
                #collect(#list, #state_of).await
            }

            async fn connection(&self, railgun: &#railgun, id: &str) -> ::std::result::Result<#state, #error> {
                #one.await.map(#state_of)
            }

            async fn create(
                &self,
                railgun: &#railgun,
                zone: &str,
                enabled: bool,
            ) -> ::std::result::Result<#state, #error> {
                #create.await.map(#state_of)
            }

            async fn update(&self, railgun: &#railgun, id: &str, enabled: bool) -> ::std::result::Result<(), #error> {
                #update.await?;
                ::std::result::Result::Ok(())
            }

            async fn delete(&self, railgun: &#railgun, id: &str) -> ::std::result::Result<(), #error> {
                #delete.await?;
                ::std::result::Result::Ok(())
            }
        }
    }
}

/// `self.<action><suffix>(…)`, each argument from the role's inputs.
fn connection_call(call: &ConnectionCall, suffix: &str) -> TokenStream {
    let method = format_ident!("{}{suffix}", call.action);
    let args = call.args.iter().map(|arg| match arg {
        ConnectionArg::Account => quote! { &railgun.account },
        ConnectionArg::Railgun => quote! { &railgun.railgun },
        ConnectionArg::Zone => quote! { zone },
        ConnectionArg::Connection => quote! { id },
        ConnectionArg::Enabled { optional: false } => quote! { enabled },
        ConnectionArg::Enabled { optional: true } => quote! { ::std::option::Option::Some(enabled) },
        ConnectionArg::Absent => quote! { ::std::option::Option::None },
    });
    quote! { self.#method(#(#args),*) }
}

/// The zone id at `path` from `base`, as an `Option<String>`: each optional
/// object step an `and_then`.
fn zone_id(base: TokenStream, path: &[(String, bool)]) -> TokenStream {
    let Some(((field, optional), rest)) = path.split_first() else { return base };
    let field = ident(field);
    match (rest.is_empty(), optional) {
        (true, true) => quote! { #base.#field },
        (true, false) => quote! { ::std::option::Option::Some(#base.#field) },
        (false, false) => zone_id(quote! { #base.#field }, rest),
        (false, true) => {
            let inner = zone_id(quote! { v }, rest);
            quote! { #base.#field.and_then(|v| #inner) }
        }
    }
}
