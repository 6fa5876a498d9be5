//! Walks of one expression the guard tracker needs at a point: the guard temporaries an
//! await's operand creates, and the names a closure or async block moves.

use super::{chain::borrowed_guard, Guard, Guards};
use crate::context::Context;
use crate::source::Span;
use std::collections::HashSet;
use syn::visit::Visit;
use syn::Expr;

/// Finds the guard temporaries an expression creates, without entering nested bodies or
/// blocks (their temporaries end inside them).
pub(super) struct TempScan<'g, 'c, 'a> {
    pub(super) cx: &'c Context<'a>,
    pub(super) guards: &'g Guards,
    pub(super) found: Vec<Guard>,
    /// Origins of the held guards it moves.
    pub(super) moved: Vec<Span>,
    /// The next expression is the scanned operand itself.
    pub(super) root: bool,
}

impl<'ast> Visit<'ast> for TempScan<'_, '_, '_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::Closure(_)
            | Expr::Async(_)
            | Expr::Block(_)
            | Expr::If(_)
            | Expr::While(_)
            | Expr::Loop(_)
            | Expr::ForLoop(_)
            | Expr::Match(_)
            | Expr::TryBlock(_)
            | Expr::Unsafe(_)
            | Expr::Const(_)
            | Expr::Macro(_) => return,
            // A nested await is an await point of its own: it sees its operand's temporaries.
            Expr::Await(_) if !self.root => return,
            // Each operand of `&&`/`||` drops its temporaries before the next runs.
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => return,
            _ => {}
        }
        self.root = false;
        for o in moved_operands(e) {
            if let Some(i) = self.guards.held_binding(self.cx, o) {
                self.moved.push(self.guards.bindings[i].guard.origin);
            }
        }
        if let Some((inner, c)) = borrowed_guard(self.cx, e).filter(|(_, c)| c.known) {
            self.found.push(Guard {
                lock: c.lock,
                method: c.method,
                origin: self.cx.span(inner),
                name: None,
            });
        }
        syn::visit::visit_expr(self, e);
    }
}

/// The names a closure or async block body captures by move: every name it mentions when
/// it is `move`, and those mentioned inside nested `move` closures or blocks otherwise.
#[derive(Default)]
pub(super) struct MovedNames {
    pub(super) names: HashSet<String>,
    in_move: bool,
}

impl MovedNames {
    fn nested<F: FnOnce(&mut Self)>(&mut self, is_move: bool, f: F) {
        let outer = self.in_move;
        self.in_move |= is_move;
        f(self);
        self.in_move = outer;
    }
}

impl<'ast> Visit<'ast> for MovedNames {
    fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
        if self.in_move {
            self.names.insert(i.to_string());
        }
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.nested(c.capture.is_some(), |m| {
            syn::visit::visit_expr_closure(m, c)
        });
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        self.nested(a.capture.is_some(), |m| syn::visit::visit_expr_async(m, a));
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        if self.in_move {
            token_idents(m.tokens.clone(), &mut self.names);
        }
    }
}

fn token_idents(ts: proc_macro2::TokenStream, out: &mut HashSet<String>) {
    for t in ts {
        match t {
            proc_macro2::TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => token_idents(g.stream(), out),
            _ => {}
        }
    }
}

/// The direct operands of `e` that it moves (takes by value).
pub(super) fn moved_operands(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Call(c) => c.args.iter().collect(),
        Expr::MethodCall(m) => m.args.iter().collect(),
        Expr::Return(r) => r.expr.as_deref().into_iter().collect(),
        Expr::Break(b) => b.expr.as_deref().into_iter().collect(),
        Expr::Assign(a) => vec![&*a.right],
        Expr::Struct(s) => s.fields.iter().map(|f| &f.expr).collect(),
        Expr::Tuple(t) => t.elems.iter().collect(),
        Expr::Array(a) => a.elems.iter().collect(),
        Expr::ForLoop(f) => vec![&*f.expr],
        Expr::Yield(y) => y.expr.as_deref().into_iter().collect(),
        _ => Vec::new(),
    }
}
