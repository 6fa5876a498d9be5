//! The summary mode of the visitor: instead of running rules, it records a file's fns, the
//! calls they make, its modules and `use` items into a [`FileSummary`] for the crate index.

use super::{CheckInput, Visitor};
use crate::catalog::Catalog;
use crate::context::failure::Failure;
use crate::context::{FrameKind, IndexLink, IndexScope};
use crate::index::{
    future_output, is_result_type, type_text, Call, Callee, CrateIndex, FileSummary, FnSig,
    ModDecl, ProjectApis,
};
use crate::resolve::{path_string, Scope};
use crate::source::SourceFile;
use crate::CrateInfo;
use std::collections::{HashMap, HashSet};
use syn::visit::Visit;
use syn::Expr;

/// The [`FileSummary`] of one parsed file of the crate `index` indexes: its fns, the calls
/// they make (and which of them block, per the catalogue and the project's `apis`), its modules and
/// `use` items, as the visitor sees them (names resolved, receiver types followed). Nothing
/// is looked up in the index while summarizing: it only names the crate.
pub fn summarize(
    file: &SourceFile,
    ast: &syn::File,
    module: Vec<String>,
    catalog: &Catalog,
    apis: &ProjectApis,
    index: &CrateIndex,
) -> FileSummary {
    let krate = CrateInfo::default();
    let lines = HashSet::new();
    let settings = HashMap::new();
    let input = CheckInput {
        file,
        catalog,
        krate: &krate,
        settings: &settings,
        project_apis: apis,
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

impl Visitor<'_> {
    /// Adds a fn to the summary being made; its index there.
    pub(super) fn record_fn(
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
                first_await: crate::context::awaits::first_await_offset(self.cx.file, sig, body),
                calls: Vec::new(),
                failure: Failure::default(),
            },
            nested,
        ))
    }

    /// Adds a call of the fn being visited to the summary being made.
    pub(super) fn record_call(&mut self, e: &Expr) {
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
            conditional: self.cx.conditional(),
            serving: self.cx.serving().is_some(),
            blocking: crate::context::blocking::blocking_call(&self.cx, e).map(|b| b.leaf()),
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
    pub(super) fn record_module_uses(&mut self, items: &[syn::Item]) {
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
    pub(super) fn record_module(&mut self, m: &syn::ItemMod, path: &[String]) {
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
}
