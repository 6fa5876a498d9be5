//! The `sequential-awaits` rule; its docs are one page, `rules/sequential-awaits.md`.

use super::{Rule, RuleMeta};
use crate::context::dataflow::{self, Flow};
use crate::context::{callees, Context};
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
    doc: include_str!("../../rules/sequential-awaits.md"),
    options: &[],
    triggers: &["await"],
};

impl Rule for SequentialAwaits {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        if !cx.innermost_frame().is_some_and(|f| f.kind.is_async()) {
            return;
        }
        if cx.skips_test_code(META.name) {
            return;
        }
        let elems: Vec<&Expr> = match expr {
            Expr::Struct(s) => s.fields.iter().map(|f| &f.expr).collect(),
            Expr::Tuple(t) => t.elems.iter().collect(),
            Expr::Array(a) => a.elems.iter().collect(),
            Expr::Call(c) => c.args.iter().collect(),
            Expr::MethodCall(m) => m.args.iter().collect(),
            _ => return,
        };
        // Elements are evaluated in order: each awaited one finishes before the next starts.
        let mut run: Vec<Candidate<'_>> = Vec::new();
        for e in elems {
            match awaited_call(cx, e) {
                Some(c) => {
                    let exclusive = |name: &str| cx.local(name).is_some_and(|b| b.exclusive());
                    if !independent(&run, &c, exclusive) {
                        return;
                    }
                    run.push(c);
                }
                // An await this rule cannot judge sits among them.
                None if Flow::of_expr(e).awaits => return,
                None => {}
            }
        }
        flush(cx, &mut run, out);
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
        // Names bound by statements that only process a result of the run: a later member
        // must not read them.
        let mut blocked: Vec<String> = Vec::new();
        for (i, stmt) in stmts.iter().enumerate() {
            match candidate(cx, stmts, i) {
                Some(c) => {
                    let exclusive = |name: &str| match here.get(name) {
                        Some(e) => *e,
                        None => cx.local(name).is_some_and(|b| b.exclusive()),
                    };
                    let reads_blocked = blocked.iter().any(|n| c.flow.reads.contains(n));
                    if reads_blocked || !independent(&run, &c, exclusive) {
                        flush(cx, &mut run, out);
                        blocked.clear();
                    }
                    run.push(c);
                }
                None => match bystander(&run, stmt) {
                    Some(names) => {
                        blocked.extend(names);
                        if let Some(last) = run.last_mut() {
                            last.followed = true;
                        }
                    }
                    None => {
                        flush(cx, &mut run, out);
                        blocked.clear();
                    }
                },
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
    /// The `let`, or `None` for an element of a struct literal, tuple, array or call.
    local: Option<&'a syn::Local>,
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
    /// The awaited result is adapted before it is bound (`.await.context(..)?`).
    adapted: bool,
    /// A statement that processes a result of the run follows it.
    followed: bool,
    /// The callee first takes a lock on its receiver (see [`callees::locks_first`]).
    locks: bool,
}

/// The statement at `i` as a candidate: a `let` without `else`, binding names that are all
/// used later, initialised by an awaited call (see [`awaited_call`]).
fn candidate<'a>(cx: &Context<'_>, stmts: &'a [Stmt], i: usize) -> Option<Candidate<'a>> {
    let Stmt::Local(local) = &stmts[i] else {
        return None;
    };
    let init = local.init.as_ref()?;
    if init.diverge.is_some() {
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
    if !used {
        return None;
    }
    let mut c = awaited_call(cx, &init.expr)?;
    c.local = Some(local);
    c.names = names;
    Some(c)
}

/// Methods that only reshape an awaited result (`.await.context("..")?`,
/// `.await?.is_some()`): the future is still the call before `.await`.
const ADAPTERS: &[&str] = &[
    "context",
    "with_context",
    "map_err",
    "map",
    "ok",
    "err",
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_default",
    "unwrap_or_else",
    "ok_or",
    "ok_or_else",
    "is_some",
    "is_none",
    "is_ok",
    "is_err",
    "into_inner",
];

/// `<call>.await`, `<call>.await?` or `<call>.await` then adapters, whose call awaits
/// nothing itself, is not a coordination wait (sleep, lock, channel, task, select), has no
/// effect by its name (`insert`, `save`, `create`…: effects keep their order) and does not
/// only start a task whose handle it returns.
fn awaited_call<'a>(cx: &Context<'_>, e: &'a Expr) -> Option<Candidate<'a>> {
    let (inner, tried) = match peel(e) {
        Expr::Try(t) => (peel(&t.expr), true),
        other => (other, false),
    };
    let mut cur = inner;
    let mut adapted = false;
    let a = loop {
        match cur {
            Expr::Await(a) => break a,
            Expr::Try(t) => cur = peel(&t.expr),
            Expr::MethodCall(m) if ADAPTERS.contains(&m.method.to_string().as_str()) => {
                adapted = true;
                cur = peel(&m.receiver);
            }
            _ => return None,
        }
    };
    let future = peel(&a.base);
    if !matches!(future, Expr::Call(_) | Expr::MethodCall(_)) {
        return None;
    }
    let own = Flow::of_expr(future);
    if own.awaits
        || own.selects
        || dataflow::coordination_wait(future).is_some()
        || dataflow::effect_call(future).is_some()
        || callees::returns_task_handle(cx, future)
    {
        return None;
    }
    let flow = if adapted { Flow::of_expr(e) } else { own };
    let text = cx.text(future).split_whitespace().collect();
    Some(Candidate {
        local: None,
        future,
        awaited: if adapted { inner } else { e_await(e) },
        tried,
        names: Vec::new(),
        flow,
        text,
        adapted,
        followed: false,
        locks: callees::locks_first(cx, future),
    })
}

/// The `.await` expression of `x.await` or `x.await?`.
fn e_await(e: &Expr) -> &Expr {
    match peel(e) {
        Expr::Try(t) => peel(&t.expr),
        other => other,
    }
}

/// A `let` that only reshapes a result of the run (`let rows = rows.into_iter()..collect();`):
/// it awaits nothing and its value is a method chain on a name the run bound. Its names,
/// when it is one.
fn bystander(run: &[Candidate<'_>], stmt: &Stmt) -> Option<Vec<String>> {
    let Stmt::Local(l) = stmt else { return None };
    let init = l.init.as_ref().filter(|i| i.diverge.is_none())?;
    let flow = Flow::of_expr(&init.expr);
    let root = dataflow::place_root(&init.expr);
    let reads_run = run
        .iter()
        .flat_map(|m| &m.names)
        .any(|n| root.as_ref() == Some(n));
    (!run.is_empty() && reads_run && !flow.awaits && !flow.selects).then(|| {
        dataflow::pat_names(&l.pat)
            .into_iter()
            .map(|n| n.name)
            .collect()
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
        // Two calls whose callees first lock their one receiver take turns anyway.
        let same_lock = m.locks
            && c.locks
            && m.flow
                .receivers
                .intersection(&c.flow.receivers)
                .next()
                .is_some();
        m.text != c.text && shared_ok && receivers_ok && !same_lock
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
        .map(|c| format!("`{}`", super::describe_call(cx, c.future)))
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
            .map(|c| super::describe_call(cx, c.future))
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
