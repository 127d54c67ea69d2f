//! Reading the upstream pages: page → sections → endpoint facts.
//!
//! Pure stages. A page, in any of its three forms, becomes a list of
//! [`Section`]s (one per `## METHOD action` heading) in [`markdown`] or
//! [`text`]; [`facts`] turns the sections of every page into one
//! [`facts::EndpointFacts`] per family and action, with warnings for what
//! the docs contradict themselves on. [`check`] compares a spec with
//! those facts (`cargo xtask check`), and [`fix`] rewrites the spec until
//! they agree (`cargo xtask regen`).

pub mod check;
pub mod facts;
pub mod fix;
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

/// What a heading (or, in the oldest pages, a paragraph) introduces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heading {
    /// `POST conn_set`: an endpoint section.
    Endpoint(String, String),
    /// `Form parameters`, `### Form Parameters:`, `Query Parameters`: the list.
    Params,
    /// `Example request`, `Example request:`.
    Request,
    /// `Example response`, `###Example response:`.
    Response,
    /// Anything else.
    Other,
}

/// Reads a heading's text whatever its level, case or trailing colon
/// (`## Form Parameters:`, `### Form parameters`, `###Example response:`).
pub fn heading(text: &str) -> Heading {
    if let Some((method, action)) = method_and_action(text) {
        return Heading::Endpoint(method, action);
    }
    let words = text.trim().trim_start_matches('#').trim().trim_end_matches(':').trim().to_ascii_lowercase();
    if words.ends_with("parameters") && !words.starts_with("example") {
        Heading::Params
    } else if words == "example request" {
        Heading::Request
    } else if words == "example response" {
        Heading::Response
    } else {
        Heading::Other
    }
}

/// The method and action of an endpoint path as the pages write it alone
/// on a line (`POST /api/v2/railgun/conn_set`); `None` for anything else.
pub fn endpoint_path(text: &str) -> Option<(String, String)> {
    let (method, path) = text.trim().split_once(' ')?;
    let action = path.trim().strip_prefix(PATH_PREFIX)?;
    method_and_action(&format!("{method} {action}"))
}

/// Whether a path line for `method action` belongs to the section just
/// opened by a heading for the same endpoint (nothing read under it yet),
/// rather than starting a section of its own.
pub fn under_its_heading(sections: &[Section], method: &str, action: &str) -> bool {
    sections
        .last()
        .is_some_and(|s| s.method == method && s.action == action && s.description.is_empty() && s.params.is_empty())
}

/// Where every v2 action lives, as the pages write it.
pub const PATH_PREFIX: &str = "/api/v2/railgun/";

/// Every `METHOD /api/v2/railgun/action` the page mentions, anywhere (in
/// prose, headings, paths or example requests), with its first line.
pub fn mentioned_endpoints(page: &str) -> Vec<(String, String, usize)> {
    let mut found: Vec<(String, String, usize)> = Vec::new();
    for (index, line) in page.lines().enumerate() {
        for method in ["GET", "POST"] {
            let needle = format!("{method} {PATH_PREFIX}");
            let mut rest = line;
            while let Some(at) = rest.find(&needle) {
                let before = rest[..at].chars().next_back();
                let after = &rest[at + needle.len()..];
                let action: String =
                    after.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_').collect();
                let starts_word = before.is_none_or(|c| !c.is_ascii_alphanumeric());
                if starts_word && !action.is_empty() && !found.iter().any(|(m, a, _)| m == method && *a == action) {
                    found.push((method.to_owned(), action, index + 1));
                }
                rest = after;
            }
        }
    }
    found.sort_by_key(|(_, _, line)| *line);
    found
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
