//@ dependencies: tokio+full
//@ expect: unchanged
// `drop(seen)` releases the lock, but rustc (1.95) still counts the binding as alive until the
// end of its scope when it decides whether the future is `Send`: an `.await` after the drop
// makes `tokio::spawn(dropped(..))` fail to compile. Only a closed scope makes the fix safe.
use std::sync::Mutex;

pub async fn dropped(state: &Mutex<Vec<u8>>, path: &str) -> std::io::Result<usize> {
    let seen = state.lock().unwrap();
    let n = seen.len();
    drop(seen);
    let text = std::fs::read_to_string(path)?;
    Ok(n + text.len())
}

pub fn start(state: &'static Mutex<Vec<u8>>) {
    tokio::spawn(dropped(state, "x"));
}
