//! `runtime-in-drop`: a `Drop` impl that spawns, looks up the current runtime or blocks on a
//! future. The user documentation is `rules/runtime-in-drop.md`.

use super::Rule;
use crate::catalog::runtime::{NeedKind, NeedsRuntime, Runtimes};
use crate::context::Context;
use crate::finding::{Finding, Severity};
use crate::index::{probes_runtime, Callee, Target};
use syn::Expr;

// From the runtimes catalogue at run time (see `rule_meta!`).
declare_rule! { RuntimeInDrop: "runtime-in-drop", triggers: &[],
    options: RuntimeInDropOptions,
    summary: "a `Drop` impl that spawns a task, looks up the current runtime or blocks on a future",
}

crate::option_choice! {
    /// Which `Drop` impls the rule reports.
    pub enum Scope {
        #[default]
        Library = "library",
        All = "all",
    }
}

crate::rule_options! {
    /// `[rules.runtime-in-drop]`.
    pub struct RuntimeInDropOptions {
        /// where to report: the `Drop` impls of types a library exports (declared `pub`, or
        /// held by one that is), which its users may drop anywhere (the default); or every
        /// `Drop` impl, the others (a program's own types, examples) at `info`
        pub scope: Scope,
    }
}

impl Rule for RuntimeInDrop {
    // The names of the calls that need a runtime (`spawn`, `current`, `block_on`): the chain
    // from `drop` is followed through the fns of its own file only, so one of them is in it.
    rule_meta!(triggers: || Runtimes::builtin().needs_runtime_words());

    /// The rule reports only in the `drop` of an `impl Drop for ..` (`ops::Drop`): a file
    /// without the word has nothing to report, whatever calls it holds.
    fn required_word(&self) -> Option<&'static str> {
        Some("Drop")
    }

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        if !matches!(expr, Expr::Call(_) | Expr::MethodCall(_)) || !cx.in_drop() {
            return;
        }
        let found = match needs_runtime(cx, expr) {
            Some((api, need)) => {
                // `Handle::current().block_on(..)`: the inner call is the one reported.
                if matches!(expr, Expr::MethodCall(m) if chain_needs_runtime(cx, &m.receiver)) {
                    return;
                }
                Some((None, api, need.clone()))
            }
            None => through_helper(cx, expr),
        };
        let Some((via, api, need)) = found else {
            return;
        };
        if drop_probes_runtime(cx) || (need.kind == NeedKind::Blocks && sync_adapter(cx)) {
            return;
        }
        let exported = cx.in_library()
            && cx
                .self_type()
                .is_some_and(|t| cx.type_exported(t.rsplit("::").next().unwrap_or(t)));
        let all = cx.options::<RuntimeInDropOptions>().scope == Scope::All;
        if !exported && !all {
            return;
        }
        let f = report(cx, expr, via, &api, &need);
        out.push(if exported { f } else { program_own(cx, f) });
    }
}

/// The call as the catalogue knows it: its name in messages and how it needs a runtime.
fn needs_runtime<'r>(cx: &Context<'_>, expr: &Expr) -> Option<(String, &'r NeedsRuntime)> {
    let runtimes: &'r Runtimes = Runtimes::builtin();
    match expr {
        Expr::Call(c) => {
            let Expr::Path(p) = &*c.func else { return None };
            let path = cx.resolve_callee(&p.path, |c| runtimes.needs_runtime(c).is_some())?;
            let need = runtimes.needs_runtime(&path)?;
            Some((path, need))
        }
        Expr::MethodCall(m) => {
            let need = runtimes.method_needs_runtime(&m.method.to_string())?;
            let shown = match cx.type_of(&m.receiver) {
                Some(ty) => format!("{ty}::{}", m.method),
                None => format!(".{}()", m.method),
            };
            Some((shown, need))
        }
        _ => None,
    }
}

/// Does the receiver chain of a method call hold a call that needs a runtime?
fn chain_needs_runtime(cx: &Context<'_>, mut e: &Expr) -> bool {
    for _ in 0..16 {
        if needs_runtime(cx, e).is_some() {
            return true;
        }
        e = match e {
            Expr::MethodCall(m) => &m.receiver,
            Expr::Try(t) => &t.expr,
            Expr::Paren(p) => &p.expr,
            _ => return false,
        };
    }
    false
}

/// A call of a fn of this file from which a chain of sync calls reaches a call that needs a
/// runtime: the fn called, the API and how it needs one.
fn through_helper(cx: &Context<'_>, expr: &Expr) -> Option<(Option<String>, String, NeedsRuntime)> {
    let f = cx.called_sync_fn(expr)?;
    let chain = cx.chain_in_file(&f, Target::NeedsRuntime)?;
    let runtimes = Runtimes::builtin();
    let method = chain
        .api
        .rsplit(['.', ':'])
        .next()
        .map(|m| m.trim_end_matches("()"));
    let need = runtimes
        .needs_runtime(&chain.api)
        .or_else(|| method.and_then(|m| runtimes.method_needs_runtime(m)))?;
    let via = format!("{} (line {})", chain.trail(), chain.line);
    Some((Some(via), chain.api.clone(), need.clone()))
}

/// Does the enclosing `drop` ask whether a runtime runs (`Handle::try_current()`) anywhere?
/// Then it handles the case of none, as the rule's help asks.
fn drop_probes_runtime(cx: &Context<'_>) -> bool {
    let (Some(ty), Some(own)) = (cx.self_type(), cx.own_summary()) else {
        return false;
    };
    own.fn_by_path(&format!("{ty}::drop"))
        .is_some_and(probes_runtime)
}

/// Do other methods of the type being dropped block on futures too (`impl Write for Pipe`
/// with `block_on(self.dest.send(..))`)? Then the type is a synchronous adapter over async
/// code, made to be used (and dropped) where blocking is allowed.
fn sync_adapter(cx: &Context<'_>) -> bool {
    let (Some(ty), Some(own)) = (cx.self_type(), cx.own_summary()) else {
        return false;
    };
    let runtimes = Runtimes::builtin();
    let blocks = |n: Option<&NeedsRuntime>| n.is_some_and(|n| n.kind == NeedKind::Blocks);
    own.fns.iter().any(|f| {
        f.name != "drop"
            && f.path.strip_prefix(ty).is_some_and(|m| m.starts_with("::"))
            && f.calls.iter().any(|c| match &c.callee {
                Callee::Path { path, .. } => blocks(runtimes.needs_runtime(path)),
                Callee::Method { name, .. } => blocks(runtimes.method_needs_runtime(name)),
            })
    })
}

fn report(
    cx: &Context<'_>,
    expr: &Expr,
    via: Option<String>,
    api: &str,
    need: &NeedsRuntime,
) -> Finding {
    let ty = cx
        .self_type()
        .map(|t| t.rsplit("::").next().unwrap_or(t).to_string())
        .unwrap_or_else(|| "Self".into());
    let shown = api;
    let what = match need.kind {
        NeedKind::Context => "needs a tokio runtime on the dropping thread",
        NeedKind::Blocks => "blocks the dropping thread on a future",
    };
    let message = match &via {
        None => format!("`{shown}` in `Drop::drop` of `{ty}` {what}"),
        Some(trail) => format!("`Drop::drop` of `{ty}` reaches `{shown}`, which {what}: {trail}"),
    };
    let label = match need.kind {
        NeedKind::Context => "panics when dropped outside a runtime",
        NeedKind::Blocks => "panics or stalls when dropped inside a runtime",
    };
    Finding::new(META.name, cx.call_span(expr), message)
        .label(label)
        .severity(META.default_severity)
        .note(need.why.clone())
        .help(format!(
            "give `{ty}` an explicit async `close()`/`shutdown()` that its owner awaits before dropping it; \
             in `drop`, at most hand the work to a runtime that is known to run: \
             `if let Ok(handle) = tokio::runtime::Handle::try_current() {{ handle.spawn(..); }}`"
        ))
}

/// A finding about a type no library exports (a program's own, an example's): its values die
/// where the program decides, usually inside its runtime; reported at info (`scope = "all"`).
fn program_own(cx: &Context<'_>, f: Finding) -> Finding {
    let whose = if in_example(cx) {
        "an example program's type"
    } else if cx.in_library() {
        "a type the library does not export"
    } else {
        "a program's own type"
    };
    f.severity(Severity::Info).note(format!(
        "{whose}: its values are dropped where the program decides, usually inside its \
         runtime (reported at info with `scope = \"all\"`)"
    ))
}

/// Is the file an example program (under an `examples/` folder)?
fn in_example(cx: &Context<'_>) -> bool {
    cx.file
        .path
        .components()
        .any(|c| c == std::path::Component::Normal("examples".as_ref()))
}
