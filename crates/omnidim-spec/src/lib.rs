#![doc = concat!(include_str!("../README.md"), "\n## In detail\n\n")]
//! The OmniDimension OpenAPI document as data.
//!
//! `openapi/omnidim.yaml` is the single source of truth of omnidim-rs. This crate is the one place
//! that reads it: it loads the YAML ([`Spec`]), checks it ([`lint`]), lists its operations
//! ([`Spec::operations`]), walks its schemas and examples ([`schema_walk`]), and performs the single
//! conversion from the OpenAPI 3.1 idioms the upstream reference uses into the 3.0 dialect that
//! `progenitor`/`openapiv3` read ([`convert`]).
//!
//! Nothing here panics on its input: every failure is a [`SpecError`] or a [`lint::Finding`] that
//! names the place in the document (a JSON pointer, and a line where the YAML parser gives one).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod convert;
mod error;
pub mod lint;
mod load;
mod operations;
pub mod pointer;
pub mod router;
pub mod sample;
pub mod schema_walk;
mod strict_yaml;
mod yaml_depth;

pub use error::SpecError;
pub use load::Spec;
pub use operations::{HttpMethod, Operation, OperationResponse, Parameter};

/// The spec of the workspace, `openapi/omnidim.yaml`, embedded at compile time.
///
/// Read through `crates/omnidim-spec/openapi/omnidim.yaml`, a symbolic link to the workspace's
/// file: a published crate may only embed files inside its own directory, and `cargo package`
/// stores the linked file's contents, so the crate on crates.io carries the spec itself while the
/// repository keeps one copy of it at the top.
pub const EMBEDDED_YAML: &str = include_str!("../openapi/omnidim.yaml");

/// Workspace-relative path of the embedded spec, used in generated headers and messages.
pub const EMBEDDED_PATH: &str = "openapi/omnidim.yaml";
