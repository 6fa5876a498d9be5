//! Which logging backend a crate installs: `env_logger`, `simple_logger`, `fern`, `log4rs`,
//! `tracing_subscriber::fmt()`… — loggers that format and write each record on the thread that
//! logs — or a `tracing_appender::non_blocking` writer, which hands records to a worker thread.
//!
//! Found lazily, once per crate, and cheaply: only the files under `src/` whose text names a
//! backend are parsed (most already are, as summaries); the calls of their fns outside test
//! code decide. Only a program (a crate with `src/main.rs` or `src/bin/`) installs the
//! process's logger: a library logs through whatever its user installs, and nothing is known.

use super::{CrateIndex, FileSummary};
use crate::index::Callee;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A synchronous logging backend the code installs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggerBackend {
    /// The backend as messages name it (`env_logger`, `tracing_subscriber::fmt`).
    pub name: &'static str,
    /// Where it writes (`stderr`, `stdout`, `its appenders`).
    pub writes: &'static str,
    /// A `tracing` subscriber: it also receives `log` records (through `tracing-log`).
    pub tracing: bool,
    /// How to take its writes off the logging thread, in its own terms.
    pub help: &'static str,
    /// Where it is installed.
    pub file: PathBuf,
    pub line: usize,
    /// The setup gives the backend only file outputs (`with_writer(file)`, `fern::log_file`,
    /// a `WriteLogger`), no terminal: a write lands in the page cache and seldom waits for a
    /// reader, unlike stdout or stderr behind a pipe or a log collector.
    pub files_only: bool,
    /// The program's default level as its code sets it (see [`default_level`]), over the
    /// crate's files; `None` when it names none ([`DEFAULT_THRESHOLD`] then).
    pub level: Option<LogLevel>,
}

/// A record's level, least verbose first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    /// The level a name spells, in any case (`debug`, `DEBUG`, `Debug`).
    pub fn parse(s: &str) -> Option<LogLevel> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(LogLevel::Error),
            "warn" | "warning" => Some(LogLevel::Warn),
            "info" => Some(LogLevel::Info),
            "debug" => Some(LogLevel::Debug),
            "trace" => Some(LogLevel::Trace),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

/// The most verbose level a backend shows when the program sets none: `tracing_subscriber`'s
/// fmt subscriber shows `info` and above; `env_logger` and the `EnvFilter` show what
/// `RUST_LOG` says, which a service sets to `info` (the level its operators read), not to
/// `debug` or `trace`.
pub const DEFAULT_THRESHOLD: LogLevel = LogLevel::Info;

/// Words of code that sets a log filter without naming a backend (a verbosity option).
const FILTER_WORDS: &[&str] = &[
    "LevelFilter",
    "EnvFilter",
    "RUST_LOG",
    "log_level",
    "Directive",
];

/// Words of a logger setup that writes to the terminal.
const TERMINAL_WORDS: &[&str] = &[
    "stdout",
    "stderr",
    "TermLogger",
    "ConsoleAppender",
    "SimpleLogger",
];

/// Words of a setup that chooses the outputs itself (else the backend's default, a terminal).
const SINK_WORDS: &[&str] = &[
    "with_writer",
    "Target::Pipe",
    ".chain(",
    "WriteLogger",
    "FileAppender",
];

/// Does the logger setup in `text` (the file that installs it) choose its outputs and name no
/// terminal among them?
pub fn writes_files_only(text: &str) -> bool {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let text = code.as_str();
    let lower = text.to_ascii_lowercase();
    let terminal = TERMINAL_WORDS
        .iter()
        .any(|w| lower.contains(&w.to_ascii_lowercase()));
    !terminal && SINK_WORDS.iter().any(|w| text.contains(w))
}

/// Words of a line that sets a filter from a `Level`.
const LEVEL_SETTERS: &[&str] = &["max_level", "filter", "level("];

/// Where a level in a line is the level of a record or span, not a filter.
const USES: &[&str] = &["#[", "event!", "span!", "enabled!", "log!("];

/// The level the code of a file sets as the program's default, if it names one: the levels
/// it names as values (`LevelFilter::Debug`, `Level::TRACE`, `log::Level::Debug`) or as filter
/// directives in string literals (`"debug"`, `"info,my_app=trace"`, as given to
/// `default_filter_or`, `EnvFilter::new`, `parse_filters` or `set_var("RUST_LOG", ..)`, in a
/// file about logging) are the choices the program makes; when it names several (a `-v`
/// option choosing among `Info`, `Debug`, `Trace`), the least verbose is the default and the
/// others are opt-in, like `RUST_LOG`. Comments, levels given to events, spans and
/// attributes, and levels on a line that names a target (`level_for("hyper", ..)`) do not
/// count.
pub fn default_level(text: &str) -> Option<LogLevel> {
    // A string is read as a filter only in a file about logging: elsewhere `"debug"` is a
    // build profile, a help text…
    let filters = NEEDLES.iter().chain(FILTER_WORDS).any(|w| text.contains(w));
    let mut least: Option<LogLevel> = None;
    let mut keep = |l: LogLevel| {
        if least.is_none_or(|b| l < b) {
            least = Some(l);
        }
    };
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        // Levels given to an event, a span or an attribute are uses, not settings.
        if USES.iter().any(|u| code.contains(u)) {
            continue;
        }
        let per_target = code.contains('"');
        for (at, _) in code.match_indices("Level").filter(|_| !per_target) {
            let rest = &code[at..];
            // A `LevelFilter` is a filter; a `Level` is one only where the line sets a
            // filter with it (`with_max_level(Level::DEBUG)`), not where it maps or tags.
            let after = rest.strip_prefix("LevelFilter::").or_else(|| {
                rest.strip_prefix("Level::")
                    .filter(|_| LEVEL_SETTERS.iter().any(|w| code.contains(w)))
            });
            if let Some(after) = after {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if let Some(l) = LogLevel::parse(&name) {
                    keep(l);
                }
            }
        }
        for lit in code.split('"').skip(1).step_by(2).filter(|_| filters) {
            if let Some(l) = directive_level(lit) {
                keep(l);
            }
        }
    }
    least
}

/// The most verbose level of a filter directive (`debug`, `info,hyper=warn,app=trace`): every
/// comma-separated part is a level, or a target `=` a level (or `off`).
fn directive_level(lit: &str) -> Option<LogLevel> {
    let mut most = None;
    for part in lit.split(',') {
        let level = part.rsplit('=').next()?.trim();
        let target = part.len() > level.len();
        if target {
            let t = &part[..part.len() - level.len() - 1];
            let ok = !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-'));
            if !ok {
                return None;
            }
        }
        // `off` silences a target: it says nothing of the levels the program shows.
        if level.eq_ignore_ascii_case("off") {
            continue;
        }
        let l = LogLevel::parse(level)?;
        if most.is_none_or(|m| l > m) {
            most = Some(l);
        }
    }
    most
}

/// How the code logs, as far as the crate says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logging {
    /// No backend installed here: a library, or one installed elsewhere.
    Unknown,
    /// A `tracing_appender::non_blocking` writer: records are written off the executor.
    NonBlocking { file: PathBuf, line: usize },
    /// A backend that writes on the logging thread.
    Sync(LoggerBackend),
}

struct Backend {
    /// The resolved call path, or a prefix of it ending in `::`.
    path: &'static str,
    name: &'static str,
    writes: &'static str,
    tracing: bool,
    help: &'static str,
}

const fn log(
    path: &'static str,
    name: &'static str,
    writes: &'static str,
    help: &'static str,
) -> Backend {
    Backend {
        path,
        name,
        writes,
        tracing: false,
        help,
    }
}

const ENV_LOGGER_HELP: &str = "give the builder a writer that hands each record to a logging thread over a channel (`Builder::target(Target::Pipe(..))`)";
const FIXED_HELP: &str = "this logger writes on the calling thread and has no other mode: install a `log` backend that hands records to a logging thread (`fern` with an `Output::sender` channel), or log less on this path";
const TRACING_HELP: &str = "install the subscriber with a `tracing_appender::non_blocking` writer (`fmt().with_writer(non_blocking)`): records are written on a worker thread";

/// The calls that install a synchronous backend.
const BACKENDS: &[Backend] = &[
    log("env_logger::", "env_logger", "stderr", ENV_LOGGER_HELP),
    log(
        "pretty_env_logger::",
        "pretty_env_logger",
        "stderr",
        "build it with `formatted_builder()` and give that builder a writer that hands each record to a logging thread (`target(Target::Pipe(..))`)",
    ),
    log("simple_logger::", "simple_logger", "stdout", FIXED_HELP),
    log("simplelog::", "simplelog", "the terminal", FIXED_HELP),
    log("stderrlog::", "stderrlog", "stderr", FIXED_HELP),
    log(
        "fern::",
        "fern",
        "its outputs",
        "chain the dispatch to a channel (`fern::Output::sender(tx, \"\\n\")`) drained by a logging thread, instead of a stream or file",
    ),
    log(
        "log4rs::",
        "log4rs",
        "its appenders",
        "give the appenders a writer that hands records to a logging thread over a channel",
    ),
    Backend {
        path: "tracing_subscriber::fmt",
        name: "tracing_subscriber::fmt",
        writes: "its writer (stdout unless set)",
        tracing: true,
        help: TRACING_HELP,
    },
    Backend {
        path: "tracing_subscriber::FmtSubscriber",
        name: "tracing_subscriber::fmt",
        writes: "its writer (stdout unless set)",
        tracing: true,
        help: TRACING_HELP,
    },
];

/// Text a file must contain to install a backend or a non-blocking writer: the byte search
/// that decides which files are parsed.
const NEEDLES: &[&str] = &[
    "env_logger",
    "simple_logger",
    "simplelog",
    "stderrlog",
    "fern",
    "log4rs",
    "tracing_subscriber",
    "FmtSubscriber",
    "tracing_appender",
];

fn matches(path: &str, pattern: &str) -> bool {
    if pattern.ends_with("::") {
        return path.starts_with(pattern);
    }
    path == pattern
        || path
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.starts_with("::"))
}

fn non_blocking(path: &str) -> bool {
    matches(path, "tracing_appender::non_blocking")
}

/// How one file logs: a non-blocking writer it sets up wins over a backend it installs; else
/// the first backend installed, in source order. Test code does not count.
pub fn of_summary(s: &FileSummary) -> Logging {
    let mut first = None;
    for f in s.fns.iter().filter(|f| !f.test) {
        for c in &f.calls {
            let Callee::Path {
                path,
                resolved: true,
            } = &c.callee
            else {
                continue;
            };
            if non_blocking(path) {
                return Logging::NonBlocking {
                    file: s.path.clone(),
                    line: c.line,
                };
            }
            if first.is_some() {
                continue;
            }
            if let Some(b) = BACKENDS.iter().find(|b| matches(path, b.path)) {
                first = Some(LoggerBackend {
                    name: b.name,
                    writes: b.writes,
                    tracing: b.tracing,
                    help: b.help,
                    file: s.path.clone(),
                    line: c.line,
                    files_only: false,
                    level: None,
                });
            }
        }
    }
    first.map_or(Logging::Unknown, Logging::Sync)
}

impl CrateIndex {
    /// How the crate logs: every file under `src/` (binaries included) whose text names a
    /// backend is summarized; a non-blocking writer anywhere wins, else the first backend in
    /// path order. Found on first use, then kept.
    pub fn logging(&self) -> Arc<Logging> {
        self.logging
            .get_or_init(|| {
                super::busy(|| {
                    let Some(root) = self.root() else {
                        return Arc::new(Logging::Unknown);
                    };
                    let src = root.join("src");
                    // Only a program installs the process's logger: a library that does (in test
                    // utilities, behind a feature) leaves the choice to its user.
                    if !src.join("main.rs").is_file() && !src.join("bin").is_dir() {
                        return Arc::new(Logging::Unknown);
                    }
                    let mut files = Vec::new();
                    rust_files(&src, &mut files, 0);
                    let mut first = Logging::Unknown;
                    let mut named = None;
                    for file in files {
                        let Ok(text) = std::fs::read_to_string(&file) else {
                            continue;
                        };
                        if !crate::syntax::testcode::is_test_path(&file) {
                            if let Some(l) = default_level(&text) {
                                named = Some(named.map_or(l, |v: LogLevel| v.min(l)));
                            }
                        }
                        if !NEEDLES.iter().any(|n| text.contains(n)) {
                            continue;
                        }
                        if crate::syntax::testcode::is_test_path(&file) {
                            continue;
                        }
                        let Some(summary) = self.summary(&file) else {
                            continue;
                        };
                        if self.module_is_test(&summary.module.join("::")) {
                            continue;
                        }
                        match of_summary(&summary) {
                            l @ Logging::NonBlocking { .. } => return Arc::new(l),
                            l @ Logging::Sync(_) if first == Logging::Unknown => first = l,
                            _ => {}
                        }
                    }
                    if let Logging::Sync(b) = &mut first {
                        b.level = named;
                        b.files_only = std::fs::read_to_string(&b.file)
                            .is_ok_and(|text| writes_files_only(&text));
                    }
                    Arc::new(first)
                })
            })
            .clone()
    }
}

/// Can a file with this text change the crate's [`Logging`] (it names a logging backend or
/// sets a default level)? When neither its old nor its new text can, the answer is kept.
pub(super) fn may_change_logging(text: &str) -> bool {
    NEEDLES.iter().any(|n| text.contains(n)) || default_level(text).is_some()
}

/// How deep below `src/` files are looked for.
const MAX_DIR_DEPTH: usize = 8;

/// The `.rs` files below `dir`, in path order, hidden folders skipped.
pub(super) fn rust_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let hidden = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.is_dir() && depth < MAX_DIR_DEPTH {
            rust_files(&p, out, depth + 1);
        } else if meta.is_file() && p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_paths_match_by_prefix_or_whole_segments() {
        assert!(matches("env_logger::init", "env_logger::"));
        assert!(matches(
            "tracing_subscriber::fmt",
            "tracing_subscriber::fmt"
        ));
        assert!(matches(
            "tracing_subscriber::fmt::layer",
            "tracing_subscriber::fmt"
        ));
        assert!(!matches(
            "tracing_subscriber::fmtx",
            "tracing_subscriber::fmt"
        ));
        assert!(!matches(
            "tracing_subscriber::registry",
            "tracing_subscriber::fmt"
        ));
        assert!(non_blocking("tracing_appender::non_blocking"));
        assert!(!non_blocking("tracing_appender::rolling::daily"));
    }

    #[test]
    fn the_default_level_is_the_least_verbose_setting_the_code_names() {
        let one =
            "fn init() { env_logger::Builder::new().filter_level(LevelFilter::Debug).init(); }";
        assert_eq!(default_level(one), Some(LogLevel::Debug));
        let choice = "let l = match v { 0 => LevelFilter::Warn, 1 => LevelFilter::Info, _ => LevelFilter::Trace };";
        assert_eq!(default_level(choice), Some(LogLevel::Warn));
        let directive = "let f = EnvFilter::new(\"error,my_app=trace\");";
        assert_eq!(default_level(directive), Some(LogLevel::Trace));
        let quieted =
            "EnvFilter::builder().from_env_lossy().add_directive(\"rustls=off\".parse()?);";
        assert_eq!(default_level(quieted), None);
        let uses = "#[instrument(level = \"debug\")]\nfn f() { tracing::event!(Level::TRACE, \"x\"); }\n// LevelFilter::Trace";
        assert_eq!(default_level(uses), None);
        let mapping = "match d { Note => Level::TRACE, _ => Level::ERROR }";
        assert_eq!(default_level(mapping), None);
        let per_target = ".level_for(\"hyper\", LevelFilter::Error)";
        assert_eq!(default_level(per_target), None);
    }

    #[test]
    fn a_setup_naming_only_files_writes_only_files() {
        let file = "let f = File::create(p)?;\n// stdout would be nicer\nfmt().with_writer(Mutex::new(f)).init();";
        assert!(writes_files_only(file));
        assert!(!writes_files_only(
            "fmt().with_writer(std::io::stderr).init();"
        ));
        assert!(!writes_files_only("tracing_subscriber::fmt().init();"));
        assert!(writes_files_only(
            "fern::Dispatch::new().chain(fern::log_file(p)?).apply()?;"
        ));
    }
}
