//! A progress line on stderr for long runs, when stderr is a terminal: `Linting 1200/30000
//! files…`, redrawn in place after the first second and erased at the end, so a large tree is
//! not seventeen seconds of silence. Nothing is printed in a pipe or a log.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Counts linted files; shows the count while alive (if stderr is a terminal).
pub struct Progress {
    done: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// Starts showing progress over `total` files, unless `quiet` or stderr is no terminal.
    pub fn start(total: usize, quiet: bool) -> Progress {
        let done = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let (done, stop) = (done.clone(), stop.clone());
            std::thread::spawn(move || draw(&done, &stop, total))
        });
        Progress { done, stop, thread }
    }

    /// The counter the workers bump once per file.
    pub fn counter(&self) -> &AtomicUsize {
        &self.done
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn draw(done: &AtomicUsize, stop: &AtomicBool, total: usize) {
    let started = Instant::now();
    let mut shown = false;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        if started.elapsed() < Duration::from_secs(1) {
            continue;
        }
        let n = done.load(Ordering::Relaxed);
        eprint!("\r\u{1b}[KLinting {n}/{total} files…");
        let _ = std::io::stderr().flush();
        shown = true;
    }
    if shown {
        eprint!("\r\u{1b}[K");
        let _ = std::io::stderr().flush();
    }
}
