//! `cargo async-lint ...`: cargo runs `cargo-async-lint async-lint ...` for an unknown
//! subcommand (its external-subcommand convention). Without a subcommand, `check` is meant.

fn main() -> std::process::ExitCode {
    async_lint::main_with(async_lint::cargo_args(std::env::args_os()))
}
