//! `omnidim mock`: its limits are options whose help states the library's defaults.

use assert_cmd::Command;

#[test]
fn mock_help_states_each_limit_and_its_default() {
    let out = Command::cargo_bin("omnidim")
        .unwrap()
        .args(["mock", "--help"])
        .assert()
        .code(0);
    let help = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let defaults = omnidim_mock::Limits::default();
    for (option, default) in [
        (
            "--header-read-timeout",
            defaults.header_read_timeout.as_secs().to_string(),
        ),
        (
            "--idle-timeout",
            defaults.idle_timeout.as_secs().to_string(),
        ),
        ("--max-connections", defaults.max_connections.to_string()),
        ("--max-body-bytes", defaults.max_body_bytes.to_string()),
    ] {
        let at = help
            .find(option)
            .unwrap_or_else(|| panic!("{option} missing:\n{help}"));
        let entry = &help[at..];
        let end = entry[2..].find("\n  -").map_or(entry.len(), |e| e + 2);
        assert!(
            entry[..end].contains(&format!("[default: {default}]")),
            "{option}: {}",
            &entry[..end]
        );
    }
}

#[test]
fn mock_refuses_zero_connections() {
    Command::cargo_bin("omnidim")
        .unwrap()
        .args(["mock", "--max-connections", "0"])
        .assert()
        .code(2);
}

/// `omnidim proxy` in front of `omnidim mock`: the client's answer is the mock's, the NDJSON
/// log has the exchange (masked: no key), and the recording replays.
#[test]
fn the_proxy_command_forwards_logs_and_records() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command as Std, Stdio};
    let bin = assert_cmd::cargo::cargo_bin("omnidim");
    // The reader is kept (returned): closing the pipe would fail the child's next print.
    let first_line = |child: &mut std::process::Child| {
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap()
            .to_string();
        (url, reader)
    };
    let mut mock = Std::new(&bin)
        .args(["mock"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (mock_url, _mock_out) = first_line(&mut mock);
    let dir = std::env::temp_dir().join(format!("omnidim-cli-{}-proxy", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (log, rec) = (dir.join("log.ndjson"), dir.join("rec.ndjson"));
    let mut proxy = Std::new(&bin)
        .args([
            "proxy",
            "--upstream",
            &mock_url,
            "--log-format",
            "ndjson",
            "--log",
        ])
        .arg(&log)
        .arg("--record")
        .arg(&rec)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (proxy_url, _proxy_out) = first_line(&mut proxy);
    let addr = proxy_url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "GET /api/v1/calls/bulk_call/314 HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer sk-cli-secret-123\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"status\":\"success\""), "{answer}");
    // The exchange is logged after the answer went out.
    let mut logged = String::new();
    for _ in 0..500 {
        logged = std::fs::read_to_string(&log).unwrap_or_default();
        if logged.contains("getBulkCall") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    proxy.kill().ok();
    proxy.wait().ok();
    mock.kill().ok();
    mock.wait().ok();
    let event: serde_json::Value = serde_json::from_str(logged.lines().next().unwrap()).unwrap();
    assert_eq!(event["operation"], "getBulkCall");
    assert_eq!(event["status"], 200);
    assert!(!logged.contains("sk-cli-secret"), "{logged}");
    assert!(
        !std::fs::read_to_string(&rec)
            .unwrap()
            .contains("sk-cli-secret")
    );
    Command::cargo_bin("omnidim")
        .unwrap()
        .args(["validate", "--strict", "--ndjson"])
        .arg(&rec)
        .assert()
        .code(0);
    std::fs::remove_dir_all(&dir).ok();
}
