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

/// `let _ = <fn of this crate returning Result>(..).await;` — outside test code, where calling
/// a fallible fn for its side effects and ignoring the outcome is deliberate.
pub(super) fn dropped_result(cx: &Context<'_>, e: &Expr, out: &mut Vec<Finding>) {
    if cx.skips_test_code(META.name) {
        return;
    }
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
    if !(f.returns_future && f.output_result)
        || benign_error
        || BENIGN_CALLEES.contains(&f.name.as_str())
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
