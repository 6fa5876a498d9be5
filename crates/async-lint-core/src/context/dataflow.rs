//! Data flow inside a piece of code, read from the syntax alone: which local names it reads,
//! assigns, borrows mutably or calls methods on, whether it awaits, which `let`s derive from
//! which names, and how a loop body can be left. Rules that judge whether two pieces of async
//! work depend on each other ask here instead of walking the tree themselves.
//!
//! Only *free* names count: names bound inside the code (`let`, closure parameters, match
//! arms, `if let`/`while let`/`for` patterns) shadow the outer ones for the rest of their
//! scope. Names are local-variable shaped (`snake_case` or `self`); paths with several
//! segments, types and nested items are not values of the enclosing body. Macro bodies are
//! read as tokens: every identifier in them counts as read (format strings' inline `{name}`
//! arguments too), so a macro can only add dependencies, never hide one.

use proc_macro2::{TokenStream, TokenTree};
use std::collections::{BTreeSet, HashSet};
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Stmt};

/// A set of local names.
pub type Names = BTreeSet<String>;

/// What a piece of code does with the local names it does not bind itself.
#[derive(Debug, Default, Clone)]
pub struct Flow {
    /// Every free name it mentions: read, assigned, borrowed, called a method on.
    pub reads: Names,
    /// Free names it assigns to, by the root of the place (`x = ..`, `x.f += ..`, `*x = ..`).
    pub assigns: Names,
    /// Free names it borrows mutably (`&mut x`, `&mut x.buf`), by the root of the place.
    pub mut_borrows: Names,
    /// Free names called as functions (`f(..)`): mentioned, but as code rather than data.
    pub called: Names,
    /// The places methods are called on, as written (`conn`, `self.tx`, `self.inner.writer`),
    /// when the place's root is a free name.
    pub receivers: Names,
    /// It awaits: an `.await`, or a `join!`/`select!` (which await implicitly) — not counting
    /// nested async blocks and closures, which run when something else polls or calls them.
    pub awaits: bool,
    /// It holds a `select!` (tokio's or futures').
    pub selects: bool,
}

impl Flow {
    /// The flow of one expression.
    pub fn of_expr(e: &Expr) -> Flow {
        let mut w = Walker::default();
        w.visit_expr(e);
        w.out
    }

    /// The flow of a sequence of statements, `let`s scoping over the ones after them.
    pub fn of_stmts(stmts: &[Stmt]) -> Flow {
        let mut w = Walker::default();
        w.walk_stmts(stmts);
        w.out
    }

    /// Free names written: assigned or borrowed mutably.
    pub fn writes(&self) -> impl Iterator<Item = &String> {
        self.assigns.iter().chain(&self.mut_borrows)
    }

    /// Free names used as values: mentioned other than as the callee of a call.
    pub fn values(&self) -> impl Iterator<Item = &String> {
        self.reads.iter().filter(|n| !self.called.contains(*n))
    }

    /// Does it write `name` (assign it or borrow it mutably)?
    pub fn writes_name(&self, name: &str) -> bool {
        self.assigns.contains(name) || self.mut_borrows.contains(name)
    }
}

/// One name bound by a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatName {
    pub name: String,
    /// Bound `mut` (`mut x`, `ref mut x`).
    pub mutable: bool,
}

/// The names a pattern binds, in order. Capitalised identifiers are taken for constants and
/// unit variants (`None`, `MAX`), not bindings.
pub fn pat_names(p: &Pat) -> Vec<PatName> {
    let mut out = Vec::new();
    collect_pat(p, &mut out);
    out
}

fn collect_pat(p: &Pat, out: &mut Vec<PatName>) {
    match p {
        Pat::Ident(pi) => {
            let name = pi.ident.to_string();
            if is_local_name(&name) && !out.iter().any(|n| n.name == name) {
                out.push(PatName {
                    name,
                    mutable: pi.mutability.is_some(),
                });
            }
            if let Some((_, sub)) = &pi.subpat {
                collect_pat(sub, out);
            }
        }
        Pat::Type(t) => collect_pat(&t.pat, out),
        Pat::Reference(r) => collect_pat(&r.pat, out),
        Pat::Paren(p) => collect_pat(&p.pat, out),
        Pat::Guard(g) => collect_pat(&g.pat, out),
        Pat::Tuple(t) => t.elems.iter().for_each(|p| collect_pat(p, out)),
        Pat::TupleStruct(t) => t.elems.iter().for_each(|p| collect_pat(p, out)),
        Pat::Struct(s) => s.fields.iter().for_each(|f| collect_pat(&f.pat, out)),
        Pat::Slice(s) => s.elems.iter().for_each(|p| collect_pat(p, out)),
        Pat::Or(o) => o.cases.iter().for_each(|p| collect_pat(p, out)),
        _ => {}
    }
}

/// Does this `let` give exclusive access to what it binds: `let mut x`, `let x: &mut T`,
/// `let x = &mut y`? Returns the names so bound.
pub fn exclusive_names(l: &syn::Local) -> Vec<String> {
    let mut_ref_init = l
        .init
        .as_ref()
        .is_some_and(|i| matches!(&*i.expr, Expr::Reference(r) if r.mutability.is_some()));
    let mut_ref_type = matches!(&l.pat, Pat::Type(t) if matches!(&*t.ty, syn::Type::Reference(r) if r.mutability.is_some()));
    pat_names(&l.pat)
        .into_iter()
        .filter(|n| n.mutable || mut_ref_init || mut_ref_type)
        .map(|n| n.name)
        .collect()
}

/// A local-variable shaped identifier: starts lowercase or with `_`, or is `self`.
pub fn is_local_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_lowercase() || c == '_') && s != "_"
}

/// The root name of a place or receiver chain: `self.conn.tx` → `self`, `(*buf)[i]` → `buf`,
/// `x.lock().unwrap().field` → `x`.
pub fn place_root(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) if p.qself.is_none() => {
            let id = p.path.get_ident()?.to_string();
            is_local_name(&id).then_some(id)
        }
        Expr::Field(f) => place_root(&f.base),
        Expr::Index(i) => place_root(&i.expr),
        Expr::Paren(p) => place_root(&p.expr),
        Expr::Group(g) => place_root(&g.expr),
        Expr::Reference(r) => place_root(&r.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => place_root(&u.expr),
        Expr::MethodCall(m) => place_root(&m.receiver),
        Expr::Try(t) => place_root(&t.expr),
        _ => None,
    }
}

/// A place as written, through fields only: `self.inner.conn` → `"self.inner.conn"`,
/// `&mut *tx` → `"tx"`. `None` for anything computed (calls, indexing).
pub fn place_path(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) if p.qself.is_none() => {
            let id = p.path.get_ident()?.to_string();
            is_local_name(&id).then_some(id)
        }
        Expr::Field(f) => {
            let base = place_path(&f.base)?;
            let member = match &f.member {
                syn::Member::Named(n) => n.to_string(),
                syn::Member::Unnamed(i) => i.index.to_string(),
            };
            Some(format!("{base}.{member}"))
        }
        Expr::Paren(p) => place_path(&p.expr),
        Expr::Group(g) => place_path(&g.expr),
        Expr::Reference(r) => place_path(&r.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => place_path(&u.expr),
        _ => None,
    }
}

/// Does a name (of a receiver or an argument, `self.conn` or `txn`) say that the operations
/// made with it happen in order: a transaction, a connection, a session, a stream, socket,
/// writer, sink or file? Two futures that use one of these share it, whatever its type lets
/// the compiler accept. The last word of a compound name says what it is: `db_conn` is a
/// connection, `stream_id` and `file_name` are not.
pub fn ordered_receiver(place: &str) -> bool {
    let last = place
        .rsplit('.')
        .next()
        .unwrap_or(place)
        .trim_start_matches('_');
    let words = [
        "tx",
        "txn",
        "trx",
        "transaction",
        "trans",
        "conn",
        "connection",
        "con",
        "session",
        "stream",
        "socket",
        "sock",
        "writer",
        "sink",
        "file",
        "ws",
        "framed",
        "channel",
        "chan",
        "cursor",
        "stdin",
        "stdout",
        "client_conn",
        "port",
        "serial",
        "device",
    ];
    words
        .iter()
        .any(|w| last == *w || last.ends_with(&format!("_{w}")))
}

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
                    .push((super::visitor::path_string(&p.path), c.args.len()));
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
    calls_in(e).into_iter().map(|(name, _)| name).find(|name| {
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
    })
}

/// The names read where a body decides something or computes a value it keeps: conditions
/// (`if`, `match`, `while`), `let` initialisers, the right side of assignments. A
/// loop-carried value read there steers the next iteration; one that is only written
/// (`out.push(x)`, `n += 1`) does not.
pub fn control_reads(stmts: &[Stmt]) -> Names {
    struct Control(Names);
    impl<'ast> Visit<'ast> for Control {
        fn visit_local(&mut self, l: &'ast syn::Local) {
            if let Some(init) = &l.init {
                self.0.extend(Flow::of_expr(&init.expr).reads);
            }
            visit::visit_local(self, l);
        }
        fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
            self.0.extend(Flow::of_expr(&i.cond).reads);
            visit::visit_expr_if(self, i);
        }
        fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
            self.0.extend(Flow::of_expr(&m.expr).reads);
            visit::visit_expr_match(self, m);
        }
        fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
            self.0.extend(Flow::of_expr(&w.cond).reads);
            visit::visit_expr_while(self, w);
        }
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            self.0.extend(Flow::of_expr(&a.right).reads);
            visit::visit_expr_assign(self, a);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut c = Control(Names::new());
    for s in stmts {
        c.visit_stmt(s);
    }
    c.0
}

/// The `visit_*` methods that keep a walk inside one body: nested closures, async blocks and
/// items run elsewhere, and loops are left out when the visitor's `skip_loops` is set.
macro_rules! stay_in_body {
    () => {
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
            self.visit_expr(&f.expr);
            if !self.skip_loops {
                self.visit_block(&f.body);
            }
        }
        fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
            if !self.skip_loops {
                visit::visit_expr_while(self, w);
            }
        }
        fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
            if !self.skip_loops {
                visit::visit_expr_loop(self, l);
            }
        }
    };
}

/// The `.await`s that run as part of `block` itself, in source order: not those in nested
/// closures, async blocks or items (they run when something else polls them), and with
/// `skip_loops` not those in nested loops either (they belong to that loop).
pub fn direct_awaits(block: &syn::Block, skip_loops: bool) -> Vec<&syn::ExprAwait> {
    struct Awaits<'a> {
        out: Vec<&'a syn::ExprAwait>,
        skip_loops: bool,
    }
    impl<'ast> Visit<'ast> for Awaits<'ast> {
        fn visit_expr_await(&mut self, a: &'ast syn::ExprAwait) {
            visit::visit_expr_await(self, a);
            self.out.push(a);
        }
        stay_in_body!();
    }
    let mut a = Awaits {
        out: Vec::new(),
        skip_loops,
    };
    a.visit_block(block);
    a.out
}

/// Does `block` await inside a macro (`assert_eq!(f().await, x)`, `tokio::join!(..)`), outside
/// nested closures, async blocks and items, and with `skip_loops` outside nested loops? Those
/// awaits are not in [`direct_awaits`]: their futures cannot be looked at.
pub fn awaits_in_macros(block: &syn::Block, skip_loops: bool) -> bool {
    struct Macros {
        found: bool,
        skip_loops: bool,
    }
    impl<'ast> Visit<'ast> for Macros {
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            let mut w = Walker::default();
            w.visit_macro(m);
            self.found |= w.out.awaits;
        }
        stay_in_body!();
    }
    let mut m = Macros {
        found: false,
        skip_loops,
    };
    m.visit_block(block);
    m.found
}

/// The expressions that leave or restart a loop whose body is `body`: its own
/// `break`/`continue` (unlabelled ones outside nested loops, labelled ones naming it or a
/// loop around it), and every `return`. Not counted: those inside nested closures, async
/// blocks and items, and those that target a loop or block nested inside the body.
pub fn loop_exits(body: &syn::Block) -> Vec<&Expr> {
    struct Exits<'a> {
        out: Vec<&'a Expr>,
        /// Depth of nested loops.
        depth: usize,
        /// Labels of nested loops and labelled blocks.
        inner: Vec<String>,
    }
    impl Exits<'_> {
        fn leaves(&self, label: Option<&syn::Lifetime>) -> bool {
            match label {
                Some(l) => !self.inner.contains(&l.ident.to_string()),
                None => self.depth == 0,
            }
        }
        fn nested<T>(&mut self, label: &Option<syn::Label>, f: impl FnOnce(&mut Self) -> T) -> T {
            self.depth += 1;
            let pushed = label
                .as_ref()
                .map(|l| self.inner.push(l.name.ident.to_string()));
            let r = f(self);
            if pushed.is_some() {
                self.inner.pop();
            }
            self.depth -= 1;
            r
        }
    }
    impl<'ast> Visit<'ast> for Exits<'ast> {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::Break(b) if self.leaves(b.label.as_ref()) => self.out.push(e),
                Expr::Continue(c) if self.leaves(c.label.as_ref()) => self.out.push(e),
                Expr::Return(_) => self.out.push(e),
                Expr::ForLoop(f) => {
                    self.visit_expr(&f.expr);
                    self.nested(&f.label, |s| s.visit_block(&f.body));
                    return;
                }
                Expr::While(w) => {
                    self.nested(&w.label, |s| {
                        s.visit_expr(&w.cond);
                        s.visit_block(&w.body)
                    });
                    return;
                }
                Expr::Loop(l) => {
                    self.nested(&l.label, |s| s.visit_block(&l.body));
                    return;
                }
                Expr::Block(b) if b.label.is_some() => {
                    // A labelled block: only `break 'label` targets it, so depth stays.
                    if let Some(l) = &b.label {
                        self.inner.push(l.name.ident.to_string());
                    }
                    self.visit_block(&b.block);
                    self.inner.pop();
                    return;
                }
                Expr::Closure(_) | Expr::Async(_) => return,
                _ => {}
            }
            visit::visit_expr(self, e);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut x = Exits {
        out: Vec::new(),
        depth: 0,
        inner: Vec::new(),
    };
    x.visit_block(body);
    x.out
}

/// Names bound in `stmts` — by `let`, `if let`/`while let`, `match` arms and `for` patterns,
/// at any depth outside closures and items — whose value comes from one of `seeds` or from a
/// name so derived, to a fixpoint. A name so bound also becomes derived when it is later
/// assigned from such a value or given one through a method call (`rrset.set_records(r)`).
/// Names bound outside `stmts` never become derived. Shadowing is not followed (a re-bound
/// name derived once stays derived): the answer may be too large, never too small.
pub fn derived(stmts: &[Stmt], seeds: &Names) -> Names {
    /// Names that take a value, the flow of that value, and whether this binds them.
    struct Lets(Vec<(Vec<String>, Flow, bool)>);
    impl Lets {
        fn bind(&mut self, p: &Pat, flow: Flow) {
            let names = pat_names(p).into_iter().map(|n| n.name).collect();
            self.0.push((names, flow, true));
        }
    }
    impl<'ast> Visit<'ast> for Lets {
        fn visit_local(&mut self, l: &'ast syn::Local) {
            let flow = l
                .init
                .as_ref()
                .map(|i| Flow::of_expr(&i.expr))
                .unwrap_or_default();
            self.bind(&l.pat, flow);
            visit::visit_local(self, l);
        }
        fn visit_expr_let(&mut self, l: &'ast syn::ExprLet) {
            self.bind(&l.pat, Flow::of_expr(&l.expr));
            visit::visit_expr_let(self, l);
        }
        fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
            let flow = Flow::of_expr(&m.expr);
            for arm in &m.arms {
                self.bind(&arm.pat, flow.clone());
            }
            visit::visit_expr_match(self, m);
        }
        fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
            self.bind(&f.pat, Flow::of_expr(&f.expr));
            visit::visit_expr_for_loop(self, f);
        }
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            self.0
                .push((assigned_roots(&a.left), Flow::of_expr(&a.right), false));
            visit::visit_expr_assign(self, a);
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            if let Some(root) = place_root(&m.receiver) {
                let mut given = Flow::default();
                for a in &m.args {
                    given.reads.extend(Flow::of_expr(a).reads);
                }
                self.0.push((vec![root], given, false));
            }
            visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut lets = Lets(Vec::new());
    for s in stmts {
        lets.visit_stmt(s);
    }
    let bound_here: Names = lets
        .0
        .iter()
        .filter(|(_, _, binds)| *binds)
        .flat_map(|(names, _, _)| names.iter().cloned())
        .collect();
    let mut out = Names::new();
    loop {
        let before = out.len();
        for (names, flow, _) in &lets.0 {
            if flow
                .reads
                .iter()
                .any(|r| seeds.contains(r) || out.contains(r))
            {
                out.extend(names.iter().filter(|n| bound_here.contains(*n)).cloned());
            }
        }
        if out.len() == before {
            return out;
        }
    }
}

/// The roots of the places an assignment writes: `x = ..` → `x`, `(a, b.f) = ..` → `a`, `b`.
fn assigned_roots(left: &Expr) -> Vec<String> {
    match left {
        Expr::Tuple(t) => t.elems.iter().flat_map(assigned_roots).collect(),
        Expr::Array(a) => a.elems.iter().flat_map(assigned_roots).collect(),
        Expr::Paren(p) => assigned_roots(&p.expr),
        e => place_root(e).into_iter().collect(),
    }
}

/// Is `name` read by `stmts` before being bound again? (Shadowing by a `let` of the same
/// name at the top level of `stmts` ends the search; the new `let`'s own initialiser still
/// counts.)
pub fn read_before_rebound(stmts: &[Stmt], name: &str) -> bool {
    for s in stmts {
        match s {
            Stmt::Local(l) => {
                if let Some(init) = &l.init {
                    let f = Flow::of_expr(&init.expr);
                    if f.reads.contains(name) {
                        return true;
                    }
                    if let Some((_, d)) = &init.diverge {
                        if Flow::of_expr(d).reads.contains(name) {
                            return true;
                        }
                    }
                }
                if pat_names(&l.pat).iter().any(|n| n.name == name) {
                    return false;
                }
            }
            Stmt::Item(_) => {}
            Stmt::Expr(e, _) => {
                if Flow::of_expr(e).reads.contains(name) {
                    return true;
                }
            }
            Stmt::Macro(m) => {
                let mut w = Walker::default();
                w.scan_tokens(m.mac.tokens.clone());
                if w.out.reads.contains(name) {
                    return true;
                }
            }
        }
    }
    false
}

/// Macros that await the futures given to them without an `.await` in their text.
const AWAITING_MACROS: &[&str] = &["join", "try_join", "select", "select_biased", "pending"];

/// Walks code, keeping the names bound so far in a stack of scopes.
#[derive(Default)]
struct Walker {
    scopes: Vec<HashSet<String>>,
    /// Inside closures and async blocks: their awaits are not this code's.
    deferred: usize,
    out: Flow,
}

impl Walker {
    fn bound(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s.contains(name))
    }

    fn free(&self, name: Option<String>) -> Option<String> {
        name.filter(|n| !self.bound(n))
    }

    fn bind(&mut self, p: &Pat) {
        if self.scopes.is_empty() {
            self.scopes.push(HashSet::new());
        }
        let names = pat_names(p);
        if let Some(top) = self.scopes.last_mut() {
            top.extend(names.into_iter().map(|n| n.name));
        }
        // Guards, literal and range patterns hold expressions.
        self.visit_pat(p);
    }

    fn read(&mut self, name: String) {
        if !self.bound(&name) {
            self.out.reads.insert(name);
        }
    }

    fn scoped(&mut self, f: impl FnOnce(&mut Self)) {
        self.scopes.push(HashSet::new());
        f(self);
        self.scopes.pop();
    }

    fn walk_stmts(&mut self, stmts: &[Stmt]) {
        self.scoped(|w| {
            for s in stmts {
                match s {
                    Stmt::Local(l) => {
                        if let Some(init) = &l.init {
                            w.visit_expr(&init.expr);
                            if let Some((_, d)) = &init.diverge {
                                w.visit_expr(d);
                            }
                        }
                        w.bind(&l.pat);
                    }
                    Stmt::Item(_) => {}
                    Stmt::Expr(e, _) => w.visit_expr(e),
                    Stmt::Macro(m) => w.visit_macro(&m.mac),
                }
            }
        });
    }

    /// Reads every identifier of a macro body (not those after `.`, which are fields or
    /// methods), the inline arguments of format strings, and notes `.await`s.
    fn scan_tokens(&mut self, tokens: TokenStream) {
        let mut after_dot = false;
        let mut prev_dot = false;
        for tt in tokens {
            match tt {
                TokenTree::Group(g) => {
                    self.scan_tokens(g.stream());
                    after_dot = false;
                    prev_dot = false;
                }
                TokenTree::Ident(i) => {
                    let s = i.to_string();
                    if after_dot {
                        if s == "await" && self.deferred == 0 {
                            self.out.awaits = true;
                        }
                    } else if is_local_name(&s) {
                        self.read(s);
                    }
                    after_dot = false;
                    prev_dot = false;
                }
                TokenTree::Punct(p) => {
                    let dot = p.as_char() == '.';
                    // `x.f` but not `..rest`.
                    after_dot = dot && !prev_dot && p.spacing() == proc_macro2::Spacing::Alone;
                    prev_dot = dot;
                }
                TokenTree::Literal(l) => {
                    for name in format_args_of(&l.to_string()) {
                        self.read(name);
                    }
                    after_dot = false;
                    prev_dot = false;
                }
            }
        }
    }
}

/// The inline arguments of a format string literal: `"{a} {b:?} {{c}} {0}"` → `a`, `b`.
fn format_args_of(lit: &str) -> Vec<String> {
    if !(lit.starts_with('"') || lit.starts_with("r\"") || lit.starts_with("r#")) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut chars = lit.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '{' {
            continue;
        }
        if chars.peek() == Some(&'{') {
            chars.next();
            continue;
        }
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| c.is_alphanumeric() || *c == '_')).collect();
        if is_local_name(&name) && matches!(chars.peek(), Some('}' | ':')) {
            out.push(name);
        }
    }
    out
}

impl<'ast> Visit<'ast> for Walker {
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.qself.is_none() {
            if let Some(id) = p.path.get_ident() {
                let name = id.to_string();
                if is_local_name(&name) {
                    self.read(name);
                }
            }
        }
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.walk_stmts(&b.stmts);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.deferred += 1;
        self.scoped(|w| {
            for p in &c.inputs {
                w.bind(p);
            }
            w.visit_expr(&c.body);
        });
        self.deferred -= 1;
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        self.deferred += 1;
        self.visit_block(&a.block);
        self.deferred -= 1;
    }

    fn visit_expr_await(&mut self, a: &'ast syn::ExprAwait) {
        if self.deferred == 0 {
            self.out.awaits = true;
        }
        self.visit_expr(&a.base);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        self.visit_expr(&m.expr);
        for arm in &m.arms {
            self.scoped(|w| {
                w.bind(&arm.pat);
                w.visit_expr(&arm.body);
            });
        }
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.scoped(|w| {
            w.visit_expr(&i.cond);
            w.visit_block(&i.then_branch);
        });
        if let Some((_, e)) = &i.else_branch {
            self.visit_expr(e);
        }
    }

    fn visit_expr_let(&mut self, l: &'ast syn::ExprLet) {
        self.visit_expr(&l.expr);
        self.bind(&l.pat);
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.scoped(|s| {
            s.visit_expr(&w.cond);
            s.visit_block(&w.body);
        });
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        self.scoped(|w| {
            w.bind(&f.pat);
            w.visit_block(&f.body);
        });
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        for root in assigned_roots(&a.left) {
            if let Some(root) = self.free(Some(root)) {
                self.out.assigns.insert(root);
            }
        }
        visit::visit_expr_assign(self, a);
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        use syn::BinOp::*;
        let compound = matches!(
            b.op,
            AddAssign(_)
                | SubAssign(_)
                | MulAssign(_)
                | DivAssign(_)
                | RemAssign(_)
                | BitXorAssign(_)
                | BitAndAssign(_)
                | BitOrAssign(_)
                | ShlAssign(_)
                | ShrAssign(_)
        );
        if compound {
            if let Some(root) = self.free(place_root(&b.left)) {
                self.out.assigns.insert(root);
            }
        }
        visit::visit_expr_binary(self, b);
    }

    fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
        if r.mutability.is_some() {
            if let Some(root) = self.free(place_root(&r.expr)) {
                self.out.mut_borrows.insert(root);
            }
        }
        visit::visit_expr_reference(self, r);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func {
            if let Some(id) = p.path.get_ident() {
                let name = id.to_string();
                if is_local_name(&name) && !self.bound(&name) {
                    self.out.called.insert(name);
                }
            }
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if let Some(path) = place_path(&m.receiver) {
            let root = path.split('.').next().unwrap_or(&path);
            if !self.bound(root) {
                self.out.receivers.insert(path);
            }
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let name = super::macros::macro_name(m);
        if AWAITING_MACROS.contains(&name.as_str()) && self.deferred == 0 {
            self.out.awaits = true;
        }
        if name.starts_with("select") {
            self.out.selects = true;
        }
        self.scan_tokens(m.tokens.clone());
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_type(&mut self, _: &'ast syn::Type) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(src: &str) -> Flow {
        Flow::of_expr(&syn::parse_str::<Expr>(src).expect("expression parses"))
    }

    fn names(n: &Names) -> Vec<&str> {
        n.iter().map(String::as_str).collect()
    }

    #[test]
    fn free_reads_follow_shadowing_closures_and_arms() {
        let f = flow("{ let a = b + c; let c = 1; foo(a, c, |d| d + e, move || g.h) }");
        assert_eq!(names(&f.reads), ["b", "c", "e", "foo", "g"]);
        let f = flow("match x { Some(y) if y > z => y, None => w }");
        assert_eq!(names(&f.reads), ["w", "x", "z"]);
        let f = flow("if let Some(v) = opt { v } else { v }");
        assert_eq!(names(&f.reads), ["opt", "v"], "the else branch's v is free");
        let f = flow("for (k, v) in map { out.push(k); }");
        assert_eq!(names(&f.reads), ["map", "out"]);
    }

    #[test]
    fn writes_borrows_and_receivers() {
        let f = flow(
            "{ total += n; self.count = 1; read(&mut buf); self.conn.execute(q); tx.send(v) }",
        );
        assert_eq!(names(&f.assigns), ["self", "total"]);
        assert_eq!(names(&f.mut_borrows), ["buf"]);
        assert_eq!(names(&f.receivers), ["self.conn", "tx"]);
    }

    #[test]
    fn macros_are_read_as_tokens() {
        let f = flow(r#"format!("{id}/{} {{skip}} {n:?}", user.name, x = y)"#);
        assert_eq!(names(&f.reads), ["id", "n", "user", "x", "y"]);
        let f = flow("tokio::join!(a(), b())");
        assert!(f.awaits);
        let f = flow("tokio::select! { v = rx.recv() => v }");
        assert!(f.awaits && f.selects);
        let f = flow("foo(async { bar().await })");
        assert!(!f.awaits, "a nested async block awaits when it is polled");
    }

    #[test]
    fn coordination_waits() {
        let wait = |s: &str| coordination_wait(&syn::parse_str::<Expr>(s).expect("parses"));
        assert!(wait("tokio::time::sleep(d)").is_some());
        assert!(wait("timeout(d, rx.recv())").is_some());
        assert!(wait("state.lock()").is_some());
        assert!(wait("tx.send(msg)").is_some());
        assert!(wait("client.get(url).send()").is_none());
        assert!(wait("file.read(&mut buf)").is_none());
    }

    #[test]
    fn loop_exits_of_this_loop_only() {
        let body: syn::Block = syn::parse_str(
            "{ for y in ys { break; } 'inner: loop { break 'inner; } if a { continue; } \
             let c = || return 1; 'outer_block: { break 'outer_block; } return; }",
        )
        .expect("block parses");
        let exits: Vec<String> = loop_exits(&body)
            .iter()
            .map(|e| quote::quote!(#e).to_string())
            .collect();
        assert_eq!(exits, ["continue", "return"]);
    }

    #[test]
    fn derived_names_reach_a_fixpoint() {
        let body: syn::Block = syn::parse_str(
            "{ let a = x + 1; let b = a * 2; let c = other; if let Some(d) = b.get() { } \
             let mut set = Vec::new(); set.push(d); outer.push(a); let e; (e, acc) = split(b); }",
        )
        .expect("block parses");
        let seeds: Names = ["x".to_string()].into();
        assert_eq!(
            names(&derived(&body.stmts, &seeds)),
            ["a", "b", "d", "e", "set"],
            "outer and acc are bound outside: never derived"
        );
    }

    #[test]
    fn reads_stop_at_shadowing() {
        let body: syn::Block =
            syn::parse_str("{ let x = other(); use_it(x); }").expect("block parses");
        assert!(!read_before_rebound(&body.stmts, "x"));
        let body: syn::Block = syn::parse_str("{ let x = x + 1; }").expect("block parses");
        assert!(read_before_rebound(&body.stmts, "x"));
    }
}
