//! Macro bodies as the visitor meets them: parsed and visited when they may matter (always in
//! async code and while summarizing, elsewhere only when their text names what rules look at).

use super::Visitor;
use crate::context::macros::{self, parse_body, MacroBody};
use crate::context::{Frame, FrameKind};
use crate::source::SpanOf;
use syn::visit::Visit;

impl Visitor<'_> {
    pub(super) fn visit_macro_body(&mut self, mac: &syn::Macro) {
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
    pub(super) fn macro_body_may_matter(&self, mac: &syn::Macro) -> bool {
        if self.summary.is_some() || self.cx.frames.iter().any(|f| f.kind.is_async()) {
            return true;
        }
        let body = self.cx.file.span_of_proc(mac.delimiter.span().join());
        self.cx
            .text_names_any(self.cx.file.slice(body), &macros::OUTSIDE_ASYNC)
    }

    pub(super) fn visit_body_stmts(&mut self, stmts: &[syn::Stmt], frame: Frame) {
        self.push_frame(frame);
        let block = syn::Block {
            brace_token: Default::default(),
            stmts: stmts.to_vec(),
        };
        self.visit_block(&block);
        self.pop_frame();
    }
}
