//! `async-lint check`: lint paths (or stdin), optionally fix, render in the chosen format, and
//! choose the exit code.

use crate::cache::Cache;
use crate::cli::{CheckArgs, ColorChoice, FailLevel};
use crate::configs::{Configs, Setup};
use crate::fix::{self, FixMode};
use crate::lint::{lint_paths, PathsOptions};
use crate::outcome::Outcome;
use crate::paths::PathError;
use crate::run::Runner;
use crate::{print, project, report, workspace};
use async_lint_core::Severity;
use std::collections::HashSet;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

pub fn check(mut args: CheckArgs) -> ExitCode {
    let package_roots = match select_packages(&mut args) {
        Ok(roots) => roots,
        Err(code) => return code,
    };
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
    let configs = match Configs::new(&args.lint) {
        Ok(c) => Arc::new(c),
        Err(()) => return ExitCode::from(2),
    };
    if args.show_settings {
        let paths = stdin_name
            .clone()
            .map_or_else(|| args.paths.clone(), |n| vec![n]);
        return show_settings(&configs, &paths);
    }
    if args.watch {
        if stdin_name.is_some() {
            eprintln!("error: --watch lints files: it cannot read stdin");
            return ExitCode::from(2);
        }
        return crate::watch::watch(&args, package_roots.as_ref());
    }
    let mode = (args.fix || args.diff).then_some(if args.unsafe_fixes {
        FixMode::Unsafe
    } else {
        FixMode::Safe
    });

    let mut stdin_text = None;
    let mut setups: Vec<Arc<Setup>> = Vec::new();
    let mut outcome = match &stdin_name {
        Some(name) => {
            let Some(setup) = configs.for_file(name) else {
                configs.report_problems();
                return ExitCode::from(2);
            };
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("error: cannot read stdin: {e}");
                return ExitCode::from(2);
            }
            stdin_text = Some(text.clone());
            setups.push(setup.clone());
            if setup.excludes.is_excluded(&project::absolute(name)) {
                Outcome {
                    files_read: 1,
                    ..Outcome::default()
                }
            } else {
                Runner::for_setup(&setup, &args.lint, mode).lint_buffer(name, text)
            }
        }
        None => {
            let cache = (!args.no_cache && mode.is_none() && !args.lint.parse_only)
                .then(|| Cache::open(args.cache_dir.as_deref(), args.quiet))
                .flatten();
            let options =
                PathsOptions::of_check(&args, package_roots.as_ref(), mode, cache.as_ref());
            match lint_paths(&args.paths, &args.lint, &configs, options) {
                Ok((outcome, used)) => {
                    setups = used;
                    outcome
                }
                Err(code) => return code,
            }
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

    let emitter = args.format.emitter;
    let engines: Vec<&async_lint_core::Engine> = setups.iter().map(|s| &s.engine).collect();
    let settings = report::Settings {
        color: match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => auto_color(std::io::stdout().is_terminal()),
        },
        width: 100,
        quiet: args.quiet,
        statistics: args.statistics,
        engines: &engines,
    };
    let rendered = emitter.emit(&outcome, &settings);
    if let Some(w) = emitter.warning(&outcome) {
        eprintln!("{w}");
    }
    let printed = print(&rendered);
    if !emitter.carries_errors() {
        if !args.quiet {
            for s in &outcome.skipped {
                eprintln!("info: {}: {}", s.path.display(), s.message);
            }
        }
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
        if let Some(fixed) = l.fixed.as_ref().filter(|f| f.changed(&l.file.text)) {
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
        let Some(fixed) = l.fixed.as_ref().filter(|f| f.changed(&l.file.text)) else {
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

/// `--show-settings`: for each path, the config it is linted with and what that config sets.
fn show_settings(configs: &Configs, paths: &[PathBuf]) -> ExitCode {
    let mut out = String::new();
    for path in paths {
        let Some(setup) = configs.for_file(path) else {
            configs.report_problems();
            return ExitCode::from(2);
        };
        out.push_str(&crate::configs::describe(path, &setup));
    }
    print(&out)
}

/// `-p`, `--workspace`, `--manifest-path`, and `cargo async-lint` without paths: turns the
/// selected packages into the paths to lint and moves to the workspace root, so paths are
/// reported from there as cargo does. Returns the packages' folders (absolute), whose nested
/// packages' files are left out.
fn select_packages(args: &mut CheckArgs) -> Result<Option<HashSet<PathBuf>>, ExitCode> {
    let defaulted = args.paths.len() == 1 && args.paths[0].as_os_str() == ".";
    let asked = !args.package.is_empty() || args.workspace || args.manifest_path.is_some();
    if asked && !defaulted {
        eprintln!("error: -p/--package, --workspace and --manifest-path select what to lint: give no paths with them");
        return Err(ExitCode::from(2));
    }
    if !(asked || args.cargo && defaulted) || args.stdin_filename.is_some() {
        return Ok(None);
    }
    let selection = workspace::Selection {
        packages: &args.package,
        workspace: args.workspace,
        manifest_path: args.manifest_path.as_deref(),
    };
    let scope = match workspace::resolve(&selection) {
        Ok(Some(scope)) => scope,
        Ok(None) => return Ok(None),
        Err(message) => {
            eprintln!("error: {message}");
            return Err(ExitCode::from(2));
        }
    };
    // Named relative to the folder the command ran in, which is about to change.
    if let Some(config) = &mut args.lint.config {
        *config = project::absolute(config);
    }
    if let Err(e) = std::env::set_current_dir(&scope.root) {
        eprintln!(
            "error: cannot enter the workspace root {}: {e}",
            scope.root.display()
        );
        return Err(ExitCode::from(2));
    }
    let roots = scope
        .packages
        .iter()
        .map(|p| project::absolute(&scope.root.join(p)))
        .collect();
    args.paths = scope.packages;
    Ok(Some(roots))
}

/// `--color auto`: NO_COLOR (set, not empty) wins; then FORCE_COLOR or CLICOLOR_FORCE (set,
/// not empty, not `0`) force colour off a terminal; else colour on a terminal only.
fn auto_color(terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("NO_COLOR") {
        return false;
    }
    let forced = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") || terminal
}
