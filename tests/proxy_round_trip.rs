//! The validating proxy (`omnidim-proxy`) round-trips every operation of the spec: the typed
//! client's requests (the official request shapes: the SDK's headers, the spec's request
//! examples) reach the upstream unchanged, the answers reach the client unchanged, and the proxy
//! reports each exchange with no request finding and no response error.

use std::sync::{Arc, Mutex};

use omnidim::Client;
use omnidim_mock::MockServer;
use omnidim_proxy::{Exchange, Proxy, ProxyOptions};
use omnidim_tests::arguments;

fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key("mock-key-0123456789")
        .base_url(base_url)
        .retry_policy(omnidim::RetryPolicy::none())
        .build()
        .unwrap()
}

async fn start_proxy(upstream: &str) -> (Proxy, Arc<Mutex<Vec<Exchange>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let options = ProxyOptions {
        on_exchange: Some(Arc::new(move |e: &Exchange| {
            sink.lock().unwrap().push(e.clone())
        })),
        ..ProxyOptions::default()
    };
    let proxy = Proxy::start(
        omnidim_tests::spec(),
        upstream,
        options,
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .unwrap();
    (proxy, seen)
}

/// Exchanges are reported after the body went to the client: wait until all have been.
async fn wait_for(seen: &Arc<Mutex<Vec<Exchange>>>, n: usize) {
    for _ in 0..1000 {
        if seen.lock().unwrap().len() >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_of_the_mock_round_trips_through_the_proxy() {
    let spec = omnidim_tests::spec();
    let direct_mock = MockServer::start().await.unwrap();
    let proxied_mock = MockServer::start().await.unwrap();
    let (proxy, seen) = start_proxy(&proxied_mock.base_url()).await;
    let direct = client(&direct_mock.base_url());
    let proxied = client(&proxy.base_url());
    let mut failures = Vec::new();
    for op in omnidim::OPERATIONS.iter() {
        let args = arguments(&spec, op.id);
        let a = direct.call_operation(op.id, &args).await;
        let b = proxied.call_operation(op.id, &args).await;
        match (a, b) {
            (Ok((sa, va)), Ok((sb, vb))) if sa == sb && va == vb && (200..300).contains(&sb) => {}
            (a, b) => failures.push(format!("{}: direct {a:?}, proxied {b:?}", op.id)),
        }
        if proxied_mock.received(op.id) != 1 {
            failures.push(format!(
                "{}: the mock received {}",
                op.id,
                proxied_mock.received(op.id)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    wait_for(&seen, omnidim::OPERATIONS.len()).await;
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), omnidim::OPERATIONS.len());
    for op in omnidim::OPERATIONS.iter() {
        let e = seen
            .iter()
            .find(|e| e.operation.as_deref() == Some(op.id))
            .unwrap_or_else(|| panic!("{}: no exchange reported", op.id));
        assert!(
            e.request_findings.is_empty(),
            "{}: request findings {:?}",
            op.id,
            e.request_findings
        );
        let report = e
            .response
            .as_ref()
            .unwrap_or_else(|| panic!("{}: {e:?}", op.id));
        assert!(report.is_valid(), "{report}");
        assert!(
            !e.request_headers.iter().any(|(k, _)| k == "authorization"),
            "{e:?}"
        );
    }
}

/// What the upstream receives through the proxy equals what it receives from the client
/// directly, for every operation: method, path and query, headers (but `Host`, which names the
/// upstream) and body bytes.
#[tokio::test(flavor = "multi_thread")]
async fn requests_reach_the_upstream_unchanged() {
    use wiremock::{Mock, MockServer as Wire, ResponseTemplate, matchers::any};
    let spec = omnidim_tests::spec();
    let upstream = Wire::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&upstream)
        .await;
    let base = format!("{}/api/v1", upstream.uri());
    let (proxy, _seen) = start_proxy(&base).await;
    for base_url in [base.clone(), proxy.base_url()] {
        let c = client(&base_url);
        for op in omnidim::OPERATIONS.iter() {
            // The typed decoding of `{}` may fail; only the request matters here.
            let _ = c.call_operation(op.id, &arguments(&spec, op.id)).await;
        }
    }
    let received = upstream.received_requests().await.unwrap();
    let n = omnidim::OPERATIONS.len();
    assert_eq!(received.len(), 2 * n);
    let shape = |r: &wiremock::Request| {
        let mut headers: Vec<(String, String)> = r
            .headers
            .iter()
            .filter(|(k, _)| k.as_str() != "host")
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_string()))
            .collect();
        headers.sort();
        (
            r.method.to_string(),
            r.url.path().to_string(),
            r.url.query().map(str::to_string),
            headers,
            r.body.clone(),
        )
    };
    for i in 0..n {
        let (direct, proxied) = (&received[i], &received[n + i]);
        assert_eq!(shape(direct), shape(proxied), "request {i}");
        assert!(
            proxied.headers.get("authorization").is_some(),
            "the key is forwarded"
        );
    }
    let bodies = received.iter().filter(|r| !r.body.is_empty()).count();
    assert!(bodies > 60, "request bodies compared: {bodies}");
}

/// Findings of a bad request and of a drifted response are reported, masked; the Authorization
/// header and personal values never appear in the exchange.
#[tokio::test(flavor = "multi_thread")]
async fn findings_are_reported_masked_and_the_key_never_logged() {
    let mut options = omnidim_mock::MockOptions::default();
    options.answers.insert(
        "getBulkCall".into(),
        omnidim_mock::RecordedAnswer {
            status: 200,
            content_type: "application/json".into(),
            body: br#"{"status":"success","details":{"id":314,"twilio_number":15551234567}}"#
                .to_vec()
                .into(),
        },
    );
    let mock = MockServer::start_with(omnidim_tests::spec(), options, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let (proxy, seen) = start_proxy(&mock.base_url()).await;
    let c = Client::builder()
        .api_key("sk-secret-key-987654")
        .base_url(proxy.base_url())
        .build()
        .unwrap();
    c.request(reqwest::Method::GET, "/calls/bulk_call/314")
        .send()
        .await
        .unwrap();
    c.request(reqwest::Method::POST, "/calls/dispatch")
        .json(&serde_json::json!({"agent_id": "x", "to_number": 15559876543u64}))
        .send()
        .await
        .unwrap();
    wait_for(&seen, 2).await;
    let seen = seen.lock().unwrap();
    let text = serde_json::to_string(&*seen).unwrap()
        + &seen
            .iter()
            .map(omnidim_proxy::human_line)
            .collect::<String>();
    for secret in ["sk-secret", "5551234567", "5559876543"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let get = seen
        .iter()
        .find(|e| e.operation.as_deref() == Some("getBulkCall"))
        .unwrap();
    assert!(!get.response.as_ref().unwrap().is_valid(), "{get:?}");
    let post = seen
        .iter()
        .find(|e| e.operation.as_deref() == Some("dispatchCall"))
        .unwrap();
    assert!(!post.request_findings.is_empty(), "{post:?}");
}
