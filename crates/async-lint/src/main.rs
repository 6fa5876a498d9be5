//! `async-lint`: the command line. See the crate's library for the commands.

fn main() -> std::process::ExitCode {
    async_lint::main_with(std::env::args_os())
}
