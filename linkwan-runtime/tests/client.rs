//! `Client` against the signature-verifying mock server: success, every seed error code,
//! signature diagnosis, STS, concurrency, retries, deadlines, bounded bodies, clock skew,
//! and no secret in any error.
#![cfg(feature = "test-util")]

use std::time::{Duration, Instant};

use linkwan_runtime::test_util::MockResponse;
use linkwan_runtime::{
    Client, Credentials, Error, ErrorCode, RetryPolicy, SignatureMismatch, TimeoutKind,
};
use serde_json::json;

mod support;
use support::{
    assert_no_secrets, attempt_timed_out, builder, client, count, creds, distinct_nonces,
    fast_retries, first_then, mock, ok_count, ok_reject, refused_endpoint, reject, serve,
    sts_creds, Count, COUNT, ID, REJECT, TOKEN,
};

#[tokio::test]
async fn success_post_and_get() {
    let server = mock(creds())
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
        .credentials(creds())
        .region_id("cn-shanghai")
        .user_agent("fleet-tool/2")
        .build()
        .unwrap();
    let resp = client.call(&reject("123")).await.unwrap();
    assert_eq!(resp.request_id, "89EF");
    assert!(resp.success);
    let fuzzy = Count {
        fuzzy_name: Some("a b*~"),
    };
    assert_eq!(client.call(&fuzzy).await.unwrap().data, 1234);

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
    // The crate and its version (this test's package is the runtime), then the suffix.
    for sent in [post, get] {
        let ua = sent.headers["user-agent"].to_str().unwrap();
        assert!(
            ua.starts_with(&format!("linkwan-runtime/{} ", env!("CARGO_PKG_VERSION")))
                && ua.ends_with(" fleet-tool/2"),
            "{ua}"
        );
    }
    assert_eq!(post.headers["accept"], "application/json");
    assert_eq!((post.path.as_str(), get.path.as_str()), ("/", "/"));
    // Keep-alive: both calls used one pooled connection.
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn an_endpoint_with_a_path_gets_the_requests_there() {
    // A gateway serving the API under a prefix: POST and GET go to its path, signed as
    // any RPC request is (the path is not part of the string-to-sign).
    let server = serve(REJECT, |_| ok_reject()).await;
    let fuzzy = Count {
        fuzzy_name: Some("a b*~"),
    };
    for path in ["/linkwan/", "/a/b"] {
        let client = builder(format!("{}{path}", server.endpoint()), creds())
            .build()
            .unwrap();
        assert_eq!(client.endpoint(), format!("{}{path}", server.endpoint()));
        assert!(client.call(&reject("123")).await.unwrap().success);
        // No handler for the count action: the mock answers it with an error, after
        // checking its signature.
        let err = client.call(&fuzzy).await.unwrap_err();
        assert_eq!(
            err.code().map(ErrorCode::as_str),
            Some("InvalidAction.NotFound"),
            "{err:?}"
        );
    }
    let seen: Vec<_> = server
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.path.clone(), r.verified.clone()))
        .collect();
    let expected: Vec<_> = ["/linkwan/", "/a/b"]
        .iter()
        .flat_map(|path| {
            [
                ("POST".to_owned(), path.to_string(), Ok(())),
                ("GET".to_owned(), path.to_string(), Ok(())),
            ]
        })
        .collect();
    assert_eq!(seen, expected);
    let get = &server.requests()[1];
    assert_eq!(get.param("FuzzyName"), Some("a b*~"));
}

#[tokio::test]
async fn headers_go_out_as_hyper_util_writes_them() {
    // The client sets `Host` itself (hyper-util would format it on every request): the
    // same value, in the same place on the wire as hyper-util puts it, for POST and GET.
    let server = mock(creds())
        .handler(REJECT, |_| ok_reject())
        .handler(COUNT, |_| ok_count())
        .start()
        .await
        .unwrap();
    let client = builder(server.endpoint(), creds()).build().unwrap();
    client.call(&reject("1")).await.unwrap();
    client.call(&count()).await.unwrap();
    let host = server.endpoint().trim_start_matches("http://").to_owned();
    assert!(host.starts_with("127.0.0.1:"), "{host}");
    let reqs = server.requests();
    for (req, expected) in reqs.iter().zip([
        &[
            "user-agent",
            "accept",
            "content-type",
            "host",
            "content-length",
        ][..],
        &["user-agent", "accept", "host"][..],
    ]) {
        let names: Vec<&str> = req.headers.keys().map(|k| k.as_str()).collect();
        assert_eq!(names, expected, "{}", req.method);
        assert_eq!(req.headers.get_all("host").iter().count(), 1);
        assert_eq!(req.headers["host"], host.as_str());
    }
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
    let server = serve(REJECT, |req| {
        let code = req.param("OrderId").unwrap_or("NonExistent").to_owned();
        MockResponse::error(400, &code, &format!("message for {code}"))
    })
    .await;
    let client = client(&server);
    for (code, expect) in SEED {
        server.clear_requests();
        let err = client.call(&reject(code)).await.expect_err(code);
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
        assert_no_secrets(code, &err);
    }
}

#[tokio::test]
async fn internal_error_is_retried_for_idempotent_actions() {
    let server = serve(
        COUNT,
        first_then(
            1,
            |_| MockResponse::error(400, "InternalError", "boom"),
            || MockResponse::ok(json!({ "Data": 7 })),
        ),
    )
    .await;
    assert_eq!(client(&server).call(&count()).await.unwrap().data, 7);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn wrong_secret_is_diagnosed() {
    let server = serve(REJECT, |_| ok_reject()).await;
    let client = builder(server.endpoint(), Credentials::new(ID, "not-the-secret"))
        .build()
        .unwrap();
    let err = client.call(&reject("123")).await.unwrap_err();
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
    assert_no_secrets("wrong secret", &err);
    // Never retried.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn sts_token_is_sent() {
    let server = mock(sts_creds())
        .handler(REJECT, |_| ok_reject())
        .start()
        .await
        .unwrap();
    let with_token = builder(server.endpoint(), sts_creds()).build().unwrap();
    assert!(with_token.call(&reject("1")).await.unwrap().success);
    assert_eq!(server.requests()[0].param("SecurityToken"), Some(TOKEN));

    let without = client(&server);
    let err = without.call(&reject("1")).await.unwrap_err();
    assert_eq!(
        err.code(),
        Some(&ErrorCode::InvalidSecurityTokenMismatchWithAccessKey)
    );
    assert_no_secrets("sts", &err);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_client() {
    const CALLS: usize = 2000;
    let server = serve(REJECT, |_| ok_reject()).await;
    // All the calls start at once, so the last ones wait for the others: on a loaded
    // machine running a debug build, longer than the default 10 s attempt timeout. This
    // test is about sharing one client, not about latency.
    let client = builder(server.endpoint(), creds())
        .attempt_timeout(Duration::from_secs(600))
        .build()
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CALLS {
        let client = client.clone();
        tasks.spawn(async move { client.call(&reject("1")).await });
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
    assert_eq!(distinct_nonces(&server), CALLS);
    assert!(server.connections() <= CALLS);
}

#[tokio::test]
async fn throttled_twice_then_success_with_fresh_nonces() {
    let server = serve(
        REJECT,
        first_then(
            2,
            |_| {
                MockResponse::error(
                    400,
                    "Throttling.User",
                    "Request was denied due to user flow control.",
                )
            },
            ok_reject,
        ),
    )
    .await;
    let resp = client(&server).call(&reject("1")).await.unwrap();
    assert!(resp.success);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs.iter().all(|r| r.verified.is_ok()));
    assert_eq!(distinct_nonces(&server), 3);
}

#[tokio::test]
async fn endless_throttling_stops_after_max_attempts() {
    let server = serve(REJECT, |_| {
        MockResponse::error(400, "Throttling", "Request was denied due to flow control.")
    })
    .await;
    let client = builder(server.endpoint(), creds())
        .retry_policy(fast_retries().with_max_attempts(4))
        .build()
        .unwrap();
    let err = client.call(&reject("1")).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::Throttling));
    assert_eq!(server.requests().len(), 4);

    // Disabled: one attempt.
    server.clear_requests();
    let once = builder(server.endpoint(), creds())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = once.call(&reject("1")).await.unwrap_err();
    assert!(err.code().unwrap().is_throttling());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retry_after_header_sets_the_delay() {
    let server = serve(
        REJECT,
        first_then(
            1,
            |_| {
                MockResponse::error(400, "Throttling.Api", "slow down")
                    .with_header("x-acs-retry-after", "150")
            },
            ok_reject,
        ),
    )
    .await;
    let client = builder(server.endpoint(), creds())
        .retry_policy(fast_retries().with_max_backoff(Duration::from_secs(1)))
        .build()
        .unwrap();
    let start = Instant::now();
    client.call(&reject("1")).await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(150),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn gateway_503_then_success() {
    let server = serve(
        REJECT,
        first_then(
            1,
            |_| {
                MockResponse::raw(
                    503,
                    "text/html",
                    "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
                )
            },
            ok_reject,
        ),
    )
    .await;
    assert!(client(&server).call(&reject("1")).await.unwrap().success);
    assert_eq!(server.requests().len(), 2);

    // Without retries, the page is reported with its status and a bounded snippet.
    let server = serve(REJECT, |_| {
        MockResponse::raw(502, "text/html", "<html>".repeat(200))
            .with_header("x-acs-request-id", "gw-1")
    })
    .await;
    let client = builder(server.endpoint(), creds())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.call(&reject("1")).await.unwrap_err();
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
async fn a_redirect_is_reported_with_where_it_points_and_not_followed() {
    // Say an `http` endpoint that the platform redirects to `https`, echoing the query.
    let server = serve(REJECT, |req| {
        let location = format!("https://linkwan.example/?AccessKeyId={}", req.access_key_id);
        MockResponse::raw(301, "text/html", "<html>Moved Permanently</html>")
            .with_header("Location", &location)
    })
    .await;
    let err = client(&server).call(&reject("1")).await.unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedResponse { status: 301, snippet, .. } if snippet == "<redirect to https://linkwan.example/>"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("<redirect to https://linkwan.example/>"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 1, "neither followed nor retried");
}

#[tokio::test]
async fn undecodable_success_body() {
    let server = serve(REJECT, |_| {
        MockResponse::ok(json!({ "Success": "perhaps" }))
    })
    .await;
    let err = client(&server).call(&reject("1")).await.unwrap_err();
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
    assert!(err.request_id().is_some());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn stalled_server_honours_the_deadline() {
    let server = mock(creds())
        .handler(REJECT, |_| MockResponse::stall())
        .handler(COUNT, |_| {
            MockResponse::stall_body(200, "application/json", "{\"Data\":")
        })
        .start()
        .await
        .unwrap();
    let client = builder(server.endpoint(), creds())
        .retry_policy(fast_retries())
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();

    // No answer at all: the whole-call deadline ends it.
    let start = Instant::now();
    let err = client.call(&reject("1")).await.unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(err, Error::Timeout { kind: TimeoutKind::Deadline, after } if after == Duration::from_millis(400)),
        "{err:?}"
    );
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert_eq!(server.requests().len(), 1, "not idempotent: one attempt");

    // Headers, then a stalled body; the idempotent action is retried until the deadline.
    let start = Instant::now();
    let client = builder(server.endpoint(), creds())
        .retry_policy(fast_retries().with_max_attempts(10))
        .attempt_timeout(Duration::from_millis(150))
        .timeout(Duration::from_millis(700))
        .build()
        .unwrap();
    server.clear_requests();
    let err = client.call(&count()).await.unwrap_err();
    let took = start.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    let attempts = server.requests().len();
    assert!((2..10).contains(&attempts), "{attempts}");

    // Per-attempt timeout alone, non-idempotent: one attempt, an Attempt timeout.
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(creds())
        .attempt_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    server.clear_requests();
    let err = client.call(&reject("1")).await.unwrap_err();
    assert!(attempt_timed_out(&err).is_some(), "{err:?}");
    assert_eq!(server.requests().len(), 1);
    assert_no_secrets("stalled", &err);
}

#[tokio::test]
async fn an_error_status_whose_body_stalls_is_reported_as_that_status() {
    // The status line and the start of an error body, then nothing more.
    let server = serve(REJECT, |req| match req.param("OrderId") {
        Some("400") => MockResponse::stall_body(
            400,
            "application/json",
            r#"{"Code":"IllegalOrderStateTransition""#,
        ),
        _ => MockResponse::stall_body(503, "application/json", r#"{"Code":"ServiceUnavailable""#),
    })
    .await;
    let client = builder(server.endpoint(), creds())
        .retry_policy(fast_retries().with_max_attempts(3))
        .attempt_timeout(Duration::from_millis(150))
        .build()
        .unwrap();

    // A 503 turned the request away: when the attempt's time runs out it ends as that
    // status, with the start of its body, and is retried as a 503 is (even for an action
    // that is not idempotent). It used to be an attempt timeout, tried once.
    let err = client.call(&reject("503")).await.unwrap_err();
    match &err {
        Error::UnexpectedResponse {
            status: 503,
            snippet,
            ..
        } => assert_eq!(snippet, r#"{"Code":"ServiceUnavailable"…"#),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 3);
    assert_no_secrets("stalled 503", &err);

    // A 400's body may hold a permanent code: it stays a timeout, and is not retried.
    server.clear_requests();
    let err = client.call(&reject("400")).await.unwrap_err();
    assert_eq!(
        attempt_timed_out(&err),
        Some(Duration::from_millis(150)),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);

    // The whole call's deadline stays a timeout, whatever the status.
    let client = builder(server.endpoint(), creds())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    server.clear_requests();
    let err = client.call(&reject("503")).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: TimeoutKind::Deadline,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let server = serve(REJECT, |req| {
        MockResponse::huge(200, 64 << 20, req.param("OrderId") == Some("declared"))
    })
    .await;
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(creds())
        .max_response_body(1 << 20)
        .build()
        .unwrap();
    let err = client.call(&reject("declared")).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1_048_576, content_length: Some(n) } if n == 64 << 20),
        "{err:?}"
    );
    let err = client.call(&reject("chunked")).await.unwrap_err();
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
async fn a_declared_length_one_past_the_limit_is_refused_and_the_limit_itself_read() {
    // The limit is inclusive: a body of exactly `LIMIT` bytes is read, one byte more is
    // refused on its `Content-Length`.
    const LIMIT: usize = 1000;
    let body = |len: usize| {
        let head = r#"{"RequestId":"r","Success":true,"Pad":""#;
        let body = format!(r#"{head}{}"}}"#, "x".repeat(len - head.len() - 2));
        assert_eq!(body.len(), len);
        body
    };
    let server = serve(REJECT, move |req| {
        let len = req.param("OrderId").unwrap().parse().unwrap();
        MockResponse::raw(200, "application/json", body(len))
    })
    .await;
    let client = builder(server.endpoint(), creds())
        .max_response_body(LIMIT)
        .build()
        .unwrap();
    assert!(client.call(&reject("1000")).await.unwrap().success);
    let err = client.call(&reject("1001")).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::BodyTooLarge {
                limit: LIMIT,
                content_length: Some(1001)
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn clock_skew_is_corrected_once_and_remembered() {
    let server = mock(creds())
        .clock_offset(3600)
        .handler(REJECT, |_| ok_reject())
        .start()
        .await
        .unwrap();
    let client = builder(server.endpoint(), creds())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    assert!(client.call(&reject("1")).await.unwrap().success);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].verified, Err("InvalidTimeStamp.Expired".to_owned()));
    assert_eq!(reqs[1].verified, Ok(()));
    assert!((3598..=3602).contains(&client.clock_offset_secs()));
    // Later calls use the correction straight away.
    assert!(client.call(&reject("1")).await.unwrap().success);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn clock_skew_is_corrected_for_every_call_in_flight() {
    // Eight calls signed with the uncorrected clock before any answer arrives (one poll
    // of `join!` signs them all): the first answer to be read teaches the client the
    // offset, and every other call, whose Expired answer gives the same offset, must
    // still get its corrected retry (the offset its attempt was signed with was wrong).
    let server = mock(creds())
        .clock_offset(3600)
        .handler(REJECT, |_| ok_reject())
        .start()
        .await
        .unwrap();
    let client = builder(server.endpoint(), creds())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let c = || client.call(&reject("1"));
    let all = tokio::join!(c(), c(), c(), c(), c(), c(), c(), c());
    let all = [all.0, all.1, all.2, all.3, all.4, all.5, all.6, all.7];
    for (i, result) in all.into_iter().enumerate() {
        assert!(result.unwrap().success, "call {i}");
    }
    let reqs = server.requests();
    assert_eq!(
        reqs.len(),
        16,
        "one expired and one corrected attempt a call"
    );
    let expired = reqs
        .iter()
        .filter(|r| r.verified == Err("InvalidTimeStamp.Expired".to_owned()))
        .count();
    assert_eq!(expired, 8);
    assert!((3598..=3602).contains(&client.clock_offset_secs()));
}

#[tokio::test]
async fn expired_timestamp_with_agreeing_clocks_is_not_retried() {
    // The handler claims Expired while the server's Date agrees with ours: correcting the
    // clock would change nothing, so the call fails at once and says why.
    let server = serve(REJECT, |_| {
        MockResponse::error(
            400,
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired.",
        )
    })
    .await;
    let client = client(&server);
    let err = client.call(&reject("1")).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidTimeStampExpired));
    assert_eq!(server.requests().len(), 1);
    assert_eq!(client.clock_offset_secs(), 0);
    let shown = err.to_string();
    assert!(shown.contains("local clock agrees"), "{shown}");
    assert_no_secrets("expired", &err);
}

#[tokio::test]
async fn a_server_clock_behind_is_corrected_too() {
    let server = mock(creds())
        .clock_offset(-7200)
        .handler(REJECT, |_| ok_reject())
        .start()
        .await
        .unwrap();
    let client = client(&server);
    assert!(client.call(&reject("1")).await.unwrap().success);
    assert!((-7202..=-7198).contains(&client.clock_offset_secs()));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn reset_connections() {
    let server = mock(creds())
        .handler(REJECT, |_| MockResponse::reset())
        .handler(
            COUNT,
            first_then(
                1,
                |_| MockResponse::reset(),
                || MockResponse::ok(json!({ "Data": 3 })),
            ),
        )
        .start()
        .await
        .unwrap();
    let client = client(&server);
    // The request was sent, maybe processed: not repeated for a non-idempotent action.
    let err = client.call(&reject("1")).await.unwrap_err();
    match &err {
        Error::Transport(t) => assert!(t.request_may_have_been_sent()),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
    assert_no_secrets("reset", &err);
    // Idempotent: retried.
    assert_eq!(client.call(&count()).await.unwrap().data, 3);
}

#[tokio::test]
async fn unknown_key_and_errors_carry_no_secret() {
    let server = mock(Credentials::new("other-id", "other-secret"))
        .handler(REJECT, |_| ok_reject())
        .start()
        .await
        .unwrap();
    let client = builder(server.endpoint(), sts_creds()).build().unwrap();
    let err = client.call(&reject("1")).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidAccessKeyIdNotFound));
    assert_eq!(err.status(), Some(404));
    assert_no_secrets("unknown key", &err);
    assert_no_secrets("client Debug", &Error::Config(format!("{client:?}")));
}

#[tokio::test]
async fn refused_connection_is_retried_then_reported() {
    let client = builder(refused_endpoint(), creds()).build().unwrap();
    let err = client.call(&reject("1")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.is_connect()),
        "{err:?}"
    );
    assert_no_secrets("refused", &err);
}

/// A request built by hand: raw pairs, in order.
struct Raw(&'static [(&'static str, &'static str)]);

impl linkwan_runtime::RpcRequest for Raw {
    type Response = serde_json::Value;
    const ACTION: &'static str = "DescribeThings";
    const VERSION: &'static str = "2014-05-26";
    fn write_params(&self, params: &mut linkwan_runtime::Params) {
        for &(k, v) in self.0 {
            params.push(k, v);
        }
    }
}

#[tokio::test]
async fn a_request_region_id_is_sent_instead_of_the_clients() {
    let server = serve("DescribeThings", |_| MockResponse::ok(json!({}))).await;
    let client = builder(server.endpoint(), creds())
        .region_id("cn-shanghai")
        .build()
        .unwrap();
    client
        .call(&Raw(&[("RegionId", "cn-beijing"), ("PageSize", "10")]))
        .await
        .unwrap();
    client.call(&Raw(&[("PageSize", "10")])).await.unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    // Both verify: had both `RegionId`s been sent, the server would have read one of
    // them while the signature covered both.
    for req in &reqs {
        assert_eq!(req.verified, Ok(()));
    }
    assert_eq!(reqs[0].param("RegionId"), Some("cn-beijing"));
    assert_eq!(reqs[1].param("RegionId"), Some("cn-shanghai"));
}

#[tokio::test]
async fn a_key_given_twice_is_refused_before_sending() {
    let server = serve("DescribeThings", |_| MockResponse::ok(json!({}))).await;
    let client = client(&server);
    for (params, wanted) in [
        (
            &[("Timestamp", "2020-01-01T00:00:00Z")][..],
            "param `Timestamp` is the client's to set",
        ),
        (
            &[("Signature", "x")][..],
            "param `Signature` is the client's to set",
        ),
        (
            &[("Action", "Other"), ("B", "1")][..],
            "param `Action` is the client's to set",
        ),
        (
            &[("SecurityToken", "not-from-credentials")][..],
            "param `SecurityToken` is the client's to set",
        ),
        (
            &[("Tag.1", "a"), ("Name", "n"), ("Tag.1", "b")][..],
            "param `Tag.1` is given twice",
        ),
    ] {
        match client.call(&Raw(params)).await {
            Err(Error::InvalidRequest(m)) => assert!(m.starts_with(wanted), "{m}"),
            other => panic!("{params:?}: {other:?}"),
        }
    }
    // Many params (the signer's heap path) too.
    let many: Vec<(&'static str, &'static str)> = (0..100)
        .map(|i| &*Box::leak(format!("Item.{i}").into_boxed_str()))
        .chain(["Item.7"])
        .map(|k| (k, "v"))
        .collect();
    match client.call(&Raw(many.leak())).await {
        Err(Error::InvalidRequest(m)) => {
            assert!(m.starts_with("param `Item.7` is given twice"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.request_count(), 0, "nothing was sent");
}

/// A refused key is named in the error, clipped as the names from the server are: a
/// 1 MiB key given twice (or one that cannot be written) does not make a 1 MiB message.
#[tokio::test]
async fn a_refused_key_is_named_within_a_bounded_message() {
    struct Failing;
    impl serde::Serialize for Failing {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no"))
        }
    }
    struct Long(String, bool);
    impl linkwan_runtime::RpcRequest for Long {
        type Response = serde_json::Value;
        const ACTION: &'static str = "DescribeThings";
        const VERSION: &'static str = "2014-05-26";
        fn write_params(&self, params: &mut linkwan_runtime::Params) {
            params.push(self.0.as_str(), "a");
            if self.1 {
                params.insert(&self.0, &linkwan_runtime::params::Json(Failing));
            } else {
                params.push(self.0.as_str(), "b");
            }
        }
    }
    let server = serve("DescribeThings", |_| MockResponse::ok(json!({}))).await;
    let client = client(&server);
    let key = "K".repeat(1 << 20);
    for (cannot_write, wanted) in [(false, "is given twice"), (true, "cannot serialize")] {
        match client.call(&Long(key.clone(), cannot_write)).await {
            Err(Error::InvalidRequest(m)) => {
                assert!(
                    m.starts_with(&format!("param `{}…`", &key[..128])),
                    "{m:.300}"
                );
                assert!(m.contains(wanted), "{m:.300}");
                assert!(m.len() < 1024, "{} bytes", m.len());
            }
            other => panic!("{other:.300?}"),
        }
    }
    assert_eq!(server.request_count(), 0, "nothing was sent");
}

#[tokio::test]
async fn a_get_too_large_for_a_url_says_so_and_sends_nothing() {
    let server = serve(COUNT, |_| ok_count()).await;
    let name = "n".repeat(70_000);
    let err = client(&server)
        .call(&Count {
            fuzzy_name: Some(&name),
        })
        .await
        .unwrap_err();
    match &err {
        Error::InvalidRequest(m) => {
            assert!(m.starts_with("cannot build the URL: "), "{m:.300}");
            assert!(m.contains("bytes of path and query"), "{m:.300}");
            assert!(m.contains("sent as a POST"), "{m:.300}");
            assert!(m.len() < 1024, "{} bytes", m.len());
        }
        other => panic!("{other:.300?}"),
    }
    assert_eq!(server.request_count(), 0, "nothing was sent");
    // Just under the limit still goes.
    let name = "n".repeat(60_000);
    let sent = client(&server)
        .call(&Count {
            fuzzy_name: Some(&name),
        })
        .await;
    assert!(sent.is_ok(), "{sent:.300?}");
}
