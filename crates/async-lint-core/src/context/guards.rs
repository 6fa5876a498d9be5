//! Lock guards alive at a point of the visited code: which `std::sync`/`parking_lot` lock
//! guards and `RefCell` borrows the current body holds, so that rules can ask what is still
//! locked at an `.await`.
//!
//! A guard comes from `.lock()`, `.read()`, `.write()` (their `try_` forms, parking_lot's
//! `upgradable_read`) or `RefCell::borrow()`/`borrow_mut()`, possibly through `.unwrap()`,
//! `.expect(..)`, `.unwrap_or_else(..)`, `.map_err(..)`, `.ok()` or `?`, on a receiver whose
//! type resolves to one of the [`chain::LOCKS`]. It is held
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
mod extra;

use super::Context;
use crate::source::Span;
use chain::{borrowed_guard, bound_guard, chain};
use std::collections::{HashMap, HashSet};
use syn::visit::Visit;
use syn::Expr;

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
    /// The lock's type is known to be one of [`chain::LOCKS`]. Otherwise the guard is only presumed
    /// from the call that made it (see [`chain::BY_CALL`]): enough to keep a fix from adding an
    /// await after it, not to report it.
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

impl Context<'_> {
    /// The guards held across the await `aw` that no earlier await point of this body held:
    /// those taken before it and still alive, and the temporaries its operand creates
    /// (`tx.send(m.lock().unwrap().clone()).await` holds the lock while sending). Each guard
    /// is answered once, at the first await it is held across. A guard the operand moves
    /// (`reap(guard).await`) belongs to the awaited future from then on and is not counted.
    pub fn guards_across_await(&self, aw: &syn::ExprAwait) -> Vec<Guard> {
        if !self.frame_is_async() {
            return Vec::new();
        }
        let scan = self.scan_operand(&aw.base);
        let mut out = self.new_guards_alive();
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
    pub fn guards_across_macro(&self, mac: &syn::Macro) -> Vec<Guard> {
        if !self.macro_awaits(mac) {
            return Vec::new();
        }
        self.new_guards_alive()
    }

    /// Guards of the current body alive here and taken since its last await point.
    fn new_guards_alive(&self) -> Vec<Guard> {
        let Some(mark) = self.guards.frames.last() else {
            return Vec::new();
        };
        let mut out: Vec<Guard> = Vec::new();
        for list in [&self.guards.bindings, &self.guards.temps] {
            for h in list.iter().rev() {
                if h.seq <= mark.last_await {
                    break;
                }
                if h.certain
                    && !h.awaited_before
                    && self.is_alive(h, mark)
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
    pub fn not_send_alive(&self) -> Vec<Guard> {
        let Some(mark) = self.guards.frames.last().filter(|_| self.frame_is_async()) else {
            return Vec::new();
        };
        let in_scope = |h: &&Held| {
            let open = match h.holder {
                Holder::Binding { scope, .. } => self.locals.is_open(scope),
                Holder::Temp(id) => !h.moved && self.guards.temp_scopes.binary_search(&id).is_ok(),
            };
            open && h.frame == self.frames.len() && h.seq > mark.start
        };
        let mut out: Vec<Guard> = (self.guards.bindings.iter().chain(&self.guards.temps))
            .filter(in_scope)
            .map(|h| h.guard.clone())
            .collect();
        out.sort_by_key(|g| g.origin);
        out.dedup_by_key(|g| g.origin);
        out
    }

    fn is_alive(&self, h: &Held, mark: &FrameMark) -> bool {
        let open = match h.holder {
            Holder::Binding { scope, .. } => self.locals.is_open(scope),
            Holder::Temp(id) => self.guards.temp_scopes.binary_search(&id).is_ok(),
        };
        open && !h.moved && h.frame == self.frames.len() && h.seq > mark.start
    }

    /// Guards are only tracked where they can meet an await: directly in an async body.
    pub(super) fn frame_is_async(&self) -> bool {
        self.innermost_frame().is_some_and(|f| f.kind.is_async())
    }

    /// The held, unmoved binding guard a name refers to here.
    fn held_named(&self, name: &str) -> Option<usize> {
        let b = self.local(name)?;
        let i = *self.guards.by_ident.get(&b.span)?;
        (!self.guards.bindings.get(i)?.moved).then_some(i)
    }

    /// The held, unmoved binding guard a bare path expression names.
    fn held_binding(&self, e: &Expr) -> Option<usize> {
        if self.guards.bindings.is_empty() {
            return None;
        }
        let Expr::Path(p) = e else { return None };
        self.held_named(&p.path.get_ident()?.to_string())
    }

    fn scan_operand(&self, base: &Expr) -> TempScan<'_, '_> {
        let mut scan = TempScan {
            cx: self,
            found: Vec::new(),
            moved: Vec::new(),
            root: true,
        };
        scan.visit_expr(base);
        scan
    }
}

/// Finds the guard temporaries an expression creates, without entering nested bodies or
/// blocks (their temporaries end inside them).
struct TempScan<'c, 'a> {
    cx: &'c Context<'a>,
    found: Vec<Guard>,
    /// Origins of the held guards it moves.
    moved: Vec<Span>,
    /// The next expression is the scanned operand itself.
    root: bool,
}

impl<'ast> Visit<'ast> for TempScan<'_, '_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::Closure(_)
            | Expr::Async(_)
            | Expr::Block(_)
            | Expr::If(_)
            | Expr::While(_)
            | Expr::Loop(_)
            | Expr::ForLoop(_)
            | Expr::Match(_)
            | Expr::TryBlock(_)
            | Expr::Unsafe(_)
            | Expr::Const(_)
            | Expr::Macro(_) => return,
            // A nested await is an await point of its own: it sees its operand's temporaries.
            Expr::Await(_) if !self.root => return,
            // Each operand of `&&`/`||` drops its temporaries before the next runs.
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => return,
            _ => {}
        }
        self.root = false;
        for o in moved_operands(e) {
            if let Some(i) = self.cx.held_binding(o) {
                self.moved.push(self.cx.guards.bindings[i].guard.origin);
            }
        }
        if let Some((inner, c)) = borrowed_guard(self.cx, e).filter(|(_, c)| c.known) {
            self.found.push(Guard {
                lock: c.lock,
                method: c.method,
                origin: self.cx.span(inner),
                name: None,
            });
        }
        syn::visit::visit_expr(self, e);
    }
}

/// The names a closure or async block body captures by move: every name it mentions when
/// it is `move`, and those mentioned inside nested `move` closures or blocks otherwise.
#[derive(Default)]
struct MovedNames {
    names: HashSet<String>,
    in_move: bool,
}

impl MovedNames {
    fn nested<F: FnOnce(&mut Self)>(&mut self, is_move: bool, f: F) {
        let outer = self.in_move;
        self.in_move |= is_move;
        f(self);
        self.in_move = outer;
    }
}

impl<'ast> Visit<'ast> for MovedNames {
    fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
        if self.in_move {
            self.names.insert(i.to_string());
        }
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.nested(c.capture.is_some(), |m| {
            syn::visit::visit_expr_closure(m, c)
        });
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        self.nested(a.capture.is_some(), |m| syn::visit::visit_expr_async(m, a));
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        if self.in_move {
            token_idents(m.tokens.clone(), &mut self.names);
        }
    }
}

fn token_idents(ts: proc_macro2::TokenStream, out: &mut HashSet<String>) {
    for t in ts {
        match t {
            proc_macro2::TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => token_idents(g.stream(), out),
            _ => {}
        }
    }
}

/// The direct operands of `e` that it moves (takes by value).
fn moved_operands(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Call(c) => c.args.iter().collect(),
        Expr::MethodCall(m) => m.args.iter().collect(),
        Expr::Return(r) => r.expr.as_deref().into_iter().collect(),
        Expr::Break(b) => b.expr.as_deref().into_iter().collect(),
        Expr::Assign(a) => vec![&*a.right],
        Expr::Struct(s) => s.fields.iter().map(|f| &f.expr).collect(),
        Expr::Tuple(t) => t.elems.iter().collect(),
        Expr::Array(a) => a.elems.iter().collect(),
        Expr::ForLoop(f) => vec![&*f.expr],
        Expr::Yield(y) => y.expr.as_deref().into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Hooks the visitor calls to keep [`Guards`] up to date.
impl Context<'_> {
    /// Before `e`'s children are visited: guards it moves end, guard temporaries it borrows
    /// are noted (they are held once evaluated).
    pub(crate) fn guards_enter_expr(&mut self, e: &Expr) {
        if !self.guards.bindings.is_empty() {
            let mut moved: Vec<usize> = moved_operands(e)
                .into_iter()
                .filter_map(|o| self.held_binding(o))
                .collect();
            // A method that consumes the guard it is called on (`entered.exit()`).
            if let Expr::MethodCall(m) = e {
                if let Some(i) = self.held_binding(&m.receiver) {
                    let lock = &self.guards.bindings[i].guard.lock;
                    if chain::releases(lock, &m.method.to_string()) {
                        moved.push(i);
                    }
                }
            }
            // Closures and async blocks directly in a body that took guards; deeper ones are
            // inside one of those, which was scanned whole.
            let depth = self.frames.len();
            let took_guards = self
                .guards
                .bindings
                .last()
                .is_some_and(|h| h.frame == depth);
            if took_guards && matches!(e, Expr::Closure(_) | Expr::Async(_)) {
                let mut names = MovedNames::default();
                match e {
                    Expr::Closure(c) => names.visit_expr_closure(c),
                    Expr::Async(a) => names.visit_expr_async(a),
                    _ => {}
                }
                moved.extend(names.names.iter().filter_map(|n| self.held_named(n)));
            }
            for i in moved {
                self.guards.bindings[i].moved = true;
            }
        }
        if self.frame_is_async() {
            if let Some((inner, _)) = borrowed_guard(self, e) {
                self.guards.pending.push(inner as *const Expr as usize);
            }
        }
    }

    /// After `e` was visited: a noted guard temporary is now held.
    pub(crate) fn guards_leave_expr(&mut self, e: &Expr) {
        if self.guards.pending.is_empty() {
            return;
        }
        let addr = e as *const Expr as usize;
        let Some(i) = self.guards.pending.iter().rposition(|a| *a == addr) else {
            return;
        };
        self.guards.pending.remove(i);
        let (Some(c), Some(&temp)) = (chain(self, e), self.guards.temp_scopes.last()) else {
            return;
        };
        let origin = self.span(e);
        let certain = c.known;
        let guard = Guard {
            lock: c.lock,
            method: c.method,
            origin,
            name: None,
        };
        let awaited_before = self.guards.scanned.contains(&origin);
        let held = self.held(guard, Holder::Temp(temp), awaited_before, certain);
        self.guards.temps.push(held);
    }

    fn held(&mut self, guard: Guard, holder: Holder, awaited_before: bool, certain: bool) -> Held {
        self.guards.seq += 1;
        Held {
            guard,
            holder,
            frame: self.frames.len(),
            seq: self.guards.seq,
            awaited_before,
            moved: false,
            certain,
        }
    }

    /// A statement that is a bare guard name (`g;` or a block's tail `g`) moves it.
    pub(crate) fn guards_stmt_value(&mut self, e: &Expr) {
        if let Some(i) = self.held_binding(e) {
            self.guards.bindings[i].moved = true;
        }
    }

    /// After `pat` was bound to `init` (a `let`, `if let`, `while let` or `match` arm):
    /// records the guard it holds, if any. A re-binding (`let h = g;`) moves the guard on.
    pub(crate) fn guards_bind(&mut self, pat: &syn::Pat, init: &Expr) {
        if let Some(i) = self.held_binding(init) {
            self.guards.bindings[i].moved = true;
            let syn::Pat::Ident(pi) = pat else { return };
            if pi.subpat.is_some() {
                return;
            }
            let old = &self.guards.bindings[i];
            let awaited = old.awaited_before
                || self
                    .guards
                    .frames
                    .last()
                    .is_some_and(|m| m.last_await >= old.seq);
            let certain = old.certain;
            let guard = Guard {
                name: Some(pi.ident.to_string()),
                ..old.guard.clone()
            };
            self.hold_binding(guard, &pi.ident, awaited, certain);
            return;
        }
        if !self.frame_is_async() {
            return;
        }
        let Some((ident, c, expr)) = bound_guard(self, pat, init) else {
            if let Some((ident, guard)) = extra::extra_guard(self, pat, init) {
                self.hold_binding(guard, &ident, false, true);
                return;
            }
            if let Some((ident, guard)) = super::send_hazards::not_send_value(self, pat, init) {
                self.hold_binding(guard, &ident, false, false);
            }
            return;
        };
        let guard = Guard {
            lock: c.lock,
            method: c.method,
            origin: self.span(expr),
            name: Some(ident.to_string()),
        };
        self.hold_binding(guard, &ident, false, c.known);
    }

    fn hold_binding(
        &mut self,
        guard: Guard,
        ident: &syn::Ident,
        awaited_before: bool,
        certain: bool,
    ) {
        let ident = self.span(ident);
        let scope = self.locals.current_scope();
        let held = self.held(
            guard,
            Holder::Binding { scope, ident },
            awaited_before,
            certain,
        );
        self.guards
            .by_ident
            .insert(ident, self.guards.bindings.len());
        self.guards.bindings.push(held);
    }

    /// Opens a temporary scope (a statement, a condition, a `match` arm).
    pub(crate) fn guards_open_temps(&mut self) {
        self.guards.next_temp += 1;
        let id = self.guards.next_temp;
        self.guards.temp_scopes.push(id);
    }

    /// Closes the innermost temporary scope: its guard temporaries are dropped.
    pub(crate) fn guards_close_temps(&mut self) {
        let Some(id) = self.guards.temp_scopes.pop() else {
            return;
        };
        while self
            .guards
            .temps
            .last()
            .is_some_and(|h| h.holder == Holder::Temp(id))
        {
            self.guards.temps.pop();
        }
    }

    /// A block opens: the guards bound in it end with it.
    pub(crate) fn guards_enter_block(&mut self) {
        self.guards.block_marks.push(self.guards.bindings.len());
    }

    /// A block closes: forgets the guards bound since it opened.
    pub(crate) fn guards_leave_block(&mut self) {
        let Some(mark) = self.guards.block_marks.pop() else {
            return;
        };
        let g = &mut self.guards;
        for h in g.bindings.drain(mark..) {
            if let Holder::Binding { ident, .. } = h.holder {
                g.by_ident.remove(&ident);
            }
        }
    }

    /// A frame (fn, closure, async block) opens.
    pub(crate) fn guards_enter_frame(&mut self) {
        self.guards.seq += 1;
        let seq = self.guards.seq;
        self.guards.frames.push(FrameMark {
            start: seq,
            last_await: seq,
        });
    }

    pub(crate) fn guards_leave_frame(&mut self) {
        self.guards.frames.pop();
    }

    /// Called after the rules saw the await `aw`: the guards alive there have now been held
    /// across an await.
    pub(crate) fn guards_after_await(&mut self, aw: &syn::ExprAwait) {
        if self.frame_is_async() {
            let found: Vec<Span> = self
                .scan_operand(&aw.base)
                .found
                .into_iter()
                .map(|g| g.origin)
                .collect();
            self.guards.scanned.extend(found);
        }
        self.mark_await();
    }

    /// Called after the rules saw a macro: an awaiting one is an await point.
    pub(crate) fn guards_after_macro(&mut self, mac: &syn::Macro) {
        if self.macro_awaits(mac) {
            self.mark_await();
        }
    }

    fn mark_await(&mut self) {
        self.guards.seq += 1;
        let seq = self.guards.seq;
        if let Some(m) = self.guards.frames.last_mut() {
            m.last_await = seq;
        }
    }
}
