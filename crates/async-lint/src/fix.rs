//! `--fix`, `--diff` and `--unsafe-fixes`: applying suggestions to a file's text.
//!
//! Per file, in its worker: take the applicable suggestions (machine-applicable ones; with
//! `--unsafe-fixes` also maybe-incorrect ones; never one that names a crate the file's target
//! cannot use), drop those that overlap an earlier one, apply them, delete the `use` items
//! whose last use the fixes removed, parse the result, lint it again, and repeat until nothing
//! applicable is left — so that a second `--fix` changes nothing. A result that does not parse
//! is never kept: the file keeps the last text that did, and the failure is reported.
//!
//! Writing happens afterwards on the main thread ([`write_atomically`]): a temporary file in
//! the same folder, the original's permissions, then a rename over it, so a reader never sees
//! half a file.

use async_lint_core::source::SpanOf;
use async_lint_core::{Applicability, Finding, SourceFile, Span, Suggestion};
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use syn::visit::Visit;

mod child_modules;

/// Rounds of fix → re-lint before giving up on reaching a fixed point.
const MAX_ROUNDS: usize = 8;

/// Which suggestions to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Machine-applicable suggestions only.
    Safe,
    /// Also the maybe-incorrect ones (`--unsafe-fixes`).
    Unsafe,
}

/// The fixes computed for one file.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The text as read; the fixed text is the linted file's.
    pub original: String,
    /// Suggestions applied.
    pub applied: usize,
    /// Why fixes were left out, if some were (the result did not parse, no fixed point).
    pub problem: Option<String>,
}

impl Fixed {
    /// Does the fixed text differ from the original?
    pub fn changed(&self, fixed: &str) -> bool {
        self.original != fixed
    }
}

/// Computes the fixes of a file in place: `file` becomes the fixed text and `findings` those
/// of the fixed text. `usable` says whether a suggestion's replacement only names crates the
/// file can use; `relint` lints a text as this file. `None` when nothing was tried.
pub fn fix(
    file: &mut SourceFile,
    findings: &mut Vec<Finding>,
    mode: FixMode,
    usable: impl Fn(&Suggestion) -> bool,
    relint: impl Fn(&SourceFile) -> Vec<Finding>,
) -> Option<Fixed> {
    let original = file.text.clone();
    let mut applied = 0;
    let mut problem = None;
    for round in 0.. {
        let edits = applicable(findings, mode, &usable);
        if edits.is_empty() {
            break;
        }
        if round == MAX_ROUNDS {
            problem = Some(format!(
                "fixes still applied after {MAX_ROUNDS} rounds; the rest were left out"
            ));
            break;
        }
        let candidate = match apply(file, &edits) {
            Ok(text) => text,
            Err(why) => {
                problem = Some(why);
                break;
            }
        };
        let next = SourceFile::new(file.path.clone(), candidate);
        applied += edits.len();
        *findings = relint(&next);
        *file = next;
    }
    (applied > 0 || problem.is_some()).then_some(Fixed {
        original,
        applied,
        problem,
    })
}

/// The suggestions to apply, in text order, without overlaps (the first one wins).
fn applicable<'a>(
    findings: &'a [Finding],
    mode: FixMode,
    usable: &impl Fn(&Suggestion) -> bool,
) -> Vec<&'a Suggestion> {
    let mut chosen: Vec<&Suggestion> = findings
        .iter()
        .filter_map(|f| f.suggestion.as_ref())
        .filter(|s| match s.applicability {
            Applicability::MachineApplicable => true,
            Applicability::MaybeIncorrect => mode == FixMode::Unsafe,
            Applicability::HasPlaceholders => false,
        })
        .filter(|s| usable(s))
        .collect();
    chosen.sort_by_key(|s| (s.span.start, s.span.end));
    let mut out: Vec<&Suggestion> = Vec::with_capacity(chosen.len());
    for s in chosen {
        let overlaps = out.last().is_some_and(|prev| {
            s.span.start < prev.span.end || (s.span.is_empty() && s.span.start == prev.span.end)
        });
        if !overlaps {
            out.push(s);
        }
    }
    out
}

/// Applies `edits` (sorted, disjoint) to the file, then removes the imports they left unused.
/// Fails, naming the syntax error, when the result does not parse.
fn apply(file: &SourceFile, edits: &[&Suggestion]) -> Result<String, String> {
    let text = &file.text;
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        let (Some(before), true) = (text.get(at..e.span.start), e.span.end <= text.len()) else {
            return Err("a suggestion's span is outside the file".into());
        };
        out.push_str(before);
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    // Names the replaced code started with (`sleep(d)` → `sleep`, `fs::read(p)` → `fs`):
    // their imports may have lost their last use.
    let names: HashSet<String> = edits
        .iter()
        .filter_map(|e| leading_name(file.slice(e.span)))
        .collect();
    let fixed = SourceFile::new(file.path.clone(), out);
    let parsed = parses(&fixed)?;
    let removals = unused_imports(file, &fixed, &parsed, &names);
    drop(parsed);
    if removals.is_empty() {
        proc_macro2::extra::invalidate_current_thread_spans();
        return Ok(fixed.text);
    }
    let mut text = String::with_capacity(fixed.text.len());
    let mut at = 0;
    for r in &removals {
        text.push_str(&fixed.text[at..r.start]);
        at = r.end;
    }
    text.push_str(&fixed.text[at..]);
    proc_macro2::extra::invalidate_current_thread_spans();
    let cleaned = SourceFile::new(file.path.clone(), text);
    parses(&cleaned)?;
    proc_macro2::extra::invalidate_current_thread_spans();
    Ok(cleaned.text)
}

fn parses(file: &SourceFile) -> Result<syn::File, String> {
    async_lint_core::parse::parse(file).map_err(|f| {
        let at = file.lines.line_col(&file.text, f.span.start);
        format!(
            "the fixed file would not parse ({} at {}:{})",
            f.message.trim_start_matches("file does not parse: "),
            at.line,
            at.column
        )
    })
}

/// The first identifier of a path expression's text, unless the path is absolute (`::x`).
fn leading_name(text: &str) -> Option<String> {
    let name: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let starts_ident = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_');
    (starts_ident && name != "_").then_some(name)
}

/// Byte ranges of `fixed` to delete: the private `use` leaves binding one of `names` that were
/// used before the fixes and no longer are, and that no out-of-line child module (`mod x;`) may
/// use through `super::` (see [`child_modules`]).
fn unused_imports(
    before: &SourceFile,
    fixed: &SourceFile,
    ast: &syn::File,
    names: &HashSet<String>,
) -> Vec<std::ops::Range<usize>> {
    if names.is_empty() {
        return Vec::new();
    }
    let mut uses = UseItems::default();
    uses.visit_file(ast);
    let names = if uses.out_of_line_modules.is_empty() {
        names.clone()
    } else if uses.path_modules {
        return Vec::new();
    } else {
        let Some(used) =
            child_modules::used_by_children(&before.path, &uses.out_of_line_modules, names)
        else {
            return Vec::new();
        };
        names.difference(&used).cloned().collect()
    };
    let names = &names;
    let spans_after: Vec<Span> = uses.items.iter().map(|u| fixed.span_of(*u)).collect();
    let after = ident_counts(&fixed.text, fixed, &spans_after, names);
    let gone: HashSet<&String> = names
        .iter()
        .filter(|n| after.get(*n).copied().unwrap_or(0) == 0)
        .collect();
    if gone.is_empty() {
        return Vec::new();
    }
    // Used before? Count in the original text, outside its own use items.
    let before_ast = match async_lint_core::parse::parse(before) {
        Ok(ast) => ast,
        Err(_) => return Vec::new(),
    };
    let mut before_uses = UseItems::default();
    before_uses.visit_file(&before_ast);
    let spans_before: Vec<Span> = before_uses
        .items
        .iter()
        .map(|u| before.span_of(*u))
        .collect();
    let names_gone: HashSet<String> = gone.iter().map(|n| (*n).clone()).collect();
    let counts_before = ident_counts(&before.text, before, &spans_before, &names_gone);
    let remove: HashSet<String> = names_gone
        .into_iter()
        .filter(|n| counts_before.get(n).copied().unwrap_or(0) > 0)
        .collect();
    if remove.is_empty() {
        return Vec::new();
    }
    let mut ranges = Vec::new();
    for item in &uses.items {
        if !matches!(item.vis, syn::Visibility::Inherited) {
            continue;
        }
        match plan(fixed, &item.tree, None, &remove) {
            Plan::Keep => {}
            Plan::All => ranges.push(whole_item(fixed, fixed.span_of(*item))),
            Plan::Parts(parts) => ranges.extend(parts),
        }
    }
    ranges.sort_by_key(|r| r.start);
    ranges.dedup_by(|b, a| b.start < a.end);
    ranges
}

#[derive(Default)]
struct UseItems<'ast> {
    items: Vec<&'ast syn::ItemUse>,
    /// The names of `mod x;` items.
    out_of_line_modules: Vec<String>,
    /// One of them has a `#[path]`: its file is not where the name says.
    path_modules: bool,
}

impl<'ast> Visit<'ast> for UseItems<'ast> {
    fn visit_item_use(&mut self, i: &'ast syn::ItemUse) {
        self.items.push(i);
    }

    fn visit_item_mod(&mut self, i: &'ast syn::ItemMod) {
        if i.content.is_none() {
            self.out_of_line_modules.push(i.ident.to_string());
            self.path_modules |= i.attrs.iter().any(|a| a.path().is_ident("path"));
        }
        syn::visit::visit_item_mod(self, i);
    }
}

/// How many times each of `names` occurs outside the `use` items as an identifier that can
/// refer to an import: not after `::` (a later path segment, `tokio::time::sleep`) nor after
/// `.` (a field or method).
fn ident_counts(
    text: &str,
    file: &SourceFile,
    use_spans: &[Span],
    names: &HashSet<String>,
) -> std::collections::HashMap<String, usize> {
    fn walk(
        stream: proc_macro2::TokenStream,
        file: &SourceFile,
        use_spans: &[Span],
        names: &HashSet<String>,
        out: &mut std::collections::HashMap<String, usize>,
    ) {
        let mut after_path_or_dot = false;
        for tt in stream {
            let next = matches!(&tt, proc_macro2::TokenTree::Punct(p) if p.as_char() == ':' || p.as_char() == '.');
            match tt {
                proc_macro2::TokenTree::Group(g) => walk(g.stream(), file, use_spans, names, out),
                proc_macro2::TokenTree::Ident(i) if !after_path_or_dot => {
                    let name = i.to_string();
                    let name = name.strip_prefix("r#").unwrap_or(&name);
                    if names.contains(name) {
                        let at = file.span_of_proc(i.span());
                        if !use_spans.iter().any(|u| u.contains(at)) {
                            *out.entry(name.to_string()).or_default() += 1;
                        }
                    }
                }
                _ => {}
            }
            after_path_or_dot = next;
        }
    }
    let mut out = std::collections::HashMap::new();
    if let Ok(stream) = text.parse::<proc_macro2::TokenStream>() {
        walk(stream, file, use_spans, names, &mut out);
    }
    out
}

/// What removing the dead names does to a use tree.
enum Plan {
    Keep,
    /// Every name of the tree goes: the tree (or item) goes.
    All,
    /// Byte ranges to delete inside the tree.
    Parts(Vec<std::ops::Range<usize>>),
}

fn plan(
    file: &SourceFile,
    tree: &syn::UseTree,
    parent: Option<&syn::Ident>,
    dead: &HashSet<String>,
) -> Plan {
    let binds_dead = |ident: &syn::Ident| dead.contains(&ident.to_string());
    match tree {
        syn::UseTree::Path(p) => plan(file, &p.tree, Some(&p.ident), dead),
        syn::UseTree::Name(n) if n.ident == "self" => match parent {
            Some(p) if binds_dead(p) => Plan::All,
            _ => Plan::Keep,
        },
        syn::UseTree::Name(n) if binds_dead(&n.ident) => Plan::All,
        syn::UseTree::Rename(r) if r.rename != "_" && binds_dead(&r.rename) => Plan::All,
        syn::UseTree::Name(_) | syn::UseTree::Rename(_) | syn::UseTree::Glob(_) => Plan::Keep,
        syn::UseTree::Group(g) => {
            let elems: Vec<(Span, Plan)> = g
                .items
                .iter()
                .map(|t| (file.span_of(t), plan(file, t, parent, dead)))
                .collect();
            if elems.is_empty() {
                return Plan::Keep;
            }
            let kept: Vec<usize> = (0..elems.len())
                .filter(|i| !matches!(elems[*i].1, Plan::All))
                .collect();
            if kept.is_empty() {
                return Plan::All;
            }
            // One element left (not `self`): drop the braces too, `std::{fs, io}` → `std::io`.
            if let ([only], true) = (kept.as_slice(), kept.len() < elems.len()) {
                let simple = !matches!(&g.items[*only], syn::UseTree::Name(n) if n.ident == "self");
                if simple {
                    let braces = g.brace_token.span;
                    let (open, close) = (
                        file.span_of_proc(braces.open()),
                        file.span_of_proc(braces.close()),
                    );
                    let inner = match &elems[*only].1 {
                        Plan::Parts(parts) => parts.clone(),
                        _ => Vec::new(),
                    };
                    let mut ranges = inner;
                    ranges.push(open.start..elems[*only].0.start);
                    ranges.push(elems[*only].0.end..close.end);
                    return Plan::Parts(ranges);
                }
            }
            let mut ranges = Vec::new();
            let mut i = 0;
            while i < elems.len() {
                match &elems[i].1 {
                    Plan::Keep => {}
                    Plan::Parts(parts) => ranges.extend(parts.iter().cloned()),
                    Plan::All => {
                        // A run of removed elements: from the end of the element before it
                        // (its comma and the line breaks stay with the kept ones), or at the
                        // start of the group up to the next element.
                        let first = i;
                        while i + 1 < elems.len() && matches!(elems[i + 1].1, Plan::All) {
                            i += 1;
                        }
                        let range = match first.checked_sub(1) {
                            Some(before) => elems[before].0.end..elems[i].0.end,
                            None => elems[first].0.start..elems[i + 1].0.start,
                        };
                        ranges.push(range);
                    }
                }
                i += 1;
            }
            if ranges.is_empty() {
                Plan::Keep
            } else {
                Plan::Parts(ranges)
            }
        }
    }
}

/// The range that deletes a whole item: with its line when nothing else is on it.
fn whole_item(file: &SourceFile, span: Span) -> std::ops::Range<usize> {
    let text = &file.text;
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let rest = &text[span.end..];
    let line_end = rest.find('\n').map_or(text.len(), |i| span.end + i + 1);
    let alone = text[line_start..span.start].trim().is_empty()
        && text[span.end..line_end].trim().is_empty();
    if alone {
        line_start..line_end
    } else {
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        span.start..span.end + spaces
    }
}

/// A unified diff of the fixes of one file (`--diff`).
pub fn diff(path: &Path, original: &str, fixed: &str) -> String {
    let name = path.display().to_string().replace('\\', "/");
    similar::TextDiff::from_lines(original, fixed)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Replaces the file at `path` with `text`, atomically: a temporary file in the same folder
/// (of the symlink's target, for a symlink) with the original's permissions, renamed over it.
/// Refuses when the file changed since it was read (`expected`).
pub fn write_atomically(path: &Path, expected: &str, text: &str) -> std::io::Result<()> {
    let real = std::fs::canonicalize(path)?;
    let current = std::fs::read(&real)?;
    if current != expected.as_bytes() {
        return Err(std::io::Error::other(
            "the file changed while async-lint ran; not fixed",
        ));
    }
    let permissions = std::fs::metadata(&real)?.permissions();
    let dir = real
        .parent()
        .ok_or_else(|| std::io::Error::other("the file has no parent folder"))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".async-lint-fix-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    std::fs::set_permissions(tmp.path(), permissions)?;
    tmp.persist(&real).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remove_names(src: &str, names: &[&str]) -> String {
        let file = SourceFile::new("t.rs", src.to_string());
        let ast = syn::parse_file(src).expect("parses");
        let dead: HashSet<String> = names.iter().map(|s| s.to_string()).collect();
        let mut uses = UseItems::default();
        uses.visit_file(&ast);
        let mut ranges = Vec::new();
        for item in &uses.items {
            match plan(&file, &item.tree, None, &dead) {
                Plan::Keep => {}
                Plan::All => ranges.push(whole_item(&file, file.span_of(*item))),
                Plan::Parts(p) => ranges.extend(p),
            }
        }
        ranges.sort_by_key(|r| r.start);
        let mut out = String::new();
        let mut at = 0;
        for r in ranges {
            out.push_str(&src[at..r.start]);
            at = r.end;
        }
        out.push_str(&src[at..]);
        out
    }

    #[test]
    fn removes_a_name_from_any_shape_of_use_tree() {
        // (source, the names no longer used, the source after the fix)
        let cases: &[(&str, &[&str], &str)] = &[
            (
                "use std::thread::sleep;\nfn a() {}\n",
                &["sleep"],
                "fn a() {}\n",
            ),
            ("use std::{fs, io};\n", &["fs"], "use std::io;\n"),
            ("use std::{io, fs};\n", &["fs"], "use std::io;\n"),
            (
                "use std::fs::{self, File};\n",
                &["File"],
                "use std::fs::{self};\n",
            ),
            (
                "use std::{io, fs, net};\n",
                &["fs"],
                "use std::{io, net};\n",
            ),
            (
                "use std::{fs::{self, File}, io};\n",
                &["fs"],
                "use std::{fs::File, io};\n",
            ),
            ("use std::{fs};\n", &["fs"], ""),
            ("use std::fs as sfs;\n", &["sfs"], ""),
            ("use std::fs as sfs;\n", &["fs"], "use std::fs as sfs;\n"),
            (
                "use std::{\n    fs,\n    io::{self, Read},\n};\n",
                &["fs"],
                "use std::io::{self, Read};\n",
            ),
            (
                "use std::{\n    io::Read,\n    fs,\n};\n",
                &["fs"],
                "use std::io::Read;\n",
            ),
            ("use a::*;\n", &["a"], "use a::*;\n"),
            (
                "use std::{\n    net, thread,\n    time::Duration,\n};\n",
                &["thread"],
                "use std::{\n    net,\n    time::Duration,\n};\n",
            ),
            (
                "use std::{fs, io, net, thread};\n",
                &["fs", "io", "thread"],
                "use std::net;\n",
            ),
            (
                "use std::{fs, io, net, thread, time};\n",
                &["fs", "io", "thread"],
                "use std::{net, time};\n",
            ),
            ("fn f() { use std::fs; }\n", &["fs"], "fn f() { }\n"),
        ];
        for (src, names, want) in cases {
            assert_eq!(remove_names(src, names), *want, "{src:?} without {names:?}");
        }
    }

    /// A file with its findings, and the fixes computed for it.
    struct Case {
        file: SourceFile,
        findings: Vec<Finding>,
        fixed: Option<Fixed>,
    }

    fn linted(text: &str, findings: Vec<Finding>) -> Case {
        Case {
            file: SourceFile::new("src/lib.rs", text.to_string()),
            findings,
            fixed: None,
        }
    }

    fn run(
        l: &mut Case,
        mode: FixMode,
        usable: impl Fn(&Suggestion) -> bool,
        relint: impl Fn(&SourceFile) -> Vec<Finding>,
    ) {
        l.fixed = fix(&mut l.file, &mut l.findings, mode, usable, relint);
    }

    fn finding(span: Span, replacement: &str) -> Finding {
        Finding::new("blocking-in-async", span, "m").suggest(Suggestion {
            message: "s".into(),
            span,
            replacement: replacement.into(),
            applicability: Applicability::MachineApplicable,
        })
    }

    #[test]
    fn a_fix_whose_result_does_not_parse_is_not_applied() {
        let text = "async fn a() { b(); }\n";
        let call = Span::new(15, 18);
        let mut l = linted(text, vec![finding(call, "c((")]);
        run(&mut l, FixMode::Safe, |_| true, |_| Vec::new());
        assert_eq!(l.file.text, text, "the file keeps its text");
        let fixed = l.fixed.expect("the failure is recorded");
        assert_eq!(fixed.applied, 0);
        assert!(fixed.problem.expect("problem").contains("would not parse"));
    }

    #[test]
    fn fixing_stops_when_no_fixed_point_is_reached() {
        let text = "async fn a() { b(); }\n";
        let call = Span::new(15, 18);
        let mut l = linted(text, vec![finding(call, "b()")]);
        // A rule that keeps suggesting the same change: bounded, and said so.
        run(
            &mut l,
            FixMode::Safe,
            |_| true,
            |_| vec![finding(call, "b()")],
        );
        let fixed = l.fixed.expect("recorded");
        assert_eq!(fixed.applied, MAX_ROUNDS);
        assert!(fixed.problem.expect("problem").contains("rounds"));
    }

    #[test]
    fn unsafe_and_unusable_suggestions_wait_for_their_flags() {
        let text = "async fn a() { b(); }\n";
        let call = Span::new(15, 18);
        let mut maybe = finding(call, "c()");
        if let Some(s) = &mut maybe.suggestion {
            s.applicability = Applicability::MaybeIncorrect;
        }
        let mut l = linted(text, vec![maybe.clone()]);
        run(&mut l, FixMode::Safe, |_| true, |_| Vec::new());
        assert!(l.fixed.is_none() && l.file.text == text);
        let mut l = linted(text, vec![maybe.clone()]);
        run(&mut l, FixMode::Unsafe, |_| false, |_| Vec::new());
        assert!(
            l.fixed.is_none(),
            "a replacement naming a crate the file cannot use"
        );
        let mut l = linted(text, vec![maybe]);
        run(&mut l, FixMode::Unsafe, |_| true, |_| Vec::new());
        assert_eq!(l.file.text, "async fn a() { c(); }\n");
    }

    #[test]
    fn writes_refuse_a_file_that_changed_since_it_was_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.rs");
        std::fs::write(&path, "new").expect("write");
        assert!(write_atomically(&path, "old", "fixed").is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        write_atomically(&path, "new", "fixed").expect("writes");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "fixed");
    }

    #[test]
    fn leading_names_of_replaced_paths() {
        assert_eq!(leading_name("sleep(d)").as_deref(), Some("sleep"));
        assert_eq!(leading_name("fs::read(p)").as_deref(), Some("fs"));
        assert_eq!(leading_name("::std::fs::read(p)"), None);
        assert_eq!(leading_name("(a)"), None);
    }
}
