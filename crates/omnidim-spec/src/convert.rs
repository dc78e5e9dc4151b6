//! The one conversion from the upstream OpenAPI 3.1 idioms to the OpenAPI 3.0 that
//! `progenitor`/`openapiv3` read.
//!
//! The spec in `openapi/` stays faithful to upstream (3.1, e.g. `oneOf: [{type: X}, {type: 'null'}]`);
//! the generator needs 3.0. The rules, each applied to every schema of the document:
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `type: [X, 'null']` | `type: X, nullable: true` |
//! | `type: [X, Y]` | `oneOf: [{type: X}, {type: Y}]` |
//! | `oneOf`/`anyOf` with a `{type: 'null'}` branch and one other branch | that branch merged into the schema, `nullable: true` (a `$ref` branch becomes `allOf: [$ref]`) |
//! | `oneOf`/`anyOf` with a `{type: 'null'}` branch and several others | the other branches, `nullable: true` |
//! | `const: v` | `enum: [v]` |
//! | `examples: [v, ...]` (schema keyword) | `example: v` |
//! | `exclusiveMinimum: n` / `exclusiveMaximum: n` | `minimum: n, exclusiveMinimum: true` / likewise |
//! | `$schema`, `$id`, `$comment` | removed |
//!
//! and at the document level: `openapi: 3.1.x` becomes `3.0.3`, `jsonSchemaDialect`, `webhooks` and
//! `info.summary`/`info.license.identifier` (3.1 only) are dropped.
//!
//! The validator does not use this: it checks responses against the 3.1 schemas as written.

use serde_json::{Map, Value, json};

use crate::{Spec, SpecError, pointer, schema_walk};

/// The OpenAPI 3.0 version written into converted documents.
pub const OPENAPI_30_VERSION: &str = "3.0.3";

/// Convert a 3.1 document to 3.0 (a 3.0 document passes through with its version kept).
pub fn to_openapi_30(spec: &Spec) -> Result<Value, SpecError> {
    let mut doc = spec.document().clone();
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !(version.starts_with("3.1.") || version.starts_with("3.0.")) {
        return Err(SpecError::Shape {
            origin: spec.origin().to_string(),
            pointer: "/openapi".into(),
            message: format!("cannot convert OpenAPI version {version:?}; expected 3.0.x or 3.1.x"),
        });
    }
    let Some(root) = doc.as_object_mut() else {
        return Err(SpecError::Shape {
            origin: spec.origin().to_string(),
            pointer: String::new(),
            message: "the document must be a mapping".into(),
        });
    };
    if version.starts_with("3.1.") {
        root.insert("openapi".into(), Value::String(OPENAPI_30_VERSION.into()));
    }
    root.remove("jsonSchemaDialect");
    root.remove("webhooks");
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.remove("identifier");
        }
    }
    // Convert every schema tree from its root; children first, so that a parent sees converted
    // children (a merged `oneOf` branch is already 3.0).
    for root_pointer in schema_walk::root_schema_pointers(&doc) {
        if let Some(schema) = doc.pointer_mut(&root_pointer) {
            convert_tree(schema, 0).map_err(|(rel, message)| SpecError::Shape {
                origin: spec.origin().to_string(),
                pointer: format!("{root_pointer}{rel}"),
                message,
            })?;
        }
    }
    Ok(doc)
}

/// Convert the spec all the way to the `openapiv3` model that progenitor takes.
pub fn to_openapiv3(spec: &Spec) -> Result<openapiv3::OpenAPI, SpecError> {
    let value = to_openapi_30(spec)?;
    serde_json::from_value(value).map_err(|e| SpecError::OpenApiV3 {
        origin: spec.origin().to_string(),
        message: e.to_string(),
    })
}

/// Deeper than any real schema; stops a hostile document from exhausting the stack.
const MAX_DEPTH: usize = 64;

type ConvertResult = Result<(), (String, String)>;

fn convert_tree(schema: &mut Value, depth: usize) -> ConvertResult {
    if depth > MAX_DEPTH {
        return Err((
            String::new(),
            format!("schema nesting deeper than {MAX_DEPTH} levels"),
        ));
    }
    for path in schema_walk::child_schema_paths(schema) {
        let rel: String = path
            .iter()
            .fold(String::new(), |acc, t| pointer::push(&acc, t));
        if let Some(child) = schema.pointer_mut(&rel) {
            convert_tree(child, depth + 1).map_err(|(inner, m)| (format!("{rel}{inner}"), m))?;
        }
    }
    if let Some(obj) = schema.as_object_mut() {
        convert_schema(obj);
    }
    Ok(())
}

/// `{type: 'null'}` as written, or as already converted (children are converted first):
/// `{enum: [null], nullable: true}`.
fn is_null_schema(v: &Value) -> bool {
    let Some(obj) = v.as_object() else {
        return false;
    };
    let written = obj.get("type").and_then(Value::as_str) == Some("null");
    let converted =
        obj.get("enum") == Some(&json!([null])) && obj.get("nullable") == Some(&Value::Bool(true));
    (written || converted)
        && obj.keys().all(|k| {
            matches!(
                k.as_str(),
                "type" | "enum" | "nullable" | "description" | "title"
            ) || k.starts_with("x-")
        })
}

/// Convert one schema object in place (its children are already converted).
fn convert_schema(obj: &mut Map<String, Value>) {
    for key in ["$schema", "$id", "$comment"] {
        obj.remove(key);
    }

    // type: [X, 'null'] / type: [X, Y]
    if let Some(Value::Array(types)) = obj.get("type").cloned() {
        let mut names: Vec<Value> = Vec::new();
        let mut nullable = false;
        for t in types {
            if t.as_str() == Some("null") {
                nullable = true;
            } else if !names.contains(&t) {
                names.push(t);
            }
        }
        obj.remove("type");
        match names.len() {
            0 => {
                obj.insert("enum".into(), json!([null]));
            }
            1 => {
                if let Some(t) = names.pop() {
                    obj.insert("type".into(), t);
                }
            }
            _ => {
                let branches: Vec<Value> =
                    names.into_iter().map(|t| json!({ "type": t })).collect();
                obj.insert("oneOf".into(), Value::Array(branches));
            }
        }
        if nullable {
            obj.insert("nullable".into(), Value::Bool(true));
        }
    } else if obj.get("type").and_then(Value::as_str) == Some("null") {
        obj.remove("type");
        obj.insert("enum".into(), json!([null]));
        obj.insert("nullable".into(), Value::Bool(true));
    }

    // oneOf/anyOf with a null branch.
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(branches)) = obj.get(key) else {
            continue;
        };
        if !branches.iter().any(is_null_schema) {
            continue;
        }
        let mut rest: Vec<Value> = branches
            .iter()
            .filter(|b| !is_null_schema(b))
            .cloned()
            .collect();
        obj.remove(key);
        obj.insert("nullable".into(), Value::Bool(true));
        if rest.len() == 1 {
            let Some(branch) = rest.pop() else { continue };
            match branch {
                Value::Object(b) if b.contains_key("$ref") => {
                    obj.insert("allOf".into(), Value::Array(vec![Value::Object(b)]));
                }
                Value::Object(b) => {
                    for (k, v) in b {
                        // The outer schema's own words (description, ...) win over the branch's.
                        obj.entry(k).or_insert(v);
                    }
                }
                other => {
                    obj.insert("allOf".into(), Value::Array(vec![other]));
                }
            }
        } else if !rest.is_empty() {
            obj.insert(key.into(), Value::Array(rest));
        }
    }

    // const -> enum
    if let Some(c) = obj.remove("const") {
        obj.entry("enum").or_insert_with(|| Value::Array(vec![c]));
    }
    // examples: [..] -> example
    if let Some(Value::Array(mut examples)) = obj.get("examples").cloned() {
        obj.remove("examples");
        if !obj.contains_key("example") && !examples.is_empty() {
            obj.insert("example".into(), examples.swap_remove(0));
        }
    }
    // numeric exclusive bounds
    for (excl, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = obj.get(excl).cloned() {
            obj.insert(bound.into(), n);
            obj.insert(excl.into(), Value::Bool(true));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(schema: Value) -> Value {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "summary": "s", "license": {"name": "MIT", "identifier": "MIT"}},
            "paths": {},
            "components": {"schemas": {"S": schema, "R": {"type": "object"}}}
        });
        let spec = Spec::from_yaml_str(&doc.to_string(), "t").unwrap();
        let out = to_openapi_30(&spec).unwrap();
        assert_eq!(out["openapi"], "3.0.3");
        assert!(out["info"].get("summary").is_none());
        assert!(out["info"]["license"].get("identifier").is_none());
        out["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn one_of_with_null_becomes_nullable() {
        assert_eq!(
            convert(json!({"oneOf": [{"type": "string"}, {"type": "null"}], "description": "d"})),
            json!({"type": "string", "nullable": true, "description": "d"})
        );
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        assert_eq!(
            convert(json!({"type": ["integer", "null"], "minimum": 1})),
            json!({"type": "integer", "nullable": true, "minimum": 1})
        );
    }

    #[test]
    fn both_spellings_convert_to_the_same_schema() {
        let a = convert(json!({"oneOf": [{"type": "number"}, {"type": "null"}]}));
        let b = convert(json!({"type": ["number", "null"]}));
        assert_eq!(a, b);
    }

    #[test]
    fn nullable_ref_becomes_all_of() {
        assert_eq!(
            convert(json!({"anyOf": [{"$ref": "#/components/schemas/R"}, {"type": "null"}]})),
            json!({"allOf": [{"$ref": "#/components/schemas/R"}], "nullable": true})
        );
    }

    #[test]
    fn unions_without_null_are_kept() {
        let s = json!({"oneOf": [{"type": "string"}, {"type": "boolean"}]});
        assert_eq!(convert(s.clone()), s);
    }

    #[test]
    fn union_with_null_and_two_others_keeps_the_others() {
        assert_eq!(
            convert(json!({"oneOf": [{"type": "string"}, {"type": "boolean"}, {"type": "null"}]})),
            json!({"oneOf": [{"type": "string"}, {"type": "boolean"}], "nullable": true})
        );
    }

    #[test]
    fn multi_type_arrays_become_one_of() {
        assert_eq!(
            convert(json!({"type": ["string", "integer", "null"]})),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn nested_schemas_are_converted() {
        let out = convert(json!({
            "type": "object",
            "properties": {
                "a": {"type": "array", "items": {"type": ["string", "null"]}},
                "m": {"type": "object", "additionalProperties": {"oneOf": [{"type": "integer"}, {"type": "null"}]}}
            }
        }));
        assert_eq!(
            out["properties"]["a"]["items"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            out["properties"]["m"]["additionalProperties"],
            json!({"type": "integer", "nullable": true})
        );
    }

    #[test]
    fn const_examples_and_exclusive_bounds() {
        assert_eq!(
            convert(
                json!({"type": "integer", "const": 3, "examples": [3], "exclusiveMinimum": 0, "$comment": "c"})
            ),
            json!({"type": "integer", "enum": [3], "example": 3, "minimum": 0, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn a_property_named_one_of_is_not_a_keyword() {
        let s = json!({"type": "object", "properties": {"oneOf": {"type": ["string", "null"]}}});
        assert_eq!(
            convert(s)["properties"]["oneOf"],
            json!({"type": "string", "nullable": true})
        );
    }

    #[test]
    fn too_deep_schemas_are_an_error() {
        let mut s = json!({"type": "string"});
        for _ in 0..100 {
            s = json!({"type": "array", "items": s});
        }
        let doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": s}}});
        let spec = Spec::from_yaml_str(&doc.to_string(), "deep").unwrap();
        let err = to_openapi_30(&spec).unwrap_err().to_string();
        assert!(err.contains("/components/schemas/S/items/items"), "{err}");
    }

    #[test]
    fn unsupported_versions_are_an_error() {
        let spec = Spec::from_yaml_str("openapi: 2.0\n", "v").unwrap();
        assert!(to_openapi_30(&spec).is_err());
    }
}
