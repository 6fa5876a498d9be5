//@ dependencies: tokio+full
//@ expect: unchanged
// The lock's type is not written anywhere the linter can see (a generic behind `Deref`), but a
// `.lock()` that is not awaited makes a synchronous guard: still alive at the sleep.
use std::ops::Deref;
use std::sync::{Arc, Mutex};

pub async fn bump<L: Deref<Target = Mutex<u32>>>(state: L) -> u32 {
    let mut n = state.lock().unwrap();
    *n += 1;
    std::thread::sleep(std::time::Duration::from_millis(1));
    *n
}

pub fn start() {
    tokio::spawn(bump(Arc::new(Mutex::new(0))));
}
