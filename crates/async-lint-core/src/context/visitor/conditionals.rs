//! `if`, `let`, `match` as the visitor meets them: their bindings, their failure branches, and
//! the temporary scopes that decide which guards are alive in them.

use super::branches;
use super::evalorder::has_let;
use super::Visitor;
use syn::visit::Visit;

impl Visitor<'_> {
    pub(super) fn visit_if(&mut self, i: &syn::ExprIf) {
        self.cx.locals.push();
        // Temporaries of a plain condition end before the branch; those of an
        // `if let` scrutinee live through it, and before edition 2024 into `else`.
        self.cx.hook(|a, cx| a.open_temps(cx));
        self.visit_expr(&i.cond);
        if !has_let(&i.cond) {
            self.cx.hook(|a, cx| a.close_temps(cx));
            self.cx.hook(|a, cx| a.open_temps(cx));
        }
        self.branch(|v| {
            v.failure_branch(branches::is_failure_test(&i.cond), |v| {
                v.visit_block(&i.then_branch)
            })
        });
        let into_else = has_let(&i.cond) && self.cx.krate.edition.is_some_and(|e| e < 2024);
        if !into_else {
            self.cx.hook(|a, cx| a.close_temps(cx));
        }
        self.cx.locals.pop();
        if let Some((_, els)) = &i.else_branch {
            self.branch(|v| v.visit_expr(els));
        }
        if into_else {
            self.cx.hook(|a, cx| a.close_temps(cx));
        }
    }

    pub(super) fn visit_let(&mut self, l: &syn::ExprLet) {
        self.visit_expr(&l.expr);
        let ret = self.cx.returns_of(&l.expr);
        self.bind_pat(&l.pat, ret);
        self.cx.hook(|a, cx| a.bind(cx, &l.pat, &l.expr));
    }

    pub(super) fn visit_match(&mut self, m: &syn::ExprMatch) {
        self.visit_expr(&m.expr);
        for arm in &m.arms {
            self.record_extent(arm);
            self.cx.locals.push();
            self.bind_pat(&arm.pat, None);
            self.cx.hook(|a, cx| a.bind(cx, &arm.pat, &m.expr));
            // A match guard is a temporary scope of its own, before the arm's body.
            self.cx.hook(|a, cx| a.open_temps(cx));
            self.visit_guard(&arm.pat);
            self.cx.hook(|a, cx| a.close_temps(cx));
            self.cx.hook(|a, cx| a.open_temps(cx));
            let arm_body = |v: &mut Self| {
                v.failure_branch(branches::is_err_pattern(&arm.pat), |v| {
                    v.visit_expr(&arm.body)
                })
            };
            if m.arms.len() > 1 {
                self.branch(arm_body);
            } else {
                arm_body(self);
            }
            self.cx.hook(|a, cx| a.close_temps(cx));
            self.cx.locals.pop();
        }
    }

    /// Visits the guard expression a pattern may carry (`Some(x) if x > 1`).
    pub(super) fn visit_guard(&mut self, pat: &syn::Pat) {
        if let syn::Pat::Guard(g) = pat {
            self.visit_expr(&g.guard);
        }
    }
}
