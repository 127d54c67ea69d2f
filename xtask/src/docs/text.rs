//! Pages as rendered on the docs site and saved as plain text: headings
//! lose their `##`, list items become `•` lines, code blocks become bare
//! lines between "Example request" and "Example response".

use super::{Heading, Line, ListedParam, Section, endpoint_path, heading, split_param, under_its_heading};

#[derive(PartialEq)]
enum In {
    Prose,
    Params,
    Request,
    Response,
}

/// The sections of a plain-text page.
///
/// A section starts at a `METHOD action` heading, or at a line holding
/// only the endpoint's path when no heading introduced it (the oldest
/// layout); the labels may carry a colon or another case.
pub fn sections(page: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut state = In::Prose;
    for (index, raw) in page.lines().enumerate() {
        let number = index + 1;
        let trimmed = raw.trim();
        // A heading is indented by one space, as the page renders `## `.
        let indented_once = raw.starts_with(' ') && !raw.starts_with("  ");
        let in_example = matches!(state, In::Request | In::Response);
        match heading(trimmed) {
            Heading::Endpoint(method, action) if indented_once => {
                sections.push(Section { method, action, line: number, ..Section::default() });
                state = In::Prose;
                continue;
            }
            Heading::Params if !in_example && (indented_once || trimmed.ends_with(':')) => {
                state = In::Params;
                continue;
            }
            Heading::Request if !in_example && sections.last().is_some_and(|s| s.request.is_empty()) => {
                state = In::Request;
                continue;
            }
            Heading::Response if state != In::Response && sections.last().is_some_and(|s| s.response.is_empty()) => {
                state = In::Response;
                continue;
            }
            _ => {}
        }
        if let Some((method, action)) = endpoint_path(trimmed) {
            if !under_its_heading(&sections, &method, &action) {
                sections.push(Section { method, action, line: number, ..Section::default() });
            }
            state = In::Prose;
            continue;
        }
        let Some(section) = sections.last_mut() else { continue };
        match state {
            In::Params => {
                if let Some(item) = trimmed.strip_prefix('•')
                    && let Some((name, description)) = split_param(item)
                {
                    section.params.push(ListedParam { name, description, line: number });
                }
            }
            In::Prose => {
                if section.description.is_empty() && section.params.is_empty() && !trimmed.is_empty() {
                    section.description = trimmed.to_owned();
                }
            }
            In::Request => section.request.push(Line { number, text: raw.to_owned() }),
            In::Response => section.response.push(Line { number, text: raw.to_owned() }),
        }
    }
    sections
}
