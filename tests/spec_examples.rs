//! Every success example of the spec decodes into its operation's generated response type.
//!
//! Table-driven over the spec: an operation added to `openapi/omnidim.yaml` is covered as soon as
//! `cargo xtask regenerate` has run, with no new test code.

use omnidim_tests::{same_json, spec, success_examples};

#[test]
fn every_success_example_decodes_into_the_generated_type() {
    let spec = spec();
    let examples = success_examples(&spec);
    assert!(!examples.is_empty(), "the spec has no success examples");
    let mut failures = Vec::new();
    for (operation, pointer, value) in &examples {
        match omnidim::roundtrip_success_body(operation, value.clone()) {
            None => failures.push(format!(
                "{operation}: no generated JSON success type (example at #{pointer})"
            )),
            Some(Err(e)) => failures.push(format!(
                "{operation}: example at #{pointer} does not decode: {e}"
            )),
            Some(Ok(_)) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("{} success examples decoded", examples.len());
}

#[test]
fn every_operation_of_the_spec_has_a_generated_method() {
    let spec = spec();
    let ids: Vec<String> = spec
        .operations()
        .into_iter()
        .filter_map(|o| o.operation_id)
        .collect();
    let generated: Vec<&str> = omnidim::OPERATIONS.iter().map(|o| o.id).collect();
    assert_eq!(
        ids, generated,
        "regenerate: the operation table does not match the spec"
    );
}

#[test]
fn examples_without_extra_keys_round_trip_unchanged() {
    // Examples whose keys are all in the schema come back equal (modulo 1 vs 1.0 and null vs
    // absent). The getBulkCall example is one of them: the seed page's schema covers every key.
    let spec = spec();
    let examples = success_examples(&spec);
    let (_, _, bulk) = examples
        .iter()
        .find(|(op, _, _)| op == "getBulkCall")
        .expect("getBulkCall has an example");
    let back = omnidim::roundtrip_success_body("getBulkCall", bulk.clone())
        .expect("JSON body")
        .expect("decodes");
    assert!(
        same_json(bulk, &back),
        "getBulkCall example changed in a round trip:\n{bulk:#}\n{back:#}"
    );
}

#[test]
fn a_wrong_type_is_rejected() {
    // The test above must be able to fail: a planted type error does not decode.
    let spec = spec();
    let (_, _, mut bulk) = success_examples(&spec)
        .into_iter()
        .find(|(op, _, _)| op == "getBulkCall")
        .expect("getBulkCall has an example");
    bulk["details"]["id"] = serde_json::json!("314");
    let result = omnidim::roundtrip_success_body("getBulkCall", bulk).expect("JSON body");
    assert!(result.is_err());
}
