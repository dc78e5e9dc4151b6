#![doc = concat!(include_str!("../README.md"), "\n## In detail\n\n")]
//! A validating proxy for the OmniDimension API, for clients in any language (Prism's proxy mode
//! is the model): point a client at [`Proxy::base_url`] instead of the API, and every request
//! and response is checked against the spec on the way while the traffic itself is left alone.
//!
//! - **Unchanged traffic**: method, path, query, headers and body go upstream as they came, and
//!   the answer comes back as it was (status, headers, body bytes). Only what HTTP/1.1 says a
//!   proxy must not forward changes: hop-by-hop headers (`Connection`, `Keep-Alive`,
//!   `Transfer-Encoding`, `TE`, `Trailer`, `Upgrade`, `Proxy-*`) and `Host`, which names the
//!   upstream.
//! - **No added wait for validation**: the response streams to the client frame by frame as it
//!   arrives; a copy is validated after the last byte is sent, off the request's path. What the
//!   proxy adds is one loopback hop (measured by the `overhead` bench).
//! - **Findings** for each exchange ([`Exchange`]): request checks (parameters, body) and the
//!   response report, given to a callback (the CLI logs them as text or NDJSON).
//! - **Masked**: findings, logged headers and recordings mask personal values; `Authorization`
//!   (and cookies, and anything named like a key, token or secret) is never logged or recorded.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod tee;

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Either, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use omnidim_spec::Spec;
use omnidim_spec::router::{self, Route};
use omnidim_validator::record::Recorded;
use omnidim_validator::request::{self, RequestSchemas};
use omnidim_validator::{Options, Report, Validator};
use serde::Serialize;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Why the proxy could not start.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// The spec does not compile into validators.
    #[error(transparent)]
    Validator(#[from] omnidim_validator::ValidatorError),
    /// A request schema of the spec does not compile.
    #[error(transparent)]
    RequestSchema(#[from] omnidim_validator::request::RequestSchemaError),
    /// The upstream URL is not an http(s) URL with a host.
    #[error("invalid upstream URL {url:?}: {reason}")]
    Upstream {
        /// The URL as given.
        url: String,
        /// Why it was rejected.
        reason: String,
    },
    /// TLS for an https upstream could not be configured.
    #[error("cannot configure TLS for the upstream: {0}")]
    Tls(String),
    /// The listening address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// Called with each finished exchange (from a background task; keep it quick).
pub type ExchangeSink = Arc<dyn Fn(&Exchange) + Send + Sync>;

/// How the proxy behaves.
#[derive(Clone)]
pub struct ProxyOptions {
    /// Show values in findings and recordings (credentials stay redacted).
    pub show_values: bool,
    /// Largest response body validated (a longer one is forwarded whole, not validated).
    pub max_validated_bytes: usize,
    /// Largest request body forwarded; a larger one gets 413 from the proxy.
    pub max_request_bytes: usize,
    /// Receives each exchange with its findings.
    pub on_exchange: Option<ExchangeSink>,
    /// Where to write each response as a recorded line (see `omnidim_validator::record`).
    pub record: Option<Arc<Mutex<dyn Write + Send>>>,
}

impl Default for ProxyOptions {
    fn default() -> Self {
        Self {
            show_values: false,
            max_validated_bytes: 64 * 1024 * 1024,
            max_request_bytes: 64 * 1024 * 1024,
            on_exchange: None,
            record: None,
        }
    }
}

impl std::fmt::Debug for ProxyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyOptions")
            .field("show_values", &self.show_values)
            .field("max_validated_bytes", &self.max_validated_bytes)
            .field("max_request_bytes", &self.max_request_bytes)
            .field("on_exchange", &self.on_exchange.is_some())
            .field("record", &self.record.is_some())
            .finish()
    }
}

/// One request and its answer, as the proxy saw them (masked).
#[derive(Clone, Debug, Serialize)]
pub struct Exchange {
    /// The operationId the request matched, if any.
    pub operation: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Request path (segments that look personal masked; the query is left out).
    pub path: String,
    /// Request headers, masked; credentials and cookies never appear.
    pub request_headers: Vec<(String, String)>,
    /// Status of the answer (none when the upstream gave none).
    pub status: Option<u16>,
    /// Findings of the request checks (`{in, name?, pointer?, spec, message}`).
    pub request_findings: Vec<Value>,
    /// Request findings counted but not listed.
    pub request_findings_omitted: usize,
    /// The response report (when the operation is known and the body complete).
    pub response: Option<Report>,
    /// Why the exchange failed or was not validated, if it was not.
    pub note: Option<String>,
    /// From the request's arrival to the response head, in milliseconds.
    pub upstream_ms: f64,
    /// Response body bytes forwarded.
    pub response_bytes: usize,
}

/// A running proxy. Dropping it stops the listener.
pub struct Proxy {
    addr: SocketAddr,
    base_path: String,
    task: tokio::task::JoinHandle<()>,
}

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

struct State {
    spec: Spec,
    routes: Vec<Route>,
    schemas: RequestSchemas,
    validator: Validator,
    client: HttpsClient,
    /// `scheme://authority` of the upstream.
    origin: String,
    /// Path of the upstream base URL (`/api/v1`), which request paths start with.
    base_path: String,
    options: ProxyOptions,
}

impl Proxy {
    /// Start forwarding to `upstream` (a base URL such as `https://backend.omnidim.io/api/v1`)
    /// on `addr` (port 0 picks a free one).
    pub async fn start(
        spec: Spec,
        upstream: &str,
        options: ProxyOptions,
        addr: SocketAddr,
    ) -> Result<Self, ProxyError> {
        let url = url::Url::parse(upstream.trim()).map_err(|e| ProxyError::Upstream {
            url: upstream.to_string(),
            reason: e.to_string(),
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(ProxyError::Upstream {
                url: upstream.to_string(),
                reason: "expected an http or https URL with a host".into(),
            });
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ProxyError::Upstream {
                url: "<redacted>".into(),
                reason: "credentials in the URL are not supported".into(),
            });
        }
        let origin = url.origin().ascii_serialization();
        let base_path = url.path().trim_end_matches('/').to_string();
        let validator = Validator::with_options(
            &spec,
            Options {
                show_values: options.show_values,
                ..Options::default()
            },
        )?;
        let schemas = RequestSchemas::compile(&spec)?;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| ProxyError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| ProxyError::Bind { addr, source })?;
        let state = Arc::new(State {
            routes: router::routes(&spec),
            spec,
            schemas,
            validator,
            client: https_client()?,
            origin,
            base_path: base_path.clone(),
            options,
        });
        let task = tokio::spawn(serve(listener, state));
        Ok(Self {
            addr,
            base_path,
            task,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to give a client: the proxy's address with the upstream's base path.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, self.base_path)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An HTTP/1.1 client for http and https upstreams (rustls with the webpki roots; no system
/// proxy settings: the proxy talks to the upstream it was given).
fn https_client() -> Result<HttpsClient, ProxyError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ProxyError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new())
        .timer(TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(60))
        .build(connector))
}

async fn serve(listener: TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, or a connection reset before it was accepted.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(state.clone(), req));
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30));
            // A client going away mid-exchange is not the proxy's error.
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

type ProxyBody = Either<tee::Tee, Full<Bytes>>;

/// Headers a proxy must not forward (RFC 9110 section 7.6.1), and `Host` (set for the upstream).
fn is_hop_by_hop(name: &HeaderName, connection: &HeaderMap) -> bool {
    const HOP: &[&str] = &[
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    ];
    HOP.contains(&name.as_str())
        || connection
            .get_all(http::header::CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|token| token.trim().eq_ignore_ascii_case(name.as_str()))
}

fn copy_headers(from: &HeaderMap, to: &mut HeaderMap, skip_host: bool) {
    for (name, value) in from {
        if is_hop_by_hop(name, from) || (skip_host && name == http::header::HOST) {
            continue;
        }
        to.append(name.clone(), value.clone());
    }
}

/// An answer of the proxy itself (the upstream gave none): `{"error", "message"}`.
fn own_answer(status: StatusCode, code: &str, message: &str) -> Response<ProxyBody> {
    let body = serde_json::json!({"error": code, "message": format!("omnidim proxy: {message}")});
    let mut response = Response::new(Either::Right(Full::new(Bytes::from(
        serde_json::to_vec(&body).unwrap_or_default(),
    ))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<ProxyBody>, Infallible> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, state.options.max_request_bytes)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            let (status, code) = if e
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
            } else {
                (StatusCode::BAD_REQUEST, "malformed_body")
            };
            let message = format!("cannot forward the request body: {e}");
            report(&state, &parts, Bytes::new(), started, Some(message.clone()));
            return Ok(own_answer(status, code, &message));
        }
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    let uri: Uri = match format!("{}{path_and_query}", state.origin).parse() {
        Ok(uri) => uri,
        Err(e) => {
            let message = format!("cannot build the upstream URL: {e}");
            report(&state, &parts, body, started, Some(message.clone()));
            return Ok(own_answer(StatusCode::BAD_REQUEST, "bad_request", &message));
        }
    };
    let mut upstream = Request::new(Full::new(body.clone()));
    *upstream.method_mut() = parts.method.clone();
    *upstream.uri_mut() = uri;
    *upstream.version_mut() = http::Version::HTTP_11;
    copy_headers(&parts.headers, upstream.headers_mut(), true);
    let response = match state.client.request(upstream).await {
        Ok(r) => r,
        Err(e) => {
            let message = format!("cannot reach the upstream: {}", root_cause(&e));
            report(&state, &parts, body, started, Some(message.clone()));
            return Ok(own_answer(StatusCode::BAD_GATEWAY, "bad_gateway", &message));
        }
    };
    let upstream_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (head, incoming) = response.into_parts();
    let (tx, rx) = oneshot::channel();
    let mut out = Response::new(Either::Left(tee::Tee::new(
        incoming,
        state.options.max_validated_bytes,
        tx,
    )));
    *out.status_mut() = head.status;
    copy_headers(&head.headers, out.headers_mut(), false);
    // Validation waits for the body to have gone to the client, on another task.
    let answer = Answered {
        status: head.status.as_u16(),
        headers: head.headers,
        upstream_ms,
        captured: rx,
    };
    tokio::spawn(async move {
        let captured = answer.captured.await.unwrap_or_default();
        let state2 = state.clone();
        let _ = tokio::task::spawn_blocking(move || {
            finish(
                &state2,
                &parts,
                &body,
                Some((answer.status, &answer.headers, captured)),
                answer.upstream_ms,
                None,
            );
        })
        .await;
    });
    Ok(out)
}

struct Answered {
    status: u16,
    headers: HeaderMap,
    upstream_ms: f64,
    captured: oneshot::Receiver<tee::Captured>,
}

/// Report an exchange without an upstream answer.
fn report(
    state: &Arc<State>,
    parts: &http::request::Parts,
    body: Bytes,
    started: Instant,
    note: Option<String>,
) {
    let state = state.clone();
    let parts = parts.clone();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    tokio::task::spawn_blocking(move || finish(&state, &parts, &body, None, ms, note));
}

/// Validate an exchange and hand it to the sink (and the recording).
fn finish(
    state: &State,
    parts: &http::request::Parts,
    body: &[u8],
    answer: Option<(u16, &HeaderMap, tee::Captured)>,
    upstream_ms: f64,
    mut note: Option<String>,
) {
    let show = state.options.show_values;
    let path = parts.uri.path();
    let route = path
        .strip_prefix(state.base_path.as_str())
        .and_then(|p| router::find(&state.routes, parts.method.as_str(), p).ok());
    if route.is_none() && note.is_none() {
        note = Some("no operation of the spec has this method and path".into());
    }
    let mut exchange = Exchange {
        operation: route.as_ref().map(|(r, _)| r.operation_id.clone()),
        method: parts.method.to_string(),
        path: omnidim_validator::mask_pointer(path, show),
        request_headers: logged_headers(&parts.headers, show),
        status: answer.as_ref().map(|(s, _, _)| *s),
        request_findings: Vec::new(),
        request_findings_omitted: 0,
        response: None,
        note,
        upstream_ms: (upstream_ms * 1000.0).round() / 1000.0,
        response_bytes: answer.as_ref().map(|(_, _, c)| c.len).unwrap_or(0),
    };
    if let Some((route, params)) = &route {
        let found = request::check(
            &state.spec,
            &state.schemas,
            &route.pointer,
            params,
            parts.uri.query(),
            &|name| {
                parts
                    .headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            },
            body,
            show,
        );
        exchange.request_findings_omitted = found.omitted();
        exchange.request_findings = found.listed;
    }
    if let (Some((route, _)), Some((status, headers, captured))) = (&route, &answer) {
        let content_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        if !captured.complete {
            exchange.note = Some(match &captured.error {
                Some(e) => format!("the response body was cut: {e}"),
                None => "the client stopped reading the response body".into(),
            });
        } else if captured.over_limit {
            exchange.note = Some(format!(
                "response body of {} bytes not validated (over {} bytes)",
                captured.len, state.options.max_validated_bytes
            ));
        } else {
            match state.validator.validate(
                &route.operation_id,
                *status,
                content_type,
                &captured.bytes,
            ) {
                Ok(r) => exchange.response = Some(r),
                Err(e) => exchange.note = Some(e.to_string()),
            }
        }
        if let Some(record) = &state.options.record
            && captured.complete
            && !captured.over_limit
        {
            let rec = Recorded::new(
                &route.operation_id,
                *status,
                headers.iter().map(|(k, v)| (k.as_str(), v.as_bytes())),
                &captured.bytes,
                show,
            );
            if let Ok(mut w) = record.lock() {
                let _ = writeln!(w, "{}", rec.to_line());
                let _ = w.flush();
            }
        }
    }
    if let Some(sink) = &state.options.on_exchange {
        sink(&exchange);
    }
}

/// Request headers as logs may show them: credentials, cookies and anything named like a key,
/// token or secret left out; other values masked unless shown (`content-type` and `accept` as
/// they are).
fn logged_headers(headers: &HeaderMap, show: bool) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| {
            let n = name.as_str();
            !(n == "authorization"
                || n == "proxy-authorization"
                || n == "cookie"
                || n == "set-cookie"
                || omnidim_validator::key_is_secret(n)
                || n.contains("key")
                || n.contains("token"))
        })
        .map(|(name, value)| {
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let shown = match name.as_str() {
                "content-type" | "accept" | "content-length" => text,
                _ if show => text,
                _ => omnidim_validator::mask_text(&text),
            };
            (name.as_str().to_string(), shown)
        })
        .collect()
}

/// The innermost cause of an error after its own text (`Connection refused (os error 111)`).
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut root = e;
    for _ in 0..32 {
        match root.source() {
            Some(next) => root = next,
            None => break,
        }
    }
    let (outer, inner) = (e.to_string(), root.to_string());
    if outer.ends_with(&inner) {
        outer
    } else {
        format!("{outer}: {inner}")
    }
}

/// An exchange as one line of text for people (findings on the following lines).
pub fn human_line(e: &Exchange) -> String {
    use std::fmt::Write as _;
    let mut out = format!(
        "{} {} {} -> {} ({:.1} ms)",
        e.method,
        e.path,
        e.operation.as_deref().unwrap_or("(no operation)"),
        e.status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "-".into()),
        e.upstream_ms
    );
    let requests = e.request_findings.len() + e.request_findings_omitted;
    if requests > 0 {
        let _ = write!(out, ", request: {requests} finding(s)");
    }
    if let Some(r) = &e.response {
        let _ = write!(
            out,
            ", response: {}, {} error(s), {} warning(s)",
            r.verdict(false).as_str(),
            r.count(omnidim_validator::Severity::Error),
            r.count(omnidim_validator::Severity::Warning)
        );
    }
    if let Some(n) = &e.note {
        let _ = write!(out, " ({n})");
    }
    for f in &e.request_findings {
        let _ = write!(
            out,
            "\n  request {}: {}",
            f.get("in").and_then(Value::as_str).unwrap_or("?"),
            f.get("message").and_then(Value::as_str).unwrap_or("")
        );
    }
    if let Some(r) = &e.response {
        for f in &r.findings {
            let at = if f.instance.is_empty() {
                "(body)"
            } else {
                &f.instance
            };
            let _ = write!(
                out,
                "\n  response {} {at}: {}",
                format!("{:?}", f.severity).to_lowercase(),
                f.message
            );
        }
    }
    out
}
