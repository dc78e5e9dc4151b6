//! The hook progenitor's generated client calls to send each request (see `HooksMode::Expected`
//! in xtask): tracing, and retries under [`crate::RetryPolicy`].

use std::time::Instant;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::client::Inner;
use crate::generated::Client as GeneratedClient;
use crate::{Operation, RetryPolicy};

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
