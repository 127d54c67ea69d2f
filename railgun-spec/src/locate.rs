//! Where each node of a YAML document starts, by its spec path.
//!
//! serde gives us typed values but not their positions, so semantic errors
//! found after deserializing (an unknown type name, a duplicate action) look
//! their node up here by the same path syntax serde_path_to_error uses:
//! `endpoints[3].params[1].type`.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A 1-based line and column in the spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Line, counting from 1.
    pub line: usize,
    /// Column, counting from 1.
    pub column: usize,
}

/// Start positions of every node, keyed by path (`""` is the document root).
#[derive(Debug, Default)]
pub struct Locations {
    nodes: HashMap<String, Location>,
}

impl Locations {
    /// Indexes `source`. A document that does not parse yields an empty
    /// index: serde_yaml reports the syntax error with its own location.
    pub fn index(source: &str) -> Locations {
        let mut indexer = Indexer::default();
        let mut parser = Parser::new_from_str(source);
        if parser.load(&mut indexer, false).is_err() {
            return Locations::default();
        }
        Locations { nodes: indexer.nodes }
    }

    /// The position of the node at exactly `path`.
    pub fn get(&self, path: &str) -> Option<Location> {
        self.nodes.get(path).copied()
    }

    /// The position of the node at `path`, or of its nearest ancestor that
    /// exists (a missing key is reported where its parent starts).
    pub fn find(&self, path: &str) -> Option<Location> {
        let mut path = path;
        loop {
            if let Some(loc) = self.nodes.get(path) {
                return Some(*loc);
            }
            if path.is_empty() {
                return None;
            }
            path = parent(path);
        }
    }
}

fn parent(path: &str) -> &str {
    match path.rfind(['.', '[']) {
        Some(i) => &path[..i],
        None => "",
    }
}

enum Frame {
    Map { path: String, key: Option<String>, first_key: bool },
    Seq { path: String, index: usize },
}

#[derive(Default)]
struct Indexer {
    stack: Vec<Frame>,
    nodes: HashMap<String, Location>,
}

impl Indexer {
    /// Path of the node that starts now, or `None` when the scalar is a key.
    fn child_path(&self) -> Option<String> {
        match self.stack.last() {
            None => Some(String::new()),
            Some(Frame::Map { key: None, .. }) => None,
            Some(Frame::Map { path, key: Some(k), .. }) if path.is_empty() => Some(k.clone()),
            Some(Frame::Map { path, key: Some(k), .. }) => Some(format!("{path}.{k}")),
            Some(Frame::Seq { path, index }) => Some(format!("{path}[{index}]")),
        }
    }

    /// Moves the parent on once a value is complete.
    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { key, .. }) => *key = None,
            Some(Frame::Seq { index, .. }) => *index += 1,
            None => {}
        }
    }

    fn record(&mut self, path: &str, mark: Marker) {
        self.nodes.entry(path.to_owned()).or_insert(location(mark));
    }
}

fn location(mark: Marker) -> Location {
    Location { line: mark.line(), column: mark.col() + 1 }
}

impl MarkedEventReceiver for Indexer {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(value, ..) => match self.child_path() {
                None => {
                    // A block mapping's start event is marked after its first
                    // key; the key itself is where a reader sees it begin.
                    if let Some(Frame::Map { path, key, first_key }) = self.stack.last_mut() {
                        *key = Some(value);
                        if std::mem::take(first_key) {
                            self.nodes.insert(path.clone(), location(mark));
                        }
                    }
                }
                Some(path) => {
                    self.record(&path, mark);
                    self.value_done();
                }
            },
            Event::Alias(_) => {
                if let Some(path) = self.child_path() {
                    self.record(&path, mark);
                }
                self.value_done();
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A collection used as a mapping key has no path of its own.
                let path = self.child_path().unwrap_or_default();
                self.record(&path, mark);
                self.stack.push(match event {
                    Event::MappingStart(..) => Frame::Map { path, key: None, first_key: true },
                    _ => Frame::Seq { path, index: 0 },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_done();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "version: 1\nendpoints:\n  - action: init\n    params:\n      - name: z\n        type: strin\n";

    #[test]
    fn finds_nested_values_by_path() {
        let locs = Locations::index(DOC);
        assert_eq!(locs.find("version"), Some(Location { line: 1, column: 10 }));
        assert_eq!(locs.find("endpoints[0].action"), Some(Location { line: 3, column: 13 }));
        assert_eq!(locs.find("endpoints[0].params[0].type"), Some(Location { line: 6, column: 15 }));
    }

    #[test]
    fn missing_keys_fall_back_to_their_parent() {
        let locs = Locations::index(DOC);
        assert_eq!(locs.find("endpoints[0].params[0].doc"), locs.find("endpoints[0].params[0]"));
        assert_eq!(locs.find("endpoints[0].params[0]"), Some(Location { line: 5, column: 9 }));
    }
}
