//! Calls as the visitor meets them: the role of a closure argument (offloaded, run inline,
//! run per item), the async block a spawn call runs as a task, and the closure's frame.

use super::loops::ChainLink;
use super::Visitor;
use crate::catalog::vocabulary;
use crate::catalog::Returns;
use crate::context::bounds::{chain_limit, LoopBounds};
use crate::context::spawn::{may_name_spawn_method, may_name_spawner, SpawnKind};
use crate::context::{Frame, FrameKind, Loop, LoopKind, LOOP_BOUNDS};
use crate::source::Span;
use syn::visit::Visit;
use syn::Expr;

/// How a closure argument will be run, decided from its callee before it is visited.
pub(super) enum ClosureRole {
    Offload(String),
    Inline { per_item: Option<(String, Span)> },
}

impl Visitor<'_> {
    pub(super) fn visit_args(
        &mut self,
        callee: Option<(String, Span, bool)>,
        args: impl Iterator<Item = impl std::ops::Deref<Target = Expr>>,
    ) {
        let path = self.call_path.take();
        for arg in args {
            let arg: &Expr = &arg;
            if let (Expr::Closure(_), Some((name, span, is_method))) = (arg, &callee) {
                self.closure_role = closure_role(name, *span, *is_method);
            }
            if matches!(arg, Expr::Closure(_)) {
                self.closure_caller.clone_from(&path);
            }
            self.visit_expr(arg);
            self.closure_role = None;
            self.closure_caller = None;
        }
    }

    pub(super) fn visit_closure(&mut self, c: &syn::ExprClosure) {
        let role = self.closure_role.take();
        // The `|args|` head: spanning the whole closure would tokenize its body at every level.
        let head = self
            .cx
            .span(&c.inputs_begin)
            .to(self.cx.span(&c.inputs_end));
        let mut frame = Frame::new(FrameKind::SyncClosure, head);
        frame.caller = self.closure_caller.take();
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

    /// When `call` spawns a task (`tokio::spawn(async { .. })`, `set.spawn(..)`): the address
    /// of the async block it runs (wrappers such as `.instrument(..)` peeled) and the spawner.
    pub(super) fn spawned_future(
        &self,
        call: &Expr,
        callee: Option<&str>,
    ) -> Option<(usize, String)> {
        if !callee.is_some_and(|c| c.starts_with("spawn")) {
            return None;
        }
        let spawn = crate::context::spawn::spawn_call(&self.cx, call)?;
        if !matches!(spawn.kind, SpawnKind::Task | SpawnKind::Local) {
            return None;
        }
        let future = crate::context::spawn::task_future(spawn.body?);
        matches!(future, Expr::Async(_))
            .then(|| (future as *const Expr as usize, spawn.spawner.clone()))
    }

    pub(super) fn visit_async(&mut self, a: &syn::ExprAsync, e: &Expr) {
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

    pub(super) fn visit_call(&mut self, c: &syn::ExprCall, e: &Expr) {
        self.visit_expr(&c.func);
        let last = match &*c.func {
            Expr::Path(p) => p.path.segments.last(),
            _ => None,
        };
        // The callee's name matters for a spawn, and for the role of a closure argument.
        let closures = c.args.iter().any(|a| matches!(a, Expr::Closure(_)));
        let spawns = matches!(&*c.func, Expr::Path(p) if may_name_spawner(&self.cx, &p.path));
        let callee = last
            .filter(|_| closures || spawns)
            .map(|s| (s.ident.to_string(), self.cx.span(&c.func), false));
        self.task_body = self.spawned_future(e, callee.as_ref().map(|c| c.0.as_str()));
        self.call_path = match &*c.func {
            Expr::Path(p) if closures => Some(
                self.cx
                    .resolve(&p.path)
                    .unwrap_or_else(|| crate::resolve::path_string(&p.path)),
            ),
            _ => None,
        };
        self.visit_args(callee, c.args.iter());
        self.task_body = None;
    }

    pub(super) fn visit_method_call(&mut self, m: &syn::ExprMethodCall, e: &Expr) {
        self.chain.push(ChainLink {
            receiver: &*m.receiver as *const Expr as usize,
            call: e as *const Expr as usize,
            limit: (self.cx.analyses.needs(&LOOP_BOUNDS))
                .then(|| chain_limit(m))
                .flatten(),
        });
        self.visit_expr(&m.receiver);
        self.chain.pop();
        let saved = self.adapter_bounds.take();
        let closure = m.args.iter().find(|a| matches!(a, Expr::Closure(_)));
        // The method's name matters for a spawn, and for the role of a closure argument.
        let name =
            (closure.is_some() || may_name_spawn_method(&m.method)).then(|| m.method.to_string());
        if let (Some(Expr::Closure(c)), Some(name)) = (closure, &name) {
            if vocabulary().is_per_item_adapter(name) {
                let args = m.paren_token.span;
                let bounds = self.loop_bounds(args.open(), args.close(), || {
                    let after = self.limit_after(e);
                    LoopBounds::of_adapter(self.cx.file, m, &c.body, after)
                });
                self.adapter_bounds = Some(bounds);
            }
        }
        self.task_body = self.spawned_future(e, name.as_deref());
        self.runtime_body = crate::context::runtime::block_on_body(&self.cx, m);
        self.closure_item = name
            .as_deref()
            .and_then(|n| crate::context::params::item_arg(&self.cx, n, &m.receiver));
        let callee = name.map(|n| (n, self.cx.span(&m.method), true));
        self.visit_args(callee, m.args.iter());
        self.closure_item = None;
        self.task_body = None;
        self.runtime_body = None;
        self.adapter_bounds = saved;
    }
}

pub(super) fn closure_role(callee: &str, span: Span, is_method: bool) -> Option<ClosureRole> {
    let words = vocabulary();
    if words.is_offloading(callee) {
        return Some(ClosureRole::Offload(callee.to_string()));
    }
    if !is_method {
        return None;
    }
    if words.is_per_item_adapter(callee) {
        return Some(ClosureRole::Inline {
            per_item: Some((callee.to_string(), span)),
        });
    }
    words
        .is_inline_once(callee)
        .then_some(ClosureRole::Inline { per_item: None })
}
