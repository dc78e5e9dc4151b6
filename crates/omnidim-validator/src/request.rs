//! Checking a request against the spec: path and query parameters, required headers, JSON body.
//! Used by the mock (a 400 listing the findings) and the validating proxy (findings logged, the
//! request forwarded as it is).
//!
//! Findings are JSON objects `{in, name?, pointer?, spec, message}`. With `show_values` off (the
//! proxy's default) messages name the keyword that failed, never the value (`jsonschema`'s own
//! messages quote it) and pointers have personal-looking keys masked.

use std::collections::HashMap;
use std::fmt::{self, Display, Write as _};

use serde_json::{Value, json};

use omnidim_spec::{Spec, pointer};

/// A request schema of the spec that does not compile.
#[derive(Debug, thiserror::Error)]
#[error("cannot compile the request schema at #{pointer}: {message}")]
pub struct RequestSchemaError {
    /// JSON pointer of the schema.
    pub pointer: String,
    /// Why.
    pub message: String,
}

/// At most this many findings are listed in a 400 answer; the others are only counted (in
/// `findings_omitted`). With one finding per bad array element, a 1.3 MB body once got a 141 MB
/// answer and took 1.6 GB to build it; the first few findings say what is wrong just as well.
pub const MAX_FINDINGS: usize = 20;
/// Longest text of a finding's `message` or `pointer`, in bytes (longer ones end with `…`):
/// messages quote the offending value, and pointers the offending keys, which may be megabytes.
pub const MAX_FINDING_TEXT: usize = 512;

/// What is wrong with a request: the first [`MAX_FINDINGS`] findings, and how many there were.
#[derive(Debug, Default)]
pub struct Findings {
    /// The first findings, as JSON objects.
    pub listed: Vec<Value>,
    /// How many findings there were in all (listed or not).
    pub total: usize,
}

impl Findings {
    /// Count a finding, and build it only if it is listed (building quotes the value).
    fn push(&mut self, finding: impl FnOnce() -> Value) {
        self.total += 1;
        if self.listed.len() < MAX_FINDINGS {
            self.listed.push(finding());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Findings counted but not listed.
    pub fn omitted(&self) -> usize {
        self.total - self.listed.len()
    }
}

/// `value` as text, at most [`MAX_FINDING_TEXT`] bytes (cut on a character boundary, then `…`).
/// Formatting stops at the limit: a 1 MB value quoted in an error message is never written out
/// whole.
pub fn bounded(value: &dyn Display) -> String {
    struct Capped {
        out: String,
        cut: bool,
    }
    impl fmt::Write for Capped {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let room = MAX_FINDING_TEXT.saturating_sub(self.out.len());
            if s.len() <= room {
                self.out.push_str(s);
                return Ok(());
            }
            let mut end = room;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            self.out.push_str(s.get(..end).unwrap_or_default());
            self.cut = true;
            // Stops the formatting of the rest of the value.
            Err(fmt::Error)
        }
    }
    let mut capped = Capped {
        out: String::new(),
        cut: false,
    };
    // An error here is only the cut above.
    let _ = write!(capped, "{value}");
    if capped.cut {
        capped.out.push('…');
    }
    capped.out
}

/// Compiled schemas of every parameter and request body, by JSON pointer.
pub struct RequestSchemas(HashMap<String, jsonschema::Validator>);

impl std::fmt::Debug for RequestSchemas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestSchemas")
            .field("schemas", &self.0.len())
            .finish()
    }
}

impl RequestSchemas {
    /// Compile the parameter and request-body schemas of every operation.
    pub fn compile(spec: &Spec) -> Result<Self, RequestSchemaError> {
        let doc = spec.document();
        let mut map = HashMap::new();
        for op in spec.operations() {
            for param in spec.parameters(&op.pointer) {
                let p = param.pointer;
                let sp = pointer::push(&p, "schema");
                if doc.pointer(&sp).is_some() {
                    map.insert(sp.clone(), compile(doc, &sp)?);
                }
            }
            for media in [Media::Json, Media::Form] {
                if let Some(sp) = body_schema_pointer(spec, &op.pointer, media) {
                    map.insert(sp.clone(), compile(doc, &sp)?);
                }
            }
        }
        Ok(Self(map))
    }

    fn get(&self, pointer: &str) -> Option<&jsonschema::Validator> {
        self.0.get(pointer)
    }
}

fn compile(doc: &Value, sp: &str) -> Result<jsonschema::Validator, RequestSchemaError> {
    omnidim_spec::lint::compile_schema(doc, sp).map_err(|message| RequestSchemaError {
        pointer: sp.to_string(),
        message,
    })
}

/// The request body forms the mock reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Media {
    /// JSON (any media type naming json).
    Json,
    /// `multipart/form-data` (the SDK's KYC document upload).
    Form,
}

/// Pointer of the request body schema of one form, following a `$ref`ed request body.
fn body_schema_pointer(spec: &Spec, op_pointer: &str, form: Media) -> Option<String> {
    let doc = spec.document();
    let mut body_pointer = pointer::push(op_pointer, "requestBody");
    let body = doc.pointer(&body_pointer)?;
    if let Some(r) = body.get("$ref").and_then(Value::as_str) {
        body_pointer = r.trim_start_matches('#').to_string();
    }
    let content = doc.pointer(&body_pointer)?.get("content")?.as_object()?;
    let media = content.keys().find(|k| match form {
        Media::Json => k.contains("json"),
        Media::Form => k.as_str() == "multipart/form-data",
    })?;
    let sp = pointer::push(
        &pointer::push(&pointer::push(&body_pointer, "content"), media),
        "schema",
    );
    doc.pointer(&sp).map(|_| sp)
}

/// The last keyword of a schema path (`/properties/x/type` -> `type`).
fn keyword(schema_path: &str) -> &str {
    schema_path.rsplit('/').next().unwrap_or_default()
}

/// What is wrong with a request, as JSON findings (none: the request is fine). `header` looks a
/// request header up by name; `show_values` puts the offending values in messages.
#[allow(clippy::too_many_arguments)]
pub fn check(
    spec: &Spec,
    schemas: &RequestSchemas,
    op_pointer: &str,
    path_params: &[(String, String)],
    query: Option<&str>,
    header: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
    show_values: bool,
) -> Findings {
    let mut findings = Findings::default();
    let query_pairs: Vec<(String, String)> = query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    for param in spec.parameters(op_pointer) {
        let (ptr, p) = (param.pointer, param.value);
        let (Some(name), Some(location)) = (
            p.get("name").and_then(Value::as_str),
            p.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        let required = p
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(location == "path");
        let raw: Option<String> = match location {
            "path" => path_params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone()),
            "query" => query_pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone()),
            "header" => header(name),
            _ => continue,
        };
        let Some(raw) = raw else {
            if required {
                findings.push(|| json!({"in": location, "name": name, "spec": bounded(&format_args!("#{ptr}")), "message": bounded(&format_args!("required {location} parameter {name:?} is missing"))}));
            }
            continue;
        };
        let sp = pointer::push(&ptr, "schema");
        let Some(validator) = schemas.get(&sp) else {
            continue;
        };
        let schema = spec.document().pointer(&sp);
        let value = coerce(&raw, schema.and_then(|s| spec.deref(s)));
        for e in validator.iter_errors(&value) {
            findings.push(|| {
                let message = if show_values {
                    bounded(&format_args!("{location} parameter {name:?}: {e}"))
                } else {
                    bounded(&format_args!(
                        "{location} parameter {name:?}: does not satisfy `{}`",
                        keyword(&e.schema_path().to_string())
                    ))
                };
                json!({"in": location, "name": name, "spec": bounded(&format_args!("#{sp}")), "message": message})
            });
        }
    }
    let form_boundary = header("content-type")
        .as_deref()
        .and_then(crate::multipart::boundary);
    // A multipart body is checked against the operation's form schema when it has one; every
    // other body (and a form sent where only JSON is documented) as JSON, as before.
    if let Some(boundary) = form_boundary
        && let Some(sp) = body_schema_pointer(spec, op_pointer, Media::Form)
    {
        match crate::multipart::parse(body, &boundary) {
            Err(e) => findings.push(|| json!({"in": "body", "spec": bounded(&format_args!("#{sp}")), "message": bounded(&format_args!("the multipart body is malformed: {e}"))})),
            Ok(fields) => {
                let schema = spec.document().pointer(&sp).and_then(|s| spec.deref(s));
                let value = Value::Object(
                    fields
                        .into_iter()
                        .map(|(name, text)| {
                            let field_schema = schema
                                .and_then(|s| s.get("properties"))
                                .and_then(|p| p.get(&name))
                                .and_then(|f| spec.deref(f));
                            let coerced = match text.as_str() {
                                Some(t) => coerce(t, field_schema),
                                None => text,
                            };
                            (name, coerced)
                        })
                        .collect(),
                );
                if let Some(validator) = schemas.get(&sp) {
                    for e in validator.iter_errors(&value) {
                        findings.push(|| {
                            json!({
                                "in": "body",
                                "pointer": bounded(e.instance_path()),
                                "spec": bounded(&format_args!("#{sp}{}", e.schema_path())),
                                "message": bounded(&e),
                            })
                        });
                    }
                }
            }
        }
    } else if let Some(sp) = body_schema_pointer(spec, op_pointer, Media::Json) {
        let body_required = spec
            .document()
            .pointer(&pointer::push(op_pointer, "requestBody"))
            .and_then(|b| spec.deref(b))
            .and_then(|b| b.get("required"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if body.iter().all(u8::is_ascii_whitespace) {
            if body_required {
                findings.push(|| json!({"in": "body", "spec": bounded(&format_args!("#{sp}")), "message": "a JSON request body is required"}));
            }
        } else {
            match serde_json::from_slice::<Value>(body) {
                Err(e) => findings.push(|| {
                    let message = if show_values {
                        bounded(&format_args!("the body is not JSON: {e}"))
                    } else {
                        format!("the body is not JSON (line {}, column {})", e.line(), e.column())
                    };
                    json!({"in": "body", "spec": bounded(&format_args!("#{sp}")), "message": message})
                }),
                Ok(value) => {
                    if let Some(validator) = schemas.get(&sp) {
                        for e in validator.iter_errors(&value) {
                            findings.push(|| {
                                let schema_path = e.schema_path().to_string();
                                let at = crate::mask_pointer(
                                    &e.instance_path().to_string(),
                                    show_values,
                                );
                                let message = if show_values {
                                    bounded(&e)
                                } else {
                                    bounded(&format_args!(
                                        "{} does not satisfy `{}`",
                                        if at.is_empty() { "the body" } else { at.as_str() },
                                        keyword(&schema_path)
                                    ))
                                };
                                json!({
                                    "in": "body",
                                    "pointer": bounded(&at),
                                    "spec": bounded(&format_args!("#{sp}{schema_path}")),
                                    "message": message,
                                })
                            });
                        }
                    }
                }
            }
        }
    }
    findings
}

/// A parameter's text as the JSON value its schema expects (so `314` checks as an integer).
fn coerce(raw: &str, schema: Option<&Value>) -> Value {
    let types: Vec<&str> = match schema.and_then(|s| s.get("type")) {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    for t in types {
        match t {
            "integer" => {
                if let Ok(i) = raw.parse::<i64>() {
                    return json!(i);
                }
            }
            "number" => {
                if let Some(n) = raw
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                {
                    return Value::Number(n);
                }
            }
            "boolean" => {
                if let Ok(b) = raw.parse::<bool>() {
                    return json!(b);
                }
            }
            "null" if raw == "null" => return Value::Null,
            _ => {}
        }
    }
    Value::String(raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_text_is_cut_on_a_character_boundary() {
        assert_eq!(bounded(&"short"), "short");
        // 'é' is two bytes: 511 ASCII bytes then 'é' cannot fit in 512, so it is left out.
        let long = format!(
            "{}é{}",
            "a".repeat(MAX_FINDING_TEXT - 1),
            "b".repeat(10_000)
        );
        let cut = bounded(&long);
        assert_eq!(cut, format!("{}…", "a".repeat(MAX_FINDING_TEXT - 1)));
        let exact = "c".repeat(MAX_FINDING_TEXT);
        assert_eq!(bounded(&exact), exact);
    }
}
