//! The hook progenitor's generated client calls to send each request (see `HooksMode::Expected`
//! in xtask): tracing, retries under [`crate::RetryPolicy`], and a record of what the final
//! response was.
//!
//! The record exists because progenitor decodes a documented error response as JSON before it
//! hands it back, and an error page that is not JSON (an empty 503, an HTML 502) then comes back
//! as a bare decoding error without its status. The generated wrappers run each call inside
//! [`record`], the hook notes the status there, and [`crate::Error`] is built from both.

use std::cell::RefCell;
use std::future::Future;
use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::client::Inner;
use crate::generated::Client as GeneratedClient;
use crate::{Operation, RetryPolicy};

/// What the hook saw of one call.
#[derive(Clone, Debug, Default)]
#[doc(hidden)]
pub struct CallRecord {
    /// Status of the last response received.
    pub status: Option<u16>,
    /// `Retry-After` of the last response received.
    pub retry_after: Option<Duration>,
    /// Attempts made (1 when there was no retry).
    pub attempts: u32,
    /// Strict response validation rejected the response (feature `validation`).
    #[cfg(feature = "validation")]
    pub rejected: Option<Box<crate::Report>>,
}

tokio::task_local! {
    static CALL: RefCell<CallRecord>;
}

/// Run one generated call and return what the hook recorded about it.
#[doc(hidden)]
pub async fn record<F: Future>(call: F) -> (F::Output, CallRecord) {
    CALL.scope(RefCell::new(CallRecord::default()), async {
        let output = call.await;
        let record = CALL.try_with(|c| c.take()).unwrap_or_default();
        (output, record)
    })
    .await
}

fn note(response: &reqwest::Result<reqwest::Response>, attempt: u32) {
    let _ = CALL.try_with(|c| {
        let mut c = c.borrow_mut();
        c.attempts = attempt;
        if let Ok(r) = response {
            c.status = Some(r.status().as_u16());
            c.retry_after = crate::retry::retry_after(r.headers());
        }
    });
}

impl GeneratedClient {
    /// With the `validation` feature and a configured validator: read the body, check it, hand
    /// back an identical response. Otherwise: the response as it is.
    async fn validated(
        &self,
        result: reqwest::Result<reqwest::Response>,
        operation: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        #[cfg(feature = "validation")]
        if let Some(validation) = &self.inner().validation {
            let response = result?;
            let status = response.status();
            let version = response.version();
            let headers = response.headers().clone();
            let body = response.bytes().await?;
            let content_type = headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            if let Some(report) = validation.check(operation, status.as_u16(), content_type, &body)
            {
                let _ = CALL.try_with(|c| c.borrow_mut().rejected = Some(Box::new(report)));
            }
            let mut rebuilt = http::Response::new(reqwest::Body::from(body));
            *rebuilt.status_mut() = status;
            *rebuilt.version_mut() = version;
            *rebuilt.headers_mut() = headers;
            return Ok(reqwest::Response::from(rebuilt));
        }
        let _ = operation;
        result
    }
}

/// Turn a generated call's result into the client's (called by the generated wrappers).
#[doc(hidden)]
pub async fn finish<T, E: serde::Serialize>(
    operation: &'static crate::Operation,
    result: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
    record: CallRecord,
) -> Result<progenitor_client::ResponseValue<T>, crate::Error> {
    // Strict validation rejected the response: that is the error, whether or not the body also
    // failed to decode into the generated type.
    #[cfg(feature = "validation")]
    if let Some(report) = record.rejected {
        return Err(crate::Error::ResponseRejected {
            operation: operation.id,
            status: record.status.unwrap_or_default(),
            report,
        });
    }
    match result {
        Ok(value) => Ok(value),
        Err(error) => Err(crate::Error::from_generated(operation, error, record).await),
    }
}

impl ClientHooks<Inner> for GeneratedClient {
    /// The documented request checks (`request_checks.rs`), before anything is sent.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let Some(operation) = Operation::by_rust_name(info.operation_id) else {
            return Ok(());
        };
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
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let operation = Operation::by_rust_name(info.operation_id);
        let id = operation.map(|o| o.id).unwrap_or(info.operation_id);
        let policy = &self.inner().retry;
        let may_retry = operation.is_some_and(|op| {
            op.is_read_only()
                || (op.accepts_idempotency_key && request.headers().contains_key("idempotency-key"))
        });
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
            note(&result, attempt);
            let Some(next) = spare else {
                return self.validated(result, id).await;
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
                _ => return self.validated(result, id).await,
            };
            if !policy.allows_wait(started.elapsed(), wait) {
                tracing::debug!(operation = id, attempt, ?wait, "retry budget exhausted");
                return self.validated(result, id).await;
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
