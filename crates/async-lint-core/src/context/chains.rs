//! Chains of calls from a fn of the crate to a call a [`Target`] looks for (a blocking API,
//! `block_in_place`, a call that needs a runtime), asked from the file being checked: the
//! crate index answers for its module tree; the fns of a file outside it (a test, an
//! example, a loose file) are searched here, where their `crate::` is the file itself.

use super::{blocking, Context};
use crate::index::{BlockingChain, Call, FnRef, Node, Target};
use std::sync::Arc;

impl Context<'_> {
    /// The shortest chain of calls from the fn `f` of this crate to a call `target` looks
    /// for, across the crate's files. `None` when there is none as far as the index can tell.
    pub fn chain_to(&self, f: &FnRef, target: Target) -> Option<Arc<BlockingChain>> {
        let index = self.crate_index();
        let own = self.own_summary();
        let is_own = |g: &FnRef| own.as_ref().is_some_and(|o| std::ptr::eq(&**o, g.file()));
        if self.index.scope.path.is_some() || !is_own(f) {
            return index.chain(f, target);
        }
        // A fn of this file outside the index's module tree: its `crate::` is this file, so
        // it is not the index's to memoise.
        let node_of = |g: &FnRef| {
            if is_own(g) {
                Arc::new(self.own_node(g, target))
            } else {
                index.node(g, target)
            }
        };
        crate::index::blocking_search(f, target, &node_of).map(Arc::new)
    }

    /// [`Self::chain_to`] through the fns of this file only: for rules whose prefilter words
    /// must be in the file that makes the chain's last call.
    pub fn chain_in_file(&self, f: &FnRef, target: Target) -> Option<Arc<BlockingChain>> {
        let here = |g: &FnRef| g.file().path == self.file.path;
        if !here(f) {
            return None;
        }
        let index = self.crate_index();
        let own = self.own_summary();
        let is_own = |g: &FnRef| own.as_ref().is_some_and(|o| std::ptr::eq(&**o, g.file()));
        let node_of = |g: &FnRef| {
            if !here(g) {
                Arc::new(Node::default())
            } else if self.index.scope.path.is_none() && is_own(g) {
                Arc::new(self.own_node(g, target))
            } else {
                index.node(g, target)
            }
        };
        crate::index::blocking_search(f, target, &node_of).map(Arc::new)
    }

    /// The node of a fn of this file, made here (not memoised by the index).
    fn own_node(&self, g: &FnRef, target: Target) -> Node {
        let resolve = |c: &Call| c.target_path().and_then(|p| self.fn_sig(&p));
        let trusted =
            |path: &str| target == Target::Blocking && blocking::listed(self, |o| &o.trusted, path);
        crate::index::blocking_node(g, target, &resolve, &trusted)
    }
}
