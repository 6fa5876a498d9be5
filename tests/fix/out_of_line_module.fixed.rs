//@ dependencies: tokio+time
//@ no-compile: its `mod child;` has no file (the case is about the import the module may use)
// A file that declares an out-of-line module keeps its imports: the module may use them
// through `use super::*`.
use std::thread::sleep;

mod child;

pub async fn nap() {
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
}
