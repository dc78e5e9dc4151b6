//! Opt-in checking of every response against the spec (cargo feature `validation`).
//!
//! ```
//! # fn main() -> Result<(), omnidim::Error> {
//! let client = omnidim::Client::builder()
//!     .api_key("sk-0123456789")
//!     .validate_responses(
//!         omnidim::ResponseValidation::embedded()?
//!             .on_report(|report| eprintln!("{report}"))
//!             .strict(false),
//!     )
//!     .build()?;
//! # Ok(()) }
//! ```
//!
//! Findings go to `tracing` (errors at `warn`, drift warnings at `info`) and to the callback.
//! Results are unchanged unless [`ResponseValidation::strict`] is set: then a success response
//! with an error finding becomes [`crate::Error::ResponseRejected`].

use std::fmt;
use std::sync::Arc;

pub use omnidim_validator::{Finding, Report, Severity, Validator, ValidatorError};

type Callback = Arc<dyn Fn(&Report) + Send + Sync>;

/// What to do with each response: validate it, report, and (in strict mode) reject.
#[derive(Clone)]
pub struct ResponseValidation {
    pub(crate) validator: Validator,
    pub(crate) strict: bool,
    pub(crate) callback: Option<Callback>,
}

impl fmt::Debug for ResponseValidation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseValidation")
            .field("validator", &self.validator)
            .field("strict", &self.strict)
            .field("callback", &self.callback.is_some())
            .finish()
    }
}

impl ResponseValidation {
    /// Validate against the spec built into `omnidim-validator`.
    ///
    /// The error converts into [`crate::ConfigError`] and [`crate::Error`], so `?` works in a
    /// function returning either.
    pub fn embedded() -> Result<Self, ValidatorError> {
        Ok(Self::with_validator(Validator::embedded()?))
    }

    /// Validate with this validator (e.g. `Validator::from_path` for a newer spec).
    pub fn with_validator(validator: Validator) -> Self {
        Self {
            validator,
            strict: false,
            callback: None,
        }
    }

    /// Reject success responses that have an error finding (default: report only).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Called with the report of every response that has findings.
    pub fn on_report(mut self, callback: impl Fn(&Report) + Send + Sync + 'static) -> Self {
        self.callback = Some(Arc::new(callback));
        self
    }

    /// Validate one received response; returns the report when it should reject the result.
    pub(crate) fn check(
        &self,
        operation: &str,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Option<Report> {
        let report = self
            .validator
            .validate(operation, status, content_type, body)
            .ok()?;
        // Not `findings.is_empty()`: with a small `max_findings` every finding can be omitted.
        if report.is_clean() {
            return None;
        }
        for f in &report.findings {
            match f.severity {
                Severity::Error => {
                    tracing::warn!(operation, status, instance = %f.instance, schema = %f.schema, "{}", f.message)
                }
                Severity::Warning => {
                    tracing::info!(operation, status, instance = %f.instance, schema = %f.schema, "{}", f.message)
                }
            }
        }
        if let Some(cb) = &self.callback {
            cb(&report);
        }
        (self.strict && !report.is_valid() && (200..300).contains(&status)).then_some(report)
    }
}
