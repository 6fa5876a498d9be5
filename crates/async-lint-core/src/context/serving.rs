//! Serving code: code that runs once per request, connection or message of a long-running
//! program, where a cost paid on the executor thread is paid again for every unit of work and
//! every other task waits with it — as opposed to code that runs again and again over a
//! collection it was given (a `for` loop of a one-shot command).

use super::{Context, FrameKind, LoopKind};

/// Why the code at a point serves work as it arrives (see [`Context::serving`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Serving {
    /// In the body of a spawned task (a per-connection or per-item task, a worker).
    Task(String),
    /// In a `loop`, `while` or `while let` loop: a loop that runs until told to stop, the
    /// shape of an accept, receive or event loop. The string is how messages name it.
    EventLoop(String),
    /// Per item of a stream: in an async block made by an adapter closure
    /// (`incoming.for_each(|x| async { .. })`).
    PerItem(String),
}

impl Serving {
    /// Where the code is, for messages.
    pub fn describe(&self) -> String {
        match self {
            Serving::Task(spawner) => format!("in a task spawned by `{spawner}`"),
            Serving::EventLoop(l) | Serving::PerItem(l) => l.clone(),
        }
    }
}

impl Context<'_> {
    /// Does the file belong to the crate's module tree (a file of `src/` other than
    /// `src/bin/`), whose call graph the crate index knows?
    pub fn in_module_tree(&self) -> bool {
        self.index.scope.path.is_some()
    }

    /// Does the code at this point serve work as it arrives: in a spawned task, in an open-ended
    /// loop (`loop`, `while`, `while let`, in the frame or any async block or inline closure
    /// around it up to the enclosing fn), or in an async block made per item of an adapter? A
    /// `for` loop over a collection is not serving by itself (a one-shot command walking its
    /// input), nor is a loop the code's block leaves (`..; break;`).
    pub fn serving(&self) -> Option<Serving> {
        for (i, f) in self.frames.iter().enumerate().rev() {
            let left = |idx: usize| {
                self.block_exits
                    .iter()
                    .any(|e| e.frame == i && e.leaves(&f.loops, idx))
            };
            for (idx, l) in f.loops.iter().enumerate().rev() {
                if left(idx) {
                    continue;
                }
                let body = self.frames[..=i]
                    .iter()
                    .rev()
                    .find(|f| f.kind != FrameKind::InlineClosure)
                    .map(|f| f.describe())
                    .unwrap_or_default();
                let at = |what: &str| {
                    if i + 1 == self.frames.len()
                        || self.frames[i + 1..]
                            .iter()
                            .all(|f| f.kind == FrameKind::InlineClosure)
                    {
                        format!("in {what} of {body}")
                    } else {
                        format!("in an async block made in {what} of {body}")
                    }
                };
                match &l.kind {
                    LoopKind::Loop => return Some(Serving::EventLoop(at("a `loop`"))),
                    LoopKind::While => return Some(Serving::EventLoop(at("a `while` loop"))),
                    LoopKind::WhileLet => {
                        return Some(Serving::EventLoop(at("a `while let` loop")))
                    }
                    LoopKind::Adapter(name)
                        if self.frames[i + 1..].iter().any(|f| f.kind.is_async()) =>
                    {
                        return Some(Serving::PerItem(format!(
                            "in an async block made per item of `.{name}(..)` in {body}"
                        )));
                    }
                    _ => {}
                }
            }
            if let Some(spawner) = &f.task {
                return Some(Serving::Task(spawner.clone()));
            }
            if !matches!(
                f.kind,
                FrameKind::AsyncBlock | FrameKind::AsyncClosure | FrameKind::InlineClosure
            ) {
                break;
            }
        }
        None
    }
}
