//! The odd fields of getBulkCall keep their meaning through the generated types: string|false
//! unions, arrays-or-false, nullable numbers and ids, and the per-status count map.

use omnidim::types::{
    BulkCallDetailEmailReportRecipients as Recipients, BulkCallDetailFailedReason as FailedReason,
    BulkCallVariableConfigEnumValues as EnumValues, GetBulkCallResponse,
};
use omnidim_tests::same_json;
use serde_json::{Value, json};

fn roundtrip(details: Value) -> (GetBulkCallResponse, Value) {
    let body = json!({"status": "success", "details": details, "contact_list": [{"to_number": "+15551234567"}]});
    let typed: GetBulkCallResponse = serde_json::from_value(body.clone()).expect("decodes");
    let back = serde_json::to_value(&typed).expect("encodes");
    assert!(
        same_json(&body, &back),
        "round trip changed the body:\n{body:#}\n{back:#}"
    );
    (typed, back)
}

#[test]
fn failed_reason_is_a_string_or_false() {
    let (t, back) = roundtrip(json!({"failed_reason": false}));
    assert!(matches!(
        t.details.unwrap().failed_reason,
        Some(FailedReason::Boolean(false))
    ));
    assert_eq!(back["details"]["failed_reason"], json!(false));

    let (t, back) = roundtrip(json!({"failed_reason": "no credits"}));
    assert!(
        matches!(t.details.unwrap().failed_reason, Some(FailedReason::String(s)) if s == "no credits")
    );
    assert_eq!(back["details"]["failed_reason"], json!("no credits"));
}

#[test]
fn email_report_recipients_is_a_string_or_false() {
    for value in [json!(""), json!("a@x.io,b@x.io"), json!(false)] {
        let (t, back) = roundtrip(json!({"email_report_recipients": value}));
        match (t.details.unwrap().email_report_recipients, &value) {
            (Some(Recipients::String(s)), Value::String(v)) => assert_eq!(&s, v),
            (Some(Recipients::Boolean(false)), Value::Bool(false)) => {}
            (other, _) => panic!("{value} decoded as {other:?}"),
        }
        assert_eq!(back["details"]["email_report_recipients"], value);
    }
}

#[test]
fn enum_values_is_an_array_or_false() {
    let (t, back) = roundtrip(json!({"variable_config": [
        {"id": 45, "variable_name": "plan", "variable_type": "enum", "enum_values": ["gold", "silver"]},
        {"id": 46, "variable_name": "user_name", "variable_type": "text", "enum_values": false}
    ]}));
    let config = t.details.unwrap().variable_config;
    assert!(
        matches!(&config[0].enum_values, Some(EnumValues::Array(v)) if v == &["gold", "silver"])
    );
    assert!(matches!(
        config[1].enum_values,
        Some(EnumValues::Boolean(false))
    ));
    assert_eq!(
        back["details"]["variable_config"][1]["enum_values"],
        json!(false)
    );
}

#[test]
fn nullable_fields_accept_null_and_values() {
    let (t, _) = roundtrip(json!({
        "scheduled_datetime": null, "recording_file_id": null, "recording_file_name": null,
        "current_number_assignment_id": null,
        "number_pool": [{"id": 200, "rolling_cpr": null, "health_score": null}]
    }));
    let d = t.details.unwrap();
    assert!(d.scheduled_datetime.is_none() && d.recording_file_id.is_none());
    assert!(d.recording_file_name.is_none() && d.current_number_assignment_id.is_none());
    assert!(d.number_pool[0].rolling_cpr.is_none() && d.number_pool[0].health_score.is_none());

    let (t, back) = roundtrip(json!({
        "scheduled_datetime": "04/30/2026 10:00:00", "recording_file_id": 7, "recording_file_name": "list.csv",
        "current_number_assignment_id": 200,
        "number_pool": [{"id": 200, "rolling_cpr": 0.42, "health_score": 87.5}]
    }));
    let d = t.details.unwrap();
    assert_eq!(d.recording_file_id, Some(7));
    assert_eq!(d.current_number_assignment_id, Some(200));
    assert_eq!(d.number_pool[0].rolling_cpr, Some(0.42));
    assert_eq!(
        back["details"]["number_pool"][0]["health_score"],
        json!(87.5)
    );
}

#[test]
fn call_status_counts_keeps_every_status_key() {
    let counts =
        json!({"completed": 3, "Pending": 1, "no-answer": 2, "busy": 0, "Failed": 1, "Skipped": 4});
    let (t, back) = roundtrip(json!({"call_status_counts": counts}));
    let d = t.details.unwrap();
    assert_eq!(d.call_status_counts.len(), 6);
    assert_eq!(d.call_status_counts["no-answer"], 2);
    assert_eq!(d.call_status_counts["Pending"], 1);
    assert_eq!(back["details"]["call_status_counts"], counts);
}

#[test]
fn a_string_where_false_or_array_is_allowed_is_rejected() {
    let body = json!({"details": {"variable_config": [{"enum_values": "gold"}]}});
    assert!(serde_json::from_value::<GetBulkCallResponse>(body).is_err());
    let body = json!({"details": {"failed_reason": 3}});
    assert!(serde_json::from_value::<GetBulkCallResponse>(body).is_err());
}
