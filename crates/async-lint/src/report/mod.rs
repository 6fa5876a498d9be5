//! Output formats: one file per format, each an [`Emitter`], listed in [`EMITTERS`] (the
//! `--format` values). Each renders the same [`Outcome`]; order is deterministic (path, line,
//! column, rule) because files are sorted and each file's findings are sorted. Lines and
//! columns come resolved with each finding (the engine's pipeline); formats only print them.

pub mod cargo;
pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::outcome::Outcome;
use async_lint_core::{rules, Engine, Finding, Severity, SourceFile};
use std::collections::BTreeMap;

/// What the command line tells the formats.
pub struct Settings<'a> {
    /// Colour in human output.
    pub color: bool,
    /// Columns of human output.
    pub width: usize,
    /// No summary line (`--quiet`).
    pub quiet: bool,
    /// The table of findings per rule instead of the findings (`--statistics`).
    pub statistics: bool,
    /// The run's engines, one per config used (SARIF lists the rules they enable).
    pub engines: &'a [&'a Engine],
}

/// One output format.
pub trait Emitter: Sync {
    /// The run's report, for stdout.
    fn emit(&self, outcome: &Outcome, settings: &Settings<'_>) -> String;

    /// A warning about the report, for stderr.
    fn warning(&self, _outcome: &Outcome) -> Option<String> {
        None
    }

    /// Does the report carry the run's errors and skipped files (else they go to stderr)?
    fn carries_errors(&self) -> bool {
        false
    }
}

/// A `--format` value: its name, its line of `--help` and its emitter.
pub struct Format {
    pub name: &'static str,
    pub help: &'static str,
    pub emitter: &'static dyn Emitter,
}

/// Every format, in the order `--help` lists them. Adding a format: a file here and a row.
pub static EMITTERS: &[Format] = &[
    Format::new("human", "miette's graphical report", &human::Human),
    Format::new("concise", "One line per finding: `path:line:col: severity[rule]: message`, `[*]` when `--fix` fixes it", &concise::Concise),
    Format::new("json", "One JSON document (schema in the README)", &json::Json),
    Format::new("json-lines", "One JSON object per finding per line (the `findings[]` objects of `json`)", &json::JsonLines),
    Format::new("cargo", "rustc's JSON diagnostics as cargo prints them (for rust-analyzer and cargo tooling)", &cargo::Cargo),
    Format::new("sarif", "SARIF 2.1.0, for GitHub code scanning", &sarif::Sarif),
    Format::new("github", "GitHub Actions workflow commands (annotations)", &github::Github),
];

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl Format {
    const fn new(name: &'static str, help: &'static str, emitter: &'static dyn Emitter) -> Self {
        Format {
            name,
            help,
            emitter,
        }
    }

    /// The `--format` parser: the names of [`EMITTERS`] with their help.
    pub fn parser() -> impl clap::builder::TypedValueParser<Value = &'static Format> {
        use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
        PossibleValuesParser::new(
            EMITTERS
                .iter()
                .map(|e| PossibleValue::new(e.name).help(e.help)),
        )
        .map(|name| Format::named(&name))
    }

    /// The format called `name` (the first, human, for a name the parser would not accept).
    fn named(name: &str) -> &'static Format {
        EMITTERS
            .iter()
            .find(|e| e.name == name)
            .unwrap_or(&EMITTERS[0])
    }
}

/// Counts per severity, for summaries.
pub fn counts(outcome: &Outcome) -> BTreeMap<Severity, usize> {
    let mut m = BTreeMap::new();
    for f in outcome.files.iter().flat_map(|l| &l.findings) {
        *m.entry(f.severity).or_default() += 1;
    }
    m
}

/// Findings per rule, for `--statistics`.
pub fn statistics(outcome: &Outcome) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for f in outcome.files.iter().flat_map(|l| &l.findings) {
        *m.entry(f.rule).or_default() += 1;
    }
    m
}

/// The findings `--fix` fixes, and those only `--fix --unsafe-fixes` would.
pub fn fixable(outcome: &Outcome) -> (usize, usize) {
    let (mut safe, mut unsafe_) = (0, 0);
    for (_, f) in all(outcome) {
        match f.suggestion.as_ref().map(|s| s.applicability) {
            Some(async_lint_core::Applicability::MachineApplicable) => safe += 1,
            Some(async_lint_core::Applicability::MaybeIncorrect) => unsafe_ += 1,
            _ => {}
        }
    }
    (safe, unsafe_)
}

/// The lines after the summary that say what `--fix` would fix (ruff's wording).
pub fn fix_summary(outcome: &Outcome) -> String {
    let (safe, unsafe_) = fixable(outcome);
    let mut out = String::new();
    if safe > 0 {
        out.push_str(&format!("[*] {safe} fixable with `--fix`.\n"));
    }
    if unsafe_ > 0 {
        out.push_str(&format!(
            "{unsafe_} more fixable with `--fix --unsafe-fixes` (check those changes).\n"
        ));
    }
    out
}

/// The `--statistics` table: findings per rule, `[*]` on rules with findings `--fix` fixes.
pub fn statistics_table(outcome: &Outcome) -> String {
    let mut out = String::new();
    for (rule, n) in statistics(outcome) {
        let fixable = all(outcome).any(|(_, f)| {
            f.rule == rule
                && f.suggestion.as_ref().is_some_and(|s| {
                    s.applicability == async_lint_core::Applicability::MachineApplicable
                })
        });
        let mark = if fixable { " [*]" } else { "" };
        out.push_str(&format!("{n:>6}  {rule}{mark}\n"));
    }
    out
}

/// Where to read more about a rule: its page's URL once the repository has one, else the
/// command that prints it; `None` for the pseudo-rules (`parse-error`, `unused-allow`), which
/// have no page of their own.
pub fn rule_docs(rule: &str) -> Option<String> {
    rules::find(rule)?;
    Some(rule_url(rule).unwrap_or_else(|| format!("`async-lint explain {rule}`")))
}

/// Every finding with its file, in output order.
pub fn all(outcome: &Outcome) -> impl Iterator<Item = (&SourceFile, &Finding)> {
    outcome
        .files
        .iter()
        .flat_map(|l| l.findings.iter().map(move |f| (&l.file, f)))
}

/// Where a rule's page is published: `rules/<name>.md` in the repository named in the
/// package's `repository` field; `None` while there is none (the page is always available
/// through `async-lint explain <rule>`).
pub fn rule_url(rule: &str) -> Option<String> {
    let repo = option_env!("CARGO_PKG_REPOSITORY").filter(|r| !r.is_empty())?;
    rules::find(rule)?;
    Some(format!(
        "{}/blob/main/rules/{rule}.md",
        repo.trim_end_matches('/')
    ))
}

/// A file's path as a relative URI (`/`-separated, percent-encoded), or a `file://` URI for a
/// file outside the working directory.
pub fn path_uri(path: &std::path::Path) -> String {
    let encoded: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(crate::manifest::percent_encode_segment(
                &s.to_string_lossy(),
            )),
            std::path::Component::ParentDir => Some("..".to_string()),
            _ => None,
        })
        .collect();
    if path.is_absolute() {
        format!("file:///{}", encoded.join("/"))
    } else {
        encoded.join("/")
    }
}
