//! The `busy-wait` rule; its docs are one page, `rules/busy-wait.md`.

mod scan;

use super::Rule;
use crate::context::Context;
use crate::finding::Finding;
use crate::source::Span;
use scan::Scan;
use syn::visit::Visit;
use syn::Expr;

// The loop must be in an async body.
declare_rule! { BusyWait: "busy-wait", triggers: &["async"],
    summary: "a loop in async code that waits for local state (an atomic, a locked flag, `try_recv`, `is_finished()`) by sleeping between checks or spinning",
}

impl Rule for BusyWait {
    rule_meta!();

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        let (head, cond, body) = match expr {
            Expr::While(w) => (
                cx.span(&w.while_token).to(cx.span(&*w.cond)),
                Some(&*w.cond),
                &w.body,
            ),
            Expr::Loop(l) => (cx.span(&l.loop_token), None, &l.body),
            _ => return,
        };
        // Awaits are only possible directly in an async body (not in an inline closure).
        if !cx.innermost_frame().is_some_and(|f| f.kind.is_async()) {
            return;
        }
        let mut scan = Scan::new(cx);
        if let Some(c) = cond {
            scan.condition(c);
        }
        scan.visit_block(body);
        if scan.work || scan.drains {
            return;
        }
        let Some(read) = scan.waits.first() else {
            return;
        };
        let polling = match (scan.timer, scan.awaits) {
            (Some(t), _) => Some(t),
            (None, false) => None,
            // It awaits something only in some branches: not a plain poll or spin.
            (None, true) => return,
        };
        out.push(report(head, read, polling));
    }
}

fn report(head: Span, read: &scan::Read, timer: Option<Span>) -> Finding {
    let what = &read.family.what;
    let read_text = &read.text;
    let f = match timer {
        Some(t) => Finding::new(
            META.name,
            head,
            format!("this loop waits for {what} by polling `{read_text}` between sleeps"),
        )
        .label("polls until the state changes")
        .secondary(read.at, "local state: another task or thread changes it")
        .secondary(t, "sleeps between checks")
        .note(
            "each round wakes the task for nothing, and the change is seen up to a whole sleep \
             late; whoever changes the state can wake the waiter at the moment it does",
        ),
        None => Finding::new(
            META.name,
            head,
            format!("this loop waits for {what} by spinning on `{read_text}`: it never yields to the executor"),
        )
        .label("spins until the state changes")
        .secondary(read.at, "local state: another task or thread changes it")
        .note(
            "the loop never awaits, so the executor thread is held until another thread \
             changes the state; a task that would change it may never get to run on this thread",
        ),
    };
    f.help(read.family.help.clone())
}
