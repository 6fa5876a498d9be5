//! Linting the collected files in parallel (rayon), in a deterministic order; with `--fix`
//! or `--diff`, each worker also computes its file's fixed text.

use crate::cli::LintArgs;
use crate::configs::Setup;
use crate::fix::{self, FixMode};
use crate::manifest::{self, Target};
use crate::outcome::{Linted, Outcome};
use crate::paths::display_path;
use crate::paths::PathError;
use crate::project::{Crates, Placement};
use async_lint_core::{Engine, FileInput, Finding, IndexScope, SourceFile};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

mod ahead;

/// Worker stacks are large because syn and the visitor recurse once per nesting level of the
/// linted code; the pages are only touched by deeply nested files.
pub(crate) const STACK_SIZE: usize = 256 * 1024 * 1024;

/// What to do beyond the engine's findings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Compute fixes (`--fix`, `--diff`).
    pub fix: Option<FixMode>,
    /// Parse every file, not only those in which an enabled rule can fire.
    pub no_prefilter: bool,
    /// Only parse (the benchmark baseline): no rules, no findings.
    pub parse_only: bool,
}

/// Where a runner finds results kept from earlier runs (the cache of `check`, keyed by the
/// runner's config): asked for each file, it answers with the kept result when it is
/// current, else with the runner's, which it keeps.
pub trait ResultStore: Sync {
    fn lint(&self, runner: &Runner<'_>, path: &Path) -> Result<Kept, PathError>;
}

/// Lints files: the engine plus the driver's knowledge of the project (crates, their
/// dependencies) and the run's options.
pub struct Runner<'a> {
    pub engine: &'a Engine,
    pub options: Options,
    /// Larger files are reported as errors instead of being linted.
    pub max_file_bytes: u64,
    /// Results kept from earlier runs under this runner's config (`check` without
    /// `--no-cache`).
    pub cache: Option<&'a dyn ResultStore>,
    crates: Arc<Crates>,
    /// Lints files ahead of their turn for the crate indexes (made by [`lint_all`]).
    ahead: OnceLock<Arc<ahead::Ahead>>,
}

impl<'a> Runner<'a> {
    /// A runner over a config's setup with the lint options of the command line; `fix` only
    /// for `check --fix/--diff`.
    pub fn for_setup(setup: &'a Setup, lint: &LintArgs, fix: Option<FixMode>) -> Runner<'a> {
        let options = Options {
            fix,
            no_prefilter: lint.no_prefilter,
            parse_only: lint.parse_only,
        };
        Runner::new(
            &setup.engine,
            options,
            lint.max_file_size.saturating_mul(1024 * 1024),
        )
    }

    pub fn new(engine: &'a Engine, options: Options, max_file_bytes: u64) -> Runner<'a> {
        Runner {
            engine,
            options,
            max_file_bytes,
            cache: None,
            crates: Arc::new(Crates::new(engine.project_apis())),
            ahead: OnceLock::new(),
        }
    }

    /// The same runner over crates known already (the language server keeps them, and their
    /// indexes, between lints).
    pub fn with_crates(mut self, crates: Arc<Crates>) -> Runner<'a> {
        self.crates = crates;
        self
    }

    /// Lints a buffer (stdin) as if it were the file at `path`, on a thread with a large stack.
    pub fn lint_buffer(&self, path: &Path, text: String) -> Outcome {
        let mut out = Outcome::default();
        if text.len() as u64 > self.max_file_bytes {
            out.errors.push(PathError {
                path: path.to_path_buf(),
                message: too_large(text.len() as u64, self.max_file_bytes),
            });
            return out;
        }
        let linted = std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(STACK_SIZE)
                .spawn_scoped(s, || self.lint_text(path, text))
                .ok()
                .and_then(|h| h.join().ok())
        });
        match linted {
            Some(l) => out.add(Kept::from(l)),
            None => out.errors.push(PathError {
                path: path.to_path_buf(),
                message: "could not be linted (internal error)".into(),
            }),
        }
        out
    }

    /// What the run keeps of one file: from the cache when it has the file's result.
    fn lint_kept(&self, path: &Path) -> Result<Kept, PathError> {
        if let Some(ahead) = self.ahead.get() {
            ahead.claim(path);
        }
        match self.cache {
            Some(store) => store.lint(self, path),
            None => self.lint_kept_uncached(path),
        }
    }

    pub(crate) fn lint_kept_uncached(&self, path: &Path) -> Result<Kept, PathError> {
        let text = self.read_text(path)?;
        Ok(Kept::from(self.lint_text(path, text)))
    }

    /// The file's text, unless it is too large or not UTF-8.
    pub(crate) fn read_text(&self, path: &Path) -> Result<String, PathError> {
        let error = |message: String| PathError {
            path: path.to_path_buf(),
            message,
        };
        let size = std::fs::metadata(path)
            .map_err(|e| error(e.to_string()))?
            .len();
        if size > self.max_file_bytes {
            return Err(error(too_large(size, self.max_file_bytes)));
        }
        let bytes = std::fs::read(path).map_err(|e| error(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| PathError {
            path: path.to_path_buf(),
            message: format!(
                "not valid UTF-8 (invalid byte at offset {}); Rust source must be UTF-8",
                e.utf8_error().valid_up_to()
            ),
        })
    }

    /// Lints `text` as the file at `path`; `None` when no enabled rule can fire in it (it is
    /// then not parsed at all). Computes the fixes when asked to.
    pub(crate) fn lint_text(&self, path: &Path, text: String) -> Option<Linted> {
        if self.options.parse_only {
            async_lint_core::parse::baseline(&SourceFile::new(path, text));
            return None;
        }
        if let Some(linted) = self.ahead.get().and_then(|a| a.take(path)) {
            return linted;
        }
        // A file with an allow comment is parsed: a misspelt rule name in it is reported.
        let may_matter = self.engine.may_report(&text);
        if !may_matter && !self.options.no_prefilter {
            return None;
        }
        let ctx = self.context(path);
        let file = SourceFile::new(display_path(path), text);
        let mut findings = self.findings(&ctx, &file);
        if !may_matter {
            // Parsed only because of --no-prefilter: a syntax error in a file no rule can fire
            // in is not reported (the default run never reads it that far).
            findings.retain(|f| f.rule != async_lint_core::PARSE_ERROR);
        }
        if let Some(reason) = not_a_module(&ctx, &findings) {
            return Some(Linted {
                file,
                findings: Vec::new(),
                krate: None,
                target: None,
                fixed: None,
                skipped: Some(reason),
            });
        }
        let mut linted = Linted {
            file,
            findings,
            krate: ctx.place.krate.clone(),
            target: ctx.target.clone(),
            fixed: None,
            skipped: None,
        };
        if let Some(mode) = self.options.fix {
            linted.fixed = fix::fix(
                &mut linted.file,
                &mut linted.findings,
                mode,
                |s| ctx.can_use(&s.replacement),
                |file| self.findings(&ctx, file),
            );
        }
        Some(linted)
    }

    /// The file's crate and module.
    pub(crate) fn placement(&self, path: &Path) -> Placement {
        self.crates.of(path)
    }

    fn context(&self, path: &Path) -> FileContext {
        let place = self.crates.of(path);
        let target = place.krate.as_ref().and_then(|k| {
            k.package
                .target_of(&crate::project::absolute(path))
                .cloned()
        });
        FileContext {
            path: path.to_path_buf(),
            place,
            target,
        }
    }

    /// The findings of one file: the engine's pipeline, told where the file is (its crate
    /// index, its path for per-path ignores, the crates its target can use).
    fn findings(&self, ctx: &FileContext, file: &SourceFile) -> Vec<Finding> {
        let can_use = |replacement: &str| ctx.can_use(replacement);
        self.engine.check(FileInput {
            file,
            krate: &ctx.place.info(),
            module: &ctx.place.module,
            scope: IndexScope {
                index: ctx.place.index(),
                path: ctx.place.in_tree.as_deref(),
            },
            path: Some(&ctx.path),
            can_use: Some(&can_use),
        })
    }
}

/// Lints each file with its runner (its config's) on `threads` threads; the outcome keeps
/// the jobs' order.
pub fn lint_all(
    jobs: &[(&Runner<'_>, PathBuf)],
    threads: Option<usize>,
    progress: Option<&std::sync::atomic::AtomicUsize>,
) -> Outcome {
    let crates = CrateJobs::of(jobs);
    // Reduced on the worker: a file without findings or fixes is dropped at once, so the run
    // holds only what it will print, not the text of every file it parsed.
    let work = |(i, (runner, path)): (usize, &(&Runner<'_>, PathBuf))| {
        let kept = runner.lint_kept(path);
        crates.done(i);
        if let Some(done) = progress {
            done.fetch_add(1, Ordering::Relaxed);
        }
        kept
    };
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(STACK_SIZE);
    if let Some(n) = threads {
        builder = builder.num_threads(n.max(1));
    }
    let results: Vec<Result<Kept, PathError>> = match builder.build() {
        Ok(pool) => pool.install(|| jobs.par_iter().enumerate().map(work).collect()),
        Err(_) => jobs.iter().enumerate().map(work).collect(),
    };
    let mut out = Outcome::default();
    for r in results {
        match r {
            Ok(linted) => out.add(linted),
            Err(e) => out.errors.push(e),
        }
    }
    out
}

/// The crates of a run's jobs: each crate index may have the files of the run linted ahead of
/// their turn (see [`ahead`]), and is released when the last job of a run of consecutive
/// jobs of its crate is done, so that memory stays flat however many crates a run lints (a
/// crate met again later, as when a folder is linked twice into the run, is indexed afresh).
struct CrateJobs {
    /// Per job, its run of consecutive jobs of one crate (a place in `runs`).
    of_job: Vec<Option<usize>>,
    /// Per run: its crate, and how many of its jobs are not done.
    runs: Vec<(Arc<crate::project::Crate>, AtomicUsize)>,
}

impl CrateJobs {
    fn of(jobs: &[(&Runner<'_>, PathBuf)]) -> CrateJobs {
        let mut runs: Vec<(Arc<crate::project::Crate>, AtomicUsize)> = Vec::new();
        let mut of_job = Vec::with_capacity(jobs.len());
        for (runner, path) in jobs {
            if runner.options.parse_only {
                of_job.push(None);
                continue;
            }
            let place = runner.placement(path);
            let ahead = runner.ahead.get_or_init(|| ahead::Ahead::new(runner));
            ahead.expect(&place, path);
            let Some(krate) = place.krate else {
                of_job.push(None);
                continue;
            };
            if !runs.last().is_some_and(|(k, _)| Arc::ptr_eq(k, &krate)) {
                runs.push((krate, AtomicUsize::new(0)));
            }
            let at = runs.len() - 1;
            runs[at].1.fetch_add(1, Ordering::Relaxed);
            of_job.push(Some(at));
        }
        CrateJobs { of_job, runs }
    }

    /// Job `i` is done: the last of its run releases the crate's index.
    fn done(&self, i: usize) {
        let Some(at) = self.of_job.get(i).copied().flatten() else {
            return;
        };
        let (krate, left) = &self.runs[at];
        if left.fetch_sub(1, Ordering::AcqRel) == 1 {
            krate.index.release();
        }
    }
}

/// What the driver knows about one file's place in the project.
struct FileContext {
    /// The path the file is linted as (for per-path ignores).
    path: PathBuf,
    place: Placement,
    target: Option<Target>,
}

/// Why a file that does not parse is skipped rather than reported: it is in a package, and
/// no target's module tree reaches it. `None` for a module (its parse error stands).
fn not_a_module(ctx: &FileContext, findings: &[Finding]) -> Option<String> {
    let error = findings
        .iter()
        .find(|f| f.rule == async_lint_core::PARSE_ERROR)?;
    let krate = ctx.place.krate.as_ref()?;
    let declared = krate
        .declared
        .get_or_init(|| crate::modules::Declared::of(&krate.package));
    let abs = crate::project::absolute(&ctx.path);
    if declared.is_module(&krate.package, &abs) {
        return None;
    }
    Some(format!(
        "not a module of package `{}` (no `mod` declares it, no target has it as its root) and \
         it does not parse ({}); skipped",
        krate.package.name,
        error.message.trim_start_matches("file does not parse: ")
    ))
}

impl FileContext {
    /// Can this file's code use every item of a dependency crate that `replacement` names
    /// (the crate a dependency of its target, the item's feature on)?
    fn can_use(&self, replacement: &str) -> bool {
        manifest::crates_named(replacement)
            .iter()
            .all(|(krate, path)| {
                self.place
                    .krate
                    .as_ref()
                    .is_some_and(|k| k.package.can_use(self.target.as_ref(), krate, path))
            })
    }
}

impl Outcome {
    fn add(&mut self, kept: Kept) {
        self.files_read += 1;
        match kept {
            Kept::NotParsed => {}
            Kept::Clean => self.files_parsed += 1,
            Kept::Skipped(e) => {
                self.files_parsed += 1;
                self.skipped.push(e);
            }
            Kept::Reported(l) => {
                self.files_parsed += 1;
                self.files.push(*l);
            }
        }
    }
}

/// What a run keeps of one file.
pub(crate) enum Kept {
    /// No enabled rule can fire in it: not parsed.
    NotParsed,
    /// Parsed; nothing to report or write.
    Clean,
    Reported(Box<Linted>),
    /// Not a module and does not parse: skipped, with the reason.
    Skipped(PathError),
}

impl From<Option<Linted>> for Kept {
    fn from(linted: Option<Linted>) -> Kept {
        match linted {
            None => Kept::NotParsed,
            Some(Linted {
                file,
                skipped: Some(message),
                ..
            }) => Kept::Skipped(PathError {
                path: file.path,
                message,
            }),
            Some(l) if l.findings.is_empty() && l.fixed.is_none() => Kept::Clean,
            Some(l) => Kept::Reported(Box::new(l)),
        }
    }
}

fn too_large(size: u64, limit: u64) -> String {
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    format!(
        "file is {:.1} MiB, over the {:.0} MiB limit; not linted (exclude it, or raise --max-file-size)",
        mib(size),
        mib(limit)
    )
}
