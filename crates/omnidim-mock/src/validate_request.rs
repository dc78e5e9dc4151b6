//! Checking a request against the spec: path and query parameters, required headers, JSON body.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::MockError;
use omnidim_spec::{Spec, pointer};

/// Compiled schemas of every parameter and request body, by JSON pointer.
pub(crate) struct Schemas(HashMap<String, jsonschema::Validator>);

impl Schemas {
    pub fn compile(spec: &Spec) -> Result<Self, MockError> {
        let doc = spec.document();
        let mut map = HashMap::new();
        for op in spec.operations() {
            for param in spec.parameters(&op.pointer) {
                let p = param.pointer;
                let sp = pointer::push(&p, "schema");
                if doc.pointer(&sp).is_some() {
                    map.insert(sp.clone(), compile(doc, &sp)?);
                }
            }
            if let Some(sp) = body_schema_pointer(spec, &op.pointer) {
                map.insert(sp.clone(), compile(doc, &sp)?);
            }
        }
        Ok(Self(map))
    }

    fn get(&self, pointer: &str) -> Option<&jsonschema::Validator> {
        self.0.get(pointer)
    }
}

fn compile(doc: &Value, sp: &str) -> Result<jsonschema::Validator, MockError> {
    omnidim_spec::lint::compile_schema(doc, sp).map_err(|message| MockError::Schema {
        pointer: sp.to_string(),
        message,
    })
}

/// Pointer of the JSON request body schema, following a `$ref`ed request body.
fn body_schema_pointer(spec: &Spec, op_pointer: &str) -> Option<String> {
    let doc = spec.document();
    let mut body_pointer = pointer::push(op_pointer, "requestBody");
    let body = doc.pointer(&body_pointer)?;
    if let Some(r) = body.get("$ref").and_then(Value::as_str) {
        body_pointer = r.trim_start_matches('#').to_string();
    }
    let content = doc.pointer(&body_pointer)?.get("content")?.as_object()?;
    let media = content.keys().find(|k| k.contains("json"))?;
    let sp = pointer::push(
        &pointer::push(&pointer::push(&body_pointer, "content"), media),
        "schema",
    );
    doc.pointer(&sp).map(|_| sp)
}

/// What is wrong with a request, as JSON findings (empty: the request is fine).
pub(crate) fn check(
    spec: &Spec,
    schemas: &Schemas,
    op_pointer: &str,
    path_params: &[(String, String)],
    query: Option<&str>,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Vec<Value> {
    let mut findings = Vec::new();
    let query_pairs: Vec<(String, String)> = query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    for param in spec.parameters(op_pointer) {
        let (ptr, p) = (param.pointer, param.value);
        let (Some(name), Some(location)) = (
            p.get("name").and_then(Value::as_str),
            p.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        let required = p
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(location == "path");
        let raw: Option<String> = match location {
            "path" => path_params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone()),
            "query" => query_pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone()),
            "header" => headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            _ => continue,
        };
        let Some(raw) = raw else {
            if required {
                findings.push(json!({"in": location, "name": name, "spec": format!("#{ptr}"), "message": format!("required {location} parameter {name:?} is missing")}));
            }
            continue;
        };
        let sp = pointer::push(&ptr, "schema");
        let Some(validator) = schemas.get(&sp) else {
            continue;
        };
        let schema = spec.document().pointer(&sp);
        let value = coerce(&raw, schema.and_then(|s| spec.deref(s)));
        for e in validator.iter_errors(&value) {
            findings.push(json!({"in": location, "name": name, "spec": format!("#{sp}"), "message": format!("{location} parameter {name:?}: {e}")}));
        }
    }
    if let Some(sp) = body_schema_pointer(spec, op_pointer) {
        let body_required = spec
            .document()
            .pointer(&pointer::push(op_pointer, "requestBody"))
            .and_then(|b| spec.deref(b))
            .and_then(|b| b.get("required"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if body.iter().all(u8::is_ascii_whitespace) {
            if body_required {
                findings.push(json!({"in": "body", "spec": format!("#{sp}"), "message": "a JSON request body is required"}));
            }
        } else {
            match serde_json::from_slice::<Value>(body) {
                Err(e) => findings.push(json!({"in": "body", "spec": format!("#{sp}"), "message": format!("the body is not JSON: {e}")})),
                Ok(value) => {
                    if let Some(validator) = schemas.get(&sp) {
                        for e in validator.iter_errors(&value) {
                            findings.push(json!({
                                "in": "body",
                                "pointer": e.instance_path().to_string(),
                                "spec": format!("#{sp}{}", e.schema_path()),
                                "message": e.to_string(),
                            }));
                        }
                    }
                }
            }
        }
    }
    findings
}

/// A parameter's text as the JSON value its schema expects (so `314` checks as an integer).
fn coerce(raw: &str, schema: Option<&Value>) -> Value {
    let types: Vec<&str> = match schema.and_then(|s| s.get("type")) {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    for t in types {
        match t {
            "integer" => {
                if let Ok(i) = raw.parse::<i64>() {
                    return json!(i);
                }
            }
            "number" => {
                if let Some(n) = raw
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                {
                    return Value::Number(n);
                }
            }
            "boolean" => {
                if let Ok(b) = raw.parse::<bool>() {
                    return json!(b);
                }
            }
            "null" if raw == "null" => return Value::Null,
            _ => {}
        }
    }
    Value::String(raw.to_string())
}
