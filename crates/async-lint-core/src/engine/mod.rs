//! The engine: a configured set of rules, and the one diagnostics pipeline every finding goes
//! through, in this order (each stage a function below):
//!
//! 1. **check**: parse, then the rules' hooks on the one visitor ([`crate::context`]); a file
//!    that does not parse gives one `parse-error` finding instead;
//! 2. **suppression**: `// async-lint: allow(..)` comments ([`crate::suppress`]), and the
//!    `unused-allow` findings about those comments ([`unused_allows`]);
//! 3. **per-path ignores**: the config's `per-path-ignores` ([`PathIgnores`]);
//! 4. **severity**: the rule's declared default (where it chose none for the finding), then
//!    the config's level for each rule;
//! 5. **fix applicability**: a machine-applicable suggestion naming a crate the file cannot
//!    use (the driver knows its dependencies) becomes maybe-incorrect;
//! 6. **sort** by position, rule and message, and **resolve** every span to lines and columns.
//!
//! [`Engine::check`] runs it for one file; drivers (the CLI, an editor server, a cache) call
//! nothing else to get a file's diagnostics.

mod ignores;
pub mod names;
mod prefilter;
pub mod unused_allows;

pub use crate::pseudo;
pub use ignores::{relative_to, PathIgnores};
use prefilter::Prefilter;

use crate::catalog::Catalog;
use crate::config::{Config, Level, RuleSettings};
use crate::context::{self, IndexScope};
use crate::finding::{Applicability, Finding, PARSE_ERROR};
use crate::source::{Region, SourceFile};
use crate::{parse, rules, suppress, CrateInfo};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

thread_local! {
    /// How many checks run on this thread, nested ones (a file linted ahead) included: the
    /// span data proc-macro2 keeps per thread is freed when the outermost one ends.
    static CHECKING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Rule selection from the command line, applied over the config's.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

/// A configured engine: which rules run, with which settings, and what the pipeline does
/// beyond them. Cheap to share across threads.
#[derive(Clone)]
pub struct Engine {
    rules: Vec<&'static dyn rules::Rule>,
    settings: HashMap<&'static str, RuleSettings>,
    catalog: &'static Catalog,
    /// Are the pseudo-rules `parse-error` and `unused-allow` on (selected, not off)?
    parse_errors: bool,
    unused_allows: bool,
    /// The enabled rules' trigger words, each once per group of rules that require the same
    /// extra word ([`rules::Rule::required_word`]; none for most) ([`Engine::may_fire`]).
    triggers: Prefilter,
    /// Rules that report in test code (`check-tests`): an allow there is judged only for them.
    rules_in_tests: Vec<&'static str>,
    /// Report allows that suppressed nothing (`--report-unused-allows`).
    report_unused_allows: bool,
    ignores: PathIgnores,
}

/// The findings of one file.
#[derive(Debug, Default)]
pub struct FileResult {
    pub findings: Vec<Finding>,
    /// Allow comments of the file and whether each suppressed something.
    pub allows: Vec<(suppress::Allow, bool)>,
}

/// One file to run the pipeline on, with what the driver knows about it.
#[derive(Clone, Copy)]
pub struct FileInput<'a> {
    pub file: &'a SourceFile,
    pub krate: &'a CrateInfo,
    /// Its module path (`crate::net::tcp`, see [`crate::module_path`]).
    pub module: &'a [String],
    /// The crate index it is checked against.
    pub scope: IndexScope<'a>,
    /// The path `per-path-ignores` globs are matched against; `None`: none apply.
    pub path: Option<&'a Path>,
    /// Can the file's code use every crate a replacement text names? `None`: yes.
    pub can_use: Option<&'a dyn Fn(&str) -> bool>,
}

impl<'a> FileInput<'a> {
    /// A file of no crate, with no path for per-path ignores and every crate usable.
    pub fn detached(file: &'a SourceFile, krate: &'a CrateInfo, module: &'a [String]) -> Self {
        FileInput {
            file,
            krate,
            module,
            scope: IndexScope::detached(),
            path: None,
            can_use: None,
        }
    }
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
        // Selected, and not turned off by the config (unless the command line selects it).
        let on = |name: &str, s: &RuleSettings| {
            selected(name) && (s.level != Some(Level::Off) || cli.select.iter().any(|n| n == name))
        };
        let mut settings = HashMap::new();
        let mut enabled = Vec::new();
        let mut rules_in_tests = Vec::new();
        for rule in rules::RULES {
            let meta = rule.meta();
            let mut s = config.rules.get(meta.name).cloned().unwrap_or_default();
            s.check_tests = Some(s.check_tests.unwrap_or(config.check_tests));
            if s.check_tests == Some(true) {
                rules_in_tests.push(meta.name);
            }
            if on(meta.name, &s) {
                enabled.push(*rule);
            }
            settings.insert(meta.name, s);
        }
        let mut pseudo_on = HashSet::new();
        for meta in pseudo::PSEUDO_RULES {
            let s = config.rules.get(meta.name).cloned().unwrap_or_default();
            if on(meta.name, &s) {
                pseudo_on.insert(meta.name);
            }
            settings.insert(meta.name, s);
        }
        let mut groups: Vec<(Option<&'static str>, Vec<&'static str>)> = Vec::new();
        for r in &enabled {
            let required = r.required_word();
            match groups.iter_mut().find(|(w, _)| *w == required) {
                Some((_, words)) => words.extend(r.triggers()),
                None => groups.push((required, r.triggers().to_vec())),
            }
        }
        let triggers = Prefilter::new(&groups, suppress::MARKER);
        Engine {
            rules: enabled,
            settings,
            catalog: Catalog::builtin(),
            parse_errors: pseudo_on.contains(PARSE_ERROR),
            unused_allows: pseudo_on.contains(pseudo::UNUSED_ALLOW),
            triggers,
            rules_in_tests,
            report_unused_allows: false,
            ignores: PathIgnores::default(),
        }
    }

    /// The same engine, also reporting allow comments that suppress nothing.
    pub fn report_unused_allows(mut self, on: bool) -> Engine {
        self.report_unused_allows = on;
        self
    }

    /// The same engine with `per-path-ignores` (globs relative to `base`, the config's folder).
    pub fn with_path_ignores(
        mut self,
        map: &BTreeMap<String, Vec<String>>,
        base: &Path,
    ) -> Result<Engine, globset::Error> {
        self.ignores = PathIgnores::new(map, base)?;
        Ok(self)
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
        self.triggers.matches(text, false)
    }

    /// Can the pipeline report anything on this text: can a rule fire, or does it hold an
    /// allow comment (a misspelt rule name in one is reported)?
    pub fn may_report(&self, text: &str) -> bool {
        self.triggers.matches(text, true)
    }

    /// The whole pipeline for one file (see the module's documentation): its diagnostics,
    /// sorted, with lines and columns resolved. Frees proc-macro2's per-thread span data
    /// after parsing, so memory does not grow with the number of files.
    pub fn check(&self, input: FileInput<'_>) -> Vec<Finding> {
        self.run(input).findings
    }

    /// Lints one file as a file of no crate (the crate index knows only this file).
    pub fn lint(&self, file: &SourceFile, krate: &CrateInfo, module: Vec<String>) -> FileResult {
        self.run(FileInput::detached(file, krate, &module))
    }

    /// Lints one file of the crate `scope` indexes, without per-path ignores or crate
    /// knowledge for suggestions ([`Engine::check`] takes them).
    pub fn lint_in(
        &self,
        file: &SourceFile,
        krate: &CrateInfo,
        module: Vec<String>,
        scope: IndexScope<'_>,
    ) -> FileResult {
        self.run(FileInput {
            scope,
            ..FileInput::detached(file, krate, &module)
        })
    }

    /// The pipeline, keeping the allows and whether each was used.
    fn run(&self, input: FileInput<'_>) -> FileResult {
        CHECKING.with(|c| c.set(c.get() + 1));
        let checked = self.check_rules(&input);
        // A file linted ahead runs inside another file's check, whose spans must stay valid.
        if CHECKING.with(|c| {
            c.set(c.get() - 1);
            c.get() == 0
        }) {
            proc_macro2::extra::invalidate_current_thread_spans();
        }
        let Some((raw, mut sup)) = checked else {
            return FileResult::default();
        };
        let (mut findings, used) = suppressed(raw, &sup, input.file);
        let allows: Vec<(suppress::Allow, bool)> = std::mem::take(&mut sup.allows)
            .into_iter()
            .zip(used)
            .collect();
        let skip = input
            .path
            .map(|p| self.ignores.ignored(p))
            .unwrap_or_default();
        if self.unused_allows && !skip.contains(&pseudo::UNUSED_ALLOW) {
            findings.extend(unused_allows::findings(self, input.file, &allows));
        }
        findings.retain(|f| !skip.contains(&f.rule));
        for f in &mut findings {
            self.apply_severity(f);
            applicability(f, input.can_use);
        }
        findings.sort_by(|a, b| {
            (a.span.start, a.rule, &a.message).cmp(&(b.span.start, b.rule, &b.message))
        });
        for f in &mut findings {
            resolve(f, input.file);
        }
        FileResult { findings, allows }
    }

    /// Stage 1: parse and run the enabled rules. `None` when the file does not parse and
    /// `parse-error` is not selected; a file that does not parse has no suppressions (their
    /// extents come from its tree).
    fn check_rules(&self, input: &FileInput<'_>) -> Option<(Vec<Finding>, suppress::Suppressions)> {
        let file = input.file;
        let ast = match parse::parse(file) {
            Ok(ast) => ast,
            Err(finding) if self.parse_errors => {
                return Some((vec![*finding], suppress::Suppressions::default()))
            }
            Err(_) => return None,
        };
        self.hand_summary(input, &ast);
        let mut sup = suppress::Suppressions::scan(&file.text);
        let targets: HashSet<usize> = sup.target_lines();
        let checked = context::check_file_in(
            context::CheckInput {
                file,
                catalog: self.catalog,
                krate: input.krate,
                settings: &self.settings,
                rules: &self.rules,
                module: input.module.to_vec(),
                extent_lines: &targets,
            },
            &ast,
            input.scope,
        );
        drop(ast);
        sup.apply_extents(&checked.extents);
        Some((checked.findings, sup))
    }

    /// A file the crate index is waiting for (linted ahead of its turn) gets its summary made
    /// from this parse and registered, so that the index does not parse it again.
    fn hand_summary(&self, input: &FileInput<'_>, ast: &syn::File) {
        let index = input.scope.index;
        let Some(path) = input.scope.path.filter(|p| index.wants_summary_of(p)) else {
            return;
        };
        if index.registered(path).is_some() {
            return;
        }
        let mut summary = context::summarize(
            input.file,
            ast,
            input.module.to_vec(),
            self.catalog,
            &self.settings,
            index,
        );
        summary.path = path.to_path_buf();
        index.register(std::sync::Arc::new(summary));
    }

    /// Stage 4: the rule's declared default severity where the rule chose none for the
    /// finding, then the config's level for the rule over both.
    fn apply_severity(&self, f: &mut Finding) {
        if !f.severity_set {
            if let Some(meta) = pseudo::meta(f.rule) {
                f.severity = meta.default_severity;
            }
            f.severity_set = true;
        }
        if let Some(RuleSettings {
            level: Some(Level::On(sev)),
            ..
        }) = self.settings.get(f.rule)
        {
            f.severity = *sev;
        }
    }
}

/// Stage 2: the findings no allow comment suppresses, and for each allow whether it
/// suppressed something.
fn suppressed(
    raw: Vec<Finding>,
    sup: &suppress::Suppressions,
    file: &SourceFile,
) -> (Vec<Finding>, Vec<bool>) {
    let mut used = vec![false; sup.allows.len()];
    let mut findings = Vec::with_capacity(raw.len());
    for f in raw {
        let line = file.lines.line_of(f.span.start) + 1;
        match sup.suppressing(f.rule, line) {
            Some(i) => used[i] = true,
            None => findings.push(f),
        }
    }
    (findings, used)
}

/// Stage 5: a machine-applicable suggestion whose replacement names a crate the file cannot
/// use is only maybe-incorrect (the rules know the crate's runtime, not its dependencies).
fn applicability(f: &mut Finding, can_use: Option<&dyn Fn(&str) -> bool>) {
    let (Some(s), Some(can_use)) = (&mut f.suggestion, can_use) else {
        return;
    };
    if s.applicability == Applicability::MachineApplicable && !can_use(&s.replacement) {
        s.applicability = Applicability::MaybeIncorrect;
    }
}

/// Stage 6: every span of the finding in lines and columns, from the file's line index (also
/// for findings brought back from a cache, which stores spans only).
pub fn resolve(f: &mut Finding, file: &SourceFile) {
    f.region = Region::of(file, f.span);
    for l in &mut f.labels {
        l.region = Region::of(file, l.span);
    }
    f.suggestion_region = f.suggestion.as_ref().map(|s| Region::of(file, s.span));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Runtime;

    const SLEEPS: &str = "async fn a() {\n    std::thread::sleep(d);\n}\n";

    #[test]
    fn a_required_word_is_asked_for_besides_a_trigger() {
        let drops = Engine::new(
            &Config::default(),
            &Selection {
                select: vec!["runtime-in-drop".to_string()],
                ignore: Vec::new(),
            },
        );
        let spawns = "fn f() { tokio::spawn(run()); }\n";
        assert!(!drops.may_fire(spawns), "a spawn outside any Drop impl");
        assert!(!drops.may_fire("impl Drop for A { fn drop(&mut self) {} }\n"));
        assert!(drops.may_fire(
            "impl Drop for A {\n    fn drop(&mut self) {\n        tokio::spawn(close());\n    }\n}\n"
        ));
        // Rules without a required word keep their triggers alone.
        assert!(engine("").may_fire(spawns));
    }

    fn engine(config: &str) -> Engine {
        let config = Config::from_toml(config, "async-lint.toml").expect("config");
        Engine::new(&config, &Selection::default())
    }

    fn check(engine: &Engine, text: &str, path: Option<&Path>, can_use: bool) -> Vec<Finding> {
        let file = SourceFile::new("src/a.rs", text.to_string());
        let krate = CrateInfo {
            runtime: Runtime::Tokio,
            ..CrateInfo::default()
        };
        let module = vec!["crate".to_string()];
        let usable = move |_: &str| can_use;
        engine.check(FileInput {
            path,
            can_use: Some(&usable),
            ..FileInput::detached(&file, &krate, &module)
        })
    }

    #[test]
    fn findings_come_out_with_lines_and_columns() {
        let found = check(&engine(""), SLEEPS, None, true);
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!((f.region.start.line, f.region.start.column), (2, 5));
        assert_eq!(f.region.end.line, 2);
        let s = f.suggestion_region.expect("the suggestion's region");
        assert_eq!(s.start.line, 2);
    }

    #[test]
    fn severity_and_applicability_are_the_pipelines() {
        let e = engine("[rules.blocking-in-async]\nlevel = \"error\"\n");
        let found = check(&e, SLEEPS, None, false);
        assert_eq!(found[0].severity, crate::Severity::Error);
        let s = found[0].suggestion.as_ref().expect("a suggestion");
        assert_eq!(
            s.applicability,
            Applicability::MaybeIncorrect,
            "a replacement the file cannot use is not machine-applicable"
        );
        let usable = check(&engine(""), SLEEPS, None, true);
        let s = usable[0].suggestion.as_ref().expect("a suggestion");
        assert_eq!(s.applicability, Applicability::MachineApplicable);
    }

    #[test]
    fn per_path_ignores_match_below_the_base() {
        let base = std::env::temp_dir();
        let map = BTreeMap::from([("gen/**".to_string(), vec!["blocking-in-async".to_string()])]);
        let e = engine("").with_path_ignores(&map, &base).expect("globs");
        let ignored = base.join("gen/a.rs");
        assert!(check(&e, SLEEPS, Some(&ignored), true).is_empty());
        assert_eq!(
            check(&e, SLEEPS, Some(&base.join("src/a.rs")), true).len(),
            1
        );
    }

    #[test]
    fn pseudo_rules_are_selected_ignored_and_levelled_like_rules() {
        let misspelt = "fn a() {} // async-lint: allow(blocking-in-asynk)\n";
        let rules = |config: &str| -> Vec<(&str, crate::Severity)> {
            check(&engine(config), misspelt, None, true)
                .iter()
                .map(|f| (f.rule, f.severity))
                .collect()
        };
        assert_eq!(rules(""), [("unused-allow", crate::Severity::Warning)]);
        assert!(rules("ignore = [\"unused-allow\"]").is_empty());
        assert!(rules("select = [\"blocking-in-async\"]").is_empty());
        assert_eq!(
            rules("select = [\"unused-allow\"]"),
            [("unused-allow", crate::Severity::Warning)]
        );
        assert_eq!(
            rules("[rules.unused-allow]\nlevel = \"error\""),
            [("unused-allow", crate::Severity::Error)]
        );
        assert!(rules("[rules]\nunused-allow = \"off\"").is_empty());
        let broken = "fn a( {\n";
        assert_eq!(check(&engine(""), broken, None, true).len(), 1);
        assert!(check(&engine("ignore = [\"parse-error\"]"), broken, None, true).is_empty());
        let e = Config::from_toml("[rules.unused-allow]\ncheck-tests = true", "a.toml");
        assert!(e.is_err(), "a pseudo-rule has a level only");
    }

    #[test]
    fn a_finding_without_its_own_severity_gets_its_rules_default() {
        let e = engine("");
        let mut f = Finding::new(PARSE_ERROR, crate::source::Span::new(0, 1), "x");
        e.apply_severity(&mut f);
        assert_eq!(f.severity, crate::Severity::Error, "parse-error's default");
        let mut chosen = Finding::new(PARSE_ERROR, crate::source::Span::new(0, 1), "x")
            .severity(crate::Severity::Info);
        e.apply_severity(&mut chosen);
        assert_eq!(
            chosen.severity,
            crate::Severity::Info,
            "the rule's own choice"
        );
    }

    #[test]
    fn allows_suppress_and_misspelt_ones_are_reported() {
        let allowed = "async fn a() {\n    std::thread::sleep(d); // async-lint: allow(blocking-in-async)\n}\n";
        assert!(check(&engine(""), allowed, None, true).is_empty());
        let misspelt = allowed.replace("blocking-in-async", "blocking-in-asynk");
        let found = check(&engine(""), &misspelt, None, true);
        let rules: Vec<&str> = found.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["blocking-in-async", "unused-allow"]);
        assert!(found[1]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("`blocking-in-async`")));
        let unused = engine("").report_unused_allows(true);
        let found = check(
            &unused,
            "fn a() {} // async-lint: allow(tiny-task)\n",
            None,
            true,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("suppresses nothing"));
    }
}
