//@ dependencies: tokio+full, async-trait@0.1
//@ expect: changed
// Blocking calls in a spawned future and in `#[async_trait]` methods (a `Send` one and a
// `?Send` one) with nothing `!Send` alive: the fixes compile.
use async_trait::async_trait;
use std::time::Duration;

pub fn start(path: String) {
    tokio::spawn(async move {
        std::thread::sleep(Duration::from_millis(1));
        let _ = std::fs::read_to_string(&path);
    });
}

#[async_trait]
pub trait Store {
    async fn load(&self, path: &str) -> std::io::Result<String>;
}

pub struct Files;

#[async_trait]
impl Store for Files {
    async fn load(&self, path: &str) -> std::io::Result<String> {
        std::thread::sleep(Duration::from_millis(1));
        std::fs::read_to_string(path)
    }
}

#[async_trait(?Send)]
pub trait LocalStore {
    async fn touch(&self);
}

#[async_trait(?Send)]
impl LocalStore for Files {
    async fn touch(&self) {
        std::thread::sleep(Duration::from_millis(1));
    }
}
