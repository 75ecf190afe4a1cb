//! Properties of the response decoder, [`linkwan_runtime::response::decode`]:
//!
//! * over arbitrary bytes, statuses and headers it never panics, and every error it
//!   returns displays as a bounded line (a gateway's 4 MiB page or a 4 MiB `Message`
//!   must not become a 4 MiB log line);
//! * an arbitrary JSON object with `Code` and `Message` keys (any casing, any extra keys)
//!   is an [`Error::Service`] whose code string round-trips exactly through
//!   [`ErrorCode::as_str`], whatever the status, 2xx included when the response type
//!   cannot take the body.

use http::{HeaderMap, HeaderValue, StatusCode};
use linkwan_runtime::response::decode;
use linkwan_runtime::{Error, ErrorCode};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// The longest `Display` of a decoding error, in chars.
const MAX_DISPLAY_CHARS: usize = 4096;

/// 512 cases from a fixed seed: the same cases on every run (set `PROPTEST_RNG_SEED` to
/// explore others), and no failure files written into the source tree.
fn config() -> ProptestConfig {
    use proptest::test_runner::RngSeed;
    let default = ProptestConfig::default();
    ProptestConfig {
        cases: 512,
        rng_seed: match default.rng_seed {
            RngSeed::Random => RngSeed::Fixed(0x11_4b_a4),
            from_env => from_env,
        },
        failure_persistence: None,
        ..default
    }
}

/// A response type that needs a field the error bodies below never have.
#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Typed {
    #[serde(rename = "Success")]
    success: bool,
    #[serde(rename = "Data", default)]
    data: Option<u64>,
}

fn status() -> impl Strategy<Value = StatusCode> {
    prop_oneof![
        3 => Just(200u16),
        1 => 200u16..300,
        4 => 400u16..600,
        1 => 100u16..1000,
    ]
    .prop_map(|s| StatusCode::from_u16(s).expect("100..=999 is valid"))
}

/// Short strings of any chars, or long runs of one char (cheap to generate, long enough
/// to overflow any display bound).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>(),
        1 => (any::<char>(), 0usize..20_000).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

/// Bytes: raw noise, JSON-ish noise, or JSON objects with error-body keys.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let noise = prop::collection::vec(any::<u8>(), 0..2048);
    let jsonish = prop::collection::vec(
        prop::sample::select(
            b"{}[]\":,.-+0123456789eEtruefalsnCodeMsagRqIdHt \\/u\xc3\xa9\xff".to_vec(),
        ),
        0..512,
    );
    let objects = (
        prop::sample::select(vec![
            "Code",
            "code",
            "ErrorCode",
            "Success",
            "Data",
            "Message",
        ]),
        text(),
        prop::sample::select(vec![
            "Message",
            "message",
            "RequestId",
            "requestId",
            "HostId",
        ]),
        text(),
        any::<bool>(),
    )
        .prop_map(|(k1, v1, k2, v2, truncate)| {
            let mut bytes = json!({ k1: v1, k2: v2 }).to_string().into_bytes();
            if truncate {
                bytes.truncate(bytes.len() * 2 / 3);
            }
            bytes
        });
    prop_oneof![2 => noise, 2 => jsonish, 3 => objects]
}

fn headers() -> impl Strategy<Value = HeaderMap> {
    (
        prop::option::of("[ -~]{0,300}"),
        prop::option::of(prop_oneof![
            Just("Sun, 06 Nov 1994 08:49:37 GMT".to_owned()),
            "[ -~]{0,40}",
        ]),
        prop::option::of("[ -~]{0,12}"),
    )
        .prop_map(|(request_id, date, retry_after)| {
            let mut h = HeaderMap::new();
            for (name, value) in [
                ("x-acs-request-id", request_id),
                ("date", date),
                ("x-acs-retry-after", retry_after),
            ] {
                if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
                    h.insert(name, v);
                }
            }
            h
        })
}

fn assert_bounded(err: &Error) {
    let shown = err.to_string();
    let chars = shown.chars().count();
    assert!(
        chars <= MAX_DISPLAY_CHARS,
        "{chars} chars: {}…",
        shown.chars().take(300).collect::<String>()
    );
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_answers_never_panic_and_display_bounded(
        status in status(),
        headers in headers(),
        body in body(),
    ) {
        match decode::<Value>(status, &headers, &body) {
            Ok(_) => prop_assert!(status.is_success()),
            Err(e) => {
                assert_bounded(&e);
                prop_assert_eq!(e.status(), Some(status.as_u16()));
            }
        }
        match decode::<Typed>(status, &headers, &body) {
            Ok(_) => prop_assert!(status.is_success()),
            Err(e) => {
                assert_bounded(&e);
                prop_assert_eq!(e.status(), Some(status.as_u16()));
                prop_assert!(
                    matches!(
                        e,
                        Error::Service(_) | Error::Decode { .. } | Error::UnexpectedResponse { .. }
                    ),
                    "{:?}",
                    e
                );
            }
        }
    }
}

/// A code: a known one, a plausible one, any string, or a long one (never empty: an
/// empty `Code` is no error body).
fn code() -> impl Strategy<Value = String> {
    let known = prop::sample::select(vec![
        "Throttling",
        "Throttling.User",
        "Throttling.Tenant",
        "InternalError",
        "IllegalOrderStateTransition",
        "NonExistent",
        "ForbiddenByRam",
        "SignatureDoesNotMatch",
        "InvalidTimeStamp.Expired",
        "InvalidAccessKeyId.NotFound",
        "MissingOrderId",
        "Missing",
        "Forbidden.RAM",
        "ServiceUnavailable",
    ])
    .prop_map(str::to_owned);
    prop_oneof![
        3 => known,
        3 => "[A-Za-z][A-Za-z0-9.]{0,40}",
        2 => any::<String>(),
        1 => (any::<char>(), 1usize..5_000).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
    .prop_filter("an empty Code is not an error body", |c| !c.is_empty())
}

/// A leaf JSON value for the extra keys.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        Just(json!({ "Nested": [1, "two", null] })),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn error_objects_are_service_errors_with_the_exact_code(
        code in code(),
        numeric_code in prop::option::weighted(0.1, any::<i64>()),
        message in text(),
        request_id in prop::option::of("[0-9A-F-]{1,36}"),
        code_key in prop::sample::select(vec!["Code", "code", "CODE", "ErrorCode"]),
        message_key in prop::sample::select(vec!["Message", "message", "ErrorMessage"]),
        extra in prop::collection::btree_map("X[A-Za-z0-9]{0,10}", leaf(), 0..6),
        status in prop_oneof![100u16..200, 200u16..300, 300u16..1000],
    ) {
        let status = StatusCode::from_u16(status).expect("valid");
        let mut object: Map<String, Value> = extra.into_iter().collect();
        let code = match numeric_code {
            Some(n) => {
                object.insert(code_key.to_owned(), Value::from(n));
                n.to_string()
            }
            None => {
                object.insert(code_key.to_owned(), Value::String(code.clone()));
                code
            }
        };
        object.insert(message_key.to_owned(), Value::String(message.clone()));
        if let Some(id) = &request_id {
            object.insert("RequestId".to_owned(), Value::String(id.clone()));
        }
        let body = Value::Object(object).to_string();

        let err = decode::<Typed>(status, &HeaderMap::new(), body.as_bytes())
            .expect_err("no Success field: never decodes");
        let Error::Service(se) = &err else {
            panic!("{status} {body}: {err:?}");
        };
        prop_assert_eq!(se.code.as_str(), code.as_str());
        prop_assert_eq!(ErrorCode::from(code.as_str()), se.code.clone());
        let owned = ErrorCode::from(code.clone());
        prop_assert_eq!(owned.as_str(), code.as_str());
        prop_assert_eq!(se.status, status.as_u16());
        prop_assert_eq!(se.request_id(), request_id.as_deref());
        if se.code == ErrorCode::SignatureDoesNotMatch
            && message.to_ascii_lowercase().contains("string to sign is:")
        {
            prop_assert!(se.message.ends_with(" <omitted>"), "{}", se.message);
        } else {
            prop_assert_eq!(&se.message, &message);
        }
        assert_bounded(&err);
        let shown = err.to_string();
        if code.chars().count() <= 64 {
            prop_assert!(shown.starts_with(&format!("{code}: ")), "{}", shown);
        }
    }
}

#[test]
fn a_huge_message_is_not_a_huge_line() {
    // The bound holds for the longest bodies the client reads (4 MiB by default).
    let body = json!({
        "RequestId": "r".repeat(1 << 20),
        "Code": "InternalError",
        "Message": "m".repeat(3 << 20),
    })
    .to_string();
    let err =
        decode::<Typed>(StatusCode::BAD_REQUEST, &HeaderMap::new(), body.as_bytes()).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InternalError));
    assert_eq!(
        err.as_service().unwrap().message.len(),
        3 << 20,
        "the field keeps it all"
    );
    assert_bounded(&err);
    // The same for an undecodable 2xx whose serde message quotes the value.
    let body =
        json!({ "RequestId": "r".repeat(1 << 20), "Success": "x".repeat(3 << 20) }).to_string();
    let err = decode::<Typed>(StatusCode::OK, &HeaderMap::new(), body.as_bytes()).unwrap_err();
    assert!(
        matches!(err, Error::Decode { .. }),
        "{:?}",
        err.to_string().get(..200)
    );
    assert_bounded(&err);
}
