//! Doc text for the generated types that the spec leaves without a `description`.
//!
//! typify documents a type with its schema's `description`, and with nothing but its own name
//! when there is none (`///`CreateBulkCallBody``): 127 types said only that. Those schemas are
//! inline request bodies, responses and their nested objects, list items and enums, and four
//! components; what the spec does say about them is said around them: the operation's summary,
//! the response's description, the parameter's description, the array's description. This pass
//! writes that, and where the schema sits, into the converted 3.0 document before progenitor
//! reads it:
//!
//! - request body: ``Request body of `createBulkCall` (`Client::create_bulk_call`): Create a
//!   bulk-call campaign.`` (the operation's summary);
//! - response: ``Response of `fetchBulkCalls` (`Client::fetch_bulk_calls`), status 200:
//!   Bulk-call campaigns.`` (the response's description);
//! - parameter: ``A value of the `call_status` query parameter of `listCallLogs`: <its
//!   description>``;
//! - nested object or enum: ``The `quota` object in the response of `canUploadFile` (status
//!   200).``; list item: ``One entry of `contact_list` in ...: <the array's description>``;
//! - component: as the one place it is used would describe it, or the places (``Used as
//!   `details` in the response of `getBulkCall`, and in 2 more places.``).
//!
//! Only schemas that become types are touched (objects with properties, string enums, unions),
//! never one with a description of its own, never a `$ref`; no API fact is added, only the
//! spec's words and the schema's place. The spec itself is not changed: this is generator input.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Fill missing descriptions; returns how many were written.
pub fn fill(doc: &mut Value) -> usize {
    let mut pass = Pass::default();
    let ops = operations(doc);
    for op in &ops {
        pass.operation(doc, op);
    }
    // Shared parameters and responses: described without an operation (one text for all users).
    for (kind, what) in [("parameters", "parameter"), ("responses", "response")] {
        let names: Vec<String> = doc
            .pointer(&format!("/components/{kind}"))
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for name in names {
            let base = format!("/components/{kind}/{}", escape(&name));
            if kind == "parameters" {
                let (pname, location, words) = parameter_words(doc, &base);
                let phrase = format!("the `{pname}` {location} parameter (`{name}`)");
                pass.schema(
                    doc,
                    &format!("{base}/schema"),
                    &phrase,
                    &lead(&phrase, &words),
                );
            } else {
                for media in keys(doc, &format!("{base}/content")) {
                    let at = format!("{base}/content/{}/schema", escape(&media));
                    let phrase = format!("the shared `{name}` {what}");
                    let words = text(doc, &format!("{base}/description"));
                    pass.schema(doc, &at, &phrase, &lead(&phrase, &words));
                }
            }
        }
    }
    let names = keys(doc, "/components/schemas");
    for name in &names {
        let at = format!("/components/schemas/{}", escape(name));
        let words = text(doc, &format!("{at}/description"));
        pass.children(doc, &at, &format!("`{name}`"), &words);
    }
    pass.fields(doc);
    // Components last, once every use of them is known.
    for name in &names {
        let at = format!("/components/schemas/{}", escape(name));
        let uses = pass.uses.get(name).cloned().unwrap_or_default();
        let words = match uses.as_slice() {
            [] => String::new(),
            // Used once: described as that place would describe an inline schema.
            [(_, lead)] => format!("{lead}."),
            [(first, _), rest @ ..] => format!(
                "Used as {first}, and in {} more place{}.",
                rest.len(),
                if rest.len() == 1 { "" } else { "s" }
            ),
        };
        if !words.is_empty() {
            pass.describe(doc, &at, words);
        }
    }
    pass.written
}

#[derive(Default)]
struct Pass {
    written: usize,
    /// Component schema name -> where it is referenced (the place's phrase, and the sentence
    /// an inline schema there would get), in document order.
    uses: BTreeMap<String, Vec<(String, String)>>,
}

struct Op {
    id: String,
    pointer: String,
    summary: Option<String>,
}

impl Pass {
    fn operation(&mut self, doc: &mut Value, op: &Op) {
        let method = super::progenitor::rust_name(&op.id);
        let who = format!("`{}` (`Client::{method}`)", op.id);
        // Request body.
        for media in keys(doc, &format!("{}/requestBody/content", op.pointer)) {
            let at = format!(
                "{}/requestBody/content/{}/schema",
                op.pointer,
                escape(&media)
            );
            let words = text(doc, &format!("{}/requestBody/description", op.pointer))
                .or_else(|| op.summary.clone());
            let lead = format!("Request body of {who}{}", colon(&words));
            self.schema(doc, &at, &format!("the request body of `{}`", op.id), &lead);
        }
        // Responses written inline (a `$ref` to components/responses is described there).
        for status in keys(doc, &format!("{}/responses", op.pointer)) {
            let base = format!("{}/responses/{}", op.pointer, escape(&status));
            if doc.pointer(&format!("{base}/$ref")).is_some() {
                continue;
            }
            for media in keys(doc, &format!("{base}/content")) {
                let at = format!("{base}/content/{}/schema", escape(&media));
                let words = text(doc, &format!("{base}/description"));
                let lead = format!("Response of {who}, status {status}{}", colon(&words));
                self.schema(
                    doc,
                    &at,
                    &format!("the response of `{}` (status {status})", op.id),
                    &lead,
                );
            }
        }
        // Parameters written inline.
        let count = doc
            .pointer(&format!("{}/parameters", op.pointer))
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for i in 0..count {
            let base = format!("{}/parameters/{i}", op.pointer);
            if doc.pointer(&format!("{base}/$ref")).is_some() {
                continue;
            }
            let (name, location, words) = parameter_words(doc, &base);
            let phrase = format!("the `{name}` {location} parameter of `{}`", op.id);
            self.schema(
                doc,
                &format!("{base}/schema"),
                &phrase,
                &lead(&phrase, &words),
            );
        }
    }

    /// The schema at `at`: record a `$ref`, or describe it (when it becomes a type and has no
    /// description) with `lead`, then its children. `phrase` names the place, for children.
    fn schema(&mut self, doc: &mut Value, at: &str, phrase: &str, lead: &str) {
        let Some(schema) = doc.pointer(at) else {
            return;
        };
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            if let Some(name) = target.strip_prefix("#/components/schemas/") {
                self.uses
                    .entry(unescape(name))
                    .or_default()
                    .push((phrase.to_string(), lead.to_string()));
            }
            return;
        }
        // The schema's own words, read before a description is written: its children quote them.
        let words = text(doc, &format!("{at}/description"));
        if becomes_a_type(schema) {
            self.describe(doc, at, format!("{lead}."));
        }
        self.children(doc, at, phrase, &words);
    }

    /// Describe the children of the schema at `at`; `words` are its own description, if any.
    fn children(&mut self, doc: &mut Value, at: &str, phrase: &str, words: &Option<String>) {
        let Some(schema) = doc.pointer(at) else {
            return;
        };
        let properties = keys(doc, &format!("{at}/properties"));
        let has_items = schema.get("items").is_some();
        let has_map = schema
            .get("additionalProperties")
            .is_some_and(Value::is_object);
        let branches: Vec<(&str, usize)> = ["oneOf", "anyOf", "allOf"]
            .into_iter()
            .filter_map(|k| {
                schema
                    .get(k)
                    .and_then(Value::as_array)
                    .map(|a| (k, a.len()))
            })
            .collect();
        for name in properties {
            let child = format!("{at}/properties/{}", escape(&name));
            let place = format!("`{name}` in {phrase}");
            let kind = doc.pointer(&child).map_or("value", kind_of);
            self.schema(
                doc,
                &child,
                &place,
                &format!("The `{name}` {kind} in {phrase}"),
            );
        }
        if has_items {
            let place = format!("an entry of {phrase}");
            self.schema(
                doc,
                &format!("{at}/items"),
                &place,
                &format!("One entry of {phrase}{}", colon(words)),
            );
        }
        if has_map {
            let place = format!("a value of {phrase}");
            self.schema(
                doc,
                &format!("{at}/additionalProperties"),
                &place,
                &format!("A value of {phrase}{}", colon(words)),
            );
        }
        for (key, len) in branches {
            for i in 0..len {
                let place = format!("a form of {phrase}");
                self.schema(
                    doc,
                    &format!("{at}/{key}/{i}"),
                    &place,
                    &format!("One form of {phrase}{}", colon(words)),
                );
            }
        }
    }

    /// Properties that stay plain fields (not types of their own) and have no description: the
    /// spec's note on them if any, and the values its documented examples give them (which is
    /// how the spec shows units and formats it does not name, e.g. `'04/22/2026 22:10:22'`).
    fn fields(&mut self, doc: &mut Value) {
        let examples = example_values(doc);
        let mut sites = Vec::new();
        for root in omnidim_spec::schema_walk::root_schema_pointers(doc) {
            collect_properties(doc, &root, 0, &mut sites);
        }
        for at in sites {
            let Some(schema) = doc.pointer(&at) else {
                continue;
            };
            if schema.get("description").is_some()
                || schema.get("$ref").is_some()
                || becomes_a_type(schema)
            {
                continue;
            }
            let mut words = Vec::new();
            if let Some(note) = text(doc, &format!("{at}/x-omnidim-note")) {
                words.push(note);
            }
            let shown: Vec<String> = examples
                .get(&at)
                .map(|vs| vs.iter().filter_map(show_example).collect())
                .unwrap_or_default();
            match shown.as_slice() {
                [] => {}
                [one] => words.push(format!("Example: {one}.")),
                many => words.push(format!("Examples: {}.", many.join(", "))),
            }
            if !words.is_empty() {
                self.describe(doc, &at, words.join(" "));
            }
        }
    }

    fn describe(&mut self, doc: &mut Value, at: &str, text: String) {
        if let Some(obj) = doc.pointer_mut(at).and_then(Value::as_object_mut)
            && !obj.contains_key("description")
        {
            let text = super::link_bare_urls(&upper_first(&text));
            obj.insert("description".into(), Value::String(text));
            self.written += 1;
        }
    }
}

/// Schemas typify turns into a type of their own: objects with properties, string enums and
/// unions. (An array is a `Vec`, an open object a map, a plain value a Rust primitive.)
fn becomes_a_type(schema: &Value) -> bool {
    let has = |k: &str| schema.get(k).is_some();
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
        || schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.iter().any(Value::is_string))
        || has("oneOf")
        || has("anyOf")
}

/// Pointers of every property schema under the schema at `at` (through items, maps and unions,
/// not through `$ref`s: each component is a root of its own).
fn collect_properties(doc: &Value, at: &str, depth: usize, out: &mut Vec<String>) {
    if depth > 32 {
        return;
    }
    let Some(schema) = doc.pointer(at) else {
        return;
    };
    for name in keys(doc, &format!("{at}/properties")) {
        let child = format!("{at}/properties/{}", escape(&name));
        out.push(child.clone());
        collect_properties(doc, &child, depth + 1, out);
    }
    if schema.get("items").is_some() {
        collect_properties(doc, &format!("{at}/items"), depth + 1, out);
    }
    if schema
        .get("additionalProperties")
        .is_some_and(Value::is_object)
    {
        collect_properties(doc, &format!("{at}/additionalProperties"), depth + 1, out);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        let len = schema
            .get(key)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for i in 0..len {
            collect_properties(doc, &format!("{at}/{key}/{i}"), depth + 1, out);
        }
    }
}

/// Schema pointer -> the values the spec's examples give it (at most 3 distinct, in document
/// order), found by walking each documented example alongside its schema.
fn example_values(doc: &Value) -> BTreeMap<String, Vec<Value>> {
    let mut out = BTreeMap::new();
    for site in omnidim_spec::schema_walk::example_sites(doc) {
        if let Some(value) = doc.pointer(&site.example) {
            pair(doc, &site.schema, value, &mut out, 0);
        }
    }
    out
}

fn pair(
    doc: &Value,
    at: &str,
    value: &Value,
    out: &mut BTreeMap<String, Vec<Value>>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    let Some(schema) = doc.pointer(at) else {
        return;
    };
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        if let Some(pointer) = target.strip_prefix('#') {
            pair(doc, pointer, value, out, depth + 1);
        }
        return;
    }
    let seen = out.entry(at.to_string()).or_default();
    if seen.len() < 3 && !seen.contains(value) {
        seen.push(value.clone());
    }
    match value {
        Value::Object(members) => {
            for (name, v) in members {
                let child = format!("{at}/properties/{}", escape(name));
                if doc.pointer(&child).is_some() {
                    pair(doc, &child, v, out, depth + 1);
                }
            }
        }
        Value::Array(elements) if schema.get("items").is_some() => {
            for v in elements.iter().take(3) {
                pair(doc, &format!("{at}/items"), v, out, depth + 1);
            }
        }
        _ => {}
    }
    // A nullable `$ref` is `allOf: [$ref]` after the conversion.
    let len = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    for i in 0..len {
        pair(doc, &format!("{at}/allOf/{i}"), value, out, depth + 1);
    }
}

/// An example value as doc text: a scalar or a short list of scalars, as JSON in backticks.
/// Placeholders (`<string>`), objects and long values say nothing and are left out.
fn show_example(value: &Value) -> Option<String> {
    let scalar = |v: &Value| match v {
        Value::String(s) => !(s.starts_with('<') && s.ends_with('>')),
        Value::Number(_) | Value::Bool(_) => true,
        _ => false,
    };
    let ok = match value {
        Value::Array(items) => !items.is_empty() && items.iter().all(scalar),
        v => scalar(v),
    };
    let text = serde_json::to_string(value).ok()?;
    (ok && text.len() <= 80 && !text.contains('`')).then(|| format!("`{text}`"))
}

/// What a property holds, for the sentence: `object`, `value`, `list`.
fn kind_of(schema: &Value) -> &'static str {
    if schema.get("enum").is_some() {
        "value"
    } else if schema.get("properties").is_some() {
        "object"
    } else if schema.get("items").is_some() {
        "list"
    } else {
        "value"
    }
}

fn operations(doc: &Value) -> Vec<Op> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            out.push(Op {
                id: id.to_string(),
                pointer: format!("/paths/{}/{}", escape(path), escape(method)),
                summary: op
                    .get("summary")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            });
        }
    }
    out
}

/// (name, location, description) of the parameter object at `at`.
fn parameter_words(doc: &Value, at: &str) -> (String, String, Option<String>) {
    let get = |k: &str| text(doc, &format!("{at}/{k}"));
    (
        get("name").unwrap_or_default(),
        get("in").unwrap_or_else(|| "query".into()),
        get("description"),
    )
}

fn lead(phrase: &str, words: &Option<String>) -> String {
    format!("A value of {phrase}{}", colon(words))
}

/// `: words` without the final period (the caller ends the sentence), or nothing.
fn colon(words: &Option<String>) -> String {
    match words.as_deref().map(str::trim) {
        Some(w) if !w.is_empty() => format!(": {}", w.trim_end_matches('.')),
        _ => String::new(),
    }
}

fn text(doc: &Value, at: &str) -> Option<String> {
    doc.pointer(at)
        .and_then(Value::as_str)
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn keys(doc: &Value, at: &str) -> Vec<String> {
    doc.pointer(at)
        .and_then(Value::as_object)
        .map(|m: &Map<String, Value>| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// RFC 6901 escaping of one token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_responses_children_and_components_get_words_from_around_them() {
        let mut doc = json!({
            "paths": {"/x": {"post": {
                "operationId": "createThing",
                "summary": "Create a thing",
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "items": {"type": "array", "description": "The parts.",
                                  "items": {"type": "object", "properties": {"a": {"type": "string"}}}},
                        "kind": {"type": "string", "enum": ["a", "b"]},
                        "said": {"type": "object", "description": "Own words.", "properties": {"b": {}}},
                        "plain": {"type": "string"},
                        "shared": {"$ref": "#/components/schemas/Shared"}
                    }
                }}}},
                "responses": {"200": {"description": "Thing created.", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}
                }}}}
            }}},
            "components": {"schemas": {"Shared": {"type": "object", "properties": {"c": {"type": "string"}}}}}
        });
        let written = fill(&mut doc);
        let body =
            &doc["paths"]["/x"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(
            body["description"],
            "Request body of `createThing` (`Client::create_thing`): Create a thing."
        );
        assert_eq!(
            body["properties"]["items"]["items"]["description"],
            "One entry of `items` in the request body of `createThing`: The parts."
        );
        assert_eq!(
            body["properties"]["kind"]["description"],
            "The `kind` value in the request body of `createThing`."
        );
        assert_eq!(body["properties"]["said"]["description"], "Own words.");
        assert!(body["properties"]["plain"].get("description").is_none());
        assert!(
            body["properties"]["items"]
                .get("description")
                .is_some_and(|d| d == "The parts.")
        );
        assert_eq!(
            doc["paths"]["/x"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["description"],
            "Response of `createThing` (`Client::create_thing`), status 200: Thing created."
        );
        assert_eq!(
            doc["components"]["schemas"]["Shared"]["description"],
            "The `shared` value in the request body of `createThing`."
        );
        assert_eq!(written, 5);
    }
}
