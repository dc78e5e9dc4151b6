//! Where schemas and examples live in an OpenAPI document.
//!
//! Lints, the 3.1 -> 3.0 conversion and the example tests all need to visit "every schema" or
//! "every example". Keys such as `example` or `type` mean different things inside `properties`
//! (a property name) than in a schema (a keyword), so the walk follows the structure of the
//! document instead of searching it for key names.

use serde_json::Value;

use crate::pointer;

/// Keywords whose value is a map of name -> schema.
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keywords whose value is an array of schemas.
const SCHEMA_ARRAYS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value is one schema (booleans and non-objects are skipped).
const SCHEMA_SINGLES: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
    "contentSchema",
];

/// Relative token paths of the sub-schemas of `schema`, in a stable order.
pub fn child_schema_paths(schema: &Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let Some(obj) = schema.as_object() else {
        return out;
    };
    for key in SCHEMA_MAPS {
        if let Some(map) = obj.get(*key).and_then(Value::as_object) {
            for (name, sub) in map {
                if sub.is_object() {
                    out.push(vec![key.to_string(), name.clone()]);
                }
            }
        }
    }
    for key in SCHEMA_ARRAYS {
        if let Some(items) = obj.get(*key).and_then(Value::as_array) {
            for (i, sub) in items.iter().enumerate() {
                if sub.is_object() {
                    out.push(vec![key.to_string(), i.to_string()]);
                }
            }
        }
    }
    for key in SCHEMA_SINGLES {
        match obj.get(*key) {
            Some(sub) if sub.is_object() => out.push(vec![key.to_string()]),
            // Draft-4 style tuple `items: [..]`.
            Some(Value::Array(items)) if *key == "items" => {
                for (i, sub) in items.iter().enumerate() {
                    if sub.is_object() {
                        out.push(vec![key.to_string(), i.to_string()]);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// JSON pointers of the top-level schemas of the document (the roots of schema trees):
/// component schemas and the `schema` of every parameter, header, request body and response.
pub fn root_schema_pointers(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for name in schemas.keys() {
            out.push(pointer::push("/components/schemas", name));
        }
    }
    for site in media_and_parameter_sites(doc) {
        if site
            .value_at(doc)
            .and_then(|v| v.get("schema"))
            .is_some_and(Value::is_object)
        {
            out.push(pointer::push(&site.0, "schema"));
        }
    }
    out
}

/// Every schema pointer of the document (roots and all their sub-schemas), depth first.
pub fn all_schema_pointers(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<String> = root_schema_pointers(doc).into_iter().rev().collect();
    // Bounded: a document has finitely many nodes and we only descend into children.
    while let Some(p) = stack.pop() {
        if let Some(schema) = doc.pointer(&p) {
            let children = child_schema_paths(schema);
            for path in children.into_iter().rev() {
                let mut child = p.clone();
                for token in &path {
                    child = pointer::push(&child, token);
                }
                stack.push(child);
            }
        }
        out.push(p);
    }
    out
}

/// One example in the document and the schema it must satisfy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleSite {
    /// Pointer of the example value.
    pub example: String,
    /// Pointer of the schema the example must validate against.
    pub schema: String,
}

/// Every example of the document: schema-level `example`/`examples[]`, and `example` /
/// `examples.*.value` of media types, parameters and headers (only where a schema is there to
/// check them against).
pub fn example_sites(doc: &Value) -> Vec<ExampleSite> {
    let mut out = Vec::new();
    for schema_pointer in all_schema_pointers(doc) {
        let Some(schema) = doc.pointer(&schema_pointer) else {
            continue;
        };
        if schema.get("example").is_some() {
            out.push(ExampleSite {
                example: pointer::push(&schema_pointer, "example"),
                schema: schema_pointer.clone(),
            });
        }
        if let Some(examples) = schema.get("examples").and_then(Value::as_array) {
            for i in 0..examples.len() {
                out.push(ExampleSite {
                    example: pointer::push(
                        &pointer::push(&schema_pointer, "examples"),
                        &i.to_string(),
                    ),
                    schema: schema_pointer.clone(),
                });
            }
        }
    }
    for site in media_and_parameter_sites(doc) {
        let Some(holder) = site.value_at(doc) else {
            continue;
        };
        if !holder.get("schema").is_some_and(Value::is_object) {
            continue;
        }
        let schema = pointer::push(&site.0, "schema");
        if holder.get("example").is_some() {
            out.push(ExampleSite {
                example: pointer::push(&site.0, "example"),
                schema: schema.clone(),
            });
        }
        if let Some(examples) = holder.get("examples").and_then(Value::as_object) {
            for (name, ex) in examples {
                if ex.get("value").is_some() {
                    let ex_pointer = pointer::push(&pointer::push(&site.0, "examples"), name);
                    out.push(ExampleSite {
                        example: pointer::push(&ex_pointer, "value"),
                        schema: schema.clone(),
                    });
                }
            }
        }
    }
    out
}

/// A place holding `schema` (+ `example`/`examples`): a media type, a parameter or a header.
struct Site(String);

impl Site {
    fn value_at<'a>(&self, doc: &'a Value) -> Option<&'a Value> {
        doc.pointer(&self.0)
    }
}

fn media_and_parameter_sites(doc: &Value) -> Vec<Site> {
    let mut out = Vec::new();
    let comp = "/components";
    for (kind, f) in [
        (
            "parameters",
            push_parameter as fn(&Value, &str, &mut Vec<Site>),
        ),
        ("headers", push_parameter),
        ("requestBodies", push_content_holder),
        ("responses", push_response),
    ] {
        let base = pointer::push(comp, kind);
        if let Some(map) = doc.pointer(&base).and_then(Value::as_object) {
            for (name, v) in map {
                f(v, &pointer::push(&base, name), &mut out);
            }
        }
    }
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_pointer = pointer::push("/paths", path);
            push_parameter_list(item, &item_pointer, &mut out);
            for method in crate::HttpMethod::ALL {
                let Some(op) = item.get(method.key()) else {
                    continue;
                };
                let op_pointer = pointer::push(&item_pointer, method.key());
                push_parameter_list(op, &op_pointer, &mut out);
                if let Some(body) = op.get("requestBody") {
                    push_content_holder(body, &pointer::push(&op_pointer, "requestBody"), &mut out);
                }
                if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                    let rp = pointer::push(&op_pointer, "responses");
                    for (status, r) in responses {
                        push_response(r, &pointer::push(&rp, status), &mut out);
                    }
                }
            }
        }
    }
    out
}

fn push_parameter_list(holder: &Value, holder_pointer: &str, out: &mut Vec<Site>) {
    if let Some(params) = holder.get("parameters").and_then(Value::as_array) {
        let pp = pointer::push(holder_pointer, "parameters");
        for (i, p) in params.iter().enumerate() {
            push_parameter(p, &pointer::push(&pp, &i.to_string()), out);
        }
    }
}

fn push_parameter(p: &Value, p_pointer: &str, out: &mut Vec<Site>) {
    out.push(Site(p_pointer.to_string()));
    push_content_holder(p, p_pointer, out);
}

fn push_content_holder(holder: &Value, holder_pointer: &str, out: &mut Vec<Site>) {
    if let Some(content) = holder.get("content").and_then(Value::as_object) {
        let cp = pointer::push(holder_pointer, "content");
        for media in content.keys() {
            out.push(Site(pointer::push(&cp, media)));
        }
    }
}

fn push_response(r: &Value, r_pointer: &str, out: &mut Vec<Site>) {
    push_content_holder(r, r_pointer, out);
    if let Some(headers) = r.get("headers").and_then(Value::as_object) {
        let hp = pointer::push(r_pointer, "headers");
        for (name, h) in headers {
            push_parameter(h, &pointer::push(&hp, name), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn property_named_example_is_not_an_example() {
        let doc = json!({
            "components": {"schemas": {"A": {
                "type": "object",
                "properties": {"example": {"type": "string", "example": "x"}},
                "example": {"example": "y"}
            }}}
        });
        let sites = example_sites(&doc);
        assert_eq!(
            sites,
            vec![
                ExampleSite {
                    example: "/components/schemas/A/example".into(),
                    schema: "/components/schemas/A".into()
                },
                ExampleSite {
                    example: "/components/schemas/A/properties/example/example".into(),
                    schema: "/components/schemas/A/properties/example".into()
                },
            ]
        );
    }

    #[test]
    fn finds_media_type_examples_and_nested_schemas() {
        let doc = json!({
            "paths": {"/x": {"get": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "integer"}, "example": 3}],
                "responses": {"200": {"content": {"application/json": {
                    "schema": {"oneOf": [{"type": "string"}, {"type": "null"}]},
                    "examples": {"a": {"value": "s"}, "b": {"summary": "no value"}}
                }}}}
            }}}
        });
        let sites = example_sites(&doc);
        let examples: Vec<_> = sites.iter().map(|s| s.example.as_str()).collect();
        assert_eq!(
            examples,
            [
                "/paths/~1x/get/parameters/0/example",
                "/paths/~1x/get/responses/200/content/application~1json/examples/a/value"
            ]
        );
        let all = all_schema_pointers(&doc);
        assert!(all.contains(
            &"/paths/~1x/get/responses/200/content/application~1json/schema/oneOf/1".to_string()
        ));
    }
}
