//@ dependencies: tokio+time
// A file that declares an out-of-line module keeps its imports: the module may use them
// through `use super::*`.
use std::thread::sleep;

mod child;

pub async fn nap() {
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
}
