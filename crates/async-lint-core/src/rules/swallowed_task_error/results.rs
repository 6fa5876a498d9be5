//! `let _ = <fallible fn of this crate>(..).await;`: a `Result` dropped unchecked.

use super::*;

/// Callees whose failure is expected and harmless to drop: a channel whose other end is gone,
/// a wait that timed out.
pub(super) const BENIGN_CALLEES: &[&str] = &[
    "send",
    "try_send",
    "send_async",
    "send_timeout",
    "send_replace",
    "broadcast",
    "changed",
    "recv",
    "timeout",
    "timeout_at",
];

/// Error types that only say a channel closed or a wait timed out.
pub(super) const BENIGN_ERRORS: &[&str] = &[
    "SendError",
    "RecvError",
    "TrySendError",
    "Elapsed",
    "Closed",
];

/// `let _ = <fn of this crate returning Result>(..).await;` followed by `rest`. Not when the
/// callee cannot fail (every exit is `Ok(..)`) or logs its failures itself, nor on a failure
/// path (an `Err` branch, or the rest of the block reports an `Err(..)`: a best-effort
/// cleanup's own error would only hide the first one), nor in a fn that returns `Result`
/// itself and so chose not to propagate this one.
pub(super) fn dropped_result(cx: &Context<'_>, e: &Expr, rest: &[Stmt], out: &mut Vec<Finding>) {
    let Expr::Await(a) = strip(e) else { return };
    let call = strip(&a.base);
    if spawn_call(cx, call).is_some() {
        return;
    }
    let (callee_span, name) = match call {
        Expr::Call(c) => (cx.span(&c.func), cx.text(&c.func).to_string()),
        Expr::MethodCall(m) => (cx.span(&m.method), format!(".{}()", m.method)),
        _ => return,
    };
    let Some(f) = cx.called_fn(call) else { return };
    let benign_error = f
        .output
        .as_deref()
        .is_some_and(|t| BENIGN_ERRORS.iter().any(|e| t.contains(e)));
    if !(f.returns_future && fails_silently(&f))
        || benign_error
        || BENIGN_CALLEES.contains(&f.name.as_str())
        || reports_err(rest)
        || cx.in_failure_branch()
        || propagates_errors(cx)
    {
        return;
    }
    out.push(
        Finding::new(
            META.name,
            callee_span,
            format!("the error of `{name}` is thrown away with `let _ =`"),
        )
        .label("the `Result` is dropped unchecked")
        .help("handle the error (`?`, `if let Err(e) = .. { .. }`), or log it where it is dropped")
        .note("`let _ =` silences rustc's `must_use` warning on `Result`: the failure leaves no trace"),
    );
}

/// Do these statements make an `Err(..)` (returned, sent, or the block's value)?
fn reports_err(rest: &[Stmt]) -> bool {
    struct ErrFinder(bool);
    impl<'ast> syn::visit::Visit<'ast> for ErrFinder {
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if matches!(&*c.func, Expr::Path(p) if is_variant(&p.path, "Err")) {
                self.0 = true;
            }
            syn::visit::visit_expr_call(self, c);
        }

        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut f = ErrFinder(false);
    for s in rest {
        syn::visit::Visit::visit_stmt(&mut f, s);
    }
    f.0
}

/// Is the code directly in a fn that returns `Result`? There `?` was one character away:
/// `let _ =` is a visible decision to carry on without this error (a best-effort step).
fn propagates_errors(cx: &Context<'_>) -> bool {
    cx.innermost_frame().is_some_and(|f| f.returns_result)
}
