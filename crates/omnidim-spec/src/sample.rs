//! A small value that satisfies a schema: what the mock answers when an operation has no example,
//! and what tests send as a request body when the spec gives none.

use serde_json::{Map, Value, json};

use crate::Spec;

/// A value for `schema` (a schema object of `spec`, `$ref`s followed): its `example` if it has
/// one, else the first `enum` value, the first `oneOf`/`anyOf` branch, or a minimal value of its
/// type with every `required` property filled in (numbers at their `minimum`, arrays at their
/// `minItems`).
pub fn sample(spec: &Spec, schema: &Value) -> Value {
    sample_at(spec, schema, 0)
}

fn sample_at(spec: &Spec, schema: &Value, depth: usize) -> Value {
    let Some(schema) = spec.deref(schema) else {
        return Value::Null;
    };
    if depth > 16 {
        return Value::Null;
    }
    if let Some(e) = schema.get("example") {
        return e.clone();
    }
    if let Some(first) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(branch) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
        .and_then(|b| {
            b.iter()
                .find(|b| b.get("type").and_then(Value::as_str) != Some("null"))
        })
    {
        return sample_at(spec, branch, depth + 1);
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in all {
            if let Value::Object(m) = sample_at(spec, part, depth + 1) {
                merged.extend(m);
            }
        }
        return Value::Object(merged);
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => return json!({}),
    };
    match ty {
        "object" => {
            let mut out = Map::new();
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (name, sub) in props {
                    if required.contains(&name.as_str()) {
                        out.insert(name.clone(), sample_at(spec, sub, depth + 1));
                    }
                }
            }
            Value::Object(out)
        }
        "array" => {
            let n = schema
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                .min(3);
            let item = schema
                .get("items")
                .map(|i| sample_at(spec, i, depth + 1))
                .unwrap_or(Value::Null);
            Value::Array((0..n).map(|_| item.clone()).collect())
        }
        "string" => {
            let n = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
            json!("x".repeat(n.max(1)))
        }
        "integer" => json!(
            schema
                .get("minimum")
                .and_then(Value::as_i64)
                .unwrap_or(1)
                .max(
                    schema
                        .get("exclusiveMinimum")
                        .and_then(Value::as_i64)
                        .map(|m| m + 1)
                        .unwrap_or(i64::MIN)
                )
        ),
        "number" => json!(schema.get("minimum").and_then(Value::as_f64).unwrap_or(1.0)),
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_validate_against_their_schemas() {
        let spec = Spec::embedded().unwrap();
        let doc = spec.document();
        let mut checked = 0;
        for pointer in crate::schema_walk::root_schema_pointers(doc) {
            let schema = doc.pointer(&pointer).unwrap();
            let value = sample(&spec, schema);
            let validator = crate::lint::compile_schema(doc, &pointer).unwrap();
            assert!(
                validator.is_valid(&value),
                "sample of #{pointer} is invalid: {value}"
            );
            checked += 1;
        }
        assert!(checked > 10);
    }

    #[test]
    fn required_fields_and_bounds() {
        let spec = Spec::from_yaml_str(
            "openapi: 3.1.0\ncomponents:\n  schemas:\n    A:\n      type: object\n      required: [n, s, l]\n      properties:\n        n: {type: integer, minimum: 5}\n        s: {type: string, minLength: 3}\n        l: {type: array, minItems: 2, items: {type: boolean}}\n        o: {type: string}\n",
            "t",
        )
        .unwrap();
        let v = sample(
            &spec,
            spec.document().pointer("/components/schemas/A").unwrap(),
        );
        assert_eq!(v, json!({"n": 5, "s": "xxx", "l": [false, false]}));
    }
}
