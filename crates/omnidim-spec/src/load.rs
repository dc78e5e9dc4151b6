use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::SpecError;

/// A loaded OpenAPI document: its text, its SHA-256, and its content as a JSON value.
///
/// The value keeps the document exactly as written (3.1 idioms included); use
/// [`crate::convert::to_openapi_30`] for the form progenitor reads.
#[derive(Clone, Debug)]
pub struct Spec {
    origin: String,
    sha256: String,
    document: Value,
}

impl Spec {
    /// The spec compiled into this crate (`openapi/omnidim.yaml`).
    pub fn embedded() -> Result<Self, SpecError> {
        Self::from_yaml_str(crate::EMBEDDED_YAML, crate::EMBEDDED_PATH)
    }

    /// Read and parse a spec file (YAML or JSON, JSON being a subset of YAML).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, SpecError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| SpecError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_yaml_str(&text, &path.display().to_string())
    }

    /// Parse spec text; `origin` names it in messages (a path, or e.g. `HEAD~1:openapi/omnidim.yaml`).
    ///
    /// Limits, each a [`SpecError::Yaml`] naming it (tried by the adversarial suite,
    /// `tests/adversarial/spec_loader.rs`):
    ///
    /// - flow collections (`[`, `{`) nested deeper than 128: refused before parsing, in time
    ///   linear in the text;
    /// - block collections nested deeper than 128, and an alias inside its own anchor: "recursion
    ///   limit exceeded" (the parser's limit);
    /// - aliases expanding to more than 100 × the document's own events (a "billion laughs"
    ///   bomb): "repetition limit exceeded";
    /// - control characters (NUL, BEL, ...): "control characters are not allowed".
    ///
    /// No `$ref` is followed here, nor fetched anywhere in omnidim-rs: only local (`#/...`)
    /// references resolve. There is no size limit: memory is about 10 × the text at its peak
    /// (a 50 MB spec: ~470 MiB).
    pub fn from_yaml_str(text: &str, origin: &str) -> Result<Self, SpecError> {
        // Before the parser: libyaml's work per token grows with the flow depth, and the
        // parser's own limit applies only once the whole document is read (yaml_depth.rs).
        if let Err(deep) = crate::yaml_depth::check(text) {
            return Err(SpecError::Yaml {
                origin: origin.to_string(),
                line: Some(deep.line),
                column: Some(deep.column),
                message: format!(
                    "flow collections ([ or {{) nested deeper than {} levels (rejected before parsing)",
                    crate::yaml_depth::MAX_FLOW_DEPTH
                ),
            });
        }
        let document: Value = serde_yaml_ng::from_str::<crate::strict_yaml::StrictValue>(text)
            .map(|v| v.0)
            .map_err(|e| {
                let location = e.location();
                SpecError::Yaml {
                    origin: origin.to_string(),
                    line: location.as_ref().map(|l| l.line()),
                    column: location.as_ref().map(|l| l.column()),
                    message: e.to_string(),
                }
            })?;
        if !document.is_object() {
            return Err(SpecError::Shape {
                origin: origin.to_string(),
                pointer: String::new(),
                message: format!("the document must be a mapping, found {}", kind(&document)),
            });
        }
        Ok(Self {
            origin: origin.to_string(),
            sha256: sha256_hex(text.as_bytes()),
            document,
        })
    }

    /// Where the spec came from, as given when it was loaded.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Lower-case hex SHA-256 of the spec text, byte for byte.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The document as written.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// Resolve a local reference such as `#/components/schemas/Error`.
    pub fn resolve_ref(&self, reference: &str) -> Option<&Value> {
        resolve_local_ref(&self.document, reference)
    }

    /// Follow `$ref` chains from `value` (at most 32 hops, so a cycle cannot hang).
    pub fn deref<'a>(&'a self, mut value: &'a Value) -> Option<&'a Value> {
        for _ in 0..32 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(r) => value = self.resolve_ref(r)?,
                None => return Some(value),
            }
        }
        None
    }
}

/// Resolve `#/json/pointer` against `document`; `None` for external or dangling references.
pub(crate) fn resolve_local_ref<'a>(document: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    if pointer.is_empty() {
        return Some(document);
    }
    if !pointer.starts_with('/') {
        return None;
    }
    document.pointer(pointer)
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_errors_name_the_line() {
        let err = Spec::from_yaml_str("openapi: 3.1.0\npaths:\n  a: [1,\n", "x.yaml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("x.yaml:"), "{msg}");
        assert!(
            matches!(err, SpecError::Yaml { line: Some(_), .. }),
            "{msg}"
        );
    }

    /// Issue #14, item 6: 100 000 nested `[` (or `{a: `) are rejected by the linear depth scan
    /// with a depth error naming where, not by the parser's recursion limit after it has read
    /// the whole document (quadratic in libyaml).
    #[test]
    fn deep_flow_nesting_is_rejected_before_parsing() {
        let n = 100_000;
        for text in [
            format!("a: {}{}\n", "[".repeat(n), "]".repeat(n)),
            format!("a: {}1{}\n", "{a: ".repeat(n), "}".repeat(n)),
        ] {
            let err = Spec::from_yaml_str(&text, "deep.yaml").unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains("nested deeper than 128 levels"), "{msg}");
            assert!(msg.starts_with("deep.yaml:1:"), "{msg}");
        }
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let err = Spec::from_yaml_str("a: 1\na: 2\n", "dup.yaml").unwrap_err();
        assert!(err.to_string().contains("duplicate"), "{err}");
    }

    #[test]
    fn non_mapping_documents_are_rejected() {
        let err = Spec::from_yaml_str("- 1\n", "list.yaml").unwrap_err();
        assert!(matches!(err, SpecError::Shape { .. }), "{err}");
    }

    #[test]
    fn scalar_keys_become_strings() {
        let spec = Spec::from_yaml_str("responses:\n  200: {}\n  true: 1\n", "k.yaml").unwrap();
        assert!(spec.document().pointer("/responses/200").is_some());
        assert!(spec.document().pointer("/responses/true").is_some());
    }

    #[test]
    fn complex_keys_are_an_error() {
        assert!(Spec::from_yaml_str("? [a, b]\n: 1\n", "k.yaml").is_err());
    }

    #[test]
    fn hash_is_of_the_bytes() {
        let s = Spec::from_yaml_str("a: 1\n", "h").unwrap();
        assert_eq!(s.sha256(), sha256_hex(b"a: 1\n"));
        assert_eq!(s.sha256().len(), 64);
    }

    #[test]
    fn deref_stops_on_cycles() {
        let s = Spec::from_yaml_str("a: {$ref: '#/b'}\nb: {$ref: '#/a'}\n", "c").unwrap();
        assert!(s.deref(s.document().get("a").unwrap()).is_none());
    }
}
