//! Fault injection: gateway pages, truncated and empty bodies, stalls before the headers
//! and mid-body, connections reset mid-body, broken status lines and headers, a huge
//! `x-acs-retry-after`, error bodies answered with 200.
//!
//! The signature-verifying mock server scripts most faults; what it cannot send (a body
//! cut by a reset, a garbage status line) comes from [`RawServer`], a few lines of TCP.
//! (`tests/client.rs` covers the basic cases: 503 then success, a stalled server against
//! the deadline, a reset before any answer, oversized bodies; `tests/huge_body.rs` bounds
//! the memory a 64 MiB answer costs.)
#![cfg(feature = "test-util")]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use linkwan_runtime::test_util::{MockResponse, MockServer};
use linkwan_runtime::{Client, ClientBuilder, Error, ErrorCode, RetryPolicy};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};

mod support;
use support::{
    assert_no_secrets, attempt_timed_out, count, creds, distinct_nonces, fast_retries, first_then,
    ok_count, ok_reject, serve, Reject, COUNT, REJECT,
};

/// Errors are one line a log can hold: this long at most.
const MAX_SHOWN: usize = 600;

/// The seed page's example order.
const SEED: Reject<'static> = Reject { order_id: "123" };

/// The shared builder with a bound on each attempt, so that no fault hangs a test.
fn builder(endpoint: impl Into<String>) -> ClientBuilder {
    support::builder(endpoint, creds()).attempt_timeout(Duration::from_secs(5))
}

fn client(server: &MockServer) -> Client {
    builder(server.endpoint()).build().expect("client")
}

/// The error's `Display` is short and free of credentials.
#[track_caller]
fn assert_presentable(err: &Error) {
    let shown = err.to_string();
    assert!(shown.len() <= MAX_SHOWN, "{} bytes: {shown}", shown.len());
    assert_no_secrets("presentable", err);
}

/// A gateway's error page, some 20 KB of HTML.
fn gateway_page(status: u16) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>{status} Bad Gateway</title></head><body><h1>{status} Bad Gateway</h1>{}</body></html>",
        "<p>The upstream server did not answer in time. Please retry later.</p>".repeat(300)
    )
}

/// A server that answers `action` with a gateway's `status` page twice, then `then()`.
async fn gateway_page_twice(
    action: &str,
    status: u16,
    then: impl Fn() -> MockResponse + Send + Sync + 'static,
) -> MockServer {
    let page = move |_| MockResponse::raw(status, "text/html", gateway_page(status));
    serve(action, first_then(2, page, then)).await
}

/// The server saw three attempts, each signed afresh, and every signature valid.
#[track_caller]
fn three_attempts_signed_afresh(server: &MockServer) {
    assert_eq!(server.requests().len(), 3);
    assert_eq!(distinct_nonces(server), 3, "each attempt signed afresh");
    assert!(server.requests().iter().all(|r| r.verified.is_ok()));
}

/// A client for `server` whose policy leaves HTTP 500, 502 and 504 to idempotent actions.
fn cautious(server: &MockServer) -> Client {
    builder(server.endpoint())
        .retry_policy(fast_retries().with_non_idempotent_5xx_retries(false))
        .build()
        .unwrap()
}

#[tokio::test]
async fn html_502_then_success_via_retry() {
    // Idempotent: a gateway's 502 is retried, each attempt signed afresh.
    let server = gateway_page_twice(COUNT, 502, ok_count).await;
    assert_eq!(client(&server).call(&count()).await.unwrap().data, 42);
    three_attempts_signed_afresh(&server);

    // Not idempotent: repeated too by default (HTTP 500/502/503/504 are, for every
    // action).
    let server = gateway_page_twice(REJECT, 502, ok_reject).await;
    assert!(client(&server).call(&SEED).await.unwrap().success);
    three_attempts_signed_afresh(&server);

    // A policy that leaves 5xx to idempotent actions reports it instead: the 502 may
    // follow a request the service processed (its answer lost on the way back).
    let server = gateway_page_twice(REJECT, 502, ok_reject).await;
    let err = cautious(&server).call(&SEED).await.unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedResponse { status: 502, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);

    // A 503 page turned the request away before the service saw it: repeated for any
    // action, under either policy.
    let server = gateway_page_twice(REJECT, 503, ok_reject).await;
    assert!(client(&server).call(&SEED).await.unwrap().success);
    three_attempts_signed_afresh(&server);
    let server = gateway_page_twice(REJECT, 503, ok_reject).await;
    assert!(cautious(&server).call(&SEED).await.unwrap().success);
    three_attempts_signed_afresh(&server);
}

#[tokio::test]
async fn persistent_html_502_is_reported_with_a_short_snippet() {
    // The idempotent action, which a 502 is retried for.
    let server = serve(COUNT, |_| {
        MockResponse::raw(502, "text/html; charset=utf-8", gateway_page(502))
    })
    .await;
    let client = builder(server.endpoint())
        .retry_policy(fast_retries().with_max_attempts(4))
        .build()
        .unwrap();
    let err = client.call(&count()).await.unwrap_err();
    match &err {
        Error::UnexpectedResponse {
            status,
            snippet,
            request_id,
        } => {
            assert_eq!(*status, 502);
            assert!(snippet.starts_with("<!DOCTYPE html><html>"), "{snippet}");
            assert!(snippet.ends_with('…'), "cut: {snippet}");
            assert!(snippet.chars().count() <= 257, "{snippet}");
            assert_eq!(*request_id, None);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.code(), None);
    assert_eq!(server.requests().len(), 4, "every attempt used");
    assert_presentable(&err);
}

const TRUNCATED_ERROR: &str =
    r#"{"RequestId":"8E0F4B25-AAAA","HostId":"linkwan.cn-shanghai.aliyuncs.com","Code":"NonExis"#;

#[tokio::test]
async fn truncated_json_error_bodies() {
    // (status, attempts) for the non-idempotent action: a 4xx is final; a 500 and a 503
    // are retried (the truncated body names no code that would say otherwise).
    for (status, attempts) in [(400, 1), (404, 1), (500, 3), (503, 3)] {
        let server = serve(REJECT, move |_| {
            MockResponse::raw(status, "application/json;charset=utf-8", TRUNCATED_ERROR)
                .with_header("x-acs-request-id", "hdr-7")
        })
        .await;
        let err = client(&server).call(&SEED).await.unwrap_err();
        match &err {
            Error::UnexpectedResponse {
                status: s,
                snippet,
                request_id,
            } => {
                assert_eq!(*s, status);
                assert_eq!(snippet, TRUNCATED_ERROR, "short bodies are shown whole");
                assert_eq!(request_id.as_deref(), Some("hdr-7"));
            }
            other => panic!("{status}: {other:?}"),
        }
        assert_eq!(server.requests().len(), attempts, "{status}");
        assert_presentable(&err);
    }
}

#[tokio::test]
async fn truncated_json_success_body_is_a_decode_error_never_retried() {
    let body = r#"{"RequestId":"r-1","Data":12"#;
    let server = serve(COUNT, move |_| {
        MockResponse::raw(200, "application/json", body).with_header("x-acs-request-id", "hdr-1")
    })
    .await;
    let err = client(&server).call(&count()).await.unwrap_err();
    match &err {
        Error::Decode {
            status,
            message,
            snippet,
            request_id,
        } => {
            assert_eq!(*status, 200);
            assert!(message.contains("EOF"), "{message}");
            assert_eq!(snippet, body);
            // The truncated body yields no RequestId: the header's is used.
            assert_eq!(request_id.as_deref(), Some("hdr-1"));
        }
        other => panic!("{other:?}"),
    }
    // Idempotent, but an undecodable 200 is not a transient failure.
    assert_eq!(server.requests().len(), 1);
    assert_presentable(&err);
}

#[tokio::test]
async fn empty_bodies() {
    // 200, empty: a decode error.
    let server = serve(REJECT, |_| MockResponse::raw(200, "application/json", "")).await;
    let err = client(&server).call(&SEED).await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode { status: 200, snippet, message, .. } if snippet.is_empty() && message.contains("EOF")),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);

    // 400, empty: unexpected, final.
    let server = serve(REJECT, |_| MockResponse::raw(400, "text/plain", "")).await;
    let err = client(&server).call(&SEED).await.unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedResponse { status: 400, snippet, .. } if snippet.is_empty()),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "unexpected HTTP 400 response (body: \"\")");
    assert_eq!(server.requests().len(), 1);

    // 503, empty, twice: retried, then the call succeeds.
    let server = serve(
        REJECT,
        first_then(2, |_| MockResponse::raw(503, "text/plain", ""), ok_reject),
    )
    .await;
    assert!(client(&server).call(&SEED).await.unwrap().success);
    assert_eq!(server.requests().len(), 3);

    // 504, empty, always: reported after the last attempt, for either action.
    let server = serve(COUNT, |_| MockResponse::raw(504, "text/plain", "")).await;
    let err = client(&server).call(&count()).await.unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedResponse { status: 504, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 3);
    let server = serve(REJECT, |_| MockResponse::raw(504, "text/plain", "")).await;
    let err = client(&server).call(&SEED).await.unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedResponse { status: 504, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_captive_portal_page_with_200_is_a_decode_error() {
    let server = serve(COUNT, |_| {
        MockResponse::raw(200, "text/html", gateway_page(200))
    })
    .await;
    let err = client(&server).call(&count()).await.unwrap_err();
    match &err {
        Error::Decode {
            status, snippet, ..
        } => {
            assert_eq!(*status, 200);
            assert!(snippet.starts_with("<!DOCTYPE html>") && snippet.ends_with('…'));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
    assert_presentable(&err);
}

#[tokio::test]
async fn stall_before_headers_idempotent_is_retried_per_attempt() {
    let server = serve(COUNT, |_| MockResponse::stall()).await;
    let attempt = Duration::from_millis(100);

    // No deadline: each attempt times out, all are used, the last timeout is reported.
    let client = builder(server.endpoint())
        .attempt_timeout(attempt)
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.call(&count()).await.unwrap_err();
    let took = start.elapsed();
    assert_eq!(attempt_timed_out(&err), Some(attempt), "{err:?}");
    assert_eq!(server.requests().len(), 3);
    assert!(took >= 3 * attempt, "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_presentable(&err);

    // With a deadline shorter than the attempts would take: stopped by it.
    server.clear_requests();
    let deadline = Duration::from_millis(450);
    let client = builder(server.endpoint())
        .retry_policy(fast_retries().with_max_attempts(50))
        .attempt_timeout(attempt)
        .timeout(deadline)
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.call(&count()).await.unwrap_err();
    let took = start.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    // It may stop up to one back-off (20 ms) early rather than sleep past the deadline.
    assert!(took >= deadline - Duration::from_millis(60), "{took:?}");
    assert!(took < deadline + Duration::from_secs(2), "{took:?}");
    let attempts = server.requests().len();
    assert!((3..=5).contains(&attempts), "{attempts} attempts");
}

#[tokio::test]
async fn stall_mid_body_non_idempotent_is_one_attempt() {
    let server = serve(REJECT, |_| {
        MockResponse::stall_body(200, "application/json", r#"{"RequestId":"r","Succ"#)
    })
    .await;
    let attempt = Duration::from_millis(150);
    let client = builder(server.endpoint())
        .attempt_timeout(attempt)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.call(&SEED).await.unwrap_err();
    let took = start.elapsed();
    assert_eq!(attempt_timed_out(&err), Some(attempt), "{err:?}");
    assert_eq!(
        server.requests().len(),
        1,
        "the request may have been processed"
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn a_slow_first_answer_is_abandoned_and_retried_when_idempotent() {
    let slow = |_| ok_count().with_delay(Duration::from_secs(5));
    let server = serve(COUNT, first_then(1, slow, ok_count)).await;
    let client = builder(server.endpoint())
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let start = Instant::now();
    assert_eq!(client.call(&count()).await.unwrap().data, 42);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.requests().len(), 2);
    assert_eq!(distinct_nonces(&server), 2);

    // The same for the non-idempotent action: one attempt, then the timeout.
    let server = serve(
        REJECT,
        first_then(
            1,
            |_| ok_reject().with_delay(Duration::from_secs(5)),
            ok_reject,
        ),
    )
    .await;
    let client = builder(server.endpoint())
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client.call(&SEED).await.unwrap_err();
    assert!(attempt_timed_out(&err).is_some(), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn huge_retry_after_is_clamped_to_max_backoff() {
    for retry_after in [
        "86400000",                // a day
        "18446744073709551615",    // u64::MAX ms
        "99999999999999999999999", // not a u64: ignored, the back-off applies
        "-1",                      // ignored
    ] {
        let server = serve(
            REJECT,
            first_then(
                1,
                move |_| {
                    MockResponse::error(
                        400,
                        "Throttling.User",
                        "Request was denied due to user flow control.",
                    )
                    .with_header("x-acs-retry-after", retry_after)
                },
                ok_reject,
            ),
        )
        .await;
        // A whole-call deadline far beyond the clamped wait: were the wait not clamped,
        // the call would end in an error at once instead of sleeping for a day.
        let client = builder(server.endpoint())
            .retry_policy(fast_retries().with_max_backoff(Duration::from_millis(50)))
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let start = Instant::now();
        assert!(client.call(&SEED).await.unwrap().success, "{retry_after}");
        let took = start.elapsed();
        assert!(took < Duration::from_secs(2), "{retry_after}: {took:?}");
        assert_eq!(server.requests().len(), 2, "{retry_after}");
    }

    // A wait that would pass the call's deadline is not taken: the throttling error is
    // reported at once.
    let server = serve(REJECT, |_| {
        MockResponse::error(400, "Throttling.Api", "slow down")
            .with_header("x-acs-retry-after", "10000")
    })
    .await;
    let client = builder(server.endpoint())
        .retry_policy(RetryPolicy::default().with_max_backoff(Duration::from_secs(5)))
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.call(&SEED).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::ThrottlingApi));
    assert!(
        start.elapsed() < Duration::from_millis(450),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_wait_reaching_the_deadline_is_not_taken() {
    // The server asks for a wait as long as the whole call's deadline: whatever the first
    // attempt took, waking would be past the deadline, so the call ends at once with the
    // throttling error (one attempt), never by sleeping into a deadline timeout. The
    // error's kind tells the two apart; no clock is read.
    let deadline = Duration::from_secs(3);
    let server = serve(REJECT, move |_| {
        MockResponse::error(400, "Throttling.Api", "slow down")
            .with_header("x-acs-retry-after", &deadline.as_millis().to_string())
    })
    .await;
    let client = builder(server.endpoint())
        .retry_policy(RetryPolicy::default().with_max_backoff(Duration::from_secs(60)))
        .timeout(deadline)
        .build()
        .unwrap();
    let err = client.call(&SEED).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::ThrottlingApi), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn error_bodies_answered_with_200() {
    // The response type cannot take it, and it has a Code: a service error, final.
    let server = serve(REJECT, |_| {
        MockResponse::json(
            200,
            json!({ "RequestId": "r-200", "Code": "NonExistent", "Message": "The specified resource does not exist." }),
        )
    })
    .await;
    let err = client(&server).call(&SEED).await.unwrap_err();
    let se = err.as_service().expect("a service error");
    assert_eq!(se.code, ErrorCode::NonExistent);
    assert_eq!(se.status, 200);
    assert_eq!(se.request_id(), Some("r-200"));
    assert_eq!(server.requests().len(), 1);

    // Lower-case keys, a throttling code: retried like any throttling.
    let server = serve(
        REJECT,
        first_then(
            1,
            |_| {
                MockResponse::json(
                    200,
                    json!({ "code": "Throttling.User", "message": "slow down" }),
                )
            },
            ok_reject,
        ),
    )
    .await;
    assert!(client(&server).call(&SEED).await.unwrap().success);
    assert_eq!(server.requests().len(), 2);
}

// ---------------------------------------------------------------------------------------
// What the mock server cannot send: a raw HTTP/1.1 server.

/// How [`RawServer`] ends an answer.
#[derive(Clone, Copy, Debug)]
enum Then {
    /// Keep the connection for the next request.
    KeepAlive,
    /// Close it (FIN).
    Close,
    /// Reset it (RST: `SO_LINGER` 0).
    Reset,
}

/// A loopback server that reads each request (head and `Content-Length` body) and writes
/// the bytes `script(n)` gives for the `n`-th request, as they are.
struct RawServer {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RawServer {
    async fn start(script: impl Fn(usize) -> (Vec<u8>, Then) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let requests = Arc::new(AtomicUsize::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let script = Arc::new(script);
        let (reqs, conns) = (requests.clone(), connections.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                conns.fetch_add(1, Ordering::SeqCst);
                let (script, reqs) = (script.clone(), reqs.clone());
                tokio::spawn(async move {
                    let _ = serve_raw(stream, &*script, &reqs).await;
                });
            }
        });
        RawServer {
            addr,
            requests,
            connections,
            task,
        }
    }

    fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn serve_raw(
    stream: TcpStream,
    script: &(dyn Fn(usize) -> (Vec<u8>, Then) + Send + Sync),
    requests: &AtomicUsize,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    loop {
        // The head.
        let head_end = loop {
            if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            if read_some(&stream, &mut buf).await? == 0 {
                return Ok(());
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let body_len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + body_len {
            if read_some(&stream, &mut buf).await? == 0 {
                return Ok(());
            }
        }
        buf.drain(..head_end + body_len);
        let (answer, then) = script(requests.fetch_add(1, Ordering::SeqCst));
        write_all(&stream, &answer).await?;
        match then {
            Then::KeepAlive => continue,
            // Everything sent was read: closing sends a FIN.
            Then::Close => return Ok(()),
            Then::Reset => return stream.set_zero_linger(),
        }
    }
}

/// Appends what the socket has to `buf` (tokio's `io-util` is not enabled here).
async fn read_some(stream: &TcpStream, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut chunk = [0u8; 4096];
    loop {
        stream.readable().await?;
        match stream.try_read(&mut chunk) {
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                return Ok(n);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
}

async fn write_all(stream: &TcpStream, mut data: &[u8]) -> std::io::Result<()> {
    while !data.is_empty() {
        stream.writable().await?;
        match stream.try_write(data) {
            Ok(n) => data = &data[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn ok_count_bytes() -> Vec<u8> {
    let body = r#"{"RequestId":"raw-ok","Data":42}"#;
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Headers announcing 200 bytes, then 20 of them.
const CUT_WITH_LENGTH: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"RequestId\":\"raw\",\"";
/// A chunked body cut inside its second chunk.
const CUT_CHUNKED: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"RequestId\":\"r\"\r\n40\r\n,\"Data\":";

#[tokio::test]
async fn connection_reset_mid_body() {
    for (cut, then) in [
        (CUT_WITH_LENGTH, Then::Reset),
        (CUT_CHUNKED, Then::Reset),
        (CUT_WITH_LENGTH, Then::Close),
        (CUT_CHUNKED, Then::Close),
    ] {
        // Non-idempotent: the request was sent, maybe processed: one attempt.
        let server = RawServer::start(move |_| (cut.to_vec(), then)).await;
        let client = builder(server.endpoint()).build().unwrap();
        let err = client.call(&SEED).await.unwrap_err();
        match &err {
            Error::Transport(t) => {
                assert!(t.request_may_have_been_sent(), "{then:?}: {err:?}");
                assert!(!t.is_connect());
            }
            other => panic!("{then:?}: {other:?}"),
        }
        assert!(std::error::Error::source(&err).is_some());
        assert_eq!(server.requests(), 1, "{then:?}");
        assert_presentable(&err);

        // Idempotent: retried on a fresh connection, and the retry succeeds.
        let server = RawServer::start(move |n| match n {
            0 => (cut.to_vec(), then),
            _ => (ok_count_bytes(), Then::KeepAlive),
        })
        .await;
        let client = builder(server.endpoint()).build().unwrap();
        assert_eq!(client.call(&count()).await.unwrap().data, 42, "{then:?}");
        assert_eq!(server.requests(), 2);
        assert_eq!(server.connections(), 2);
    }
}

#[tokio::test]
async fn an_error_answer_cut_mid_body_is_retried_as_its_status_is() {
    // The status line arrived, then the connection broke inside the body. A 429 or 503
    // was turned away before processing, whatever its body would have said: retried for
    // every action, as the retry table says, and reported with its status. A 4xx that
    // is not 429 may have held a permanent code: the non-idempotent action is not
    // repeated (the idempotent one is, as after any answer lost mid-way).
    let cut = |status: u16| {
        format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nx-acs-request-id: \
             R-cut\r\nContent-Length: 200\r\n\r\n{{\"RequestId\":\"R-cut\",\"Code\":\"Serv"
        )
        .into_bytes()
    };
    let ok_reject_bytes = || {
        let body = r#"{"RequestId":"raw-ok","Success":true}"#;
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    };
    for status in [429, 503] {
        for then in [Then::Close, Then::Reset] {
            // Cut twice, then an answer: three attempts of the non-idempotent action.
            let server = RawServer::start(move |n| match n {
                0 | 1 => (cut(status), then),
                _ => (ok_reject_bytes(), Then::KeepAlive),
            })
            .await;
            let client = builder(server.endpoint()).build().unwrap();
            let got = client.call(&SEED).await;
            assert!(got.is_ok(), "{status} {then:?}: {got:?}");
            assert_eq!(server.requests(), 3, "{status} {then:?}");

            // Cut every time: the last one is reported with its status and request id.
            let server = RawServer::start(move |_| (cut(status), then)).await;
            let client = builder(server.endpoint()).build().unwrap();
            let err = client.call(&SEED).await.unwrap_err();
            assert_eq!(err.status(), Some(status), "{then:?}: {err:?}");
            assert_eq!(err.request_id(), Some("R-cut"), "{err:?}");
            assert!(
                matches!(&err, Error::UnexpectedResponse { snippet, .. } if snippet.ends_with('…')),
                "{err:?}"
            );
            assert_eq!(server.requests(), 3, "{status} {then:?}");
            assert_presentable(&err);
        }
    }
    // A 400 cut mid-body (a Throttling or an IllegalOrderStateTransition?): one attempt
    // of the non-idempotent action, retried for the idempotent one.
    let server = RawServer::start(move |_| (cut(400), Then::Close)).await;
    let client = builder(server.endpoint()).build().unwrap();
    let err = client.call(&SEED).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if !t.is_connect()),
        "{err:?}"
    );
    assert_eq!(server.requests(), 1);
    let err = client.call(&count()).await.unwrap_err();
    assert!(matches!(&err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.requests(), 4);
}

#[tokio::test]
async fn chunked_answers_are_read_whole() {
    // The answer in several chunks (several body frames), within the limit and past it.
    const PIECES: [&str; 4] = [r#"{"Request"#, r#"Id":"r-chunked","#, r#""Data""#, ":42}"];
    let chunked = |pieces: &[&str]| {
        let mut out =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                .to_vec();
        for piece in pieces {
            out.extend_from_slice(format!("{:x}\r\n{piece}\r\n", piece.len()).as_bytes());
        }
        out.extend_from_slice(b"0\r\n\r\n");
        out
    };
    let answer = chunked(&PIECES);
    let server = RawServer::start(move |_| (answer.clone(), Then::KeepAlive)).await;
    let client = builder(server.endpoint()).build().unwrap();
    assert_eq!(client.call(&count()).await.unwrap().data, 42);

    // The same answer is 35 bytes: a limit of 34 refuses it (its last chunk crosses it).
    let total: usize = PIECES.iter().map(|p| p.len()).sum();
    assert_eq!(total, 35);
    let client = builder(server.endpoint())
        .max_response_body(total - 1)
        .build()
        .unwrap();
    match client.call(&count()).await.unwrap_err() {
        Error::BodyTooLarge {
            limit,
            content_length: None,
        } => assert_eq!(limit, total - 1),
        other => panic!("{other:?}"),
    }
    let client = builder(server.endpoint())
        .max_response_body(total)
        .build()
        .unwrap();
    assert_eq!(client.call(&count()).await.unwrap().data, 42);
}

#[tokio::test]
async fn garbage_status_lines_and_headers() {
    let cases: [&[u8]; 8] = [
        b"GARBAGE\r\n\r\n",
        b"HTTP/1.1 OK 200\r\n\r\n",
        b"HTTP/9.9 200 OK\r\nContent-Length: 2\r\n\r\n{}",
        b"\x00\xff\xfe\x01 binary noise\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nA header without a colon\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    ];
    for case in cases {
        let server = RawServer::start(move |_| (case.to_vec(), Then::Close)).await;
        let client = builder(server.endpoint()).build().unwrap();
        let err = client.call(&SEED).await.unwrap_err();
        let shown = String::from_utf8_lossy(case);
        match &err {
            Error::Transport(t) => assert!(t.request_may_have_been_sent(), "{shown:?}: {err:?}"),
            other => panic!("{shown:?}: {other:?}"),
        }
        assert_eq!(server.requests(), 1, "{shown:?}: not retried");
        assert_presentable(&err);
    }

    // A well-formed but unknown status is an unexpected response, not a crash.
    let server = RawServer::start(|_| {
        (
            b"HTTP/1.1 999 Weird\r\nContent-Length: 7\r\n\r\n{\"a\":1}".to_vec(),
            Then::KeepAlive,
        )
    })
    .await;
    let err = builder(server.endpoint())
        .build()
        .unwrap()
        .call(&SEED)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedResponse { status: 999, snippet, .. } if snippet == "{\"a\":1}"),
        "{err:?}"
    );
}
