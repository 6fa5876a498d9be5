//! ## What it does
//! Flags calls that block the thread (file system, sleeping, std sockets and channels,
//! processes, blocking HTTP/database clients, `block_on`) inside an async fn, async block or
//! async closure, from the catalogue in `rules/blocking-apis.toml`.
//!
//! ## Why is this bad?
//! An executor runs many tasks on few threads. A blocking call holds its thread: every other
//! task scheduled there waits, timers fire late, and with all workers blocked the program
//! stalls. `block_on` inside a runtime panics or deadlocks.
//!
//! ## Example
//! ```rust
//! async fn load() -> std::io::Result<String> {
//!     std::fs::read_to_string("config.toml")
//! }
//! ```
//!
//! ## Use instead
//! ```rust
//! async fn load() -> std::io::Result<String> {
//!     tokio::fs::read_to_string("config.toml").await
//! }
//! ```

use super::{OptionKind, Rule, RuleMeta, RuleOption};
use crate::catalog::BlockingApi;
use crate::context::Context;
use crate::finding::{Applicability, Finding, Severity, Suggestion};
use crate::Runtime;
use syn::Expr;

pub struct BlockingInAsync;

static META: RuleMeta = RuleMeta {
    name: "blocking-in-async",
    default_severity: Severity::Warning,
    summary: "a blocking call (file system, sleep, std sockets, processes, block_on…) inside async code",
    doc: include_str!("../../../../rules/blocking-in-async.md"),
    options: &[
        RuleOption {
            key: "extra-blocking",
            kind: OptionKind::StringList,
            help: "more blocking APIs: resolved paths of functions (`my_crate::io::read_all`) or `Type::method`",
        },
        RuleOption {
            key: "trusted",
            kind: OptionKind::StringList,
            help: "APIs never to report, as resolved paths (`std::fs::metadata`) or `Type::method`",
        },
    ],
    triggers: &["async", "stream!"],
};

impl Rule for BlockingInAsync {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        if !cx.in_async() || cx.is_awaited(expr) || cx.skips_test_code(META.name) {
            return;
        }
        let settings = cx.settings(META.name);
        let listed = |key: &str, path: &str| {
            settings.is_some_and(|s| s.string_list(key).iter().any(|p| p == path))
        };
        match expr {
            Expr::Call(call) => {
                let Expr::Path(p) = &*call.func else { return };
                let known =
                    |c: &str| cx.catalog.function(c).is_some() || listed("extra-blocking", c);
                let Some(path) = cx.resolve_callee(&p.path, known) else {
                    return;
                };
                let path = cx.catalog.canonical(&path);
                if listed("trusted", &path) {
                    return;
                }
                let extra;
                let api = match cx.catalog.function(&path) {
                    Some(api) => api,
                    None if listed("extra-blocking", &path) => {
                        extra = configured_api();
                        &extra
                    }
                    None => return,
                };
                let args: Vec<&str> = call.args.iter().map(|a| cx.text(a)).collect();
                out.push(report(cx, expr, &path, api, Some(&args)));
            }
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                let recv_ty = if cx.catalog.method_on_argument(&name) {
                    m.args.first().and_then(|a| cx.type_of(a))
                } else {
                    cx.type_of(&m.receiver)
                };
                let qualified = recv_ty.as_ref().map(|t| format!("{t}::{name}"));
                if qualified.as_deref().is_some_and(|q| listed("trusted", q)) {
                    return;
                }
                let extra;
                let api = match cx.catalog.method(&name, recv_ty.as_deref()) {
                    Some(api) => api,
                    None if qualified
                        .as_deref()
                        .is_some_and(|q| listed("extra-blocking", q)) =>
                    {
                        extra = configured_api();
                        &extra
                    }
                    None => return,
                };
                let shown = match (&recv_ty, api.on_argument) {
                    (Some(ty), true) => format!("{name}(&mut {ty})"),
                    _ => qualified.unwrap_or_else(|| format!(".{name}()")),
                };
                out.push(report(cx, expr, &shown, api, None));
            }
            _ => {}
        }
    }
}

fn configured_api() -> BlockingApi {
    BlockingApi {
        why: "listed as blocking in the project's async-lint configuration (`extra-blocking`)"
            .into(),
        replacement: Default::default(),
        safe_fix: false,
        severity: Severity::Warning,
        on_argument: false,
    }
}

/// The same-arguments async fn for the crate's runtime (tokio's when the runtime is unknown),
/// with `{name}`/`{type}` filled from the blocking path.
fn replacement(cx: &Context<'_>, api: &BlockingApi, path: &str) -> Option<String> {
    let r = &api.replacement;
    let text = match cx.krate.runtime {
        Runtime::AsyncStd => r.async_std.as_ref().or(r.tokio.as_ref()),
        Runtime::Smol => r
            .smol
            .as_ref()
            .or(r.async_std.as_ref())
            .or(r.tokio.as_ref()),
        _ => r.tokio.as_ref(),
    }?;
    let mut segs = path.rsplit("::");
    let name = segs.next().unwrap_or(path);
    let ty = segs.next().unwrap_or("");
    Some(text.replace("{name}", name).replace("{type}", ty))
}

fn report(
    cx: &Context<'_>,
    expr: &Expr,
    shown: &str,
    api: &BlockingApi,
    args: Option<&[&str]>,
) -> Finding {
    let frame = cx
        .frame()
        .map(|f| f.describe())
        .unwrap_or_else(|| "async code".into());
    let span = cx.span(expr);
    let mut f = Finding::new(
        META.name,
        span,
        format!("blocking call `{shown}` in {frame}"),
    )
    .label("blocks the executor thread")
    .severity(api.severity)
    .note(api.why.clone());
    let repl = replacement(cx, api, shown);
    f = match (&repl, &api.replacement.instead) {
        (Some(r), _) => f.help(format!("use `{r}(..).await` instead")),
        (None, Some(words)) => f.help(words.clone()),
        (None, None) => f.help("move the blocking work into `tokio::task::spawn_blocking` (or your runtime's equivalent) and `.await` it"),
    };
    // A drop-in replacement is only offered where `.await` is legal: directly in the async body.
    let awaitable = cx.innermost_frame().is_some_and(|fr| fr.kind.is_async());
    if let (Some(r), Some(args), true) = (repl, args, awaitable) {
        let applicability = if api.safe_fix && cx.krate.runtime != Runtime::Unknown {
            Applicability::MachineApplicable
        } else {
            Applicability::MaybeIncorrect
        };
        f = f.suggest(Suggestion {
            message: format!("use `{r}`"),
            span,
            replacement: format!("{r}({}).await", args.join(", ")),
            applicability,
        });
    }
    f
}
