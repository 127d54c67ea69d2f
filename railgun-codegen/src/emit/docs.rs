//! Rustdoc attributes from the spec's prose.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = …]` attributes for `text`, one per line, trailing blank lines dropped.
pub fn attrs(text: &str) -> TokenStream {
    let text = text.trim_end();
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// Joins paragraphs with blank lines, skipping empty ones.
pub fn paragraphs<I, S>(parts: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    parts.into_iter().map(|p| p.as_ref().trim().to_owned()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}
