//! The `cancel-unsafe-select` rule; its docs are one page, `rules/cancel-unsafe-select.md`.

use super::{describe_call, Rule};
use crate::catalog::cancel::{CancelSafety, Operation};
use crate::context::spawn::task_future;
use crate::context::{select_arms, Context, FrameKind, HotPath, Loop, LoopKind, SelectArm};
use crate::finding::Finding;
use crate::index::Callee;
use syn::visit::Visit;
use syn::Expr;

// From the catalogue at run time (see `rule_meta!`).
declare_rule! { CancelUnsafeSelect: "cancel-unsafe-select", triggers: &[],
    summary: "a `select!` arm in a loop whose future is not cancel safe and made afresh each iteration: its partial work is lost when another arm wins",
}

impl Rule for CancelUnsafeSelect {
    // How the catalogued racing macros are invoked or imported (`select!`, `select as`).
    rule_meta!(triggers: || CancelSafety::builtin().select_words());

    fn check_macro(&self, cx: &Context<'_>, mac: &syn::Macro, out: &mut Vec<Finding>) {
        let cat = CancelSafety::builtin();
        let Some(shown) = select_macro(cx, cat, mac) else {
            return;
        };
        if !cx.in_async() {
            return;
        }
        // Only a loop of the body the `select!` runs in makes its futures again and again.
        let Some(HotPath::Loop {
            lp, outer: false, ..
        }) = cx.hot_path()
        else {
            return;
        };
        if matches!(lp.kind, LoopKind::Adapter(_)) {
            return;
        }
        let Some(arms) = select_arms(mac) else {
            return;
        };
        for (i, arm) in arms.iter().enumerate() {
            let Some(future) = &arm.future else { continue };
            let hit = awaited_in(future)
                .into_iter()
                .find_map(|e| operation(cx, cat, e, lp));
            let Some(hit) = hit else { continue };
            // Lost work matters only if the loop goes on after another arm wins.
            let Some(rival) = arms
                .iter()
                .enumerate()
                .find(|(j, a)| *j != i && (a.future.is_some() || a.default) && !leaves(&a.handler))
                .map(|(_, a)| a)
            else {
                continue;
            };
            out.push(finding(cx, &shown, lp, &hit, rival));
        }
    }
}

/// A not-cancel-safe operation found in an arm.
struct Hit<'e> {
    call: &'e Expr,
    name: String,
    op: &'static Operation,
    /// For a crate async fn: the operation it awaits (`read_exact`).
    via: Option<String>,
}

/// How the macro is shown when it is a catalogued racing macro (`tokio::select!`).
fn select_macro(cx: &Context<'_>, cat: &CancelSafety, mac: &syn::Macro) -> Option<String> {
    let ident = &mac.path.segments.last()?.ident;
    // A racing macro's name, or a one-segment import under another name.
    if !cat.select_macro_names().any(|n| ident == n) && !cx.may_name(&mac.path, std::iter::empty())
    {
        return None;
    }
    let last = ident.to_string();
    match cx.resolve(&mac.path) {
        Some(path) if cat.is_select(&path) => Some(format!("{path}!")),
        Some(_) => None,
        // A bare `select!` imported by a glob or `#[macro_use]`.
        None => cat
            .select_macro_names()
            .any(|n| n == last)
            .then(|| format!("{last}!")),
    }
}

/// What an arm's future runs that may lose work when the future is dropped: the future
/// itself (wrappers such as `.fuse()` and `Box::pin` peeled), or the operations awaited in an
/// `async` block given as the future. A reference to a future (`&mut fut`) made before the
/// loop is not made afresh, and a crate fn is not followed.
fn awaited_in(future: &Expr) -> Vec<&Expr> {
    match task_future(future) {
        Expr::Async(a) => {
            let mut awaited = Awaited(Vec::new());
            awaited.visit_block(&a.block);
            awaited.0.into_iter().map(task_future).collect()
        }
        fut => vec![fut],
    }
}

/// The catalogued operation `e` calls, when it is not cancel safe and its partial work is not
/// kept by something that outlives the iteration.
fn operation<'e>(
    cx: &Context<'_>,
    cat: &'static CancelSafety,
    e: &'e Expr,
    lp: &Loop,
) -> Option<Hit<'e>> {
    let (op, name, args) = match e {
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            let ty = cx.type_of(&m.receiver);
            // The crate's own method of that name is not the catalogue's.
            if ty
                .as_ref()
                .is_some_and(|t| cx.fn_sig(&format!("{t}::{name}")).is_some())
            {
                return None;
            }
            let Some(op) = cat.method(&name, ty.as_deref()) else {
                return crate_fn(cx, cat, e);
            };
            (op, name, m.args.iter().collect::<Vec<_>>())
        }
        Expr::Call(c) => {
            let Expr::Path(p) = &*c.func else { return None };
            let path = cx.resolve_callee(&p.path, |c| cat.function(c).is_some());
            let Some((op, path)) = path.and_then(|p| Some((cat.function(&p)?, p))) else {
                return crate_fn(cx, cat, e);
            };
            (op, path, c.args.iter().collect())
        }
        _ => return None,
    };
    if op.cancel_safe {
        return None;
    }
    if let Some(k) = op.kept_in {
        if !made_in_loop(cx, args.get(k)?, lp) {
            return None;
        }
    }
    if let Some(k) = op.moves {
        if !fresh_value(cx, args.get(k)?, lp, 4) {
            return None;
        }
    }
    Some(Hit {
        call: e,
        name,
        op,
        via: None,
    })
}

/// A call of an async fn of the crate that awaits, in its own body, an operation that loses
/// work whatever its arguments (`read_exact`, `write_all`…, as the crate index recorded its
/// calls): dropping the fn's future drops that operation's.
fn crate_fn<'e>(cx: &Context<'_>, cat: &'static CancelSafety, e: &'e Expr) -> Option<Hit<'e>> {
    let f = cx.called_fn(e)?;
    if !f.is_async || f.file().is_duplicated(&f.path) {
        return None;
    }
    f.calls
        .iter()
        .filter(|c| c.awaited && c.frame == FrameKind::AsyncFn)
        .find_map(|c| {
            let (op, name) = match &c.callee {
                Callee::Method { name, receiver } => (cat.method(name, receiver.as_deref())?, name),
                Callee::Path { path, .. } => (cat.function(path)?, path),
            };
            let always = !op.cancel_safe && op.kept_in.is_none() && op.moves.is_none();
            always.then(|| Hit {
                call: e,
                name: f.name.clone(),
                op,
                via: Some(name.clone()),
            })
        })
}

/// The operands of the `.await`s of an async block, outside nested closures and blocks.
struct Awaited<'e>(Vec<&'e Expr>);

impl<'e> Visit<'e> for Awaited<'e> {
    fn visit_expr(&mut self, e: &'e Expr) {
        match e {
            Expr::Await(a) => {
                self.0.push(&a.base);
                syn::visit::visit_expr(self, &a.base);
            }
            Expr::Closure(_) | Expr::Async(_) => {}
            _ => syn::visit::visit_expr(self, e),
        }
    }
}

/// Is the place an argument names made anew in each iteration of `lp` (a local declared in
/// the loop, or a temporary)? A buffer declared before the loop keeps what was read into it.
fn made_in_loop(cx: &Context<'_>, arg: &Expr, lp: &Loop) -> bool {
    match arg {
        Expr::Reference(r) => made_in_loop(cx, &r.expr, lp),
        Expr::Paren(p) => made_in_loop(cx, &p.expr, lp),
        Expr::Field(f) => made_in_loop(cx, &f.base, lp),
        Expr::Index(i) => made_in_loop(cx, &i.expr, lp),
        Expr::Unary(u) => made_in_loop(cx, &u.expr, lp),
        Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "as_mut" | "borrow_mut") => {
            made_in_loop(cx, &m.receiver, lp)
        }
        Expr::Path(p) => declared_in_loop(cx, p, lp),
        _ => true,
    }
}

/// Is a path a local declared inside `lp` (or inside the arm's async block, which the visitor
/// has not bound yet)? `self`, locals from before the loop and items are not.
fn declared_in_loop(cx: &Context<'_>, p: &syn::ExprPath, lp: &Loop) -> bool {
    let Some(id) = p.path.get_ident() else {
        return false;
    };
    if id == "self" {
        return false;
    }
    match cx.local(&id.to_string()) {
        Some(b) => b.span.start > lp.span.start,
        // Not a local in scope: an item (a const), or a binding of the async block itself.
        None => id
            .to_string()
            .starts_with(|c: char| c.is_lowercase() || c == '_'),
    }
}

/// Is the value moved into the operation (the message of `send`) new in this iteration, so
/// that dropping it loses it? Borrows lose nothing; copies or clones of values from before the
/// loop, literals and constants are made again by the next iteration.
fn fresh_value(cx: &Context<'_>, arg: &Expr, lp: &Loop, depth: usize) -> bool {
    let Some(depth) = depth.checked_sub(1) else {
        return true;
    };
    let fresh = |e: &Expr| fresh_value(cx, e, lp, depth);
    match arg {
        Expr::Reference(_) | Expr::Lit(_) => false,
        Expr::Paren(p) => fresh(&p.expr),
        Expr::Path(p) => declared_in_loop(cx, p, lp),
        Expr::Field(f) => fresh(&f.base),
        Expr::MethodCall(m) => {
            let copy = matches!(
                m.method.to_string().as_str(),
                "clone" | "to_owned" | "to_string" | "to_vec" | "into" | "as_str"
            );
            !copy || fresh(&m.receiver)
        }
        // A constructor or conversion of values: fresh when one of them is.
        Expr::Call(c) => c.args.iter().any(fresh),
        Expr::Struct(s) => s.fields.iter().any(|f| fresh(&f.expr)),
        Expr::Tuple(t) => t.elems.iter().any(fresh),
        _ => true,
    }
}

/// Does an arm's handler always leave the loop (`break`, `return`, a panic), so that the work
/// its winning throws away is given up together with the loop?
fn leaves(e: &Expr) -> bool {
    match e {
        Expr::Break(_) | Expr::Return(_) => true,
        Expr::Paren(p) => leaves(&p.expr),
        Expr::Block(b) => block_leaves(&b.block),
        Expr::If(i) => {
            block_leaves(&i.then_branch) && i.else_branch.as_ref().is_some_and(|(_, e)| leaves(e))
        }
        Expr::Match(m) => !m.arms.is_empty() && m.arms.iter().all(|a| leaves(&a.body)),
        Expr::Macro(m) => diverging_macro(&m.mac),
        Expr::Call(c) => matches!(&*c.func, Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "exit")),
        _ => false,
    }
}

fn block_leaves(b: &syn::Block) -> bool {
    b.stmts.iter().any(|s| match s {
        syn::Stmt::Expr(e, _) => leaves(e),
        syn::Stmt::Macro(m) => diverging_macro(&m.mac),
        _ => false,
    })
}

fn diverging_macro(mac: &syn::Macro) -> bool {
    mac.path.segments.last().is_some_and(|s| {
        matches!(
            s.ident.to_string().as_str(),
            "panic" | "unreachable" | "todo" | "unimplemented" | "bail"
        )
    })
}

fn finding(cx: &Context<'_>, shown: &str, lp: &Loop, hit: &Hit<'_>, rival: &SelectArm) -> Finding {
    let call = describe_call(cx, hit.call);
    let op = hit.op;
    let what = match &hit.via {
        Some(inner) => format!("`{call}` is not cancel safe (it awaits `{inner}`)"),
        None => format!("`{call}` is not cancel safe"),
    };
    let rival_span = match &rival.future {
        Some(f) => cx.span(f),
        None => cx.span(&rival.handler),
    };
    let help = if op.moves.is_some() {
        "make room first and send only once the race is won (`permit = tx.reserve() => permit?.send(msg)`), or keep the message outside the loop and retry it".to_string()
    } else if hit.name == "read_line" {
        "read with `lines()` and `next_line()` (cancel safe), or make the future once before the loop, pin it (`std::pin::pin!`, `tokio::pin!`) and poll `&mut fut` in the arm".to_string()
    } else {
        format!(
            "make the future once before the loop, pin it (`std::pin::pin!`, `tokio::pin!`) and poll `&mut fut` in the arm, making a new one only after it completes; or run `{}` in a task of its own and select on a channel",
            hit.name
        )
    };
    Finding::new(
        META.name,
        cx.span(hit.call),
        format!(
            "{what}: made afresh in a loop, it is dropped unfinished when another arm of `{shown}` wins, losing {}",
            op.lost
        ),
    )
    .label("dropped unfinished whenever another arm wins")
    .secondary(rival_span, "this arm can win, and the loop goes on")
    .secondary(lp.span, "each iteration makes a new future")
    .note(op.source.clone())
    .help(help)
}
