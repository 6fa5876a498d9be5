//! Analyses: the rule-specific facts, above the semantic context (frames, scopes, locals,
//! types) and below the rules. A rule declares what it reads in [`Rule::analyses`]; the
//! visitor makes one of each declared analysis per file and calls its hooks ([`Analysis`])
//! in the one pass that keeps the semantic facts, so an analysis no enabled rule declares
//! costs nothing. A rule reads it with `cx.get::<Guards>()`. The query analyses compute
//! their answer when a rule asks, for the body it asks about:
//!
//! - [`guards`] (hooks, [`GUARDS`]): lock guards, `RefCell` borrows, listed guards and
//!   `!Send` values alive at a point — lock-across-await, guard-across-await, and
//!   blocking-in-async's fix (an added `.await` must not meet one);
//! - [`dataflow`] (query): what the statements between awaits read and write —
//!   sequential-awaits, await-in-loop;
//! - [`callees`] (query): the crate fn an awaited call runs and what it locks first;
//! - [`closures`] (hooks, [`CLOSURE_BLOCKS`]): what a sync closure bound to a local blocks
//!   on — blocking-in-async;
//! - [`LOOP_BOUNDS`]: the bounds the visitor keeps on its loops, scanned only when an
//!   enabled rule declares them (unbounded-spawn, tiny-task).
//!
//! Rules do not walk the file. The walks left in rule files each look at one node a hook
//! was called with, for a question only that rule asks, so they run only where the rule's
//! hook fires (as hooks they would run at every node):
//!
//! | walker | what it answers, for the node the hook was given |
//! |---|---|
//! | `busy_wait::scan::Scan` | the body of one loop: does it poll state with no wait? |
//! | `busy_wait::scan::FindReads` | one condition: which reads of shared state it makes |
//! | `busy_wait::scan::Exits` | one branch of that loop: does it leave the loop? |
//! | `cancel_unsafe_select::Awaited` | one `select!` arm's async block: what it awaits |
//! | `unbounded_spawn::drives_its_item::Finder` | one closure argument: does it drive its item? |
//! | `timeout_never_fires::Calls` | the one future a timeout wraps: the calls of its poll |
//! | `await_in_loop::order::asserts_each::Asserts` | one loop body: does it assert per case? |
//! | `await_in_loop::order::keeps_order::Sink` | one loop body: does it hand results on in order? |
//! | `await_in_loop::order::found_by_lookup::Lookup` | one loop body: is a local looked up by item? |
//! | `swallowed_task_error::results::reports_err::ErrFinder` | the statements after one `let _ =`: do they make an `Err`? |
//!
//! [`Rule::analyses`]: crate::context::Rule::analyses

pub mod callees;
pub mod closures;
pub mod dataflow;
pub mod guards;

pub use crate::context::{Analysis, Need, LOOP_BOUNDS};
pub use closures::{BoundClosures, CLOSURE_BLOCKS};
pub use guards::{AwaitPoint, Crossing, Guard, Guards, GUARDS};
