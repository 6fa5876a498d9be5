//! Loops as the visitor meets them: `for`, `while` and `loop` frames with their bounds
//! ([`LoopBounds`]), computed only where a rule may read them, and the method chain that lets
//! a per-item adapter see the limit put on it further down the chain.

use super::evalorder::has_let;
use super::syntax::label;
use super::Visitor;
use crate::catalog::Returns;
use crate::context::bounds::{Limit, LoopBounds};
use crate::context::spawn::SPAWN_WORDS;
use crate::context::{Loop, LoopKind, LOOP_BOUNDS};
use crate::source::SpanOf;
use syn::visit::Visit;
use syn::Expr;

/// A method call whose receiver is being visited: lets a per-item adapter deeper in the
/// chain see what the methods after it do (`xs.map(|x| ..).buffer_unordered(n)`).
pub(super) struct ChainLink {
    /// Address of the receiver expression.
    pub(super) receiver: usize,
    /// Address of the method call itself.
    pub(super) call: usize,
    pub(super) limit: Option<Limit>,
}

impl Visitor<'_> {
    pub(super) fn with_loop(&mut self, l: Loop, f: impl FnOnce(&mut Self)) {
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

    /// The limit that methods applied after the call `e` in its chain put on it.
    pub(super) fn limit_after(&self, e: &Expr) -> Option<Limit> {
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

    /// The bounds of a loop spanning `from..to`, from `scan`. Bounds are only read where a
    /// task is spawned or a future pushed inside the loop, so a loop whose text names no
    /// spawn ([`SPAWN_WORDS`]) gets empty ones without the scan of its body; nothing reads
    /// them while summarizing.
    pub(super) fn loop_bounds(
        &self,
        from: proc_macro2::Span,
        to: proc_macro2::Span,
        scan: impl FnOnce() -> LoopBounds,
    ) -> LoopBounds {
        let file = self.cx.file;
        let text = file.slice(file.span_of_proc(from).to(file.span_of_proc(to)));
        if !self.cx.analyses.needs(&LOOP_BOUNDS) || !self.cx.text_names_any(text, &SPAWN_WORDS) {
            return LoopBounds::default();
        }
        scan()
    }

    /// The frame of a `for`, `while` or `loop` headed by `head`, whose text runs from `start`
    /// to the end of `body`, with its bounds from `scan` (see [`Self::loop_bounds`]).
    fn loop_frame(
        &self,
        kind: LoopKind,
        head: crate::source::Span,
        name: &Option<syn::Label>,
        start: proc_macro2::Span,
        body: &syn::Block,
        scan: impl FnOnce() -> LoopBounds,
    ) -> Loop {
        Loop {
            kind,
            span: head,
            label: label(name),
            bounds: self.loop_bounds(start, body.brace_token.span.close(), scan),
        }
    }

    pub(super) fn visit_for(&mut self, f: &syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        let head = self.cx.span(&f.for_token).to(self.cx.span(&f.expr));
        let (start, body) = (f.for_token.span, &f.body);
        let l = self.loop_frame(LoopKind::For, head, &f.label, start, body, || {
            LoopBounds::of_for(self.cx.file, f)
        });
        let item = crate::context::params::items_of(&self.cx, &f.expr).map(Returns::Type);
        self.with_loop(l, |v| {
            v.bind_pat(&f.pat, item);
            v.visit_block(&f.body);
        });
    }

    pub(super) fn visit_while(&mut self, w: &syn::ExprWhile) {
        let kind = if matches!(&*w.cond, Expr::Let(_)) {
            LoopKind::WhileLet
        } else {
            LoopKind::While
        };
        let head = self.cx.span(&w.while_token).to(self.cx.span(&w.cond));
        let l = self.loop_frame(kind, head, &w.label, w.while_token.span, &w.body, || {
            LoopBounds::of_while(self.cx.file, w)
        });
        self.with_loop(l, |v| {
            v.cx.hook(|a, cx| a.open_temps(cx));
            v.visit_expr(&w.cond);
            if !has_let(&w.cond) {
                v.cx.hook(|a, cx| a.close_temps(cx));
                v.cx.hook(|a, cx| a.open_temps(cx));
            }
            v.visit_block(&w.body);
            v.cx.hook(|a, cx| a.close_temps(cx));
        });
    }

    pub(super) fn visit_loop(&mut self, l: &syn::ExprLoop) {
        let head = self.cx.span(&l.loop_token);
        let (start, body) = (l.loop_token.span, &l.body);
        let frame = self.loop_frame(LoopKind::Loop, head, &l.label, start, body, || {
            LoopBounds::of_loop(self.cx.file, l)
        });
        self.with_loop(frame, |v| v.visit_block(&l.body));
    }
}
