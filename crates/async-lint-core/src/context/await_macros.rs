//! Awaiting macros (the vocabulary's: `select!`, `join!`, `try_join!`, `pending!` of the async
//! runtimes) hold an `.await` or a yield in their expansion, so a guard alive at one is held across an await.

use super::Context;
use crate::catalog::vocabulary;

impl Context<'_> {
    /// Is this macro invocation an await point of the async body it is in (`tokio::select!`,
    /// `futures::join!`…)? A bare name that nothing imports counts (`#[macro_use]`).
    pub fn macro_awaits(&self, mac: &syn::Macro) -> bool {
        if !self.innermost_frame().is_some_and(|f| f.kind.is_async()) {
            return false;
        }
        let name = super::macros::macro_name(mac);
        if !vocabulary().is_awaiting_macro(&name) {
            return false;
        }
        match self.resolve(&mac.path) {
            Some(p) => p
                .split("::")
                .next()
                .is_some_and(|c| vocabulary().is_awaiting_macro_crate(c)),
            None => mac.path.segments.len() == 1,
        }
    }
}
