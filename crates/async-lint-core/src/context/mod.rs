//! Context: what is known at a point of the visited file — async or not, inside which loops,
//! which names resolve to what, which locals have which types. Rules ask; they never walk.

pub mod dataflow;
mod frame;
mod locals;
mod macros;
pub mod spawn;
pub mod testcode;
mod visitor;

pub use frame::{Frame, FrameKind, Loop, LoopKind};
pub use locals::{Binding, Locals};
pub use visitor::{check_file, CheckInput, Checked};

use crate::catalog::{Catalog, Returns};
use crate::config::RuleSettings;
use crate::resolve::Resolver;
use crate::source::{SourceFile, Span, SpanOf};
use crate::CrateInfo;
use std::collections::HashMap;

/// Field name → resolved type, per resolved struct path, for the structs of the file.
pub type StructFields = HashMap<String, HashMap<String, String>>;

/// The state of the visit at the node a rule is looking at.
pub struct Context<'a> {
    pub file: &'a SourceFile,
    pub catalog: &'a Catalog,
    pub krate: &'a CrateInfo,
    settings: &'a HashMap<&'static str, RuleSettings>,
    pub(crate) resolver: Resolver,
    pub(crate) frames: Vec<Frame>,
    pub(crate) locals: Locals,
    /// Addresses of the expressions currently being awaited (`<expr>.await`).
    pub(crate) awaited: Vec<usize>,
    /// Resolved self type of each enclosing `impl`.
    pub(crate) impl_self: Vec<Option<String>>,
    pub(crate) structs: StructFields,
    /// How many enclosing items are test code (`#[test]` fns, `#[cfg(test)]` modules…).
    pub(crate) test_items: usize,
}

impl<'a> Context<'a> {
    /// Byte span of a syntax node.
    pub fn span<T: syn::spanned::Spanned + ?Sized>(&self, node: &T) -> Span {
        self.file.span_of(node)
    }

    /// The source text of a syntax node.
    pub fn text<T: syn::spanned::Spanned + ?Sized>(&self, node: &T) -> &'a str {
        self.file.slice(self.span(node))
    }

    /// The innermost frame that decides how code runs (inline closures inherit).
    pub fn frame(&self) -> Option<&Frame> {
        self.frames
            .iter()
            .rev()
            .find(|f| f.kind != FrameKind::InlineClosure)
    }

    /// The innermost frame, inline closures included.
    pub fn innermost_frame(&self) -> Option<&Frame> {
        self.frames.last()
    }

    /// Is the code at this point run by an async executor?
    pub fn in_async(&self) -> bool {
        self.frame().is_some_and(|f| f.kind.is_async())
    }

    /// The innermost enclosing fn frame (async or not).
    pub fn enclosing_fn(&self) -> Option<&Frame> {
        self.frames
            .iter()
            .rev()
            .find(|f| matches!(f.kind, FrameKind::AsyncFn | FrameKind::SyncFn))
    }

    /// The loops around this point that belong to the current body, innermost first:
    /// real loops and per-item adapter closures, up to the frame that decides how code runs.
    pub fn loops(&self) -> Vec<&Loop> {
        let mut out = Vec::new();
        for f in self.frames.iter().rev() {
            out.extend(f.loops.iter().rev());
            if f.kind != FrameKind::InlineClosure {
                break;
            }
        }
        out
    }

    pub fn in_loop(&self) -> bool {
        !self.loops().is_empty()
    }

    /// Is `expr` the operand of an `.await` (the future being awaited)?
    pub fn is_awaited(&self, expr: &syn::Expr) -> bool {
        self.awaited.contains(&(expr as *const syn::Expr as usize))
    }

    /// The binding a name refers to here.
    pub fn local(&self, name: &str) -> Option<&Binding> {
        self.locals.get(name)
    }

    /// Resolves a path through the scopes here (`fs::read` → `std::fs::read`).
    pub fn resolve(&self, path: &syn::Path) -> Option<String> {
        self.resolver.resolve(path)
    }

    /// Resolves the callee of a call. A single name that nothing imports is tried against
    /// the glob imports, keeping the first candidate `known` accepts.
    pub fn resolve_callee(&self, path: &syn::Path, known: impl Fn(&str) -> bool) -> Option<String> {
        if let Some(p) = self.resolve(path) {
            return Some(p);
        }
        if path.segments.len() != 1 || self.local(&path.segments[0].ident.to_string()).is_some() {
            return None;
        }
        let name = path.segments[0].ident.to_string();
        self.resolver
            .glob_candidates(&name)
            .into_iter()
            .find(|c| known(c))
    }

    /// Resolves a type (`&Arc<Mutex<T>>` → `std::sync::Mutex`).
    pub fn resolve_type(&self, ty: &syn::Type) -> Option<String> {
        self.resolver.resolve_type(ty)
    }

    /// The resolved self type of the enclosing impl.
    pub fn self_type(&self) -> Option<&str> {
        self.impl_self.last().and_then(|s| s.as_deref())
    }

    /// Is this test code: inside a `#[test]`-like fn or a `#[cfg(test)]` item, or in a file
    /// of a test or bench target (see [`testcode`])?
    pub fn in_test_code(&self) -> bool {
        self.test_items > 0 || testcode::is_test_path(&self.file.path)
    }

    /// The settings of a rule from the config (level and options).
    pub fn settings(&self, rule: &str) -> Option<&RuleSettings> {
        self.settings.get(rule)
    }

    /// The type of an expression, as far as the engine follows types (see [`locals`]).
    pub fn type_of(&self, expr: &syn::Expr) -> Option<String> {
        match self.returns_of(expr)? {
            Returns::Type(t) => Some(t),
            Returns::Tuple(_) => None,
        }
    }

    /// What an expression evaluates to: a type, or a tuple of types from a catalogued call.
    pub fn returns_of(&self, expr: &syn::Expr) -> Option<Returns> {
        self.returns_within(expr, MAX_TYPE_DEPTH)
    }

    fn returns_within(&self, expr: &syn::Expr, depth: usize) -> Option<Returns> {
        use syn::Expr;
        let depth = depth.checked_sub(1)?;
        let type_of = |e: &syn::Expr| match self.returns_within(e, depth)? {
            Returns::Type(t) => Some(t),
            Returns::Tuple(_) => None,
        };
        match expr {
            Expr::Path(p) if p.qself.is_none() => {
                let id = p.path.get_ident()?.to_string();
                if id == "self" {
                    return self.self_type().map(|s| Returns::Type(s.to_string()));
                }
                self.local(&id)?.ty.clone().map(Returns::Type)
            }
            Expr::Paren(e) => self.returns_within(&e.expr, depth),
            Expr::Group(e) => self.returns_within(&e.expr, depth),
            Expr::Reference(e) => self.returns_within(&e.expr, depth),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.returns_within(&u.expr, depth)
            }
            Expr::Try(e) => self.returns_within(&e.expr, depth),
            Expr::Cast(c) => self.resolve_type(&c.ty).map(Returns::Type),
            Expr::Struct(s) => self.resolve(&s.path).map(Returns::Type),
            Expr::Field(f) => {
                let base = type_of(&f.base)?;
                let syn::Member::Named(name) = &f.member else {
                    return None;
                };
                let ty = self.structs.get(&base)?.get(&name.to_string())?;
                Some(Returns::Type(ty.clone()))
            }
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else { return None };
                let path =
                    self.resolve_callee(&p.path, |c| self.catalog.call_returns(c).is_some())?;
                if let Some(r) = self.catalog.call_returns(&path) {
                    return Some(r.clone());
                }
                let (ty, func) = path.rsplit_once("::")?;
                match func {
                    // Smart pointers: what they hold is what methods reach.
                    "new" if is_pointer(ty) => self.returns_within(c.args.first()?, depth),
                    // The near-universal constructor convention.
                    "new" | "default" | "with_capacity" => Some(Returns::Type(ty.to_string())),
                    _ => None,
                }
            }
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                match name.as_str() {
                    "unwrap" | "expect" | "clone" | "to_owned" | "as_ref" | "as_mut" | "borrow"
                    | "by_ref" => self.returns_within(&m.receiver, depth),
                    _ => {
                        let recv = type_of(&m.receiver)?;
                        self.catalog.method_returns(&recv, &name).cloned()
                    }
                }
            }
            _ => None,
        }
    }
}

/// How deep type inference follows receivers and wrappers (`a.b().c()?.d()`): a bound, so
/// that long generated chains cost linear time, not quadratic.
const MAX_TYPE_DEPTH: usize = 32;

fn is_pointer(path: &str) -> bool {
    matches!(
        path,
        "Arc" | "Rc" | "Box" | "std::sync::Arc" | "std::rc::Rc" | "std::boxed::Box"
    )
}
