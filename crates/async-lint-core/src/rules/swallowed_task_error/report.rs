//! The findings: a handle dropped, a join result thrown away, `join_all` results ignored.

use super::*;
use crate::finding::Severity;

/// The callee's name in a call: the path of a path call, the method of a method call.
pub(super) fn callee_span(cx: &Context<'_>, call: &Expr) -> Span {
    match strip(call) {
        Expr::Call(c) => cx.span(&c.func),
        Expr::MethodCall(m) => cx.span(&m.method),
        other => cx.span(other),
    }
}

/// The finding for a handle of a fallible task that is dropped.
pub(super) fn dropped_handle(
    cx: &Context<'_>,
    s: &Spawn<'_>,
    at: Option<Span>,
    ev: Evidence,
    message: &str,
) -> Finding {
    let span = at.unwrap_or_else(|| callee_span(cx, s.call));
    Finding::new(META.name, span, message)
        .label("the task's `Err` and panic are lost with the handle")
        .secondary(ev.span, ev.label)
        .help(HELP)
        .note(NOTE)
}

/// The finding for the join result of a fallible task thrown away.
pub(super) fn join_discarded(span: Span, how: How, ev: Evidence) -> Finding {
    let (message, label) = match how {
        How::LetWild => (
            "the join result of a fallible task is thrown away with `let _ =`",
            "`let _ =` drops the task's error and panic",
        ),
        How::Ok => (
            "the join result of a fallible task is thrown away with `.ok()`",
            "`.ok()` drops the task's error and panic",
        ),
        How::Drop => (
            "the join result of a fallible task is thrown away with `drop(..)`",
            "`drop(..)` throws the task's error and panic away",
        ),
        How::IfLetOk => (
            "the join result of a fallible task is looked at only when `Ok`",
            "the `Err` case (a panic or cancellation) is ignored",
        ),
        How::Statement => (
            "the join result of a fallible task is thrown away",
            "the task's error and panic are dropped unread",
        ),
        How::InnerDropped => (
            "the `Result` of a fallible task is thrown away with `let _ =`: only the join error is checked",
            "the task's own error is dropped with the `Ok` value of the join",
        ),
    };
    Finding::new(META.name, span, message)
        .label(label)
        .secondary(ev.span, ev.label)
        .help(HELP)
        .note(NOTE)
}

/// The finding for the results of a collection of fallible tasks thrown away.
pub(super) fn join_all_discarded(span: Span, how: &str, ev: Evidence) -> Finding {
    Finding::new(
        META.name,
        span,
        format!("the results of `{how}` over fallible tasks are thrown away"),
    )
    .label("each task's error and panic are dropped unread")
    .secondary(ev.span, ev.label)
    .help(HELP)
    .note(NOTE)
}

/// The finding for the join result of a task that cannot fail thrown away: its panic is lost.
/// Info: the panic hook has usually printed the panic already, but the program goes on as if
/// the task had finished its work.
pub(super) fn panic_discarded(cx: &Context<'_>, span: Span, how: How, s: &Spawn<'_>) -> Finding {
    let via = if how == How::Ok {
        "`.ok()`"
    } else {
        "`let _ =`"
    };
    Finding::new(
        META.name,
        span,
        format!("the join result of a task is thrown away with {via}: a panic of the task goes unnoticed"),
    )
    .severity(Severity::Info)
    .label("the `JoinError` of a panicked task is dropped here")
    .secondary(callee_span(cx, s.call), "the task spawned here")
    .help("check the join result (`handle.await.expect(\"task panicked\")`, or log its `Err`); abort the task first if cancelling it is what you mean")
    .note("a panic inside a task is caught by the runtime and handed back only through its `JoinHandle`")
}
