//! The walker behind [`Flow`]: free names read, assigned, borrowed, called, and awaits, with
//! the names bound so far in a stack of scopes.

use super::walks::assigned_roots;
use super::{is_local_name, pat_names, place_path, place_root, Flow};
use crate::catalog::vocabulary;
use proc_macro2::{TokenStream, TokenTree};
use std::collections::HashSet;
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Stmt};

/// Walks code, keeping the names bound so far in a stack of scopes.
#[derive(Default)]
pub(super) struct Walker {
    scopes: Vec<HashSet<String>>,
    /// Inside closures and async blocks: their awaits are not this code's.
    deferred: usize,
    pub(super) out: Flow,
}

impl Walker {
    fn bound(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s.contains(name))
    }

    fn free(&self, name: Option<String>) -> Option<String> {
        name.filter(|n| !self.bound(n))
    }

    fn bind(&mut self, p: &Pat) {
        if self.scopes.is_empty() {
            self.scopes.push(HashSet::new());
        }
        let names = pat_names(p);
        if let Some(top) = self.scopes.last_mut() {
            top.extend(names.into_iter().map(|n| n.name));
        }
        // Guards, literal and range patterns hold expressions.
        self.visit_pat(p);
    }

    fn read(&mut self, name: String) {
        if !self.bound(&name) {
            self.out.reads.insert(name);
        }
    }

    fn scoped(&mut self, f: impl FnOnce(&mut Self)) {
        self.scopes.push(HashSet::new());
        f(self);
        self.scopes.pop();
    }

    /// A condition and the block it guards: what `if let`/`while let` binds is in scope there only.
    fn conditional<'ast>(&mut self, cond: &'ast Expr, block: &'ast syn::Block) {
        self.scoped(|w| {
            w.visit_expr(cond);
            w.visit_block(block);
        });
    }

    pub(super) fn walk_stmts(&mut self, stmts: &[Stmt]) {
        self.scoped(|w| {
            for s in stmts {
                match s {
                    Stmt::Local(l) => {
                        if let Some(init) = &l.init {
                            w.visit_expr(&init.expr);
                            if let Some((_, d)) = &init.diverge {
                                w.visit_expr(d);
                            }
                        }
                        w.bind(&l.pat);
                    }
                    Stmt::Item(_) => {}
                    Stmt::Expr(e, _) => w.visit_expr(e),
                    Stmt::Macro(m) => w.visit_macro(&m.mac),
                }
            }
        });
    }

    /// Reads every identifier of a macro body (not those after `.`, which are fields or
    /// methods), the inline arguments of format strings, and notes `.await`s.
    pub(super) fn scan_tokens(&mut self, tokens: TokenStream) {
        let mut after_dot = false;
        let mut prev_dot = false;
        for tt in tokens {
            match tt {
                TokenTree::Group(g) => {
                    self.scan_tokens(g.stream());
                    after_dot = false;
                    prev_dot = false;
                }
                TokenTree::Ident(i) => {
                    let s = i.to_string();
                    if after_dot {
                        if s == "await" && self.deferred == 0 {
                            self.out.awaits = true;
                        }
                    } else if is_local_name(&s) {
                        self.read(s);
                    }
                    after_dot = false;
                    prev_dot = false;
                }
                TokenTree::Punct(p) => {
                    let dot = p.as_char() == '.';
                    // `x.f` but not `..rest`.
                    after_dot = dot && !prev_dot && p.spacing() == proc_macro2::Spacing::Alone;
                    prev_dot = dot;
                }
                TokenTree::Literal(l) => {
                    for name in format_args_of(&l.to_string()) {
                        self.read(name);
                    }
                    after_dot = false;
                    prev_dot = false;
                }
            }
        }
    }
}

/// The inline arguments of a format string literal: `"{a} {b:?} {{c}} {0}"` → `a`, `b`.
fn format_args_of(lit: &str) -> Vec<String> {
    if !(lit.starts_with('"') || lit.starts_with("r\"") || lit.starts_with("r#")) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut chars = lit.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '{' {
            continue;
        }
        if chars.peek() == Some(&'{') {
            chars.next();
            continue;
        }
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| c.is_alphanumeric() || *c == '_')).collect();
        if is_local_name(&name) && matches!(chars.peek(), Some('}' | ':')) {
            out.push(name);
        }
    }
    out
}

impl<'ast> Visit<'ast> for Walker {
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.qself.is_none() {
            if let Some(id) = p.path.get_ident() {
                let name = id.to_string();
                if is_local_name(&name) {
                    self.read(name);
                }
            }
        }
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.walk_stmts(&b.stmts);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.deferred += 1;
        self.scoped(|w| {
            for p in &c.inputs {
                w.bind(p);
            }
            w.visit_expr(&c.body);
        });
        self.deferred -= 1;
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        self.deferred += 1;
        self.visit_block(&a.block);
        self.deferred -= 1;
    }

    fn visit_expr_await(&mut self, a: &'ast syn::ExprAwait) {
        if self.deferred == 0 {
            self.out.awaits = true;
        }
        self.visit_expr(&a.base);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        self.visit_expr(&m.expr);
        for arm in &m.arms {
            self.scoped(|w| {
                w.bind(&arm.pat);
                w.visit_expr(&arm.body);
            });
        }
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.conditional(&i.cond, &i.then_branch);
        if let Some((_, e)) = &i.else_branch {
            self.visit_expr(e);
        }
    }

    fn visit_expr_let(&mut self, l: &'ast syn::ExprLet) {
        self.visit_expr(&l.expr);
        self.bind(&l.pat);
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.conditional(&w.cond, &w.body);
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        self.scoped(|w| {
            w.bind(&f.pat);
            w.visit_block(&f.body);
        });
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        for root in assigned_roots(&a.left) {
            if let Some(root) = self.free(Some(root)) {
                self.out.assigns.insert(root);
            }
        }
        visit::visit_expr_assign(self, a);
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if crate::syntax::is_compound_assign(&b.op) {
            if let Some(root) = self.free(place_root(&b.left)) {
                self.out.assigns.insert(root);
            }
        }
        visit::visit_expr_binary(self, b);
    }

    fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
        if r.mutability.is_some() {
            if let Some(root) = self.free(place_root(&r.expr)) {
                self.out.mut_borrows.insert(root);
            }
        }
        visit::visit_expr_reference(self, r);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func {
            if let Some(id) = p.path.get_ident() {
                let name = id.to_string();
                if is_local_name(&name) && !self.bound(&name) {
                    self.out.called.insert(name);
                }
            }
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if let Some(path) = place_path(&m.receiver) {
            let root = path.split('.').next().unwrap_or(&path);
            if !self.bound(root) {
                self.out.receivers.insert(path);
            }
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let name = crate::context::macro_name(m);
        if vocabulary().is_awaiting_macro(&name) && self.deferred == 0 {
            self.out.awaits = true;
        }
        if name.starts_with("select") {
            self.out.selects = true;
        }
        self.scan_tokens(m.tokens.clone());
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_type(&mut self, _: &'ast syn::Type) {}
}
