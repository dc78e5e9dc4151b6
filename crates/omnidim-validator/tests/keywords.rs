//! One synthetic case per keyword the validator claims to check itself (`compile.rs`,
//! `SUPPORTED`), most of which the workspace spec never uses: each schema is wrapped in a
//! one-operation spec, and the validator's verdict on every instance must equal the `jsonschema`
//! crate's (draft 2020-12) and the expected one written here.
//!
//! The official JSON-Schema-Test-Suite is not used: no registry package carries it (npm's
//! `@json-schema-org/tests` pulls it from GitHub at install time).

use omnidim_spec::Spec;
use omnidim_validator::Validator;
use serde_json::{Value, json};

/// One keyword case: its name, the schema, and instances with their expected verdict.
type Case = (&'static str, Value, Vec<(Value, bool)>);

fn corpus() -> Vec<Case> {
    vec![
        (
            "type",
            json!({"type": "integer"}),
            vec![
                (json!(3), true),
                (json!(3.0), true),
                (json!(3.5), false),
                (json!("3"), false),
                (json!(null), false),
            ],
        ),
        (
            "type list with null",
            json!({"type": ["string", "null"]}),
            vec![(json!("a"), true), (json!(null), true), (json!(1), false)],
        ),
        (
            "properties and required",
            json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}),
            vec![
                (json!({"a": "x"}), true),
                (json!({}), false),
                (json!({"a": 1}), false),
                (json!({"a": "x", "b": 1}), true),
            ],
        ),
        (
            "additionalProperties false",
            json!({"type": "object", "properties": {"a": {}}, "additionalProperties": false}),
            vec![
                (json!({"a": 1}), true),
                (json!({}), true),
                (json!({"a": 1, "b": 2}), false),
            ],
        ),
        (
            "additionalProperties schema",
            json!({"type": "object", "additionalProperties": {"type": "integer"}}),
            vec![
                (json!({"x": 1, "y": 2}), true),
                (json!({"x": "1"}), false),
                (json!({}), true),
            ],
        ),
        (
            "items, minItems, maxItems",
            json!({"type": "array", "items": {"type": "boolean"}, "minItems": 1, "maxItems": 2}),
            vec![
                (json!([true]), true),
                (json!([true, false]), true),
                (json!([]), false),
                (json!([true, true, true]), false),
                (json!([1]), false),
            ],
        ),
        (
            "minProperties, maxProperties",
            json!({"type": "object", "minProperties": 1, "maxProperties": 2}),
            vec![
                (json!({}), false),
                (json!({"a": 1}), true),
                (json!({"a": 1, "b": 2}), true),
                (json!({"a": 1, "b": 2, "c": 3}), false),
            ],
        ),
        (
            "enum, mixed types",
            json!({"enum": ["a", 1, null, false]}),
            vec![
                (json!("a"), true),
                (json!(1), true),
                (json!(1.0), true),
                (json!(null), true),
                (json!(false), true),
                (json!("b"), false),
                (json!(true), false),
            ],
        ),
        (
            "const scalar",
            json!({"const": "fixed"}),
            vec![
                (json!("fixed"), true),
                (json!("other"), false),
                (json!(1), false),
            ],
        ),
        (
            "const object",
            json!({"const": {"a": [1, 2]}}),
            vec![
                (json!({"a": [1, 2]}), true),
                (json!({"a": [2, 1]}), false),
                (json!({"a": [1, 2], "b": 0}), false),
            ],
        ),
        (
            "minimum, maximum",
            json!({"type": "number", "minimum": 1.5, "maximum": 3}),
            vec![
                (json!(1.5), true),
                (json!(3), true),
                (json!(1.4), false),
                (json!(3.01), false),
            ],
        ),
        (
            "exclusiveMinimum, exclusiveMaximum",
            json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10}),
            vec![
                (json!(0), false),
                (json!(0.001), true),
                (json!(9.999), true),
                (json!(10), false),
            ],
        ),
        (
            "minLength, maxLength count characters",
            json!({"type": "string", "minLength": 2, "maxLength": 3}),
            vec![
                (json!("ab"), true),
                (json!("a"), false),
                (json!("abcd"), false),
                // Three characters, nine bytes: lengths are in code points.
                (json!("日本語"), true),
                (json!("日本語x"), false),
            ],
        ),
        (
            "oneOf",
            json!({"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 2}]}),
            vec![
                (json!(1), true),
                (json!(2.5), true),
                // Matches both branches: invalid under oneOf.
                (json!(3), false),
                (json!("x"), false),
            ],
        ),
        (
            "anyOf",
            json!({"anyOf": [{"type": "string", "maxLength": 1}, {"type": "integer"}]}),
            vec![
                (json!("a"), true),
                (json!(5), true),
                (json!("ab"), false),
                (json!(null), false),
            ],
        ),
        (
            "$ref to a component",
            json!({"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Pos"}}}),
            vec![
                (json!({"x": 1}), true),
                (json!({"x": 0}), false),
                (json!({"x": "1"}), false),
            ],
        ),
    ]
}

fn spec_for(schema: &Value) -> Spec {
    let doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "keyword corpus", "version": "1"},
        "paths": {"/probe": {"get": {
            "operationId": "probe",
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}
        }}},
        "components": {"schemas": {"Pos": {"type": "integer", "minimum": 1}}}
    });
    Spec::from_yaml_str(&doc.to_string(), "corpus").unwrap()
}

#[test]
fn every_claimed_keyword_agrees_with_jsonschema_and_the_expected_verdict() {
    let mut checked = 0;
    for (name, schema, instances) in corpus() {
        let spec = spec_for(&schema);
        let validator = Validator::from_spec(&spec).unwrap();
        let pointer = "/paths/~1probe/get/responses/200/content/application~1json/schema";
        let reference = omnidim_spec::lint::compile_schema(spec.document(), pointer).unwrap();
        for (instance, expected) in instances {
            let body = serde_json::to_vec(&instance).unwrap();
            let report = validator
                .validate("probe", 200, Some("application/json"), &body)
                .unwrap();
            let ours = report.is_valid();
            let theirs = reference.is_valid(&instance);
            assert_eq!(
                theirs, expected,
                "{name}: jsonschema says {theirs} for {instance}; the corpus expects {expected}"
            );
            assert_eq!(
                ours, expected,
                "{name}: the validator says {ours} for {instance}:\n{report}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} instances");
}

/// Each claimed keyword has a case here (a new keyword in `SUPPORTED` needs one).
#[test]
fn the_corpus_covers_every_claimed_keyword() {
    let used: String = corpus()
        .iter()
        .map(|(_, s, _)| s.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    for keyword in [
        "type",
        "properties",
        "additionalProperties",
        "required",
        "items",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "enum",
        "const",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "oneOf",
        "anyOf",
        "$ref",
    ] {
        assert!(
            used.contains(&format!("\"{keyword}\"")),
            "no case for {keyword}"
        );
    }
}
