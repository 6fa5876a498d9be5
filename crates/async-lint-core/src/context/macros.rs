//! Macro bodies that hold code the rules must see: syn keeps every macro's body as tokens, so
//! the common ones are parsed here into expressions (their spans stay those of the file).

use super::spawn::SPAWN_WORDS;
use std::sync::LazyLock;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Pat, Token};

/// The code inside one macro invocation, as the visitor should walk it.
pub enum MacroBody {
    /// Expressions evaluated in the enclosing context (`join!`, `format!`, `vec!`, …).
    Exprs(Vec<Expr>),
    /// `select!` arms: each future and handler runs in the enclosing context.
    Select(Vec<SelectArm>),
    /// Statements of an async generator body (`async_stream::stream! { .. }`).
    AsyncBlock(Vec<syn::Stmt>),
}

/// One `select!` arm: `pat = future (, if cond)? => handler`.
pub struct SelectArm {
    pub pat: Option<Pat>,
    pub future: Option<Expr>,
    pub guard: Option<Expr>,
    pub handler: Expr,
    /// futures' `default => ..`: runs when no arm's future is ready at the first poll.
    pub default: bool,
}

/// The last path segment of a macro invocation (`tokio::select` → `select`).
pub fn macro_name(mac: &syn::Macro) -> String {
    mac.path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// Words without one of which a macro body outside async code holds nothing the rules look
/// at. Outside async code the rules only see spawns (`tokio::spawn(..)`, `set.spawn(..)`,
/// `futs.push(..)`: the vocabulary's [`SPAWN_WORDS`]), `join_all(..)`, the handles spawns
/// return (`drop(handle)`) and the async blocks, closures and `stream!` bodies that start
/// async code again (keywords and macro names, not the vocabulary's, so kept here). Lets the
/// visitor leave the many `format!`/`assert!` bodies of synchronous code unparsed (see
/// [`super::Context::text_names_any`]).
pub static OUTSIDE_ASYNC: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let rest = ["join_all", "async", "await", "stream", "drop"];
    SPAWN_WORDS.iter().copied().chain(rest).collect()
});

/// Parses the body of a macro the engine knows. Unknown macros and bodies that do not parse
/// give `None`: their tokens stay opaque.
pub fn parse_body(mac: &syn::Macro) -> Option<MacroBody> {
    let name = macro_name(mac);
    let tokens = mac.tokens.clone();
    match name.as_str() {
        "select" | "select_biased" => parse_select.parse2(tokens).ok().map(MacroBody::Select),
        "stream" | "try_stream" => syn::Block::parse_within
            .parse2(tokens)
            .ok()
            .map(MacroBody::AsyncBlock),
        "vec" => parse_exprs
            .parse2(tokens.clone())
            .or_else(|_| parse_repeat.parse2(tokens))
            .ok()
            .map(MacroBody::Exprs),
        "join" | "try_join" | "pin" | "format" | "format_args" | "print" | "println" | "eprint"
        | "eprintln" | "write" | "writeln" | "panic" | "assert" | "assert_eq" | "assert_ne"
        | "debug_assert" | "debug_assert_eq" | "debug_assert_ne" | "unreachable" | "todo"
        | "unimplemented" | "dbg" | "matches" | "trace" | "debug" | "info" | "warn" | "error"
        | "log" | "anyhow" | "bail" | "ensure" => {
            parse_exprs.parse2(tokens).ok().map(MacroBody::Exprs)
        }
        _ => None,
    }
}

/// The arms of a `select!`-like body (`biased;`, guards, `else`/`default`/`complete` arms),
/// whatever the macro is called (a renamed import); `None` when the body is not one.
pub fn select_arms(mac: &syn::Macro) -> Option<Vec<SelectArm>> {
    parse_select.parse2(mac.tokens.clone()).ok()
}

/// The argument expressions of a macro whose arguments are expressions (`write!(out, ..)`,
/// `join!(a, b)`, `format!(..)`): empty for other macros and bodies that do not parse.
pub fn macro_args(mac: &syn::Macro) -> Vec<Expr> {
    match parse_body(mac) {
        Some(MacroBody::Exprs(e)) => e,
        _ => Vec::new(),
    }
}

/// `a, b, c` with an optional leading `biased;` (tokio's join!).
fn parse_exprs(input: ParseStream) -> syn::Result<Vec<Expr>> {
    skip_biased(input)?;
    let list = Punctuated::<MacroArg, Token![,]>::parse_terminated(input)?;
    Ok(list.into_iter().filter_map(|a| a.0).collect())
}

/// `elem; count` (vec!).
fn parse_repeat(input: ParseStream) -> syn::Result<Vec<Expr>> {
    let elem: Expr = input.parse()?;
    input.parse::<Token![;]>()?;
    let count: Expr = input.parse()?;
    Ok(vec![elem, count])
}

/// One macro argument: an expression, or a `name = expr` / `target: expr` the log macros take
/// (the value is kept).
struct MacroArg(Option<Expr>);

impl Parse for MacroArg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(syn::Ident) && input.peek2(Token![:]) && !input.peek2(Token![::]) {
            input.parse::<syn::Ident>()?;
            input.parse::<Token![:]>()?;
        }
        Ok(MacroArg(Some(input.parse()?)))
    }
}

fn skip_biased(input: ParseStream) -> syn::Result<()> {
    if input.peek(syn::Ident) && input.peek2(Token![;]) {
        let fork = input.fork();
        let id: syn::Ident = fork.parse()?;
        if id == "biased" {
            input.parse::<syn::Ident>()?;
            input.parse::<Token![;]>()?;
        }
    }
    Ok(())
}

fn parse_select(input: ParseStream) -> syn::Result<Vec<SelectArm>> {
    skip_biased(input)?;
    let mut arms = Vec::new();
    while !input.is_empty() {
        let default = input.peek(Token![default]);
        let (pat, future, guard) =
            if input.peek(Token![else]) || input.peek(Token![default]) || peek_complete(input) {
                input.parse::<proc_macro2::TokenTree>()?;
                (None, None, None)
            } else {
                let pat = Pat::parse_multi_with_leading_vert(input)?;
                input.parse::<Token![=]>()?;
                let future: Expr = input.parse()?;
                let guard = if input.peek(Token![,]) && input.peek2(Token![if]) {
                    input.parse::<Token![,]>()?;
                    input.parse::<Token![if]>()?;
                    Some(input.parse::<Expr>()?)
                } else {
                    None
                };
                (Some(pat), Some(future), guard)
            };
        input.parse::<Token![=>]>()?;
        let handler: Expr = input.parse()?;
        if !input.is_empty() {
            if matches!(handler, Expr::Block(_)) {
                let _ = input.parse::<Option<Token![,]>>()?;
            } else {
                input.parse::<Token![,]>()?;
            }
        }
        arms.push(SelectArm {
            pat,
            future,
            guard,
            handler,
            default,
        });
    }
    Ok(arms)
}

/// futures' `select!` has a `complete => ..` arm.
fn peek_complete(input: ParseStream) -> bool {
    input.peek(syn::Ident) && input.peek2(Token![=>]) && {
        let fork = input.fork();
        fork.parse::<syn::Ident>().is_ok_and(|i| i == "complete")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(src: &str) -> Option<MacroBody> {
        let mac: syn::Macro = syn::parse_str(src).expect("macro parses");
        parse_body(&mac)
    }

    #[test]
    fn select_arms_with_guards_else_and_biased() {
        let Some(MacroBody::Select(arms)) = body(
            "tokio::select! { biased; Some(x) = rx.recv(), if open => { x } _ = sleep(d) => 0, else => 1 }",
        ) else {
            panic!("select! body not understood")
        };
        assert_eq!(arms.len(), 3);
        assert!(arms[0].guard.is_some());
        assert!(arms[2].future.is_none());
    }

    #[test]
    fn exprs_of_join_format_and_log_macros() {
        let Some(MacroBody::Exprs(e)) = body("tokio::join!(a(), b())") else {
            panic!("join!")
        };
        assert_eq!(e.len(), 2);
        let Some(MacroBody::Exprs(e)) = body("log::info!(target: \"t\", \"{}\", x)") else {
            panic!("info!")
        };
        assert_eq!(e.len(), 3, "the target value, the format string and x");
        let Some(MacroBody::Exprs(e)) = body("vec![0u8; n]") else {
            panic!("vec!")
        };
        assert_eq!(e.len(), 2);
        assert!(body("my_dsl!(a b c)").is_none());
    }
}
