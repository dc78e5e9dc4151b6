//! `omnidim`: the command-line side of omnidim-rs.
//!
//! `omnidim validate` checks recorded responses against the spec. Exit codes: 0 when no error
//! finding, 1 when there is one (an unparseable body included), 2 for usage and input errors.

mod check_live;
mod mock;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "omnidim",
    version,
    about = "OmniDimension API toolkit: validate responses against the spec"
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
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("omnidim: {e}");
            ExitCode::from(2)
        }
    }
}
