//@ dependencies: tokio+time
//@ also-file: src/child.rs: use super::sleep; pub fn pause() { sleep(std::time::Duration::from_millis(1)) }
// A child module that names the parent's import (`use super::sleep`) keeps it alive.
use std::thread::sleep;

mod child;

pub async fn nap() {
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    child::pause();
}
