//! Questions about a body that need their own walk: what steers it, the awaits it runs itself,
//! how a loop body is left, which `let`s derive from which names.

use super::{pat_names, place_root, Flow, Names, Walker};
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Stmt};

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
        fn visit_expr(&mut self, e: &'ast Expr) {
            let decides = match e {
                Expr::If(i) => Some(&i.cond),
                Expr::Match(m) => Some(&m.expr),
                Expr::While(w) => Some(&w.cond),
                Expr::Assign(a) => Some(&a.right),
                _ => None,
            };
            if let Some(d) = decides {
                self.0.extend(Flow::of_expr(d).reads);
            }
            visit::visit_expr(self, e);
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
pub(super) fn assigned_roots(left: &Expr) -> Vec<String> {
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
