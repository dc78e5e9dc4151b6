//! The mock under hostile or broken input (issue #14): bounded answers and memory, timeouts and a
//! connection cap, the right status for bodies it cannot read. Raw HTTP/1.1 over loopback, so
//! that requests no well-behaved client would send can be sent.

use std::net::SocketAddr;
use std::time::Duration;

use omnidim_mock::{Limits, MockOptions, MockServer};
use omnidim_spec::Spec;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LOOPBACK: ([u8; 4], u16) = ([127, 0, 0, 1], 0);
/// Generous: a test waits this long for something that must happen (an answer, a close).
const PATIENCE: Duration = Duration::from_secs(20);

async fn mock_with(spec: Spec, options: MockOptions) -> MockServer {
    MockServer::start_with(spec, options, SocketAddr::from(LOOPBACK))
        .await
        .unwrap()
}

/// Send `request` as is on a new connection and read until the mock closes it.
async fn exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    read_to_close(&mut stream).await
}

/// Everything until the mock closes the connection (a reset after an answer counts as a close).
async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buf = [0u8; 64 * 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the mock did not close the connection");
    out
}

/// Status code and body of a raw answer (the mock sends `Content-Length` bodies).
fn parse(answer: &[u8]) -> (u16, &[u8]) {
    let text = String::from_utf8_lossy(answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body_at = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(answer.len(), |p| p + 4);
    (status, &answer[body_at..])
}

fn get(path: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer k\r\nConnection: close\r\n\r\n"
    )
    .into_bytes()
}

/// Issue #14, item 11: the 25-line recursive spec of the issue (three self-references per level,
/// `minItems: 3`); one request for it took 4 GB and aborted the mock.
#[tokio::test]
async fn a_recursive_schema_gets_a_bounded_sample() {
    let spec = Spec::from_yaml_str(
        r##"openapi: 3.1.0
info: {title: recursive, version: '1'}
paths:
  /tree:
    get:
      operationId: getTree
      responses:
        '200':
          description: a tree
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Node'
components:
  schemas:
    Node:
      type: object
      required: [left, right, children]
      properties:
        left: {$ref: '#/components/schemas/Node'}
        right: {$ref: '#/components/schemas/Node'}
        children:
          type: array
          minItems: 3
          items: {$ref: '#/components/schemas/Node'}
"##,
        "recursive.yaml",
    )
    .unwrap();
    let mock = mock_with(spec, MockOptions::default()).await;
    let answer = exchange(mock.addr(), &get("/api/v1/tree")).await;
    let (status, body) = parse(&answer);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
    assert!(
        body.len() <= omnidim_spec::sample::MAX_SAMPLE_BYTES,
        "{} bytes",
        body.len()
    );
    let tree: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert!(tree.get("children").is_some(), "{tree}");
    assert_eq!(mock.received("getTree"), 1);
}

fn post(path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

/// Issue #14, item 4: one finding per bad array element (and findings quoting the offending
/// value) turned a 1.3 MB body into a 141 MB answer. Findings are now capped and counted.
#[tokio::test]
async fn a_bad_body_gets_a_bounded_answer() {
    use omnidim_mock::{MAX_FINDING_TEXT, MAX_FINDINGS};
    let mock = MockServer::start().await.unwrap();
    // 200,000 contacts without their required phone number: one finding each (600 KB).
    let rows = vec!["{}"; 200_000].join(",");
    let body = format!(r#"{{"name":"x","phone_number_id":1,"contact_list":[{rows}]}}"#);
    let answer = exchange(
        mock.addr(),
        &post("/api/v1/calls/bulk_call/create", body.as_bytes()),
    )
    .await;
    let (status, answer_body) = parse(&answer);
    assert_eq!(status, 400);
    assert!(
        answer_body.len() <= 64 * 1024,
        "{} bytes",
        answer_body.len()
    );
    let v: serde_json::Value = serde_json::from_slice(answer_body).unwrap();
    assert_eq!(
        v["findings"].as_array().map(Vec::len),
        Some(MAX_FINDINGS),
        "{v}"
    );
    assert_eq!(v["findings_omitted"], 200_000 - MAX_FINDINGS, "{v}");
    assert_eq!(v["findings"][0]["pointer"], "/contact_list/0", "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("phone_number"),
        "{v}"
    );

    // A finding quotes the offending value: a 1 MB string where an integer or a numeric string
    // goes.
    let big = "x".repeat(1 << 20);
    let body = format!(r#"{{"name":"x","phone_number_id":"{big}"}}"#);
    let answer = exchange(
        mock.addr(),
        &post("/api/v1/calls/bulk_call/create", body.as_bytes()),
    )
    .await;
    let (status, answer_body) = parse(&answer);
    assert_eq!(status, 400);
    assert!(
        answer_body.len() <= 4 * MAX_FINDING_TEXT + 1024,
        "{} bytes",
        answer_body.len()
    );
    let v: serde_json::Value = serde_json::from_slice(answer_body).unwrap();
    let message = v["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.len() <= MAX_FINDING_TEXT + 3,
        "{} bytes",
        message.len()
    );
    assert!(message.ends_with('…'), "{message}");
    assert_eq!(v["findings_omitted"], 0, "{v}");
}

fn options(limits: Limits) -> MockOptions {
    MockOptions {
        limits,
        ..MockOptions::default()
    }
}

async fn mock_limited(limits: Limits) -> MockServer {
    mock_with(Spec::embedded().unwrap(), options(limits)).await
}

/// Issue #14, item 8: a client that sends half a request line is disconnected once the
/// header-read timeout has passed (it held the connection for good).
#[tokio::test]
async fn half_a_request_line_is_closed_after_the_header_read_timeout() {
    let mock = mock_limited(Limits {
        header_read_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_secs(600),
        ..Limits::default()
    })
    .await;
    let answer = exchange(mock.addr(), b"GET /api/v1/calls/bu").await;
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    // A kept-alive connection that sends nothing after its answer is closed as well.
    let keep_alive = b"GET /api/v1/calls/bulk_call/314 HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer k\r\n\r\n";
    let answer = exchange(mock.addr(), keep_alive).await;
    assert_eq!(parse(&answer).0, 200);
}

/// Issue #14, item 8: a request whose body stops coming is disconnected after the idle timeout.
#[tokio::test]
async fn a_stalled_body_is_closed_after_the_idle_timeout() {
    let mock = mock_limited(Limits {
        header_read_timeout: Duration::from_secs(600),
        idle_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    let stalled = b"POST /api/v1/calls/dispatch HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"agent_id\"";
    let answer = exchange(mock.addr(), stalled).await;
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
}

/// The idle timeout is about the client: time the mock spends on an answer does not count.
#[tokio::test]
async fn a_slow_answer_is_not_idle() {
    let mock = mock_limited(Limits {
        idle_timeout: Duration::from_millis(100),
        ..Limits::default()
    })
    .await;
    let request = b"GET /api/v1/calls/bulk_call/314 HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer k\r\nX-Mock-Fault: delay=600\r\nConnection: close\r\n\r\n";
    let answer = exchange(mock.addr(), request).await;
    assert_eq!(
        parse(&answer).0,
        200,
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

/// Issue #14, item 8: connections over the cap wait (unaccepted) until a slot frees; they are
/// neither served at once nor refused.
#[tokio::test]
async fn connections_over_the_cap_wait_for_a_free_slot() {
    let mock = mock_limited(Limits {
        max_connections: 2,
        ..Limits::default()
    })
    .await;
    // Two connections that send nothing hold both slots.
    let first = TcpStream::connect(mock.addr()).await.unwrap();
    let _second = TcpStream::connect(mock.addr()).await.unwrap();
    let mut third = TcpStream::connect(mock.addr()).await.unwrap();
    third
        .write_all(&get("/api/v1/calls/bulk_call/314"))
        .await
        .unwrap();
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(500), third.read(&mut byte)).await;
    assert!(early.is_err(), "served over the cap: {early:?}");
    drop(first);
    let mut answer = byte[..0].to_vec();
    answer.extend(read_to_close(&mut third).await);
    assert_eq!(
        parse(&answer).0,
        200,
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

/// Like [`exchange`], for requests the mock may stop reading: a failed write (the mock answered
/// and closed) is not an error; the answer is read all the same.
async fn exchange_lenient(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let _ = tokio::time::timeout(PATIENCE, stream.write_all(request)).await;
    read_to_close(&mut stream).await
}

fn error_code(body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)));
    v["error"].as_str().unwrap_or_default().to_string()
}

/// Issue #14, item 13: a chunked body that cannot be decoded is a malformed request (400), not
/// one over the size cap (413).
#[tokio::test]
async fn a_malformed_chunked_body_gets_400() {
    let mock = MockServer::start().await.unwrap();
    let request = b"POST /api/v1/calls/dispatch HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{\"agent_id\": 1}\r\n0\r\n\r\n";
    let answer = exchange_lenient(mock.addr(), request).await;
    let (status, body) = parse(&answer);
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&answer));
    assert_eq!(error_code(body), "malformed_body");
}

/// Bodies over the stated cap get 413, whether announced by `Content-Length` or chunked; a body
/// of exactly the cap is read (and checked against the spec).
#[tokio::test]
async fn a_body_over_the_cap_gets_413() {
    let limit = 1024;
    let mock = mock_limited(Limits {
        max_body_bytes: limit,
        ..Limits::default()
    })
    .await;
    let at_cap = vec![b' '; limit];
    let answer = exchange_lenient(mock.addr(), &post("/api/v1/calls/dispatch", &at_cap)).await;
    let (status, body) = parse(&answer);
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&answer));
    assert_eq!(error_code(body), "bad_request");

    let over = vec![b' '; limit + 1];
    let answer = exchange_lenient(mock.addr(), &post("/api/v1/calls/dispatch", &over)).await;
    let (status, body) = parse(&answer);
    assert_eq!(status, 413, "{}", String::from_utf8_lossy(&answer));
    assert_eq!(error_code(body), "payload_too_large");

    let mut chunked = b"POST /api/v1/calls/dispatch HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer k\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for _ in 0..3 {
        chunked.extend_from_slice(format!("{:x}\r\n", limit / 2).as_bytes());
        chunked.extend(vec![b' '; limit / 2]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let answer = exchange_lenient(mock.addr(), &chunked).await;
    assert_eq!(
        parse(&answer).0,
        413,
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

/// The default cap, as documented: 10 MiB.
#[tokio::test]
async fn the_default_body_cap_is_10_mib() {
    assert_eq!(Limits::default().max_body_bytes, 10 * 1024 * 1024);
    let mock = MockServer::start().await.unwrap();
    let over = vec![b' '; 10 * 1024 * 1024 + 1];
    let answer = exchange_lenient(mock.addr(), &post("/api/v1/calls/dispatch", &over)).await;
    assert_eq!(
        parse(&answer).0,
        413,
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

/// Paths that are not UTF-8, or that try `..`, raw or percent-encoded: a 400 or 404 answer every
/// time (a panic would show as a connection closed without one), and nothing outside the spec.
#[tokio::test]
async fn odd_paths_get_400_or_404_and_never_a_panic() {
    let mock = MockServer::start().await.unwrap();
    let cases: [(&[u8], u16); 9] = [
        // Raw bytes that are not UTF-8: hyper refuses the request target itself.
        (b"/api/v1/calls/bulk_call/\xff\xfe", 400),
        (b"/api/v1/\xc3\x28", 400),
        // Percent-encoded bytes that are not UTF-8: not an integer id.
        (b"/api/v1/calls/bulk_call/%ff%fe", 400),
        (b"/api/v1/calls/bulk_call?pagesize=%ff", 400),
        // `..`, percent-encoded or not, is never resolved: no such path in the spec, or not an id.
        (b"/api/v1/%2e%2e/%2e%2e/etc/passwd", 404),
        (b"/api/v1/calls/bulk_call/%2e%2e", 400),
        (b"/api/v1/calls/bulk_call/%2E%2E/add_contact", 405),
        (b"/api/v1/../../etc/passwd", 404),
        (b"/%2e%2e/api/v1/calls/bulk_call/314", 404),
    ];
    for (path, expected) in cases {
        let mut request = b"GET ".to_vec();
        request.extend_from_slice(path);
        request.extend_from_slice(
            b" HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer k\r\nConnection: close\r\n\r\n",
        );
        let answer = exchange(mock.addr(), &request).await;
        assert!(
            !answer.is_empty(),
            "{}: no answer",
            String::from_utf8_lossy(path)
        );
        assert_eq!(
            parse(&answer).0,
            expected,
            "{}: {}",
            String::from_utf8_lossy(path),
            String::from_utf8_lossy(&answer)
        );
    }
    // Still serving.
    let answer = exchange(mock.addr(), &get("/api/v1/calls/bulk_call/314")).await;
    assert_eq!(parse(&answer).0, 200);
}

/// Limits at the ends of their types ("no limit" written as the largest value) serve normally:
/// no overflow of `Instant + Duration::MAX`, no semaphore over its maximum.
#[tokio::test]
async fn the_largest_limits_serve_normally() {
    let mock = mock_limited(Limits {
        header_read_timeout: Duration::MAX,
        idle_timeout: Duration::MAX,
        max_connections: usize::MAX,
        max_body_bytes: usize::MAX,
    })
    .await;
    let answer = exchange(mock.addr(), &get("/api/v1/calls/bulk_call/314")).await;
    assert_eq!(
        parse(&answer).0,
        200,
        "{}",
        String::from_utf8_lossy(&answer)
    );
}
