//! `omnidim`: the command-line side of omnidim-rs.
//!
//! `omnidim validate` checks recorded responses against the spec. Exit codes: 0 when no error
//! finding, 1 when there is one (an unparseable body included), 2 for usage and input errors.

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
}

/// A usage or input problem: exit code 2 with a one-line message.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("{0}")]
    Message(String),
    #[error(transparent)]
    Validator(#[from] omnidim_validator::ValidatorError),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(args) => validate::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("omnidim: {e}");
            ExitCode::from(2)
        }
    }
}
