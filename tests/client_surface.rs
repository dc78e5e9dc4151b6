//! The client surface as Rust users see it, one reviewed snapshot per tag, rendered from the
//! generated types themselves (their `schemars::JsonSchema`, feature `schemars`). A spec change
//! shows up in `cargo insta review` as the lines of Rust it changes.
//!
//! A second test checks that each generated success type agrees with its spec schema: same
//! fields, same JSON types, and every value the spec allows to be null is an `Option`.

use std::collections::BTreeMap;

use omnidim_spec::Spec;
use serde_json::Value;

/// Rust type of a schemars (sub)schema, e.g. `Option<Vec<BulkCallContact>>`.
fn rust_type(s: &Value) -> String {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = s.get(key).and_then(Value::as_array) {
            let is_null = |b: &Value| b.get("type").and_then(Value::as_str) == Some("null");
            let rest: Vec<String> = branches
                .iter()
                .filter(|b| !is_null(b))
                .map(rust_type)
                .collect();
            let inner = rest.join(" | ");
            return if branches.iter().any(is_null) {
                format!("Option<{inner}>")
            } else {
                inner
            };
        }
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => return "Value".into(),
    };
    let nullable = types.contains(&"null");
    let base: Vec<String> = types
        .iter()
        .filter(|t| **t != "null")
        .map(|t| base_type(t, s))
        .collect();
    let inner = base.join(" | ");
    if nullable {
        format!("Option<{inner}>")
    } else {
        inner
    }
}

fn base_type(t: &str, s: &Value) -> String {
    let format = s.get("format").and_then(Value::as_str);
    match t {
        "integer" => match format {
            Some("uint64") => "u64",
            Some("int32") => "i32",
            Some("uint32") => "u32",
            _ => "i64",
        }
        .into(),
        "number" => if format == Some("float") {
            "f32"
        } else {
            "f64"
        }
        .into(),
        "string" => "String".into(),
        "boolean" => "bool".into(),
        "array" => format!(
            "Vec<{}>",
            s.get("items")
                .map(rust_type)
                .unwrap_or_else(|| "Value".into())
        ),
        "object" => match s.get("additionalProperties") {
            Some(a) if a.is_object() => format!("Map<String, {}>", rust_type(a)),
            _ => "Map<String, Value>".into(),
        },
        other => other.into(),
    }
}

/// `struct X` with one line per field, `enum X = A | B`, or `type X = T`.
fn render_def(name: &str, s: &Value, out: &mut String) {
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        out.push_str(&format!("struct {name}\n"));
        for (field, schema) in props {
            out.push_str(&format!("  {field}: {}\n", rust_type(schema)));
        }
    } else if let Some(values) = s.get("enum").and_then(Value::as_array) {
        let v: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        out.push_str(&format!("enum {name} = {}\n", v.join(" | ")));
    } else if s.get("anyOf").or_else(|| s.get("oneOf")).is_some() {
        out.push_str(&format!("enum {name} = {}\n", rust_type(s)));
    } else {
        out.push_str(&format!("type {name} = {}\n", rust_type(s)));
    }
}

/// The definitions of a schemars root schema, the root included under its title.
fn defs(schema: &Value, defs: &mut BTreeMap<String, Value>) {
    if let Some(d) = schema.get("$defs").and_then(Value::as_object) {
        for (k, v) in d {
            defs.insert(k.clone(), v.clone());
        }
    }
    if let Some(title) = schema.get("title").and_then(Value::as_str) {
        let mut root = schema.clone();
        if let Some(o) = root.as_object_mut() {
            o.remove("$defs");
            o.remove("$schema");
        }
        defs.insert(title.to_string(), root);
    }
}

fn ref_name(v: &Value) -> Option<String> {
    v.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .map(str::to_string)
}

/// `T` of `.name(T)` in a builder signature.
fn setter_type<'s>(signature: &'s str, name: &str) -> Option<&'s str> {
    let start = signature.find(&format!(".{name}("))? + name.len() + 2;
    let rest = signature.get(start..)?;
    rest.get(..rest.find(')')?)
}

fn render_tag(spec: &Spec, tag: &str) -> String {
    let doc = spec.document();
    let mut out = String::new();
    let mut types: BTreeMap<String, Value> = BTreeMap::new();
    let ops: Vec<_> = omnidim::OPERATIONS
        .iter()
        .filter(|o| o.tags.first() == Some(&tag))
        .collect();
    out.push_str(&format!("# {tag}: {} operations\n", ops.len()));
    for op in ops {
        let spec_op = spec
            .operation(op.id)
            .expect("operation of the table is in the spec");
        let op_value = doc.pointer(&spec_op.pointer).expect("operation object");
        out.push_str(&format!("\n## {}  {} {}\n", op.id, op.method, op.path));
        out.push_str(&format!("fn {}\n", op.signature));
        let spec_params: Vec<Value> = op_value
            .get("parameters")
            .and_then(Value::as_array)
            .map(|ps| ps.iter().filter_map(|p| spec.deref(p)).cloned().collect())
            .unwrap_or_default();
        for p in &spec_params {
            let name = p["name"].as_str().unwrap_or_default();
            let rust_name = name.replace('-', "_").to_lowercase();
            let rust = setter_type(op.signature, &rust_name).unwrap_or("(no setter)");
            let required = if p["required"].as_bool() == Some(true) {
                "required"
            } else {
                "optional"
            };
            out.push_str(&format!(
                "  param {name} ({}, {required}): {rust}\n",
                p["in"].as_str().unwrap_or("?")
            ));
        }
        match omnidim::request_body_type_schema(op.id) {
            Some(schema) => {
                let v = schema.as_value();
                let name = v
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string();
                let required = doc
                    .pointer(&format!("{}/requestBody/required", spec_op.pointer))
                    .and_then(Value::as_bool)
                    == Some(true);
                out.push_str(&format!(
                    "  body ({}): types::{name}\n",
                    if required { "required" } else { "optional" }
                ));
                defs(v, &mut types);
            }
            None => out.push_str("  body: none\n"),
        }
        for r in &spec_op.responses {
            let rust = if r.status.starts_with('2') {
                match omnidim::success_type_schema(op.id) {
                    Some(schema) => {
                        defs(schema.as_value(), &mut types);
                        format!(
                            "types::{}",
                            schema
                                .as_value()
                                .get("title")
                                .and_then(Value::as_str)
                                .unwrap_or("?")
                        )
                    }
                    None => "no JSON body".into(),
                }
            } else {
                r.content
                    .iter()
                    .find_map(|(_, sp)| {
                        sp.as_ref()
                            .and_then(|sp| doc.pointer(sp))
                            .and_then(ref_name)
                    })
                    .map(|n| format!("types::{n} (error)"))
                    .unwrap_or_else(|| "no body (error)".into())
            };
            out.push_str(&format!("  {} -> {rust}\n", r.status));
        }
    }
    out.push_str("\n# types\n");
    for (name, schema) in &types {
        render_def(name, schema, &mut out);
    }
    out
}

#[test]
fn client_surface_per_tag() {
    let spec = omnidim_tests::spec();
    let mut tags: Vec<&str> = omnidim::OPERATIONS
        .iter()
        .filter_map(|o| o.tags.first().copied())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    assert!(!tags.is_empty());
    for tag in tags {
        let name = format!(
            "surface_{}",
            tag.to_lowercase()
                .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        );
        insta::assert_snapshot!(name, render_tag(&spec, tag));
    }
}

/// The JSON types a schema allows (null separate), for comparing a spec schema with schemars'.
fn kinds(s: &Value, resolve: &dyn Fn(&Value) -> Value) -> (Vec<String>, bool) {
    let s = resolve(s);
    let mut found = Vec::new();
    let mut nullable = false;
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = s.get(key).and_then(Value::as_array) {
            for b in branches {
                let (k, n) = kinds(b, resolve);
                found.extend(k);
                nullable |= n;
            }
        }
    }
    match s.get("type") {
        Some(Value::String(t)) if t == "null" => nullable = true,
        Some(Value::String(t)) => found.push(t.clone()),
        Some(Value::Array(a)) => {
            for t in a.iter().filter_map(Value::as_str) {
                if t == "null" {
                    nullable = true
                } else {
                    found.push(t.to_string())
                }
            }
        }
        _ => {}
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        if values.iter().any(Value::is_null) {
            nullable = true;
        }
        if found.is_empty() && values.iter().any(Value::is_string) {
            found.push("string".into());
        }
    }
    // JSON Schema's integer is a number; the generated code may say either for an integral field.
    found.sort();
    found.dedup();
    (found, nullable)
}

/// Compare a spec schema with the schemars schema of its generated type; push disagreements.
fn agree(
    path: &str,
    spec_s: &Value,
    rust_s: &Value,
    spec: &dyn Fn(&Value) -> Value,
    rust: &dyn Fn(&Value) -> Value,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 12 {
        return;
    }
    let (sk, sn) = kinds(spec_s, spec);
    let (rk, rn) = kinds(rust_s, rust);
    if !sk.is_empty() && sk != rk {
        out.push(format!("{path}: spec {sk:?}, Rust {rk:?}"));
        return;
    }
    if sn && !rn {
        out.push(format!(
            "{path}: the spec allows null, the Rust type does not"
        ));
    }
    let (s, r) = (spec(spec_s), rust(rust_s));
    // Objects: the same field names, each agreeing.
    let (sp, rp) = (props(&s, spec), props(&r, rust));
    if let (Some(sp), Some(rp)) = (&sp, &rp) {
        let sn: Vec<&String> = sp.keys().collect();
        let rn: Vec<&String> = rp.keys().collect();
        if sn != rn {
            out.push(format!("{path}: fields differ: spec {sn:?}, Rust {rn:?}"));
        }
        for (k, v) in sp {
            if let Some(rv) = rp.get(k) {
                agree(&format!("{path}/{k}"), v, rv, spec, rust, out, depth + 1);
            }
        }
    } else if sp.is_some() != rp.is_some() && sp.as_ref().is_some_and(|p| !p.is_empty()) {
        out.push(format!(
            "{path}: the spec documents fields, the Rust type has none"
        ));
    }
    if let (Some(si), Some(ri)) = (items(&s, spec), items(&r, rust)) {
        agree(&format!("{path}/[]"), &si, &ri, spec, rust, out, depth + 1);
    }
    if let (Some(sa), Some(ra)) = (
        s.get("additionalProperties").filter(|a| a.is_object()),
        r.get("additionalProperties").filter(|a| a.is_object()),
    ) {
        agree(&format!("{path}/*"), sa, ra, spec, rust, out, depth + 1);
    }
}

/// Properties of an object schema, looking through a nullable `anyOf`/`oneOf` wrapper.
fn props(s: &Value, resolve: &dyn Fn(&Value) -> Value) -> Option<serde_json::Map<String, Value>> {
    if let Some(p) = s.get("properties").and_then(Value::as_object) {
        return Some(p.clone());
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = s.get(key).and_then(Value::as_array) {
            let objects: Vec<_> = branches
                .iter()
                .map(resolve)
                .filter(|b| b.get("properties").is_some())
                .collect();
            if let [only] = &objects[..] {
                return only.get("properties").and_then(Value::as_object).cloned();
            }
        }
    }
    None
}

fn items(s: &Value, resolve: &dyn Fn(&Value) -> Value) -> Option<Value> {
    if let Some(i) = s.get("items") {
        return Some(i.clone());
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = s.get(key).and_then(Value::as_array) {
            let arrays: Vec<_> = branches
                .iter()
                .map(resolve)
                .filter(|b| b.get("items").is_some())
                .collect();
            if let [only] = &arrays[..] {
                return only.get("items").cloned();
            }
        }
    }
    None
}

#[test]
fn generated_success_types_agree_with_the_spec() {
    let spec = omnidim_tests::spec();
    let doc = spec.document().clone();
    let spec_resolve = |v: &Value| -> Value {
        let mut v = v.clone();
        for _ in 0..16 {
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) => {
                    v = doc
                        .pointer(r.trim_start_matches('#'))
                        .cloned()
                        .unwrap_or(Value::Null)
                }
                None => break,
            }
        }
        v
    };
    let mut problems = Vec::new();
    let mut checked = 0;
    for op in omnidim::OPERATIONS.iter() {
        let Some(rust_schema) = omnidim::success_type_schema(op.id) else {
            continue;
        };
        let rust_root = rust_schema.as_value().clone();
        let rust_resolve = |v: &Value| -> Value {
            let mut v = v.clone();
            for _ in 0..16 {
                match v
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                {
                    Some(name) => v = rust_root["$defs"][name].clone(),
                    None => break,
                }
            }
            v
        };
        let spec_op = spec.operation(op.id).unwrap();
        let Some(pointer) = spec_op
            .responses
            .iter()
            .filter(|r| r.status.starts_with('2'))
            .find_map(|r| r.content.iter().find_map(|(_, p)| p.clone()))
        else {
            continue;
        };
        let spec_schema = doc.pointer(&pointer).unwrap().clone();
        agree(
            op.id,
            &spec_schema,
            &rust_root,
            &spec_resolve,
            &rust_resolve,
            &mut problems,
            0,
        );
        checked += 1;
    }
    assert!(checked > 0);
    assert!(
        problems.is_empty(),
        "generated types disagree with the spec:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_agreement_check_catches_a_retyped_field_and_a_lost_null() {
    let spec_s: Value = serde_json::json!({"type": "object", "properties": {
        "a": {"type": "integer"}, "b": {"oneOf": [{"type": "string"}, {"type": "null"}]}, "c": {"type": "string"}
    }});
    let rust_s: Value = serde_json::json!({"type": "object", "properties": {
        "a": {"type": ["number", "null"]}, "b": {"type": "string"}, "d": {"type": "string"}
    }});
    let id = |v: &Value| v.clone();
    let mut problems = Vec::new();
    agree("t", &spec_s, &rust_s, &id, &id, &mut problems, 0);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].contains("fields differ"));
    assert!(problems[1].starts_with("t/a: spec [\"integer\"]"));
    assert!(problems[2].contains("t/b: the spec allows null"));
}
