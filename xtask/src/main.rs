//! `cargo xtask`: maintainer tasks of omnidim-rs.
//!
//! - `cargo xtask regenerate [--check]`: write (or verify) `crates/omnidim/src/generated.rs` from
//!   `openapi/omnidim.yaml`.
//! - `cargo xtask lint`: run the spec lints of `omnidim-spec`.

mod client_surface;
mod regenerate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Maintainer tasks of omnidim-rs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate crates/omnidim/src/generated.rs from the spec with progenitor.
    Regenerate {
        /// Write nothing; fail with a diff when the checked-in file is stale.
        #[arg(long)]
        check: bool,
        /// The spec to read (default: openapi/omnidim.yaml of the workspace).
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// Write (or check) this file instead of crates/omnidim/src/generated.rs.
        #[arg(long, value_name = "PATH")]
        output: Option<PathBuf>,
    },
    /// Check the spec: unique operationIds, declared path parameters, resolvable $refs, and every
    /// example valid against its own schema.
    Lint {
        /// The spec to read (default: openapi/omnidim.yaml of the workspace).
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
    },
}

/// The workspace root (xtask lives one level below it).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// Workspace-relative path of the spec.
pub const SPEC_PATH: &str = "openapi/omnidim.yaml";
/// Workspace-relative path of the generated client code.
pub const GENERATED_PATH: &str = "crates/omnidim/src/generated.rs";

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Regenerate {
            check,
            spec,
            output,
        } => regenerate::run(check, spec, output),
        Command::Lint { spec } => lint(spec),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                eprintln!("  caused by: {s}");
                source = s.source();
            }
            ExitCode::from(2)
        }
    }
}

fn lint(spec: Option<PathBuf>) -> Result<ExitCode, regenerate::XtaskError> {
    let (spec, _) = regenerate::load_spec(spec)?;
    let findings = omnidim_spec::lint::lint(&spec);
    let operations = spec.operations().len();
    if findings.is_empty() {
        println!(
            "{}: {operations} operations, no lint findings",
            spec.origin()
        );
        return Ok(ExitCode::SUCCESS);
    }
    for f in &findings {
        eprintln!("{}: {f}", spec.origin());
    }
    eprintln!("{}: {} lint finding(s)", spec.origin(), findings.len());
    Ok(ExitCode::FAILURE)
}
