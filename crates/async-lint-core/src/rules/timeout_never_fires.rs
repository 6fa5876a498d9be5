//! The `timeout-never-fires` rule; its docs are one page, `rules/timeout-never-fires.md`.

use super::Rule;
use crate::catalog::cancel::CancelSafety;
use crate::context::awaits::first_await;
use crate::context::blocking::blocking_call;
use crate::context::spawn::task_future;
use crate::context::{Context, FrameKind};
use crate::finding::{Applicability, Finding, Suggestion};
use crate::index::FnRef;
use crate::source::{Span, SpanOf};
use std::sync::OnceLock;
use syn::visit::Visit;
use syn::Expr;

// From the catalogue at run time (see `rule_meta!`).
declare_rule! { TimeoutNeverFires: "timeout-never-fires", triggers: &[],
    summary: "a timeout around a future that never awaits, or blocks before its first await: the timer is only looked at between polls",
}

impl Rule for TimeoutNeverFires {
    // How the catalogued timeouts are called or imported (`timeout(`, `timeout as`).
    rule_meta!(triggers: || CancelSafety::builtin().timeout_words());

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        let Some(t) = timeout_call(cx, expr) else {
            return;
        };
        let future = task_future(t.future);
        let (what, stall) = match future {
            Expr::Async(a) => {
                let stall = match first_await(&a.block) {
                    None => Stall::NeverAwaits,
                    Some(at) => match blocking_before(cx, &a.block, cx.file.span_of_proc(at).start)
                    {
                        Some(b) => b,
                        None => return,
                    },
                };
                ("the async block".to_string(), stall)
            }
            Expr::Call(_) | Expr::MethodCall(_) => {
                let Some(f) = cx.called_fn(future) else {
                    return;
                };
                if !f.is_async || f.file().is_duplicated(&f.path) {
                    return;
                }
                let stall = match f.first_await {
                    None => Stall::NeverAwaits,
                    Some(at) => match fn_blocking_before(cx, &f, at) {
                        Some(b) => b,
                        None => return,
                    },
                };
                (format!("async fn `{}`", f.name), stall)
            }
            _ => return,
        };
        out.push(finding(cx, &t, future, &what, stall));
    }
}

/// A timeout call and the future it watches.
struct Timeout<'e> {
    /// How the timeout is named (`tokio::time::timeout`, `.timeout()`).
    shown: String,
    /// The callee (path or method name), for the secondary label.
    head: Span,
    future: &'e Expr,
    /// How the docs say the timeout works.
    source: &'static str,
}

/// The catalogued timeout `e` calls: a free fn (its future argument) or a method whose
/// receiver is the future.
fn timeout_call<'e>(cx: &Context<'_>, e: &'e Expr) -> Option<Timeout<'e>> {
    let cat = CancelSafety::builtin();
    match e {
        Expr::Call(c) => {
            let Expr::Path(p) = &*c.func else { return None };
            static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
            let names = NAMES.get_or_init(|| CancelSafety::builtin().timeout_fn_names());
            let last = &p.path.segments.last()?.ident;
            if !names.iter().any(|n| last == n) && !renamed(cx, &p.path) {
                return None;
            }
            let path = cx.resolve_callee(&p.path, |c| cat.timeout_fn(c).is_some())?;
            let (index, source) = cat.timeout_fn(&path)?;
            Some(Timeout {
                shown: path,
                head: cx.span(&c.func),
                future: c.args.iter().nth(index)?,
                source,
            })
        }
        Expr::MethodCall(m) if m.args.len() == 1 => {
            static METHODS: OnceLock<Vec<&'static str>> = OnceLock::new();
            let methods = METHODS.get_or_init(|| CancelSafety::builtin().timeout_method_names());
            if !methods.iter().any(|n| m.method == n) {
                return None;
            }
            let name = m.method.to_string();
            let source = cat.timeout_method(&name)?;
            Some(Timeout {
                shown: format!(".{name}()"),
                head: cx.span(&m.method),
                future: &m.receiver,
                source,
            })
        }
        _ => None,
    }
}

/// A one-segment path that may be an import under another name (`use tokio::time::timeout
/// as deadline;`).
fn renamed(cx: &Context<'_>, path: &syn::Path) -> bool {
    path.segments.len() == 1 && cx.may_name(path, std::iter::empty())
}

/// Why the timer cannot fire.
enum Stall {
    NeverAwaits,
    /// Blocks before its first await: how the blocking API is named, where the call is when
    /// it is in this file, and the chain of crate fns to it.
    Blocks {
        api: String,
        at: Option<Span>,
        via: Option<String>,
    },
}

/// The first blocking call of an async block before its first await (at byte `limit`):
/// a catalogued blocking API, or a sync fn of the crate that reaches one.
fn blocking_before(cx: &Context<'_>, block: &syn::Block, limit: usize) -> Option<Stall> {
    let mut calls = Calls(Vec::new());
    calls.visit_block(block);
    calls
        .0
        .into_iter()
        .filter(|e| cx.span(*e).start < limit)
        .find_map(|e| {
            if let Some(b) = blocking_call(cx, e) {
                return Some(Stall::Blocks {
                    api: b.shown,
                    at: Some(cx.span(e)),
                    via: None,
                });
            }
            let f = cx.called_fn(e)?;
            if f.is_async || f.returns_future {
                return None;
            }
            let chain = cx.blocking_chain(&f)?;
            Some(Stall::Blocks {
                api: chain.api.clone(),
                at: Some(cx.span(e)),
                via: Some(chain.trail()),
            })
        })
}

/// The first blocking call an async fn of the crate makes in its own body before its first
/// await (at byte `limit` of its file), as the crate index recorded its calls.
fn fn_blocking_before(cx: &Context<'_>, f: &FnRef, limit: usize) -> Option<Stall> {
    f.calls
        .iter()
        .filter(|c| c.frame == FrameKind::AsyncFn && c.span.start < limit)
        .find_map(|c| {
            if let Some(leaf) = &c.blocking {
                return Some(Stall::Blocks {
                    api: leaf.api.clone(),
                    at: None,
                    via: None,
                });
            }
            let g = cx.fn_sig(&c.target_path()?)?;
            if g.is_async || g.returns_future {
                return None;
            }
            let chain = cx.blocking_chain(&g)?;
            Some(Stall::Blocks {
                api: chain.api.clone(),
                at: None,
                via: Some(chain.trail()),
            })
        })
}

/// The calls of a block, outside nested closures and async blocks (which do not run in its
/// poll), in source order.
struct Calls<'e>(Vec<&'e Expr>);

impl<'e> Visit<'e> for Calls<'e> {
    fn visit_expr(&mut self, e: &'e Expr) {
        match e {
            Expr::Closure(_) | Expr::Async(_) => {}
            Expr::Call(_) | Expr::MethodCall(_) => {
                self.0.push(e);
                syn::visit::visit_expr(self, e);
            }
            _ => syn::visit::visit_expr(self, e),
        }
    }
}

fn finding(cx: &Context<'_>, t: &Timeout<'_>, future: &Expr, what: &str, stall: Stall) -> Finding {
    let shown = &t.shown;
    let help = "run the work on the blocking pool (`tokio::task::spawn_blocking`) and put the timeout around its handle, or make it await (async I/O, `tokio::task::yield_now().await` in long loops)";
    let mut f = match &stall {
        Stall::NeverAwaits => Finding::new(
            META.name,
            cx.span(future),
            format!("`{shown}` can never fire: {what} never awaits, so it runs to its end in the first poll"),
        )
        .label("never awaits: runs to its end in one poll"),
        Stall::Blocks { api, at, via } => {
            let through = via.as_ref().map(|v| format!(" (through {v})")).unwrap_or_default();
            let f = Finding::new(
                META.name,
                cx.span(future),
                format!("`{shown}` cannot interrupt `{api}`: {what} blocks before its first await{through}"),
            )
            .label("blocks before its first await");
            match at {
                Some(at) => f.secondary(*at, "blocks here, inside the first poll"),
                None => f,
            }
        }
    };
    f = f
        .secondary(
            t.head,
            "the timer is only looked at when the future returns `Pending`",
        )
        .note(t.source)
        .help(help);
    if let (Stall::NeverAwaits, Expr::Async(a)) = (&stall, future) {
        if t.shown.starts_with("tokio::") {
            let body = cx.text(&a.block);
            f = f.suggest(Suggestion {
                message: "run it on the blocking pool".into(),
                span: cx.span(future),
                replacement: format!("tokio::task::spawn_blocking(move || {body})"),
                applicability: Applicability::MaybeIncorrect,
            });
        }
    }
    f
}
