//! `async-lint check`: lint paths (or stdin), optionally fix, render in the chosen format, and
//! choose the exit code.

use crate::cli::{CheckArgs, ColorChoice, FailLevel, Format, LintArgs};
use crate::fix::{self, FixMode};
use crate::run::{Options, Outcome, Runner};
use crate::walk::{self, PathError};
use crate::{print, project, report, run};
use async_lint_core::{rules, Engine, Selection, Severity};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The configured pieces of a run, shared by `check` and `flycheck`.
pub struct Setup {
    pub engine: Engine,
    pub ignores: run::PathIgnores,
    pub excludes: walk::Excludes,
    /// The rules the config asks to report in test code too (`check-tests`).
    pub rules_in_tests: Vec<&'static str>,
}

impl Setup {
    /// A runner over this setup with the lint options of the command line; `fix` only for
    /// `check --fix/--diff`.
    pub fn runner(&self, lint: &LintArgs, fix: Option<FixMode>) -> Runner<'_> {
        let options = Options {
            report_unused_allows: lint.report_unused_allows,
            rules_in_tests: self.rules_in_tests.clone(),
            fix,
            no_prefilter: lint.no_prefilter,
            parse_only: lint.parse_only,
        };
        Runner::new(
            &self.engine,
            &self.ignores,
            options,
            lint.max_file_size.saturating_mul(1024 * 1024),
        )
    }
}

/// Validates the rule names, finds the config from `start` and builds the engine; on failure
/// the message is printed and the exit code returned.
pub fn setup(lint: &LintArgs, start: &Path) -> Result<Setup, ExitCode> {
    for name in lint.select.iter().chain(&lint.ignore) {
        if rules::find(name).is_none() && name != async_lint_core::PARSE_ERROR {
            eprintln!("error: unknown rule `{name}` (see `async-lint rules`)");
            return Err(ExitCode::from(2));
        }
    }
    let found = match project::find_config(lint.config.as_deref(), start) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            return Err(ExitCode::from(2));
        }
    };
    let globs = walk::Excludes::new(&found.config.exclude, &found.base);
    let ignores = run::PathIgnores::new(&found.config.per_path_ignores, &found.base);
    let (Ok(excludes), Ok(ignores)) = (globs, ignores) else {
        eprintln!(
            "error: invalid glob in config {}",
            found
                .source
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
        return Err(ExitCode::from(2));
    };
    let engine = Engine::new(
        &found.config,
        &Selection {
            select: lint.select.clone(),
            ignore: lint.ignore.clone(),
        },
    );
    let rules_in_tests = rules::RULES
        .iter()
        .map(|r| r.meta().name)
        .filter(|name| {
            found
                .config
                .rules
                .get(*name)
                .and_then(|s| s.check_tests)
                .unwrap_or(found.config.check_tests)
        })
        .collect();
    Ok(Setup {
        engine,
        ignores,
        excludes,
        rules_in_tests,
    })
}

pub fn check(args: CheckArgs) -> ExitCode {
    let reads_stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if reads_stdin && args.paths.len() > 1 {
        eprintln!("error: `-` (stdin) cannot be combined with other paths");
        return ExitCode::from(2);
    }
    let defaulted = args.paths.len() == 1 && args.paths[0].as_os_str() == ".";
    if args.stdin_filename.is_some() && !reads_stdin && !defaulted {
        eprintln!("error: --stdin-filename names stdin: give `-` (or no path), not other paths");
        return ExitCode::from(2);
    }
    // Stdin is linted as the file `--stdin-filename` names (or as `<stdin>`, outside any crate).
    let stdin_name: Option<PathBuf> = (reads_stdin || args.stdin_filename.is_some()).then(|| {
        args.stdin_filename
            .clone()
            .unwrap_or_else(|| "<stdin>".into())
    });
    let start = stdin_name
        .clone()
        .or_else(|| args.paths.first().cloned())
        .unwrap_or_else(|| ".".into());
    let setup = match setup(&args.lint, &start) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mode = (args.fix || args.diff).then_some(if args.unsafe_fixes {
        FixMode::Unsafe
    } else {
        FixMode::Safe
    });
    let runner = setup.runner(&args.lint, mode);

    let mut stdin_text = None;
    let mut outcome = match &stdin_name {
        Some(name) => {
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("error: cannot read stdin: {e}");
                return ExitCode::from(2);
            }
            stdin_text = Some(text.clone());
            if setup.excludes.is_excluded(&project::absolute(name)) {
                Outcome {
                    files_read: 1,
                    ..Outcome::default()
                }
            } else {
                runner.lint_buffer(name, text)
            }
        }
        None => {
            let (files, walk_errors) = walk::collect(&args.paths, &setup.excludes);
            let mut outcome = runner.lint_all(files, args.lint.threads);
            outcome.errors.extend(walk_errors);
            outcome
        }
    };
    outcome.errors.sort();

    if args.diff {
        return print_diffs(&outcome, args.quiet);
    }
    if args.fix {
        match stdin_text {
            // With stdin, the fixed source is the output (as formatters do).
            Some(text) => {
                let fixed = outcome
                    .files
                    .first()
                    .filter(|l| l.fixed.is_some())
                    .map_or(text, |l| l.file.text.clone());
                report_fix_problems(&outcome);
                let printed = print(&fixed);
                if printed != ExitCode::SUCCESS || !outcome.errors.is_empty() {
                    return ExitCode::from(2);
                }
                return exit_code(&outcome, &args);
            }
            None => write_fixes(&mut outcome, args.quiet),
        }
    }

    let rendered = match args.format {
        Format::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            report::human::render(&outcome, color, 100, args.quiet, args.statistics)
        }
        Format::Concise => report::concise::render(&outcome, args.quiet, args.statistics),
        Format::Json => report::json::render(&outcome),
        Format::JsonLines => report::json::render_lines(&outcome),
        Format::Cargo => report::cargo::render(&outcome, true),
        Format::Sarif => report::sarif::render(&outcome, &setup.engine),
        Format::Github => {
            let (text, warning) = report::github::render(&outcome);
            if let Some(w) = warning {
                eprintln!("{w}");
            }
            text
        }
    };
    let printed = print(&rendered);
    if !matches!(args.format, Format::Json | Format::Sarif) {
        for e in &outcome.errors {
            eprintln!("error: {}: {}", e.path.display(), e.message);
        }
    }
    if printed != ExitCode::SUCCESS || !outcome.errors.is_empty() {
        return ExitCode::from(2);
    }
    exit_code(&outcome, &args)
}

fn exit_code(outcome: &Outcome, args: &CheckArgs) -> ExitCode {
    let threshold = match args.fail_level {
        FailLevel::Info => Severity::Info,
        FailLevel::Warning => Severity::Warning,
        FailLevel::Error => Severity::Error,
    };
    let failing = report::all(outcome).any(|(_, f)| f.severity >= threshold);
    if failing && !args.exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--diff`: the fixes as unified diffs on stdout; exit 1 when there is one.
fn print_diffs(outcome: &Outcome, quiet: bool) -> ExitCode {
    let mut out = String::new();
    let (mut files, mut fixes) = (0, 0);
    for l in &outcome.files {
        if let Some(fixed) = l.fixed.as_ref().filter(|f| f.changed(l)) {
            out.push_str(&fix::diff(&l.file.path, &fixed.original, &l.file.text));
            files += 1;
            fixes += fixed.applied;
        }
    }
    report_fix_problems(outcome);
    for e in &outcome.errors {
        eprintln!("error: {}: {}", e.path.display(), e.message);
    }
    if !quiet {
        eprintln!(
            "{fixes} fix{} in {files} file{} would be applied",
            if fixes == 1 { "" } else { "es" },
            if files == 1 { "" } else { "s" }
        );
    }
    let printed = print(&out);
    if printed != ExitCode::SUCCESS || !outcome.errors.is_empty() {
        ExitCode::from(2)
    } else if files > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--fix`: writes each changed file atomically; a failed write becomes an error of the run.
fn write_fixes(outcome: &mut Outcome, quiet: bool) {
    let (mut files, mut fixes) = (0, 0);
    let mut errors = Vec::new();
    for l in &outcome.files {
        let Some(fixed) = l.fixed.as_ref().filter(|f| f.changed(l)) else {
            continue;
        };
        // The display path is relative to the working directory (or as given): the same file.
        let path = l.file.path.clone();
        match fix::write_atomically(&path, &fixed.original, &l.file.text) {
            Ok(()) => {
                files += 1;
                fixes += fixed.applied;
            }
            Err(e) => errors.push(PathError {
                path,
                message: format!("cannot write the fixes: {e}"),
            }),
        }
    }
    report_fix_problems(outcome);
    outcome.errors.extend(errors);
    outcome.errors.sort();
    if !quiet && files > 0 {
        eprintln!(
            "fixed {fixes} finding{} in {files} file{}",
            if fixes == 1 { "" } else { "s" },
            if files == 1 { "" } else { "s" }
        );
    }
}

/// Files whose fixes were partly or wholly left out, and why, on stderr.
fn report_fix_problems(outcome: &Outcome) {
    for l in &outcome.files {
        if let Some(problem) = l.fixed.as_ref().and_then(|f| f.problem.as_ref()) {
            eprintln!(
                "warning: {}: fixes not applied: {problem}",
                l.file.path.display()
            );
        }
    }
}
