//! `cargo xtask spec-diff OLD NEW`: compare two versions of the OpenAPI spec, classify every
//! change for a user of the generated `omnidim` client, name the generated Rust items each change
//! touches, and suggest the version bump of the crate.
//!
//! OLD and NEW are files, or git revisions written `REV:PATH` (`HEAD~1:openapi/omnidim.yaml`),
//! read with `git show` in the workspace root. A path that exists on disk is a file.
//!
//! The comparison ([`diff`]) is pure; [`run`] only reads the two sources and prints. This crate
//! is a library target of the `xtask` package (`src/spec_diff/mod.rs`) so that its tests can call
//! [`diff`]; the `cargo xtask` binary calls [`run`].
//!
//! # Rules
//!
//! Schemas are compared in canonical form (see `normalize`): the three spellings of
//! nullability (`nullable: true`, `type: [X, 'null']`, a `oneOf`/`anyOf` `{type: 'null'}`
//! branch) are equal, as are `oneOf` of plain types and a `type` list. A change inside a shared
//! component is reported once per operation that reaches it, at the location it is reached
//! from, and classified by the direction of that use.
//!
//! Each change has two classifications. The **verdict** (`classification`) is for Rust code using
//! the generated client: does code written against the old client still compile? It follows the
//! generated surface (request builders with a setter per parameter, `#[non_exhaustive]` structs
//! without `Default`, forward-compatible `#[non_exhaustive]` enums) and is checked against
//! `cargo semver-checks` and the compiler by `cargo xtask semver-agreement`. The **HTTP view**
//! (`http`) is for the wire: can a request or response that worked before fail now? Human output
//! adds `(HTTP: ...)` where the two differ.
//!
//! | Change | Rust (verdict) | HTTP, request side | HTTP, response side |
//! |---|---|---|---|
//! | operation removed; operationId changed | breaking | breaking | |
//! | path or method changed | non-breaking (same builder) | breaking | |
//! | operation added; component schema added | non-breaking | non-breaking | |
//! | component schema removed; generated type renamed | breaking | breaking | breaking |
//! | parameter / body field / request body removed | breaking (setter gone) | breaking | |
//! | parameter / body field / request body added, optional | non-breaking | non-breaking | |
//! | parameter / body field / request body added, required | non-breaking (a new setter; `send` reports it unset) | breaking | |
//! | parameter or request body became required / optional | non-breaking (same setter) | breaking / non-breaking | |
//! | field added | non-breaking (non-exhaustive struct) | | non-breaking |
//! | field removed | breaking | | breaking |
//! | field became required / optional | breaking (`T` <-> `Option<T>`) | breaking / non-breaking | non-breaking / breaking |
//! | type changed (type set, typed `format`, enum introduced or dropped, union shape) | breaking | breaking | breaking |
//! | became nullable / non-nullable | optional property: non-breaking (`Option<T>` either way); else breaking | non-breaking / breaking | breaking / non-breaking |
//! | enum value added | non-breaking (non-exhaustive enum; unknown values decode) | non-breaking | breaking |
//! | enum value removed | breaking (variant gone) | breaking | non-breaking |
//! | constraint tightened / relaxed | non-breaking, unless an integer's lower bound moves it between `i64`, `u64` and `NonZeroU64` (breaking) | breaking / non-breaking | non-breaking / breaking |
//! | parameter serialization (`style`, `explode`, ...) changed | non-breaking | breaking | |
//! | default changed | non-breaking | non-breaking | non-breaking |
//! | additional properties typed/untyped/forbidden | breaking | breaking | breaking / non-breaking |
//! | response status removed | as HTTP | | breaking for 2XX/`default`, else non-breaking |
//! | response status / media type added | non-breaking | non-breaking | non-breaking |
//! | media type removed | breaking | breaking | breaking |
//! | `info.version` changed (sent as the `api-version` header) | non-breaking | non-breaking | |
//! | description, summary, title, example(s), tags, deprecated, externalDocs, `x-*`, untyped `format`, response headers, security | documentation | documentation | documentation |
//!
//! Suggested bump (of the crate, so from the verdict): any breaking change -> major (while the
//! crate is 0.x that means the minor), else any non-breaking change -> minor, else documentation
//! -> patch, else none. `--fail-on breaking` fails on a breaking change in either view.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod compare;
mod model;
pub mod naming;
mod normalize;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, ExitCode};

use omnidim_spec::{Spec, SpecError};
use serde_json::Value;

pub use model::{Bump, Change, ChangeKind, Classification, Report};

/// Compare two specs. Never panics; a document too large to compare completely yields a report
/// with a warning.
pub fn diff(old: &Spec, new: &Spec) -> Report {
    compare::diff(old, new)
}

/// When `spec-diff` exits with status 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any breaking change.
    Breaking,
    /// Any change at all, documentation included.
    Any,
}

/// Output form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per change, grouped by classification, then the suggested bump.
    #[default]
    Human,
    /// `{changes: [...], suggested_bump}`.
    Json,
    /// A Markdown section for CHANGELOG.md: the suggested bump, then the changes by
    /// classification with the Rust items they touch.
    Changelog,
}

/// Why `spec-diff` could not compare.
#[derive(Debug, thiserror::Error)]
pub enum SpecDiffError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{arg}: no such file, and not a git revision written REV:PATH")]
    NotFound { arg: String },
    #[error("{arg}: a revision cannot start with `-`")]
    BadRevision { arg: String },
    #[error("cannot run git to read {arg}: {source}")]
    GitSpawn {
        arg: String,
        #[source]
        source: std::io::Error,
    },
    #[error("git cannot read {arg}: {message}")]
    Git { arg: String, message: String },
    #[error("{origin}: not UTF-8 text")]
    NotUtf8 { origin: String },
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error("{origin}: not an OpenAPI 3.x document ({detail})")]
    NotOpenApi { origin: String, detail: String },
    #[error("cannot encode the report as JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write the report: {0}")]
    Output(#[source] std::io::Error),
}

impl SpecDiffError {
    /// The message on one line (YAML and git messages can span several).
    pub fn one_line(&self) -> String {
        self.to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Read the text of a source: a file when the path exists, else `REV:PATH` through
/// `git show REV:PATH` run in `root`.
pub fn read_source(root: &Path, arg: &str) -> Result<String, SpecDiffError> {
    let path = Path::new(arg);
    if !arg.is_empty() && path.exists() {
        return std::fs::read_to_string(path).map_err(|source| SpecDiffError::Read {
            path: arg.to_string(),
            source,
        });
    }
    let Some((rev, file)) = arg.split_once(':') else {
        return Err(SpecDiffError::NotFound { arg: arg.into() });
    };
    if file.is_empty() {
        return Err(SpecDiffError::NotFound { arg: arg.into() });
    }
    if rev.starts_with('-') {
        return Err(SpecDiffError::BadRevision { arg: arg.into() });
    }
    let output = Command::new("git")
        .arg("show")
        .arg(format!("{rev}:{file}"))
        .current_dir(root)
        .output()
        .map_err(|source| SpecDiffError::GitSpawn {
            arg: arg.into(),
            source,
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("unknown error")
            .to_string();
        return Err(SpecDiffError::Git {
            arg: arg.into(),
            message,
        });
    }
    String::from_utf8(output.stdout).map_err(|_| SpecDiffError::NotUtf8 { origin: arg.into() })
}

/// Parse spec text and check that it is an OpenAPI 3.x document.
pub fn parse(text: &str, origin: &str) -> Result<Spec, SpecDiffError> {
    let spec = Spec::from_yaml_str(text, origin)?;
    match spec.document().get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.") => Ok(spec),
        Some(other) => Err(SpecDiffError::NotOpenApi {
            origin: origin.into(),
            detail: format!("`openapi` is {other}"),
        }),
        None => Err(SpecDiffError::NotOpenApi {
            origin: origin.into(),
            detail: "no `openapi` field".into(),
        }),
    }
}

/// Read and parse a source (see [`read_source`]).
pub fn load(root: &Path, arg: &str) -> Result<Spec, SpecDiffError> {
    parse(&read_source(root, arg)?, arg)
}

/// The exit status for a report: 1 when `fail_on` is met, else 0.
pub fn exit_status(report: &Report, fail_on: Option<FailOn>) -> u8 {
    let fail = match fail_on {
        None => false,
        Some(FailOn::Breaking) => report.has_breaking(),
        Some(FailOn::Any) => !report.changes.is_empty(),
    };
    u8::from(fail)
}

/// Render a report.
pub fn render(report: &Report, format: Format) -> Result<String, SpecDiffError> {
    Ok(match format {
        Format::Human => report.to_human(),
        Format::Json => report.to_json()?,
        Format::Changelog => report.to_changelog(),
    })
}

/// `cargo xtask spec-diff`: exit 0, 1 (`--fail-on` met) or 2 (an error, printed on one line).
pub fn run(root: &Path, old: &str, new: &str, fail_on: Option<FailOn>, format: Format) -> ExitCode {
    match try_run(root, old, new, fail_on, format) {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            eprintln!("error: {}", e.one_line());
            ExitCode::from(2)
        }
    }
}

fn try_run(
    root: &Path,
    old: &str,
    new: &str,
    fail_on: Option<FailOn>,
    format: Format,
) -> Result<u8, SpecDiffError> {
    let old_spec = load(root, old)?;
    let new_spec = load(root, new)?;
    let report = diff(&old_spec, &new_spec);
    let text = render(&report, format)?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(SpecDiffError::Output)?;
    Ok(exit_status(&report, fail_on))
}
