//! Recorded responses: one JSON object a line, `{"operation", "status", "content_type",
//! "headers", "body"}`, written by `omnidim check-live --record` and `omnidim proxy --record`,
//! read back by `omnidim validate --ndjson` (replay) and `omnidim mock --examples-from`.
//!
//! Nothing secret is ever written: only the headers of [`RECORDED_HEADERS`] are kept (never
//! `Authorization` or cookies), credentials in bodies are redacted and personal values masked
//! ([`crate::mask_json`]) unless values are shown (credentials even then).
//!
//! Reading a stream back is [`read_line`] (a line at a time, never more than a stated number of
//! bytes of one) and [`ReplayLine::parse`] (the body kept as raw JSON text, no DOM, no copy),
//! each failing with a [`LineError`] that says what was wrong.

use std::borrow::Cow;
use std::io::{BufRead, Read};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

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

/// Why a line of a recorded stream could not be read or understood.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    /// The line is longer than the limit given to [`read_line`]; nothing past the limit was read.
    #[error("line longer than {max} bytes (--max-line-bytes); not read further")]
    TooLong {
        /// The limit, in bytes.
        max: u64,
    },
    /// The input could not be read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The line is not a recorded response (not JSON, not UTF-8, a field missing or mistyped).
    #[error("not a recorded response ({{\"operation\", \"status\", \"body\"}}): {0}")]
    NotRecorded(#[source] serde_json::Error),
    /// The body is a JSON string that does not decode (e.g. a lone surrogate escape).
    #[error("body string: {0}")]
    BodyString(#[source] serde_json::Error),
}

/// Read the next line (without its `\n` or `\r\n`) into `line`; `false` at the end of input.
///
/// Never holds more than `max` bytes of a line plus two (to see a line end of `\r\n` after a
/// line of exactly `max` bytes): a longer line is [`LineError::TooLong`], and the reader is left
/// inside it. The limit counts the line without its line end, whichever it is (a line of `max`
/// bytes ended by `\r\n` was refused before: the `\r` counted). `line` is cleared first, so its
/// capacity follows the longest line read.
pub fn read_line(
    reader: &mut dyn BufRead,
    line: &mut Vec<u8>,
    max: u64,
) -> Result<bool, LineError> {
    line.clear();
    let read = reader.take(max.saturating_add(2)).read_until(b'\n', line)?;
    if read == 0 {
        return Ok(false);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
    if line.len() as u64 > max {
        return Err(LineError::TooLong { max });
    }
    Ok(true)
}

/// One line of a recorded stream, borrowed from the line's bytes: the body stays raw JSON text
/// and goes to [`crate::Validator::validate`] as it is.
#[derive(Debug, Deserialize)]
pub struct ReplayLine<'a> {
    /// The operationId.
    #[serde(borrow)]
    pub operation: Cow<'a, str>,
    /// HTTP status (200 when absent).
    #[serde(default = "default_status")]
    pub status: u16,
    /// The `Content-Type` header, if recorded.
    #[serde(default, borrow)]
    pub content_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    body: &'a RawValue,
}

fn default_status() -> u16 {
    200
}

impl<'a> ReplayLine<'a> {
    /// Parse one line (as returned by [`read_line`]).
    pub fn parse(line: &'a [u8]) -> Result<Self, LineError> {
        serde_json::from_slice(line).map_err(LineError::NotRecorded)
    }

    /// The body's bytes as the validator takes them: a JSON body as its text, borrowed; a string
    /// body (the raw text that was received: an HTML page, a cut body) decoded.
    pub fn body_bytes(&self) -> Result<Cow<'a, [u8]>, LineError> {
        let raw: &'a str = self.body.get();
        if raw.starts_with('"') {
            let text: String = serde_json::from_str(raw).map_err(LineError::BodyString)?;
            Ok(Cow::Owned(text.into_bytes()))
        } else {
            Ok(Cow::Borrowed(raw.as_bytes()))
        }
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
