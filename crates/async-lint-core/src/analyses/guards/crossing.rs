//! The await points a guard is held across, as the rules that report one (lock-across-await,
//! guard-across-await) word them: where the task is suspended and how to name that point.

use super::{Guard, Guards};
use crate::context::Context;
use crate::source::Span;
use syn::Expr;

/// A guard held across an await point.
#[derive(Debug, Clone)]
pub struct Crossing {
    pub guard: Guard,
    /// Where the task can be suspended with it alive: the `.await` (for a guard taken before an
    /// await chain, the chain's first), or the awaiting macro's path and `!`.
    pub at: Span,
    /// The await point for a message: "the `.await`", "the await inside `tokio::select!`".
    pub what: String,
}

/// An await point of an async body.
#[derive(Debug, Clone, Copy)]
pub enum AwaitPoint<'e> {
    /// An expression: an await point when it is an `.await`.
    Expr(&'e Expr),
    /// An awaiting macro (`tokio::select!`, `futures::join!`); any other macro awaits nothing.
    Macro(&'e syn::Macro),
}

impl Guards {
    /// The guards `keep` selects that `point` is the first await point to hold (see
    /// [`Guards::across_await`] and [`Guards::across_macro`]).
    pub fn crossings(
        &self,
        cx: &Context<'_>,
        point: AwaitPoint<'_>,
        keep: impl Fn(&Guard) -> bool,
    ) -> Vec<Crossing> {
        match point {
            AwaitPoint::Expr(Expr::Await(aw)) => {
                let held = self.across_await(cx, aw).into_iter().filter(keep);
                let span_of =
                    |a: &syn::ExprAwait| cx.span(&a.dot_token).to(cx.span(&a.await_token));
                let (outer, first) = (span_of(aw), span_of(first_await(aw)));
                held.map(|guard| Crossing {
                    // A guard taken before the chain is first held across its innermost `.await`.
                    at: if guard.origin.end <= first.start {
                        first
                    } else {
                        outer
                    },
                    guard,
                    what: "the `.await`".to_string(),
                })
                .collect()
            }
            AwaitPoint::Expr(_) => Vec::new(),
            AwaitPoint::Macro(mac) => {
                let mut held = self.across_macro(cx, mac);
                held.retain(keep);
                if held.is_empty() {
                    return Vec::new();
                }
                let name = mac
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect::<Vec<_>>()
                    .join("::");
                let at = cx.span(&mac.path).to(cx.span(&mac.bang_token));
                let what = format!("the await inside `{name}!`");
                held.into_iter()
                    .map(|guard| Crossing {
                        guard,
                        at,
                        what: what.clone(),
                    })
                    .collect()
            }
        }
    }
}

/// The `.await` of a chain that runs first: the inner one of `a.f().await.g().await`.
fn first_await(aw: &syn::ExprAwait) -> &syn::ExprAwait {
    fn operand(e: &Expr) -> Option<&Expr> {
        match e {
            Expr::Await(a) => Some(&a.base),
            Expr::MethodCall(m) => Some(&m.receiver),
            Expr::Field(f) => Some(&f.base),
            Expr::Try(t) => Some(&t.expr),
            Expr::Paren(p) => Some(&p.expr),
            _ => None,
        }
    }
    std::iter::successors(Some(&*aw.base), |e| operand(e))
        .filter_map(|e| match e {
            Expr::Await(a) => Some(a),
            _ => None,
        })
        .last()
        .unwrap_or(aw)
}
