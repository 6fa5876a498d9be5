//! One-off fns: code that runs once per run of the program, on the way from `main`.
//!
//! A fn is one-off when it has callers in the crate and every call that may reach it (a call
//! resolved to it, or a call of its name whose target is unknown) is made once: from `main` or
//! from another one-off fn, outside any loop, in the caller's own body (not in a task or a
//! closure stored for later), and before the caller spawns anything. Start-up code (reading
//! the config, creating a folder) and the body of a one-shot command of a CLI are one-off;
//! a request handler (called by a framework, not by the crate) or a fn called from a loop
//! is not. The answer is memoised per fn; the crate's files are listed once and read only
//! when their text names the fn.

use super::{lock, Call, Callee, CrateIndex, FileSummary, FnRef, FnSig};
use crate::syntax::FrameKind;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// How many callers up from a fn the search goes (`main → run → command → f`).
const MAX_DEPTH: usize = 4;

/// The per-crate memo.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    files: OnceLock<Vec<PathBuf>>,
    answers: Mutex<HashMap<(PathBuf, String), bool>>,
}

impl Memo {
    /// Forgets the answers.
    pub(super) fn clear(&self) {
        lock(&self.answers).clear();
    }

    /// A memo for the index after the file `changed` was edited, created or deleted (it
    /// `exists` now): the answers are dropped; the list of the crate's files is kept unless
    /// the file came or went.
    pub(super) fn after_change(&self, changed: &Path, exists: bool) -> Memo {
        let memo = Memo::default();
        if let Some(files) = self.files.get() {
            let listed = files.iter().any(|f| f == changed);
            let listable = changed.extension().is_some_and(|x| x == "rs");
            if listed == exists || !listable {
                let _ = memo.files.set(files.clone());
            }
        }
        memo
    }
}

/// Is `f` the program's entry point: a free fn named `main`?
pub fn is_main(f: &FnSig) -> bool {
    let owner = f.path.rsplit("::").nth(1).unwrap_or("");
    f.name == "main" && !f.has_self && !owner.starts_with(|c: char| c.is_ascii_uppercase())
}

/// Is the call a spawn (`tokio::spawn`, `set.spawn(..)`, `spawn_local`), after which other
/// tasks run beside the caller?
fn spawns(c: &Call) -> bool {
    let name = match &c.callee {
        Callee::Path { path, .. } => path.rsplit("::").next().unwrap_or(path),
        Callee::Method { name, .. } => name,
    };
    name.starts_with("spawn") && name != "spawn_blocking"
}

/// Does the call at byte `at` of `caller`'s body run once per call of `caller`, before
/// `caller` spawns anything? `in_loop` says whether that call is inside a loop.
pub fn once_in(caller: &FnSig, at: usize, in_loop: bool) -> bool {
    !in_loop
        && !caller.calls.iter().any(|c| {
            c.span.start < at
                && matches!(c.frame, FrameKind::AsyncFn | FrameKind::SyncFn)
                && spawns(c)
        })
}

impl CrateIndex {
    /// Is `f` one-off (see the module doc)?
    pub fn one_off(&self, f: &FnRef) -> bool {
        self.one_off_within(f, 0)
    }

    fn one_off_within(&self, f: &FnRef, depth: usize) -> bool {
        if is_main(f) {
            return true;
        }
        if depth >= MAX_DEPTH {
            return false;
        }
        let key = (f.file().path.clone(), f.path.clone());
        if let Some(&known) = lock(&self.one_off.answers).get(&key) {
            return known;
        }
        // A cycle through `f` is not a path from `main`.
        lock(&self.one_off.answers).insert(key.clone(), false);
        let answer = super::busy(|| {
            self.callers_of(f).is_some_and(|callers| {
                !callers.is_empty()
                    && callers.iter().all(|(caller, i)| {
                        let c = &caller.calls[*i];
                        matches!(c.frame, FrameKind::AsyncFn | FrameKind::SyncFn)
                            && once_in(caller, c.span.start, c.in_loop)
                            && self.one_off_within(caller, depth + 1)
                    })
            })
        });
        lock(&self.one_off.answers).insert(key, answer);
        answer
    }

    /// Every call in the crate that may call `f`: (the calling fn, the call's index). `None`
    /// when the crate's files cannot be listed.
    fn callers_of(&self, f: &FnRef) -> Option<Vec<(FnRef, usize)>> {
        let files = self.files();
        if files.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        for file in files {
            let names_it = std::fs::read_to_string(file).is_ok_and(|t| t.contains(&f.name));
            if !names_it {
                continue;
            }
            let Some(summary) = self.summary(file) else {
                continue;
            };
            self.calls_into(&summary, f, &mut out);
        }
        Some(out)
    }

    /// The calls of `summary`'s fns that may call `f`.
    fn calls_into(
        &self,
        summary: &std::sync::Arc<FileSummary>,
        f: &FnRef,
        out: &mut Vec<(FnRef, usize)>,
    ) {
        for (gi, g) in summary.fns.iter().enumerate() {
            if g.test {
                continue;
            }
            for (ci, c) in g.calls.iter().enumerate() {
                // Method syntax needs a `self` (it cannot call a free or associated fn) and
                // passes the other arguments; a path call passes all of them.
                let (name, arity) = match &c.callee {
                    Callee::Path { path, .. } => (
                        path.rsplit("::").next().unwrap_or(path),
                        f.params + usize::from(f.has_self),
                    ),
                    Callee::Method { .. } if !f.has_self => continue,
                    Callee::Method { name, .. } => (name.as_str(), f.params),
                };
                if name != f.name || c.args != arity {
                    continue;
                }
                let target = c.target_path().and_then(|p| self.fn_sig(&p));
                let may_be_f =
                    target.is_none_or(|t| t.file().path == f.file().path && t.line == f.line);
                if may_be_f {
                    out.push((FnRef::new(summary.clone(), gi), ci));
                }
            }
        }
    }

    /// The `.rs` files under the crate's `src/`, sorted; listed once.
    pub(super) fn files(&self) -> &[PathBuf] {
        self.one_off.files.get_or_init(|| self.source_files())
    }

    /// The `.rs` files under the crate's `src/`, sorted.
    fn source_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        if let Some(root) = &self.root {
            collect(&root.join("src"), &mut out, 0);
        }
        out.sort();
        out
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => collect(&p, out, depth + 1),
            Ok(t) if t.is_file() && p.extension().is_some_and(|x| x == "rs") => out.push(p),
            _ => {}
        }
    }
}
