//! Rust code generation: a resolved [`Api`] → one [`TokenStream`].
//!
//! The expansion holds a `types` module with every named type, one module per
//! family with its client type, and re-exports of the client types. Every path
//! into the runtime is absolute (`::railgun_runtime::…`), so the expansion
//! works in any crate that depends on `railgun-runtime`.

mod cli;
mod clients;
mod docs;
mod methods;
mod models;
mod server;

pub use cli::{CliPaths, cli};
pub use server::server;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use railgun_spec::ir::Api;

/// Expands a resolved spec.
pub fn expand(api: &Api) -> TokenStream {
    let types = models::types_module(api);
    let families = api.families().map(|(id, f)| clients::family_module(api, id, f));
    let reexports = api.families.iter().map(|f| {
        let module = ident(&f.name);
        let client = ident(&f.client);
        quote! { pub use #module::#client; }
    });
    quote! {
        #types
        #(#families)*
        #(#reexports)*
    }
}

/// What a spec that does not build stands in for: an empty module of
/// models with an uninhabited type per name, and an empty client type per
/// family, so that the crate around a failed expansion resolves its
/// imports and shows only the spec's own errors.
pub fn stand_ins(outline: &railgun_spec::Outline) -> TokenStream {
    let types = outline.types.iter().map(|name| {
        let name = ident(name);
        quote! {
            #[doc(hidden)]
            pub enum #name {}
        }
    });
    let families = outline.families.iter().map(|(module, client)| {
        let (module, client) = (ident(module), ident(client));
        quote! {
            #[doc(hidden)]
            pub mod #module {
                #[doc(hidden)]
                pub struct #client;
            }
            #[doc(hidden)]
            pub use #module::#client;
        }
    });
    quote! {
        #[doc(hidden)]
        pub mod types {
            #(#types)*
        }
        #(#families)*
    }
}

/// An identifier of the spec (a type, field, argument or method name):
/// resolution made sure it is one.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A local variable of generated code. Its span resolves at the macro's
/// definition site, so an argument of the same name (a parameter called
/// `request`, say) neither shadows it nor is shadowed by it.
pub(crate) fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// Path to an item of the runtime crate.
pub(crate) fn rt(path: &str) -> TokenStream {
    let segments = path.split("::").map(ident);
    quote! { ::railgun_runtime #(::#segments)* }
}

/// The same path as text, for serde attributes.
pub(crate) fn rt_str(path: &str) -> String {
    format!("::railgun_runtime::{path}")
}
