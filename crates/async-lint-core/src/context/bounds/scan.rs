//! The walk over one loop's head and body that finds what limits the tasks started in it.

use super::*;

/// The walk over one loop's head and body.
pub(super) struct Scan<'f> {
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
    pub(super) fn new(file: &'f SourceFile) -> Self {
        Scan {
            file,
            out: LoopBounds::default(),
            inner: Vec::new(),
            nested_bodies: 0,
            in_select: false,
        }
    }

    pub(super) fn own_code(&self) -> bool {
        self.nested_bodies == 0
    }

    /// A semaphore acquire: a limit on the loop when the iteration takes it before starting
    /// the work, only a limit on the future it is in when a future made in the loop takes it.
    pub(super) fn permit_at(&mut self, e: &Expr) {
        if self.own_code() {
            self.out.limit = Some(Limit::Permit);
        } else {
            self.out.inner_permits.push(self.file.span_of(e));
        }
    }

    /// The bounds found. A `permit` named only inside the futures, with no acquire there
    /// either, was taken elsewhere and moved in: it still limits the loop.
    pub(super) fn finish(self) -> LoopBounds {
        let mut b = self.out;
        if b.nested_permit_use && b.inner_permits.is_empty() {
            b.limit.get_or_insert(Limit::Permit);
        }
        b
    }

    /// Does this expression leave the loop being scanned?
    pub(super) fn leaves(&self, e: &Expr) -> bool {
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

    pub(super) fn in_inner_loop(&mut self, f: impl FnOnce(&mut Self), label: Option<&syn::Label>) {
        self.inner.push(label.map(|l| l.name.ident.to_string()));
        f(self);
        self.inner.pop();
    }

    pub(super) fn nested(&mut self, f: impl FnOnce(&mut Self)) {
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

pub(super) fn is_comparison(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_) | BinOp::Ge(_) | BinOp::Eq(_) | BinOp::Ne(_)
    )
}

/// The variable an iterator chain or collection place starts from (`xs` in `&xs.items.iter()`).
pub(super) fn root_name(e: &Expr) -> Option<String> {
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
pub(super) fn pat_names(p: &syn::Pat, out: &mut Vec<String>) {
    match p {
        syn::Pat::Ident(pi) => out.push(pi.ident.to_string()),
        syn::Pat::Type(pt) => pat_names(&pt.pat, out),
        syn::Pat::Reference(r) => pat_names(&r.pat, out),
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|e| pat_names(e, out)),
        _ => {}
    }
}

pub(super) fn pat_ident(p: &syn::Pat) -> Option<String> {
    match p {
        syn::Pat::Ident(pi) => Some(pi.ident.to_string()),
        syn::Pat::Type(pt) => pat_ident(&pt.pat),
        _ => None,
    }
}

/// The tokens of an expression as text, to compare receivers (`self.tasks`, `set`). Only
/// places (variables and fields) are collections worth naming; anything else gives a text no
/// receiver matches, without printing a long chain.
pub(super) fn tokens(e: &Expr) -> String {
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

pub(super) fn is_place(e: &Expr, depth: usize) -> bool {
    depth < 8
        && match strip(e) {
            Expr::Path(_) => true,
            Expr::Field(f) => is_place(&f.base, depth + 1),
            _ => false,
        }
}
