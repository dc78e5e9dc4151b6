//! A small value that satisfies a schema: what the mock answers when an operation has no example,
//! and what tests send as a request body when the spec gives none.

use serde_json::{Map, Value, json};

use crate::Spec;

/// Deepest nesting of a sampled value (levels of objects and arrays); deeper schemas sample as
/// `null`. A schema that requires itself (`Node.left: $ref Node`) has no finite instance, so
/// sampling has to stop somewhere; real schemas of the spec are far shallower.
pub const MAX_SAMPLE_DEPTH: usize = 16;
/// About the most bytes of JSON one sample takes; once spent, further values sample as `null`.
/// Depth alone does not bound the size: a schema that refers to itself twice per level doubles
/// at each level (a 25-line recursive spec once made one mock request take 4 GB).
pub const MAX_SAMPLE_BYTES: usize = 64 * 1024;
/// Longest sampled string, whatever the schema's `minLength` says (a spec may say `1e12`).
pub const MAX_SAMPLE_STRING: usize = 1024;

/// A value for `schema` (a schema object of `spec`, `$ref`s followed): its `example` if it has
/// one, else the first `enum` value, the first `oneOf`/`anyOf` branch, or a minimal value of its
/// type with every `required` property filled in (numbers at their `minimum`, arrays at their
/// `minItems`, at most 3).
///
/// The sample is bounded whatever the schema: at most [`MAX_SAMPLE_DEPTH`] levels deep and about
/// [`MAX_SAMPLE_BYTES`] of JSON; past either bound values are `null` (so the sample of a schema
/// that cannot be satisfied finitely is not valid against it).
pub fn sample(spec: &Spec, schema: &Value) -> Value {
    Sampler {
        spec,
        bytes_left: MAX_SAMPLE_BYTES,
        every_property: false,
    }
    .sample_at(schema, 0)
}

/// Like [`sample`], but an object gets every property its schema documents, not only the
/// required ones: what the mock answers where the spec has no example. For the operations known
/// only from the Python SDK nothing is `required` (their documents name keys without saying which
/// are always sent), and a sample of required properties alone was `{}`, so no documented read
/// (`balance.amount`, `next_cursor`, ...) could be exercised against the mock. Same bounds.
pub fn sample_documented(spec: &Spec, schema: &Value) -> Value {
    Sampler {
        spec,
        bytes_left: MAX_SAMPLE_BYTES,
        every_property: true,
    }
    .sample_at(schema, 0)
}

/// One sampling run: the spec and what is left of the size budget.
struct Sampler<'s> {
    spec: &'s Spec,
    /// Bytes of JSON the sample may still take (each value is charged what it serializes to,
    /// about).
    bytes_left: usize,
    /// Fill in every documented property ([`sample_documented`]), not only required ones.
    every_property: bool,
}

impl Sampler<'_> {
    /// Take `cost` bytes from the budget; `false` (and the budget spent) when it does not fit, so
    /// that every later value is `null` at once instead of being built and thrown away.
    fn charge(&mut self, cost: usize) -> bool {
        match self.bytes_left.checked_sub(cost) {
            Some(left) => {
                self.bytes_left = left;
                true
            }
            None => {
                self.bytes_left = 0;
                false
            }
        }
    }

    /// A value from the spec (an example, `const` or `enum` value), if its size fits the budget.
    fn copy(&mut self, value: &Value) -> Value {
        if self.charge(json_cost(value, self.bytes_left)) {
            value.clone()
        } else {
            Value::Null
        }
    }

    fn sample_at(&mut self, schema: &Value, depth: usize) -> Value {
        let spec = self.spec;
        let Some(schema) = spec.deref(schema) else {
            return Value::Null;
        };
        if depth > MAX_SAMPLE_DEPTH || self.bytes_left == 0 {
            return Value::Null;
        }
        if let Some(e) = schema.get("example") {
            return self.copy(e);
        }
        if let Some(first) = schema
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return self.copy(first);
        }
        if let Some(c) = schema.get("const") {
            return self.copy(c);
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return self.copy(first);
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
            return self.sample_at(branch, depth + 1);
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in all {
                if let Value::Object(m) = self.sample_at(part, depth + 1) {
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
            _ => {
                return if self.charge(2) {
                    json!({})
                } else {
                    Value::Null
                };
            }
        };
        match ty {
            "object" => {
                if depth >= MAX_SAMPLE_DEPTH || !self.charge(2) {
                    return Value::Null;
                }
                let mut out = Map::new();
                let required: Vec<&str> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    for (name, sub) in props {
                        if self.every_property || required.contains(&name.as_str()) {
                            // `"name":`, a comma, and room for a `null` value.
                            if !self.charge(string_cost(name) + 1 + SLOT_COST) {
                                break;
                            }
                            out.insert(name.clone(), self.sample_at(sub, depth + 1));
                        }
                    }
                }
                Value::Object(out)
            }
            "array" => {
                if depth >= MAX_SAMPLE_DEPTH || !self.charge(2) {
                    return Value::Null;
                }
                let n = schema
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
                    .min(3);
                if n == 0 {
                    // No item needed: nothing to sample (and no recursion through `items`).
                    return json!([]);
                }
                let before = self.bytes_left;
                if !self.charge(SLOT_COST) {
                    return json!([]);
                }
                let item = schema
                    .get("items")
                    .map(|i| self.sample_at(i, depth + 1))
                    .unwrap_or(Value::Null);
                // Every copy costs what the first did.
                let cost = before.saturating_sub(self.bytes_left);
                let mut out = vec![item.clone()];
                while (out.len() as u64) < n && self.charge(cost) {
                    out.push(item.clone());
                }
                Value::Array(out)
            }
            "string" => {
                let n = schema
                    .get("minLength")
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
                    .clamp(1, MAX_SAMPLE_STRING as u64) as usize;
                if self.charge(n + 2) {
                    json!("x".repeat(n))
                } else {
                    Value::Null
                }
            }
            "integer" => {
                let n = schema
                    .get("minimum")
                    .and_then(Value::as_i64)
                    .unwrap_or(1)
                    .max(
                        schema
                            .get("exclusiveMinimum")
                            .and_then(Value::as_i64)
                            .map(|m| m.saturating_add(1))
                            .unwrap_or(i64::MIN),
                    );
                if self.charge(NUMBER_COST) {
                    json!(n)
                } else {
                    Value::Null
                }
            }
            "number" => {
                let n = schema.get("minimum").and_then(Value::as_f64).unwrap_or(1.0);
                if self.charge(NUMBER_COST) {
                    json!(n)
                } else {
                    Value::Null
                }
            }
            "boolean" => {
                if self.charge(5) {
                    json!(false)
                } else {
                    Value::Null
                }
            }
            _ => Value::Null,
        }
    }
}

/// The longest a JSON number prints (`-1.7976931348623157e308`).
const NUMBER_COST: usize = 24;
/// Charged for every place a value goes (an array element, a property value) on top of the
/// value's own cost: a comma and a `null`, which is what a value past the depth or size bound
/// becomes without being charged itself.
const SLOT_COST: usize = 5;

/// Bytes `s` takes as a JSON string: quotes, and escapes counted at their longest (`\u001f`).
fn string_cost(s: &str) -> usize {
    2 + s.len()
        + 5 * s
            .bytes()
            .filter(|b| *b < 0x20 || *b == b'"' || *b == b'\\')
            .count()
}

/// About the bytes `value` serializes to (never less); stops counting past `limit`, so a huge
/// example costs no more time than the budget it would exceed.
fn json_cost(value: &Value, limit: usize) -> usize {
    let mut total = 0usize;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        total = total.saturating_add(match v {
            Value::Null | Value::Bool(_) => 5,
            Value::Number(_) => NUMBER_COST,
            Value::String(s) => string_cost(s),
            Value::Array(a) => {
                stack.extend(a.iter());
                2 + a.len()
            }
            Value::Object(m) => {
                stack.extend(m.values());
                2 + m.keys().map(|k| string_cost(k) + 2).sum::<usize>()
            }
        });
        if total > limit {
            break;
        }
    }
    total
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

    /// The depth of a JSON value (a scalar is 0, `[]` and `{}` are 1).
    fn depth(v: &Value) -> usize {
        match v {
            Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
            Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }

    /// Issue #14, item 11: a schema that refers to itself through a required property and through
    /// the items of a required array. Depth alone bounded nothing: the sample doubled at every
    /// level (about 4 MB here; with three self-references and `minItems: 3` it took 4 GB).
    #[test]
    fn a_self_referencing_schema_gives_a_bounded_sample() {
        let spec = Spec::from_yaml_str(
            "openapi: 3.1.0\ncomponents:\n  schemas:\n    Node:\n      type: object\n      required: [left, children]\n      properties:\n        left: {$ref: '#/components/schemas/Node'}\n        children:\n          type: array\n          minItems: 1\n          items: {$ref: '#/components/schemas/Node'}\n",
            "t",
        )
        .unwrap();
        let v = sample(
            &spec,
            spec.document().pointer("/components/schemas/Node").unwrap(),
        );
        let bytes = serde_json::to_vec(&v).unwrap().len();
        assert!(bytes <= MAX_SAMPLE_BYTES, "{bytes} bytes");
        assert!(depth(&v) <= MAX_SAMPLE_DEPTH, "depth {}", depth(&v));
        assert!(v.get("left").is_some(), "{v}");
    }

    /// The shape of the spec in issue #14 (three self-references per level, `minItems: 3`),
    /// which took 4 GB before sampling had a size budget.
    #[test]
    fn the_recursive_spec_of_the_issue_gives_a_bounded_sample() {
        let spec = Spec::from_yaml_str(
            "openapi: 3.1.0\ncomponents:\n  schemas:\n    Node:\n      type: object\n      required: [left, right, children]\n      properties:\n        left: {$ref: '#/components/schemas/Node'}\n        right: {$ref: '#/components/schemas/Node'}\n        children:\n          type: array\n          minItems: 3\n          items: {$ref: '#/components/schemas/Node'}\n",
            "t",
        )
        .unwrap();
        let v = sample(
            &spec,
            spec.document().pointer("/components/schemas/Node").unwrap(),
        );
        let bytes = serde_json::to_vec(&v).unwrap().len();
        assert!(bytes <= MAX_SAMPLE_BYTES, "{bytes} bytes");
        assert!(depth(&v) <= MAX_SAMPLE_DEPTH, "depth {}", depth(&v));
    }

    /// Schemas that refer to themselves without nesting (`oneOf`/`allOf` of themselves) and
    /// bounds a spec may set absurdly: no hang, no stack overflow, no overflow panic, no
    /// terabyte string.
    #[test]
    fn odd_schemas_sample_without_panicking() {
        let spec = Spec::from_yaml_str(
            "openapi: 3.1.0\ncomponents:\n  schemas:\n    One: {oneOf: [{$ref: '#/components/schemas/One'}]}\n    All: {allOf: [{$ref: '#/components/schemas/All'}, {$ref: '#/components/schemas/All'}]}\n    Long: {type: string, minLength: 1000000000000}\n    Big: {type: integer, exclusiveMinimum: 9223372036854775807}\n    Example: {type: array, minItems: 3, items: {type: array, minItems: 3, items: {example: [[1, 2, 3], {a: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'}]}}}\n",
            "t",
        )
        .unwrap();
        for name in ["One", "All", "Long", "Big", "Example"] {
            let schema = spec
                .document()
                .pointer(&format!("/components/schemas/{name}"))
                .unwrap();
            let v = sample(&spec, schema);
            let bytes = serde_json::to_vec(&v).unwrap().len();
            assert!(bytes <= MAX_SAMPLE_BYTES, "{name}: {bytes} bytes");
        }
        let long = sample(
            &spec,
            spec.document().pointer("/components/schemas/Long").unwrap(),
        );
        assert_eq!(long.as_str().map(str::len), Some(MAX_SAMPLE_STRING));
        let big = sample(
            &spec,
            spec.document().pointer("/components/schemas/Big").unwrap(),
        );
        assert_eq!(big, json!(i64::MAX));
    }

    /// What the mock answers without an example: every documented key (`sample_documented`),
    /// not only the required ones; each still valid against its schema.
    #[test]
    fn documented_samples_have_every_property_and_validate() {
        let spec = Spec::from_yaml_str(
            "openapi: 3.1.0\ncomponents:\n  schemas:\n    A:\n      type: object\n      required: [n]\n      properties:\n        n: {type: integer, minimum: 5}\n        o: {type: object, properties: {amount: {type: number}, free: {example: 3}}}\n        c: {type: [string, 'null']}\n",
            "t",
        )
        .unwrap();
        let schema = spec.document().pointer("/components/schemas/A").unwrap();
        assert_eq!(sample(&spec, schema), json!({"n": 5}));
        assert_eq!(
            sample_documented(&spec, schema),
            json!({"n": 5, "o": {"amount": 1.0, "free": 3}, "c": "x"})
        );
        let real = Spec::embedded().unwrap();
        let doc = real.document();
        for pointer in crate::schema_walk::root_schema_pointers(doc) {
            let value = sample_documented(&real, doc.pointer(&pointer).unwrap());
            let validator = crate::lint::compile_schema(doc, &pointer).unwrap();
            assert!(
                validator.is_valid(&value),
                "documented sample of #{pointer} is invalid: {value}"
            );
        }
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
