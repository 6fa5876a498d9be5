//! What one file declares, as plain data: its fns and methods with their signatures and the
//! calls each makes, its modules and its `use` items. Holds strings and byte offsets only (no
//! syntax nodes, no proc-macro2 spans), so summaries outlive the parse that made them and can
//! be shared between threads.

use crate::source::Span;
use crate::syntax::Failure;
use crate::syntax::FrameKind;
use std::collections::HashMap;
use std::path::PathBuf;

/// The summary of one parsed file.
#[derive(Debug, Default)]
pub struct FileSummary {
    /// The file it was made from.
    pub path: PathBuf,
    /// Module path of the file (`["crate", "net"]`).
    pub module: Vec<String>,
    /// Every fn of the file: free fns, impl and trait methods with bodies, nested fns.
    pub fns: Vec<FnSig>,
    by_path: foldhash::HashMap<String, usize>,
    /// Paths of fns defined inside another fn's body (their path is the module's).
    nested: foldhash::HashSet<String>,
    /// Paths defined more than once where one is nested: which one a call means is unknown.
    ambiguous: foldhash::HashSet<String>,
    /// Paths defined more than once (cfg'd twins, inherent impls of `Async<TcpListener>` and
    /// `Async<UdpSocket>`): alike in signature as far as lookups care, not in their bodies.
    duplicated: foldhash::HashSet<String>,
    /// Modules whose body is in this file (`crate::net::tests` for `mod tests { .. }`).
    pub inline_modules: Vec<String>,
    /// `mod x;` declarations: the declared module's full path and its `#[path = ".."]`.
    pub declared_modules: Vec<ModDecl>,
    /// Module-level `use` items: `crate::a::name` → the path it names (`crate::b::f`).
    pub uses: HashMap<String, String>,
    /// Module-level glob imports: (module path, imported path) for `use path::*;`.
    pub globs: Vec<(String, String)>,
}

/// A `mod x;` declaration whose body lives in another file.
#[derive(Debug, Clone)]
pub struct ModDecl {
    /// Full path of the declared module (`crate::net::tcp`).
    pub module: String,
    /// The `#[path = ".."]` attribute's value, when present.
    pub path_attr: Option<String>,
    /// Declared as test code (`#[cfg(test)] mod tests;`, or inside test code).
    pub test: bool,
}

/// One fn or method and what it calls.
#[derive(Debug, Clone)]
pub struct FnSig {
    /// Resolved path: `crate::a::b::f` for a free fn, `crate::a::Type::m` for a method of an
    /// impl or trait (the self type as the impl names it, resolved in that file).
    pub path: String,
    pub name: String,
    pub is_async: bool,
    /// Takes `self` in some form.
    pub has_self: bool,
    /// How many parameters it takes besides `self`.
    pub params: usize,
    /// Calling it gives a future: an `async fn`, or `-> impl Future`, `BoxFuture`,
    /// `Pin<Box<dyn Future ..>>`.
    pub returns_future: bool,
    /// What the caller finally gets (the future's output when [`Self::returns_future`], the
    /// return value otherwise) is a `Result` (`Result<..>`, `io::Result<..>`, `anyhow::Result`).
    pub output_result: bool,
    /// The type the caller finally gets, as written (`Result<(), RecvError>`); `None` for `()`.
    pub output: Option<String>,
    /// Test code: a `#[test]`-like fn, inside a `#[cfg(test)]` item, or in a test file.
    pub test: bool,
    /// The `#[cfg(..)]` conditions it is compiled under (its own and its enclosing items').
    pub cfg: Vec<String>,
    /// The fn's name in its file.
    pub span: Span,
    /// 1-based line of the name.
    pub line: usize,
    /// For an async fn: the byte offset of the first place its body may wait (an `.await`,
    /// an awaiting or unknown macro), in source order; `None` when it never waits, so that a
    /// call runs it to its end in one poll (see [`crate::context::awaits::first_await`]).
    pub first_await: Option<usize>,
    /// Calls in the body, nested closures and async blocks included, in source order.
    pub calls: Vec<Call>,
    /// Whether the body can fail and reports its failures (default for a fn without body).
    pub failure: Failure,
}

/// One call inside a fn body.
#[derive(Debug, Clone)]
pub struct Call {
    pub callee: Callee,
    /// The whole call expression in the fn's file.
    pub span: Span,
    pub line: usize,
    /// The call is the operand of `.await`.
    pub awaited: bool,
    /// The frame that decides how the call runs (inline closures inherit): `SyncFn`/`AsyncFn`
    /// for the body itself, `OffloadClosure` inside `spawn_blocking(|| ..)`, `AsyncBlock`…
    pub frame: FrameKind,
    /// Inside a loop (or a per-item adapter closure) of that frame.
    pub in_loop: bool,
    /// May not run when the fn is called (see [`crate::context::Context::conditional`]).
    pub conditional: bool,
    /// How many arguments it passes (besides the receiver of a method call).
    pub args: usize,
    /// Runs once per request, connection or message (see [`crate::context::Serving`]).
    pub serving: bool,
    /// The call blocks per the catalogue and the config (see [`crate::context::blocking`]),
    /// wherever it is; [`Self::frame`] says whether it runs in the fn's own body.
    pub blocking: Option<BlockingLeaf>,
}

impl Call {
    /// The path of the crate fn this call names, when it is known: a resolved path, or
    /// `Type::method` for a method on a receiver of known type.
    pub fn target_path(&self) -> Option<String> {
        match &self.callee {
            Callee::Path {
                path,
                resolved: true,
            } => Some(path.clone()),
            Callee::Method {
                name,
                receiver: Some(ty),
            } => Some(format!("{ty}::{name}")),
            _ => None,
        }
    }
}

/// A blocking API a call reaches, as the summary keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockingLeaf {
    /// How messages name it (`std::fs::read_to_string`, `std::fs::File::read`).
    pub api: String,
    /// Why it blocks (the catalogue's words).
    pub why: String,
    /// One metadata system call (the catalogue's `cheap`).
    pub cheap: bool,
}

/// What a call names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callee {
    /// A path call, resolved when the file's scopes allow (`std::fs::read`, `crate::db::get`,
    /// `Self::helper` as `crate::a::Type::helper`); otherwise the path as written.
    Path { path: String, resolved: bool },
    /// A method call, with the receiver's resolved type when the engine knows it.
    Method {
        name: String,
        receiver: Option<String>,
    },
}

impl FnSig {
    /// The calls whose resolved path is `path`.
    pub fn calls_to<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a Call> + 'a {
        self.calls.iter().filter(
            move |c| matches!(&c.callee, Callee::Path { path: p, resolved: true } if p == path),
        )
    }
}

impl FileSummary {
    pub(crate) fn new(path: PathBuf, module: Vec<String>) -> Self {
        FileSummary {
            path,
            module,
            ..FileSummary::default()
        }
    }

    /// The fn or method at a resolved path, when this file defines it (once, unambiguously).
    pub fn fn_by_path(&self, path: &str) -> Option<&FnSig> {
        self.index_of(path).map(|i| &self.fns[i])
    }

    pub(crate) fn index_of(&self, path: &str) -> Option<usize> {
        if self.ambiguous.contains(path) {
            return None;
        }
        self.by_path.get(path).copied()
    }

    /// Adds a fn; `nested` when it is defined inside another fn's body. The first definition
    /// of a path wins (cfg'd duplicates are alike), except that a nested fn sharing its path
    /// with another fn makes the path ambiguous (two test fns each with a local `fn helper`).
    pub(crate) fn push_fn(&mut self, f: FnSig, nested: bool) -> usize {
        let i = self.fns.len();
        if self.by_path.contains_key(&f.path) {
            if nested || self.nested.contains(&f.path) {
                self.ambiguous.insert(f.path.clone());
            }
            self.duplicated.insert(f.path.clone());
        } else {
            self.by_path.insert(f.path.clone(), i);
            if nested {
                self.nested.insert(f.path.clone());
            }
        }
        self.fns.push(f);
        i
    }

    /// Records how fn `i`'s body fails. A cfg'd duplicate's facts are merged into the first
    /// definition, which lookups find: it never fails, or logs, only if every body does.
    pub(crate) fn set_failure(&mut self, i: usize, failure: Failure) {
        self.fns[i].failure = failure;
        let first = self.by_path.get(&self.fns[i].path).copied();
        if let Some(f) = first.filter(|&f| f != i) {
            let merged = &mut self.fns[f].failure;
            merged.never_fails &= failure.never_fails;
            merged.logs_failures &= failure.logs_failures;
        }
    }

    /// Is `path` defined more than once in this file (which body runs is not known)?
    pub fn is_duplicated(&self, path: &str) -> bool {
        self.duplicated.contains(path)
    }

    /// Does this file hold the body of module `module` (the file's own module or an inline one)?
    pub fn holds_module(&self, module: &str) -> bool {
        self.module.join("::") == module || self.inline_modules.iter().any(|m| m == module)
    }

    /// The paths `path` may stand for through the `use` items of the modules this file holds:
    /// `crate::api::save` → `crate::db::save` for `pub use crate::db::save;` in `crate::api`, or
    /// for a glob `pub use crate::db::*;`; also for the type of a method (`crate::api::Pool::get`).
    pub fn reexport_candidates(&self, path: &str) -> Vec<String> {
        let segs: Vec<&str> = path.split("::").collect();
        let mut out = Vec::new();
        for owner in [segs.len().saturating_sub(1), segs.len().saturating_sub(2)] {
            if owner == 0 {
                continue;
            }
            let module = segs[..owner].join("::");
            if !self.holds_module(&module) {
                continue;
            }
            let name = segs[owner];
            let tail: String = segs[owner + 1..].iter().map(|s| format!("::{s}")).collect();
            let key = format!("{module}::{name}");
            if let Some(target) = self.uses.get(&key) {
                if *target != key {
                    out.push(format!("{target}{tail}"));
                }
            }
            for (m, target) in &self.globs {
                if *m == module {
                    out.push(format!("{target}::{name}{tail}"));
                }
            }
        }
        out
    }

    /// The declaration `mod x;` of module `module` in this file.
    pub fn declaration_of(&self, module: &str) -> Option<&ModDecl> {
        self.declared_modules.iter().find(|d| d.module == module)
    }
}

/// A type as compact text: `Result<Vec<u8>, io::Error>`.
pub fn type_text(ty: &syn::Type) -> String {
    use quote::ToTokens;
    let raw = ty.to_token_stream().to_string();
    let mut out = String::with_capacity(raw.len());
    let chars: Vec<char> = raw.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().last().unwrap_or(' ');
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            let tight = |ch: char| "<>:&()[]',".contains(ch);
            if (tight(prev) && prev != ',') || (tight(next) && next != '&') {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Is a return type a `Result` by name (`Result<..>`, `io::Result<..>`, `anyhow::Result<..>`)?
pub fn is_result_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Result"),
        syn::Type::Paren(p) => is_result_type(&p.elem),
        syn::Type::Group(g) => is_result_type(&g.elem),
        _ => false,
    }
}

/// The `Output` of a future type: `impl Future<Output = T>`, `BoxFuture<'_, T>`,
/// `LocalBoxFuture<'_, T>`, `Pin<Box<dyn Future<Output = T> + ..>>`.
pub fn future_output(ty: &syn::Type) -> Option<&syn::Type> {
    match ty {
        syn::Type::ImplTrait(i) => bounds_output(i.bounds.iter()),
        syn::Type::TraitObject(t) => bounds_output(t.bounds.iter()),
        syn::Type::Paren(p) => future_output(&p.elem),
        syn::Type::Group(g) => future_output(&g.elem),
        syn::Type::Path(p) => {
            let seg = p.path.segments.last()?;
            let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
                return None;
            };
            let types = args.args.iter().filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            });
            match seg.ident.to_string().as_str() {
                "BoxFuture" | "LocalBoxFuture" => types.last(),
                "Pin" | "Box" => types.into_iter().next().and_then(future_output),
                _ => None,
            }
        }
        _ => None,
    }
}

fn bounds_output<'t>(
    bounds: impl Iterator<Item = &'t syn::TypeParamBound>,
) -> Option<&'t syn::Type> {
    crate::syntax::bound_args(bounds, "Future").find_map(|args| {
        args.args.iter().find_map(|a| match a {
            syn::GenericArgument::AssocType(at) if at.ident == "Output" => Some(&at.ty),
            _ => None,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> syn::Type {
        syn::parse_str(s).expect("type parses")
    }

    #[test]
    fn future_outputs_and_results() {
        let out = |s: &str| future_output(&ty(s)).map(is_result_type);
        assert_eq!(
            out("impl Future<Output = io::Result<()>> + Send"),
            Some(true)
        );
        assert_eq!(out("BoxFuture<'static, Result<u8, E>>"), Some(true));
        assert_eq!(
            out("Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + '_>>"),
            Some(true)
        );
        assert_eq!(out("impl Future<Output = ()>"), Some(false));
        assert_eq!(out("Vec<u8>"), None);
        assert!(is_result_type(&ty("std::io::Result<()>")));
        assert!(!is_result_type(&ty("Option<u8>")));
        assert_eq!(
            type_text(&ty("Result < Vec<u8> , std::io::Error >")),
            "Result<Vec<u8>, std::io::Error>"
        );
        assert_eq!(
            type_text(&ty("Box<dyn Error + Send>")),
            "Box<dyn Error + Send>"
        );
    }
}
