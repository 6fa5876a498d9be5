//! The `sequential-awaits` rule; its docs are one page, `rules/sequential-awaits.md`.

mod record;
mod report;

use super::Rule;
use crate::analyses::callees::{self, FirstLock};
use crate::analyses::dataflow::{self, Flow};
use crate::context::{failure, Context};
use crate::finding::Finding;
use std::cell::OnceCell;
use std::collections::HashMap;
use syn::{Expr, Stmt};

declare_rule! { SequentialAwaits: "sequential-awaits", triggers: &["await"],
    summary: "independent awaits run one after another that could run concurrently (`join!`, `try_join!`)",
}

impl Rule for SequentialAwaits {
    rule_meta!();

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        if !cx.innermost_frame().is_some_and(|f| f.kind.is_async()) {
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
                    if !independent(&Scene::outer(cx), &run, &c) {
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
        let stmts = &block.stmts;
        // Exclusive access of the names bound by this block's own `let`s so far; the context
        // only knows the bindings made before the block.
        let mut scene = Scene::outer(cx);
        let mut run: Vec<Candidate<'_>> = Vec::new();
        // Names bound by statements that only process a result of the run: a later member
        // must not read them.
        let mut blocked: Vec<String> = Vec::new();
        for (i, stmt) in stmts.iter().enumerate() {
            match candidate(cx, stmts, i) {
                Some(c) => {
                    let reads_blocked = blocked.iter().any(|n| c.flow.reads.contains(n));
                    if reads_blocked || !independent(&scene, &run, &c) {
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
                scene.bind(l);
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
    /// The lock the callee takes first (see [`callees::first_lock`]), asked only when two
    /// members share a receiver.
    lock: OnceCell<Option<FirstLock>>,
}

impl Candidate<'_> {
    fn lock(&self, cx: &Context<'_>) -> Option<&FirstLock> {
        self.lock
            .get_or_init(|| callees::first_lock(cx, self.future))
            .as_ref()
    }
}

/// What the statements before a candidate made of the names it uses: which give exclusive
/// access, and which are handles made from another local (`let mut fs = client.fs();`).
struct Scene<'c, 'a> {
    cx: &'c Context<'a>,
    /// Names bound by this block's own `let`s so far, and whether they are exclusive; the
    /// context only knows the bindings made before the block.
    here: HashMap<String, bool>,
    /// Handle → the local it was made from by a method call without await.
    made_from: HashMap<String, String>,
}

impl<'c, 'a> Scene<'c, 'a> {
    fn outer(cx: &'c Context<'a>) -> Self {
        Scene {
            cx,
            here: HashMap::new(),
            made_from: HashMap::new(),
        }
    }

    fn bind(&mut self, l: &syn::Local) {
        let exclusive = dataflow::exclusive_names(l);
        let names = dataflow::pat_names(&l.pat);
        let source = l
            .init
            .as_ref()
            .filter(|_| names.len() == 1)
            .and_then(|i| handle_source(&i.expr));
        for n in names {
            self.made_from.remove(&n.name);
            if let Some(s) = &source {
                self.made_from.insert(n.name.clone(), s.clone());
            }
            let e = exclusive.contains(&n.name);
            self.here.insert(n.name, e);
        }
    }

    fn exclusive(&self, name: &str) -> bool {
        match self.here.get(name) {
            Some(e) => *e,
            None => self.cx.local(name).is_some_and(|b| b.exclusive()),
        }
    }

    /// Does `a` use an exclusive handle made from a local that `b` uses? Both then act on
    /// one session (an sftp `Fs` of its client, a transaction of its connection).
    fn through_handle(&self, a: &Candidate<'_>, b: &Candidate<'_>) -> bool {
        a.flow.reads.iter().any(|n| {
            self.exclusive(n)
                && self
                    .made_from
                    .get(n)
                    .is_some_and(|s| b.flow.reads.contains(s))
        })
    }
}

/// The local a handle is made from: `client.fs()`, `conn.transaction()` — a method call on
/// a local, awaiting nothing; a `clone` is a handle of its own.
fn handle_source(e: &Expr) -> Option<String> {
    let Expr::MethodCall(m) = peel(e) else {
        return None;
    };
    let flow = Flow::of_expr(e);
    if flow.awaits || matches!(m.method.to_string().as_str(), "clone" | "to_owned") {
        return None;
    }
    dataflow::place_root(&m.receiver).filter(|r| r != "self")
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
    let (inner, mut tried) = match peel(e) {
        Expr::Try(t) => (peel(&t.expr), true),
        other => (other, false),
    };
    let mut cur = inner;
    let mut adapted = false;
    let mut wrapped = false;
    let a = loop {
        match cur {
            Expr::Await(a) => break a,
            Expr::Try(t) => cur = peel(&t.expr),
            Expr::MethodCall(m) if ADAPTERS.contains(&m.method.to_string().as_str()) => {
                adapted = true;
                cur = peel(&m.receiver);
            }
            // `parse_certs(path.read().await?)?`: a sync fn applied to the awaited result.
            Expr::Call(c) if !wrapped => {
                let arg = wrapped_await(c)?;
                (adapted, wrapped) = (true, true);
                tried = matches!(arg, Expr::Try(_));
                cur = arg;
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
        || dataflow::coordination_wait(future).is_some_and(|w| !own_read(cx, future, w))
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
        lock: OnceCell::new(),
    })
}

/// The one argument of a path call (`parse(x.await?)`, `Arc::new(open().await?)`) that awaits,
/// when no other argument does and the fn itself is named by a plain path.
fn wrapped_await(c: &syn::ExprCall) -> Option<&Expr> {
    if !matches!(&*c.func, Expr::Path(_)) {
        return None;
    }
    let mut awaiting = c.args.iter().filter(|a| Flow::of_expr(a).awaits);
    let arg = awaiting.next()?;
    awaiting.next().is_none().then(|| peel(arg))
}

/// Is a wait taken for a lock only the crate's own method of that name, called alone
/// (`self.key_file.read()` that loads a file)?
fn own_read(cx: &Context<'_>, future: &Expr, wait: &str) -> bool {
    wait == "a lock"
        && dataflow::calls_in(future).len() == 1
        && callees::own_method_not_a_lock(cx, future)
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
    if let Some(mac) = statement_macro(stmt) {
        return shows_result(run, mac).then(Vec::new);
    }
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

/// The macro a statement consists of (`println!(..);`).
fn statement_macro(stmt: &Stmt) -> Option<&syn::Macro> {
    match stmt {
        Stmt::Macro(m) => Some(&m.mac),
        Stmt::Expr(Expr::Macro(m), _) => Some(&m.mac),
        _ => None,
    }
}

/// A macro that prints, logs or formats a result of the run (`println!("{a:?}")`): it cannot
/// return early and awaits nothing, so the next await does not depend on it. An assertion
/// does not qualify: it checks the result before the next step may run.
fn shows_result(run: &[Candidate<'_>], mac: &syn::Macro) -> bool {
    let name = mac
        .path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let panics = name.contains("assert")
        || matches!(
            name.as_str(),
            "panic" | "unreachable" | "todo" | "unimplemented"
        );
    if run.is_empty() || panics || !failure::never_returns_early(&name) {
        return false;
    }
    let flow = Flow::of_expr(&Expr::Macro(syn::ExprMacro {
        attrs: Vec::new(),
        mac: mac.clone(),
    }));
    let reads_run = run
        .iter()
        .flat_map(|m| &m.names)
        .any(|n| flow.reads.contains(n));
    reads_run && !flow.awaits && !flow.selects
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
/// names something ordered (a transaction, a connection, a writer…), nor a receiver whose
/// methods both take one lock first?
fn independent(scene: &Scene<'_, '_>, run: &[Candidate<'_>], c: &Candidate<'_>) -> bool {
    if run
        .iter()
        .flat_map(|m| &m.names)
        .any(|n| c.flow.reads.contains(n))
    {
        return false;
    }
    run.iter().all(|m| {
        let shared_ok = c.flow.reads.intersection(&m.flow.reads).all(|n| {
            let ordered = dataflow::ordered_receiver(n)
                && !c.flow.called.contains(n)
                && !record::fields_only(c, m, n);
            let conflict =
                scene.exclusive(n) || c.flow.writes_name(n) || m.flow.writes_name(n) || ordered;
            !conflict
        });
        let receivers_ok = c
            .flow
            .receivers
            .intersection(&m.flow.receivers)
            .all(|r| !dataflow::ordered_receiver(r));
        let one_session = scene.through_handle(c, m) || scene.through_handle(m, c);
        m.text != c.text && shared_ok && receivers_ok && !one_session && !same_lock(scene.cx, m, c)
    })
}

/// Do the callees of `a` and `b`, called on one receiver, first take one lock (not both as
/// readers)? They take turns anyway.
fn same_lock(cx: &Context<'_>, a: &Candidate<'_>, b: &Candidate<'_>) -> bool {
    if a.flow
        .receivers
        .intersection(&b.flow.receivers)
        .next()
        .is_none()
    {
        return false;
    }
    match (a.lock(cx), b.lock(cx)) {
        (Some(x), Some(y)) => x.place == y.place && !(x.shared && y.shared),
        _ => false,
    }
}

/// Does the file run these same futures together elsewhere (`try_join(a(), b())` beside
/// `a().await; b().await;`)? Then the sequence is the deliberate other mode.
fn joined_elsewhere(cx: &Context<'_>, run: &[Candidate<'_>]) -> bool {
    let text: String = cx.file.text.split_whitespace().collect();
    text.match_indices("join").any(|(at, _)| {
        let rest = &text[at + "join".len()..];
        let rest = rest.strip_prefix('!').unwrap_or(rest);
        let Some(args) = rest.strip_prefix('(') else {
            return false;
        };
        let mut depth = 1usize;
        let end = args
            .char_indices()
            .find_map(|(i, ch)| {
                match ch {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                (depth == 0).then_some(i)
            })
            .unwrap_or(args.len());
        run.iter().all(|c| args[..end].contains(&c.text))
    })
}

/// Reports the run if it holds two or more awaits, and empties it.
fn flush(cx: &Context<'_>, run: &mut Vec<Candidate<'_>>, out: &mut Vec<Finding>) {
    if run.len() >= 2 && !joined_elsewhere(cx, run) {
        out.push(report::report(cx, run));
    }
    run.clear();
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
