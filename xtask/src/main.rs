//! `cargo xtask`: maintainer tasks of omnidim-rs.
//!
//! - `cargo xtask regenerate [--check]`: write (or verify) `crates/omnidim/src/generated.rs` from
//!   `openapi/omnidim.yaml`.
//! - `cargo xtask lint`: run the spec lints of `omnidim-spec`.
//! - `cargo xtask spec-diff OLD NEW`: classify the changes between two versions of the spec.

mod regenerate;
mod semver_agreement;
mod surface;

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
    /// Judge spec-diff's Rust verdicts with cargo semver-checks on a set of spec edits (slow;
    /// needs `cargo install --locked cargo-semver-checks`). Exit 1 on any disagreement.
    SemverAgreement {
        /// Only the edits whose name contains one of these (comma-separated).
        #[arg(long)]
        only: Option<String>,
    },
    /// Compare two versions of the spec: classify each change for users of the client (breaking,
    /// non-breaking, documentation), name the generated Rust items it touches, and suggest the
    /// version bump. Exit 0, 1 when --fail-on is met, 2 on errors.
    SpecDiff {
        /// The old spec: a file, or a git revision written REV:PATH (e.g. HEAD~1:openapi/omnidim.yaml).
        old: String,
        /// The new spec: a file, or a git revision written REV:PATH.
        new: String,
        /// Exit with status 1 when there is a breaking change (`breaking`) or any change (`any`).
        #[arg(long, value_enum, value_name = "WHEN")]
        fail_on: Option<spec_diff::FailOn>,
        /// Output form.
        #[arg(long, value_enum, default_value = "human")]
        format: spec_diff::Format,
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
        Command::SemverAgreement { only } => semver_agreement::run(only),
        Command::SpecDiff {
            old,
            new,
            fail_on,
            format,
        } => Ok(spec_diff::run(
            &workspace_root(),
            &old,
            &new,
            fail_on,
            format,
        )),
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
