//! A real editor on `async-lint server`: Neovim, headless, configured with the README's
//! Neovim block as written (found by its `neovim-snippet` marker), opens a file of a small
//! crate and prints the diagnostics it received; the test checks them.
//!
//! Neovim must be installed (Debian package `neovim`; `.ci/run` installs it). The test never
//! installs it: without `nvim`, it is skipped with a loud warning, and fails when `CI` is set.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

/// A blocking call after an emoji (byte column 24, UTF-16 column 22).
const LIB: &str = "pub async fn nap() {\n    let _crab = \"🦀\"; std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
const MANIFEST: &str = "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = \"1\"\n";

/// What Neovim runs after opening the file: wait for diagnostics (20 s at most), print each
/// as `line:col source message` (0-based line, byte column: Neovim's own, converted from the
/// server's UTF-16), then quit.
const REPORT: &str = r#"
local got = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
for _, d in ipairs(vim.diagnostic.get(0)) do
  local first = d.message:gsub('\n.*', '')
  io.stdout:write(string.format('%d:%d %s %s\n', d.lnum, d.col, d.source or '?', first))
end
if not got then io.stdout:write('no diagnostics\n') end
vim.cmd('qa!')
"#;

fn nvim_present() -> bool {
    Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The README's Neovim block.
fn readme_snippet() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let after = readme
        .split_once("<!-- neovim-snippet")
        .expect("the README marks its Neovim block")
        .1;
    let block = after.split_once("```lua\n").expect("a lua block").1;
    block
        .split_once("```")
        .expect("the block ends")
        .0
        .to_string()
}

#[test]
fn neovim_receives_the_diagnostics() {
    if !nvim_present() {
        assert!(
            std::env::var_os("CI").is_none(),
            "nvim is missing and CI is set: install Debian's `neovim` (.ci/run does)"
        );
        eprintln!(
            "WARNING: tests/neovim.rs SKIPPED: `nvim` is not installed (Debian package `neovim`)"
        );
        return;
    }
    let dir = common::project(&[
        ("Cargo.toml", MANIFEST.as_bytes()),
        ("src/lib.rs", LIB.as_bytes()),
        ("init.lua", readme_snippet().as_bytes()),
        ("report.lua", REPORT.as_bytes()),
    ]);
    // The snippet runs `async-lint` from PATH, as a user's would: the fresh build comes first.
    let bin = common::binary();
    let path = std::env::join_paths(
        std::iter::once(bin.parent().expect("a folder").to_path_buf()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ),
    )
    .expect("a PATH");
    let home = dir.path().join("home");
    let out = Command::new("nvim")
        .current_dir(dir.path())
        .env("PATH", path)
        // No user or site state: a fresh home for Neovim's data, state and log files.
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .args([
            "--headless",
            "-i",
            "NONE",
            "-u",
            "init.lua",
            "src/lib.rs",
            "-c",
            "luafile report.lua",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("nvim runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("diagnostics received by Neovim:\n{stdout}");
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines,
        ["1:24 async-lint blocking call `std::thread::sleep` in async fn `nap`: blocks the executor thread"],
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
