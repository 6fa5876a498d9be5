//@ dependencies: tokio+full
//@ expect: unchanged
// The lock's type is not written anywhere the linter can see (a field of a type from another
// module), but `.lock()` without `.await` makes a synchronous guard: still alive at the sleep.
mod shared {
    pub struct State {
        pub inner: std::sync::Mutex<u32>,
    }
}

pub async fn bump(state: &shared::State) -> u32 {
    let mut n = state.inner.lock().unwrap();
    *n += 1;
    std::thread::sleep(std::time::Duration::from_millis(1));
    *n
}

pub fn start(state: &'static shared::State) {
    tokio::spawn(bump(state));
}
