//! `async-lint`: the command line. Walks the given paths, lints the files in parallel and
//! prints the findings. Exit codes: 0 nothing at or above the fail level, 1 findings,
//! 2 usage, config or I/O error.

mod cli;
mod project;
mod report;
mod run;
mod walk;

use async_lint_core::{rules, Engine, Selection, Severity};
use clap::Parser;
use cli::{CheckArgs, Cli, ColorChoice, Command, FailLevel, Format};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Check(args) => check(args),
        Command::Explain { rule } => explain(&rule),
        Command::Rules => {
            let mut out = String::new();
            for r in rules::RULES {
                let m = r.meta();
                out.push_str(&format!(
                    "{:<22} {:<8} {}\n",
                    m.name,
                    m.default_severity.as_str(),
                    m.summary
                ));
            }
            print(&out)
        }
    }
}

fn explain(name: &str) -> ExitCode {
    match rules::find(name) {
        Some(rule) => print(rule.meta().doc),
        None => {
            let known: Vec<&str> = rules::RULES.iter().map(|r| r.meta().name).collect();
            eprintln!(
                "error: unknown rule `{name}`; known rules: {}",
                known.join(", ")
            );
            ExitCode::from(2)
        }
    }
}

fn print(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

fn check(args: CheckArgs) -> ExitCode {
    for name in args.select.iter().chain(&args.ignore) {
        if rules::find(name).is_none() && name != async_lint_core::PARSE_ERROR {
            eprintln!("error: unknown rule `{name}` (see `async-lint rules`)");
            return ExitCode::from(2);
        }
    }
    let start = args.paths.first().cloned().unwrap_or_else(|| ".".into());
    let found = match project::find_config(args.config.as_deref(), &start) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            return ExitCode::from(2);
        }
    };
    let globs = walk::Excludes::new(&found.config.exclude, &found.base);
    let ignores = run::PathIgnores::new(&found.config.per_path_ignores, &found.base);
    let (Ok(excludes), Ok(ignores)) = (globs, ignores) else {
        eprintln!(
            "error: invalid glob in config {}",
            found
                .source
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
        return ExitCode::from(2);
    };
    let engine = Engine::new(
        &found.config,
        &Selection {
            select: args.select.clone(),
            ignore: args.ignore.clone(),
        },
    );
    let (files, walk_errors) = walk::collect(&args.paths, &excludes);
    let settings = run::Settings {
        ignores: &ignores,
        threads: args.threads,
        max_file_bytes: args.max_file_size.saturating_mul(1024 * 1024),
    };
    let mut outcome = run::lint_all(&engine, files, &settings);
    outcome.errors.extend(walk_errors);
    outcome.errors.sort();

    let rendered = match args.format {
        Format::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            report::human::render(&outcome, color, 100, args.quiet, args.statistics)
        }
        Format::Json => report::json::render(&outcome),
    };
    let printed = print(&rendered);
    if args.format == Format::Human {
        for e in &outcome.errors {
            eprintln!("error: {}: {}", e.path.display(), e.message);
        }
    }
    if printed != ExitCode::SUCCESS || !outcome.errors.is_empty() {
        return ExitCode::from(2);
    }
    let threshold = match args.fail_level {
        FailLevel::Info => Severity::Info,
        FailLevel::Warning => Severity::Warning,
        FailLevel::Error => Severity::Error,
    };
    let failing = report::all(&outcome).any(|(_, f)| f.severity >= threshold);
    if failing && !args.exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
