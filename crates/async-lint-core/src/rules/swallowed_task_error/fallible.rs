//! Whether a spawned task can end with an error, and where its body says so.

use super::*;

/// Methods on a `Result` that keep it a `Result` with its error.
pub(super) const RESULT_ADAPTERS: &[&str] = &[
    "map_err",
    "context",
    "with_context",
    "wrap_err",
    "wrap_err_with",
    "ok_or",
    "ok_or_else",
];

/// Methods that keep a `Result` a `Result` with the same error, when called on one.
pub(super) const KEEP_ERROR: &[&str] = &["map", "and_then"];

/// Can the task a spawn starts end with an error? Its body uses `?`, returns `Err(..)`, ends
/// in a `Result`-valued expression, or is a call of a fn of this crate returning `Result`.
pub(super) fn fallible(cx: &Context<'_>, s: &Spawn<'_>) -> Option<Evidence> {
    let body = task_future(s.body?);
    match (s.kind, body) {
        (_, Expr::Async(a)) => body_fallible(cx, Exits::of_block(&a.block)),
        (SpawnKind::Blocking, Expr::Closure(c)) => body_fallible(cx, Exits::of_expr(&c.body)),
        (SpawnKind::Blocking, Expr::Path(p)) if p.qself.is_none() => {
            let f = cx.fn_sig(&cx.resolve_path_or_self(&p.path)?)?;
            (!f.returns_future && fails_silently(&f)).then(|| Evidence {
                span: cx.span(p),
                label: format!("`{}` returns a `Result`", cx.text(p)),
            })
        }
        (SpawnKind::Task | SpawnKind::Local, Expr::Call(_) | Expr::MethodCall(_)) => {
            let f = cx.called_fn(body)?;
            (f.returns_future && fails_silently(&f)).then(|| returns_result(cx, body))
        }
        _ => None,
    }
}

/// Can a body (of an async block or closure) end with an error?
pub(super) fn body_fallible(cx: &Context<'_>, exits: Exits<'_>) -> Option<Evidence> {
    // `?` on an `Option` ends the task with `None`, which is no error.
    if exits.values.iter().any(|v| is_option_value(v)) {
        return None;
    }
    if let Some(t) = exits.tries.first() {
        return Some(Evidence {
            span: cx.span(&t.question_token),
            label: "this `?` ends the task with its error".into(),
        });
    }
    if let Some(m) = exits.macro_tries.first() {
        return Some(Evidence {
            span: cx.span(&m.path),
            label: "a `?` in here ends the task with its error".into(),
        });
    }
    exits.values.iter().find_map(|v| result_value(cx, v))
}

/// Is the value a `Result` that can hold an error?
pub(super) fn result_value(cx: &Context<'_>, v: &Expr) -> Option<Evidence> {
    let v = strip(v);
    match v {
        Expr::Call(c) => {
            if let Expr::Path(p) = &*c.func {
                if is_variant(&p.path, "Err") {
                    return Some(Evidence {
                        span: cx.span(v),
                        label: "the task ends with this `Err`".into(),
                    });
                }
                if is_variant(&p.path, "Ok") {
                    return None;
                }
            }
            called_result(cx, v, false)
        }
        Expr::Await(a) => called_result(cx, strip(&a.base), true),
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            if KEEP_ERROR.contains(&name.as_str()) {
                return result_value(cx, &m.receiver);
            }
            if !RESULT_ADAPTERS.contains(&name.as_str()) {
                return called_result(cx, v, false);
            }
            if name == "map_err" && m.args.first().is_some_and(reports) {
                return None;
            }
            Some(Evidence {
                span: cx.span(&m.method),
                label: format!("`.{name}(..)` keeps the error in the task's result"),
            })
        }
        _ => None,
    }
}

/// A call of a fn of this crate whose (awaited, when `awaited`) value is a `Result`.
pub(super) fn called_result(cx: &Context<'_>, call: &Expr, awaited: bool) -> Option<Evidence> {
    let f = cx.called_fn(call)?;
    let result = fails_silently(&f) && f.returns_future == awaited;
    result.then(|| returns_result(cx, call))
}

/// Evidence that a call's callee returns a `Result`, named as the call writes it.
pub(super) fn returns_result(cx: &Context<'_>, call: &Expr) -> Evidence {
    let name = match strip(call) {
        Expr::Call(c) => cx.text(&c.func).to_string(),
        Expr::MethodCall(m) => format!(".{}()", m.method),
        other => cx.text(other).to_string(),
    };
    Evidence {
        span: callee_span(cx, call),
        label: format!("`{name}` returns a `Result`"),
    }
}

/// Does a `map_err` argument report the error (a closure whose body invokes a macro: a log,
/// `eprintln!`, a metric)?
pub(super) fn reports(arg: &Expr) -> bool {
    let Expr::Closure(c) = strip(arg) else {
        return false;
    };
    let mut found = false;
    let mut stack = vec![&*c.body];
    while let Some(e) = stack.pop() {
        match strip(e) {
            Expr::Macro(_) => found = true,
            Expr::Block(b) => {
                for s in &b.block.stmts {
                    match s {
                        Stmt::Macro(_) => found = true,
                        Stmt::Expr(e, _) => stack.push(e),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    found
}

pub(super) fn is_option_value(v: &Expr) -> bool {
    match strip(v) {
        Expr::Path(p) => is_variant(&p.path, "None"),
        Expr::Call(c) => is_some_call(c),
        Expr::MethodCall(m) => m.method == "ok" && m.args.is_empty(),
        _ => false,
    }
}

pub(super) fn is_some_call(c: &syn::ExprCall) -> bool {
    matches!(&*c.func, Expr::Path(p) if is_variant(&p.path, "Some"))
}

/// `Ok`, `Result::Ok`, `std::result::Result::Ok` (and the same for other variants).
pub(super) fn is_variant(path: &syn::Path, variant: &str) -> bool {
    let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segs.last().is_some_and(|l| l == variant)
        && (segs.len() == 1 || segs[segs.len() - 2] == "Result" || segs[segs.len() - 2] == "Option")
}

/// A crate fn whose `Result` can hold an error nobody has seen yet: declared to return
/// `Result`, with a body that can fail and does not log its failures itself.
pub(super) fn fails_silently(f: &crate::index::FnSig) -> bool {
    f.output_result && !f.failure.never_fails && !f.failure.logs_failures
}
