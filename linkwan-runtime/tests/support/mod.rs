//! What the runtime's integration tests share: the two test actions (declared with the
//! crate's own `#[aliyun_rpc]`), one set of distinctive credentials, a fast retry policy,
//! client and mock-server starters, a scripted handler and the no-secrets assertion.
//!
//! Each test binary includes it with `mod support;` and uses what it needs.
#![allow(dead_code)]

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use linkwan_runtime::sign::percent_encode;
use linkwan_runtime::test_util::{MockRequest, MockResponse, MockServer, MockServerBuilder};
use linkwan_runtime::{
    aliyun_rpc, Client, ClientBuilder, Credentials, Error, RetryPolicy, TimeoutKind,
};
use serde::Deserialize;
use serde_json::json;

/// The AccessKey ID. Its first 10 chars, like the secret's and the token's, need no
/// percent-encoding, so finding them also catches every encoded form of a longer prefix.
pub const ID: &str = "LTAI5tSecretsProbeIdQZ7";
/// The AccessKey secret: `/`, `+` and `=` make its encoded forms differ from it.
pub const SECRET: &str = "SecretsProbe/Secret+Value=QZ7";
/// The STS token.
pub const TOKEN: &str = "CAISsecretsProbe+Sts/Token=QZ7xyz";

/// The seed action's name, for handlers.
pub const REJECT: &str = "RejectJoinPermissionAuthOrder";
/// The idempotent GET action's name, for handlers.
pub const COUNT: &str = "CountNodeGroups";

/// The seed action: POST, not idempotent.
#[aliyun_rpc(action = "RejectJoinPermissionAuthOrder", version = "2018-12-30")]
pub struct Reject<'a> {
    pub order_id: &'a str,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RejectResponse {
    pub request_id: String,
    pub success: bool,
    /// Echoed by the handlers that want to tell calls apart.
    pub order_id: Option<String>,
}

/// The seed action for `order_id`.
pub fn reject(order_id: &str) -> Reject<'_> {
    Reject { order_id }
}

/// An idempotent GET action.
#[aliyun_rpc(
    action = "CountNodeGroups",
    version = "2018-12-30",
    method = "GET",
    idempotent
)]
pub struct Count<'a> {
    pub fuzzy_name: Option<&'a str>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CountResponse {
    #[serde(with = "linkwan_runtime::response::lenient::int")]
    pub data: u64,
}

/// The idempotent action without params.
pub fn count() -> Count<'static> {
    Count { fuzzy_name: None }
}

/// A successful answer to [`Reject`].
pub fn ok_reject() -> MockResponse {
    MockResponse::ok(json!({ "Success": true }))
}

/// A successful answer to [`Count`]: 42.
pub fn ok_count() -> MockResponse {
    MockResponse::ok(json!({ "Data": 42 }))
}

/// [`ID`] and [`SECRET`].
pub fn creds() -> Credentials {
    Credentials::new(ID, SECRET)
}

/// [`ID`] and [`SECRET`] with the STS [`TOKEN`].
pub fn sts_creds() -> Credentials {
    creds().with_security_token(TOKEN)
}

/// The default policy with back-offs short enough for tests: 2 ms, at most 20 ms.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_base_backoff(Duration::from_millis(2))
        .with_max_backoff(Duration::from_millis(20))
}

/// A client builder for `endpoint` with `creds` and [`fast_retries`].
pub fn builder(endpoint: impl Into<String>, creds: Credentials) -> ClientBuilder {
    Client::builder()
        .endpoint(endpoint)
        .credentials(creds)
        .retry_policy(fast_retries())
}

/// A client for `server` with [`creds`] and [`fast_retries`].
pub fn client(server: &MockServer) -> Client {
    builder(server.endpoint(), creds()).build().expect("client")
}

/// A client for `server` that makes exactly one attempt a call (retries off), each
/// bounded by a generous 15 s: for tests that count requests or measure a call.
pub fn one_attempt_client(server: &MockServer) -> Client {
    builder(server.endpoint(), creds())
        .retry_policy(RetryPolicy::disabled())
        .attempt_timeout(Duration::from_secs(15))
        .build()
        .expect("client")
}

/// A mock server that knows `creds`, not started yet.
pub fn mock(creds: Credentials) -> MockServerBuilder {
    MockServer::builder().credentials(creds)
}

/// A started mock server that knows [`creds`] and answers `action` with `handler`.
pub async fn serve(
    action: &str,
    handler: impl Fn(&MockRequest) -> MockResponse + Send + Sync + 'static,
) -> MockServer {
    mock(creds())
        .handler(action, handler)
        .start()
        .await
        .expect("mock server")
}

/// A handler answering `first(n)` to the `n`-th request while `n < times`, then `then()`.
pub fn first_then(
    times: usize,
    first: impl Fn(usize) -> MockResponse + Send + Sync + 'static,
    then: impl Fn() -> MockResponse + Send + Sync + 'static,
) -> impl Fn(&MockRequest) -> MockResponse + Send + Sync + 'static {
    let seen = AtomicUsize::new(0);
    move |_| {
        let n = seen.fetch_add(1, Ordering::SeqCst);
        if n < times {
            first(n)
        } else {
            then()
        }
    }
}

/// How many distinct `SignatureNonce`s the server's recorded requests carry (a request
/// without one adds none).
pub fn distinct_nonces(server: &MockServer) -> usize {
    let reqs = server.requests();
    let nonces: HashSet<_> = reqs
        .iter()
        .filter_map(|r| r.param("SignatureNonce"))
        .collect();
    nonces.len()
}

/// An endpoint on 127.0.0.1 where nothing listens: connecting is refused.
pub fn refused_endpoint() -> String {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    format!("http://127.0.0.1:{port}")
}

/// The bound that ran out when `err` is a per-attempt timeout.
pub fn attempt_timed_out(err: &Error) -> Option<Duration> {
    match err {
        Error::Timeout {
            kind: TimeoutKind::Attempt,
            after,
        } => Some(*after),
        _ => None,
    }
}

/// Every form a credential may take in a message: raw, percent-encoded once and twice
/// (as in a query and in a string-to-sign), and its first 10 chars.
pub fn forbidden() -> Vec<String> {
    let mut out = Vec::new();
    for s in [ID, SECRET, TOKEN] {
        out.push(s.to_owned());
        out.push(percent_encode(s));
        out.push(percent_encode(&percent_encode(s)));
        out.push(s[..10].to_owned());
    }
    out
}

/// Every rendering of `err` (`Display`, `Debug`, `{:#?}`) and of its sources.
pub fn renderings(err: &(dyn std::error::Error + 'static)) -> String {
    let mut shown = format!("{err} | {err:?} | {err:#?}");
    let mut cur = err.source();
    while let Some(e) = cur {
        shown.push_str(&format!(" | {e} | {e:?}"));
        cur = e.source();
    }
    shown
}

/// `shown` holds no form of any credential.
#[track_caller]
pub fn assert_clean(label: &str, shown: &str) {
    for f in forbidden() {
        assert!(!shown.contains(&f), "{label}: {f:?} in {shown}");
    }
}

/// No rendering of `err` or of its sources shows any form of any credential.
#[track_caller]
pub fn assert_no_secrets(label: &str, err: &Error) {
    assert_clean(label, &renderings(err));
}
