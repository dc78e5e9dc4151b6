//! One schema in canonical form, so that spellings that mean the same thing compare equal.
//!
//! - nullability: `nullable: true` (3.0), `type: [X, 'null']`, `enum: [.., null]`, and a
//!   `oneOf`/`anyOf` branch `{type: 'null'}` (or `{enum: [null]}` / `{const: null}`) all become
//!   `nullable = true` next to the other types;
//! - `oneOf`/`anyOf` of plain types (`[{type: string}, {type: boolean}]`) is the type set
//!   `string|boolean`, as `type: [string, boolean]` is; a union left with one branch once its
//!   null branch is gone is that branch (`oneOf: [{$ref: X}, {type: 'null'}]` = `$ref: X`,
//!   nullable);
//! - `allOf` branches are merged into one schema; `const: v` is `enum: [v]`;
//! - `$ref`s are followed (the first component named at the site is kept: it names the Rust
//!   type), siblings of a `$ref` apply on top of its target;
//! - keywords that only document (`description`, `title`, `example(s)`, `deprecated`,
//!   `externalDocs`, `$comment`, `readOnly`, `writeOnly`, `x-*`, and a `format` the generator
//!   ignores) are kept apart in [`Norm::docs`].
//!
//! Normalization never recurses into properties or items (the comparison walks those lazily),
//! only through `$ref` chains and composition keywords, with a depth bound so cyclic or hostile
//! documents cannot exhaust the stack.

use std::collections::{BTreeMap, BTreeSet};

use omnidim_spec::Spec;
use serde_json::{Map, Value};

/// Deeper `$ref`/composition chains than this are cut (treated as "any").
const MAX_DEPTH: usize = 32;

/// Keywords that only document a schema.
const DOC_KEYWORDS: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "deprecated",
    "externalDocs",
    "$comment",
    "readOnly",
    "writeOnly",
    "xml",
    "discriminator",
];

/// Formats typify turns into a distinct Rust type (a change of one is a type change); every
/// other format is documentation to the generated client.
const TYPED_FORMATS: &[&str] = &[
    "uuid",
    "date",
    "date-time",
    "ip",
    "ipv4",
    "ipv6",
    "int8",
    "uint8",
    "int16",
    "uint16",
    "int",
    "int32",
    "uint",
    "uint32",
    "int64",
    "uint64",
    "float",
    "double",
];

/// Validation keywords compared as constraints.
pub(crate) const CONSTRAINT_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "items(tuple)",
    "prefixItems",
];

/// What `additionalProperties` says.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) enum Additional<'a> {
    /// Absent (JSON Schema: anything is allowed).
    #[default]
    Unspecified,
    Allowed(bool),
    Schema(&'a Value),
}

impl Additional<'_> {
    /// `true`/absent/`false`/`schema`, for messages.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Additional::Unspecified | Additional::Allowed(true) => "allowed",
            Additional::Allowed(false) => "not allowed",
            Additional::Schema(_) => "typed",
        }
    }

    pub(crate) fn is_schema(&self) -> bool {
        matches!(self, Additional::Schema(_))
    }

    pub(crate) fn allows_any(&self) -> bool {
        matches!(self, Additional::Unspecified | Additional::Allowed(true))
    }
}

/// A schema in canonical form. Sub-schemas stay borrowed from the document.
#[derive(Clone, Debug, Default)]
pub(crate) struct Norm<'a> {
    /// JSON types without `null`, in the order written, without duplicates; empty = any.
    pub types: Vec<String>,
    pub nullable: bool,
    /// A format that changes the generated Rust type (see [`TYPED_FORMATS`]).
    pub format: Option<String>,
    /// Allowed values without `null`; `None` = not an enum.
    pub enum_values: Option<Vec<Value>>,
    pub properties: BTreeMap<String, &'a Value>,
    pub required: BTreeSet<String>,
    pub items: Option<&'a Value>,
    pub additional: Additional<'a>,
    /// Branches of a `oneOf`/`anyOf` that is not a plain type set (null branches removed).
    pub union: Vec<&'a Value>,
    /// The component schema named at this site (`#/components/schemas/<name>`).
    pub ref_name: Option<String>,
    /// A `$ref` that could not be followed (dangling, external, or cyclic).
    pub unresolved: Option<String>,
    pub title: Option<String>,
    /// Documentation-only keywords (and `x-*` extensions) with their values.
    pub docs: BTreeMap<String, Value>,
    /// Validation keywords with their values.
    pub constraints: BTreeMap<String, Value>,
    pub default: Option<Value>,
    /// `allOf` with more than one branch: typify builds a new struct at the site.
    pub composed: bool,
}

impl Norm<'_> {
    /// The types as a set, for comparisons.
    pub(crate) fn type_set(&self) -> BTreeSet<&str> {
        self.types.iter().map(String::as_str).collect()
    }

    pub(crate) fn has_type(&self, t: &str) -> bool {
        self.types.iter().any(|x| x == t)
    }

    /// Only `null` is allowed (`{type: 'null'}`, `{enum: [null]}`).
    pub(crate) fn is_null_only(&self) -> bool {
        self.nullable
            && self.types.is_empty()
            && self.enum_values.is_none()
            && self.properties.is_empty()
            && self.items.is_none()
            && self.union.is_empty()
            && self.ref_name.is_none()
            && self.unresolved.is_none()
    }

    /// A branch that is nothing but a type (so a union of such branches is a type set).
    fn is_plain_type(&self) -> bool {
        !self.types.is_empty()
            && self.format.is_none()
            && self.enum_values.is_none()
            && self.properties.is_empty()
            && self.required.is_empty()
            && self.items.is_none()
            && !self.additional.is_schema()
            && self.union.is_empty()
            && self.ref_name.is_none()
            && self.unresolved.is_none()
            && self.constraints.is_empty()
    }

    /// Whether typify generates a named type (struct or enum) for this schema when it is
    /// written inline: an object with properties (or `required`, or `additionalProperties:
    /// false`), a string enum, a union, or several types.
    pub(crate) fn generates_named_type(&self) -> bool {
        if self.ref_name.is_some() {
            return true;
        }
        let object_struct = self.has_type("object")
            && (!self.properties.is_empty()
                || !self.required.is_empty()
                || matches!(self.additional, Additional::Allowed(false)));
        object_struct
            || self.composed
            || (self.enum_values.is_some() && self.types.iter().all(|t| t == "string"))
            || !self.union.is_empty()
            || self.types.len() > 1
    }

    /// The type for messages, without nullability: `string|boolean`, `integer(int64)`,
    /// `string (enum)`, `oneOf[Foo|string]`, `any`.
    pub(crate) fn display_type(&self, spec: &Spec) -> String {
        if let Some(r) = &self.unresolved {
            return format!("$ref {r}");
        }
        if !self.union.is_empty() {
            let branches: Vec<String> = self
                .union
                .iter()
                .map(|b| {
                    let n = normalize(spec, b);
                    n.ref_name.clone().unwrap_or_else(|| n.display_type(spec))
                })
                .collect();
            return format!("oneOf[{}]", branches.join("|"));
        }
        let mut s = if self.types.is_empty() {
            if self.nullable {
                "null".to_string()
            } else {
                "any".to_string()
            }
        } else {
            self.types.join("|")
        };
        if let Some(f) = &self.format {
            s.push_str(&format!("({f})"));
        }
        if self.enum_values.is_some() {
            s.push_str(" (enum)");
        }
        s
    }

    /// What decides "same type" (nullability, members and values are compared apart).
    pub(crate) fn type_signature(
        &self,
    ) -> (BTreeSet<&str>, Option<&str>, bool, usize, Option<&str>) {
        (
            self.type_set(),
            self.format.as_deref(),
            self.enum_values.is_some(),
            self.union.len(),
            self.unresolved.as_deref(),
        )
    }
}

/// Work allowed to one [`normalize`] call (schemas visited).
const LOCAL_STEPS: usize = 10_000;

/// Normalize the schema `value` of `spec`.
pub(crate) fn normalize<'a>(spec: &'a Spec, value: &'a Value) -> Norm<'a> {
    let mut steps = LOCAL_STEPS;
    normalize_with(spec, value, &mut steps)
}

/// Normalize, spending at most `steps` schema visits (shared with the caller's other work, so a
/// document built to explode through shared `$ref`s cannot make the comparison run for hours).
/// When `steps` runs out the rest is treated as "any".
pub(crate) fn normalize_with<'a>(spec: &'a Spec, value: &'a Value, steps: &mut usize) -> Norm<'a> {
    let mut walk = Walk {
        spec,
        steps,
        refs: Vec::new(),
    };
    walk.normalize_at(value, 0)
}

struct Walk<'a, 's> {
    spec: &'a Spec,
    steps: &'s mut usize,
    /// `$ref`s being followed (a reference back into one of them is a cycle).
    refs: Vec<&'a str>,
}

impl<'a> Walk<'a, '_> {
    fn normalize_at(&mut self, value: &'a Value, depth: usize) -> Norm<'a> {
        let mut n = Norm::default();
        if depth > MAX_DEPTH || *self.steps == 0 {
            return n;
        }
        *self.steps -= 1;
        let obj = match value {
            Value::Object(obj) => obj,
            // `false`: nothing is valid.
            Value::Bool(false) => {
                n.enum_values = Some(Vec::new());
                return n;
            }
            // `true` and anything malformed: any value.
            _ => return n,
        };
        self.keywords(obj, depth, &mut n);
        if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
            let name = component_name(reference);
            let cyclic = self.refs.contains(&reference);
            match self.spec.resolve_ref(reference) {
                Some(target) if depth < MAX_DEPTH && !cyclic => {
                    self.refs.push(reference);
                    let target = self.normalize_at(target, depth + 1);
                    self.refs.pop();
                    merge(&mut n, target);
                    // The component written at this site names the Rust type, not a deeper alias.
                    if name.is_some() {
                        n.ref_name = name;
                    }
                }
                _ => {
                    n.unresolved = Some(reference.to_string());
                    n.ref_name = name;
                }
            }
        }
        infer_types(&mut n);
        n
    }

    fn keywords(&mut self, obj: &'a Map<String, Value>, depth: usize, n: &mut Norm<'a>) {
        for (k, v) in obj {
            if DOC_KEYWORDS.contains(&k.as_str()) || k.starts_with("x-") {
                n.docs.insert(k.clone(), v.clone());
            }
        }
        n.title = obj.get("title").and_then(Value::as_str).map(str::to_string);

        match obj.get("type") {
            Some(Value::String(t)) => push_type(n, t),
            Some(Value::Array(ts)) => {
                for t in ts.iter().filter_map(Value::as_str) {
                    push_type(n, t);
                }
            }
            _ => {}
        }
        if obj.get("nullable") == Some(&Value::Bool(true)) {
            n.nullable = true;
        }

        let values = match (obj.get("enum"), obj.get("const")) {
            (Some(Value::Array(values)), _) => Some(values.clone()),
            (_, Some(c)) => Some(vec![c.clone()]),
            _ => None,
        };
        if let Some(values) = values {
            let had_null = values.iter().any(Value::is_null);
            let rest: Vec<Value> = values.into_iter().filter(|v| !v.is_null()).collect();
            if had_null {
                n.nullable = true;
            }
            if !(rest.is_empty() && had_null) {
                n.enum_values = Some(rest);
            }
        }

        if let Some(f) = obj.get("format").and_then(Value::as_str) {
            if TYPED_FORMATS.contains(&f) {
                n.format = Some(f.to_string());
            } else {
                n.docs.insert("format".into(), Value::String(f.to_string()));
            }
        }
        for k in CONSTRAINT_KEYWORDS {
            if let Some(v) = obj.get(*k) {
                n.constraints.insert((*k).to_string(), v.clone());
            }
        }
        if let Some(d) = obj.get("default") {
            n.default = Some(d.clone());
        }

        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            for (name, schema) in props {
                if schema.is_object() || schema.is_boolean() {
                    n.properties.insert(name.clone(), schema);
                }
            }
        }
        if let Some(required) = obj.get("required").and_then(Value::as_array) {
            n.required.extend(
                required
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string),
            );
        }
        match obj.get("items") {
            Some(items @ (Value::Object(_) | Value::Bool(_))) => n.items = Some(items),
            Some(tuple @ Value::Array(_)) => {
                n.constraints.insert("items(tuple)".into(), tuple.clone());
            }
            _ => {}
        }
        match obj.get("additionalProperties") {
            Some(Value::Bool(b)) => n.additional = Additional::Allowed(*b),
            Some(schema @ Value::Object(_)) => n.additional = Additional::Schema(schema),
            _ => {}
        }

        for key in ["oneOf", "anyOf"] {
            let Some(branches) = obj.get(key).and_then(Value::as_array) else {
                continue;
            };
            let mut rest: Vec<(&'a Value, Norm<'a>)> = Vec::new();
            for b in branches {
                let bn = self.normalize_at(b, depth + 1);
                if bn.is_null_only() {
                    n.nullable = true;
                } else {
                    rest.push((b, bn));
                }
            }
            if rest.len() == 1 {
                if let Some((_, only)) = rest.pop() {
                    merge(n, only);
                }
            } else if !rest.is_empty() && rest.iter().all(|(_, b)| b.is_plain_type()) {
                for (_, b) in rest {
                    n.nullable |= b.nullable;
                    for t in b.types {
                        push_type(n, &t);
                    }
                }
            } else {
                n.union.extend(rest.into_iter().map(|(b, _)| b));
            }
        }

        if let Some(branches) = obj.get("allOf").and_then(Value::as_array) {
            let several = branches.len() > 1;
            for b in branches {
                let bn = self.normalize_at(b, depth + 1);
                merge(n, bn);
            }
            if several {
                n.ref_name = None;
                n.composed = true;
            }
        }
    }
}

/// `#/components/schemas/Foo` -> `Foo`.
pub(crate) fn component_name(reference: &str) -> Option<String> {
    let rest = reference.strip_prefix("#/components/schemas/")?;
    if rest.is_empty() || rest.contains('/') {
        return None;
    }
    Some(rest.replace("~1", "/").replace("~0", "~"))
}

fn push_type(n: &mut Norm<'_>, t: &str) {
    if t == "null" {
        n.nullable = true;
    } else if !n.has_type(t) {
        n.types.push(t.to_string());
    }
}

/// Merge `other` (a `$ref` target or a composition branch) into `n`; what `n` says wins.
fn merge<'a>(n: &mut Norm<'a>, other: Norm<'a>) {
    for t in &other.types {
        if !n.has_type(t) {
            n.types.push(t.clone());
        }
    }
    n.nullable |= other.nullable;
    if n.format.is_none() {
        n.format = other.format;
    }
    if n.enum_values.is_none() {
        n.enum_values = other.enum_values;
    }
    for (k, v) in other.properties {
        n.properties.entry(k).or_insert(v);
    }
    n.required.extend(other.required);
    if n.items.is_none() {
        n.items = other.items;
    }
    if matches!(n.additional, Additional::Unspecified) {
        n.additional = other.additional;
    }
    if n.union.is_empty() {
        n.union = other.union;
    }
    if n.ref_name.is_none() {
        n.ref_name = other.ref_name;
    }
    if n.unresolved.is_none() {
        n.unresolved = other.unresolved;
    }
    if n.title.is_none() {
        n.title = other.title;
    }
    for (k, v) in other.docs {
        n.docs.entry(k).or_insert(v);
    }
    for (k, v) in other.constraints {
        n.constraints.entry(k).or_insert(v);
    }
    if n.default.is_none() {
        n.default = other.default;
    }
    n.composed |= other.composed;
}

/// A schema without `type` that has object or array keywords is an object or an array; an
/// untyped enum has the types of its values.
fn infer_types(n: &mut Norm<'_>) {
    if !n.types.is_empty() || !n.union.is_empty() || n.unresolved.is_some() {
        return;
    }
    if !n.properties.is_empty() || !n.required.is_empty() || n.additional.is_schema() {
        n.types.push("object".into());
    } else if n.items.is_some() {
        n.types.push("array".into());
    } else if let Some(values) = &n.enum_values {
        let mut types: Vec<String> = Vec::new();
        for v in values {
            let t = match v {
                Value::String(_) => "string",
                Value::Bool(_) => "boolean",
                Value::Number(num) if num.is_i64() || num.is_u64() => "integer",
                Value::Number(_) => "number",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
                Value::Null => continue,
            };
            if !types.iter().any(|x| x == t) {
                types.push(t.to_string());
            }
        }
        n.types = types;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> Spec {
        Spec::from_yaml_str(yaml, "t").unwrap()
    }

    fn norm_of<'a>(s: &'a Spec, name: &str) -> Norm<'a> {
        let v = s
            .document()
            .pointer(&format!("/components/schemas/{name}"))
            .unwrap();
        normalize(s, v)
    }

    #[test]
    fn the_three_nullable_spellings_are_equal() {
        let s = spec(
            r#"
components:
  schemas:
    A: {type: string, nullable: true}
    B: {type: [string, 'null']}
    C: {oneOf: [{type: string}, {type: 'null'}]}
    D: {anyOf: [{type: 'null'}, {type: string}]}
    E: {type: string, enum: [a, null]}
"#,
        );
        for name in ["A", "B", "C", "D"] {
            let n = norm_of(&s, name);
            assert_eq!(n.types, ["string"], "{name}");
            assert!(n.nullable, "{name}");
            assert!(n.enum_values.is_none(), "{name}");
            assert!(n.union.is_empty(), "{name}");
        }
        let e = norm_of(&s, "E");
        assert!(e.nullable);
        assert_eq!(e.enum_values, Some(vec![Value::String("a".into())]));
    }

    #[test]
    fn plain_type_unions_are_type_sets() {
        let s = spec(
            r#"
components:
  schemas:
    A: {oneOf: [{type: string}, {type: boolean}]}
    B: {type: [string, boolean]}
    C: {oneOf: [{type: string}, {type: object, properties: {a: {type: string}}}]}
"#,
        );
        let a = norm_of(&s, "A");
        let b = norm_of(&s, "B");
        assert_eq!(a.type_set(), b.type_set());
        assert_eq!(a.display_type(&s), "string|boolean");
        assert!(a.generates_named_type());
        let c = norm_of(&s, "C");
        assert_eq!(c.union.len(), 2);
        assert_eq!(c.display_type(&s), "oneOf[string|object]");
    }

    #[test]
    fn nullable_refs_keep_the_component_name() {
        let s = spec(
            r##"
components:
  schemas:
    X: {type: object, properties: {a: {type: string}}}
    A: {anyOf: [{$ref: '#/components/schemas/X'}, {type: 'null'}]}
    B: {allOf: [{$ref: '#/components/schemas/X'}], nullable: true}
"##,
        );
        for name in ["A", "B"] {
            let n = norm_of(&s, name);
            assert_eq!(n.ref_name.as_deref(), Some("X"), "{name}");
            assert!(n.nullable, "{name}");
            assert!(n.properties.contains_key("a"), "{name}");
        }
    }

    #[test]
    fn cycles_and_garbage_do_not_hang_or_panic() {
        let s = spec(
            r##"
components:
  schemas:
    A: {$ref: '#/components/schemas/B'}
    B: {$ref: '#/components/schemas/A'}
    C: {type: 5, enum: x, properties: [1], required: {a: 1}, oneOf: 3, allOf: [true, 1]}
    D: {oneOf: [{$ref: '#/components/schemas/D'}, {type: 'null'}]}
"##,
        );
        for name in ["A", "B", "C", "D"] {
            let n = norm_of(&s, name);
            let _ = n.display_type(&s);
        }
        assert!(norm_of(&s, "A").unresolved.is_some());
    }
}
