//! What the mock answers: faults first, then auth, routing and request checks, then the
//! documented example of the chosen response.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use serde_json::{Value, json};

use crate::{Answer, BASE_PATH, DropConnection, State, routes, validate_request};

/// A fault to inject instead of (or before) the normal answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and an error body (e.g. 500, 502, 503, 504).
    Status(u16),
    /// 429 with `Retry-After: <seconds>`.
    TooManyRequests {
        /// The `Retry-After` value, in seconds.
        retry_after_secs: u64,
    },
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// The normal answer with its JSON body cut in half.
    Truncate,
    /// A 200 whose body is an HTML page instead of JSON.
    Html,
    /// Close the connection without answering.
    Drop,
}

impl Fault {
    /// Parse the `X-Mock-Fault` header syntax: `503`, `429`, `429;retry-after=2`, `delay=250`,
    /// `truncate`, `html`, `drop`.
    pub fn parse(text: &str) -> Option<Fault> {
        let text = text.trim().to_ascii_lowercase();
        let (head, args) = text.split_once(';').unwrap_or((text.as_str(), ""));
        match head.trim() {
            "truncate" => Some(Fault::Truncate),
            "html" | "not-json" => Some(Fault::Html),
            "drop" => Some(Fault::Drop),
            "429" => {
                let secs = args
                    .split(';')
                    .find_map(|a| a.trim().strip_prefix("retry-after="))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1);
                Some(Fault::TooManyRequests {
                    retry_after_secs: secs,
                })
            }
            h => {
                if let Some(ms) = h.strip_prefix("delay=") {
                    return ms
                        .parse()
                        .ok()
                        .map(|ms| Fault::Delay(Duration::from_millis(ms)));
                }
                h.parse::<u16>()
                    .ok()
                    .filter(|c| (100..600).contains(c))
                    .map(Fault::Status)
            }
        }
    }
}

pub(crate) fn header_fault(headers: &http::HeaderMap) -> Option<Fault> {
    headers
        .get("x-mock-fault")
        .and_then(|v| v.to_str().ok())
        .and_then(Fault::parse)
}

fn json_answer(status: u16, body: &Value) -> Answer {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    raw(status, "application/json", bytes)
}

fn raw(status: u16, content_type: &str, bytes: Vec<u8>) -> Answer {
    let mut response = http::Response::new(Full::new(Bytes::from(bytes)));
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = http::HeaderValue::from_str(content_type) {
        response.headers_mut().insert(http::header::CONTENT_TYPE, v);
    }
    response
}

/// An answer with the spec's `Error` shape.
pub(crate) fn error(status: u16, code: &str, message: &str) -> Answer {
    json_answer(status, &json!({"error": code, "message": message}))
}

pub(crate) async fn answer(
    state: &State,
    parts: &http::request::Parts,
    body: &[u8],
    fault: Option<Fault>,
) -> Result<Answer, DropConnection> {
    let Some(path) = parts.uri.path().strip_prefix(BASE_PATH) else {
        return Ok(error(
            404,
            "not_found",
            &format!("the API lives under {BASE_PATH}"),
        ));
    };
    let (route, params) = match routes::find(&state.routes, parts.method.as_str(), path) {
        Ok(found) => found,
        Err(true) => {
            return Ok(error(
                405,
                "method_not_allowed",
                "no such method for this path in the spec",
            ));
        }
        Err(false) => return Ok(error(404, "not_found", "no such path in the spec")),
    };
    state.count(&route.operation_id);

    match &fault {
        Some(Fault::Drop) => return Err(DropConnection),
        Some(Fault::Status(code)) => {
            return Ok(error(
                *code,
                "mock_fault",
                &format!("fault injected: {code}"),
            ));
        }
        Some(Fault::TooManyRequests { retry_after_secs }) => {
            let mut a = error(429, "rate_limited", "fault injected: 429");
            if let Ok(v) = http::HeaderValue::from_str(&retry_after_secs.to_string()) {
                a.headers_mut().insert(http::header::RETRY_AFTER, v);
            }
            return Ok(a);
        }
        Some(Fault::Html) => {
            return Ok(raw(
                200,
                "text/html",
                b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
            ));
        }
        Some(Fault::Delay(d)) => tokio::time::sleep(*d).await,
        Some(Fault::Truncate) | None => {}
    }

    let authorized = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| !t.trim().is_empty());
    if !authorized {
        return Ok(error(
            401,
            "unauthorized",
            "missing or malformed Authorization: Bearer <key>",
        ));
    }

    let findings = validate_request::check(
        &state.spec,
        &state.request_schemas,
        &route.pointer,
        &params,
        parts.uri.query(),
        &|name| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        },
        body,
        // The answer goes back to the client that sent the values.
        true,
    );
    if !findings.is_empty() {
        let first = findings
            .listed
            .first()
            .and_then(|f| f.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("invalid request")
            .to_string();
        let omitted = findings.omitted();
        return Ok(json_answer(
            400,
            &json!({
                "error": "bad_request",
                "message": first,
                "findings": findings.listed,
                "findings_omitted": omitted,
            }),
        ));
    }

    let prefer = Prefer::parse(&parts.headers);
    if prefer.code.is_none()
        && prefer.example.is_none()
        && let Some(recorded) = state.answers.get(&route.operation_id)
    {
        let mut bytes = recorded.body.to_vec();
        if fault == Some(Fault::Truncate) {
            bytes.truncate(bytes.len() / 2);
        }
        return Ok(raw(recorded.status, &recorded.content_type, bytes));
    }
    let operation = routes::operation(&state.spec, route);
    let (status, body) = documented_answer(state, operation, &prefer);
    let mut bytes = serde_json::to_vec(&body).unwrap_or_default();
    if fault == Some(Fault::Truncate) {
        bytes.truncate(bytes.len() / 2);
    }
    Ok(raw(status, "application/json", bytes))
}

/// `Prefer: code=404, example=name` (RFC 7240 style, as Prism reads it).
#[derive(Default)]
struct Prefer {
    code: Option<String>,
    example: Option<String>,
}

impl Prefer {
    fn parse(headers: &http::HeaderMap) -> Self {
        let mut p = Prefer::default();
        for value in headers
            .get_all("prefer")
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            for item in value.split([',', ';']) {
                match item.trim().split_once('=') {
                    Some(("code", v)) => p.code = Some(v.trim().trim_matches('"').to_string()),
                    Some(("example", v)) => {
                        p.example = Some(v.trim().trim_matches('"').to_string())
                    }
                    _ => {}
                }
            }
        }
        p
    }
}

/// The status and body to answer with: the preferred (or first 2xx) documented response, its
/// named or media-type example, else a value built from its schema with every documented key
/// (so the keys the SDK's documents name can be read from the mock's answers).
fn documented_answer(state: &State, operation: &Value, prefer: &Prefer) -> (u16, Value) {
    let responses = operation.get("responses").and_then(Value::as_object);
    let pick = responses.and_then(|r| match &prefer.code {
        Some(code) => r
            .get(code)
            .map(|v| (code.clone(), v))
            .or_else(|| {
                code.get(..1)
                    .and_then(|d| r.get(&format!("{d}XX")).map(|v| (code.clone(), v)))
            })
            .or_else(|| r.get("default").map(|v| (code.clone(), v))),
        None => r
            .iter()
            .find(|(k, _)| k.starts_with('2'))
            .map(|(k, v)| (k.clone(), v)),
    });
    let Some((key, response)) = pick else {
        let code = prefer
            .code
            .as_deref()
            .and_then(|c| c.parse().ok())
            .unwrap_or(200);
        return (
            code,
            json!({"error": "mock", "message": "the spec documents no such response"}),
        );
    };
    let status = key.replace("XX", "00").parse::<u16>().unwrap_or(200);
    let response = state.spec.deref(response).unwrap_or(&Value::Null);
    let media = response
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.iter().find(|(k, _)| k.contains("json")).map(|(_, v)| v));
    let Some(media) = media else {
        return (status, json!({}));
    };
    if let Some(name) = &prefer.example
        && let Some(v) = media
            .get("examples")
            .and_then(|e| e.get(name))
            .and_then(|e| state.spec.deref(e))
            .and_then(|e| e.get("value"))
    {
        return (status, v.clone());
    }
    if let Some(v) = media.get("example") {
        return (status, v.clone());
    }
    if let Some(v) = media
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|e| e.values().next())
        .and_then(|e| state.spec.deref(e))
        .and_then(|e| e.get("value"))
    {
        return (status, v.clone());
    }
    let body = media
        .get("schema")
        .map(|s| omnidim_spec::sample::sample_documented(&state.spec, s))
        .unwrap_or(json!({}));
    let body = match (status, body) {
        (400.., Value::Object(m)) if m.is_empty() => {
            json!({"error": "mock", "message": format!("mock answer {status}")})
        }
        (_, b) => b,
    };
    (status, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_header_syntax() {
        assert_eq!(Fault::parse("503"), Some(Fault::Status(503)));
        assert_eq!(
            Fault::parse("429"),
            Some(Fault::TooManyRequests {
                retry_after_secs: 1
            })
        );
        assert_eq!(
            Fault::parse("429; retry-after=3"),
            Some(Fault::TooManyRequests {
                retry_after_secs: 3
            })
        );
        assert_eq!(
            Fault::parse("delay=250"),
            Some(Fault::Delay(Duration::from_millis(250)))
        );
        assert_eq!(Fault::parse("TRUNCATE"), Some(Fault::Truncate));
        assert_eq!(Fault::parse("html"), Some(Fault::Html));
        assert_eq!(Fault::parse("drop"), Some(Fault::Drop));
        assert_eq!(Fault::parse("99"), None);
        assert_eq!(Fault::parse("nonsense"), None);
    }
}
