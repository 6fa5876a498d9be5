//@ dependencies: tokio+full
//@ expect: unchanged
// A std lock guard is alive where the sleep would become an `.await`: the future would no
// longer be `Send`, and `tokio::spawn` needs it to be. The fix is left to a reader.
use std::sync::RwLock;
use std::time::Duration;

pub async fn refresh(state: &RwLock<Vec<u8>>) -> usize {
    let seen = state.read().unwrap();
    std::thread::sleep(Duration::from_millis(10));
    seen.len()
}

pub fn start(state: &'static RwLock<Vec<u8>>) {
    tokio::spawn(refresh(state));
}
