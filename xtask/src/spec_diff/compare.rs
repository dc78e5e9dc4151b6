//! The comparison: operations (matched by operationId, else by method and path), then their
//! parameters, request bodies and responses, then the schemas under them, following `$ref`s into
//! components. A change inside a shared component is reported once per operation that reaches
//! it, at the location it is reached from (so its classification follows the direction of that
//! use: the same new required field breaks a request and extends a response); within one
//! operation, the same change reached from several response statuses is one line listing the
//! statuses (`401,404,429 /message`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use omnidim_spec::{HttpMethod, Spec};
use serde_json::Value;

use crate::model::{Change, ChangeKind as K, Classification as C, Report, rust_view};
use crate::naming;
use crate::normalize::{self, Additional, Norm};

/// Deeper schema nesting than this is not compared.
const MAX_DEPTH: usize = 48;
/// Schema visits (comparisons and normalization steps) allowed to one diff. The whole
/// 115-operation spec compared with itself takes about 12 500.
const WORK_BUDGET: usize = 500_000;

/// Stands for a missing sub-schema (`items` absent = any).
static ANY: Value = Value::Bool(true);
/// Stands for a missing `content` or `responses` map.
static EMPTY: std::sync::LazyLock<serde_json::Map<String, Value>> =
    std::sync::LazyLock::new(serde_json::Map::new);

/// Keywords of an operation that only document it (plus `x-*`).
const OPERATION_DOC_KEYS: &[&str] = &[
    "summary",
    "description",
    "externalDocs",
    "tags",
    "deprecated",
    "security",
    "servers",
    "callbacks",
];
const PARAMETER_DOC_KEYS: &[&str] = &["description", "example", "examples", "deprecated"];
const BODY_DOC_KEYS: &[&str] = &["description"];
const RESPONSE_DOC_KEYS: &[&str] = &["description", "headers", "links"];
const MEDIA_DOC_KEYS: &[&str] = &["example", "examples", "encoding"];

/// Compare two specs.
pub(crate) fn diff(old: &Spec, new: &Spec) -> Report {
    let mut d = Differ {
        old,
        new,
        steps: WORK_BUDGET,
        changes: Vec::new(),
        pending: Vec::new(),
        ctx: Ctx::default(),
        ref_stack: Vec::new(),
    };
    d.info();
    d.operations();
    d.components();
    let mut warnings = Vec::new();
    if d.steps == 0 {
        warnings.push(format!(
            "the documents are too large or too deeply self-referencing to compare completely \
             (stopped after {WORK_BUDGET} schema visits); the report is incomplete"
        ));
    }
    Report::new(d.changes, warnings)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Dir {
    #[default]
    Request,
    Response,
}

/// What a location starts with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Prefix {
    /// The operation itself.
    #[default]
    Operation,
    /// A response status (merged across statuses).
    Status(String),
    /// `body`, `query pageno`, `200 (text/plain)`, ...
    Text(String),
}

/// A change of the operation being compared, before statuses are merged.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Pending {
    kind: K,
    class: C,
    /// The Rust classification where it depends on more than the kind (see `rust_view`).
    rust: Option<C>,
    prefix: Prefix,
    path: String,
    from: Option<String>,
    to: Option<String>,
    message: String,
    items: Vec<String>,
}

/// Where schemas being compared sit.
#[derive(Clone, Debug, Default)]
struct Ctx {
    dir: Dir,
    prefix: Prefix,
    /// `Client::<method>` of the operation (new side).
    method: Option<String>,
}

/// One schema position being compared.
#[derive(Clone, Debug, Default)]
struct Node {
    /// Location below the prefix: property names, `[]` for items, `*` for map values.
    path: Vec<String>,
    /// The name typify would give a type generated here (before Pascal-casing), per side.
    old_name: Option<String>,
    new_name: Option<String>,
    /// The Rust item holding this schema (a struct field, or a method for a parameter).
    old_field: Option<String>,
    new_field: Option<String>,
    /// Whether a change of the Rust type name here is reported (off below a reported rename
    /// and when the operationId changed, since then every inline name changes with it).
    renames: bool,
    /// An optional property on both sides: its Rust type is `Option<T>` whether or not the
    /// schema is nullable, so nullability changes nothing in Rust here.
    optional_both: bool,
}

impl Node {
    fn root(old_name: Option<String>, new_name: Option<String>, renames: bool) -> Self {
        Node {
            old_name,
            new_name,
            renames,
            ..Node::default()
        }
    }

    fn path_string(&self) -> String {
        if self.path.is_empty() {
            String::new()
        } else {
            format!("/{}", self.path.join("/"))
        }
    }

    fn with_segment(&self, segment: &str) -> Vec<String> {
        let mut p = self.path.clone();
        p.push(segment.to_string());
        p
    }

    /// The path with `[]` appended to its last segment.
    fn items_path(&self) -> Vec<String> {
        let mut p = self.path.clone();
        match p.last_mut() {
            Some(last) => last.push_str("[]"),
            None => p.push("[]".into()),
        }
        p
    }
}

struct Op<'a> {
    id: Option<String>,
    method: HttpMethod,
    path: String,
    value: &'a Value,
    item: Option<&'a Value>,
}

impl Op<'_> {
    fn label(&self) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("{} {}", self.method.as_str(), self.path))
    }

    fn method_item(&self) -> Option<String> {
        self.id.as_deref().map(naming::method_item)
    }

    fn endpoint(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path)
    }
}

fn operations(spec: &Spec) -> Vec<Op<'_>> {
    let doc = spec.document();
    spec.operations()
        .into_iter()
        .filter_map(|o| {
            let value = doc.pointer(&o.pointer)?;
            Some(Op {
                item: doc.get("paths").and_then(|p| p.get(&o.path)),
                id: o.operation_id,
                method: o.method,
                path: o.path,
                value,
            })
        })
        .collect()
}

/// `/a/{id}/b` -> `/a/{}/b`: renaming a path parameter does not change the URL.
fn path_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// A value for messages: strings as they are, anything else as compact JSON.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_success_status(status: &str) -> bool {
    status.starts_with('2') || status == "default"
}

fn is_json_media(media: &str) -> bool {
    let m = media.split(';').next().unwrap_or(media).trim();
    m == "application/json" || m.ends_with("+json")
}

/// The Rust type name of a schema, if typify generates a named type for it.
fn actual_name(n: &Norm<'_>, suggested: Option<&str>) -> Option<String> {
    if let Some(r) = &n.ref_name {
        return Some(naming::type_name(r));
    }
    if !n.generates_named_type() {
        return None;
    }
    n.title.as_deref().or(suggested).map(naming::type_name)
}

/// The name typify builds the names of an array's item type from (title is not used there).
fn array_base(n: &Norm<'_>, suggested: Option<&str>) -> Option<String> {
    n.ref_name.clone().or_else(|| suggested.map(str::to_string))
}

struct Differ<'a> {
    old: &'a Spec,
    new: &'a Spec,
    steps: usize,
    changes: Vec<Change>,
    pending: Vec<Pending>,
    ctx: Ctx,
    /// Component pairs being compared on the current path (a repeat is a cycle).
    ref_stack: Vec<(Option<String>, Option<String>)>,
}

impl<'a> Differ<'a> {
    fn spend(&mut self, n: usize) -> bool {
        if self.steps < n {
            self.steps = 0;
            return false;
        }
        self.steps -= n;
        true
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: K,
        class: C,
        path: String,
        from: Option<String>,
        to: Option<String>,
        message: String,
        items: Vec<String>,
    ) {
        self.pending.push(Pending {
            kind,
            class,
            rust: None,
            prefix: self.ctx.prefix.clone(),
            path,
            from,
            to,
            message,
            items,
        });
    }

    /// Turn the pending changes of one operation into changes, merging statuses.
    fn flush(&mut self, operation: Option<String>) {
        type Key = (
            K,
            C,
            String,
            Option<String>,
            Option<String>,
            String,
            Vec<String>,
        );
        let mut merged: Vec<(Pending, Vec<String>)> = Vec::new();
        let mut index: HashMap<Key, usize> = HashMap::new();
        for p in std::mem::take(&mut self.pending) {
            if let Prefix::Status(status) = &p.prefix {
                let key: Key = (
                    p.kind,
                    p.class,
                    p.path.clone(),
                    p.from.clone(),
                    p.to.clone(),
                    p.message.clone(),
                    p.items.clone(),
                );
                if let Some((_, statuses)) = index.get(&key).and_then(|&i| merged.get_mut(i)) {
                    if !statuses.contains(status) {
                        statuses.push(status.clone());
                    }
                    continue;
                }
                let status = status.clone();
                index.insert(key, merged.len());
                merged.push((p, vec![status]));
            } else {
                merged.push((p, Vec::new()));
            }
        }
        for (p, statuses) in merged {
            let head = match &p.prefix {
                Prefix::Operation => String::new(),
                Prefix::Status(_) => statuses.join(","),
                Prefix::Text(t) => t.clone(),
            };
            let location = match (head.is_empty(), p.path.is_empty()) {
                (true, _) => p.path,
                (false, true) => head,
                (false, false) => format!("{head} {}", p.path),
            };
            self.changes.push(Change {
                kind: p.kind,
                classification: p.rust.unwrap_or_else(|| rust_view(p.kind, p.class)),
                http: p.class,
                operation: operation.clone(),
                location,
                from: p.from,
                to: p.to,
                message: p.message,
                rust_items: p.items,
            });
        }
    }

    // ---------------------------------------------------------------------------------------
    // Document level

    fn info(&mut self) {
        let old = self.old.document().get("info");
        let new = self.new.document().get("info");
        let get = |v: Option<&Value>, k: &str| v.and_then(|i| i.get(k)).cloned();
        let (ov, nv) = (get(old, "version"), get(new, "version"));
        if ov != nv {
            self.changes.push(Change {
                kind: K::ApiVersionChanged,
                classification: rust_view(K::ApiVersionChanged, C::NonBreaking),
                http: C::NonBreaking,
                operation: None,
                location: "info.version".into(),
                from: ov.as_ref().map(show),
                to: nv.as_ref().map(show),
                message: "API version changed (the client sends it in the `api-version` header)"
                    .into(),
                rust_items: vec!["Client::api_version".into()],
            });
        }
        for key in [
            "title",
            "description",
            "summary",
            "termsOfService",
            "contact",
            "license",
        ] {
            let (o, n) = (get(old, key), get(new, key));
            if o != n {
                self.changes.push(Change {
                    kind: K::Documentation,
                    classification: rust_view(K::Documentation, C::Documentation),
                    http: C::Documentation,
                    operation: None,
                    location: format!("info.{key}"),
                    from: o.as_ref().map(show),
                    to: n.as_ref().map(show),
                    message: format!("{key} {}", verb(&o, &n)),
                    rust_items: vec!["Client".into()],
                });
            }
        }
    }

    fn components(&mut self) {
        let names = |spec: &Spec| -> BTreeSet<String> {
            spec.document()
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (old, new) = (names(self.old), names(self.new));
        for name in old.difference(&new) {
            self.changes.push(Change {
                kind: K::SchemaRemoved,
                classification: rust_view(K::SchemaRemoved, C::Breaking),
                http: C::Breaking,
                operation: None,
                location: format!("#/components/schemas/{name}"),
                from: Some(name.clone()),
                to: None,
                message: "component schema removed (its generated type is gone)".into(),
                rust_items: vec![naming::type_item(&naming::type_name(name))],
            });
        }
        for name in new.difference(&old) {
            self.changes.push(Change {
                kind: K::SchemaAdded,
                classification: rust_view(K::SchemaAdded, C::NonBreaking),
                http: C::NonBreaking,
                operation: None,
                location: format!("#/components/schemas/{name}"),
                from: None,
                to: Some(name.clone()),
                message: "component schema added".into(),
                rust_items: vec![naming::type_item(&naming::type_name(name))],
            });
        }
    }

    // ---------------------------------------------------------------------------------------
    // Operations

    fn operations(&mut self) {
        let old_ops = operations(self.old);
        let new_ops = operations(self.new);
        let mut old_used = vec![false; old_ops.len()];
        let mut new_used = vec![false; new_ops.len()];
        let mut pairs: Vec<(usize, usize)> = Vec::new();

        // 1. Same operationId.
        for (j, n) in new_ops.iter().enumerate() {
            let Some(id) = &n.id else { continue };
            let found = old_ops
                .iter()
                .enumerate()
                .find(|(i, o)| o.id.as_ref() == Some(id) && !flag(&old_used, *i));
            if let Some((i, _)) = found {
                set(&mut old_used, i);
                set(&mut new_used, j);
                pairs.push((i, j));
            }
        }
        // 2. Same method and path shape (an operationId added, removed or renamed).
        for (j, n) in new_ops.iter().enumerate() {
            if flag(&new_used, j) {
                continue;
            }
            let found = old_ops.iter().enumerate().find(|(i, o)| {
                !flag(&old_used, *i)
                    && o.method == n.method
                    && path_shape(&o.path) == path_shape(&n.path)
            });
            if let Some((i, _)) = found {
                set(&mut old_used, i);
                set(&mut new_used, j);
                pairs.push((i, j));
            }
        }

        for (i, j) in pairs {
            if let (Some(o), Some(n)) = (old_ops.get(i), new_ops.get(j)) {
                self.operation(o, n);
            }
        }
        for (i, o) in old_ops.iter().enumerate() {
            if flag(&old_used, i) {
                continue;
            }
            let mut items: Vec<String> = o.method_item().into_iter().collect();
            items.extend(self.root_types(self.old, o));
            self.changes.push(Change {
                kind: K::OperationRemoved,
                classification: rust_view(K::OperationRemoved, C::Breaking),
                http: C::Breaking,
                operation: Some(o.label()),
                location: String::new(),
                from: Some(o.endpoint()),
                to: None,
                message: format!("operation removed ({})", o.endpoint()),
                rust_items: items,
            });
        }
        for (j, n) in new_ops.iter().enumerate() {
            if flag(&new_used, j) {
                continue;
            }
            let mut items: Vec<String> = n.method_item().into_iter().collect();
            items.extend(self.root_types(self.new, n));
            self.changes.push(Change {
                kind: K::OperationAdded,
                classification: rust_view(K::OperationAdded, C::NonBreaking),
                http: C::NonBreaking,
                operation: Some(n.label()),
                location: String::new(),
                from: None,
                to: Some(n.endpoint()),
                message: format!("operation added ({})", n.endpoint()),
                rust_items: items,
            });
        }
    }

    /// The generated types named after an operation (inline JSON request body and responses).
    fn root_types(&mut self, spec: &'a Spec, op: &Op<'a>) -> Vec<String> {
        let Some(id) = op.id.as_deref() else {
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        if let Some(body) = op.value.get("requestBody").and_then(|b| spec.deref(b)) {
            out.extend(inline_root_type(spec, body, &naming::body_suggestion(id)));
        }
        if let Some(responses) = op.value.get("responses").and_then(Value::as_object) {
            for r in responses.values().filter_map(|r| spec.deref(r)) {
                if let Some(item) = inline_root_type(spec, r, &naming::response_suggestion(id))
                    && !out.contains(&item)
                {
                    out.push(item);
                }
            }
        }
        out
    }

    fn operation(&mut self, o: &Op<'a>, n: &Op<'a>) {
        self.ctx = Ctx {
            dir: Dir::Request,
            prefix: Prefix::Operation,
            method: n.method_item().or_else(|| o.method_item()),
        };
        let method: Vec<String> = self.ctx.method.clone().into_iter().collect();
        let same_id = o.id == n.id;
        if !same_id {
            let items: Vec<String> = o.method_item().into_iter().chain(n.method_item()).collect();
            self.push(
                K::OperationIdChanged,
                C::Breaking,
                String::new(),
                o.id.clone(),
                n.id.clone(),
                format!(
                    "operationId changed from {} to {} (the method and the types named after it are renamed)",
                    o.id.as_deref().unwrap_or("(none)"),
                    n.id.as_deref().unwrap_or("(none)")
                ),
                items,
            );
        }
        if o.method != n.method {
            self.push(
                K::MethodChanged,
                C::Breaking,
                String::new(),
                Some(o.method.as_str().into()),
                Some(n.method.as_str().into()),
                format!(
                    "method changed from {} to {}",
                    o.method.as_str(),
                    n.method.as_str()
                ),
                method.clone(),
            );
        }
        if path_shape(&o.path) != path_shape(&n.path) {
            self.push(
                K::PathChanged,
                C::Breaking,
                String::new(),
                Some(o.path.clone()),
                Some(n.path.clone()),
                format!("path changed from {} to {}", o.path, n.path),
                method.clone(),
            );
        }
        self.docs(o.value, n.value, OPERATION_DOC_KEYS, "", &method);

        let ids = (o.id.clone(), n.id.clone());
        self.parameters(o, n, &ids, same_id);
        self.request_body(o, n, &ids, same_id);
        self.responses(o, n, &ids, same_id);
        self.flush(Some(n.label()));
    }

    /// Documentation keywords (and `x-*`) of an object that is not a schema.
    fn docs(&mut self, old: &Value, new: &Value, keys: &[&str], path: &str, items: &[String]) {
        let mut all: BTreeSet<&str> = keys.iter().copied().collect();
        for v in [old, new] {
            if let Some(obj) = v.as_object() {
                all.extend(
                    obj.keys()
                        .map(String::as_str)
                        .filter(|k| k.starts_with("x-")),
                );
            }
        }
        for key in all {
            let (o, n) = (old.get(key), new.get(key));
            if o != n {
                self.push(
                    K::Documentation,
                    C::Documentation,
                    path.to_string(),
                    o.map(show),
                    n.map(show),
                    format!("{key} {}", verb(&o, &n)),
                    items.to_vec(),
                );
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Parameters

    fn parameter_map(spec: &'a Spec, op: &Op<'a>) -> BTreeMap<(String, String), &'a Value> {
        let mut out = BTreeMap::new();
        for holder in [op.item, Some(op.value)].into_iter().flatten() {
            let Some(list) = holder.get("parameters").and_then(Value::as_array) else {
                continue;
            };
            for p in list {
                let Some(p) = spec.deref(p) else { continue };
                let (Some(name), Some(location)) = (
                    p.get("name").and_then(Value::as_str),
                    p.get("in").and_then(Value::as_str),
                ) else {
                    continue;
                };
                out.insert((location.to_string(), name.to_string()), p);
            }
        }
        out
    }

    fn parameters(
        &mut self,
        o: &Op<'a>,
        n: &Op<'a>,
        ids: &(Option<String>, Option<String>),
        renames: bool,
    ) {
        let old = Self::parameter_map(self.old, o);
        let new = Self::parameter_map(self.new, n);
        let method: Vec<String> = self.ctx.method.clone().into_iter().collect();
        let keys: BTreeSet<&(String, String)> = old.keys().chain(new.keys()).collect();
        for key in keys {
            let (location, name) = key;
            self.ctx.dir = Dir::Request;
            self.ctx.prefix = Prefix::Text(format!("{location} {name}"));
            let required = |p: &Value| {
                location == "path" || p.get("required").and_then(Value::as_bool) == Some(true)
            };
            match (old.get(key), new.get(key)) {
                (Some(_), None) => self.push(
                    K::RequestParameterRemoved,
                    C::Breaking,
                    String::new(),
                    Some(name.clone()),
                    None,
                    format!("{location} parameter removed"),
                    method.clone(),
                ),
                (None, Some(p)) => {
                    let (class, word) = if required(p) {
                        (C::Breaking, "required")
                    } else {
                        (C::NonBreaking, "optional")
                    };
                    self.push(
                        K::RequestParameterAdded,
                        class,
                        String::new(),
                        None,
                        Some(name.clone()),
                        format!("{word} {location} parameter added"),
                        method.clone(),
                    );
                }
                (Some(op), Some(np)) => {
                    match (required(op), required(np)) {
                        (false, true) => self.push(
                            K::RequestParameterBecameRequired,
                            C::Breaking,
                            String::new(),
                            Some("optional".into()),
                            Some("required".into()),
                            "parameter became required".into(),
                            method.clone(),
                        ),
                        (true, false) => self.push(
                            K::RequestParameterBecameOptional,
                            C::NonBreaking,
                            String::new(),
                            Some("required".into()),
                            Some("optional".into()),
                            "parameter became optional".into(),
                            method.clone(),
                        ),
                        _ => {}
                    }
                    self.docs(op, np, PARAMETER_DOC_KEYS, "", &method);
                    for k in ["style", "explode", "allowReserved", "allowEmptyValue"] {
                        if op.get(k) != np.get(k) {
                            self.push(
                                K::RequestTypeChanged,
                                C::Breaking,
                                String::new(),
                                op.get(k).map(show),
                                np.get(k).map(show),
                                format!("serialization `{k}` {}", verb(&op.get(k), &np.get(k))),
                                method.clone(),
                            );
                            // The setter and its type stay; only the wire form changes.
                            if let Some(p) = self.pending.last_mut() {
                                p.rust = Some(C::NonBreaking);
                            }
                        }
                    }
                    let (os, ns) = (parameter_schema(op), parameter_schema(np));
                    if os.is_some() || ns.is_some() {
                        let mut node = Node::root(
                            ids.0
                                .as_deref()
                                .map(|id| naming::parameter_suggestion(id, name)),
                            ids.1
                                .as_deref()
                                .map(|id| naming::parameter_suggestion(id, name)),
                            renames,
                        );
                        node.old_field = self.ctx.method.clone();
                        node.new_field = self.ctx.method.clone();
                        self.schema(&node, os.unwrap_or(&ANY), ns.unwrap_or(&ANY), 0);
                    }
                }
                (None, None) => {}
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Request bodies

    fn request_body(
        &mut self,
        o: &Op<'a>,
        n: &Op<'a>,
        ids: &(Option<String>, Option<String>),
        renames: bool,
    ) {
        self.ctx.dir = Dir::Request;
        self.ctx.prefix = Prefix::Text("body".into());
        let method: Vec<String> = self.ctx.method.clone().into_iter().collect();
        let old = o.value.get("requestBody").and_then(|b| self.old.deref(b));
        let new = n.value.get("requestBody").and_then(|b| self.new.deref(b));
        let required = |b: &Value| b.get("required").and_then(Value::as_bool) == Some(true);
        match (old, new) {
            (None, None) => {}
            (Some(b), None) => {
                let mut items = method;
                if let Some(id) = &ids.0 {
                    items.extend(inline_root_type(self.old, b, &naming::body_suggestion(id)));
                }
                self.push(
                    K::RequestBodyRemoved,
                    C::Breaking,
                    String::new(),
                    Some("body".into()),
                    None,
                    "request body removed".into(),
                    items,
                );
            }
            (None, Some(b)) => {
                let mut method = method;
                if let Some(id) = &ids.1 {
                    method.extend(inline_root_type(self.new, b, &naming::body_suggestion(id)));
                }
                let (class, word) = if required(b) {
                    (C::Breaking, "required")
                } else {
                    (C::NonBreaking, "optional")
                };
                self.push(
                    K::RequestBodyAdded,
                    class,
                    String::new(),
                    None,
                    Some("body".into()),
                    format!("{word} request body added"),
                    method,
                );
            }
            (Some(ob), Some(nb)) => {
                match (required(ob), required(nb)) {
                    (false, true) => self.push(
                        K::RequestBodyBecameRequired,
                        C::Breaking,
                        String::new(),
                        Some("optional".into()),
                        Some("required".into()),
                        "request body became required".into(),
                        method.clone(),
                    ),
                    (true, false) => self.push(
                        K::RequestBodyBecameOptional,
                        C::NonBreaking,
                        String::new(),
                        Some("required".into()),
                        Some("optional".into()),
                        "request body became optional".into(),
                        method.clone(),
                    ),
                    _ => {}
                }
                self.docs(ob, nb, BODY_DOC_KEYS, "", &method);
                let names = (
                    ids.0.as_deref().map(naming::body_suggestion),
                    ids.1.as_deref().map(naming::body_suggestion),
                );
                self.content(ob, nb, "body", Dir::Request, names, renames);
            }
        }
    }

    /// Compare the `content` maps of two bodies (request or response).
    fn content(
        &mut self,
        old: &'a Value,
        new: &'a Value,
        head: &str,
        dir: Dir,
        names: (Option<String>, Option<String>),
        renames: bool,
    ) {
        let oc = old
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let nc = new
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let method: Vec<String> = self.ctx.method.clone().into_iter().collect();
        let medias: BTreeSet<&String> = oc.keys().chain(nc.keys()).collect();
        let base_prefix = self.ctx.prefix.clone();
        for media in medias {
            self.ctx.prefix = if is_json_media(media) {
                base_prefix.clone()
            } else {
                Prefix::Text(format!("{head} ({media})"))
            };
            let (added, removed) = match dir {
                Dir::Request => (
                    (K::RequestMediaTypeAdded, C::NonBreaking),
                    (K::RequestMediaTypeRemoved, C::Breaking),
                ),
                Dir::Response => (
                    (K::ResponseMediaTypeAdded, C::NonBreaking),
                    (K::ResponseMediaTypeRemoved, C::Breaking),
                ),
            };
            match (oc.get(media.as_str()), nc.get(media.as_str())) {
                (Some(_), None) => self.push(
                    removed.0,
                    removed.1,
                    String::new(),
                    Some(media.clone()),
                    None,
                    format!("media type {media} removed"),
                    method.clone(),
                ),
                (None, Some(_)) => self.push(
                    added.0,
                    added.1,
                    String::new(),
                    None,
                    Some(media.clone()),
                    format!("media type {media} added"),
                    method.clone(),
                ),
                (Some(om), Some(nm)) => {
                    self.docs(om, nm, MEDIA_DOC_KEYS, "", &method);
                    let (os, ns) = (om.get("schema"), nm.get("schema"));
                    if os.is_some() || ns.is_some() {
                        let node = if is_json_media(media) {
                            Node::root(names.0.clone(), names.1.clone(), renames)
                        } else {
                            Node::root(None, None, false)
                        };
                        self.schema(&node, os.unwrap_or(&ANY), ns.unwrap_or(&ANY), 0);
                    }
                }
                (None, None) => {}
            }
        }
        self.ctx.prefix = base_prefix;
    }

    // ---------------------------------------------------------------------------------------
    // Responses

    fn responses(
        &mut self,
        o: &Op<'a>,
        n: &Op<'a>,
        ids: &(Option<String>, Option<String>),
        renames: bool,
    ) {
        let or = o
            .value
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let nr = n
            .value
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let method: Vec<String> = self.ctx.method.clone().into_iter().collect();
        // Document order of the new spec, then statuses only the old one has.
        let mut statuses: Vec<&String> = nr.keys().collect();
        statuses.extend(or.keys().filter(|k| !nr.contains_key(k.as_str())));
        for status in statuses {
            self.ctx.dir = Dir::Response;
            self.ctx.prefix = Prefix::Status(status.clone());
            let old = or.get(status.as_str()).and_then(|r| self.old.deref(r));
            let new = nr.get(status.as_str()).and_then(|r| self.new.deref(r));
            match (old, new) {
                (Some(_), None) => {
                    let class = if is_success_status(status) {
                        C::Breaking
                    } else {
                        C::NonBreaking
                    };
                    self.push(
                        K::ResponseStatusRemoved,
                        class,
                        String::new(),
                        Some(status.clone()),
                        None,
                        "response status removed".into(),
                        method.clone(),
                    );
                }
                (None, Some(_)) => self.push(
                    K::ResponseStatusAdded,
                    C::NonBreaking,
                    String::new(),
                    None,
                    Some(status.clone()),
                    "response status added".into(),
                    method.clone(),
                ),
                (Some(ob), Some(nb)) => {
                    self.docs(ob, nb, RESPONSE_DOC_KEYS, "", &method);
                    let names = (
                        ids.0.as_deref().map(naming::response_suggestion),
                        ids.1.as_deref().map(naming::response_suggestion),
                    );
                    self.content(ob, nb, status, Dir::Response, names, renames);
                }
                (None, None) => {}
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Schemas

    fn schema(&mut self, node: &Node, old: &'a Value, new: &'a Value, depth: usize) {
        if depth > MAX_DEPTH || !self.spend(1) {
            return;
        }
        let o = normalize::normalize_with(self.old, old, &mut self.steps);
        let n = normalize::normalize_with(self.new, new, &mut self.steps);
        let key = (o.ref_name.clone(), n.ref_name.clone());
        let guarded = key != (None, None);
        if guarded {
            if self.ref_stack.contains(&key) {
                return;
            }
            self.ref_stack.push(key);
        }
        self.schema_norms(node, &o, &n, depth);
        if guarded {
            self.ref_stack.pop();
        }
    }

    fn schema_norms(&mut self, node: &Node, o: &Norm<'a>, n: &Norm<'a>, depth: usize) {
        let dir = self.ctx.dir;
        let path = node.path_string();
        let old_type = actual_name(o, node.old_name.as_deref());
        let new_type = actual_name(n, node.new_name.as_deref());
        let method = self.ctx.method.clone();
        // The Rust item a change at this node touches, per side.
        let here = |field: &Option<String>, ty: &Option<String>| -> Vec<String> {
            field
                .clone()
                .or_else(|| ty.as_deref().map(naming::type_item))
                .or_else(|| method.clone())
                .into_iter()
                .collect()
        };
        let here_old = here(&node.old_field, &old_type);
        let here_new = here(&node.new_field, &new_type);

        // Documentation keywords.
        let keys: BTreeSet<&String> = o.docs.keys().chain(n.docs.keys()).collect();
        for key in keys {
            let (ov, nv) = (o.docs.get(key), n.docs.get(key));
            if ov != nv {
                self.push(
                    K::Documentation,
                    C::Documentation,
                    path.clone(),
                    ov.map(show),
                    nv.map(show),
                    format!("{key} {}", verb(&ov, &nv)),
                    here_new.clone(),
                );
            }
        }

        // Nullability.
        if o.nullable != n.nullable {
            let (kind, class) = match (dir, n.nullable) {
                (Dir::Response, true) => (K::ResponseBecameNullable, C::Breaking),
                (Dir::Response, false) => (K::ResponseBecameNonNullable, C::NonBreaking),
                (Dir::Request, true) => (K::RequestBecameNullable, C::NonBreaking),
                (Dir::Request, false) => (K::RequestBecameNonNullable, C::Breaking),
            };
            let word = if n.nullable {
                "became nullable"
            } else {
                "became non-nullable"
            };
            let show_type = |x: &Norm<'a>, spec: &Spec| {
                let t = x.display_type(spec);
                if x.nullable { format!("{t}|null") } else { t }
            };
            self.push(
                kind,
                class,
                path.clone(),
                Some(show_type(o, self.old)),
                Some(show_type(n, self.new)),
                word.into(),
                here_new.clone(),
            );
            // `Option<T>` either way for an optional property; else `T` <-> `Option<T>`.
            if let Some(p) = self.pending.last_mut() {
                p.rust = Some(if node.optional_both {
                    C::NonBreaking
                } else {
                    C::Breaking
                });
            }
        }

        // Type.
        if o.type_signature() != n.type_signature() {
            let kind = match dir {
                Dir::Request => K::RequestTypeChanged,
                Dir::Response => K::ResponseTypeChanged,
            };
            let (from, to) = (o.display_type(self.old), n.display_type(self.new));
            self.push(
                kind,
                C::Breaking,
                path,
                Some(from.clone()),
                Some(to.clone()),
                format!("type changed from {from} to {to}"),
                here_new,
            );
            return;
        }
        if o.unresolved.is_some() {
            // Both sides are the same unresolvable reference: nothing more to compare.
            return;
        }

        // Rust type name.
        let mut renames = node.renames;
        if renames
            && let (Some(ot), Some(nt)) = (&old_type, &new_type)
            && ot != nt
        {
            self.push(
                K::TypeRenamed,
                C::Breaking,
                path.clone(),
                Some(ot.clone()),
                Some(nt.clone()),
                format!("generated type renamed from types::{ot} to types::{nt}"),
                vec![naming::type_item(ot), naming::type_item(nt)],
            );
            renames = false;
        }

        // Enum values.
        if let (Some(ov), Some(nv)) = (&o.enum_values, &n.enum_values) {
            for v in nv.iter().filter(|v| !ov.contains(v)) {
                let (kind, class) = match dir {
                    Dir::Response => (K::ResponseEnumValueAdded, C::Breaking),
                    Dir::Request => (K::RequestEnumValueAdded, C::NonBreaking),
                };
                let items = match &new_type {
                    Some(t) => vec![naming::variant_item(t, v)],
                    None => here_new.clone(),
                };
                self.push(
                    kind,
                    class,
                    path.clone(),
                    None,
                    Some(show(v)),
                    format!("enum value {v} added"),
                    items,
                );
            }
            for v in ov.iter().filter(|v| !nv.contains(v)) {
                let (kind, class) = match dir {
                    Dir::Response => (K::ResponseEnumValueRemoved, C::NonBreaking),
                    Dir::Request => (K::RequestEnumValueRemoved, C::Breaking),
                };
                let items = match &old_type {
                    Some(t) => vec![naming::variant_item(t, v)],
                    None => here_old.clone(),
                };
                self.push(
                    kind,
                    class,
                    path.clone(),
                    Some(show(v)),
                    None,
                    format!("enum value {v} removed"),
                    items,
                );
            }
        }

        // Constraints and default.
        let keys: BTreeSet<&String> = o.constraints.keys().chain(n.constraints.keys()).collect();
        for key in keys {
            let (ov, nv) = (o.constraints.get(key), n.constraints.get(key));
            if ov == nv {
                continue;
            }
            let tighter = tightens(key, ov, nv);
            let (kind, class) = match (dir, tighter) {
                (Dir::Request, true) => (K::RequestConstraintTightened, C::Breaking),
                (Dir::Request, false) => (K::RequestConstraintRelaxed, C::NonBreaking),
                (Dir::Response, true) => (K::ResponseConstraintTightened, C::NonBreaking),
                (Dir::Response, false) => (K::ResponseConstraintRelaxed, C::Breaking),
            };
            self.push(
                kind,
                class,
                path.clone(),
                ov.map(show),
                nv.map(show),
                change_message(key, ov, nv),
                here_new.clone(),
            );
            // typify picks the integer type from the lower bound (i64, u64, NonZeroU64).
            if n.types.iter().any(|t| t == "integer")
                && integer_kind(&o.constraints) != integer_kind(&n.constraints)
                && let Some(p) = self.pending.last_mut()
            {
                p.rust = Some(C::Breaking);
            }
        }
        if o.default != n.default {
            self.push(
                K::DefaultChanged,
                C::NonBreaking,
                path.clone(),
                o.default.as_ref().map(show),
                n.default.as_ref().map(show),
                change_message("default", o.default.as_ref(), n.default.as_ref()),
                here_new.clone(),
            );
        }

        // Object members.
        let old_struct = old_type
            .clone()
            .filter(|_| !o.properties.is_empty() || o.composed);
        let new_struct = new_type
            .clone()
            .filter(|_| !n.properties.is_empty() || n.composed);
        let names: BTreeSet<&String> = o.properties.keys().chain(n.properties.keys()).collect();
        for name in names {
            let old_field = old_struct.as_deref().map(|s| naming::field_item(s, name));
            let new_field = new_struct.as_deref().map(|s| naming::field_item(s, name));
            let member_path = format!("{}{}", path, format_args!("/{name}"));
            match (o.properties.get(name), n.properties.get(name)) {
                (Some(_), None) => {
                    let kind = match dir {
                        Dir::Response => K::ResponseFieldRemoved,
                        Dir::Request => K::RequestFieldRemoved,
                    };
                    self.push(
                        kind,
                        C::Breaking,
                        member_path,
                        Some(name.clone()),
                        None,
                        "field removed".into(),
                        old_field.map_or_else(|| here_old.clone(), |f| vec![f]),
                    );
                }
                (None, Some(_)) => {
                    let required = n.required.contains(name);
                    let (kind, class, message) = match (dir, required) {
                        (Dir::Response, _) => {
                            (K::ResponseFieldAdded, C::NonBreaking, "field added")
                        }
                        (Dir::Request, true) => {
                            (K::RequestFieldAdded, C::Breaking, "required field added")
                        }
                        (Dir::Request, false) => {
                            (K::RequestFieldAdded, C::NonBreaking, "optional field added")
                        }
                    };
                    self.push(
                        kind,
                        class,
                        member_path,
                        None,
                        Some(name.clone()),
                        message.into(),
                        new_field.map_or_else(|| here_new.clone(), |f| vec![f]),
                    );
                }
                (Some(os), Some(ns)) => {
                    let (was, is) = (o.required.contains(name), n.required.contains(name));
                    let items = new_field
                        .clone()
                        .map_or_else(|| here_new.clone(), |f| vec![f]);
                    let required_change = match (dir, was, is) {
                        (Dir::Request, false, true) => {
                            Some((K::RequestFieldBecameRequired, C::Breaking))
                        }
                        (Dir::Request, true, false) => {
                            Some((K::RequestFieldBecameOptional, C::NonBreaking))
                        }
                        (Dir::Response, true, false) => {
                            Some((K::ResponseFieldBecameOptional, C::Breaking))
                        }
                        (Dir::Response, false, true) => {
                            Some((K::ResponseFieldBecameRequired, C::NonBreaking))
                        }
                        _ => None,
                    };
                    if let Some((kind, class)) = required_change {
                        let word = |r: bool| if r { "required" } else { "optional" };
                        self.push(
                            kind,
                            class,
                            member_path,
                            Some(word(was).into()),
                            Some(word(is).into()),
                            format!("field became {}", word(is)),
                            items,
                        );
                    }
                    let child = Node {
                        path: node.with_segment(name),
                        old_name: old_type
                            .as_deref()
                            .map(|b| naming::property_suggestion(b, name)),
                        new_name: new_type
                            .as_deref()
                            .map(|b| naming::property_suggestion(b, name)),
                        old_field: old_field.or_else(|| node.old_field.clone()),
                        new_field: new_field.or_else(|| node.new_field.clone()),
                        renames,
                        optional_both: !was && !is,
                    };
                    self.schema(&child, os, ns, depth + 1);
                }
                (None, None) => {}
            }
        }

        // Array items (a missing `items` is "any").
        if o.items.is_some() || n.items.is_some() {
            let child = Node {
                path: node.items_path(),
                old_name: array_base(o, node.old_name.as_deref())
                    .map(|b| naming::item_suggestion(&b)),
                new_name: array_base(n, node.new_name.as_deref())
                    .map(|b| naming::item_suggestion(&b)),
                old_field: node.old_field.clone(),
                new_field: node.new_field.clone(),
                renames,
                optional_both: false,
            };
            self.schema(
                &child,
                o.items.unwrap_or(&ANY),
                n.items.unwrap_or(&ANY),
                depth + 1,
            );
        }

        // Map values.
        match (&o.additional, &n.additional) {
            (Additional::Schema(os), Additional::Schema(ns)) => {
                let value_name = |x: &Norm<'a>, suggested: Option<&str>| {
                    if x.properties.is_empty() {
                        array_base(x, suggested).map(|b| naming::map_value_suggestion(&b))
                    } else {
                        None
                    }
                };
                let child = Node {
                    path: node.with_segment("*"),
                    old_name: value_name(o, node.old_name.as_deref()),
                    new_name: value_name(n, node.new_name.as_deref()),
                    old_field: node.old_field.clone(),
                    new_field: node.new_field.clone(),
                    renames,
                    optional_both: false,
                };
                self.schema(&child, os, ns, depth + 1);
            }
            (oa, na) if !(oa.allows_any() && na.allows_any()) => {
                let same_bool = matches!(
                    (oa, na),
                    (Additional::Allowed(false), Additional::Allowed(false))
                );
                if !same_bool {
                    let typed = oa.is_schema() || na.is_schema();
                    let tightened = oa.allows_any() && !na.allows_any();
                    let class = if typed || (dir == Dir::Request && tightened) {
                        C::Breaking
                    } else {
                        C::NonBreaking
                    };
                    self.push(
                        K::AdditionalPropertiesChanged,
                        class,
                        path.clone(),
                        Some(oa.describe().into()),
                        Some(na.describe().into()),
                        format!(
                            "additional properties changed from {} to {}",
                            oa.describe(),
                            na.describe()
                        ),
                        here_new.clone(),
                    );
                }
            }
            _ => {}
        }

        // Union branches (same count, else the type signature differed above).
        for (i, (ob, nb)) in o.union.iter().zip(n.union.iter()).enumerate() {
            let child = Node {
                path: node.with_segment(&format!("oneOf[{i}]")),
                old_name: None,
                new_name: None,
                old_field: node.old_field.clone().or_else(|| here_old.first().cloned()),
                new_field: node.new_field.clone().or_else(|| here_new.first().cloned()),
                renames: false,
                optional_both: false,
            };
            self.schema(&child, ob, nb, depth + 1);
        }
    }
}

fn flag(v: &[bool], i: usize) -> bool {
    v.get(i).copied().unwrap_or(false)
}

fn set(v: &mut [bool], i: usize) {
    if let Some(x) = v.get_mut(i) {
        *x = true;
    }
}

/// `changed`, `added` or `removed`.
fn verb<T>(old: &Option<T>, new: &Option<T>) -> &'static str {
    match (old, new) {
        (None, Some(_)) => "added",
        (Some(_), None) => "removed",
        _ => "changed",
    }
}

fn change_message(key: &str, old: Option<&Value>, new: Option<&Value>) -> String {
    match (old, new) {
        (None, Some(n)) => format!("{key} added ({})", show(n)),
        (Some(o), None) => format!("{key} removed (was {})", show(o)),
        (Some(o), Some(n)) => format!("{key} changed from {} to {}", show(o), show(n)),
        (None, None) => format!("{key} unchanged"),
    }
}

/// Whether a change of a validation keyword accepts fewer values than before.
fn tightens(key: &str, old: Option<&Value>, new: Option<&Value>) -> bool {
    let num = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    };
    let lower_bound = matches!(
        key,
        "minimum" | "exclusiveMinimum" | "minLength" | "minItems" | "minProperties"
    );
    let upper_bound = matches!(
        key,
        "maximum" | "exclusiveMaximum" | "maxLength" | "maxItems" | "maxProperties"
    );
    match (old, new) {
        (None, Some(_)) => true,
        (Some(_), None) => false,
        (Some(o), Some(n)) => match (num(o), num(n)) {
            (Some(a), Some(b)) if lower_bound => b > a,
            (Some(a), Some(b)) if upper_bound => b < a,
            (Some(a), Some(b)) if key == "uniqueItems" => b > a,
            _ => true,
        },
        (None, None) => false,
    }
}

/// `types::<Name>` of the inline JSON schema of a body or response, if typify names it.
fn inline_root_type(spec: &Spec, holder: &Value, suggestion: &str) -> Option<String> {
    let schema = json_schema(holder)?;
    let mut steps = 10_000;
    let n = normalize::normalize_with(spec, schema, &mut steps);
    if n.ref_name.is_some() {
        return None;
    }
    actual_name(&n, Some(suggestion)).map(|name| naming::type_item(&name))
}

fn json_schema(holder: &Value) -> Option<&Value> {
    let content = holder.get("content")?.as_object()?;
    content
        .iter()
        .find(|(m, _)| is_json_media(m))
        .and_then(|(_, media)| media.get("schema"))
}

fn parameter_schema(p: &Value) -> Option<&Value> {
    p.get("schema").or_else(|| {
        p.get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.values().next())
            .and_then(|m| m.get("schema"))
    })
}

/// The Rust integer type typify generates for these bounds: 0 = `i64`, 1 = `u64`
/// (`minimum` >= 0), 2 = `NonZeroU64` (`minimum` >= 1 or `exclusiveMinimum` >= 0).
fn integer_kind(constraints: &BTreeMap<String, Value>) -> u8 {
    let min = constraints.get("minimum").and_then(Value::as_f64);
    let exclusive = constraints.get("exclusiveMinimum").and_then(Value::as_f64);
    match (min, exclusive) {
        (Some(m), _) if m >= 1.0 => 2,
        (_, Some(e)) if e >= 0.0 => 2,
        (Some(m), _) if m >= 0.0 => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(yaml: &str) -> Spec {
        Spec::from_yaml_str(yaml, "t").unwrap()
    }

    /// A one-operation spec whose 200 response is `response` and whose query parameter `n` has
    /// the schema `param`.
    fn one_op(response: &str, param: &str) -> Spec {
        spec(&format!(
            r#"
openapi: 3.1.0
info: {{title: t, version: '1'}}
paths:
  /x:
    get:
      operationId: getX
      parameters:
        - {{name: n, in: query, schema: {param}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {response}
"#
        ))
    }

    fn kinds(report: &Report) -> Vec<(K, C, C)> {
        report
            .changes
            .iter()
            .map(|c| (c.kind, c.classification, c.http))
            .collect()
    }

    #[test]
    fn path_shapes_ignore_parameter_names() {
        assert_eq!(path_shape("/a/{id}/b/{x}"), "/a/{}/b/{}");
        assert_eq!(path_shape("/a/{id}"), path_shape("/a/{bulk_call_id}"));
        assert_ne!(path_shape("/a/{id}"), path_shape("/b/{id}"));
    }

    #[test]
    fn statuses_and_media_types() {
        assert!(is_success_status("200") && is_success_status("2XX"));
        assert!(is_success_status("default"));
        assert!(!is_success_status("404"));
        assert!(is_json_media("application/json; charset=utf-8"));
        assert!(is_json_media("application/problem+json"));
        assert!(!is_json_media("multipart/form-data"));
    }

    #[test]
    fn tightening_follows_the_direction_of_each_bound() {
        let (one, two) = (json!(1), json!(2));
        for key in [
            "minimum",
            "exclusiveMinimum",
            "minLength",
            "minItems",
            "minProperties",
        ] {
            assert!(tightens(key, Some(&one), Some(&two)), "{key} up");
            assert!(!tightens(key, Some(&two), Some(&one)), "{key} down");
        }
        for key in [
            "maximum",
            "exclusiveMaximum",
            "maxLength",
            "maxItems",
            "maxProperties",
        ] {
            assert!(!tightens(key, Some(&one), Some(&two)), "{key} up");
            assert!(tightens(key, Some(&two), Some(&one)), "{key} down");
        }
        assert!(tightens("pattern", None, Some(&json!("^a"))));
        assert!(!tightens("pattern", Some(&json!("^a")), None));
        assert!(tightens("pattern", Some(&json!("^a")), Some(&json!("^b"))));
        assert!(tightens(
            "uniqueItems",
            Some(&json!(false)),
            Some(&json!(true))
        ));
        assert!(!tightens(
            "uniqueItems",
            Some(&json!(true)),
            Some(&json!(false))
        ));
    }

    #[test]
    fn messages_and_verbs() {
        assert_eq!(verb(&None::<u8>, &Some(1)), "added");
        assert_eq!(verb(&Some(1), &None::<u8>), "removed");
        assert_eq!(verb(&Some(1), &Some(2)), "changed");
        assert_eq!(
            change_message("maximum", Some(&json!(150)), Some(&json!(100))),
            "maximum changed from 150 to 100"
        );
        assert_eq!(
            change_message("pattern", None, Some(&json!("^\\+"))),
            "pattern added (^\\+)"
        );
    }

    #[test]
    fn integer_kinds_follow_typify() {
        let c = |pairs: &[(&str, Value)]| -> BTreeMap<String, Value> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect()
        };
        assert_eq!(integer_kind(&c(&[])), 0);
        assert_eq!(integer_kind(&c(&[("minimum", json!(-5))])), 0);
        assert_eq!(integer_kind(&c(&[("minimum", json!(0))])), 1);
        assert_eq!(integer_kind(&c(&[("minimum", json!(1))])), 2);
        assert_eq!(integer_kind(&c(&[("exclusiveMinimum", json!(0))])), 2);
        assert_eq!(integer_kind(&c(&[("maximum", json!(10))])), 0);
    }

    /// The Rust view of nullability depends on the property: optional properties are
    /// `Option<T>` either way; a required one goes from `T` to `Option<T>`.
    #[test]
    fn nullability_is_breaking_in_rust_only_where_the_rust_type_changes() {
        let optional_old = one_op(
            "{type: object, properties: {a: {type: string}}}",
            "{type: integer}",
        );
        let optional_new = one_op(
            "{type: object, properties: {a: {type: [string, 'null']}}}",
            "{type: integer}",
        );
        let r = diff(&optional_old, &optional_new);
        assert_eq!(
            kinds(&r),
            [(K::ResponseBecameNullable, C::NonBreaking, C::Breaking)]
        );

        let required_old = one_op(
            "{type: object, required: [a], properties: {a: {type: string}}}",
            "{type: integer}",
        );
        let required_new = one_op(
            "{type: object, required: [a], properties: {a: {type: [string, 'null']}}}",
            "{type: integer}",
        );
        let r = diff(&required_old, &required_new);
        assert_eq!(
            kinds(&r),
            [(K::ResponseBecameNullable, C::Breaking, C::Breaking)]
        );
    }

    #[test]
    fn a_lower_bound_that_retypes_an_integer_is_breaking_in_rust() {
        let old = one_op("{type: object}", "{type: integer}");
        let up = one_op("{type: object}", "{type: integer, minimum: 1}");
        let r = diff(&old, &up);
        assert_eq!(
            kinds(&r),
            [(K::RequestConstraintTightened, C::Breaking, C::Breaking)]
        );
        // A bound that keeps the type (a maximum) is not.
        let max = one_op("{type: object}", "{type: integer, maximum: 150}");
        let r = diff(&old, &max);
        assert_eq!(
            kinds(&r),
            [(K::RequestConstraintTightened, C::NonBreaking, C::Breaking)]
        );
    }

    #[test]
    fn parameter_serialization_is_wire_only() {
        let old = one_op("{type: object}", "{type: array, items: {type: string}}");
        let mut doc = old.document().clone();
        doc["paths"]["/x"]["get"]["parameters"][0]["explode"] = json!(false);
        let new = Spec::from_yaml_str(&doc.to_string(), "t").unwrap();
        let r = diff(&old, &new);
        assert_eq!(
            kinds(&r),
            [(K::RequestTypeChanged, C::NonBreaking, C::Breaking)]
        );
    }

    #[test]
    fn identical_specs_have_no_changes() {
        let s = one_op("{type: object}", "{type: integer}");
        let r = diff(&s, &s);
        assert!(r.changes.is_empty(), "{:?}", r.changes);
        assert_eq!(r.suggested_bump, crate::Bump::None);
    }
}
