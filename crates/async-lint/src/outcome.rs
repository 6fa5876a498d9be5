//! What a run produced: the linted files with their findings (and fixes), the paths that could
//! not be read, and the counts. The output formats render it.

use crate::fix::Fixed;
use crate::manifest::Target;
use crate::paths::PathError;
use crate::project::Crate;
use async_lint_core::{Finding, SourceFile};
use std::sync::Arc;

/// One linted file with its findings.
pub struct Linted {
    /// The file as linted last: after the fixes, when fixes were computed.
    pub file: SourceFile,
    pub findings: Vec<Finding>,
    /// Its package, when a Cargo.toml with `[package]` is above it.
    pub krate: Option<Arc<Crate>>,
    /// Its cargo target, when the layout tells.
    pub target: Option<Target>,
    /// The fixes computed for it (`--fix`, `--diff`).
    pub fixed: Option<Fixed>,
    /// Why it was skipped rather than linted (it does not parse and is no module).
    pub skipped: Option<String>,
}

/// What a run produced.
#[derive(Default)]
pub struct Outcome {
    /// Files with findings or fixes, in path order.
    pub files: Vec<Linted>,
    /// Paths that could not be read.
    pub errors: Vec<PathError>,
    /// Files looked at (read), and of those, files parsed.
    pub files_read: usize,
    pub files_parsed: usize,
    /// Files not linted because they are not Rust modules, with the reason (info, not errors).
    pub skipped: Vec<PathError>,
}
