//! Facts read off the syntax alone that several layers share: the crate index records them
//! in its summaries, the context computes and reads them. Below both, so neither imports the
//! other for them.

pub mod cfg;
pub mod testcode;

use syn::{BinOp, Expr, Pat, PatIdent};

/// What kind of body the code being visited runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    AsyncFn,
    AsyncBlock,
    AsyncClosure,
    SyncFn,
    /// A sync closure whose caller is unknown: not async (it may run anywhere, later).
    SyncClosure,
    /// A sync closure handed to a combinator that runs it right where it is written
    /// (`Iterator::map`, `Option::unwrap_or_else`, …): it inherits the enclosing context.
    InlineClosure,
    /// A closure handed to a thread or blocking pool (`spawn_blocking`, `block_in_place`,
    /// `std::thread::spawn`, `rayon::spawn`…): blocking there is what it is for.
    OffloadClosure,
    /// A `const`/`static` initialiser.
    Const,
}

impl FrameKind {
    pub fn is_async(self) -> bool {
        matches!(
            self,
            FrameKind::AsyncFn | FrameKind::AsyncBlock | FrameKind::AsyncClosure
        )
    }
}

/// What a fn body says about its failures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failure {
    /// Every way out is `Ok(..)`: no `?`, no `Err`, no other value.
    pub never_fails: bool,
    /// The body logs at error or warning level (its failures are reported where they happen).
    pub logs_failures: bool,
}

/// An expression without the parentheses and invisible groups around it.
pub fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Group(g) => strip(&g.expr),
        _ => e,
    }
}

/// The identifier patterns of a pattern, each before those inside it (`x @ Some(y)`: `x`, `y`):
/// the names it binds, and the constants and unit variants written like them (`None`).
pub fn pat_idents(pat: &Pat) -> Vec<&PatIdent> {
    fn collect<'p>(p: &'p Pat, out: &mut Vec<&'p PatIdent>) {
        match p {
            Pat::Ident(pi) => {
                out.push(pi);
                if let Some((_, sub)) = &pi.subpat {
                    collect(sub, out);
                }
            }
            Pat::Type(t) => collect(&t.pat, out),
            Pat::Reference(r) => collect(&r.pat, out),
            Pat::Paren(p) => collect(&p.pat, out),
            Pat::Guard(g) => collect(&g.pat, out),
            Pat::Tuple(t) => t.elems.iter().for_each(|p| collect(p, out)),
            Pat::TupleStruct(t) => t.elems.iter().for_each(|p| collect(p, out)),
            Pat::Struct(s) => s.fields.iter().for_each(|f| collect(&f.pat, out)),
            Pat::Slice(s) => s.elems.iter().for_each(|p| collect(p, out)),
            Pat::Or(o) => o.cases.iter().for_each(|p| collect(p, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    collect(pat, &mut out);
    out
}

/// The generic arguments of each trait bound named `name` (the last segment of its path) among
/// `bounds`: `<Path>` of `AsRef<Path>`, `<Output = T>` of `std::future::Future<Output = T>`.
pub fn bound_args<'b>(
    bounds: impl Iterator<Item = &'b syn::TypeParamBound>,
    name: &'static str,
) -> impl Iterator<Item = &'b syn::AngleBracketedGenericArguments> {
    bounds.filter_map(move |b| {
        let syn::TypeParamBound::Trait(t) = b else {
            return None;
        };
        let seg = t.path.segments.last()?;
        match &seg.arguments {
            syn::PathArguments::AngleBracketed(args) if seg.ident == name => Some(args),
            _ => None,
        }
    })
}

/// `+=`, `-=`, … `>>=`.
pub fn is_compound_assign(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::AddAssign(_)
            | BinOp::SubAssign(_)
            | BinOp::MulAssign(_)
            | BinOp::DivAssign(_)
            | BinOp::RemAssign(_)
            | BinOp::BitXorAssign(_)
            | BinOp::BitAndAssign(_)
            | BinOp::BitOrAssign(_)
            | BinOp::ShlAssign(_)
            | BinOp::ShrAssign(_)
    )
}
