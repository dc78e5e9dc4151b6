//! Typed Rust client for the [OmniDimension](https://omnidim.io) voice-AI REST API.
//!
//! The operations and types come from `openapi/omnidim.yaml`, generated into [`generated`] by
//! `cargo xtask regenerate` (progenitor). This crate adds what the generator does not:
//! configuration from the environment, a bearer key that never shows up in `Debug` output or
//! errors, https-only transport (plain http only to loopback), timeouts, retries that never repeat
//! a call that could dial a person twice, and one error type that names the failed operation.
//!
//! ```no_run
//! # async fn demo() -> Result<(), omnidim::Error> {
//! let client = omnidim::Client::from_env()?; // OMNIDIM_API_KEY, optional OMNIDIM_BASE_URL
//! let campaign = client.get_bulk_call().bulk_call_id(314).send().await?;
//! if let Some(details) = &campaign.details {
//!     println!("{:?} is {:?}", details.name, details.status);
//! }
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod api_key;
mod call;
mod client;
mod error;
mod forward_compat;
mod kyc_upload;
mod operation;
pub mod paginate;
mod request_checks;
pub mod retry;
mod tls;
#[cfg(feature = "validation")]
mod validation;

/// Code generated from the spec by `cargo xtask regenerate`. Never edited by hand.
#[allow(
    missing_docs,
    dead_code,
    irrefutable_let_patterns,
    clippy::all,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#[rustfmt::skip]
mod generated;

pub use api_key::ApiKey;
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT, ENV_API_KEY, ENV_BASE_URL,
};
pub use error::{ApiErrorBody, ConfigError, Error, TransportKind};
pub use forward_compat::UnknownValue;
pub use generated::{
    ByteStream, OPERATIONS, ResponseValue, builder, roundtrip_success_body, types,
};
#[cfg(feature = "schemars")]
pub use generated::{request_body_type_schema, success_type_schema};
pub use kyc_upload::UploadKycDocument;
pub use operation::Operation;
pub use retry::RetryPolicy;
#[cfg(feature = "validation")]
pub use validation::{Finding, Report, ResponseValidation, Severity, Validator};
