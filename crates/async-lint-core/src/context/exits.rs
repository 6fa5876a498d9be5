//! How a body hands back its value: its tail expression, its `return`s and its `?`s — only
//! those of the body itself (a nested closure, async block or item has its own).

use super::uses::strip;
use syn::visit::{self, Visit};
use syn::{Block, Expr, Stmt};

/// The ways out of one body.
#[derive(Debug, Default)]
pub struct Exits<'a> {
    /// The values the body can end with: the tail expression (followed into blocks, `if`
    /// branches and `match` arms) and the value of each `return`.
    pub values: Vec<&'a Expr>,
    /// The `?` operators, which return the error (or `None`) early.
    pub tries: Vec<&'a syn::ExprTry>,
    /// Macro invocations whose tokens apply `?` to an expression (`select!` arms, …).
    pub macro_tries: Vec<&'a syn::Macro>,
}

impl<'a> Exits<'a> {
    /// The exits of a block body (an async block, a closure or fn body).
    pub fn of_block(b: &'a Block) -> Exits<'a> {
        let mut x = Exits::default();
        tail_values(b, &mut x.values);
        let mut w = Walker { exits: &mut x };
        for s in &b.stmts {
            w.visit_stmt(s);
        }
        x
    }

    /// The exits of an expression body (a closure `|| expr`).
    pub fn of_expr(e: &'a Expr) -> Exits<'a> {
        if let Expr::Block(b) = strip(e) {
            return Exits::of_block(&b.block);
        }
        let mut x = Exits::default();
        expr_values(e, &mut x.values);
        Walker { exits: &mut x }.visit_expr(e);
        x
    }

    /// Can the body return early with `?`?
    pub fn has_try(&self) -> bool {
        !self.tries.is_empty() || !self.macro_tries.is_empty()
    }
}

/// The value of a block: its last statement when it is an expression without `;`.
fn tail_values<'a>(b: &'a Block, out: &mut Vec<&'a Expr>) {
    if let Some(Stmt::Expr(e, None)) = b.stmts.last() {
        expr_values(e, out);
    }
}

fn expr_values<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match strip(e) {
        Expr::Block(b) if b.label.is_none() => tail_values(&b.block, out),
        Expr::Unsafe(u) => tail_values(&u.block, out),
        Expr::If(i) => {
            tail_values(&i.then_branch, out);
            if let Some((_, els)) = &i.else_branch {
                expr_values(els, out);
            }
        }
        Expr::Match(m) => m.arms.iter().for_each(|a| expr_values(&a.body, out)),
        // Diverging tails add no value.
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) | Expr::Loop(_) => {}
        other => out.push(other),
    }
}

struct Walker<'x, 'a> {
    exits: &'x mut Exits<'a>,
}

impl<'a> Visit<'a> for Walker<'_, 'a> {
    fn visit_expr(&mut self, e: &'a Expr) {
        match e {
            Expr::Closure(_) | Expr::Async(_) | Expr::Const(_) => {}
            Expr::Return(r) => {
                if let Some(v) = &r.expr {
                    expr_values(v, &mut self.exits.values);
                    self.visit_expr(v);
                }
            }
            Expr::Try(t) => {
                self.exits.tries.push(t);
                visit::visit_expr(self, e);
            }
            _ => visit::visit_expr(self, e),
        }
    }

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        if applies_try(m.tokens.clone()) {
            self.exits.macro_tries.push(m);
        }
    }

    fn visit_item(&mut self, _: &'a syn::Item) {}
}

/// Does a macro's token stream apply `?` to an expression: a `?` right after an identifier,
/// a literal or a bracketed group (`r?`, `f(x)?`, `fut.await?`)? Tracing's `?field` sigil
/// follows `,`, `=` or nothing, and `{:?}` sits inside a string literal.
fn applies_try(tokens: proc_macro2::TokenStream) -> bool {
    use proc_macro2::TokenTree;
    let mut prev: Option<TokenTree> = None;
    for t in tokens {
        match &t {
            TokenTree::Punct(p) if p.as_char() == '?' => {
                let after_value = match &prev {
                    Some(TokenTree::Ident(i)) => !matches!(
                        i.to_string().as_str(),
                        "return" | "in" | "if" | "match" | "else" | "let" | "move"
                    ),
                    Some(TokenTree::Literal(_)) => true,
                    Some(TokenTree::Group(g)) => g.delimiter() != proc_macro2::Delimiter::Brace,
                    _ => false,
                };
                if after_value {
                    return true;
                }
            }
            TokenTree::Group(g) if applies_try(g.stream()) => return true,
            _ => {}
        }
        prev = Some(t);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(src: &str) -> Block {
        syn::parse_str(src).expect("block parses")
    }

    #[test]
    fn tails_returns_and_tries_of_the_body_only() {
        let b = block(
            "{ let x = a()?; let f = || b()?; let g = async { c()? }; if x { return Err(e); } match y { 1 => Ok(()), _ => Err(e2) } }",
        );
        let x = Exits::of_block(&b);
        assert_eq!(x.tries.len(), 1, "only a()? belongs to the body");
        assert_eq!(x.values.len(), 3, "Err(e), Ok(()), Err(e2)");
    }

    #[test]
    fn tries_inside_macro_tokens() {
        let b = block("{ tokio::select! { r = rx => r?, _ = t => {} } }");
        assert_eq!(Exits::of_block(&b).macro_tries.len(), 1);
        let b = block("{ tracing::info!(?x, \"{:?}\", y); }");
        assert!(!Exits::of_block(&b).has_try());
    }
}
