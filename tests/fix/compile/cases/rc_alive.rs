//@ dependencies: tokio+full
//@ expect: unchanged
// An `Rc` and a `RefCell` borrow are alive at the blocking calls: an `.await` there makes
// the future `!Send`.
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

pub async fn counted(path: String) -> usize {
    let shared = Rc::new(path);
    std::thread::sleep(Duration::from_millis(1));
    shared.len()
}

pub async fn borrowed(cell: &RefCell<Vec<u8>>) -> usize {
    let v = cell.borrow();
    std::thread::sleep(Duration::from_millis(1));
    v.len()
}

pub fn start() {
    tokio::spawn(counted(String::new()));
}

pub fn check_borrowed(cell: &'static RefCell<Vec<u8>>) -> impl std::future::Future<Output = usize> + 'static {
    borrowed(cell)
}
