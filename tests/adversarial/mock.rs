//! The mock under hostile HTTP: malformed request lines, huge heads, slow clients, bodies over
//! the cap (with the mock's peak RSS measured), arbitrary targets, paths and headers, and a load
//! of 2,000 requests over 50 kept-alive connections. Raw HTTP/1.1 over loopback, so that what no
//! well-behaved client sends can be sent.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use omnidim_mock::{Limits, MockOptions, MockServer};
use omnidim_spec::Spec;
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{self, MIB};

/// Generous: how long a test waits for something that must happen (an answer, a close).
const PATIENCE: Duration = Duration::from_secs(30);

async fn mock_with(limits: Limits) -> MockServer {
    MockServer::start_with(
        Spec::embedded().unwrap(),
        MockOptions {
            limits,
            ..MockOptions::default()
        },
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .unwrap()
}

/// Everything the mock sends until it closes the connection (a reset counts as a close); fails
/// the test when nothing closes it within [`PATIENCE`].
async fn read_to_close(stream: &mut (impl AsyncReadExt + Unpin)) -> Vec<u8> {
    let mut out = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the mock neither answered and closed nor closed"
    );
    out
}

/// Send `request` on a new connection (a failed write is not an error: the mock may answer and
/// close before reading it all) and read until the mock closes.
async fn exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = stream.split();
    let (_, answer) = tokio::join!(
        async {
            let _ = tokio::time::timeout(PATIENCE, wr.write_all(request)).await;
        },
        read_to_close(&mut rd)
    );
    answer
}

/// The status code of a raw answer, `None` when there is no HTTP/1.1 status line.
fn status_of(answer: &[u8]) -> Option<u16> {
    let rest = answer.strip_prefix(b"HTTP/1.1 ")?;
    std::str::from_utf8(rest.get(..3)?).ok()?.parse().ok()
}

fn show(answer: &[u8]) -> String {
    String::from_utf8_lossy(&answer[..answer.len().min(400)]).into_owned()
}

const HEAD_TAIL: &str = "Host: mock\r\nAuthorization: Bearer k\r\nConnection: close\r\n\r\n";

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\n{HEAD_TAIL}").into_bytes()
}

/// Request lines and heads hyper cannot parse: a 400 and a close, every time, and the mock keeps
/// serving. (hyper answers a head it cannot parse itself, before the mock sees a request.)
#[tokio::test]
async fn malformed_request_lines_get_400_and_a_close() {
    let mock = MockServer::start().await.unwrap();
    let cases: &[&[u8]] = &[
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /api/v1/calls/bulk_call/314\r\n\r\n",
        b"GET /api/v1/calls/bulk_call/314 HTTP/9.9\r\nHost: mock\r\n\r\n",
        b"GET /api/v1/calls/bulk_call/314 HTTX/1.1\r\nHost: mock\r\n\r\n",
        b"GET  /api/v1/calls/bulk_call/314  HTTP/1.1\r\nHost: mock\r\n\r\n",
        b"G\x00T /api/v1/calls/bulk_call/314 HTTP/1.1\r\nHost: mock\r\n\r\n",
        b"GET /api/v1/calls/bulk_call/314 HTTP/1.1\r\nHost mock\r\n\r\n",
        b"GET /api/v1/calls/bulk_call/314 HTTP/1.1\r\n: empty-name\r\n\r\n",
        b"GET /api/v1/calls/bulk_call/314 HTTP/1.1\r\nX-A\x01: 1\r\n\r\n",
        b"GET /api/v1/calls/bulk_call/314 HTTP/1.1\r\nX-A: a\x00b\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 a TLS hello\r\n\r\n",
        b"POST /api/v1/calls/dispatch HTTP/1.1\r\nHost: mock\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}",
        b"POST /api/v1/calls/dispatch HTTP/1.1\r\nHost: mock\r\nContent-Length: -1\r\n\r\n{}",
        b"POST /api/v1/calls/dispatch HTTP/1.1\r\nHost: mock\r\nContent-Length: 99999999999999999999999\r\n\r\n{}",
        b"POST /api/v1/calls/dispatch HTTP/1.1\r\nHost: mock\r\nTransfer-Encoding: gzip\r\n\r\n{}",
    ];
    for request in cases {
        let answer = exchange(mock.addr(), request).await;
        assert_eq!(
            status_of(&answer),
            Some(400),
            "{:?}: {}",
            String::from_utf8_lossy(request),
            show(&answer)
        );
    }
    let answer = exchange(mock.addr(), &get("/api/v1/calls/bulk_call/314")).await;
    assert_eq!(status_of(&answer), Some(200), "{}", show(&answer));
}

/// A head over hyper's read buffer (~400 KiB): 431 Request Header Fields Too Large, then a
/// close; the header is never held whole.
#[tokio::test]
async fn a_1_mb_header_gets_431_and_a_close() {
    let mock = MockServer::start().await.unwrap();
    let mut request = b"GET /api/v1/calls/bulk_call/314 HTTP/1.1\r\nHost: mock\r\nX-Big: ".to_vec();
    request.extend(std::iter::repeat_n(b'a', MIB as usize));
    request.extend_from_slice(b"\r\nAuthorization: Bearer k\r\n\r\n");
    let answer = exchange(mock.addr(), &request).await;
    assert_eq!(status_of(&answer), Some(431), "{}", show(&answer));
    // A request line of 1 MB: the same.
    let long_path = format!("/api/v1/{}", "a".repeat(MIB as usize));
    let answer = exchange(mock.addr(), &get(&long_path)).await;
    assert_eq!(status_of(&answer), Some(431), "{}", show(&answer));
}

/// More headers than hyper's table (100): 431 as well.
#[tokio::test]
async fn ten_thousand_small_headers_get_431() {
    let mock = MockServer::start().await.unwrap();
    let mut request = b"GET /api/v1/calls/bulk_call/314 HTTP/1.1\r\nHost: mock\r\n".to_vec();
    for i in 0..10_000 {
        request.extend_from_slice(format!("X-H{i}: {i}\r\n").as_bytes());
    }
    request.extend_from_slice(b"Authorization: Bearer k\r\n\r\n");
    let answer = exchange(mock.addr(), &request).await;
    assert_eq!(status_of(&answer), Some(431), "{}", show(&answer));
}

/// A slow loris: a client that keeps the head coming, a byte at a time, is still closed when the
/// header-read timeout runs out (bytes arriving do not extend it), long before it would finish.
#[tokio::test]
async fn a_slow_loris_trickling_headers_is_closed_at_the_header_read_timeout() {
    let mock = mock_with(Limits {
        header_read_timeout: Duration::from_millis(500),
        idle_timeout: Duration::from_secs(600),
        ..Limits::default()
    })
    .await;
    let mut stream = TcpStream::connect(mock.addr()).await.unwrap();
    stream
        .write_all(b"GET /api/v1/calls/bulk_call/314 HTTP/1.1\r\n")
        .await
        .unwrap();
    // 20 s worth of trickle at one byte every 20 ms; the mock must cut it off.
    let trickle = "X-Slow: ".to_string() + &"a".repeat(1000);
    let mut sent = 0;
    let mut closed = false;
    for byte in trickle.bytes() {
        if stream.write_all(&[byte]).await.is_err() {
            closed = true;
            break;
        }
        sent += 1;
        // A closed connection shows as a read of 0 (or a reset).
        let mut buf = [0u8; 512];
        match tokio::time::timeout(Duration::from_millis(20), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            Ok(Ok(n)) => panic!("an answer to half a head: {}", show(&buf[..n])),
            Err(_) => {}
        }
    }
    assert!(closed, "still open after trickling {sent} bytes");
    assert!(sent < trickle.len(), "{sent}");
}

/// The child of [`a_200_mb_chunked_body_gets_413_with_peak_rss_bounded_by_the_cap`].
const BODY_CAP_WORKER: &str =
    "mock::a_200_mb_chunked_body_gets_413_with_peak_rss_bounded_by_the_cap";

/// A 200 MB request body, chunked (so not refused from its length) and announced by
/// `Content-Length`, against the default cap of 10 MiB ([`Limits::max_body_bytes`]): 413 both
/// times, and the mock process's peak RSS stays under 2 × the cap + 64 MiB (the body is read up to
/// the cap, never whole). The client, in the same process, sends from one 1 MiB buffer.
///
/// Measured (debug build, 2 cores): peak RSS 32.7 MiB (bound 84 MiB), 0.5 s. With the cap
/// planted away (the body read whole, then 413) it was 410 MiB.
#[test]
fn a_200_mb_chunked_body_gets_413_with_peak_rss_bounded_by_the_cap() {
    let cap = Limits::default().max_body_bytes as u64;
    if support::is_worker(BODY_CAP_WORKER) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let mock = MockServer::start().await.unwrap();
            for chunked in [true, false] {
                let status = post_200_mb(mock.addr(), chunked).await;
                assert_eq!(status, Some(413), "chunked: {chunked}");
            }
            // Still serving.
            let answer = exchange(mock.addr(), &get("/api/v1/calls/bulk_call/314")).await;
            assert_eq!(status_of(&answer), Some(200), "{}", show(&answer));
        });
        support::report_peak_rss();
        return;
    }
    let Some((peak, out)) = support::peak_rss_of(BODY_CAP_WORKER) else {
        eprintln!("skipped: peak RSS is read from /proc/self/status (Linux only)");
        return;
    };
    let bound = 2 * cap + 64 * MIB;
    assert!(
        peak <= bound,
        "peak RSS {} MiB over the bound {} MiB\n{out}",
        peak / MIB,
        bound / MIB
    );
}

const BODY_BYTES: u64 = 200 * 1000 * 1000;

/// POST 200 MB of spaces to dispatchCall, writing while reading the answer; the status.
async fn post_200_mb(addr: SocketAddr, chunked: bool) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = stream.split();
    let framing = if chunked {
        "Transfer-Encoding: chunked".to_string()
    } else {
        format!("Content-Length: {BODY_BYTES}")
    };
    let head = format!(
        "POST /api/v1/calls/dispatch HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\n{framing}\r\nConnection: close\r\n\r\n"
    );
    let block = vec![b' '; MIB as usize];
    let write = async {
        wr.write_all(head.as_bytes()).await?;
        let mut sent = 0u64;
        while sent < BODY_BYTES {
            let n = (BODY_BYTES - sent).min(MIB) as usize;
            if chunked {
                wr.write_all(format!("{n:x}\r\n").as_bytes()).await?;
                wr.write_all(&block[..n]).await?;
                wr.write_all(b"\r\n").await?;
            } else {
                wr.write_all(&block[..n]).await?;
            }
            sent += n as u64;
        }
        if chunked {
            wr.write_all(b"0\r\n\r\n").await?;
        }
        Ok::<_, std::io::Error>(())
    };
    let (_, answer) = tokio::join!(
        async {
            let _ = tokio::time::timeout(PATIENCE, write).await;
        },
        read_to_close(&mut rd)
    );
    status_of(&answer)
}

/// 2,000 requests over 50 concurrent kept-alive connections (hyper's HTTP/1.1 client, 40
/// requests each, one after the other): every one answered with its status, none dropped, and
/// the mock counted each.
///
/// Measured (debug build, 2 cores): 1.9 s for the 2,000.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_requests_over_50_keep_alive_connections_none_dropped() {
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;
    use hyper_util::rt::TokioIo;

    const CONNECTIONS: usize = 50;
    const PER_CONNECTION: usize = 40;
    let mock = MockServer::start().await.unwrap();
    let addr = mock.addr();
    // (method, path, authorized, body, expected status)
    let kinds: [(&str, &str, bool, &str, u16); 4] = [
        ("GET", "/api/v1/calls/bulk_call/314", true, "", 200),
        ("GET", "/api/v1/calls/bulk_call/314", false, "", 401),
        ("POST", "/api/v1/calls/dispatch", true, "{}", 400),
        ("GET", "/api/v1/no/such/path", true, "", 404),
    ];
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CONNECTIONS {
        tasks.push(tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream))
                    .await
                    .unwrap();
            let driver = tokio::spawn(conn);
            let mut answered = 0usize;
            for i in 0..PER_CONNECTION {
                let (method, path, auth, body, expected) = kinds[(c + i) % kinds.len()];
                let mut req = http::Request::builder()
                    .method(method)
                    .uri(path)
                    .header("host", "mock")
                    .header("content-type", "application/json");
                if auth {
                    req = req.header("authorization", "Bearer k");
                }
                let req = req
                    .body(Full::new(Bytes::from_static(body.as_bytes())))
                    .unwrap();
                sender
                    .ready()
                    .await
                    .unwrap_or_else(|e| panic!("connection {c} closed before request {i}: {e}"));
                let res = sender
                    .send_request(req)
                    .await
                    .unwrap_or_else(|e| panic!("connection {c}, request {i} dropped: {e}"));
                let status = res.status().as_u16();
                let bytes = res.into_body().collect().await.unwrap().to_bytes();
                assert_eq!(
                    status,
                    expected,
                    "connection {c}, request {i}: {method} {path}: {}",
                    String::from_utf8_lossy(&bytes)
                );
                answered += 1;
            }
            drop(sender);
            let _ = driver.await;
            answered
        }));
    }
    let mut answered = 0;
    for t in tasks {
        answered += tokio::time::timeout(PATIENCE * 4, t)
            .await
            .expect("the load did not finish (hang)")
            .expect("a connection task failed");
    }
    let elapsed = started.elapsed();
    eprintln!(
        "2,000 requests over {CONNECTIONS} kept-alive connections: {:.2} s",
        elapsed.as_secs_f64()
    );
    assert_eq!(answered, CONNECTIONS * PER_CONNECTION);
    // getBulkCall: kinds 0 and 1 (401s count: matched by method and path); dispatchCall: kind 2.
    assert_eq!(mock.received("getBulkCall"), 1000);
    assert_eq!(mock.received("dispatchCall"), 500);
}

/// One mock (short timeouts, so that a request left incomplete by arbitrary bytes is closed
/// quickly) and its runtime, shared by the property tests.
fn shared() -> &'static (tokio::runtime::Runtime, MockServer) {
    static SHARED: OnceLock<(tokio::runtime::Runtime, MockServer)> = OnceLock::new();
    SHARED.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mock = rt.block_on(mock_with(Limits {
            header_read_timeout: Duration::from_secs(2),
            idle_timeout: Duration::from_secs(2),
            ..Limits::default()
        }));
        (rt, mock)
    })
}

fn send(request: Vec<u8>) -> Vec<u8> {
    let (rt, mock) = shared();
    rt.block_on(exchange(mock.addr(), &request))
}

/// Path segments a hostile client would try, percent-encoded or raw.
fn segment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"..".to_vec()),
        Just(b"%2e%2e".to_vec()),
        Just(b"%2E%2e".to_vec()),
        Just(b".".to_vec()),
        Just(b"%00".to_vec()),
        Just(b"%ff%fe".to_vec()),
        Just(b"%c3%28".to_vec()),
        Just(b"%2f".to_vec()),
        Just(b"%5c..%5c".to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"\xc3\x28".to_vec()),
        Just("é".as_bytes().to_vec()),
        Just(b"".to_vec()),
        Just(b"calls".to_vec()),
        Just(b"bulk_call".to_vec()),
        Just(b"314".to_vec()),
        Just(b"-1".to_vec()),
        Just(b"99999999999999999999999".to_vec()),
        Just(b"agents".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..12).prop_map(|v| v
            .into_iter()
            .filter(|b| !matches!(b, b' ' | b'\r' | b'\n'))
            .collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary bytes (no CR, LF or space: the request line stays one line of three parts) as
    /// the request target: an answer every time, never a 5xx.
    #[test]
    fn prop_arbitrary_request_targets_always_get_an_answer(
        target in proptest::collection::vec(any::<u8>().prop_filter("one line, three parts", |b| !matches!(b, b'\r' | b'\n' | b' ')), 1..300)
    ) {
        let mut request = b"GET ".to_vec();
        request.extend_from_slice(&target);
        request.extend_from_slice(format!(" HTTP/1.1\r\n{HEAD_TAIL}").as_bytes());
        let answer = send(request);
        let status = status_of(&answer);
        prop_assert!(matches!(status, Some(200 | 400 | 404 | 405)), "{:?}: {}", String::from_utf8_lossy(&target), show(&answer));
    }

    /// Paths under the API built from `..`, `%2e%2e`, encoded NULs and slashes, bytes that are not
    /// UTF-8: an answer every time (200, 400, 404 or 405), and a 200 only for a path of the spec.
    #[test]
    fn prop_arbitrary_path_bytes_always_get_an_answer(
        segments in proptest::collection::vec(segment(), 1..6),
        method in prop_oneof![Just("GET"), Just("POST"), Just("DELETE"), Just("PUT"), Just("PATCH")],
    ) {
        let mut path = b"/api/v1".to_vec();
        for s in &segments {
            path.push(b'/');
            path.extend_from_slice(s);
        }
        let mut request = format!("{method} ").into_bytes();
        request.extend_from_slice(&path);
        request.extend_from_slice(format!(" HTTP/1.1\r\nContent-Length: 0\r\n{HEAD_TAIL}").as_bytes());
        let answer = send(request);
        let status = status_of(&answer);
        prop_assert!(matches!(status, Some(200 | 201 | 400 | 404 | 405)), "{}: {}", String::from_utf8_lossy(&path), show(&answer));
        if status == Some(200) || status == Some(201) {
            // Only a path the router knows: no `..` resolved, no encoded byte decoded into one.
            let text = String::from_utf8_lossy(&path);
            prop_assert!(!text.contains("..") && !text.contains('%'), "{text}: {}", show(&answer));
        }
    }

    /// Arbitrary extra headers (names hyper accepts, values of any byte but CR and LF) on a
    /// request the mock answers 200: still 200, or 400 where hyper refuses the value; never
    /// anything else.
    #[test]
    fn prop_arbitrary_headers_always_get_an_answer(
        headers in proptest::collection::vec(("[a-z0-9-]{1,16}", proptest::collection::vec(any::<u8>().prop_filter("one line", |b| !matches!(b, b'\r' | b'\n')), 0..64)), 0..24)
    ) {
        let mut request = b"GET /api/v1/calls/bulk_call/314 HTTP/1.1\r\n".to_vec();
        for (name, value) in &headers {
            request.extend_from_slice(format!("x-adv-{name}: ").as_bytes());
            request.extend_from_slice(value);
            request.extend_from_slice(b"\r\n");
        }
        request.extend_from_slice(HEAD_TAIL.as_bytes());
        let answer = send(request);
        let status = status_of(&answer);
        let clean = headers.iter().all(|(_, v)| v.iter().all(|&b| b == b'\t' || (b' '..=b'~').contains(&b)));
        if clean {
            prop_assert_eq!(status, Some(200), "{}", show(&answer));
        } else {
            prop_assert!(matches!(status, Some(200 | 400)), "{}", show(&answer));
        }
    }

    /// A request of arbitrary bytes: an answer that is never a 5xx, or a close (at the latest
    /// when the 2 s header-read timeout runs out); never a hang.
    #[test]
    fn prop_arbitrary_bytes_as_a_request_get_a_4xx_or_a_close(
        bytes in proptest::collection::vec(any::<u8>(), 0..512)
    ) {
        let mut request = bytes.clone();
        request.extend_from_slice(b"\r\n\r\n");
        let answer = send(request);
        if !answer.is_empty() {
            let status = status_of(&answer);
            prop_assert!(matches!(status, Some(400..=499)), "{:?}: {}", String::from_utf8_lossy(&bytes), show(&answer));
        }
    }
}
