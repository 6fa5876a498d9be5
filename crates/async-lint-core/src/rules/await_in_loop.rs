//! The `await-in-loop` rule; its docs are one page, `rules/await-in-loop.md`.

use super::Rule;
use crate::analyses::callees;
use crate::analyses::dataflow::{self, Flow, Names};
use crate::context::Context;
use crate::finding::Finding;
use crate::Runtime;
use syn::Expr;

mod callee;
mod local_work;
mod macro_awaits;
mod memo;
mod order;

declare_rule! { AwaitInLoop: "await-in-loop", triggers: &["await"],
    summary: "a loop that awaits one independent item at a time (`buffer_unordered`, `join_all`, `JoinSet`)",
}

impl Rule for AwaitInLoop {
    rule_meta!();

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        if !cx.innermost_frame().is_some_and(|f| f.kind.is_async()) {
            return;
        }
        let Some(shape) = loop_shape(cx, expr) else {
            return;
        };
        if let Some(f) = check_loop(cx, &shape) {
            out.push(f);
        }
    }
}

/// The parts of a loop over items.
struct Shape<'a> {
    pat: &'a syn::Pat,
    /// What is iterated: the `for` expression, or the iterator of `while let .. = it.next()`.
    items: &'a Expr,
    body: &'a syn::Block,
    /// Names the `while let` condition reads (the iterator): the body must not write them.
    cond_reads: Names,
    head: crate::source::Span,
}

fn loop_shape<'a>(cx: &Context<'_>, expr: &'a Expr) -> Option<Shape<'a>> {
    match expr {
        Expr::ForLoop(f) => {
            if tiny_literal(&f.expr) || Flow::of_expr(&f.expr).awaits {
                return None;
            }
            Some(Shape {
                pat: &f.pat,
                items: &f.expr,
                body: &f.body,
                cond_reads: Names::new(),
                head: cx.span(&f.for_token).to(cx.span(&f.expr)),
            })
        }
        Expr::While(w) => {
            let Expr::Let(l) = &*w.cond else { return None };
            let Expr::MethodCall(m) = &*l.expr else {
                return None;
            };
            let flow = Flow::of_expr(&l.expr);
            if m.method != "next" || !m.args.is_empty() || flow.awaits {
                return None;
            }
            dataflow::place_path(&m.receiver)?;
            // `Some(x)`: the item is `x`.
            let syn::Pat::TupleStruct(t) = &*l.pat else {
                return None;
            };
            let is_some = t.path.segments.last().is_some_and(|s| s.ident == "Some");
            let (true, Some(item)) = (is_some && t.elems.len() == 1, t.elems.first()) else {
                return None;
            };
            Some(Shape {
                pat: item,
                items: &m.receiver,
                body: &w.body,
                cond_reads: flow.reads,
                head: cx.span(&w.while_token).to(cx.span(&w.cond)),
            })
        }
        _ => None,
    }
}

/// `[a, b]`, `&[a, b, c]`, `vec![a, b]`, `[a, b].iter().enumerate()`, `Kind::iter()`: a
/// fixed handful of items, where a loop reads
/// better than a concurrent form and saves little.
fn tiny_literal(e: &Expr) -> bool {
    match e {
        Expr::Array(a) => a.elems.len() <= 3,
        Expr::Macro(m) if m.mac.path.is_ident("vec") => m
            .mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
            .is_ok_and(|p| p.len() <= 3),
        // `Kind::iter()` over an enum's variants (strum's `EnumIter`): a fixed handful.
        Expr::Call(c) if c.args.is_empty() => matches!(&*c.func, Expr::Path(p) if {
            let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
            matches!(segs.as_slice(), [.., ty, last]
                if last == "iter" && ty.starts_with(|c: char| c.is_uppercase()))
        }),
        Expr::Reference(r) => tiny_literal(&r.expr),
        Expr::Paren(p) => tiny_literal(&p.expr),
        Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "iter" | "into_iter" | "iter_mut" | "enumerate" | "rev" | "copied" | "cloned"
            ) =>
        {
            tiny_literal(&m.receiver)
        }
        _ => false,
    }
}

/// `for config in configs` where `let configs = vec![a, b];` (or an array of up to three):
/// the handful is named before the loop.
fn tiny_local(cx: &Context<'_>, items: &Expr) -> bool {
    let Some(name) = dataflow::place_path(items).filter(|p| !p.contains('.')) else {
        return false;
    };
    let Some(b) = cx.local(&name) else {
        return false;
    };
    let rest = cx.file.text.get(b.span.end..).unwrap_or("");
    let Some((head, tail)) = rest.split_once('=') else {
        return false;
    };
    if head.contains(['{', ';', '(', ')', ',']) {
        return false;
    }
    tail.split_once(';')
        .and_then(|(init, _)| syn::parse_str::<Expr>(init).ok())
        .is_some_and(|e| tiny_literal(&e))
}

fn peel(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => peel(&p.expr),
        Expr::Group(g) => peel(&g.expr),
        _ => e,
    }
}

/// The finding for a loop whose awaits are independent per item, if it is one.
fn check_loop(cx: &Context<'_>, shape: &Shape<'_>) -> Option<Finding> {
    let body = shape.body;
    let body_flow = Flow::of_stmts(&body.stmts);
    if body_flow.selects {
        return None;
    }
    // Awaits inside the arguments of a macro the engine reads (`info!("{}", f(x).await)`)
    // count as the body's own; inside any other macro they cannot be judged.
    let macro_args = macro_awaits::parsed(body)?;
    let mut awaits = dataflow::direct_awaits(body, true);
    awaits.extend(macro_awaits::awaits_in(&macro_args));
    awaits.sort_by_key(|a| cx.span(*a).start);
    let first = awaits.first()?;
    // Items taken in reverse or drained from a queue of messages: their order is the point.
    // A loop that checks each result with an assertion is a table of cases run in turn.
    // An outer loop whose body holds a loop that awaits is left to the inner one.
    if order::order_chosen(shape.items)
        || order::prepended(cx, shape.items, shape.head.start)
        || order::asserts_each(body)
        || dataflow::direct_awaits(body, false).len() > dataflow::direct_awaits(body, true).len()
        || (dataflow::awaits_in_macros(body, false) && !dataflow::awaits_in_macros(body, true))
        || tiny_local(cx, shape.items)
    {
        return None;
    }
    let item_vars: Names = dataflow::pat_names(shape.pat)
        .into_iter()
        .map(|n| n.name)
        .collect();
    if item_vars.is_empty() {
        return None;
    }
    let mut per_item = dataflow::derived(&body.stmts, &item_vars);
    per_item.extend(item_vars.iter().cloned());
    // Every await must be work made by a call: a sleep or interval paces the loop on purpose,
    // locks and channels order it, writes (`insert`, `execute`…) to a resource every
    // iteration shares keep their order, and awaiting a future or handle made earlier
    // (`h.await`) collects work already running. Each item invoked in turn with the same
    // inputs is a handler or hook; a callee that returns a task's handle only starts it; a
    // callee that only walks in-memory data has no wait to overlap.
    let mut futures = Vec::new();
    for a in &awaits {
        let future = peel(&a.base);
        if !matches!(future, Expr::Call(_) | Expr::MethodCall(_))
            || (dataflow::coordination_wait(future).is_some() && !order::request_send(future))
            || (dataflow::effect_call(future).is_some()
                && !order::acts_on_item_resource(body, future, &item_vars, &per_item)
                && !callee::removes_by_request(future, cx, &per_item))
            || callee::writes_one_destination(cx, future, &per_item)
            || callee::runs_task_per_item(cx, future)
            || callees::locks_first(cx, future)
            || order::feeds_ordered_resource(future)
            || order::changes_subscription(future)
            || order::invokes_item(future, &item_vars, &per_item)
            || callees::returns_task_handle(cx, future)
            || local_work::works_in_place(cx, future)
        {
            return None;
        }
        futures.push((*a, future, Flow::of_expr(future)));
    }

    // Loop-carried state: what the body writes of the names around the loop, and what is
    // computed from it inside the body.
    // Names from around the loop: free in the body, other than the item itself.
    let outer = |n: &String| body_flow.reads.contains(n) && !item_vars.contains(n);
    let exclusive = |n: &str| cx.local(n).is_some_and(|b| b.exclusive());
    let mut carried: Names = body_flow.writes().filter(|n| outer(n)).cloned().collect();
    carried.extend(
        body_flow
            .receivers
            .iter()
            .map(|r| r.split('.').next().unwrap_or(r).to_string())
            .filter(|root| outer(root) && exclusive(root)),
    );
    // A memo keyed by the item (`if seen.contains(&id) { continue }`, `seen.insert(id)`) only
    // ever returns an iteration's own key: it steers no other iteration.
    carried.retain(|n| !memo::keyed_by_item(body, n, &per_item));
    // Carried state read back where the body decides or computes (`if seen.contains(..)`,
    // `let next = cursor + 1`) steers the next iteration.
    let control = dataflow::control_reads(&body.stmts);
    if carried
        .iter()
        .any(|n| shape.cond_reads.contains(n) || control.contains(n))
    {
        return None;
    }
    let mut tainted = dataflow::derived(&body.stmts, &carried);
    tainted.extend(carried);

    let mut depends_on_item = false;
    for (_, _, flow) in &futures {
        if flow.reads.iter().any(|n| tainted.contains(n)) {
            return None;
        }
        // One connection, writer or `&mut self` used by every iteration: they must queue.
        let shared_exclusive = flow
            .reads
            .iter()
            .any(|n| outer(n) && !per_item.contains(n) && exclusive(n));
        let ordered = flow.receivers.iter().chain(flow.values()).any(|r| {
            let root = r.split('.').next().unwrap_or(r);
            !per_item.contains(root) && (dataflow::ordered_receiver(r) || order::queues(r))
        });
        if shared_exclusive || ordered {
            return None;
        }
        depends_on_item |= flow.reads.iter().any(|n| per_item.contains(n));
    }
    if !depends_on_item {
        return None;
    }
    // An exit that holds or follows the first await (nested loops' included) is decided by
    // an awaited result.
    let first_await = dataflow::direct_awaits(body, false)
        .first()
        .map_or(cx.span(*first).start, |a| cx.span(*a).start);
    // `return Err(..)` fails fast, as `?` and `try_join_all` do.
    if dataflow::loop_exits(body)
        .iter()
        .any(|e| cx.span(*e).end > first_await && !order::returns_error(e))
    {
        return None;
    }
    let in_order = order::keeps_order(body, |n| {
        body_flow.reads.contains(n) && !item_vars.contains(n)
    });
    Some(report(cx, shape, &futures, &item_vars, in_order))
}

fn report(
    cx: &Context<'_>,
    shape: &Shape<'_>,
    futures: &[(&syn::ExprAwait, &Expr, Flow)],
    item_vars: &Names,
    in_order: bool,
) -> Finding {
    let (_, first, _) = &futures[0];
    let shown = super::describe_call(cx, first);
    let mut f = Finding::new(
        META.name,
        shape.head,
        format!("loop awaits `{shown}` one item at a time"),
    )
    .label("each iteration waits for the previous one to finish");
    for (a, _, _) in futures {
        f = f.secondary(cx.span(*a), "awaited once per item, in turn");
    }
    let items = short(cx.text(shape.items)).unwrap_or_else(|| "items".into());
    let pat = short(cx.text(shape.pat)).unwrap_or_else(|| "item".into());
    // The future itself fits in the closure when every name it reads is the item or was
    // there before the loop (none is computed inside the body).
    let closure = match futures {
        [(_, fut, flow)] => {
            let body_free = Flow::of_stmts(&shape.body.stmts).reads;
            let direct = flow
                .reads
                .iter()
                .all(|n| body_free.contains(n) || item_vars.contains(n));
            short(cx.text(*fut))
                .filter(|_| direct)
                .map(|f| format!("async move {{ {f}.await }}"))
        }
        _ => None,
    }
    .unwrap_or_else(|| "async move { .. }".into());
    let join_set = match cx.krate.runtime {
        Runtime::Tokio => "a `tokio::task::JoinSet`",
        _ => "a set of spawned tasks",
    };
    let adapter = if in_order {
        "buffered(8)` (it yields the results in the items' order, which the loop's output \
         follows)"
    } else {
        "buffer_unordered(8)` (it yields the results as they complete)"
    };
    f.help(format!(
        "run the items with bounded concurrency: \
         `futures::stream::iter({items}).map(|{pat}| {closure}).{adapter}; \
         `futures::future::join_all` suits a few items, {join_set} with a limit suits work \
         that is CPU-heavy or must be spawned"
    ))
    .note(
        "no iteration reads what an earlier one produced and none leaves the loop on its \
         result, so the items could be in flight together; in turn, n items take n round trips",
    )
}

/// The text when it is one short line.
fn short(text: &str) -> Option<String> {
    (text.len() <= 60 && !text.contains('\n')).then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use crate::{CrateInfo, Engine, Runtime, Selection, SourceFile};

    fn help(src: &str, runtime: Runtime) -> String {
        let engine = Engine::new(
            &crate::Config::default(),
            &Selection {
                select: vec!["await-in-loop".into()],
                ignore: vec![],
            },
        );
        let file = SourceFile::new("lib.rs", src.to_string());
        let krate = CrateInfo {
            runtime,
            ..CrateInfo::default()
        };
        let f = engine.lint(&file, &krate, vec!["crate".into()]).findings;
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].labels.len(), 1, "a label on the await");
        f[0].help.clone().unwrap_or_default()
    }

    #[test]
    fn the_help_spells_out_the_stream_form() {
        let src = "async fn f(urls: Vec<String>) {\n    for url in urls {\n        fetch(&url).await;\n    }\n}\n";
        let h = help(src, Runtime::Tokio);
        assert!(
            h.contains(
                "futures::stream::iter(urls).map(|url| async move { fetch(&url).await }).buffer_unordered(8)"
            ),
            "{h}"
        );
        assert!(h.contains("tokio::task::JoinSet"), "{h}");
        assert!(!help(src, Runtime::Smol).contains("tokio"));
    }

    #[test]
    fn values_computed_in_the_body_keep_the_closure_elided() {
        let src = "async fn f(ids: Vec<u32>) {\n    for id in ids {\n        let u = url(id);\n        fetch(&u).await;\n    }\n}\n";
        assert!(help(src, Runtime::Tokio).contains(".map(|id| async move { .. })"));
    }
}
