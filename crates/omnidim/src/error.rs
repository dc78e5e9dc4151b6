//! One error type for every operation, naming the operation that failed.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Longest response-body excerpt kept in an error (bodies can carry phone numbers and be large).
const BODY_EXCERPT_BYTES: usize = 512;

/// A misconfigured client: reported by [`crate::Client::from_env`] and [`crate::ClientBuilder::build`],
/// before any request is sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No API key was given (`OMNIDIM_API_KEY` unset or empty, or no `api_key(..)` on the builder).
    #[error(
        "no API key: set {} or call ClientBuilder::api_key",
        crate::ENV_API_KEY
    )]
    MissingApiKey,
    /// The API key cannot be right (the key itself is never printed): shorter than 8
    /// characters (the official Python SDK refuses such keys before sending them, and so does
    /// this client), containing whitespace inside it, or characters that an HTTP header cannot
    /// carry. Whitespace around the key is removed first (see [`crate::ApiKey::new`]).
    #[error("invalid API key: {0}")]
    InvalidApiKey(&'static str),
    /// The base URL does not parse.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// Why it was rejected.
        reason: String,
    },
    /// Refused to send the API key in clear text to a host that is not loopback.
    #[error(
        "refusing to send the API key over plain http to {url:?}: use https, or http only to a loopback host (localhost, 127.0.0.0/8, ::1)"
    )]
    InsecureBaseUrl {
        /// The URL as given.
        url: String,
    },
    /// The user agent is not a valid header value.
    #[error("invalid user agent {0:?}: not a valid HTTP header value")]
    InvalidUserAgent(String),
    /// The TLS configuration could not be built.
    #[error("cannot configure TLS: {0}")]
    Tls(String),
    /// A default header that the client sets itself (`Authorization`, `Content-Type`,
    /// `Content-Length`, `Host`).
    #[error("the header {0} is set by the client and cannot be a default header")]
    ManagedHeader(String),
    /// Two settings that cannot go together.
    #[error("conflicting settings: {0}")]
    Conflict(&'static str),
    /// reqwest refused the HTTP client configuration.
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
    /// Response validation could not be set up: the spec given to
    /// [`crate::ResponseValidation`] does not load or compile (feature `validation`). Boxed:
    /// keeps the error small.
    #[cfg(feature = "validation")]
    #[error("cannot set up response validation: {0}")]
    Validator(#[source] Box<omnidim_validator::ValidatorError>),
}

/// `?` on [`crate::ResponseValidation::embedded`] (or any `Validator` constructor) in a function
/// that returns [`ConfigError`].
#[cfg(feature = "validation")]
impl From<omnidim_validator::ValidatorError> for ConfigError {
    fn from(e: omnidim_validator::ValidatorError) -> Self {
        ConfigError::Validator(Box::new(e))
    }
}

/// `?` on [`crate::ResponseValidation::embedded`] in a function that returns [`Error`]: a
/// [`ConfigError::Validator`] inside [`Error::Config`].
#[cfg(feature = "validation")]
impl From<omnidim_validator::ValidatorError> for Error {
    fn from(e: omnidim_validator::ValidatorError) -> Self {
        Error::Config(e.into())
    }
}

/// The error body the API sends with an error status.
///
/// The published spec documents `error` and `message`; the official Python SDK reads
/// `error_description` first. Other keys are kept in `other`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    /// Short error code or text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Detail that the Python SDK prefers when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// Any other keys of the body.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl ApiErrorBody {
    /// The most specific text the body carries (as the Python SDK picks it).
    pub fn text(&self) -> Option<&str> {
        self.error_description
            .as_deref()
            .or(self.error.as_deref())
            .or(self.message.as_deref())
    }

    /// Every text the body carries, each once, joined with `: `: `error` (usually a short
    /// code), then `error_description`, then `message`. This is what [`Error::Api`] displays:
    /// a code alone (`not_found`) says less than the message beside it (`Bulk call not found`).
    pub fn summary(&self) -> Option<String> {
        let mut parts: Vec<&str> = Vec::with_capacity(3);
        for text in [&self.error, &self.error_description, &self.message]
            .into_iter()
            .flatten()
            .map(|t| t.trim())
        {
            if !text.is_empty() && !parts.contains(&text) {
                parts.push(text);
            }
        }
        (!parts.is_empty()).then(|| parts.join(": "))
    }
}

/// `: <summary>` of an error body, or nothing.
fn api_summary(body: Option<&ApiErrorBody>) -> String {
    body.and_then(ApiErrorBody::summary)
        .map(|t| format!(": {t}"))
        .unwrap_or_default()
}

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured.
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// The API answered with a status that is not the documented success.
    #[error("{operation}: HTTP {status}{}{}", api_summary(body.as_deref()), if *documented { "" } else { " (status not documented for this operation)" })]
    Api {
        /// The spec's operationId.
        operation: &'static str,
        /// HTTP status code.
        status: u16,
        /// Whether the spec documents this status for the operation.
        documented: bool,
        /// The API's error body, when it sent a JSON one (boxed: keeps `Error` small).
        body: Option<Box<ApiErrorBody>>,
        /// The start of the body when it was not a JSON object (an HTML error page, say).
        body_excerpt: Option<String>,
        /// The `Retry-After` delay the server asked for, if any.
        retry_after: Option<Duration>,
    },

    /// The request did not get an answer: connection refused or reset, TLS failure, timeout.
    ///
    /// Display ends with the innermost cause (`Connection refused (os error 111)`, a DNS or
    /// certificate error): reqwest's own text only says "error sending request", and the reason
    /// is several `source()` levels down, where most loggers never look.
    #[error("{operation}: {kind}: {source}{}", root_cause_suffix(source))]
    Transport {
        /// The spec's operationId.
        operation: &'static str,
        /// Which kind of failure.
        kind: TransportKind,
        /// The underlying error (its text names the URL, never the API key).
        #[source]
        source: reqwest::Error,
    },

    /// The documented success response did not decode into the type the spec declares.
    #[error(
        "{operation}: HTTP {status}: response body does not match the spec at byte {offset} (line {line}, column {column}): {source}"
    )]
    InvalidResponse {
        /// The spec's operationId.
        operation: &'static str,
        /// HTTP status code.
        status: u16,
        /// Byte offset in the body where decoding failed.
        offset: usize,
        /// Line (1-based) where decoding failed.
        line: usize,
        /// Column (1-based) where decoding failed.
        column: usize,
        /// The start of the body.
        body_excerpt: String,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
    },

    /// Strict response validation found the success response not matching the spec
    /// (feature `validation`, `ResponseValidation::strict(true)`).
    #[cfg(feature = "validation")]
    #[error("{operation}: HTTP {status}: response rejected by strict validation: {} error finding(s), first: {}", report.count(omnidim_validator::Severity::Error), report.first_error().map(|f| format!("{} {}", if f.instance.is_empty() { "(body)" } else { &f.instance }, f.message)).unwrap_or_default())]
    ResponseRejected {
        /// The spec's operationId.
        operation: &'static str,
        /// HTTP status code.
        status: u16,
        /// The validation report.
        report: Box<omnidim_validator::Report>,
    },

    /// The response body was longer than [`crate::ClientBuilder::max_response_bytes`]; it was
    /// not read.
    #[error("{operation}: HTTP {status}: response body larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The spec's operationId.
        operation: &'static str,
        /// HTTP status code.
        status: u16,
        /// The limit in bytes.
        limit: u64,
    },

    /// A `.stream()` could not go on: a page repeated the previous one (the server ignores the
    /// page parameter) or the page budget ([`crate::ClientBuilder::max_pages`]) was spent.
    #[error("{operation}: pagination stopped: {reason}")]
    Pagination {
        /// The spec's operationId.
        operation: &'static str,
        /// What happened.
        reason: String,
    },

    /// The request could not be built from the given arguments.
    #[error("{operation}: invalid request: {message}")]
    InvalidRequest {
        /// The spec's operationId.
        operation: &'static str,
        /// What was wrong.
        message: String,
    },
}

/// The kind of a [`Error::Transport`] failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be established.
    Connect,
    /// The request or connection timed out.
    Timeout,
    /// The response body could not be read to its end (e.g. the connection dropped).
    Body,
    /// Any other failure of the HTTP stack.
    Other,
}

impl std::fmt::Display for TransportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "cannot connect",
            TransportKind::Timeout => "timed out",
            TransportKind::Body => "cannot read the response body",
            TransportKind::Other => "request failed",
        })
    }
}

impl Error {
    /// The operationId of the failed request, if it got as far as one.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Config(_) => None,
            Error::Api { operation, .. }
            | Error::Transport { operation, .. }
            | Error::InvalidResponse { operation, .. }
            | Error::InvalidRequest { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::Pagination { operation, .. } => Some(operation),
            #[cfg(feature = "validation")]
            Error::ResponseRejected { operation, .. } => Some(operation),
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::InvalidResponse { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            #[cfg(feature = "validation")]
            Error::ResponseRejected { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// The API's error body, when it sent one.
    pub fn api_error(&self) -> Option<&ApiErrorBody> {
        match self {
            Error::Api { body, .. } => body.as_deref(),
            _ => None,
        }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        )
    }

    /// Convert progenitor's error for `operation` (see `call.rs`).
    pub(crate) async fn from_generated<E: Serialize>(
        operation: &'static crate::Operation,
        error: progenitor_client::Error<E>,
        record: crate::call::CallState,
    ) -> Error {
        use progenitor_client::Error as G;
        let op = operation.id;
        match error {
            G::InvalidRequest(message) | G::Custom(message) => Error::InvalidRequest {
                operation: op,
                message,
            },
            G::CommunicationError(source) | G::InvalidUpgrade(source) => Error::Transport {
                operation: op,
                kind: transport_kind(&source, TransportKind::Other),
                source,
            },
            G::ResponseBodyError(source) => Error::Transport {
                operation: op,
                kind: transport_kind(&source, TransportKind::Body),
                source,
            },
            G::ErrorResponse(value) => {
                let status = value.status().as_u16();
                let retry_after = crate::retry::retry_after(value.headers());
                let body = serde_json::to_value(value.into_inner())
                    .ok()
                    .and_then(|v| serde_json::from_value::<ApiErrorBody>(v).ok())
                    .map(Box::new);
                Error::Api {
                    operation: op,
                    status,
                    documented: true,
                    body,
                    body_excerpt: None,
                    retry_after,
                }
            }
            // A documented error status whose body is not the documented JSON (an empty 503, an
            // HTML 502): still an API error with its status, not a decoding problem.
            G::InvalidResponsePayload(bytes, _) if record.status.is_some_and(|s| s >= 400) => {
                Error::Api {
                    operation: op,
                    status: record.status.unwrap_or_default(),
                    documented: true,
                    body: serde_json::from_slice::<ApiErrorBody>(&bytes)
                        .ok()
                        .map(Box::new),
                    body_excerpt: (!bytes.is_empty()).then(|| excerpt(&bytes)),
                    retry_after: record.retry_after,
                }
            }
            G::InvalidResponsePayload(bytes, source) => {
                let (line, column) = (source.line(), source.column());
                Error::InvalidResponse {
                    operation: op,
                    status: record.status.unwrap_or(200),
                    offset: byte_offset(&bytes, line, column),
                    line,
                    column,
                    body_excerpt: excerpt(&bytes),
                    source,
                }
            }
            G::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                let retry_after = crate::retry::retry_after(response.headers());
                // Bounded read: an error page is not worth more than this.
                let bytes = read_limited(response, 64 * 1024).await;
                let body = serde_json::from_slice::<ApiErrorBody>(&bytes)
                    .ok()
                    .map(Box::new);
                let body_excerpt = if body.is_none() && !bytes.is_empty() {
                    Some(excerpt(&bytes))
                } else {
                    None
                };
                Error::Api {
                    operation: op,
                    status,
                    documented: false,
                    body,
                    body_excerpt,
                    retry_after,
                }
            }
        }
    }
}

/// `": <innermost cause>"` of an error's `source()` chain, or nothing when the error has no
/// source or its text already ends with the cause's. The chain is bounded (a cyclic `source()`
/// would otherwise loop forever).
fn root_cause_suffix(error: &(dyn std::error::Error + 'static)) -> String {
    let mut root = None;
    let mut next = error.source();
    for _ in 0..32 {
        let Some(e) = next else { break };
        root = Some(e);
        next = e.source();
    }
    match root.map(|e| e.to_string()) {
        Some(text) if !text.is_empty() && !error.to_string().ends_with(&text) => {
            format!(": {text}")
        }
        _ => String::new(),
    }
}

fn transport_kind(e: &reqwest::Error, fallback: TransportKind) -> TransportKind {
    if e.is_timeout() {
        TransportKind::Timeout
    } else if e.is_connect() {
        TransportKind::Connect
    } else if e.is_body() || e.is_decode() {
        TransportKind::Body
    } else {
        fallback
    }
}

async fn read_limited(mut response: reqwest::Response, limit: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = limit.saturating_sub(out.len());
        out.extend_from_slice(chunk.get(..chunk.len().min(room)).unwrap_or_default());
        if out.len() >= limit {
            break;
        }
    }
    out
}

/// The first bytes of a body, as lossy UTF-8, cut at a character boundary.
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    let cut = bytes
        .get(..bytes.len().min(BODY_EXCERPT_BYTES))
        .unwrap_or_default();
    let mut s = String::from_utf8_lossy(cut).into_owned();
    if bytes.len() > BODY_EXCERPT_BYTES {
        s.push('…');
    }
    s
}

/// serde_json reports line and column (1-based); turn them into a byte offset into `bytes`.
pub(crate) fn byte_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut offset = 0;
    let mut current_line = 1;
    for (i, b) in bytes.iter().enumerate() {
        if current_line == line {
            offset = i;
            break;
        }
        if *b == b'\n' {
            current_line += 1;
        }
        offset = i + 1;
    }
    (offset + column.saturating_sub(1)).min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_stays_small() {
        // Returned by every call: keep it well under clippy's large-error threshold (128 bytes).
        assert!(
            std::mem::size_of::<Error>() <= 96,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    /// A closed loopback port: the error's text names the OS cause, not only "error sending
    /// request" (the cause is four `source()` levels down in reqwest).
    #[tokio::test]
    async fn a_transport_error_shows_its_root_cause() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let client = crate::Client::builder()
            .api_key("sk-test-0123456789")
            .base_url(format!("http://127.0.0.1:{port}/api/v1"))
            .retry_policy(crate::RetryPolicy::none())
            .build()
            .unwrap();
        let err = client
            .get_bulk_call()
            .bulk_call_id(314)
            .send()
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Transport { .. }), "{text}");
        let os = std::io::Error::from(std::io::ErrorKind::ConnectionRefused).to_string();
        assert!(
            text.to_lowercase().contains("connection refused"),
            "{text} (expected the OS cause, like {os:?})"
        );
        assert!(!text.contains("sk-test"), "{text}");
    }

    #[test]
    fn byte_offsets_follow_lines() {
        let body = b"{\n  \"a\": tru";
        let err = serde_json::from_slice::<serde_json::Value>(body).unwrap_err();
        // serde_json points at the last byte it read: the `u` of `tru`.
        let off = byte_offset(body, err.line(), err.column());
        assert_eq!(off, body.len() - 1);
        assert_eq!(byte_offset(b"<html>", 1, 1), 0);
        assert_eq!(byte_offset(b"", 1, 0), 0);
    }

    #[test]
    fn excerpts_are_bounded() {
        let long = vec![b'x'; 10_000];
        assert!(excerpt(&long).len() <= BODY_EXCERPT_BYTES + 3);
    }

    #[test]
    fn error_body_summary_has_every_text_once() {
        let b: ApiErrorBody =
            serde_json::from_str(r#"{"error":"not_found","message":"Bulk call not found","x":1}"#)
                .unwrap();
        assert_eq!(
            b.summary().as_deref(),
            Some("not_found: Bulk call not found")
        );
        let b: ApiErrorBody =
            serde_json::from_str(r#"{"error":"bad key","error_description":"bad key"}"#).unwrap();
        assert_eq!(b.summary().as_deref(), Some("bad key"));
        let b: ApiErrorBody = serde_json::from_str(r#"{"message":"  ","x":1}"#).unwrap();
        assert_eq!(b.summary(), None);
    }

    #[test]
    fn error_body_text_prefers_description() {
        let b: ApiErrorBody =
            serde_json::from_str(r#"{"error":"unauthorized","error_description":"bad key","x":1}"#)
                .unwrap();
        assert_eq!(b.text(), Some("bad key"));
        assert_eq!(b.other.get("x"), Some(&serde_json::json!(1)));
    }
}
