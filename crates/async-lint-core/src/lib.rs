//! async-lint's engine: reads Rust source (no compilation) and reports the mistakes that make
//! async code slow or fragile.
//!
//! The pipeline for one file, in the order of the modules:
//! [`source`] (text, line index, spans) → [`parse`] (syn) → [`resolve`] (names through `use`
//! items) → [`context`] (one visitor: async frames, loops, locals) → [`rules`] (hooks the
//! visitor calls) → [`engine`] (the diagnostics pipeline: suppressions, per-path ignores,
//! severity, fix applicability, sort) → [`Finding`]s with lines and columns. What the crate's
//! other files declare comes from the [`index`], built lazily per crate. Walking folders,
//! config discovery and output formats live in the `async-lint` binary.

pub mod analyses;
pub mod catalog;
pub mod config;
pub mod context;
pub mod declare;
pub mod engine;
pub mod finding;
pub mod index;
pub mod options;
pub mod parse;
pub mod pseudo;
pub mod resolve;
pub mod rules;
mod settings;
pub mod source;
pub mod suppress;
pub mod syntax;

pub use config::{Config, ConfigError, Level, RuleSettings};
pub use finding::{Applicability, Finding, Label, Severity, Suggestion, PARSE_ERROR};
pub use source::{LineCol, Region, SourceFile, Span};

pub use context::IndexScope;
pub use engine::{Engine, FileInput, FileResult, Selection};
pub use index::CrateIndex;

/// The async runtime a crate uses, from its Cargo.toml dependencies; it decides which
/// replacement a suggestion spells out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Runtime {
    Tokio,
    AsyncStd,
    Smol,
    #[default]
    Unknown,
}

/// What the engine knows of the crate a file belongs to.
#[derive(Debug, Clone, Default)]
pub struct CrateInfo {
    pub name: Option<String>,
    pub runtime: Runtime,
    /// The Rust edition (`2021`), when the manifest says; temporary scopes depend on it.
    pub edition: Option<u16>,
}

/// The module path of a file from its path relative to the crate's source root
/// (`net/tcp.rs` → `crate::net::tcp`; `lib.rs`, `main.rs`, `mod.rs` name their folder).
pub fn module_path(relative: &std::path::Path) -> Vec<String> {
    let mut out = vec!["crate".to_string()];
    let comps: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for (i, c) in comps.iter().enumerate() {
        let last = i + 1 == comps.len();
        let name = if last {
            c.strip_suffix(".rs").unwrap_or(c)
        } else {
            c.as_str()
        };
        if last && (name == "mod" || (i == 0 && (name == "lib" || name == "main"))) {
            continue;
        }
        out.push(name.replace('-', "_"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_follow_the_file_layout() {
        let p = |s: &str| module_path(std::path::Path::new(s)).join("::");
        assert_eq!(p("lib.rs"), "crate");
        assert_eq!(p("net/mod.rs"), "crate::net");
        assert_eq!(p("net/tcp.rs"), "crate::net::tcp");
    }
}
