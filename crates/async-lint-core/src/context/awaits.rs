//! May a piece of async code wait? Finds `.await` expressions, the macros that await by
//! themselves (`join!`, `select!`), the `await` keyword in any macro's tokens, and macros not
//! known to be synchronous (their expansion may await): an await is never missed, at the price
//! of sometimes assuming one.

use super::macros::macro_name;
use crate::catalog::vocabulary;
use syn::visit::{self, Visit};

/// Macros known to expand to synchronous code besides the logging ones of the vocabulary
/// (their arguments are still searched).
const SYNC_MACROS: &[&str] = &[
    "format",
    "format_args",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "panic",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "unreachable",
    "todo",
    "unimplemented",
    "dbg",
    "matches",
    "vec",
    "span",
    "trace_span",
    "debug_span",
    "info_span",
    "warn_span",
    "error_span",
    "anyhow",
    "bail",
    "ensure",
    "concat",
    "stringify",
    "include_str",
    "include_bytes",
    "env",
    "option_env",
    "cfg",
    "line",
    "file",
    "column",
    "module_path",
];

/// May the block wait anywhere (nested blocks and closures included)?
pub fn block_may_await(b: &syn::Block) -> bool {
    let mut f = AwaitFinder(false);
    f.visit_block(b);
    f.0
}

/// May the expression wait anywhere?
pub fn expr_may_await(e: &syn::Expr) -> bool {
    let mut f = AwaitFinder(false);
    f.visit_expr(e);
    f.0
}

/// Does the block contain a `loop` or `while` (code that runs for as long as it likes, not a
/// little piece of work)?
pub fn block_has_open_loop(b: &syn::Block) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_expr(&mut self, e: &'ast syn::Expr) {
            if matches!(e, syn::Expr::Loop(_) | syn::Expr::While(_)) {
                self.0 = true;
            } else if !self.0 {
                visit::visit_expr(self, e);
            }
        }
    }
    let mut f = Finder(false);
    f.visit_block(b);
    f.0
}

/// Where the block may first wait, in source order: the first `.await` keyword, awaiting
/// macro, or macro not known to be synchronous (nested blocks and closures included, so the
/// answer errs early). `None`: it never waits, and runs to its end in one poll.
pub fn first_await(b: &syn::Block) -> Option<proc_macro2::Span> {
    let mut f = FirstAwait(None);
    f.visit_block(b);
    f.0
}

/// [`first_await`] of an async fn's body as a byte offset in `file` (`None` for a sync fn):
/// the crate index's answer to "does this async fn wait, and from where".
pub(crate) fn first_await_offset(
    file: &crate::source::SourceFile,
    sig: &syn::Signature,
    body: Option<&syn::Block>,
) -> Option<usize> {
    use crate::source::SpanOf;
    sig.asyncness?;
    first_await(body?).map(|s| file.span_of_proc(s).start)
}

struct FirstAwait(Option<proc_macro2::Span>);

impl<'ast> Visit<'ast> for FirstAwait {
    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        if self.0.is_some() {
            return;
        }
        visit::visit_expr(self, e);
        if let (syn::Expr::Await(a), None) = (e, self.0) {
            self.0 = Some(a.await_token.span);
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.0.is_some() {
            return;
        }
        let mut f = AwaitFinder(false);
        f.visit_macro(mac);
        if f.0 {
            self.0 = mac.path.segments.first().map(|s| s.ident.span());
        }
    }
}

struct AwaitFinder(bool);

impl<'ast> Visit<'ast> for AwaitFinder {
    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        if self.0 {
            return;
        }
        if matches!(e, syn::Expr::Await(_)) {
            self.0 = true;
            return;
        }
        visit::visit_expr(self, e);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = macro_name(mac);
        let words = vocabulary();
        if words.is_awaiting_macro(&name)
            || !(SYNC_MACROS.contains(&name.as_str()) || words.is_logging_macro(&name))
            || mentions_await(mac.tokens.clone())
        {
            self.0 = true;
        }
    }
}

fn mentions_await(ts: proc_macro2::TokenStream) -> bool {
    ts.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == "await",
        proc_macro2::TokenTree::Group(g) => mentions_await(g.stream()),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn awaits(src: &str) -> bool {
        let b: syn::Block = syn::parse_str(src).expect("block parses");
        block_may_await(&b)
    }

    #[test]
    fn finds_awaits_in_code_and_macros() {
        let cases = [
            ("{ x.await; }", true),
            ("{ if a { f(y.await) } }", true),
            ("{ tokio::select! { _ = a => {} } }", true),
            ("{ my_macro!(conn.send(x).await) }", true),
            ("{ let y = compute(x); tx.send(y); }", false),
            ("{ println!(\"{}\", x); }", false),
            ("{ tick!(clock); }", true),
        ];
        for (src, may_await) in cases {
            assert_eq!(awaits(src), may_await, "{src}");
        }
    }

    #[test]
    fn first_await_is_the_earliest_wait_in_source_order() {
        let first = |src: &str| {
            let b: syn::Block = syn::parse_str(src).expect("block parses");
            first_await(&b).map(|s| s.start().column)
        };
        assert_eq!(first("{ a(); b(c.await).await; }"), Some(11));
        assert_eq!(first("{ a(); tick!(x); }"), Some(7));
        assert_eq!(first("{ a(); println!(\"{}\", x); }"), None);
    }
}
