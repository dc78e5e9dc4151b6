//! What a hostile server or a hostile environment can do to the client, and what it must not
//! achieve: crash the process, or carry the API key off the machine in clear text. Loopback only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use omnidim::{Client, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-hostile-0123456789";
/// Set in the child process of [`plain_http_never_goes_through_a_proxy`].
const CHILD_BASE_URL: &str = "OMNIDIM_TEST_PROXY_CHILD_BASE_URL";

/// A `429` with `Retry-After: u64::MAX` seconds, answered after more than a second, used to make
/// the retry-budget arithmetic overflow and panic ("overflow when adding durations").
#[tokio::test]
async fn an_enormous_retry_after_is_an_error_not_a_panic() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/calls/bulk_call/314"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "18446744073709551615")
                .set_delay(Duration::from_millis(1100)),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .build()
        .unwrap();
    // A panic inside the client would abort this task; a sleep of 2^64 s would hit the timeout.
    let result = tokio::time::timeout(
        Duration::from_secs(20),
        client.get_bulk_call().bulk_call_id(314).send(),
    )
    .await
    .expect("the client gives up at once instead of sleeping");
    match result {
        Err(Error::Api {
            status: 429,
            retry_after,
            ..
        }) => assert_eq!(retry_after, Some(Duration::from_secs(u64::MAX))),
        other => panic!("expected the 429 back, got {other:?}"),
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// With `HTTP_PROXY`/`ALL_PROXY` pointing at a proxy, a plain-http (loopback) base URL must still
/// be reached directly: through the proxy, the bearer key would travel in clear text to another
/// host. The environment can only be set for a whole process, so the client runs in a child
/// process (this test binary again, running [`proxy_child`]).
#[test]
fn plain_http_never_goes_through_a_proxy() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/calls/bulk_call/314"))
            .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"status":"success"}"#))
            .mount(&server)
            .await;
        server
    });

    // The "proxy": counts connections and keeps what it was sent.
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    {
        let (connections, seen) = (connections.clone(), seen.clone());
        std::thread::spawn(move || {
            for stream in proxy.incoming() {
                let Ok(mut stream) = stream else { continue };
                connections.fetch_add(1, Ordering::SeqCst);
                stream
                    .set_read_timeout(Some(Duration::from_millis(500)))
                    .ok();
                let mut buf = [0u8; 4096];
                if let Ok(n) = stream.read(&mut buf) {
                    seen.lock().unwrap().extend_from_slice(&buf[..n]);
                }
                let _ = stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
            }
        });
    }

    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args(["--exact", "proxy_child", "--ignored", "--nocapture"])
        .env(CHILD_BASE_URL, server.uri())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        child.env(var, &proxy_url);
    }
    let out = child.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let leaked = String::from_utf8_lossy(&seen.lock().unwrap()).into_owned();
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "the request went to the proxy; it saw:\n{leaked}"
    );
    assert!(!leaked.contains(KEY));
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 passed"),
        "the child test did not run:\n{stdout}"
    );
    let direct = runtime.block_on(server.received_requests()).unwrap();
    assert_eq!(direct.len(), 1, "the request reached the server directly");
}

/// The client half of [`plain_http_never_goes_through_a_proxy`]; run only as its child process.
#[test]
#[ignore = "child process of plain_http_never_goes_through_a_proxy"]
fn proxy_child() {
    let base_url = std::env::var(CHILD_BASE_URL).expect("run by the parent test");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .retry_policy(omnidim::RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let campaign = runtime
        .block_on(client.get_bulk_call().bulk_call_id(314).send())
        .unwrap();
    assert_eq!(campaign.status.as_deref(), Some("success"));
}

/// Plain http is accepted only where the URL's host *is* loopback after parsing (as the
/// connection will use it), whatever the spelling; everything that only looks like it is
/// refused.
#[test]
fn plain_http_is_refused_for_every_non_loopback_trick() {
    let build = |url: &str| Client::builder().api_key(KEY).base_url(url).build();
    for refused in [
        "http://127.0.0.1.evil.com/api",
        "http://localhost.evil.com/api",
        "http://evil.com#@127.0.0.1/",
        "http://evil.com?@127.0.0.1/",
        "http://127.0.0.1@evil.com/",
        "http://user:pass@127.0.0.1/",
        "http://[::ffff:7f00:1]/",
        "http://10.0.0.1/",
        "http://169.254.169.254/",
        "http://0.0.0.0/",
        "http://localhost./",
    ] {
        let err = build(refused).expect_err(refused);
        let text = err.to_string();
        assert!(!text.contains("pass"), "{refused}: {text}");
    }
    for accepted in [
        "http://127.0.0.1:9/api",
        "http://127.1:9/",
        "http://0x7f.1:9/",
        "http://2130706433:9/",
        "http://LOCALHOST:9/",
        "http://[::1]:9/",
    ] {
        let client = build(accepted).unwrap_or_else(|e| panic!("{accepted}: {e}"));
        let host = url::Url::parse(client.base_url()).unwrap();
        assert!(
            matches!(host.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")),
            "{accepted} -> {}",
            client.base_url()
        );
    }
}

/// The client never follows a redirect, so the key never goes to the redirect's host.
#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"status":"success"}"#))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}/calls/bulk_call/314", elsewhere.uri()),
        ))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = client
        .get_bulk_call()
        .bulk_call_id(314)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(302), "{err:?}");
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

/// A `Retry-After` of 10^9 seconds or a date in the year 9999 ends the retries at once: the
/// answer comes back after one request instead of a sleep past the retry budget.
#[tokio::test]
async fn far_retry_afters_never_outlast_the_retry_budget() {
    for retry_after in ["1000000000", "Fri, 31 Dec 9999 23:59:59 GMT"] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503).insert_header("retry-after", retry_after))
            .mount(&server)
            .await;
        let client = Client::builder()
            .api_key(KEY)
            .base_url(server.uri())
            .build()
            .unwrap();
        let result = tokio::time::timeout(
            Duration::from_secs(10),
            client.get_bulk_call().bulk_call_id(1).send(),
        )
        .await
        .expect("no sleep past the budget");
        assert_eq!(result.unwrap_err().status(), Some(503), "{retry_after}");
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }
}
