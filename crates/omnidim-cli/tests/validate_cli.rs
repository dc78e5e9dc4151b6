//! `omnidim validate` end to end: exit codes, formats, NDJSON streams.

use assert_cmd::Command;

fn omnidim() -> Command {
    Command::cargo_bin("omnidim").unwrap()
}

fn example() -> String {
    let spec = omnidim_spec::Spec::embedded().unwrap();
    let p = "/paths/~1calls~1bulk_call~1{bulk_call_id}/get/responses/200/content/application~1json/example";
    spec.document().pointer(p).unwrap().to_string()
}

#[test]
fn a_valid_body_exits_0() {
    let out = omnidim()
        .args(["validate", "--operation", "getBulkCall", "-"])
        .write_stdin(example())
        .assert()
        .code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.starts_with("getBulkCall 200: valid"), "{text}");
}

#[test]
fn a_type_error_exits_1_with_a_json_report() {
    let body = example().replace("\"id\":314", "\"id\":\"314\"");
    let out = omnidim()
        .args(["validate", "--operation", "getBulkCall", "--format", "json"])
        .write_stdin(body)
        .assert()
        .code(1);
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(report["findings"][0]["instance"], "/details/id");
    assert_eq!(report["findings"][0]["severity"], "error");
    assert_eq!(
        report["findings"][0]["schema"],
        "#/components/schemas/BulkCallDetail/properties/id/type"
    );
}

#[test]
fn an_html_body_exits_1() {
    omnidim()
        .args(["validate", "--operation", "getBulkCall", "--status", "502"])
        .write_stdin("<html>Bad gateway</html>")
        .assert()
        .code(1);
}

#[test]
fn warnings_pass_unless_strict() {
    let body = example().replacen("\"details\":{", "\"details\":{\"new_field\":1,", 1);
    assert!(body.contains("new_field"));
    omnidim()
        .args(["validate", "--operation", "getBulkCall"])
        .write_stdin(body.clone())
        .assert()
        .code(0);
    omnidim()
        .args(["validate", "--operation", "getBulkCall", "--strict"])
        .write_stdin(body)
        .assert()
        .code(1);
}

#[test]
fn usage_and_io_errors_exit_2_with_one_line() {
    let out = omnidim()
        .args(["validate", "--operation", "noSuchOp"])
        .write_stdin("{}")
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("noSuchOp"), "{err}");
    let out = omnidim()
        .args([
            "validate",
            "--operation",
            "getBulkCall",
            "/nonexistent/body.json",
        ])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("/nonexistent/body.json") && err.lines().count() == 1,
        "{err}"
    );
    omnidim()
        .args(["validate"])
        .write_stdin("{}")
        .assert()
        .code(2);
    omnidim()
        .args(["validate", "--format", "xml", "--operation", "getBulkCall"])
        .assert()
        .code(2);
}

#[test]
fn an_ndjson_stream() {
    let dir = std::env::temp_dir().join(format!("omnidim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("recorded.ndjson");
    let lines = [
        format!(
            "{{\"operation\":\"getBulkCall\",\"status\":200,\"body\":{}}}",
            example()
        ),
        "{\"operation\":\"getBulkCall\",\"status\":404,\"body\":{\"error\":\"not found\"}}"
            .to_string(),
        "{\"operation\":\"getBulkCall\",\"status\":502,\"body\":\"<html>bad gateway</html>\"}"
            .to_string(),
    ];
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let out = omnidim()
        .args(["validate", "--ndjson"])
        .arg(&path)
        .assert()
        .code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("3 response(s): 2 passed, 1 failed"), "{text}");
    let out = omnidim()
        .args(["validate", "--format", "json", "--ndjson"])
        .arg(&path)
        .assert()
        .code(1);
    assert_eq!(
        String::from_utf8(out.get_output().stdout.clone())
            .unwrap()
            .lines()
            .count(),
        3
    );

    std::fs::write(&path, "{\"operation\": \"getBulkCall\"\n").unwrap();
    let out = omnidim()
        .args(["validate", "--ndjson"])
        .arg(&path)
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("recorded.ndjson:1"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// An error behind more warnings than the findings cap still exits 1, also in strict mode
/// (security issue #14, item 3).
#[test]
fn an_error_behind_a_thousand_warnings_exits_1() {
    let mut body = String::from("{\"status\":\"success\",\"details\":{");
    for i in 0..1000 {
        body.push_str(&format!("\"undocumented_{i:04}\":{i},"));
    }
    body.push_str("\"id\":\"314\"}}");
    for strict in [false, true] {
        let mut cmd = omnidim();
        cmd.args(["validate", "--operation", "getBulkCall", "--format", "json"]);
        if strict {
            cmd.arg("--strict");
        }
        let out = cmd.write_stdin(body.clone()).assert().code(1);
        let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        let errors: Vec<&serde_json::Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .collect();
        assert_eq!(errors.len(), 1, "the error is kept");
        assert_eq!(errors[0]["instance"], "/details/id");
    }
}

fn temp_ndjson(name: &str, lines: &[String]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("omnidim-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("recorded.ndjson");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// A line longer than --max-line-bytes is an input error naming the line and the limit, and it
/// is never read whole (security issue #14, item 5); the help states the limit.
#[test]
fn an_ndjson_line_past_the_limit_exits_2_naming_it() {
    let ok =
        "{\"operation\":\"getBulkCall\",\"status\":404,\"body\":{\"error\":\"x\"}}".to_string();
    let long = format!(
        "{{\"operation\":\"getBulkCall\",\"status\":404,\"body\":{{\"error\":\"{}\"}}}}",
        "x".repeat(5000)
    );
    let path = temp_ndjson("limit", &[ok.clone(), long, ok]);
    let out = omnidim()
        .args(["validate", "--max-line-bytes", "1000", "--ndjson"])
        .arg(&path)
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("recorded.ndjson:2: line longer than 1000 bytes"),
        "{err}"
    );
    // The same stream passes under the default limit.
    omnidim()
        .args(["validate", "--ndjson"])
        .arg(&path)
        .assert()
        .code(0);
    let help = omnidim().args(["validate", "--help"]).assert().code(0);
    let help = String::from_utf8(help.get_output().stdout.clone()).unwrap();
    assert!(help.contains("--max-line-bytes"), "{help}");
    assert!(help.contains("268435456"), "{help}");
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}

/// --ndjson hands each body's bytes to the validator as they are (no DOM, no copy): the report
/// equals the one for the same body as a file, including what only the bytes show, such as a
/// repeated key (a parsed value would keep the last one).
#[test]
fn ndjson_bodies_are_checked_from_their_bytes() {
    let body = example().replace("\"id\":314", "\"id\":\"314\",\"id\":315");
    assert!(body.contains("\"id\":315"));
    let path = temp_ndjson(
        "bytes",
        &[format!(
            "{{\"operation\":\"getBulkCall\",\"status\":200,\"body\":{body}}}"
        )],
    );
    let out = omnidim()
        .args(["validate", "--format", "json", "--ndjson"])
        .arg(&path)
        .assert()
        .code(1);
    let mut from_ndjson: serde_json::Value =
        serde_json::from_slice(&out.get_output().stdout).unwrap();
    // The NDJSON report also names its input line.
    assert_eq!(
        from_ndjson.as_object_mut().unwrap().remove("line"),
        Some(1.into())
    );
    let out = omnidim()
        .args(["validate", "--operation", "getBulkCall", "--format", "json"])
        .write_stdin(body)
        .assert()
        .code(1);
    let from_file: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(from_ndjson, from_file);
    let kinds: Vec<&str> = from_ndjson["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"duplicate_key"), "{from_ndjson}");
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}

mod junit_xsd;

/// Under --strict a report with warnings only "fails under --strict": it is never called valid.
#[test]
fn strict_says_fails_under_strict_not_valid() {
    let body = example().replacen("\"details\":{", "\"details\":{\"new_field\":1,", 1);
    let out = omnidim()
        .args(["validate", "--operation", "getBulkCall", "--strict"])
        .write_stdin(body.clone())
        .assert()
        .code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with("getBulkCall 200: fails under --strict"),
        "{text}"
    );
    assert!(!text.contains(": valid"), "{text}");
    let out = omnidim()
        .args([
            "validate",
            "--operation",
            "getBulkCall",
            "--strict",
            "--format",
            "json",
        ])
        .write_stdin(body)
        .assert()
        .code(1);
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(report["verdict"], "fails under --strict");
    assert_eq!(report["passed"], false);
}

/// `--ndjson --format json` carries the input line of each report (blank lines counted), and
/// `--format junit` gives one test case per response that passes the schema check.
#[test]
fn ndjson_reports_carry_their_line_and_junit_has_a_case_each() {
    let lines = [
        format!(
            "{{\"operation\":\"getBulkCall\",\"status\":200,\"body\":{}}}",
            example()
        ),
        String::new(),
        "{\"operation\":\"getBulkCall\",\"status\":502,\"body\":\"<html>bad gateway</html>\"}"
            .to_string(),
    ];
    let path = temp_ndjson("lines", &lines);
    let out = omnidim()
        .args(["validate", "--format", "json", "--ndjson"])
        .arg(&path)
        .assert()
        .code(1);
    let reports: Vec<serde_json::Value> = String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports[0]["line"], 1);
    assert_eq!(reports[1]["line"], 3);
    assert_eq!(reports[1]["passed"], false);
    let out = omnidim()
        .args(["validate", "--format", "junit", "--ndjson"])
        .arg(&path)
        .assert()
        .code(1);
    let xml = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let cases = junit_xsd::check(&xml);
    assert_eq!(cases.len(), 2);
    assert!(
        cases[1]
            .attr("name")
            .unwrap()
            .starts_with("line 3: getBulkCall 502")
    );
    assert_eq!(cases[1].all("failure").len(), 1);
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}

/// A baseline written by validate passes the same drift and fails a new undocumented field.
#[test]
fn validate_with_a_baseline_fails_only_on_new_findings() {
    let drifted = example().replacen("\"details\":{", "\"details\":{\"new_field\":1,", 1);
    let path = temp_ndjson(
        "vbaseline",
        &[format!(
            "{{\"operation\":\"getBulkCall\",\"status\":200,\"body\":{drifted}}}"
        )],
    );
    let baseline = path.parent().unwrap().join("baseline.json");
    omnidim()
        .args(["validate", "--write-baseline"])
        .arg(&baseline)
        .arg("--ndjson")
        .arg(&path)
        .assert()
        .code(0);
    omnidim()
        .args(["validate", "--baseline"])
        .arg(&baseline)
        .arg("--ndjson")
        .arg(&path)
        .assert()
        .code(0);
    let more = drifted.replacen("\"details\":{", "\"details\":{\"newer_field\":2,", 1);
    std::fs::write(
        &path,
        format!("{{\"operation\":\"getBulkCall\",\"status\":200,\"body\":{more}}}\n"),
    )
    .unwrap();
    let out = omnidim()
        .args(["validate", "--baseline"])
        .arg(&baseline)
        .arg("--ndjson")
        .arg(&path)
        .assert()
        .code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("fails: 1 new finding(s) not in the baseline"),
        "{text}"
    );
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}
