//@ dependencies: tokio+full, tracing@0.1
//@ expect: unchanged
// A `tracing` span entered by a guard: an `.await` while it is entered gives wrong traces,
// and `Entered` is `!Send`.
use std::time::Duration;

pub async fn traced() {
    let span = tracing::info_span!("work");
    let _entered = span.enter();
    std::thread::sleep(Duration::from_millis(1));
}

pub fn start() {
    tokio::spawn(traced());
}
