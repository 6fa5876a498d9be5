//! `// async-lint: allow(..)` comments that name no rule are always findings of the
//! pseudo-rule `unused-allow` (a misspelt name suppresses nothing, silently), with the closest
//! rule name as a hint. With `--report-unused-allows`, so are allows that suppressed nothing
//! in this run, with a machine-applicable suggestion that deletes the comment (so `--fix`
//! removes them).
//!
//! An allow is only judged when every rule it names ran on its line: an allow for a rule that
//! `--select` left out, or in test code for a rule that skips test code (`check-tests`), may
//! well be needed. A name that is no rule at all is reported whatever happened.
//! The engine says whether an allow suppressed something, not which of its rules did, so an
//! allow naming several rules is reported only when none of them was used.

use super::pseudo::{is_rule_name, UNUSED_ALLOW as RULE};
use super::Engine;
use crate::finding::{Applicability, Finding, Suggestion};
use crate::source::{SourceFile, Span};
use crate::suppress::{Allow, MARKER};

/// The findings for the allows of one file that name no rule, and with
/// `--report-unused-allows`, for those that suppressed nothing.
pub(super) fn findings(
    engine: &Engine,
    file: &SourceFile,
    allows: &[(Allow, bool)],
) -> Vec<Finding> {
    let report_unused = engine.report_unused_allows;
    let rules_in_tests = &engine.rules_in_tests;
    let judged = |(allow, used): &&(Allow, bool)| {
        (report_unused && !*used) || allow.rules.iter().any(|r| !is_rule_name(r))
    };
    if !allows.iter().any(|a| judged(&a)) {
        return Vec::new();
    }
    let literals = literal_ranges(file);
    let enabled = |name: &str| engine.rules().any(|r| r.meta().name == name);
    let mut tests: Option<TestLines> = None;
    let mut out = Vec::new();
    for (allow, used) in allows.iter().filter(judged) {
        // A marker inside a string literal or a doc comment is no suppression.
        if literals.iter().any(|r| r.contains(&allow.offset)) {
            continue;
        }
        let line = file.lines.line_range(allow.line, &file.text);
        let comment = Span::new(allow.offset, line.end);
        let unknown: Vec<String> = allow
            .rules
            .iter()
            .filter(|r| !is_rule_name(r))
            .map(|r| format!("`{r}`"))
            .collect();
        if !unknown.is_empty() {
            let hints: Vec<String> = allow
                .rules
                .iter()
                .filter(|r| !is_rule_name(r))
                .filter_map(|r| super::names::closest_rule(r).map(|c| format!("`{c}` for `{r}`")))
                .collect();
            let help = if hints.is_empty() {
                "fix the name (`async-lint rules` lists them) or remove the comment".to_string()
            } else {
                format!("did you mean {}?", hints.join(", "))
            };
            out.push(
                Finding::new(
                    RULE,
                    comment,
                    format!("allow comment names no rule: {}", unknown.join(", ")),
                )
                .label("unknown rule name")
                .help(help)
                .note("a misspelt rule name suppresses nothing"),
            );
            continue;
        }
        if !report_unused {
            continue;
        }
        if *used || allow.rules.is_empty() || !allow.rules.iter().all(|r| enabled(r)) {
            continue;
        }
        if !allow
            .rules
            .iter()
            .all(|r| rules_in_tests.iter().any(|n| n == r))
            && tests
                .get_or_insert_with(|| TestLines::of(file))
                .covers(allow.first, allow.last)
        {
            continue;
        }
        let mut f = Finding::new(
            RULE,
            comment,
            format!("`allow({})` suppresses nothing", allow.rules.join(", ")),
        )
        .label("no finding here to suppress")
        .help("remove the comment")
        .note("a suppression that is no longer needed would hide a future finding on this code");
        if let Some(removal) = removal(file, allow) {
            f = f.suggest(Suggestion {
                message: "remove the allow comment".into(),
                span: removal,
                replacement: String::new(),
                applicability: Applicability::MachineApplicable,
            });
        }
        out.push(f);
    }
    out
}

/// The lines of a file that are test code: all of them in a test file, else those of
/// `#[test]`-like fns and `#[cfg(test)]` items.
enum TestLines {
    All,
    Ranges(Vec<(usize, usize)>),
}

impl TestLines {
    fn of(file: &SourceFile) -> TestLines {
        use crate::context::testcode;
        use crate::source::SpanOf;
        use syn::visit::Visit;
        struct Collect<'f> {
            file: &'f SourceFile,
            out: Vec<(usize, usize)>,
        }
        impl Collect<'_> {
            fn add(&mut self, attrs: &[syn::Attribute], node: &dyn syn::spanned::Spanned) {
                if testcode::is_test_item(attrs) {
                    let span = self.file.span_of(node);
                    let line = |at| self.file.lines.line_of(at) + 1;
                    self.out.push((line(span.start), line(span.end)));
                }
            }
        }
        impl<'ast> Visit<'ast> for Collect<'_> {
            fn visit_item(&mut self, i: &'ast syn::Item) {
                let attrs: &[syn::Attribute] = match i {
                    syn::Item::Fn(f) => &f.attrs,
                    syn::Item::Mod(m) => &m.attrs,
                    syn::Item::Impl(m) => &m.attrs,
                    syn::Item::Use(m) => &m.attrs,
                    syn::Item::Struct(m) => &m.attrs,
                    syn::Item::Const(m) => &m.attrs,
                    syn::Item::Static(m) => &m.attrs,
                    _ => &[],
                };
                self.add(attrs, i);
                syn::visit::visit_item(self, i);
            }
            fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
                self.add(&i.attrs, i);
                syn::visit::visit_impl_item_fn(self, i);
            }
        }
        if testcode::is_test_path(&file.path) {
            return TestLines::All;
        }
        let mut c = Collect {
            file,
            out: Vec::new(),
        };
        if let Ok(ast) = syn::parse_file(&file.text) {
            c.visit_file(&ast);
        }
        proc_macro2::extra::invalidate_current_thread_spans();
        TestLines::Ranges(c.out)
    }

    /// Does test code cover any line of `first..=last`?
    fn covers(&self, first: usize, last: usize) -> bool {
        match self {
            TestLines::All => true,
            TestLines::Ranges(r) => r.iter().any(|(a, b)| *a <= last && first <= *b),
        }
    }
}

/// The text to delete to remove the comment: its whole line when it stands alone, else the
/// comment and the spaces before it. `None` when the comment holds other words before the
/// marker (they are the author's, not ours to delete).
fn removal(file: &SourceFile, allow: &Allow) -> Option<Span> {
    let line = file.lines.line_range(allow.line, &file.text);
    let text = &file.text[line.clone()];
    let at = allow.offset - line.start;
    let after_slashes = text[at..].trim_start_matches('/').trim_start();
    if !after_slashes.starts_with(MARKER) {
        return None;
    }
    let before = &text[..at];
    if before.trim().is_empty() {
        let next = file.lines.line_start(allow.line).unwrap_or(file.text.len());
        Some(Span::new(line.start, next))
    } else {
        let code_end = line.start + before.trim_end().len();
        Some(Span::new(code_end, line.end))
    }
}

/// Byte ranges of the file's literals and doc comments (where a marker is text, not a
/// suppression).
fn literal_ranges(file: &SourceFile) -> Vec<std::ops::Range<usize>> {
    use crate::source::SpanOf;
    fn walk(
        stream: proc_macro2::TokenStream,
        file: &SourceFile,
        out: &mut Vec<std::ops::Range<usize>>,
    ) {
        for tt in stream {
            match tt {
                proc_macro2::TokenTree::Group(g) => walk(g.stream(), file, out),
                proc_macro2::TokenTree::Literal(l) => {
                    let s = file.span_of_proc(l.span());
                    out.push(s.start..s.end);
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    if let Ok(stream) = file.text.parse::<proc_macro2::TokenStream>() {
        walk(stream, file, &mut out);
    }
    proc_macro2::extra::invalidate_current_thread_spans();
    out
}
