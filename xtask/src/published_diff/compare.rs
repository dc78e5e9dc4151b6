//! The comparison of one operation of our spec with its published form (see `mod.rs` for the
//! rules).

use std::collections::BTreeSet;

use omnidim_spec::Spec;
use serde::Serialize;
use serde_json::Value;

use super::ts::{Module, Object, Ty};

/// The JSON primitive types a schema or a TypeScript type allows. `integer` is `Number`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prim {
    String,
    Number,
    Boolean,
    Null,
    Object,
    Array,
}

impl Prim {
    fn name(self) -> &'static str {
        match self {
            Prim::String => "string",
            Prim::Number => "number",
            Prim::Boolean => "boolean",
            Prim::Null => "null",
            Prim::Object => "object",
            Prim::Array => "array",
        }
    }

    /// The words an extension may use to name this type.
    fn words(self) -> &'static [&'static str] {
        match self {
            Prim::String => &["string", "str"],
            Prim::Number => &["number", "integer", "int", "float"],
            Prim::Boolean => &["boolean", "bool"],
            Prim::Null => &["null", "nullable"],
            Prim::Object => &["object", "map", "dict", "record"],
            Prim::Array => &["array", "list"],
        }
    }
}

/// What kind of difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The operation is published but not in our spec.
    Operation,
    Path,
    Method,
    /// Published, absent from ours.
    Missing,
    /// In ours, not published.
    Extra,
    Required,
    Type,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Operation => "operation",
            Kind::Path => "path",
            Kind::Method => "method",
            Kind::Missing => "missing",
            Kind::Extra => "extra",
            Kind::Required => "required",
            Kind::Type => "type",
        }
    }
}

/// One difference between our spec and the published types.
#[derive(Clone, Debug, Serialize)]
pub struct Difference {
    pub operation: String,
    /// `path`, `method`, `query.NAME`, `path.NAME`, `body`, `body.a[].b`, `200`, `200.a.b`.
    pub location: String,
    pub kind: Kind,
    pub ours: String,
    pub published: String,
    /// The extension that explains the difference: `KEY at POINTER`.
    pub explained_by: Option<String>,
}

type Node<'s> = (String, &'s Value);

/// The schema nodes that make up one schema of ours: the schema as written, the targets of its
/// `$ref`s and its `oneOf`/`anyOf`/`allOf` branches, recursively.
#[derive(Default)]
struct Ours<'s> {
    nodes: Vec<Node<'s>>,
    prims: BTreeSet<Prim>,
    /// Property name, required, the property schema as written (pointer, value).
    props: Vec<(String, bool, Node<'s>)>,
    items: Vec<Node<'s>>,
}

impl<'s> Ours<'s> {
    fn of(spec: &'s Spec, nodes: &[Node<'s>]) -> Self {
        let mut out = Ours::default();
        let mut required = BTreeSet::new();
        for (p, v) in nodes {
            out.expand(spec, p.clone(), v, &mut required, 0);
        }
        for prop in &mut out.props {
            prop.1 = required.contains(&prop.0);
        }
        out
    }

    fn expand(
        &mut self,
        spec: &'s Spec,
        pointer: String,
        v: &'s Value,
        required: &mut BTreeSet<String>,
        depth: usize,
    ) {
        if depth > 32 {
            return;
        }
        self.nodes.push((pointer.clone(), v));
        if let Some(r) = v.get("$ref").and_then(Value::as_str)
            && let Some(target) = spec.resolve_ref(r)
        {
            self.expand(
                spec,
                r.trim_start_matches('#').to_string(),
                target,
                required,
                depth + 1,
            );
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(branches) = v.get(key).and_then(Value::as_array) {
                for (i, b) in branches.iter().enumerate() {
                    self.expand(spec, format!("{pointer}/{key}/{i}"), b, required, depth + 1);
                }
            }
        }
        let mut typed = false;
        match v.get("type") {
            Some(Value::String(t)) => {
                typed = true;
                self.add_type(t);
            }
            Some(Value::Array(ts)) => {
                typed = true;
                for t in ts.iter().filter_map(Value::as_str) {
                    self.add_type(t);
                }
            }
            _ => {}
        }
        if v.get("nullable") == Some(&Value::Bool(true)) {
            self.prims.insert(Prim::Null);
        }
        if !typed {
            let values: Vec<&Value> = match (v.get("enum"), v.get("const")) {
                (Some(Value::Array(e)), _) => e.iter().collect(),
                (_, Some(c)) => vec![c],
                _ => Vec::new(),
            };
            for value in values {
                self.prims.insert(match value {
                    Value::Null => Prim::Null,
                    Value::Bool(_) => Prim::Boolean,
                    Value::Number(_) => Prim::Number,
                    Value::String(_) => Prim::String,
                    Value::Array(_) => Prim::Array,
                    Value::Object(_) => Prim::Object,
                });
            }
            if v.get("properties").is_some() {
                self.prims.insert(Prim::Object);
            }
            if v.get("items").is_some() {
                self.prims.insert(Prim::Array);
            }
        }
        if let Some(names) = v.get("required").and_then(Value::as_array) {
            required.extend(names.iter().filter_map(Value::as_str).map(str::to_string));
        }
        if let Some(props) = v.get("properties").and_then(Value::as_object) {
            for (name, schema) in props {
                if !self.props.iter().any(|p| &p.0 == name) {
                    let at = omnidim_spec::pointer::push(&format!("{pointer}/properties"), name);
                    self.props.push((name.clone(), false, (at, schema)));
                }
            }
        }
        if let Some(items) = v.get("items") {
            self.items.push((format!("{pointer}/items"), items));
        }
    }

    fn add_type(&mut self, t: &str) {
        self.prims.insert(match t {
            "string" => Prim::String,
            "integer" | "number" => Prim::Number,
            "boolean" => Prim::Boolean,
            "null" => Prim::Null,
            "object" => Prim::Object,
            _ => Prim::Array,
        });
    }

    fn prop(&self, name: &str) -> Option<&(String, bool, Node<'s>)> {
        self.props.iter().find(|p| p.0 == name)
    }
}

/// A published type flattened: its primitive types, merged object members, array items.
#[derive(Default)]
struct Published<'m> {
    any: bool,
    prims: BTreeSet<Prim>,
    props: Vec<(String, bool, Vec<&'m Ty>)>,
    items: Vec<&'m Ty>,
}

impl<'m> Published<'m> {
    fn of(module: &'m Module, tys: &[&'m Ty]) -> Self {
        let mut out = Published::default();
        for ty in tys {
            out.flatten(module, ty, 0);
        }
        out
    }

    fn flatten(&mut self, module: &'m Module, ty: &'m Ty, depth: usize) {
        if depth > 64 {
            return;
        }
        match ty {
            Ty::String | Ty::StringLit(_) => {
                self.prims.insert(Prim::String);
            }
            Ty::Number | Ty::NumberLit(_) => {
                self.prims.insert(Prim::Number);
            }
            Ty::Boolean | Ty::BooleanLit(_) => {
                self.prims.insert(Prim::Boolean);
            }
            Ty::Null => {
                self.prims.insert(Prim::Null);
            }
            Ty::Unknown => self.any = true,
            Ty::Never => {}
            Ty::Object(object) => self.object(object),
            Ty::Array(items) => {
                self.prims.insert(Prim::Array);
                self.items.push(items);
            }
            Ty::Union(members) | Ty::Intersection(members) => {
                for m in members {
                    self.flatten(module, m, depth + 1);
                }
            }
            Ty::Indexed(name, keys) => {
                if let Some(target) = module.lookup(name, keys) {
                    self.flatten(module, target, depth + 1);
                } else {
                    self.any = true;
                }
            }
            Ty::Generic(_, _) => {
                // `Record<string, V>` (the only generic the reader accepts): an object with no
                // named members.
                self.prims.insert(Prim::Object);
            }
        }
    }

    fn object(&mut self, object: &'m Object) {
        self.prims.insert(Prim::Object);
        for p in &object.props {
            match self.props.iter_mut().find(|e| e.0 == p.name) {
                Some(e) => {
                    e.1 |= !p.optional;
                    e.2.push(&p.ty);
                }
                None => self.props.push((p.name.clone(), !p.optional, vec![&p.ty])),
            }
        }
    }
}

fn prims_text(prims: &BTreeSet<Prim>, any: bool) -> String {
    if any || prims.is_empty() {
        return "any".into();
    }
    prims
        .iter()
        .map(|p| p.name())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The text of every `x-omnidim-*` extension of a node, with its key.
fn extensions(node: &Value) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    if let Some(map) = node.as_object() {
        for (k, v) in map {
            if k.starts_with("x-omnidim-") {
                let mut text = String::new();
                flatten_text(v, &mut text);
                out.push((k.as_str(), text));
            }
        }
    }
    out
}

fn flatten_text(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Array(a) => a.iter().for_each(|x| flatten_text(x, out)),
        Value::Object(m) => {
            for (k, x) in m {
                out.push_str(k);
                out.push(' ');
                flatten_text(x, out);
            }
        }
        other => out.push_str(&other.to_string()),
    }
    out.push(' ');
}

/// `word` occurs in `text` as a whole token (not inside a longer identifier).
fn mentions(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let lower = text.to_ascii_lowercase();
    let word = word.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower.get(from..).and_then(|s| s.find(&word)) {
        let start = from + i;
        let end = start + word.len();
        let before = lower.get(..start).and_then(|s| s.chars().next_back());
        let after = lower.get(end..).and_then(|s| s.chars().next());
        if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
            return true;
        }
        from = end;
    }
    false
}

/// The first extension of `nodes` that satisfies `pred(key, text)`, as `KEY at POINTER`.
fn find_extension(nodes: &[Node<'_>], pred: impl Fn(&str, &str) -> bool) -> Option<String> {
    for (pointer, v) in nodes {
        for (key, text) in extensions(v) {
            if pred(key, &text) {
                return Some(format!("{key} at {}", display_pointer(pointer)));
            }
        }
    }
    None
}

fn display_pointer(p: &str) -> String {
    format!("#{p}")
}

/// A node marked as following the Python SDK.
fn python_sdk(nodes: &[Node<'_>]) -> Option<String> {
    for (pointer, v) in nodes {
        if let Some(source) = v.get("x-omnidim-source").and_then(Value::as_str)
            && source.trim().starts_with("python-sdk")
        {
            return Some(format!(
                "x-omnidim-source: {} at {}",
                source.trim(),
                display_pointer(pointer)
            ));
        }
    }
    None
}

/// Where a schema sits, for explanations: the nodes of the property itself (and of the array
/// property around items), the nodes of the enclosing object, and every node above.
#[derive(Clone, Default)]
struct Ctx<'s> {
    own: Vec<Node<'s>>,
    parent: Vec<Node<'s>>,
    above: Vec<Node<'s>>,
    /// The operation, and the parameter, request body or response (with its media type).
    top: Vec<Node<'s>>,
}

impl<'s> Ctx<'s> {
    fn all(&self) -> Vec<Node<'s>> {
        let mut v = self.top.clone();
        v.extend(self.above.iter().cloned());
        v.extend(self.parent.iter().cloned());
        v.extend(self.own.iter().cloned());
        v
    }

    /// The nodes whose extensions may mention a member of this object by name: the object's
    /// own and the top-level ones, not those of enclosing properties (their notes are about
    /// themselves).
    fn mention_scope(&self) -> Vec<Node<'s>> {
        let mut v = self.top.clone();
        v.extend(self.own.iter().cloned());
        v
    }
}

pub struct Comparer<'a> {
    pub spec: &'a Spec,
    pub module: &'a Module,
    pub operation: String,
    pub out: Vec<Difference>,
}

impl<'a> Comparer<'a> {
    fn push(
        &mut self,
        location: &str,
        kind: Kind,
        ours: String,
        published: String,
        why: Option<String>,
    ) {
        self.out.push(Difference {
            operation: self.operation.clone(),
            location: location.to_string(),
            kind,
            ours,
            published,
            explained_by: why,
        });
    }

    /// Compare the schema of ours at `ctx.own` with the published type (the union of
    /// `published`). `also` are nodes of an enclosing array property whose extensions may explain
    /// a type difference of its items.
    fn schema(
        &mut self,
        location: &str,
        ctx: &Ctx<'a>,
        also: &[Node<'a>],
        published: &[&'a Ty],
        check_required: bool,
    ) {
        let ours = Ours::of(self.spec, &ctx.own);
        let publ = Published::of(self.module, published);
        // After following references: an extension on a referenced component counts.
        let mut ctx = ctx.clone();
        ctx.own = ours.nodes.clone();
        if !publ.any && (ours.prims.is_empty() || ours.prims != publ.prims) {
            let names_published = |_: &str, text: &str| {
                publ.prims
                    .iter()
                    .all(|p| p.words().iter().any(|w| mentions(text, w)))
            };
            let why = python_sdk(&ctx.all())
                .or_else(|| find_extension(&ctx.own, names_published))
                .or_else(|| find_extension(also, names_published));
            self.push(
                location,
                Kind::Type,
                prims_text(&ours.prims, false),
                prims_text(&publ.prims, false),
                why,
            );
        }
        if ours.prims.contains(&Prim::Object) && publ.prims.contains(&Prim::Object) {
            self.object(location, &ctx, &ours, &publ, check_required);
        }
        if ours.prims.contains(&Prim::Array) && publ.prims.contains(&Prim::Array) {
            // The items belong to the array property: it is their parent for mentions, and its
            // extensions may explain a difference of the items' type.
            let items = Ctx {
                own: ours.items.clone(),
                parent: ctx.parent.clone(),
                above: ctx.above.clone(),
                top: ctx.top.clone(),
            };
            self.schema(
                &format!("{location}[]"),
                &items,
                &ctx.own,
                &publ.items,
                check_required,
            );
        }
    }

    fn object(
        &mut self,
        location: &str,
        ctx: &Ctx<'a>,
        ours: &Ours<'a>,
        publ: &Published<'a>,
        check_required: bool,
    ) {
        let join = |name: &str| {
            if location.is_empty() {
                name.to_string()
            } else {
                format!("{location}.{name}")
            }
        };
        let scope = ctx.mention_scope();
        // For the members, this object is the parent; everything above it stays above.
        let mut above = ctx.above.clone();
        above.extend(ctx.parent.iter().cloned());
        let member_ctx = |site: &Node<'a>| Ctx {
            own: vec![site.clone()],
            parent: ctx.own.clone(),
            above: above.clone(),
            top: ctx.top.clone(),
        };
        for (name, pub_required, tys) in &publ.props {
            let loc = join(name);
            let Some((_, our_required, site)) = ours.prop(name) else {
                let why = python_sdk(&ctx.all())
                    .or_else(|| find_extension(&scope, |_, t| mentions(t, name)));
                let published = prims_text(&Published::of(self.module, tys).prims, false);
                self.push(&loc, Kind::Missing, "absent".into(), published, why);
                continue;
            };
            let member = member_ctx(site);
            if check_required && our_required != pub_required {
                let own_nodes = Ours::of(self.spec, &member.own).nodes;
                let why = python_sdk(&member.all())
                    .or_else(|| published_required(&ctx.own, &own_nodes, name, *pub_required))
                    .or_else(|| find_extension(&own_nodes, |_, t| mentions(t, "required")))
                    .or_else(|| {
                        find_extension(&scope, |_, t| mentions(t, "required") && mentions(t, name))
                    });
                self.push(
                    &loc,
                    Kind::Required,
                    required_text(*our_required),
                    required_text(*pub_required),
                    why,
                );
            }
            self.schema(&loc, &member, &[], tys, check_required);
        }
        for (name, _, site) in &ours.props {
            if publ.props.iter().any(|p| &p.0 == name) {
                continue;
            }
            let loc = join(name);
            let member = member_ctx(site);
            let resolved = Ours::of(self.spec, &member.own);
            let mut all = member.all();
            all.extend(resolved.nodes.iter().cloned());
            let why = python_sdk(&all)
                .or_else(|| {
                    find_extension(std::slice::from_ref(site), |key, t| {
                        (key == "x-omnidim-source" && !t.trim().starts_with("openapi"))
                            || mentions(t, "published")
                            || mentions(t, "publish")
                    })
                })
                .or_else(|| find_extension(&scope, |_, t| mentions(t, name)));
            self.push(
                &loc,
                Kind::Extra,
                prims_text(&resolved.prims, false),
                "absent".into(),
                why,
            );
        }
    }
}

fn required_text(required: bool) -> String {
    if required { "required" } else { "optional" }.into()
}

/// `x-omnidim-published-required` that agrees with the published required-ness: a list on the
/// enclosing object, or a boolean on the member.
fn published_required(
    parent: &[Node<'_>],
    own: &[Node<'_>],
    name: &str,
    pub_required: bool,
) -> Option<String> {
    for (pointer, v) in parent {
        if let Some(Value::Array(list)) = v.get("x-omnidim-published-required") {
            let listed = list.iter().any(|x| x.as_str() == Some(name));
            if listed == pub_required {
                return Some(format!(
                    "x-omnidim-published-required at {}",
                    display_pointer(pointer)
                ));
            }
        }
    }
    for (pointer, v) in own {
        if v.get("x-omnidim-published-required") == Some(&Value::Bool(pub_required)) {
            return Some(format!(
                "x-omnidim-published-required at {}",
                display_pointer(pointer)
            ));
        }
    }
    None
}

/// One published operation: where the published types put it.
pub struct PublishedOperation<'m> {
    pub id: String,
    pub path: String,
    /// Lower case, as the TypeScript member is named (`get`, `post`, ...).
    pub method: String,
    pub ty: &'m Object,
}

fn member<'m>(object: &'m Object, name: &str) -> Option<(&'m Ty, bool)> {
    object.get(name).map(|p| (&p.ty, p.optional))
}

fn as_object<'m>(module: &'m Module, ty: &'m Ty) -> Option<&'m Object> {
    match ty {
        Ty::Object(o) => Some(o),
        Ty::Indexed(name, keys) => match module.lookup(name, keys)? {
            Ty::Object(o) => Some(o),
            _ => None,
        },
        _ => None,
    }
}

/// The `application/json` type of a published `{content: {...}}`, if any.
fn json_content<'m>(module: &'m Module, holder: &'m Ty) -> Option<&'m Ty> {
    let holder = as_object(module, holder)?;
    let (content, _) = member(holder, "content")?;
    let content = as_object(module, content)?;
    member(content, "application/json").map(|(t, _)| t)
}

fn media_schema<'s>(
    spec: &'s Spec,
    pointer: &str,
    holder: &'s Value,
) -> (Vec<Node<'s>>, Option<Node<'s>>) {
    let mut top: Vec<Node<'s>> = vec![(pointer.to_string(), holder)];
    let mut holder = holder;
    let mut pointer = pointer.to_string();
    if let Some(r) = holder.get("$ref").and_then(Value::as_str)
        && let Some(target) = spec.resolve_ref(r)
    {
        holder = target;
        pointer = r.trim_start_matches('#').to_string();
        top.push((pointer.clone(), holder));
    }
    let Some(media) = holder
        .get("content")
        .and_then(|c| c.get("application/json"))
    else {
        return (top, None);
    };
    let media_pointer =
        omnidim_spec::pointer::push(&format!("{pointer}/content"), "application/json");
    top.push((media_pointer.clone(), media));
    let schema = media
        .get("schema")
        .map(|s| (format!("{media_pointer}/schema"), s));
    (top, schema)
}

/// Compare one published operation with ours.
pub fn operation<'a>(
    spec: &'a Spec,
    module: &'a Module,
    published: &PublishedOperation<'a>,
) -> Vec<Difference> {
    let mut c = Comparer {
        spec,
        module,
        operation: published.id.clone(),
        out: Vec::new(),
    };
    let Some(ours) = spec.operation(&published.id) else {
        c.push(
            "",
            Kind::Operation,
            "absent".into(),
            format!("{} {}", published.method.to_uppercase(), published.path),
            None,
        );
        return c.out;
    };
    let Some(op_node) = spec.document().pointer(&ours.pointer) else {
        return c.out;
    };
    let op: Node<'a> = (ours.pointer.clone(), op_node);
    let op_scope = std::slice::from_ref(&op);
    if ours.path != published.path {
        let why = find_extension(op_scope, |_, t| t.contains(&published.path));
        c.push(
            "path",
            Kind::Path,
            ours.path.clone(),
            published.path.clone(),
            why,
        );
    }
    if ours.method.key() != published.method {
        let upper = published.method.to_uppercase();
        let why = find_extension(op_scope, |_, t| t.contains(&upper));
        c.push(
            "method",
            Kind::Method,
            ours.method.as_str().to_string(),
            upper,
            why,
        );
    }
    parameters(&mut c, &op, published);
    request_body(&mut c, &op, published);
    response(&mut c, &op, published);
    c.out
}

fn parameters<'a>(c: &mut Comparer<'a>, op: &Node<'a>, published: &PublishedOperation<'a>) {
    let module = c.module;
    let published_params =
        member(published.ty, "parameters").and_then(|(t, _)| as_object(module, t));
    let ours = c.spec.parameters(&op.0);
    for place in ["query", "path"] {
        let publ: Vec<(String, bool, &'a Ty)> = published_params
            .and_then(|p| member(p, place))
            .and_then(|(t, _)| as_object(module, t))
            .map(|o| {
                o.props
                    .iter()
                    .map(|p| (p.name.clone(), !p.optional, &p.ty))
                    .collect()
            })
            .unwrap_or_default();
        // Ours, the later of two with the same name winning (operation over path level).
        let mut mine: Vec<(String, bool, Node<'a>, Node<'a>)> = Vec::new();
        for p in &ours {
            if p.value.get("in").and_then(Value::as_str) != Some(place) {
                continue;
            }
            let Some(name) = p.value.get("name").and_then(Value::as_str) else {
                continue;
            };
            let required = p.value.get("required") == Some(&Value::Bool(true));
            let entry = (p.pointer.clone(), p.value);
            let schema = p
                .value
                .get("schema")
                .map(|s| (format!("{}/schema", p.pointer), s))
                .unwrap_or_else(|| entry.clone());
            mine.retain(|m| m.0 != name);
            mine.push((name.to_string(), required, entry, schema));
        }
        for (name, pub_required, ty) in &publ {
            let loc = format!("{place}.{name}");
            let Some((_, our_required, entry, schema)) = mine.iter().find(|m| &m.0 == name) else {
                let why = find_extension(std::slice::from_ref(op), |_, t| mentions(t, name));
                let shown = prims_text(&Published::of(module, &[ty]).prims, false);
                c.push(&loc, Kind::Missing, "absent".into(), shown, why);
                continue;
            };
            let ctx = Ctx {
                own: vec![schema.clone()],
                parent: Vec::new(),
                above: Vec::new(),
                top: vec![op.clone(), entry.clone()],
            };
            if our_required != pub_required {
                let why = python_sdk(&ctx.all())
                    .or_else(|| {
                        let entry = std::slice::from_ref(entry);
                        published_required(&[], entry, name, *pub_required)
                            .or_else(|| find_extension(entry, |_, t| mentions(t, "required")))
                    })
                    .or_else(|| {
                        find_extension(std::slice::from_ref(op), |_, t| {
                            mentions(t, "required") && mentions(t, name)
                        })
                    });
                c.push(
                    &loc,
                    Kind::Required,
                    required_text(*our_required),
                    required_text(*pub_required),
                    why,
                );
            }
            // The parameter object's extensions count as the parameter's own.
            let mut own_ctx = ctx.clone();
            own_ctx.own = vec![schema.clone()];
            c.schema(&loc, &own_ctx, std::slice::from_ref(entry), &[ty], false);
        }
        for (name, _, entry, schema) in &mine {
            if publ.iter().any(|p| &p.0 == name) {
                continue;
            }
            let loc = format!("{place}.{name}");
            let resolved = Ours::of(c.spec, std::slice::from_ref(schema));
            let mut all = vec![op.clone(), entry.clone()];
            all.extend(resolved.nodes.iter().cloned());
            let why = python_sdk(&all)
                .or_else(|| {
                    find_extension(std::slice::from_ref(entry), |key, t| {
                        (key == "x-omnidim-source" && !t.trim().starts_with("openapi"))
                            || mentions(t, "published")
                            || mentions(t, "publish")
                    })
                })
                .or_else(|| find_extension(std::slice::from_ref(op), |_, t| mentions(t, name)));
            c.push(
                &loc,
                Kind::Extra,
                prims_text(&resolved.prims, false),
                "absent".into(),
                why,
            );
        }
    }
}

fn request_body<'a>(c: &mut Comparer<'a>, op: &Node<'a>, published: &PublishedOperation<'a>) {
    let module = c.module;
    let publ = member(published.ty, "requestBody").filter(|(t, _)| **t != Ty::Never);
    let ours = op.1.get("requestBody").map(|b| {
        let pointer = format!("{}/requestBody", op.0);
        let required = c
            .spec
            .deref(b)
            .and_then(|b| b.get("required"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        (media_schema(c.spec, &pointer, b), required)
    });
    let op_scope = std::slice::from_ref(op);
    match (ours, publ) {
        (None, None) => {}
        (Some(((top, _), _)), None) => {
            let mut scope = vec![op.clone()];
            scope.extend(top);
            let why = python_sdk(&scope).or_else(|| {
                find_extension(&scope, |_, t| {
                    mentions(t, "publish") || mentions(t, "published")
                })
            });
            c.push(
                "body",
                Kind::Extra,
                "request body".into(),
                "absent".into(),
                why,
            );
        }
        (None, Some(_)) => {
            let why = find_extension(op_scope, |_, t| mentions(t, "body"));
            c.push(
                "body",
                Kind::Missing,
                "absent".into(),
                "request body".into(),
                why,
            );
        }
        (Some(((top, schema), our_required)), Some((holder, optional))) => {
            let mut scope = vec![op.clone()];
            scope.extend(top.iter().cloned());
            if our_required == optional {
                let why = python_sdk(&scope)
                    .or_else(|| find_extension(&scope, |_, t| mentions(t, "required")));
                c.push(
                    "body",
                    Kind::Required,
                    required_text(our_required),
                    required_text(!optional),
                    why,
                );
            }
            let Some(pub_schema) = json_content(module, holder) else {
                return;
            };
            let Some(schema) = schema else {
                let why = find_extension(&scope, |_, t| mentions(t, "json"));
                c.push(
                    "body",
                    Kind::Missing,
                    "no application/json body".into(),
                    "application/json".into(),
                    why,
                );
                return;
            };
            let ctx = Ctx {
                own: vec![schema],
                parent: Vec::new(),
                above: Vec::new(),
                top: scope,
            };
            c.schema("body", &ctx, &[], &[pub_schema], true);
        }
    }
}

fn response<'a>(c: &mut Comparer<'a>, op: &Node<'a>, published: &PublishedOperation<'a>) {
    let module = c.module;
    let Some(pub_schema) = member(published.ty, "responses")
        .and_then(|(t, _)| as_object(module, t))
        .and_then(|r| member(r, "200"))
        .and_then(|(t, _)| json_content(module, t))
    else {
        return;
    };
    let pointer = format!("{}/responses/200", op.0);
    let Some(ours) = op.1.get("responses").and_then(|r| r.get("200")) else {
        let why = find_extension(std::slice::from_ref(op), |_, t| mentions(t, "200"));
        c.push(
            "200",
            Kind::Missing,
            "absent".into(),
            "200 response".into(),
            why,
        );
        return;
    };
    let (top, schema) = media_schema(c.spec, &pointer, ours);
    let mut scope = vec![op.clone()];
    scope.extend(top);
    let Some(schema) = schema else {
        let why = find_extension(&scope, |_, t| mentions(t, "json"));
        c.push(
            "200",
            Kind::Missing,
            "no application/json body".into(),
            "application/json".into(),
            why,
        );
        return;
    };
    let ctx = Ctx {
        own: vec![schema],
        parent: Vec::new(),
        above: Vec::new(),
        top: scope,
    };
    c.schema("200", &ctx, &[], &[pub_schema], false);
}
