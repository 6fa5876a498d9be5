//@ dependencies: tokio+full
//@ expect: changed
// The guard's scope is closed before the blocking call: the fixed future stays `Send`.
use std::sync::Mutex;
use std::time::Duration;

pub async fn scoped(state: &Mutex<Vec<u8>>) -> usize {
    let n = {
        let seen = state.lock().unwrap();
        seen.len()
    };
    std::thread::sleep(Duration::from_millis(10));
    n
}

pub fn start(state: &'static Mutex<Vec<u8>>) {
    tokio::spawn(scoped(state));
}
