//! Linting the files under some paths: walk them (each file with its nearest config), lint
//! them in parallel with each config's runner (through the cache when there is one), and
//! gather the outcome. The one way `check`, `check --watch` and `flycheck` lint paths.

use crate::cache::{self, Cache, Keyed};
use crate::cli::{CheckArgs, LintArgs};
use crate::configs::{Configs, Setup};
use crate::fix::FixMode;
use crate::outcome::Outcome;
use crate::progress::Progress;
use crate::run::{self, ResultStore, Runner};
use crate::walk::{self, WalkOptions};
use crate::{print, project, workspace};
use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// How to lint the paths, beyond the lint options of the command line.
#[derive(Clone, Copy, Default)]
pub struct PathsOptions<'a> {
    /// Apply `exclude` to the paths named on the command line too (`--force-exclude`).
    pub force_exclude: bool,
    /// Only files of these packages (`--package`).
    pub package_roots: Option<&'a HashSet<PathBuf>>,
    /// Compute fixes (`--fix`, `--diff`).
    pub mode: Option<FixMode>,
    pub cache: Option<&'a Cache>,
    /// Print the files instead of linting them (`--show-files`).
    pub show_files: bool,
    /// Draw no progress bar.
    pub quiet: bool,
    /// Print the cache's hits and misses (`--cache-stats`).
    pub cache_stats: bool,
}

impl<'a> PathsOptions<'a> {
    /// The options `check` (and `check --watch`) lints its paths with.
    pub fn of_check(
        args: &CheckArgs,
        package_roots: Option<&'a HashSet<PathBuf>>,
        mode: Option<FixMode>,
        cache: Option<&'a Cache>,
    ) -> Self {
        PathsOptions {
            force_exclude: args.force_exclude,
            package_roots,
            mode,
            cache,
            show_files: args.show_files,
            quiet: args.quiet || args.watch,
            cache_stats: args.cache_stats,
        }
    }
}

/// Walks the paths and lints the files found, with the configs used; `Err` with the exit code
/// when the run ends early (a config problem, `--show-files`).
pub fn lint_paths(
    paths: &[PathBuf],
    lint: &LintArgs,
    configs: &Arc<Configs>,
    options: PathsOptions<'_>,
) -> Result<(Outcome, Vec<Arc<Setup>>), ExitCode> {
    let walk = WalkOptions {
        force_exclude: options.force_exclude,
        threads: lint.threads,
    };
    let (mut files, walk_errors) = walk::collect(paths, configs, walk);
    if let Some(roots) = options.package_roots {
        files.retain(|f| workspace::in_packages(&project::absolute(f), roots));
    }
    let placed: Vec<(usize, PathBuf)> = files
        .into_iter()
        .filter_map(|f| Some((configs.for_file(&f)?.id, f)))
        .collect();
    if configs.report_problems() {
        return Err(ExitCode::from(2));
    }
    if options.show_files {
        let list: String = placed
            .iter()
            .map(|(_, f)| format!("{}\n", crate::paths::display_path(f).display()))
            .collect();
        return Err(print(&list));
    }
    let setups = configs.setups();
    let keyed: Vec<Option<Keyed<'_>>> = setups
        .iter()
        .map(|s| {
            let runner = Runner::for_setup(s, lint, options.mode);
            let config = cache::config_digest(s, &runner, lint);
            options.cache.map(|cache| Keyed { cache, config })
        })
        .collect();
    let runners: Vec<Runner<'_>> = setups
        .iter()
        .zip(&keyed)
        .map(|(s, keyed)| {
            let mut runner = Runner::for_setup(s, lint, options.mode);
            runner.cache = keyed.as_ref().map(|k| k as &dyn ResultStore);
            runner
        })
        .collect();
    let jobs: Vec<(&Runner<'_>, PathBuf)> = placed
        .into_iter()
        .map(|(id, f)| (&runners[id], f))
        .collect();
    let progress = Progress::start(jobs.len(), options.quiet);
    let mut outcome = run::lint_all(&jobs, lint.threads, Some(progress.counter()));
    drop(progress);
    if let Some(cache) = options.cache {
        cache.save();
        if options.cache_stats {
            eprintln!("{}", cache.stats());
        }
    }
    outcome.errors.extend(walk_errors);
    Ok((outcome, setups))
}
