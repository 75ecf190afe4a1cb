//! The mock server checks signatures like the platform. These tests talk to it with raw
//! hyper requests (not the crate's `Client`), so they pin the server on its own.
#![cfg(feature = "test-util")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use linkwan_runtime::sign::sign_v1;
use linkwan_runtime::test_util::{MockResponse, MockServer};
use linkwan_runtime::Credentials;
use serde_json::{json, Value};

mod support;
use support::{creds, mock, ID, REJECT, SECRET};

fn timestamp(offset_secs: i64) -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + offset_secs;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // civil_from_days, independent of the crate's own.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

struct Call<'a> {
    method: &'a str,
    secret: &'a str,
    id: &'a str,
    nonce: String,
    ts_offset: i64,
    /// A `Timestamp` sent as it is, instead of now plus `ts_offset`.
    ts: Option<&'a str>,
    extra: Vec<(&'a str, &'a str)>,
    format: Option<&'a str>,
    /// The `Content-Type` of a POST body.
    content_type: &'a str,
}

impl<'a> Call<'a> {
    fn new(extra: Vec<(&'a str, &'a str)>) -> Self {
        Call {
            method: "POST",
            secret: SECRET,
            id: ID,
            nonce: format!("{:032x}", fastrand::u128(..)),
            ts_offset: 0,
            ts: None,
            extra,
            format: Some("JSON"),
            content_type: "application/x-www-form-urlencoded",
        }
    }

    async fn send(&self, server: &MockServer) -> (u16, String) {
        let ts = self
            .ts
            .map_or_else(|| timestamp(self.ts_offset), str::to_owned);
        let mut params: Vec<(&str, &str)> = vec![
            ("Action", REJECT),
            ("Version", "2018-12-30"),
            ("AccessKeyId", self.id),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", &self.nonce),
            ("Timestamp", &ts),
        ];
        if let Some(f) = self.format {
            params.push(("Format", f));
        }
        params.extend(self.extra.iter().copied());
        let query = sign_v1(self.method, &mut params, self.secret).into_query();
        let client = HyperClient::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let req = if self.method == "POST" {
            http::Request::post(format!("{}/", server.endpoint()))
                .header("content-type", self.content_type)
                .body(Full::new(Bytes::from(query)))
        } else {
            http::Request::get(format!("{}/?{query}", server.endpoint())).body(Full::default())
        }
        .unwrap();
        let resp = client.request(req).await.unwrap();
        let status = resp.status().as_u16();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// Sends, and returns the status with the answer's error `Code`.
    async fn error(&self, server: &MockServer) -> (u16, String) {
        let (status, body) = self.send(server).await;
        (status, code(&body))
    }
}

async fn server() -> MockServer {
    mock(creds())
        .credentials(Credentials::new("sts-id", "sts-secret").with_security_token("CAIS+tok/en="))
        .handler(REJECT, |req| {
            MockResponse::ok(json!({ "Success": true, "Echo": req.param("OrderId") }))
        })
        .start()
        .await
        .unwrap()
}

fn code(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap();
    v["Code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn accepts_a_correct_signature_post_and_get_with_reserved_and_unicode_values() {
    let server = server().await;
    let value = "a b*c~d/e+f=g&h%i 网关-Ünïcødé-🚀";
    for method in ["POST", "GET"] {
        let mut call = Call::new(vec![("OrderId", value)]);
        call.method = method;
        let (status, body) = call.send(&server).await;
        assert_eq!(status, 200, "{method}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["Echo"], value);
        assert_eq!(v["Success"], true);
        assert!(v["RequestId"].as_str().unwrap().len() == 36);
    }
    let recorded = server.requests();
    assert_eq!(recorded.len(), 2);
    assert!(recorded.iter().all(|r| r.verified.is_ok()));
    assert_eq!(recorded[1].method, "GET");
}

/// Requests byte for byte as the official Python SDKs' own clients send them (AccessKey
/// [`ID`] / [`SECRET`], `Timestamp` 2026-11-27T12:00:00Z): method, target, `Content-Type`
/// and body, recorded by `scripts/signature_v1_difftest.py requests` from
/// aliyun-python-sdk-core 2.16.1 (`AcsClient`, `CommonRequest`) and
/// alibabacloud-tea-openapi 0.4.6 (`Client::call_api`, `signature_algorithm = "v2"`).
/// The classic SDK writes a space `%20` in the query and `+` in the form body, and adds an
/// empty `SignatureType=`; tea-openapi writes `+` in the query too, and `Format=json`.
const SDK_REQUESTS: [(&str, &str, Option<&str>, &str); 4] = [
    // aliyun-python-sdk-core, GET
    (
        "GET",
        "/?OrderId=a%20b%2Ac~d%2Fe%2Bf%3Dg%26h%25i%20%E7%BD%91%E5%85%B3-%C3%9Cn%C3%AFc%C3%B8d%C3%A9-%F0%9F%9A%80&Version=2018-12-30&Action=RejectJoinPermissionAuthOrder&Format=JSON&RegionId=cn-shanghai&Timestamp=2026-11-27T12%3A00%3A00Z&SignatureMethod=HMAC-SHA1&SignatureType=&SignatureVersion=1.0&SignatureNonce=classic-nonce-0&AccessKeyId=LTAI5tSecretsProbeIdQZ7&Signature=k%2BeIMOU6SvhBLLaUOGceSSKSwoM%3D",
        None,
        "",
    ),
    // aliyun-python-sdk-core, POST
    (
        "POST",
        "/?OrderId=a%20b%2Ac~d%2Fe%2Bf%3Dg%26h%25i%20%E7%BD%91%E5%85%B3-%C3%9Cn%C3%AFc%C3%B8d%C3%A9-%F0%9F%9A%80&Version=2018-12-30&Action=RejectJoinPermissionAuthOrder&Format=JSON&RegionId=cn-shanghai&Timestamp=2026-11-27T12%3A00%3A00Z&SignatureMethod=HMAC-SHA1&SignatureType=&SignatureVersion=1.0&SignatureNonce=classic-nonce-1&AccessKeyId=LTAI5tSecretsProbeIdQZ7&Signature=0ayiir6rxl1R17HJddZ8vEQgcdA%3D",
        Some("application/x-www-form-urlencoded"),
        "Note=a+b%2Ac~d%2Fe%2Bf%3Dg%26h%25i+%E7%BD%91%E5%85%B3-%C3%9Cn%C3%AFc%C3%B8d%C3%A9-%F0%9F%9A%80&Empty=",
    ),
    // alibabacloud-tea-openapi, GET
    (
        "GET",
        "/?Action=RejectJoinPermissionAuthOrder&Format=json&Version=2018-12-30&Timestamp=2026-11-27T12%3A00%3A00Z&SignatureNonce=tea-nonce-2&OrderId=a+b%2Ac~d%2Fe%2Bf%3Dg%26h%25i+%E7%BD%91%E5%85%B3-%C3%9Cn%C3%AFc%C3%B8d%C3%A9-%F0%9F%9A%80&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=LTAI5tSecretsProbeIdQZ7&Signature=rHnNiaQiXCDhJWc%2FIOoFp4Ljox0%3D",
        None,
        "",
    ),
    // alibabacloud-tea-openapi, POST
    (
        "POST",
        "/?Action=RejectJoinPermissionAuthOrder&Format=json&Version=2018-12-30&Timestamp=2026-11-27T12%3A00%3A00Z&SignatureNonce=tea-nonce-3&OrderId=a+b%2Ac~d%2Fe%2Bf%3Dg%26h%25i+%E7%BD%91%E5%85%B3-%C3%9Cn%C3%AFc%C3%B8d%C3%A9-%F0%9F%9A%80&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=LTAI5tSecretsProbeIdQZ7&Signature=cU1SBzpYUW7wZ3zw5OvXz2prFJE%3D",
        Some("application/x-www-form-urlencoded"),
        "Empty=&Note=a+b%2Ac~d%2Fe%2Bf%3Dg%26h%25i+%E7%BD%91%E5%85%B3-%C3%9Cn%C3%AFc%C3%B8d%C3%A9-%F0%9F%9A%80",
    ),
];

/// The value both SDKs sent as `OrderId` (and, in POST bodies, as `Note`).
const SDK_VALUE: &str = "a b*c~d/e+f=g&h%i 网关-Ünïcødé-🚀";

/// Sends `target` (path and query) with `method`, and a body when it has a content type.
async fn send_raw(
    server: &MockServer,
    method: &str,
    target: &str,
    content_type: Option<&str>,
    body: &str,
) -> (u16, String) {
    let client = HyperClient::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut req = http::Request::builder()
        .method(method)
        .uri(format!("{}{target}", server.endpoint()));
    if let Some(content_type) = content_type {
        req = req.header("content-type", content_type);
    }
    let req = req.body(Full::new(Bytes::from(body.to_owned()))).unwrap();
    let resp = client.request(req).await.unwrap();
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn accepts_requests_as_the_official_sdks_send_them_and_refuses_them_altered() {
    let server = mock(creds())
        // The recorded Timestamp is fixed.
        .max_clock_skew(Duration::MAX)
        .handler(REJECT, |req| {
            MockResponse::ok(json!({
                "OrderId": req.param("OrderId"),
                "Note": req.param("Note"),
                "Empty": req.param("Empty"),
            }))
        })
        .start()
        .await
        .unwrap();
    let mut sent = 0;
    for (method, target, content_type, body) in SDK_REQUESTS {
        // One byte of a value changed after signing: a letter, and a space sent as an
        // encoded `+` (`%2B` is a plus, not a space). Sent first, so that the nonce is
        // still unused when the request as signed comes.
        let mut altered = vec![
            (
                target.replacen("OrderId=a", "OrderId=b", 1),
                body.to_owned(),
            ),
            (
                target.replacen("OrderId=a+b", "OrderId=a%2Bb", 1).replacen(
                    "OrderId=a%20b",
                    "OrderId=a%2Bb",
                    1,
                ),
                body.to_owned(),
            ),
        ];
        if content_type.is_some() {
            altered.push((target.to_owned(), body.replacen("Note=a", "Note=b", 1)));
            altered.push((
                target.to_owned(),
                body.replacen("Note=a+b", "Note=a%2Bb", 1),
            ));
        }
        for (altered_target, altered_body) in altered {
            assert!(
                altered_target != target || altered_body != body,
                "nothing altered"
            );
            let (status, answer) = send_raw(
                &server,
                method,
                &altered_target,
                content_type,
                &altered_body,
            )
            .await;
            assert_eq!(
                (status, code(&answer)),
                (400, "SignatureDoesNotMatch".to_owned()),
                "{method} {altered_target} {altered_body}"
            );
            sent += 1;
        }
        let (status, answer) = send_raw(&server, method, target, content_type, body).await;
        assert_eq!(status, 200, "{method} {target}: {answer}");
        let v: Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(v["OrderId"], SDK_VALUE, "{method} {target}");
        if content_type.is_some() {
            assert_eq!(v["Note"], SDK_VALUE, "{method} {body}");
            assert_eq!(v["Empty"], "", "{method} {body}");
        }
        sent += 1;
    }
    let recorded = server.requests();
    assert_eq!(recorded.len(), sent);
    assert_eq!(recorded.iter().filter(|r| r.verified.is_ok()).count(), 4);
}

#[tokio::test]
async fn a_form_body_is_read_whatever_the_case_of_its_media_type() {
    // Media types are case-insensitive (RFC 9110 8.3.1) and may carry parameters: a
    // strict server reads all of these bodies as forms.
    let server = server().await;
    for content_type in [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=UTF-8",
        "application/x-www-form-urlencoded;charset=utf-8",
        "Application/X-WWW-Form-Urlencoded",
        "APPLICATION/X-WWW-FORM-URLENCODED ; charset=UTF-8",
    ] {
        let mut call = Call::new(vec![("OrderId", "123")]);
        call.content_type = content_type;
        let (status, body) = call.send(&server).await;
        assert_eq!(status, 200, "{content_type}: {body}");
    }
    // Another media type is not a form: its body is not read, so the params are missing.
    for content_type in [
        "application/x-www-form-urlencoded-not",
        "text/plain",
        "application/json",
    ] {
        let mut call = Call::new(vec![("OrderId", "123")]);
        call.content_type = content_type;
        assert_eq!(
            call.send(&server).await.0,
            400,
            "{content_type}: the body must not be read"
        );
    }
}

#[tokio::test]
async fn wrong_secret_gets_signature_does_not_match_with_the_servers_string_to_sign() {
    let server = server().await;
    let mut call = Call::new(vec![("OrderId", "123")]);
    call.secret = "not-the-secret";
    let (status, body) = call.send(&server).await;
    assert_eq!(status, 400);
    assert_eq!(code(&body), "SignatureDoesNotMatch");
    let v: Value = serde_json::from_str(&body).unwrap();
    let msg = v["Message"].as_str().unwrap();
    let sts = msg.split("server string to sign is:").nth(1).unwrap();
    assert!(sts.starts_with(&format!(
        "POST&%2F&AccessKeyId%3D{ID}%26Action%3DRejectJoinPermissionAuthOrder"
    )));
    assert!(!body.contains("not-the-secret") && !body.contains(SECRET));
    assert_eq!(
        server.requests()[0].verified,
        Err("SignatureDoesNotMatch".to_owned())
    );
}

#[tokio::test]
async fn replayed_nonce_is_refused() {
    let server = server().await;
    let call = Call::new(vec![("OrderId", "123")]);
    assert_eq!(call.send(&server).await.0, 200);
    assert_eq!(
        call.error(&server).await,
        (400, "SignatureNonceUsed".to_owned())
    );
}

#[tokio::test]
async fn timestamps_beyond_fifteen_minutes_are_expired() {
    let server = server().await;
    let mut call = Call::new(vec![]);
    call.ts_offset = -16 * 60;
    assert_eq!(
        call.error(&server).await,
        (400, "InvalidTimeStamp.Expired".to_owned())
    );
    call.ts_offset = -14 * 60;
    call.nonce.push('x');
    assert_eq!(call.send(&server).await.0, 200);
    // The window is the same ahead of the server's clock.
    call.ts_offset = 16 * 60;
    call.nonce.push('y');
    assert_eq!(
        call.error(&server).await,
        (400, "InvalidTimeStamp.Expired".to_owned())
    );
    call.ts_offset = 14 * 60;
    call.nonce.push('z');
    assert_eq!(call.send(&server).await.0, 200);
}

#[tokio::test]
async fn malformed_and_impossible_timestamps_are_refused_as_malformed() {
    let server = server().await;
    for ts in [
        "2026-11-28 12:00:00Z",
        "2026-11-28T12:00:00",
        "2026-11-28T12:00:00+08:00",
        "2026-13-01T12:00:00Z",
        "2026-11-28T24:00:00Z",
        // Days the month does not have (once read as the next month's first days).
        "2026-02-29T12:00:00Z",
        "2026-02-31T12:00:00Z",
        "2026-11-31T12:00:00Z",
        "2026-11-00T12:00:00Z",
    ] {
        let mut call = Call::new(vec![]);
        call.ts = Some(ts);
        assert_eq!(
            call.error(&server).await,
            (400, "InvalidTimeStamp.Format".to_owned()),
            "{ts}"
        );
    }
    // A real leap day is a date like any other: well formed, and long expired.
    let mut call = Call::new(vec![]);
    call.ts = Some("2024-02-29T12:00:00Z");
    assert_eq!(
        call.error(&server).await,
        (400, "InvalidTimeStamp.Expired".to_owned())
    );
}

#[tokio::test]
async fn skewed_server_clock_expires_a_correct_client() {
    let server = mock(creds()).clock_offset(3600).start().await.unwrap();
    assert_eq!(
        Call::new(vec![]).error(&server).await,
        (400, "InvalidTimeStamp.Expired".to_owned())
    );
}

#[tokio::test]
async fn unknown_key_missing_params_unknown_action_and_sts() {
    let server = server().await;
    let mut call = Call::new(vec![]);
    call.id = "nobody";
    assert_eq!(
        call.error(&server).await,
        (404, "InvalidAccessKeyId.NotFound".to_owned())
    );

    // A key registered with a token needs it.
    let mut call = Call::new(vec![]);
    call.id = "sts-id";
    call.secret = "sts-secret";
    assert_eq!(
        call.error(&server).await,
        (400, "InvalidSecurityToken.MismatchWithAccessKey".to_owned())
    );
    let mut call = Call::new(vec![("SecurityToken", "CAIS+tok/en=")]);
    call.id = "sts-id";
    call.secret = "sts-secret";
    assert_eq!(call.send(&server).await.0, 200);

    let client = HyperClient::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let resp = client
        .request(
            http::Request::get(format!("{}/?Format=JSON&Action=X", server.endpoint()))
                .body(Full::default())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(code(std::str::from_utf8(&body).unwrap()), "MissingVersion");
}

#[tokio::test]
async fn unknown_action_is_not_found() {
    let server = mock(creds()).start().await.unwrap();
    assert_eq!(
        Call::new(vec![]).error(&server).await,
        (404, "InvalidAction.NotFound".to_owned())
    );
}

#[tokio::test]
async fn a_handler_status_that_is_not_a_final_http_status_is_said_loudly() {
    for (status, sent) in [
        (0, 500),
        (150, 500),
        (1000, 500),
        (65535, 500),
        (299, 299),
        (999, 999),
    ] {
        let server = mock(creds())
            .handler(REJECT, move |_| {
                MockResponse::error(status, "Custom", "by the test")
            })
            .start()
            .await
            .unwrap();
        let (got, body) = Call::new(vec![]).send(&server).await;
        assert_eq!(got, sent, "handler status {status}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        if sent == 500 {
            assert_eq!(v["Code"], "MockServer.InvalidStatus", "{body}");
            let message = v["Message"].as_str().unwrap();
            assert!(message.contains(&format!("status {status},")), "{message}");
        } else {
            assert_eq!(v["Code"], "Custom", "{body}");
        }
    }
}

#[tokio::test]
async fn without_format_json_the_answer_is_xml() {
    let server = server().await;
    let mut call = Call::new(vec![("OrderId", "1<2")]);
    call.format = None;
    let (status, body) = call.send(&server).await;
    assert_eq!(status, 200);
    assert!(body.starts_with("<?xml"), "{body}");
    assert!(body.contains("<RejectJoinPermissionAuthOrderResponse>"));
    assert!(body.contains("<Echo>1&lt;2</Echo>"));
    assert!(body.contains("<Success>true</Success>"));
}

/// Writes `request` on a new connection and reads the answer's status line (empty if the
/// server closed without one).
async fn raw_status_line(server: &MockServer, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0u8; 1024];
    while !answer.windows(2).any(|w| w == b"\r\n") {
        match tokio::time::timeout(Duration::from_secs(2), stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => answer.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    answer.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn request_bodies_too_large_or_malformed_are_told_apart() {
    let server = server().await;
    const HEAD: &str =
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n";
    let chunked =
        |body: &[u8]| [HEAD.as_bytes(), b"Transfer-Encoding: chunked\r\n\r\n", body].concat();
    let mut over = chunked(b"");
    for _ in 0..17 {
        over.extend_from_slice(b"10000\r\n");
        over.extend_from_slice(&[b'a'; 0x10000]);
        over.extend_from_slice(b"\r\n");
    }
    over.extend_from_slice(b"0\r\n\r\n");
    for (label, request, status) in [
        ("over 1 MiB, chunked", over, "413"),
        // Announced past the limit: answered at once, without waiting for the body.
        (
            "a Content-Length past the limit",
            format!("{HEAD}Content-Length: 99999999999\r\n\r\nAction=x").into_bytes(),
            "413",
        ),
        // A broken body is the client's mistake, not a size: 400, as hyper answers a
        // broken head.
        (
            "an invalid chunk size",
            chunked(b"zz\r\nAction=x\r\n0\r\n\r\n"),
            "400",
        ),
        (
            "a chunk longer than announced",
            chunked(b"2\r\nAction=x\r\n0\r\n\r\n"),
            "400",
        ),
    ] {
        let line = raw_status_line(&server, &request).await;
        assert!(
            line.starts_with(&format!("HTTP/1.1 {status} ")),
            "{label}: {line:?}"
        );
    }
    // It still serves everyone else.
    assert_eq!(Call::new(vec![("OrderId", "1")]).send(&server).await.0, 200);
}

#[tokio::test]
async fn extreme_clock_settings_neither_refuse_everything_nor_panic() {
    // The widest allowed skew takes any well-formed timestamp (it refused every one: the
    // limit was cast to a negative number of seconds).
    let server = mock(creds())
        .max_clock_skew(Duration::MAX)
        .handler(REJECT, |_| MockResponse::ok(json!({ "Success": true })))
        .start()
        .await
        .unwrap();
    for ts in [
        None,
        Some("0000-01-01T00:00:00Z"),
        Some("9999-12-31T23:59:59Z"),
    ] {
        let mut call = Call::new(vec![]);
        call.ts = ts;
        assert_eq!(call.send(&server).await.0, 200, "{ts:?}");
    }
    // A server clock at the end of the range against a timestamp at the other end: the
    // distance overflowed, and the panic closed the connection unanswered.
    for offset in [i64::MAX, i64::MIN] {
        let server = mock(creds()).clock_offset(offset).start().await.unwrap();
        for ts in ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z"] {
            let mut call = Call::new(vec![]);
            call.ts = Some(ts);
            assert_eq!(
                call.error(&server).await,
                (400, "InvalidTimeStamp.Expired".to_owned()),
                "{offset} {ts}"
            );
        }
    }
}

#[tokio::test]
async fn faults_reset_and_huge_and_headers() {
    let server = MockServer::builder()
        .verify_signatures(false)
        .handler("Reset", |_| MockResponse::reset())
        .handler("Huge", |_| {
            MockResponse::huge(200, 3 * 1024 * 1024 + 5, true)
        })
        .handler("Hdr", |_| {
            MockResponse::error(503, "ServiceUnavailable", "busy")
                .with_header("x-acs-retry-after", "25")
        })
        .start()
        .await
        .unwrap();
    let client = HyperClient::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let get = |action: &str| {
        http::Request::get(format!(
            "{}/?Format=JSON&Action={action}",
            server.endpoint()
        ))
        .body(Full::default())
        .unwrap()
    };
    assert!(client.request(get("Reset")).await.is_err());
    let resp = client.request(get("Huge")).await.unwrap();
    assert_eq!(resp.headers()["content-length"], "3145733");
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body.len(), 3 * 1024 * 1024 + 5);
    let resp = client.request(get("Hdr")).await.unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.headers()["x-acs-retry-after"], "25");
    assert!(resp.headers().contains_key("date"));
    assert!(resp.headers().contains_key("x-acs-request-id"));
    assert!(server.connections() >= 1);
    assert_eq!(server.request_count(), 3);
}

/// Headers that carry secrets (the STS token as newer SDKs send it, `Authorization`,
/// `Cookie`) are kept for the test to read, but a recorded request's `Debug` hides them,
/// as it hides the `SecurityToken` param.
#[tokio::test]
async fn debug_of_a_recorded_request_hides_secret_headers() {
    let server = server().await;
    let request = b"GET /?Action=X HTTP/1.1\r\nhost: x\r\nx-acs-security-token: tok-SECRET-1\r\n\
        Authorization: acs id:SECRET-2\r\ncookie: s=SECRET-3\r\nx-acs-request-id: shown-4\r\n\
        connection: close\r\n\r\n";
    raw_status_line(&server, request).await;
    let recorded = server.requests();
    assert_eq!(recorded.len(), 1);
    let headers = &recorded[0].headers;
    assert_eq!(headers["x-acs-security-token"], "tok-SECRET-1");
    assert_eq!(headers["authorization"], "acs id:SECRET-2");
    let shown = format!("{:?} {:#?}", recorded[0], recorded[0]);
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(
        shown.contains("Sensitive") && shown.contains("shown-4"),
        "{shown}"
    );
}

/// A request signed correctly but declaring another signature scheme (`SignatureMethod`
/// not `HMAC-SHA1`, or `SignatureVersion` not `1.0`) is answered `IncompleteSignature`
/// (400), as the module docs' table says.
#[tokio::test]
async fn another_signature_method_or_version_is_an_incomplete_signature() {
    let server = server().await;
    let ts = timestamp(0);
    for (method, version, expected) in [
        ("HMAC-SHA256", "1.0", (400, "IncompleteSignature")),
        ("HMAC-SHA1", "2.0", (400, "IncompleteSignature")),
        ("HMAC-SHA1", "1.0", (200, "")),
    ] {
        let nonce = format!("{:032x}", fastrand::u128(..));
        let mut params: Vec<(&str, &str)> = vec![
            ("Action", REJECT),
            ("Version", "2018-12-30"),
            ("AccessKeyId", ID),
            ("SignatureMethod", method),
            ("SignatureVersion", version),
            ("SignatureNonce", &nonce),
            ("Timestamp", &ts),
            ("Format", "JSON"),
            ("OrderId", "1"),
        ];
        let body = sign_v1("POST", &mut params, SECRET).into_query();
        let (status, answer) = send_raw(
            &server,
            "POST",
            "/",
            Some("application/x-www-form-urlencoded"),
            &body,
        )
        .await;
        let code = if status == 200 {
            String::new()
        } else {
            code(&answer)
        };
        assert_eq!(
            (status, code.as_str()),
            expected,
            "{method} {version}: {answer}"
        );
    }
}

/// With `record_requests(false)`, `requests()` stays empty while `request_count()` still
/// counts every request.
#[tokio::test]
async fn a_server_that_does_not_record_still_counts() {
    let server = mock(creds())
        .record_requests(false)
        .handler(REJECT, |_req| MockResponse::ok(json!({ "Success": true })))
        .start()
        .await
        .unwrap();
    assert_eq!(Call::new(vec![("OrderId", "1")]).send(&server).await.0, 200);
    let mut wrong = Call::new(vec![]);
    wrong.secret = "not-the-secret";
    assert_eq!(wrong.error(&server).await.1, "SignatureDoesNotMatch");
    assert_eq!(server.request_count(), 2);
    assert!(server.requests().is_empty());
}
