//! ## What it does
//! Flags two or more `let x = f().await;` statements in a row whose futures do not depend on
//! each other: no later future reads a value an earlier one produced, they share no receiver
//! that needs exclusive access, and none is a sleep, a lock, a channel operation or a
//! `select!`.
//!
//! ## Why is this bad?
//! Each `.await` waits for its future to finish before the next one starts, so the waits add
//! up. Futures that do not need each other can be polled together (`join!`, `try_join!`) and
//! the whole step then takes as long as the slowest of them.
//!
//! ## Example
//! ```rust
//! async fn page(id: u64) -> Result<Page, Error> {
//!     let user = fetch_user(id).await?;
//!     let posts = fetch_posts(id).await?;
//!     Ok(Page { user, posts })
//! }
//! ```
//!
//! ## Use instead
//! ```rust
//! async fn page(id: u64) -> Result<Page, Error> {
//!     let (user, posts) = tokio::try_join!(fetch_user(id), fetch_posts(id))?;
//!     Ok(Page { user, posts })
//! }
//! ```

use super::{Rule, RuleMeta};
use crate::context::dataflow::{self, Flow};
use crate::context::Context;
use crate::finding::{Applicability, Finding, Severity, Suggestion};
use crate::source::Span;
use crate::Runtime;
use std::collections::HashMap;
use syn::{Expr, Pat, Stmt};

pub struct SequentialAwaits;

static META: RuleMeta = RuleMeta {
    name: "sequential-awaits",
    default_severity: Severity::Warning,
    summary: "independent awaits run one after another that could run concurrently (`join!`, `try_join!`)",
    doc: include_str!("../../../../rules/sequential-awaits.md"),
    options: &[],
    triggers: &["await"],
};

impl Rule for SequentialAwaits {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_block(&self, cx: &Context<'_>, block: &syn::Block, out: &mut Vec<Finding>) {
        if !cx.innermost_frame().is_some_and(|f| f.kind.is_async()) {
            return;
        }
        if cx.skips_test_code(META.name) {
            return;
        }
        let stmts = &block.stmts;
        // Exclusive access of the names bound by this block's own `let`s so far; the context
        // only knows the bindings made before the block.
        let mut here: HashMap<String, bool> = HashMap::new();
        let mut run: Vec<Candidate<'_>> = Vec::new();
        for (i, stmt) in stmts.iter().enumerate() {
            match candidate(cx, stmts, i) {
                Some(c) => {
                    let exclusive = |name: &str| match here.get(name) {
                        Some(e) => *e,
                        None => cx.local(name).is_some_and(|b| b.exclusive()),
                    };
                    if !independent(&run, &c, exclusive) {
                        flush(cx, &mut run, out);
                    }
                    run.push(c);
                }
                None => flush(cx, &mut run, out),
            }
            if let Stmt::Local(l) = stmt {
                let exclusive = dataflow::exclusive_names(l);
                for n in dataflow::pat_names(&l.pat) {
                    let e = exclusive.contains(&n.name);
                    here.insert(n.name, e);
                }
            }
        }
        flush(cx, &mut run, out);
    }
}

/// One `let <pat> = <call>.await[?];` that could join others.
struct Candidate<'a> {
    local: &'a syn::Local,
    /// The awaited future (a call).
    future: &'a Expr,
    /// The `<future>.await` expression.
    awaited: &'a Expr,
    /// Followed by `?`.
    tried: bool,
    names: Vec<String>,
    flow: Flow,
    /// The future's text without whitespace: the same call twice is a repetition.
    text: String,
}

/// The statement at `i` as a candidate: a `let` without `else`, binding names that are all
/// used later, initialised by awaiting a call that awaits nothing itself, is not a
/// coordination wait (sleep, lock, channel, task, select) and has no effect by its name
/// (`insert`, `save`, `create`…: effects keep their order).
fn candidate<'a>(cx: &Context<'_>, stmts: &'a [Stmt], i: usize) -> Option<Candidate<'a>> {
    let Stmt::Local(local) = &stmts[i] else {
        return None;
    };
    let init = local.init.as_ref()?;
    if init.diverge.is_some() {
        return None;
    }
    let (awaited, tried) = match &*init.expr {
        Expr::Try(t) => (&*t.expr, true),
        e => (e, false),
    };
    let Expr::Await(a) = awaited else {
        return None;
    };
    let future = peel(&a.base);
    if !matches!(future, Expr::Call(_) | Expr::MethodCall(_)) {
        return None;
    }
    let flow = Flow::of_expr(future);
    if flow.awaits
        || flow.selects
        || dataflow::coordination_wait(future).is_some()
        || dataflow::effect_call(future).is_some()
    {
        return None;
    }
    let names: Vec<String> = dataflow::pat_names(&local.pat)
        .into_iter()
        .map(|n| n.name)
        .collect();
    let rest = &stmts[i + 1..];
    let used = !names.is_empty()
        && names
            .iter()
            .all(|n| !n.starts_with('_') && dataflow::read_before_rebound(rest, n));
    let text = cx.text(future).split_whitespace().collect();
    used.then_some(Candidate {
        local,
        future,
        awaited,
        tried,
        names,
        flow,
        text,
    })
}

fn peel(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => peel(&p.expr),
        Expr::Group(g) => peel(&g.expr),
        _ => e,
    }
}

/// Can `c` join the run: it reads nothing the run binds, repeats no member's call, and
/// shares with no member a name that gives exclusive access, that either writes, or that
/// names something ordered (a transaction, a connection, a writer…)?
fn independent(run: &[Candidate<'_>], c: &Candidate<'_>, exclusive: impl Fn(&str) -> bool) -> bool {
    if run
        .iter()
        .flat_map(|m| &m.names)
        .any(|n| c.flow.reads.contains(n))
    {
        return false;
    }
    run.iter().all(|m| {
        let shared_ok = c.flow.reads.intersection(&m.flow.reads).all(|n| {
            let ordered = dataflow::ordered_receiver(n) && !c.flow.called.contains(n);
            let conflict =
                exclusive(n) || c.flow.writes_name(n) || m.flow.writes_name(n) || ordered;
            !conflict
        });
        let receivers_ok = c
            .flow
            .receivers
            .intersection(&m.flow.receivers)
            .all(|r| !dataflow::ordered_receiver(r));
        m.text != c.text && shared_ok && receivers_ok
    })
}

/// Reports the run if it holds two or more awaits, and empties it.
fn flush(cx: &Context<'_>, run: &mut Vec<Candidate<'_>>, out: &mut Vec<Finding>) {
    if run.len() >= 2 {
        out.push(report(cx, run));
    }
    run.clear();
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn report(cx: &Context<'_>, run: &[Candidate<'_>]) -> Finding {
    let span = cx.span(run[0].local).to(cx.span(run[run.len() - 1].local));
    let shown: Vec<String> = run
        .iter()
        .map(|c| format!("`{}`", super::describe_call(cx, c.future)))
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
    let replacement = rewrite(cx, run, mac, all_tried, span);
    f = match &replacement {
        Some(r) if r.len() <= 120 && !r.contains('\n') => {
            f.help(format!("poll them together: `{r}`"))
        }
        Some(r) if r.contains('\n') => f.help(format!(
            "poll them together with `{mac}(..)`, then apply `?` to the fallible results"
        )),
        _ => f.help(format!(
            "poll them together with `{mac}(..)`, which waits for all of them at once"
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
        let (pat, ty) = match &c.local.pat {
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

#[cfg(test)]
mod tests {
    use crate::{CrateInfo, Engine, Runtime, Selection, SourceFile};

    fn findings(src: &str, runtime: Runtime) -> Vec<crate::Finding> {
        let engine = Engine::new(
            &crate::Config::default(),
            &Selection {
                select: vec!["sequential-awaits".into()],
                ignore: vec![],
            },
        );
        let file = SourceFile::new("lib.rs", src.to_string());
        let krate = CrateInfo {
            runtime,
            ..CrateInfo::default()
        };
        engine.lint(&file, &krate, vec!["crate".into()]).findings
    }

    fn replacement(src: &str, runtime: Runtime) -> String {
        let f = findings(src, runtime);
        assert_eq!(f.len(), 1, "{f:?}");
        let s = f[0].suggestion.as_ref().expect("a suggestion");
        assert_eq!(s.applicability, crate::Applicability::MaybeIncorrect);
        assert_eq!(
            s.span, f[0].span,
            "the suggestion replaces every statement of the run"
        );
        s.replacement.clone()
    }

    #[test]
    fn try_join_with_the_crates_runtime() {
        let src = "async fn f() -> R {\n    let a = x(1).await?;\n    let b = y(2).await?;\n    Ok((a, b))\n}\n";
        assert_eq!(
            replacement(src, Runtime::Tokio),
            "let (a, b) = tokio::try_join!(x(1), y(2))?;"
        );
        assert_eq!(
            replacement(src, Runtime::AsyncStd),
            "let (a, b) = futures::try_join!(x(1), y(2))?;"
        );
    }

    #[test]
    fn join_when_nothing_is_fallible_and_patterns_kept() {
        let src = "async fn f() {\n    let (a, b) = x().await;\n    let mut c: u8 = y().await;\n    g(a, b, c);\n}\n";
        assert_eq!(
            replacement(src, Runtime::Tokio),
            "let ((a, b), mut c): (_, u8) = tokio::join!(x(), y());"
        );
    }

    #[test]
    fn mixed_fallibility_unwraps_after_the_join() {
        let src = "async fn f() -> R {\n    let a = x().await?;\n    let b = y().await;\n    Ok((a, b))\n}\n";
        assert_eq!(
            replacement(src, Runtime::Tokio),
            "let (a, b) = tokio::join!(x(), y());\n    let a = a?;"
        );
    }

    #[test]
    fn a_label_on_every_await() {
        let src = "async fn f() {\n    let a = x().await;\n    let b = y().await;\n    let c = z().await;\n    g(a, b, c);\n}\n";
        let f = findings(src, Runtime::Tokio);
        assert_eq!(f[0].labels.len(), 3);
        assert!(f[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("tokio::join!(x(), y(), z())")));
    }
}
