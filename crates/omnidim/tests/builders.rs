//! The builder surface as users meet it, against local servers: request builders, forward-
//! compatible enums, undocumented fields, per-request and default headers, the caller's own
//! `reqwest::Client` (https only), and the response-size limit. Loopback only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use futures_util::TryStreamExt;
use omnidim::{Client, ConfigError, Error, types};
use serde_json::json;
use wiremock::matchers::{header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-builders-0123456789";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .retry_policy(omnidim::RetryPolicy::none())
        .build()
        .unwrap()
}

fn call_log(direction: &str, status: &str) -> serde_json::Value {
    json!({"id": 1, "call_direction": direction, "call_status": status, "call_cost": 0.42})
}

#[tokio::test]
async fn optional_parameters_are_setters_and_unset_ones_are_not_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/calls/logs"))
        .and(query_param("pagesize", "10"))
        .and(query_param("call_status", "completed"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"call_log_data": []})))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .list_call_logs()
        .call_status(types::ListCallLogsCallStatus::Completed)
        .pagesize(10)
        .send()
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    let query = request.url.query().unwrap_or_default();
    assert!(
        !query.contains("agentid") && !query.contains("pageno"),
        "{query}"
    );
}

#[tokio::test]
async fn a_missing_required_parameter_is_an_error_before_sending() {
    let server = MockServer::start().await;
    let err = client(&server).get_bulk_call().send().await.unwrap_err();
    match &err {
        Error::InvalidRequest { operation, message } => {
            assert_eq!(*operation, "getBulkCall");
            assert!(message.contains("bulk_call_id"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn request_bodies_are_built_through_their_builders() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/calls/dispatch"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .mount(&server)
        .await;
    client(&server)
        .dispatch_call()
        .body_map(|b| b.agent_id(6337).to_number("+15551234567"))
        .send()
        .await
        .unwrap();
    let sent: serde_json::Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(sent["agent_id"], 6337);
    assert_eq!(sent["to_number"], "+15551234567");
    // A required body field left unset: nothing is sent.
    let err = client(&server)
        .dispatch_call()
        .body_map(|b| b.agent_id(6337))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { message, .. } if message.contains("to_number")),
        "{err:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// A value the spec does not list (a new `call_direction`, a new call status) decodes into
/// `Unknown` and is written back unchanged; the page, and the stream, go on.
#[tokio::test]
async fn unknown_enum_values_in_a_response_decode() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/calls/logs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "call_log_data": [call_log("transfer", "voicemail"), call_log("inbound", "completed")],
            "total_records": 2
        })))
        .mount(&server)
        .await;
    let logs: Vec<types::Call> = client(&server)
        .list_call_logs()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(logs.len(), 2);
    let direction = logs[0].call_direction.as_ref().unwrap();
    assert!(!direction.is_known());
    assert_eq!(direction.as_str(), "transfer");
    assert!(matches!(direction, types::CallCallDirection::Unknown(_)));
    assert_eq!(logs[0].call_status.as_ref().unwrap().as_str(), "voicemail");
    assert!(matches!(
        logs[1].call_direction,
        Some(types::CallCallDirection::Inbound)
    ));
    let back = serde_json::to_value(&logs[0]).unwrap();
    assert_eq!(back["call_direction"], "transfer");
    assert_eq!(back["call_status"], "voicemail");
    // Known values parse to their variant from any string form.
    assert_eq!(
        "outbound".parse::<types::CallCallDirection>().unwrap(),
        types::CallCallDirection::Outbound
    );
}

/// Decision (see `omnidim::types`): undocumented fields are dropped from typed values (keeping
/// them costs 1.5-2x the decode time, measured in benches/undocumented_fields.rs) and are
/// reachable through `send_with_body`.
#[tokio::test]
async fn undocumented_fields_are_dropped_from_types_and_kept_in_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/calls/logs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "call_log_data": [call_log("inbound", "completed")], "total_records": 1, "next": "x"
        })))
        .mount(&server)
        .await;
    let (logs, body) = client(&server)
        .list_call_logs()
        .send_with_body()
        .await
        .unwrap();
    let typed = serde_json::to_value(logs.into_inner()).unwrap();
    assert!(typed["call_log_data"][0].get("call_cost").is_none());
    assert!(typed.get("next").is_none());
    let raw: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(raw["call_log_data"][0]["call_cost"], 0.42);
    assert_eq!(raw["next"], "x");
}

#[tokio::test]
async fn per_request_and_default_headers_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/calls/bulk_call/314"))
        .and(header("prefer", "code=404"))
        .and(header("x-team", "dialer"))
        .and(header("x-trace", "per-request"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-team", "dialer".parse().unwrap());
    defaults.insert("x-trace", "default".parse().unwrap());
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .default_headers(defaults)
        .build()
        .unwrap();
    client
        .get_bulk_call()
        .bulk_call_id(314)
        .header("Prefer", "code=404")
        .header("x-trace", "per-request")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn headers_the_client_owns_cannot_be_overridden() {
    let server = MockServer::start().await;
    let err = client(&server)
        .get_bulk_call()
        .bulk_call_id(314)
        .header("Authorization", "Bearer someone-else")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert!(!err.to_string().contains("someone-else"), "{err}");
    let err = client(&server)
        .get_bulk_call()
        .bulk_call_id(314)
        .header("bad header", "x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());

    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("authorization", "Bearer x".parse().unwrap());
    let err = Client::builder()
        .api_key(KEY)
        .default_headers(defaults)
        .build()
        .unwrap_err();
    assert!(matches!(err, ConfigError::ManagedHeader(_)), "{err:?}");
}

#[tokio::test]
async fn an_idempotency_key_header_is_a_typed_setter() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header_exists("idempotency-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let op = omnidim::OPERATIONS
        .iter()
        .find(|o| o.accepts_idempotency_key)
        .expect("an operation takes Idempotency-Key");
    assert!(
        op.signature.contains("[.idempotency_key("),
        "{}",
        op.signature
    );
}

/// An endless or huge body is cut at `max_response_bytes` with a typed error, for a success and
/// for a documented error status alike (before: 2.6 GB and 4.0 GB read in 10 s).
#[tokio::test]
async fn response_bodies_over_the_limit_are_not_read() {
    let server = MockServer::start().await;
    let big = format!(r#"{{"status":"{}"}}"#, "x".repeat(300_000));
    Mock::given(method("GET"))
        .and(path("/calls/bulk_call/1"))
        .respond_with(ResponseTemplate::new(200).set_body_string(big.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/calls/bulk_call/2"))
        .respond_with(ResponseTemplate::new(404).set_body_string(big))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .max_response_bytes(100_000)
        .build()
        .unwrap();
    for (id, status) in [(1, 200), (2, 404)] {
        let err = client
            .get_bulk_call()
            .bulk_call_id(id)
            .send()
            .await
            .unwrap_err();
        match err {
            Error::ResponseTooLarge {
                operation: "getBulkCall",
                status: s,
                limit: 100_000,
            } => assert_eq!(s, status),
            other => panic!("{other:?}"),
        }
    }
    // Under the limit, the same client reads normally.
    let ok = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .max_response_bytes(1_000_000)
        .build()
        .unwrap();
    ok.get_bulk_call().bulk_call_id(1).send().await.unwrap();
}

/// A server that streams without end (chunked, no length): the client stops at the limit.
#[tokio::test]
async fn an_endless_body_stops_at_the_limit() {
    use http_body_util::StreamBody;
    use hyper::body::Frame;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let service = hyper::service::service_fn(|_req| async {
                    let chunks = futures_util::stream::repeat_with(|| {
                        Ok::<_, std::convert::Infallible>(Frame::data(bytes::Bytes::from_static(
                            &[b' '; 64 * 1024],
                        )))
                    });
                    let mut response = hyper::Response::new(StreamBody::new(chunks));
                    response.headers_mut().insert(
                        "content-type",
                        hyper::header::HeaderValue::from_static("application/json"),
                    );
                    Ok::<_, std::convert::Infallible>(response)
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{addr}"))
        .max_response_bytes(4 * 1024 * 1024)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let err = client
        .get_bulk_call()
        .bulk_call_id(1)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit, .. } if limit == 4 * 1024 * 1024),
        "{err:?}"
    );
}

/// The caller's own `reqwest::Client` is used (its default headers arrive), the key is added to
/// each request, and only https is accepted with it.
#[tokio::test]
async fn a_callers_reqwest_client_is_used_over_https_only() {
    let (addr, cert, seen) = tls_server().await;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).unwrap();
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let mut own_headers = reqwest::header::HeaderMap::new();
    own_headers.insert("x-own-client", "yes".parse().unwrap());
    let own = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .default_headers(own_headers)
        .build()
        .unwrap();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("https://localhost:{}", addr.port()))
        .http_client(own.clone())
        .build()
        .unwrap();
    let campaign = client
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await
        .unwrap();
    assert_eq!(campaign.status.as_deref(), Some("success"));
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.contains(&("x-own-client".into(), "yes".into())),
        "{seen:?}"
    );
    assert!(
        seen.contains(&("authorization".into(), format!("Bearer {KEY}"))),
        "{seen:?}"
    );

    let err = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .http_client(own)
        .build()
        .unwrap_err();
    assert!(
        matches!(err, ConfigError::InsecureBaseUrl { .. }),
        "{err:?}"
    );
}

type Seen = std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>;

/// An https server on loopback with a fresh self-signed certificate for `localhost`, answering
/// `{"status":"success"}` and recording the request headers.
async fn tls_server() -> (
    std::net::SocketAddr,
    rustls::pki_types::CertificateDer<'static>,
    Seen,
) {
    let key = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let cert = key.cert.der().clone();
    let private = rustls::pki_types::PrivateKeyDer::Pkcs8(key.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert.clone()], private)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Seen = Default::default();
    let record = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let Ok(tls) = acceptor.accept(stream).await else {
                continue;
            };
            let record = record.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req: hyper::Request<_>| {
                    let mut r = record.lock().unwrap();
                    for (k, v) in req.headers() {
                        r.push((k.to_string(), v.to_str().unwrap_or_default().to_string()));
                    }
                    async {
                        let mut response = hyper::Response::new(http_body_util::Full::new(
                            bytes::Bytes::from_static(br#"{"status":"success"}"#),
                        ));
                        response.headers_mut().insert(
                            "content-type",
                            hyper::header::HeaderValue::from_static("application/json"),
                        );
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (addr, cert, seen)
}

/// The multipart KYC upload (hand-written; progenitor generates the JSON form only) is
/// accepted by the spec-driven mock, which checks the form against the spec's multipart schema.
#[tokio::test]
async fn a_kyc_document_is_uploaded_as_multipart() {
    let mock = omnidim_mock::MockServer::start().await.unwrap();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    client
        .upload_kyc_document()
        .step("upload-pan")
        .user_id(1234)
        .region("IN")
        .carrier("jio")
        .document("pan.pdf", &b"%PDF-1.4 test"[..])
        .content_type("application/pdf")
        .send()
        .await
        .unwrap();
    assert_eq!(mock.received("submitKycStep"), 1);

    let err = client
        .upload_kyc_document()
        .step("upload-pan")
        .user_id(1234)
        .region("IN")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { operation: "submitKycStep", message } if message.contains("document")),
        "{err:?}"
    );
    assert_eq!(
        mock.received("submitKycStep"),
        1,
        "nothing sent without a document"
    );
}
