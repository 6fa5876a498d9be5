//! The `sync-logging` rule; its docs are one page, `rules/sync-logging.md`.

use super::Rule;
use crate::context::{macro_args, macro_name, Context};
use crate::finding::{Finding, Severity};
use crate::index::{
    default_level, is_handler_output, serves_network, writes_files_only, LogLevel, Logging,
    DEFAULT_THRESHOLD,
};
use syn::Expr;

declare_rule! { SyncLogging: "sync-logging", triggers: &["async", "stream!"],
    options: SyncLoggingOptions,
    summary: "`println!`, stdout/stderr writes and `log` macros behind a synchronous logger in async code that serves the network",
}

crate::option_choice! {
    /// How far the rule looks (`scope`), each step adding findings at `info`.
    #[derive(PartialOrd, Ord)]
    pub enum Scope {
        /// Code serving the network (the default).
        #[default]
        Network = "servers",
        /// Code serving any work as it arrives (channel loops, watchers, UI events).
        Serving = "serving",
        /// Also loops and per-item closures of one-shot code.
        HotPaths = "hot-paths",
        /// Anywhere in async code.
        AllAsync = "all-async",
    }
}

crate::rule_options! {
    /// `[rules.sync-logging]`.
    pub struct SyncLoggingOptions {
        /// where to report: the serving code (spawned tasks, open-ended loops, request handlers
        /// and what they call) of a program that serves the network (the default); also that of
        /// other programs; also loops and per-item closures of one-shot code; or anywhere in
        /// async code (the additions at `info`)
        pub scope: Scope,
        /// also report log macros at levels the program does not show by default (`debug` and
        /// `trace`, or below the level its code sets), at `info`
        pub filtered_levels: bool,
        /// also report in `examples/`, at `info`
        pub check_examples: bool,
    }
}

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
    rule_meta!();

    fn check_macro(&self, cx: &Context<'_>, mac: &syn::Macro, out: &mut Vec<Finding>) {
        let name = macro_name(mac);
        let watched = matches!(
            name.as_str(),
            "println" | "print" | "eprintln" | "eprint" | "dbg" | "write" | "writeln"
        ) || LOG_MACROS.contains(&name.as_str());
        if !watched || !cx.in_async() {
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
                out.push(print_finding(cx, mac, &format!("`{name}!`"), stream, place));
            }
            "dbg" if is_std_macro(cx, mac) => {
                let example = in_example(cx);
                if example && !cx.options::<SyncLoggingOptions>().check_examples {
                    return;
                }
                let place = cx.hot_path().map(|h| h.describe()).unwrap_or_default();
                let place = located(cx, &place);
                out.push(
                    Finding::new(
                        META.name,
                        cx.span(mac),
                        format!("`dbg!` {place} writes to stderr synchronously"),
                    )
                    .severity(if example { Severity::Info } else { Severity::Warning })
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
                    place,
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
        let Some(stream) = std_stream(cx, &m.receiver) else {
            return;
        };
        let Some(place) = place(cx) else { return };
        out.push(print_finding(
            cx,
            expr,
            &format!("`.{name}()` on {stream}"),
            stream,
            place,
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

/// A file of the package's `examples/`: a demonstration, not a program's hot path.
fn in_example(cx: &Context<'_>) -> bool {
    !cx.in_module_tree()
        && cx
            .file
            .path
            .components()
            .any(|c| c.as_os_str() == "examples")
}

/// Where code to be reported is, and at which severity.
struct Place {
    /// "in a task spawned by `tokio::spawn`", "in async fn `get_user`, a request handler";
    /// empty for a one-off line, which messages place in its frame.
    text: String,
    severity: Severity,
}

fn scope(cx: &Context<'_>) -> Scope {
    cx.options::<SyncLoggingOptions>().scope
}

/// Where the code is, when it is to be reported: code that serves the network at the rule's
/// severity; wider scopes add other serving code, loops of one-shot code, then anywhere in
/// async code, at `info`. In `examples/` only with `check-examples`, at `info`.
fn place(cx: &Context<'_>) -> Option<Place> {
    let example = in_example(cx);
    if example && !cx.options::<SyncLoggingOptions>().check_examples {
        return None;
    }
    let scope = scope(cx);
    let here = cx.serving().map(|s| s.describe());
    let served = served_fn(cx);
    let network = served.as_ref().is_some_and(|s| s.network);
    let serving = match (here, served) {
        (Some(text), _) => Some(text),
        (None, Some(s)) if s.whole => Some(s.text),
        _ => None,
    };
    let (text, severity) = match serving {
        Some(text) if network && !example => (text, Severity::Warning),
        Some(text) if network || scope >= Scope::Serving => (text, Severity::Info),
        _ => match cx.hot_path() {
            Some(h) if scope >= Scope::HotPaths => (h.describe(), Severity::Info),
            _ if scope == Scope::AllAsync => (String::new(), Severity::Info),
            _ => return None,
        },
    };
    Some(Place { text, severity })
}

/// How the enclosing fn is reached.
struct Served {
    /// "in async fn `save`, which `handle` runs per request or message (src/a.rs:3)".
    text: String,
    /// Its work comes from the network.
    network: bool,
    /// The whole fn runs per unit of work (a handler, a fn its callers run per request);
    /// not so for a fn that accepts connections, whose loops and tasks do.
    whole: bool,
}

/// How the enclosing fn serves work: it is a request handler (it returns a server framework's
/// response, or takes an HTTP `Request<..>` and returns a `Response`), it serves the network
/// itself (binds, accepts), or the crate's call graph shows a caller that runs it per request,
/// connection or message.
fn served_fn(cx: &Context<'_>) -> Option<Served> {
    let frame = cx.enclosing_fn()?;
    let own = cx.own_summary()?;
    let sig = own
        .fns
        .iter()
        .find(|f| f.span.start >= frame.span.start && f.span.end <= frame.span.end)?;
    let described = frame.describe();
    let head = cx.file.slice(frame.span);
    let output = sig.output.as_deref().unwrap_or("");
    // A parameter whose type is named `Request` (`http::Request<B>`, axum's `Request`,
    // actix's `HttpRequest`), not a type that merely ends so (`ChatRequest`).
    let takes_request = [": Request", "::Request", "HttpRequest"]
        .iter()
        .any(|w| head.contains(w));
    if is_handler_output(output) || (takes_request && output.contains("Response")) {
        return Some(Served {
            text: format!("in {described}, a request handler"),
            network: true,
            whole: true,
        });
    }
    if serves_network(sig).is_some() {
        return Some(Served {
            text: format!("in {described}"),
            network: true,
            whole: false,
        });
    }
    if sig.test || !cx.in_module_tree() {
        return None;
    }
    let by = cx.crate_index().served(&sig.path, &sig.name)?;
    let shown = cx.crate_index().display_path(&by.file);
    let per = if by.network {
        "per request or connection"
    } else {
        "per message"
    };
    Some(Served {
        text: format!(
            "in {described}, which `{}` runs {per} ({}:{})",
            by.caller,
            shown.display(),
            by.line
        ),
        network: by.network,
        whole: true,
    })
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
    place: Place,
) -> Finding {
    let text = located(cx, &place.text);
    Finding::new(
        META.name,
        cx.span(node),
        format!("{what} {text} writes synchronously"),
    )
    .severity(place.severity)
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

/// The level of a log macro: its name, or for `log!`/`event!` the `Level::X` it is given
/// first (`None` when that is not written out).
fn macro_level(cx: &Context<'_>, mac: &syn::Macro, name: &str) -> Option<LogLevel> {
    if let Some(l) = LogLevel::parse(name) {
        return Some(l);
    }
    let first = macro_args(mac).into_iter().next()?;
    let text = cx.text(&first);
    let after = text
        .rsplit("Level::")
        .next()
        .filter(|_| text.contains("Level::"))?;
    LogLevel::parse(after.trim())
}

fn log_finding(cx: &Context<'_>, mac: &syn::Macro, name: &str) -> Option<Finding> {
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
    let mut place = place(cx)?;
    let in_this_file = cx.own_summary().is_some_and(|own| own.path == backend.file);
    let files_only = if in_this_file {
        writes_files_only(&cx.file.text)
    } else {
        backend.files_only
    };
    // A file output seldom waits for a reader: reported with the wider scopes, at `info`.
    if files_only && place.severity == Severity::Warning {
        if scope(cx) < Scope::Serving {
            return None;
        }
        place.severity = Severity::Info;
    }
    let writes = if files_only {
        "its log file"
    } else {
        backend.writes
    };
    let at = if in_this_file {
        format!("line {}", backend.line)
    } else {
        let shown = cx.crate_index().display_path(&backend.file);
        format!("{}:{}", shown.display(), backend.line)
    };
    // The program's default level: the one its code sets, else the backend's usual one.
    let shown_to = backend
        .level
        .or_else(|| default_level(&cx.file.text).filter(|_| in_this_file))
        .unwrap_or(DEFAULT_THRESHOLD);
    let level = macro_level(cx, mac, name);
    let text = located(cx, &place.text);
    let finding = match level {
        Some(level) if level > shown_to => {
            if !cx.options::<SyncLoggingOptions>().filtered_levels {
                return None;
            }
            Finding::new(
                META.name,
                cx.span(mac),
                format!(
                    "`{name}!` {text} would log synchronously through `{}` (installed at {at}) if `{}` records were enabled",
                    backend.name,
                    level.as_str()
                ),
            )
            .severity(Severity::Info)
            .label(format!(
                "off by default: checks the level filter, writes nothing unless `{}` is turned on",
                level.as_str()
            ))
            .note(format!(
                "`{}` shows `{}` and above unless told otherwise (`RUST_LOG`, a verbosity option): turned on, each record is formatted and written to {} on the executor thread",
                backend.name,
                shown_to.as_str(),
                writes
            ))
        }
        _ => Finding::new(
            META.name,
            cx.span(mac),
            format!(
                "`{name}!` {text} logs synchronously through `{}` (installed at {at})",
                backend.name
            ),
        )
        .severity(place.severity)
        .label("formats and writes the record on the executor thread")
        .note(format!(
            "`{}` formats each record and writes it to {} on the thread that logs, behind a lock: every task on this executor thread waits for the write",
            backend.name, writes
        )),
    };
    Some(finding.help(backend.help))
}
