//! Branches that run only on a failure: a `match` arm on `Err(..)`, the body of
//! `if let Err(..) = ..` or of `if x.is_err()`. Code there is handling an error already; a
//! best-effort cleanup whose own error is dropped is deliberate (the first error is the one
//! that matters), which rules ask through [`Context::in_failure_branch`].

use super::Visitor;
use crate::context::{Context, FrameKind, LoopKind};
use syn::{Expr, Pat};

impl Visitor<'_> {
    /// Runs `f` inside a failure branch when `failure` says so.
    pub(super) fn failure_branch(&mut self, failure: bool, f: impl FnOnce(&mut Self)) {
        self.cx.failure_branches += usize::from(failure);
        f(self);
        self.cx.failure_branches -= usize::from(failure);
    }
}

impl Visitor<'_> {
    /// Runs `f` inside a branch of the innermost frame: code that may not run when the
    /// frame does.
    pub(super) fn branch(&mut self, f: impl FnOnce(&mut Self)) {
        let bump = |v: &mut Self, by: isize| {
            if let Some(fr) = v.cx.frames.last_mut() {
                fr.branches = fr.branches.saturating_add_signed(by);
            }
        };
        bump(self, 1);
        f(self);
        bump(self, -1);
    }
}

impl Context<'_> {
    /// May the code here not run when its fn is called: inside an `if`/`else` branch, a
    /// `match` arm (of two or more), the right of `&&`/`||`, or a `for`/`while` loop or
    /// per-item closure (zero rounds), of its fn or of the async blocks and closures in it
    /// up to the fn. An early `return` or `?` before it is not looked at.
    pub fn conditional(&self) -> bool {
        for f in self.frames.iter().rev() {
            let loops = f.loops.iter().any(|l| !matches!(l.kind, LoopKind::Loop));
            if f.branches > 0 || loops {
                return true;
            }
            if matches!(f.kind, FrameKind::SyncFn | FrameKind::AsyncFn) {
                return false;
            }
        }
        false
    }

    /// Is this code inside a branch that runs only when something failed?
    pub fn in_failure_branch(&self) -> bool {
        self.failure_branches > 0
    }
}

/// `Err(..)` (also `Err(_) | ..` alternatives that are all `Err`).
pub(super) fn is_err_pattern(p: &Pat) -> bool {
    match p {
        Pat::TupleStruct(t) => t.path.segments.last().is_some_and(|s| s.ident == "Err"),
        Pat::Or(o) => o.cases.iter().all(is_err_pattern),
        Pat::Paren(p) => is_err_pattern(&p.pat),
        Pat::Guard(g) => is_err_pattern(&g.pat),
        _ => false,
    }
}

/// `let Err(..) = ..` or `x.is_err()` as an `if` condition.
pub(super) fn is_failure_test(cond: &Expr) -> bool {
    match cond {
        Expr::Let(l) => is_err_pattern(&l.pat),
        Expr::MethodCall(m) => m.method == "is_err" && m.args.is_empty(),
        Expr::Paren(p) => is_failure_test(&p.expr),
        _ => false,
    }
}
