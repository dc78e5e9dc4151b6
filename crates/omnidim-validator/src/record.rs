//! Recorded responses: one JSON object a line, `{"operation", "status", "content_type",
//! "headers", "body"}`, written by `omnidim check-live --record` and `omnidim proxy --record`,
//! read back by `omnidim validate --ndjson` (replay) and `omnidim mock --examples-from`.
//!
//! Nothing secret is ever written: only the headers of [`RECORDED_HEADERS`] are kept (never
//! `Authorization` or cookies), credentials in bodies are redacted and personal values masked
//! ([`crate::mask_json`]) unless values are shown (credentials even then).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Response headers worth keeping: what a replay needs (`content-type`) and what explains an
/// answer (rate limits, retry delays, request ids, deprecation notices). No others are written.
pub const RECORDED_HEADERS: &[&str] = &[
    "content-type",
    "retry-after",
    "x-request-id",
    "request-id",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "deprecation",
    "sunset",
    "warning",
    "location",
];

/// Longest header value written (a longer one is cut): headers are small, hostile ones need not
/// be.
const MAX_HEADER_VALUE: usize = 256;

/// One recorded response, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    /// The operationId.
    pub operation: String,
    /// HTTP status.
    pub status: u16,
    /// The `Content-Type` header, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The headers of [`RECORDED_HEADERS`] the response had (lowercase names).
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    /// The body: JSON as JSON (masked), anything else as a string (masked).
    pub body: Value,
}

impl Recorded {
    /// A recording of a response; `headers` are (name, value) pairs of any case.
    pub fn new<'h>(
        operation: &str,
        status: u16,
        headers: impl IntoIterator<Item = (&'h str, &'h [u8])>,
        body: &[u8],
        show_values: bool,
    ) -> Self {
        let mut kept = std::collections::BTreeMap::new();
        for (name, value) in headers {
            let name = name.to_ascii_lowercase();
            if RECORDED_HEADERS.contains(&name.as_str()) {
                let text = String::from_utf8_lossy(value);
                let cut: String = text.chars().take(MAX_HEADER_VALUE).collect();
                kept.insert(name, cut);
            }
        }
        let body = match serde_json::from_slice::<Value>(body) {
            Ok(v) => crate::mask_json(&v, show_values),
            Err(_) => {
                let text = String::from_utf8_lossy(body);
                Value::String(if show_values {
                    text.into_owned()
                } else {
                    crate::mask_text(&text)
                })
            }
        };
        Recorded {
            operation: operation.to_string(),
            status,
            content_type: kept.get("content-type").cloned(),
            headers: kept,
            body,
        }
    }

    /// The body's bytes as the validator and the mock take them: a JSON body as JSON text, a
    /// string body as its text (what was received, e.g. an HTML page).
    pub fn body_bytes(&self) -> Vec<u8> {
        match &self.body {
            Value::String(s) => s.clone().into_bytes(),
            other => serde_json::to_vec(other).unwrap_or_default(),
        }
    }

    /// The NDJSON line (without its newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_headers_are_kept_and_bodies_are_masked() {
        let r = Recorded::new(
            "getBulkCall",
            200,
            [
                ("Content-Type", b"application/json".as_slice()),
                ("Authorization", b"Bearer sk-live-123".as_slice()),
                ("Set-Cookie", b"session=abc".as_slice()),
                ("X-Request-Id", b"r-1".as_slice()),
            ],
            br#"{"to_number": "+15551234567", "secret_key": "sk-live-123"}"#,
            false,
        );
        let line = r.to_line();
        assert!(!line.contains("sk-live"), "{line}");
        assert!(!line.contains("session"), "{line}");
        assert!(!line.contains("5551234567"), "{line}");
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
        assert_eq!(
            r.headers.get("x-request-id").map(String::as_str),
            Some("r-1")
        );
        let back: Recorded = serde_json::from_str(&line).unwrap();
        assert_eq!(back, r);
    }
}
