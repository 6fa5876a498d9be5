//! The binary pre-commit's `language: rust` builds: pre-commit runs `cargo install --bins
//! --path .` at the repository root, whose package holds the tests, so the root package ships
//! this one binary. It is `async-lint` under a name of its own (a second `async-lint` binary
//! in the workspace would collide with the real one in `target/`).

fn main() -> std::process::ExitCode {
    async_lint::main_with(std::env::args_os())
}
