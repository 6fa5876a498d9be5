//! Awaiting macros: `select!`, `join!` and `try_join!` of the async runtimes hold an `.await`
//! in their expansion, so a guard alive at one is held across an await.

use super::Context;

/// Macros that await inside (their expansion holds an `.await`).
const AWAITING_MACROS: &[&str] = &["select", "select_biased", "join", "try_join"];
/// Crates whose `select!`/`join!` await.
const AWAITING_MACRO_CRATES: &[&str] = &["tokio", "futures", "futures_util", "async_std"];

impl Context<'_> {
    /// Is this macro invocation an await point of the async body it is in (`tokio::select!`,
    /// `futures::join!`…)? A bare name that nothing imports counts (`#[macro_use]`).
    pub fn macro_awaits(&self, mac: &syn::Macro) -> bool {
        if !self.frame_is_async() {
            return false;
        }
        let name = super::macros::macro_name(mac);
        if !AWAITING_MACROS.contains(&name.as_str()) {
            return false;
        }
        match self.resolve(&mac.path) {
            Some(p) => p
                .split("::")
                .next()
                .is_some_and(|c| AWAITING_MACRO_CRATES.contains(&c)),
            None => mac.path.segments.len() == 1,
        }
    }
}
