//! The findings cap bounds the size of a report, never its verdict (security issue #14, item 3).

use omnidim_validator::{FindingKind, Options, Severity, Validator};

/// A getBulkCall body whose `details` has `undocumented` undocumented fields (warnings) and then,
/// after them in the byte stream, `errors` type errors.
fn flood(undocumented: usize, errors: usize) -> Vec<u8> {
    let mut body = String::from("{\"status\":\"success\",\"details\":{");
    for i in 0..undocumented {
        body.push_str(&format!("\"undocumented_{i:05}\":{i},"));
    }
    // `id` is an integer in the spec; `call_status_counts` maps to integers.
    let id = if errors > 0 { "\"314\"" } else { "314" };
    body.push_str(&format!("\"id\":{id},\"call_status_counts\":{{"));
    let counts: Vec<String> = (0..errors.saturating_sub(1))
        .map(|i| format!("\"s{i}\":\"x\""))
        .collect();
    body.push_str(&counts.join(","));
    body.push_str("}}}");
    body.into_bytes()
}

fn validator(max_findings: usize) -> Validator {
    let spec = omnidim_spec::Spec::embedded().unwrap();
    Validator::with_options(
        &spec,
        Options {
            max_findings,
            ..Options::default()
        },
    )
    .unwrap()
}

#[test]
fn a_thousand_warnings_do_not_hide_one_error() {
    let v = Validator::embedded().unwrap();
    assert_eq!(Options::default().max_findings, 1000);
    let report = v
        .validate("getBulkCall", 200, None, &flood(1000, 1))
        .unwrap();
    assert!(!report.is_valid(), "a type error is invalid: {report}");
    assert_eq!(report.count(Severity::Error), 1, "{report}");
    let first = report.first_error().expect("the error is kept");
    assert_eq!(first.instance, "/details/id");
    assert_eq!(first.kind, FindingKind::Type);
    assert_eq!(report.findings.len(), 1000);
    // 1000 undocumented fields + the documented fields the body lacks, all warnings.
    assert!(report.count(Severity::Warning) > 1000, "{report}");
    assert_eq!(
        report.findings.len() + report.omitted,
        report.count(Severity::Error) + report.count(Severity::Warning)
    );
    assert_eq!(report.omitted_errors, 0);
    assert!(report.to_string().contains("INVALID"), "{report}");
}

#[test]
fn errors_past_the_cap_still_make_the_report_invalid() {
    let v = validator(3);
    let report = v.validate("getBulkCall", 200, None, &flood(10, 7)).unwrap();
    assert_eq!(report.findings.len(), 3);
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.severity == Severity::Error),
        "errors are kept before warnings: {report}"
    );
    assert_eq!(report.count(Severity::Error), 7, "{report}");
    assert_eq!(report.omitted_errors, 4);
    assert!(!report.is_valid());

    // Even with no room at all, the verdict stands.
    let report = validator(0)
        .validate("getBulkCall", 200, None, &flood(10, 1))
        .unwrap();
    assert!(report.findings.is_empty());
    assert!(!report.is_valid() && !report.is_clean(), "{report}");
    assert_eq!(report.count(Severity::Error), 1);
}

#[test]
fn warnings_alone_past_the_cap_stay_valid() {
    let report = validator(5)
        .validate("getBulkCall", 200, None, &flood(50, 0))
        .unwrap();
    assert!(report.is_valid(), "{report}");
    assert!(!report.is_clean());
    assert_eq!(report.findings.len(), 5);
    assert_eq!(report.omitted_errors, 0);
    assert!(report.first_error().is_none());
}
