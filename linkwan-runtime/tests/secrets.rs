//! No error, and no `Debug` of a client, builder or credentials, shows the AccessKey
//! secret, the STS token or the AccessKey ID.
//!
//! Every error path the client can reach is driven with distinctive credentials (service
//! errors of each kind, `SignatureDoesNotMatch` with the server's echoed string-to-sign
//! altered every way, servers echoing the request, transport failures, timeouts, decode
//! and unexpected answers, oversized bodies, configuration and environment errors), and
//! the `Display`, `Debug` and `{:#?}` of each, with its whole `source()` chain, are
//! searched for the credentials, raw, percent-encoded once and twice (as they appear in a
//! query and in a string-to-sign), and for their first 10 chars.
#![cfg(feature = "test-util")]

use std::time::Duration;

use linkwan_runtime::sign::{percent_encode, string_to_sign_v1};
use linkwan_runtime::test_util::{MockRequest, MockResponse, MockServer};
use linkwan_runtime::{
    Client, ClientBuilder, Credentials, Error, ErrorCode, Params, RetryPolicy, RpcRequest,
    SignatureMismatch,
};
use serde_json::json;

mod support;
use support::{
    assert_clean, assert_no_secrets, count, mock, refused_endpoint, reject, RejectResponse, COUNT,
    ID, REJECT, SECRET, TOKEN,
};

/// The shared credentials, with the token.
fn creds() -> Credentials {
    support::sts_creds()
}

fn builder(server: &MockServer) -> ClientBuilder {
    support::builder(server.endpoint(), creds())
        .region_id("cn-shanghai")
        .attempt_timeout(Duration::from_secs(5))
}

/// The string-to-sign the server computes for `req`.
fn server_string_to_sign(req: &MockRequest) -> String {
    string_to_sign_v1(
        &req.method,
        req.params
            .iter()
            .filter(|(k, _)| k.as_str() != "Signature")
            .map(|(k, v)| (k.as_str(), v.as_str())),
    )
}

fn mismatch(string_to_sign: &str) -> MockResponse {
    MockResponse::error(
        400,
        "SignatureDoesNotMatch",
        &format!("Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"),
    )
}

/// What a handler answers for `OrderId=<case>`: every kind of failure, several echoing
/// the request's credentials back the way real servers and gateways might.
fn answer(req: &MockRequest) -> MockResponse {
    let case = req.param("OrderId").unwrap_or_default();
    let sts = server_string_to_sign(req);
    let query = serde_urlencoded::to_string(&req.params).unwrap_or_default();
    match case {
        "undecodable" => MockResponse::ok(json!({ "Success": "maybe" })),
        "html-502" => MockResponse::raw(502, "text/html", "<html><h1>502 Bad Gateway</h1></html>"),
        // A gateway page quoting the request it refused.
        "echo-query" => MockResponse::raw(
            414,
            "text/html",
            format!("<html><body>Request-URI Too Large: /?{query}</body></html>"),
        ),
        // An error body cut in the middle of the echoed string-to-sign.
        "truncated-mismatch" => {
            let full = mismatch(&sts)
                .json_body()
                .cloned()
                .unwrap_or_default()
                .to_string();
            MockResponse::raw(400, "application/json", full[..full.len() - 10].to_owned())
        }
        // A message quoting the token and the key.
        "echo-token" => MockResponse::error(
            400,
            "InvalidSecurityToken.Malformed",
            &format!("Specified SecurityToken {TOKEN} is malformed for AccessKeyId {ID}."),
        ),
        "echo-sts-200" => {
            MockResponse::raw(200, "application/json", format!(r#"{{"Success":"{sts}"}}"#))
        }
        "huge" => MockResponse::huge(200, 8 << 20, true),
        "reset" => MockResponse::reset(),
        "stall" => MockResponse::stall(),
        code => MockResponse::error(400, code, &format!("The request failed: {code}.")),
    }
}

/// A mock server that knows [`creds`] and answers [`REJECT`] with [`answer`].
async fn answering() -> MockServer {
    mock(creds())
        .handler(REJECT, answer)
        .start()
        .await
        .expect("mock server")
}

#[tokio::test]
async fn service_errors_of_every_kind() {
    let server = answering().await;
    let client = builder(&server).build().unwrap();
    for code in [
        "ForbiddenByRam",
        "ForbiddenByRiskControl",
        "NonExistent",
        "CloudProductNotActivated",
        "InternalError",
        "FeatureNotActivated",
        "NotResourceOwner",
        "IllegalOrderStateTransition",
        "Throttling.User",
        "ServiceUnavailable",
        "InvalidTimeStamp.Expired",
        "SignatureNonceUsed",
        "InvalidParameter",
        "MissingOrderId",
        "Some.Other",
    ] {
        let err = client.call(&reject(code)).await.unwrap_err();
        assert_eq!(err.code().map(ErrorCode::as_str), Some(code));
        assert_no_secrets(code, &err);
    }
    for case in ["undecodable", "html-502", "huge", "reset"] {
        let err = client.call(&reject(case)).await.unwrap_err();
        assert_no_secrets(case, &err);
    }
}

#[tokio::test]
async fn servers_echoing_the_credentials() {
    let server = mock(creds())
        .handler(REJECT, answer)
        .handler(COUNT, |req| {
            let query = serde_urlencoded::to_string(&req.params).unwrap_or_default();
            MockResponse::raw(
                404,
                "text/html",
                format!("<html>Not found: /?{query}</html>"),
            )
        })
        .start()
        .await
        .unwrap();
    let client = builder(&server).build().unwrap();
    for case in [
        "echo-query",
        "truncated-mismatch",
        "echo-token",
        "echo-sts-200",
    ] {
        let err = client.call(&reject(case)).await.unwrap_err();
        assert_no_secrets(case, &err);
    }
    // A GET carries everything in its URL.
    let err = client.call(&count()).await.unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedResponse { status: 404, .. }),
        "{err:?}"
    );
    assert_no_secrets("GET echo", &err);
}

#[tokio::test]
async fn signature_mismatch_diagnosis_never_shows_credentials() {
    // The wrong secret: the server's string-to-sign equals ours.
    let server = answering().await;
    let wrong = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, "another-secret").with_security_token(TOKEN))
        .build()
        .unwrap();
    let err = wrong.call(&reject("1")).await.unwrap_err();
    assert_eq!(
        err.as_service().and_then(|s| s.signature_mismatch()),
        Some(&SignatureMismatch::SecretWrong)
    );
    assert_no_secrets("secret wrong", &err);

    // The server saw something else: its string-to-sign, altered at every param in every
    // way (a changed first, middle or last char, the param removed or doubled, a param
    // inserted next to it).
    type Mutation = fn(&str, &str, &str) -> String;
    let mutations: [(&str, Mutation); 6] = [
        ("first char", |s, k, v| {
            s.replacen(
                &format!("{k}%3D{v}"),
                &format!("{k}%3DX{}", &v[1.min(v.len())..]),
                1,
            )
        }),
        ("last char", |s, k, v| {
            s.replacen(
                &format!("{k}%3D{v}"),
                &format!("{k}%3D{}X", &v[..v.len().saturating_sub(1)]),
                1,
            )
        }),
        ("middle", |s, k, v| {
            s.replacen(
                &format!("{k}%3D{v}"),
                &format!("{k}%3D{}X{}", &v[..v.len() / 2], &v[v.len() / 2..]),
                1,
            )
        }),
        ("removed", |s, k, v| {
            s.replacen(&format!("{k}%3D{v}%26"), "", 1)
                .replacen(&format!("%26{k}%3D{v}"), "", 1)
        }),
        ("doubled", |s, k, v| {
            s.replacen(&format!("{k}%3D{v}"), &format!("{k}%3D{v}%26{k}%3D{v}"), 1)
        }),
        ("inserted", |s, k, v| {
            s.replacen(&format!("{k}%3D{v}"), &format!("{k}%3D{v}%26Zz%3D1"), 1)
        }),
    ];
    let params = [
        "AccessKeyId",
        "Action",
        "Format",
        "OrderId",
        "RegionId",
        "SecurityToken",
        "SignatureMethod",
        "SignatureNonce",
        "SignatureVersion",
        "Timestamp",
        "Version",
    ];
    for (name, mutate) in mutations {
        for param in params {
            let server = mock(creds())
                .handler(REJECT, move |req| {
                    let sts = server_string_to_sign(req);
                    let value = req
                        .param(param)
                        .map(|v| percent_encode(&percent_encode(v)))
                        .unwrap_or_default();
                    let altered = mutate(&sts, param, &value);
                    assert_ne!(altered, sts, "{name} {param}");
                    mismatch(&altered)
                })
                .start()
                .await
                .unwrap();
            let client = builder(&server).build().unwrap();
            let err = client.call(&reject("12 3*")).await.unwrap_err();
            let label = format!("{name} at {param}");
            let diagnosis = err
                .as_service()
                .and_then(|s| s.signature_mismatch())
                .unwrap_or_else(|| panic!("{label}: {err:?}"));
            assert!(
                matches!(diagnosis, SignatureMismatch::CanonicalizationDiffers { .. }),
                "{label}: {diagnosis:?}"
            );
            assert_no_secrets(&label, &err);
        }
    }
}

#[tokio::test]
async fn sts_and_key_errors_from_the_verifier() {
    let server = answering().await;
    // A wrong token.
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, SECRET).with_security_token(format!("{TOKEN}-old")))
        .build()
        .unwrap();
    let err = client.call(&reject("1")).await.unwrap_err();
    assert_eq!(
        err.code(),
        Some(&ErrorCode::InvalidSecurityTokenMismatchWithAccessKey)
    );
    assert_no_secrets("token mismatch", &err);
    // An unknown key.
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(format!("{ID}X"), SECRET))
        .build()
        .unwrap();
    let err = client.call(&reject("1")).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidAccessKeyIdNotFound));
    assert_no_secrets("unknown key", &err);
}

#[tokio::test]
async fn transport_and_timeouts() {
    let server = answering().await;
    // Per-attempt timeout, then the deadline.
    let bound = Duration::from_millis(50);
    for (label, timed) in [
        ("attempt timeout", builder(&server).attempt_timeout(bound)),
        ("deadline", builder(&server).timeout(bound)),
    ] {
        let err = timed
            .build()
            .unwrap()
            .call(&reject("stall"))
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{label}: {err:?}");
        assert_no_secrets(label, &err);
    }
    // Refused.
    let client = Client::builder()
        .endpoint(refused_endpoint())
        .credentials(creds())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.call(&reject("1")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.is_connect()),
        "{err:?}"
    );
    assert_no_secrets("refused", &err);
    // A param that cannot be written.
    struct Bad;
    impl RpcRequest for Bad {
        type Response = RejectResponse;
        const ACTION: &'static str = "A";
        const VERSION: &'static str = "2018-12-30";
        fn write_params(&self, params: &mut Params) {
            params.record_error("Config", "cannot serialize");
        }
    }
    let err = client.call(&Bad).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert_no_secrets("invalid request", &err);
}

#[test]
fn config_and_environment_errors() {
    let builders: [(&str, ClientBuilder); 7] = [
        ("no endpoint", Client::builder().credentials(creds())),
        ("no credentials", Client::builder().endpoint("https://h")),
        (
            "user info",
            Client::builder()
                .endpoint(format!("https://{ID}:{}@host", percent_encode(SECRET)))
                .credentials(creds()),
        ),
        (
            "a query",
            Client::builder()
                .endpoint(format!(
                    "https://host/?AccessKeyId={ID}&SecurityToken={TOKEN}"
                ))
                .credentials(creds()),
        ),
        (
            "not a URL",
            Client::builder()
                .endpoint(format!("{ID} {SECRET}"))
                .credentials(creds()),
        ),
        (
            "bad user agent",
            Client::builder()
                .endpoint("https://h")
                .credentials(creds())
                .user_agent(format!("{TOKEN}\n{SECRET}")),
        ),
        (
            "empty secret",
            Client::builder()
                .endpoint("https://h")
                .credentials(Credentials::new(ID, "").with_security_token(TOKEN)),
        ),
    ];
    for (label, builder) in builders {
        // (The builder's Debug shows the endpoint and User-Agent as the caller wrote them.)
        let err = builder.build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{label}: {err:?}");
        assert_no_secrets(label, &err);
    }

    // Environment: whichever variable is missing, the message names it, never a value.
    let vars = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", ID),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN),
    ];
    for missing in 0..2 {
        let err = Credentials::from_lookup(|name| {
            vars.iter()
                .enumerate()
                .find(|(i, (k, _))| *k == name && *i != missing)
                .map(|(_, (_, v))| v.to_string())
        })
        .unwrap_err();
        assert!(err.to_string().contains(vars[missing].0), "{err}");
        assert_no_secrets("environment", &err);
    }
}

#[test]
fn debug_of_client_builder_and_credentials() {
    let client = Client::builder()
        .endpoint("https://linkwan.cn-shanghai.aliyuncs.com")
        .credentials(creds())
        .build()
        .unwrap();
    let builder = Client::builder().credentials(creds()).endpoint("https://h");
    for (label, shown) in [
        ("client", format!("{client:?} {client:#?}")),
        ("builder", format!("{builder:?} {builder:#?}")),
        ("credentials", format!("{:?} {:#?}", creds(), creds())),
        (
            "credentials via client",
            format!("{:?}", client.credentials()),
        ),
    ] {
        assert_clean(label, &shown);
        assert!(shown.contains("redacted"), "{label}: {shown}");
    }
}

/// The mock server's views of a request show its params, but not the STS token: neither
/// what a handler is given nor what the server recorded.
#[tokio::test]
async fn debug_of_mock_requests_redacts_the_token() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let shown = seen.clone();
    let server = mock(creds())
        .handler(REJECT, move |req| {
            *shown.lock().unwrap() = format!("{req:?} {req:#?}");
            support::ok_reject()
        })
        .start()
        .await
        .expect("mock server");
    let client = builder(&server).build().unwrap();
    client.call(&reject("123")).await.unwrap();
    let recorded = server.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].param("SecurityToken"), Some(TOKEN));
    let handler_view = seen.lock().unwrap().clone();
    for (label, shown) in [
        ("handler's MockRequest", handler_view),
        (
            "recorded request",
            format!("{:?} {:#?}", recorded[0], recorded[0]),
        ),
    ] {
        for form in [
            TOKEN.to_owned(),
            percent_encode(TOKEN),
            TOKEN[..10].to_owned(),
        ] {
            assert!(!shown.contains(&form), "{label} shows the token: {shown}");
        }
        assert!(shown.contains("redacted"), "{label}: {shown}");
        // The rest is still there for debugging.
        assert!(
            shown.contains("OrderId") && shown.contains("Signature"),
            "{label}: {shown}"
        );
    }
}
