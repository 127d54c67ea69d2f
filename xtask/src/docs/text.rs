//! Pages as rendered on the docs site and saved as plain text: headings
//! lose their `##`, list items become `•` lines, code blocks become bare
//! lines between "Example request" and "Example response".

use super::{Line, ListedParam, Section, method_and_action, split_param};

#[derive(PartialEq)]
enum In {
    Prose,
    Params,
    Request,
    Response,
}

/// The sections of a plain-text page.
pub fn sections(page: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut state = In::Prose;
    for (index, raw) in page.lines().enumerate() {
        let number = index + 1;
        let trimmed = raw.trim();
        // A heading is indented by one space, as the page renders `## `.
        if raw.starts_with(' ') && !raw.starts_with("  ") {
            if let Some((method, action)) = method_and_action(trimmed) {
                sections.push(Section { method, action, line: number, ..Section::default() });
                state = In::Prose;
                continue;
            }
            if trimmed.ends_with("parameters") {
                state = In::Params;
                continue;
            }
        }
        let Some(section) = sections.last_mut() else { continue };
        match trimmed {
            "Example request" => state = In::Request,
            "Example response" => state = In::Response,
            _ => match state {
                In::Params => {
                    if let Some(item) = trimmed.strip_prefix('•')
                        && let Some((name, description)) = split_param(item)
                    {
                        section.params.push(ListedParam { name, description, line: number });
                    }
                }
                In::Prose => {
                    let is_path = trimmed.starts_with("POST /") || trimmed.starts_with("GET /");
                    if section.description.is_empty() && !trimmed.is_empty() && !is_path {
                        section.description = trimmed.to_owned();
                    }
                }
                In::Request => section.request.push(Line { number, text: raw.to_owned() }),
                In::Response => section.response.push(Line { number, text: raw.to_owned() }),
            },
        }
    }
    sections
}
