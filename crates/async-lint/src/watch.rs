//! `check --watch`: lint, then lint again whenever a watched file changes, printing only the
//! findings that appeared (`+`) or went away (`-`) since the previous run.
//!
//! Change events come from the `notify` crate (inotify, FSEvents, ReadDirectoryChangesW),
//! debounced by `notify-debouncer-mini` so that an editor's save (write, rename, chmod) is one
//! re-lint. Each re-lint is a whole `check` run through the cache: only the files whose key
//! changed (their text, or their crate's) are linted again. Ctrl-C ends the loop between
//! runs and exits 0, after the cache of the last run is written.
//!
//! A finding is the same across runs when its file, rule, message and flagged text are: an
//! edit above it moves its line without reporting it as fixed and new.

use crate::cache::Cache;
use crate::cli::CheckArgs;
use crate::configs::Configs;
use crate::lint::{lint_paths, PathsOptions};
use crate::outcome::Outcome;
use notify_debouncer_mini::notify::RecursiveMode;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// How long the debouncer waits for a burst of events to end.
const DEBOUNCE: Duration = Duration::from_millis(150);

enum Event {
    Changed(Vec<PathBuf>),
    Stop,
}

/// One finding's identity across runs, and how it is shown.
type Seen = BTreeMap<(PathBuf, &'static str, String, String), Vec<String>>;

pub fn watch(args: &CheckArgs, package_roots: Option<&HashSet<PathBuf>>) -> ExitCode {
    let (tx, rx) = mpsc::channel::<Event>();
    let stop = tx.clone();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop.send(Event::Stop);
    }) {
        eprintln!("error: cannot handle Ctrl-C: {e}");
        return ExitCode::from(2);
    }
    let debouncer = notify_debouncer_mini::new_debouncer(
        DEBOUNCE,
        move |res: notify_debouncer_mini::DebounceEventResult| {
            if let Ok(events) = res {
                let paths: Vec<PathBuf> = events
                    .into_iter()
                    .map(|e| e.path)
                    .filter(|p| relevant(p))
                    .collect();
                if !paths.is_empty() {
                    let _ = tx.send(Event::Changed(paths));
                }
            }
        },
    );
    let mut debouncer = match debouncer {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot watch files: {e}");
            return ExitCode::from(2);
        }
    };
    for path in &args.paths {
        if let Err(e) = debouncer.watcher().watch(path, RecursiveMode::Recursive) {
            eprintln!("error: cannot watch {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }

    let Some(first) = run(args, package_roots) else {
        return ExitCode::from(2);
    };
    let mut out = crate::report::concise::render(&first, true, false);
    out.push_str(&format!(
        "{} — watching for changes (Ctrl-C to stop)\n",
        summary_line(&first)
    ));
    emit(&out);
    let mut previous = seen(&first);
    // Ctrl-C (or the watcher gone) ends the loop.
    while let Ok(Event::Changed(changed)) = rx.recv() {
        let mut changed: HashSet<PathBuf> = changed.into_iter().collect();
        // Events that arrived while the previous run went on belong to this one.
        while let Ok(more) = rx.try_recv() {
            match more {
                Event::Changed(paths) => changed.extend(paths),
                Event::Stop => return ExitCode::SUCCESS,
            }
        }
        let Some(outcome) = run(args, package_roots) else {
            continue;
        };
        let now = seen(&outcome);
        emit(&difference(&previous, &now, changed.len(), &outcome));
        previous = now;
    }
    ExitCode::SUCCESS
}

/// One `check` run through the cache; `None` after printing why it could not run.
fn run(args: &CheckArgs, package_roots: Option<&HashSet<PathBuf>>) -> Option<Outcome> {
    let configs = Arc::new(Configs::new(&args.lint).ok()?);
    let cache = (!args.no_cache)
        .then(|| Cache::open(args.cache_dir.as_deref(), true))
        .flatten();
    let options = PathsOptions::of_check(args, package_roots, None, cache.as_ref());
    let (mut outcome, _) = lint_paths(&args.paths, &args.lint, &configs, options).ok()?;
    outcome.errors.sort();
    for e in &outcome.errors {
        eprintln!("error: {}: {}", e.path.display(), e.message);
    }
    Some(outcome)
}

/// Is a changed path one that can change findings: Rust source, a manifest, a config?
fn relevant(path: &Path) -> bool {
    let hidden_or_target = path.components().any(|c| {
        let s = c.as_os_str().to_string_lossy();
        s == "target" || s == crate::cache::DIR_NAME || s == ".git"
    });
    if hidden_or_target {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".rs")
        || name == "Cargo.toml"
        || name == "async-lint.toml"
        || name == ".async-lint.toml"
        || name == ".gitignore"
        || name == ".ignore"
        // A folder created, removed or renamed: its files come and go with it.
        || !name.contains('.')
}

/// The findings of a run by identity, each with its concise line(s).
fn seen(outcome: &Outcome) -> Seen {
    let mut out = Seen::new();
    for (file, f) in crate::report::all(outcome) {
        let line = crate::report::concise::line(&file.path, f);
        let text = file
            .text
            .get(f.span.start..f.span.end)
            .unwrap_or_default()
            .to_string();
        out.entry((file.path.clone(), f.rule, f.message.clone(), text))
            .or_default()
            .push(line);
    }
    out
}

/// The findings that appeared (`+`, where they are now) and went away (`-`, where they
/// were), then one summary line.
fn difference(before: &Seen, after: &Seen, files: usize, outcome: &Outcome) -> String {
    let mut added = Vec::new();
    let mut fixed = Vec::new();
    for (id, lines) in after {
        let had = before.get(id).map_or(0, Vec::len);
        added.extend(lines.iter().skip(had).map(|l| format!("+ {l}\n")));
    }
    for (id, lines) in before {
        let has = after.get(id).map_or(0, Vec::len);
        fixed.extend(lines.iter().skip(has).map(|l| format!("- {l}\n")));
    }
    let mut out = String::new();
    out.extend(added.iter().cloned());
    out.extend(fixed.iter().cloned());
    out.push_str(&format!(
        "[{} changed path{}] {} new, {} gone; {}\n",
        files,
        if files == 1 { "" } else { "s" },
        added.len(),
        fixed.len(),
        summary_line(outcome)
    ));
    out
}

fn summary_line(outcome: &Outcome) -> String {
    let n = crate::report::all(outcome).count();
    format!(
        "{n} finding{} in {} file{}",
        if n == 1 { "" } else { "s" },
        outcome.files_read,
        if outcome.files_read == 1 { "" } else { "s" }
    )
}

/// Prints and flushes at once (stdout is a pipe for editors and tests).
fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
