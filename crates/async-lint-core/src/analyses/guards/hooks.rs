//! The guard tracker's hooks: the visitor calls them to keep [`Guards`] up to date.

use super::chain::{self, borrowed_guard, bound_guard, chain};
use super::scan::{moved_operands, MovedNames};
use super::{extra, frame_is_async, send_hazards, FrameMark, Guard, Guards, Held, Holder};
use crate::context::{Analysis, Context};
use crate::source::Span;
use std::any::Any;
use syn::visit::Visit;
use syn::Expr;

impl Analysis for Guards {
    /// Before `e`'s children are visited: guards it moves end, guard temporaries it borrows
    /// are noted (they are held once evaluated).
    fn enter_expr(&mut self, cx: &Context<'_>, e: &Expr) {
        if !self.bindings.is_empty() {
            let mut moved: Vec<usize> = moved_operands(e)
                .into_iter()
                .filter_map(|o| self.held_binding(cx, o))
                .collect();
            // A method that consumes the guard it is called on (`entered.exit()`).
            if let Expr::MethodCall(m) = e {
                if let Some(i) = self.held_binding(cx, &m.receiver) {
                    let lock = &self.bindings[i].guard.lock;
                    if chain::releases(lock, &m.method.to_string()) {
                        moved.push(i);
                    }
                }
            }
            // Closures and async blocks directly in a body that took guards; deeper ones are
            // inside one of those, which was scanned whole.
            let depth = cx.frames.len();
            let took_guards = self.bindings.last().is_some_and(|h| h.frame == depth);
            if took_guards && matches!(e, Expr::Closure(_) | Expr::Async(_)) {
                let mut names = MovedNames::default();
                match e {
                    Expr::Closure(c) => names.visit_expr_closure(c),
                    Expr::Async(a) => names.visit_expr_async(a),
                    _ => {}
                }
                moved.extend(names.names.iter().filter_map(|n| self.held_named(cx, n)));
            }
            for i in moved {
                self.bindings[i].moved = true;
            }
        }
        if frame_is_async(cx) {
            if let Some((inner, _)) = borrowed_guard(cx, e) {
                self.pending.push(inner as *const Expr as usize);
            }
        }
    }

    /// After `e` was visited: a noted guard temporary is now held.
    fn leave_expr(&mut self, cx: &Context<'_>, e: &Expr) {
        if self.pending.is_empty() {
            return;
        }
        let addr = e as *const Expr as usize;
        let Some(i) = self.pending.iter().rposition(|a| *a == addr) else {
            return;
        };
        self.pending.remove(i);
        let (Some(c), Some(&temp)) = (chain(cx, e), self.temp_scopes.last()) else {
            return;
        };
        let origin = cx.span(e);
        let certain = c.known;
        let guard = Guard {
            lock: c.lock,
            method: c.method,
            origin,
            name: None,
        };
        let awaited_before = self.scanned.contains(&origin);
        let held = self.held(cx, guard, Holder::Temp(temp), awaited_before, certain);
        self.temps.push(held);
    }

    /// A statement that is a bare guard name (`g;` or a block's tail `g`) moves it.
    fn stmt_value(&mut self, cx: &Context<'_>, e: &Expr) {
        if let Some(i) = self.held_binding(cx, e) {
            self.bindings[i].moved = true;
        }
    }

    /// After `pat` was bound to `init` (a `let`, `if let`, `while let` or `match` arm):
    /// records the guard it holds, if any. A re-binding (`let h = g;`) moves the guard on.
    fn bind(&mut self, cx: &Context<'_>, pat: &syn::Pat, init: &Expr) {
        if let Some(i) = self.held_binding(cx, init) {
            self.bindings[i].moved = true;
            let syn::Pat::Ident(pi) = pat else { return };
            if pi.subpat.is_some() {
                return;
            }
            let old = &self.bindings[i];
            let awaited =
                old.awaited_before || self.frames.last().is_some_and(|m| m.last_await >= old.seq);
            let certain = old.certain;
            let guard = Guard {
                name: Some(pi.ident.to_string()),
                ..old.guard.clone()
            };
            self.hold_binding(cx, guard, &pi.ident, awaited, certain);
            return;
        }
        if !frame_is_async(cx) {
            return;
        }
        let Some((ident, c, expr)) = bound_guard(cx, pat, init) else {
            if let Some((ident, guard)) = extra::extra_guard(cx, pat, init) {
                self.hold_binding(cx, guard, &ident, false, true);
                return;
            }
            if let Some((ident, guard)) = send_hazards::not_send_value(cx, pat, init) {
                self.hold_binding(cx, guard, &ident, false, false);
            }
            return;
        };
        let guard = Guard {
            lock: c.lock,
            method: c.method,
            origin: cx.span(expr),
            name: Some(ident.to_string()),
        };
        self.hold_binding(cx, guard, &ident, false, c.known);
    }

    /// Opens a temporary scope (a statement, a condition, a `match` arm).
    fn open_temps(&mut self, _cx: &Context<'_>) {
        self.next_temp += 1;
        let id = self.next_temp;
        self.temp_scopes.push(id);
    }

    /// Closes the innermost temporary scope: its guard temporaries are dropped.
    fn close_temps(&mut self, _cx: &Context<'_>) {
        let Some(id) = self.temp_scopes.pop() else {
            return;
        };
        while self
            .temps
            .last()
            .is_some_and(|h| h.holder == Holder::Temp(id))
        {
            self.temps.pop();
        }
    }

    /// A block opens: the guards bound in it end with it.
    fn enter_block(&mut self, _cx: &Context<'_>) {
        self.block_marks.push(self.bindings.len());
    }

    /// A block closes: forgets the guards bound since it opened.
    fn leave_block(&mut self, _cx: &Context<'_>) {
        let Some(mark) = self.block_marks.pop() else {
            return;
        };
        let g = &mut *self;
        for h in g.bindings.drain(mark..) {
            if let Holder::Binding { ident, .. } = h.holder {
                g.by_ident.remove(&ident);
            }
        }
    }

    /// A frame (fn, closure, async block) opens.
    fn enter_frame(&mut self, _cx: &Context<'_>) {
        self.seq += 1;
        let seq = self.seq;
        self.frames.push(FrameMark {
            start: seq,
            last_await: seq,
        });
    }

    fn leave_frame(&mut self, _cx: &Context<'_>) {
        self.frames.pop();
    }

    /// Called after the rules saw the await `aw`: the guards alive there have now been held
    /// across an await.
    fn after_await(&mut self, cx: &Context<'_>, aw: &syn::ExprAwait) {
        if frame_is_async(cx) {
            let found: Vec<Span> = self
                .scan_operand(cx, &aw.base)
                .found
                .into_iter()
                .map(|g| g.origin)
                .collect();
            self.scanned.extend(found);
        }
        self.mark_await();
    }

    /// Called after the rules saw a macro: an awaiting one is an await point.
    fn after_macro(&mut self, cx: &Context<'_>, mac: &syn::Macro) {
        if cx.macro_awaits(mac) {
            self.mark_await();
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Guards {
    fn held(
        &mut self,
        cx: &Context<'_>,
        guard: Guard,
        holder: Holder,
        awaited_before: bool,
        certain: bool,
    ) -> Held {
        self.seq += 1;
        Held {
            guard,
            holder,
            frame: cx.frames.len(),
            seq: self.seq,
            awaited_before,
            moved: false,
            certain,
        }
    }

    fn hold_binding(
        &mut self,
        cx: &Context<'_>,
        guard: Guard,
        ident: &syn::Ident,
        awaited_before: bool,
        certain: bool,
    ) {
        let ident = cx.span(ident);
        let Some(scope) = cx.locals.innermost_scope() else {
            return;
        };
        let held = self.held(
            cx,
            guard,
            Holder::Binding { scope, ident },
            awaited_before,
            certain,
        );
        self.by_ident.insert(ident, self.bindings.len());
        self.bindings.push(held);
    }

    fn mark_await(&mut self) {
        self.seq += 1;
        let seq = self.seq;
        if let Some(m) = self.frames.last_mut() {
            m.last_await = seq;
        }
    }
}
