//! The typed client against the spec-driven mock and its injected faults. Loopback only.

use std::time::{Duration, Instant};

use omnidim::{Client, Error, RetryPolicy};
use omnidim_mock::{Fault, MockServer};

const KEY: &str = "mock-key-0123456789";

fn client(mock: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(mock.base_url())
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_get_answers_with_the_documented_example() {
    let mock = MockServer::start().await.unwrap();
    let campaign = client(&mock)
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await
        .unwrap();
    assert_eq!(campaign.details.as_ref().and_then(|d| d.id), Some(314));
    assert_eq!(mock.received("getBulkCall"), 1);
}

#[tokio::test]
async fn a_get_recovers_from_two_503s() {
    let mock = MockServer::start().await.unwrap();
    mock.push_faults([Fault::Status(503), Fault::Status(503)]);
    let campaign = client(&mock)
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await
        .unwrap();
    assert_eq!(campaign.status.as_deref(), Some("success"));
    assert_eq!(mock.received("getBulkCall"), 3);
}

#[tokio::test]
async fn retry_after_is_waited_for() {
    let mock = MockServer::start().await.unwrap();
    mock.push_faults([Fault::TooManyRequests {
        retry_after_secs: 1,
    }]);
    let started = Instant::now();
    client(&mock)
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    assert_eq!(mock.received("getBulkCall"), 2);
}

#[tokio::test]
async fn dispatch_call_answered_503_reaches_the_server_exactly_once() {
    let mock = MockServer::start().await.unwrap();
    mock.push_faults([Fault::Status(503), Fault::Status(503), Fault::Status(503)]);
    let err = client(&mock)
        .dispatch_call()
        .body_map(|b| b.agent_id(6337).to_number("+15551234567"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api {
                operation: "dispatchCall",
                status: 503,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        mock.received("dispatchCall"),
        1,
        "a dispatch must never be repeated"
    );
}

#[tokio::test]
async fn a_truncated_body_names_the_operation_and_the_byte_offset() {
    let mock = MockServer::start().await.unwrap();
    mock.push_faults([Fault::Truncate]);
    let err = client(&mock)
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await
        .unwrap_err();
    match err {
        Error::InvalidResponse {
            operation,
            status,
            offset,
            ..
        } => {
            assert_eq!((operation, status), ("getBulkCall", 200));
            assert!(offset > 100, "offset {offset}");
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn an_html_body_names_the_operation() {
    let mock = MockServer::start().await.unwrap();
    mock.push_faults([Fault::Html]);
    let err = client(&mock)
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidResponse {
                operation: "getBulkCall",
                offset: 0,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("getBulkCall: HTTP 200"),
        "{err}"
    );
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let mock = MockServer::start().await.unwrap();
    mock.push_faults([Fault::Delay(Duration::from_secs(3))]);
    let client = Client::builder()
        .api_key(KEY)
        .base_url(mock.base_url())
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error_and_a_get_retries_it() {
    let mock = MockServer::start().await.unwrap();
    mock.push_faults([Fault::Drop, Fault::Drop, Fault::Drop]);
    let err = client(&mock)
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                operation: "getBulkCall",
                ..
            }
        ),
        "{err:?}"
    );
    // Connection failures of a GET are retried (3 attempts by default).
    assert_eq!(mock.received("getBulkCall"), 3);
    mock.push_faults([Fault::Drop]);
    client(&mock)
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await
        .unwrap();
}

/// A plain HTTP client for requests the typed client would not send (no bearer, bad ids).
fn raw_http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

#[tokio::test]
async fn prefer_code_picks_a_documented_error() {
    let mock = MockServer::start().await.unwrap();
    let http = raw_http();
    let r = http
        .get(format!("{}/calls/bulk_call/1", mock.base_url()))
        .bearer_auth(KEY)
        .header("Prefer", "code=404")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body.get("error").is_some(), "{body}");
}

#[tokio::test]
async fn requests_are_checked_against_the_spec() {
    let mock = MockServer::start().await.unwrap();
    let http = raw_http();
    // No bearer token.
    let r = http
        .get(format!("{}/calls/bulk_call/1", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // A path parameter that is not an integer.
    let r = http
        .get(format!("{}/calls/bulk_call/abc", mock.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["findings"][0]["name"], "bulk_call_id", "{body}");
    // A query parameter above its maximum.
    let r = http
        .get(format!("{}/calls/bulk_call?pagesize=151", mock.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    // A body missing a required field.
    let r = http
        .post(format!("{}/calls/dispatch", mock.base_url()))
        .bearer_auth(KEY)
        .json(&serde_json::json!({"to_number": "+15551234567"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("agent_id"),
        "{body}"
    );
    // Unknown paths and methods.
    let r = http
        .get(format!("{}/nope", mock.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let r = http
        .patch(format!("{}/calls/bulk_call/1", mock.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(mock.received("getBulkCall"), 2);
}

#[tokio::test]
async fn documented_request_checks_happen_before_sending() {
    let mock = MockServer::start().await.unwrap();
    let err = client(&mock)
        .dispatch_call()
        .body_map(|b| b.agent_id(6337).to_number("555-123-4567"))
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::InvalidRequest { operation, message } => {
            assert_eq!(*operation, "dispatchCall");
            assert!(message.contains("E.164"), "{message}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert_eq!(mock.received("dispatchCall"), 0, "nothing may be sent");
    let err = client(&mock)
        .fetch_bulk_calls()
        .pageno(1)
        .pagesize(500)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidRequest {
                operation: "fetchBulkCalls",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(mock.received("fetchBulkCalls"), 0);
}

/// A POST is retried only when the operation takes an `Idempotency-Key` and the caller set one:
/// then the server deduplicates, and a 503 is safe to repeat.
#[tokio::test]
async fn an_idempotency_key_makes_a_post_retryable() {
    let mock = MockServer::start().await.unwrap();
    mock.push_faults([Fault::Status(503)]);
    client(&mock)
        .purchase_phone_number()
        .idempotency_key("order-7f3a")
        .body_map(|b| b.region("US").phone_number("+15551234567"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        mock.received("purchasePhoneNumber"),
        2,
        "retried once after the 503"
    );

    // The same request without a key: the 503 comes back, after exactly one request.
    mock.push_faults([Fault::Status(503)]);
    let err = client(&mock)
        .purchase_phone_number()
        .body_map(|b| b.region("US").phone_number("+15551234567"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(mock.received("purchasePhoneNumber"), 3);
}
