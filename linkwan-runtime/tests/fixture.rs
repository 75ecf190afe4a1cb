//! The mock server as other projects' tests use it: a handler that panics, stopping and
//! restarting a server, and the answers a handler builds.
#![cfg(feature = "test-util")]

use std::panic::AssertUnwindSafe;

use http_body_util::{BodyExt as _, Empty};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use linkwan_runtime::test_util::{MockResponse, MockServer};
use serde_json::json;

mod support;
use support::{client, creds, mock, ok_reject, one_attempt_client, reject, serve, REJECT};

/// The message of a caught panic.
fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .unwrap_or_default(),
    }
}

/// A failed assertion inside a handler (test code's usual `assert!`/`unwrap`) is answered
/// 500 with its message, the connection keeps serving, and the test fails when the server
/// is dropped: a test that expects the call to fail cannot pass because the handler
/// panicked.
#[tokio::test]
async fn a_panicking_handler_is_answered_500_with_its_message_and_fails_the_test() {
    let server = serve(REJECT, |req| {
        assert_eq!(req.param("OrderId"), Some("expected"), "the order id");
        ok_reject()
    })
    .await;
    let client = one_attempt_client(&server);

    let err = client.call(&reject("other")).await.unwrap_err();
    assert_eq!(err.status(), Some(500), "{err}");
    assert_eq!(
        err.code().map(|c| c.as_str()),
        Some("MockServer.HandlerPanicked")
    );
    let message = err.as_service().unwrap().message();
    assert!(
        message.contains("RejectJoinPermissionAuthOrder"),
        "{message}"
    );
    assert!(message.contains("the order id"), "{message}");

    // The same connection, and the recorded requests, still work.
    client.call(&reject("expected")).await.unwrap();
    assert_eq!(server.connections(), 1);
    assert_eq!(server.request_count(), 2);
    assert_eq!(server.requests().len(), 2);

    let dropped = std::panic::catch_unwind(AssertUnwindSafe(|| drop(server)));
    let text = panic_text(dropped.expect_err("dropping the server fails the test"));
    assert!(text.contains("1 time"), "{text}");
    assert!(text.contains("the order id"), "{text}");
}

/// A server whose handlers never panicked drops quietly, and one dropped while the test
/// is already failing does not panic again (which would abort the test binary).
#[tokio::test]
async fn a_server_drops_quietly_without_panics_or_while_the_test_already_fails() {
    let server = serve(REJECT, |_| ok_reject()).await;
    one_attempt_client(&server)
        .call(&reject("x"))
        .await
        .unwrap();
    drop(server);

    let server = serve(REJECT, |_| panic!("boom")).await;
    let _ = one_attempt_client(&server).call(&reject("x")).await;
    let failing = std::panic::catch_unwind(AssertUnwindSafe(move || {
        let _server = server;
        panic!("the test's own failure");
    }));
    assert_eq!(panic_text(failing.unwrap_err()), "the test's own failure");
}

/// Stopping a server frees its address at once: a test can stop it and start another on
/// the same address (to see a client reconnect), and binding an address in use is the
/// I/O error, naming the address.
#[tokio::test]
async fn a_stopped_server_frees_its_address_at_once() {
    let server = serve(REJECT, |_| ok_reject()).await;
    let addr = server.addr();
    let client = client(&server);
    client.call(&reject("x")).await.unwrap();

    let in_use = mock(creds()).start_on(addr).await.unwrap_err();
    assert_eq!(in_use.kind(), std::io::ErrorKind::AddrInUse);
    assert!(
        in_use
            .to_string()
            .starts_with(&format!("cannot bind {addr}: ")),
        "{in_use}"
    );

    drop(server);
    let again = mock(creds())
        .handler(REJECT, |_| ok_reject())
        .start_on(addr)
        .await
        .expect("the address is free once the server is dropped");
    // (A fresh client: the first one's pooled connection was to the stopped server.)
    support::client(&again).call(&reject("x")).await.unwrap();
    assert_eq!(again.request_count(), 1);

    again.shutdown();
    let third = mock(creds())
        .start_on(addr)
        .await
        .expect("the address is free once the server is shut down");
    assert_eq!(third.addr(), addr);
}

/// A GET of `/?Format=JSON&Action={action}` (to a server that does not check signatures):
/// the status, the response headers and the body.
async fn get(server: &MockServer, action: &str) -> (u16, http::HeaderMap, String) {
    let client = HyperClient::builder(TokioExecutor::new()).build_http::<Empty<bytes::Bytes>>();
    let uri = format!("{}/?Format=JSON&Action={action}", server.endpoint());
    let resp = client.get(uri.parse().unwrap()).await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// `with_header` adds: a name given twice is sent twice, and one of the server's own
/// headers (`Content-Type`) is replaced. A name or value HTTP cannot carry is said
/// loudly (as a bad status is), not dropped without a word.
#[tokio::test]
async fn response_headers_repeat_replace_defaults_and_a_bad_one_is_said_loudly() {
    let server = MockServer::builder()
        .verify_signatures(false)
        .handler("Repeat", |_| {
            MockResponse::ok(json!({}))
                .with_header("x-acs-trace", "1")
                .with_header("X-Acs-Trace", "2")
                .with_header("Content-Type", "application/json")
        })
        .handler("BadName", |_| {
            MockResponse::ok(json!({})).with_header("x acs retry after", "50")
        })
        .handler("BadValue", |_| {
            MockResponse::ok(json!({})).with_header("x-acs-retry-after", "50\r\nx-evil: 1")
        })
        .start()
        .await
        .unwrap();

    let (status, headers, _) = get(&server, "Repeat").await;
    assert_eq!(status, 200);
    let traces: Vec<_> = headers.get_all("x-acs-trace").iter().collect();
    assert_eq!(traces, ["1", "2"]);
    let types: Vec<_> = headers.get_all("content-type").iter().collect();
    assert_eq!(types, ["application/json"]);

    for (action, named) in [
        ("BadName", "x acs retry after"),
        ("BadValue", "x-acs-retry-after"),
    ] {
        let (status, headers, body) = get(&server, action).await;
        assert_eq!(status, 500, "{action}: {body}");
        assert!(
            body.contains("MockServer.InvalidHeader"),
            "{action}: {body}"
        );
        assert!(body.contains(named), "{action}: {body}");
        assert!(!body.contains("evil"), "{action}: {body}");
        assert!(headers.get("x-evil").is_none());
    }
}

/// A fallback answers the actions without a handler of their own, after the same checks;
/// an action's own handler still wins.
#[tokio::test]
async fn a_fallback_answers_actions_without_a_handler_after_the_checks() {
    let server = mock(creds())
        .handler(support::COUNT, |_| support::ok_count())
        .fallback(|req| {
            MockResponse::ok(json!({ "Success": true, "OrderId": req.param("OrderId") }))
        })
        .start()
        .await
        .unwrap();
    let resp = client(&server).call(&reject("7")).await.unwrap();
    assert_eq!(resp.order_id.as_deref(), Some("7"));
    assert_eq!(
        client(&server).call(&support::count()).await.unwrap().data,
        42
    );

    let stranger = support::builder(
        server.endpoint(),
        linkwan_runtime::Credentials::new("x", "y"),
    )
    .build()
    .unwrap();
    let err = stranger.call(&reject("7")).await.unwrap_err();
    assert_eq!(
        err.code().map(|c| c.as_str()),
        Some("InvalidAccessKeyId.NotFound")
    );
}

/// A request refused for its body (too large) is recorded like any other refused one,
/// with what could be read of it, so `requests()` agrees with `request_count()`.
#[tokio::test]
async fn a_request_refused_for_its_body_is_recorded_too() {
    let server = serve(REJECT, |_| ok_reject()).await;
    let client = HyperClient::builder(TokioExecutor::new())
        .build_http::<http_body_util::Full<bytes::Bytes>>();
    let req = http::Request::post(format!("{}/path?Action={REJECT}", server.endpoint()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(http_body_util::Full::new(bytes::Bytes::from(vec![
            b'a';
            2 << 20
        ])))
        .unwrap();
    let resp = client.request(req).await.unwrap();
    assert_eq!(resp.status(), 413);

    assert_eq!(server.request_count(), 1);
    let recorded = server.requests();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0].method, "POST");
    assert_eq!(recorded[0].path, "/path");
    assert_eq!(recorded[0].action(), REJECT);
    assert_eq!(recorded[0].verified, Err("RequestTooLarge".to_owned()));
}
