//! Execution frames and loops: is this code async, and does it run once per item?

use super::bounds::LoopBounds;
use crate::source::Span;
pub use crate::syntax::FrameKind;

/// One frame of the stack of bodies being visited.
#[derive(Debug, Clone)]
pub struct Frame {
    pub kind: FrameKind,
    /// The fn's name, for fn frames.
    pub name: Option<String>,
    /// The signature of a fn, the `async` block / closure head otherwise.
    pub span: Span,
    /// Loops entered in this frame, outermost first.
    pub loops: Vec<Loop>,
    /// For offload closures: the call that offloads (`tokio::task::spawn_blocking`).
    pub offload: Option<String>,
    /// For inline closures run per item (`iter.map(|x| ..)`): the adapter's name.
    pub per_item: Option<String>,
    /// For fns: the declared return type returns `Result` (`-> Result<..>`, `io::Result<..>`).
    pub returns_result: bool,
    /// For an async block run as a task (`tokio::spawn(async move { .. })`): the spawner.
    pub task: Option<String>,
    /// The runtime the body runs on, when the file shows it (see [`super::runtime`]).
    pub runtime: Option<std::sync::Arc<super::runtime::RuntimeRoot>>,
    /// For fns: a test that expects to panic (`#[should_panic]`).
    pub expects_panic: bool,
    /// How many branches of this frame (`if`/`else`, `match` arms, the right of `&&`/`||`)
    /// enclose the code being visited (see [`super::Context::conditional`]).
    pub branches: usize,
    /// For a closure passed to a path call (`run_guarded(|| ..)`): the callee's path.
    pub caller: Option<String>,
}

impl Frame {
    pub fn new(kind: FrameKind, span: Span) -> Self {
        Frame {
            kind,
            name: None,
            span,
            loops: Vec::new(),
            offload: None,
            per_item: None,
            returns_result: false,
            task: None,
            runtime: None,
            expects_panic: false,
            branches: 0,
            caller: None,
        }
    }

    /// How the body is described in messages: "async fn `main`", "async block", …
    pub fn describe(&self) -> String {
        match (self.kind, &self.name) {
            (FrameKind::AsyncFn, Some(n)) => format!("async fn `{n}`"),
            (FrameKind::AsyncFn, None) => "async fn".into(),
            (FrameKind::AsyncBlock, _) => "async block".into(),
            (FrameKind::AsyncClosure, _) => "async closure".into(),
            (FrameKind::SyncFn, Some(n)) => format!("fn `{n}`"),
            (FrameKind::InlineClosure, _) => "closure".into(),
            _ => "sync code".into(),
        }
    }
}

/// The shape of a loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoopKind {
    For,
    While,
    /// `while let PAT = EXPR`
    WhileLet,
    Loop,
    /// A closure run once per item by an adapter (`map`, `for_each`, …), named here.
    Adapter(String),
}

/// A loop the visited code is inside of.
#[derive(Debug, Clone)]
pub struct Loop {
    pub kind: LoopKind,
    /// The loop head (`for x in xs`, `while cond`, `loop`, or the adapter call).
    pub span: Span,
    pub label: Option<String>,
    /// How many items it goes through and what limits the tasks started in it.
    pub bounds: LoopBounds,
}
