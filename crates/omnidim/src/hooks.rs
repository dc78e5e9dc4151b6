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

impl ClientHooks<Inner> for GeneratedClient {
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
                return result;
            };
            let wait = match &result {
                Ok(response) if RetryPolicy::is_retryable_status(response.status()) => {
                    crate::retry::retry_after(response.headers())
                        .unwrap_or_else(|| policy.backoff(attempt))
                }
                Err(e) if e.is_connect() || e.is_timeout() => policy.backoff(attempt),
                _ => return result,
            };
            if started.elapsed() + wait > policy.max_elapsed {
                tracing::debug!(operation = id, attempt, ?wait, "retry budget exhausted");
                return result;
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
