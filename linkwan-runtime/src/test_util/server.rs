//! The loopback server: accept loop, request decoding, dispatch.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response};
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use hyper::body::{Body as _, Incoming};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::clock;
use super::response::{self, FillerBody, Kind, MockBody, MockResponse, StalledBody};
use super::verify::{Nonces, Verifier};
use crate::Credentials;

/// The largest request body the server reads.
const MAX_REQUEST_BODY: usize = 1024 * 1024;

type Handler = Arc<dyn Fn(&MockRequest) -> MockResponse + Send + Sync>;

/// A verified request, as a handler sees it.
///
/// `Debug` shows every param but the STS token (`SecurityToken`), which it redacts.
#[derive(Clone)]
#[non_exhaustive]
pub struct MockRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// Every param, decoded, query and form body merged (including the common ones and
    /// `Signature`).
    pub params: BTreeMap<String, String>,
    /// The request headers. Those that carry secrets (`x-acs-security-token`,
    /// `Authorization`, `Proxy-Authorization`, `Cookie`) are marked sensitive: readable
    /// here, shown as `Sensitive` by `Debug`.
    pub headers: HeaderMap,
    /// The AccessKeyId the request was signed with.
    pub access_key_id: String,
}

impl MockRequest {
    /// One param's decoded value.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The `Action` param.
    pub fn action(&self) -> &str {
        self.param("Action").unwrap_or_default()
    }

    /// The `Version` param.
    pub fn version(&self) -> &str {
        self.param("Version").unwrap_or_default()
    }

    /// The `SignatureNonce` param.
    pub fn nonce(&self) -> &str {
        self.param("SignatureNonce").unwrap_or_default()
    }
}

/// A request the server received, whether or not it passed the checks.
///
/// `Debug` shows every param but the STS token (`SecurityToken`), which it redacts.
#[derive(Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The request's path (`/`, or the path of an endpoint that has one), without the
    /// query. Any path is served.
    pub path: String,
    /// Every param, decoded, including `Signature`.
    pub params: BTreeMap<String, String>,
    /// The request headers. Those that carry secrets (`x-acs-security-token`,
    /// `Authorization`, `Proxy-Authorization`, `Cookie`) are marked sensitive: readable
    /// here, shown as `Sensitive` by `Debug`.
    pub headers: HeaderMap,
    /// `Ok` when the signature checks passed, else the error code answered.
    pub verified: Result<(), String>,
}

impl RecordedRequest {
    /// One param's decoded value.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The `Action` param (empty when the request had none).
    pub fn action(&self) -> &str {
        self.param("Action").unwrap_or_default()
    }
}

impl fmt::Debug for MockRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockRequest")
            .field("method", &self.method)
            .field("params", &RedactedParams(&self.params))
            .field("headers", &self.headers)
            .field("access_key_id", &self.access_key_id)
            .finish()
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("params", &RedactedParams(&self.params))
            .field("headers", &self.headers)
            .field("verified", &self.verified)
            .finish()
    }
}

/// A request's params with the STS token's value replaced, as credentials' `Debug` does
/// (the `Signature` is shown: it is on the wire and reveals no key).
struct RedactedParams<'a>(&'a BTreeMap<String, String>);

impl fmt::Debug for RedactedParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| {
                let v: &dyn fmt::Debug = match k.as_str() {
                    "SecurityToken" => &"** redacted **",
                    _ => v,
                };
                (k, v)
            }))
            .finish()
    }
}

struct State {
    verifier: Verifier,
    verify_signatures: bool,
    handlers: HashMap<String, Handler>,
    fallback: Option<Handler>,
    requests: Mutex<Vec<RecordedRequest>>,
    record: bool,
    connections: AtomicUsize,
    request_count: AtomicUsize,
    /// The messages of the handlers' panics, reported when the server is dropped.
    panics: Mutex<Vec<String>>,
}

/// Configures and starts a [`MockServer`].
#[must_use]
pub struct MockServerBuilder {
    keys: Vec<Credentials>,
    handlers: HashMap<String, Handler>,
    fallback: Option<Handler>,
    max_skew: Duration,
    clock_offset_secs: i64,
    verify_signatures: bool,
    record: bool,
}

impl fmt::Debug for MockServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServerBuilder")
            .field("keys", &self.keys)
            .field("actions", &self.handlers.keys().collect::<Vec<_>>())
            .field("fallback", &self.fallback.is_some())
            .field("max_skew", &self.max_skew)
            .field("clock_offset_secs", &self.clock_offset_secs)
            .finish_non_exhaustive()
    }
}

impl Default for MockServerBuilder {
    /// The same as [`MockServer::builder`].
    fn default() -> Self {
        MockServer::builder()
    }
}

impl MockServerBuilder {
    /// Accepts requests signed with these credentials (call again for more keys). A key
    /// registered with an STS token requires that token as `SecurityToken`.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.keys.push(credentials);
        self
    }

    /// Answers `action` with `handler` (called for requests that passed the checks).
    /// Registering `action` again replaces its handler.
    ///
    /// Handlers run concurrently, one call per request in flight, on the server's Tokio
    /// runtime: one that blocks (`std::thread::sleep`, a blocking channel) holds up that
    /// thread's other tasks, on a current-thread runtime the client's too. To answer
    /// late, return [`MockResponse::with_delay`]. A handler that panics is answered
    /// `MockServer.HandlerPanicked` and fails the test (see [`MockServer`]'s "Panics").
    pub fn handler(
        mut self,
        action: impl Into<String>,
        handler: impl Fn(&MockRequest) -> MockResponse + Send + Sync + 'static,
    ) -> Self {
        self.handlers.insert(action.into(), Arc::new(handler));
        self
    }

    /// Answers every action without a handler of its own with `handler` (called, like
    /// the others, for requests that passed the checks), instead of
    /// `InvalidAction.NotFound` (404). Calling it again replaces the fallback.
    ///
    /// ```
    /// use linkwan_runtime::test_util::{MockResponse, MockServer};
    /// use serde_json::json;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// // Any action succeeds; the test looks at what was sent afterwards.
    /// let server = MockServer::builder()
    ///     .fallback(|_req| MockResponse::ok(json!({ "Success": true })))
    ///     .start()
    ///     .await?;
    /// // Or: any action but the expected ones fails the test (see MockServer's "Panics").
    /// let strict = MockServer::builder()
    ///     .handler("DescribeRegions", |_req| MockResponse::ok(json!({ "Regions": [] })))
    ///     .fallback(|req| panic!("unexpected action {:?}", req.action()))
    ///     .start()
    ///     .await?;
    /// # let _ = (server, strict);
    /// # Ok(())
    /// # }
    /// ```
    pub fn fallback(
        mut self,
        handler: impl Fn(&MockRequest) -> MockResponse + Send + Sync + 'static,
    ) -> Self {
        self.fallback = Some(Arc::new(handler));
        self
    }

    /// How far a request's `Timestamp` may be from the server's clock (default 15 min).
    pub fn max_clock_skew(mut self, skew: Duration) -> Self {
        self.max_skew = skew;
        self
    }

    /// Shifts the server's clock by `secs` (negative: behind), to simulate clock skew.
    pub fn clock_offset(mut self, secs: i64) -> Self {
        self.clock_offset_secs = secs;
        self
    }

    /// Turns the signature checks off (every request goes to its handler). On by default.
    pub fn verify_signatures(mut self, verify: bool) -> Self {
        self.verify_signatures = verify;
        self
    }

    /// Whether to keep every request for [`MockServer::requests`] (default true; turn
    /// off for long load runs).
    pub fn record_requests(mut self, record: bool) -> Self {
        self.record = record;
        self
    }

    /// Binds `127.0.0.1` on a free port and serves on the current Tokio runtime.
    ///
    /// # Errors
    ///
    /// The I/O error of binding the port.
    ///
    /// # Panics
    ///
    /// When polled outside a Tokio runtime (it binds with Tokio and spawns the accept loop).
    pub async fn start(self) -> std::io::Result<MockServer> {
        self.start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Binds `addr` and serves on the current Tokio runtime.
    ///
    /// # Errors
    ///
    /// The I/O error of binding `addr` (in use, not local, not permitted), its message
    /// naming `addr`.
    ///
    /// # Panics
    ///
    /// When polled outside a Tokio runtime (it binds with Tokio and spawns the accept loop).
    pub async fn start_on(self, addr: SocketAddr) -> std::io::Result<MockServer> {
        // The error names the address (the OS's message does not), its kind kept.
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| std::io::Error::new(e.kind(), format!("cannot bind {addr}: {e}")))?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            verifier: Verifier {
                keys: self
                    .keys
                    .into_iter()
                    .map(|c| (c.access_key_id().to_owned(), c))
                    .collect(),
                max_skew_secs: self.max_skew.as_secs(),
                clock_offset_secs: self.clock_offset_secs,
                nonces: Mutex::new(Nonces::new()),
            },
            verify_signatures: self.verify_signatures,
            handlers: self.handlers,
            fallback: self.fallback,
            requests: Mutex::new(Vec::new()),
            record: self.record,
            connections: AtomicUsize::new(0),
            request_count: AtomicUsize::new(0),
            panics: Mutex::new(Vec::new()),
        });
        let listener = Arc::new(Mutex::new(Some(listener)));
        let (shutdown, rx) = watch::channel(false);
        tokio::spawn(accept_loop(listener.clone(), state.clone(), rx));
        Ok(MockServer {
            addr,
            state,
            listener,
            shutdown,
        })
    }
}

/// A signature-verifying loopback server; stops when dropped.
///
/// See the [module docs](super) for what it checks.
///
/// # Panics
///
/// Dropping it panics when one of its handlers panicked (a failed `assert!` or `unwrap`
/// in test code), with the first panic's message, so that the test fails even when it
/// expected the call to fail; the client was answered `MockServer.HandlerPanicked`
/// (500) with that message. It does not panic while the thread is already panicking.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    /// Shared with the accept loop, so that [`MockServer::shutdown`] closes it at once.
    listener: SharedListener,
    shutdown: watch::Sender<bool>,
}

type SharedListener = Arc<Mutex<Option<TcpListener>>>;

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// A builder with no keys and no handlers, verifying signatures, 15 min of allowed
    /// clock skew.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            keys: Vec::new(),
            handlers: HashMap::new(),
            fallback: None,
            max_skew: Duration::from_secs(15 * 60),
            clock_offset_secs: 0,
            verify_signatures: true,
            record: true,
        }
    }

    /// The endpoint to give a client: `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in arrival order (those refused for their body,
    /// too large or unreadable, with their query's params only).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// Forgets the recorded requests (between the parts of a test). It leaves
    /// [`request_count`](Self::request_count) and [`connections`](Self::connections),
    /// which count from the start, and the nonces already seen (a replay is still
    /// refused).
    pub fn clear_requests(&self) {
        lock(&self.state.requests).clear();
    }

    /// How many requests were received (also when not recording).
    pub fn request_count(&self) -> usize {
        self.state.request_count.load(Ordering::Relaxed)
    }

    /// How many TCP connections were accepted.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::Relaxed)
    }

    /// Stops accepting and closes every open connection (a request in flight gets a
    /// transport error). The address is free again when this returns: another server
    /// can [`start_on`](MockServerBuilder::start_on) it.
    pub fn shutdown(&self) {
        // Closed here, not when the accept loop next runs (on a current-thread runtime,
        // not before the test's next await), so that the port can be bound again.
        drop(lock(&self.listener).take());
        let _ = self.shutdown.send(true);
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.shutdown();
        if std::thread::panicking() {
            return;
        }
        let panics = std::mem::take(&mut *lock(&self.state.panics));
        if let Some(first) = panics.first() {
            panic!(
                "the mock server's handlers panicked {} time(s); the first: {first}",
                panics.len()
            );
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

async fn accept_loop(
    listener: SharedListener,
    state: Arc<State>,
    mut shutdown: watch::Receiver<bool>,
) {
    // Pending once the listener is gone: `shutdown` has then been signalled too.
    let accept = || {
        std::future::poll_fn(|cx| match lock(&listener).as_ref() {
            Some(listener) => listener.poll_accept(cx),
            None => std::task::Poll::Pending,
        })
    };
    loop {
        let stream = tokio::select! {
            _ = shutdown.changed() => return,
            accepted = accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        state.connections.fetch_add(1, Ordering::Relaxed);
        let state = state.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let state = state.clone();
                async move { handle(&state, req).await }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}

/// The error by which a handler's [`MockResponse::reset`] closes the connection.
#[derive(Debug)]
struct Reset;

impl fmt::Display for Reset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection reset by the mock handler")
    }
}

impl std::error::Error for Reset {}

async fn handle(state: &State, req: Request<Incoming>) -> Result<Response<MockBody>, Reset> {
    state.request_count.fetch_add(1, Ordering::Relaxed);
    let (mut parts, body) = req.into_parts();
    redact_secret_headers(&mut parts.headers);
    let method = parts.method.as_str().to_owned();
    let mut params = BTreeMap::new();
    if let Some(query) = parts.uri.query() {
        decode_into(query.as_bytes(), &mut params);
    }
    let too_large =
        || MockResponse::error(413, "RequestTooLarge", "The request body is too large.");
    // A Content-Length past the limit is answered at once, not after the body.
    let body = if body.size_hint().lower() > MAX_REQUEST_BODY as u64 {
        Err(too_large())
    } else {
        match Limited::new(body, MAX_REQUEST_BODY).collect().await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(e) if e.is::<LengthLimitError>() => Err(too_large()),
            // A broken body (a bad chunk) is the client's mistake, not a size.
            Err(e) => Err(MockResponse::error(
                400,
                "MalformedRequestBody",
                &format!("The request body cannot be read: {e}."),
            )),
        }
    };
    let body = match body {
        Ok(body) => body,
        Err(answer) => {
            // Recorded with the query's params, as any refused request is.
            record(state, &method, &parts, &params, Err(error_code(&answer)));
            return Ok(render(state, answer, true, "Error"));
        }
    };
    if is_form(&parts.headers) {
        decode_into(&body, &mut params);
    }
    let wants_json = params
        .get("Format")
        .is_some_and(|f| f.eq_ignore_ascii_case("JSON"));
    let action = params.get("Action").cloned().unwrap_or_default();

    let verified = if state.verify_signatures {
        state.verifier.verify(&method, &params)
    } else {
        Ok(params.get("AccessKeyId").cloned().unwrap_or_default())
    };
    let outcome = verified.as_ref().map(|_| ()).map_err(error_code);
    record(state, &method, &parts, &params, outcome);
    let answer = match verified {
        Err(answer) => answer,
        Ok(access_key_id) => match state.handlers.get(&action).or(state.fallback.as_ref()) {
            Some(handler) => call_handler(
                state,
                handler,
                &action,
                &MockRequest {
                    method,
                    params,
                    headers: parts.headers,
                    access_key_id,
                },
            ),
            None => MockResponse::error(
                404,
                "InvalidAction.NotFound",
                "Specified api is not found, please check your url and method.",
            ),
        },
    };
    if let Some(delay) = answer.delay {
        tokio::time::sleep(delay).await;
    }
    match answer.kind {
        Kind::Reset => Err(Reset),
        Kind::Stall => std::future::pending().await,
        _ => Ok(render(state, answer, wants_json, &action)),
    }
}

/// Calls `handler`; a panic is answered `MockServer.HandlerPanicked` (500) with its
/// message, and kept for [`MockServer`]'s `Drop` to report, instead of closing the
/// connection without an answer.
fn call_handler(
    state: &State,
    handler: &Handler,
    action: &str,
    request: &MockRequest,
) -> MockResponse {
    // The handler's own state is the test's: a lock it poisoned says so on its next use.
    match std::panic::catch_unwind(AssertUnwindSafe(|| handler(request))) {
        Ok(answer) => answer,
        Err(payload) => {
            let text = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("a panic without a message");
            let message = format!("The mock server's handler for {action} panicked: {text}");
            lock(&state.panics).push(message.clone());
            MockResponse::error(500, "MockServer.HandlerPanicked", &message)
        }
    }
}

/// Keeps a request for [`MockServer::requests`], when the server records.
fn record(
    state: &State,
    method: &str,
    parts: &http::request::Parts,
    params: &BTreeMap<String, String>,
    verified: Result<(), String>,
) {
    if state.record {
        lock(&state.requests).push(RecordedRequest {
            method: method.to_owned(),
            path: parts.uri.path().to_owned(),
            params: params.clone(),
            headers: parts.headers.clone(),
            verified,
        });
    }
}

fn error_code(answer: &MockResponse) -> String {
    answer
        .json_body()
        .and_then(|v| v.get("Code"))
        .and_then(|c| c.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// Whether the body is a form: the media type, without its parameters (`; charset=...`),
/// is `application/x-www-form-urlencoded` in any case, as media types are case-insensitive
/// (RFC 9110, 8.3.1).
/// Headers that carry secrets (the STS token newer SDKs send as a header, credentials of
/// other schemes): marked sensitive, so that `Debug` of a recorded request shows
/// `Sensitive` instead of their values, as it hides the `SecurityToken` param.
const SECRET_HEADERS: [&str; 4] = [
    "x-acs-security-token",
    "authorization",
    "proxy-authorization",
    "cookie",
];

fn redact_secret_headers(headers: &mut HeaderMap) {
    for (name, value) in headers.iter_mut() {
        if SECRET_HEADERS.contains(&name.as_str()) {
            value.set_sensitive(true);
        }
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn decode_into(input: &[u8], params: &mut BTreeMap<String, String>) {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(input).unwrap_or_default();
    params.extend(pairs);
}

fn render(
    state: &State,
    answer: MockResponse,
    wants_json: bool,
    action: &str,
) -> Response<MockBody> {
    // A status HTTP cannot carry as a final answer is the handler's mistake: said
    // loudly, rather than sent as some other status.
    let Some(status) = http::StatusCode::from_u16(answer.status)
        .ok()
        .filter(|s| !s.is_informational())
    else {
        let message = format!(
            "The mock server's handler answered status {}, which is not a final HTTP status \
             (200-999).",
            answer.status
        );
        let answer = MockResponse::error(500, "MockServer.InvalidStatus", &message);
        return render(state, answer, wants_json, action);
    };
    // So is a header HTTP cannot carry (its value is not repeated: it may be anything).
    let mut extra = Vec::with_capacity(answer.headers.len());
    for (name, value) in &answer.headers {
        match (
            http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => extra.push((name, value)),
            (Err(_), _) => return invalid_header(state, name, "name", wants_json, action),
            (_, Err(_)) => return invalid_header(state, name, "value", wants_json, action),
        }
    }
    let mut builder = Response::builder().status(status);
    let date = clock::http_date(clock::now_secs(state.verifier.clock_offset_secs));
    let body = match answer.kind {
        Kind::Json(value) => {
            let request_id = value
                .get("RequestId")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .unwrap_or_else(response::request_id);
            builder = builder.header("x-acs-request-id", request_id);
            if wants_json {
                builder = builder.header("content-type", "application/json;charset=utf-8");
                response::full(value.to_string())
            } else {
                let root = if answer.status >= 400 {
                    "Error".to_owned()
                } else {
                    format!("{action}Response")
                };
                builder = builder.header("content-type", "text/xml;charset=utf-8");
                response::full(response::to_xml(&root, &value))
            }
        }
        Kind::Raw { content_type, body } => {
            builder = builder.header("content-type", content_type);
            response::full(body)
        }
        Kind::StallBody {
            content_type,
            first,
        } => {
            builder = builder.header("content-type", content_type);
            http_body_util::BodyExt::boxed(StalledBody(Some(first)))
        }
        Kind::Huge {
            len,
            content_length,
        } => {
            builder = builder.header("content-type", "application/json;charset=utf-8");
            http_body_util::BodyExt::boxed(FillerBody {
                left: len,
                exact: content_length,
                started: false,
            })
        }
        Kind::Reset | Kind::Stall => response::full(Bytes::new()),
    };
    let mut resp = builder
        .body(body)
        .unwrap_or_else(|_| Response::new(response::full(Bytes::new())));
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&date) {
        headers.insert(http::header::DATE, v);
    }
    // The handler's first header of a name replaces the server's own (`Content-Type`,
    // `Date`, `x-acs-request-id`); a name it gives again is sent again.
    let mut given: Vec<http::HeaderName> = Vec::new();
    for (name, value) in extra {
        if given.contains(&name) {
            headers.append(name, value);
        } else {
            headers.insert(name.clone(), value);
            given.push(name);
        }
    }
    resp
}

/// `MockServer.InvalidHeader` (500): the handler's header `name` has a `part` (its name or
/// its value) that HTTP cannot carry.
fn invalid_header(
    state: &State,
    name: &str,
    part: &str,
    wants_json: bool,
    action: &str,
) -> Response<MockBody> {
    let message = format!(
        "The mock server's handler answered a header whose {part} HTTP cannot carry: {name:?}."
    );
    let answer = MockResponse::error(500, "MockServer.InvalidHeader", &message);
    render(state, answer, wants_json, action)
}
