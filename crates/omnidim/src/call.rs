//! The one path every request takes: a request builder's `send()` (generated, in
//! `omnidim::builder`) calls [`send`] here with its `&'static Operation`; progenitor's code builds
//! the request and calls the hooks (`hooks.rs`: checks, headers, retries, body limit,
//! validation); the result comes back here and becomes [`crate::Error`] (`error.rs`).
//!
//! The operation and what the hooks learn about the call (status, `Retry-After`, attempts, a
//! body over the limit, a strict-validation rejection) live in one per-call record, a task-local
//! seeded with the operation before the request is built. Progenitor's hook signatures carry
//! only a name, so this is how the hooks know which operation they serve without looking it up.

use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;

use progenitor_client::ResponseValue;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::{Error, Operation};

/// Headers set on one request with a builder's `.header(name, value)`.
#[derive(Clone, Default)]
pub(crate) struct ExtraHeaders {
    map: HeaderMap,
    /// The first invalid or refused header, reported by `send`.
    error: Option<String>,
}

impl std::fmt::Debug for ExtraHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: values may be credentials of the caller's.
        f.debug_list().entries(self.map.keys()).finish()
    }
}

/// Headers the client sets itself; a per-request value would bypass its rules (the key's
/// redaction, the body's encoding).
const MANAGED: [HeaderName; 4] = [
    reqwest::header::AUTHORIZATION,
    reqwest::header::CONTENT_TYPE,
    reqwest::header::CONTENT_LENGTH,
    reqwest::header::HOST,
];

/// Whether the client sets this header itself (see [`MANAGED`]).
pub(crate) fn is_managed(name: &HeaderName) -> bool {
    MANAGED.contains(name)
}

impl ExtraHeaders {
    pub(crate) fn insert<K, V>(&mut self, name: K, value: V)
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        if self.error.is_some() {
            return;
        }
        let Ok(name) = name.try_into() else {
            self.error = Some("a header name is not valid HTTP".into());
            return;
        };
        if is_managed(&name) {
            self.error = Some(format!(
                "the header {name} is set by the client, not per request"
            ));
            return;
        }
        let Ok(mut value) = value.try_into() else {
            self.error = Some(format!("the value of header {name} is not valid HTTP"));
            return;
        };
        value.set_sensitive(true);
        self.map.append(name, value);
    }
}

/// The per-call record (see the module docs).
pub(crate) struct Call {
    pub(crate) operation: &'static Operation,
    /// Keep the final response body in [`CallState::body`] (`send_with_body`).
    pub(crate) keep_body: bool,
    /// Headers of this request, taken by the `pre` hook.
    pub(crate) headers: RefCell<HeaderMap>,
    pub(crate) state: RefCell<CallState>,
}

/// What the hooks learned about the call.
#[derive(Debug, Default)]
pub(crate) struct CallState {
    /// Status of the last response received.
    pub(crate) status: Option<u16>,
    /// `Retry-After` of the last response received.
    pub(crate) retry_after: Option<Duration>,
    /// Attempts made (1 when there was no retry).
    pub(crate) attempts: u32,
    /// The body was longer than this limit (bytes) and was not read.
    pub(crate) too_large: Option<u64>,
    /// Strict response validation rejected the response (feature `validation`).
    #[cfg(feature = "validation")]
    pub(crate) rejected: Option<Box<crate::Report>>,
    /// The final body as received, when the call asked for it.
    pub(crate) body: Option<bytes::Bytes>,
}

tokio::task_local! {
    pub(crate) static CALL: Call;
}

/// The operation of the call in progress, if any.
pub(crate) fn operation() -> Option<&'static Operation> {
    CALL.try_with(|c| c.operation).ok()
}

/// Update the per-call state (no-op outside a call).
pub(crate) fn note(f: impl FnOnce(&mut CallState)) {
    let _ = CALL.try_with(|c| f(&mut c.state.borrow_mut()));
}

/// Send one request of `operation` (called by every generated builder's `send`).
pub(crate) async fn send<T, E, F>(
    operation: &'static Operation,
    headers: ExtraHeaders,
    call: F,
) -> Result<ResponseValue<T>, Error>
where
    E: serde::Serialize,
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
{
    run(operation, headers, call, false)
        .await
        .map(|(value, _)| value)
}

/// [`send`], and the body as received (every generated builder's `send_with_body`).
pub(crate) async fn send_with_body<T, E, F>(
    operation: &'static Operation,
    headers: ExtraHeaders,
    call: F,
) -> Result<(ResponseValue<T>, bytes::Bytes), Error>
where
    E: serde::Serialize,
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
{
    run(operation, headers, call, true)
        .await
        .map(|(value, body)| (value, body.unwrap_or_default()))
}

async fn run<T, E, F>(
    operation: &'static Operation,
    headers: ExtraHeaders,
    call: F,
    keep_body: bool,
) -> Result<(ResponseValue<T>, Option<bytes::Bytes>), Error>
where
    E: serde::Serialize,
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
{
    if let Some(message) = headers.error {
        return Err(Error::InvalidRequest {
            operation: operation.id,
            message,
        });
    }
    let record = Call {
        operation,
        keep_body,
        headers: RefCell::new(headers.map),
        state: RefCell::default(),
    };
    let (result, state) = CALL
        .scope(record, async {
            let result = call.await;
            (result, CALL.with(|c| c.state.take()))
        })
        .await;
    if let Some(limit) = state.too_large {
        return Err(Error::ResponseTooLarge {
            operation: operation.id,
            status: state.status.unwrap_or_default(),
            limit,
        });
    }
    // Strict validation rejected the response: that is the error, whether or not the body also
    // failed to decode into the generated type.
    #[cfg(feature = "validation")]
    if let Some(report) = state.rejected {
        return Err(Error::ResponseRejected {
            operation: operation.id,
            status: state.status.unwrap_or_default(),
            report,
        });
    }
    match result {
        Ok(value) => Ok((value, state.body)),
        Err(error) => Err(Error::from_generated(operation, error, state).await),
    }
}
