//! Linting the collected files in parallel (rayon), in a deterministic order; with `--fix`
//! or `--diff`, each worker also computes its file's fixed text.

use crate::fix::{self, FixMode, Fixed};
use crate::manifest::{self, Target};
use crate::project::{Crate, Crates, Placement};
use crate::unused_allows;
use crate::walk::{relative_to, PathError};
use async_lint_core::{Applicability, Engine, Finding, IndexScope, SourceFile};
use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Worker stacks are large because syn and the visitor recurse once per nesting level of the
/// linted code; the pages are only touched by deeply nested files.
pub(crate) const STACK_SIZE: usize = 256 * 1024 * 1024;

/// One linted file with its findings.
pub struct Linted {
    /// The file as linted last: after the fixes, when fixes were computed.
    pub file: SourceFile,
    pub findings: Vec<Finding>,
    /// Its package, when a Cargo.toml with `[package]` is above it.
    pub krate: Option<Arc<Crate>>,
    /// Its cargo target, when the layout tells.
    pub target: Option<Target>,
    /// The fixes computed for it (`--fix`, `--diff`).
    pub fixed: Option<Fixed>,
    /// Why it was skipped rather than linted (it does not parse and is no module).
    pub skipped: Option<String>,
}

/// What a run produced.
#[derive(Default)]
pub struct Outcome {
    /// Files with findings or fixes, in path order.
    pub files: Vec<Linted>,
    /// Paths that could not be read.
    pub errors: Vec<PathError>,
    /// Files looked at (read), and of those, files parsed.
    pub files_read: usize,
    pub files_parsed: usize,
    /// Files not linted because they are not Rust modules, with the reason (info, not errors).
    pub skipped: Vec<PathError>,
}

/// What to do beyond the engine's findings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub report_unused_allows: bool,
    /// Rules that report in test code (`check-tests`): an allow there is judged only for them.
    pub rules_in_tests: Vec<&'static str>,
    /// Compute fixes (`--fix`, `--diff`).
    pub fix: Option<FixMode>,
    /// Parse every file, not only those in which an enabled rule can fire.
    pub no_prefilter: bool,
    /// Only parse (the benchmark baseline): no rules, no findings.
    pub parse_only: bool,
}

/// `per-path-ignores`: rules not reported for paths matching a glob.
pub struct PathIgnores {
    rules: Vec<Vec<String>>,
    set: GlobSet,
    base: PathBuf,
}

impl PathIgnores {
    pub fn new(
        map: &std::collections::BTreeMap<String, Vec<String>>,
        base: &Path,
    ) -> Result<PathIgnores, globset::Error> {
        let mut b = GlobSetBuilder::new();
        let mut rules = Vec::new();
        for (glob, r) in map {
            b.add(Glob::new(glob)?);
            rules.push(r.clone());
        }
        Ok(PathIgnores {
            rules,
            set: b.build()?,
            base: base.to_path_buf(),
        })
    }

    fn ignored(&self, path: &Path) -> Vec<&str> {
        if self.set.is_empty() {
            return Vec::new();
        }
        let rel = relative_to(path, &self.base);
        self.set
            .matches(&rel)
            .into_iter()
            .flat_map(|i| self.rules[i].iter().map(String::as_str))
            .collect()
    }
}

/// Lints files: the engine plus the driver's knowledge of the project (crates, per-path
/// ignores) and the run's options.
pub struct Runner<'a> {
    pub engine: &'a Engine,
    pub ignores: &'a PathIgnores,
    pub options: Options,
    /// Larger files are reported as errors instead of being linted.
    pub max_file_bytes: u64,
    /// The cache of results and this runner's config digest (`check` without `--no-cache`).
    pub cache: Option<(&'a crate::cache::Cache, crate::cache::Digest)>,
    crates: Arc<Crates>,
}

impl<'a> Runner<'a> {
    pub fn new(
        engine: &'a Engine,
        ignores: &'a PathIgnores,
        options: Options,
        max_file_bytes: u64,
    ) -> Runner<'a> {
        Runner {
            engine,
            ignores,
            options,
            max_file_bytes,
            cache: None,
            crates: Arc::new(Crates::new(Arc::new(engine.settings().clone()))),
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
        match self.cache {
            Some((cache, config)) => cache.lint(config, self, path),
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
        // A file with an allow comment is parsed: a misspelt rule name in it is reported.
        let may_matter = self.engine.may_fire(&text) || text.contains(unused_allows::MARKER);
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
            fix::fix(
                &mut linted,
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

    /// The findings of one file: the engine's, minus per-path ignores, plus unused allows;
    /// suggestions that name a crate the file's target cannot use are downgraded from
    /// machine-applicable (the engine only knows the crate's runtime, not the dependency's
    /// kind).
    fn findings(&self, ctx: &FileContext, file: &SourceFile) -> Vec<Finding> {
        let scope = IndexScope {
            index: ctx.place.index(),
            path: ctx.place.in_tree.as_deref(),
        };
        let result = self
            .engine
            .lint_in(file, &ctx.place.info(), ctx.place.module.clone(), scope);
        let skip = self.ignores.ignored(&ctx.path);
        let mut findings: Vec<Finding> = result
            .findings
            .into_iter()
            .filter(|f| !skip.contains(&f.rule))
            .collect();
        if !skip.contains(&unused_allows::RULE) {
            let before = findings.len();
            findings.extend(unused_allows::findings(
                self.engine,
                file,
                &result.allows,
                &self.options.rules_in_tests,
                self.options.report_unused_allows,
            ));
            if findings.len() > before {
                findings.sort_by(|a, b| {
                    (a.span.start, a.rule, &a.message).cmp(&(b.span.start, b.rule, &b.message))
                });
            }
        }
        for f in &mut findings {
            if let Some(s) = &mut f.suggestion {
                if s.applicability == Applicability::MachineApplicable
                    && !ctx.can_use(&s.replacement)
                {
                    s.applicability = Applicability::MaybeIncorrect;
                }
            }
        }
        findings
    }
}

/// Lints each file with its runner (its config's) on `threads` threads; the outcome keeps
/// the jobs' order.
pub fn lint_all(
    jobs: &[(&Runner<'_>, PathBuf)],
    threads: Option<usize>,
    progress: Option<&std::sync::atomic::AtomicUsize>,
) -> Outcome {
    // Reduced on the worker: a file without findings or fixes is dropped at once, so the run
    // holds only what it will print, not the text of every file it parsed.
    let work = |(runner, path): &(&Runner<'_>, PathBuf)| {
        let kept = runner.lint_kept(path);
        if let Some(done) = progress {
            done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        kept
    };
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(STACK_SIZE);
    if let Some(n) = threads {
        builder = builder.num_threads(n.max(1));
    }
    let results: Vec<Result<Kept, PathError>> = match builder.build() {
        Ok(pool) => pool.install(|| jobs.par_iter().map(work).collect()),
        Err(_) => jobs.iter().map(work).collect(),
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

/// How a file is named in output: relative to the working directory when below it.
pub fn display_path(path: &Path) -> PathBuf {
    let rel = relative_to(path, Path::new("."));
    rel.strip_prefix("./").map(Path::to_path_buf).unwrap_or(rel)
}
