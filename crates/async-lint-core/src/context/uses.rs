//! Where a local is used after the statement that binds it: each mention of the name in a run
//! of statements, with the expressions around it. A little dataflow for rules that ask what
//! becomes of a value (a join handle awaited, dropped, pushed, returned…).

use syn::visit::{self, Visit};
use syn::{Expr, Stmt};

/// One mention of a local.
#[derive(Debug, Clone)]
pub struct Use<'a> {
    /// The path expression naming the local; `None` when the name only occurs in the tokens
    /// of a macro the engine does not parse (treat it as an opaque use).
    pub expr: Option<&'a Expr>,
    /// The enclosing expressions, innermost first, up to the innermost statement holding the
    /// use (`h` in `let _ = h.await;` has `[h.await]`).
    pub parents: Vec<&'a Expr>,
    /// The innermost statement holding the use.
    pub stmt: &'a Stmt,
    /// Index, in the statements searched, of the top-level statement holding the use.
    pub top: usize,
    /// Inside a closure or async block: the local is captured there.
    pub captured: bool,
}

impl<'a> Use<'a> {
    /// The parent `n` levels up (0: the innermost).
    pub fn parent(&self, n: usize) -> Option<&'a Expr> {
        self.parents.get(n).copied()
    }

    /// The outermost expression of the innermost statement holding the use.
    pub fn statement_expr(&self) -> Option<&'a Expr> {
        self.parents.last().copied().or(self.expr)
    }
}

/// Every use of the local `name` in `stmts`, in source order. Scanning stops after a
/// top-level `let` that binds the name again (its initialiser still counts); shadowing in
/// nested blocks is not followed, so uses are over-counted there, never missed.
pub fn uses_of<'a>(stmts: &'a [Stmt], name: &str) -> Vec<Use<'a>> {
    let mut finder = Finder {
        name,
        out: Vec::new(),
        parents: Vec::new(),
        stmts: Vec::new(),
        top: 0,
        captured: 0,
    };
    for (i, s) in stmts.iter().enumerate() {
        finder.top = i;
        finder.visit_stmt(s);
        if let Stmt::Local(l) = s {
            if binds(&l.pat, name) {
                break;
            }
        }
    }
    finder.out
}

/// The single name a pattern binds (`h`, `mut h`, `h: JoinHandle<_>`), if that is all it does.
pub fn binding_name(pat: &syn::Pat) -> Option<&syn::Ident> {
    match pat {
        syn::Pat::Ident(pi) if pi.subpat.is_none() => Some(&pi.ident),
        syn::Pat::Type(pt) => binding_name(&pt.pat),
        _ => None,
    }
}

/// Does a pattern bind `name` anywhere?
pub fn binds(pat: &syn::Pat, name: &str) -> bool {
    crate::syntax::pat_idents(pat)
        .iter()
        .any(|pi| pi.ident == name)
}

pub use crate::syntax::strip;

/// Is `e` the path naming the local `name`?
pub fn is_local(e: &Expr, name: &str) -> bool {
    matches!(strip(e), Expr::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

struct Finder<'a, 'n> {
    name: &'n str,
    out: Vec<Use<'a>>,
    parents: Vec<&'a Expr>,
    stmts: Vec<&'a Stmt>,
    top: usize,
    captured: usize,
}

impl<'a> Finder<'a, '_> {
    fn record(&mut self, expr: Option<&'a Expr>) {
        let Some(stmt) = self.stmts.last().copied() else {
            return;
        };
        self.out.push(Use {
            expr,
            parents: self.parents.iter().rev().copied().collect(),
            stmt,
            top: self.top,
            captured: self.captured > 0,
        });
    }
}

impl<'a> Visit<'a> for Finder<'a, '_> {
    fn visit_stmt(&mut self, s: &'a Stmt) {
        let saved = std::mem::take(&mut self.parents);
        self.stmts.push(s);
        visit::visit_stmt(self, s);
        self.stmts.pop();
        self.parents = saved;
    }

    fn visit_expr(&mut self, e: &'a Expr) {
        if is_local(e, self.name) && !matches!(e, Expr::Paren(_) | Expr::Group(_)) {
            self.record(Some(e));
            return;
        }
        let nested = matches!(e, Expr::Closure(_) | Expr::Async(_));
        self.captured += usize::from(nested);
        self.parents.push(e);
        visit::visit_expr(self, e);
        self.parents.pop();
        self.captured -= usize::from(nested);
    }

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        if mentions(m.tokens.clone(), self.name) {
            self.record(None);
        }
    }

    fn visit_item(&mut self, _: &'a syn::Item) {}
}

/// Does a token stream hold the identifier `name`?
fn mentions(tokens: proc_macro2::TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => mentions(g.stream(), name),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmts(src: &str) -> Vec<Stmt> {
        let b: syn::Block = syn::parse_str(src).expect("block parses");
        b.stmts
    }

    #[test]
    fn finds_uses_with_their_parents_and_stops_at_rebinding() {
        let s = stmts(
            "{ let _ = h.await; if c { drop(h) } println!(\"{}\", h); let h = h; h.abort(); }",
        );
        let uses = uses_of(&s, "h");
        assert_eq!(uses.len(), 4, "the last line's h is another binding");
        assert!(matches!(uses[0].parent(0), Some(Expr::Await(_))));
        assert_eq!(uses[0].top, 0);
        assert!(matches!(uses[1].parent(0), Some(Expr::Call(_))));
        assert!(matches!(uses[1].stmt, Stmt::Expr(Expr::Call(_), None)));
        assert!(uses[2].expr.is_none(), "a macro mention is opaque");
        assert_eq!(uses[3].top, 3);
    }

    #[test]
    fn captures_are_marked() {
        let s = stmts("{ tokio::spawn(async move { h.await }); }");
        let uses = uses_of(&s, "h");
        assert_eq!(uses.len(), 1);
        assert!(uses[0].captured);
    }
}
