//! The HTTP client: signs each attempt, sends it over one pooled hyper connection pool,
//! decodes the answer, retries what is safe.
//!
//! ```no_run
//! use std::time::Duration;
//! use linkwan_runtime::{Client, Credentials, Params, RpcRequest};
//!
//! struct RejectJoinPermissionAuthOrder { order_id: String }
//!
//! #[derive(Debug, serde::Deserialize)]
//! struct RejectResponse {
//!     #[serde(rename = "RequestId")] request_id: String,
//!     #[serde(rename = "Success")] success: bool,
//! }
//!
//! impl RpcRequest for RejectJoinPermissionAuthOrder {
//!     type Response = RejectResponse;
//!     const ACTION: &'static str = "RejectJoinPermissionAuthOrder";
//!     const VERSION: &'static str = "2018-12-30";
//!     fn write_params(&self, params: &mut Params) {
//!         params.insert("OrderId", &self.order_id);
//!     }
//! }
//!
//! # async fn run() -> Result<(), linkwan_runtime::Error> {
//! let client = Client::builder()
//!     .endpoint("https://linkwan.cn-shanghai.aliyuncs.com")
//!     .credentials(Credentials::from_env()?)
//!     .timeout(Duration::from_secs(30))
//!     .build()?;
//! let resp = client.call(&RejectJoinPermissionAuthOrder { order_id: "123".into() }).await?;
//! println!("{} {}", resp.request_id, resp.success);
//! # Ok(()) }
//! ```
//!
//! Defaults: connect timeout 5 s, attempt timeout 10 s (sending the request and reading
//! the whole response), no whole-call deadline (set one with
//! [`ClientBuilder::timeout`]; without it a call lasts at most
//! `max_attempts × (attempt timeout + max back-off)`, plus one attempt timeout when an
//! `InvalidTimeStamp.Expired` makes it correct the clock and try again), response bodies
//! up to 4 MiB, [`RetryPolicy::default`].

use std::fmt;
use std::future::Future;
use std::io::Cursor;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HOST, USER_AGENT};
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderMap, Uri};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::{capture_connection, CaptureConnection, HttpConnector};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tokio::time::Instant;

use crate::credentials::Credentials;
use crate::error::{
    compare_string_to_sign, Clip, Error, ErrorCode, TimeoutKind, TransportError, MAX_SHOWN_NAME,
};
use crate::params::Params;
use crate::request::{Method, RpcRequest};
use crate::response::{self, Failure};
use crate::retry::{self, RetryPolicy};
use crate::sign::{percent_encode, signed_query_v1_with_key, SigningKey};
use crate::time;

/// How many params (common ones included) are gathered for signing on the stack: up to
/// `SIGN_STACK_SMALL` (the usual request) in an array that size, up to `SIGN_STACK` in a
/// bigger one.
const SIGN_STACK: usize = 32;
const SIGN_STACK_SMALL: usize = 16;

/// The default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default per-attempt timeout.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default limit on a response body: 4 MiB.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 4 << 20;

const USER_AGENT_BASE: &str = concat!("linkwan-runtime/", env!("CARGO_PKG_VERSION"), " (rust)");
const FORM: HeaderValue = HeaderValue::from_static("application/x-www-form-urlencoded");
const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// A request body: the signed query, owned as is (a `Bytes` made from a `String` whose
/// length is not its capacity would allocate a shared header on every call).
type Body = Full<Cursor<Vec<u8>>>;

type HttpClient = hyper_util::client::legacy::Client<Connector, Body>;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The connector: HTTPS (or plain HTTP for a local test server) over TCP, with the
/// connect timeout bounding all of connecting (resolving the host, the TCP connect and
/// the TLS handshake), as the AWS SDK's does. hyper-util's own connect timeout bounds the
/// TCP connect alone: a server that accepts and never completes the handshake ran into
/// the attempt timeout instead, reported as one that may have been processed.
#[derive(Clone)]
struct Connector {
    inner: HttpsConnector<HttpConnector>,
    timeout: Duration,
}

impl tower_service::Service<Uri> for Connector {
    type Response = <HttpsConnector<HttpConnector> as tower_service::Service<Uri>>::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.inner.call(uri);
        let timeout = self.timeout;
        Box::pin(async move {
            match tokio::time::timeout(timeout, connecting).await {
                Ok(connected) => connected,
                // The kind `transport_error` looks for to report a connect timeout.
                Err(_) => Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "connecting (resolving, TCP, TLS) timed out",
                )
                .into()),
            }
        })
    }
}

/// How much later than its attempt a connect may start and still be bounded by it: an
/// attempt whose limit is shorter than the connect timeout plus this may run out while
/// connecting (see [`Client::run`]).
const CONNECT_START_SLACK: Duration = Duration::from_millis(10);

/// A client for RPC-style OpenAPIs: cheap to clone (an `Arc` inside), `Send + Sync`.
///
/// Built by [`Client::builder`]; see the [module docs](self).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: HttpClient,
    endpoint: String,
    scheme: Scheme,
    authority: Authority,
    root: Uri,
    /// The endpoint's path, `/` unless it gave one: where requests go.
    path: String,
    credentials: Credentials,
    /// The HMAC keyed with the credentials' secret, set up once for every signature.
    signing_key: SigningKey,
    region_id: Option<String>,
    user_agent: HeaderValue,
    /// The `Host` header, as hyper-util would write it for every request ([`host_header`]).
    host: HeaderValue,
    retry: RetryPolicy,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    timeout: Option<Duration>,
    max_response_body: usize,
    /// Server clock minus ours, in seconds, learnt from `InvalidTimeStamp.Expired`.
    clock_offset: AtomicI64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("endpoint", &i.endpoint)
            .field("credentials", &i.credentials)
            .field("region_id", &i.region_id)
            .field("retry", &i.retry)
            .field("connect_timeout", &i.connect_timeout)
            .field("attempt_timeout", &i.attempt_timeout)
            .field("timeout", &i.timeout)
            .field("max_response_body", &i.max_response_body)
            .field("clock_offset_secs", &i.clock_offset.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]; every setting but the endpoint and the credentials has a default.
///
/// Its `Debug` output redacts the credentials and any user info written into the
/// endpoint (which [`build`](ClientBuilder::build) refuses anyway):
///
/// ```
/// use linkwan_runtime::Client;
///
/// let builder = Client::builder().endpoint("https://me:hunter2@example.com");
/// let shown = format!("{builder:?}");
/// assert!(shown.contains("https://<redacted>@example.com"));
/// assert!(!shown.contains("hunter2"));
/// ```
#[derive(Default, Clone)]
#[must_use = "a ClientBuilder does nothing until `build()` is called"]
pub struct ClientBuilder {
    endpoint: Option<String>,
    credentials: Option<Credentials>,
    region_id: Option<String>,
    user_agent: Option<String>,
    retry: Option<RetryPolicy>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    timeout: Option<Duration>,
    max_response_body: Option<usize>,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: Option<usize>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint.as_deref().map(redact_user_info))
            .field("credentials", &self.credentials)
            .field("region_id", &self.region_id)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("timeout", &self.timeout)
            .field("max_response_body", &self.max_response_body)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .finish()
    }
}

/// `endpoint` with whatever precedes an `@` in its authority replaced by `<redacted>`
/// (`https://user:secret@host` → `https://<redacted>@host`), for `Debug` output.
fn redact_user_info(endpoint: &str) -> std::borrow::Cow<'_, str> {
    let start = endpoint.find("://").map_or(0, |i| i + 3);
    let end = endpoint[start..]
        .find(['/', '?', '#'])
        .map_or(endpoint.len(), |i| start + i);
    match endpoint[start..end].rfind('@') {
        Some(at) => format!(
            "{}<redacted>{}",
            &endpoint[..start],
            &endpoint[start + at..]
        )
        .into(),
        None => endpoint.into(),
    }
}

impl ClientBuilder {
    /// The endpoint, `https://host[:port]` (or `http://` for a local test server),
    /// optionally with a path that requests are sent to instead of `/` (a gateway or
    /// proxy that serves the API under a prefix, `https://gw.example.com/linkwan/`). A
    /// query is refused: the params in it would not be signed. RPC signatures do not
    /// cover the path.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The AccessKey (and optional STS token) every request is signed with.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sends `RegionId` with every request, as the classic official SDKs do, unless the
    /// request sets its own (then that one is sent, once).
    pub fn region_id(mut self, region_id: impl Into<String>) -> Self {
        self.region_id = Some(region_id.into());
        self
    }

    /// Appended to the `User-Agent` (`linkwan-runtime/x.y.z (rust) <suffix>`).
    pub fn user_agent(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent = Some(suffix.into());
        self
    }

    /// The retry policy ([`RetryPolicy::default`] unless set; [`RetryPolicy::disabled`]
    /// turns retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The limit on connecting: resolving the host, the TCP connect and the TLS
    /// handshake (default 5 s). Nothing is sent until it is done, so running out of it
    /// (or of the attempt timeout, while still connecting) is a
    /// [`TimeoutKind::Connect`], retried for every action.
    /// Zero is refused by [`build`](Self::build).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The limit on one attempt: sending the request and reading the whole response
    /// (default 10 s).
    /// Zero is refused by [`build`](Self::build).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The deadline of a whole call, retries and back-off included (default: none; each
    /// attempt is still bounded by the attempt timeout and attempts are bounded in number).
    /// Zero is refused by [`build`](Self::build).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The largest response body read, in bytes (default 4 MiB). A larger 2xx body fails
    /// with [`Error::BodyTooLarge`]; a larger error answer (a 503 page, say) is an
    /// [`Error::UnexpectedResponse`] with its status and the start of its body, retried
    /// as that status is.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = Some(bytes);
        self
    }

    /// How long an idle pooled connection is kept (hyper's default: 90 s; `Duration::MAX`
    /// keeps it as long as the server does).
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = Some(timeout);
        self
    }

    /// How many idle connections per host are kept (default: no limit).
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = Some(max);
        self
    }

    /// Validates the settings and builds the client (and its connection pool).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the endpoint or the credentials are missing, the AccessKey
    /// ID or secret is empty, the endpoint is not an `http(s)://host[:port][/path]` URL
    /// (user info and a query are refused too), or the `User-Agent` suffix is not a valid
    /// header value. Its message names the setting, never a secret.
    pub fn build(self) -> Result<Client, Error> {
        let endpoint = self
            .endpoint
            .ok_or_else(|| Error::Config("no endpoint: call ClientBuilder::endpoint".into()))?;
        let (scheme, authority, path) = parse_endpoint(&endpoint)?;
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config("no credentials: call ClientBuilder::credentials".into())
        })?;
        if credentials.access_key_id().is_empty() || credentials.access_key_secret().is_empty() {
            return Err(Error::Config(
                "the AccessKey ID and secret must not be empty".into(),
            ));
        }
        // A zero limit could only ever time out (or, polled once first, send a request
        // and drop its answer): a mistake, said here rather than on every call.
        for (name, limit) in [
            ("connect_timeout", self.connect_timeout),
            ("attempt_timeout", self.attempt_timeout),
            ("timeout", self.timeout),
        ] {
            if limit == Some(Duration::ZERO) {
                return Err(Error::Config(format!("{name} must be more than zero")));
            }
        }
        let user_agent = match &self.user_agent {
            Some(suffix) => {
                HeaderValue::try_from(format!("{USER_AGENT_BASE} {suffix}")).map_err(|_| {
                    Error::Config("the User-Agent suffix is not a valid header value".into())
                })?
            }
            None => HeaderValue::from_static(USER_AGENT_BASE),
        };
        let host = host_header(&scheme, &authority)?;
        let root = Uri::builder()
            .scheme(scheme.clone())
            .authority(authority.clone())
            .path_and_query(path.clone())
            .build()
            .map_err(|e| Error::Config(format!("invalid endpoint: {e}")))?;
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);

        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(connect_timeout));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| Error::Config(format!("TLS setup failed: {e}")))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let connector = Connector {
            inner: https,
            timeout: connect_timeout,
        };
        let mut pool = hyper_util::client::legacy::Client::builder(TokioExecutor::new());
        pool.timer(TokioTimer::new()).pool_timer(TokioTimer::new());
        if let Some(idle) = self.pool_idle_timeout {
            // hyper-util's idle sweep adds the timeout to `Instant::now()` unchecked, in a
            // task of its own: one too long to represent (`Duration::MAX`, "keep them")
            // panicked there. Past `FOREVER` it makes no difference.
            pool.pool_idle_timeout(idle.min(FOREVER));
        }
        if let Some(max) = self.pool_max_idle_per_host {
            pool.pool_max_idle_per_host(max);
        }
        let endpoint = match path.as_str() {
            "/" => format!("{scheme}://{authority}"),
            path => format!("{scheme}://{authority}{path}"),
        };
        let signing_key = SigningKey::new(credentials.access_key_secret());
        Ok(Client {
            inner: Arc::new(Inner {
                http: pool.build(connector),
                endpoint,
                scheme,
                authority,
                root,
                path,
                credentials,
                signing_key,
                region_id: self.region_id.filter(|r| !r.is_empty()),
                user_agent,
                host,
                retry: self.retry.unwrap_or_default(),
                connect_timeout,
                attempt_timeout: self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
                timeout: self.timeout,
                max_response_body: self.max_response_body.unwrap_or(DEFAULT_MAX_RESPONSE_BODY),
                clock_offset: AtomicI64::new(0),
            }),
        })
    }
}

/// The `Host` header for `scheme://authority`, exactly as hyper-util's legacy client
/// writes it when a request has none: the host, with the port unless it is the scheme's
/// default (443 for https, 80 for http). Built once per client, it spares every request
/// a `format!` and two allocations.
fn host_header(scheme: &Scheme, authority: &Authority) -> Result<HeaderValue, Error> {
    let host = authority.host();
    let default_port = if *scheme == Scheme::HTTPS { 443 } else { 80 };
    let value = match authority.port() {
        Some(port) if port.as_u16() != default_port => format!("{host}:{port}"),
        _ => host.to_owned(),
    };
    HeaderValue::try_from(value)
        .map_err(|_| Error::Config("invalid endpoint: the host is not a valid header".into()))
}

/// `http(s)://host[:port][/path]` → (scheme, authority, path: `/` when none).
fn parse_endpoint(endpoint: &str) -> Result<(Scheme, Authority, String), Error> {
    let bad = |why: &str| Error::Config(format!("invalid endpoint: {why}"));
    let uri: Uri = endpoint
        .trim()
        .parse()
        .map_err(|_| bad("not a URL (expected https://host[:port][/path])"))?;
    let scheme = match uri.scheme_str() {
        Some("https") => Scheme::HTTPS,
        Some("http") => Scheme::HTTP,
        Some(_) => return Err(bad("the scheme must be https:// or http://")),
        None => return Err(bad("no scheme (expected https://host[:port][/path])")),
    };
    let authority = uri.authority().ok_or_else(|| bad("no host"))?.clone();
    if authority.as_str().contains('@') {
        return Err(bad("it must not carry user info"));
    }
    if authority.host().is_empty() {
        return Err(bad("no host"));
    }
    let mut path = "/".to_owned();
    if let Some(pq) = uri.path_and_query() {
        if pq.query().is_some() {
            return Err(bad(
                "it must not have a query (params there would not be signed)",
            ));
        }
        if !pq.path().is_empty() {
            pq.path().clone_into(&mut path);
        }
    }
    Ok((scheme, authority, path))
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The endpoint, `scheme://host[:port]`, with its path when it has one.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The credentials requests are signed with.
    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// The `RegionId` sent with every request, if set.
    pub fn region_id(&self) -> Option<&str> {
        self.inner.region_id.as_deref()
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The server's clock minus ours, in seconds, as learnt from an
    /// `InvalidTimeStamp.Expired` (0 until then); added to every `Timestamp`.
    pub fn clock_offset_secs(&self) -> i64 {
        self.inner.clock_offset.load(Ordering::Relaxed)
    }

    /// Sends `request`, signed, and decodes the answer; retries per the retry policy.
    ///
    /// The request's params are written once, before the future is created; each attempt
    /// is signed afresh. The future is `Send`.
    ///
    /// A request of its own `RegionId` sends it instead of the client's
    /// ([`ClientBuilder::region_id`]).
    ///
    /// # Errors
    ///
    /// The last attempt's error, once the [retry policy](crate::retry) gives up (or at
    /// once for what is never retried):
    ///
    /// * [`Error::InvalidRequest`], and nothing is sent, when a param could not be
    ///   written, when the request gives a key twice, or when it sets one of the params
    ///   the client sets on every request (`Action`, `Version`, `Timestamp`, the
    ///   `Signature*` ones, ...);
    /// * [`Error::Service`] when the service answered with an error body
    ///   ([`Error::code`] tells which);
    /// * [`Error::Transport`] when the connection or the exchange failed;
    /// * [`Error::Timeout`] when the connect timeout, an attempt's timeout or the call's
    ///   deadline ran out;
    /// * [`Error::Decode`], [`Error::UnexpectedResponse`] or [`Error::BodyTooLarge`] when
    ///   the answer could not be read as the response type or as an error body.
    pub fn call<'a, R: RpcRequest>(
        &'a self,
        request: &R,
    ) -> impl Future<Output = Result<R::Response, Error>> + Send + 'a {
        let mut params = Params::with_capacity(8);
        request.write_params(&mut params);
        let request = CallSpec {
            action: R::ACTION,
            version: R::VERSION,
            method: R::METHOD,
            idempotent: R::IDEMPOTENT,
        };
        async move {
            if let Some(e) = params.error() {
                return Err(Error::InvalidRequest(e.to_owned()));
            }
            self.run::<R::Response>(request, &params).await
        }
    }

    async fn run<T: serde::de::DeserializeOwned>(
        &self,
        spec: CallSpec,
        params: &Params,
    ) -> Result<T, Error> {
        let inner = &*self.inner;
        // A deadline too far to represent is no deadline.
        let deadline = inner.timeout.and_then(|t| Instant::now().checked_add(t));
        let mut attempt: u32 = 1;
        let mut clock_corrected = false;
        loop {
            // One clock read per attempt: the time left and the attempt's own deadline.
            let now = Instant::now();
            let (limit, kind) = match deadline {
                Some(d) => {
                    let left = d.saturating_duration_since(now);
                    if left.is_zero() {
                        return Err(self.deadline_error());
                    }
                    if left < inner.attempt_timeout {
                        (left, TimeoutKind::Deadline)
                    } else {
                        (inner.attempt_timeout, TimeoutKind::Attempt)
                    }
                }
                None => (inner.attempt_timeout, TimeoutKind::Attempt),
            };
            let expires = expiry(now, limit);
            // An attempt shorter than connecting may take can run out before the request
            // had a connection, so before anything was sent: the request is then told
            // which connection it got (a few allocations, so only in that case; with the
            // defaults connecting always ends first).
            let mut captured: Option<CaptureConnection> = None;
            let may_cut_connect = kind == TimeoutKind::Attempt
                && limit < inner.connect_timeout.saturating_add(CONNECT_START_SLACK);
            // The offset this attempt is signed with: an `InvalidTimeStamp.Expired` is judged
            // against it, not against whatever another call has learnt meanwhile.
            let offset = inner.clock_offset.load(Ordering::Relaxed);
            // An error status whose body stalls is reported as that status once the
            // attempt's own limit runs out (the whole call's deadline stays a timeout).
            let stall = (kind == TimeoutKind::Attempt).then_some(expires);
            let one = self.attempt::<T>(
                &spec,
                params,
                offset,
                may_cut_connect.then_some(&mut captured),
                stall,
            );
            let failure = match tokio::time::timeout_at(expires, one).await {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(failure)) => failure,
                Err(_) => {
                    let connecting = captured
                        .as_ref()
                        .is_some_and(|c| c.connection_metadata().is_none());
                    let kind = if connecting {
                        TimeoutKind::Connect
                    } else {
                        kind
                    };
                    AttemptError {
                        error: Error::Timeout {
                            kind,
                            after: match kind {
                                TimeoutKind::Deadline => inner.timeout.unwrap_or(limit),
                                _ => limit,
                            },
                        },
                        retry_after: None,
                    }
                }
            };
            // A rejected timestamp with the server's Date: correct the clock, try once more
            // (unless the correction would change nothing: the Date has 1 s resolution).
            // Calls in flight together were all signed with the old offset: each compares
            // the Date with the offset it used, so every one of them gets its corrected
            // retry, not only the first whose answer is read.
            if let Error::Service(se) = &failure.error {
                if se.code == ErrorCode::InvalidTimeStampExpired && !clock_corrected {
                    if let Some(skew) = se.clock_skew_secs {
                        if skew.abs_diff(offset) > 1 {
                            inner.clock_offset.store(skew, Ordering::Relaxed);
                            clock_corrected = true;
                            continue;
                        }
                    }
                }
            }
            if attempt >= inner.retry.max_attempts() {
                return Err(failure.error);
            }
            let decision =
                inner
                    .retry
                    .classify(&failure.error, failure.retry_after, spec.idempotent);
            let Some(delay) = inner.retry.delay_for(&failure.error, decision, attempt) else {
                return Err(failure.error);
            };
            if let Some(d) = deadline {
                if Instant::now()
                    .checked_add(delay)
                    .is_none_or(|wake| wake >= d)
                {
                    // Sleeping would pass the deadline: the last failure says more.
                    return Err(failure.error);
                }
            }
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    fn deadline_error(&self) -> Error {
        Error::Timeout {
            kind: TimeoutKind::Deadline,
            after: self.inner.timeout.unwrap_or_default(),
        }
    }

    /// [`stamp_with`](Self::stamp_with) the client's current clock offset.
    #[cfg(test)]
    fn stamp<'s>(&self, stamp: &'s mut Stamp) -> Stamped<'s> {
        self.stamp_with(self.inner.clock_offset.load(Ordering::Relaxed), stamp)
    }

    /// A fresh nonce and the current time corrected by `offset` seconds, written into
    /// `stamp`.
    fn stamp_with<'s>(&self, offset: i64, stamp: &'s mut Stamp) -> Stamped<'s> {
        Stamped {
            timestamp: time::format_timestamp(
                time::unix_now().saturating_add(offset),
                &mut stamp.timestamp,
            ),
            nonce: nonce(&mut stamp.nonce),
        }
    }

    /// The signed query (also the form body) for one attempt: common params with the
    /// stamp's nonce and timestamp, plus the request's. The same stamp gives the same query.
    ///
    /// A `RegionId` of the request's own (many products take one as a param) is sent
    /// instead of the client's, as the official SDKs do, rather than both. A key given
    /// twice (by the request, or by the request and the client), or a param only the
    /// client may set, is [`Error::InvalidRequest`]: the official SDKs keep params in a
    /// map and cannot send a key twice, and which of two values a server would read is
    /// not defined.
    fn sign(&self, spec: &CallSpec, params: &Params, stamp: Stamped<'_>) -> Result<String, Error> {
        let inner = &*self.inner;
        let Stamped { timestamp, nonce } = stamp;
        let creds = &inner.credentials;
        // The common params, in sorted key order so the signer's sort has little left to do.
        let mut common = [
            ("AccessKeyId", creds.access_key_id()),
            ("Action", spec.action),
            ("Format", "JSON"),
            ("", ""),
            ("", ""),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", nonce),
            ("SignatureVersion", "1.0"),
            ("Timestamp", timestamp),
            ("Version", spec.version),
        ];
        let mut n = 3;
        let region = inner.region_id.as_deref();
        if let Some(region) = region.filter(|_| !params.iter().any(|(k, _)| k == REGION_ID)) {
            common[n] = (REGION_ID, region);
            n += 1;
        }
        let token = creds.security_token();
        if let Some(token) = token {
            common[n] = ("SecurityToken", token);
            n += 1;
        }
        // Close the gap the missing optional params left.
        common.copy_within(5.., n);
        let common = &common[..n + 5];
        // The usual request fits on a small stack array, a larger one on a bigger one,
        // a huge one on the heap.
        let count = common.len() + params.len();
        let key = &inner.signing_key;
        let method = spec.method.as_str();
        if count <= SIGN_STACK_SMALL {
            sign_on_stack::<SIGN_STACK_SMALL>(method, common, params, key, token.is_some())
        } else if count <= SIGN_STACK {
            sign_on_stack::<SIGN_STACK>(method, common, params, key, token.is_some())
        } else {
            let mut heap = Vec::with_capacity(count);
            heap.extend_from_slice(common);
            heap.extend(params.iter());
            let query = signed_query_v1_with_key(method, &mut heap, key);
            unique_keys(&heap, common, token.is_some()).map(|()| query)
        }
    }

    /// One attempt: sign (the `Timestamp` corrected by `offset` seconds), send, read the
    /// bounded body, decode. With `capture`, the request reports there the connection it
    /// is given. With `stall`, the attempt's time limit: the body of a status retried by
    /// itself (429, 5xx) that is still incomplete then ends the attempt as that status.
    async fn attempt<T: serde::de::DeserializeOwned>(
        &self,
        spec: &CallSpec,
        params: &Params,
        offset: i64,
        capture: Option<&mut Option<CaptureConnection>>,
        stall: Option<Instant>,
    ) -> Result<T, AttemptError> {
        let inner = &*self.inner;
        // Kept to sign the same query again should the server dispute the signature.
        let mut buf = Stamp::default();
        let stamp = self.stamp_with(offset, &mut buf);
        let query = self.sign(spec, params, stamp)?;
        let (uri, body, content_type) = match spec.method {
            Method::Get => {
                let mut pq = Vec::with_capacity(inner.path.len() + query.len() + 1);
                pq.extend_from_slice(inner.path.as_bytes());
                pq.push(b'?');
                pq.extend_from_slice(query.as_bytes());
                let len = pq.len();
                let pq = PathAndQuery::from_maybe_shared(Bytes::from(pq)).map_err(|e| {
                    // The one way a signed query fails here: past what a URI holds.
                    AttemptError::from(Error::InvalidRequest(format!(
                        "cannot build the URL: {e} ({len} bytes of path and query; a URL \
                         holds less than 64 KiB: params this large need an action sent as \
                         a POST)"
                    )))
                })?;
                let mut parts = http::uri::Parts::default();
                parts.scheme = Some(inner.scheme.clone());
                parts.authority = Some(inner.authority.clone());
                parts.path_and_query = Some(pq);
                let uri = Uri::from_parts(parts).map_err(|e| {
                    AttemptError::from(Error::InvalidRequest(format!("cannot build the URL: {e}")))
                })?;
                (uri, Vec::new(), None)
            }
            _ => (inner.root.clone(), query.into_bytes(), Some(FORM)),
        };
        let mut req = http::Request::new(Full::new(Cursor::new(body)));
        *req.method_mut() = match spec.method {
            Method::Get => http::Method::GET,
            _ => http::Method::POST,
        };
        *req.uri_mut() = uri;
        let headers = req.headers_mut();
        headers.insert(USER_AGENT, inner.user_agent.clone());
        headers.insert(ACCEPT, JSON);
        if let Some(ct) = content_type {
            headers.insert(CONTENT_TYPE, ct);
        }
        // Last, where hyper-util would add it: the same header, in the same place, without
        // formatting it again on every request.
        headers.insert(HOST, inner.host.clone());
        if let Some(slot) = capture {
            *slot = Some(capture_connection(&mut req));
        }

        let resp = inner
            .http
            .request(req)
            .await
            .map_err(|e| AttemptError::from(self.transport_error(e)))?;
        let (parts, body) = resp.into_parts();
        let limit = inner.max_response_body;
        let declared = declared_length(&parts.headers).filter(|&len| len > limit as u64);
        if !parts.status.is_success() {
            // The status says what happened (a 503 was turned away, and is retried as
            // such); the body only explains it. One over the limit is shown by its start,
            // and no more of it is read than that.
            let read_up_to = match declared {
                Some(_) => limit.min(response::OVERSIZED_HEAD),
                None => limit,
            };
            // The status with the start of the body, retried as that status is.
            let partial = |mut error: Error| {
                response::redact_credentials(&mut error, &inner.credentials);
                Err(AttemptError {
                    error,
                    retry_after: response::retry_after(&parts.headers),
                })
            };
            let transient = retry::transient_status(parts.status.as_u16());
            let stall = stall.filter(|_| transient);
            let bytes = match read_body(body, read_up_to, stall).await {
                Ok(bytes) if declared.is_none() => bytes,
                Ok(head) | Err(BodyError::TooLarge(head)) => {
                    return partial(response::oversized(parts.status, &parts.headers, &head));
                }
                // Broken off: a status that is retried by itself (429 and 503 turned the
                // request away; 500, 502 and 504 as the policy says) is reported, and
                // retried, as that status with the start of its body, whatever the rest
                // would have said. Any other keeps the transport error: its body may have
                // held a permanent code, or a throttling one.
                Err(BodyError::Transport(e, head)) => {
                    if !transient {
                        return Err(body_broke_off(e).into());
                    }
                    return partial(response::cut_short(parts.status, &parts.headers, &head));
                }
                // Stalled until the attempt's limit (only asked of those statuses): the
                // same, rather than a timeout that would hide the status.
                Err(BodyError::Stalled(head)) => {
                    return partial(response::stalled(parts.status, &parts.headers, &head));
                }
            };
            return self.decoded(spec, params, stamp, &parts, &bytes);
        }
        if let Some(len) = declared {
            return Err(Error::BodyTooLarge {
                limit,
                content_length: Some(len),
            }
            .into());
        }
        let bytes = match read_body(body, limit, None).await {
            Ok(bytes) => bytes,
            Err(BodyError::TooLarge(_)) => {
                return Err(Error::BodyTooLarge {
                    limit,
                    content_length: None,
                }
                .into())
            }
            Err(BodyError::Transport(e, _)) => return Err(body_broke_off(e).into()),
            // Not asked for here (no time given): the attempt's own timeout ends a stalled
            // 2xx body, as a timeout, so this waits for it.
            Err(BodyError::Stalled(_)) => std::future::pending().await,
        };
        self.decoded(spec, params, stamp, &parts, &bytes)
    }

    /// Decodes a whole answer to an attempt signed with `stamp`.
    fn decoded<T: serde::de::DeserializeOwned>(
        &self,
        spec: &CallSpec,
        params: &Params,
        stamp: Stamped<'_>,
        parts: &http::response::Parts,
        bytes: &[u8],
    ) -> Result<T, AttemptError> {
        let inner = &*self.inner;
        response::decode_inner::<T>(parts.status, &parts.headers, bytes).map_err(|f| {
            let retry_after = response::retry_after(&parts.headers);
            let Failure {
                mut error,
                server_string_to_sign,
            } = f;
            if let (Error::Service(se), Some(theirs)) = (&mut error, server_string_to_sign) {
                // The same stamp and params signed before: they sign again.
                if let Ok(query) = self.sign(spec, params, stamp) {
                    let ours = string_to_sign(spec.method, &query);
                    se.signature_mismatch = Some(compare_string_to_sign(&ours, &theirs));
                }
            }
            response::redact_credentials(&mut error, &inner.credentials);
            AttemptError { error, retry_after }
        })
    }

    fn transport_error(&self, e: hyper_util::client::legacy::Error) -> Error {
        let connect = e.is_connect();
        if connect && chain_has_timeout(&e) {
            return Error::Timeout {
                kind: TimeoutKind::Connect,
                after: self.inner.connect_timeout,
            };
        }
        Error::Transport(TransportError::new(connect, e))
    }
}

/// Why [`read_body`] stopped short.
enum BodyError {
    /// The body goes past the limit: its first [`response::OVERSIZED_HEAD`] bytes (at
    /// most), to show.
    TooLarge(Bytes),
    /// The body broke off: why, and the first [`response::OVERSIZED_HEAD`] bytes (at
    /// most) read before.
    Transport(hyper::Error, Bytes),
    /// The body was still incomplete at the time given to [`read_body`]: the first
    /// [`response::OVERSIZED_HEAD`] bytes (at most) read before.
    Stalled(Bytes),
}

/// The error for a body that broke off: the request was sent.
fn body_broke_off(e: hyper::Error) -> Error {
    Error::Transport(TransportError::new(false, e))
}

/// Reads a whole response body of at most `limit` bytes (more is
/// [`BodyError::TooLarge`], as soon as a frame goes over), as `Limited` and `collect()`
/// would, without their list of buffers: the usual answer arrives in one data frame,
/// which is kept as is; several are copied into one buffer. Trailers are ignored. With
/// `until`, a body still incomplete then is [`BodyError::Stalled`].
async fn read_body(
    mut body: Incoming,
    limit: usize,
    until: Option<Instant>,
) -> Result<Bytes, BodyError> {
    let mut first = Bytes::new();
    let mut joined: Vec<u8> = Vec::new();
    let mut total: usize = 0;
    // The start of what was read, followed by `more`.
    let head = |first: &Bytes, joined: &[u8], more: &[u8]| -> Bytes {
        let read = if joined.is_empty() {
            &first[..]
        } else {
            joined
        };
        let mut head = Vec::with_capacity(response::OVERSIZED_HEAD);
        for part in [read, more] {
            let room = response::OVERSIZED_HEAD - head.len();
            head.extend_from_slice(&part[..part.len().min(room)]);
        }
        head.into()
    };
    loop {
        let next = match until {
            None => body.frame().await,
            Some(at) => match tokio::time::timeout_at(at, body.frame()).await {
                Ok(next) => next,
                Err(_) => return Err(BodyError::Stalled(head(&first, &joined, &[]))),
            },
        };
        let Some(frame) = next else {
            break;
        };
        let frame = match frame {
            Ok(frame) => frame,
            Err(e) => return Err(BodyError::Transport(e, head(&first, &joined, &[]))),
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len());
        if total > limit {
            return Err(BodyError::TooLarge(head(&first, &joined, &data)));
        }
        if joined.is_empty() && first.is_empty() {
            first = data;
        } else {
            if joined.is_empty() {
                joined.extend_from_slice(&first);
            }
            joined.extend_from_slice(&data);
        }
    }
    Ok(if joined.is_empty() {
        first
    } else {
        Bytes::from(joined)
    })
}

/// Signs `common` and `params` gathered in an `N`-pair stack array (`N` is at least
/// their count).
fn sign_on_stack<const N: usize>(
    method: &str,
    common: &[(&str, &str)],
    params: &Params,
    key: &SigningKey,
    has_token: bool,
) -> Result<String, Error> {
    let mut stack = [("", ""); N];
    let count = (common.len() + params.len()).min(N);
    let (head, rest) = stack.split_at_mut(common.len().min(N));
    head.copy_from_slice(&common[..head.len()]);
    for (slot, pair) in rest.iter_mut().zip(params.iter()) {
        *slot = pair;
    }
    let query = signed_query_v1_with_key(method, &mut stack[..count], key);
    unique_keys(&stack[..count], common, has_token).map(|()| query)
}

/// The `RegionId` param, which a request may set itself (see [`Client::sign`]).
const REGION_ID: &str = "RegionId";

/// Checks that no key of `sorted` (sorted by key, as the signer leaves them) is given
/// twice (equal keys are neighbours there), and that none is one of the client's that it
/// did not write: `Signature` (added after signing), or `SecurityToken` when the
/// credentials have none (`has_token`). A key given twice that is one of `common` (the
/// client's own params) is reported as the client's.
fn unique_keys(
    sorted: &[(&str, &str)],
    common: &[(&str, &str)],
    has_token: bool,
) -> Result<(), Error> {
    // It runs on every attempt: one pass, comparing lengths and first bytes before
    // calling `memcmp` (sorted neighbours mostly differ there already).
    let same = |a: &str, b: &str| {
        a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
    };
    let mut before = None;
    let Some(key) = sorted.iter().find_map(|&(key, _)| {
        let bad = before.is_some_and(|b| same(b, key))
            || same(key, "Signature")
            || (!has_token && same(key, "SecurityToken"));
        before = Some(key);
        bad.then_some(key)
    }) else {
        return Ok(());
    };
    let clients = matches!(key, "Signature" | "SecurityToken") || common.iter().any(|p| p.0 == key);
    // A key can be any length: the message shows as much of it as of a server's names.
    let key = Clip(key, MAX_SHOWN_NAME);
    Err(Error::InvalidRequest(if clients {
        format!(
            "param `{key}` is the client's to set (from its credentials and settings, or \
             when signing); the request must not set it (rename the field, or leave it out)"
        )
    } else {
        format!("param `{key}` is given twice; a key may be sent once")
    }))
}

/// As good as forever (30 years): what a duration too long to represent stands for.
const FOREVER: Duration = Duration::from_secs(86_400 * 365 * 30);

/// When an attempt started at `now` and allowed `limit` runs out: as `tokio::time::timeout`
/// computes it, a limit too long to represent lasting [`FOREVER`].
fn expiry(now: Instant, limit: Duration) -> Instant {
    now.checked_add(limit)
        .or_else(|| now.checked_add(FOREVER))
        .unwrap_or(now)
}

/// The string-to-sign of a signed query (the canonical query is everything before
/// `&Signature=`).
fn string_to_sign(method: Method, query: &str) -> String {
    let canonical = query.rfind("&Signature=").map_or(query, |at| &query[..at]);
    format!("{}&%2F&{}", method.as_str(), percent_encode(canonical))
}

/// The `Content-Length`, parsed as `to_str()?.trim().parse::<u64>()` would, straight
/// from the bytes (it is read on every answer).
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    let raw = headers.get(CONTENT_LENGTH)?.as_bytes();
    let raw = raw.trim_ascii();
    let digits = raw.strip_prefix(b"+").unwrap_or(raw);
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(n)
}

fn chain_has_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

thread_local! {
    /// The nonces' generator, one per thread. It is seeded from the random keys of std's
    /// `RandomState` (drawn from the operating system once per process), not from
    /// fastrand's thread-local generator: a program may seed that one (`fastrand::seed`)
    /// to make its own randomness repeatable, and nonces must never repeat from one run
    /// to the next (the service refuses a nonce it saw in the last 15 minutes).
    static NONCES: std::cell::RefCell<fastrand::Rng> = std::cell::RefCell::new({
        use std::hash::BuildHasher as _;
        let state = std::collections::hash_map::RandomState::new();
        fastrand::Rng::with_seed(state.hash_one((std::thread::current().id(), time::unix_now())))
    });
}

/// A fresh `SignatureNonce`: 128 random bits as 32 lower-case hex digits.
fn nonce(buf: &mut [u8; 32]) -> &str {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = NONCES.with(|rng| rng.borrow_mut().u128(..)).to_be_bytes();
    for (pair, byte) in buf.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX[usize::from(byte >> 4)];
        pair[1] = HEX[usize::from(byte & 0xf)];
    }
    // Only ASCII hex digits were written.
    std::str::from_utf8(buf).unwrap_or("00000000000000000000000000000000")
}

/// Room for the per-attempt inputs of a signature: `SignatureNonce` and `Timestamp`.
#[derive(Default)]
struct Stamp {
    nonce: [u8; 32],
    timestamp: [u8; 20],
}

/// The per-attempt inputs of a signature, written into a [`Stamp`].
#[derive(Clone, Copy)]
struct Stamped<'s> {
    nonce: &'s str,
    timestamp: &'s str,
}

/// What a call needs of its request type, as values.
struct CallSpec {
    action: &'static str,
    version: &'static str,
    method: Method,
    idempotent: bool,
}

/// A failed attempt, with the server's `x-acs-retry-after`.
struct AttemptError {
    error: Error,
    retry_after: Option<Duration>,
}

impl From<Error> for AttemptError {
    fn from(error: Error) -> Self {
        AttemptError {
            error,
            retry_after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new("LTAI5tTestKeyId", "TestSecretValue").with_security_token("CAIStoken")
    }

    fn client() -> Client {
        Client::builder()
            .endpoint("http://127.0.0.1:9")
            .credentials(creds())
            .region_id("cn-shanghai")
            .build()
            .unwrap()
    }

    struct Req;
    impl RpcRequest for Req {
        type Response = serde_json::Value;
        const ACTION: &'static str = "RejectJoinPermissionAuthOrder";
        const VERSION: &'static str = "2018-12-30";
        fn write_params(&self, params: &mut Params) {
            params.insert("OrderId", "12 3*");
        }
    }

    /// The defaults the module docs, the builder's docs and the README state: connect
    /// 5 s, attempt 10 s, no whole-call deadline, 4 MiB of response body, the default
    /// retry policy.
    #[test]
    fn a_client_without_settings_has_the_documented_defaults() {
        assert_eq!(DEFAULT_CONNECT_TIMEOUT, Duration::from_secs(5));
        assert_eq!(DEFAULT_ATTEMPT_TIMEOUT, Duration::from_secs(10));
        assert_eq!(DEFAULT_MAX_RESPONSE_BODY, 4 * 1024 * 1024);
        let client = Client::builder()
            .endpoint("http://127.0.0.1:9")
            .credentials(creds())
            .build()
            .unwrap();
        let inner = &*client.inner;
        assert_eq!(inner.connect_timeout, Duration::from_secs(5));
        assert_eq!(inner.attempt_timeout, Duration::from_secs(10));
        assert_eq!(inner.timeout, None);
        assert_eq!(inner.max_response_body, 4 * 1024 * 1024);
        assert_eq!(client.retry_policy(), &RetryPolicy::default());
        assert_eq!(client.region_id(), None);
    }

    #[test]
    fn zero_time_limits_are_refused() {
        let builder = || {
            Client::builder()
                .endpoint("http://127.0.0.1:9")
                .credentials(creds())
        };
        type Set = fn(ClientBuilder) -> ClientBuilder;
        let cases: [(&str, Set); 3] = [
            ("connect_timeout", |b| b.connect_timeout(Duration::ZERO)),
            ("attempt_timeout", |b| b.attempt_timeout(Duration::ZERO)),
            ("timeout", |b| b.timeout(Duration::ZERO)),
        ];
        for (name, zero) in cases {
            let err = zero(builder()).build().unwrap_err();
            assert!(
                matches!(&err, Error::Config(m) if m == &format!("{name} must be more than zero")),
                "{err:?}"
            );
        }
        let tiny = Duration::from_nanos(1);
        builder()
            .connect_timeout(tiny)
            .attempt_timeout(tiny)
            .timeout(tiny)
            .build()
            .unwrap();
    }

    #[test]
    fn builder_debug_redacts_user_info() {
        for (endpoint, shown) in [
            ("https://a:b@host", "https://<redacted>@host"),
            ("http://user@host:8080/", "http://<redacted>@host:8080/"),
            ("a@b@host", "<redacted>@host"),
            ("https://host/p@th", "https://host/p@th"),
            ("https://host", "https://host"),
            ("", ""),
        ] {
            assert_eq!(redact_user_info(endpoint), shown, "{endpoint}");
        }
        let builder = Client::builder()
            .endpoint("https://me:hunter2@example.com")
            .credentials(creds());
        let shown = format!("{builder:?}");
        assert!(shown.contains("<redacted>@example.com"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("TestSecretValue"), "{shown}");
    }

    #[test]
    fn client_is_send_sync_and_call_is_send() {
        fn send_sync<T: Send + Sync + 'static>() {}
        fn send<T: Send>(_: &T) {}
        fn clone<T: Clone>() {}
        send_sync::<Client>();
        clone::<Client>();
        send_sync::<Error>();
        let c = client();
        let fut = c.call(&Req);
        send(&fut);
    }

    #[test]
    fn endpoints_are_validated() {
        let build = |e: &str| {
            Client::builder()
                .endpoint(e)
                .credentials(creds())
                .build()
                .map(|c| c.endpoint().to_owned())
        };
        assert_eq!(
            build("https://linkwan.cn-shanghai.aliyuncs.com").unwrap(),
            "https://linkwan.cn-shanghai.aliyuncs.com"
        );
        assert_eq!(
            build("https://linkwan.cn-shanghai.aliyuncs.com/").unwrap(),
            "https://linkwan.cn-shanghai.aliyuncs.com"
        );
        assert_eq!(
            build("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        // A path is where requests go (a gateway's prefix), kept as given.
        for with_path in [
            "https://gw.example.com/linkwan",
            "https://gw.example.com/linkwan/",
            "http://127.0.0.1:8080/a/b/",
        ] {
            assert_eq!(build(with_path).unwrap(), with_path);
        }
        for (bad, why) in [
            ("linkwan.cn-shanghai.aliyuncs.com", "scheme"),
            ("ftp://host", "scheme"),
            ("https://host/?a=1", "query"),
            ("https://host/v1?a=1", "query"),
            ("https://user:pw@host", "user info"),
            ("", "URL"),
            ("https://", "URL"),
        ] {
            let e = build(bad).unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{bad}");
            assert!(e.to_string().contains(why), "{bad}: {e}");
            assert!(!e.to_string().contains("pw"), "{e}");
        }
        // The form a message asks for is the one `endpoint` takes: with a path.
        for unparsable in ["https://host/a b", "host/linkwan", ""] {
            let e = build(unparsable).unwrap_err();
            assert!(
                e.to_string()
                    .contains("(expected https://host[:port][/path])"),
                "{unparsable}: {e}"
            );
        }
        let e = Client::builder().credentials(creds()).build().unwrap_err();
        assert!(e.to_string().contains("no endpoint"), "{e}");
        let e = Client::builder().endpoint("https://h").build().unwrap_err();
        assert!(e.to_string().contains("no credentials"), "{e}");
        let e = Client::builder()
            .endpoint("https://h")
            .credentials(creds())
            .user_agent("bad\nagent")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("User-Agent"), "{e}");
    }

    #[test]
    fn host_header_drops_only_the_default_port() {
        for (endpoint, host) in [
            ("https://example.com", "example.com"),
            ("https://example.com:443", "example.com"),
            ("https://example.com:8443", "example.com:8443"),
            ("https://example.com:80", "example.com:80"),
            ("http://example.com:80/", "example.com"),
            ("http://example.com:443", "example.com:443"),
            ("http://127.0.0.1:8080", "127.0.0.1:8080"),
            ("http://[::1]:8080", "[::1]:8080"),
            ("https://[::1]", "[::1]"),
        ] {
            let (scheme, authority, _) = parse_endpoint(endpoint).unwrap();
            assert_eq!(
                host_header(&scheme, &authority).unwrap(),
                host,
                "{endpoint}"
            );
        }
    }

    #[test]
    fn debug_hides_secrets() {
        let shown = format!("{:?}", client());
        assert!(shown.contains("127.0.0.1:9"), "{shown}");
        for secret in ["TestSecretValue", "CAIStoken", "LTAI5tTestKeyId"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn signed_query_has_every_common_param() {
        let c = client();
        let (spec, params) = req_call();
        let mut buf = Stamp::default();
        let stamp = c.stamp(&mut buf);
        let q = c.sign(&spec, &params, stamp).unwrap();
        // The same stamp signs the same query (what a disputed signature is compared with).
        assert_eq!(c.sign(&spec, &params, stamp).unwrap(), q);
        let pairs = query_pairs(&q);
        assert_eq!(pairs["Action"], "RejectJoinPermissionAuthOrder");
        assert_eq!(pairs["Version"], "2018-12-30");
        assert_eq!(pairs["Format"], "JSON");
        assert_eq!(pairs["AccessKeyId"], "LTAI5tTestKeyId");
        assert_eq!(pairs["SignatureMethod"], "HMAC-SHA1");
        assert_eq!(pairs["SignatureVersion"], "1.0");
        assert_eq!(pairs["SecurityToken"], "CAIStoken");
        assert_eq!(pairs["RegionId"], "cn-shanghai");
        assert_eq!(pairs["OrderId"], "12 3*");
        assert_eq!(pairs["SignatureNonce"].len(), 32);
        let ts = &pairs["Timestamp"];
        assert_eq!(ts.len(), 20);
        assert!(ts.ends_with('Z') && &ts[10..11] == "T", "{ts}");
        // The signature verifies against the string-to-sign we would compare with.
        let sts = string_to_sign(Method::Post, &q);
        assert_eq!(
            crate::sign::sign_string_v1(&sts, "TestSecretValue"),
            pairs["Signature"]
        );
        assert!(q.contains("OrderId=12%203%2A"), "{q}");
        // Fresh nonce and the same shape on the next attempt.
        let q2 = c
            .sign(&spec, &params, c.stamp(&mut Stamp::default()))
            .unwrap();
        let pairs2 = query_pairs(&q2);
        assert_ne!(pairs["SignatureNonce"], pairs2["SignatureNonce"]);
    }

    #[test]
    fn optional_common_params_are_sent_only_when_set() {
        let (spec, params) = req_call();
        for (region, token) in [
            (None, None),
            (Some("cn-shanghai"), None),
            (None, Some("tok")),
        ] {
            let mut creds = Credentials::new("LTAI5tTestKeyId", "TestSecretValue");
            if let Some(token) = token {
                creds = creds.with_security_token(token);
            }
            let mut builder = Client::builder()
                .endpoint("http://127.0.0.1:9")
                .credentials(creds);
            if let Some(region) = region.filter(|_| !params.iter().any(|(k, _)| k == REGION_ID)) {
                builder = builder.region_id(region);
            }
            let c = builder.build().unwrap();
            let q = c
                .sign(&spec, &params, c.stamp(&mut Stamp::default()))
                .unwrap();
            let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&q).unwrap();
            let get = |k: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.as_str())
            };
            assert_eq!(get("RegionId"), region, "{q}");
            assert_eq!(get("SecurityToken"), token, "{q}");
            let expected = 9 + usize::from(region.is_some()) + usize::from(token.is_some()) + 1;
            assert_eq!(pairs.len(), expected, "{q}");
            for key in [
                "AccessKeyId",
                "Action",
                "Format",
                "SignatureMethod",
                "SignatureNonce",
                "SignatureVersion",
                "Timestamp",
                "Version",
                "OrderId",
                "Signature",
            ] {
                assert!(get(key).is_some(), "{key} missing: {q}");
            }
            let sts = string_to_sign(Method::Post, &q);
            assert_eq!(
                crate::sign::sign_string_v1(&sts, "TestSecretValue"),
                get("Signature").unwrap()
            );
        }
    }

    #[test]
    fn params_are_signed_at_every_count() {
        // Around each place the pairs are gathered: the small stack array, the larger
        // one, the heap.
        let c = client();
        let spec = CallSpec {
            action: "A",
            version: "2018-12-30",
            method: Method::Post,
            idempotent: false,
        };
        for n in [
            0,
            SIGN_STACK_SMALL - 10,
            SIGN_STACK_SMALL - 9,
            SIGN_STACK - 10,
            SIGN_STACK - 9,
            2 * SIGN_STACK,
        ] {
            let mut params = Params::new();
            let values: Vec<usize> = (0..n).collect();
            params.insert("N", &values);
            let q = c
                .sign(&spec, &params, c.stamp(&mut Stamp::default()))
                .unwrap();
            let pairs = query_pairs(&q);
            // Ten common params (RegionId and SecurityToken included), n, the signature.
            assert_eq!(pairs.len(), 10 + n + 1, "{n}: {q}");
            for i in 1..=n {
                assert_eq!(pairs[&format!("N.{i}")], (i - 1).to_string(), "{n}");
            }
            assert_eq!(pairs["RegionId"], "cn-shanghai");
            let sts = string_to_sign(Method::Post, &q);
            assert_eq!(
                crate::sign::sign_string_v1(&sts, "TestSecretValue"),
                pairs["Signature"],
                "{n}"
            );
        }
    }

    #[test]
    fn clock_offset_shifts_the_timestamp() {
        let c = client();
        c.inner.clock_offset.store(-86_400 * 366, Ordering::Relaxed);
        let spec = CallSpec {
            action: "A",
            version: "2018-12-30",
            method: Method::Get,
            idempotent: true,
        };
        let q = c
            .sign(&spec, &Params::new(), c.stamp(&mut Stamp::default()))
            .unwrap();
        let pairs = query_pairs(&q);
        let year: i64 = pairs["Timestamp"][..4].parse().unwrap();
        let now_year = time::civil_from_days(time::unix_now().div_euclid(86_400)).0;
        assert_eq!(year, now_year - 1);
    }

    /// A program that seeds fastrand's thread-local generator for its own reproducible
    /// randomness does not make the client's nonces repeat from one run to the next.
    #[test]
    fn nonces_do_not_follow_a_seeded_fastrand() {
        fastrand::seed(7);
        let first = nonce(&mut [0; 32]).to_owned();
        fastrand::seed(7);
        let again = nonce(&mut [0; 32]).to_owned();
        assert_ne!(first, again);
        // And not its stream either.
        fastrand::seed(7);
        let stream = format!("{:032x}", fastrand::u128(..));
        assert_ne!(nonce(&mut [0; 32]), stream);
    }

    #[test]
    fn nonces_are_unique_and_hex() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let n = nonce(&mut [0; 32]).to_owned();
            assert!(n.bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(seen.insert(n));
        }
    }

    #[tokio::test]
    async fn invalid_params_send_nothing() {
        struct Bad;
        impl RpcRequest for Bad {
            type Response = serde_json::Value;
            const ACTION: &'static str = "A";
            const VERSION: &'static str = "2018-12-30";
            fn write_params(&self, params: &mut Params) {
                params.record_error("Config", "cannot serialize");
            }
        }
        let e = client().call(&Bad).await.unwrap_err();
        assert!(
            matches!(e, Error::InvalidRequest(ref m) if m.contains("Config")),
            "{e:?}"
        );
    }

    /// [`Req`]'s call spec and params, as `call` makes them.
    fn req_call() -> (CallSpec, Params) {
        let spec = CallSpec {
            action: Req::ACTION,
            version: Req::VERSION,
            method: Method::Post,
            idempotent: false,
        };
        let mut params = Params::new();
        Req.write_params(&mut params);
        (spec, params)
    }

    /// A signed query's pairs, decoded.
    fn query_pairs(query: &str) -> std::collections::BTreeMap<String, String> {
        serde_urlencoded::from_str(query).unwrap()
    }

    /// A builder for a port that was just free (nothing listens there), with [`creds`].
    fn refused_builder() -> ClientBuilder {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        Client::builder()
            .endpoint(format!("http://127.0.0.1:{port}"))
            .credentials(creds())
    }

    #[tokio::test]
    async fn refused_connection_is_a_connect_error() {
        let c = refused_builder()
            .retry_policy(RetryPolicy::default().with_base_backoff(Duration::from_millis(1)))
            .build()
            .unwrap();
        let e = c.call(&Req).await.unwrap_err();
        match &e {
            Error::Transport(t) => assert!(t.is_connect(), "{e:?}"),
            other => panic!("{other:?}"),
        }
        let shown = e.to_string();
        assert!(
            shown.starts_with("connection failed: ") && shown.to_lowercase().contains("refused"),
            "{shown}"
        );
        assert!(std::error::Error::source(&e).is_some());
        let shown = format!("{e} {e:?}");
        for secret in [
            "TestSecretValue",
            "CAIStoken",
            "LTAI5tTestKeyId",
            "Signature",
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[tokio::test]
    async fn timeouts_too_long_to_represent_do_not_panic() {
        // Nothing listens on the port: the call fails fast, with no deadline overflow.
        let c = refused_builder()
            .timeout(Duration::MAX)
            .attempt_timeout(Duration::MAX)
            .retry_policy(
                RetryPolicy::default()
                    .with_base_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::MAX),
            )
            .build()
            .unwrap();
        let e = c.call(&Req).await.unwrap_err();
        assert!(matches!(&e, Error::Transport(t) if t.is_connect()), "{e:?}");
        let now = Instant::now();
        assert!(expiry(now, Duration::MAX) > now + Duration::from_secs(86_400 * 365));
        assert_eq!(
            expiry(now, Duration::from_secs(3)),
            now + Duration::from_secs(3)
        );
    }

    #[test]
    fn declared_length_reads_content_length_like_str_parse() {
        let len = |v: &[u8]| {
            let mut h = HeaderMap::new();
            h.insert(CONTENT_LENGTH, HeaderValue::from_bytes(v).unwrap());
            declared_length(&h)
        };
        assert_eq!(declared_length(&HeaderMap::new()), None);
        for v in [
            &b"0"[..],
            b"42",
            b" 42\t",
            b"+7",
            b"18446744073709551615",
            b"18446744073709551616",
            b"",
            b"+",
            b"-1",
            b"4 2",
            b"0x10",
            b"\xc2\xb2",
        ] {
            let expected = std::str::from_utf8(v)
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok());
            assert_eq!(len(v), expected, "{v:?}");
        }
        assert_eq!(len(b" 42\t"), Some(42));
        assert_eq!(len(b"18446744073709551616"), None);
    }

    #[test]
    fn string_to_sign_strips_the_signature() {
        assert_eq!(
            string_to_sign(Method::Get, "A=1&B=x%2Ay&Signature=abc%3D"),
            "GET&%2F&A%3D1%26B%3Dx%252Ay"
        );
    }
}
