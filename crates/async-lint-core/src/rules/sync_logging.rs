//! ## What it does
//! Flags synchronous writes to the terminal on hot paths of async code: `println!`, `print!`,
//! `eprintln!`, `eprint!`, writes to `std::io::stdout()`/`stderr()` (`write!`, `writeln!`,
//! `write_all`, `flush`, through `lock()` too), and `log`/`tracing` macros when the crate
//! installs a logger that writes on the logging thread (`env_logger`, `simple_logger`, `fern`,
//! `log4rs`, `tracing_subscriber::fmt()` without `tracing_appender::non_blocking`). A hot path
//! is a loop, a per-item closure or a spawned task's body; `dbg!` is flagged anywhere in async
//! code.
//!
//! ## Why is this bad?
//! stdout and stderr are shared behind a lock, and each write is a blocking system call that
//! waits for the terminal, the pipe or the log collector. On an executor thread, every other
//! task scheduled there waits too — once per iteration on a hot path.
//!
//! ## Example
//! ```rust
//! async fn serve(jobs: Vec<u32>) {
//!     for job in jobs {
//!         println!("handling job {job}");
//!     }
//! }
//! ```
//!
//! ## Use instead
//! ```rust
//! async fn serve(jobs: Vec<u32>) {
//!     for job in jobs {
//!         tracing::info!(job, "handling job");
//!     }
//! }
//! ```
//! with a subscriber writing through `tracing_appender::non_blocking`.

use super::{OptionKind, Rule, RuleMeta, RuleOption};
use crate::context::{macro_args, macro_name, Context};
use crate::finding::{Finding, Severity};
use crate::index::Logging;
use syn::Expr;

pub struct SyncLogging;

static META: RuleMeta = RuleMeta {
    name: "sync-logging",
    default_severity: Severity::Warning,
    summary: "`println!`, stdout/stderr writes and `log` macros behind a synchronous logger on hot paths of async code",
    doc: include_str!("../../../../rules/sync-logging.md"),
    options: &[RuleOption {
        key: "scope",
        kind: OptionKind::Choice(&["hot-paths", "all-async"]),
        help: "where to report: on hot paths only (loops, per-item closures, spawned tasks; the default) or anywhere in async code",
    }],
    triggers: &["async", "stream!"],
};

/// The terminal's std handles and their locks: writes to them block.
const STD_STREAMS: &[(&str, &str)] = &[
    ("std::io::Stdout", "stdout"),
    ("std::io::StdoutLock", "stdout"),
    ("std::io::Stderr", "stderr"),
    ("std::io::StderrLock", "stderr"),
];

/// Write methods of `std::io::Write` (and `fmt::Write`'s `write_fmt`).
const WRITE_METHODS: &[&str] = &["write", "write_all", "write_fmt", "flush", "write_vectored"];

const LOG_MACROS: &[&str] = &["trace", "debug", "info", "warn", "error", "log", "event"];

impl Rule for SyncLogging {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_macro(&self, cx: &Context<'_>, mac: &syn::Macro, out: &mut Vec<Finding>) {
        let name = macro_name(mac);
        let watched = matches!(
            name.as_str(),
            "println" | "print" | "eprintln" | "eprint" | "dbg" | "write" | "writeln"
        ) || LOG_MACROS.contains(&name.as_str());
        if !watched || !cx.in_async() || cx.skips_test_code(META.name) {
            return;
        }
        match name.as_str() {
            "println" | "print" | "eprintln" | "eprint" if is_std_macro(cx, mac) => {
                let Some(place) = place(cx) else { return };
                let stream = if name.starts_with('e') {
                    "stderr"
                } else {
                    "stdout"
                };
                out.push(print_finding(
                    cx,
                    mac,
                    &format!("`{name}!`"),
                    stream,
                    &place,
                ));
            }
            "dbg" if is_std_macro(cx, mac) => {
                let place = cx.hot_path().map(|h| h.describe()).unwrap_or_default();
                let place = located(cx, &place);
                out.push(
                    Finding::new(
                        META.name,
                        cx.span(mac),
                        format!("`dbg!` {place} writes to stderr synchronously"),
                    )
                    .label("locks stderr and writes on the executor thread")
                    .note("`dbg!` is a debugging aid: it formats its argument and writes it to stderr under a lock, blocking the executor thread")
                    .help("remove the `dbg!`, or log with `tracing` through a `tracing_appender::non_blocking` writer"),
                );
            }
            "write" | "writeln" => {
                let Some(place) = place(cx) else { return };
                let Some(dest) = macro_args(mac).into_iter().next() else {
                    return;
                };
                let Some(stream) = std_stream(cx, &dest) else {
                    return;
                };
                out.push(print_finding(
                    cx,
                    mac,
                    &format!("`{name}!` to {stream}"),
                    stream,
                    &place,
                ));
            }
            n if LOG_MACROS.contains(&n) => {
                if let Some(f) = log_finding(cx, mac, n) {
                    out.push(f);
                }
            }
            _ => {}
        }
    }

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        let Expr::MethodCall(m) = expr else { return };
        let Some(name) = WRITE_METHODS.iter().find(|w| m.method == w) else {
            return;
        };
        if !cx.in_async() || cx.is_awaited(expr) {
            return;
        }
        if cx.skips_test_code(META.name) {
            return;
        }
        let Some(stream) = std_stream(cx, &m.receiver) else {
            return;
        };
        let Some(place) = place(cx) else { return };
        out.push(print_finding(
            cx,
            expr,
            &format!("`.{name}()` on {stream}"),
            stream,
            &place,
        ));
    }
}

/// `println!` and friends as std's: written bare (the prelude) or as `std::println!`, not a
/// macro of the crate or a dependency that shares the name.
fn is_std_macro(cx: &Context<'_>, mac: &syn::Macro) -> bool {
    match cx.resolve(&mac.path) {
        None => mac.path.segments.len() == 1,
        Some(p) => p.starts_with("std::") || p.starts_with("core::"),
    }
}

/// "stdout" or "stderr" when `e` is one of the std handles (or a lock of one).
fn std_stream(cx: &Context<'_>, e: &Expr) -> Option<&'static str> {
    let ty = cx.type_of(e)?;
    STD_STREAMS
        .iter()
        .find(|(t, _)| *t == ty)
        .map(|(_, stream)| *stream)
}

/// Where the code is, when it is to be reported: on a hot path, or anywhere in async code
/// with `scope = "all-async"`.
fn place(cx: &Context<'_>) -> Option<String> {
    if let Some(h) = cx.hot_path() {
        return Some(h.describe());
    }
    let all = cx
        .settings(META.name)
        .and_then(|s| s.string("scope"))
        .is_some_and(|s| s == "all-async");
    all.then(String::new)
}

/// Where the code is for messages: on its hot path, or "in async fn `main`".
fn located(cx: &Context<'_>, place: &str) -> String {
    if !place.is_empty() {
        return place.to_string();
    }
    let frame = cx
        .frame()
        .map(|f| f.describe())
        .unwrap_or_else(|| "async code".into());
    format!("in {frame}")
}

fn print_finding<T: syn::spanned::Spanned + ?Sized>(
    cx: &Context<'_>,
    node: &T,
    what: &str,
    stream: &str,
    place: &str,
) -> Finding {
    let place = located(cx, place);
    Finding::new(
        META.name,
        cx.span(node),
        format!("{what} {place} writes synchronously"),
    )
    .label(format!("locks {stream} and writes on the executor thread"))
    .note(format!(
        "{stream} is shared behind a lock and each write is a blocking system call that waits for the terminal or pipe: every task on this executor thread waits with it"
    ))
    .help("send the text to a task that owns the output (over a channel), or log with `tracing` through a `tracing_appender::non_blocking` writer")
}

/// Which logging facade a macro belongs to, as far as its path says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Facade {
    Log,
    Tracing,
    /// A bare name nothing imports (`#[macro_use] extern crate log;`).
    Unknown,
}

fn facade(cx: &Context<'_>, mac: &syn::Macro) -> Option<Facade> {
    let known = |p: &str| p.starts_with("log::") || p.starts_with("tracing::");
    let Some(path) = cx.resolve_callee(&mac.path, known) else {
        return (mac.path.segments.len() == 1).then_some(Facade::Unknown);
    };
    if path.starts_with("log::") || path.starts_with("tracing::log::") {
        Some(Facade::Log)
    } else if path.starts_with("tracing::") {
        Some(Facade::Tracing)
    } else {
        None
    }
}

fn log_finding(cx: &Context<'_>, mac: &syn::Macro, name: &str) -> Option<Finding> {
    let place = place(cx)?;
    let facade = facade(cx, mac)?;
    if name == "event" && facade != Facade::Tracing {
        return None;
    }
    let logging = cx.logging();
    let Logging::Sync(backend) = &*logging else {
        return None;
    };
    // A `log` backend sees `log` records only; a `tracing` subscriber sees both (`tracing-log`).
    if facade == Facade::Tracing && !backend.tracing {
        return None;
    }
    let in_this_file = cx.own_summary().is_some_and(|own| own.path == backend.file);
    let at = if in_this_file {
        format!("line {}", backend.line)
    } else {
        let shown = cx.crate_index().display_path(&backend.file);
        format!("{}:{}", shown.display(), backend.line)
    };
    let place = located(cx, &place);
    Some(
        Finding::new(
            META.name,
            cx.span(mac),
            format!(
                "`{name}!` {place} logs synchronously through `{}` (installed at {at})",
                backend.name
            ),
        )
        .label("formats and writes the record on the executor thread")
        .note(format!(
            "`{}` formats each record and writes it to {} on the thread that logs, behind a lock: every task on this executor thread waits for the write",
            backend.name, backend.writes
        ))
        .help("install the subscriber with a `tracing_appender::non_blocking` writer, or send records to a logging task over a channel"),
    )
}
