//! Bounds on per-item work: how many items a loop head or an iterator chain goes through, and
//! what in a loop limits how many of the tasks started in it run at once — a semaphore permit,
//! a `JoinSet`/`FuturesUnordered` that is drained or whose length is checked, a handle awaited in
//! the same iteration, an exit right after the spawn, a buffered stream. The visitor computes
//! [`LoopBounds`] once per loop (see [`super::Loop::bounds`]) so rules about spawning ask
//! instead of walking.

use super::macros::{macro_name, parse_body, MacroBody};
use crate::source::{SourceFile, Span, SpanOf};
use quote::ToTokens;
use syn::visit::{self, Visit};
use syn::{BinOp, Expr};

mod calls;
use calls::*;

/// How many items a loop or an iterator chain goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    /// A literal or otherwise small fixed collection (range with a literal bound, array
    /// literal, `vec![a, b]`, `iter::once`, a constant), described for messages.
    Fixed(&'static str),
    /// A range with a computed bound (`0..workers`): a count chosen by the program.
    Count,
    /// A collection the value holds itself (`self.servers`, `self.routes.iter()`): sized by
    /// how the value was configured, not by the input it processes.
    Structural,
    /// The items of a collection, stream or channel of unknown size.
    Unknown,
}

/// What limits the concurrency of tasks started in a loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// A semaphore permit is acquired in the loop (`sem.acquire_owned().await`).
    Permit,
    /// The per-item stream is consumed by `buffer_unordered(n)`/`buffered(n)`, named here.
    Buffered(&'static str),
    /// `for_each_concurrent(Some(n), ..)` (or a limit that is not `None`).
    Concurrent,
    /// The loop waits on a timer each iteration (`interval.tick().await`, `sleep(..).await`):
    /// tasks start at a fixed rate, not once per item of a backlog.
    Paced,
    /// The loop runs while a count stays under a cap (`while running < max { .. }`), or a
    /// fallible budget is charged per item (`limits.try_charge(..)?`).
    Capped,
    /// A service's readiness is awaited or polled first (`svc.ready().await`,
    /// `poll_ready(cx)`): the service pushes back when it is saturated.
    Ready,
}

/// What is known about one loop (or per-item adapter closure) for rules about spawning.
#[derive(Debug, Clone, Default)]
pub struct LoopBounds {
    /// How many times the loop runs, as far as its head shows: `None` for `while`/`loop`, and
    /// for an adapter (`map`, `then`…) whose receiver is not recognisably an iterator or
    /// stream (it may be an `Option` or a future, run at most once).
    pub extent: Option<Extent>,
    /// What limits concurrency in the loop or the adapter's chain.
    pub limit: Option<Limit>,
    /// The connection accept that drives the loop (`listener.accept().await`,
    /// `conn.poll_accept(cx)`).
    pub accept: Option<Span>,
    /// The channel receive that drives the loop (`rx.recv().await`, `rx.try_recv()`): the work
    /// comes from producers elsewhere, which decide how much of it there is.
    pub channel: Option<Span>,
    /// Code inside these spans runs at most once per loop: blocks and expressions that end
    /// by leaving it (`break`, `return`).
    exits: Vec<Span>,
    /// Initialisers of locals whose value is awaited later in the same iteration.
    awaited_inits: Vec<Span>,
    /// Collections whose length is compared, or that are drained with an awaited
    /// `join_next()`/`next()` outside `select!` arms, in the iteration (as token text).
    checked: Vec<String>,
    /// `recv.push(arg)` calls in the loop: receiver token text, argument span.
    pushes: Vec<(String, Span)>,
    /// Blocks run only while an ordering comparison holds (`if running < max { .. }`).
    capped: Vec<Span>,
    /// Right-hand sides of assignments to a single place (`self.task = Some(spawn(..))`):
    /// what is assigned there replaces the previous value, one at a time.
    slots: Vec<Span>,
    /// Names bound by `let` in the iteration (values made per item, not handed in).
    let_names: Vec<String>,
    /// Names the loop binds for each item (`x` in `for x in xs`, `|x| ..`).
    item_names: Vec<String>,
    /// The variable the loop's items come from (`xs` in `for x in xs.iter()`, `req.ids`).
    pub head_root: Option<String>,
    /// Semaphore acquires inside the futures made in the loop (`spawn(async { sem.acquire() })`):
    /// they bound the work of a pushed future, not how many tasks are spawned.
    inner_permits: Vec<Span>,
    /// A `permit` is used only inside a future made in the loop.
    nested_permit_use: bool,
}

impl LoopBounds {
    /// Bounds of `for pat in head { body }`.
    pub fn of_for(file: &SourceFile, f: &syn::ExprForLoop) -> LoopBounds {
        let mut scan = Scan::new(file);
        scan.visit_expr(&f.expr);
        scan.visit_block(&f.body);
        let mut b = scan.finish();
        b.extent = Some(for_extent(&f.expr));
        b.head_root = root_name(&f.expr);
        pat_names(&f.pat, &mut b.item_names);
        b.pace(&f.body);
        b
    }

    /// Bounds of `while cond { body }` (including `while let`).
    pub fn of_while(file: &SourceFile, w: &syn::ExprWhile) -> LoopBounds {
        let mut scan = Scan::new(file);
        scan.visit_expr(&w.cond);
        scan.visit_block(&w.body);
        let mut b = scan.finish();
        if has_ordering(&w.cond) {
            b.limit.get_or_insert(Limit::Capped);
        }
        if is_timer_await(&w.cond) {
            b.limit.get_or_insert(Limit::Paced);
        }
        b.pace(&w.body);
        b
    }

    /// Bounds of `loop { body }`.
    pub fn of_loop(file: &SourceFile, l: &syn::ExprLoop) -> LoopBounds {
        let mut scan = Scan::new(file);
        scan.visit_block(&l.body);
        let mut b = scan.finish();
        b.pace(&l.body);
        b
    }

    /// Bounds of the closure of a per-item adapter `recv.method(.., |x| body)`; `after` is the
    /// limit a later method of the same chain puts on it (`.buffer_unordered(n)`).
    pub fn of_adapter(
        file: &SourceFile,
        call: &syn::ExprMethodCall,
        body: &Expr,
        after: Option<Limit>,
    ) -> LoopBounds {
        let mut scan = Scan::new(file);
        // The async block a closure returns is the per-item work itself.
        match strip(body) {
            Expr::Async(a) => scan.visit_block(&a.block),
            other => scan.visit_expr(other),
        }
        let mut b = scan.finish();
        b.extent = adapter_extent(&call.method.to_string(), &call.receiver);
        b.head_root = root_name(&call.receiver);
        for arg in &call.args {
            if let Expr::Closure(c) = strip(arg) {
                c.inputs
                    .iter()
                    .for_each(|p| pat_names(p, &mut b.item_names));
            }
        }
        // `rx.for_each(|msg| ..)`: a stream of messages from a channel.
        if is_receiver(&call.receiver) {
            b.channel = Some(file.span_of(&*call.receiver));
        }
        b.limit = after.or(own_limit(call)).or(b.limit);
        b
    }

    /// A timer awaited by a statement of the body itself (not in a branch, which would be a
    /// back-off after an error) paces the loop.
    fn pace(&mut self, body: &syn::Block) {
        let paced = body.stmts.iter().any(|s| match s {
            syn::Stmt::Expr(e, _) => is_timer_await(e),
            syn::Stmt::Local(l) => l.init.as_ref().is_some_and(|i| is_timer_await(&i.expr)),
            _ => false,
        });
        if paced {
            self.limit.get_or_insert(Limit::Paced);
        }
    }

    /// Does the code at `span` run at most once per loop (it ends by leaving the loop)?
    pub fn runs_once(&self, span: Span) -> bool {
        self.exits.iter().any(|e| e.contains(span))
    }

    /// Is the value of the expression at `span` bound to a local that is awaited later in
    /// the same iteration (`let h = spawn(..); .. h.await`)?
    pub fn awaited_in_iteration(&self, span: Span) -> bool {
        self.awaited_inits.iter().any(|e| e.contains(span))
    }

    /// Does the code at `span` run only under a cap (`if running < max { .. }`) or go into a
    /// single place that is assigned (`self.task = Some(spawn(..))`)?
    pub fn capped_at(&self, span: Span) -> bool {
        self.capped
            .iter()
            .chain(&self.slots)
            .any(|c| c.contains(span))
    }

    /// Is `name` one of the loop's items (`x` in `for x in xs`, `|x| ..`)?
    pub fn is_item(&self, name: &str) -> bool {
        self.item_names.iter().any(|n| n == name)
    }

    /// Is a semaphore permit taken inside the future at `span` (`push(async { sem.acquire() })`)?
    pub fn permit_inside(&self, span: Span) -> bool {
        self.inner_permits.iter().any(|p| span.contains(*p))
    }

    /// Is `name` bound by a `let` in the iteration (made per item rather than handed in)?
    pub fn binds(&self, name: &str) -> bool {
        self.let_names.iter().any(|n| n == name)
    }

    /// The collection the expression at `span` is pushed into in the loop (`handles.push(..)`).
    pub fn pushed_into(&self, span: Span) -> Option<&str> {
        self.pushes
            .iter()
            .find(|(_, arg)| arg.contains(span))
            .map(|(r, _)| r.as_str())
    }

    /// Is the collection the expression at `span` goes into — `receiver` (a `JoinSet`, a
    /// `FuturesUnordered`) or the collection it is pushed into — length-checked or drained in
    /// the iteration?
    pub fn collection_checked(&self, receiver: Option<&Expr>, span: Span) -> bool {
        let recv = receiver.map(tokens);
        let pushed = self
            .pushes
            .iter()
            .filter(|(_, arg)| arg.contains(span))
            .map(|(r, _)| r.clone());
        recv.into_iter()
            .chain(pushed)
            .any(|c| self.checked.contains(&c))
    }
}

/// The limit a method of a chain puts on the per-item closures before it
/// (`.buffer_unordered(n)`, `.for_each_concurrent(Some(n), ..)`).
pub fn chain_limit(call: &syn::ExprMethodCall) -> Option<Limit> {
    const BUFFERED: &[&str] = &[
        "buffer_unordered",
        "buffered",
        "try_buffer_unordered",
        "try_buffered",
    ];
    let name = call.method.to_string();
    if let Some(b) = BUFFERED.iter().find(|b| **b == name) {
        return Some(Limit::Buffered(b));
    }
    own_limit(call)
}

/// `for_each_concurrent(limit, ..)` limits its own closure unless the limit is `None`.
fn own_limit(call: &syn::ExprMethodCall) -> Option<Limit> {
    let name = call.method.to_string();
    if name != "for_each_concurrent" && name != "try_for_each_concurrent" {
        return None;
    }
    let limit = call.args.first()?;
    let unbounded = matches!(strip(limit), Expr::Path(p) if p.path.is_ident("None"));
    (!unbounded).then_some(Limit::Concurrent)
}

/// How many items `for _ in head` goes through.
pub fn for_extent(head: &Expr) -> Extent {
    collection_extent(head, 0)
}

/// Adapters whose receiver is always a collection, iterator or stream.
const ALWAYS_ITERATING: &[&str] = &[
    "for_each",
    "try_for_each",
    "for_each_concurrent",
    "try_for_each_concurrent",
    "fold",
    "try_fold",
    "scan",
    "par_iter_map",
];

/// How many items the closure of `recv.method(|x| ..)` runs for; `None` when `recv` is not
/// recognisably an iterator (`opt.map(|x| ..)` runs at most once).
pub fn adapter_extent(method: &str, recv: &Expr) -> Option<Extent> {
    match iter_extent(recv) {
        Some(e) => Some(e),
        None if ALWAYS_ITERATING.contains(&method) => Some(collection_extent(recv, 0)),
        None => None,
    }
}

/// How many items an expression yields when it is recognisably an iterator or stream:
/// a range, an array or `vec!` literal, `xs.iter()`, `stream::iter(xs)`, an adapter chain on
/// one of those. `None` when it is not recognisable as one.
pub fn iter_extent(e: &Expr) -> Option<Extent> {
    extent_at(e, 0)
}

/// Receiver chains longer than this are not followed (linear time on generated code).
const MAX_CHAIN: usize = 64;

fn extent_at(e: &Expr, depth: usize) -> Option<Extent> {
    if depth > MAX_CHAIN {
        return None;
    }
    match strip(e) {
        Expr::Range(r) => Some(range_extent(r)),
        Expr::Array(_) => Some(Extent::Fixed("an array literal")),
        Expr::Reference(r) => extent_at(&r.expr, depth + 1),
        Expr::Macro(m) if macro_name(&m.mac) == "vec" => Some(vec_extent(&m.mac)),
        Expr::Call(c) => call_extent(c, depth),
        Expr::MethodCall(m) => method_extent(m, depth),
        _ => None,
    }
}

/// The extent of a collection expression iterated as a whole (`for x in xs`, `xs.iter()`).
fn collection_extent(e: &Expr, depth: usize) -> Extent {
    if let Some(ext) = extent_at(e, depth + 1) {
        return ext;
    }
    match strip(e) {
        Expr::Path(p)
            if p.path
                .segments
                .last()
                .is_some_and(|s| is_constant(&s.ident)) =>
        {
            Extent::Fixed("a constant")
        }
        Expr::Tuple(_) => Extent::Fixed("a tuple"),
        Expr::Field(f) if is_self(&f.base) => Extent::Structural,
        // A configured collection (`cfg.hooks`, `self.config.listeners`).
        other if is_config_place(other) => Extent::Structural,
        // A copy of a collection has as many items.
        Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "clone" | "to_vec") => {
            collection_extent(&m.receiver, depth + 1)
        }
        Expr::Reference(r) => collection_extent(&r.expr, depth + 1),
        _ => Extent::Unknown,
    }
}

fn range_extent(r: &syn::ExprRange) -> Extent {
    let Some(end) = &r.end else {
        return Extent::Unknown;
    };
    if is_literal(end) {
        Extent::Fixed("a range with a literal bound")
    } else if matches!(strip(end), Expr::Path(p) if p.path.segments.last().is_some_and(|s| is_constant(&s.ident)))
    {
        Extent::Fixed("a range up to a constant")
    } else {
        Extent::Count
    }
}

fn vec_extent(mac: &syn::Macro) -> Extent {
    match parse_body(mac) {
        // `vec![elem; n]` parses as two expressions like `vec![a, b]`; the tokens tell them apart.
        Some(MacroBody::Exprs(exprs)) => {
            let repeat = mac
                .tokens
                .clone()
                .into_iter()
                .any(|t| matches!(&t, proc_macro2::TokenTree::Punct(p) if p.as_char() == ';'));
            match exprs.last() {
                Some(n) if repeat && !is_literal(n) => Extent::Count,
                _ => Extent::Fixed("a `vec!` literal"),
            }
        }
        _ => Extent::Unknown,
    }
}

fn call_extent(c: &syn::ExprCall, depth: usize) -> Option<Extent> {
    let Expr::Path(p) = strip(&c.func) else {
        return None;
    };
    let path = super::visitor::path_string(&p.path);
    let mut segs = path.rsplit("::");
    let last = segs.next()?;
    let parent = segs.next();
    match (parent, last) {
        (Some("iter" | "stream"), "once") => Some(Extent::Fixed("a single item")),
        (Some("stream"), "iter") => Some(
            c.args
                .first()
                .map_or(Extent::Unknown, |a| collection_extent(a, depth + 1)),
        ),
        (Some("iter" | "stream"), "repeat" | "repeat_with" | "from_fn" | "unfold" | "poll_fn") => {
            Some(Extent::Unknown)
        }
        (
            Some(
                "ReceiverStream"
                | "UnboundedReceiverStream"
                | "BroadcastStream"
                | "IntervalStream"
                | "TcpListenerStream"
                | "UnixListenerStream",
            ),
            "new",
        ) => Some(Extent::Unknown),
        _ => None,
    }
}

fn method_extent(m: &syn::ExprMethodCall, depth: usize) -> Option<Extent> {
    let name = m.method.to_string();
    match name.as_str() {
        // Sources: a collection (or stream) turned into an iterator.
        "iter" | "into_iter" | "iter_mut" | "par_iter" | "into_par_iter" | "par_iter_mut"
        | "keys" | "values" | "values_mut" | "into_keys" | "into_values" => {
            Some(collection_extent(&m.receiver, depth + 1))
        }
        // A queue drained, a listener, chunks of data: items of unknown number.
        // `xs.chunks(xs.len().div_ceil(workers))`: as many chunks as workers.
        "chunks" | "chunks_exact" if m.args.first().is_some_and(divides) => Some(Extent::Count),
        "drain" | "chunks" | "chunks_exact" | "windows" | "lines" | "split_whitespace"
        | "char_indices" | "incoming" | "into_stream" => Some(Extent::Unknown),
        "take" => match m.args.first() {
            Some(n) if is_literal(n) => Some(Extent::Fixed("`take` with a literal count")),
            Some(Expr::Path(p))
                if p.path
                    .segments
                    .last()
                    .is_some_and(|s| is_constant(&s.ident)) =>
            {
                Some(Extent::Fixed("`take` with a constant count"))
            }
            _ => extent_at(&m.receiver, depth + 1),
        },
        // Adapters: no more items than their receiver.
        "enumerate" | "map" | "filter" | "filter_map" | "cloned" | "copied" | "rev" | "skip"
        | "step_by" | "inspect" | "peekable" | "fuse" | "by_ref" | "skip_while" | "take_while"
        | "map_while" | "then" | "collect" => extent_at(&m.receiver, depth + 1),
        "zip" => {
            let a = extent_at(&m.receiver, depth + 1);
            let b = m.args.first().and_then(|a| extent_at(a, depth + 1));
            match (a, b) {
                (Some(f @ Extent::Fixed(_)), _) | (_, Some(f @ Extent::Fixed(_))) => Some(f),
                (a, b) => a.or(b),
            }
        }
        "chain" => {
            let a = extent_at(&m.receiver, depth + 1)?;
            let b = m
                .args
                .first()
                .map_or(Extent::Unknown, |a| collection_extent(a, depth + 1));
            match (a, b) {
                (Extent::Fixed(f), Extent::Fixed(_)) => Some(Extent::Fixed(f)),
                (Extent::Unknown, _) | (_, Extent::Unknown) => Some(Extent::Unknown),
                _ => Some(Extent::Count),
            }
        }
        "flat_map" | "flatten" => extent_at(&m.receiver, depth + 1).map(|_| Extent::Unknown),
        _ => None,
    }
}

/// Is the expression a size divided by a count (`len / n`, `len.div_ceil(n)`)?
fn divides(e: &Expr) -> bool {
    match strip(e) {
        Expr::Binary(b) => matches!(b.op, BinOp::Div(_)) || divides(&b.left),
        Expr::MethodCall(m) => m.method == "div_ceil" || divides(&m.receiver),
        _ => false,
    }
}

fn is_self(e: &Expr) -> bool {
    matches!(strip(e), Expr::Path(p) if p.path.is_ident("self"))
}

/// Does the condition compare an order (`<`, `<=`, `>`, `>=`): a count against a cap?
fn has_ordering(cond: &Expr) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_bin_op(&mut self, op: &'ast BinOp) {
            self.0 |= matches!(
                op,
                BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_) | BinOp::Ge(_)
            );
        }
    }
    let mut f = Finder(false);
    f.visit_expr(cond);
    f.0
}

/// `SCREAMING_CASE` names are constants.
fn is_constant(id: &syn::Ident) -> bool {
    let s = id.to_string();
    s.chars().any(|c| c.is_ascii_uppercase())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// An integer literal, possibly negated, cast or combined with other literals.
fn is_literal(e: &Expr) -> bool {
    match strip(e) {
        Expr::Lit(_) => true,
        Expr::Unary(u) => is_literal(&u.expr),
        Expr::Cast(c) => is_literal(&c.expr),
        Expr::Binary(b) => is_literal(&b.left) && is_literal(&b.right),
        _ => false,
    }
}

/// The walk over one loop's head and body.
struct Scan<'f> {
    file: &'f SourceFile,
    out: LoopBounds,
    /// Labels of the loops nested inside, innermost last (unlabelled: `None`).
    inner: Vec<Option<String>>,
    /// Closures and async blocks entered: their code is not the iteration's own.
    nested_bodies: usize,
    /// Inside the future of a `select!` arm.
    in_select: bool,
}

impl<'f> Scan<'f> {
    fn new(file: &'f SourceFile) -> Self {
        Scan {
            file,
            out: LoopBounds::default(),
            inner: Vec::new(),
            nested_bodies: 0,
            in_select: false,
        }
    }

    fn own_code(&self) -> bool {
        self.nested_bodies == 0
    }

    /// A semaphore acquire: a limit on the loop when the iteration takes it before starting
    /// the work, only a limit on the future it is in when a future made in the loop takes it.
    fn permit_at(&mut self, e: &Expr) {
        if self.own_code() {
            self.out.limit = Some(Limit::Permit);
        } else {
            self.out.inner_permits.push(self.file.span_of(e));
        }
    }

    /// The bounds found. A `permit` named only inside the futures, with no acquire there
    /// either, was taken elsewhere and moved in: it still limits the loop.
    fn finish(self) -> LoopBounds {
        let mut b = self.out;
        if b.nested_permit_use && b.inner_permits.is_empty() {
            b.limit.get_or_insert(Limit::Permit);
        }
        b
    }

    /// Does this expression leave the loop being scanned?
    fn leaves(&self, e: &Expr) -> bool {
        match strip(e) {
            Expr::Return(_) => self.own_code(),
            Expr::Break(b) => {
                if !self.own_code() {
                    return false;
                }
                match &b.label {
                    None => self.inner.is_empty(),
                    Some(l) => {
                        let l = l.ident.to_string();
                        !self.inner.iter().any(|i| i.as_deref() == Some(l.as_str()))
                    }
                }
            }
            _ => false,
        }
    }

    fn in_inner_loop(&mut self, f: impl FnOnce(&mut Self), label: Option<&syn::Label>) {
        self.inner.push(label.map(|l| l.name.ident.to_string()));
        f(self);
        self.inner.pop();
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self)) {
        self.nested_bodies += 1;
        f(self);
        self.nested_bodies -= 1;
    }
}

impl<'ast> Visit<'ast> for Scan<'_> {
    fn visit_block(&mut self, b: &'ast syn::Block) {
        if let Some(syn::Stmt::Expr(last, _)) = b.stmts.last() {
            if self.leaves(last) {
                self.out.exits.push(self.file.span_of(b));
            }
        }
        if self.own_code() {
            for (i, stmt) in b.stmts.iter().enumerate() {
                let syn::Stmt::Local(l) = stmt else { continue };
                if let Some(name) = pat_ident(&l.pat) {
                    self.out.let_names.push(name);
                }
                if let Some(init) = l.init.as_ref().filter(|i| is_local_future_source(&i.expr)) {
                    self.out
                        .channel
                        .get_or_insert(self.file.span_of(&*init.expr));
                }
                let (Some(name), Some(init)) = (pat_ident(&l.pat), &l.init) else {
                    continue;
                };
                let rest = &b.stmts[i + 1..];
                if rest.iter().any(|s| awaits_name(s, &name)) {
                    self.out.awaited_inits.push(self.file.span_of(&*init.expr));
                }
            }
        }
        visit::visit_block(self, b);
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::Return(_) | Expr::Break(_) if self.leaves(e) => {
                self.out.exits.push(self.file.span_of(e));
                visit::visit_expr(self, e);
            }
            Expr::ForLoop(f) => {
                self.visit_expr(&f.expr);
                self.in_inner_loop(|s| s.visit_block(&f.body), f.label.as_ref());
            }
            Expr::While(w) => self.in_inner_loop(
                |s| {
                    if has_ordering(&w.cond) {
                        s.out.capped.push(s.file.span_of(&w.body));
                    }
                    s.visit_expr(&w.cond);
                    s.visit_block(&w.body);
                },
                w.label.as_ref(),
            ),
            Expr::Loop(l) => self.in_inner_loop(|s| s.visit_block(&l.body), l.label.as_ref()),
            Expr::Closure(c) => self.nested(|s| s.visit_expr(&c.body)),
            Expr::If(i) => {
                if has_ordering(&i.cond) {
                    self.out.capped.push(self.file.span_of(&i.then_branch));
                }
                visit::visit_expr(self, e);
            }
            Expr::Assign(a) => {
                if self.own_code() && !matches!(strip(&a.left), Expr::Index(_)) {
                    self.out.slots.push(self.file.span_of(&*a.right));
                }
                visit::visit_expr(self, e);
            }
            Expr::Path(p) => {
                let permit = p.path.get_ident().is_some_and(|id| {
                    let id = id.to_string().to_lowercase();
                    id.contains("permit")
                });
                if permit && self.own_code() {
                    self.out.limit = Some(Limit::Permit);
                } else if permit {
                    self.out.nested_permit_use = true;
                }
            }
            Expr::Try(t) => {
                if let Expr::MethodCall(m) = strip(&t.expr) {
                    let text = format!("{} {}", tokens(&m.receiver), m.method).to_lowercase();
                    if BUDGET_WORDS.iter().any(|w| text.contains(w)) {
                        self.out.limit.get_or_insert(Limit::Capped);
                    }
                }
                visit::visit_expr(self, e);
            }
            Expr::Async(a) => self.nested(|s| s.visit_block(&a.block)),
            Expr::Await(a) => {
                if self.own_code() && self.out.channel.is_none() && is_source_call(&a.base) {
                    self.out.channel = Some(self.file.span_of(e));
                }
                if let Expr::MethodCall(m) = strip(&a.base) {
                    let name = m.method.to_string();
                    if DRAIN.contains(&name.as_str()) && self.own_code() && !self.in_select {
                        self.out.checked.push(tokens(&m.receiver));
                    }
                }
                visit::visit_expr(self, e);
            }
            Expr::Binary(b) if is_comparison(&b.op) => {
                for side in [&*b.left, &*b.right] {
                    if let Expr::MethodCall(m) = strip(side) {
                        if m.method == "len" {
                            self.out.checked.push(tokens(&m.receiver));
                        }
                    }
                }
                visit::visit_expr(self, e);
            }
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                if ACQUIRE.contains(&name.as_str()) {
                    self.permit_at(e);
                }
                if READY.contains(&name.as_str()) && self.own_code() {
                    self.out.limit.get_or_insert(Limit::Ready);
                }
                if ACCEPT.contains(&name.as_str()) && m.args.is_empty() && self.out.accept.is_none()
                {
                    self.out.accept = Some(self.file.span_of(e));
                }
                if name == "next" && is_listener(&m.receiver) && self.out.accept.is_none() {
                    self.out.accept = Some(self.file.span_of(e));
                }
                if POLL_ACCEPT.contains(&name.as_str()) && self.out.accept.is_none() {
                    self.out.accept = Some(self.file.span_of(e));
                }
                let receives = RECEIVE.contains(&(name.as_str(), m.args.len()))
                    || (name == "next" && is_receiver(&m.receiver));
                if receives && self.own_code() && self.out.channel.is_none() {
                    self.out.channel = Some(self.file.span_of(e));
                }
                if name == "is_empty" && self.own_code() {
                    self.out.checked.push(tokens(&m.receiver));
                }
                if matches!(
                    name.as_str(),
                    "push" | "push_back" | "push_front" | "insert"
                ) {
                    if let Some(arg) = m.args.last() {
                        let span = self.file.span_of(arg);
                        self.out.pushes.push((tokens(&m.receiver), span));
                    }
                }
                visit::visit_expr(self, e);
            }
            Expr::Call(c) => {
                if let Expr::Path(p) = strip(&c.func) {
                    let last = p.path.segments.last().map(|s| s.ident.to_string());
                    if last.as_deref().is_some_and(|l| ACQUIRE.contains(&l)) {
                        self.permit_at(e);
                    }
                }
                visit::visit_expr(self, e);
            }
            _ => visit::visit_expr(self, e),
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        match parse_body(mac) {
            Some(MacroBody::Exprs(exprs)) => exprs.iter().for_each(|e| self.visit_expr(e)),
            Some(MacroBody::Select(arms)) => {
                for arm in &arms {
                    if let Some(f) = &arm.future {
                        if self.own_code() && self.out.channel.is_none() && is_source_call(f) {
                            self.out.channel = Some(self.file.span_of(f));
                        }
                        let was = std::mem::replace(&mut self.in_select, true);
                        self.visit_expr(f);
                        self.in_select = was;
                    }
                    if let Some(g) = &arm.guard {
                        self.visit_expr(g);
                    }
                    self.visit_expr(&arm.handler);
                }
            }
            Some(MacroBody::AsyncBlock(stmts)) => {
                self.nested(|s| stmts.iter().for_each(|st| s.visit_stmt(st)));
            }
            None => {}
        }
    }

    // Items nested in a loop body are not part of it.
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

fn is_comparison(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_) | BinOp::Ge(_) | BinOp::Eq(_) | BinOp::Ne(_)
    )
}

/// The variable an iterator chain or collection place starts from (`xs` in `&xs.items.iter()`).
fn root_name(e: &Expr) -> Option<String> {
    let mut e = strip(e);
    for _ in 0..MAX_CHAIN {
        e = match e {
            Expr::MethodCall(m) => strip(&m.receiver),
            Expr::Field(f) => strip(&f.base),
            Expr::Reference(r) => strip(&r.expr),
            Expr::Path(p) => return p.path.get_ident().map(|i| i.to_string()),
            _ => return None,
        };
    }
    None
}

/// The names a pattern binds (`x`, `(k, v)`, `&(a, b)`).
fn pat_names(p: &syn::Pat, out: &mut Vec<String>) {
    match p {
        syn::Pat::Ident(pi) => out.push(pi.ident.to_string()),
        syn::Pat::Type(pt) => pat_names(&pt.pat, out),
        syn::Pat::Reference(r) => pat_names(&r.pat, out),
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|e| pat_names(e, out)),
        _ => {}
    }
}

fn pat_ident(p: &syn::Pat) -> Option<String> {
    match p {
        syn::Pat::Ident(pi) => Some(pi.ident.to_string()),
        syn::Pat::Type(pt) => pat_ident(&pt.pat),
        _ => None,
    }
}

/// The tokens of an expression as text, to compare receivers (`self.tasks`, `set`). Only
/// places (variables and fields) are collections worth naming; anything else gives a text no
/// receiver matches, without printing a long chain.
fn tokens(e: &Expr) -> String {
    let e = match strip(e) {
        Expr::Reference(r) => &*r.expr,
        other => other,
    };
    if is_place(e, 0) {
        e.to_token_stream().to_string()
    } else {
        String::new()
    }
}

fn is_place(e: &Expr, depth: usize) -> bool {
    depth < 8
        && match strip(e) {
            Expr::Path(_) => true,
            Expr::Field(f) => is_place(&f.base, depth + 1),
            _ => false,
        }
}

fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Group(g) => strip(&g.expr),
        _ => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(src: &str) -> Expr {
        syn::parse_str(src).expect("expression parses")
    }

    #[test]
    fn extents_of_loop_heads() {
        assert!(matches!(for_extent(&expr("0..4")), Extent::Fixed(_)));
        assert!(matches!(for_extent(&expr("0..=MAX")), Extent::Fixed(_)));
        assert!(matches!(for_extent(&expr("[a, b, c]")), Extent::Fixed(_)));
        assert!(matches!(for_extent(&expr("&[a, b]")), Extent::Fixed(_)));
        assert!(matches!(for_extent(&expr("vec![a, b]")), Extent::Fixed(_)));
        assert!(matches!(
            for_extent(&expr("[a, b].iter().enumerate()")),
            Extent::Fixed(_)
        ));
        assert!(matches!(
            for_extent(&expr("ADDRS.iter()")),
            Extent::Fixed(_)
        ));
        assert_eq!(for_extent(&expr("0..n")), Extent::Count);
        assert_eq!(for_extent(&expr("vec![x; n]")), Extent::Count);
        assert_eq!(for_extent(&expr("items")), Extent::Unknown);
        assert_eq!(
            for_extent(&expr("items.iter().enumerate()")),
            Extent::Unknown
        );
        assert_eq!(for_extent(&expr("0..")), Extent::Unknown);
    }

    #[test]
    fn adapters_need_an_iterator() {
        assert_eq!(adapter_extent("map", &expr("opt")), None);
        assert_eq!(adapter_extent("map", &expr("fut.boxed()")), None);
        assert_eq!(
            adapter_extent("map", &expr("xs.into_iter()")),
            Some(Extent::Unknown)
        );
        assert_eq!(
            adapter_extent("map", &expr("stream::iter(xs)")),
            Some(Extent::Unknown)
        );
        assert_eq!(
            adapter_extent("for_each", &expr("rx")),
            Some(Extent::Unknown)
        );
        assert!(matches!(
            adapter_extent("map", &expr("(0..3)")),
            Some(Extent::Fixed(_))
        ));
    }
}
