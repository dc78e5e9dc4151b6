//! `cargo xtask`: maintainer tasks of omnidim-rs.
//!
//! - `cargo xtask regenerate [--check]`: write (or verify) `crates/omnidim/src/generated.rs` from
//!   `openapi/omnidim.yaml`.
//! - `cargo xtask lint`: run the spec lints of `omnidim-spec`.
//! - `cargo xtask spec-diff OLD NEW`: classify the changes between two versions of the spec.
//! - `cargo xtask published-diff TYPES_TS...`: differences between the spec and the published
//!   types (the official TypeScript SDK's generated `types.ts`), explained or not.

mod published_diff;
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
    /// Compare the spec with the published types (openapi-typescript output of the official
    /// TypeScript SDK, `src/generated/types.ts`): path, method, parameters, request body and 200
    /// body of every published operation; list each difference and whether an x-omnidim-*
    /// extension explains it. Exit 0, 1 with --fail-on-unexplained when one is unexplained, 2 on
    /// errors.
    PublishedDiff {
        /// Captures of types.ts, oldest first (files, or REV:PATH); each operation is compared in
        /// the newest capture that has it.
        #[arg(required = true)]
        types: Vec<String>,
        /// The spec: a file or REV:PATH (default: openapi/omnidim.yaml of the workspace).
        #[arg(long, value_name = "SPEC")]
        spec: Option<String>,
        /// List only the unexplained differences (the counts still cover all).
        #[arg(long)]
        unexplained: bool,
        /// Exit with status 1 when a difference is unexplained.
        #[arg(long)]
        fail_on_unexplained: bool,
        /// Output form.
        #[arg(long, value_enum, default_value = "human")]
        format: published_diff::Format,
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
        Command::PublishedDiff {
            types,
            spec,
            unexplained,
            fail_on_unexplained,
            format,
        } => Ok(published_diff::run(
            &workspace_root(),
            &spec.unwrap_or_else(|| workspace_root().join(SPEC_PATH).display().to_string()),
            &types,
            format,
            unexplained,
            fail_on_unexplained,
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
