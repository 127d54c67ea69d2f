//! Reading the upstream pages: page → sections → endpoint facts.
//!
//! Pure stages. A page, in any of its three forms, becomes a list of
//! [`Section`]s (one per `## METHOD action` heading) in [`markdown`] or
//! [`text`]; [`facts`] turns the sections of every page into one
//! [`facts::EndpointFacts`] per family and action, with warnings for what
//! the docs contradict themselves on.

pub mod facts;
pub mod markdown;
pub mod text;

/// A line of a code block, with its line number in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line in the page.
    pub number: usize,
    /// The text.
    pub text: String,
}

/// A parameter from a section's parameter list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedParam {
    /// Wire name.
    pub name: String,
    /// Description, as written.
    pub description: String,
    /// 1-based line in the page.
    pub line: usize,
}

/// One `METHOD action` section of a page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// `GET` or `POST`.
    pub method: String,
    /// The action.
    pub action: String,
    /// Line of the heading.
    pub line: usize,
    /// The first paragraph of prose under the heading.
    pub description: String,
    /// The "Form parameters" or "Query parameters" list.
    pub params: Vec<ListedParam>,
    /// The example request's code block.
    pub request: Vec<Line>,
    /// The example response's code block.
    pub response: Vec<Line>,
}

/// Splits `METHOD action` (as in `POST conn_set`); `None` for other headings.
pub fn method_and_action(heading: &str) -> Option<(String, String)> {
    let mut words = heading.split_whitespace();
    let method = words.next()?;
    let action = words.next()?;
    let valid = matches!(method, "GET" | "POST")
        && words.next().is_none()
        && !action.is_empty()
        && action.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    valid.then(|| (method.to_owned(), action.to_owned()))
}

/// Splits a parameter list item, `name – description`; the dash is missing
/// in places, so the name is the first word either way.
pub fn split_param(item: &str) -> Option<(String, String)> {
    let item = item.trim();
    let (name, rest) = item.split_once(char::is_whitespace).unwrap_or((item, ""));
    let name = name.trim_matches('*');
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let description = rest.trim().trim_start_matches(['–', '-', '—']).trim();
    Some((name.to_owned(), description.to_owned()))
}
