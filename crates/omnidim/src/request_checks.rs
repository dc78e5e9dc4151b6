//! Checks the API documents for requests, made before anything is sent.
//!
//! The generated types already hold what the spec's types can say (required fields, enums,
//! `NonZeroU64` for `minimum: 1`). What they cannot hold is checked here, from the request as it
//! is about to be sent (the `pre` hook): phone numbers in E.164 form with a leading `+` (the docs;
//! the Python SDK means to check it but its test is inverted), list sizes (1..=1000 contacts),
//! ranges (`concurrent_call_limit >= 1`, `retry_limit` 0..=5, page sizes <= 150) and the fields one
//! choice requires (`is_scheduled` needs `scheduled_datetime`, `reschedule` needs
//! `new_scheduled_datetime`). A failed check is [`crate::Error::InvalidRequest`] naming the
//! operation and the field; nothing reaches the network.

use serde_json::Value;

/// Check a request of `operation` (its JSON body, if any, and its query pairs).
pub(crate) fn check(
    operation: &str,
    body: Option<&Value>,
    query: &[(String, String)],
) -> Result<(), String> {
    for (param, max) in page_size_limits(operation) {
        if let Some((_, v)) = query.iter().find(|(k, _)| k == param) {
            match v.parse::<i64>() {
                Ok(n) if (1..=*max).contains(&n) => {}
                _ => {
                    return Err(format!(
                        "query parameter {param} = {v} is outside 1..={max}"
                    ));
                }
            }
        }
    }
    let Some(body) = body else { return Ok(()) };
    match operation {
        "dispatchCall" => e164(body, "/to_number"),
        "addBulkCallContact" => e164(body, "/to_number"),
        "addBulkCallContacts" => {
            let contacts = body
                .get("contacts")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if !(1..=1000).contains(&contacts.len()) {
                return Err(format!(
                    "contacts has {} entries; 1 to 1000 are allowed",
                    contacts.len()
                ));
            }
            (0..contacts.len()).try_for_each(|i| e164(body, &format!("/contacts/{i}/to_number")))
        }
        "createBulkCall" => {
            if body
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.trim().is_empty())
            {
                return Err("name is empty".into());
            }
            let rows = body
                .get("contact_list")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            (0..rows.len())
                .try_for_each(|i| e164(body, &format!("/contact_list/{i}/phone_number")))?;
            at_least(body, "/concurrent_call_limit", 1)?;
            if let Some(n) = body
                .pointer("/retry_config/retry_limit")
                .and_then(Value::as_i64)
                && !(0..=5).contains(&n)
            {
                return Err(format!("retry_config.retry_limit = {n} is outside 0..=5"));
            }
            if body.get("is_scheduled") == Some(&Value::Bool(true))
                && !non_empty(body, "/scheduled_datetime")
            {
                return Err(
                    "is_scheduled is true but scheduled_datetime (YYYY-MM-DD HH:MM:SS) is missing"
                        .into(),
                );
            }
            Ok(())
        }
        "bulkCallActions" => {
            if body.get("action").and_then(Value::as_str) == Some("reschedule")
                && !non_empty(body, "/new_scheduled_datetime")
            {
                return Err(
                    "action reschedule needs new_scheduled_datetime (YYYY-MM-DD HH:MM:SS)".into(),
                );
            }
            Ok(())
        }
        "updateBulkCallConcurrency" => at_least(body, "/concurrent_call_limit", 1),
        _ => Ok(()),
    }
}

/// Query parameters with a documented maximum page size.
fn page_size_limits(operation: &str) -> &'static [(&'static str, i64)] {
    match operation {
        "fetchBulkCalls" | "listCallLogs" | "listAgents" | "listBulkCallLines" => {
            &[("pagesize", 150)]
        }
        "listVoices" => &[("page_size", 100)],
        "getResellerCreditLogs" => &[("pagesize", 100)],
        _ => &[],
    }
}

/// `+` then 1 to 15 digits, the first not 0 (ITU-T E.164).
pub(crate) fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (1..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

fn e164(body: &Value, pointer: &str) -> Result<(), String> {
    match body.pointer(pointer) {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if is_e164(s) => Ok(()),
        Some(_) => Err(format!(
            "{} is not a phone number in E.164 form with a leading + (e.g. +15551234567)",
            pointer.trim_start_matches('/').replace('/', ".")
        )),
    }
}

fn at_least(body: &Value, pointer: &str, min: i64) -> Result<(), String> {
    match body.pointer(pointer).and_then(Value::as_i64) {
        Some(n) if n < min => Err(format!(
            "{} = {n} is below {min}",
            pointer.trim_start_matches('/')
        )),
        _ => Ok(()),
    }
}

fn non_empty(body: &Value, pointer: &str) -> bool {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn e164_numbers() {
        assert!(is_e164("+15551234567"));
        assert!(is_e164("+919876543210"));
        for bad in [
            "15551234567",
            "+1 555 123",
            "+0123",
            "+",
            "+1234567890123456",
            "tel:+1555",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }

    #[test]
    fn documented_limits() {
        assert!(
            check(
                "dispatchCall",
                Some(&json!({"agent_id": 1, "to_number": "5551234567"})),
                &[]
            )
            .is_err()
        );
        assert!(
            check(
                "dispatchCall",
                Some(&json!({"agent_id": 1, "to_number": "+15551234567"})),
                &[]
            )
            .is_ok()
        );
        let contacts =
            |n: usize| json!({"contacts": vec![json!({"to_number": "+15551234567"}); n]});
        assert!(check("addBulkCallContacts", Some(&contacts(0)), &[]).is_err());
        assert!(check("addBulkCallContacts", Some(&contacts(1000)), &[]).is_ok());
        assert!(check("addBulkCallContacts", Some(&contacts(1001)), &[]).is_err());
        assert!(
            check(
                "updateBulkCallConcurrency",
                Some(&json!({"concurrent_call_limit": 0})),
                &[]
            )
            .is_err()
        );
        let e = check(
            "createBulkCall",
            Some(&json!({"name": "x", "phone_number_id": 1, "is_scheduled": true})),
            &[],
        )
        .unwrap_err();
        assert!(e.contains("scheduled_datetime"), "{e}");
        let e = check("createBulkCall", Some(&json!({"name": "x", "contact_list": [{"phone_number": "+1555"}, {"phone_number": "555"}]})), &[])
            .unwrap_err();
        assert!(e.contains("contact_list.1.phone_number"), "{e}");
        assert!(
            check(
                "createBulkCall",
                Some(&json!({"name": "x", "retry_config": {"retry_limit": 6}})),
                &[]
            )
            .is_err()
        );
        assert!(
            check(
                "bulkCallActions",
                Some(&json!({"action": "reschedule"})),
                &[]
            )
            .is_err()
        );
        assert!(check("bulkCallActions", Some(&json!({"action": "pause"})), &[]).is_ok());
        assert!(check("fetchBulkCalls", None, &[("pagesize".into(), "151".into())]).is_err());
        assert!(check("fetchBulkCalls", None, &[("pagesize".into(), "150".into())]).is_ok());
    }
}
