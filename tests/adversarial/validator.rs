//! The validator under hostile bodies: deep nesting, numbers beyond `f64`, 300-digit numbers,
//! bytes that are not UTF-8, a 200 MB body (peak RSS measured), arbitrary and mutated JSON.

use omnidim_validator::{FindingKind, Report, Validator};
use proptest::prelude::*;
use serde_json::Value;
use std::sync::OnceLock;

use crate::support::{self, MIB};

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::embedded().unwrap())
}

fn check(op: &str, body: &[u8]) -> Report {
    validator().validate(op, 200, None, body).unwrap()
}

/// The report's only finding: invalid JSON, with this in its message.
fn assert_invalid_json(report: &Report, says: &str) {
    assert_eq!(report.findings.len(), 1, "{report}");
    let f = &report.findings[0];
    assert_eq!(f.kind, FindingKind::InvalidJson, "{report}");
    assert!(f.message.contains(says), "{}", f.message);
    assert!(!report.is_valid());
}

/// 100,000 levels of `[` or `{"a":`, at the top, in a documented field and in an undocumented
/// one: invalid JSON naming serde_json's recursion limit (128), found at level 128 whatever the
/// depth (the rest is never read), as the client would fail.
#[test]
fn nesting_100k_deep_is_invalid_json_naming_the_recursion_limit() {
    let n = 100_000;
    let bodies = [
        format!("{}1{}", "[".repeat(n), "]".repeat(n)),
        format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n)),
        format!(
            "{{\"status\":\"success\",\"details\":{}1{}}}",
            "[".repeat(n),
            "]".repeat(n)
        ),
        format!(
            "{{\"status\":\"success\",\"undocumented\":{}1{}}}",
            "[".repeat(n),
            "]".repeat(n)
        ),
    ];
    for body in bodies {
        let report = check("getBulkCall", body.as_bytes());
        assert_invalid_json(&report, "recursion limit exceeded");
        assert!(serde_json::from_str::<Value>(&body).is_err());
    }
}

/// 1e400, -1e400 and a 400-digit integer overflow `f64`: invalid JSON ("number out of range"),
/// wherever they are (documented field, undocumented field, top level), as for serde_json. 1e-400
/// underflows to 0 and is a number.
#[test]
fn numbers_out_of_f64_range_are_invalid_json() {
    let bodies = [
        r#"{"status":"success","details":{"id":1,"total_calls":1e400}}"#.to_string(),
        r#"{"status":"success","details":{"id":1,"undocumented":1e400}}"#.to_string(),
        r#"{"status":"success","undocumented":-1e400}"#.to_string(),
        "1e400".to_string(),
        format!(
            r#"{{"status":"success","details":{{"id":1,"total_calls":{}}}}}"#,
            "9".repeat(400)
        ),
    ];
    for body in bodies {
        let report = check("getBulkCall", body.as_bytes());
        assert_invalid_json(&report, "number out of range");
        assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");
    }
    let tiny = r#"{"status":"success","details":{"id":1,"total_calls":1e-400}}"#;
    assert!(check("getBulkCall", tiny.as_bytes()).is_valid());
}

/// A 300-digit integer fits `f64` (about 1e300) and has no fraction: JSON Schema's `integer`
/// (2020-12, and the `jsonschema` crate) accepts it, and so does the validator. Recorded here
/// because the client's `i64` fields do not hold it: a known gap between the two, reported for
/// issue #13. A 300-digit fraction where an integer goes rounds to 1.0 in `f64`: also accepted.
#[test]
fn a_300_digit_integer_is_judged_like_the_client_judges_it() {
    let big = "9".repeat(300);
    let body = format!(r#"{{"status":"success","details":{{"id":1,"total_calls":{big}}}}}"#);
    let report = check("getBulkCall", body.as_bytes());
    assert!(report.is_valid(), "{report}");
    assert!(serde_json::from_str::<Value>(&body).is_ok());
    // What the client's decoding does with it: not an i64.
    assert!(serde_json::from_str::<i64>(&big).is_err());
    // A wrong type is still found at that size.
    let body = format!(r#"{{"status":"success","details":{{"id":1,"total_calls":"{big}"}}}}"#);
    let report = check("getBulkCall", body.as_bytes());
    assert_eq!(
        report.first_error().map(|f| f.instance.as_str()),
        Some("/details/total_calls")
    );
}

/// Bytes that are not UTF-8 (in a value, in a key, a lone continuation byte, a truncated
/// sequence, an overlong encoding): invalid JSON naming the byte offset, as `str::from_utf8`.
#[test]
fn invalid_utf8_is_invalid_json_naming_the_byte() {
    let bodies: [&[u8]; 5] = [
        b"{\"status\":\"succ\xffess\"}",
        b"{\"sta\xfetus\":\"success\"}",
        b"{\"status\":\"success\",\"x\":\"\x80\"}",
        b"{\"status\":\"success\",\"x\":\"\xe2\x82\"}",
        b"{\"status\":\"\xc0\xafsuccess\"}",
    ];
    for body in bodies {
        let at = std::str::from_utf8(body).unwrap_err().valid_up_to();
        let report = check("getBulkCall", body);
        assert_invalid_json(&report, &format!("not valid UTF-8 at byte {at}"));
    }
}

/// A raw control character (NUL, TAB, ...) in an object key or a string value: invalid JSON
/// naming the byte, as serde_json (and so the client) refuses it; escaped (`\u0000`) it is text.
/// (Found by `prop_mutated_examples_get_a_report_and_unreadable_json_is_never_valid`: keys are
/// read as bytes, without serde_json's check, and `{"\0aily_stop_time": 1}` passed; fixed in
/// `omnidim-validator`'s `lib.rs`.)
#[test]
fn a_raw_control_character_in_a_key_is_invalid_json_as_for_the_client() {
    let bodies: [&[u8]; 4] = [
        b"{\"status\":\"success\",\"details\":{\"\0aily_stop_time\":1}}",
        b"{\"status\":\"success\",\"undocumented\\\"\tkey\":1}",
        b"{\"sta\x1ftus\":\"success\"}",
        b"{\"status\":\"succ\x01ess\"}",
    ];
    for body in bodies {
        let at = body.iter().position(|&b| b < 0x20).unwrap();
        assert!(serde_json::from_slice::<Value>(body).is_err());
        let report = check("getBulkCall", body);
        assert_invalid_json(&report, &format!("at byte {at}: control character"));
    }
    let escaped = br#"{"status":"success","details":{"\u0000aily_stop_time":1, "\t": "\n"}}"#;
    let report = check("getBulkCall", escaped);
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.kind != FindingKind::InvalidJson),
        "{report}"
    );
    assert!(serde_json::from_slice::<Value>(escaped).is_ok());
}

const BIG_BODY_WORKER: &str =
    "validator::a_200_mb_body_validates_with_peak_rss_under_body_plus_64_mib";
const BIG_BODY_BYTES: usize = 200 * 1000 * 1000;

/// A 200 MB listCallLogs body (about 500,000 call logs, valid) is checked while it is parsed:
/// the process's peak RSS stays under the body's size + 64 MiB (no DOM, no copy of the body).
/// Run in a child process, so that the peak is this case's.
///
/// Measured (debug build, 2 cores): peak RSS 208.3 MiB for a 200,000,000-byte (190.7 MiB) body,
/// bound 254 MiB, ~33 s (most of it building the body). Parsing it into a DOM first (planted)
/// peaked at 1,685 MiB.
#[test]
fn a_200_mb_body_validates_with_peak_rss_under_body_plus_64_mib() {
    if support::is_worker(BIG_BODY_WORKER) {
        let v = Validator::embedded().unwrap();
        let item = br#"{"id":50958,"bot_name":"Customer Support Agent","time_of_call":"05/04/2026 14:46:15","from_number":"Chat","to_number":"Assistant","call_direction":"outbound","call_duration":"0:0","call_status":"completed","p50_latency":2.53,"p99_latency":2.79,"prompt_tokens":31727,"completion_tokens":95,"total_tokens":31822,"aggregated_estimated_cost":0.123,"model_name":"gpt-4o","extracted_variables":{"user_name":"Demo User","interaction_count_total":4},"hangup_source":null}"#;
        let head = br#"{"call_log_data":["#;
        let mut body = Vec::with_capacity(BIG_BODY_BYTES + item.len() + 64);
        body.extend_from_slice(head);
        let mut n = 0u64;
        while body.len() + item.len() + 32 < BIG_BODY_BYTES {
            if n > 0 {
                body.push(b',');
            }
            body.extend_from_slice(item);
            n += 1;
        }
        body.extend_from_slice(format!(r#"],"total_records":{n}}}"#).as_bytes());
        eprintln!(
            "body: {} bytes, {n} logs; RSS before validating: {} KiB",
            body.len(),
            support::proc_status_kib("VmRSS").unwrap_or(0)
        );
        let report = v.validate("listCallLogs", 200, None, &body).unwrap();
        assert!(report.is_valid(), "{report}");
        println!("OMNIDIM_ADVERSARIAL_BODY_BYTES={}", body.len());
        support::report_peak_rss();
        return;
    }
    let Some((peak, out)) = support::peak_rss_of(BIG_BODY_WORKER) else {
        eprintln!("skipped: peak RSS is read from /proc/self/status (Linux only)");
        return;
    };
    let bound = BIG_BODY_BYTES as u64 + 64 * MIB;
    assert!(
        peak <= bound,
        "peak RSS {} MiB over the bound {} MiB\n{out}",
        peak / MIB,
        bound / MIB
    );
}

/// Operations the properties try: an object with nested objects, a list, a plain object.
const OPERATIONS: [&str; 3] = ["getBulkCall", "listCallLogs", "getAgent"];

/// The documented example of each of [`OPERATIONS`] (200), as JSON text.
fn examples() -> &'static [Vec<u8>] {
    static E: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    E.get_or_init(|| {
        let spec = omnidim_spec::Spec::embedded().unwrap();
        OPERATIONS
            .iter()
            .map(|op| {
                let o = spec.operation(op).unwrap();
                let pointer = format!(
                    "{}/responses/200/content/application~1json/example",
                    o.pointer
                );
                let example = spec
                    .document()
                    .pointer(&pointer)
                    .cloned()
                    .unwrap_or(Value::Null);
                serde_json::to_vec(&example).unwrap()
            })
            .collect()
    })
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("id".to_string()),
                    Just("status".to_string()),
                    Just("details".to_string()),
                    Just("call_log_data".to_string()),
                    "[a-z_]{1,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary bytes: a report (never an error, never a panic); a body serde_json cannot read
    /// is never valid.
    #[test]
    fn prop_arbitrary_bytes_get_a_report_and_unreadable_json_is_never_valid(
        op in 0..OPERATIONS.len(),
        bytes in proptest::collection::vec(any::<u8>(), 0..512)
    ) {
        let report = check(OPERATIONS[op], &bytes);
        if serde_json::from_slice::<Value>(&bytes).is_err() {
            prop_assert!(!report.is_valid(), "{report}");
        }
    }

    /// A documented example with bytes flipped, cut, inserted or repeated: a report; valid only
    /// when serde_json can read the body.
    #[test]
    fn prop_mutated_examples_get_a_report_and_unreadable_json_is_never_valid(
        op in 0..OPERATIONS.len(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 1..6)
    ) {
        let mut body = examples()[op].clone();
        for (at, kind, byte) in edits {
            if body.is_empty() { break; }
            let i = at.index(body.len());
            match kind {
                0 => body[i] = byte,
                1 => { body.truncate(i); }
                2 => body.insert(i, byte),
                _ => { let piece = body[i..].iter().take(16).copied().collect::<Vec<_>>(); body.splice(i..i, piece); }
            }
        }
        let report = check(OPERATIONS[op], &body);
        if serde_json::from_slice::<Value>(&body).is_err() {
            prop_assert!(!report.is_valid(), "{report}");
        }
    }

    /// Arbitrary JSON values: the verdict from the bytes equals the verdict from the parsed
    /// value (the streaming path and the value path agree).
    #[test]
    fn prop_bytes_and_value_verdicts_agree(op in 0..OPERATIONS.len(), value in arbitrary_json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        let from_bytes = check(OPERATIONS[op], &bytes);
        let from_value = validator().validate_value(OPERATIONS[op], 200, None, &value).unwrap();
        prop_assert_eq!(from_bytes.is_valid(), from_value.is_valid(), "{}\n{}\n{}", value, from_bytes, from_value);
    }
}
