//! The command line (clap derive).

use crate::report::Format;
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
    /// For rust-analyzer's `check.overrideCommand`: run a cargo command, forward its JSON
    /// messages, add async-lint's for the workspace, end with one `build-finished`.
    Flycheck(FlycheckArgs),
    /// A language server (LSP) over stdin/stdout: diagnostics as you type, quick fixes, rule
    /// pages on hover. Editors start it; see the README's "Editors".
    Server(ServerArgs),
    /// Print the documentation of a rule (rendered on a terminal, Markdown when piped).
    Explain {
        /// The rule's name, e.g. blocking-in-async.
        #[arg(required_unless_present = "all")]
        rule: Option<String>,
        /// Every rule's page.
        #[arg(long, conflicts_with = "rule")]
        all: bool,
    },
    /// List the rules with their default severity.
    Rules,
    /// Print a shell completion script, e.g. `async-lint completions bash >
    /// ~/.local/share/bash-completion/completions/async-lint`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `async-lint man > ~/.local/share/man/man1/async-lint.1`.
    Man,
}

/// `async-lint server`: the lint options, for every document it lints.
#[derive(Debug, Args)]
pub struct ServerArgs {
    #[command(flatten)]
    pub lint: LintArgs,
}

/// What decides which findings a run produces; shared by `check`, `flycheck` and `server`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Only run these rules (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
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
    /// Report `// async-lint: allow(..)` comments that suppress nothing (rule `unused-allow`);
    /// an allow naming no rule is reported without it.
    #[arg(long)]
    pub report_unused_allows: bool,
    /// Parse every file, even those in which no enabled rule can fire (slower). The findings
    /// are the same byte for byte; this mode exists to check exactly that.
    #[arg(long)]
    pub no_prefilter: bool,
    /// Benchmark baseline: walk, read and parse every file as `check` does, run no rule, and
    /// report nothing.
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to lint; `-` reads one file from stdin (name it with --stdin-filename).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub lint: LintArgs,
    /// Output format.
    #[arg(long, default_value = "human", value_parser = Format::parser())]
    pub format: &'static Format,
    /// When to colour human output (auto: only on a terminal, and never with NO_COLOR set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Lint stdin as if it were the file at this path (its config, crate, suppressions and
    /// per-path ignores apply); the path to lint must be `-` or left out.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Exit with 1 only for findings at or above this severity.
    #[arg(long, value_enum, default_value_t = FailLevel::Info)]
    pub fail_level: FailLevel,
    /// Exit 0 even when there are findings (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print only the findings: no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the number of findings per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Apply the configs' `exclude` to the paths named on the command line too (for editors
    /// and pre-commit, which pass file names).
    #[arg(long)]
    pub force_exclude: bool,
    /// Print the config each path is linted with (the nearest one above it) and its settings;
    /// lint nothing.
    #[arg(long, conflicts_with_all = ["fix", "diff", "show_files"])]
    pub show_settings: bool,
    /// Lint this package of the workspace (repeatable), as cargo's `-p`.
    #[arg(
        long = "package",
        short = 'p',
        value_name = "NAME",
        help_heading = "Package selection"
    )]
    pub package: Vec<String>,
    /// Lint every package of the workspace.
    #[arg(long, alias = "all", help_heading = "Package selection")]
    pub workspace: bool,
    /// The Cargo.toml of the package or workspace to lint (default: the nearest one above the
    /// current folder).
    #[arg(long, value_name = "PATH", help_heading = "Package selection")]
    pub manifest_path: Option<PathBuf>,
    /// Set by `cargo async-lint`: without paths, lint the current package (the workspace's
    /// default members at a virtual manifest), paths relative to the workspace root.
    #[arg(long, hide = true)]
    pub cargo: bool,
    /// Print the files that would be linted, one per line; lint nothing.
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    pub show_files: bool,
    /// Apply the safe (machine-applicable) suggestions to the files, then report what is left.
    /// With stdin, print the fixed source instead.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the changes `--fix` would make as a unified diff; write nothing. Exit 1 when there
    /// is a change.
    #[arg(long)]
    pub diff: bool,
    /// With --fix or --diff, also apply the suggestions that may be incorrect (read the result).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Do not read or write the cache of results (`.async-lint-cache/` at the project root).
    #[arg(long, help_heading = "Cache and watch")]
    pub no_cache: bool,
    /// Keep the cache in this folder (default: `ASYNC_LINT_CACHE_DIR`, else
    /// `.async-lint-cache/` at the project root).
    #[arg(long, value_name = "DIR", help_heading = "Cache and watch")]
    pub cache_dir: Option<PathBuf>,
    /// Lint, then lint again whenever a file changes, printing only the findings that
    /// appeared or went away; Ctrl-C stops.
    #[arg(long, conflicts_with_all = ["fix", "diff", "show_files", "show_settings"], help_heading = "Cache and watch")]
    pub watch: bool,
    /// Print the cache's hits and misses on stderr (for the benchmarks).
    #[arg(long, hide = true)]
    pub cache_stats: bool,
}

#[derive(Debug, Args)]
pub struct FlycheckArgs {
    /// Folders or files to lint (default: the current folder, which is the workspace root when
    /// rust-analyzer runs the command).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub lint: LintArgs,
    /// The command to run first and forward, after `--`, e.g.
    /// `-- cargo clippy --workspace --all-targets --message-format=json`.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
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
