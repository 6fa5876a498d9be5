//@ dependencies: tokio+fs+time
// Safe fixes in a crate that depends on tokio: the blocking calls become their tokio
// counterparts, `.await`ed, and the imports they leave unused go; nested calls are fixed over
// two rounds; `File::open` (a different type in tokio) is only a suggestion.
use std::thread::sleep;
use std::time::Duration;
use std::{fs, io};

pub async fn refresh(path: &str, copy: &str) -> io::Result<Vec<u8>> {
    sleep(Duration::from_millis(10));
    let data = fs::read(path)?;
    std::fs::write(copy, std::fs::read_to_string(path)?)?;
    let _file = std::fs::File::open(path)?;
    Ok(data)
}

pub fn still_sync(path: &str) -> io::Result<()> {
    std::fs::remove_file(path)
}
