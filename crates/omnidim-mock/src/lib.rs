#![doc = concat!(include_str!("../README.md"), "\n## In detail\n\n")]
//! A local OmniDimension API, driven by the spec: for trying the client and testing against it
//! without an API key and without dialing a real phone.
//!
//! [`MockServer::start`] binds a loopback port and answers every operation of the spec:
//!
//! - **Auth**: a request without `Authorization: Bearer <token>` gets 401 (any token is accepted).
//! - **Request checks**: path and query parameters and the JSON body are checked against the
//!   spec; a request that does not match gets 400 with a list of findings (at most
//!   [`MAX_FINDINGS`], each text at most [`MAX_FINDING_TEXT`] bytes, and `findings_omitted`: how
//!   many more there were), so the answer to a bad request stays small whatever its size.
//! - **Answers**: the operation's documented example (or a value built from its schema).
//!   `Prefer: code=404` picks another documented response, `Prefer: example=NAME` a named example
//!   (as Prism does).
//! - **Faults**, per request with the header `X-Mock-Fault` or per server with
//!   [`MockOptions::faults`]: `503` (any status), `429` (with `Retry-After`), `delay=MS`,
//!   `truncate` (cut JSON body), `html` (an HTML error page), `drop` (connection closed without an
//!   answer). See [`Fault`].
//! - **Counts** of the requests received per operation ([`MockServer::received`]).
//! - **Limits** ([`Limits`], in [`MockOptions::limits`]): a header-read timeout, an idle timeout
//!   and a cap on connections, so that clients that send half a request, stall or vanish cannot
//!   hold the mock's connections for good.

mod connection;
mod respond;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Body as _, Incoming};
use omnidim_spec::Spec;
use tokio::net::TcpListener;

use omnidim_spec::router as routes;
use omnidim_validator::request as validate_request;
pub use omnidim_validator::request::{MAX_FINDING_TEXT, MAX_FINDINGS};
pub use respond::Fault;

/// The path prefix of the real API (`https://backend.omnidim.io/api/v1`), kept by the mock so
/// that only the host part of a base URL changes.
pub const BASE_PATH: &str = "/api/v1";

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    #[error(transparent)]
    Spec(#[from] omnidim_spec::SpecError),
    #[error("cannot compile the request schema at #{pointer}: {message}")]
    Schema { pointer: String, message: String },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// A recorded answer that the mock serves for an operation instead of the documented example
/// (e.g. from `omnidim check-live --record`): real bodies, with the mock's auth, request checks
/// and faults around them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedAnswer {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` of the answer.
    pub content_type: String,
    /// The body, as recorded.
    pub body: Bytes,
}

/// How the mock behaves.
#[derive(Clone, Debug, Default)]
pub struct MockOptions {
    /// Answers by operationId that replace the documented examples (a `Prefer` header still
    /// picks a documented response).
    pub answers: HashMap<String, RecordedAnswer>,
    /// Faults applied to the next requests, one per request, in order (then normal answers).
    pub faults: Vec<Fault>,
    /// A fault applied to every request (after `faults` run out).
    pub always: Option<Fault>,
    /// Timeouts and caps on connections and requests (see [`Limits`] for the defaults).
    pub limits: Limits,
}

/// Timeouts and caps that keep one client, broken or hostile, from holding the mock's
/// connections or memory: without them a client could hold hundreds of connections open for
/// good by sending half a request, or never reading its answer. Change them with
/// `Limits { idle_timeout: ..., ..Limits::default() }`.
///
/// The request head has fixed limits besides these (hyper's HTTP/1.1 server, answered before the
/// mock sees a request, then the connection is closed): a head over ~400 KiB (a 1 MB header or
/// request line) or with more than 100 headers gets 431; a head that cannot be parsed (a
/// malformed request line, a header without a colon, a control character in a header, two
/// different `Content-Length`s) gets 400. A request target that is not UTF-8 gets 400, and
/// `..` (raw or `%2e%2e`) is never resolved: such paths are not in the spec (404) or not a valid
/// parameter (400).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How long the mock waits for a complete request head (request line and headers), from the
    /// moment it starts waiting for one: on a new connection, and between requests on a
    /// kept-alive one (so this is also how long an idle kept-alive connection stays open). When
    /// it runs out the connection is closed without an answer. At most a year. Default: 30 s.
    pub header_read_timeout: Duration,
    /// How long a connection may go without a byte received or sent while a request body is
    /// being read or an answer written (a stalled upload, a client that stopped reading, a peer
    /// that vanished); then the connection is closed. Time the mock itself spends on an answer
    /// (a `delay` fault) does not count. At most a year. Default: 30 s.
    pub idle_timeout: Duration,
    /// Most connections served at once (at least 1). Connections over the cap are not refused:
    /// they wait, unaccepted, in the listen backlog until a served one closes, and are then
    /// served in order. Default: 256.
    pub max_connections: usize,
    /// Largest request body, in bytes; a larger one gets 413 (refused from its `Content-Length`
    /// before it is read, or as soon as a chunked body grows past it). A body checked against
    /// the spec is held in memory whole, parsed, and its errors collected, so this also bounds
    /// the memory a request takes. Default: 10 MiB.
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(30),
            max_connections: 256,
            max_body_bytes: 10 * 1024 * 1024,
        }
    }
}

/// A running mock. Dropping it stops the server.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

pub(crate) struct State {
    spec: Spec,
    routes: Vec<routes::Route>,
    request_schemas: validate_request::RequestSchemas,
    counts: Mutex<HashMap<String, Arc<AtomicU64>>>,
    faults: Mutex<VecDeque<Fault>>,
    always: Option<Fault>,
    limits: Limits,
    answers: HashMap<String, RecordedAnswer>,
}

impl MockServer {
    /// Start on a free loopback port with the embedded spec.
    pub async fn start() -> Result<Self, MockError> {
        Self::start_with(
            Spec::embedded()?,
            MockOptions::default(),
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
        .await
    }

    /// Start with a spec, options and an address (port 0 picks a free one).
    pub async fn start_with(
        spec: Spec,
        options: MockOptions,
        addr: SocketAddr,
    ) -> Result<Self, MockError> {
        let routes = routes::routes(&spec);
        let request_schemas =
            validate_request::RequestSchemas::compile(&spec).map_err(|e| MockError::Schema {
                pointer: e.pointer,
                message: e.message,
            })?;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| MockError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| MockError::Bind { addr, source })?;
        let state = Arc::new(State {
            spec,
            routes,
            request_schemas,
            counts: Mutex::new(HashMap::new()),
            faults: Mutex::new(options.faults.into()),
            always: options.always,
            limits: options.limits,
            answers: options.answers,
        });
        let task = tokio::spawn(connection::serve(listener, state.clone()));
        Ok(Self { addr, state, task })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:40123/api/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}{BASE_PATH}", self.addr)
    }

    /// How many requests for `operation_id` arrived (matched by method and path, whatever the
    /// answer was).
    pub fn received(&self, operation_id: &str) -> u64 {
        self.state
            .counts
            .lock()
            .map(|c| {
                c.get(operation_id)
                    .map(|n| n.load(Ordering::Relaxed))
                    .unwrap_or(0)
            })
            .unwrap_or(0)
    }

    /// Queue faults for the next requests (one each, in order).
    pub fn push_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        if let Ok(mut q) = self.state.faults.lock() {
            q.extend(faults);
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The service error that makes hyper close the connection without an answer.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("fault injected: connection dropped")
    }
}

impl std::error::Error for DropConnection {}

type Answer = http::Response<Full<Bytes>>;

async fn handle(
    state: Arc<State>,
    activity: Arc<connection::Activity>,
    req: http::Request<Incoming>,
) -> Result<Answer, DropConnection> {
    let (parts, body) = req.into_parts();
    let body = match read_body(body, state.limits.max_body_bytes).await {
        Ok(body) => body,
        Err(answer) => return Ok(answer),
    };
    // From here on the mock is working, not waiting for the client: not idle.
    let _busy = activity.busy();
    let fault = respond::header_fault(&parts.headers).or_else(|| {
        let queued = state.faults.lock().ok().and_then(|mut q| q.pop_front());
        queued.or_else(|| state.always.clone())
    });
    respond::answer(&state, &parts, &body, fault).await
}

/// The whole request body, or the answer to give when it cannot be had: 413 when it is over
/// `max` bytes (announced by `Content-Length`, so nothing is read, or grown past it while
/// chunked), 400 when it cannot be read as HTTP (a malformed chunk, a connection cut mid-body).
/// Telling them apart matters: a 413 makes a client shrink a body that is not too big.
async fn read_body(body: Incoming, max: usize) -> Result<Bytes, Answer> {
    let too_large = || {
        respond::error(
            413,
            "payload_too_large",
            &format!("the request body is over the mock's limit of {max} bytes"),
        )
    };
    if body.size_hint().lower() > max as u64 {
        return Err(too_large());
    }
    match Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(e) => Err(respond::error(
            400,
            "malformed_body",
            &format!("cannot read the request body: {e}"),
        )),
    }
}

impl State {
    fn count(&self, operation_id: &str) {
        if let Ok(mut counts) = self.counts.lock() {
            counts
                .entry(operation_id.to_string())
                .or_default()
                .fetch_add(1, Ordering::Relaxed);
        }
    }
}
