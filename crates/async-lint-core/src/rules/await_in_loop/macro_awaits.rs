//! Awaits written inside the arguments of a macro the engine reads (`info!("{}", f(x).await)`,
//! `vec![a(x).await, b(x).await]`, `format!(..)`): syn keeps macro bodies as tokens, so the
//! loop's body is read again through the macro's parsed arguments.

use crate::catalog::vocabulary;
use crate::context::{macro_args, macro_name};
use syn::visit::{self, Visit};
use syn::{Expr, ExprAwait};

/// The arguments of every macro of `body` that awaits (outside nested loops, closures, async
/// blocks and items), parsed. `None` when one of them cannot be read as argument expressions:
/// an awaiting macro of its own (`join!`, `select!`) or one the engine does not know — the
/// loop cannot be judged then.
pub fn parsed(body: &syn::Block) -> Option<Vec<Expr>> {
    let mut m = Macros {
        args: Vec::new(),
        unreadable: false,
    };
    m.visit_block(body);
    (!m.unreadable).then_some(m.args)
}

/// The awaits inside parsed macro arguments that run as part of them (not inside a closure or
/// an async block), in source order.
pub fn awaits_in(args: &[Expr]) -> Vec<&ExprAwait> {
    let mut a = Awaits { out: Vec::new() };
    for e in args {
        a.visit_expr(e);
    }
    a.out
}

struct Macros {
    args: Vec<Expr>,
    unreadable: bool,
}

impl<'ast> Visit<'ast> for Macros {
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let name = macro_name(m);
        if vocabulary().is_awaiting_macro(&name) {
            self.unreadable = true;
            return;
        }
        let text = m.tokens.to_string();
        let words = awaits_words(&text);
        if words == 0 {
            return;
        }
        let args = macro_args(m);
        // Every `await` of the tokens must be one the parsed arguments show.
        if awaits_in(&args).len() < words {
            self.unreadable = true;
            return;
        }
        self.args.extend(args);
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
    }
    fn visit_expr_while(&mut self, _: &'ast syn::ExprWhile) {}
    fn visit_expr_loop(&mut self, _: &'ast syn::ExprLoop) {}
}

/// How many `await` words a macro's token text holds.
fn awaits_words(text: &str) -> usize {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| *w == "await")
        .count()
}

struct Awaits<'a> {
    out: Vec<&'a ExprAwait>,
}

impl<'ast> Visit<'ast> for Awaits<'ast> {
    fn visit_expr_await(&mut self, a: &'ast ExprAwait) {
        visit::visit_expr_await(self, a);
        self.out.push(a);
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}
