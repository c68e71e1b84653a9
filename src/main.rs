//! The `grove` binary: everything lives in the library; see `grove::cli`.

fn main() -> std::process::ExitCode {
    grove::cli::main()
}
