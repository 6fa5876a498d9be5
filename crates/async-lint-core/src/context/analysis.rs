//! The interface between the visitor and the analyses above it ([`crate::analyses`]): an
//! analysis keeps a rule-specific fact up to date through hooks the visitor calls at each
//! point, and a rule reads it with [`Context::get`]. The visitor runs only the analyses the
//! enabled rules declare ([`Rule::analyses`](super::Rule::analyses)); it knows none of them
//! by name.

use super::Context;
use std::any::Any;

/// A rule-specific fact kept up to date during the one visit of a file. Every hook has an
/// empty default: an analysis implements those it needs. They are called after the
/// semantic facts of the point (frames, scopes, locals) are up to date.
pub trait Analysis: Any {
    /// A frame (fn, closure, async block, const) opened; `cx.frames` holds it.
    fn enter_frame(&mut self, _cx: &Context<'_>) {}
    /// The innermost frame closes; `cx.frames` still holds it.
    fn leave_frame(&mut self, _cx: &Context<'_>) {}
    /// A block opened (its scope of locals is open).
    fn enter_block(&mut self, _cx: &Context<'_>) {}
    /// The innermost block closes.
    fn leave_block(&mut self, _cx: &Context<'_>) {}
    /// A temporary scope opens: a statement, a condition, a `match` arm.
    fn open_temps(&mut self, _cx: &Context<'_>) {}
    /// The innermost temporary scope closes.
    fn close_temps(&mut self, _cx: &Context<'_>) {}
    /// A statement that is an expression (`e;` or a block's tail) was visited.
    fn stmt_value(&mut self, _cx: &Context<'_>, _e: &syn::Expr) {}
    /// `pat` was bound to `init` (a `let`, `if let`, `while let`, a `match` arm).
    fn bind(&mut self, _cx: &Context<'_>, _pat: &syn::Pat, _init: &syn::Expr) {}
    /// The `let` `l` was bound (its names are locals now).
    fn local(&mut self, _cx: &Context<'_>, _l: &syn::Local) {}
    /// Before `e`'s children are visited (after the rules saw `e`).
    fn enter_expr(&mut self, _cx: &Context<'_>, _e: &syn::Expr) {}
    /// After `e` and its children were visited.
    fn leave_expr(&mut self, _cx: &Context<'_>, _e: &syn::Expr) {}
    /// The rules saw the await `aw`; its operand is visited next.
    fn after_await(&mut self, _cx: &Context<'_>, _aw: &syn::ExprAwait) {}
    /// The rules saw the macro `mac`; its arguments are visited next.
    fn after_macro(&mut self, _cx: &Context<'_>, _mac: &syn::Macro) {}
    fn as_any(&self) -> &dyn Any;
}

/// What a rule declares it needs: an analysis (made fresh for each file) or a fact the
/// visitor computes only when asked for ([`LOOP_BOUNDS`]).
#[derive(Debug, Clone, Copy)]
pub struct Need {
    pub name: &'static str,
    pub make: Option<fn() -> Box<dyn Analysis>>,
}

/// The bounds of each loop and per-item adapter ([`super::bounds::LoopBounds`], read through
/// `Loop::bounds`): scanned only when an enabled rule needs them.
pub const LOOP_BOUNDS: Need = Need {
    name: "loop-bounds",
    make: None,
};

/// The analyses of one file's visit, and the names of everything the enabled rules need.
#[derive(Default)]
pub(crate) struct AnalysisSet {
    pub(crate) running: Vec<Box<dyn Analysis>>,
    needed: Vec<&'static str>,
}

impl AnalysisSet {
    /// One of each analysis the rules need, in the order they first name it.
    pub(crate) fn of<'r>(needs: impl Iterator<Item = &'r Need>) -> Self {
        let mut out = AnalysisSet::default();
        for need in needs {
            if out.needed.contains(&need.name) {
                continue;
            }
            out.needed.push(need.name);
            out.running.extend(need.make.map(|make| make()));
        }
        out
    }

    /// Does an enabled rule need `need`?
    pub(crate) fn needs(&self, need: &Need) -> bool {
        self.needed.contains(&need.name)
    }
}

impl Context<'_> {
    /// The analysis `A`, which the rule asking declared in [`Rule::analyses`](super::Rule::analyses).
    ///
    /// # Panics
    /// When no enabled rule declared it: a mistake in a rule's declaration, which every
    /// fixture of the rule shows.
    pub fn get<A: Analysis>(&self) -> &A {
        self.analyses
            .running
            .iter()
            .find_map(|a| a.as_any().downcast_ref::<A>())
            .unwrap_or_else(|| {
                panic!(
                    "analysis `{}` asked for but not declared in the rule's `analyses()`",
                    std::any::type_name::<A>()
                )
            })
    }

    /// Runs `hook` on every running analysis, with the context of this point.
    pub(crate) fn hook(&mut self, hook: impl Fn(&mut dyn Analysis, &Context<'_>)) {
        if self.analyses.running.is_empty() {
            return;
        }
        let mut running = std::mem::take(&mut self.analyses.running);
        for a in &mut running {
            hook(a.as_mut(), self);
        }
        self.analyses.running = running;
    }
}
