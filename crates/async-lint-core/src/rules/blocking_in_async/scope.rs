//! Findings that are right but rarely worth acting on: blocking in example programs, in
//! one-off code on the way from `main`, and single metadata calls outside loops. They are
//! reported at the `low-value` severity (info by default) with the reason as a note.

use crate::context::{Context, FrameKind};
use crate::finding::Severity;
use crate::index::{is_main, once_in, BlockingInAsyncOptions, FnRef, LowValue};
use std::path::Component;
use syn::Expr;

/// Why the blocking call at `site` is rarely worth acting on, if it is. `cheap_once`: the
/// call blocks through one metadata system call made once (see the catalogue's `cheap`).
pub fn reason(cx: &Context<'_>, site: &Expr, cheap_once: bool) -> Option<&'static str> {
    if in_example(cx) {
        return Some(
            "example code: a demo program that usually runs alone, so little waits on it; code copied from it into a server would block",
        );
    }
    if cx.in_loop() {
        return None;
    }
    if one_off(cx, site) {
        return Some(
            "one-off code: it runs once on the way from `main` (start-up, a one-shot command, shutdown), outside loops and before its callers spawn tasks, so it rarely holds up other tasks",
        );
    }
    cheap_once.then_some(
        "a single metadata system call (`stat`, `mkdir`…) outside any loop: microseconds when the OS has it cached, much longer on a cold or network file system; move it when it runs per item or per request",
    )
}

/// The severity low-value findings get (`None`: not reported).
pub fn severity(cx: &Context<'_>) -> Option<Severity> {
    match cx.options::<BlockingInAsyncOptions>().low_value {
        LowValue::Off => None,
        LowValue::Warning => Some(Severity::Warning),
        LowValue::Info => Some(Severity::Info),
    }
}

/// Is the file an example program (under an `examples/` folder)?
fn in_example(cx: &Context<'_>) -> bool {
    cx.file
        .path
        .components()
        .any(|c| c == Component::Normal("examples".as_ref()))
}

/// Is `site` in the body of an async fn that runs once from `main` — `main` itself or a fn
/// only one-off code calls — before that fn spawns anything?
fn one_off(cx: &Context<'_>, site: &Expr) -> bool {
    let Some(frame) = cx.frame().filter(|f| f.kind == FrameKind::AsyncFn) else {
        return false;
    };
    let Some(own) = cx.own_summary() else {
        return false;
    };
    let Some(i) = own.fns.iter().position(|g| {
        Some(&g.name) == frame.name.as_ref()
            && frame.span.start <= g.span.start
            && g.span.end <= frame.span.end
    }) else {
        return false;
    };
    let f = FnRef::new(own, i);
    once_in(&f, cx.span(site).start, false) && (is_main(&f) || cx.crate_index().one_off(&f))
}
