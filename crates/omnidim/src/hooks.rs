//! The hooks progenitor's generated code calls for each request (`HooksMode::Expected` in xtask):
//! `pre` before sending (documented request checks, headers), `exec` to send (retries under
//! [`crate::RetryPolicy`], the response-size limit, opt-in validation). The operation comes from
//! the per-call record of `call.rs`.

use std::time::Instant;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, USER_AGENT};

use crate::call;
use crate::client::Inner;
use crate::generated::Client as GeneratedClient;
use crate::{Operation, RetryPolicy};

impl ClientHooks<Inner> for GeneratedClient {
    /// Headers (the key, user agent, defaults, this request's own), the timeout, and the
    /// documented request checks (`request_checks.rs`), before anything is sent.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let Ok((operation, extra)) = call::CALL.try_with(|c| (c.operation, c.headers.take()))
        else {
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
        let Some(operation) = call::operation() else {
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
            call::note(|c| {
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
            call::note(|c| c.too_large = Some(limit));
            body.clear();
        }
        let body = body.freeze();
        if call::CALL.try_with(|c| c.keep_body).unwrap_or(false) {
            call::note(|c| c.body = Some(body.clone()));
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
                call::note(|c| c.rejected = Some(Box::new(report)));
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
