//! The link from the file being checked to the crate index: which crate it is checked
//! against, its own summary made on first use, and the crate-wide facts rules ask for
//! through [`Context`] (fn signatures, blocking chains, the logging backend).

use super::{visitor, Context};
use crate::index::{BlockingChain, CrateIndex, FileSummary, FnRef, Logging};
use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The crate index a file is checked against, and where the file sits in that crate.
#[derive(Debug, Clone, Copy)]
pub struct IndexScope<'a> {
    pub index: &'a CrateIndex,
    /// The file's path on disk when it belongs to the module tree the index covers (a file
    /// of `src/` other than `src/bin/`): its `crate::` paths are the index's. `None` for
    /// tests, examples, binaries and loose files, whose `crate::` is the file alone; they
    /// still reach the library through its name.
    pub path: Option<&'a Path>,
}

impl IndexScope<'_> {
    /// No crate: only the file being checked is known.
    pub fn detached() -> IndexScope<'static> {
        IndexScope {
            index: CrateIndex::detached(),
            path: None,
        }
    }
}

/// The index as the file being checked sees it: its own summary (made on first use from the
/// syntax tree being visited) in front of the crate's.
pub(crate) struct IndexLink<'a> {
    pub(super) scope: IndexScope<'a>,
    /// The tree of the file being checked; `None` while summarizing (nothing asks then).
    pub(super) ast: Option<&'a syn::File>,
    pub(super) module: Vec<String>,
    pub(super) own: OnceCell<Option<Arc<FileSummary>>>,
    pub(super) declared_test: OnceCell<bool>,
}

impl CrateIndex {
    /// The index of the crate in folder `root` (holding `src/`). `package` is the package name
    /// from Cargo.toml; `lib` the `[lib] name` when it differs. Its files are summarized by
    /// this layer's visitor.
    pub fn new(root: impl Into<PathBuf>, package: Option<&str>, lib: Option<&str>) -> Self {
        CrateIndex::with_summarizer(root.into(), package, lib, visitor::summarize)
    }
}

impl<'a> IndexLink<'a> {
    pub(crate) fn new(
        scope: IndexScope<'a>,
        ast: Option<&'a syn::File>,
        module: Vec<String>,
    ) -> Self {
        IndexLink {
            scope,
            ast,
            module,
            own: OnceCell::new(),
            declared_test: OnceCell::new(),
        }
    }
}

impl<'a> Context<'a> {
    /// The crate index of the file's crate.
    pub fn crate_index(&self) -> &CrateIndex {
        self.index.scope.index
    }

    /// The summary of the file being checked, made from its syntax tree on first use (and
    /// handed to the crate index, so the crate does not parse the file again).
    pub fn own_summary(&self) -> Option<Arc<FileSummary>> {
        let link = &self.index;
        link.own
            .get_or_init(|| {
                let ast = link.ast?;
                // Made already (the file was linted ahead, or a lookup summarized it).
                if let Some(known) = link.scope.path.and_then(|p| link.scope.index.registered(p)) {
                    return Some(known);
                }
                let mut summary = visitor::summarize(
                    self.file,
                    ast,
                    link.module.clone(),
                    self.catalog,
                    self.project_apis,
                    link.scope.index,
                );
                let made = match link.scope.path {
                    Some(path) => {
                        summary.path = path.to_path_buf();
                        link.scope.index.register(Arc::new(summary))
                    }
                    None => Arc::new(summary),
                };
                Some(made)
            })
            .clone()
    }

    /// The fn or method of this crate at a resolved path (`crate::db::save`,
    /// `crate::db::Pool::get`): this file first, then the crate index. `None` when neither
    /// knows it — rules then stay silent.
    pub fn fn_sig(&self, path: &str) -> Option<FnRef> {
        self.fn_sig_within(path, 0)
    }

    /// [`Self::fn_sig`], following this file's `use` re-exports up to a small depth.
    fn fn_sig_within(&self, path: &str, depth: usize) -> Option<FnRef> {
        let index = self.index.scope.index;
        // Only `crate::` paths can be this file's; the library's name goes to the index.
        if !path.starts_with("crate::") {
            return index.fn_sig(path);
        }
        // This file holds its module and the inline modules in it: other paths need no
        // summary of it (making one is a pass over the whole file).
        let mine = self.index.module.join("::");
        let could_be_mine = path
            .strip_prefix(mine.as_str())
            .is_some_and(|rest| rest.starts_with("::"));
        let own = if could_be_mine {
            self.own_summary()
        } else {
            None
        };
        if let Some(own) = own {
            if let Some(i) = own.index_of(path) {
                return Some(FnRef::new(own, i));
            }
            if depth < 4 {
                for target in own.reexport_candidates(path) {
                    if let Some(f) = self.fn_sig_within(&target, depth + 1) {
                        return Some(f);
                    }
                }
            }
        }
        // Outside the index's module tree (tests, examples), `crate::` is this file alone.
        self.index.scope.path.and_then(|_| index.fn_sig(path))
    }

    /// The sync fn of this crate a call names (see [`Self::called_fn`]), when its name is one
    /// the crate index's chain searches follow ([`crate::index::followed`]): where a chain of
    /// sync calls from this call begins.
    pub fn called_sync_fn(&self, call: &syn::Expr) -> Option<FnRef> {
        let name = match call {
            syn::Expr::Call(c) => match &*c.func {
                syn::Expr::Path(p) => p.path.segments.last()?.ident.to_string(),
                _ => return None,
            },
            syn::Expr::MethodCall(m) => m.method.to_string(),
            _ => return None,
        };
        if !crate::index::followed(&name) {
            return None;
        }
        let f = self.called_fn(call)?;
        (!f.is_async && !f.returns_future).then_some(f)
    }

    /// The text of the file that holds `f`: this file's, or read from disk (`None` when it
    /// cannot be read). For the few questions a summary does not answer.
    pub fn text_of(&self, f: &FnRef) -> Option<std::borrow::Cow<'_, str>> {
        if f.file().path == self.file.path {
            Some(std::borrow::Cow::Borrowed(&self.file.text))
        } else {
            std::fs::read_to_string(&f.file().path)
                .ok()
                .map(std::borrow::Cow::Owned)
        }
    }

    /// The fn or method of this crate that a call expression calls: path calls as resolved
    /// here (`helper(..)`, `db::save(..)`, `Self::open(..)`, glob imports tried), and method
    /// calls whose receiver's type the engine knows (`self.run()`, `pool.get()` after
    /// `let pool = Pool::new()`).
    pub fn called_fn(&self, call: &syn::Expr) -> Option<FnRef> {
        match call {
            syn::Expr::Call(c) => {
                let syn::Expr::Path(p) = &*c.func else {
                    return None;
                };
                if p.qself.is_some() {
                    return None;
                }
                if let Some(path) = self.resolve_path_or_self(&p.path) {
                    return self.fn_sig(&path);
                }
                let found = std::cell::RefCell::new(None);
                self.resolve_callee(&p.path, |c| {
                    let f = self.fn_sig(c);
                    let hit = f.is_some();
                    if hit {
                        *found.borrow_mut() = f;
                    }
                    hit
                });
                found.into_inner()
            }
            syn::Expr::MethodCall(m) => {
                let ty = self.type_of(&m.receiver)?;
                self.fn_sig(&format!("{ty}::{}", m.method))
            }
            syn::Expr::Paren(p) => self.called_fn(&p.expr),
            syn::Expr::Group(g) => self.called_fn(&g.expr),
            _ => None,
        }
    }

    /// How the sync fn `f` of this crate blocks, if it does: the shortest chain of calls from
    /// it to a blocking API, across the crate's files (see [`crate::index::BlockingChain`]).
    /// `None` when it does not block as far as the index can tell.
    pub fn blocking_chain(&self, f: &FnRef) -> Option<Arc<BlockingChain>> {
        self.chain_to(f, crate::index::Target::Blocking)
    }

    /// How the code here logs (see [`crate::index::Logging`]): for a file of the index's
    /// module tree, through the backend the crate installs anywhere under `src/` (its
    /// binaries included); for a file outside it (a binary of `src/bin`, an example, a test,
    /// a loose file), through the one this file installs.
    pub fn logging(&self) -> Arc<Logging> {
        if self.index.scope.path.is_some() {
            return self.crate_index().logging();
        }
        let own = self.own_summary();
        Arc::new(own.map_or(Logging::Unknown, |s| crate::index::logging_of(&s)))
    }
}
