//! `omnidim`: the command-line side of omnidim-rs.
//!
//! `omnidim validate` checks recorded responses against the spec, `omnidim check-live` a running
//! API, `omnidim mock` serves the spec, `omnidim proxy` validates the traffic of any client.
//!
//! Exit codes (see [`output::exit`]): 0 passed; 1 the contract does not hold (a validation error,
//! a new finding, a status that is not a documented success); 2 usage or input error; 3 the API
//! refused the key (401/403); 4 the API is unreachable or unavailable (connection failure,
//! timeout, 5xx, 429).

mod check_live;
mod mock;
mod output;
mod proxy;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "omnidim",
    version,
    about = "OmniDimension API toolkit: validate responses against the spec",
    after_help = "Exit codes: 0 passed, 1 contract failure (validation error, new finding, non-success status), 2 usage or input error, 3 unauthorized (401/403), 4 unreachable or unavailable (connection failure, timeout, 5xx, 429)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a response body (or a stream of recorded responses) against the spec.
    Validate(validate::Args),
    /// Run the spec-driven mock API on loopback until Ctrl-C.
    Mock(mock::Args),
    /// Call every read-only operation and validate each response against the spec.
    CheckLive(check_live::Args),
    /// Forward requests to an API unchanged and validate requests and responses on the way.
    Proxy(proxy::Args),
}

/// A usage or input problem: exit code 2 with a one-line message.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("{0}")]
    Message(String),
    #[error(transparent)]
    Validator(#[from] omnidim_validator::ValidatorError),
}

/// The spec at `path`, or the built-in one.
pub fn load_spec(path: Option<&std::path::Path>) -> Result<omnidim_spec::Spec, UsageError> {
    match path {
        Some(p) => omnidim_spec::Spec::from_path(p),
        None => omnidim_spec::Spec::embedded(),
    }
    .map_err(|e| UsageError::Message(e.to_string()))
}

/// A Tokio runtime for the commands that do network I/O.
pub fn runtime() -> Result<tokio::runtime::Runtime, UsageError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| UsageError::Message(format!("cannot start the async runtime: {e}")))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(args) => validate::run(args),
        Command::Mock(args) => mock::run(args),
        Command::CheckLive(args) => check_live::run(args),
        Command::Proxy(args) => proxy::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("omnidim: {e}");
            ExitCode::from(output::exit::USAGE)
        }
    }
}
