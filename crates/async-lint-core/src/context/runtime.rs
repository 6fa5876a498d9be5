//! Runtimes: which runtime the code being visited runs on, as far as the file shows it (an
//! async fn under a runtime attribute such as `#[tokio::test]`, an async block given to the
//! `block_on` of a runtime built in sight), and whether the code is the `drop` of a `Drop`
//! impl. The attributes and builders are data (`rules/runtimes.toml`).

use super::{Context, FrameKind};
use crate::catalog::runtime::{Flavor, Runtimes};
use crate::source::Span;
use std::sync::Arc;
use syn::Expr;

/// Where code comes to run on a runtime, and on which flavor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeRoot {
    /// `None` when the runtime is not built in sight (`self.rt.block_on(async { .. })`).
    pub flavor: Option<Flavor>,
    /// How messages name it: "`#[tokio::test]`", "`new_current_thread()`".
    pub shown: String,
    /// The attribute, or the call that builds the runtime.
    pub span: Span,
}

/// How deep a receiver chain is followed to its builder (`Builder::new_current_thread()
/// .enable_all().build().unwrap()`).
const MAX_CHAIN: usize = 16;

/// The runtime an async fn runs on by its attributes (`#[tokio::test]`,
/// `#[tokio::main(flavor = "current_thread")]`, `#[actix_web::main]`).
pub(crate) fn of_attrs(cx: &Context<'_>, attrs: &[syn::Attribute]) -> Option<Arc<RuntimeRoot>> {
    let runtimes = Runtimes::builtin();
    let names = runtimes.attribute_names();
    attrs.iter().find_map(|a| {
        let path = a.path();
        let last = path.segments.last()?;
        if !names.iter().any(|n| last.ident == n) {
            return None;
        }
        let resolved = cx
            .resolve(path)
            .unwrap_or_else(|| crate::resolve::path_string(path));
        let attr = runtimes.attribute(&resolved)?;
        let named = match &a.meta {
            syn::Meta::List(list) if !attr.fixed => flavor_argument(list.tokens.clone()),
            _ => None,
        };
        let text: String = cx.text(a).split_whitespace().collect::<Vec<_>>().join(" ");
        let shown = if text.len() <= 60 {
            format!("`{text}`")
        } else {
            format!("`#[{resolved}]`")
        };
        Some(Arc::new(RuntimeRoot {
            flavor: Some(named.unwrap_or(attr.flavor)),
            shown,
            span: cx.span(a),
        }))
    })
}

/// Does a fn expect to panic (`#[should_panic]`)? A test that checks a panic.
pub(crate) fn expects_panic(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("should_panic"))
}

/// The flavor a `flavor = ".."` argument of a runtime attribute names.
fn flavor_argument(tokens: proc_macro2::TokenStream) -> Option<Flavor> {
    let tokens: Vec<proc_macro2::TokenTree> = tokens.into_iter().collect();
    tokens.windows(3).find_map(|w| match w {
        [proc_macro2::TokenTree::Ident(k), proc_macro2::TokenTree::Punct(eq), proc_macro2::TokenTree::Literal(v)]
            if k == "flavor" && eq.as_char() == '=' =>
        {
            Flavor::named(v.to_string().trim_matches('"'))
        }
        _ => None,
    })
}

/// The runtime an expression is or builds, when its builder is in sight: a chain from a
/// catalogued builder (`Builder::new_current_thread().enable_all().build()?`), or a local
/// bound to one.
pub fn runtime_of(cx: &Context<'_>, expr: &Expr) -> Option<Arc<RuntimeRoot>> {
    let mut e = expr;
    for _ in 0..MAX_CHAIN {
        e = match e {
            Expr::MethodCall(m) => &m.receiver,
            Expr::Try(t) => &t.expr,
            Expr::Paren(p) => &p.expr,
            Expr::Reference(r) => &r.expr,
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else { return None };
                let path = cx.resolve(&p.path)?;
                let flavor = Runtimes::builtin().builder(&path)?;
                let name = p.path.segments.last()?.ident.to_string();
                let shown = match p.path.segments.len() {
                    n if n >= 2 && name == "new" => {
                        format!("`{}::new()`", p.path.segments[n - 2].ident)
                    }
                    _ => format!("`{name}()`"),
                };
                return Some(Arc::new(RuntimeRoot {
                    flavor: Some(flavor),
                    shown,
                    span: cx.span(c),
                }));
            }
            Expr::Path(p) => {
                let id = p.path.get_ident()?.to_string();
                return cx.local(&id)?.runtime.clone();
            }
            _ => return None,
        };
    }
    None
}

/// Notes on the binding `name` the runtime its initialiser builds, when it builds one.
pub(crate) fn note(cx: &mut Context<'_>, name: &syn::Ident, init: &Expr) {
    let Some(root) = runtime_of(cx, init) else {
        return;
    };
    if let Some(b) = cx.locals.get_mut(&name.to_string()) {
        b.runtime = Some(root);
    }
}

/// When `m` is `<runtime>.block_on(async { .. })`: the async block's address and the runtime
/// it runs on (of unknown flavor when the runtime is not built in sight).
pub(crate) fn block_on_body(
    cx: &Context<'_>,
    m: &syn::ExprMethodCall,
) -> Option<(usize, Arc<RuntimeRoot>)> {
    if m.method != "block_on" {
        return None;
    }
    let body = m.args.first()?;
    if !matches!(body, Expr::Async(_)) {
        return None;
    }
    let root = runtime_of(cx, &m.receiver).unwrap_or_else(|| {
        Arc::new(RuntimeRoot {
            flavor: None,
            shown: format!("`{}`", cx.text(&*m.receiver)),
            span: cx.span(&*m.receiver),
        })
    });
    Some((body as *const Expr as usize, root))
}

impl Context<'_> {
    /// The span of a call without the outer attributes syn counts in it
    /// (`#[cfg(..)] tokio::spawn(..)` is reported at `tokio::spawn(..)`).
    pub fn call_span(&self, call: &Expr) -> Span {
        let start = match call {
            Expr::Call(c) => self.span(&*c.func),
            Expr::MethodCall(m) => self.span(&*m.receiver),
            _ => return self.span(call),
        };
        Span::new(start.start, self.span(call).end)
    }

    /// The runtime the code here runs on, when the file shows it: the innermost frame that
    /// names one, through async blocks and closures (they run on the runtime of the task that
    /// awaits or spawns them) and closures run in place; not through a fn or a closure run
    /// elsewhere (a thread, the blocking pool, a caller unknown).
    pub fn runtime(&self) -> Option<&RuntimeRoot> {
        for f in self.frames.iter().rev() {
            if let Some(r) = &f.runtime {
                return Some(r);
            }
            if !matches!(
                f.kind,
                FrameKind::InlineClosure | FrameKind::AsyncBlock | FrameKind::AsyncClosure
            ) {
                return None;
            }
        }
        None
    }

    /// The paths of the calls the closures around the code here are handed to, innermost
    /// first, up to the enclosing fn.
    pub fn enclosing_callers(&self) -> impl Iterator<Item = &str> {
        let fn_at = self
            .frames
            .iter()
            .rposition(|f| matches!(f.kind, FrameKind::SyncFn | FrameKind::AsyncFn))
            .unwrap_or(0);
        self.frames[fn_at..]
            .iter()
            .rev()
            .filter_map(|f| f.caller.as_deref())
    }

    /// Is the code here in a fn that expects to panic (`#[should_panic]`), or nested in one?
    pub fn expects_panic(&self) -> bool {
        self.frames.iter().any(|f| f.expects_panic)
    }

    /// The resolved path of the trait the enclosing impl implements (`Drop`, `std::ops::Drop`).
    pub fn impl_trait(&self) -> Option<&str> {
        self.impl_trait.last().and_then(|t| t.as_deref())
    }

    /// Is the code here the body of `drop` in an `impl Drop for ..` (closures run in place
    /// included, closures and async blocks run elsewhere not)?
    pub fn in_drop(&self) -> bool {
        let is_drop = |t: &str| t == "Drop" || t.ends_with("ops::Drop");
        self.frame()
            .is_some_and(|f| f.kind == FrameKind::SyncFn && f.name.as_deref() == Some("drop"))
            && self.impl_trait().is_some_and(is_drop)
    }
}
