//! async-lint's engine: reads Rust source (no compilation) and reports the mistakes that make
//! async code slow or fragile.
//!
//! The pipeline for one file, in the order of the modules:
//! [`source`] (text, line index, spans) → [`parse`] (syn) → [`resolve`] (names through `use`
//! items) → [`context`] (one visitor: async frames, loops, locals) → [`rules`] (hooks the
//! visitor calls) → [`suppress`] (allow comments) → sorted [`Finding`]s. What the crate's
//! other files declare comes from the [`index`], built lazily per crate. Walking folders,
//! config discovery and output formats live in the `async-lint` binary.

pub mod catalog;
pub mod config;
pub mod context;
pub mod finding;
pub mod index;
pub mod parse;
pub mod resolve;
pub mod rules;
pub mod source;
pub mod suppress;

pub use config::{Config, ConfigError, Level, RuleSettings};
pub use finding::{Applicability, Finding, Label, Severity, Suggestion, PARSE_ERROR};
pub use source::{LineCol, SourceFile, Span};

use catalog::Catalog;
pub use context::IndexScope;
pub use index::CrateIndex;
use std::collections::{HashMap, HashSet};

/// The async runtime a crate uses, from its Cargo.toml dependencies; it decides which
/// replacement a suggestion spells out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Runtime {
    Tokio,
    AsyncStd,
    Smol,
    #[default]
    Unknown,
}

/// What the engine knows of the crate a file belongs to.
#[derive(Debug, Clone, Default)]
pub struct CrateInfo {
    pub name: Option<String>,
    pub runtime: Runtime,
    /// The Rust edition (`2021`), when the manifest says; temporary scopes depend on it.
    pub edition: Option<u16>,
}

/// Rule selection from the command line, applied over the config's.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

/// A configured engine: which rules run, with which settings. Cheap to share across threads.
pub struct Engine {
    rules: Vec<&'static dyn rules::Rule>,
    settings: HashMap<&'static str, RuleSettings>,
    catalog: &'static Catalog,
    parse_errors: bool,
    /// The enabled rules' trigger words, each once ([`Engine::may_fire`]).
    triggers: Vec<memchr::memmem::Finder<'static>>,
}

/// The findings of one file.
#[derive(Debug, Default)]
pub struct FileResult {
    pub findings: Vec<Finding>,
    /// Allow comments of the file and whether each suppressed something.
    pub allows: Vec<(suppress::Allow, bool)>,
}

impl Engine {
    /// An engine for `config`, with the command line's selection on top.
    pub fn new(config: &Config, cli: &Selection) -> Engine {
        let select: Vec<&String> = if cli.select.is_empty() {
            config.select.iter().collect()
        } else {
            cli.select.iter().collect()
        };
        let ignored = |name: &str| config.ignore.iter().chain(&cli.ignore).any(|i| i == name);
        let selected =
            |name: &str| (select.is_empty() || select.iter().any(|s| *s == name)) && !ignored(name);
        let mut settings = HashMap::new();
        let mut enabled = Vec::new();
        for rule in rules::RULES {
            let meta = rule.meta();
            let mut s = config.rules.get(meta.name).cloned().unwrap_or_default();
            s.check_tests = Some(
                s.check_tests
                    .unwrap_or(config.check_tests || rule.checks_tests()),
            );
            let off = s.level == Some(Level::Off) && !cli.select.iter().any(|n| n == meta.name);
            if selected(meta.name) && !off {
                enabled.push(*rule);
            }
            settings.insert(meta.name, s);
        }
        let mut words: Vec<&'static str> =
            enabled.iter().flat_map(|r| r.triggers()).copied().collect();
        words.sort_unstable();
        words.dedup();
        let triggers = words.into_iter().map(memchr::memmem::Finder::new).collect();
        Engine {
            rules: enabled,
            settings,
            catalog: Catalog::builtin(),
            parse_errors: selected(PARSE_ERROR),
            triggers,
        }
    }

    /// The rules' settings from the config (every rule has an entry); crate indexes make
    /// their summaries with them.
    pub fn settings(&self) -> &HashMap<&'static str, RuleSettings> {
        &self.settings
    }

    /// The enabled rules.
    pub fn rules(&self) -> impl Iterator<Item = &'static dyn rules::Rule> + '_ {
        self.rules.iter().copied()
    }

    /// Can any enabled rule fire in a file with this text? A sound byte-level pre-check that
    /// lets the driver skip parsing most files.
    pub fn may_fire(&self, text: &str) -> bool {
        self.triggers
            .iter()
            .any(|t| t.find(text.as_bytes()).is_some())
    }

    /// Lints one file as a file of no crate (the crate index knows only this file).
    pub fn lint(&self, file: &SourceFile, krate: &CrateInfo, module: Vec<String>) -> FileResult {
        self.lint_in(file, krate, module, IndexScope::detached())
    }

    /// Lints one file of the crate `scope` indexes: parse, check, suppress, sort. Frees
    /// proc-macro2's per-thread span data afterwards, so memory does not grow with the number
    /// of files (summaries the index made meanwhile hold no spans).
    pub fn lint_in(
        &self,
        file: &SourceFile,
        krate: &CrateInfo,
        module: Vec<String>,
        scope: IndexScope<'_>,
    ) -> FileResult {
        let mut result = self.lint_parsed(file, krate, module, scope);
        proc_macro2::extra::invalidate_current_thread_spans();
        result.findings.sort_by(|a, b| {
            (a.span.start, a.rule, &a.message).cmp(&(b.span.start, b.rule, &b.message))
        });
        result
    }

    fn lint_parsed(
        &self,
        file: &SourceFile,
        krate: &CrateInfo,
        module: Vec<String>,
        scope: IndexScope<'_>,
    ) -> FileResult {
        let ast = match parse::parse(file) {
            Ok(ast) => ast,
            Err(finding) if self.parse_errors => {
                return FileResult {
                    findings: vec![*finding],
                    allows: Vec::new(),
                }
            }
            Err(_) => return FileResult::default(),
        };
        let mut sup = suppress::Suppressions::scan(&file.text);
        let targets: HashSet<usize> = sup.target_lines();
        let checked = context::check_file_in(
            context::CheckInput {
                file,
                catalog: self.catalog,
                krate,
                settings: &self.settings,
                rules: &self.rules,
                module,
                extent_lines: &targets,
            },
            &ast,
            scope,
        );
        drop(ast);
        sup.apply_extents(&checked.extents);
        let mut used = vec![false; sup.allows.len()];
        let mut findings = Vec::with_capacity(checked.findings.len());
        for mut f in checked.findings {
            let line = file.lines.line_of(f.span.start) + 1;
            if let Some(i) = sup.suppressing(f.rule, line) {
                used[i] = true;
                continue;
            }
            if let Some(RuleSettings {
                level: Some(Level::On(sev)),
                ..
            }) = self.settings.get(f.rule)
            {
                f.severity = *sev;
            }
            findings.push(f);
        }
        FileResult {
            findings,
            allows: sup.allows.into_iter().zip(used).collect(),
        }
    }
}

/// The module path of a file from its path relative to the crate's source root
/// (`net/tcp.rs` → `crate::net::tcp`; `lib.rs`, `main.rs`, `mod.rs` name their folder).
pub fn module_path(relative: &std::path::Path) -> Vec<String> {
    let mut out = vec!["crate".to_string()];
    let comps: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for (i, c) in comps.iter().enumerate() {
        let last = i + 1 == comps.len();
        let name = if last {
            c.strip_suffix(".rs").unwrap_or(c)
        } else {
            c.as_str()
        };
        if last && (name == "mod" || (i == 0 && (name == "lib" || name == "main"))) {
            continue;
        }
        out.push(name.replace('-', "_"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_follow_the_file_layout() {
        let p = |s: &str| module_path(std::path::Path::new(s)).join("::");
        assert_eq!(p("lib.rs"), "crate");
        assert_eq!(p("net/mod.rs"), "crate::net");
        assert_eq!(p("net/tcp.rs"), "crate::net::tcp");
    }
}
