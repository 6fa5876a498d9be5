//! Lock guards alive at a point of the visited code: which `std::sync`/`parking_lot` lock
//! guards and `RefCell` borrows the current body holds, so that rules can ask what is still
//! locked at an `.await`.
//!
//! A guard comes from `.lock()`, `.read()`, `.write()` (their `try_` forms, parking_lot's
//! `upgradable_read`) or `RefCell::borrow()`/`borrow_mut()`, possibly through `.unwrap()`,
//! `.expect(..)`, `.unwrap_or_else(..)`, `.map_err(..)`, `.ok()` or `?`, on a receiver whose
//! type resolves to one of the vocabulary's locks. It is held
//! - by a binding (`let g = m.lock().unwrap();`, `if let Ok(g) = m.lock()`, a `match` arm
//!   `Ok(g) =>`, `let Ok(g) = .. else`) until the end of the binding's scope, an explicit
//!   `drop(g)`, or a move of `g` (passed by value, returned, captured by a `move` closure or
//!   block, re-bound) — a move in any branch ends it, so that doubt means silence;
//! - or as a temporary borrowed by a method call, field, index or deref
//!   (`m.lock().unwrap().pop()`), until the end of its temporary scope: the statement, or
//!   the whole `match`/`for`/`while let`/`if let` body when it is in the scrutinee, but not
//!   past a plain `if`/`while` condition (Rust's drop-scope rules; `if let` as in edition 2024).
//!
//! Only guards of the innermost body count: an `async` block or closure is a future of its
//! own, so a guard of the enclosing fn is not held across the awaits inside it.

mod chain;
mod crossing;
mod extra;
mod hooks;
mod scan;
mod send_hazards;

use crate::context::{Context, Need};
use crate::source::Span;
pub use crossing::{AwaitPoint, Crossing};
use scan::TempScan;
pub use send_hazards::describe;
use std::collections::{HashMap, HashSet};
use syn::visit::Visit;
use syn::Expr;

/// Declared by the rules that ask what is alive at an await ([`Guards`]).
pub const GUARDS: Need = Need {
    name: "guards",
    make: Some(|| Box::<Guards>::default()),
};

/// A lock guard (or `RefCell` borrow) the code holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    /// Resolved type of the lock (`std::sync::Mutex`, `std::cell::RefCell`).
    pub lock: String,
    /// The method that took it (`lock`, `read`, `write`, `borrow_mut`…).
    pub method: String,
    /// The expression that produced it (`state.lock().unwrap()`).
    pub origin: Span,
    /// The binding holding it; `None` for a temporary.
    pub name: Option<String>,
}

impl Guard {
    pub fn is_refcell(&self) -> bool {
        self.lock.ends_with("::RefCell")
    }

    /// A lock guard or `RefCell` borrow (lock-across-await's), not another kind of guard that
    /// must not cross an await (a `tracing` span's, a type listed in `extra-guards`).
    pub fn is_lock(&self) -> bool {
        chain::is_lock(&self.lock)
    }

    /// `std::sync::Mutex guard`, `std::sync::RwLock write guard`, `RefCell borrow`…
    pub fn describe(&self) -> String {
        let kind = self
            .method
            .trim_start_matches("try_")
            .trim_end_matches("_arc");
        if self.is_refcell() {
            let m = if kind == "borrow_mut" { "mutable " } else { "" };
            return format!("{m}`RefCell` borrow");
        }
        match kind {
            "read" | "read_recursive" => format!("`{}` read guard", self.lock),
            "write" => format!("`{}` write guard", self.lock),
            "upgradable_read" => format!("`{}` upgradable read guard", self.lock),
            _ => format!("`{}` guard", self.lock),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    /// A binding in the locals scope with this id, by its identifier's span.
    Binding { scope: u64, ident: Span },
    /// A temporary of the temporary scope with this id.
    Temp(u64),
}

#[derive(Debug, Clone)]
struct Held {
    guard: Guard,
    holder: Holder,
    /// Depth of the frame stack where it was taken.
    frame: usize,
    /// Order of registration in the file (see [`Guards::seq`]).
    seq: u64,
    /// Already held across an await before it got this holder (a re-bound guard, or a
    /// temporary an await's operand created).
    awaited_before: bool,
    moved: bool,
    /// The lock's type is known to be one of the vocabulary's locks. Otherwise the guard is only
    /// presumed from the call that made it (see [`chain::BY_CALL`]): enough to keep a fix from
    /// adding an await after it, not to report it.
    certain: bool,
}

/// Per open frame: the sequence number when it was entered and at its last await point.
#[derive(Debug, Clone, Copy)]
struct FrameMark {
    start: u64,
    last_await: u64,
}

/// The guards of the file being visited; kept up to date by the visitor. Everything is kept
/// in registration order so that an await point only looks at the guards taken since the
/// previous one: linear in the size of the body however many guards and awaits it has.
#[derive(Debug, Default)]
pub struct Guards {
    bindings: Vec<Held>,
    /// Binding identifier span → index in `bindings`.
    by_ident: HashMap<Span, usize>,
    temps: Vec<Held>,
    temp_scopes: Vec<u64>,
    next_temp: u64,
    /// `bindings.len()` at the start of each open block.
    block_marks: Vec<usize>,
    frames: Vec<FrameMark>,
    /// Counts registrations and await points.
    seq: u64,
    /// Origins of temporaries found in an await's operand (held across that await) before
    /// the visitor registered them.
    scanned: HashSet<Span>,
    /// Addresses of guard expressions whose value becomes a temporary once evaluated.
    pending: Vec<usize>,
}

impl Guards {
    /// The guards held across the await `aw` that no earlier await point of this body held:
    /// those taken before it and still alive, and the temporaries its operand creates
    /// (`tx.send(m.lock().unwrap().clone()).await` holds the lock while sending). Each guard
    /// is answered once, at the first await it is held across. A guard the operand moves
    /// (`reap(guard).await`) belongs to the awaited future from then on and is not counted.
    pub fn across_await(&self, cx: &Context<'_>, aw: &syn::ExprAwait) -> Vec<Guard> {
        if !frame_is_async(cx) {
            return Vec::new();
        }
        let scan = self.scan_operand(cx, &aw.base);
        let mut out = self.new_guards_alive(cx);
        out.retain(|g| !scan.moved.contains(&g.origin));
        for g in scan.found {
            if out.iter().all(|o| o.origin != g.origin) {
                out.push(g);
            }
        }
        out
    }

    /// The guards held across the await inside an awaiting macro (`tokio::select!`,
    /// `futures::join!`…) that no earlier await point of this body held; none for other macros.
    pub fn across_macro(&self, cx: &Context<'_>, mac: &syn::Macro) -> Vec<Guard> {
        if !cx.macro_awaits(mac) {
            return Vec::new();
        }
        self.new_guards_alive(cx)
    }

    /// Guards of the current body alive here and taken since its last await point.
    fn new_guards_alive(&self, cx: &Context<'_>) -> Vec<Guard> {
        let Some(mark) = self.frames.last() else {
            return Vec::new();
        };
        let mut out: Vec<Guard> = Vec::new();
        for list in [&self.bindings, &self.temps] {
            for h in list.iter().rev() {
                if h.seq <= mark.last_await {
                    break;
                }
                if h.certain
                    && !h.awaited_before
                    && self.is_alive(cx, h, mark)
                    && out.iter().all(|o| o.origin != h.guard.origin)
                {
                    out.push(h.guard.clone());
                }
            }
        }
        out.sort_by_key(|g| g.origin);
        out
    }

    /// What an `.await` added here would hold that must not cross one: every guard or `!Send`
    /// value of this body bound in a scope that is still open — even after `drop(g)` or a move,
    /// since rustc still counts such a binding when it decides whether the future is `Send` —
    /// including guards presumed from their call, and the guard temporaries alive here.
    pub fn not_send_alive(&self, cx: &Context<'_>) -> Vec<Guard> {
        let Some(mark) = self.frames.last().filter(|_| frame_is_async(cx)) else {
            return Vec::new();
        };
        let in_scope = |h: &&Held| {
            let open = match h.holder {
                Holder::Binding { scope, .. } => cx.locals.is_open(scope),
                Holder::Temp(id) => !h.moved && self.temp_scopes.binary_search(&id).is_ok(),
            };
            open && h.frame == cx.frames.len() && h.seq > mark.start
        };
        let mut out: Vec<Guard> = (self.bindings.iter().chain(&self.temps))
            .filter(in_scope)
            .map(|h| h.guard.clone())
            .collect();
        out.sort_by_key(|g| g.origin);
        out.dedup_by_key(|g| g.origin);
        out
    }

    fn is_alive(&self, cx: &Context<'_>, h: &Held, mark: &FrameMark) -> bool {
        let open = match h.holder {
            Holder::Binding { scope, .. } => cx.locals.is_open(scope),
            Holder::Temp(id) => self.temp_scopes.binary_search(&id).is_ok(),
        };
        open && !h.moved && h.frame == cx.frames.len() && h.seq > mark.start
    }

    /// The held, unmoved binding guard a name refers to here.
    fn held_named(&self, cx: &Context<'_>, name: &str) -> Option<usize> {
        let b = cx.local(name)?;
        let i = *self.by_ident.get(&b.span)?;
        (!self.bindings.get(i)?.moved).then_some(i)
    }

    /// The held, unmoved binding guard a bare path expression names.
    fn held_binding(&self, cx: &Context<'_>, e: &Expr) -> Option<usize> {
        if self.bindings.is_empty() {
            return None;
        }
        let Expr::Path(p) = e else { return None };
        self.held_named(cx, &p.path.get_ident()?.to_string())
    }

    fn scan_operand<'s, 'c, 'a>(
        &'s self,
        cx: &'c Context<'a>,
        base: &Expr,
    ) -> TempScan<'s, 'c, 'a> {
        let mut scan = TempScan {
            cx,
            guards: self,
            found: Vec::new(),
            moved: Vec::new(),
            root: true,
        };
        scan.visit_expr(base);
        scan
    }
}

/// Guards are only tracked where they can meet an await: directly in an async body.
fn frame_is_async(cx: &Context<'_>) -> bool {
    cx.innermost_frame().is_some_and(|f| f.kind.is_async())
}

/// The one name a `let` pattern binds, with its type annotation if written: `g`, `g: T`
/// (`None` for a destructuring pattern or an `@` binding).
fn bound_name(pat: &syn::Pat) -> Option<(syn::Ident, Option<&syn::Type>)> {
    match pat {
        syn::Pat::Ident(pi) if pi.subpat.is_none() => Some((pi.ident.clone(), None)),
        syn::Pat::Type(t) => match &*t.pat {
            syn::Pat::Ident(pi) if pi.subpat.is_none() => Some((pi.ident.clone(), Some(&*t.ty))),
            _ => None,
        },
        _ => None,
    }
}
