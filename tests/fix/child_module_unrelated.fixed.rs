//@ dependencies: tokio+time
//@ also-file: src/child.rs: pub fn double(x: u8) -> u8 { x * 2 }
// A file with an out-of-line module that does not reach back into its parent: the import the
// fix leaves unused goes (a `-D warnings` build would fail on it).

mod child;

pub async fn nap() -> u8 {
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    child::double(2)
}
