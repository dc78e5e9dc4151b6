//! `getBulkCall` carries exactly the schema and example of the reference page the project
//! started from: same fields, types, nullability and descriptions once the spec's `$ref`s are
//! inlined. The page is the contract, so it is vendored (`tests/fixtures/reference/
//! getBulkCall.md`) and checked on every clone; where the shared reference folder is beside the
//! checkout, the vendored copy must also equal it.

use serde_json::Value;

fn inline_refs(v: &Value, doc: &Value, depth: usize) -> Value {
    assert!(depth < 32, "$ref cycle");
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                let target = doc
                    .pointer(r.trim_start_matches('#'))
                    .expect("ref resolves");
                return inline_refs(target, doc, depth + 1);
            }
            Value::Object(
                m.iter()
                    .map(|(k, x)| (k.clone(), inline_refs(x, doc, depth + 1)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| inline_refs(x, doc, depth + 1)).collect()),
        other => other.clone(),
    }
}

/// Drop what the page does not have and the spec adds on purpose: `x-omnidim-*` notes and the
/// `title`s of named components.
fn strip_extensions(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| !k.starts_with("x-") && k != "title");
            m.values_mut().for_each(strip_extensions);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_extensions),
        _ => {}
    }
}

#[test]
fn get_bulk_call_matches_the_reference_page() {
    let vendored =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/reference/getBulkCall.md");
    let page = std::fs::read_to_string(&vendored).expect("the vendored reference page");
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/reference/getBulkCall.md");
    match std::fs::read_to_string(&shared) {
        Ok(upstream) => assert_eq!(
            page,
            upstream,
            "tests/fixtures/reference/getBulkCall.md differs from {}: re-vendor it",
            shared.display()
        ),
        Err(_) => println!(
            "note: {} not beside this checkout; checked against the vendored copy only",
            shared.display()
        ),
    }
    let yaml = page
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the page has a yaml block");
    let page_op =
        omnidim_spec::Spec::from_yaml_str(yaml, "getBulkCall.md").expect("page yaml parses");
    let page_media = page_op
        .document()
        .pointer("/responses/200/content/application~1json")
        .expect("page media");

    let spec = omnidim_tests::spec();
    let doc = spec.document();
    let op = spec.operation("getBulkCall").expect("getBulkCall");
    let media = doc
        .pointer(&format!(
            "{}/responses/200/content/application~1json",
            op.pointer
        ))
        .expect("spec media");
    let mut schema = inline_refs(&media["schema"], doc, 0);
    strip_extensions(&mut schema);
    let mut page_schema = page_media["schema"].clone();
    strip_extensions(&mut page_schema);
    assert_eq!(
        schema, page_schema,
        "getBulkCall 200 schema differs from the reference page"
    );
    assert_eq!(
        media["example"], page_media["example"],
        "getBulkCall example differs from the reference page"
    );
}
