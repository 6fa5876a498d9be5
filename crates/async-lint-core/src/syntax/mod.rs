//! Facts read off the syntax alone that several layers share: the crate index records them
//! in its summaries, the context computes and reads them. Below both, so neither imports the
//! other for them.

pub mod cfg;
pub mod testcode;

use syn::Expr;

/// What kind of body the code being visited runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    AsyncFn,
    AsyncBlock,
    AsyncClosure,
    SyncFn,
    /// A sync closure whose caller is unknown: not async (it may run anywhere, later).
    SyncClosure,
    /// A sync closure handed to a combinator that runs it right where it is written
    /// (`Iterator::map`, `Option::unwrap_or_else`, …): it inherits the enclosing context.
    InlineClosure,
    /// A closure handed to a thread or blocking pool (`spawn_blocking`, `block_in_place`,
    /// `std::thread::spawn`, `rayon::spawn`…): blocking there is what it is for.
    OffloadClosure,
    /// A `const`/`static` initialiser.
    Const,
}

impl FrameKind {
    pub fn is_async(self) -> bool {
        matches!(
            self,
            FrameKind::AsyncFn | FrameKind::AsyncBlock | FrameKind::AsyncClosure
        )
    }
}

/// What a fn body says about its failures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failure {
    /// Every way out is `Ok(..)`: no `?`, no `Err`, no other value.
    pub never_fails: bool,
    /// The body logs at error or warning level (its failures are reported where they happen).
    pub logs_failures: bool,
}

/// An expression without the parentheses and invisible groups around it.
pub fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Group(g) => strip(&g.expr),
        _ => e,
    }
}
