//! `impl railgun_runtime::fleet::Connections` for a family whose spec
//! declares the `fleet:` roles: each role a call of the generated method.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, rt};
use crate::ir::{FleetArg, FleetBinding, FleetCall};

/// The impl for `client`, or nothing when the family has no fleet roles.
pub fn connections_impl(client: &proc_macro2::Ident, fleet: Option<&FleetBinding>) -> TokenStream {
    let Some(fleet) = fleet else { return TokenStream::new() };
    let trait_path = rt("fleet::Connections");
    let link = rt("fleet::Link");
    let secret = rt("Secret");
    let error = rt("Error");
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
            async fn active(
                &self,
                zone: &str,
            ) -> ::std::result::Result<::std::option::Option<#link>, #error> {
                let answer = #read.await?;
                ::std::result::Result::Ok(answer #(.#connection)*.map(|c| #link::new(c.#railgun_id, #enabled)))
            }

            async fn connect(
                &self,
                zone: &str,
                rtkn: &#secret,
                enabled: bool,
            ) -> ::std::result::Result<(), #error> {
                #connect.await.map(drop)
            }

            async fn set_enabled(
                &self,
                zone: &str,
                rtkn: &#secret,
                enabled: bool,
            ) -> ::std::result::Result<(), #error> {
                if enabled {
                    #enable.await.map(drop)
                } else {
                    #disable.await.map(drop)
                }
            }

            async fn disconnect(&self, zone: &str, rtkn: &#secret) -> ::std::result::Result<(), #error> {
                #disconnect.await.map(drop)
            }
        }
    }
}

/// `self.action(zone, rtkn, mode)`, the mode chosen by the bool `enabled`.
fn call(call: &FleetCall, enabled: Option<TokenStream>) -> TokenStream {
    let method = ident(&call.action);
    let args = call.args.iter().map(|arg| match arg {
        FleetArg::Zone => quote! { zone },
        FleetArg::Token => quote! { rtkn },
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
