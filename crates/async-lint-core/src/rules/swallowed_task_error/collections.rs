//! Collections of handles (`JoinSet`, a `Vec` of handles, `FuturesUnordered`) drained with
//! every result ignored, and `join_all` over spawns.

use super::*;

/// Methods that only look at a collection of handles.
pub(super) const NEUTRAL: &[&str] = &["len", "is_empty", "capacity", "reserve"];

/// A local collection of handles (`JoinSet`, `Vec` of handles, `FuturesUnordered`): flagged
/// where it is drained with every result ignored, when a task put in it can fail and nothing
/// else reads it.
pub(super) fn collection<'e>(
    cx: &Context<'_>,
    name: &syn::Ident,
    mut fills: Vec<Spawn<'e>>,
    rest: &'e [Stmt],
    out: &mut Vec<Finding>,
) {
    let id = name.to_string();
    let uses = uses_of(rest, &id);
    let mut drains: Vec<(Span, Drain)> = Vec::new();
    for u in &uses {
        match collection_use(cx, u, &id) {
            Some(CollectionUse::Fill(s)) => fills.push(s),
            Some(CollectionUse::Drain(d)) => drains.extend(d),
            Some(CollectionUse::Neutral) => {}
            None => return,
        }
    }
    if drains.is_empty() {
        return;
    }
    let Some(ev) = fills.iter().find_map(|s| fallible(cx, s)) else {
        // Tasks that cannot fail: awaiting each with `let _ =` still loses its panic.
        if let Some(s) = fills.first() {
            for (span, drain) in drains {
                if let Drain::Each(how) = drain {
                    if loses_panic(how) {
                        out.push(panic_discarded(cx, span, how, s));
                    }
                }
            }
        }
        return;
    };
    let mut ev = Some(ev);
    for (span, drain) in drains {
        let e = ev.take().unwrap_or_else(|| Evidence {
            span: cx.span(name),
            label: format!("`{id}` holds fallible tasks"),
        });
        out.push(match drain {
            Drain::Each(how) => join_discarded(span, how, e),
            Drain::All(what) => join_all_discarded(span, what, e),
        });
    }
}

/// How a collection's results are thrown away.
#[derive(Debug, Clone, Copy)]
pub(super) enum Drain {
    /// All at once by `join_all` / in a `join_next` loop (named).
    All(&'static str),
    /// One handle at a time, in a `for` loop over the collection.
    Each(How),
}

pub(super) enum CollectionUse<'e> {
    /// A task or future put in.
    Fill(Spawn<'e>),
    /// Results taken out and thrown away, at these places.
    Drain(Vec<(Span, Drain)>),
    /// Looked at, not consumed.
    Neutral,
}

/// What one use of a collection of handles does; `None` when it keeps or passes on the results.
pub(super) fn collection_use<'e>(
    cx: &Context<'_>,
    u: &Use<'e>,
    id: &str,
) -> Option<CollectionUse<'e>> {
    let p0 = u.parent(0)?;
    match p0 {
        Expr::MethodCall(m) if is_local(&m.receiver, id) => {
            let method = m.method.to_string();
            // A spawner method of the vocabulary spawns into the receiver (a `JoinSet`).
            if crate::catalog::vocabulary().spawn_method(&method).is_some() {
                return spawn_call(cx, p0).map(CollectionUse::Fill);
            }
            if method == "push" || method == "push_back" {
                let arg = strip(m.args.first()?);
                let s = spawn_call(cx, arg)?;
                return (s.handle(cx) == Handle::Join).then_some(CollectionUse::Fill(s));
            }
            if NEUTRAL.contains(&method.as_str()) {
                return Some(CollectionUse::Neutral);
            }
            if matches!(method.as_str(), "into_iter" | "drain") {
                return match u.parent(1)? {
                    Expr::ForLoop(f)
                        if std::ptr::eq(strip(&f.expr), p0) && u.parents.len() == 2 =>
                    {
                        for_loop_drain(cx, f)
                    }
                    _ => None,
                };
            }
            let drain = match method.as_str() {
                "join_all" => (fate(u, 1)? != How::IfLetOk).then_some("join_all"),
                "join_next" | "next" | "join_next_with_id" => drained_in_loop(u)
                    .or_else(|| (fate(u, 1) == Some(How::Statement)).then_some(()))
                    .map(|_| "join_next"),
                _ => None,
            }?;
            let Some(Expr::Await(a)) = u.parent(1) else {
                return None;
            };
            Some(CollectionUse::Drain(vec![(cx.span(a), Drain::All(drain))]))
        }
        Expr::Call(c) => {
            let name = join_all_name(cx, c)?;
            let how = fate(u, 1)?;
            if how == How::IfLetOk {
                return None;
            }
            let Some(Expr::Await(a)) = u.parent(1) else {
                return None;
            };
            Some(CollectionUse::Drain(vec![(cx.span(a), Drain::All(name))]))
        }
        Expr::ForLoop(f) if u.parents.len() == 1 && std::ptr::eq(strip(&f.expr), u.expr?) => {
            for_loop_drain(cx, f)
        }
        _ => None,
    }
}

/// `for h in handles { .. }`: a drain when every use of `h` throws its join result away.
pub(super) fn for_loop_drain<'e>(
    cx: &Context<'_>,
    f: &syn::ExprForLoop,
) -> Option<CollectionUse<'e>> {
    let h = binding_name(&f.pat)?.to_string();
    let inner = uses_of(&f.body.stmts, &h);
    if inner.is_empty() {
        return None;
    }
    let sites: Option<Vec<(Span, How)>> = inner.iter().map(|u| handle_discard(cx, u)).collect();
    // A loop that keeps (checks, aborts, passes on) each handle drains nothing, but neither
    // does it keep the results another loop over the collection throws away.
    let Some(sites) = sites else {
        return Some(CollectionUse::Neutral);
    };
    Some(CollectionUse::Drain(
        sites
            .into_iter()
            .map(|(s, how)| (s, Drain::Each(how)))
            .collect(),
    ))
}

/// `while let Some(_) = set.join_next().await {}` or `while set.join_next().await.is_some() {}`:
/// `u` is the receiver of `join_next`.
pub(super) fn drained_in_loop(u: &Use<'_>) -> Option<()> {
    let Some(Expr::Await(_)) = u.parent(1) else {
        return None;
    };
    match u.parent(2)? {
        Expr::Let(l) if is_some_wild(&l.pat) => match u.parent(3)? {
            Expr::While(w) if std::ptr::eq(&*w.cond, u.parent(2)?) => Some(()),
            _ => None,
        },
        Expr::MethodCall(m) if m.method == "is_some" => match u.parent(3)? {
            Expr::While(w) if std::ptr::eq(&*w.cond, u.parent(2)?) => Some(()),
            _ => None,
        },
        _ => None,
    }
}

/// The spawns whose handles an expression collects: `xs.map(|x| tokio::spawn(..)).collect()`,
/// or the same chain given straight to `join_all`.
pub(super) fn collected_spawns<'e>(cx: &Context<'_>, e: &'e Expr) -> Vec<Spawn<'e>> {
    let mut out = Vec::new();
    let mut cur = strip(e);
    while let Expr::MethodCall(m) = cur {
        if matches!(
            m.method.to_string().as_str(),
            "map" | "flat_map" | "filter_map"
        ) {
            if let Some(Expr::Closure(c)) = m.args.first().map(strip) {
                for v in Exits::of_expr(&c.body).values {
                    let v = match strip(v) {
                        Expr::Call(c) if m.method == "filter_map" && is_some_call(c) => {
                            match c.args.first() {
                                Some(a) => strip(a),
                                None => continue,
                            }
                        }
                        v => v,
                    };
                    if let Some(s) = spawn_call(cx, v) {
                        if s.handle(cx) == Handle::Join {
                            out.push(s);
                        }
                    }
                }
            }
        }
        cur = strip(&m.receiver);
    }
    out
}

/// `join_all(..)` / `try_join_all(..)` from `futures` (or re-exported under those names):
/// which of the two.
pub(super) fn join_all_name(cx: &Context<'_>, c: &syn::ExprCall) -> Option<&'static str> {
    let Expr::Path(p) = &*c.func else {
        return None;
    };
    let name = match p.path.segments.last()?.ident.to_string().as_str() {
        "join_all" => "join_all",
        "try_join_all" => "try_join_all",
        _ => return None,
    };
    let ours = cx
        .resolve(&p.path)
        .is_some_and(|r| r.starts_with("crate::"));
    (!ours).then_some(name)
}

/// `JoinSet::new()`, `Vec::new()`, `Vec::with_capacity(n)`, `vec![]`,
/// `FuturesUnordered::new()`: an empty collection that handles may be put in.
pub(super) fn is_new_collection(cx: &Context<'_>, init: &Expr) -> bool {
    if let Expr::Macro(m) = init {
        return m.mac.path.is_ident("vec") && m.mac.tokens.is_empty();
    }
    if !matches!(init, Expr::Call(c) if c.args.len() <= 1) {
        return false;
    }
    cx.type_of(init).is_some_and(|t| {
        let last = t.rsplit("::").next().unwrap_or("");
        matches!(last, "JoinSet" | "Vec" | "VecDeque" | "FuturesUnordered")
    })
}
