//! Schemas compiled once into a flat arena of nodes that the streaming checker walks.
//!
//! The compiled form covers the JSON Schema 2020-12 keywords the spec uses (type, properties,
//! additionalProperties, required, items, enum/const, numeric and length bounds, oneOf/anyOf,
//! $ref). A schema using anything else (allOf, pattern, not, if/then/else, ...) becomes a
//! [`NodeKind::Fallback`]: its value is buffered and handed to the `jsonschema` crate, so every
//! schema is checked with 2020-12 semantics, the common ones without building a DOM.

use std::sync::atomic::AtomicU32;

use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;

pub(crate) type NodeId = u32;

/// Keywords that assert nothing (annotations, OpenAPI extras); they never make a node fall back.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "format",
    "$comment",
    "nullable",
    "discriminator",
    "xml",
    "externalDocs",
    "contentMediaType",
    "contentEncoding",
    "$schema",
    "$defs",
    "definitions",
    "components",
];

/// Keywords the compiled form checks itself.
const SUPPORTED: &[&str] = &[
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
];

/// JSON value kinds as JSON Schema's `type` names them (`integer` is a subset of `number`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TypeSet(u8);

impl TypeSet {
    pub const NULL: u8 = 1;
    pub const BOOLEAN: u8 = 2;
    pub const OBJECT: u8 = 4;
    pub const ARRAY: u8 = 8;
    pub const NUMBER: u8 = 16;
    pub const INTEGER: u8 = 32;
    pub const STRING: u8 = 64;

    fn from_name(name: &str) -> Option<u8> {
        Some(match name {
            "null" => Self::NULL,
            "boolean" => Self::BOOLEAN,
            "object" => Self::OBJECT,
            "array" => Self::ARRAY,
            "number" => Self::NUMBER,
            "integer" => Self::INTEGER,
            "string" => Self::STRING,
            _ => return None,
        })
    }

    /// Whether a value of kind `kind` (one bit; numbers pass `NUMBER`, plus `INTEGER` when integral)
    /// is allowed.
    pub fn allows(self, kind: u8, integral: bool) -> bool {
        if kind == Self::NUMBER {
            self.0 & Self::NUMBER != 0 || (integral && self.0 & Self::INTEGER != 0)
        } else {
            self.0 & kind != 0
        }
    }

    /// Whether some value of this composite kind (object or array) could be allowed.
    pub fn may_allow(self, kind: u8) -> bool {
        self.0 & kind != 0
    }

    /// The names, in a stable order, for messages: `integer`, `string or null`.
    pub fn describe(self) -> String {
        let names = [
            (Self::OBJECT, "object"),
            (Self::ARRAY, "array"),
            (Self::STRING, "string"),
            (Self::INTEGER, "integer"),
            (Self::NUMBER, "number"),
            (Self::BOOLEAN, "boolean"),
            (Self::NULL, "null"),
        ];
        let parts: Vec<&str> = names
            .iter()
            .filter(|(b, _)| self.0 & b != 0)
            .map(|(_, n)| *n)
            .collect();
        parts.join(" or ")
    }
}

/// What a node allows for keys that are not in `properties` (`None` in [`Checks::additional`]:
/// not said, so allowed, but reported as an undocumented field when the node documents properties).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Additional {
    /// `additionalProperties: true`: allowed silently.
    Allowed,
    /// `additionalProperties: false`.
    Forbidden,
    /// `additionalProperties: {schema}`.
    Schema(NodeId),
}

pub(crate) struct Property {
    pub name: Box<str>,
    pub node: NodeId,
    pub required: bool,
    /// Listed in the schema's `x-omnidim-may-be-absent`: the published examples show the API
    /// leaving it out, so its absence is no drift warning.
    pub may_be_absent: bool,
    /// The name appears in JSON as its bytes between quotes (no `"`, `\\` or control character),
    /// so the fast scanner can match it against the input directly (`stream/scan.rs`).
    pub plain: bool,
    /// The index of the property that followed this one in the last object checked (at first
    /// the next one in the schema): the scanner's guess for the next key. API responses list
    /// keys in a stable order, so after the first response nearly every guess is right. Shared
    /// by every run (a relaxed atomic: a stale guess only costs a lookup).
    pub next: AtomicU32,
}

/// Vendor extension: keys the API is known to send (the published examples show them) that the
/// schema accepts without modelling them. Such a key is not reported as an undocumented field:
/// the spec knows it, it only keeps the schema faithful to the published one.
pub(crate) const UNMODELLED_KEYS: &str = "x-omnidim-unmodelled-keys";
/// Vendor extension: documented properties the published examples leave out. Their absence is
/// not reported as a missing field.
pub(crate) const MAY_BE_ABSENT: &str = "x-omnidim-may-be-absent";

#[derive(Default)]
pub(crate) struct Checks {
    pub types: Option<TypeSet>,
    pub properties: Vec<Property>,
    /// Name -> index into `properties`, for nodes with many properties.
    pub lookup: Option<FxHashMap<Box<[u8]>, u32>>,
    pub additional: Option<Additional>,
    /// Required names that `properties` does not list.
    pub required_elsewhere: Vec<Box<str>>,
    /// Keys of `x-omnidim-unmodelled-keys` (see [`UNMODELLED_KEYS`]).
    pub unmodelled: Vec<Box<str>>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub items: Option<NodeId>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub enumeration: Option<Vec<Value>>,
    /// True when `enumeration` came from `const`.
    pub is_const: bool,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub one_of: Vec<NodeId>,
    pub any_of: Vec<NodeId>,
    /// Any of enum/const, numeric bounds, length bounds (precomputed for the scalar fast path).
    pub scalar_constraints: bool,
    /// Scalar kinds (`TypeSet` bits: NULL, BOOLEAN, NUMBER, STRING) that pass this node whatever
    /// their value: the scanner checks their syntax only ([`Arena::finish`] computes it).
    pub fast_scalars: u8,
    /// An object (array) is checked entry by entry, not buffered: no `oneOf`/`anyOf`, and the
    /// type allows it.
    pub streams_object: bool,
    pub streams_array: bool,
    /// The scanner's guess for the first key of an object (see [`Property::next`]).
    pub first_key: AtomicU32,
    /// `types` described (`integer or null`) and the message of a type error, made once: a
    /// finding costs allocations, not formatting.
    pub type_expected: Box<str>,
    pub type_message: Box<str>,
    /// The `oneOf` and `anyOf` alternatives as findings name them (`integer | null`, or `3
    /// alternatives`), made once.
    pub one_of_alternatives: Box<str>,
    pub any_of_alternatives: Box<str>,
}

impl Checks {
    pub fn property(&self, name: &[u8]) -> Option<(usize, &Property)> {
        match &self.lookup {
            Some(map) => map
                .get(name)
                .and_then(|&i| self.properties.get(i as usize).map(|p| (i as usize, p))),
            None => self
                .properties
                .iter()
                .enumerate()
                .find(|(_, p)| p.name.as_bytes() == name),
        }
    }

    /// Only a `type` (the usual `oneOf` branch): checked without buffering.
    pub fn is_type_only(&self) -> bool {
        !self.has_object_checks()
            && !self.has_array_checks()
            && self.enumeration.is_none()
            && self.minimum.is_none()
            && self.maximum.is_none()
            && self.exclusive_minimum.is_none()
            && self.exclusive_maximum.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
    }

    pub fn has_object_checks(&self) -> bool {
        !self.properties.is_empty()
            || self.additional.is_some()
            || !self.required_elsewhere.is_empty()
            || self.min_properties.is_some()
            || self.max_properties.is_some()
    }

    pub fn has_array_checks(&self) -> bool {
        self.items.is_some() || self.min_items.is_some() || self.max_items.is_some()
    }
}

pub(crate) enum NodeKind {
    /// `true`, `{}` or annotations only.
    Any,
    /// `false`.
    Never,
    /// Checked by the streaming checker.
    Checks(Box<Checks>),
    /// `$ref` (with only annotations beside it): the node is its target.
    Alias(NodeId),
    /// Checked by the `jsonschema` crate on the buffered value.
    Fallback(Box<jsonschema::Validator>),
}

pub(crate) struct Node {
    /// JSON pointer of the schema in the spec document.
    pub pointer: Box<str>,
    pub kind: NodeKind,
}

/// All compiled schemas of one spec.
#[derive(Default)]
pub(crate) struct Arena {
    pub nodes: Vec<Node>,
    by_pointer: FxHashMap<String, NodeId>,
    /// Nodes compiled plus nodes visited by the alias pass: the work of compiling a spec, which
    /// must stay linear in the number of schemas (a test checks it; no timed tests).
    pub work: u64,
}

/// Above this many properties a node gets a hash lookup; below, a linear scan is faster.
const LOOKUP_THRESHOLD: usize = 12;
/// Bounds recursion through nested (non-`$ref`) schemas of a hostile spec.
const MAX_DEPTH: usize = 64;

impl Arena {
    pub fn node(&self, id: NodeId) -> &Node {
        // Ids are only made by `compile`, so they are always in range; `Any` otherwise.
        self.nodes.get(id as usize).unwrap_or(&ANY_NODE)
    }

    /// Follow aliases to the node that does the checking.
    pub fn resolve(&self, mut id: NodeId) -> NodeId {
        for _ in 0..64 {
            match self.node(id).kind {
                NodeKind::Alias(target) => id = target,
                _ => return id,
            }
        }
        id
    }

    /// Compile the schema at `pointer` of `doc` (memoized; cycles through `$ref` are fine).
    /// Call [`Arena::finish`] once after the last schema.
    pub fn compile(&mut self, doc: &Value, pointer: &str) -> Result<NodeId, String> {
        let id = self.compile_at(doc, pointer, 0)?;
        Ok(self.resolve(id))
    }

    /// Point every child reference straight at the node that does the checking, so the hot path
    /// never follows a `$ref` alias. Once for the whole arena: a pass per compiled schema made
    /// compiling a spec quadratic (a 50 MB spec took minutes).
    pub fn finish(&mut self) {
        self.work += self.nodes.len() as u64;
        let resolved: Vec<NodeId> = (0..self.nodes.len() as NodeId)
            .map(|id| self.resolve(id))
            .collect();
        let r = |id: &mut NodeId| {
            if let Some(&target) = resolved.get(*id as usize) {
                *id = target;
            }
        };
        for node in &mut self.nodes {
            if let NodeKind::Checks(c) = &mut node.kind {
                c.properties.iter_mut().for_each(|p| r(&mut p.node));
                c.items.iter_mut().for_each(r);
                if let Some(Additional::Schema(id)) = &mut c.additional {
                    r(id);
                }
                c.one_of.iter_mut().for_each(r);
                c.any_of.iter_mut().for_each(r);
            }
        }
        let fast: Vec<u8> = self.nodes.iter().map(|n| self.fast_scalars(n)).collect();
        let alternatives: Vec<(Box<str>, Box<str>)> = self
            .nodes
            .iter()
            .map(|n| match &n.kind {
                NodeKind::Checks(c) => (
                    self.alternatives(&c.one_of).into(),
                    self.alternatives(&c.any_of).into(),
                ),
                _ => Default::default(),
            })
            .collect();
        for ((node, fast), (one_of, any_of)) in self.nodes.iter_mut().zip(fast).zip(alternatives) {
            if let NodeKind::Checks(c) = &mut node.kind {
                c.one_of_alternatives = one_of;
                c.any_of_alternatives = any_of;
                let composition = !c.one_of.is_empty() || !c.any_of.is_empty();
                c.fast_scalars = fast;
                c.type_expected = c.types.map(TypeSet::describe).unwrap_or_default().into();
                c.type_message = format!("wrong type: the spec says {}", c.type_expected).into();
                c.streams_object =
                    !composition && c.types.is_none_or(|t| t.may_allow(TypeSet::OBJECT));
                c.streams_array =
                    !composition && c.types.is_none_or(|t| t.may_allow(TypeSet::ARRAY));
            }
        }
    }

    /// `integer | null`, when every branch is a bare `type`; else `N alternatives`.
    fn alternatives(&self, branches: &[NodeId]) -> String {
        let types: Option<Vec<String>> = branches
            .iter()
            .map(|&b| match &self.node(self.resolve(b)).kind {
                NodeKind::Checks(c) if c.is_type_only() => c.types.map(TypeSet::describe),
                _ => None,
            })
            .collect();
        match types {
            Some(t) => t.join(" | "),
            None => format!("{} alternatives", branches.len()),
        }
    }

    /// The scalar kinds `node` accepts on their kind alone (see [`Checks::fast_scalars`]).
    ///
    /// Exact, never optimistic: a kind is in the set only when no value of it can fail. With
    /// `oneOf`/`anyOf`, every branch must be a bare `type` (the `oneOf: [{type: X}, {type:
    /// 'null'}]` of nullable fields) whose answer does not depend on integrality.
    fn fast_scalars(&self, node: &Node) -> u8 {
        const KINDS: [u8; 4] = [
            TypeSet::NULL,
            TypeSet::BOOLEAN,
            TypeSet::NUMBER,
            TypeSet::STRING,
        ];
        let NodeKind::Checks(c) = &node.kind else {
            return 0;
        };
        if c.scalar_constraints {
            return 0;
        }
        // Whether `types` surely accepts (Some(true)) or surely rejects (Some(false)) `kind`,
        // whatever the value; None when integrality decides.
        let decides = |types: Option<TypeSet>, kind: u8| -> Option<bool> {
            let Some(t) = types else { return Some(true) };
            let (a, b) = (t.allows(kind, false), t.allows(kind, true));
            (a == b).then_some(a)
        };
        let branch_types = |branches: &[NodeId]| -> Option<Vec<Option<TypeSet>>> {
            branches
                .iter()
                .map(|&b| match &self.node(self.resolve(b)).kind {
                    NodeKind::Checks(bc) if bc.is_type_only() => Some(bc.types),
                    NodeKind::Any => Some(None),
                    _ => None,
                })
                .collect()
        };
        let (Some(one), Some(any)) = (branch_types(&c.one_of), branch_types(&c.any_of)) else {
            return 0;
        };
        let mut mask = 0;
        for kind in KINDS {
            if decides(c.types, kind) != Some(true) {
                continue;
            }
            let one_ok = one.is_empty() || {
                let verdicts: Option<Vec<bool>> = one.iter().map(|&t| decides(t, kind)).collect();
                verdicts.is_some_and(|v| v.iter().filter(|&&x| x).count() == 1)
            };
            let any_ok = any.is_empty() || {
                let verdicts: Option<Vec<bool>> = any.iter().map(|&t| decides(t, kind)).collect();
                verdicts.is_some_and(|v| v.iter().any(|&x| x))
            };
            if one_ok && any_ok {
                mask |= kind;
            }
        }
        mask
    }

    fn compile_at(&mut self, doc: &Value, pointer: &str, depth: usize) -> Result<NodeId, String> {
        if let Some(&id) = self.by_pointer.get(pointer) {
            return Ok(id);
        }
        if depth > MAX_DEPTH {
            return Err(format!(
                "schema nesting deeper than {MAX_DEPTH} at #{pointer}"
            ));
        }
        let schema = doc
            .pointer(pointer)
            .ok_or_else(|| format!("no schema at #{pointer}"))?;
        let id = NodeId::try_from(self.nodes.len()).map_err(|_| "too many schemas".to_string())?;
        self.work += 1;
        self.nodes.push(Node {
            pointer: pointer.into(),
            kind: NodeKind::Any,
        });
        self.by_pointer.insert(pointer.to_string(), id);
        let kind = self.compile_kind(doc, pointer, schema, depth)?;
        if let Some(node) = self.nodes.get_mut(id as usize) {
            node.kind = kind;
        }
        Ok(id)
    }

    fn compile_kind(
        &mut self,
        doc: &Value,
        pointer: &str,
        schema: &Value,
        depth: usize,
    ) -> Result<NodeKind, String> {
        let obj = match schema {
            Value::Bool(true) => return Ok(NodeKind::Any),
            Value::Bool(false) => return Ok(NodeKind::Never),
            Value::Object(obj) => obj,
            _ => {
                return Err(format!(
                    "#{pointer} is not a schema (expected an object or a boolean)"
                ));
            }
        };
        let unsupported = obj.keys().any(|k| {
            !k.starts_with("x-")
                && !ANNOTATIONS.contains(&k.as_str())
                && !SUPPORTED.contains(&k.as_str())
        });
        let non_local_ref = obj
            .get("$ref")
            .is_some_and(|r| !r.as_str().is_some_and(|r| r.starts_with("#/")));
        // `$ref` next to assertions: both apply; leave that to jsonschema.
        let ref_with_assertions = obj.contains_key("$ref")
            && obj
                .keys()
                .any(|k| k != "$ref" && !k.starts_with("x-") && !ANNOTATIONS.contains(&k.as_str()));
        let odd_enum = obj
            .get("enum")
            .is_some_and(|e| !e.as_array().is_some_and(|a| a.iter().all(is_scalar)))
            || obj.get("const").is_some_and(|c| !is_scalar(c));
        if unsupported || non_local_ref || ref_with_assertions || odd_enum {
            return fallback(doc, pointer);
        }
        if let Some(target) = obj.get("$ref").and_then(Value::as_str) {
            let target_pointer = target.trim_start_matches('#');
            return Ok(NodeKind::Alias(self.compile_at(
                doc,
                target_pointer,
                depth + 1,
            )?));
        }

        let mut c = Checks::default();
        let child = |token: &str| omnidim_spec::pointer::push(pointer, token);
        if let Some(t) = obj.get("type") {
            let mut bits = 0u8;
            let names: Vec<&Value> = match t {
                Value::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            for n in names {
                let name = n
                    .as_str()
                    .ok_or_else(|| format!("#{}: type must be a string", child("type")))?;
                bits |= TypeSet::from_name(name)
                    .ok_or_else(|| format!("#{}: unknown type {name:?}", child("type")))?;
            }
            c.types = Some(TypeSet(bits));
        }
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        // A set: `required` and `properties` can both be long (a lookup per property).
        let required_set: FxHashSet<&str> = required.iter().copied().collect();
        let names = |key: &str| -> FxHashSet<&str> {
            obj.get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default()
        };
        let may_be_absent = names(MAY_BE_ABSENT);
        c.unmodelled = names(UNMODELLED_KEYS).into_iter().map(Box::from).collect();
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            let props_pointer = child("properties");
            for name in props.keys() {
                let node = self.compile_at(
                    doc,
                    &omnidim_spec::pointer::push(&props_pointer, name),
                    depth + 1,
                )?;
                c.properties.push(Property {
                    name: name.as_str().into(),
                    node,
                    required: required_set.contains(name.as_str()),
                    may_be_absent: may_be_absent.contains(name.as_str()),
                    plain: !name.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20),
                    next: AtomicU32::new(u32::try_from(c.properties.len() + 1).unwrap_or(0)),
                });
            }
            if c.properties.len() > LOOKUP_THRESHOLD {
                let map = c
                    .properties
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (Box::<[u8]>::from(p.name.as_bytes()), i as u32))
                    .collect();
                c.lookup = Some(map);
            }
        }
        c.required_elsewhere = required
            .iter()
            .filter(|r| c.property(r.as_bytes()).is_none())
            .map(|r| (*r).into())
            .collect();
        c.additional = match obj.get("additionalProperties") {
            None => None,
            Some(Value::Bool(true)) => Some(Additional::Allowed),
            Some(Value::Bool(false)) => Some(Additional::Forbidden),
            Some(_) => Some(Additional::Schema(self.compile_at(
                doc,
                &child("additionalProperties"),
                depth + 1,
            )?)),
        };
        if obj.contains_key("items") {
            c.items = Some(self.compile_at(doc, &child("items"), depth + 1)?);
        }
        for (key, out) in [("oneOf", 0), ("anyOf", 1)] {
            if let Some(branches) = obj.get(key).and_then(Value::as_array) {
                let base = child(key);
                for i in 0..branches.len() {
                    let id = self.compile_at(
                        doc,
                        &omnidim_spec::pointer::push(&base, &i.to_string()),
                        depth + 1,
                    )?;
                    if out == 0 {
                        c.one_of.push(id);
                    } else {
                        c.any_of.push(id);
                    }
                }
            }
        }
        if let Some(e) = obj.get("enum").and_then(Value::as_array) {
            c.enumeration = Some(e.clone());
        } else if let Some(v) = obj.get("const") {
            c.enumeration = Some(vec![v.clone()]);
            c.is_const = true;
        }
        let num = |k: &str| obj.get(k).and_then(Value::as_f64);
        let uint = |k: &str| obj.get(k).and_then(Value::as_u64);
        c.minimum = num("minimum");
        c.maximum = num("maximum");
        c.exclusive_minimum = num("exclusiveMinimum");
        c.exclusive_maximum = num("exclusiveMaximum");
        c.min_length = uint("minLength");
        c.max_length = uint("maxLength");
        c.min_items = uint("minItems");
        c.max_items = uint("maxItems");
        c.min_properties = uint("minProperties");
        c.max_properties = uint("maxProperties");
        c.scalar_constraints = c.enumeration.is_some()
            || c.minimum.is_some()
            || c.maximum.is_some()
            || c.exclusive_minimum.is_some()
            || c.exclusive_maximum.is_some()
            || c.min_length.is_some()
            || c.max_length.is_some();
        let any = c.types.is_none()
            && !c.has_object_checks()
            && !c.has_array_checks()
            && c.enumeration.is_none()
            && c.minimum.is_none()
            && c.maximum.is_none()
            && c.exclusive_minimum.is_none()
            && c.exclusive_maximum.is_none()
            && c.min_length.is_none()
            && c.max_length.is_none()
            && c.one_of.is_empty()
            && c.any_of.is_empty();
        Ok(if any {
            NodeKind::Any
        } else {
            NodeKind::Checks(Box::new(c))
        })
    }
}

static ANY_NODE: std::sync::LazyLock<Node> = std::sync::LazyLock::new(|| Node {
    pointer: "".into(),
    kind: NodeKind::Any,
});

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn fallback(doc: &Value, pointer: &str) -> Result<NodeKind, String> {
    let v =
        omnidim_spec::lint::compile_schema(doc, pointer).map_err(|e| format!("#{pointer}: {e}"))?;
    Ok(NodeKind::Fallback(Box::new(v)))
}
