//! The client against a local test server: what goes on the wire, what comes back, and how each
//! failure is reported. Loopback only.

use std::time::Duration;

use omnidim::types::BulkCallDetailFailedReason;
use omnidim::{Client, Error, RetryPolicy, TransportKind};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-test-0123456789abcdef";

fn bulk_call_example() -> serde_json::Value {
    let spec = omnidim_tests::spec();
    omnidim_tests::success_examples(&spec)
        .into_iter()
        .find(|(op, _, _)| op == "getBulkCall")
        .map(|(_, _, v)| v)
        .expect("getBulkCall example")
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(format!("{}/api/v1", server.uri()))
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client")
}

#[tokio::test]
async fn get_bulk_call_sends_bearer_get_and_decodes_the_campaign() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/calls/bulk_call/314"))
        .respond_with(ResponseTemplate::new(200).set_body_json(bulk_call_example()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await
        .expect("getBulkCall succeeds");
    assert_eq!(response.status().as_u16(), 200);
    let campaign = response.into_inner();
    assert_eq!(campaign.status.as_deref(), Some("success"));
    let details = campaign.details.expect("details");
    assert_eq!(details.id, Some(314));
    assert_eq!(details.name.as_deref(), Some("test"));
    assert_eq!(details.status.as_deref(), Some("completed"));
    assert!(matches!(
        details.failed_reason,
        Some(BulkCallDetailFailedReason::Boolean(false))
    ));
    assert_eq!(details.call_status_counts.get("no-answer"), Some(&1));
    assert_eq!(details.number_pool.len(), 1);
    assert_eq!(
        details.number_pool[0].phone_number.as_deref(),
        Some("+15551234567")
    );
    assert_eq!(details.number_pool[0].health_score, None);
    assert_eq!(details.variable_config.len(), 3);
    assert_eq!(
        campaign.contact_list[0].to_number.as_deref(),
        Some("+15551234567")
    );

    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/api/v1/calls/bulk_call/314");
    assert_eq!(request.url.query(), None);
    let auth = request
        .headers
        .get("authorization")
        .expect("authorization header");
    assert_eq!(auth.to_str().unwrap(), format!("Bearer {KEY}"));
    let agent = request
        .headers
        .get("user-agent")
        .expect("user agent")
        .to_str()
        .unwrap();
    assert!(agent.starts_with("omnidim-rs/"), "{agent}");
}

#[tokio::test]
async fn an_error_status_names_the_operation_and_keeps_the_api_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "not_found", "message": "Bulk call not found"})),
        )
        .mount(&server)
        .await;

    let err = client(&server)
        .get_bulk_call()
        .bulk_call_id(999)
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            operation,
            status,
            documented,
            body,
            ..
        } => {
            assert_eq!(*operation, "getBulkCall");
            assert_eq!(*status, 404);
            assert!(documented);
            let body = body.as_ref().expect("error body");
            assert_eq!(body.message.as_deref(), Some("Bulk call not found"));
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    let text = err.to_string();
    assert_eq!(
        text,
        "getBulkCall: HTTP 404: not_found: Bulk call not found"
    );
    assert!(!format!("{err:?}").contains(KEY));
}

#[tokio::test]
async fn an_undocumented_status_with_an_html_page_is_reported_with_an_excerpt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(402)
                .set_body_string("<html><body>Payment required</body></html>"),
        )
        .mount(&server)
        .await;

    let err = client(&server)
        .get_bulk_call()
        .bulk_call_id(1)
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            operation,
            status,
            documented,
            body_excerpt,
            ..
        } => {
            assert_eq!(
                (*operation, *status, *documented),
                ("getBulkCall", 402, false)
            );
            assert!(
                body_excerpt
                    .as_deref()
                    .unwrap()
                    .contains("Payment required")
            );
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    assert!(err.to_string().contains("not documented"), "{err}");
}

#[tokio::test]
async fn a_success_body_that_is_not_the_documented_json_names_the_byte_offset() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("{\"status\": \"success\", \"details\": {\"id\": \"x\"}}"),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .get_bulk_call()
        .bulk_call_id(1)
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::InvalidResponse {
            operation,
            offset,
            line,
            ..
        } => {
            assert_eq!(*operation, "getBulkCall");
            assert_eq!(*line, 1);
            assert!((40..=46).contains(offset), "offset {offset}");
        }
        other => panic!("expected Error::InvalidResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn a_get_is_retried_on_503_and_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(bulk_call_example()))
        .with_priority(2)
        .mount(&server)
        .await;
    let response = client(&server)
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await
        .expect("third attempt succeeds");
    assert_eq!(response.details.as_ref().and_then(|d| d.id), Some(314));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn dispatch_call_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/calls/dispatch"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = client(&server)
        .dispatch_call()
        .body_map(|b| b.agent_id(6337).to_number("+15551234567"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.operation(), Some("dispatchCall"));
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "a dispatch must reach the server once"
    );
}

#[tokio::test]
async fn a_slow_server_gives_a_timeout_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .get_bulk_call()
        .bulk_call_id(1)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.operation(), Some("getBulkCall"));
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    // Bind, learn the port, close: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .get_bulk_call()
        .bulk_call_id(1)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Connect,
                operation: "getBulkCall",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains(KEY));
}
