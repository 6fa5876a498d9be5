//! How a fn body fails, for callers that drop its `Result`: whether it can fail at all (a
//! body declared to return `Result` whose every exit is `Ok(..)` cannot), and whether it
//! reports its failures itself (it logs at error or warning level), so that a caller's
//! `let _ = f().await` loses nothing.

use super::exits::Exits;
use super::macros::macro_name;
use super::uses::strip;
use crate::catalog::vocabulary;
pub use crate::syntax::Failure;
use syn::visit::{self, Visit};
use syn::{Expr, Item};

/// Logging macros that report a failure: `log`/`tracing`'s `error!`/`warn!` and the
/// `log_error!`/`log_warn!` wrappers crates define around them.
const FAILURE_LOGS: &[&str] = &["error", "warn", "log_error", "log_warn"];

/// Macros that cannot return from the fn they are in besides the logging ones of the
/// vocabulary: formatting, logging wrappers, assertions (which panic). Any other macro may hide an early `return Err(..)` (`bail!`, `ensure!`, a crate's
/// own), so a body invoking one is not known to never fail.
const NON_RETURNING: &[&str] = &[
    "format",
    "format_args",
    "write",
    "writeln",
    "print",
    "println",
    "eprint",
    "eprintln",
    "dbg",
    "log_trace",
    "log_debug",
    "log_info",
    "log_warn",
    "log_error",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "vec",
    "matches",
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
    "concat",
    "stringify",
    "cfg",
    "env",
    "line",
    "file",
    "column",
];

/// Can a macro of this name (`println`, `info`, `format`…) not return from the fn it is in?
pub fn never_returns_early(name: &str) -> bool {
    NON_RETURNING.contains(&name) || vocabulary().is_logging_macro(name)
}

impl Failure {
    pub fn of_body(body: &syn::Block) -> Failure {
        let exits = Exits::of_block(body);
        let mut macros = MacroFinder::default();
        macros.visit_block(body);
        let never_fails = !exits.has_try()
            && !macros.may_return
            && !exits.values.is_empty()
            && exits.values.iter().all(|v| is_ok_call(v));
        Failure {
            never_fails,
            logs_failures: macros.logs_failures,
        }
    }
}

fn is_ok_call(v: &Expr) -> bool {
    let Expr::Call(c) = strip(v) else {
        return false;
    };
    matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Ok"))
}

/// What the macros of a body may do (nested items excluded: they are other fns). Macros in
/// a nested closure or async block neither return from the fn nor report its failures, except
/// in a closure given to an error handler (`.map_err(|e| { error!(..); e })`).
#[derive(Default)]
struct MacroFinder {
    logs_failures: bool,
    may_return: bool,
    /// Inside a closure or async block that is not an error handler.
    nested: usize,
    /// The next closure is an error handler's argument.
    handler_arg: bool,
}

/// `Result` methods whose closure argument handles the error.
const ERROR_HANDLERS: &[&str] = &["map_err", "inspect_err", "unwrap_or_else", "or_else"];

impl<'ast> Visit<'ast> for MacroFinder {
    fn visit_item(&mut self, _: &'ast Item) {}

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.visit_expr(&m.receiver);
        let handler = ERROR_HANDLERS.contains(&m.method.to_string().as_str());
        for a in &m.args {
            self.handler_arg = handler && matches!(a, Expr::Closure(_));
            self.visit_expr(a);
        }
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        let handler = std::mem::take(&mut self.handler_arg);
        self.nested += usize::from(!handler);
        visit::visit_expr_closure(self, c);
        self.nested -= usize::from(!handler);
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        self.nested += 1;
        visit::visit_expr_async(self, a);
        self.nested -= 1;
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if self.nested == 0 {
            let name = macro_name(m);
            self.logs_failures |= FAILURE_LOGS.contains(&name.as_str());
            self.may_return |=
                !(NON_RETURNING.contains(&name.as_str()) || vocabulary().is_logging_macro(&name));
        }
        visit::visit_macro(self, m);
    }
}
