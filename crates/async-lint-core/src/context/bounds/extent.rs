//! How many items a loop head or an iterator chain goes through ([`Extent`]), and the limit a
//! method of a chain puts on the per-item work before it.

use super::*;

/// The limit a method of a chain puts on the per-item closures before it
/// (`.buffer_unordered(n)`, `.for_each_concurrent(Some(n), ..)`).
pub fn chain_limit(call: &syn::ExprMethodCall) -> Option<Limit> {
    const BUFFERED: &[&str] = &[
        "buffer_unordered",
        "buffered",
        "try_buffer_unordered",
        "try_buffered",
    ];
    let name = call.method.to_string();
    if let Some(b) = BUFFERED.iter().find(|b| **b == name) {
        return Some(Limit::Buffered(b));
    }
    own_limit(call)
}

/// `for_each_concurrent(limit, ..)` limits its own closure unless the limit is `None`.
pub(super) fn own_limit(call: &syn::ExprMethodCall) -> Option<Limit> {
    let name = call.method.to_string();
    if name != "for_each_concurrent" && name != "try_for_each_concurrent" {
        return None;
    }
    let limit = call.args.first()?;
    let unbounded = matches!(strip(limit), Expr::Path(p) if p.path.is_ident("None"));
    (!unbounded).then_some(Limit::Concurrent)
}

/// How many items `for _ in head` goes through.
pub fn for_extent(head: &Expr) -> Extent {
    collection_extent(head, 0)
}

/// Adapters whose receiver is always a collection, iterator or stream.
pub(super) const ALWAYS_ITERATING: &[&str] = &[
    "for_each",
    "try_for_each",
    "for_each_concurrent",
    "try_for_each_concurrent",
    "fold",
    "try_fold",
    "scan",
    "par_iter_map",
];

/// How many items the closure of `recv.method(|x| ..)` runs for; `None` when `recv` is not
/// recognisably an iterator (`opt.map(|x| ..)` runs at most once).
pub fn adapter_extent(method: &str, recv: &Expr) -> Option<Extent> {
    match iter_extent(recv) {
        Some(e) => Some(e),
        None if ALWAYS_ITERATING.contains(&method) => Some(collection_extent(recv, 0)),
        None => None,
    }
}

/// How many items an expression yields when it is recognisably an iterator or stream:
/// a range, an array or `vec!` literal, `xs.iter()`, `stream::iter(xs)`, an adapter chain on
/// one of those. `None` when it is not recognisable as one.
pub fn iter_extent(e: &Expr) -> Option<Extent> {
    extent_at(e, 0)
}

/// Receiver chains longer than this are not followed (linear time on generated code).
pub(super) const MAX_CHAIN: usize = 64;

pub(super) fn extent_at(e: &Expr, depth: usize) -> Option<Extent> {
    if depth > MAX_CHAIN {
        return None;
    }
    match strip(e) {
        Expr::Range(r) => Some(range_extent(r)),
        Expr::Array(_) => Some(Extent::Fixed("an array literal")),
        Expr::Reference(r) => extent_at(&r.expr, depth + 1),
        Expr::Macro(m) if macro_name(&m.mac) == "vec" => Some(vec_extent(&m.mac)),
        Expr::Call(c) => call_extent(c, depth),
        Expr::MethodCall(m) => method_extent(m, depth),
        _ => None,
    }
}

/// The extent of a collection expression iterated as a whole (`for x in xs`, `xs.iter()`).
pub(super) fn collection_extent(e: &Expr, depth: usize) -> Extent {
    if let Some(ext) = extent_at(e, depth + 1) {
        return ext;
    }
    match strip(e) {
        Expr::Path(p)
            if p.path
                .segments
                .last()
                .is_some_and(|s| is_constant(&s.ident)) =>
        {
            Extent::Fixed("a constant")
        }
        Expr::Tuple(_) => Extent::Fixed("a tuple"),
        Expr::Field(f) if is_self(&f.base) => Extent::Structural,
        // A configured collection (`cfg.hooks`, `self.config.listeners`).
        other if is_config_place(other) => Extent::Structural,
        // A copy of a collection has as many items.
        Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "clone" | "to_vec") => {
            collection_extent(&m.receiver, depth + 1)
        }
        Expr::Reference(r) => collection_extent(&r.expr, depth + 1),
        _ => Extent::Unknown,
    }
}

pub(super) fn range_extent(r: &syn::ExprRange) -> Extent {
    let Some(end) = &r.end else {
        return Extent::Unknown;
    };
    if is_literal(end) {
        Extent::Fixed("a range with a literal bound")
    } else if matches!(strip(end), Expr::Path(p) if p.path.segments.last().is_some_and(|s| is_constant(&s.ident)))
    {
        Extent::Fixed("a range up to a constant")
    } else {
        Extent::Count
    }
}

pub(super) fn vec_extent(mac: &syn::Macro) -> Extent {
    match parse_body(mac) {
        // `vec![elem; n]` parses as two expressions like `vec![a, b]`; the tokens tell them apart.
        Some(MacroBody::Exprs(exprs)) => {
            let repeat = mac
                .tokens
                .clone()
                .into_iter()
                .any(|t| matches!(&t, proc_macro2::TokenTree::Punct(p) if p.as_char() == ';'));
            match exprs.last() {
                Some(n) if repeat && !is_literal(n) => Extent::Count,
                _ => Extent::Fixed("a `vec!` literal"),
            }
        }
        _ => Extent::Unknown,
    }
}

pub(super) fn call_extent(c: &syn::ExprCall, depth: usize) -> Option<Extent> {
    let Expr::Path(p) = strip(&c.func) else {
        return None;
    };
    let path = crate::resolve::path_string(&p.path);
    let mut segs = path.rsplit("::");
    let last = segs.next()?;
    let parent = segs.next();
    match (parent, last) {
        (Some("iter" | "stream"), "once") => Some(Extent::Fixed("a single item")),
        (Some("stream"), "iter") => Some(
            c.args
                .first()
                .map_or(Extent::Unknown, |a| collection_extent(a, depth + 1)),
        ),
        (Some("iter" | "stream"), "repeat" | "repeat_with" | "from_fn" | "unfold" | "poll_fn") => {
            Some(Extent::Unknown)
        }
        (
            Some(
                "ReceiverStream"
                | "UnboundedReceiverStream"
                | "BroadcastStream"
                | "IntervalStream"
                | "TcpListenerStream"
                | "UnixListenerStream",
            ),
            "new",
        ) => Some(Extent::Unknown),
        _ => None,
    }
}

pub(super) fn method_extent(m: &syn::ExprMethodCall, depth: usize) -> Option<Extent> {
    let name = m.method.to_string();
    match name.as_str() {
        // Sources: a collection (or stream) turned into an iterator.
        "iter" | "into_iter" | "iter_mut" | "par_iter" | "into_par_iter" | "par_iter_mut"
        | "keys" | "values" | "values_mut" | "into_keys" | "into_values" => {
            Some(collection_extent(&m.receiver, depth + 1))
        }
        // A queue drained, a listener, chunks of data: items of unknown number.
        // `xs.chunks(xs.len().div_ceil(workers))`: as many chunks as workers.
        "chunks" | "chunks_exact" if m.args.first().is_some_and(divides) => Some(Extent::Count),
        "drain" | "chunks" | "chunks_exact" | "windows" | "lines" | "split_whitespace"
        | "char_indices" | "incoming" | "into_stream" => Some(Extent::Unknown),
        "take" => match m.args.first() {
            Some(n) if is_literal(n) => Some(Extent::Fixed("`take` with a literal count")),
            Some(Expr::Path(p))
                if p.path
                    .segments
                    .last()
                    .is_some_and(|s| is_constant(&s.ident)) =>
            {
                Some(Extent::Fixed("`take` with a constant count"))
            }
            _ => extent_at(&m.receiver, depth + 1),
        },
        // Adapters: no more items than their receiver.
        "enumerate" | "map" | "filter" | "filter_map" | "cloned" | "copied" | "rev" | "skip"
        | "step_by" | "inspect" | "peekable" | "fuse" | "by_ref" | "skip_while" | "take_while"
        | "map_while" | "then" | "collect" => extent_at(&m.receiver, depth + 1),
        "zip" => {
            let a = extent_at(&m.receiver, depth + 1);
            let b = m.args.first().and_then(|a| extent_at(a, depth + 1));
            match (a, b) {
                (Some(f @ Extent::Fixed(_)), _) | (_, Some(f @ Extent::Fixed(_))) => Some(f),
                (a, b) => a.or(b),
            }
        }
        "chain" => {
            let a = extent_at(&m.receiver, depth + 1)?;
            let b = m
                .args
                .first()
                .map_or(Extent::Unknown, |a| collection_extent(a, depth + 1));
            match (a, b) {
                (Extent::Fixed(f), Extent::Fixed(_)) => Some(Extent::Fixed(f)),
                (Extent::Unknown, _) | (_, Extent::Unknown) => Some(Extent::Unknown),
                _ => Some(Extent::Count),
            }
        }
        "flat_map" | "flatten" => extent_at(&m.receiver, depth + 1).map(|_| Extent::Unknown),
        _ => None,
    }
}

/// Is the expression a size divided by a count (`len / n`, `len.div_ceil(n)`)?
pub(super) fn divides(e: &Expr) -> bool {
    match strip(e) {
        Expr::Binary(b) => matches!(b.op, BinOp::Div(_)) || divides(&b.left),
        Expr::MethodCall(m) => m.method == "div_ceil" || divides(&m.receiver),
        _ => false,
    }
}

pub(super) fn is_self(e: &Expr) -> bool {
    matches!(strip(e), Expr::Path(p) if p.path.is_ident("self"))
}

/// Does the condition compare an order (`<`, `<=`, `>`, `>=`): a count against a cap?
pub(super) fn has_ordering(cond: &Expr) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_bin_op(&mut self, op: &'ast BinOp) {
            self.0 |= matches!(
                op,
                BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_) | BinOp::Ge(_)
            );
        }
    }
    let mut f = Finder(false);
    f.visit_expr(cond);
    f.0
}

/// `SCREAMING_CASE` names are constants.
pub(super) fn is_constant(id: &syn::Ident) -> bool {
    let s = id.to_string();
    s.chars().any(|c| c.is_ascii_uppercase())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// An integer literal, possibly negated, cast or combined with other literals.
pub(super) fn is_literal(e: &Expr) -> bool {
    match strip(e) {
        Expr::Lit(_) => true,
        Expr::Unary(u) => is_literal(&u.expr),
        Expr::Cast(c) => is_literal(&c.expr),
        Expr::Binary(b) => is_literal(&b.left) && is_literal(&b.right),
        _ => false,
    }
}
