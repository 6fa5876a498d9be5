//! LSP framing over stdio: `Content-Length` headers, then a JSON-RPC body.
//!
//! lsp-server's own stdio transport ends the connection at the first body that is not a
//! JSON-RPC message; a language server must instead answer it with an error and go on. So
//! the reading is ours: a body that is not JSON gets a `ParseError` response, JSON that is
//! not a message an `InvalidRequest` one (with the request's id when it has one, else
//! `null`), and a header block without a usable `Content-Length` is skipped.

use crossbeam_channel::{bounded, Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message};
use serde_json::{json, Value};
use std::io::{self, BufRead, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The reading and writing threads; joined when the server stops.
pub struct IoThreads {
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl IoThreads {
    /// Waits for the writer to flush the last messages (the connection's sender must be
    /// dropped first). The reader may be blocked on stdin, which the client holds: it is
    /// left to end with the process.
    pub fn join(self) {
        let _ = self.writer.join();
        drop(self.reader);
    }
}

/// A connection over this process's stdin and stdout.
pub fn stdio() -> (Connection, IoThreads) {
    let out = Arc::new(Mutex::new(io::stdout()));
    let (to_client, outgoing): (Sender<Message>, Receiver<Message>) = bounded(0);
    let (incoming, from_client) = bounded::<Message>(0);
    let writer_out = out.clone();
    let writer = std::thread::spawn(move || {
        for message in outgoing {
            let mut out = writer_out.lock().unwrap_or_else(|e| e.into_inner());
            if message.write(&mut *out).is_err() {
                return;
            }
        }
    });
    let reader = std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        while let Ok(Some(frame)) = read_frame(&mut input) {
            let Some(body) = frame else { continue };
            match serde_json::from_slice::<Message>(&body) {
                Ok(message) => {
                    let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                    if incoming.send(message).is_err() || exit {
                        return;
                    }
                }
                Err(e) => {
                    let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
                    if write_raw(&mut *out, &malformed(&body, &e)).is_err() {
                        return;
                    }
                }
            }
        }
    });
    let connection = Connection {
        sender: to_client,
        receiver: from_client,
    };
    (connection, IoThreads { reader, writer })
}

/// The error response to a body that is not a JSON-RPC message.
pub fn malformed(body: &[u8], error: &serde_json::Error) -> Value {
    let (code, id) = match serde_json::from_slice::<Value>(body) {
        Err(_) => (ErrorCode::ParseError, Value::Null),
        Ok(v) => {
            let id = v
                .get("id")
                .filter(|id| id.is_string() || id.is_number())
                .cloned();
            (ErrorCode::InvalidRequest, id.unwrap_or(Value::Null))
        }
    };
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code as i32, "message": format!("malformed message: {error}") },
    })
}

/// Reads one frame: `Ok(None)` at the end of input, `Ok(Some(None))` for a header block
/// without a usable `Content-Length` (skipped), else the body.
pub fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Option<Vec<u8>>>> {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let Some(length) = length else {
        return Ok(Some(None));
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(Some(body)))
}

fn write_raw(out: &mut impl Write, value: &Value) -> io::Result<()> {
    let text = value.to_string();
    write!(out, "Content-Length: {}\r\n\r\n{text}", text.len())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_and_malformed_bodies() {
        let mut input = io::Cursor::new(
            b"Content-Length: 2\r\n\r\n{}X-Other: 1\r\n\r\nContent-Length: 3\r\n\r\nabc".to_vec(),
        );
        assert_eq!(read_frame(&mut input).unwrap(), Some(Some(b"{}".to_vec())));
        assert_eq!(read_frame(&mut input).unwrap(), Some(None));
        assert_eq!(read_frame(&mut input).unwrap(), Some(Some(b"abc".to_vec())));
        assert_eq!(read_frame(&mut input).unwrap(), None);

        let error = serde_json::from_slice::<Message>(b"abc").unwrap_err();
        let reply = malformed(b"abc", &error);
        assert_eq!(reply["error"]["code"], -32700);
        assert_eq!(reply["id"], Value::Null);
        let body = br#"{"jsonrpc":"2.0","id":7,"method":{}}"#;
        let error = serde_json::from_slice::<Message>(body).unwrap_err();
        let reply = malformed(body, &error);
        assert_eq!(
            (reply["error"]["code"].clone(), reply["id"].clone()),
            (json!(-32600), json!(7))
        );
    }
}
