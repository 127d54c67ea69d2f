//! Pages in Markdown: fenced code blocks, or code blocks pre-rendered to
//! HTML (`{{<raw>}}<pre class="CodeBlock…">…</pre>{{</raw>}}`).
//!
//! pulldown-cmark reads the page. A pre-rendered block sits inside a
//! `<details>` HTML block, so it arrives as raw HTML; scraper (html5ever)
//! parses it, and each `.CodeBlock--row-content` element is one line, its
//! text entity-decoded (`&quot;` → `"`).

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use scraper::{Html, Selector};

use super::{Line, ListedParam, Section, method_and_action, split_param};

/// What the parser is inside of.
#[derive(PartialEq)]
enum In {
    Nothing,
    Heading(HeadingLevel),
    Paragraph,
    ParamList,
    ListItem,
    CodeBlock,
    RawBlock,
}

/// The sections of a Markdown page.
pub fn sections(page: &str) -> Vec<Section> {
    let line_starts: Vec<usize> = std::iter::once(0).chain(page.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |offset: usize| line_starts.partition_point(|&start| start <= offset);

    let mut sections: Vec<Section> = Vec::new();
    let mut state = In::Nothing;
    let mut text = String::new();
    let mut text_line = 0;
    let mut in_params = false;
    let mut block: Vec<Line> = Vec::new();
    let mut block_line = 0;

    for (event, range) in Parser::new(page).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                state = In::Heading(level);
                text.clear();
                text_line = line_of(range.start);
            }
            Event::End(TagEnd::Heading(level)) => {
                state = In::Nothing;
                if level == HeadingLevel::H2 {
                    in_params = false;
                    if let Some((method, action)) = method_and_action(&text) {
                        sections.push(Section { method, action, line: text_line, ..Section::default() });
                    }
                } else if level == HeadingLevel::H3 {
                    in_params = text.trim().ends_with("parameters");
                }
            }
            Event::Start(Tag::Paragraph)
                if state == In::Nothing && sections.last().is_some_and(|s| s.description.is_empty()) =>
            {
                state = In::Paragraph;
                text.clear();
            }
            Event::End(TagEnd::Paragraph) if state == In::Paragraph => {
                state = In::Nothing;
                let is_path = text.starts_with("POST /") || text.starts_with("GET /");
                if let Some(section) = sections.last_mut().filter(|_| !is_path) {
                    section.description = text.trim().to_owned();
                }
            }
            Event::Start(Tag::List(_)) if in_params => state = In::ParamList,
            Event::End(TagEnd::List(_)) if state == In::ParamList => {
                state = In::Nothing;
                in_params = false;
            }
            Event::Start(Tag::Item) if state == In::ParamList => {
                state = In::ListItem;
                text.clear();
                text_line = line_of(range.start);
            }
            Event::End(TagEnd::Item) if state == In::ListItem => {
                state = In::ParamList;
                if let (Some(section), Some((name, description))) = (sections.last_mut(), split_param(&text)) {
                    section.params.push(ListedParam { name, description, line: text_line });
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                state = In::CodeBlock;
                block.clear();
                block_line = line_of(range.start) + 1;
            }
            Event::End(TagEnd::CodeBlock) => {
                state = In::Nothing;
                store_block(&mut sections, std::mem::take(&mut block));
            }
            Event::Text(t) if state == In::CodeBlock => {
                for (i, line) in t.lines().enumerate() {
                    block.push(Line { number: block_line + i, text: line.to_owned() });
                }
                block_line += t.lines().count();
            }
            Event::Html(html) if state != In::RawBlock && html.contains("<pre") => {
                state = In::RawBlock;
                block_line = line_of(range.start);
                text.clear();
                text.push_str(&html);
                if html.contains("</pre>") {
                    state = In::Nothing;
                    store_block(&mut sections, rendered_rows(&text, block_line));
                }
            }
            Event::Html(html) if state == In::RawBlock => {
                text.push_str(&html);
                if html.contains("</pre>") {
                    state = In::Nothing;
                    store_block(&mut sections, rendered_rows(&text, block_line));
                }
            }
            Event::Text(t) | Event::Code(t) if matches!(state, In::Heading(_) | In::ListItem | In::Paragraph) => {
                text.push_str(&t)
            }
            Event::SoftBreak if state == In::Paragraph => text.push(' '),
            Event::SoftBreak | Event::HardBreak if state == In::ListItem => text.push(' '),
            _ => {}
        }
    }
    sections
}

/// The lines of a pre-rendered code block, all numbered with the line
/// where the block starts.
fn rendered_rows(html: &str, line: usize) -> Vec<Line> {
    let fragment = Html::parse_fragment(html);
    let rows = Selector::parse(".CodeBlock--row-content").expect("valid selector");
    fragment
        .select(&rows)
        .map(|row| Line { number: line, text: row.text().collect::<String>().trim_end_matches('\n').to_owned() })
        .collect()
}

/// The first block of a section is its example request, the second its
/// example response.
fn store_block(sections: &mut [Section], block: Vec<Line>) {
    let Some(section) = sections.last_mut() else { return };
    if section.request.is_empty() {
        section.request = block;
    } else if section.response.is_empty() {
        section.response = block;
    }
}
