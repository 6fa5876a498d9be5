//! What a call does, from its names: the callee, the calls in an expression, waits on
//! coordination primitives, and calls with a side effect.

use syn::visit::{self, Visit};
use syn::Expr;

/// The name of what an expression finally calls: the method of `a.b(..).c(..)` (`c`), the
/// last segment of `path::f(..)` (`f`). Parentheses and `?` are looked through.
pub fn callee_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        Expr::MethodCall(m) => Some(m.method.to_string()),
        Expr::Paren(p) => callee_name(&p.expr),
        Expr::Group(g) => callee_name(&g.expr),
        Expr::Try(t) => callee_name(&t.expr),
        _ => None,
    }
}

/// Every call in an expression, outside nested closures, async blocks and items, as
/// `(path or method name, number of arguments)`: `tokio::time::sleep(d)` →
/// `("tokio::time::sleep", 1)`, `rx.recv()` → `("recv", 0)`.
pub fn calls_in(e: &Expr) -> Vec<(String, usize)> {
    struct Calls(Vec<(String, usize)>);
    impl<'ast> Visit<'ast> for Calls {
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if let Expr::Path(p) = &*c.func {
                self.0
                    .push((crate::resolve::path_string(&p.path), c.args.len()));
            }
            visit::visit_expr_call(self, c);
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            self.0.push((m.method.to_string(), m.args.len()));
            visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut c = Calls(Vec::new());
    c.visit_expr(e);
    c.0
}

/// What a future waits on when it is not work of its own, by the calls it makes: time
/// (`sleep`, `interval.tick()`), a lock or a permit, a channel, a notification, a signal,
/// the readiness of a service, another task, or the next item of a stream. Awaiting such a
/// thing in sequence is how a program orders itself; it is never "independent work".
pub fn coordination_wait(e: &Expr) -> Option<&'static str> {
    calls_in(e).iter().find_map(|(name, args)| {
        let last = name.rsplit("::").next().unwrap_or(name);
        let kind = match (last, *args) {
            (
                "sleep" | "sleep_until" | "delay_for" | "delay_until" | "tick" | "interval"
                | "interval_at" | "yield_now",
                _,
            ) => "a timer",
            ("after" | "at", _) if name.contains("Timer") => "a timer",
            ("read" | "write", 0) => "a lock",
            (n, _) if is_lock_name(n) => "a lock",
            (n, _) if n.starts_with("recv_") => "a channel or notification",
            ("spawn" | "spawn_local" | "spawn_blocking" | "spawn_on" | "unblock", _) => {
                "another task"
            }
            (
                "recv" | "recv_async" | "recv_many" | "recv_direct" | "try_recv" | "recv_timeout"
                | "changed" | "wait_for" | "notified" | "wait" | "closed" | "cancelled",
                _,
            ) => "a channel or notification",
            ("send" | "send_async" | "send_timeout" | "reserve" | "feed" | "send_all", n)
                if n > 0 || last == "reserve" =>
            {
                "a send into a channel or sink"
            }
            (
                "next" | "try_next" | "select_next_some" | "next_message" | "accept" | "poll_fn"
                | "ready" | "ctrl_c" | "signal" | "join" | "join_next" | "shutdown",
                _,
            ) => "the next item, a connection, a signal or another task",
            _ => return None,
        };
        Some(kind)
    })
}

/// `lock`, `lock_owned`, `read_arc`, `upgradable_read`, `acquire_many_owned`…: taking a
/// lock or a permit.
fn is_lock_name(n: &str) -> bool {
    let base = n.trim_end_matches("_owned").trim_end_matches("_arc");
    match base {
        "lock" | "upgradable_read" | "acquire" | "acquire_many" => true,
        "read" | "write" => base != n,
        _ => false,
    }
}

/// Verbs that, leading a call's name (`insert_user`, `create_table`, `send_message`), say the
/// call changes state somewhere: a database, a server, a file, a cache, a queue.
const EFFECT_LEADING: &[&str] = &[
    "insert",
    "save",
    "update",
    "upsert",
    "delete",
    "del",
    "remove",
    "create",
    "put",
    "post",
    "patch",
    "write",
    "commit",
    "rollback",
    "execute",
    "exec",
    "apply",
    "migrate",
    "drop",
    "truncate",
    "append",
    "push",
    "register",
    "unregister",
    "subscribe",
    "unsubscribe",
    "publish",
    "bind",
    "listen",
    "start",
    "stop",
    "restart",
    "init",
    "initialize",
    "setup",
    "install",
    "uninstall",
    "upload",
    "store",
    "flush",
    "close",
    "shutdown",
    "kill",
    "reset",
    "clear",
    "login",
    "logout",
    "authenticate",
    "mark",
    "rename",
    "copy",
    "move",
    "mkdir",
    "grant",
    "revoke",
    "cancel",
    "abort",
    "submit",
    "enqueue",
    "deploy",
    "provision",
    "destroy",
    "send",
    "invalidate",
    "evict",
    "expire",
    "purge",
    "run",
    "declare",
    "ack",
    "nack",
    "reject",
    "acknowledge",
    "notify",
    "emit",
    "broadcast",
    "unlock",
    "claim",
    "release",
    "refresh",
    "sync",
    "replace",
    "modify",
    "edit",
    "increment",
    "incr",
    "decr",
    "decrement",
    "set",
    "add",
];

/// Words that say the same anywhere in a name (`batch_insert`, `queue_declare`,
/// `transaction_with_config`: a transaction is ordered by nature).
const EFFECT_ANYWHERE: &[&str] = &[
    "insert",
    "update",
    "upsert",
    "delete",
    "remove",
    "create",
    "write",
    "save",
    "commit",
    "execute",
    "publish",
    "declare",
    "register",
    "migrate",
    "truncate",
    "invalidate",
    "bind",
    "unbind",
    "consume",
    "subscribe",
    "purge",
    "transaction",
];

/// The first call in `e` (outside closures and async blocks) whose name says it changes
/// state outside the program — `insert_user(..)`, `.execute(..)`, `.save(db)`,
/// `queue_declare(..)` — by the words of its name. Such futures order their effects: what
/// one writes, the next may read. `set`/`add`/`send` only count alone or leading a longer
/// name (`set_name` on a builder and reqwest's `.send()` do not).
pub fn effect_call(e: &Expr) -> Option<String> {
    calls_in(e)
        .into_iter()
        .map(|(name, _)| name)
        .find(|name| effect_name(name))
}

/// The words of a callee's name (`insert_user`, `crate::db::delete`) say it changes state
/// outside the program; see [`effect_call`].
pub fn effect_name(name: &str) -> bool {
    let last = name.rsplit("::").next().unwrap_or(name);
    let mut words = last.split('_').filter(|w| !w.is_empty());
    let Some(first) = words.next() else {
        return false;
    };
    let single = !last.contains('_');
    // `set_name` on a builder, reqwest's `.send()`: not effects.
    let exception = if single {
        first == "send"
    } else {
        matches!(first, "set" | "add")
    };
    let leading = EFFECT_LEADING.contains(&first) && !exception;
    leading || last.split('_').any(|w| EFFECT_ANYWHERE.contains(&w))
}
