//! What the crate index says about an awaited callee whose work never leaves the thread: async
//! in form only, it walks in-memory data (a stream made from an iterator) and at most yields
//! to the scheduler now and then. Such calls in flight together would take turns on the one
//! task that polls them: there is no wait to overlap, so a loop over them costs nothing.

use crate::context::Context;
use crate::index::{Call, Callee, FnRef};
use syn::Expr;

/// How many fns of the crate the walk may read before it gives up (and says "not local").
const BUDGET: usize = 48;

/// `select_coins(view.index_of(&asset), ..).await` or `query.coins().try_collect().await`,
/// where every fn of this crate the call reaches awaits nothing but a cooperative yield
/// (`yield_now`), another fn of the same kind, or the next items of a stream, and the streams
/// it drains are made from iterators (`stream::iter`). `false` when the call reaches a fn the
/// index does not know, or any other wait (a request, a lock, a channel, a timer).
pub fn works_in_place(cx: &Context<'_>, future: &Expr) -> bool {
    let roots = roots(cx, future);
    if roots.is_empty() {
        return false;
    }
    let mut walk = Walk {
        cx,
        seen: Vec::new(),
        queue: roots,
        drains: false,
        from_iterator: false,
    };
    walk.run() && (!walk.drains || walk.from_iterator)
}

/// The crate fns a future starts from: the fn it calls, or, for a drain of a stream
/// (`x.coins().try_collect()`), the fn that made the stream.
fn roots(cx: &Context<'_>, future: &Expr) -> Vec<FnRef> {
    if let Expr::MethodCall(m) = future {
        if drain(&m.method.to_string()) {
            let mut source = &*m.receiver;
            // `query.clone().coins()`, `make().boxed()`: the call that names the stream.
            while let Expr::MethodCall(inner) = source {
                if candidates_of_expr(cx, source).is_empty() && inner.args.is_empty() {
                    source = &inner.receiver;
                } else {
                    break;
                }
            }
            return candidates_of_expr(cx, source);
        }
    }
    candidates_of_expr(cx, future)
}

/// The crate fns a call expression may reach: the one the engine resolves, or else every
/// method of the crate with that name and arity.
fn candidates_of_expr(cx: &Context<'_>, call: &Expr) -> Vec<FnRef> {
    if let Some(f) = cx.called_fn(call) {
        return vec![f];
    }
    match call {
        Expr::MethodCall(m) => cx
            .crate_index()
            .methods_named(&m.method.to_string(), m.args.len()),
        _ => Vec::new(),
    }
}

struct Walk<'c, 'a> {
    cx: &'c Context<'a>,
    /// The fns read so far, by file and place, so each is read once.
    seen: Vec<(std::path::PathBuf, usize)>,
    queue: Vec<FnRef>,
    /// Some fn awaits the next items of a stream.
    drains: bool,
    /// Some fn makes a stream from an iterator.
    from_iterator: bool,
}

impl Walk<'_, '_> {
    /// Reads every reachable fn; `false` at the first wait that is not local work.
    fn run(&mut self) -> bool {
        while let Some(f) = self.queue.pop() {
            let key = (f.file().path.clone(), f.index());
            if self.seen.contains(&key) {
                continue;
            }
            if self.seen.len() >= BUDGET || f.test {
                return false;
            }
            self.seen.push(key);
            // An await on a future made earlier (`let conn = connect(..); conn.await`) is not
            // an awaited call of the summary: every `.await` of the body must be one.
            let awaited_calls = f.calls.iter().filter(|c| c.awaited).count();
            if body_awaits(self.cx, &f) != Some(awaited_calls) {
                return false;
            }
            for call in &f.calls {
                if !self.call(call) {
                    return false;
                }
            }
        }
        true
    }

    /// Follows one call of a reached fn; `false` when it waits on something outside.
    fn call(&mut self, call: &Call) -> bool {
        let name = match &call.callee {
            Callee::Path { path, .. } => path.rsplit("::").next().unwrap_or(path),
            Callee::Method { name, .. } => name.as_str(),
        };
        if let Callee::Path { path, .. } = &call.callee {
            if path.ends_with("stream::iter") {
                self.from_iterator = true;
            }
        }
        let reached = self.reached(call);
        if !reached.is_empty() {
            // A sync helper matters only when what it hands back holds waits of its own.
            self.queue.extend(
                reached
                    .into_iter()
                    .filter(|f| call.awaited || f.returns_future || makes_stream(f)),
            );
            return true;
        }
        if !call.awaited || name == "yield_now" {
            return true;
        }
        if drain(name) {
            self.drains = true;
            return true;
        }
        false
    }

    /// The crate fns one call of a summary may reach.
    fn reached(&self, call: &Call) -> Vec<FnRef> {
        if let Some(f) = call.target_path().and_then(|p| self.cx.fn_sig(&p)) {
            return vec![f];
        }
        let Callee::Method { name, receiver } = &call.callee else {
            return Vec::new();
        };
        // A crate type the path does not find (an impl in another module, a re-export): its
        // methods of that name, by the type's last segment.
        let owner = match receiver {
            None => None,
            Some(ty) if ty.starts_with("crate::") => ty.rsplit("::").next(),
            Some(_) => return Vec::new(),
        };
        let mut found = self.cx.crate_index().methods_named(name, call.args);
        if let Some(owner) = owner {
            found.retain(|f| f.path.rsplit("::").nth(1) == Some(owner));
        }
        found
    }
}

/// How many `.await`s the body of `f` holds, counted in its file's text from the fn's name to
/// the brace that closes its body (comments and string literals skipped). `None` when the
/// file cannot be read or the body not found.
fn body_awaits(cx: &Context<'_>, f: &FnRef) -> Option<usize> {
    let text = cx.text_of(f)?;
    let rest = text.get(f.span.end..)?;
    let bytes = rest.as_bytes();
    let (mut i, mut depth, mut parens, mut start) = (0, 0usize, 0usize, None);
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += rest.get(i..)?.find("*/")? + 1;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            // Braces of a destructured parameter (`Pair { a, b }: Pair`) are not the body's.
            b'(' if start.is_none() => parens += 1,
            b')' if start.is_none() => parens = parens.checked_sub(1)?,
            _ if parens > 0 => {}
            b';' if start.is_none() => return None,
            b'{' => {
                start.get_or_insert(i);
                depth += 1;
            }
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    let body = rest.get(start?..=i)?;
                    return Some(body.matches(".await").count());
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The fn hands back a stream (`-> impl Stream<Item = ..>`, `BoxStream<..>`).
fn makes_stream(f: &FnRef) -> bool {
    f.output.as_deref().is_some_and(|o| o.contains("Stream"))
}

/// The calls that take items from a stream: `next`, `try_next`, `collect`, `try_collect`…
fn drain(name: &str) -> bool {
    matches!(
        name,
        "next"
            | "try_next"
            | "collect"
            | "try_collect"
            | "for_each"
            | "try_for_each"
            | "fold"
            | "try_fold"
            | "count"
            | "concat"
            | "try_concat"
    )
}
