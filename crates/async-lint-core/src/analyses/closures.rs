//! Sync closures bound to a local in async code (`let load = |p| std::fs::read(p);`): the
//! closure runs where it is called, so a call of the local (`load(p)`, `paths.map(load)`) in
//! async code blocks like the call inside it. What the closure blocks on is found when the
//! `let` is visited ([`BoundClosures`], an analysis).

use crate::context::blocking::blocking_call;
use crate::context::{Analysis, Context, Need};
use crate::source::Span;
use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;
use syn::visit::Visit;
use syn::Expr;

/// The first blocking call in the body of a closure bound to a local.
#[derive(Debug, Clone)]
pub struct ClosureBlocks {
    /// How messages name the API (`std::fs::read`).
    pub api: String,
    pub why: String,
    /// The catalogue's `cheap`: one metadata system call.
    pub cheap: bool,
    /// The blocking call in the closure's body.
    pub span: Span,
}

/// What the sync closures bound to locals in async code block on, by the span of the
/// binding's identifier. Declared by the rules that report a call of such a local.
#[derive(Debug, Default)]
pub struct BoundClosures {
    by_binding: HashMap<Span, Arc<ClosureBlocks>>,
}

/// Declared by the rules that ask what a closure bound to a local blocks on.
pub const CLOSURE_BLOCKS: Need = Need {
    name: "closure-blocks",
    make: Some(|| Box::<BoundClosures>::default()),
};

impl Analysis for BoundClosures {
    /// Notes what the closure a `let` binds to a name blocks on, when it is a sync closure
    /// in async code whose own body (not closures or async blocks inside it) calls a
    /// blocking API.
    fn local(&mut self, cx: &Context<'_>, l: &syn::Local) {
        let (syn::Pat::Ident(pi), Some(init)) = (&l.pat, &l.init) else {
            return;
        };
        let Expr::Closure(c) = &*init.expr else {
            return;
        };
        if c.asyncness.is_some() || !cx.in_async() {
            return;
        }
        let mut finder = Finder { cx, found: None };
        finder.visit_expr(&c.body);
        let Some(found) = finder.found else { return };
        if let Some(b) = cx.local(&pi.ident.to_string()) {
            self.by_binding.insert(b.span, Arc::new(found));
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

struct Finder<'c, 'a> {
    cx: &'c Context<'a>,
    found: Option<ClosureBlocks>,
}

impl<'ast> Visit<'ast> for Finder<'_, '_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        if self.found.is_some() {
            return;
        }
        match e {
            Expr::Closure(_) | Expr::Async(_) => return,
            Expr::Call(_) | Expr::MethodCall(_) => {
                if let Some(b) = blocking_call(self.cx, e) {
                    self.found = Some(ClosureBlocks {
                        api: b.shown,
                        why: b.api.why.clone(),
                        cheap: b.api.cheap,
                        span: self.cx.span(e),
                    });
                    return;
                }
            }
            _ => {}
        }
        syn::visit::visit_expr(self, e);
    }
}

/// The closure a call or an argument names, when it is a local bound to a blocking closure:
/// `load(..)` gives `load`'s, and so does `load` passed by name.
pub fn bound_closure(cx: &Context<'_>, e: &Expr) -> Option<(String, Arc<ClosureBlocks>)> {
    let Expr::Path(p) = e else { return None };
    let id = p.path.get_ident()?.to_string();
    let span = cx.local(&id)?.span;
    let c = cx.get::<BoundClosures>().by_binding.get(&span)?.clone();
    Some((id, c))
}
