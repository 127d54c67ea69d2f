//! The `types` module: one Rust type per named spec type.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::{attrs, paragraphs};
use super::{ident, rt, rt_str};
use railgun_spec::ir::{Api, EnumDef, Field, FieldType, Netmask, Scalar, TypeDef, TypeKind};

pub fn types_module(api: &Api) -> TokenStream {
    let items = api.types.iter().map(|def| match &def.kind {
        TypeKind::Struct(fields) => struct_item(def, fields),
        TypeKind::Enum(values) => enum_item(def, values),
        TypeKind::IpRange(netmask) => ip_range_item(def, *netmask),
    });
    let title = api.title.as_deref().map_or_else(|| "the API".to_owned(), |t| format!("the {t}"));
    let shared = match api.families.len() {
        1 => "its family",
        2 => "both families",
        _ => "every family",
    };
    let doc = attrs(&format!(
        "Models of {title}: the values parameters take and the\nobjects answers carry, shared by {shared}."
    ));
    quote! {
        #doc
        pub mod types {
            #(#items)*
        }
    }
}

fn struct_item(def: &TypeDef, fields: &[Field]) -> TokenStream {
    let name = ident(&def.name);
    let doc = attrs(&def.doc);
    let serde = rt("__private::serde");
    let serde_path = rt_str("__private::serde");
    let fields = fields.iter().map(field);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #serde::Deserialize, #serde::Serialize)]
        #[serde(crate = #serde_path)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn field(f: &Field) -> TokenStream {
    let name = ident(&f.rust);
    let wire = &f.wire;
    let doc = attrs(&paragraphs([f.doc.as_str(), &format!("Wire name: `{wire}`.")]));
    let ty = rust_type(&f.ty);
    let ty = if f.optional {
        quote! { ::std::option::Option<#ty> }
    } else {
        ty
    };
    // Scalars and enums go through the runtime's lenient wire decoding;
    // structs and lists use their own Deserialize.
    let lenient = match &f.ty {
        FieldType::Scalar(_) | FieldType::Enum(_) => true,
        FieldType::Struct(_) | FieldType::List(_) | FieldType::Strings => false,
    };
    let serde_attr = match (lenient, f.optional) {
        (true, false) => {
            let with = rt_str("__private::wire::required");
            quote! { #[serde(rename = #wire, deserialize_with = #with)] }
        }
        (true, true) => {
            let with = rt_str("__private::wire::optional");
            quote! { #[serde(rename = #wire, default, deserialize_with = #with)] }
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
fn rust_type(ty: &FieldType) -> TokenStream {
    match ty {
        FieldType::Scalar(Scalar::String) => quote! { ::std::string::String },
        FieldType::Scalar(Scalar::Secret) => rt("Secret"),
        FieldType::Scalar(Scalar::Id | Scalar::Integer) => quote! { u64 },
        FieldType::Scalar(Scalar::Signed) => quote! { i64 },
        FieldType::Scalar(Scalar::Flag) => quote! { bool },
        FieldType::Scalar(Scalar::Timestamp) => rt("Timestamp"),
        FieldType::Enum(e) => {
            let n = ident(&e.named.name);
            quote! { #n }
        }
        FieldType::Struct(named) => {
            let n = ident(&named.name);
            quote! { #n }
        }
        FieldType::List(named) => {
            let n = ident(&named.name);
            quote! { ::std::vec::Vec<#n> }
        }
        FieldType::Strings => quote! { ::std::vec::Vec<::std::string::String> },
    }
}

/// The runtime's IP range type with these bounds.
pub fn ip_range_type(netmask: Netmask) -> TokenStream {
    let ip_range = rt("IpRange");
    let bounds = [netmask.ipv4.0, netmask.ipv4.1, netmask.ipv6.0, netmask.ipv6.1].map(Literal::u8_unsuffixed);
    quote! { #ip_range<#(#bounds),*> }
}

fn ip_range_item(def: &TypeDef, netmask: Netmask) -> TokenStream {
    let name = ident(&def.name);
    let Netmask { ipv4: (v4_lo, v4_hi), ipv6: (v6_lo, v6_hi) } = netmask;
    let doc = attrs(&paragraphs([
        def.doc.as_str(),
        &format!(
            "Netmasks from /{v4_lo} to /{v4_hi} (IPv4) and from /{v6_lo} to /{v6_hi} (IPv6) are accepted; \
             others are refused when parsing, before anything is sent."
        ),
    ]));
    let ty = ip_range_type(netmask);
    quote! {
        #doc
        pub type #name = #ty;
    }
}

fn enum_item(def: &TypeDef, values: &EnumDef) -> TokenStream {
    let name = ident(&def.name);
    let open = values.open;
    let variants = &values.variants;
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
    // Read from the wire value, or from the name it is written with.
    let from_wire = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        let name = snake_name(&v.name);
        if name == *wire {
            quote! { #wire => ::std::option::Option::Some(Self::#vname), }
        } else {
            quote! { #wire | #name => ::std::option::Option::Some(Self::#vname), }
        }
    });
    let to_name = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let name = snake_name(&v.name);
        quote! { Self::#vname => #name, }
    });
    let names = variants.iter().map(|v| format!("`{}`", snake_name(&v.name))).collect::<Vec<_>>().join(", ");

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
    let serde = rt("__private::serde");
    let as_wire_doc = format!(" The value as sent on the wire: {wire_list}.");
    let name_doc = format!(
        " The value's name: {names}{}. It is what the value serializes as, and reads back from as well as \
         from its wire value.",
        if open { ", or an unknown value as sent" } else { "" }
    );
    let unknown_name = if open {
        quote! { Self::Unknown(value) => value, }
    } else {
        quote! {}
    };

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

        impl #name {
            #[doc = #name_doc]
            pub fn name(&self) -> &str {
                match self {
                    #(#to_name)*
                    #unknown_name
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_wire())
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
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

/// `Active` → `active`, `NotYet` → `not_yet`: how a value is named in JSON
/// written by this client (and on a command line).
pub fn snake_name(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}
