//! The one visitor per file: keeps the [`Context`] up to date and calls every enabled rule at
//! every expression, block and macro. Here: frames, scopes, locals and items; loops, calls,
//! conditionals, macro bodies and the summary mode have their own files beside it.

mod bind;
mod branches;
mod calls;
mod check;
mod conditionals;
mod evalorder;
mod loops;
mod macro_bodies;
mod summary;
mod syntax;

use super::bounds::LoopBounds;
use super::failure::Failure;
use super::runtime::{self, RuntimeRoot};
use super::testcode;
use super::{AnalysisSet, BlockExit, Context, Frame, FrameKind, IndexLink, Locals, Rule};
use super::{Statics, StructFields};
use crate::catalog::Returns;
use crate::finding::Finding;
use crate::index::FileSummary;
use crate::resolve::{Resolver, Scope};
use crate::source::SpanOf;
use calls::ClosureRole;
pub use check::{check_file, check_file_in, CheckInput, Checked};
use loops::ChainLink;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
pub use summary::summarize;
use syn::visit::{self, Visit};
use syn::Expr;
use syntax::{allowed_lints, block_exit, collect_structs, is_mut_ref, item_attrs, returns_result};

struct Visitor<'a> {
    cx: Context<'a>,
    rules: &'a [&'a dyn Rule],
    /// Per rule: are its hooks left out in test code (it does not look at test code, and
    /// its `check-tests` is off)?
    skips_tests: Vec<bool>,
    out: Vec<Finding>,
    closure_role: Option<ClosureRole>,
    /// The item type the next closure argument's first parameter receives (`paths.iter().filter(|p| ..)`).
    closure_item: Option<String>,
    /// Bounds of the per-item adapter whose closure arguments are being visited.
    adapter_bounds: Option<LoopBounds>,
    /// Method calls whose receivers are being visited, innermost last.
    chain: Vec<ChainLink>,
    extent_lines: &'a HashSet<usize>,
    extents: HashMap<usize, usize>,
    /// The summary being made, when summarizing.
    summary: Option<FileSummary>,
    /// Per frame: the index of its fn in the summary (`None` for closures and blocks, which
    /// add their calls to the enclosing fn).
    fn_stack: Vec<Option<usize>>,
    /// Resolved paths of the enclosing traits (their default methods are `Trait::m`).
    traits: Vec<String>,
    /// The future of the spawn call whose arguments are being visited (its address) and the
    /// spawner: the async block it is runs as a task.
    task_body: Option<(usize, String)>,
    /// The async block given to the `block_on` whose arguments are being visited, and its runtime.
    runtime_body: Option<(usize, Arc<RuntimeRoot>)>,
    /// The path of the call whose arguments are about to be visited, then of the call the
    /// closure being entered is passed to (its frame's `caller`).
    call_path: Option<String>,
    closure_caller: Option<String>,
}

impl<'a> Visitor<'a> {
    fn new(
        input: &CheckInput<'a>,
        ast: &syn::File,
        index: IndexLink<'a>,
        summary: Option<FileSummary>,
    ) -> Self {
        let mut resolver = Resolver::default();
        let mut structs = StructFields::new();
        let (mut statics, mut ctors) = (Statics::new(), Statics::new());
        resolver.push(Scope::module(input.module.clone(), &ast.items));
        collect_structs(
            &ast.items,
            &input.module,
            &mut resolver,
            (&mut structs, &mut statics, &mut ctors),
        );
        let cx = Context {
            file: input.file,
            catalog: input.catalog,
            krate: input.krate,
            settings: input.settings,
            project_apis: input.project_apis,
            resolver,
            frames: Vec::new(),
            locals: Locals::default(),
            awaited: Vec::new(),
            impl_self: Vec::new(),
            impl_trait: Vec::new(),
            structs,
            test_items: 0,
            test_path: testcode::is_test_path(&input.file.path),
            block_exits: Vec::new(),
            index,
            statics,
            analyses: AnalysisSet::of(input.rules.iter().flat_map(|r| r.analyses())),
            allowed_lints: allowed_lints(&ast.attrs),
            cfgs: super::cfg::conditions(&ast.attrs),
            ctors,
            failure_branches: 0,
            guard_types: input
                .rules
                .iter()
                .flat_map(|r| r.guard_types(input.settings.get(r.meta().name)))
                .collect(),
        };
        let skips_tests = input
            .rules
            .iter()
            .map(|r| !r.checks_test_code() && cx.skips_tests(r.meta().name))
            .collect();
        Visitor {
            cx,
            skips_tests,
            rules: input.rules,
            out: Vec::new(),
            closure_role: None,
            closure_item: None,
            adapter_bounds: None,
            chain: Vec::new(),
            extent_lines: input.extent_lines,
            extents: HashMap::new(),
            summary,
            fn_stack: Vec::new(),
            traits: Vec::new(),
            task_body: None,
            runtime_body: None,
            call_path: None,
            closure_caller: None,
        }
    }

    /// Visits an item with the lints its `#[allow(..)]`/`#[expect(..)]` attributes name.
    fn with_allows(&mut self, attrs: &[syn::Attribute], f: impl FnOnce(&mut Self)) {
        let (before, cfgs) = (self.cx.allowed_lints.len(), self.cx.cfgs.len());
        self.cx.allowed_lints.extend(allowed_lints(attrs));
        self.cx.cfgs.extend(super::cfg::conditions(attrs));
        f(self);
        self.cx.allowed_lints.truncate(before);
        self.cx.cfgs.truncate(cfgs);
    }

    /// Calls `hook` of every rule that looks at the code here: in test code, only of those
    /// that look at test code.
    fn call_rules(&mut self, hook: impl Fn(&dyn Rule, &Context<'_>, &mut Vec<Finding>)) {
        let test = self.cx.in_local_test_code();
        for (r, &skips) in self.rules.iter().zip(&self.skips_tests) {
            if !(test && skips) {
                hook(*r, &self.cx, &mut self.out);
            }
        }
    }

    fn push_frame(&mut self, frame: Frame) {
        self.cx.frames.push(frame);
        self.cx.locals.push();
        self.cx.hook(|a, cx| a.enter_frame(cx));
    }

    fn pop_frame(&mut self) {
        self.cx.hook(|a, cx| a.leave_frame(cx));
        self.cx.locals.pop();
        self.cx.frames.pop();
    }

    fn visit_fn(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        body: Option<&syn::Block>,
        owner: Option<String>,
    ) {
        let kind = if sig.asyncness.is_some() {
            FrameKind::AsyncFn
        } else {
            FrameKind::SyncFn
        };
        let mut frame = Frame::new(kind, self.cx.file.span_of_sig(sig));
        frame.name = Some(sig.ident.to_string());
        frame.returns_result = returns_result(&sig.output);
        frame.runtime = (kind == FrameKind::AsyncFn)
            .then(|| runtime::of_attrs(&self.cx, attrs))
            .flatten();
        frame.expects_panic = runtime::expects_panic(attrs);
        let index = self.record_fn(sig, body, owner);
        let Some(body) = body else { return };
        if let (Some(i), Some(summary)) = (index, self.summary.as_mut()) {
            summary.set_failure(i, Failure::of_body(body));
        }
        self.fn_stack.push(index);
        self.push_frame(frame);
        for input in &sig.inputs {
            match input {
                syn::FnArg::Typed(pt) => {
                    let ty = super::params::param_type(&self.cx, sig, &pt.ty);
                    self.bind_pat(&pt.pat, ty.map(Returns::Type));
                    self.set_item(&pt.pat, &pt.ty);
                    if let (syn::Pat::Ident(pi), true) = (&*pt.pat, is_mut_ref(&pt.ty)) {
                        self.cx.locals.set_mut_ref(&pi.ident.to_string());
                    }
                }
                syn::FnArg::Receiver(r) => self.bind_self(r),
            }
        }
        self.visit_block(body);
        self.pop_frame();
        self.fn_stack.pop();
    }
}

impl<'ast> Visit<'ast> for Visitor<'_> {
    fn visit_item(&mut self, i: &'ast syn::Item) {
        self.record_extent(i);
        let test = item_attrs(i).is_some_and(testcode::is_test_item);
        self.cx.test_items += usize::from(test);
        let attrs = item_attrs(i).unwrap_or(&[]);
        self.with_allows(attrs, |v| visit::visit_item(v, i));
        self.cx.test_items -= usize::from(test);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.visit_fn(&f.attrs, &f.sig, Some(&f.block), None);
    }

    fn visit_impl_item(&mut self, i: &'ast syn::ImplItem) {
        self.record_extent(i);
        let test = matches!(i, syn::ImplItem::Fn(f) if testcode::is_test_item(&f.attrs));
        self.cx.test_items += usize::from(test);
        let attrs: &[syn::Attribute] = match i {
            syn::ImplItem::Fn(f) => &f.attrs,
            _ => &[],
        };
        self.with_allows(attrs, |v| visit::visit_impl_item(v, i));
        self.cx.test_items -= usize::from(test);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let owner = self.cx.self_type().map(str::to_string);
        self.visit_fn(&f.attrs, &f.sig, Some(&f.block), owner);
    }

    fn visit_trait_item(&mut self, i: &'ast syn::TraitItem) {
        self.record_extent(i);
        let attrs: &[syn::Attribute] = match i {
            syn::TraitItem::Fn(f) => &f.attrs,
            _ => &[],
        };
        self.with_allows(attrs, |v| visit::visit_trait_item(v, i));
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        let owner = self.traits.last().cloned();
        self.visit_fn(&f.attrs, &f.sig, f.default.as_ref(), owner);
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        let mut path = self.cx.resolver.module_path().to_vec();
        path.push(t.ident.to_string());
        self.traits.push(path.join("::"));
        for item in &t.items {
            self.visit_trait_item(item);
        }
        self.traits.pop();
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let self_ty = self.cx.resolve_type(&i.self_ty);
        self.cx.impl_self.push(self_ty);
        let of_trait = i.trait_.as_ref().map(|(p, _)| {
            self.cx
                .resolve(p)
                .unwrap_or_else(|| crate::resolve::path_string(p))
        });
        self.cx.impl_trait.push(of_trait);
        for item in &i.items {
            self.visit_impl_item(item);
        }
        self.cx.impl_self.pop();
        self.cx.impl_trait.pop();
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let mut path = self.cx.resolver.module_path().to_vec();
        path.push(m.ident.to_string());
        self.record_module(m, &path);
        if let Some((_, items)) = &m.content {
            self.cx.resolver.push(Scope::module(path, items));
            self.record_module_uses(items);
            for item in items {
                self.visit_item(item);
            }
            self.cx.resolver.pop();
        }
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        self.push_frame(Frame::new(FrameKind::Const, self.cx.span(&c.ident)));
        self.visit_expr(&c.expr);
        self.pop_frame();
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        self.push_frame(Frame::new(FrameKind::Const, self.cx.span(&s.ident)));
        self.visit_expr(&s.expr);
        self.pop_frame();
    }

    fn visit_field(&mut self, f: &'ast syn::Field) {
        self.record_extent(f);
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        // Only a block with items of its own (`use`, `fn`, `struct`…) gets a scope.
        let pushed = b.stmts.iter().any(|s| matches!(s, syn::Stmt::Item(_))) && {
            let scope = Scope::block(self.cx.resolver.module_path().to_vec(), &b.stmts);
            let named = !scope.is_empty();
            if named {
                self.cx.resolver.push(scope);
            }
            named
        };
        self.cx.locals.push();
        self.cx.hook(|a, cx| a.enter_block(cx));
        self.bind_block_statics(b);
        let exit = block_exit(b).map(|kind| BlockExit {
            frame: self.cx.frames.len().saturating_sub(1),
            loops: self.cx.frames.last().map_or(0, |f| f.loops.len()),
            kind,
        });
        let exits = exit.is_some();
        self.cx.block_exits.extend(exit);
        self.call_rules(|r, cx, out| r.check_block(cx, b, out));
        for (i, s) in b.stmts.iter().enumerate() {
            self.call_rules(|r, cx, out| r.check_stmt(cx, s, &b.stmts[i + 1..], out));
            self.visit_stmt(s);
        }
        if exits {
            self.cx.block_exits.pop();
        }
        self.cx.locals.pop();
        self.cx.hook(|a, cx| a.leave_block(cx));
        if pushed {
            self.cx.resolver.pop();
        }
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        self.record_extent(s);
        self.cx.hook(|a, cx| a.open_temps(cx));
        let cfgs = self.cx.cfgs.len();
        self.cx
            .cfgs
            .extend(super::cfg::conditions(super::cfg::stmt_attrs(s)));
        visit::visit_stmt(self, s);
        self.cx.cfgs.truncate(cfgs);
        self.cx.hook(|a, cx| a.close_temps(cx));
        if let syn::Stmt::Expr(e, _) = s {
            self.cx.hook(|a, cx| a.stmt_value(cx, e));
        }
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        let mut ret = None;
        if let Some(init) = &l.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                // `let .. else`: the scrutinee's temporaries are dropped before the `else` block.
                self.cx.hook(|a, cx| a.close_temps(cx));
                self.cx.hook(|a, cx| a.open_temps(cx));
                self.visit_expr(diverge);
            }
            ret = self.cx.returns_of(&init.expr);
        }
        self.bind_pat(&l.pat, ret);
        if let (syn::Pat::Ident(pi), Some(init)) = (&l.pat, &l.init) {
            if matches!(&*init.expr, Expr::Reference(r) if r.mutability.is_some()) {
                self.cx.locals.set_mut_ref(&pi.ident.to_string());
            }
            runtime::note(&mut self.cx, &pi.ident, &init.expr);
        }
        self.cx.hook(|a, cx| a.local(cx, l));
        if let Some(init) = &l.init {
            self.cx.hook(|a, cx| a.bind(cx, &l.pat, &init.expr));
        }
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        self.call_rules(|r, cx, out| r.check_expr(cx, e, out));
        self.record_call(e);
        self.cx.hook(|a, cx| a.enter_expr(cx, e));
        self.visit_expr_inner(e);
        self.cx.hook(|a, cx| a.leave_expr(cx, e));
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.call_rules(|r, cx, out| r.check_macro(cx, mac, out));
        self.cx.hook(|a, cx| a.after_macro(cx, mac));
        self.visit_macro_body(mac);
    }
}

impl Visitor<'_> {
    fn visit_expr_inner(&mut self, e: &Expr) {
        match e {
            Expr::Closure(c) => self.visit_closure(c),
            Expr::Async(a) => self.visit_async(a, e),
            Expr::ForLoop(f) => self.visit_for(f),
            Expr::While(w) => self.visit_while(w),
            Expr::Loop(l) => self.visit_loop(l),
            Expr::Await(a) => {
                self.cx.hook(|an, cx| an.after_await(cx, a));
                self.cx.awaited.push(&*a.base as *const Expr as usize);
                self.visit_expr(&a.base);
                self.cx.awaited.pop();
            }
            Expr::If(i) => self.visit_if(i),
            Expr::Let(l) => self.visit_let(l),
            Expr::Match(m) => self.visit_match(m),
            Expr::Call(c) => self.visit_call(c, e),
            Expr::MethodCall(m) => self.visit_method_call(m, e),
            Expr::Macro(m) => self.visit_macro(&m.mac),
            Expr::Assign(_) | Expr::Binary(_) => self.visit_operands(e),
            _ => visit::visit_expr(self, e),
        }
    }
}
