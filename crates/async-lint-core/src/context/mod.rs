//! Context: what is known at a point of the visited file — async or not, inside which loops,
//! which names resolve to what, which locals have which types. Rules ask; they never walk.

mod analysis;
mod await_macros;
pub mod awaits;
pub mod blocking;
pub mod bounds;
pub use crate::syntax::cfg;
mod chains;
pub mod exits;
mod exported;
pub mod failure;
mod frame;
mod indexlink;
mod locals;
mod macros;
mod params;
mod rule;
pub mod runtime;
mod serving;
pub mod spawn;
pub use crate::syntax::testcode;
mod types;
pub mod uses;
mod visitor;

pub(crate) use analysis::AnalysisSet;
pub use analysis::{Analysis, Need, LOOP_BOUNDS};
pub use frame::{Frame, FrameKind, Loop, LoopKind, INLINE_ONCE, PER_ITEM_ADAPTERS};
pub(crate) use indexlink::IndexLink;
pub use indexlink::IndexScope;
pub use locals::{Binding, Locals};
pub use macros::{macro_args, macro_name, select_arms, SelectArm};
pub use rule::Rule;
pub use serving::Serving;
pub use visitor::{check_file, check_file_in, summarize, CheckInput, Checked};

use crate::catalog::Catalog;
use crate::config::RuleSettings;
use crate::resolve::Resolver;
use crate::source::{SourceFile, Span, SpanOf};
use crate::CrateInfo;
use std::collections::HashMap;

/// Field name → resolved type, per resolved struct path, for the structs of the file.
pub type StructFields = HashMap<String, HashMap<String, String>>;

/// Resolved path → resolved type, for the `static` items of the file.
pub type Statics = HashMap<String, String>;

/// The state of the visit at the node a rule is looking at.
pub struct Context<'a> {
    pub file: &'a SourceFile,
    pub catalog: &'a Catalog,
    pub krate: &'a CrateInfo,
    settings: &'a HashMap<&'static str, RuleSettings>,
    pub(crate) resolver: Resolver,
    pub(crate) frames: Vec<Frame>,
    pub(crate) locals: Locals,
    /// Addresses of the expressions currently being awaited (`<expr>.await`).
    pub(crate) awaited: Vec<usize>,
    /// Resolved self type of each enclosing `impl`.
    pub(crate) impl_self: Vec<Option<String>>,
    /// Resolved (else written) path of the trait of each enclosing `impl`, if any.
    pub(crate) impl_trait: Vec<Option<String>>,
    pub(crate) structs: StructFields,
    /// How many enclosing items are test code (`#[test]` fns, `#[cfg(test)]` modules…).
    pub(crate) test_items: usize,
    /// The file belongs to a test or bench target by its path (see [`testcode`]).
    pub(crate) test_path: bool,
    /// The blocks being visited that end by leaving a loop or their body (see [`BlockExit`]).
    pub(crate) block_exits: Vec<BlockExit>,
    pub(crate) index: IndexLink<'a>,
    pub(crate) statics: Statics,
    /// The analyses the enabled rules need, kept up to date by the visitor (see [`Context::get`]).
    pub(crate) analyses: AnalysisSet,
    /// Lints allowed by `#[allow(..)]`/`#[expect(..)]` on the enclosing items and the file.
    pub(crate) allowed_lints: Vec<String>,
    /// The `#[cfg(..)]` conditions of the enclosing items and statements (see [`cfg`]).
    pub(crate) cfgs: Vec<String>,
    /// Associated fns of this file's impls that return their type (`fn open(..) -> Result<Self>`):
    /// resolved path → the type.
    pub(crate) ctors: Statics,
    /// How many enclosing branches run only on a failure (see [`Context::in_failure_branch`]).
    pub(crate) failure_branches: usize,
    /// The extra guard types the enabled rules declare ([`Rule::guard_types`]).
    pub(crate) guard_types: Vec<String>,
}

/// A block being visited whose last statement is a `break` or a `return`: its code runs once,
/// on the way out of a loop, not once per iteration.
#[derive(Debug, Clone)]
pub(crate) struct BlockExit {
    /// Index of the frame the block belongs to.
    pub(crate) frame: usize,
    /// How many loops that frame had when the block was entered.
    pub(crate) loops: usize,
    pub(crate) kind: ExitKind,
}

/// How a block leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ExitKind {
    /// `break` (with its label): leaves the innermost loop, or the labelled one.
    Break(Option<String>),
    /// `return`: leaves the body, with every loop in it.
    Return,
}

impl BlockExit {
    /// Does this exit leave loop `idx` of its frame?
    fn leaves(&self, loops: &[Loop], idx: usize) -> bool {
        match &self.kind {
            // A `return` in a closure run per item leaves the closure, not the adapter.
            ExitKind::Return => !matches!(loops[idx].kind, LoopKind::Adapter(_)),
            ExitKind::Break(None) => idx + 1 == self.loops,
            ExitKind::Break(Some(label)) => loops
                .iter()
                .position(|l| l.label.as_deref() == Some(label))
                .is_some_and(|at| idx >= at && idx < self.loops),
        }
    }
}

/// Why code runs again and again (see [`Context::hot_path`]).
#[derive(Debug, Clone, Copy)]
pub enum HotPath<'c> {
    /// Inside the loop or per-item adapter closure `lp` of `body` (an async fn, block…);
    /// `outer` when the code is in an async block or closure made there, not in `body` itself.
    Loop {
        lp: &'c Loop,
        body: &'c Frame,
        outer: bool,
    },
    /// In the body of a task spawned by this spawner (`tokio::spawn`).
    Task(&'c str),
}

impl HotPath<'_> {
    /// Where the code is, for messages: "in a `for` loop of async fn `serve`", "per item of
    /// `.for_each(..)` in async block", "in an async block made in a `loop` of fn `main`",
    /// "in a task spawned by `tokio::spawn`".
    pub fn describe(&self) -> String {
        match self {
            HotPath::Loop { lp, body, outer } => {
                let body = body.describe();
                let lp = match &lp.kind {
                    LoopKind::For => format!("a `for` loop of {body}"),
                    LoopKind::While => format!("a `while` loop of {body}"),
                    LoopKind::WhileLet => format!("a `while let` loop of {body}"),
                    LoopKind::Loop => format!("a `loop` of {body}"),
                    LoopKind::Adapter(name) => {
                        let per = format!("per item of `.{name}(..)` in {body}");
                        return if *outer {
                            format!("in an async block made {per}")
                        } else {
                            per
                        };
                    }
                };
                if *outer {
                    format!("in an async block made in {lp}")
                } else {
                    format!("in {lp}")
                }
            }
            HotPath::Task(spawner) => format!("in a task spawned by `{spawner}`"),
        }
    }
}

impl<'a> Context<'a> {
    /// Byte span of a syntax node.
    pub fn span<T: syn::spanned::Spanned + ?Sized>(&self, node: &T) -> Span {
        self.file.span_of(node)
    }

    /// The source text of a syntax node.
    pub fn text<T: syn::spanned::Spanned + ?Sized>(&self, node: &T) -> &'a str {
        self.file.slice(self.span(node))
    }

    /// The innermost frame that decides how code runs (inline closures inherit).
    pub fn frame(&self) -> Option<&Frame> {
        self.frames
            .iter()
            .rev()
            .find(|f| f.kind != FrameKind::InlineClosure)
    }

    /// The innermost frame, inline closures included.
    pub fn innermost_frame(&self) -> Option<&Frame> {
        self.frames.last()
    }

    /// Is the code at this point run by an async executor?
    pub fn in_async(&self) -> bool {
        self.frame().is_some_and(|f| f.kind.is_async())
    }

    /// The innermost enclosing fn frame (async or not).
    pub fn enclosing_fn(&self) -> Option<&Frame> {
        self.frames
            .iter()
            .rev()
            .find(|f| matches!(f.kind, FrameKind::AsyncFn | FrameKind::SyncFn))
    }

    /// The loops around this point that belong to the current body, innermost first:
    /// real loops and per-item adapter closures, up to the frame that decides how code runs.
    pub fn loops(&self) -> Vec<&Loop> {
        let mut out = Vec::new();
        for f in self.frames.iter().rev() {
            out.extend(f.loops.iter().rev());
            if f.kind != FrameKind::InlineClosure {
                break;
            }
        }
        out
    }

    /// Like [`Context::loops`], but also through an async block or closure made by a per-item
    /// adapter closure (`xs.for_each(|x| async move { .. })`): the code runs once per item
    /// either way. Used by rules that count what is started per item (spawns).
    pub fn loops_per_item(&self) -> Vec<&Loop> {
        let mut out = Vec::new();
        let mut frames = self.frames.iter().rev().peekable();
        while let Some(f) = frames.next() {
            out.extend(f.loops.iter().rev());
            let item_future = f.kind.is_async()
                && f.kind != FrameKind::AsyncFn
                && frames
                    .peek()
                    .is_some_and(|p| p.kind == FrameKind::InlineClosure && p.per_item.is_some());
            if f.kind != FrameKind::InlineClosure && !item_future {
                break;
            }
        }
        out
    }

    pub fn in_loop(&self) -> bool {
        !self.loops().is_empty()
    }

    /// Why the code at this point runs again and again, if it does: it is inside a loop or a
    /// per-item closure (`.for_each(|x| ..)`) of its body, in an async block made inside one,
    /// or in the body of a spawned task. A loop that the code's block leaves (`..; break;`,
    /// `..; return x;`) does not count: that code runs once, on the way out. Stops at the
    /// enclosing fn and at closures whose caller is unknown.
    pub fn hot_path(&self) -> Option<HotPath<'_>> {
        let here = self.frame().map(|f| f as *const Frame);
        for (i, f) in self.frames.iter().enumerate().rev() {
            let left = |idx: usize| {
                self.block_exits
                    .iter()
                    .any(|e| e.frame == i && e.leaves(&f.loops, idx))
            };
            let live = (0..f.loops.len()).rev().find(|&idx| !left(idx));
            if let Some(l) = live.map(|idx| &f.loops[idx]) {
                let body = self.frames[..=i]
                    .iter()
                    .rev()
                    .find(|f| f.kind != FrameKind::InlineClosure)?;
                let outer = here != Some(body as *const Frame);
                return Some(HotPath::Loop { lp: l, body, outer });
            }
            if let Some(spawner) = &f.task {
                return Some(HotPath::Task(spawner));
            }
            if !matches!(
                f.kind,
                FrameKind::AsyncBlock | FrameKind::AsyncClosure | FrameKind::InlineClosure
            ) {
                break;
            }
        }
        None
    }

    /// Is `expr` the operand of an `.await` (the future being awaited)?
    pub fn is_awaited(&self, expr: &syn::Expr) -> bool {
        self.awaited.contains(&(expr as *const syn::Expr as usize))
    }

    /// The binding a name refers to here.
    pub fn local(&self, name: &str) -> Option<&Binding> {
        self.locals.get(name)
    }

    /// Resolves a path through the scopes here (`fs::read` → `std::fs::read`).
    pub fn resolve(&self, path: &syn::Path) -> Option<String> {
        self.resolver.resolve(path)
    }

    /// Can `path` name an item called one of `names`? A path ends in the name of what it
    /// names, except a single name imported under another (`go` after
    /// `use tokio::spawn as go;`): a test without allocation, before resolving.
    pub fn may_name<'n>(&self, path: &syn::Path, mut names: impl Iterator<Item = &'n str>) -> bool {
        let Some(last) = path.segments.last() else {
            return false;
        };
        names.any(|n| last.ident == n)
            || (path.segments.len() == 1 && self.resolver.renames().any(|r| last.ident == r))
    }

    /// Does `text` (a part of this file) hold one of `words`, or a name imported here under
    /// another name (which may stand for anything)? A cheap test before a costly analysis
    /// that only matters where such a name is used.
    pub fn text_names_any(&self, text: &str, words: &[&str]) -> bool {
        words.iter().any(|w| text.contains(w)) || self.resolver.renames().any(|r| text.contains(r))
    }

    /// Resolves the callee of a call. A single name that nothing imports is tried against
    /// the glob imports, keeping the first candidate `known` accepts.
    pub fn resolve_callee(&self, path: &syn::Path, known: impl Fn(&str) -> bool) -> Option<String> {
        if let Some(p) = self.resolve(path) {
            return Some(p);
        }
        if path.segments.len() != 1 || self.local(&path.segments[0].ident.to_string()).is_some() {
            return None;
        }
        let name = path.segments[0].ident.to_string();
        self.resolver
            .glob_candidates(&name)
            .into_iter()
            .find(|c| known(c))
    }

    /// Resolves a path, `Self::x` included (through the enclosing impl's self type).
    pub fn resolve_path_or_self(&self, path: &syn::Path) -> Option<String> {
        let first = path.segments.first()?;
        if first.ident == "Self" && path.leading_colon.is_none() {
            let mut out = self.self_type()?.to_string();
            for s in path.segments.iter().skip(1) {
                out.push_str("::");
                out.push_str(&s.ident.to_string());
            }
            return Some(out);
        }
        self.resolve(path)
    }

    /// Resolves a type (`&Arc<Mutex<T>>` → `std::sync::Mutex`).
    pub fn resolve_type(&self, ty: &syn::Type) -> Option<String> {
        self.resolver.resolve_type(ty)
    }

    /// The resolved self type of the enclosing impl.
    pub fn self_type(&self) -> Option<&str> {
        self.impl_self.last().and_then(|s| s.as_deref())
    }

    /// Is this test code: inside a `#[test]`-like fn or a `#[cfg(test)]` item, or in a file
    /// of a test or bench target (see [`testcode`])?
    pub fn in_test_code(&self) -> bool {
        self.in_local_test_code() || self.declared_test()
    }

    /// Test code as this file alone shows it: its path and the enclosing items.
    pub(crate) fn in_local_test_code(&self) -> bool {
        self.test_items > 0 || self.test_path
    }

    /// Is this file's module declared as test code (`#[cfg(test)] mod tests;` in its parent)?
    /// Asked of the crate index once per file, for files of its module tree.
    pub(crate) fn declared_test(&self) -> bool {
        let link = &self.index;
        *link.declared_test.get_or_init(|| {
            link.scope.path.is_some()
                && link.module.len() > 1
                && link.scope.index.module_is_test(&link.module.join("::"))
        })
    }

    /// Does `rule` stay silent in test code (its `check-tests` is off)?
    pub(crate) fn skips_tests(&self, rule: &str) -> bool {
        !self
            .settings(rule)
            .and_then(|s| s.check_tests)
            .unwrap_or(false)
    }

    /// Is a lint (`clippy::await_holding_lock`) allowed or expected on an enclosing item?
    /// Rules that mirror a clippy lint honour the user's decision there.
    pub fn lint_allowed(&self, lint: &str) -> bool {
        self.allowed_lints.iter().any(|l| l == lint)
    }

    /// The `#[cfg(..)]` conditions the code here is compiled under (see [`cfg`]).
    pub fn cfgs(&self) -> &[String] {
        &self.cfgs
    }

    /// The settings of a rule from the config (level and options).
    pub fn settings(&self, rule: &str) -> Option<&RuleSettings> {
        self.settings.get(rule)
    }

    /// The options of the rule `T` belongs to, from the config (its defaults where unset).
    pub fn options<T: crate::options::OptionsOf>(&self) -> &T {
        crate::config::options_of(self.settings)
    }
}
