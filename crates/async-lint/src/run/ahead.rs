//! Linting a file ahead of its turn, so that each file of a run is parsed once: when a crate
//! index needs the summary of a file the run has yet to lint, the asking thread lints that
//! file at once (the check hands its summary to the index) and keeps the result until the
//! file's own job takes it. Files outside the run, or whose job has started, are summarized
//! by the index itself, as before.

use super::{Options, Runner};
use crate::outcome::Linted;
use crate::project::{self, Crates, Placement};
use async_lint_core::{Engine, SourceFile};
use std::cell::Cell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

/// How many files may be linted ahead inside one another on a thread: each nests a whole
/// check on the stack.
const MAX_NESTED: usize = 4;

thread_local! {
    static NESTED: Cell<usize> = const { Cell::new(0) };
}

/// What one runner needs to lint the files of its jobs ahead of their turn.
pub(super) struct Ahead {
    engine: Engine,
    options: Options,
    max_file_bytes: u64,
    /// The runner's crates (whose indexes hold this, hence not a strong reference).
    crates: Weak<Crates>,
    /// The jobs not started yet whose file is in a crate index's module tree: the path the
    /// index knows (absolute) → the jobs' paths, in run order (a folder linked twice into
    /// the run gives a file two jobs).
    pending: Mutex<HashMap<PathBuf, Vec<PathBuf>>>,
    /// Files linted ahead, by their job's path, until the job takes the result.
    done: Mutex<HashMap<PathBuf, Option<Linted>>>,
}

impl Ahead {
    pub(super) fn new(runner: &Runner<'_>) -> Arc<Ahead> {
        Arc::new(Ahead {
            engine: runner.engine.clone(),
            options: runner.options.clone(),
            max_file_bytes: runner.max_file_bytes,
            crates: Arc::downgrade(&runner.crates),
            pending: Mutex::default(),
            done: Mutex::default(),
        })
    }

    /// Notes a job of the run: if its file is in its crate's module tree, the crate's index
    /// may have it linted ahead.
    pub(super) fn expect(self: &Arc<Self>, place: &Placement, path: &Path) {
        let (Some(krate), Some(abs)) = (&place.krate, &place.in_tree) else {
            return;
        };
        let me = Arc::downgrade(self);
        krate.index.set_ahead(Arc::new(move |file: &Path| {
            if let Some(ahead) = me.upgrade() {
                ahead.lint(file);
            }
        }));
        lock(&self.pending)
            .entry(abs.clone())
            .or_default()
            .push(path.to_path_buf());
    }

    /// The job of `path` starts: it is no longer linted ahead.
    pub(super) fn claim(&self, path: &Path) {
        if let Some(jobs) = lock(&self.pending).get_mut(&project::absolute(path)) {
            jobs.retain(|j| j != path);
        }
    }

    /// The result of the job of `path` if its file was linted ahead.
    pub(super) fn take(&self, path: &Path) -> Option<Option<Linted>> {
        lock(&self.done).remove(path)
    }

    /// Lints `file` (absolute) now if its job has not started. A file that cannot be read or
    /// is generated (the index does not summarize those) is left to its job.
    fn lint(&self, file: &Path) {
        if NESTED.with(Cell::get) >= MAX_NESTED {
            return;
        }
        let Some(job) = lock(&self.pending)
            .get_mut(file)
            .filter(|jobs| !jobs.is_empty())
            .map(|jobs| jobs.remove(0))
        else {
            return;
        };
        let Some(crates) = self.crates.upgrade() else {
            return;
        };
        let runner = Runner::new(&self.engine, self.options.clone(), self.max_file_bytes)
            .with_crates(crates);
        let Ok(text) = runner.read_text(&job) else {
            return;
        };
        if async_lint_core::index::is_generated(&text) {
            return;
        }
        NESTED.with(|n| n.set(n.get() + 1));
        let linted = runner.lint_text(&job, text);
        NESTED.with(|n| n.set(n.get() - 1));
        lock(&self.done).insert(job, linted.map(compact));
    }
}

/// A result kept for later without the file's text when nothing will print it.
fn compact(mut l: Linted) -> Linted {
    if l.findings.is_empty() && l.fixed.is_none() && l.skipped.is_none() {
        l.file = SourceFile::new(l.file.path.clone(), String::new());
    }
    l
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
