//! Linting the collected files in parallel (rayon), in a deterministic order.

use crate::project::Crates;
use crate::walk::{relative_to, PathError};
use async_lint_core::{Engine, Finding, IndexScope, SourceFile};
use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Worker stacks are large because syn and the visitor recurse once per nesting level of the
/// linted code; the pages are only touched by deeply nested files.
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// One linted file with its findings.
pub struct Linted {
    pub file: SourceFile,
    pub findings: Vec<Finding>,
}

/// What a run produced.
#[derive(Default)]
pub struct Outcome {
    /// Files with findings, in path order.
    pub files: Vec<Linted>,
    /// Paths that could not be read.
    pub errors: Vec<PathError>,
    /// Files looked at (read), and of those, files parsed.
    pub files_read: usize,
    pub files_parsed: usize,
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

/// How the files are linted.
pub struct Settings<'a> {
    pub ignores: &'a PathIgnores,
    pub threads: Option<usize>,
    /// Larger files are reported as errors instead of being linted.
    pub max_file_bytes: u64,
}

/// Lints `paths` in parallel.
pub fn lint_all(engine: &Engine, paths: Vec<PathBuf>, settings: &Settings<'_>) -> Outcome {
    let crates = Crates::default();
    let threads = settings.threads;
    let work = |path: &PathBuf| lint_one(engine, &crates, settings, path);
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(STACK_SIZE);
    if let Some(n) = threads {
        builder = builder.num_threads(n.max(1));
    }
    let results: Vec<Result<Option<(Linted, bool)>, PathError>> = match builder.build() {
        Ok(pool) => pool.install(|| paths.par_iter().map(work).collect()),
        Err(_) => paths.iter().map(work).collect(),
    };
    let mut out = Outcome::default();
    for r in results {
        match r {
            Ok(Some((linted, parsed))) => {
                out.files_read += 1;
                out.files_parsed += usize::from(parsed);
                if !linted.findings.is_empty() {
                    out.files.push(linted);
                }
            }
            Ok(None) => out.files_read += 1,
            Err(e) => out.errors.push(e),
        }
    }
    out
}

fn lint_one(
    engine: &Engine,
    crates: &Crates,
    settings: &Settings<'_>,
    path: &PathBuf,
) -> Result<Option<(Linted, bool)>, PathError> {
    let error = |message: String| PathError {
        path: path.clone(),
        message,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| error(e.to_string()))?
        .len();
    if size > settings.max_file_bytes {
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        return Err(error(format!(
            "file is {:.1} MiB, over the {:.0} MiB limit; not linted (exclude it, or raise --max-file-size)",
            mib(size),
            mib(settings.max_file_bytes)
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| error(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| PathError {
        path: path.clone(),
        message: format!(
            "not valid UTF-8 (invalid byte at offset {}); Rust source must be UTF-8",
            e.utf8_error().valid_up_to()
        ),
    })?;
    if !engine.may_fire(&text) {
        return Ok(None);
    }
    let display = display_path(path);
    let file = SourceFile::new(display, text);
    let place = crates.of(path);
    let scope = IndexScope {
        index: place.index(),
        path: place.in_tree.as_deref(),
    };
    let result = engine.lint_in(&file, &place.info(), place.module.clone(), scope);
    let skip = settings.ignores.ignored(path);
    let findings = result
        .findings
        .into_iter()
        .filter(|f| !skip.contains(&f.rule))
        .collect();
    Ok(Some((Linted { file, findings }, true)))
}

/// How a file is named in output: relative to the working directory when below it.
pub fn display_path(path: &Path) -> PathBuf {
    let rel = relative_to(path, Path::new("."));
    rel.strip_prefix("./").map(Path::to_path_buf).unwrap_or(rel)
}
