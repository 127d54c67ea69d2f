//! Pages in Markdown: fenced code blocks, or code blocks pre-rendered to
//! HTML (`{{<raw>}}<pre class="CodeBlock…">…</pre>{{</raw>}}`).
//!
//! pulldown-cmark reads the page. A pre-rendered block sits inside a
//! `<details>` HTML block, so it arrives as raw HTML; scraper (html5ever)
//! parses it, and each `.CodeBlock--row-content` element is one line, its
//! text entity-decoded (`&quot;` → `"`).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use scraper::{Html, Selector};

use super::{Heading, Line, ListedParam, Section, endpoint_path, heading, split_param, under_its_heading};

/// What the parser is inside of.
#[derive(PartialEq)]
enum In {
    Nothing,
    Heading,
    Paragraph,
    ParamList,
    ListItem,
    CodeBlock,
    RawBlock,
}

/// The sections of a Markdown page.
///
/// A section starts at a `METHOD action` heading of any level, or, in the
/// oldest pages, at a paragraph holding only the endpoint's path
/// (`` `POST /api/v2/railgun/conn_set` ``); under a heading, that path
/// paragraph belongs to the heading's section. Parameter lists follow a
/// heading ending in "parameters", whatever its level, case or colon.
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
    // The paragraph being read: only one code span so far, and where a
    // pre-rendered block inside it starts.
    let mut only_code = true;
    let mut inline_pre: Option<usize> = None;
    let mut paragraph_had_block = false;

    for (event, range) in Parser::new(page).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                state = In::Heading;
                text.clear();
                text_line = line_of(range.start);
            }
            Event::End(TagEnd::Heading(_)) => {
                state = In::Nothing;
                in_params = false;
                match heading(&text) {
                    Heading::Endpoint(method, action) => {
                        sections.push(Section { method, action, line: text_line, ..Section::default() })
                    }
                    Heading::Params => in_params = true,
                    Heading::Request | Heading::Response | Heading::Other => {}
                }
            }
            Event::Start(Tag::Paragraph) if state == In::Nothing => {
                state = In::Paragraph;
                text.clear();
                text_line = line_of(range.start);
                only_code = true;
                paragraph_had_block = false;
            }
            Event::End(TagEnd::Paragraph) if state == In::Paragraph => {
                state = In::Nothing;
                let path = if only_code { endpoint_path(&text) } else { None };
                if let Some((method, action)) = path {
                    if !under_its_heading(&sections, &method, &action) {
                        sections.push(Section { method, action, line: text_line, ..Section::default() });
                    }
                } else if !paragraph_had_block
                    && let Some(section) = sections.last_mut()
                    && section.description.is_empty()
                    && section.params.is_empty()
                    && section.request.is_empty()
                {
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
            // A pre-rendered block after other text of the same paragraph
            // (`HTTP/1.1 200 OK` lines, then `{{<raw>}}<pre …>`): its tags
            // arrive as inline HTML; the rows are read from the source.
            Event::InlineHtml(html) if state == In::Paragraph && html.starts_with("<pre") => {
                inline_pre = Some(range.start);
                only_code = false;
            }
            Event::InlineHtml(html) if state == In::Paragraph && html.starts_with("</pre") => {
                if let Some(start) = inline_pre.take() {
                    paragraph_had_block = true;
                    store_block(&mut sections, rendered_rows(&page[start..range.end], line_of(start)));
                }
            }
            Event::Code(t) if state == In::Paragraph => {
                only_code &= text.trim().is_empty();
                text.push_str(&t);
            }
            Event::Text(t) if state == In::Paragraph && inline_pre.is_none() => {
                only_code &= t.trim().is_empty();
                text.push_str(&t);
            }
            Event::Text(t) | Event::Code(t) if matches!(state, In::Heading | In::ListItem) => text.push_str(&t),
            Event::SoftBreak if state == In::Paragraph => text.push(' '),
            Event::SoftBreak | Event::HardBreak if state == In::ListItem => text.push(' '),
            Event::InlineHtml(_) | Event::HardBreak if state == In::Paragraph => only_code = false,
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
