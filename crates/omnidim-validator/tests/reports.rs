//! Reports for the getBulkCall example and for planted violations, as reviewed snapshots.

use omnidim_validator::{FindingKind, Report, Severity, Validator};
use serde_json::{Value, json};

fn validator() -> Validator {
    Validator::embedded().expect("the embedded spec compiles")
}

fn example() -> Value {
    let spec = omnidim_spec::Spec::embedded().unwrap();
    let pointer = "/paths/~1calls~1bulk_call~1{bulk_call_id}/get/responses/200/content/application~1json/example";
    spec.document()
        .pointer(pointer)
        .cloned()
        .expect("getBulkCall example")
}

fn check(body: &[u8]) -> Report {
    validator()
        .validate("getBulkCall", 200, Some("application/json"), body)
        .unwrap()
}

fn check_value(v: &Value) -> Report {
    let report = check(&serde_json::to_vec(v).unwrap());
    // The parsed-value entry point agrees with the bytes one.
    let from_value = validator()
        .validate_value("getBulkCall", 200, None, v)
        .unwrap();
    assert_eq!(report, from_value);
    report
}

fn kinds(r: &Report) -> Vec<(String, FindingKind, Severity)> {
    r.findings
        .iter()
        .map(|f| (f.instance.clone(), f.kind, f.severity))
        .collect()
}

#[test]
fn the_example_is_valid_with_no_findings() {
    let report = check_value(&example());
    assert!(report.is_valid() && report.is_clean(), "{report}");
    insta::assert_snapshot!(report.to_string(), @"getBulkCall 200: valid (response 200), 0 error(s), 0 warning(s)");
}

#[test]
fn a_type_error_in_each_odd_field() {
    let mut body = example();
    let d = &mut body["details"];
    d["failed_reason"] = json!(0);
    d["email_report_recipients"] = json!(null);
    d["variable_config"][0]["enum_values"] = json!("gold");
    d["scheduled_datetime"] = json!(20260422);
    d["recording_file_id"] = json!("7");
    d["current_number_assignment_id"] = json!(1.5);
    d["number_pool"][0]["rolling_cpr"] = json!("high");
    d["call_status_counts"]["no-answer"] = json!("1");
    d["id"] = json!("314");
    let report = check_value(&body);
    assert!(!report.is_valid());
    assert_eq!(report.count(Severity::Error), 9, "{report}");
    insta::assert_snapshot!(report.to_string());
    insta::assert_json_snapshot!(report);
}

#[test]
fn an_undocumented_and_a_missing_field_are_warnings() {
    let mut body = example();
    body["details"]["queue_position"] = json!(3);
    body["details"].as_object_mut().unwrap().remove("timezone");
    let report = check_value(&body);
    assert!(report.is_valid(), "warnings only: {report}");
    assert_eq!(
        kinds(&report),
        vec![
            (
                "/details/queue_position".into(),
                FindingKind::UndocumentedField,
                Severity::Warning
            ),
            (
                "/details/timezone".into(),
                FindingKind::MissingField,
                Severity::Warning
            ),
        ]
    );
    insta::assert_snapshot!(report.to_string());
}

#[test]
fn an_html_page_is_invalid_json_with_its_offset() {
    let report = check(b"<html><body><h1>502 Bad Gateway</h1></body></html>");
    assert_eq!(
        kinds(&report),
        vec![(String::new(), FindingKind::InvalidJson, Severity::Error)]
    );
    assert!(report.findings[0].message.contains("at byte 0"), "{report}");
    insta::assert_snapshot!(report.to_string());
}

#[test]
fn a_truncated_body_names_where_it_ends() {
    let full = serde_json::to_vec(&example()).unwrap();
    let cut = &full[..full.len() / 2];
    let report = check(cut);
    assert_eq!(
        kinds(&report),
        vec![(String::new(), FindingKind::InvalidJson, Severity::Error)]
    );
    let expected = format!("at byte {}", cut.len());
    assert!(report.findings[0].message.contains(&expected), "{report}");
    insta::assert_snapshot!(report.to_string());
}

#[test]
fn an_empty_body() {
    let report = check(b"");
    assert_eq!(
        kinds(&report),
        vec![(String::new(), FindingKind::EmptyBody, Severity::Error)]
    );
    insta::assert_snapshot!(report.to_string());
}

#[test]
fn a_top_level_array() {
    let report = check(b"[{\"status\": \"success\"}]");
    assert_eq!(
        kinds(&report),
        vec![(String::new(), FindingKind::Type, Severity::Error)]
    );
    insta::assert_snapshot!(report.to_string());
}

#[test]
fn statuses_and_content_types() {
    let v = validator();
    // 404 is documented (the NotFound response, Error schema).
    let r = v
        .validate(
            "getBulkCall",
            404,
            Some("application/json"),
            br#"{"error": "not found"}"#,
        )
        .unwrap();
    assert!(r.is_valid(), "{r}");
    assert_eq!(r.matched_response.as_deref(), Some("404"));
    // 503 falls into 5XX.
    let r = v
        .validate("getBulkCall", 503, None, br#"{"message": "down"}"#)
        .unwrap();
    assert_eq!(r.matched_response.as_deref(), Some("5XX"));
    // 418 is documented nowhere.
    let r = v.validate("getBulkCall", 418, None, b"{}").unwrap();
    assert_eq!(
        kinds(&r),
        vec![(
            String::new(),
            FindingKind::UndocumentedStatus,
            Severity::Error
        )]
    );
    // An HTML content type is not declared.
    let r = v
        .validate(
            "getBulkCall",
            200,
            Some("text/html; charset=utf-8"),
            b"<html>",
        )
        .unwrap();
    assert_eq!(
        kinds(&r),
        vec![(
            String::new(),
            FindingKind::UndocumentedContentType,
            Severity::Error
        )]
    );
    // Parameters of the content type are ignored.
    let r = v
        .validate(
            "getBulkCall",
            200,
            Some("application/json; charset=utf-8"),
            &serde_json::to_vec(&example()).unwrap(),
        )
        .unwrap();
    assert!(r.is_clean(), "{r}");
    // Unknown operations are an error of the call, not a finding.
    assert!(v.validate("noSuchOperation", 200, None, b"{}").is_err());
}

/// Masking is on by default in every report, and this test fails when it is switched off: a
/// phone number sent as a JSON number (a type error), the same number as an undocumented key, and
/// a string phone number must not show in the text or the JSON report, and do show with
/// `show_values`.
#[test]
fn values_are_masked_unless_asked() {
    let mut body = example();
    body["details"]["twilio_number"] = json!(15551234567u64);
    body["details"]["+15559876543"] = json!(1);
    body["contact_list"][0]["to_number"] = json!(["+15550001111"]);
    body["details"]["name"] = json!(15552223333u64);
    let report = check_value(&body);
    assert!(!report.is_valid());
    let text = report.to_string();
    let json = serde_json::to_string(&report).unwrap();
    for digits in ["5551234567", "5559876543", "5550001111", "5552223333"] {
        assert!(!text.contains(digits), "{digits} in {text}");
        assert!(!json.contains(digits), "{digits} in {json}");
    }
    assert!(text.contains("integer (11 digits)"), "{text}");
    assert!(text.contains("<masked key, 12 chars>"), "{text}");
    let spec = omnidim_spec::Spec::embedded().unwrap();
    let shown = Validator::with_options(
        &spec,
        omnidim_validator::Options {
            show_values: true,
            ..Default::default()
        },
    )
    .unwrap();
    let r = shown
        .validate_value("getBulkCall", 200, None, &body)
        .unwrap()
        .to_string();
    for digits in ["15551234567", "+15559876543", "15552223333"] {
        assert!(r.contains(digits), "{digits} not shown: {r}");
    }
}
