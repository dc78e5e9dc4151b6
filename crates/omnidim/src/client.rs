//! The client users hold: configuration, authentication and transport around the generated code.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};

use crate::{ApiKey, ConfigError, RetryPolicy, generated};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://backend.omnidim.io/api/v1";
/// Whole-request timeout unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Connection-establishment timeout unless configured otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The environment variable holding the API key (the name the official SDK's README uses).
pub const ENV_API_KEY: &str = "OMNIDIM_API_KEY";
/// The environment variable that overrides the base URL (e.g. a local mock).
pub const ENV_BASE_URL: &str = "OMNIDIM_BASE_URL";
/// The official Python SDK refuses shorter keys; so do we, before sending anything.
const MIN_API_KEY_LEN: usize = 8;

/// Default of [`ClientBuilder::max_response_bytes`]: 64 MiB, about 20 times the largest list page
/// measured (a 150-row call-log page with transcripts is about 3.4 MB).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;
/// Default of [`ClientBuilder::max_pages`].
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

/// State the generated client hands to its hooks (see `call.rs`).
#[derive(Clone, Debug)]
pub struct Inner {
    /// `Authorization: Bearer <key>`, marked sensitive (never printed by `Debug`).
    pub(crate) auth: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    /// Sent with every request unless the request sets the header itself.
    pub(crate) default_headers: HeaderMap,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: u64,
    pub(crate) max_pages: u64,
    #[cfg(feature = "validation")]
    pub(crate) validation: Option<crate::ResponseValidation>,
}

/// A client of the OmniDimension API. Cheap to clone (clones share one connection pool).
///
/// Every operation of the spec is a method returning a request builder, e.g.
/// `client.get_bulk_call().bulk_call_id(314).send().await`; see [`crate::builder`]. Every
/// failure is a [`crate::Error`] naming the operation.
#[derive(Clone)]
pub struct Client {
    pub(crate) raw: generated::Client,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use progenitor_client::ClientInfo;
        let inner = self.raw.inner();
        f.debug_struct("Client")
            .field("base_url", &self.raw.baseurl())
            .field("api_key", &"<redacted>")
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .field(
                "default_headers",
                &inner.default_headers.keys().collect::<Vec<_>>(),
            )
            .field("max_response_bytes", &inner.max_response_bytes)
            .finish()
    }
}

impl Client {
    /// A client configured from the environment: `OMNIDIM_API_KEY` (required) and
    /// `OMNIDIM_BASE_URL` (optional, default [`DEFAULT_BASE_URL`]).
    ///
    /// The key must be at least 8 characters with no whitespace inside it (surrounding
    /// whitespace, e.g. a trailing newline from a secrets file, is removed); otherwise this fails
    /// with [`ConfigError::InvalidApiKey`] before anything is sent. An unset or empty variable is
    /// [`ConfigError::MissingApiKey`].
    pub fn from_env() -> Result<Self, ConfigError> {
        let key = std::env::var(ENV_API_KEY)
            .ok()
            .filter(|k| !k.trim().is_empty());
        let mut builder = Self::builder();
        if let Some(key) = key {
            builder = builder.api_key(key);
        }
        if let Some(url) = std::env::var(ENV_BASE_URL)
            .ok()
            .filter(|u| !u.trim().is_empty())
        {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// A client for the production API with this key and default settings. The key rules of
    /// [`ClientBuilder::api_key`] apply: at least 8 characters, no whitespace inside.
    pub fn new(api_key: impl Into<ApiKey>) -> Result<Self, ConfigError> {
        Self::builder().api_key(api_key).build()
    }

    /// Start configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to (no trailing slash).
    pub fn base_url(&self) -> &str {
        use progenitor_client::ClientInfo;
        self.raw.baseurl()
    }

    /// A request to `base_url + path` with this client's headers (the key, the user agent, the
    /// default headers) and timeout, for what the typed builders do not cover (e.g. reading a
    /// raw body). Not retried, not checked, not validated: send it with
    /// `reqwest::RequestBuilder::send`.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        use progenitor_client::ClientInfo;
        let inner = self.raw.inner();
        let mut headers = inner.default_headers.clone();
        headers.insert(reqwest::header::AUTHORIZATION, inner.auth.clone());
        headers.insert(reqwest::header::USER_AGENT, inner.user_agent.clone());
        self.raw
            .client()
            .request(method, format!("{}{path}", self.raw.baseurl()))
            .headers(headers)
            .timeout(inner.timeout)
    }

    pub(crate) fn max_pages(&self) -> u64 {
        use progenitor_client::ClientInfo;
        self.raw.inner().max_pages
    }
}

/// Configures a [`Client`]. Every setter is optional except the API key.
#[derive(Clone, Debug, Default)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: Option<RetryPolicy>,
    default_headers: HeaderMap,
    http_client: Option<reqwest::Client>,
    max_response_bytes: Option<u64>,
    max_pages: Option<u64>,
    #[cfg(feature = "validation")]
    validation: Option<crate::ResponseValidation>,
}

impl ClientBuilder {
    /// Check every response against the spec (feature `validation`); see
    /// [`crate::ResponseValidation`].
    #[cfg(feature = "validation")]
    pub fn validate_responses(mut self, validation: crate::ResponseValidation) -> Self {
        self.validation = Some(validation);
        self
    }

    /// The API key, sent as `Authorization: Bearer <key>`. At least 8 characters, no whitespace
    /// inside it, only characters an HTTP header can carry (the official SDK refuses shorter keys
    /// too, so a shorter one is a mistake the API would answer with 401);
    /// [`ClientBuilder::build`] says which rule a key breaks ([`ConfigError::InvalidApiKey`]),
    /// never the key. Surrounding whitespace is removed.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The base URL, e.g. `https://backend.omnidim.io/api/v1` (the default) or a local mock.
    /// Plain `http` is accepted only for loopback hosts (and never through a proxy), so the key
    /// never crosses a network in clear text.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Whole-request timeout, per attempt (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Connection-establishment timeout (default [`DEFAULT_CONNECT_TIMEOUT`]). Not available
    /// with [`ClientBuilder::http_client`]: configure it on that client.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// A product token put before this crate's own in `User-Agent`, e.g. `my-dialer/2.1`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// How read-only requests are retried (default [`RetryPolicy::default`]); see [`crate::retry`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Headers sent with every request (a request's own `.header(..)` wins). `Authorization`,
    /// `Content-Type`, `Content-Length` and `Host` are the client's own and refused by `build`.
    pub fn default_headers(mut self, headers: HeaderMap) -> Self {
        self.default_headers = headers;
        self
    }

    /// Send requests with this `reqwest::Client` (your connection pool, proxy, TLS or
    /// middleware settings). The key is still added per request and never shown; the
    /// base URL must be https, since a caller's client may route plain http through a proxy.
    /// Timeouts: [`ClientBuilder::timeout`] still applies per request; a connect timeout must be
    /// set on the client you bring. Redirects follow that client's policy (reqwest drops the
    /// `Authorization` header on a redirect to another host).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Longest response body read, in bytes (default [`DEFAULT_MAX_RESPONSE_BYTES`]). A longer
    /// one is not read and the call fails with [`crate::Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Most pages one `.stream()` requests (default [`DEFAULT_MAX_PAGES`]); past it the stream
    /// fails with [`crate::Error::Pagination`] instead of paging forever.
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// Check the configuration and build the client. Nothing is sent.
    ///
    /// Fails with [`ConfigError::MissingApiKey`] without a key, [`ConfigError::InvalidApiKey`]
    /// for a key shorter than 8 characters or with whitespace inside, and
    /// [`ConfigError::InsecureBaseUrl`] for plain `http` to a host that is not loopback.
    pub fn build(self) -> Result<Client, ConfigError> {
        let key = self.api_key.ok_or(ConfigError::MissingApiKey)?;
        validate_key(&key)?;
        let base_url = normalize_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let plain_http = base_url.starts_with("http:");

        let mut auth =
            HeaderValue::from_str(&format!("Bearer {}", key.expose())).map_err(|_| {
                ConfigError::InvalidApiKey("contains characters not allowed in an HTTP header")
            })?;
        auth.set_sensitive(true);
        let own_agent = concat!("omnidim-rs/", env!("CARGO_PKG_VERSION"));
        let agent = match &self.user_agent {
            Some(ua) => format!("{ua} {own_agent}"),
            None => own_agent.to_string(),
        };
        let user_agent = HeaderValue::from_str(&agent).map_err(|_| {
            ConfigError::InvalidUserAgent(self.user_agent.clone().unwrap_or_default())
        })?;
        if let Some(name) = self
            .default_headers
            .keys()
            .find(|n| crate::call::is_managed(n))
        {
            return Err(ConfigError::ManagedHeader(name.to_string()));
        }

        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let http = match self.http_client {
            Some(client) => {
                if plain_http {
                    return Err(ConfigError::InsecureBaseUrl {
                        url: redact_url(&base_url),
                    });
                }
                if self.connect_timeout.is_some() {
                    return Err(ConfigError::Conflict(
                        "connect_timeout cannot be applied to a caller's reqwest::Client; set it on that client",
                    ));
                }
                client
            }
            None => {
                let mut http = reqwest::Client::builder();
                if plain_http {
                    // Plain http is allowed only to loopback, and must stay there: a proxy from
                    // HTTP_PROXY/ALL_PROXY would receive the whole request, bearer key included,
                    // in clear text. (https through a proxy is a CONNECT tunnel; the key stays
                    // inside TLS.)
                    http = http.no_proxy();
                }
                http.tls_backend_preconfigured(crate::tls::rustls_config()?)
                    .timeout(timeout)
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    // Redirects could carry the Authorization header elsewhere; the API does not
                    // redirect.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(ConfigError::HttpClient)?
            }
        };
        let inner = Inner {
            auth,
            user_agent,
            default_headers: self.default_headers,
            timeout,
            retry: self.retry.unwrap_or_default(),
            max_response_bytes: self
                .max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            max_pages: self.max_pages.unwrap_or(DEFAULT_MAX_PAGES),
            #[cfg(feature = "validation")]
            validation: self.validation,
        };
        Ok(Client {
            raw: generated::Client::new_with_client(&base_url, http, inner),
        })
    }
}

fn validate_key(key: &ApiKey) -> Result<(), ConfigError> {
    let k = key.expose();
    if k.is_empty() {
        return Err(ConfigError::MissingApiKey);
    }
    if k.len() < MIN_API_KEY_LEN {
        return Err(ConfigError::InvalidApiKey("shorter than 8 characters"));
    }
    if k.chars().any(char::is_whitespace) {
        return Err(ConfigError::InvalidApiKey("contains whitespace"));
    }
    Ok(())
}

/// Parse, refuse clear-text http to non-loopback hosts, and drop the trailing slash (the generated
/// code appends paths that start with `/`).
fn normalize_base_url(raw: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
        url: redact_url(raw),
        reason: reason.to_string(),
    };
    let url = url::Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials in the URL are not supported"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL cannot have a query or fragment"));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(ConfigError::InsecureBaseUrl {
                url: redact_url(raw),
            });
        }
        other => return Err(invalid(&format!("unsupported scheme {other:?}"))),
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// A URL as errors may show it: any `user:password@` part replaced by `<redacted>@`.
fn redact_url(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return raw.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest.get(..authority_end).and_then(|a| a.rfind('@')) {
        Some(at) => format!(
            "{scheme}://<redacted>{}",
            rest.get(at..).unwrap_or_default()
        ),
        None => raw.to_string(),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-test-0123456789";

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(
            normalize_base_url("https://backend.omnidim.io/api/v1/").unwrap(),
            DEFAULT_BASE_URL
        );
        assert!(normalize_base_url("http://127.0.0.1:8080").is_ok());
        assert!(normalize_base_url("http://[::1]:8080/api").is_ok());
        assert!(normalize_base_url("http://localhost:1").is_ok());
        assert!(matches!(
            normalize_base_url("http://backend.omnidim.io/api/v1"),
            Err(ConfigError::InsecureBaseUrl { .. })
        ));
        assert!(matches!(
            normalize_base_url("http://10.0.0.1/api"),
            Err(ConfigError::InsecureBaseUrl { .. })
        ));
        assert!(matches!(
            normalize_base_url("not a url"),
            Err(ConfigError::InvalidBaseUrl { .. })
        ));
        assert!(matches!(
            normalize_base_url("ftp://x"),
            Err(ConfigError::InvalidBaseUrl { .. })
        ));
        assert!(matches!(
            normalize_base_url("https://u:p@host/"),
            Err(ConfigError::InvalidBaseUrl { .. })
        ));
    }

    /// Issue #14: `http://user:pass@host` was refused with the password in the message.
    #[test]
    fn credentials_in_a_rejected_base_url_are_never_printed() {
        for url in [
            "http://user:s3cret-pass@example.com/api",
            "https://user:s3cret-pass@backend.omnidim.io/api/v1",
            "ftp://user:s3cret-pass@host/",
            "http://s3cret-pass@10.0.0.1/",
        ] {
            let err = Client::builder()
                .api_key(KEY)
                .base_url(url)
                .build()
                .unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(!text.contains("s3cret-pass"), "{text}");
            assert!(text.contains("<redacted>@"), "{text}");
        }
        assert_eq!(redact_url("https://host/a@b"), "https://host/a@b");
        assert_eq!(redact_url("not a url"), "not a url");
    }

    #[test]
    fn keys_are_checked_and_never_printed() {
        let err = Client::builder().build().unwrap_err();
        assert!(matches!(err, ConfigError::MissingApiKey));
        let err = Client::builder().api_key("k9x2q").build().unwrap_err();
        assert!(matches!(err, ConfigError::InvalidApiKey(_)));
        assert!(!err.to_string().contains("k9x2q"));
        let err = Client::builder()
            .api_key("sk-bad\u{7f}-key-123")
            .build()
            .unwrap_err();
        assert!(!err.to_string().contains("sk-bad"), "{err}");
        let err = Client::builder()
            .api_key(KEY)
            .base_url("http://example.com")
            .build()
            .unwrap_err();
        assert!(!err.to_string().contains(KEY));
    }

    #[test]
    fn debug_redacts_the_key() {
        let client = Client::builder()
            .api_key(KEY)
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains(KEY), "{debug}");
        assert!(debug.contains("127.0.0.1:9"), "{debug}");
        let raw_debug = format!("{:?}", client.raw);
        assert!(!raw_debug.contains(KEY), "{raw_debug}");
        let builder_debug = format!("{:?}", Client::builder().api_key(KEY));
        assert!(!builder_debug.contains(KEY), "{builder_debug}");
    }

    #[test]
    fn builds_with_the_default_base_url() {
        let client = Client::new(KEY).unwrap();
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
    }
}
