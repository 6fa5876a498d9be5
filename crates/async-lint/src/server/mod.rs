//! `async-lint server`: a language server over stdio.
//!
//! One thread runs the loop: it takes the client's messages in order, keeps the documents'
//! unsaved text, and lints a changed document once no change to it came for the debounce
//! delay (a burst of keystrokes makes one lint). Clients that pull diagnostics
//! (`textDocument/diagnostic`) get them on request; the others get
//! `textDocument/publishDiagnostics` after each lint. A change lints its document; a save,
//! or a file changed on disk, also re-lints the other open documents (what a file's
//! findings say can depend on its callees in other files). A config or manifest changed on
//! disk (`workspace/didChangeWatchedFiles`) reloads the configs and crates.
//!
//! Malformed input never stops the server: a body that is not JSON-RPC gets an error
//! response (see [`transport`]), a request with unusable params `InvalidParams`, an unknown
//! request `MethodNotFound`; a panic of the engine on one document is caught there.

mod actions;
mod state;
mod text;
mod transport;

use crate::cli::ServerArgs;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, DiagnosticOptions,
    DiagnosticServerCapabilities, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    FileSystemWatcher, FullDocumentDiagnosticReport, GlobPattern, HoverProviderCapability,
    InitializeParams, PublishDiagnosticsParams, RelatedFullDocumentDiagnosticReport, SaveOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url,
};
use serde::de::DeserializeOwned;
use state::State;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The default delay between a change and the lint of its document.
const DEBOUNCE: Duration = Duration::from_millis(20);

/// The config files whose change reloads the configs.
const CONFIG_FILES: [&str; 3] = ["async-lint.toml", ".async-lint.toml", "Cargo.toml"];

pub fn server(args: ServerArgs) -> ExitCode {
    let mut state = match State::new(args.lint) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let (connection, io) = transport::stdio();
    let code = std::thread::scope(|s| {
        let worker = std::thread::Builder::new()
            .name("async-lint server".into())
            .stack_size(crate::run::STACK_SIZE)
            .spawn_scoped(s, || serve(&connection, &mut state));
        match worker.map(|h| h.join()) {
            Ok(Ok(code)) => code,
            _ => ExitCode::from(2),
        }
    });
    drop(connection);
    io.join();
    code
}

/// The session: the `initialize` handshake, then the loop until `exit`.
fn serve(connection: &Connection, state: &mut State) -> ExitCode {
    let (id, params) = match connection.initialize_start() {
        Ok(started) => started,
        Err(e) => {
            eprintln!("error: no LSP session: {e}");
            return ExitCode::from(2);
        }
    };
    let init: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let options = init.initialization_options.as_ref();
    state.docs_url = options
        .and_then(|o| o.get("ruleDocsUrl"))
        .and_then(|u| u.as_str())
        .map(str::to_string);
    let debounce = options
        .and_then(|o| o.get("debounceMs"))
        .and_then(|d| d.as_u64())
        .map_or(DEBOUNCE, Duration::from_millis);
    let caps = &init.capabilities;
    let pulls = caps
        .text_document
        .as_ref()
        .is_some_and(|t| t.diagnostic.is_some());
    let refreshes = caps
        .workspace
        .as_ref()
        .and_then(|w| w.diagnostic.as_ref())
        .and_then(|d| d.refresh_support)
        .unwrap_or(false);
    let watches = caps
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files)
        .is_some_and(|w| w.dynamic_registration == Some(true));
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo {
            name: "async-lint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    });
    if let Err(e) = connection.initialize_finish(id, result) {
        eprintln!("error: no LSP session: {e}");
        return ExitCode::from(2);
    }
    let mut session = Session {
        connection,
        state,
        debounce,
        pushes: !pulls,
        refreshes,
        shut_down: false,
        next_id: 0,
    };
    if watches {
        session.watch_files();
    }
    session.run()
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::SOURCE_FIX_ALL,
            ]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("async-lint".into()),
            inter_file_dependencies: true,
            workspace_diagnostics: false,
            ..DiagnosticOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

struct Session<'a> {
    connection: &'a Connection,
    state: &'a mut State,
    debounce: Duration,
    /// Publish diagnostics after each lint (the client does not pull them).
    pushes: bool,
    /// The client pulls, and re-pulls when asked (`workspace/diagnostic/refresh`).
    refreshes: bool,
    shut_down: bool,
    /// Ids of the server's own requests.
    next_id: i32,
}

/// Why a request was not answered with a result.
type Failure = (ErrorCode, String);

impl Session<'_> {
    fn run(&mut self) -> ExitCode {
        loop {
            let due = self.state.docs.values().filter_map(|d| d.due).min();
            let message = match due {
                Some(at) => {
                    let wait = at.saturating_duration_since(Instant::now());
                    match self.connection.receiver.recv_timeout(wait) {
                        Ok(m) => Some(m),
                        Err(crossbeam_channel::RecvTimeoutError::Timeout) => None,
                        Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                            return ExitCode::from(1)
                        }
                    }
                }
                None => match self.connection.receiver.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return ExitCode::from(1),
                },
            };
            match message {
                None => self.lint_due(),
                Some(Message::Request(r)) => self.request(r),
                Some(Message::Notification(n)) if n.method == notif::Exit::METHOD => {
                    return if self.shut_down {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(1)
                    };
                }
                Some(Message::Notification(n)) => self.notification(n),
                Some(Message::Response(_)) => {}
            }
        }
    }

    /// Lints the documents whose debounce delay ran out, and publishes their diagnostics.
    fn lint_due(&mut self) {
        let now = Instant::now();
        let due: Vec<Url> = self
            .state
            .docs
            .iter()
            .filter(|(_, d)| d.due.is_some_and(|at| at <= now))
            .map(|(u, _)| u.clone())
            .collect();
        for uri in due {
            if let Some(doc) = self.state.docs.get_mut(&uri) {
                doc.due = None;
            }
            if self.state.lint(&uri) && self.pushes {
                self.publish(&uri);
            }
        }
    }

    fn publish(&self, uri: &Url) {
        let Some(doc) = self.state.docs.get(uri) else {
            return;
        };
        let Some(result) = &doc.result else { return };
        let params = PublishDiagnosticsParams::new(
            uri.clone(),
            result.diagnostics.clone(),
            Some(result.version),
        );
        self.send(Notification::new(
            notif::PublishDiagnostics::METHOD.into(),
            params,
        ));
    }

    fn send(&self, message: impl Into<Message>) {
        let _ = self.connection.sender.send(message.into());
    }

    /// Marks documents as due for a lint after the debounce delay.
    fn schedule(&mut self, which: impl Fn(&Url) -> bool) {
        let at = Instant::now() + self.debounce;
        for (uri, doc) in self.state.docs.iter_mut() {
            if which(uri) {
                doc.due = Some(at);
            }
        }
    }

    fn request(&mut self, r: Request) {
        let id = r.id.clone();
        let answer = if self.shut_down {
            Err((ErrorCode::InvalidRequest, "the server is shut down".into()))
        } else {
            self.answer(r)
        };
        let response = match answer {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(response);
    }

    fn answer(&mut self, r: Request) -> Result<serde_json::Value, Failure> {
        match r.method.as_str() {
            req::Shutdown::METHOD => {
                self.shut_down = true;
                Ok(serde_json::Value::Null)
            }
            req::CodeActionRequest::METHOD => {
                let params = parse::<lsp_types::CodeActionParams>(r.params)?;
                to_json(actions::code_actions(self.state, &params))
            }
            req::HoverRequest::METHOD => {
                let params = parse::<lsp_types::HoverParams>(r.params)?;
                to_json(actions::hover(self.state, &params))
            }
            req::DocumentDiagnosticRequest::METHOD => {
                let params = parse::<lsp_types::DocumentDiagnosticParams>(r.params)?;
                let uri = params.text_document.uri;
                if !self.state.docs.contains_key(&uri) {
                    return Err((ErrorCode::InvalidParams, format!("{uri} is not open")));
                }
                self.state.lint(&uri);
                let items = self
                    .state
                    .docs
                    .get(&uri)
                    .and_then(|d| d.result.as_ref())
                    .map(|r| r.diagnostics.clone())
                    .unwrap_or_default();
                to_json(DocumentDiagnosticReportResult::Report(
                    DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                        related_documents: None,
                        full_document_diagnostic_report: FullDocumentDiagnosticReport {
                            result_id: None,
                            items,
                        },
                    }),
                ))
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("async-lint server does not handle `{other}`"),
            )),
        }
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                let Ok(p) = parse::<lsp_types::DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri.clone();
                self.state
                    .open(uri.clone(), p.text_document.text, p.text_document.version);
                // Opening is not typing: lint now.
                if self.state.lint(&uri) && self.pushes {
                    self.publish(&uri);
                }
            }
            notif::DidChangeTextDocument::METHOD => {
                let Ok(p) = parse::<lsp_types::DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri;
                let Some(doc) = self.state.docs.get_mut(&uri) else {
                    return;
                };
                text::apply_changes(&mut doc.text, p.content_changes);
                doc.version = p.text_document.version;
                doc.result = None;
                self.schedule(|u| *u == uri);
            }
            notif::DidSaveTextDocument::METHOD => {
                // The saved file's callers may be open: every document is linted again.
                self.reindex_all();
            }
            notif::DidCloseTextDocument::METHOD => {
                let Ok(p) = parse::<lsp_types::DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri;
                self.state.close(&uri);
                if self.pushes {
                    let params = PublishDiagnosticsParams::new(uri, Vec::new(), None);
                    self.send(Notification::new(
                        notif::PublishDiagnostics::METHOD.into(),
                        params,
                    ));
                }
            }
            notif::DidChangeWatchedFiles::METHOD => {
                let Ok(p) = parse::<lsp_types::DidChangeWatchedFilesParams>(n.params) else {
                    return;
                };
                self.files_changed(p.changes);
            }
            _ => {}
        }
    }

    /// Files changed on disk: a config or manifest reloads the configs and crates, a Rust
    /// file is read again by the indexes; the open documents are linted again.
    fn files_changed(&mut self, changes: Vec<lsp_types::FileEvent>) {
        let paths: Vec<std::path::PathBuf> = changes
            .iter()
            .filter_map(|c| c.uri.to_file_path().ok())
            .collect();
        let is_config = |p: &std::path::Path| {
            p.file_name()
                .is_some_and(|n| CONFIG_FILES.iter().any(|c| n == *c))
        };
        if paths.iter().any(|p| is_config(p)) {
            self.state.reload();
        } else {
            for p in &paths {
                self.state.disk_changed(p);
            }
        }
        self.reindex_all();
    }

    /// Every open document is due for a lint; a client that pulls is asked to pull again.
    fn reindex_all(&mut self) {
        for doc in self.state.docs.values_mut() {
            doc.result = None;
        }
        self.schedule(|_| true);
        if !self.pushes && self.refreshes {
            self.next_id += 1;
            self.send(Request::new(
                RequestId::from(self.next_id),
                req::WorkspaceDiagnosticRefresh::METHOD.into(),
                (),
            ));
        }
    }

    /// Asks the client to report changes of config files and Rust files.
    fn watch_files(&mut self) {
        let watchers = [
            "**/async-lint.toml",
            "**/.async-lint.toml",
            "**/Cargo.toml",
            "**/*.rs",
        ]
        .iter()
        .map(|g| FileSystemWatcher {
            glob_pattern: GlobPattern::String(g.to_string()),
            kind: None,
        })
        .collect();
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = lsp_types::Registration {
            id: "async-lint-watch".into(),
            method: notif::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.next_id += 1;
        let params = lsp_types::RegistrationParams {
            registrations: vec![registration],
        };
        self.send(Request::new(
            RequestId::from(self.next_id),
            req::RegisterCapability::METHOD.into(),
            params,
        ));
    }
}

fn to_json(value: impl serde::Serialize) -> Result<serde_json::Value, Failure> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

/// A message's params as `P`, or the `InvalidParams` failure saying why not.
fn parse<P: DeserializeOwned>(params: serde_json::Value) -> Result<P, Failure> {
    serde_json::from_value(params)
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid params: {e}")))
}
