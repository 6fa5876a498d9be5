//! Sync closures bound to a local in async code (`let load = |p| std::fs::read(p);`): the
//! closure runs where it is called, so a call of the local (`load(p)`, `paths.map(load)`) in
//! async code blocks like the call inside it. What the closure blocks on is found when the
//! `let` is visited and kept on the binding.

use super::blocking::blocking_call;
use super::Context;
use crate::source::Span;
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

/// Notes on the binding `name` what the closure `init` blocks on, when `init` is a sync
/// closure whose own body (not closures or async blocks inside it) calls a blocking API.
pub(crate) fn note(cx: &mut Context<'_>, name: &syn::Ident, init: &Expr) {
    let Expr::Closure(c) = init else { return };
    if c.asyncness.is_some() || !cx.in_async() {
        return;
    }
    let mut finder = Finder { cx, found: None };
    finder.visit_expr(&c.body);
    let Some(found) = finder.found else { return };
    let name = name.to_string();
    if let Some(b) = cx.locals.get_mut(&name) {
        b.closure = Some(Arc::new(found));
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
    let c = cx.local(&id)?.closure.clone()?;
    Some((id, c))
}
