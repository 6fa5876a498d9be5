//! The editor end to end: the real rust-analyzer, driven over LSP stdio, on a small workspace
//! whose `check.overrideCommand` is `async-lint flycheck -- cargo check ...`. Saving a file
//! must bring async-lint's diagnostic, at the right range, into
//! `textDocument/publishDiagnostics` — next to rustc's own, which `flycheck` forwards — and
//! its suggestion must come back as a quick fix.
//!
//! rust-analyzer must be installed (`rustup component add rust-analyzer`; `.ci/run` does it). The
//! test never installs it: without it, the test is skipped with a loud warning, and fails when
//! `CI` is set (there, a skip would hide a broken editor route).
//! No network: the workspace has no dependencies and cargo runs `--offline`.

mod common;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// The whole exchange must finish within this; it takes a few seconds.
const DEADLINE: Duration = Duration::from_secs(120);

/// The linted file: a blocking call after a non-ASCII string (columns differ in bytes, chars
/// and UTF-16 units), and an unused variable for rustc to warn about.
const LIB: &str = "pub async fn nap() {\n    let _crab = \"🦀\"; std::thread::sleep(std::time::Duration::from_millis(1));\n    let unused = 1;\n}\n";

/// The rust-analyzer to drive: `$RUST_ANALYZER`, or the one on `PATH` (rustup's proxy fails
/// when the component is missing, which counts as not installed).
fn rust_analyzer() -> Option<PathBuf> {
    let path = std::env::var_os("RUST_ANALYZER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("rust-analyzer"));
    Command::new(&path)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
        .then_some(path)
}

/// A rust-analyzer process speaking LSP; killed when dropped.
struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(exe: &Path, log: PathBuf) -> Server {
        let mut child = Command::new(exe)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .env("CARGO_NET_OFFLINE", "true")
            .spawn()
            .expect("rust-analyzer starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let Some(n) = length else { return };
                let mut body = vec![0; n];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(value) = serde_json::from_slice::<Value>(&body) else {
                    return;
                };
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            next_id: 1,
            log,
        }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .expect("write to rust-analyzer");
        self.stdin.flush().expect("flush");
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next message from the server before `deadline`, answering its requests
    /// (configuration, progress tokens, registrations) with an empty result on the way.
    fn next(&mut self, deadline: Instant) -> Option<Value> {
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let msg = self.messages.recv_timeout(left.min(Duration::from_secs(1)));
            let Ok(msg) = msg else {
                if Instant::now() >= deadline {
                    return None;
                }
                continue;
            };
            if let (Some(id), Some(method)) = (msg.get("id"), msg.get("method")) {
                let result = if method == "workspace/configuration" {
                    let n = msg["params"]["items"].as_array().map_or(0, Vec::len);
                    Value::Array(vec![Value::Null; n])
                } else {
                    Value::Null
                };
                let id = id.clone();
                self.send(json!({ "jsonrpc": "2.0", "id": id, "result": result }));
                continue;
            }
            return Some(msg);
        }
    }

    fn response(&mut self, id: i64, deadline: Instant) -> Value {
        while let Some(msg) = self.next(deadline) {
            if msg.get("id").and_then(Value::as_i64) == Some(id) && msg.get("method").is_none() {
                return msg;
            }
        }
        panic!(
            "no response to request {id} from rust-analyzer; its log:\n{}",
            self.log_text()
        );
    }

    fn log_text(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let start = text.len().saturating_sub(4000);
        text[text
            .char_indices()
            .map(|(i, _)| i)
            .find(|i| *i >= start)
            .unwrap_or(0)..]
            .to_string()
    }
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn rust_analyzer_shows_async_lint_diagnostics_with_quick_fixes() {
    let Some(ra) = rust_analyzer() else {
        let why = "rust-analyzer is not installed or does not run, so the editor end-to-end test \
                   cannot run: install it with `rustup component add rust-analyzer` (`.ci/run` \
                   does) or point RUST_ANALYZER at a binary";
        assert!(
            std::env::var_os("CI").is_none(),
            "{why} (CI is set: a skip would hide a broken editor route)"
        );
        // Written to the stderr handle itself: the test harness captures `eprintln!` of passing
        // tests, and a skip must be seen.
        let _ = writeln!(std::io::stderr(), "\n*** WARNING: SKIPPED: {why} ***\n");
        return;
    };
    let async_lint = common::binary();
    let dir = tempfile::tempdir().expect("tempdir");
    let root = std::fs::canonicalize(dir.path())
        .expect("canonical")
        .join("ws");
    std::fs::create_dir_all(root.join("src")).expect("mkdir");
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"ws\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .expect("manifest");
    let lib = root.join("src/lib.rs");
    std::fs::write(&lib, LIB).expect("lib.rs");

    let deadline = Instant::now() + DEADLINE;
    let mut server = Server::start(&ra, dir.path().join("ra.log"));
    let override_command = json!([
        async_lint.to_string_lossy(),
        "flycheck",
        "--",
        "cargo",
        "check",
        "--offline",
        "--workspace",
        "--all-targets",
        "--message-format=json"
    ]);
    let init = server.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": file_uri(&root),
            "workspaceFolders": [{ "uri": file_uri(&root), "name": "ws" }],
            "capabilities": {
                "textDocument": {
                    "publishDiagnostics": { "relatedInformation": true },
                    "codeAction": {
                        "codeActionLiteralSupport": {
                            "codeActionKind": { "valueSet": ["", "quickfix", "refactor"] }
                        }
                    }
                },
                "window": { "workDoneProgress": false }
            },
            "initializationOptions": {
                "check": { "overrideCommand": override_command },
                "checkOnSave": true,
                "cachePriming": { "enable": false },
                "procMacro": { "enable": false },
                // No standard library to load (nor `rust-src` needed): the check does not use it.
                "cargo": { "buildScripts": { "enable": false }, "sysroot": null }
            }
        }),
    );
    server.response(init, deadline);
    server.notify("initialized", json!({}));
    let uri = file_uri(&lib);
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "rust", "version": 1, "text": LIB } }),
    );

    // Save until the check has run (the first save may come before the workspace is loaded).
    let mut found: Option<(Value, Vec<Value>)> = None;
    let mut next_save = Instant::now();
    while found.is_none() && Instant::now() < deadline {
        if Instant::now() >= next_save {
            server.notify(
                "textDocument/didSave",
                json!({ "textDocument": { "uri": uri } }),
            );
            next_save = Instant::now() + Duration::from_secs(3);
        }
        let Some(msg) = server.next(next_save.min(deadline)) else {
            continue;
        };
        if msg["method"] != "textDocument/publishDiagnostics"
            || msg["params"]["uri"] != uri.as_str()
        {
            continue;
        }
        let diagnostics = msg["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let ours = diagnostics
            .iter()
            .find(|d| d["source"] == "async_lint")
            .cloned();
        let rustc = diagnostics.iter().any(|d| d["code"] == "unused_variables");
        if let (Some(ours), true) = (ours, rustc) {
            found = Some((ours, diagnostics));
        }
    }
    let Some((ours, all)) = found else {
        panic!(
            "no async-lint diagnostic (with rustc's beside it) arrived within {DEADLINE:?}; rust-analyzer's log:\n{}",
            server.log_text()
        );
    };

    // Line 2, after `    let _crab = "🦀"; `: 25 chars, 26 UTF-16 units (the crab takes two).
    let line = LIB.lines().nth(1).expect("line 2");
    let start_byte = line.find("std::thread::sleep").expect("call");
    let end_byte = line.rfind(';').expect("end");
    let utf16 = |b: usize| line[..b].encode_utf16().count();
    assert_eq!(ours["code"], "blocking-in-async", "{ours}");
    assert_eq!(ours["severity"], 2, "a warning: {ours}");
    assert_eq!(
        ours["range"],
        json!({
            "start": { "line": 1, "character": utf16(start_byte) },
            "end": { "line": 1, "character": utf16(end_byte) }
        }),
        "the diagnostic covers the call exactly (UTF-16 columns): {ours}"
    );
    assert!(
        ours["message"]
            .as_str()
            .is_some_and(|m| m.contains("blocking call `std::thread::sleep`")),
        "{ours}"
    );
    assert!(
        all.iter().any(|d| d["source"] == "rustc"),
        "rustc's diagnostics are forwarded: {all:?}"
    );

    // The suggestion is offered as a quick fix that rewrites the call.
    let id = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": ours["range"],
            "context": { "diagnostics": [ours] }
        }),
    );
    let actions = server.response(id, deadline);
    let fix = actions["result"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| {
            a.to_string()
                .contains("tokio::time::sleep(std::time::Duration::from_millis(1)).await")
        });
    assert!(fix.is_some(), "a quick fix with the replacement: {actions}");

    let id = server.request("shutdown", Value::Null);
    server.response(id, deadline);
    server.notify("exit", Value::Null);
}
