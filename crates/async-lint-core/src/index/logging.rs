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
    /// Where it is installed.
    pub file: PathBuf,
    pub line: usize,
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
}

const fn log(path: &'static str, name: &'static str, writes: &'static str) -> Backend {
    Backend {
        path,
        name,
        writes,
        tracing: false,
    }
}

/// The calls that install a synchronous backend.
const BACKENDS: &[Backend] = &[
    log("env_logger::", "env_logger", "stderr"),
    log("pretty_env_logger::", "pretty_env_logger", "stderr"),
    log("simple_logger::", "simple_logger", "stdout"),
    log("simplelog::", "simplelog", "the terminal"),
    log("stderrlog::", "stderrlog", "stderr"),
    log("fern::", "fern", "its outputs"),
    log("log4rs::", "log4rs", "its appenders"),
    Backend {
        path: "tracing_subscriber::fmt",
        name: "tracing_subscriber::fmt",
        writes: "its writer (stdout unless set)",
        tracing: true,
    },
    Backend {
        path: "tracing_subscriber::FmtSubscriber",
        name: "tracing_subscriber::fmt",
        writes: "its writer (stdout unless set)",
        tracing: true,
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
                    file: s.path.clone(),
                    line: c.line,
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
                for file in files {
                    let Ok(text) = std::fs::read_to_string(&file) else {
                        continue;
                    };
                    if !NEEDLES.iter().any(|n| text.contains(n)) {
                        continue;
                    }
                    if crate::context::testcode::is_test_path(&file) {
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
                Arc::new(first)
            })
            .clone()
    }
}

/// How deep below `src/` files are looked for.
const MAX_DIR_DEPTH: usize = 8;

/// The `.rs` files below `dir`, in path order, hidden folders skipped.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
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
}
