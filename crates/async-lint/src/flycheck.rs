//! `async-lint flycheck [PATHS] -- <cargo command>`: what rust-analyzer's
//! `check.overrideCommand` should run. The override replaces `cargo check`, so this runs the
//! given command (its stdout is read, its stderr passed through), lints the workspace
//! meanwhile, prints async-lint's diagnostics (`--format cargo`), then forwards the command's
//! messages without its `build-finished`, and ends with one `build-finished` of its own.
//!
//! async-lint's messages go first because rust-analyzer clears a package's diagnostics when
//! that package's first message of a run arrives (and the whole workspace's at the first bare
//! diagnostic): whatever is printed first can never wipe what follows.
//!
//! Exit code: the command's when it failed, else 2 when async-lint could not read a path or
//! its config, else 0 — findings are diagnostics for the editor, not a failure.

use crate::cli::FlycheckArgs;
use crate::configs::Configs;
use crate::lint::{lint_paths, PathsOptions};
use crate::report::cargo;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::sync::Arc;

pub fn flycheck(args: FlycheckArgs) -> ExitCode {
    let started = start(&args.command);
    let failed_to_start = started.is_err();
    let (child, lines) = match started {
        Ok(Some((child, lines))) => (Some(child), Some(lines)),
        _ => (None, None),
    };

    let (ours, lint_ok) = lint(&args);
    let mut stdout = std::io::stdout().lock();
    let mut write = |bytes: &[u8]| {
        // A reader that went away (the editor cancelled the check) is no error worth a word.
        let _ = stdout.write_all(bytes).and_then(|_| stdout.flush());
    };
    let mut text = String::new();
    for l in &ours {
        text.push_str(l);
        text.push('\n');
    }
    write(text.as_bytes());

    // Forward the command's messages as they come, minus its build-finished.
    for line in lines.into_iter().flatten() {
        if !is_build_finished(&line) {
            write(&line);
            if !line.ends_with(b"\n") {
                write(b"\n");
            }
        }
    }
    let status = child.map(|mut c| c.wait());
    let command_ok = match &status {
        None => !failed_to_start,
        Some(Ok(s)) => s.success(),
        Some(Err(_)) => false,
    };
    write(format!("{}\n", cargo::build_finished(command_ok)).as_bytes());
    match status {
        Some(Ok(s)) if !s.success() => {
            ExitCode::from(s.code().map_or(101, |c| c.clamp(1, 255) as u8))
        }
        Some(Err(_)) => ExitCode::from(2),
        _ if failed_to_start || !lint_ok => ExitCode::from(2),
        _ => ExitCode::SUCCESS,
    }
}

/// A running command and the lines of its stdout.
type Started = (Child, mpsc::Receiver<Vec<u8>>);

/// Starts the command with its stdout read line by line on a thread; `Ok(None)` without a
/// command, `Err` (after saying why) when it cannot be started.
fn start(command: &[String]) -> Result<Option<Started>, ()> {
    let Some((program, rest)) = command.split_first() else {
        return Ok(None);
    };
    let mut child = Command::new(program)
        .args(rest)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| eprintln!("error: cannot run `{}`: {e}", command.join(" ")))?;
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if tx.send(line).is_err() {
                            break;
                        }
                    }
                }
            }
        });
    }
    Ok(Some((child, rx)))
}

/// async-lint's messages for the paths, and whether everything could be read (the config,
/// every path); what went wrong is printed on stderr.
fn lint(args: &FlycheckArgs) -> (Vec<String>, bool) {
    let Ok(configs) = Configs::new(&args.lint) else {
        return (Vec::new(), false);
    };
    let configs = Arc::new(configs);
    let quiet = PathsOptions {
        quiet: true,
        ..PathsOptions::default()
    };
    let Ok((mut outcome, _)) = lint_paths(&args.paths, &args.lint, &configs, quiet) else {
        return (Vec::new(), false);
    };
    outcome.errors.sort();
    for e in &outcome.errors {
        eprintln!("error: {}: {}", e.path.display(), e.message);
    }
    (cargo::messages(&outcome), outcome.errors.is_empty())
}

/// Is this line cargo's `{"reason":"build-finished",...}`?
fn is_build_finished(line: &[u8]) -> bool {
    let text = String::from_utf8_lossy(line);
    text.contains("\"build-finished\"")
        && serde_json::from_str::<serde_json::Value>(text.trim())
            .is_ok_and(|v| v.get("reason").and_then(|r| r.as_str()) == Some("build-finished"))
}
