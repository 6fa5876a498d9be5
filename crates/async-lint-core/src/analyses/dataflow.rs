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

use std::collections::BTreeSet;
use syn::visit::Visit;
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
    let mut out: Vec<PatName> = Vec::new();
    for pi in crate::syntax::pat_idents(p) {
        let name = pi.ident.to_string();
        if is_local_name(&name) && !out.iter().any(|n| n.name == name) {
            out.push(PatName {
                name,
                mutable: pi.mutability.is_some(),
            });
        }
    }
    out
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

mod effects;
mod walker;
mod walks;

pub use effects::{callee_name, calls_in, coordination_wait, effect_call, effect_name};
use walker::Walker;
pub use walks::{
    awaits_in_macros, control_reads, derived, direct_awaits, loop_exits, read_before_rebound,
};

#[cfg(test)]
mod tests;
