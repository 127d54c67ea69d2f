//! Spec errors: what is wrong, where in the spec tree, and at which line.

use std::fmt;

use crate::locate::Location;

/// One problem in a spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file as the user named it.
    pub file: String,
    /// Path of the offending node, e.g. `endpoints[3].params[1].type`;
    /// empty for errors about the whole file.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// Where the node starts, when known.
    pub location: Option<Location>,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        match self.location {
            Some(loc) => write!(f, " at {}:{}:{}", self.file, loc.line, loc.column),
            None => write!(f, " in {}", self.file),
        }
    }
}

impl std::error::Error for SpecError {}

/// Every problem found in a spec file, in the order they were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}
