//@ dependencies: tokio+time
//@ also-file: src/child.rs: use super::*; pub fn rest() { sleep(std::time::Duration::from_millis(1)) }
// A file whose out-of-line module imports everything of its parent (`use super::*`) keeps its
// imports: the module may use them.
use std::thread::sleep;

mod child;

pub async fn nap() {
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    child::rest();
}
