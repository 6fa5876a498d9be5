//! Operands visited in Rust's evaluation order, with their temporary scopes, so that what is
//! alive at an `.await` (lock guards above all) matches what rustc keeps alive there:
//!
//! - `place = value` and `place op= value` evaluate `value` first (the Reference, "Assignment
//!   expressions"; for compound assignment when both operands are primitives, which is the
//!   reading taken when the types are not known): in `*m.lock().unwrap() = f().await` the
//!   lock is taken after the await.
//! - Each operand of `&&` and `||` is a temporary scope of its own: in
//!   `m.lock().unwrap().is_empty() && f().await` the guard is gone before the await. An
//!   operand holding a `let` (a let chain) keeps its temporaries with the chain.
//!
//! rustc confirms each reading: a future holding a `std::sync::MutexGuard` across an await is
//! not `Send` (see `rules/lock-across-await.md`).

use super::Visitor;
use crate::syntax::is_compound_assign;
use syn::visit::Visit;
use syn::{BinOp, Expr};

impl Visitor<'_> {
    /// Visits an assignment or binary expression's operands in evaluation order.
    pub(super) fn visit_operands(&mut self, e: &Expr) {
        match e {
            Expr::Assign(a) => {
                self.visit_expr(&a.right);
                self.visit_expr(&a.left);
            }
            Expr::Binary(b) if is_compound_assign(&b.op) => {
                self.visit_expr(&b.right);
                self.visit_expr(&b.left);
            }
            Expr::Binary(b) if matches!(b.op, BinOp::And(_) | BinOp::Or(_)) => {
                for (i, operand) in [&*b.left, &*b.right].into_iter().enumerate() {
                    let own_scope = !has_let(operand);
                    if own_scope {
                        self.cx.hook(|a, cx| a.open_temps(cx));
                    }
                    if i == 0 {
                        self.visit_expr(operand);
                    } else {
                        self.branch(|v| v.visit_expr(operand));
                    }
                    if own_scope {
                        self.cx.hook(|a, cx| a.close_temps(cx));
                    }
                }
            }
            _ => syn::visit::visit_expr(self, e),
        }
    }
}

/// Does a condition bind with `let` (`let P = e`, a let chain `let P = e && c`)?
pub(super) fn has_let(cond: &Expr) -> bool {
    match cond {
        Expr::Let(_) => true,
        Expr::Binary(b) if matches!(b.op, BinOp::And(_)) => has_let(&b.left) || has_let(&b.right),
        Expr::Paren(p) => has_let(&p.expr),
        _ => false,
    }
}
