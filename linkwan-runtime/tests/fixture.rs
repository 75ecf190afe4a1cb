//! The mock server as other projects' tests use it: a handler that panics, stopping and
//! restarting a server, and the answers a handler builds.
#![cfg(feature = "test-util")]

use std::panic::AssertUnwindSafe;

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
/// plain I/O error.
#[tokio::test]
async fn a_stopped_server_frees_its_address_at_once() {
    let server = serve(REJECT, |_| ok_reject()).await;
    let addr = server.addr();
    let client = client(&server);
    client.call(&reject("x")).await.unwrap();

    let in_use = mock(creds()).start_on(addr).await.unwrap_err();
    assert_eq!(in_use.kind(), std::io::ErrorKind::AddrInUse);

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
