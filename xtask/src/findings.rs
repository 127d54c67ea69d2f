//! What a check finds: a [`Finding`] per difference between a spec and
//! its upstream source, named by family, action and item, and the
//! [`Report`] that sorts them into failing and accepted (a deviation the
//! spec records). Shared by every source (`docs` for v2, `openapi` for
//! v4) and by the fixes `regen` makes.

use std::collections::BTreeSet;
use std::fmt;

use railgun_spec::ir::{Api, Endpoint};

/// What kind of difference a [`Finding`] is, for `regen` to act on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The docs have the action, the spec does not.
    ActionMissing,
    /// The spec has the action, the docs do not.
    ActionUndocumented,
    /// The docs document the method, the spec does not have it.
    MethodMissing(String),
    /// The spec has the method, the docs do not document it.
    MethodUndocumented(String),
    /// The credentials differ from the family's.
    Auth,
    /// The docs list the parameter, the spec does not have it.
    ParamMissing(String),
    /// The spec has the parameter, the docs' list does not.
    ParamUndocumented(String),
    /// The parameter is optional on one side only; `true` when the docs say optional.
    ParamOptional(String, bool),
    /// The docs' act (or none).
    Act(Option<String>),
    /// A documented response field (path) the spec does not have.
    FieldMissing(String),
    /// A spec response field (path) the docs do not show.
    FieldUndocumented(String),
    /// A field (path) of another JSON type, or `null` where the spec's is not optional.
    FieldType(String),
    /// The spec marks the endpoint `undocumented`, but the docs have it now.
    MarkedUndocumented,
    /// The path template differs from the description's (`rest_json`).
    Path,
    /// A parameter goes elsewhere than the description says (`rest_json`).
    ParamLocation(String),
    /// An integer parameter's `minimum` or `maximum` differs from the
    /// description's schema (`rest_json`).
    ParamBounds(String),
    /// A string parameter's `max_length` differs from the description's
    /// `maxLength` (`rest_json`).
    ParamLength(String),
    /// The description leaves the answer's `result` untyped (`rest_json`).
    Response,
    /// A page the reader could not make sense of (file, line): every fact
    /// it holds is unknown, so nothing it should say can be compared.
    Unreadable(String, usize),
}

/// A difference between the spec and the docs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// `client` or `partner`.
    pub family: String,
    /// The action.
    pub action: String,
    /// What differs, as `deviations:` names it.
    pub item: String,
    /// The difference, in words.
    pub message: String,
    /// The difference, for `regen`.
    pub kind: Kind,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Unreadable(file, line) => write!(f, "could not read {file}:{line}: {}", self.message),
            _ => write!(f, "{} {}: {}", self.family, self.action, self.message),
        }
    }
}

/// A contradiction inside a source (a page of the docs): reported, never
/// fatal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// The page, relative to the docs folder.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// The outcome of a check.
#[derive(Debug, Default)]
pub struct Report {
    /// Differences the spec does not account for: the check fails.
    pub findings: Vec<Finding>,
    /// Differences the spec records as deliberate, with the reason.
    pub accepted: Vec<(Finding, String)>,
    /// Deviations the spec records that no finding matches (family, action, item, reason).
    pub unmatched: Vec<(String, String, String, String)>,
    /// Contradictions inside the docs.
    pub warnings: Vec<Warning>,
    /// Endpoints the spec marks as deliberately undocumented (family, action, reason).
    pub undocumented: Vec<(String, String, String)>,
}

impl Report {
    /// The report as printed: the findings, then a one-line summary; with
    /// `verbose`, the accepted deviations, notes and doc warnings after it.
    pub fn render(&self, verbose: bool) -> String {
        let mut out = String::new();
        for finding in &self.findings {
            out.push_str(&format!("{finding}\n"));
        }
        let notes = self.unmatched.len() + self.undocumented.len();
        out.push_str(&format!(
            "check: {} finding(s); {} accepted deviation(s), {} note(s), {} doc warning(s){}\n",
            self.findings.len(),
            self.accepted.len(),
            notes,
            self.warnings.len(),
            if verbose || self.accepted.len() + notes + self.warnings.len() == 0 {
                ""
            } else {
                " (--verbose lists them)"
            }
        ));
        if verbose {
            for (finding, reason) in &self.accepted {
                out.push_str(&format!("accepted: {finding} (deviation: {reason})\n"));
            }
            for (family, action, reason) in &self.undocumented {
                out.push_str(&format!(
                    "note: {family} {action}: not in the docs on purpose (undocumented): {reason}\n"
                ));
            }
            for (family, action, item, reason) in &self.unmatched {
                out.push_str(&format!(
                    "note: {family} {action}: deviation '{item}' is recorded but not compared: {reason}\n"
                ));
            }
            for warning in &self.warnings {
                out.push_str(&format!("warning: {warning}\n"));
            }
        }
        out
    }
}

impl Kind {
    /// The item a deviation names to accept this kind of finding.
    pub fn item(&self) -> String {
        match self {
            Kind::ActionMissing | Kind::ActionUndocumented => "action".to_owned(),
            Kind::MethodMissing(m) | Kind::MethodUndocumented(m) => format!("method {m}"),
            Kind::Auth => "auth".to_owned(),
            Kind::ParamMissing(p)
            | Kind::ParamUndocumented(p)
            | Kind::ParamOptional(p, _)
            | Kind::ParamLocation(p)
            | Kind::ParamBounds(p)
            | Kind::ParamLength(p) => format!("param {p}"),
            Kind::Path => "path".to_owned(),
            Kind::Response => "response".to_owned(),
            Kind::Act(_) => "act".to_owned(),
            Kind::FieldMissing(f) | Kind::FieldUndocumented(f) | Kind::FieldType(f) => format!("field {f}"),
            Kind::MarkedUndocumented => "undocumented".to_owned(),
            Kind::Unreadable(..) => "unreadable".to_owned(),
        }
    }
}

/// Sorts `findings` into `report`: accepted where the endpoint records a
/// deviation naming the finding's item, failing otherwise; a recorded
/// deviation that no finding matches becomes a note.
pub(crate) fn sort_out(api: &Api, findings: Vec<Finding>, report: &mut Report) {
    let mut used: BTreeSet<(String, String, String)> = BTreeSet::new();
    let family_of = |e: &Endpoint| api.family(e.family).name.as_str();
    for finding in findings {
        let reason = api
            .endpoints
            .iter()
            .find(|e| family_of(e) == finding.family && e.action == finding.action)
            .and_then(|e| e.deviations.iter().find(|d| d.item == finding.item))
            .map(|d| d.reason.trim().to_owned());
        match reason {
            Some(reason) => {
                used.insert((finding.family.clone(), finding.action.clone(), finding.item.clone()));
                report.accepted.push((finding, reason));
            }
            None => report.findings.push(finding),
        }
    }
    for e in &api.endpoints {
        let family = family_of(e).to_owned();
        for d in &e.deviations {
            if !used.contains(&(family.clone(), e.action.clone(), d.item.clone())) {
                report.unmatched.push((family.clone(), e.action.clone(), d.item.clone(), d.reason.trim().to_owned()));
            }
        }
    }
}
