//! Workspace-level tests of omnidim-rs (the test targets of this package, see Cargo.toml), and the
//! helpers they share.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;

/// The workspace spec, parsed.
pub fn spec() -> omnidim_spec::Spec {
    omnidim_spec::Spec::embedded().expect("openapi/omnidim.yaml parses")
}

/// The success (2xx) JSON response examples of every operation: (operationId, pointer, value).
pub fn success_examples(spec: &omnidim_spec::Spec) -> Vec<(String, String, Value)> {
    let doc = spec.document();
    let sites = omnidim_spec::schema_walk::example_sites(doc);
    let mut out = Vec::new();
    for op in spec.operations() {
        let id = op
            .operation_id
            .clone()
            .expect("lint guarantees operationIds");
        for response in op.responses.iter().filter(|r| r.status.starts_with('2')) {
            for (media, schema) in &response.content {
                if !media.contains("json") {
                    continue;
                }
                let Some(schema) = schema else { continue };
                for site in sites.iter().filter(|s| &s.schema == schema) {
                    let value = doc.pointer(&site.example).cloned().expect("site exists");
                    out.push((id.clone(), site.example.clone(), value));
                }
            }
        }
    }
    out
}

/// JSON equality that ignores what serde cannot keep apart in the generated types: `1` vs `1.0`,
/// and a `null` member vs an absent one (nullable optional fields are `Option<T>`).
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x
                .iter()
                .chain(y.iter())
                .filter(|(_, v)| !v.is_null())
                .map(|(k, _)| k)
                .collect();
            keys.into_iter().all(|k| match (x.get(k), y.get(k)) {
                (Some(p), Some(q)) => same_json(p, q),
                (Some(v), None) | (None, Some(v)) => v.is_null(),
                (None, None) => true,
            })
        }
        _ => a == b,
    }
}

/// The README's Rust examples, compiled by `cargo test --workspace` (doctests of this crate).
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;

/// Arguments for `Client::call_operation`: required and path parameters sampled from their
/// schemas, the body from the spec's request example or sampled from its schema.
pub fn arguments(spec: &omnidim_spec::Spec, operation_id: &str) -> serde_json::Map<String, Value> {
    let doc = spec.document();
    let op = spec.operation(operation_id).unwrap();
    let op_value = doc.pointer(&op.pointer).unwrap();
    let item = doc.pointer(op.pointer.rsplit_once('/').unwrap().0).unwrap();
    let mut args = serde_json::Map::new();
    for holder in [item, op_value] {
        for p in holder
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let p = spec.deref(p).unwrap();
            let required = p["required"].as_bool() == Some(true) || p["in"] == "path";
            if required {
                let name = p["name"].as_str().unwrap().to_lowercase().replace('-', "_");
                args.insert(name, omnidim_spec::sample::sample(spec, &p["schema"]));
            }
        }
    }
    if let Some(body) = op_value.get("requestBody").and_then(|b| spec.deref(b))
        && let Some((_, media)) = body["content"]
            .as_object()
            .and_then(|c| c.iter().find(|(k, _)| k.contains("json")))
    {
        let mut value = media
            .get("example")
            .cloned()
            .unwrap_or_else(|| omnidim_spec::sample::sample(spec, &media["schema"]));
        phone_numbers(&mut value);
        args.insert("body".into(), value);
    }
    args
}

/// The spec types phone numbers as plain strings; the client checks the documented E.164 form
/// before sending, so sampled numbers get a real one.
fn phone_numbers(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if matches!(k.as_str(), "to_number" | "phone_number") && x.is_string() {
                    *x = Value::String("+15551234567".into());
                } else {
                    phone_numbers(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(phone_numbers),
        _ => {}
    }
}
