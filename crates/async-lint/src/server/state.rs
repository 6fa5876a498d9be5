//! What the server knows: the open documents with their unsaved text, the configs, the
//! crates (with their indexes) per config, and each document's last lint.
//!
//! A document is linted from its buffer as the file at its path: the nearest config, its
//! crate and module, the crate index in which its own summary is remade from the buffer
//! (the other files' summaries are kept; see `CrateIndex::with_changed_file`). When the
//! buffer does not parse, the findings of its last text that parsed are kept where the edit
//! did not touch them, beside the syntax error.

use super::text::{self, Lines};
use crate::cli::LintArgs;
use crate::configs::{Configs, Setup};
use crate::fix::FixMode;
use crate::outcome::Linted;
use crate::project::{self, Crates};
use crate::run::Runner;
use async_lint_core::{rules, Finding, Severity, SourceFile, PARSE_ERROR};
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Url,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// One open document.
pub struct Document {
    /// Its file, absolute with symlinks resolved (as crate indexes name files).
    pub path: PathBuf,
    pub text: String,
    pub version: i32,
    /// When it is due to be linted (debounced after a change); `None` when not.
    pub due: Option<Instant>,
    /// The text the crate indexes hold for it (`None`: the disk's).
    indexed: Option<Arc<str>>,
    /// The last lint, if one was made of the current text.
    pub result: Option<Lint>,
    /// The last text that parsed, with its findings: what a buffer that does not parse keeps.
    good: Option<(String, Vec<Finding>)>,
}

/// The findings of one version of a document and their diagnostics.
pub struct Lint {
    pub version: i32,
    /// The [`State::generation`] of the indexes it was made with.
    generation: u64,
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The server's state.
pub struct State {
    lint: LintArgs,
    configs: Arc<Configs>,
    /// Crates per config (`Setup::id`): their indexes live as long as the configs.
    crates: HashMap<usize, Arc<Crates>>,
    pub docs: HashMap<Url, Document>,
    /// Counts the changes handed to the crate indexes (buffers, files on disk, configs): a
    /// lint made before the last one may be out of date even if its own text is not.
    generation: u64,
    /// `codeDescription.href` of a rule: this with `{rule}` replaced (from the client's
    /// `initializationOptions.ruleDocsUrl`); `None`: the page is shown on hover only.
    pub docs_url: Option<String>,
}

impl State {
    /// A state with the command line's lint options; `Err` with the message when they are
    /// unusable (an unknown rule, an unreadable `--config`).
    pub fn new(lint: LintArgs) -> Result<State, String> {
        let configs = Configs::new(&lint).map_err(|()| {
            "the lint options or --config are unusable (see the server's stderr)".to_string()
        })?;
        Ok(State {
            lint,
            configs: Arc::new(configs),
            crates: HashMap::new(),
            docs: HashMap::new(),
            generation: 0,
            docs_url: None,
        })
    }

    /// Forgets the configs and crates (a config or manifest changed): they are read again
    /// when next needed. Every open document is re-linted.
    pub fn reload(&mut self) {
        if let Ok(configs) = Configs::new(&self.lint) {
            self.configs = Arc::new(configs);
        }
        self.crates.clear();
        self.generation += 1;
        for doc in self.docs.values_mut() {
            doc.indexed = None;
            doc.result = None;
        }
    }

    pub fn open(&mut self, uri: Url, text: String, version: i32) {
        let path = uri
            .to_file_path()
            .map(|p| project::absolute(&p))
            .unwrap_or_else(|()| PathBuf::from(uri.path()));
        let doc = Document {
            path,
            text,
            version,
            due: None,
            indexed: None,
            result: None,
            good: None,
        };
        self.docs.insert(uri, doc);
    }

    /// The document closed: the indexes read its file from disk again.
    pub fn close(&mut self, uri: &Url) {
        if let Some(doc) = self.docs.remove(uri) {
            if doc.indexed.is_some() {
                self.file_changed(&doc.path, None);
            }
        }
    }

    /// A file changed on disk (saved, or changed by another program): the indexes read it
    /// again, unless it is open (then the buffer stands for it).
    pub fn disk_changed(&mut self, path: &std::path::Path) {
        let path = project::absolute(path);
        if !self.docs.values().any(|d| d.path == path) {
            self.file_changed(&path, None);
        }
    }

    fn file_changed(&mut self, path: &std::path::Path, text: Option<Arc<str>>) {
        self.generation += 1;
        for crates in self.crates.values() {
            crates.file_changed(path, text.clone());
        }
    }

    /// The config of a document: its setup, or the problems that keep it from being used.
    fn setup(&self, doc: &Document) -> Result<Arc<Setup>, String> {
        self.configs
            .for_file(&doc.path)
            .ok_or_else(|| self.configs.problems().join("\n"))
    }

    fn crates_of(&mut self, setup: &Setup) -> Arc<Crates> {
        self.crates
            .entry(setup.id)
            .or_insert_with(|| Arc::new(Crates::new(setup.engine.project_apis())))
            .clone()
    }

    /// Lints the document at `uri` unless its current text was linted already with the
    /// indexes as they are (every open buffer handed to them first); returns whether a new
    /// lint was made.
    pub fn lint(&mut self, uri: &Url) -> bool {
        self.index_buffers();
        let generation = self.generation;
        let Some(doc) = self.docs.get(uri) else {
            return false;
        };
        if doc
            .result
            .as_ref()
            .is_some_and(|r| r.version == doc.version && r.generation == generation)
        {
            return false;
        }
        let setup = match self.setup(doc) {
            Ok(setup) => setup,
            Err(problem) => {
                let diagnostic = config_problem(&problem);
                if let Some(doc) = self.docs.get_mut(uri) {
                    doc.result = Some(Lint {
                        version: doc.version,
                        generation,
                        findings: Vec::new(),
                        diagnostics: vec![diagnostic],
                    });
                }
                return true;
            }
        };
        let crates = self.crates_of(&setup);
        self.index_buffer(uri, &crates);
        let Some(doc) = self.docs.get_mut(uri) else {
            return false;
        };
        let runner = Runner::for_setup(&setup, &self.lint, None).with_crates(crates);
        let findings = if setup.excludes.is_excluded(&doc.path) {
            Vec::new()
        } else if doc.text.len() as u64 > runner.max_file_bytes {
            // As `check` does: a syntax tree costs about a hundred times the text.
            let mib = doc.text.len() as f64 / (1024.0 * 1024.0);
            vec![Finding::new(
                PARSE_ERROR,
                async_lint_core::Span::new(0, 0),
                format!("file is {mib:.1} MiB, over the --max-file-size limit; not linted"),
            )
            .severity(Severity::Info)]
        } else {
            findings_of(
                catch(|| runner.lint_text(&doc.path, doc.text.clone())),
                &doc.path,
                &doc.text,
            )
        };
        let findings = keep_good(doc, findings);
        let lines = Lines::new(&doc.text);
        let diagnostics = findings
            .iter()
            .map(|f| diagnostic(f, uri, &doc.text, &lines, self.docs_url.as_deref()))
            .collect();
        doc.result = Some(Lint {
            version: doc.version,
            generation,
            findings,
            diagnostics,
        });
        true
    }

    /// Hands every open document's current text to the crate indexes (before a lint: what
    /// one file's findings say may depend on another open file's buffer).
    fn index_buffers(&mut self) {
        let uris: Vec<Url> = self.docs.keys().cloned().collect();
        for uri in uris {
            let Some(Ok(setup)) = self.docs.get(&uri).map(|d| self.setup(d)) else {
                continue;
            };
            let crates = self.crates_of(&setup);
            self.index_buffer(&uri, &crates);
        }
    }

    /// Hands the document's text to the indexes, unless they hold it already. Its crate is
    /// read first (in `crates`, those of its config), so that the text reaches that index.
    fn index_buffer(&mut self, uri: &Url, crates: &Crates) {
        let Some(doc) = self.docs.get_mut(uri) else {
            return;
        };
        if doc.indexed.as_deref() == Some(doc.text.as_str()) {
            return;
        }
        crates.of(&doc.path);
        let text: Arc<str> = Arc::from(doc.text.as_str());
        doc.indexed = Some(text.clone());
        self.generation += 1;
        for c in self.crates.values() {
            c.file_changed(&doc.path, Some(text.clone()));
        }
    }

    /// The document's text with every safe fix applied (as `check --fix` would), or `None`
    /// when nothing changes.
    pub fn fixed_text(&mut self, uri: &Url) -> Option<String> {
        let doc = self.docs.get(uri)?;
        let setup = self.setup(doc).ok()?;
        let crates = self.crates_of(&setup);
        let doc = self.docs.get(uri)?;
        let runner = Runner::for_setup(&setup, &self.lint, Some(FixMode::Safe)).with_crates(crates);
        let linted = catch(|| runner.lint_text(&doc.path, doc.text.clone()))??;
        let fixed = linted.fixed.as_ref()?;
        (fixed.changed(&linted.file.text) && fixed.problem.is_none()).then_some(linted.file.text)
    }
}

/// Runs one lint, turning a panic of the engine into `None` (the server goes on, the
/// document keeps its last findings).
fn catch<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// The findings of a lint: `None` (a panic) keeps nothing new; a file skipped as no module
/// that does not parse still shows its syntax error (an editor shows what is being typed).
fn findings_of(linted: Option<Option<Linted>>, path: &std::path::Path, text: &str) -> Vec<Finding> {
    match linted {
        None => vec![Finding::new(
            PARSE_ERROR,
            async_lint_core::Span::new(0, 0),
            "async-lint failed on this file (internal error); its findings are not shown",
        )
        .severity(Severity::Error)],
        Some(None) => Vec::new(),
        Some(Some(l)) if l.skipped.is_some() => {
            let file = SourceFile::new(path, text.to_string());
            async_lint_core::parse::parse(&file)
                .err()
                .map(|f| vec![*f])
                .unwrap_or_default()
        }
        Some(Some(l)) => l.findings,
    }
}

/// While the buffer does not parse, the last good findings outside the edited region stand
/// beside the syntax error; once it parses, its findings become the good ones.
fn keep_good(doc: &mut Document, findings: Vec<Finding>) -> Vec<Finding> {
    if !findings.iter().any(|f| f.rule == PARSE_ERROR) {
        doc.good = Some((doc.text.clone(), findings.clone()));
        return findings;
    }
    let Some((good_text, good)) = &doc.good else {
        return findings;
    };
    let mut out = findings;
    out.extend(text::carry_over(good, good_text, &doc.text));
    out.sort_by_key(|f| f.span.start);
    out
}

/// A finding as an LSP diagnostic.
pub fn diagnostic(
    f: &Finding,
    uri: &Url,
    text: &str,
    lines: &Lines,
    docs_url: Option<&str>,
) -> Diagnostic {
    let severity = match f.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    };
    let mut message = f.message.clone();
    if !f.label.is_empty() {
        message.push_str(&format!(": {}", f.label));
    }
    if let Some(help) = &f.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = f
        .labels
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), lines.range(text, l.span)),
            message: l.message.clone(),
        })
        .collect();
    let href = docs_url
        .filter(|_| rules::find(f.rule).is_some())
        .and_then(|u| Url::parse(&u.replace("{rule}", f.rule)).ok());
    Diagnostic {
        range: lines.range(text, f.span),
        severity: Some(severity),
        code: Some(NumberOrString::String(f.rule.to_string())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some("async-lint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// A config that cannot be used, shown at the top of the document.
fn config_problem(problem: &str) -> Diagnostic {
    Diagnostic {
        range: lsp_types::Range::default(),
        severity: Some(DiagnosticSeverity::ERROR),
        code: None,
        code_description: None,
        source: Some("async-lint".into()),
        message: format!("async-lint cannot use its config:\n{problem}"),
        related_information: None,
        tags: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_lint_core::Span;

    #[test]
    fn diagnostics_link_the_rule_page_when_a_url_is_given() {
        let text = "fn a() {\n    let _s = \"🦀\"; x();\n}\n";
        let at = text.find("x()").expect("the call");
        let f = Finding::new("blocking-in-async", Span::new(at, at + 3), "blocking call")
            .label("blocks")
            .help("use the async one");
        let uri = Url::parse("file:///tmp/a.rs").expect("a URL");
        let lines = Lines::new(text);
        let d = diagnostic(
            &f,
            &uri,
            text,
            &lines,
            Some("https://example.org/rules/{rule}.md"),
        );
        let href = d.code_description.map(|c| c.href.to_string());
        assert_eq!(
            href.as_deref(),
            Some("https://example.org/rules/blocking-in-async.md")
        );
        assert_eq!(d.message, "blocking call: blocks\nhelp: use the async one");
        assert_eq!(d.range.start, lsp_types::Position::new(1, 19));
        // No URL: no link (the page is on hover).
        assert!(diagnostic(&f, &uri, text, &lines, None)
            .code_description
            .is_none());
    }
}
