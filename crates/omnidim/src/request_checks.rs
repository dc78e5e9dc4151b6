//! Checks the API documents for requests, made before anything is sent.
//!
//! The generated types already hold what the spec's types can say (required fields, enums,
//! `NonZeroU64` for `minimum: 1`). What they cannot hold is checked here, from the request as it
//! is about to be sent (the `pre` hook), in two parts:
//!
//! - the **limits of the spec** (page sizes, number ranges such as `retry_limit` 0..=5 and
//!   `concurrent_call_limit >= 1`, list sizes such as 1..=1000 contacts, the E.164 pattern of
//!   phone numbers), read from `REQUEST_LIMITS`, which `cargo xtask regenerate` writes from the
//!   spec's schemas: the numbers live only in the spec, which the mock validates against too;
//! - the **conditional rules**, which no single schema keyword states: `is_scheduled` needs
//!   `scheduled_datetime`, the `reschedule` action needs `new_scheduled_datetime`, a campaign
//!   name is not blank.
//!
//! A failed check is [`crate::Error::InvalidRequest`] naming the operation and the field;
//! nothing reaches the network.

use serde_json::Value;

/// One request limit of the spec (see `REQUEST_LIMITS` in the generated code). `at` is a JSON
/// pointer into the body, with `*` for every element of an array.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Limit {
    /// A query parameter's `minimum`/`maximum`.
    Query {
        name: &'static str,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// A body number's `minimum`/`maximum`.
    Range {
        at: &'static str,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// A body array's `minItems`/`maxItems`.
    Items {
        at: &'static str,
        min: Option<u64>,
        max: Option<u64>,
    },
    /// A body string's `pattern` (ECMA 262, as the spec's JSON Schema means it), with the name
    /// the spec gives what it matches (`x-omnidim-pattern-name`).
    Pattern {
        at: &'static str,
        pattern: &'static str,
        name: Option<&'static str>,
    },
}

/// Check a request of `operation` (its JSON body, if any, and its query pairs).
pub(crate) fn check(
    operation: &str,
    body: Option<&Value>,
    query: &[(String, String)],
) -> Result<(), String> {
    check_limits(limits_of(operation), body, query)?;
    let Some(body) = body else { return Ok(()) };
    conditional_rules(operation, body)
}

/// The spec's limits of `operation` (none when it has none).
fn limits_of(operation: &str) -> &'static [Limit] {
    crate::generated::REQUEST_LIMITS
        .iter()
        .find(|(id, _)| *id == operation)
        .map_or(&[], |(_, limits)| *limits)
}

fn check_limits(
    limits: &[Limit],
    body: Option<&Value>,
    query: &[(String, String)],
) -> Result<(), String> {
    for limit in limits {
        match *limit {
            Limit::Query { name, min, max } => {
                for (_, v) in query.iter().filter(|(k, _)| k == name) {
                    let ok = v
                        .parse::<f64>()
                        .is_ok_and(|n| min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m));
                    if !ok {
                        return Err(format!(
                            "query parameter {name} = {v} is outside {}",
                            range_text(min, max)
                        ));
                    }
                }
            }
            Limit::Range { at, min, max } => {
                for (path, v) in values_at(body, at) {
                    if let Some(n) = v.as_f64()
                        && (min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m))
                    {
                        return Err(format!("{path} = {v} is outside {}", range_text(min, max)));
                    }
                }
            }
            Limit::Items { at, min, max } => {
                for (path, v) in values_at(body, at) {
                    if let Some(items) = v.as_array() {
                        let n = items.len() as u64;
                        if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                            let (lo, hi) = (min.map(|m| m as f64), max.map(|m| m as f64));
                            return Err(format!(
                                "{path} has {n} entries; {} are allowed",
                                range_text(lo, hi)
                            ));
                        }
                    }
                }
            }
            Limit::Pattern { at, pattern, name } => {
                let regex = regress::Regex::new(pattern)
                    .map_err(|e| format!("the spec's pattern {pattern:?} of {at}: {e}"))?;
                for (path, v) in values_at(body, at) {
                    if let Some(text) = v.as_str()
                        && regex.find(text).is_none()
                    {
                        return Err(match name {
                            Some(name) => format!("{path} is not {name}"),
                            None => format!("{path} does not match {pattern}"),
                        });
                    }
                }
            }
        }
    }
    Ok(())
}

/// `1..=150`, `>= 1`, `<= 5`.
fn range_text(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{a}..={b}"),
        (Some(a), None) => format!(">= {a}"),
        (None, Some(b)) => format!("<= {b}"),
        (None, None) => "any value".into(),
    }
}

/// The values at `at` (a pointer with `*` for every array element), with their dotted paths.
fn values_at<'v>(body: Option<&'v Value>, at: &str) -> Vec<(String, &'v Value)> {
    let Some(body) = body else { return Vec::new() };
    let mut found = vec![(String::new(), body)];
    for segment in at.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let mut next = Vec::new();
        for (path, value) in found {
            let join = |k: &str| {
                if path.is_empty() {
                    k.to_string()
                } else {
                    format!("{path}.{k}")
                }
            };
            match (segment.as_str(), value) {
                ("*", Value::Array(items)) => next.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (join(&i.to_string()), v)),
                ),
                (key, Value::Object(map)) => {
                    if let Some(v) = map.get(key).filter(|v| !v.is_null()) {
                        next.push((join(key), v));
                    }
                }
                _ => {}
            }
        }
        found = next;
    }
    found
}

/// The rules that tie one field to another: not limits of one value, so not in the table.
fn conditional_rules(operation: &str, body: &Value) -> Result<(), String> {
    match operation {
        "createBulkCall" => {
            if body
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.trim().is_empty())
            {
                return Err("name is empty".into());
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

    /// The E.164 pattern comes from the spec (through `REQUEST_LIMITS`), not from this file.
    #[test]
    fn e164_numbers_follow_the_spec_pattern() {
        let dispatch = |n: &str| {
            check(
                "dispatchCall",
                Some(&json!({"agent_id": 1, "to_number": n})),
                &[],
            )
        };
        assert!(dispatch("+15551234567").is_ok());
        assert!(dispatch("+919876543210").is_ok());
        for bad in [
            "15551234567",
            "+1 555 123",
            "+0123",
            "+",
            "+1234567890123456",
            "tel:+1555",
        ] {
            let e = dispatch(bad).unwrap_err();
            assert!(e.contains("E.164"), "{bad}: {e}");
        }
    }

    /// Every limit of the table is reachable: each operation named in it exists, each pattern
    /// compiles.
    #[test]
    fn the_generated_table_is_well_formed() {
        let ids: Vec<&str> = crate::generated::OPERATIONS.iter().map(|o| o.id).collect();
        for (id, limits) in crate::generated::REQUEST_LIMITS {
            assert!(ids.contains(id), "{id}");
            for limit in *limits {
                if let Limit::Pattern { pattern, .. } = limit {
                    assert!(regress::Regex::new(pattern).is_ok(), "{id}: {pattern}");
                }
            }
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
