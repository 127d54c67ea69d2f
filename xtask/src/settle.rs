//! The loop every `regen` runs: check, fix the first finding that can be
//! fixed with one edit of the YAML, parse again, and repeat until the
//! check passes or nothing left can be fixed; and what it did.

use std::collections::HashSet;

use railgun_spec::{Locations, ValidSpec};

use crate::findings::{Finding, Report};
use crate::yaml_edit::Editor;

/// What a regen did.
#[derive(Debug)]
pub struct Outcome {
    /// The new spec text.
    pub text: String,
    /// One line per change.
    pub changes: Vec<String>,
    /// Findings regen could not fix.
    pub remaining: Vec<Finding>,
    /// Endpoints the docs do not have that regen kept because the spec
    /// marks them `undocumented` (family, action, reason).
    pub kept: Vec<(String, String, String)>,
}

impl Outcome {
    /// What `cargo xtask regen` prints: the changes, the endpoints kept, the
    /// findings left, then a summary line.
    pub fn render(&self, spec: &str, dry_run: bool) -> String {
        let mut out = String::new();
        for change in &self.changes {
            out.push_str(&format!("changed: {change}\n"));
        }
        for (family, action, reason) in &self.kept {
            out.push_str(&format!("kept: {family} {action}: not in the docs, marked undocumented: {reason}\n"));
        }
        for finding in &self.remaining {
            out.push_str(&format!("{finding}\n"));
        }
        let verb = if dry_run { "would make" } else { "made" };
        out.push_str(&format!(
            "regen: {verb} {} change(s) to {spec}{}, kept {} undocumented endpoint(s), {} finding(s) left\n",
            self.changes.len(),
            if dry_run { " (dry run: nothing written)" } else { "" },
            self.kept.len(),
            self.remaining.len()
        ));
        out
    }
}

/// `old` → `new` as a unified diff of `file`; empty when they are equal.
pub fn diff(old: &str, new: &str, file: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{file}"), &format!("b/{file}"))
        .to_string()
}

/// Marks reasons regen wrote, for a reviewer to replace.
pub const REVIEW: &str = "(recorded by cargo xtask regen; review)";

pub(crate) type Fix = Option<(String, String)>;

/// Checks, fixes the first finding `fix` can, and repeats until the check
/// passes or no finding left can be fixed.
pub(crate) fn settle(
    source: &str,
    file: &str,
    check: impl Fn(&ValidSpec) -> Report,
    fix: impl Fn(&Editor<'_>, &Finding) -> Result<Fix, String>,
) -> Result<Outcome, String> {
    let mut text = source.to_owned();
    let mut changes = Vec::new();
    let mut seen = HashSet::new();
    loop {
        let spec = railgun_spec::parse(&text, file).map_err(|e| format!("the spec does not validate:\n{e}"))?;
        let report = check(&spec);
        if report.findings.is_empty() {
            return Ok(Outcome { text, changes, remaining: Vec::new(), kept: report.undocumented });
        }
        if !seen.insert(text.clone()) || changes.len() > 1000 {
            return Err(format!("regen does not settle; last finding: {}", report.findings[0]));
        }
        let edit = Editor { text: &text, spec: &spec, locs: Locations::index(&text) };
        let mut fixed = None;
        for finding in &report.findings {
            if let Some((new_text, change)) = fix(&edit, finding)? {
                fixed = Some((new_text, format!("{} {}: {change}", finding.family, finding.action)));
                break;
            }
        }
        match fixed {
            Some((new_text, change)) => {
                changes.push(change);
                text = new_text;
            }
            None => return Ok(Outcome { text, changes, remaining: report.findings, kept: report.undocumented }),
        }
    }
}
