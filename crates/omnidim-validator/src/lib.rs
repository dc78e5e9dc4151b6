#![doc = concat!(include_str!("../README.md"), "\n## In detail\n\n")]
//! Checks OmniDimension API responses against the spec, fast enough for every response.
//!
//! [`Validator`] compiles each (operation, status, media type) response schema of the spec once.
//! [`Validator::validate`] takes the raw body bytes and checks them *while parsing* (no DOM): a
//! scanner walks the bytes once against the compiled schema (`stream/scan.rs`), and leaves
//! anything unusual (invalid JSON, deep nesting, lone surrogates) to serde_json's parser driving
//! the same checks (`stream.rs`), whose report is the reference. It returns a [`Report`] whose
//! findings point into the response (RFC 6901) and into the spec (`#/components/schemas/...`),
//! with what was expected and what was found.
//!
//! Errors are schema violations. Warnings are drift the schema allows: a field the response has but
//! the spec does not document, and a documented field the response lacks (the reference schemas
//! have no `required` lists, so only this notices a field the API stops sending). Values in findings
//! are masked by default: responses carry phone numbers.
//!
//! What decodes agrees with the client (serde_json into derived types): a lone UTF-16 surrogate
//! escape or a raw control character (U+0000 to U+001F) in any string, keys included, makes the
//! body invalid JSON, and a repeated key is reported with its pointer (an error for a documented
//! property, on which the client's decoding fails).
//!
//! # Limits
//!
//! What [`Validator::validate`] holds to, whatever the body (the adversarial suite,
//! `tests/adversarial/validator.rs`, tries each):
//!
//! - **Nesting**: 128 levels of arrays and objects (serde_json's recursion limit, as in the
//!   client); a deeper body is invalid JSON, found at level 128 without reading further.
//! - **Numbers**: within `f64`; `1e400` or a 400-digit integer is invalid JSON ("number out of
//!   range"). An integer of up to ~308 digits is a JSON Schema `integer` (it is one in `f64`)
//!   even where the client's `i64` cannot hold it.
//! - **Text**: UTF-8 (else invalid JSON naming the byte), no lone surrogates, no raw control
//!   characters in strings.
//! - **Memory**: the body is borrowed, never copied or parsed into a DOM: a 200 MB body is checked
//!   with a peak RSS of the body plus less than 64 MiB. Findings are capped by
//!   [`Options::max_findings`].
//!
//! Semantics are JSON Schema 2020-12 as written in `openapi/` (the 3.1 document, not the 3.0 form
//! progenitor reads); a differential test proves the verdicts equal the `jsonschema` crate's.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod compile;
mod mask;
mod multipart;
pub mod record;
mod report;
pub mod request;
mod stream;

use std::path::Path as FsPath;
use std::sync::Arc;

use omnidim_spec::Spec;
use rustc_hash::FxHashMap;
use serde::de::DeserializeSeed;
use serde_json::Value;

pub use mask::{key_is_secret, key_looks_personal, mask_json, mask_pointer, mask_text, show_key};
pub use report::{Finding, FindingKind, Report, Severity, Verdict};

use compile::{Arena, NodeId};
use stream::{Ctx, NodeSeed, Path, Scanner};

/// Why a validator could not be built or asked.
#[derive(Debug, thiserror::Error)]
pub enum ValidatorError {
    /// The spec could not be loaded.
    #[error(transparent)]
    Spec(#[from] omnidim_spec::SpecError),
    /// A response schema of the spec does not compile.
    #[error(
        "{origin}: cannot compile the response schema of {operation} {status} {media_type}: {message}"
    )]
    Schema {
        origin: String,
        operation: String,
        status: String,
        media_type: String,
        message: String,
    },
    /// The operation is not in the spec.
    #[error("unknown operation {0:?}: not an operationId of the spec")]
    UnknownOperation(String),
}

/// How findings are produced.
#[derive(Clone, Debug)]
pub struct Options {
    /// Show values in findings instead of masking them (type and a short preview).
    pub show_values: bool,
    /// Report drift warnings (undocumented and missing fields).
    pub warnings: bool,
    /// Keep at most this many findings per report, errors before warnings; the rest are counted
    /// in [`Report::omitted`] (errors also in [`Report::omitted_errors`]). The cap bounds the size
    /// of a report, never its verdict: [`Report::is_valid`] counts omitted errors.
    pub max_findings: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            show_values: false,
            warnings: true,
            max_findings: 1000,
        }
    }
}

/// Compiled response schemas of a spec. `Send + Sync`; clones share the compiled form.
#[derive(Clone)]
pub struct Validator {
    inner: Arc<Inner>,
}

struct Inner {
    origin: String,
    arena: Arena,
    operations: FxHashMap<String, Vec<ResponseEntry>>,
    options: Options,
}

struct ResponseEntry {
    key: String,
    status: StatusKey,
    media: Vec<(String, Option<NodeId>)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum StatusKey {
    Exact(u16),
    Range(u16),
    Default,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("spec", &self.inner.origin)
            .field("operations", &self.inner.operations.len())
            .field("schemas", &self.inner.arena.nodes.len())
            .finish()
    }
}

impl Validator {
    /// The spec compiled into this crate (`openapi/omnidim.yaml`).
    pub fn embedded() -> Result<Self, ValidatorError> {
        Self::from_spec(&Spec::embedded()?)
    }

    /// A spec file.
    pub fn from_path(path: impl AsRef<FsPath>) -> Result<Self, ValidatorError> {
        Self::from_spec(&Spec::from_path(path)?)
    }

    /// A loaded spec.
    pub fn from_spec(spec: &Spec) -> Result<Self, ValidatorError> {
        Self::with_options(spec, Options::default())
    }

    /// A loaded spec, with options.
    pub fn with_options(spec: &Spec, options: Options) -> Result<Self, ValidatorError> {
        let doc = spec.document();
        let mut arena = Arena::default();
        let mut operations = FxHashMap::default();
        for op in spec.operations() {
            let Some(id) = op.operation_id.clone() else {
                continue;
            };
            let mut entries = Vec::new();
            for r in &op.responses {
                let status = match r.status.as_str() {
                    "default" => StatusKey::Default,
                    s if s.len() == 3 && s.ends_with("XX") => StatusKey::Range(
                        s.get(..1).and_then(|d| d.parse::<u16>().ok()).unwrap_or(0),
                    ),
                    s => match s.parse::<u16>() {
                        Ok(n) => StatusKey::Exact(n),
                        Err(_) => continue,
                    },
                };
                let mut media = Vec::new();
                for (media_type, schema) in &r.content {
                    let node = match schema {
                        Some(pointer) => Some(arena.compile(doc, pointer).map_err(|message| {
                            ValidatorError::Schema {
                                origin: spec.origin().to_string(),
                                operation: id.clone(),
                                status: r.status.clone(),
                                media_type: media_type.clone(),
                                message,
                            }
                        })?),
                        None => None,
                    };
                    media.push((media_type.to_ascii_lowercase(), node));
                }
                entries.push(ResponseEntry {
                    key: r.status.clone(),
                    status,
                    media,
                });
            }
            operations.insert(id, entries);
        }
        arena.finish();
        Ok(Self {
            inner: Arc::new(Inner {
                origin: spec.origin().to_string(),
                arena,
                operations,
                options,
            }),
        })
    }

    /// The operationIds this validator knows, sorted.
    pub fn operations(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.inner.operations.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }

    /// Check a raw response body.
    ///
    /// `content_type` is the response's `Content-Type` header (parameters such as `charset` are
    /// ignored); `None` means the operation's JSON media type. The only error is an unknown
    /// operation: everything wrong with the response itself is a finding.
    pub fn validate(
        &self,
        operation_id: &str,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Report, ValidatorError> {
        self.run(
            operation_id,
            status,
            content_type,
            Body::Bytes(body),
            Path_::Either,
        )
    }

    /// Check an already-parsed body.
    pub fn validate_value(
        &self,
        operation_id: &str,
        status: u16,
        content_type: Option<&str>,
        body: &Value,
    ) -> Result<Report, ValidatorError> {
        self.run(
            operation_id,
            status,
            content_type,
            Body::Value(body),
            Path_::Either,
        )
    }

    /// [`Validator::validate`] by the scanner alone: `None` where it leaves the body to the
    /// serde_json path (tests prove with it that the fast path really runs).
    #[cfg(test)]
    fn validate_by_scanner(&self, operation_id: &str, body: &[u8]) -> Option<Report> {
        self.run(
            operation_id,
            200,
            None,
            Body::Bytes(body),
            Path_::ScannerOnly,
        )
        .ok()
    }

    fn run(
        &self,
        operation_id: &str,
        status: u16,
        content_type: Option<&str>,
        body: Body<'_>,
        which: Path_,
    ) -> Result<Report, ValidatorError> {
        let entries = self
            .inner
            .operations
            .get(operation_id)
            .ok_or_else(|| ValidatorError::UnknownOperation(operation_id.to_string()))?;
        let mut report = Report {
            operation: operation_id.to_string(),
            status,
            ..Report::default()
        };
        let op_pointer = || format!("#/paths (operation {operation_id})");
        let Some(entry) = select_response(entries, status) else {
            let documented: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
            report.findings.push(Finding {
                kind: FindingKind::UndocumentedStatus,
                severity: Severity::Error,
                instance: String::new(),
                schema: op_pointer(),
                expected: format!("one of the documented statuses {}", documented.join(", ")),
                actual: format!("status {status}"),
                message: format!("{operation_id} documents no response for status {status}"),
            });
            return Ok(report);
        };
        report.matched_response = Some(entry.key.clone());
        let media = match content_type {
            Some(ct) => {
                let essence = ct.split(';').next().unwrap_or_default().trim();
                match select_media(&entry.media, essence) {
                    Some(m) => Some(m),
                    None if entry.media.is_empty() => None,
                    None => {
                        let essence = essence.to_ascii_lowercase();
                        let declared: Vec<&str> =
                            entry.media.iter().map(|(m, _)| m.as_str()).collect();
                        report.findings.push(Finding {
                            kind: FindingKind::UndocumentedContentType,
                            severity: Severity::Error,
                            instance: String::new(),
                            schema: format!("{} response {}", op_pointer(), entry.key),
                            expected: format!("content type {}", declared.join(" or ")),
                            actual: format!("content type {essence:?}"),
                            message: format!(
                                "response {} of {operation_id} does not declare {essence:?}",
                                entry.key
                            ),
                        });
                        return Ok(report);
                    }
                }
            }
            None => entry
                .media
                .iter()
                .find(|(m, _)| m.contains("json"))
                .or_else(|| entry.media.first()),
        };
        let Some((_, Some(node))) = media else {
            return Ok(report); // nothing to check the body against
        };
        let o = &self.inner.options;
        let new_ctx = || Ctx::new(&self.inner.arena, o.max_findings, o.show_values, o.warnings);
        let mut ctx = new_ctx();
        match body {
            Body::Value(v) => {
                let seed = NodeSeed {
                    ctx: &mut ctx,
                    node: *node,
                    path: &Path::ROOT,
                };
                let _ = seed.deserialize(v);
            }
            Body::Bytes(bytes) => {
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    report.findings.push(Finding {
                        kind: FindingKind::EmptyBody,
                        severity: Severity::Error,
                        instance: String::new(),
                        schema: format!("#{}", self.inner.arena.node(*node).pointer),
                        expected: "a JSON body".into(),
                        actual: "an empty body".into(),
                        message: "the body is empty; the spec documents a JSON body".into(),
                    });
                    return Ok(report);
                }
                // One UTF-8 check of the whole body: object keys are then read as bytes, without
                // serde_json's check per key (stream.rs).
                let text = match std::str::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(e) => {
                        report.findings = vec![Finding {
                            kind: FindingKind::InvalidJson,
                            severity: Severity::Error,
                            instance: String::new(),
                            schema: format!("#{}", self.inner.arena.node(*node).pointer),
                            expected: "a JSON document (UTF-8)".into(),
                            actual: describe_prefix(bytes),
                            message: format!(
                                "the body is not valid UTF-8 at byte {}",
                                e.valid_up_to()
                            ),
                        }];
                        return Ok(report);
                    }
                };
                // The fast path (stream/scan.rs): one walk over the bytes. It leaves anything
                // unusual (invalid JSON, escapes it cannot pair, deep nesting) to the serde_json
                // path below, whose report is the reference; when it finishes, its findings are
                // that report's.
                if Scanner::new(text).document(&mut ctx, *node).is_ok() {
                    return Ok(self.finish(report, ctx));
                }
                if which == Path_::ScannerOnly {
                    return Err(ValidatorError::UnknownOperation(
                        "(the scanner bailed)".into(),
                    ));
                }
                ctx = new_ctx();
                let seed = NodeSeed {
                    ctx: &mut ctx,
                    node: *node,
                    path: &Path::ROOT,
                };
                // serde_json rejects a lone UTF-16 surrogate escape (`"\ud800"`) in a string it
                // decodes, as the client does, but not in keys read as bytes nor in values it skips:
                // one scan for `\u` escapes makes the validator agree with the client everywhere.
                let surrogate = lone_surrogate(bytes);
                // Likewise a raw control character (U+0000 to U+001F) in a string: serde_json
                // refuses it in every string it decodes, but reads keys as bytes without that
                // check, so `{"\0a": 1}` passed here while the client failed on it (found by
                // the adversarial suite, issue #13).
                let control = control_in_string(bytes);
                let mut de = serde_json::Deserializer::from_slice(bytes);
                let parsed = seed.deserialize(&mut de).and_then(|()| de.end());
                let schema = || format!("#{}", self.inner.arena.node(*node).pointer);
                let surrogate_finding = |at: usize, unit: u16| Finding {
                    kind: FindingKind::InvalidJson,
                    severity: Severity::Error,
                    instance: String::new(),
                    schema: schema(),
                    expected: "a JSON document (strings of Unicode characters)".into(),
                    actual: describe_prefix(bytes),
                    message: format!(
                        "the body is not valid JSON at byte {at}: \\u{unit:04x} is a lone UTF-16 \
                         surrogate, no character (serde_json, and so the client, rejects it)"
                    ),
                };
                let control_finding = |at: usize| Finding {
                    kind: FindingKind::InvalidJson,
                    severity: Severity::Error,
                    instance: String::new(),
                    schema: schema(),
                    expected: "a JSON document (control characters escaped in strings)".into(),
                    actual: describe_prefix(bytes),
                    message: format!(
                        "the body is not valid JSON at byte {at}: control character \\u{:04x} in \
                         a string (serde_json, and so the client, rejects it)",
                        bytes.get(at).copied().unwrap_or_default()
                    ),
                };
                if let Err(e) = parsed {
                    // At the end of a truncated body serde_json points at the last byte it read;
                    // the problem is what is missing after it.
                    let offset = if e.is_eof() {
                        bytes.len()
                    } else {
                        byte_offset(bytes, e.line(), e.column())
                    };
                    if let Some((at, unit)) = surrogate.filter(|(at, _)| *at < offset) {
                        report.findings = vec![surrogate_finding(at, unit)];
                        return Ok(report);
                    }
                    if let Some(at) = control.filter(|at| *at < offset) {
                        report.findings = vec![control_finding(at)];
                        return Ok(report);
                    }
                    report.findings = vec![Finding {
                        kind: FindingKind::InvalidJson,
                        severity: Severity::Error,
                        instance: String::new(),
                        schema: format!("#{}", self.inner.arena.node(*node).pointer),
                        expected: "a JSON document".into(),
                        actual: describe_prefix(bytes),
                        message: format!("the body is not valid JSON at byte {offset}: {e}"),
                    }];
                    return Ok(report);
                }
                match (surrogate, control) {
                    (Some((at, unit)), c) if c.is_none_or(|c| at < c) => {
                        report.findings = vec![surrogate_finding(at, unit)];
                        return Ok(report);
                    }
                    (_, Some(at)) => {
                        report.findings = vec![control_finding(at)];
                        return Ok(report);
                    }
                    _ => {}
                }
            }
        }
        Ok(self.finish(report, ctx))
    }

    /// The report with the findings of a finished run.
    fn finish(&self, mut report: Report, ctx: Ctx<'_>) -> Report {
        let found = ctx.finish();
        if report.findings.is_empty() {
            report.findings = found.findings;
        } else {
            report.findings.extend(found.findings);
        }
        report.omitted = found.omitted;
        report.omitted_errors = found.omitted_errors;
        report.sort();
        report
    }
}

/// Which path checks a body of bytes: the scanner, falling back to serde_json (always, but in
/// tests), or the scanner alone.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Path_ {
    Either,
    #[cfg_attr(not(test), allow(dead_code))]
    ScannerOnly,
}

enum Body<'a> {
    Bytes(&'a [u8]),
    Value(&'a Value),
}

/// Exact status, then its range (`2XX`), then `default`.
fn select_response(entries: &[ResponseEntry], status: u16) -> Option<&ResponseEntry> {
    entries
        .iter()
        .find(|e| e.status == StatusKey::Exact(status))
        .or_else(|| {
            entries
                .iter()
                .find(|e| e.status == StatusKey::Range(status / 100))
        })
        .or_else(|| entries.iter().find(|e| e.status == StatusKey::Default))
}

/// Exact media type, then `type/*`, then `*/*`.
fn select_media<'e>(
    media: &'e [(String, Option<NodeId>)],
    essence: &str,
) -> Option<&'e (String, Option<NodeId>)> {
    // Media types are case-insensitive; compared without allocating (this runs per response).
    let main_type = essence.split('/').next().unwrap_or_default();
    media
        .iter()
        .find(|(m, _)| m.eq_ignore_ascii_case(essence))
        .or_else(|| {
            media.iter().find(|(m, _)| {
                m.strip_suffix("/*")
                    .is_some_and(|t| t.eq_ignore_ascii_case(main_type))
            })
        })
        .or_else(|| media.iter().find(|(m, _)| m == "*/*"))
}

/// The byte offset and code unit of the first `\uXXXX` escape that is a UTF-16 surrogate without
/// its pair, if any. Backslashes only occur in JSON strings, each starting an escape, so stepping
/// from one escape to the next never misreads an escaped backslash (`\\ud800` is text).
fn lone_surrogate(bytes: &[u8]) -> Option<(usize, u16)> {
    let hex4 = |at: usize| -> Option<u16> {
        let digits = bytes.get(at..at + 4)?;
        digits.iter().try_fold(0u16, |n, &b| {
            let d = (b as char).to_digit(16)?;
            Some(n << 4 | d as u16)
        })
    };
    let mut from = 0;
    while let Some(i) = bytes
        .get(from..)
        .and_then(|rest| memchr::memchr(b'\\', rest))
    {
        let i = from + i;
        if bytes.get(i + 1) != Some(&b'u') {
            from = i + 2; // a one-character escape (`\\`, `\"`, `\n`, ...)
            continue;
        }
        let Some(unit) = hex4(i + 2) else {
            from = i + 2; // not four hex digits: the parser reports it
            continue;
        };
        match unit {
            0xD800..=0xDBFF => {
                let low = (bytes.get(i + 6..i + 8) == Some(b"\\u".as_slice()))
                    .then(|| hex4(i + 8))
                    .flatten();
                if !matches!(low, Some(0xDC00..=0xDFFF)) {
                    return Some((i, unit));
                }
                from = i + 12;
            }
            0xDC00..=0xDFFF => return Some((i, unit)),
            _ => from = i + 6,
        }
    }
    None
}

/// The byte offset of the first raw control character (U+0000 to U+001F, unescaped) inside a
/// JSON string, if any. From an opening quote to its closing one, escapes stepped over (`\\"` is
/// text); outside strings a control character is a syntax error the parser reports itself.
fn control_in_string(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        // Outside a string: the next one opens at the next quote.
        let open = from + memchr::memchr(b'"', bytes.get(from..)?)?;
        let mut at = open + 1;
        loop {
            let rest = bytes.get(at..)?;
            let stop = memchr::memchr2(b'"', b'\\', rest);
            let segment = rest.get(..stop.unwrap_or(rest.len()))?;
            if let Some(c) = segment.iter().position(|&b| b < 0x20) {
                return Some(at + c);
            }
            let stop = at + stop?;
            if bytes.get(stop) == Some(&b'\\') {
                at = stop + 2;
            } else {
                from = stop + 1;
                break;
            }
        }
    }
}

fn describe_prefix(bytes: &[u8]) -> String {
    let text =
        String::from_utf8_lossy(bytes.get(..bytes.len().min(16)).unwrap_or_default()).into_owned();
    let kind = if text.trim_start().starts_with('<') {
        "HTML/XML"
    } else {
        "text"
    };
    format!("{kind} starting {:?} ({} bytes)", text, bytes.len())
}

/// serde_json's 1-based line and column as a byte offset.
fn byte_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    let mut current = 1;
    if line > 1 {
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'\n' {
                current += 1;
                if current == line {
                    start = i + 1;
                    break;
                }
            }
        }
    }
    (start + column.saturating_sub(1)).min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_send_sync<T: Send + Sync + Clone>() {}

    /// The fast path is the path: the scanner checks every success example of the spec without
    /// handing it to serde_json, its report equal to the serde path's (a `Value`); so does a body
    /// with errors, with escapes, with keys out of order. Fails when the scanner bails on
    /// ordinary JSON (planted once: a scanner that bails at every `}` fails here; the fallback
    /// keeps the verdicts right, so tests of verdicts alone cannot see it).
    #[test]
    fn the_scanner_checks_ordinary_bodies_itself() {
        let spec = Spec::embedded().unwrap();
        let doc = spec.document();
        let validator = Validator::from_spec(&spec).unwrap();
        let sites = omnidim_spec::schema_walk::example_sites(doc);
        let mut bodies: Vec<(String, serde_json::Value)> = Vec::new();
        for op in spec.operations() {
            let id = op.operation_id.clone().unwrap();
            for r in op.responses.iter().filter(|r| r.status == "200") {
                for (_, schema) in &r.content {
                    let Some(schema) = schema else { continue };
                    for site in sites.iter().filter(|s| &s.schema == schema) {
                        bodies.push((id.clone(), doc.pointer(&site.example).cloned().unwrap()));
                    }
                }
            }
        }
        assert!(bodies.len() >= 20, "{} examples", bodies.len());
        let (_, bulk) = bodies.iter().find(|(op, _)| op == "getBulkCall").unwrap();
        let mut odd = bulk.clone();
        odd["details"]["id"] = serde_json::json!("314");
        odd["details"]["name"] = serde_json::json!("tab\there \"quoted\" \u{e9} \u{1F600}");
        odd["details"]["undocumented"] = serde_json::json!({"a": [1, 2.5, -3e2]});
        let details = odd["details"].as_object_mut().unwrap();
        let reversed: serde_json::Map<String, serde_json::Value> =
            std::mem::take(details).into_iter().rev().collect();
        *details = reversed;
        bodies.push(("getBulkCall".into(), odd));
        for (op, value) in &bodies {
            for bytes in [
                serde_json::to_vec(value).unwrap(),
                serde_json::to_vec_pretty(value).unwrap(),
            ] {
                let fast = validator
                    .validate_by_scanner(op, &bytes)
                    .unwrap_or_else(|| {
                        panic!(
                            "{op}: the scanner bailed on {}",
                            String::from_utf8_lossy(&bytes)
                        )
                    });
                let reference = validator.validate_value(op, 200, None, value).unwrap();
                assert_eq!(fast, reference, "{op}");
            }
        }
    }

    #[test]
    fn validator_is_send_sync_and_clone() {
        is_send_sync::<Validator>();
    }

    #[test]
    fn lone_surrogates_are_found_and_pairs_and_escaped_backslashes_are_not() {
        assert_eq!(lone_surrogate(br#"{"\ud800":1}"#), Some((2, 0xD800)));
        assert_eq!(lone_surrogate(br#"["a\uDC00"]"#), Some((3, 0xDC00)));
        assert_eq!(lone_surrogate(br#"["\ud800\u0041"]"#), Some((2, 0xD800)));
        assert_eq!(lone_surrogate(br#"["\ud800"#), Some((2, 0xD800)));
        assert_eq!(lone_surrogate(br#"["\ud83d\ude00"]"#), None);
        assert_eq!(lone_surrogate(br#"["\\ud800"]"#), None);
        assert_eq!(lone_surrogate(br#"["\\\ud800"]"#), Some((4, 0xD800)));
        assert_eq!(lone_surrogate(br#"["\u00e9\n\"", "\u"]"#), None);
    }

    #[test]
    fn control_characters_in_strings_are_found_and_escapes_and_whitespace_are_not() {
        assert_eq!(control_in_string(b"{\"\0a\":1}"), Some(2));
        assert_eq!(control_in_string(b"[\"a\", \"b\tc\"]"), Some(8));
        assert_eq!(control_in_string(b"{\"a\\\"\x01\":1}"), Some(5));
        assert_eq!(control_in_string(b"{\n\t\"a\": \"\\n\\u0000\"\r\n}"), None);
        assert_eq!(control_in_string(b"[\"\\\\\", \"x\"]"), None);
        assert_eq!(control_in_string(b"[\"unterminated"), None);
    }

    /// A spec of `n` operations, each with its own response schema that refers to a shared one.
    fn spec_of(n: usize) -> Spec {
        let mut paths = serde_json::Map::new();
        let mut schemas = serde_json::Map::new();
        schemas.insert(
            "Shared".into(),
            serde_json::json!({"type": "object", "properties": {"a": {"type": "integer"}}}),
        );
        for i in 0..n {
            let get = serde_json::json!({"get": {"operationId": format!("op{i}"), "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema":
                    {"$ref": format!("#/components/schemas/S{i}")}}}}}}});
            paths.insert(format!("/p{i}"), get);
            schemas.insert(
                format!("S{i}"),
                serde_json::json!({"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "integer"},
                    "shared": {"$ref": "#/components/schemas/Shared"},
                    "list": {"type": "array", "items": {"$ref": "#/components/schemas/Shared"}}}}),
            );
        }
        let doc = serde_json::json!({"openapi": "3.1.0", "paths": paths,
            "components": {"schemas": schemas}});
        Spec::from_yaml_str(&doc.to_string(), "generated").unwrap()
    }

    #[test]
    fn compiling_is_linear_in_the_number_of_schemas() {
        for n in [50, 400] {
            let v = Validator::from_spec(&spec_of(n)).unwrap();
            let nodes = v.inner.arena.nodes.len() as u64;
            let work = v.inner.arena.work;
            assert!(nodes >= 5 * n as u64, "{nodes} nodes");
            // Each node compiled once and visited once by the alias pass.
            assert!(work <= 2 * nodes, "n={n}: work {work} for {nodes} nodes");
            let ok = br#"{"id": 1, "shared": {"a": 2}, "list": [{"a": 3}]}"#;
            assert!(v.validate("op1", 200, None, ok).unwrap().is_clean());
            let bad = br#"{"id": 1, "shared": {"a": "2"}, "list": [{"a": 3}]}"#;
            assert!(!v.validate("op1", 200, None, bad).unwrap().is_valid());
        }
    }

    #[test]
    fn byte_offsets() {
        assert_eq!(byte_offset(b"abc", 1, 1), 0);
        assert_eq!(byte_offset(b"a\nbc", 2, 2), 3);
    }
}
