#![doc = include_str!("../README.md")]
//!
//! ## Generated code
//!
//! The generated operations and types are in [`builder`] (one request builder per operation,
//! created by the methods of [`Client`]) and [`types`]; [`OPERATIONS`] describes every
//! operation. Regenerated from the spec by `cargo xtask regenerate`; never edited by hand.
#![cfg_attr(docsrs, feature(doc_cfg))]
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

/// Code generated from the spec by `cargo xtask regenerate`. Never edited by hand. Not exempt
/// from `missing_docs`: every generated item carries the spec's words (xtask `surface::describe`
/// and `surface::types`), and a regeneration that leaves one bare fails the build.
#[allow(
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
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_PAGES,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, ENV_API_KEY, ENV_BASE_URL,
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
pub use validation::{Finding, Report, ResponseValidation, Severity, Validator, ValidatorError};
