//! The `types` module: one Rust type per named spec type.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{attrs, paragraphs};
use super::{ident, rt};
use crate::model::{Field, Spec, TypeDef, TypeKind};
use crate::ty::{Scalar, TypeExpr};

pub fn types_module(spec: &Spec) -> TokenStream {
    let items = spec.types.iter().map(|def| match def.kind {
        TypeKind::Struct => struct_item(spec, def),
        TypeKind::Enum => enum_item(def),
    });
    quote! {
        /// Models of the Railgun API: the values parameters take and the
        /// objects answers carry, shared by both families.
        pub mod types {
            #(#items)*
        }
    }
}

fn struct_item(spec: &Spec, def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let doc = attrs(&def.doc);
    let serde = rt("__private::serde");
    let serde_path = "::railgun_api::__private::serde";
    let fields = def.fields.iter().flatten().map(|f| field(spec, f));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #serde::Deserialize)]
        #[serde(crate = #serde_path)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn field(spec: &Spec, f: &Field) -> TokenStream {
    let name = ident(f.rust_name());
    let wire = &f.name;
    let doc = attrs(&paragraphs([f.doc.as_str(), &format!("Wire name: `{wire}`.")]));
    let expr = TypeExpr::parse(&f.ty).expect("validated type expression");
    let ty = rust_type(&expr);
    let ty = if f.optional {
        quote! { ::std::option::Option<#ty> }
    } else {
        ty
    };
    // Scalars and enums go through the runtime's lenient wire decoding;
    // structs and lists use their own Deserialize.
    let lenient = match &expr {
        TypeExpr::Scalar(_) => true,
        TypeExpr::Named(n) => spec.type_def(n).is_some_and(|d| d.kind == TypeKind::Enum),
        TypeExpr::List(_) => false,
    };
    let serde_attr = match (lenient, f.optional) {
        (true, false) => {
            quote! { #[serde(rename = #wire, deserialize_with = "::railgun_api::__private::wire::required")] }
        }
        (true, true) => {
            quote! { #[serde(rename = #wire, default, deserialize_with = "::railgun_api::__private::wire::optional")] }
        }
        (false, false) => quote! { #[serde(rename = #wire)] },
        (false, true) => quote! { #[serde(rename = #wire, default)] },
    };
    quote! {
        #doc
        #serde_attr
        pub #name: #ty,
    }
}

/// The Rust type of a response value.
fn rust_type(expr: &TypeExpr) -> TokenStream {
    match expr {
        TypeExpr::Scalar(Scalar::String) => quote! { ::std::string::String },
        TypeExpr::Scalar(Scalar::Secret) => rt("Secret"),
        TypeExpr::Scalar(Scalar::Id | Scalar::Integer) => quote! { u64 },
        TypeExpr::Scalar(Scalar::Flag) => quote! { bool },
        TypeExpr::Scalar(Scalar::Timestamp) => rt("Timestamp"),
        TypeExpr::Scalar(Scalar::IpRanges) => {
            let range = rt("IpRange");
            quote! { ::std::vec::Vec<#range> }
        }
        TypeExpr::Named(n) => {
            let n = ident(n);
            quote! { #n }
        }
        TypeExpr::List(inner) => {
            let inner = rust_type(inner);
            quote! { ::std::vec::Vec<#inner> }
        }
    }
}

fn enum_item(def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let open = def.open == Some(true);
    let variants = def.variants.as_deref().unwrap_or_default();
    let doc = attrs(&def.doc);
    let wire_list = variants.iter().map(|v| format!("`{}`", v.wire)).collect::<Vec<_>>().join(", ");
    let expected = format!("one of {wire_list}");

    let decls = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let vdoc = attrs(&v.doc);
        quote! { #vdoc #vname, }
    });
    let to_wire = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote! { Self::#vname => #wire, }
    });
    let from_wire = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote! { #wire => ::std::option::Option::Some(Self::#vname), }
    });

    let (unknown_decl, unknown_to, unknown_from, derives, non_exhaustive) = if open {
        (
            quote! {
                /// A value this version of the client does not know, kept as sent.
                Unknown(::std::string::String),
            },
            quote! { Self::Unknown(value) => value, },
            quote! { other => ::std::option::Option::Some(Self::Unknown(other.to_owned())), },
            quote! { #[derive(Debug, Clone, PartialEq, Eq, Hash)] },
            quote! { #[non_exhaustive] },
        )
    } else {
        (
            quote! {},
            quote! {},
            quote! { _ => ::std::option::Option::None, },
            quote! { #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)] },
            quote! {},
        )
    };
    let from_wire_trait = rt("__private::FromWire");
    let to_param_trait = rt("__private::ToParam");
    let as_wire_doc = format!(" The value as sent on the wire: {wire_list}.");

    quote! {
        #doc
        #derives
        #non_exhaustive
        pub enum #name {
            #(#decls)*
            #unknown_decl
        }

        impl #name {
            #[doc = #as_wire_doc]
            pub fn as_wire(&self) -> &str {
                match self {
                    #(#to_wire)*
                    #unknown_to
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_wire())
            }
        }

        impl #from_wire_trait for #name {
            const EXPECTED: &'static str = #expected;

            fn from_wire(value: &str) -> ::std::option::Option<Self> {
                match value {
                    #(#from_wire)*
                    #unknown_from
                }
            }
        }

        impl #to_param_trait for #name {
            fn to_param(&self) -> ::std::result::Result<::std::borrow::Cow<'_, str>, &'static str> {
                ::std::result::Result::Ok(::std::borrow::Cow::Borrowed(self.as_wire()))
            }
        }
    }
}
