//! `omnidim check-live`: exit codes a CI can trust, formats, baselines, recordings.

mod junit_xsd;
mod support;

use assert_cmd::Command;
use serde_json::Value;
use support::{json, serve, temp_dir};

fn omnidim() -> Command {
    let mut c = Command::cargo_bin("omnidim").unwrap();
    c.env_remove("OMNIDIM_API_KEY")
        .env_remove("OMNIDIM_BASE_URL");
    c
}

fn gets() -> Vec<String> {
    let spec = omnidim_spec::Spec::embedded().unwrap();
    spec.operations()
        .into_iter()
        .filter(|o| o.method == omnidim_spec::HttpMethod::Get)
        .filter_map(|o| o.operation_id)
        .collect()
}

#[test]
fn check_live_against_the_mock_passes_every_read_only_operation() {
    let out = omnidim().args(["check-live", "--mock"]).assert().code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let gets = gets();
    for id in &gets {
        let line = text
            .lines()
            .find(|l| l.starts_with(id.as_str()))
            .unwrap_or_else(|| panic!("{id} missing:\n{text}"));
        assert!(line.contains(" 200 ") && line.contains("ok"), "{line}");
    }
    assert!(
        text.contains(&format!("{} passed, 0 failed, 0 skipped", gets.len())),
        "{text}"
    );
}

/// The mock answers with the spec's own examples (or a sample with every documented field):
/// none of them drifts from its schema, so real drift is not drowned (it was 195 warnings).
/// Known disagreements of the published spec are recorded in `x-omnidim-unmodelled-keys` and
/// `x-omnidim-may-be-absent`, which the validator honours.
#[test]
fn the_mocks_own_answers_produce_no_drift_warnings() {
    let out = omnidim()
        .args(["check-live", "--mock", "--strict", "--format", "json"])
        .assert()
        .code(0);
    let doc: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let findings: Vec<String> = doc["operations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|op| op["findings"].as_array().unwrap().clone())
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(findings, Vec::<String>::new());
    assert_eq!(doc["summary"]["passed"], gets().len());
}

#[test]
fn check_live_without_a_key_says_what_is_missing() {
    let out = omnidim().args(["check-live"]).assert().code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("OMNIDIM_API_KEY") && err.contains("--mock"),
        "{err}"
    );
}

/// The issue's scenario: a server that answers every request with `401
/// {"error":"unauthorized"}` (a documented 401 body) no longer passes: the run stops at the first
/// refusal with exit code 3 and says "unauthorized".
#[test]
fn a_refused_key_exits_3_unauthorized_after_one_request() {
    let server = serve(|_| {
        (
            "401 Unauthorized".into(),
            json(),
            r#"{"error":"unauthorized"}"#.into(),
        )
    });
    for format in ["human", "json", "junit"] {
        let out = omnidim()
            .env("OMNIDIM_API_KEY", "sk-wrong-key-123456")
            .args([
                "check-live",
                "--base-url",
                &server.base_url(),
                "--format",
                format,
            ])
            .assert()
            .code(3);
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(err.contains("unauthorized"), "{err}");
        assert!(!err.contains("sk-wrong"), "{err}");
        let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(!stdout.contains("sk-wrong"), "{stdout}");
        if format == "junit" {
            let cases = junit_xsd::check(&stdout);
            assert!(cases.iter().any(|c| !c.all("error").is_empty()), "{stdout}");
        }
    }
    assert_eq!(
        server.requests.lock().unwrap().len(),
        3,
        "one request per run"
    );
}

#[test]
fn a_closed_port_exits_4_unreachable_with_the_os_cause() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let out = omnidim()
        .env("OMNIDIM_API_KEY", "sk-test-key-123456")
        .args([
            "check-live",
            "--base-url",
            &format!("http://127.0.0.1:{port}/api/v1"),
        ])
        .assert()
        .code(4);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("unreachable"), "{err}");
    assert!(err.to_lowercase().contains("connection refused"), "{err}");
}

/// 5xx and 429 fail (exit 4, with the server's error text); a documented non-success status such as
/// 404 fails the contract (exit 1) even though its body matches the documented error schema.
#[test]
fn server_errors_and_documented_error_statuses_fail() {
    let server = serve(|_| {
        (
            "503 Service Unavailable".into(),
            json(),
            r#"{"error":"maintenance window"}"#.into(),
        )
    });
    let out = omnidim()
        .args(["check-live", "--base-url", &server.base_url()])
        .assert()
        .code(4);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("server error HTTP 503: maintenance window"),
        "{text}"
    );
    let server = serve(|_| {
        (
            "429 Too Many Requests".into(),
            json(),
            r#"{"error":"slow down"}"#.into(),
        )
    });
    let out = omnidim()
        .args(["check-live", "--base-url", &server.base_url()])
        .assert()
        .code(4);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("rate limited HTTP 429: slow down"), "{text}");
    let server = serve(|_| {
        (
            "404 Not Found".into(),
            json(),
            r#"{"error":"not found"}"#.into(),
        )
    });
    let out = omnidim()
        .args(["check-live", "--base-url", &server.base_url()])
        .assert()
        .code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("not a documented success status"), "{text}");
    assert!(text.contains("\n0 passed"), "{text}");
}

/// Without a key the placeholder key goes to a loopback server only: a non-loopback base URL is
/// refused before any request (exit 2), a loopback one gets the placeholder.
#[test]
fn the_placeholder_key_is_never_sent_off_loopback() {
    let out = omnidim()
        .args([
            "check-live",
            "--base-url",
            "https://api.example.invalid/api/v1",
        ])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("not loopback"), "{err}");
    let server = serve(|_| ("401 Unauthorized".into(), json(), "{}".into()));
    omnidim()
        .args(["check-live", "--base-url", &server.base_url()])
        .assert()
        .code(3);
    let seen = server.requests.lock().unwrap().join("");
    assert!(
        seen.to_lowercase()
            .contains("authorization: bearer mock-key-not-a-secret"),
        "{seen}"
    );
}

#[test]
fn junit_output_passes_the_schema_check() {
    let out = omnidim()
        .args(["check-live", "--mock", "--format", "junit"])
        .assert()
        .code(0);
    let xml = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let cases = junit_xsd::check(&xml);
    assert_eq!(cases.len(), gets().len());
    assert!(cases.iter().all(|c| c.children.is_empty()), "all pass");
}

/// Run check-live against a mock that serves `body` for getBulkCall.
fn check_live_with_bulk_call(body: Value, extra: &[&str]) -> (i32, String) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mock = runtime.block_on(async {
        let mut options = omnidim_mock::MockOptions::default();
        options.answers.insert(
            "getBulkCall".into(),
            omnidim_mock::RecordedAnswer {
                status: 200,
                content_type: "application/json".into(),
                body: serde_json::to_vec(&body).unwrap().into(),
            },
        );
        omnidim_mock::MockServer::start_with(
            omnidim_spec::Spec::embedded().unwrap(),
            options,
            ([127, 0, 0, 1], 0).into(),
        )
        .await
        .unwrap()
    });
    let out = omnidim()
        .args(["check-live", "--base-url", &mock.base_url()])
        .args(extra)
        .output()
        .unwrap();
    drop(mock);
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn bulk_call_example() -> Value {
    let spec = omnidim_spec::Spec::embedded().unwrap();
    let p = "/paths/~1calls~1bulk_call~1{bulk_call_id}/get/responses/200/content/application~1json/example";
    spec.document().pointer(p).unwrap().clone()
}

/// A baseline written from a run with drift makes a second run with the same drift pass; a new
/// undocumented field then fails (exit 1), named as new.
#[test]
fn a_baseline_passes_known_drift_and_fails_new_drift() {
    let dir = temp_dir("baseline");
    let baseline = dir.join("baseline.json");
    let mut drifted = bulk_call_example();
    drifted["details"]["queue_position"] = 3.into();
    // Without a baseline, under --strict, the drift fails.
    let (code, _) = check_live_with_bulk_call(drifted.clone(), &["--strict"]);
    assert_eq!(code, 1);
    let (code, _) = check_live_with_bulk_call(
        drifted.clone(),
        &["--write-baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    let written = std::fs::read_to_string(&baseline).unwrap();
    assert!(
        written.contains("getBulkCall undocumented_field /details/queue_position"),
        "{written}"
    );
    let (code, text) =
        check_live_with_bulk_call(drifted.clone(), &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    let mut more = drifted;
    more["details"]["dialer_region"] = "eu".into();
    let (code, text) = check_live_with_bulk_call(
        more,
        &["--baseline", baseline.to_str().unwrap(), "--details"],
    );
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("1 new finding(s) not in the baseline"),
        "{text}"
    );
    assert!(
        text.contains("NEW   getBulkCall undocumented_field /details/dialer_region"),
        "{text}"
    );
    assert!(
        text.contains("known getBulkCall undocumented_field /details/queue_position"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `--record` writes every response; `validate --ndjson` replays it with the same verdicts; no
/// credential and no personal value is written.
#[test]
fn a_recording_replays_and_holds_no_secret() {
    let dir = temp_dir("record");
    let file = dir.join("rec.ndjson");
    omnidim()
        .args(["check-live", "--mock", "--record", file.to_str().unwrap()])
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), gets().len());
    let out = omnidim()
        .args(["validate", "--strict", "--ndjson", file.to_str().unwrap()])
        .assert()
        .code(0);
    let replay = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        replay.contains(&format!(
            "{n} response(s): {n} passed, 0 failed",
            n = gets().len()
        )),
        "{replay}"
    );

    // A server whose answer carries a secret, a phone number (as a JSON number) and a cookie.
    let server = serve(|_| {
        (
            "200 OK".into(),
            vec![
                ("Content-Type".into(), "application/json".into()),
                ("Set-Cookie".into(), "session=cookie-secret".into()),
            ],
            r#"{"balance":{"amount":15551234567},"secret_key":"sk-live-zzz","owner_email":"ann@example.com"}"#.into(),
        )
    });
    let file = dir.join("secret.ndjson");
    omnidim()
        .env("OMNIDIM_API_KEY", "sk-test-key-123456")
        .args([
            "check-live",
            "--base-url",
            &server.base_url(),
            "--record",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("getAccountBalance"), "{text}");
    for secret in [
        "sk-test-key",
        "sk-live-zzz",
        "cookie-secret",
        "5551234567",
        "ann@example",
    ] {
        assert!(!text.contains(secret), "{secret} written: {text}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `omnidim mock --examples-from` serves the recorded body instead of the spec's example.
#[test]
fn the_mock_serves_recorded_bodies() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = temp_dir("examples-from");
    let file = dir.join("rec.ndjson");
    let line = serde_json::json!({"operation": "getBulkCall", "status": 200,
        "content_type": "application/json", "headers": {},
        "body": {"status": "success", "details": {"id": 777}}});
    std::fs::write(&file, format!("{line}\n")).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("omnidim"))
        .args(["mock", "--examples-from", file.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    // Kept open: closing the pipe would fail the mock's next print.
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut first).unwrap();
    let url = first.trim().rsplit(' ').next().unwrap().to_string();
    let addr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "GET /api/v1/calls/bulk_call/314 HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer k\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    child.kill().ok();
    child.wait().ok();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""details":{"id":777}"#), "{answer}");
    std::fs::remove_dir_all(&dir).ok();
}
