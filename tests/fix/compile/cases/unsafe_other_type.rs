//@ dependencies: tokio+full
//@ args: --unsafe-fixes
//@ expect: unchanged
// Even with --unsafe-fixes, a call whose async twin returns another type is left alone where
// its value is used: the file is written through `std::io::Write`, the directory iterated.
use std::io::Write;

pub async fn save(path: &str, data: &[u8]) -> std::io::Result<usize> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(data)?;
    let mut n = 0;
    for entry in std::fs::read_dir(".")? {
        n += entry?.path().as_os_str().len();
    }
    Ok(n)
}
