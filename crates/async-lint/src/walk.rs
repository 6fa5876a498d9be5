//! Finding the files to lint: `ignore`'s parallel walker over the given paths, honouring
//! `.gitignore`, `.ignore` and `.git/info/exclude` (as ripgrep and ruff do), skipping hidden
//! entries, `target/` folders and each folder's nearest config's `exclude` globs. Symlinks are
//! followed; loops are reported like any unreadable path. Files named on the command line are
//! linted whatever their name, unless `--force-exclude` and an `exclude` glob says otherwise.

use crate::configs::{lexical_absolute, Configs};
use crate::paths::PathError;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How to walk.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    /// Apply `exclude` to the paths named on the command line too (`--force-exclude`).
    pub force_exclude: bool,
    /// Walker threads (default: one per core).
    pub threads: Option<usize>,
}

/// The `.rs` files under `paths` (sorted, without duplicates) and the paths that failed.
pub fn collect(
    paths: &[PathBuf],
    configs: &Arc<Configs>,
    options: WalkOptions,
) -> (Vec<PathBuf>, Vec<PathError>) {
    let mut files = BTreeSet::new();
    let mut errors = Vec::new();
    let mut dirs = Vec::new();
    for root in paths {
        match std::fs::metadata(root) {
            Err(e) => errors.push(PathError {
                path: root.clone(),
                message: e.to_string(),
            }),
            _ if options.force_exclude && named_path_excluded(configs, root) => {}
            Ok(m) if m.is_file() => {
                files.insert(root.clone());
            }
            Ok(_) => dirs.push(root.clone()),
        }
    }
    if let Some((first, rest)) = dirs.split_first() {
        let (found, failed) = walk_dirs(first, rest, configs, options.threads);
        files.extend(found);
        errors.extend(failed);
    }
    // `./src/a.rs` and `src/a.rs` (from `.` and `src`) are one file.
    let files: BTreeSet<PathBuf> = files
        .into_iter()
        .map(|f| f.strip_prefix(".").map(Path::to_path_buf).unwrap_or(f))
        .collect();
    (files.into_iter().collect(), errors)
}

/// Is a path named on the command line, or a folder above it up to its config's folder,
/// matched by that config's `exclude`?
fn named_path_excluded(configs: &Configs, path: &Path) -> bool {
    let abs = lexical_absolute(path);
    let Some(setup) = configs.for_file(&abs) else {
        return false;
    };
    abs.ancestors()
        .take_while(|p| p.starts_with(&setup.found.base) && *p != setup.found.base)
        .any(|p| setup.excludes.is_excluded(p))
}

fn walk_dirs(
    first: &Path,
    rest: &[PathBuf],
    configs: &Arc<Configs>,
    threads: Option<usize>,
) -> (Vec<PathBuf>, Vec<PathError>) {
    let mut builder = ignore::WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    let filter_configs = configs.clone();
    builder
        .follow_links(true)
        .hidden(true)
        .parents(true)
        .ignore(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        // `.gitignore` applies in a folder that is not (yet) a git repository too.
        .require_git(false)
        .threads(threads.unwrap_or(0))
        .filter_entry(move |e| {
            if e.depth() == 0 {
                return true;
            }
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if is_dir && e.file_name() == "target" {
                return false;
            }
            let abs = lexical_absolute(e.path());
            let dir = abs.parent().unwrap_or(&abs);
            filter_configs
                .for_dir(dir)
                .is_none_or(|s| !s.excludes.is_excluded(&abs))
        });
    let found = Mutex::new((Vec::new(), Vec::new()));
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
            match entry {
                Ok(e) => {
                    let is_file = e.file_type().is_some_and(|t| t.is_file());
                    if is_file && e.path().extension().is_some_and(|x| x == "rs") {
                        found.0.push(e.into_path());
                    }
                }
                Err(err) => found.1.push(path_error(&err, first)),
            }
            ignore::WalkState::Continue
        })
    });
    found.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// A walker error as a path and a message.
fn path_error(err: &ignore::Error, root: &Path) -> PathError {
    let mut path = None;
    let mut e = err;
    loop {
        match e {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.clone());
                e = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                e = err
            }
            _ => break,
        }
    }
    let message = match e {
        ignore::Error::Loop { child, .. } => {
            path.get_or_insert_with(|| child.clone());
            "symbolic link loop; not followed".to_string()
        }
        ignore::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    };
    PathError {
        path: path.unwrap_or_else(|| root.to_path_buf()),
        message,
    }
}
