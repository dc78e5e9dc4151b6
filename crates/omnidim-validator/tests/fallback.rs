//! Schemas the validator hands to `jsonschema` (keywords it does not compile itself) never make it
//! materialize every error of a large value (security issue #14, item 9): `jsonschema`'s
//! `iter_errors` collects all of them before returning the first.

use omnidim_spec::Spec;
use omnidim_validator::{FindingKind, Options, Severity, Validator};

/// `uniqueItems` is not compiled by the validator: the whole array goes to `jsonschema`.
const SPEC: &str = r#"
openapi: 3.1.0
info: {title: fallback, version: '1'}
paths:
  /list:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                items:
                  type: integer
                uniqueItems: true
"#;

fn validator(max_findings: usize) -> Validator {
    let spec = Spec::from_yaml_str(SPEC, "fallback.yaml").unwrap();
    Validator::with_options(
        &spec,
        Options {
            max_findings,
            ..Options::default()
        },
    )
    .unwrap()
}

fn strings(n: usize) -> Vec<u8> {
    let items: Vec<String> = (0..n).map(|i| format!("\"s{i}\"")).collect();
    format!("[{}]", items.join(",")).into_bytes()
}

#[test]
fn a_large_invalid_value_reports_its_first_violation_only() {
    // 20 000 wrong items: more values than the enumeration limit (10 000).
    let report = validator(1000)
        .validate("listThings", 200, None, &strings(20_000))
        .unwrap();
    assert!(!report.is_valid());
    assert_eq!(report.findings.len(), 1, "{report}");
    let f = &report.findings[0];
    assert_eq!(
        (f.kind, f.severity),
        (FindingKind::Keyword, Severity::Error)
    );
    assert_eq!(f.instance, "/0");
    assert!(f.message.contains("first violation only"), "{}", f.message);
}

#[test]
fn a_small_invalid_value_lists_violations_up_to_the_cap() {
    let v = validator(3);
    let report = v.validate("listThings", 200, None, &strings(5)).unwrap();
    assert_eq!(report.findings.len(), 3, "{report}");
    assert_eq!(report.count(Severity::Error), 5);
    assert_eq!(report.omitted_errors, 2);
    assert!(!report.is_valid());
    let report = v.validate("listThings", 200, None, b"[1, 2, 3]").unwrap();
    assert!(report.is_clean(), "{report}");
    // uniqueItems is checked by jsonschema.
    let report = v.validate("listThings", 200, None, b"[1, 2, 1]").unwrap();
    assert_eq!(report.count(Severity::Error), 1, "{report}");
}
