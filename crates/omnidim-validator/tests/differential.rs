//! The streaming validator's verdicts equal the `jsonschema` crate's on the same 2020-12 schemas:
//! every success example of the spec, and thousands of randomly mutated copies of them (a type
//! changed, a key dropped, a key added, a value nulled).

use omnidim_spec::Spec;
use omnidim_validator::Validator;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

struct Case {
    operation: String,
    schema: jsonschema::Validator,
    example: Value,
}

fn cases() -> (Validator, Vec<Case>) {
    let spec = Spec::embedded().unwrap();
    let doc = spec.document();
    let sites = omnidim_spec::schema_walk::example_sites(doc);
    let mut out = Vec::new();
    for op in spec.operations() {
        let id = op.operation_id.clone().unwrap();
        for r in op.responses.iter().filter(|r| r.status == "200") {
            for (_, schema) in &r.content {
                let Some(schema) = schema else { continue };
                for site in sites.iter().filter(|s| &s.schema == schema) {
                    out.push(Case {
                        operation: id.clone(),
                        schema: omnidim_spec::lint::compile_schema(doc, schema).unwrap(),
                        example: doc.pointer(&site.example).cloned().unwrap(),
                    });
                }
            }
        }
    }
    assert!(
        out.len() >= 5,
        "too few examples to compare on: {}",
        out.len()
    );
    (Validator::from_spec(&spec).unwrap(), out)
}

/// Every (pointer) location of a value, parents before children.
fn locations(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                locations(c, format!("{at}/{}", omnidim_spec::pointer::escape(k)), out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                locations(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn replacement(kind: u8, seed: u64) -> Value {
    match kind % 9 {
        0 => Value::Null,
        1 => json!(seed.is_multiple_of(2)),
        2 => json!(seed as i64 % 1000 - 500),
        3 => json!((seed % 1000) as f64 / 7.0),
        4 => json!(format!("s{seed}")),
        5 => json!([]),
        6 => json!([format!("x{seed}"), seed % 5]),
        7 => json!({}),
        _ => json!({"k": seed % 3}),
    }
}

/// Apply one mutation at the `pick`-th location.
fn mutate(v: &mut Value, pick: u64, op: u8, seed: u64) {
    let mut locs = Vec::new();
    locations(v, String::new(), &mut locs);
    let at = &locs[(pick as usize) % locs.len()];
    let Some(target) = v.pointer_mut(at) else {
        return;
    };
    match op % 4 {
        // change the type (or the value)
        0 => *target = replacement((seed % 9) as u8, seed),
        // drop a key
        1 => {
            if let Value::Object(m) = target
                && let Some(k) = m.keys().nth((seed as usize) % m.len().max(1)).cloned()
            {
                m.remove(&k);
            }
        }
        // add a key
        2 => {
            if let Value::Object(m) = target {
                m.insert(
                    format!("extra_{}", seed % 4),
                    replacement((seed % 9) as u8, seed),
                );
            } else if let Value::Array(a) = target {
                a.push(replacement((seed % 9) as u8, seed));
            }
        }
        // null a value
        _ => *target = Value::Null,
    }
}

fn assert_same_verdict(validator: &Validator, case: &Case, value: &Value) {
    let expected = case.schema.is_valid(value);
    let from_value = validator
        .validate_value(&case.operation, 200, None, value)
        .unwrap();
    let bytes = serde_json::to_vec(value).unwrap();
    let from_bytes = validator
        .validate(&case.operation, 200, Some("application/json"), &bytes)
        .unwrap();
    assert_eq!(
        from_value.is_valid(),
        expected,
        "{} verdict differs from jsonschema on {value}\n{from_value}",
        case.operation
    );
    assert_eq!(
        from_bytes, from_value,
        "bytes and value entry points disagree on {value}"
    );
}

#[test]
fn every_example_has_the_same_verdict() {
    let (validator, cases) = cases();
    for case in &cases {
        assert!(
            case.schema.is_valid(&case.example),
            "{} example invalid",
            case.operation
        );
        assert_same_verdict(&validator, case, &case.example);
    }
}

#[test]
fn hand_picked_edge_cases() {
    let (validator, cases) = cases();
    let case = cases.iter().find(|c| c.operation == "getBulkCall").unwrap();
    let mut edge = Vec::new();
    for v in [
        json!(1.0),
        json!(1.5),
        json!(-0.0),
        json!(1e300),
        json!(u64::MAX),
        json!(i64::MIN),
    ] {
        let mut e = case.example.clone();
        e["details"]["id"] = v.clone();
        edge.push(e);
        let mut e = case.example.clone();
        e["details"]["recording_file_id"] = v;
        edge.push(e);
    }
    let mut e = case.example.clone();
    e["details"]["variable_config"][0]["enum_values"] = json!([]);
    edge.push(e);
    let mut e = case.example.clone();
    e["details"]["variable_config"][0]["enum_values"] = json!([1]);
    edge.push(e);
    let mut e = case.example.clone();
    e["details"]["call_status_counts"] = Value::Object(Map::new());
    edge.push(e);
    edge.push(json!({}));
    edge.push(json!(null));
    edge.push(json!("\u{1F600}"));
    for e in &edge {
        assert_same_verdict(&validator, case, e);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_examples_have_the_same_verdict(
        which in any::<u64>(),
        mutations in prop::collection::vec((any::<u64>(), any::<u8>(), any::<u64>()), 1..4),
    ) {
        thread_local! {
            static CASES: (Validator, Vec<Case>) = cases();
        }
        CASES.with(|(validator, cases)| {
            // Half of the runs mutate getBulkCall, the rest spread over every example.
            let case = if which.is_multiple_of(2) {
                cases.iter().find(|c| c.operation == "getBulkCall").unwrap()
            } else {
                &cases[(which / 2) as usize % cases.len()]
            };
            let mut value = case.example.clone();
            for (pick, op, seed) in &mutations {
                mutate(&mut value, *pick, *op, *seed);
            }
            assert_same_verdict(validator, case, &value);
        });
    }
}
