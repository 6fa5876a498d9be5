//! The command line (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "async-lint",
    version,
    about = "A fast static linter for async Rust",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files or folders (default: the current folder).
    Check(CheckArgs),
    /// Print the documentation of a rule.
    Explain {
        /// The rule's name, e.g. blocking-in-async.
        rule: String,
    },
    /// List the rules with their default severity.
    Rules,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to lint.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to colour human output (auto: only on a terminal, and never with NO_COLOR set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Only run these rules (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Exit with 1 only for findings at or above this severity.
    #[arg(long, value_enum, default_value_t = FailLevel::Info)]
    pub fail_level: FailLevel,
    /// Exit 0 even when there are findings (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print only the findings: no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the number of findings per rule after the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Use this config file instead of looking for one.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Files larger than this many MiB are reported as errors and not linted: a syntax tree
    /// costs about a hundred times the text, and such files are generated.
    #[arg(long, default_value_t = 8, value_name = "MIB")]
    pub max_file_size: u64,
    /// Number of threads (default: one per core).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// miette's graphical report.
    Human,
    /// One JSON document (schema in the README).
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailLevel {
    Info,
    Warning,
    Error,
}
