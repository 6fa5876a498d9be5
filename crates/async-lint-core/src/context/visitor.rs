//! The one visitor per file: keeps the [`Context`] up to date and calls every enabled rule at
//! every expression, block and macro.

mod bind;
mod branches;
mod evalorder;

use super::bounds::{chain_limit, Limit, LoopBounds};
use super::failure::Failure;
use super::frame::{INLINE_ONCE, OFFLOADING_CALLEES, PER_ITEM_ADAPTERS};
use super::macros::{self, parse_body, MacroBody};
use super::runtime::{self, RuntimeRoot};
use super::spawn::{may_name_spawn_method, may_name_spawner, SpawnKind, SPAWN_WORDS};
use super::testcode;
use super::{
    BlockExit, Context, ExitKind, Frame, FrameKind, IndexLink, IndexScope, Locals, Loop, LoopKind,
    Statics, StructFields,
};
use crate::catalog::{Catalog, Returns};
use crate::config::RuleSettings;
use crate::finding::Finding;
use crate::index::{
    future_output, is_result_type, type_text, Call, Callee, CrateIndex, FileSummary, FnSig, ModDecl,
};
use crate::resolve::{Resolver, Scope};
use crate::rules::Rule;
use crate::source::{SourceFile, Span, SpanOf};
use crate::CrateInfo;
use evalorder::has_let;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::Expr;

/// What one check of a file produced.
pub struct Checked {
    pub findings: Vec<Finding>,
    /// For each requested start line: the last line of the statement or item starting there
    /// (what an own-line suppression comment above it covers).
    pub extents: HashMap<usize, usize>,
}

/// Everything a file check needs besides the syntax tree.
pub struct CheckInput<'a> {
    pub file: &'a SourceFile,
    pub catalog: &'a Catalog,
    pub krate: &'a CrateInfo,
    pub settings: &'a HashMap<&'static str, RuleSettings>,
    pub rules: &'a [&'a dyn Rule],
    /// Module path of the file in its crate (`["crate", "net"]`).
    pub module: Vec<String>,
    /// Lines where the caller wants to know which statement or item starts there.
    pub extent_lines: &'a HashSet<usize>,
}

/// Runs every rule over one parsed file, as a file of no crate: the crate index knows only
/// this file.
pub fn check_file<'a>(input: CheckInput<'a>, ast: &'a syn::File) -> Checked {
    check_file_in(input, ast, IndexScope::detached())
}

/// Runs every rule over one parsed file of the crate `scope` indexes.
pub fn check_file_in<'a>(
    input: CheckInput<'a>,
    ast: &'a syn::File,
    scope: IndexScope<'a>,
) -> Checked {
    let link = IndexLink::new(scope, Some(ast), input.module.clone());
    let mut v = Visitor::new(&input, ast, link, None);
    for item in &ast.items {
        v.visit_item(item);
    }
    let mut findings = v.out;
    let skipped =
        |f: &Finding| v.rules.iter().any(|r| r.meta().name == f.rule) && v.cx.skips_tests(f.rule);
    if findings.iter().any(skipped) && v.cx.declared_test() {
        findings.retain(|f| !skipped(f));
    }
    Checked {
        findings,
        extents: v.extents,
    }
}

/// The [`FileSummary`] of one parsed file of the crate `index` indexes: its fns, the calls
/// they make (and which of them block, per the catalogue and `settings`), its modules and
/// `use` items, as the visitor sees them (names resolved, receiver types followed). Nothing
/// is looked up in the index while summarizing: it only names the crate.
pub fn summarize(
    file: &SourceFile,
    ast: &syn::File,
    module: Vec<String>,
    catalog: &Catalog,
    settings: &HashMap<&'static str, RuleSettings>,
    index: &CrateIndex,
) -> FileSummary {
    let krate = CrateInfo::default();
    let lines = HashSet::new();
    let input = CheckInput {
        file,
        catalog,
        krate: &krate,
        settings,
        rules: &[],
        module: module.clone(),
        extent_lines: &lines,
    };
    let scope = IndexScope { index, path: None };
    let link = IndexLink::new(scope, None, module.clone());
    let summary = FileSummary::new(file.path.clone(), module);
    let mut v = Visitor::new(&input, ast, link, Some(summary));
    v.record_module_uses(&ast.items);
    for item in &ast.items {
        v.visit_item(item);
    }
    v.summary.unwrap_or_default()
}

/// Records the field types of every struct, and the type of every `static`, of the items of
/// `module`, resolved in it: the innermost scope of `r` is the module's.
fn collect_structs(
    items: &[syn::Item],
    module: &[String],
    r: &mut Resolver,
    out: (&mut StructFields, &mut Statics, &mut Statics),
) {
    let (out, statics, ctors) = out;
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                let fields: HashMap<String, String> = s
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), r.resolve_type(&f.ty)?)))
                    .collect();
                let mut path = module.to_vec();
                path.push(s.ident.to_string());
                out.insert(path.join("::"), fields);
            }
            syn::Item::Impl(i) => ctors.extend(super::params::constructors(i, r)),
            syn::Item::Static(s) => {
                if let Some(ty) = r.resolve_type(&s.ty) {
                    let mut path = module.to_vec();
                    path.push(s.ident.to_string());
                    statics.insert(path.join("::"), ty);
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    let mut sub = module.to_vec();
                    sub.push(m.ident.to_string());
                    r.push(Scope::module(sub.clone(), inner));
                    collect_structs(inner, &sub, r, (&mut *out, &mut *statics, &mut *ctors));
                    r.pop();
                }
            }
            _ => {}
        }
    }
}

/// How a closure argument will be run, decided from its callee before it is visited.
enum ClosureRole {
    Offload(String),
    Inline { per_item: Option<(String, Span)> },
}

/// A method call whose receiver is being visited: lets a per-item adapter deeper in the
/// chain see what the methods after it do (`xs.map(|x| ..).buffer_unordered(n)`).
struct ChainLink {
    /// Address of the receiver expression.
    receiver: usize,
    /// Address of the method call itself.
    call: usize,
    limit: Option<Limit>,
}

struct Visitor<'a> {
    cx: Context<'a>,
    rules: &'a [&'a dyn Rule],
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
            guards: Default::default(),
            allowed_lints: allowed_lints(&ast.attrs),
            cfgs: super::cfg::conditions(&ast.attrs),
            ctors,
            failure_branches: 0,
        };
        Visitor {
            cx,
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
        }
    }

    fn record_extent<T: Spanned + ?Sized>(&mut self, node: &T) {
        if self.extent_lines.is_empty() {
            return;
        }
        let span = node.span();
        let (start, end) = (span.start().line, span.end().line);
        if self.extent_lines.contains(&start) {
            let e = self.extents.entry(start).or_insert(end);
            *e = (*e).max(end);
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

    /// `static` items of a block: their types, under the path the resolver gives them.
    fn bind_block_statics(&mut self, b: &syn::Block) {
        for st in &b.stmts {
            if let syn::Stmt::Item(syn::Item::Static(s)) = st {
                if let Some(ty) = self.cx.resolve_type(&s.ty) {
                    let mut path = self.cx.resolver.module_path().to_vec();
                    path.push(s.ident.to_string());
                    self.cx.statics.insert(path.join("::"), ty);
                }
            }
        }
    }

    fn push_frame(&mut self, frame: Frame) {
        self.cx.frames.push(frame);
        self.cx.locals.push();
        self.cx.guards_enter_frame();
    }

    fn pop_frame(&mut self) {
        self.cx.guards_leave_frame();
        self.cx.locals.pop();
        self.cx.frames.pop();
    }

    fn with_loop(&mut self, l: Loop, f: impl FnOnce(&mut Self)) {
        let has_frame = !self.cx.frames.is_empty();
        if has_frame {
            if let Some(fr) = self.cx.frames.last_mut() {
                fr.loops.push(l);
            }
        }
        self.cx.locals.push();
        f(self);
        self.cx.locals.pop();
        if has_frame {
            if let Some(fr) = self.cx.frames.last_mut() {
                fr.loops.pop();
            }
        }
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

    /// Adds a fn to the summary being made; its index there.
    fn record_fn(
        &mut self,
        sig: &syn::Signature,
        body: Option<&syn::Block>,
        owner: Option<String>,
    ) -> Option<usize> {
        let summary = self.summary.as_mut()?;
        let name = sig.ident.to_string();
        let owner = owner.unwrap_or_else(|| self.cx.resolver.module_path().join("::"));
        let (returns_future, output) = match &sig.output {
            syn::ReturnType::Type(_, ty) if sig.asyncness.is_some() => (true, Some(&**ty)),
            syn::ReturnType::Type(_, ty) => match future_output(ty) {
                Some(out) => (true, Some(out)),
                None => (false, Some(&**ty)),
            },
            syn::ReturnType::Default => (sig.asyncness.is_some(), None),
        };
        let output_result = output.is_some_and(is_result_type);
        let output = output.map(type_text).filter(|t| t != "()");
        let span = self.cx.span(&sig.ident);
        let nested = !self.fn_stack.is_empty();
        Some(summary.push_fn(
            FnSig {
                path: format!("{owner}::{name}"),
                name,
                is_async: sig.asyncness.is_some(),
                has_self: sig.receiver().is_some(),
                params: sig.inputs.len() - usize::from(sig.receiver().is_some()),
                returns_future,
                output_result,
                output,
                test: self.cx.in_test_code(),
                cfg: self.cx.cfgs.clone(),
                span,
                line: self.cx.file.lines.line_of(span.start) + 1,
                first_await: super::awaits::first_await_offset(self.cx.file, sig, body),
                calls: Vec::new(),
                failure: Failure::default(),
            },
            nested,
        ))
    }

    /// Adds a call of the fn being visited to the summary being made.
    fn record_call(&mut self, e: &Expr) {
        let Some(Some(i)) = self.fn_stack.last().copied() else {
            return;
        };
        if self.summary.is_none() {
            return;
        }
        let callee = match e {
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else { return };
                // `Ok(..)`, `Some(..)`, `Wrapper(..)`: constructors, not fn calls.
                let constructor = p.path.segments.last().is_some_and(|s| {
                    s.ident
                        .to_string()
                        .starts_with(|c: char| c.is_ascii_uppercase())
                });
                if p.qself.is_some() || constructor {
                    return;
                }
                match self.cx.resolve_path_or_self(&p.path) {
                    Some(path) => Callee::Path {
                        path,
                        resolved: true,
                    },
                    None => Callee::Path {
                        path: path_string(&p.path),
                        resolved: false,
                    },
                }
            }
            Expr::MethodCall(m) => Callee::Method {
                name: m.method.to_string(),
                receiver: self.cx.type_of(&m.receiver),
            },
            _ => return,
        };
        let span = self.cx.span(e);
        let call = Call {
            callee,
            span,
            line: self.cx.file.lines.line_of(span.start) + 1,
            awaited: self.cx.is_awaited(e),
            frame: self.cx.frame().map_or(FrameKind::SyncFn, |f| f.kind),
            in_loop: self.cx.in_loop(),
            serving: self.cx.serving().is_some(),
            blocking: super::blocking::blocking_call(&self.cx, e).map(|b| b.leaf()),
            args: match e {
                Expr::Call(c) => c.args.len(),
                Expr::MethodCall(m) => m.args.len(),
                _ => 0,
            },
        };
        if let Some(f) = self.summary.as_mut().and_then(|s| s.fns.get_mut(i)) {
            f.calls.push(call);
        }
    }

    /// Adds the module-level `use` items of a module to the summary being made.
    fn record_module_uses(&mut self, items: &[syn::Item]) {
        let Some(summary) = self.summary.as_mut() else {
            return;
        };
        let module = self.cx.resolver.module_path().join("::");
        let scope = Scope::module(self.cx.resolver.module_path().to_vec(), items);
        // Targets as written may be relative to this module (`pub use tcp::Connector;`).
        let resolver = &self.cx.resolver;
        let absolute = |t: Vec<String>| resolver.resolve_segments(&t, 1).unwrap_or(t).join("::");
        for (name, target) in scope.uses {
            summary
                .uses
                .insert(format!("{module}::{name}"), absolute(target));
        }
        for g in scope.globs {
            summary.globs.push((module.clone(), absolute(g)));
        }
    }

    /// Adds a module (inline, or declared with `mod x;`) to the summary being made.
    fn record_module(&mut self, m: &syn::ItemMod, path: &[String]) {
        // Checked before `in_test_code`, which may read the parent file through the index.
        if self.summary.is_none() {
            return;
        }
        let test = self.cx.in_test_code();
        let Some(summary) = self.summary.as_mut() else {
            return;
        };
        let module = path.join("::");
        if m.content.is_some() {
            summary.inline_modules.push(module);
            return;
        }
        let path_attr = m.attrs.iter().find_map(|a| {
            let syn::Meta::NameValue(nv) = &a.meta else {
                return None;
            };
            if !nv.path.is_ident("path") {
                return None;
            }
            match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            }
        });
        summary.declared_modules.push(ModDecl {
            module,
            path_attr,
            test,
        });
    }

    /// Visits the guard expression a pattern may carry (`Some(x) if x > 1`).
    fn visit_guard(&mut self, pat: &syn::Pat) {
        if let syn::Pat::Guard(g) = pat {
            self.visit_expr(&g.guard);
        }
    }

    fn visit_args(
        &mut self,
        callee: Option<(String, Span, bool)>,
        args: impl Iterator<Item = impl std::ops::Deref<Target = Expr>>,
    ) {
        for arg in args {
            let arg: &Expr = &arg;
            if let (Expr::Closure(_), Some((name, span, is_method))) = (arg, &callee) {
                self.closure_role = closure_role(name, *span, *is_method);
            }
            self.visit_expr(arg);
            self.closure_role = None;
        }
    }

    fn visit_closure(&mut self, c: &syn::ExprClosure) {
        let role = self.closure_role.take();
        // The `|args|` head: spanning the whole closure would tokenize its body at every level.
        let head = self
            .cx
            .span(&c.inputs_begin)
            .to(self.cx.span(&c.inputs_end));
        let mut frame = Frame::new(FrameKind::SyncClosure, head);
        if c.asyncness.is_some() {
            frame.kind = FrameKind::AsyncClosure;
        } else {
            match role {
                Some(ClosureRole::Offload(name)) => {
                    frame.kind = FrameKind::OffloadClosure;
                    frame.offload = Some(name);
                }
                Some(ClosureRole::Inline { per_item }) => {
                    frame.kind = FrameKind::InlineClosure;
                    if let Some((name, span)) = per_item {
                        frame.loops.push(Loop {
                            kind: LoopKind::Adapter(name.clone()),
                            span,
                            label: None,
                            bounds: self.adapter_bounds.clone().unwrap_or_default(),
                        });
                        frame.per_item = Some(name);
                    }
                }
                None => {}
            }
        }
        let per_item = frame.per_item.is_some();
        let mut item = self
            .closure_item
            .take()
            .filter(|_| per_item)
            .map(Returns::Type);
        self.push_frame(frame);
        for input in &c.inputs {
            self.bind_pat(input, item.take());
        }
        self.visit_expr(&c.body);
        self.pop_frame();
    }

    /// The limit that methods applied after the call `e` in its chain put on it.
    fn limit_after(&self, e: &Expr) -> Option<Limit> {
        let mut cur = e as *const Expr as usize;
        // Bounded: a generated chain of thousands of links stays linear.
        for link in self.chain.iter().rev().take(64) {
            if link.receiver != cur {
                break;
            }
            if link.limit.is_some() {
                return link.limit;
            }
            cur = link.call;
        }
        None
    }

    /// When `call` spawns a task (`tokio::spawn(async { .. })`, `set.spawn(..)`): the address
    /// of the async block it runs (wrappers such as `.instrument(..)` peeled) and the spawner.
    fn spawned_future(&self, call: &Expr, callee: Option<&str>) -> Option<(usize, String)> {
        if !callee.is_some_and(|c| c.starts_with("spawn")) {
            return None;
        }
        let spawn = super::spawn::spawn_call(&self.cx, call)?;
        if !matches!(spawn.kind, SpawnKind::Task | SpawnKind::Local) {
            return None;
        }
        let future = super::spawn::task_future(spawn.body?);
        matches!(future, Expr::Async(_))
            .then(|| (future as *const Expr as usize, spawn.spawner.clone()))
    }

    fn visit_body_stmts(&mut self, stmts: &[syn::Stmt], frame: Frame) {
        self.push_frame(frame);
        let block = syn::Block {
            brace_token: Default::default(),
            stmts: stmts.to_vec(),
        };
        self.visit_block(&block);
        self.pop_frame();
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
        let of_trait = i
            .trait_
            .as_ref()
            .map(|(p, _)| self.cx.resolve(p).unwrap_or_else(|| path_string(p)));
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
        self.cx.guards_enter_block();
        self.bind_block_statics(b);
        let exit = block_exit(b).map(|kind| BlockExit {
            frame: self.cx.frames.len().saturating_sub(1),
            loops: self.cx.frames.last().map_or(0, |f| f.loops.len()),
            kind,
        });
        let exits = exit.is_some();
        self.cx.block_exits.extend(exit);
        for r in self.rules {
            r.check_block(&self.cx, b, &mut self.out);
        }
        for (i, s) in b.stmts.iter().enumerate() {
            for r in self.rules {
                r.check_stmt(&self.cx, s, &b.stmts[i + 1..], &mut self.out);
            }
            self.visit_stmt(s);
        }
        if exits {
            self.cx.block_exits.pop();
        }
        self.cx.locals.pop();
        self.cx.guards_leave_block();
        if pushed {
            self.cx.resolver.pop();
        }
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        self.record_extent(s);
        self.cx.guards_open_temps();
        let cfgs = self.cx.cfgs.len();
        self.cx
            .cfgs
            .extend(super::cfg::conditions(super::cfg::stmt_attrs(s)));
        visit::visit_stmt(self, s);
        self.cx.cfgs.truncate(cfgs);
        self.cx.guards_close_temps();
        if let syn::Stmt::Expr(e, _) = s {
            self.cx.guards_stmt_value(e);
        }
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        let mut ret = None;
        if let Some(init) = &l.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                // `let .. else`: the scrutinee's temporaries are dropped before the `else` block.
                self.cx.guards_close_temps();
                self.cx.guards_open_temps();
                self.visit_expr(diverge);
            }
            ret = self.cx.returns_of(&init.expr);
        }
        self.bind_pat(&l.pat, ret);
        if let (syn::Pat::Ident(pi), Some(init)) = (&l.pat, &l.init) {
            if matches!(&*init.expr, Expr::Reference(r) if r.mutability.is_some()) {
                self.cx.locals.set_mut_ref(&pi.ident.to_string());
            }
            super::closures::note(&mut self.cx, &pi.ident, &init.expr);
            runtime::note(&mut self.cx, &pi.ident, &init.expr);
        }
        if let Some(init) = &l.init {
            self.cx.guards_bind(&l.pat, &init.expr);
        }
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        for r in self.rules {
            r.check_expr(&self.cx, e, &mut self.out);
        }
        self.record_call(e);
        self.cx.guards_enter_expr(e);
        self.visit_expr_inner(e);
        self.cx.guards_leave_expr(e);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        for r in self.rules {
            r.check_macro(&self.cx, mac, &mut self.out);
        }
        self.cx.guards_after_macro(mac);
        self.visit_macro_body(mac);
    }
}

impl Visitor<'_> {
    fn visit_expr_inner(&mut self, e: &Expr) {
        match e {
            Expr::Closure(c) => self.visit_closure(c),
            Expr::Async(a) => {
                let mut frame = Frame::new(FrameKind::AsyncBlock, self.cx.span(&a.async_token));
                frame.task = self
                    .task_body
                    .take_if(|(addr, _)| *addr == e as *const Expr as usize)
                    .map(|(_, spawner)| spawner);
                let addr = e as *const Expr as usize;
                frame.runtime = self
                    .runtime_body
                    .take_if(|(a, _)| *a == addr)
                    .map(|(_, r)| r);
                self.push_frame(frame);
                self.visit_block(&a.block);
                self.pop_frame();
            }
            Expr::ForLoop(f) => {
                self.visit_expr(&f.expr);
                let head = self.cx.span(&f.for_token).to(self.cx.span(&f.expr));
                let l = Loop {
                    kind: LoopKind::For,
                    span: head,
                    label: label(&f.label),
                    bounds: self.loop_bounds(
                        f.for_token.span,
                        f.body.brace_token.span.close(),
                        || LoopBounds::of_for(self.cx.file, f),
                    ),
                };
                let item = super::params::items_of(&self.cx, &f.expr).map(Returns::Type);
                self.with_loop(l, |v| {
                    v.bind_pat(&f.pat, item);
                    v.visit_block(&f.body);
                });
            }
            Expr::While(w) => {
                let kind = if matches!(&*w.cond, Expr::Let(_)) {
                    LoopKind::WhileLet
                } else {
                    LoopKind::While
                };
                let head = self.cx.span(&w.while_token).to(self.cx.span(&w.cond));
                self.with_loop(
                    Loop {
                        kind,
                        span: head,
                        label: label(&w.label),
                        bounds: self.loop_bounds(
                            w.while_token.span,
                            w.body.brace_token.span.close(),
                            || LoopBounds::of_while(self.cx.file, w),
                        ),
                    },
                    |v| {
                        v.cx.guards_open_temps();
                        v.visit_expr(&w.cond);
                        if !has_let(&w.cond) {
                            v.cx.guards_close_temps();
                            v.cx.guards_open_temps();
                        }
                        v.visit_block(&w.body);
                        v.cx.guards_close_temps();
                    },
                );
            }
            Expr::Loop(l) => {
                let head = self.cx.span(&l.loop_token);
                self.with_loop(
                    Loop {
                        kind: LoopKind::Loop,
                        span: head,
                        label: label(&l.label),
                        bounds: self.loop_bounds(
                            l.loop_token.span,
                            l.body.brace_token.span.close(),
                            || LoopBounds::of_loop(self.cx.file, l),
                        ),
                    },
                    |v| v.visit_block(&l.body),
                );
            }
            Expr::Await(a) => {
                self.cx.guards_after_await(a);
                self.cx.awaited.push(&*a.base as *const Expr as usize);
                self.visit_expr(&a.base);
                self.cx.awaited.pop();
            }
            Expr::If(i) => {
                self.cx.locals.push();
                // Temporaries of a plain condition end before the branch; those of an
                // `if let` scrutinee live through it, and before edition 2024 into `else`.
                self.cx.guards_open_temps();
                self.visit_expr(&i.cond);
                if !has_let(&i.cond) {
                    self.cx.guards_close_temps();
                    self.cx.guards_open_temps();
                }
                self.failure_branch(branches::is_failure_test(&i.cond), |v| {
                    v.visit_block(&i.then_branch)
                });
                let into_else = has_let(&i.cond) && self.cx.krate.edition.is_some_and(|e| e < 2024);
                if !into_else {
                    self.cx.guards_close_temps();
                }
                self.cx.locals.pop();
                if let Some((_, els)) = &i.else_branch {
                    self.visit_expr(els);
                }
                if into_else {
                    self.cx.guards_close_temps();
                }
            }
            Expr::Let(l) => {
                self.visit_expr(&l.expr);
                let ret = self.cx.returns_of(&l.expr);
                self.bind_pat(&l.pat, ret);
                self.cx.guards_bind(&l.pat, &l.expr);
            }
            Expr::Match(m) => {
                self.visit_expr(&m.expr);
                for arm in &m.arms {
                    self.record_extent(arm);
                    self.cx.locals.push();
                    self.bind_pat(&arm.pat, None);
                    self.cx.guards_bind(&arm.pat, &m.expr);
                    // A match guard is a temporary scope of its own, before the arm's body.
                    self.cx.guards_open_temps();
                    self.visit_guard(&arm.pat);
                    self.cx.guards_close_temps();
                    self.cx.guards_open_temps();
                    self.failure_branch(branches::is_err_pattern(&arm.pat), |v| {
                        v.visit_expr(&arm.body)
                    });
                    self.cx.guards_close_temps();
                    self.cx.locals.pop();
                }
            }
            Expr::Call(c) => {
                self.visit_expr(&c.func);
                let last = match &*c.func {
                    Expr::Path(p) => p.path.segments.last(),
                    _ => None,
                };
                // The callee's name matters for a spawn, and for the role of a closure argument.
                let closures = c.args.iter().any(|a| matches!(a, Expr::Closure(_)));
                let spawns =
                    matches!(&*c.func, Expr::Path(p) if may_name_spawner(&self.cx, &p.path));
                let callee = last
                    .filter(|_| closures || spawns)
                    .map(|s| (s.ident.to_string(), self.cx.span(&c.func), false));
                self.task_body = self.spawned_future(e, callee.as_ref().map(|c| c.0.as_str()));
                self.visit_args(callee, c.args.iter());
                self.task_body = None;
            }
            Expr::MethodCall(m) => {
                self.chain.push(ChainLink {
                    receiver: &*m.receiver as *const Expr as usize,
                    call: e as *const Expr as usize,
                    limit: chain_limit(m),
                });
                self.visit_expr(&m.receiver);
                self.chain.pop();
                let saved = self.adapter_bounds.take();
                let closure = m.args.iter().find(|a| matches!(a, Expr::Closure(_)));
                // The method's name matters for a spawn, and for the role of a closure argument.
                let name = (closure.is_some() || may_name_spawn_method(&m.method))
                    .then(|| m.method.to_string());
                if let (Some(Expr::Closure(c)), Some(name)) = (closure, &name) {
                    if PER_ITEM_ADAPTERS.contains(&name.as_str()) {
                        let args = m.paren_token.span;
                        let bounds = self.loop_bounds(args.open(), args.close(), || {
                            let after = self.limit_after(e);
                            LoopBounds::of_adapter(self.cx.file, m, &c.body, after)
                        });
                        self.adapter_bounds = Some(bounds);
                    }
                }
                self.task_body = self.spawned_future(e, name.as_deref());
                self.runtime_body = runtime::block_on_body(&self.cx, m);
                self.closure_item = name
                    .as_deref()
                    .and_then(|n| super::params::item_arg(&self.cx, n, &m.receiver));
                let callee = name.map(|n| (n, self.cx.span(&m.method), true));
                self.visit_args(callee, m.args.iter());
                self.closure_item = None;
                self.task_body = None;
                self.runtime_body = None;
                self.adapter_bounds = saved;
            }
            Expr::Macro(m) => self.visit_macro(&m.mac),
            Expr::Assign(_) | Expr::Binary(_) => self.visit_operands(e),
            _ => visit::visit_expr(self, e),
        }
    }

    fn visit_macro_body(&mut self, mac: &syn::Macro) {
        if !self.macro_body_may_matter(mac) {
            return;
        }
        match parse_body(mac) {
            Some(MacroBody::Exprs(exprs)) => exprs.iter().for_each(|e| self.visit_expr(e)),
            Some(MacroBody::Select(arms)) => {
                for arm in &arms {
                    self.cx.locals.push();
                    if let Some(f) = &arm.future {
                        self.visit_expr(f);
                    }
                    if let Some(p) = &arm.pat {
                        self.bind_pat(p, None);
                    }
                    if let Some(g) = &arm.guard {
                        self.visit_expr(g);
                    }
                    self.visit_expr(&arm.handler);
                    self.cx.locals.pop();
                }
            }
            Some(MacroBody::AsyncBlock(stmts)) => {
                let frame = Frame::new(FrameKind::AsyncBlock, self.cx.span(&mac.path));
                self.visit_body_stmts(&stmts, frame);
            }
            None => {}
        }
    }

    /// Must the body of `mac` be parsed and visited? Always inside async code and when making
    /// a summary (every call counts there); outside async code only when its text can name
    /// what the rules look at there ([`macros::OUTSIDE_ASYNC`], or a renamed import).
    fn macro_body_may_matter(&self, mac: &syn::Macro) -> bool {
        if self.summary.is_some() || self.cx.frames.iter().any(|f| f.kind.is_async()) {
            return true;
        }
        let body = self.cx.file.span_of_proc(mac.delimiter.span().join());
        self.cx
            .text_names_any(self.cx.file.slice(body), macros::OUTSIDE_ASYNC)
    }

    /// The bounds of a loop spanning `from..to`, from `scan`. Bounds are only read where a
    /// task is spawned or a future pushed inside the loop, so a loop whose text names no
    /// spawn ([`SPAWN_WORDS`]) gets empty ones without the scan of its body; nothing reads
    /// them while summarizing.
    fn loop_bounds(
        &self,
        from: proc_macro2::Span,
        to: proc_macro2::Span,
        scan: impl FnOnce() -> LoopBounds,
    ) -> LoopBounds {
        let file = self.cx.file;
        let text = file.slice(file.span_of_proc(from).to(file.span_of_proc(to)));
        if self.rules.is_empty() || !self.cx.text_names_any(text, SPAWN_WORDS) {
            return LoopBounds::default();
        }
        scan()
    }
}

/// How a block leaves when its last statement is a `break` or a `return`.
fn block_exit(b: &syn::Block) -> Option<ExitKind> {
    let syn::Stmt::Expr(e, _) = b.stmts.last()? else {
        return None;
    };
    match e {
        Expr::Break(br) => Some(ExitKind::Break(
            br.label.as_ref().map(|l| l.ident.to_string()),
        )),
        Expr::Return(_) => Some(ExitKind::Return),
        _ => None,
    }
}

/// The attributes of the items that can hold code.
fn item_attrs(i: &syn::Item) -> Option<&[syn::Attribute]> {
    match i {
        syn::Item::Fn(f) => Some(&f.attrs),
        syn::Item::Mod(m) => Some(&m.attrs),
        syn::Item::Impl(m) => Some(&m.attrs),
        syn::Item::Trait(t) => Some(&t.attrs),
        syn::Item::Const(c) => Some(&c.attrs),
        syn::Item::Static(s) => Some(&s.attrs),
        _ => None,
    }
}

fn closure_role(callee: &str, span: Span, is_method: bool) -> Option<ClosureRole> {
    if OFFLOADING_CALLEES.contains(&callee) {
        return Some(ClosureRole::Offload(callee.to_string()));
    }
    if !is_method {
        return None;
    }
    if PER_ITEM_ADAPTERS.contains(&callee) {
        return Some(ClosureRole::Inline {
            per_item: Some((callee.to_string(), span)),
        });
    }
    INLINE_ONCE
        .contains(&callee)
        .then_some(ClosureRole::Inline { per_item: None })
}

/// The lint paths named by `#[allow(..)]`/`#[expect(..)]` (and their inner `#![..]` forms).
fn allowed_lints(attrs: &[syn::Attribute]) -> Vec<String> {
    use syn::punctuated::Punctuated;
    let mut out = Vec::new();
    for a in attrs {
        if !(a.path().is_ident("allow") || a.path().is_ident("expect")) {
            continue;
        }
        if let Ok(list) =
            a.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        {
            out.extend(list.iter().map(path_string));
        }
    }
    out
}

/// Does a condition bind (`let PAT = EXPR`, also inside a `&&` chain)?
fn label(l: &Option<syn::Label>) -> Option<String> {
    l.as_ref().map(|l| l.name.ident.to_string())
}

/// `a::b::c` of a path, without generics.
pub(crate) fn path_string(p: &syn::Path) -> String {
    p.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// Is a type `&mut T`?
fn is_mut_ref(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Reference(r) if r.mutability.is_some())
}

/// Does a fn's declared return type name `Result` (`Result<T, E>`, `io::Result<T>`, …)?
fn returns_result(out: &syn::ReturnType) -> bool {
    match out {
        syn::ReturnType::Type(_, ty) => match &**ty {
            syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Result"),
            _ => false,
        },
        syn::ReturnType::Default => false,
    }
}
