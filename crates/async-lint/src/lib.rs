//! The `async-lint` command line, shared by the `async-lint` and `cargo-async-lint` binaries.
//! Walks the given paths, lints the files in parallel, fixes them when asked and prints the
//! findings. Exit codes: 0 nothing at or above the fail level, 1 findings, 2 usage, config or
//! I/O error.

mod cache;
mod check;
mod cli;
mod configs;
mod explain;
mod fix;
mod flycheck;
mod lint;
mod manifest;
mod modules;
mod outcome;
mod paths;
mod progress;
mod project;
mod report;
mod run;
mod server;
mod walk;
mod watch;
mod workspace;

use async_lint_core::rules;
use clap::{CommandFactory, Parser};
use cli::{Cli, Command};
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

/// Runs the command line `args` (the program name first).
pub fn main_with(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Check(args) => check::check(args),
        Command::Flycheck(args) => flycheck::flycheck(args),
        Command::Server(args) => server::server(args),
        Command::Explain { rule, all } => explain::explain(rule.as_deref(), all),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "async-lint", &mut out);
            print(&String::from_utf8_lossy(&out))
        }
        Command::Man => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => print(&String::from_utf8_lossy(&out)),
                Err(e) => {
                    eprintln!("error: cannot render the man page: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Rules => {
            let mut out = String::new();
            let width = rules::RULES.iter().map(|r| r.meta().name.len()).max();
            let width = width.unwrap_or_default();
            for r in rules::RULES {
                let m = r.meta();
                out.push_str(&format!(
                    "{:<width$} {:<8} {}\n",
                    m.name,
                    m.default_severity.as_str(),
                    m.summary
                ));
            }
            print(&out)
        }
    }
}

/// The arguments of `cargo-async-lint` as `async-lint` takes them: cargo passes the
/// subcommand's name (`async-lint`) first, which is dropped; with no subcommand (only options
/// or paths), `check` is inserted.
pub fn cargo_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    if args.get(1).is_some_and(|a| a == "async-lint") {
        args.remove(1);
    }
    let subcommands = [
        "check",
        "flycheck",
        "server",
        "explain",
        "rules",
        "completions",
        "man",
        "help",
    ];
    let needs_check = match args.get(1).and_then(|a| a.to_str()) {
        None => true,
        Some(a) if subcommands.contains(&a) => false,
        Some("-h" | "--help" | "-V" | "--version") => false,
        Some(_) => true,
    };
    if needs_check {
        args.insert(1.min(args.len()), "check".into());
    }
    if args.get(1).is_some_and(|a| a == "check") {
        args.insert(2, "--cargo".into());
    }
    if let Some(first) = args.first_mut() {
        *first = "cargo async-lint".into();
    }
    args
}

/// Writes `text` to stdout. A closed pipe (`| head`) is not an error worth a message.
fn print(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        cargo_args(list.iter().map(OsString::from))
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn cargo_subcommand_arguments() {
        assert_eq!(
            args(&["cargo-async-lint", "async-lint"]),
            ["cargo async-lint", "check", "--cargo"]
        );
        assert_eq!(
            args(&["cargo-async-lint", "async-lint", "--format", "json"]),
            ["cargo async-lint", "check", "--cargo", "--format", "json"]
        );
        assert_eq!(
            args(&["cargo-async-lint", "async-lint", "rules"]),
            ["cargo async-lint", "rules"]
        );
        assert_eq!(
            args(&["cargo-async-lint", "async-lint", "--version"]),
            ["cargo async-lint", "--version"]
        );
        assert_eq!(
            args(&["cargo-async-lint", "src"]),
            ["cargo async-lint", "check", "--cargo", "src"]
        );
    }
}
