//! What a loop does each round, as far as busy-wait cares: which reads of local state decide
//! whether it goes on, what it awaits, and whether it does any other work.

use crate::catalog::busy_wait::{BusyWait, StateRead};
use crate::context::{macro_name, Context};
use crate::source::Span;
use std::collections::HashMap;
use syn::visit::Visit;
use syn::{Expr, Pat};

/// A read of local state that decides whether the loop goes on.
pub(super) struct Read {
    pub(super) family: &'static StateRead,
    pub(super) at: Span,
    /// How messages name it (`ready.load(Ordering::Acquire)`).
    pub(super) text: String,
}

/// The walk of one loop body.
pub(super) struct Scan<'c, 'a> {
    cx: &'c Context<'a>,
    /// Inside a branch taken on what a read returned (or on leaving the loop): what runs
    /// there reacts to the state, it is not work done each round.
    reacting: bool,
    /// Inside the condition or scrutinee that reads the state: methods of what the read
    /// returned (`.is_empty()`, `.len()`) are part of the check.
    checking: bool,
    /// Locals bound in the body to a read (`let ready = flag.load(..);`).
    lets: HashMap<String, Read>,
    /// Reads that keep the loop waiting until they change.
    pub(super) waits: Vec<Read>,
    /// The first await that only passes time.
    pub(super) timer: Option<Span>,
    pub(super) awaits: bool,
    /// A call, macro, nested loop or body, or an await, that is neither a read nor idle.
    pub(super) work: bool,
    /// The loop drains what a read gives and stops when there is none.
    pub(super) drains: bool,
}

impl<'c, 'a> Scan<'c, 'a> {
    pub(super) fn new(cx: &'c Context<'a>) -> Self {
        Scan {
            cx,
            reacting: false,
            checking: false,
            lets: HashMap::new(),
            waits: Vec::new(),
            timer: None,
            awaits: false,
            work: false,
            drains: false,
        }
    }

    /// The loop's own condition (`while cond`, `while let pat = e`): it ends the loop.
    pub(super) fn condition(&mut self, cond: &Expr) {
        let (pat, scrutinee) = match cond {
            Expr::Let(l) => (Some(&*l.pat), &*l.expr),
            e => (None, e),
        };
        let reads = self.reads_in(scrutinee);
        if let Some(first) = reads.into_iter().next() {
            let present = match pat {
                Some(p) => binds_value(p),
                None => first.family.messages && presence(scrutinee) == Some(true),
            };
            if present {
                // `while let Some(job) = q.lock().unwrap().pop()`,
                // `while rx.try_recv().is_ok() {}`: a drain.
                self.drains = true;
            } else {
                self.waits.push(first);
            }
            self.check(scrutinee);
        } else {
            self.visit_expr(scrutinee);
        }
    }

    /// The reads of local state in a condition or scrutinee, through the body's locals.
    fn reads_in(&self, e: &Expr) -> Vec<Read> {
        let mut found = FindReads {
            cx: self.cx,
            lets: &self.lets,
            out: Vec::new(),
        };
        found.visit_expr(e);
        found.out
    }

    fn exits(&self, e: &Expr) -> bool {
        let mut x = Exits {
            depth: 0,
            inner: Vec::new(),
            found: false,
        };
        x.visit_expr(e);
        x.found
    }

    fn block_exits(&self, b: &syn::Block) -> bool {
        let mut x = Exits {
            depth: 0,
            inner: Vec::new(),
            found: false,
        };
        x.visit_block(b);
        x.found
    }

    /// Visits a branch taken on what a read returned: a reaction when it takes the value the
    /// read gave (`Ok(msg) =>`) or leaves the loop; otherwise it is the waiting path.
    fn branch<F: FnOnce(&mut Self)>(&mut self, reacts: bool, f: F) {
        let outer = self.reacting;
        self.reacting |= reacts;
        f(self);
        self.reacting = outer;
    }

    /// Visits the condition or scrutinee that reads the state.
    fn check(&mut self, e: &Expr) {
        let outer = self.checking;
        self.checking = true;
        self.visit_expr(e);
        self.checking = outer;
    }

    fn is_work(&mut self) {
        if !self.reacting {
            self.work = true;
        }
    }

    fn check_if(&mut self, i: &syn::ExprIf) {
        let (pat, scrutinee) = match &*i.cond {
            Expr::Let(l) => (Some(&*l.pat), &*l.expr),
            e => (None, e),
        };
        let reads = self.reads_in(scrutinee);
        let Some(first) = reads.into_iter().next() else {
            syn::visit::visit_expr_if(self, i);
            return;
        };
        let messages = first.family.messages;
        let then_exits = self.block_exits(&i.then_branch);
        let else_exits = i.else_branch.as_ref().is_some_and(|(_, e)| self.exits(e));
        // The `then` branch runs when the read gave a value (`if let Ok(m) = rx.try_recv()`,
        // `if rx.try_recv().is_ok()`).
        let present = match pat {
            Some(p) => binds_value(p),
            None => presence(scrutinee) == Some(true),
        };
        if present && messages && else_exits && !then_exits {
            self.drains = true;
        } else if then_exits || else_exits || first.family.messages {
            self.waits.push(first);
        }
        self.check(scrutinee);
        let binds = messages && present;
        self.branch(binds || then_exits, |s| s.visit_block(&i.then_branch));
        if let Some((_, e)) = &i.else_branch {
            self.branch(else_exits, |s| s.visit_expr(e));
        }
    }

    fn check_match(&mut self, m: &syn::ExprMatch) {
        let reads = self.reads_in(&m.expr);
        let Some(first) = reads.into_iter().next() else {
            syn::visit::visit_expr_match(self, m);
            return;
        };
        let messages = first.family.messages;
        let exits: Vec<bool> = m.arms.iter().map(|a| self.exits(&a.body)).collect();
        let mut empty = m
            .arms
            .iter()
            .zip(&exits)
            .filter(|(a, _)| !binds_value(&a.pat));
        let all_empty_exit = empty.clone().next().is_some() && empty.all(|(_, x)| *x);
        if first.family.messages && all_empty_exit {
            self.drains = true;
        } else if exits.iter().any(|x| *x) || first.family.messages {
            self.waits.push(first);
        }
        self.check(&m.expr);
        for (a, exits) in m.arms.iter().zip(exits) {
            let binds = messages && binds_value(&a.pat);
            self.branch(binds || exits, |s| s.visit_arm(a));
        }
    }
}

impl<'ast> Visit<'ast> for Scan<'_, '_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::If(i) => self.check_if(i),
            Expr::Match(m) => self.check_match(m),
            Expr::While(_)
            | Expr::Loop(_)
            | Expr::ForLoop(_)
            | Expr::Closure(_)
            | Expr::Async(_) => {
                self.is_work();
                if self.reacting {
                    syn::visit::visit_expr(self, e);
                }
            }
            Expr::Await(a) => {
                if !self.reacting {
                    self.awaits = true;
                    if is_timer(self.cx, &a.base) {
                        self.timer.get_or_insert(self.cx.span(&a.base));
                    } else if read_of(self.cx, strip(&a.base)).is_none() {
                        self.work = true;
                    }
                }
                self.visit_expr(&a.base);
            }
            Expr::Call(c) => {
                let known = match &*c.func {
                    Expr::Path(p) => self.cx.resolve(&p.path).is_some_and(|path| {
                        let b = BusyWait::builtin();
                        b.idle.has_path(&path)
                            || b.timers.has_path(&path)
                            || b.path_read(&path).is_some()
                    }),
                    _ => false,
                };
                // Tuple-struct and variant constructors (`Some(x)`, `Err(e)`) are not work.
                if !known && !is_constructor(&c.func) {
                    self.is_work();
                }
                for a in &c.args {
                    self.visit_expr(a);
                }
            }
            Expr::MethodCall(m) => {
                let b = BusyWait::builtin();
                let name = m.method.to_string();
                let known = b.idle.has_method(&name)
                    || (m.args.is_empty() && b.timers.has_method(&name))
                    || read_of(self.cx, e).is_some()
                    || (self.checking && on_read(self.cx, &m.receiver));
                if !known {
                    self.is_work();
                }
                syn::visit::visit_expr_method_call(self, m);
            }
            Expr::Macro(m) => self.visit_macro(&m.mac),
            _ => syn::visit::visit_expr(self, e),
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let name = macro_name(m);
        let last = name.rsplit("::").next().unwrap_or(&name);
        if !BusyWait::builtin().idle.has_macro(last) {
            self.is_work();
        }
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let (Pat::Ident(pi), Some(init)) = (&l.pat, &l.init) {
            if let Some(first) = self.reads_in(&init.expr).into_iter().next() {
                self.lets.insert(pi.ident.to_string(), first);
            }
        }
        syn::visit::visit_local(self, l);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Finds reads of local state in an expression, without entering nested bodies.
struct FindReads<'c, 'a, 'l> {
    cx: &'c Context<'a>,
    lets: &'l HashMap<String, Read>,
    out: Vec<Read>,
}

impl<'ast> Visit<'ast> for FindReads<'_, '_, '_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::Closure(_) | Expr::Async(_) => return,
            Expr::Path(p) => {
                if let Some(r) = p
                    .path
                    .get_ident()
                    .and_then(|i| self.lets.get(&i.to_string()))
                {
                    self.out.push(Read {
                        family: r.family,
                        at: r.at,
                        text: r.text.clone(),
                    });
                }
                return;
            }
            _ => {}
        }
        if let Some(family) = read_of(self.cx, e) {
            self.out.push(Read {
                family,
                at: self.cx.span(e),
                text: crate::rules::describe_call(self.cx, e),
            });
        }
        syn::visit::visit_expr(self, e);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Does the expression leave the loop: a `break` of it or of a loop around it, a `return`?
struct Exits {
    /// Nested loops entered (an unlabelled `break` there leaves them, not this one).
    depth: usize,
    /// The labels of the nested loops entered.
    inner: Vec<String>,
    found: bool,
}

impl<'ast> Visit<'ast> for Exits {
    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::Return(_) => self.found = true,
            Expr::Break(b) => {
                let ours = match &b.label {
                    // This loop's label, or an enclosing loop's: not a nested loop's.
                    Some(l) => !self.inner.iter().any(|i| l.ident == i.as_str()),
                    None => self.depth == 0,
                };
                self.found |= ours;
            }
            Expr::Closure(_) | Expr::Async(_) => return,
            Expr::While(_) | Expr::Loop(_) | Expr::ForLoop(_) => {
                let label = match e {
                    Expr::While(w) => w.label.as_ref(),
                    Expr::Loop(l) => l.label.as_ref(),
                    Expr::ForLoop(f) => f.label.as_ref(),
                    _ => None,
                };
                let labelled = label.map(|l| l.name.ident.to_string());
                let pushed = labelled.is_some();
                self.inner.extend(labelled);
                self.depth += 1;
                syn::visit::visit_expr(self, e);
                self.depth -= 1;
                if pushed {
                    self.inner.pop();
                }
                return;
            }
            _ => {}
        }
        syn::visit::visit_expr(self, e);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// The state read an expression is: a catalogued method on a receiver of a known type (or of
/// any type, for names one family owns, or with an atomic `Ordering` argument), or a
/// catalogued fn.
pub(super) fn read_of(cx: &Context<'_>, e: &Expr) -> Option<&'static StateRead> {
    let b = BusyWait::builtin();
    match e {
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            if !b.is_read_method(&name) {
                return None;
            }
            let ordering = m.args.len() == 1 && m.args.first().is_some_and(|a| is_ordering(cx, a));
            let ty = cx.type_of(&m.receiver);
            b.method_read(&name, ty.as_deref(), ordering)
        }
        Expr::Call(c) => {
            let Expr::Path(p) = &*c.func else { return None };
            b.path_read(&cx.resolve(&p.path)?)
        }
        _ => None,
    }
}

/// Is `e` what a read returned, through methods, fields, awaits and `?` (`q.lock().unwrap()`,
/// `state.lock().await.items`)?
fn on_read(cx: &Context<'_>, e: &Expr) -> bool {
    let mut e = e;
    for _ in 0..16 {
        if read_of(cx, e).is_some() {
            return true;
        }
        e = match e {
            Expr::MethodCall(m) => &m.receiver,
            Expr::Field(f) => &f.base,
            Expr::Await(a) => &a.base,
            Expr::Try(t) => &t.expr,
            Expr::Paren(p) => &p.expr,
            Expr::Unary(u) => &u.expr,
            _ => return false,
        };
    }
    false
}

/// `Ordering::Acquire` and the like, resolved to `std`'s or `core`'s atomic `Ordering`.
fn is_ordering(cx: &Context<'_>, e: &Expr) -> bool {
    let Expr::Path(p) = e else { return false };
    cx.resolve(&p.path).is_some_and(|path| {
        path.starts_with("std::sync::atomic::Ordering::")
            || path.starts_with("core::sync::atomic::Ordering::")
    })
}

/// Is the awaited expression a future that only passes time (`sleep(d)`, `yield_now()`,
/// `interval.tick()`)?
fn is_timer(cx: &Context<'_>, e: &Expr) -> bool {
    let b = BusyWait::builtin();
    match strip(e) {
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => cx
                .resolve(&p.path)
                .is_some_and(|path| b.timers.has_path(&path)),
            _ => false,
        },
        Expr::MethodCall(m) => m.args.is_empty() && b.timers.has_method(&m.method.to_string()),
        _ => false,
    }
}

fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Group(g) => strip(&g.expr),
        e => e,
    }
}

/// A call of a tuple struct or enum variant (`Some(x)`, `Err(e)`, `Poll::Ready(v)`): its last
/// segment is capitalised.
fn is_constructor(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    p.path.segments.last().is_some_and(|s| {
        s.ident
            .to_string()
            .starts_with(|c: char| c.is_ascii_uppercase())
    })
}

/// Whether a condition holds when the read gave a value (`rx.try_recv().is_ok()`: `true`) or
/// when it gave none (`.is_err()`, `!…is_ok()`: `false`); `None` when it does not say.
fn presence(e: &Expr) -> Option<bool> {
    match e {
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => presence(&u.expr).map(|p| !p),
        Expr::Paren(p) => presence(&p.expr),
        Expr::MethodCall(m) if m.args.is_empty() => match m.method.to_string().as_str() {
            "is_ok" | "is_some" => Some(true),
            "is_err" | "is_none" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Does a pattern take the value out (`Ok(m)`, `Some(job)`, `msg`), rather than match its
/// absence (`Err(_)`, `None`, `Err(TryRecvError::Empty)`, `_`)?
pub(super) fn binds_value(p: &Pat) -> bool {
    match p {
        Pat::TupleStruct(ts) => ts
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Ok" || s.ident == "Some"),
        Pat::Ident(pi) => pi.subpat.is_none() && pi.ident != "None",
        Pat::Struct(_) => true,
        Pat::Or(o) => o.cases.iter().all(binds_value),
        Pat::Type(t) => binds_value(&t.pat),
        _ => false,
    }
}
