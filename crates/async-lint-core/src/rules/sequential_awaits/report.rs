//! The finding for a run of independent awaits: message, labels, help, and the `join!`
//! rewrite when it is mechanical.

use super::{Candidate, META};
use crate::context::Context;
use crate::finding::{Applicability, Finding, Suggestion};
use crate::source::Span;
use crate::Runtime;
use syn::Pat;

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub(super) fn report(cx: &Context<'_>, run: &[Candidate<'_>]) -> Finding {
    let (Some(first), Some(last)) = (run[0].local, run[run.len() - 1].local) else {
        return report_elements(
            cx,
            run,
            cx.span(run[0].awaited)
                .to(cx.span(run[run.len() - 1].awaited)),
        );
    };
    let span = cx.span(first).to(cx.span(last));
    let shown: Vec<String> = run
        .iter()
        .map(|c| format!("`{}`", crate::rules::describe_call(cx, c.future)))
        .collect();
    let all_tried = run.iter().all(|c| c.tried);
    let (join, try_join) = match cx.krate.runtime {
        Runtime::Tokio => ("tokio::join!", "tokio::try_join!"),
        _ => ("futures::join!", "futures::try_join!"),
    };
    let mac = if all_tried { try_join } else { join };
    let mut f = Finding::new(
        META.name,
        span,
        format!(
            "{} are awaited one after the other but do not depend on each other",
            list(&shown)
        ),
    )
    .label("these awaits run in sequence");
    for (i, c) in run.iter().enumerate() {
        let text = if i == 0 {
            "starts first".to_string()
        } else {
            "starts only once the await above has finished".to_string()
        };
        f = f.secondary(cx.span(c.awaited), text);
    }
    // A statement between the awaits, or a result reshaped after its `.await`, leaves the
    // rewrite to the reader.
    let plain = run[..run.len() - 1].iter().all(|c| !c.followed) && run.iter().all(|c| !c.adapted);
    let replacement = plain
        .then(|| rewrite(cx, run, mac, all_tried, span))
        .flatten();
    let what = if all_tried {
        "which returns their results once all have succeeded, or the first error as soon as one fails"
    } else {
        "which returns once all of them are done"
    };
    f = match &replacement {
        Some(r) if r.len() <= 120 && !r.contains('\n') => {
            f.help(format!("poll them together: `{r}`"))
        }
        Some(r) if r.contains('\n') => f.help(format!(
            "poll them together with `{mac}(..)`, then apply `?` to the fallible results"
        )),
        _ => f.help(format!(
            "start them together with `{mac}(..)`, {what}, before the statements that use \
             their results"
        )),
    };
    f = f.note(format!(
        "{} could run together: none reads what another produces and they share no receiver \
         that needs exclusive access, yet each waits for the one before it, so the waits add up",
        list(&shown)
    ));
    if all_tried {
        f = f.note(format!(
            "`{try_join}` returns the first error and drops the futures still running"
        ));
    }
    if let Some(r) = replacement {
        f = f.suggest(Suggestion {
            message: format!("await them together with `{mac}`"),
            span,
            replacement: r,
            applicability: Applicability::MaybeIncorrect,
        });
    }
    f
}

/// The finding for awaits that are elements of one struct literal, tuple, array or call.
fn report_elements(cx: &Context<'_>, run: &[Candidate<'_>], span: Span) -> Finding {
    let shown: Vec<String> = run
        .iter()
        .map(|c| format!("`{}`", crate::rules::describe_call(cx, c.future)))
        .collect();
    let all_tried = run.iter().all(|c| c.tried);
    let mac = match (cx.krate.runtime, all_tried) {
        (Runtime::Tokio, true) => "tokio::try_join!",
        (Runtime::Tokio, false) => "tokio::join!",
        (_, true) => "futures::try_join!",
        (_, false) => "futures::join!",
    };
    let mut f = Finding::new(
        META.name,
        span,
        format!(
            "{} are awaited one after the other, as parts of one expression, but do not \
             depend on each other",
            list(&shown)
        ),
    )
    .label("each part starts only once the one before it has finished");
    for c in run {
        f = f.secondary(cx.span(c.awaited), "awaited here, in turn");
    }
    f.help(format!(
        "start them together first — `let (a, b) = {mac}({});` — and build the value from \
         the results",
        run.iter()
            .map(|c| crate::rules::describe_call(cx, c.future))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .note(
        "the fields, elements and arguments of one expression are evaluated in order, so \
         each `.await` among them waits for the one before it",
    )
}

/// The run rewritten as one `let (a, b) = join!(..)`. With a mix of `?` and no `?`, `join!`
/// is used and the fallible results are unwrapped after it (simple name patterns only).
fn rewrite(
    cx: &Context<'_>,
    run: &[Candidate<'_>],
    mac: &str,
    all_tried: bool,
    span: Span,
) -> Option<String> {
    let mut pats = Vec::new();
    let mut types = Vec::new();
    let mut unwraps = Vec::new();
    for c in run {
        let (pat, ty) = match &c.local?.pat {
            Pat::Type(t) => (&*t.pat, Some(cx.text(&*t.ty))),
            p => (p, None),
        };
        if c.tried && !all_tried {
            let Pat::Ident(pi) = pat else { return None };
            if pi.subpat.is_some() || pi.by_ref.is_some() {
                return None;
            }
            let name = pi.ident.to_string();
            let mutability = if pi.mutability.is_some() { "mut " } else { "" };
            let annotation = ty.map(|t| format!(": {t}")).unwrap_or_default();
            unwraps.push(format!("let {mutability}{name}{annotation} = {name}?;"));
            pats.push(name);
            types.push(None);
        } else {
            pats.push(cx.text(pat).to_string());
            types.push(ty);
        }
    }
    let futures: Vec<&str> = run.iter().map(|c| cx.text(c.future)).collect();
    let annotation = if types.iter().any(Option::is_some) {
        let t: Vec<&str> = types.iter().map(|t| t.unwrap_or("_")).collect();
        format!(": ({})", t.join(", "))
    } else {
        String::new()
    };
    let question = if all_tried { "?" } else { "" };
    let mut text = format!(
        "let ({}){annotation} = {mac}({}){question};",
        pats.join(", "),
        futures.join(", ")
    );
    let indent = indentation(cx, span.start);
    for u in unwraps {
        text.push('\n');
        text.push_str(&indent);
        text.push_str(&u);
    }
    Some(text)
}

/// The whitespace before `offset` on its line.
fn indentation(cx: &Context<'_>, offset: usize) -> String {
    let before = &cx.file.text[..offset.min(cx.file.text.len())];
    let line = before.rsplit('\n').next().unwrap_or("");
    line.chars().take_while(|c| c.is_whitespace()).collect()
}
