//! The one path every request takes:
//!
//! 1. a request builder's `send()` (generated, in `omnidim::builder`) calls [`send`] here with
//!    its `&'static Operation`;
//! 2. progenitor's code builds the request and calls the hooks below: `pre` (headers, timeout,
//!    the documented request checks of `request_checks.rs`) and `exec` (retries under
//!    `retry.rs`, the response-size limit, opt-in validation);
//! 3. the result comes back to [`send`] and becomes [`crate::Error`] (`error.rs`).
//!
//! The operation and what the hooks learn about the call (status, `Retry-After`, attempts, a
//! body over the limit, a strict-validation rejection) live in one per-call record, a task-local
//! seeded with the operation before the request is built. Progenitor's hook signatures carry
//! only a name, so this is how the hooks know which operation they serve without looking it up.

use std::cell::RefCell;
use std::future::Future;
use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::header::{
    AUTHORIZATION, CONTENT_LENGTH, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};

use crate::client::Inner;
use crate::generated::Client as GeneratedClient;
use crate::{Error, Operation, RetryPolicy};

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

impl ClientHooks<Inner> for GeneratedClient {
    /// Headers (the key, user agent, defaults, this request's own), the timeout, and the
    /// documented request checks (`request_checks.rs`), before anything is sent.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let Ok((operation, extra)) = CALL.try_with(|c| (c.operation, c.headers.take())) else {
            return Err(progenitor_client::Error::InvalidRequest(
                "requests are sent through omnidim::Client".into(),
            ));
        };
        let inner = self.inner();
        let headers = request.headers_mut();
        for (name, value) in &inner.default_headers {
            if !headers.contains_key(name) {
                headers.insert(name, value.clone());
            }
        }
        for (name, value) in extra {
            if let Some(name) = name {
                headers.insert(name, value);
            }
        }
        headers.insert(AUTHORIZATION, inner.auth.clone());
        headers.insert(USER_AGENT, inner.user_agent.clone());
        *request.timeout_mut() = Some(inner.timeout);

        let body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok());
        let query: Vec<(String, String)> = request
            .url()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        crate::request_checks::check(operation.id, body.as_ref(), &query)
            .map_err(progenitor_client::Error::InvalidRequest)
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let Some(operation) = operation() else {
            return self.client().execute(request).await;
        };
        let id = operation.id;
        let policy = &self.inner().retry;
        let may_retry = operation.is_read_only()
            || (operation.accepts_idempotency_key
                && request.headers().contains_key("idempotency-key"));
        let started = Instant::now();
        let mut request = request;
        let mut attempt: u32 = 1;
        loop {
            // A body that cannot be cloned (a stream) cannot be sent twice.
            let spare = if may_retry && attempt < policy.max_attempts {
                request.try_clone()
            } else {
                None
            };
            tracing::debug!(operation = id, method = %request.method(), path = request.url().path(), attempt, "sending");
            let result = self.client().execute(request).await;
            note(|c| {
                c.attempts = attempt;
                if let Ok(r) = &result {
                    c.status = Some(r.status().as_u16());
                    c.retry_after = crate::retry::retry_after(r.headers());
                }
            });
            let Some(next) = spare else {
                return self.finish(result, operation).await;
            };
            let wait = match &result {
                Ok(response) if RetryPolicy::is_retryable_status(response.status()) => {
                    crate::retry::retry_after(response.headers())
                        .unwrap_or_else(|| policy.backoff(attempt))
                }
                // Connection refused, reset or closed before an answer, or a timeout: nothing was
                // answered, and only requests that may be repeated get here.
                Err(e) if !e.is_builder() && !e.is_redirect() && !e.is_decode() => {
                    policy.backoff(attempt)
                }
                _ => return self.finish(result, operation).await,
            };
            if !policy.allows_wait(started.elapsed(), wait) {
                tracing::debug!(operation = id, attempt, ?wait, "retry budget exhausted");
                return self.finish(result, operation).await;
            }
            match &result {
                Ok(r) => tracing::warn!(
                    operation = id,
                    attempt,
                    status = r.status().as_u16(),
                    ?wait,
                    "retrying"
                ),
                Err(e) => tracing::warn!(operation = id, attempt, error = %e, ?wait, "retrying"),
            }
            drop(result);
            tokio::time::sleep(wait).await;
            request = next;
            attempt += 1;
        }
    }
}

impl GeneratedClient {
    /// Read the final response's body within the client's size limit, check it (feature
    /// `validation`), and hand back an identical response (status, version, headers, URL).
    async fn finish(
        &self,
        result: reqwest::Result<reqwest::Response>,
        operation: &'static Operation,
    ) -> reqwest::Result<reqwest::Response> {
        let mut response = result?;
        let limit = self.inner().max_response_bytes;
        let declared = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let mut body = bytes::BytesMut::new();
        let mut too_large = declared.is_some_and(|n| n > limit);
        if !too_large {
            // Never trust a declared length for the allocation: it is capped by the limit.
            body.reserve(usize::try_from(declared.unwrap_or(0).min(limit)).unwrap_or(0));
            while let Some(chunk) = response.chunk().await? {
                if (body.len() as u64).saturating_add(chunk.len() as u64) > limit {
                    too_large = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
        }
        if too_large {
            tracing::warn!(
                operation = operation.id,
                limit,
                "response body over the size limit; not read"
            );
            note(|c| c.too_large = Some(limit));
            body.clear();
        }
        let body = body.freeze();
        if CALL.try_with(|c| c.keep_body).unwrap_or(false) {
            note(|c| c.body = Some(body.clone()));
        }
        #[cfg(feature = "validation")]
        if !too_large && let Some(validation) = &self.inner().validation {
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            if let Some(report) = validation.check(
                operation.id,
                response.status().as_u16(),
                content_type,
                &body,
            ) {
                note(|c| c.rejected = Some(Box::new(report)));
            }
        }
        Ok(rebuild(response, body))
    }
}

/// A response with the same status, version, headers and URL, and this body.
fn rebuild(response: reqwest::Response, body: bytes::Bytes) -> reqwest::Response {
    use reqwest::ResponseBuilderExt;
    let mut builder = http::Response::builder()
        .status(response.status())
        .version(response.version())
        .url(response.url().clone());
    if let Some(headers) = builder.headers_mut() {
        *headers = response.headers().clone();
    }
    match builder.body(reqwest::Body::from(body)) {
        Ok(rebuilt) => reqwest::Response::from(rebuilt),
        // Unreachable: every part comes from a response that was valid.
        Err(_) => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rebuilt response (after the body was read for the limit and validation) keeps what
    /// the original had, the URL included (reqwest's `From<http::Response>` otherwise invents
    /// `http://no.url.provided.local`).
    #[test]
    fn a_rebuilt_response_keeps_status_headers_and_url() {
        use reqwest::ResponseBuilderExt;
        let url = url::Url::parse("http://127.0.0.1:9/api/v1/calls/bulk_call/314").unwrap();
        let original = http::Response::builder()
            .status(404)
            .header("retry-after", "3")
            .url(url.clone())
            .body(reqwest::Body::from("x"))
            .unwrap();
        let original = reqwest::Response::from(original);
        let rebuilt = rebuild(original, bytes::Bytes::from_static(b"{}"));
        assert_eq!(rebuilt.url(), &url);
        assert_eq!(rebuilt.status().as_u16(), 404);
        assert_eq!(rebuilt.headers()["retry-after"], "3");
    }
}
