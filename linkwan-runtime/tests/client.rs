//! `Client` against the signature-verifying mock server: success, every seed error code,
//! signature diagnosis, STS, concurrency, retries, deadlines, bounded bodies, clock skew,
//! and no secret in any error.
#![cfg(feature = "test-util")]

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use linkwan_runtime::test_util::{MockRequest, MockResponse, MockServer};
use linkwan_runtime::{
    Client, Credentials, Error, ErrorCode, Method, Params, RetryPolicy, RpcRequest,
    SignatureMismatch, TimeoutKind,
};
use serde_json::json;

const ID: &str = "LTAI5tClientTestId";
const SECRET: &str = "client/test+secret=";
const TOKEN: &str = "CAISclientTestToken";

/// The seed action: not idempotent, POST.
struct Reject {
    order_id: &'static str,
}

#[derive(Debug, serde::Deserialize)]
struct RejectResponse {
    #[serde(rename = "RequestId")]
    request_id: String,
    #[serde(rename = "Success")]
    success: bool,
}

impl RpcRequest for Reject {
    type Response = RejectResponse;
    const ACTION: &'static str = "RejectJoinPermissionAuthOrder";
    const VERSION: &'static str = "2018-12-30";
    fn write_params(&self, params: &mut Params) {
        params.insert("OrderId", self.order_id);
    }
}

/// An idempotent GET action.
struct Count;

#[derive(Debug, serde::Deserialize)]
struct CountResponse {
    #[serde(rename = "Data", with = "linkwan_runtime::response::lenient::int")]
    data: u64,
}

impl RpcRequest for Count {
    type Response = CountResponse;
    const ACTION: &'static str = "CountNodeGroups";
    const VERSION: &'static str = "2018-12-30";
    const METHOD: Method = Method::Get;
    const IDEMPOTENT: bool = true;
    fn write_params(&self, params: &mut Params) {
        params.insert("FuzzyName", "a b*~");
    }
}

const REJECT: &str = "RejectJoinPermissionAuthOrder";
const COUNT: &str = "CountNodeGroups";

fn ok_reject(_: &MockRequest) -> MockResponse {
    MockResponse::ok(json!({ "Success": true }))
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_base_backoff(Duration::from_millis(2))
        .with_max_backoff(Duration::from_millis(20))
}

fn client_for(server: &MockServer, creds: Credentials) -> Client {
    Client::builder()
        .endpoint(server.endpoint())
        .credentials(creds)
        .retry_policy(fast_retries())
        .build()
        .expect("client")
}

fn client(server: &MockServer) -> Client {
    client_for(server, Credentials::new(ID, SECRET))
}

/// Every rendering of `err` is free of the AccessKey ID, the secret and the token.
fn assert_no_secrets(err: &Error) {
    let shown = format!("{err} | {err:?} | {err:#?}");
    for secret in [ID, SECRET, TOKEN, "client%2Ftest"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

/// A handler that answers `first` `n` times, then `then`.
fn sequence(
    n: usize,
    first: impl Fn() -> MockResponse + Send + Sync + 'static,
    then: impl Fn() -> MockResponse + Send + Sync + 'static,
) -> impl Fn(&MockRequest) -> MockResponse + Send + Sync + 'static {
    let seen = AtomicUsize::new(0);
    move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) < n {
            first()
        } else {
            then()
        }
    }
}

#[tokio::test]
async fn success_post_and_get() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(REJECT, |req| {
            assert_eq!(req.param("OrderId"), Some("123"));
            MockResponse::ok(json!({ "RequestId": "89EF", "Success": true }))
        })
        .handler(COUNT, |req| {
            assert_eq!(req.param("FuzzyName"), Some("a b*~"));
            MockResponse::ok(json!({ "Data": "1234" }))
        })
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .region_id("cn-shanghai")
        .user_agent("fleet-tool/2")
        .build()
        .unwrap();
    let resp = client.call(&Reject { order_id: "123" }).await.unwrap();
    assert_eq!(resp.request_id, "89EF");
    assert!(resp.success);
    assert_eq!(client.call(&Count).await.unwrap().data, 1234);

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let (post, get) = (&reqs[0], &reqs[1]);
    assert_eq!(post.verified, Ok(()));
    assert_eq!(get.verified, Ok(()));
    assert_eq!((post.method.as_str(), get.method.as_str()), ("POST", "GET"));
    for (k, v) in [
        ("Format", "JSON"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("RegionId", "cn-shanghai"),
        ("Version", "2018-12-30"),
        ("AccessKeyId", ID),
    ] {
        assert_eq!(post.param(k), Some(v), "{k}");
    }
    assert_eq!(post.param("SecurityToken"), None);
    assert_eq!(
        post.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    let ua = post.headers["user-agent"].to_str().unwrap();
    assert!(
        ua.starts_with("linkwan-runtime/") && ua.ends_with(" fleet-tool/2"),
        "{ua}"
    );
    assert_eq!(post.headers["accept"], "application/json");
    // Keep-alive: both calls used one pooled connection.
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn every_seed_code_maps_and_is_not_retried() {
    const SEED: [(&str, ErrorCode); 8] = [
        ("ForbiddenByRam", ErrorCode::ForbiddenByRam),
        ("ForbiddenByRiskControl", ErrorCode::ForbiddenByRiskControl),
        ("NonExistent", ErrorCode::NonExistent),
        (
            "CloudProductNotActivated",
            ErrorCode::CloudProductNotActivated,
        ),
        ("InternalError", ErrorCode::InternalError),
        ("FeatureNotActivated", ErrorCode::FeatureNotActivated),
        ("NotResourceOwner", ErrorCode::NotResourceOwner),
        (
            "IllegalOrderStateTransition",
            ErrorCode::IllegalOrderStateTransition,
        ),
    ];
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(REJECT, |req| {
            let code = req.param("OrderId").unwrap_or("NonExistent").to_owned();
            MockResponse::error(400, &code, &format!("message for {code}"))
        })
        .start()
        .await
        .unwrap();
    let client = client(&server);
    for (code, expect) in SEED {
        server.clear_requests();
        let err = client
            .call(&Reject { order_id: code })
            .await
            .expect_err(code);
        let se = err.as_service().expect("a service error");
        assert_eq!(se.code, expect);
        assert_eq!(se.status, 400);
        assert_eq!(se.message, format!("message for {code}"));
        assert_eq!(se.host_id(), Some("127.0.0.1"));
        assert!(se.recommend().is_some());
        let rid = err.request_id().expect("request id").to_owned();
        assert_eq!(
            err.to_string(),
            format!("{code}: message for {code} (RequestId: {rid})")
        );
        // A non-idempotent action is never repeated on these (InternalError included).
        assert_eq!(server.requests().len(), 1, "{code}");
        assert_no_secrets(&err);
    }
}

#[tokio::test]
async fn internal_error_is_retried_for_idempotent_actions() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(
            COUNT,
            sequence(
                1,
                || MockResponse::error(400, "InternalError", "boom"),
                || MockResponse::ok(json!({ "Data": 7 })),
            ),
        )
        .start()
        .await
        .unwrap();
    assert_eq!(client(&server).call(&Count).await.unwrap().data, 7);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn wrong_secret_is_diagnosed() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(REJECT, ok_reject)
        .start()
        .await
        .unwrap();
    let client = client_for(&server, Credentials::new(ID, "not-the-secret"));
    let err = client.call(&Reject { order_id: "123" }).await.unwrap_err();
    let se = err.as_service().unwrap();
    assert_eq!(se.code, ErrorCode::SignatureDoesNotMatch);
    assert_eq!(
        se.signature_mismatch(),
        Some(&SignatureMismatch::SecretWrong)
    );
    let shown = err.to_string();
    assert!(
        shown.contains("the strings to sign match, so the AccessKey secret is wrong"),
        "{shown}"
    );
    assert!(!shown.contains("not-the-secret"));
    assert_no_secrets(&err);
    // Never retried.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn sts_token_is_sent() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET).with_security_token(TOKEN))
        .handler(REJECT, ok_reject)
        .start()
        .await
        .unwrap();
    let with_token = client_for(
        &server,
        Credentials::new(ID, SECRET).with_security_token(TOKEN),
    );
    assert!(
        with_token
            .call(&Reject { order_id: "1" })
            .await
            .unwrap()
            .success
    );
    assert_eq!(server.requests()[0].param("SecurityToken"), Some(TOKEN));

    let without = client_for(&server, Credentials::new(ID, SECRET));
    let err = without.call(&Reject { order_id: "1" }).await.unwrap_err();
    assert_eq!(
        err.code(),
        Some(&ErrorCode::InvalidSecurityTokenMismatchWithAccessKey)
    );
    assert_no_secrets(&err);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_client() {
    const CALLS: usize = 2000;
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(REJECT, ok_reject)
        .start()
        .await
        .unwrap();
    let client = client(&server);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CALLS {
        let client = client.clone();
        tasks.spawn(async move { client.call(&Reject { order_id: "1" }).await });
    }
    let mut ok = 0;
    while let Some(res) = tasks.join_next().await {
        assert!(res.unwrap().unwrap().success);
        ok += 1;
    }
    assert_eq!(ok, CALLS);
    let reqs = server.requests();
    // No nonce collision: the server would have answered SignatureNonceUsed and nothing
    // was retried.
    assert_eq!(reqs.len(), CALLS);
    let nonces: HashSet<_> = reqs
        .iter()
        .map(|r| r.param("SignatureNonce").unwrap().to_owned())
        .collect();
    assert_eq!(nonces.len(), CALLS);
    assert!(server.connections() <= CALLS);
}

#[tokio::test]
async fn throttled_twice_then_success_with_fresh_nonces() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(
            REJECT,
            sequence(
                2,
                || {
                    MockResponse::error(
                        400,
                        "Throttling.User",
                        "Request was denied due to user flow control.",
                    )
                },
                || MockResponse::ok(json!({ "Success": true })),
            ),
        )
        .start()
        .await
        .unwrap();
    let resp = client(&server)
        .call(&Reject { order_id: "1" })
        .await
        .unwrap();
    assert!(resp.success);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs.iter().all(|r| r.verified.is_ok()));
    let nonces: HashSet<_> = reqs.iter().map(|r| r.param("SignatureNonce")).collect();
    assert_eq!(nonces.len(), 3);
}

#[tokio::test]
async fn endless_throttling_stops_after_max_attempts() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(REJECT, |_| {
            MockResponse::error(400, "Throttling", "Request was denied due to flow control.")
        })
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .retry_policy(fast_retries().with_max_attempts(4))
        .build()
        .unwrap();
    let err = client.call(&Reject { order_id: "1" }).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::Throttling));
    assert_eq!(server.requests().len(), 4);

    // Disabled: one attempt.
    server.clear_requests();
    let once = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = once.call(&Reject { order_id: "1" }).await.unwrap_err();
    assert!(err.code().unwrap().is_throttling());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retry_after_header_sets_the_delay() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(
            REJECT,
            sequence(
                1,
                || {
                    MockResponse::error(400, "Throttling.Api", "slow down")
                        .with_header("x-acs-retry-after", "150")
                },
                || MockResponse::ok(json!({ "Success": true })),
            ),
        )
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .retry_policy(fast_retries().with_max_backoff(Duration::from_secs(1)))
        .build()
        .unwrap();
    let start = Instant::now();
    client.call(&Reject { order_id: "1" }).await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(150),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn gateway_503_then_success() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(
            REJECT,
            sequence(
                1,
                || {
                    MockResponse::raw(
                        503,
                        "text/html",
                        "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
                    )
                },
                || MockResponse::ok(json!({ "Success": true })),
            ),
        )
        .start()
        .await
        .unwrap();
    assert!(
        client(&server)
            .call(&Reject { order_id: "1" })
            .await
            .unwrap()
            .success
    );
    assert_eq!(server.requests().len(), 2);

    // Without retries, the page is reported with its status and a bounded snippet.
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(REJECT, |_| {
            MockResponse::raw(502, "text/html", "<html>".repeat(200))
                .with_header("x-acs-request-id", "gw-1")
        })
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.call(&Reject { order_id: "1" }).await.unwrap_err();
    match &err {
        Error::UnexpectedResponse {
            status, snippet, ..
        } => {
            assert_eq!(*status, 502);
            assert!(snippet.starts_with("<html>") && snippet.chars().count() <= 257);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.request_id(), Some("gw-1"), "from x-acs-request-id");
}

#[tokio::test]
async fn undecodable_success_body() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(REJECT, |_| {
            MockResponse::ok(json!({ "Success": "perhaps" }))
        })
        .start()
        .await
        .unwrap();
    let err = client(&server)
        .call(&Reject { order_id: "1" })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
    assert!(err.request_id().is_some());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn stalled_server_honours_the_deadline() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(REJECT, |_| MockResponse::stall())
        .handler(COUNT, |_| {
            MockResponse::stall_body(200, "application/json", "{\"Data\":")
        })
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .retry_policy(fast_retries())
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();

    // No answer at all: the whole-call deadline ends it.
    let start = Instant::now();
    let err = client.call(&Reject { order_id: "1" }).await.unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(err, Error::Timeout { kind: TimeoutKind::Deadline, after } if after == Duration::from_millis(400)),
        "{err:?}"
    );
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert_eq!(server.requests().len(), 1, "not idempotent: one attempt");

    // Headers, then a stalled body; the idempotent action is retried until the deadline.
    let start = Instant::now();
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .retry_policy(fast_retries().with_max_attempts(10))
        .attempt_timeout(Duration::from_millis(150))
        .timeout(Duration::from_millis(700))
        .build()
        .unwrap();
    server.clear_requests();
    let err = client.call(&Count).await.unwrap_err();
    let took = start.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    let attempts = server.requests().len();
    assert!((2..10).contains(&attempts), "{attempts}");

    // Per-attempt timeout alone, non-idempotent: one attempt, an Attempt timeout.
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .attempt_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    server.clear_requests();
    let err = client.call(&Reject { order_id: "1" }).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: TimeoutKind::Attempt,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);
    assert_no_secrets(&err);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(REJECT, |req| {
            MockResponse::huge(200, 64 << 20, req.param("OrderId") == Some("declared"))
        })
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .max_response_body(1 << 20)
        .build()
        .unwrap();
    let err = client
        .call(&Reject {
            order_id: "declared",
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1_048_576, content_length: Some(n) } if n == 64 << 20),
        "{err:?}"
    );
    let err = client
        .call(&Reject {
            order_id: "chunked",
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::BodyTooLarge {
                limit: 1_048_576,
                content_length: None
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 2, "never retried");
}

#[tokio::test]
async fn clock_skew_is_corrected_once_and_remembered() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .clock_offset(3600)
        .handler(REJECT, ok_reject)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    assert!(
        client
            .call(&Reject { order_id: "1" })
            .await
            .unwrap()
            .success
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].verified, Err("InvalidTimeStamp.Expired".to_owned()));
    assert_eq!(reqs[1].verified, Ok(()));
    assert!((3598..=3602).contains(&client.clock_offset_secs()));
    // Later calls use the correction straight away.
    assert!(
        client
            .call(&Reject { order_id: "1" })
            .await
            .unwrap()
            .success
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn expired_timestamp_with_agreeing_clocks_is_not_retried() {
    // The handler claims Expired while the server's Date agrees with ours: correcting the
    // clock would change nothing, so the call fails at once and says why.
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(REJECT, |_| {
            MockResponse::error(
                400,
                "InvalidTimeStamp.Expired",
                "Specified time stamp or date value is expired.",
            )
        })
        .start()
        .await
        .unwrap();
    let client = client(&server);
    let err = client.call(&Reject { order_id: "1" }).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidTimeStampExpired));
    assert_eq!(server.requests().len(), 1);
    assert_eq!(client.clock_offset_secs(), 0);
    let shown = err.to_string();
    assert!(shown.contains("local clock agrees"), "{shown}");
    assert_no_secrets(&err);
}

#[tokio::test]
async fn a_server_clock_behind_is_corrected_too() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .clock_offset(-7200)
        .handler(REJECT, ok_reject)
        .start()
        .await
        .unwrap();
    let client = client(&server);
    assert!(
        client
            .call(&Reject { order_id: "1" })
            .await
            .unwrap()
            .success
    );
    assert!((-7202..=-7198).contains(&client.clock_offset_secs()));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn reset_connections() {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(REJECT, |_| MockResponse::reset())
        .handler(
            COUNT,
            sequence(1, MockResponse::reset, || {
                MockResponse::ok(json!({ "Data": 3 }))
            }),
        )
        .start()
        .await
        .unwrap();
    let client = client(&server);
    // The request was sent, maybe processed: not repeated for a non-idempotent action.
    let err = client.call(&Reject { order_id: "1" }).await.unwrap_err();
    match &err {
        Error::Transport(t) => assert!(t.request_may_have_been_sent()),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
    assert_no_secrets(&err);
    // Idempotent: retried.
    assert_eq!(client.call(&Count).await.unwrap().data, 3);
}

#[tokio::test]
async fn unknown_key_and_errors_carry_no_secret() {
    let server = MockServer::builder()
        .credentials(Credentials::new("other-id", "other-secret"))
        .handler(REJECT, ok_reject)
        .start()
        .await
        .unwrap();
    let client = client_for(
        &server,
        Credentials::new(ID, SECRET).with_security_token(TOKEN),
    );
    let err = client.call(&Reject { order_id: "1" }).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidAccessKeyIdNotFound));
    assert_eq!(err.status(), Some(404));
    assert_no_secrets(&err);
    assert_no_secrets(&Error::Config(format!("{client:?}")));
}

#[tokio::test]
async fn refused_connection_is_retried_then_reported() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .credentials(Credentials::new(ID, SECRET))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let err = client.call(&Reject { order_id: "1" }).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.is_connect()),
        "{err:?}"
    );
    assert_no_secrets(&err);
}
