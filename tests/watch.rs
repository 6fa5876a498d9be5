//! `check --watch` on a real crate: the first run's findings, then only what an edit changed
//! (`+` new, `-` gone), and a clean exit on SIGINT (Ctrl-C). Every wait polls the output
//! with a deadline; nothing sleeps a fixed time.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(60);

/// The child's stdout lines, as they come.
fn lines_of(child: &mut Child) -> Receiver<String> {
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Reads lines until one satisfies `want`; returns the lines read. Panics at the deadline.
fn wait_for(rx: &Receiver<String>, what: &str, want: impl Fn(&str) -> bool) -> Vec<String> {
    let end = Instant::now() + DEADLINE;
    let mut seen = Vec::new();
    loop {
        let left = end.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                let done = want(&line);
                seen.push(line);
                if done {
                    return seen;
                }
            }
            Err(_) => panic!(
                "no {what} within {DEADLINE:?}; output so far:\n{}",
                seen.join("\n")
            ),
        }
    }
}

fn write(dir: &Path, path: &str, text: &str) {
    std::fs::write(dir.join(path), text).expect("write");
}

/// Kills the child if the test fails before it exits.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_prints_the_findings_an_edit_adds_and_removes_then_exits_on_ctrl_c() {
    let dir = common::project(&[
        (
            "Cargo.toml",
            b"[package]\nname = \"watched\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = \"1\"\n",
        ),
        (
            "src/lib.rs",
            b"mod util;\n\npub async fn handler() {\n    util::helper();\n}\n\npub async fn other() {\n    std::fs::read(\"a\").ok();\n}\n",
        ),
        ("src/util.rs", b"pub fn helper() {}\n"),
    ]);
    let child = Command::new(common::binary())
        .current_dir(dir.path())
        .args(["check", "--watch", "--format", "concise"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns");
    let mut guard = Guard(child);
    let rx = lines_of(&mut guard.0);

    let first = wait_for(&rx, "the first run", |l| l.contains("watching for changes"));
    assert!(
        first[0].starts_with("src/lib.rs:8:5: warning[blocking-in-async]"),
        "{first:?}"
    );
    assert_eq!(
        first.len(),
        2,
        "one finding, then the watching line: {first:?}"
    );

    // The callee starts blocking: the caller's finding appears, and only it is printed.
    write(
        dir.path(),
        "src/util.rs",
        "pub fn helper() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n",
    );
    let added = wait_for(&rx, "the new finding", |l| l.starts_with('['));
    assert_eq!(added.len(), 2, "{added:?}");
    assert!(
        added[0]
            .starts_with("+ src/lib.rs:4:5: warning[blocking-in-async]: blocking call `helper()`"),
        "{added:?}"
    );
    assert!(added[1].contains("1 new, 0 gone"), "{added:?}");

    // Lines move above the old finding and the new one goes: only the gone one is printed.
    write(
        dir.path(),
        "src/lib.rs",
        "mod util;\n\n\n\npub async fn handler() {}\n\npub async fn other() {\n    std::fs::read(\"a\").ok();\n}\n",
    );
    let gone = wait_for(&rx, "the gone finding", |l| l.starts_with('['));
    assert!(
        gone.iter()
            .any(|l| l.starts_with("- src/lib.rs:4:5: warning[blocking-in-async]")),
        "{gone:?}"
    );
    assert!(
        gone.iter().all(|l| !l.starts_with('+')),
        "moved, not new: {gone:?}"
    );
    assert!(
        gone.last().expect("a line").contains("0 new, 1 gone"),
        "{gone:?}"
    );

    // Ctrl-C: a clean exit with status 0.
    let pid = guard.0.id().to_string();
    let status = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let end = Instant::now() + DEADLINE;
    let code = loop {
        if let Some(status) = guard.0.try_wait().expect("try_wait") {
            break status.code();
        }
        assert!(Instant::now() < end, "still running after SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0));
}
