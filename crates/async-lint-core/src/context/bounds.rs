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
use crate::syntax::strip;
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

mod extent;
mod scan;
use extent::*;
pub use extent::{adapter_extent, chain_limit, for_extent, iter_extent};
use scan::*;

#[cfg(test)]
mod tests;
