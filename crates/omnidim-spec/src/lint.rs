//! Checks of the spec that the generator and the validator rely on.
//!
//! Each finding names its rule and the JSON pointer of the offending node, so a maintainer can jump
//! to it. Every rule is an error: `cargo xtask lint` and CI fail on any finding.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::{Spec, pointer, schema_walk};

/// One problem found in the spec.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// JSON pointer of the node the finding is about.
    pub pointer: String,
    /// Short, stable rule name, e.g. `example-invalid`.
    pub rule: &'static str,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} [{}]",
            pointer::fragment(&self.pointer),
            self.message,
            self.rule
        )
    }
}

/// Run every lint; findings are sorted by pointer, then rule.
pub fn lint(spec: &Spec) -> Vec<Finding> {
    let mut out = Vec::new();
    check_version(spec, &mut out);
    check_refs(spec.document(), &mut out);
    check_operations(spec, &mut out);
    check_examples(spec, &mut out);
    check_evidence(spec.document(), &mut out);
    check_key_lists(spec.document(), &mut out);
    out.sort();
    out.dedup();
    out
}

fn check_version(spec: &Spec, out: &mut Vec<Finding>) {
    match spec.document().get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") || v.starts_with("3.1.") => {}
        other => out.push(Finding {
            pointer: "/openapi".into(),
            rule: "openapi-version",
            message: format!("expected an OpenAPI 3.0.x or 3.1.x version string, found {other:?}"),
        }),
    }
}

/// Every `$ref` must be local (`#/...`) and resolve. Example values are data, not spec, and are
/// skipped.
fn check_refs(doc: &Value, out: &mut Vec<Finding>) {
    let mut stack: Vec<(String, &Value)> = vec![(String::new(), doc)];
    while let Some((p, v)) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    if k == "example" || (k == "examples" && child.is_array()) {
                        continue;
                    }
                    let child_pointer = pointer::push(&p, k);
                    if k == "$ref" {
                        match child.as_str() {
                            Some(r) if r.starts_with("#/") || r == "#" => {
                                if crate::load::resolve_local_ref(doc, r).is_none() {
                                    out.push(Finding {
                                        pointer: child_pointer,
                                        rule: "ref-unresolved",
                                        message: format!("$ref {r:?} does not resolve in this document"),
                                    });
                                }
                            }
                            Some(r) => out.push(Finding {
                                pointer: child_pointer,
                                rule: "ref-external",
                                message: format!("$ref {r:?} is not a local reference (#/...); only local references are supported"),
                            }),
                            None => out.push(Finding {
                                pointer: child_pointer,
                                rule: "ref-unresolved",
                                message: "$ref must be a string".into(),
                            }),
                        }
                        continue;
                    }
                    stack.push((child_pointer, child));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    stack.push((pointer::push(&p, &i.to_string()), child));
                }
            }
            _ => {}
        }
    }
}

fn check_operations(spec: &Spec, out: &mut Vec<Finding>) {
    let doc = spec.document();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let global_security = doc
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    for op in spec.operations() {
        let op_value = doc.pointer(&op.pointer);
        match &op.operation_id {
            None => out.push(Finding {
                pointer: op.pointer.clone(),
                rule: "operation-id-missing",
                message: format!("{} {} has no operationId", op.method.as_str(), op.path),
            }),
            Some(id) => {
                if let Some(first) = seen.get(id) {
                    out.push(Finding {
                        pointer: pointer::push(&op.pointer, "operationId"),
                        rule: "operation-id-duplicate",
                        message: format!(
                            "operationId {id:?} is also used at {}",
                            pointer::fragment(first)
                        ),
                    });
                } else {
                    seen.insert(id.clone(), op.pointer.clone());
                }
            }
        }
        let op_security = op_value.and_then(|o| o.get("security"));
        if !global_security && op_security.is_none() {
            out.push(Finding {
                pointer: op.pointer.clone(),
                rule: "operation-security",
                message: "no security requirement applies to this operation".into(),
            });
        }
        if op.responses.is_empty() {
            out.push(Finding {
                pointer: pointer::push(&op.pointer, "responses"),
                rule: "operation-responses",
                message: "the operation documents no response".into(),
            });
        }
        check_path_parameters(spec, &op, out);
    }
}

fn check_path_parameters(spec: &Spec, op: &crate::Operation, out: &mut Vec<Finding>) {
    let template: BTreeSet<String> = template_variables(&op.path);
    // Operation-level parameters override path-level ones with the same name and location.
    let mut declared: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for param in spec.parameters(&op.pointer) {
        let (p_pointer, p) = (param.at, param.value);
        if p.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            out.push(Finding {
                pointer: p_pointer,
                rule: "parameter-name",
                message: "parameter has no name".into(),
            });
            continue;
        };
        let required = p.get("required").and_then(Value::as_bool) == Some(true);
        declared.insert(name.to_string(), (p_pointer, required));
    }
    for var in &template {
        if !declared.contains_key(var) {
            out.push(Finding {
                pointer: op.pointer.clone(),
                rule: "path-parameter-undeclared",
                message: format!(
                    "path template {} uses {{{var}}}, but no path parameter {var:?} is declared",
                    op.path
                ),
            });
        }
    }
    for (name, (p_pointer, required)) in &declared {
        if !template.contains(name) {
            out.push(Finding {
                pointer: p_pointer.clone(),
                rule: "path-parameter-unused",
                message: format!("path parameter {name:?} does not appear in {}", op.path),
            });
        } else if !required {
            out.push(Finding {
                pointer: p_pointer.clone(),
                rule: "path-parameter-required",
                message: format!("path parameter {name:?} must have `required: true`"),
            });
        }
    }
}

/// The `{name}` variables of a path template.
pub fn template_variables(path: &str) -> BTreeSet<String> {
    let mut vars = BTreeSet::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        vars.insert(after[..end].to_string());
        rest = &after[end + 1..];
    }
    vars
}

/// Compile the schema at `schema_pointer` as a standalone JSON Schema 2020-12 document in which
/// `#/components/...` references still resolve.
pub fn compile_schema(doc: &Value, schema_pointer: &str) -> Result<jsonschema::Validator, String> {
    let schema = standalone_schema(doc, schema_pointer)?;
    jsonschema::draft202012::options()
        .build(&schema)
        .map_err(|e| format!("schema does not compile: {e}"))
}

/// The schema at `schema_pointer`, with the `components` entries it refers to (transitively)
/// attached, so that local references keep resolving when it is used as the root of a JSON Schema.
///
/// Only the entries reached through `$ref`, not all of `components`: every compiled fallback
/// schema of the validator (and every request schema of the mock) is built from this, and a copy
/// of the whole of `components` per schema made a large spec quadratic in time and memory.
pub fn standalone_schema(doc: &Value, schema_pointer: &str) -> Result<Value, String> {
    let mut schema = doc
        .pointer(schema_pointer)
        .cloned()
        .ok_or_else(|| format!("no schema at {}", pointer::fragment(schema_pointer)))?;
    let Some(all) = doc.get("components") else {
        return Ok(schema);
    };
    let mut attached = serde_json::Map::new();
    let mut done: BTreeSet<(String, String)> = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    local_refs(&schema, &mut pending);
    while let Some(target) = pending.pop() {
        let tokens: Vec<String> = target
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        let (Some("components"), Some(kind), Some(name)) = (
            tokens.first().map(String::as_str),
            tokens.get(1),
            tokens.get(2),
        ) else {
            if tokens.first().map(String::as_str) == Some("components") {
                // A reference to a whole section: attach everything, as before.
                attached = all.as_object().cloned().unwrap_or_default();
                break;
            }
            continue; // outside `components`: not resolvable in a standalone schema
        };
        if !done.insert((kind.clone(), name.clone())) {
            continue;
        }
        let Some(entry) = all.get(kind.as_str()).and_then(|k| k.get(name.as_str())) else {
            continue; // dangling: jsonschema reports it
        };
        local_refs(entry, &mut pending);
        if let Value::Object(section) = attached
            .entry(kind.clone())
            .or_insert_with(|| Value::Object(serde_json::Map::new()))
        {
            section.insert(name.clone(), entry.clone());
        }
    }
    if let (Some(obj), false) = (schema.as_object_mut(), attached.is_empty()) {
        obj.insert("components".into(), Value::Object(attached));
    }
    Ok(schema)
}

/// The JSON pointers of the local `$ref`s (`#/...`) in `value`.
fn local_refs(value: &Value, out: &mut Vec<String>) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && let Some(p) = r.strip_prefix('#')
                {
                    out.push(p.to_string());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

fn check_examples(spec: &Spec, out: &mut Vec<Finding>) {
    let doc = spec.document();
    let mut compiled: BTreeMap<String, Result<jsonschema::Validator, String>> = BTreeMap::new();
    for site in schema_walk::example_sites(doc) {
        let Some(example) = doc.pointer(&site.example) else {
            continue;
        };
        let validator = compiled
            .entry(site.schema.clone())
            .or_insert_with(|| compile_schema(doc, &site.schema));
        match validator {
            Err(e) => out.push(Finding {
                pointer: site.schema.clone(),
                rule: "schema-invalid",
                message: e.clone(),
            }),
            Ok(v) => {
                for error in v.iter_errors(example) {
                    let instance = error.instance_path().to_string();
                    out.push(Finding {
                        pointer: format!("{}{}", site.example, instance),
                        rule: "example-invalid",
                        message: format!(
                            "example does not match its schema {}: {error}",
                            pointer::fragment(&site.schema)
                        ),
                    });
                }
            }
        }
    }
}

/// The key lists that tell the validator about recorded disagreements stay true to the schema
/// they sit on: `x-omnidim-unmodelled-keys` names keys that are *not* properties of the schema
/// (else they are modelled), `x-omnidim-may-be-absent` names keys that *are* (else the list is
/// stale), both arrays of strings.
fn check_key_lists(doc: &Value, out: &mut Vec<Finding>) {
    for p in schema_walk::all_schema_pointers(doc) {
        let Some(schema) = doc.pointer(&p) else {
            continue;
        };
        let properties = schema.get("properties").and_then(Value::as_object);
        for (key, want_property) in [
            ("x-omnidim-unmodelled-keys", false),
            ("x-omnidim-may-be-absent", true),
        ] {
            let Some(list) = schema.get(key) else {
                continue;
            };
            let list_pointer = pointer::push(&p, key);
            let Some(names) = list
                .as_array()
                .and_then(|a| a.iter().map(Value::as_str).collect::<Option<Vec<&str>>>())
            else {
                out.push(Finding {
                    pointer: list_pointer,
                    rule: "key-list",
                    message: format!("{key} must be an array of property names"),
                });
                continue;
            };
            for name in names {
                let is_property = properties.is_some_and(|m| m.contains_key(name));
                if is_property != want_property {
                    out.push(Finding {
                        pointer: list_pointer.clone(),
                        rule: "key-list",
                        message: if want_property {
                            format!("{key} names {name:?}, which is not a property of the schema")
                        } else {
                            format!("{key} names {name:?}, which is a property of the schema")
                        },
                    });
                }
            }
        }
    }
}

/// The evidence extensions stay attached to what they justify (see the spec's info.description):
/// `x-omnidim-integer` is a non-empty string on a schema that allows `integer` (its `type`, or a
/// `oneOf`/`anyOf` branch); `x-omnidim-enum-source` maps every value of the schema's `enum` to a
/// non-empty source, and names no value the `enum` lacks.
fn check_evidence(doc: &Value, out: &mut Vec<Finding>) {
    for p in schema_walk::all_schema_pointers(doc) {
        let Some(schema) = doc.pointer(&p) else {
            continue;
        };
        if let Some(evidence) = schema.get("x-omnidim-integer") {
            if evidence.as_str().is_none_or(|e| e.trim().is_empty()) {
                out.push(Finding {
                    pointer: pointer::push(&p, "x-omnidim-integer"),
                    rule: "integer-evidence",
                    message: "x-omnidim-integer must be a non-empty string (the evidence)".into(),
                });
            }
            if !allows_integer(schema) {
                out.push(Finding {
                    pointer: p.clone(),
                    rule: "integer-evidence",
                    message: "x-omnidim-integer on a schema that does not allow integer".into(),
                });
            }
        }
        let Some(sources) = schema.get("x-omnidim-enum-source") else {
            continue;
        };
        let source_pointer = pointer::push(&p, "x-omnidim-enum-source");
        let values: Option<Vec<&str>> = schema
            .get("enum")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect());
        let (Some(values), Some(sources)) = (values, sources.as_object()) else {
            out.push(Finding {
                pointer: source_pointer,
                rule: "enum-source",
                message:
                    "x-omnidim-enum-source must map each value of the schema's enum to its source"
                        .into(),
            });
            continue;
        };
        for value in &values {
            if sources
                .get(*value)
                .and_then(Value::as_str)
                .is_none_or(|s| s.trim().is_empty())
            {
                out.push(Finding {
                    pointer: pointer::push(&p, "enum"),
                    rule: "enum-source",
                    message: format!("enum value {value:?} has no source in x-omnidim-enum-source"),
                });
            }
        }
        for key in sources.keys() {
            if !values.contains(&key.as_str()) {
                out.push(Finding {
                    pointer: pointer::push(&source_pointer, key),
                    rule: "enum-source",
                    message: format!("a source is given for {key:?}, which the enum does not list"),
                });
            }
        }
    }
}

fn allows_integer(schema: &Value) -> bool {
    let by_type = match schema.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(types)) => types.iter().any(|t| t == "integer"),
        _ => false,
    };
    by_type
        || ["oneOf", "anyOf"].iter().any(|k| {
            schema
                .get(*k)
                .and_then(Value::as_array)
                .is_some_and(|branches| branches.iter().any(allows_integer))
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn a_standalone_schema_carries_only_the_components_it_refers_to() {
        let mut schemas = serde_json::Map::new();
        schemas.insert(
            "A".into(),
            json!({"type": "object", "properties": {
            "b": {"$ref": "#/components/schemas/B"}, "self": {"$ref": "#/components/schemas/A"}}}),
        );
        schemas.insert(
            "B".into(),
            json!({"type": "array", "items": {"$ref": "#/components/schemas/C~1D"}}),
        );
        schemas.insert("C/D".into(), json!({"type": "integer", "pattern": "x"}));
        for i in 0..100 {
            schemas.insert(format!("Unrelated{i}"), json!({"type": "string"}));
        }
        let doc = json!({"components": {"schemas": schemas, "responses": {"R": {}}}});
        let s = standalone_schema(&doc, "/components/schemas/A").unwrap();
        let mut names: Vec<&String> = s["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        names.sort();
        assert_eq!(names, ["A", "B", "C/D"]);
        assert!(s["components"].get("responses").is_none());
        let v = compile_schema(&doc, "/components/schemas/A").unwrap();
        assert!(v.is_valid(&json!({"b": [1, 2], "self": {"b": []}})));
        assert!(!v.is_valid(&json!({"b": ["x"]})));
        assert!(!v.is_valid(&json!({"self": {"b": [1.5]}})));
    }

    use super::*;

    fn findings(yaml: &str) -> Vec<(String, &'static str)> {
        let spec = Spec::from_yaml_str(yaml, "t.yaml").unwrap();
        lint(&spec)
            .into_iter()
            .map(|f| (f.pointer, f.rule))
            .collect()
    }

    const GOOD: &str = r##"
openapi: 3.1.0
security: [{bearer: []}]
paths:
  /a/{id}:
    get:
      operationId: getA
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/A'}
              example: {n: null, s: x}
components:
  schemas:
    A:
      type: object
      properties:
        n: {oneOf: [{type: integer}, {type: 'null'}]}
        s: {type: [string, 'null'], example: y}
"##;

    #[test]
    fn a_good_spec_has_no_findings() {
        assert_eq!(findings(GOOD), vec![]);
    }

    #[test]
    fn duplicate_operation_ids() {
        let yaml = GOOD.replace("  /a/{id}:\n", "  /b:\n    get: {operationId: getA, responses: {'200': {description: ok}}}\n  /a/{id}:\n");
        let f = findings(&yaml);
        assert!(
            f.iter().any(|(_, r)| *r == "operation-id-duplicate"),
            "{f:?}"
        );
    }

    #[test]
    fn undeclared_and_unused_path_parameters() {
        let f = findings(&GOOD.replace("/a/{id}", "/a/{bulk_call_id}"));
        assert!(
            f.contains(&(
                "/paths/~1a~1{bulk_call_id}/get".into(),
                "path-parameter-undeclared"
            )),
            "{f:?}"
        );
        assert!(
            f.contains(&(
                "/paths/~1a~1{bulk_call_id}/get/parameters/0".into(),
                "path-parameter-unused"
            )),
            "{f:?}"
        );
        let f = findings(&GOOD.replace("required: true", "required: false"));
        assert!(
            f.iter().any(|(_, r)| *r == "path-parameter-required"),
            "{f:?}"
        );
    }

    #[test]
    fn unresolved_and_external_refs() {
        let f = findings(&GOOD.replace("'#/components/schemas/A'", "'#/components/schemas/B'"));
        assert!(
            f.iter()
                .any(|(p, r)| *r == "ref-unresolved" && p.ends_with("schema/$ref")),
            "{f:?}"
        );
        let f = findings(&GOOD.replace("'#/components/schemas/A'", "'other.yaml#/A'"));
        assert!(f.iter().any(|(_, r)| *r == "ref-external"), "{f:?}");
    }

    #[test]
    fn invalid_examples_point_into_the_example() {
        let f = findings(&GOOD.replace("example: {n: null, s: x}", "example: {n: 'one', s: x}"));
        assert_eq!(
            f,
            vec![(
                "/paths/~1a~1{id}/get/responses/200/content/application~1json/example/n".into(),
                "example-invalid"
            )]
        );
        let f = findings(&GOOD.replace("example: y", "example: 3"));
        assert_eq!(
            f,
            vec![(
                "/components/schemas/A/properties/s/example".into(),
                "example-invalid"
            )]
        );
    }

    #[test]
    fn missing_operation_id_and_security() {
        let yaml = GOOD
            .replace("security: [{bearer: []}]\n", "")
            .replace("      operationId: getA\n", "");
        let f = findings(&yaml);
        assert!(f.iter().any(|(_, r)| *r == "operation-id-missing"), "{f:?}");
        assert!(f.iter().any(|(_, r)| *r == "operation-security"), "{f:?}");
    }

    #[test]
    fn key_lists_name_unmodelled_keys_and_absent_properties() {
        let good = GOOD.replace(
            "    A:\n      type: object\n",
            "    A:\n      type: object\n      x-omnidim-unmodelled-keys: [extra]\n      x-omnidim-may-be-absent: [s]\n",
        );
        assert_ne!(good, GOOD);
        assert_eq!(findings(&good), vec![]);
        let stale = good
            .replace("unmodelled-keys: [extra]", "unmodelled-keys: [n]")
            .replace("may-be-absent: [s]", "may-be-absent: [gone]");
        assert_eq!(
            findings(&stale),
            vec![
                (
                    "/components/schemas/A/x-omnidim-may-be-absent".into(),
                    "key-list"
                ),
                (
                    "/components/schemas/A/x-omnidim-unmodelled-keys".into(),
                    "key-list"
                ),
            ]
        );
    }

    #[test]
    fn integer_evidence_sits_on_an_integer() {
        let on_oneof = GOOD.replace(
            "n: {oneOf: [{type: integer}, {type: 'null'}]}",
            "n: {oneOf: [{type: integer}, {type: 'null'}], x-omnidim-integer: 'examples: 1'}",
        );
        assert_eq!(findings(&on_oneof), vec![]);
        let on_string = GOOD.replace(
            "s: {type: [string, 'null'], example: y}",
            "s: {type: [string, 'null'], example: y, x-omnidim-integer: 'examples: 1'}",
        );
        assert_eq!(
            findings(&on_string),
            vec![(
                "/components/schemas/A/properties/s".into(),
                "integer-evidence"
            )]
        );
        let empty = GOOD.replace(
            "n: {oneOf: [{type: integer}, {type: 'null'}]}",
            "n: {oneOf: [{type: integer}, {type: 'null'}], x-omnidim-integer: ' '}",
        );
        assert_eq!(
            findings(&empty),
            vec![(
                "/components/schemas/A/properties/n/x-omnidim-integer".into(),
                "integer-evidence"
            )]
        );
    }

    #[test]
    fn every_enum_value_has_a_source_and_no_other() {
        let with = |sources: &str| {
            GOOD.replace(
                "s: {type: [string, 'null'], example: y}",
                &format!(
                    "s: {{type: string, enum: [x, y], example: y, x-omnidim-enum-source: {sources}}}"
                ),
            )
        };
        assert_eq!(findings(&with("{x: docs page, y: example}")), vec![]);
        assert_eq!(
            findings(&with("{x: docs page}")),
            vec![(
                "/components/schemas/A/properties/s/enum".into(),
                "enum-source"
            )]
        );
        assert_eq!(
            findings(&with("{x: docs page, y: example, z: nowhere}")),
            vec![(
                "/components/schemas/A/properties/s/x-omnidim-enum-source/z".into(),
                "enum-source"
            )]
        );
        assert_eq!(
            findings(&with("docs page")),
            vec![(
                "/components/schemas/A/properties/s/x-omnidim-enum-source".into(),
                "enum-source"
            )]
        );
    }

    #[test]
    fn template_variables_are_parsed() {
        let v: Vec<_> = template_variables("/a/{x}/b/{y}/{").into_iter().collect();
        assert_eq!(v, ["x", "y"]);
    }
}
