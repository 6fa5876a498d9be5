//! `async-lint server` end to end: the real binary over stdio, driven as an editor drives it.
//!
//! The client is lsp-types (the protocol's params and results, typed: a wrong field name or
//! shape fails to deserialize here as it would in an editor) with lsp-server's `Message` to
//! write requests and notifications. Frames are read by hand into JSON first: lsp-server's
//! reader refuses a response whose `id` is `null`, which is exactly what JSON-RPC prescribes
//! for the answer to an unparseable message, one of the things tested here. A second client,
//! Neovim's own, is driven in tests/neovim.rs.

mod common;

use lsp_server::{Message, Notification, Request, RequestId};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// Each exchange must be answered within this (a lint takes milliseconds).
const WAIT: Duration = Duration::from_secs(30);

/// A blocking call after an emoji: byte, char and UTF-16 columns all differ (24, 21, 22).
const LIB: &str = "pub async fn nap() {\n    let _crab = \"🦀\"; std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
const MANIFEST: &str = "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n";

/// The range of `std::thread::sleep(..)` in [`LIB`], in UTF-16 units.
fn sleep_range() -> Range {
    Range::new(Position::new(1, 22), Position::new(1, 77))
}

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i32,
    /// Messages read while waiting for another.
    backlog: Vec<Value>,
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Client {
    /// Starts the server in `dir` and completes the `initialize` handshake.
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(common::binary())
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(value) = read_frame(&mut reader) {
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            next_id: 0,
            backlog: Vec::new(),
        };
        let root = Url::from_directory_path(dir).expect("an absolute folder");
        #[allow(deprecated, reason = "root_uri is what older clients send")]
        let init = InitializeParams {
            root_uri: Some(root),
            ..InitializeParams::default()
        };
        let result: InitializeResult = client
            .request::<req::Initialize>(init)
            .expect("initialize succeeds");
        assert_eq!(
            result.server_info.map(|i| i.name).as_deref(),
            Some("async-lint")
        );
        client.notify::<notif::Initialized>(InitializedParams {});
        client
    }

    fn write(&mut self, message: Message) {
        message.write(&mut self.stdin).expect("the server reads");
    }

    fn notify<N: notif::Notification>(&mut self, params: N::Params) {
        self.write(Notification::new(N::METHOD.into(), params).into());
    }

    /// Sends a request, returns its id.
    fn send_request(&mut self, method: &str, params: Value) -> i32 {
        self.next_id += 1;
        let id = self.next_id;
        self.write(Request::new(RequestId::from(id), method.into(), params).into());
        id
    }

    fn request<R: req::Request>(&mut self, params: R::Params) -> Result<R::Result, Value> {
        let params = serde_json::to_value(params).expect("params serialize");
        let id = self.send_request(R::METHOD, params);
        let response = self.response(json!(id));
        match response.get("error") {
            Some(e) => Err(e.clone()),
            None => Ok(serde_json::from_value(response["result"].clone())
                .expect("the result has the protocol's shape")),
        }
    }

    /// The next message that `wanted` accepts; the others are kept for later.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self
                .incoming
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no {what} within {WAIT:?}"));
            if wanted(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    fn response(&mut self, id: Value) -> Value {
        self.wait_for(&format!("response to {id}"), |m| {
            m.get("method").is_none() && m.get("id") == Some(&id)
        })
    }

    /// The diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &Url, version: i32) -> Vec<Diagnostic> {
        let message = self.wait_for(&format!("diagnostics of {uri} v{version}"), |m| {
            m["method"] == notif::PublishDiagnostics::METHOD
                && m["params"]["uri"] == uri.as_str()
                && m["params"]["version"] == version
        });
        let params: PublishDiagnosticsParams =
            serde_json::from_value(message["params"].clone()).expect("the protocol's shape");
        params.diagnostics
    }

    fn open(&mut self, uri: &Url, text: &str) -> Vec<Diagnostic> {
        self.notify::<notif::DidOpenTextDocument>(DidOpenTextDocumentParams {
            text_document: TextDocumentItem::new(uri.clone(), "rust".into(), 1, text.into()),
        });
        self.diagnostics(uri, 1)
    }

    fn change(&mut self, uri: &Url, version: i32, range: Option<Range>, text: &str) {
        self.notify::<notif::DidChangeTextDocument>(DidChangeTextDocumentParams {
            text_document: VersionedTextDocumentIdentifier::new(uri.clone(), version),
            content_changes: vec![TextDocumentContentChangeEvent {
                range,
                range_length: None,
                text: text.into(),
            }],
        });
    }

    /// `shutdown`, `exit`, and the server's exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        self.request::<req::Shutdown>(())
            .expect("shutdown succeeds");
        self.notify::<notif::Exit>(());
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("waits") {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// One LSP frame as JSON; `None` at the end of the stream.
fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A crate with [`LIB`] as `src/lib.rs`; its URI.
fn demo() -> (tempfile::TempDir, Url) {
    let dir = common::project(&[
        ("Cargo.toml", MANIFEST.as_bytes()),
        ("src/lib.rs", LIB.as_bytes()),
    ]);
    let path = std::fs::canonicalize(dir.path().join("src/lib.rs")).expect("exists");
    let uri = Url::from_file_path(path).expect("absolute");
    (dir, uri)
}

/// Applies `edits` (UTF-16 ranges) to `text`, as an editor does: last first.
fn apply(text: &str, edits: &[TextEdit]) -> String {
    let offset = |p: Position| -> usize {
        let start: usize = text
            .split_inclusive('\n')
            .take(p.line as usize)
            .map(str::len)
            .sum();
        let line = &text[start..];
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= p.character as usize || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| std::cmp::Reverse((e.range.start.line, e.range.start.character)));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(offset(e.range.start)..offset(e.range.end), &e.new_text);
    }
    out
}

fn edits_of(action: &CodeAction, uri: &Url) -> Vec<TextEdit> {
    action
        .edit
        .as_ref()
        .and_then(|e| e.changes.as_ref())
        .and_then(|c| c.get(uri))
        .cloned()
        .expect("the action edits the document")
}

fn code_actions(client: &mut Client, uri: &Url, range: Range) -> Vec<CodeAction> {
    let params = CodeActionParams {
        text_document: TextDocumentIdentifier::new(uri.clone()),
        range,
        context: CodeActionContext::default(),
        work_done_progress_params: WorkDoneProgressParams::default(),
        partial_result_params: PartialResultParams::default(),
    };
    client
        .request::<req::CodeActionRequest>(params)
        .expect("code actions succeed")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|a| match a {
            CodeActionOrCommand::CodeAction(a) => Some(a),
            CodeActionOrCommand::Command(_) => None,
        })
        .collect()
}

fn rules_of(diagnostics: &[Diagnostic]) -> Vec<(String, Range)> {
    diagnostics
        .iter()
        .map(|d| match &d.code {
            Some(NumberOrString::String(s)) => (s.clone(), d.range),
            other => panic!("a diagnostic without a rule name: {other:?}"),
        })
        .collect()
}

#[test]
fn diagnostics_follow_the_unsaved_buffer_in_utf16_columns() {
    let (dir, uri) = demo();
    let mut client = Client::start(dir.path());
    let first = client.open(&uri, LIB);
    assert_eq!(
        rules_of(&first),
        [("blocking-in-async".to_string(), sleep_range())]
    );
    assert_eq!(first[0].severity, Some(DiagnosticSeverity::WARNING));
    assert!(
        first[0].message.contains("std::thread::sleep"),
        "{}",
        first[0].message
    );

    // The blocking call replaced in the buffer only: the finding goes, the file stays.
    client.change(&uri, 2, Some(sleep_range()), "std::mem::drop(1)");
    assert_eq!(client.diagnostics(&uri, 2), []);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap(),
        LIB
    );

    // A blocking call typed on a new line after two emoji: UTF-16 column 21 (bytes: 25,
    // chars: 19).
    let line = "    let _x = \"🦀🦀\"; std::fs::read(\"a\");\n";
    client.change(
        &uri,
        3,
        Some(Range::new(Position::new(2, 0), Position::new(2, 0))),
        line,
    );
    let third = client.diagnostics(&uri, 3);
    assert_eq!(
        rules_of(&third),
        [(
            "blocking-in-async".to_string(),
            Range::new(Position::new(2, 21), Position::new(2, 39))
        )]
    );

    // Pull diagnostics give the same.
    let pulled = client
        .request::<req::DocumentDiagnosticRequest>(DocumentDiagnosticParams {
            text_document: TextDocumentIdentifier::new(uri.clone()),
            identifier: None,
            previous_result_id: None,
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        })
        .expect("pull diagnostics succeed");
    let DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(report)) = pulled
    else {
        panic!("a full report: {pulled:?}");
    };
    assert_eq!(report.full_document_diagnostic_report.items, third);

    // Hover on the finding shows the rule's page.
    let hover = client
        .request::<req::HoverRequest>(HoverParams {
            text_document_position_params: TextDocumentPositionParams::new(
                TextDocumentIdentifier::new(uri.clone()),
                Position::new(2, 30),
            ),
            work_done_progress_params: WorkDoneProgressParams::default(),
        })
        .expect("hover succeeds")
        .expect("a hover on a finding");
    let HoverContents::Markup(page) = hover.contents else {
        panic!("markdown: {:?}", hover.contents);
    };
    assert!(
        page.value.starts_with("# blocking-in-async"),
        "{}",
        page.value
    );
    // As `explain` prints it: the page, then the options the rule declares, with defaults.
    assert!(
        page.value
            .contains("- `transitive` (true or false; default `true`)"),
        "{}",
        page.value
    );
    assert!(client.stop().success());
}

#[test]
fn quick_fixes_apply() {
    let (dir, uri) = demo();
    let mut client = Client::start(dir.path());
    client.open(&uri, LIB);
    let actions = code_actions(
        &mut client,
        &uri,
        Range::new(Position::new(1, 30), Position::new(1, 30)),
    );
    let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
    let fix = actions
        .iter()
        .find(|a| a.title.contains("safe fix"))
        .unwrap_or_else(|| panic!("a safe quick fix among {titles:?}"));
    assert_eq!(fix.kind, Some(CodeActionKind::QUICKFIX));
    assert_eq!(fix.is_preferred, Some(true));
    let fixed = apply(LIB, &edits_of(fix, &uri));
    assert!(
        fixed.contains("\"🦀\"; tokio::time::sleep(std::time::Duration::from_millis(1)).await;"),
        "{fixed}"
    );
    client.change(&uri, 2, None, &fixed);
    assert_eq!(client.diagnostics(&uri, 2), []);

    // Back to the original: "allow this rule on this line" writes the comment the
    // suppression scanner reads.
    client.change(&uri, 3, None, LIB);
    assert_eq!(client.diagnostics(&uri, 3).len(), 1);
    let actions = code_actions(&mut client, &uri, sleep_range());
    let allow = actions
        .iter()
        .find(|a| a.title == "Allow `blocking-in-async` on this line")
        .expect("an allow action");
    let allowed = apply(LIB, &edits_of(allow, &uri));
    assert!(
        allowed
            .lines()
            .nth(1)
            .unwrap()
            .ends_with("from_millis(1)); // async-lint: allow(blocking-in-async)"),
        "{allowed}"
    );
    client.change(&uri, 4, None, &allowed);
    assert_eq!(client.diagnostics(&uri, 4), []);

    // "Fix all safe fixes in this file" gives what `check --fix` writes.
    client.change(&uri, 5, None, LIB);
    client.diagnostics(&uri, 5);
    let everything = Range::new(Position::new(0, 0), Position::new(3, 0));
    let actions = code_actions(&mut client, &uri, everything);
    let all = actions
        .iter()
        .find(|a| a.kind == Some(CodeActionKind::SOURCE_FIX_ALL))
        .expect("a fix-all action");
    assert_eq!(apply(LIB, &edits_of(all, &uri)), fixed);
    assert!(client.stop().success());
}

#[test]
fn a_buffer_that_does_not_parse_keeps_its_findings_and_recovers() {
    let (dir, uri) = demo();
    let mut client = Client::start(dir.path());
    client.open(&uri, LIB);
    // Typing a fn at the end: not valid Rust yet.
    let end = Position::new(3, 0);
    client.change(&uri, 2, Some(Range::new(end, end)), "fn half(");
    let broken = rules_of(&client.diagnostics(&uri, 2));
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert_eq!(broken[0], ("blocking-in-async".to_string(), sleep_range()));
    assert_eq!(broken[1].0, "parse-error");
    assert_eq!(broken[1].1.start.line, 3);
    // Finished: parses again; the syntax error goes, the finding stays.
    client.change(
        &uri,
        3,
        Some(Range::new(Position::new(3, 8), Position::new(3, 8))),
        ") {}\n",
    );
    assert_eq!(
        rules_of(&client.diagnostics(&uri, 3)),
        [("blocking-in-async".to_string(), sleep_range())]
    );
    assert!(client.stop().success());
}

#[test]
fn malformed_requests_get_error_responses_and_the_server_goes_on() {
    let (dir, uri) = demo();
    let mut client = Client::start(dir.path());
    // Not JSON: a parse error, answered with `id: null`.
    let body = "{this is not json";
    write!(client.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    client.stdin.flush().unwrap();
    let reply = client.response(Value::Null);
    assert_eq!(reply["error"]["code"], -32700, "{reply}");
    // JSON, but not a message: an invalid request, with its id.
    let body = r#"{"jsonrpc":"2.0","id":41,"method":{"not":"a string"}}"#;
    write!(client.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    client.stdin.flush().unwrap();
    assert_eq!(client.response(json!(41))["error"]["code"], -32600);
    // A request whose params do not fit.
    let id = client.send_request(req::CodeActionRequest::METHOD, json!({"textDocument": 3}));
    assert_eq!(client.response(json!(id))["error"]["code"], -32602);
    // A request no one handles.
    let id = client.send_request("async-lint/unknown", json!({}));
    assert_eq!(client.response(json!(id))["error"]["code"], -32601);
    // Still serving.
    assert_eq!(client.open(&uri, LIB).len(), 1);
    assert!(client.stop().success());
}

#[test]
fn a_changed_config_is_reloaded() {
    let (dir, uri) = demo();
    let mut client = Client::start(dir.path());
    assert_eq!(client.open(&uri, LIB).len(), 1);
    let config = dir.path().join("src/async-lint.toml");
    std::fs::write(&config, "[rules]\nblocking-in-async = \"off\"\n").unwrap();
    client.notify::<notif::DidChangeWatchedFiles>(DidChangeWatchedFilesParams {
        changes: vec![FileEvent::new(
            Url::from_file_path(std::fs::canonicalize(&config).unwrap()).unwrap(),
            FileChangeType::CREATED,
        )],
    });
    // Re-linted with the nearest config (the one beside the file): nothing to report.
    assert_eq!(client.diagnostics(&uri, 1), []);
    assert!(client.stop().success());
}

#[test]
fn a_callee_edited_in_another_buffer_reaches_its_callers_findings() {
    let lib = "pub mod db;\n\npub async fn handler() {\n    db::save();\n}\n";
    let db = "pub fn save() {}\n";
    let dir = common::project(&[
        ("Cargo.toml", MANIFEST.as_bytes()),
        ("src/lib.rs", lib.as_bytes()),
        ("src/db.rs", db.as_bytes()),
    ]);
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let lib_uri = Url::from_file_path(root.join("src/lib.rs")).unwrap();
    let db_uri = Url::from_file_path(root.join("src/db.rs")).unwrap();
    let mut client = Client::start(dir.path());
    assert_eq!(client.open(&lib_uri, lib), []);
    assert_eq!(client.open(&db_uri, db), []);
    // `save` made blocking in its buffer only; then saved (the editor would write the file,
    // this test does not: the server must use the buffer, not the disk).
    let sleep =
        "pub fn save() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
    client.change(&db_uri, 2, None, sleep);
    client.notify::<notif::DidSaveTextDocument>(DidSaveTextDocumentParams {
        text_document: TextDocumentIdentifier::new(db_uri.clone()),
        text: None,
    });
    // The caller's file is linted again against the index that holds the new `save`.
    let found = client.diagnostics(&lib_uri, 1);
    assert_eq!(
        rules_of(&found),
        [(
            "blocking-in-async".to_string(),
            Range::new(Position::new(3, 4), Position::new(3, 14))
        )]
    );
    assert!(
        found[0].message.contains("std::thread::sleep"),
        "{}",
        found[0].message
    );
    assert_eq!(std::fs::read_to_string(root.join("src/db.rs")).unwrap(), db);
    assert!(client.stop().success());
}

/// The diagnostics the server gives for the open document `uri` now (pulled).
fn pull(client: &mut Client, uri: &Url) -> Vec<Diagnostic> {
    let pulled = client
        .request::<req::DocumentDiagnosticRequest>(DocumentDiagnosticParams {
            text_document: TextDocumentIdentifier::new(uri.clone()),
            identifier: None,
            previous_result_id: None,
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        })
        .expect("pull diagnostics succeed");
    match pulled {
        DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(r)) => {
            r.full_document_diagnostic_report.items
        }
        other => panic!("a full report: {other:?}"),
    }
}

/// A finding as both sides can show it: file, rule, 0-based start and end (ASCII texts, so
/// character and UTF-16 columns agree) and the message as the server writes it.
type Shown = (String, String, (u32, u32), (u32, u32), String);

/// What `check --format json-lines` reports in `dir`, as [`Shown`].
fn checked(dir: &Path) -> Vec<Shown> {
    let (_, out, err) = common::check(dir, &["--no-cache", "--format", "json-lines", "."]);
    let mut shown: Vec<Shown> = out
        .lines()
        .map(|l| {
            let f: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}\n{err}"));
            let at = |p: &Value| {
                let n = |k: &str| p[k].as_u64().expect("a number") as u32 - 1;
                (n("line"), n("column"))
            };
            let mut message = f["message"].as_str().expect("a message").to_string();
            if let Some(label) = f["label"].as_str().filter(|l| !l.is_empty()) {
                message.push_str(&format!(": {label}"));
            }
            if let Some(help) = f["help"].as_str() {
                message.push_str(&format!("\nhelp: {help}"));
            }
            let text = |k: &str| f[k].as_str().expect("a string").to_string();
            (
                text("file"),
                text("rule"),
                at(&f["start"]),
                at(&f["end"]),
                message,
            )
        })
        .collect();
    shown.sort();
    shown
}

#[test]
fn edits_through_the_server_match_check_on_the_same_text() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/crate-logging-server");
    let files = ["src/main.rs", "src/conn.rs", "src/http.rs"];
    let read = |f: &str| std::fs::read_to_string(fixture.join(f)).expect("the fixture");
    let manifest = read("Cargo.toml");
    let mut texts: Vec<String> = files.iter().map(|f| read(f)).collect();
    let served = common::project(&[("Cargo.toml", manifest.as_bytes())]);
    for (f, t) in files.iter().zip(&texts) {
        std::fs::create_dir_all(served.path().join("src")).unwrap();
        std::fs::write(served.path().join(f), t).unwrap();
    }
    let root = std::fs::canonicalize(served.path()).unwrap();
    let uris: Vec<Url> = files
        .iter()
        .map(|f| Url::from_file_path(root.join(f)).unwrap())
        .collect();
    let mut client = Client::start(&root);
    for (uri, text) in uris.iter().zip(&texts) {
        client.open(uri, text);
    }
    // Each edit is typed into one buffer (never saved); the findings of every open buffer
    // must then be those of `check` on a crate holding the buffers' texts. Between them: a
    // fn that becomes a caller (`warm_up` now runs per connection), a file whose edit makes
    // another file's fn served (`health` called from the accept loop), a caller that goes
    // away (nothing runs `conn::handle` any more), and one that comes back.
    let edits: [(usize, &str, &str); 4] = [
        (
            1,
            "    dispatch(buf[0], n).await;\n",
            "    dispatch(buf[0], n).await;\n    warm_up().await;\n",
        ),
        (
            0,
            "        tokio::spawn(async move {\n",
            "        tokio::spawn(async move {\n            http::health().await;\n",
        ),
        (
            0,
            "conn::handle(socket).await",
            "conn::warm_up().await.map(|_| drop(socket))",
        ),
        (
            0,
            "conn::warm_up().await.map(|_| drop(socket))",
            "conn::handle(socket).await",
        ),
    ];
    let mut seen = Vec::new();
    for (step, (file, from, to)) in edits.iter().enumerate() {
        assert!(texts[*file].contains(from), "step {step}: {from:?}");
        texts[*file] = texts[*file].replacen(from, to, 1);
        client.change(&uris[*file], step as i32 + 2, None, &texts[*file]);
        let mut got: Vec<Shown> = Vec::new();
        for (f, uri) in files.iter().zip(&uris) {
            for d in pull(&mut client, uri) {
                let Some(NumberOrString::String(rule)) = d.code else {
                    panic!("a diagnostic without a rule: {d:?}");
                };
                let (s, e) = (d.range.start, d.range.end);
                got.push((
                    f.to_string(),
                    rule,
                    (s.line, s.character),
                    (e.line, e.character),
                    d.message,
                ));
            }
        }
        got.sort();
        let disk = common::project(&[("Cargo.toml", manifest.as_bytes())]);
        for (f, t) in files.iter().zip(&texts) {
            std::fs::create_dir_all(disk.path().join("src")).unwrap();
            std::fs::write(disk.path().join(f), t).unwrap();
        }
        assert_eq!(got, checked(disk.path()), "step {step}");
        seen.push(got);
    }
    // The edits changed what is found, in the edited files and in others.
    let in_file =
        |s: &[Shown], f: &str, text: &str| s.iter().any(|x| x.0 == f && x.4.contains(text));
    assert!(in_file(&seen[0], "src/conn.rs", "async fn `warm_up`"));
    assert!(in_file(&seen[1], "src/http.rs", "async fn `health`"));
    assert!(!in_file(&seen[2], "src/conn.rs", "async fn `handle`"));
    assert!(in_file(&seen[3], "src/conn.rs", "async fn `handle`"));
    assert!(client.stop().success());
}
