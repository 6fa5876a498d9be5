//! The entry points: check one parsed file, alone or as a file of an indexed crate.

use super::Visitor;
use crate::catalog::Catalog;
use crate::config::RuleSettings;
use crate::context::{IndexLink, IndexScope, Rule};
use crate::finding::Finding;
use crate::source::SourceFile;
use crate::CrateInfo;
use std::collections::{HashMap, HashSet};
use syn::spanned::Spanned;
use syn::visit::Visit;

/// What one check of a file produced.
pub struct Checked {
    pub findings: Vec<Finding>,
    /// For each requested start line: the last line of the statement or item starting there
    /// (what an own-line suppression comment above it covers).
    pub extents: HashMap<usize, usize>,
}

/// Everything a file check needs besides the syntax tree.
pub struct CheckInput<'a> {
    pub file: &'a SourceFile,
    pub catalog: &'a Catalog,
    pub krate: &'a CrateInfo,
    pub settings: &'a HashMap<&'static str, RuleSettings>,
    /// The project's blocking and trusted APIs ([`Rule::project_apis`] of every rule).
    pub project_apis: &'a crate::index::ProjectApis,
    pub rules: &'a [&'a dyn Rule],
    /// Module path of the file in its crate (`["crate", "net"]`).
    pub module: Vec<String>,
    /// Lines where the caller wants to know which statement or item starts there.
    pub extent_lines: &'a HashSet<usize>,
}

/// Runs every rule over one parsed file, as a file of no crate: the crate index knows only
/// this file.
pub fn check_file<'a>(input: CheckInput<'a>, ast: &'a syn::File) -> Checked {
    check_file_in(input, ast, IndexScope::detached())
}

/// Runs every rule over one parsed file of the crate `scope` indexes.
pub fn check_file_in<'a>(
    input: CheckInput<'a>,
    ast: &'a syn::File,
    scope: IndexScope<'a>,
) -> Checked {
    let link = IndexLink::new(scope, Some(ast), input.module.clone());
    let mut v = Visitor::new(&input, ast, link, None);
    for item in &ast.items {
        v.visit_item(item);
    }
    let mut findings = v.out;
    let skipped = |f: &Finding| {
        v.rules
            .iter()
            .any(|r| r.meta().name == f.rule && !r.checks_test_code())
            && v.cx.skips_tests(f.rule)
    };
    if findings.iter().any(skipped) && v.cx.declared_test() {
        findings.retain(|f| !skipped(f));
    }
    Checked {
        findings,
        extents: v.extents,
    }
}

impl Visitor<'_> {
    /// Records the last line of a statement or item that starts on a line an own-line allow
    /// comment names ([`Checked::extents`]).
    pub(super) fn record_extent<T: Spanned + ?Sized>(&mut self, node: &T) {
        if self.extent_lines.is_empty() {
            return;
        }
        let span = node.span();
        let (start, end) = (span.start().line, span.end().line);
        if self.extent_lines.contains(&start) {
            let e = self.extents.entry(start).or_insert(end);
            *e = (*e).max(end);
        }
    }
}
