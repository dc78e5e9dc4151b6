//! The validator and the client agree on what decodes (security issue #14, item 12).
//!
//! The client decodes a body with `serde_json` into serde-derived structs. `serde_json` rejects a
//! lone UTF-16 surrogate escape in any string it decodes (`serde_json::Value` everywhere); a
//! derived struct fails on a repeated field ("duplicate field"), while maps and
//! `serde_json::Value` keep the last of repeated keys. Each case runs the validator and `serde_json`
//! on the same bytes.

use std::collections::HashMap;

use omnidim_validator::{FindingKind, Report, Severity, Validator};
use serde::Deserialize;

/// The shape of getBulkCall as the generated client has it (the fields these cases touch).
#[derive(Deserialize)]
#[allow(dead_code)]
struct GetBulkCall {
    status: Option<String>,
    details: Option<Details>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Details {
    id: Option<i64>,
    name: Option<String>,
    #[serde(default)]
    call_status_counts: HashMap<String, i64>,
}

fn validate(body: &str) -> Report {
    Validator::embedded()
        .unwrap()
        .validate("getBulkCall", 200, None, body.as_bytes())
        .unwrap()
}

fn as_value(body: &str) -> bool {
    serde_json::from_slice::<serde_json::Value>(body.as_bytes()).is_ok()
}

fn as_struct(body: &str) -> bool {
    serde_json::from_slice::<GetBulkCall>(body.as_bytes()).is_ok()
}

#[test]
fn a_lone_surrogate_in_a_key_is_rejected_by_all() {
    for body in [
        r#"{"status":"success","details":{"\ud800":1}}"#,
        r#"{"status":"success","details":{"x\udfff":1}}"#,
        r#"{"\ud800\u0041":1}"#,
    ] {
        let report = validate(body);
        assert!(!report.is_valid(), "{body}: {report}");
        assert_eq!(
            report.findings[0].kind,
            FindingKind::InvalidJson,
            "{report}"
        );
        assert!(
            report.findings[0].message.contains("lone UTF-16 surrogate"),
            "{report}"
        );
        assert!(!as_value(body), "{body}");
        assert!(!as_struct(body), "{body}");
    }
}

#[test]
fn a_lone_surrogate_in_a_value_is_rejected_like_serde_json_value() {
    for body in [
        // a documented string
        r#"{"status":"\ud800","details":{}}"#,
        // an undocumented field's value and a value the schema leaves open
        r#"{"status":"success","details":{"undocumented":"\udc00"}}"#,
        r#"{"status":"success","details":{"call_status_counts":{"a":1}},"extra":["\ud800"]}"#,
    ] {
        let report = validate(body);
        assert!(!report.is_valid(), "{body}: {report}");
        assert_eq!(
            report.findings[0].kind,
            FindingKind::InvalidJson,
            "{report}"
        );
        assert!(!as_value(body), "{body}");
        // Without drift warnings an undocumented value is skipped unread, not decoded.
        let spec = omnidim_spec::Spec::embedded().unwrap();
        let quiet = Validator::with_options(
            &spec,
            omnidim_validator::Options {
                warnings: false,
                ..Default::default()
            },
        )
        .unwrap();
        let report = quiet
            .validate("getBulkCall", 200, None, body.as_bytes())
            .unwrap();
        assert!(!report.is_valid(), "{body} (no warnings): {report}");
    }
}

#[test]
fn paired_surrogates_and_escaped_backslashes_decode_for_all() {
    for body in [
        r#"{"status":"\ud83d\ude00","details":{"name":"\\ud800"}}"#,
        r#"{"status":"success","details":{"\ud83d\ude00":1}}"#,
    ] {
        let report = validate(body);
        assert!(report.is_valid(), "{body}: {report}");
        assert!(as_value(body) && as_struct(body), "{body}");
    }
}

#[test]
fn a_repeated_documented_field_is_an_error_as_in_the_client() {
    for (body, at) in [
        (r#"{"status":"success","status":"success"}"#, "/status"),
        (r#"{"details":{"id":1,"name":"a","id":2}}"#, "/details/id"),
    ] {
        let report = validate(body);
        assert!(!report.is_valid(), "{body}: {report}");
        let f = report.first_error().unwrap();
        assert_eq!(
            (f.kind, f.instance.as_str()),
            (FindingKind::DuplicateKey, at)
        );
        let err = serde_json::from_slice::<GetBulkCall>(body.as_bytes())
            .err()
            .expect("the derived struct rejects it");
        assert!(err.to_string().contains("duplicate field"), "{err}");
    }
}

#[test]
fn other_repeated_keys_are_warnings_and_decode_for_all() {
    for (body, at) in [
        (
            r#"{"status":"success","details":{"new":1,"new":2}}"#,
            "/details/new",
        ),
        (
            r#"{"details":{"call_status_counts":{"completed":1,"completed":2}}}"#,
            "/details/call_status_counts/completed",
        ),
    ] {
        let report = validate(body);
        assert!(report.is_valid(), "{body}: {report}");
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.kind == FindingKind::DuplicateKey
                    && f.severity == Severity::Warning
                    && f.instance == at),
            "{report}"
        );
        assert!(as_value(body) && as_struct(body), "{body}");
    }
}
