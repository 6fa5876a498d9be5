//! The calls the bounds scan of [`super`] knows by name — permits, drains, accepts, channel
//! receives, timers, readiness — and the small walks that find a local awaited later.

use super::strip;
use crate::catalog::vocabulary;
use crate::context::macros::macro_name;
use syn::visit::{self, Visit};
use syn::Expr;

/// Methods that take a semaphore permit.
pub(super) const ACQUIRE: &[&str] = &[
    "acquire",
    "acquire_owned",
    "acquire_many",
    "acquire_many_owned",
    "try_acquire",
    "try_acquire_owned",
    "try_acquire_many",
    "try_acquire_many_owned",
];

/// Methods whose awaited result drains one finished task from a set.
pub(super) const DRAIN: &[&str] = &[
    "join_next",
    "join_next_with_id",
    "try_join_next",
    "join_one",
    "next",
    "try_next",
];

/// Methods that wait for the next connection (no arguments: a TLS `acceptor.accept(stream)`
/// is a handshake, not a listener).
pub(super) const ACCEPT: &[&str] = &["accept", "accept_bi", "accept_uni", "incoming"];

/// The poll form of an accept (`conn.poll_accept(cx)`), whatever its arguments.
pub(super) const POLL_ACCEPT: &[&str] = &["poll_accept", "poll_accept_bi", "poll_accept_uni"];

/// Methods that wait for a service to have capacity (tower's backpressure).
pub(super) const READY: &[&str] = &["ready", "poll_ready", "ready_oneshot", "ready_and"];

/// Methods that take the next message of a channel, with their argument count (a socket's
/// `recv(&mut buf)` or `try_recv(buf)` takes a buffer: a datagram, not a message from a producer).
pub(super) const RECEIVE: &[(&str, usize)] = &[
    ("recv", 0),
    ("try_recv", 0),
    ("recv_async", 0),
    ("blocking_recv", 0),
    ("poll_recv", 1),
    ("recv_many", 2),
];

/// Words that name a budget or limit in a fallible call charged per item
/// (`limits.try_charge_query(&q)?`).
pub(super) const BUDGET_WORDS: &[&str] = &["limit", "budget", "quota", "charge"];

/// Does `stmt` await the local `name` (`name.await`, `timeout(d, name).await`, `name` in a
/// `join!`/`select!`, or each item of `for h in name { h.await }`)? An async block or closure
/// that awaits it runs later, when it is itself polled: that is not waiting in the iteration.
pub(super) fn awaits_name(stmt: &syn::Stmt, name: &str) -> bool {
    struct Finder<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_expr_await(&mut self, a: &'ast syn::ExprAwait) {
            if mentions(&a.base, self.name) {
                self.found = true;
            }
            visit::visit_expr_await(self, a);
        }
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
            if let (true, syn::Pat::Ident(item)) = (mentions(&f.expr, self.name), &*f.pat) {
                let item = item.ident.to_string();
                let body = syn::Stmt::Expr(
                    Expr::Block(syn::ExprBlock {
                        attrs: Vec::new(),
                        label: None,
                        block: f.body.clone(),
                    }),
                    None,
                );
                if awaits_name(&body, &item) {
                    self.found = true;
                }
            }
            visit::visit_expr_for_loop(self, f);
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            let waits = matches!(
                macro_name(mac).as_str(),
                "join" | "try_join" | "select" | "select_biased"
            );
            if waits && token_mentions(mac.tokens.clone(), self.name) {
                self.found = true;
            }
        }
    }
    let mut f = Finder { name, found: false };
    f.visit_stmt(stmt);
    f.found
}

/// Does the expression use the local `name` as a value (a path expression)?
pub(super) fn mentions(e: &Expr, name: &str) -> bool {
    struct Finder<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            if p.path.is_ident(self.name) {
                self.found = true;
            }
        }
    }
    let mut f = Finder { name, found: false };
    f.visit_expr(e);
    f.found
}

pub(super) fn token_mentions(ts: proc_macro2::TokenStream, name: &str) -> bool {
    ts.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => token_mentions(g.stream(), name),
        _ => false,
    })
}

/// `interval.tick().await`, `sleep(d).await?`, `let _ = ticker.tick().await`, also as the
/// scrutinee of a `while let`.
pub(super) fn is_timer_await(e: &Expr) -> bool {
    match strip(e) {
        Expr::Await(a) => is_timer(&a.base),
        Expr::Try(t) => is_timer_await(&t.expr),
        Expr::Let(l) => is_timer_await(&l.expr),
        Expr::MethodCall(m) if m.method == "unwrap" || m.method == "expect" => {
            is_timer_await(&m.receiver)
        }
        _ => false,
    }
}

/// `interval.tick()`, `sleep(d)`, `tokio::time::sleep(d)`, `Timer::after(d)`.
pub(super) fn is_timer(e: &Expr) -> bool {
    match strip(e) {
        Expr::MethodCall(m) => vocabulary().timers.iter().any(|t| m.method == t),
        Expr::Call(c) => match strip(&c.func) {
            Expr::Path(p) => p.path.segments.last().is_some_and(|s| {
                let id = s.ident.to_string();
                vocabulary().is_timer(&id) || vocabulary().is_timer_constructor(&id)
            }),
            _ => false,
        },
        _ => false,
    }
}

/// A receiver named like a connection listener (`listener.next()`, `incoming.next()`,
/// `listener.incoming().next()`).
pub(super) fn is_listener(e: &Expr) -> bool {
    name_of(e).is_some_and(|n| n.contains("listener") || n.contains("incoming"))
}

/// A receiver named like a channel's receiving end (`rx.next()`, `self.receiver.next()`).
pub(super) fn is_receiver(e: &Expr) -> bool {
    name_of(e).is_some_and(|n| n.ends_with("rx") || n.contains("receiver"))
}

/// The name an expression is known by: a variable, a field, the last method of a chain.
pub(super) fn name_of(e: &Expr) -> Option<String> {
    let name = match strip(e) {
        Expr::Path(p) => p.path.segments.last()?.ident.to_string(),
        Expr::Field(f) => match &f.member {
            syn::Member::Named(n) => n.to_string(),
            syn::Member::Unnamed(_) => return None,
        },
        Expr::MethodCall(m) => m.method.to_string(),
        Expr::Reference(r) => return name_of(&r.expr),
        _ => return None,
    };
    Some(name.to_lowercase())
}

/// Prefixes of helper fns that wait for the next thing a peer sends — a request, a message,
/// a connection (`accept_conn(&l)`, `recv_frame()`): a loop driven by one serves what
/// arrives, one at a time, like a loop on a channel or a listener.
const SOURCE_PREFIXES: &[&str] = &["recv_", "receive_", "accept_"];

/// Prefixes that say "the next one" or "read one" without saying of what, and the things that
/// arrive from a peer they must name to drive a loop (`self.next_transport()`,
/// `client.next_update()`, `read_control_cmd(&mut conn)`) — not a work queue
/// (`queue.next_job()`) or a file (`read_line`) a backlog can fill.
const NEXT_PREFIXES: &[&str] = &["next_", "wait_for_", "read_"];
const ARRIVALS: &[&str] = &[
    "transport",
    "update",
    "request",
    "message",
    "msg",
    "event",
    "conn",
    "connection",
    "session",
    "client",
    "peer",
    "packet",
    "frame",
    "incoming",
    "command",
    "cmd",
    "datagram",
    // `rd.read_u8()`, `read_u32_le()`: a binary protocol parsed off a peer's stream.
    "u8",
    "u16",
    "u32",
    "u64",
    "i8",
    "i16",
    "i32",
    "i64",
];

/// Is `e` (awaited, or the future of a `select!` arm) a call that waits for the next thing
/// a peer sends ([`SOURCE_PREFIXES`], [`NEXT_PREFIXES`] naming one of [`ARRIVALS`])?
pub(super) fn is_source_call(e: &Expr) -> bool {
    let name = match strip(e) {
        Expr::Try(t) => return is_source_call(&t.expr),
        Expr::Await(a) => return is_source_call(&a.base),
        Expr::MethodCall(m) => m.method.to_string(),
        Expr::Call(c) => match strip(&c.func) {
            Expr::Path(p) => match p.path.segments.last() {
                Some(s) => s.ident.to_string(),
                None => return false,
            },
            _ => return false,
        },
        _ => return false,
    };
    if SOURCE_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return true;
    }
    NEXT_PREFIXES
        .iter()
        .filter_map(|p| name.strip_prefix(p))
        .any(|rest| rest.split('_').any(|w| ARRIVALS.contains(&w)))
}

/// Names of values that hold a program's configuration: a loop over one of their collections
/// (`cfg.hooks`, `config.listen_addrs`, `settings.shards`) runs once per configured item.
const CONFIG_WORDS: &[&str] = &["config", "cfg", "conf", "settings", "options", "opts"];

/// Is `e` a place reached through a configuration value (`cfg.hooks`, `self.config.services`,
/// `opts.workers`)? The root variable or a field on the way names the configuration.
pub(super) fn is_config_place(e: &Expr) -> bool {
    let mut e = strip(e);
    let mut fields = 0;
    for _ in 0..8 {
        let name = match e {
            Expr::Field(f) => {
                fields += 1;
                let n = match &f.member {
                    syn::Member::Named(n) => n.to_string(),
                    syn::Member::Unnamed(_) => String::new(),
                };
                e = strip(&f.base);
                n
            }
            Expr::Path(p) => {
                // A bare `config` is the configuration itself, not one of its collections.
                return fields > 0
                    && p.path
                        .get_ident()
                        .is_some_and(|id| names_config(&id.to_string()));
            }
            Expr::Reference(r) => {
                e = strip(&r.expr);
                continue;
            }
            _ => return false,
        };
        // The collection itself (the last field) may be named anything; what reaches it must
        // name the configuration.
        if fields > 1 && names_config(&name) {
            return true;
        }
    }
    false
}

fn names_config(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.split('_').any(|w| CONFIG_WORDS.contains(&w))
}

/// `let upd = pin!(async { client.next_update().await });`, `let next = async { .. }`: a future
/// the iteration makes to await itself (raced against a shutdown signal), which waits for the
/// next thing to arrive.
pub(super) fn is_local_future_source(init: &Expr) -> bool {
    match strip(init) {
        Expr::Async(a) => match a.block.stmts.as_slice() {
            [syn::Stmt::Expr(e, _)] => is_source_call(e),
            _ => false,
        },
        Expr::Macro(m) if macro_name(&m.mac) == "pin" => m
            .mac
            .parse_body::<Expr>()
            .is_ok_and(|e| is_local_future_source(&e)),
        _ => false,
    }
}
