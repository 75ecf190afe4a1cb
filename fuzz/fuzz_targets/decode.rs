//! `response::decode` over arbitrary answers: any status (100..=999), a few headers, any
//! body; into an untyped value and into a typed response with lenient fields.
//!
//! Invariants: no panic; `Ok` only for a 2xx; every error carries the status and
//! displays as a bounded line; `snippet` is bounded.
#![no_main]

use http::{HeaderMap, HeaderValue, StatusCode};
use libfuzzer_sys::fuzz_target;
use linkwan_runtime::response::{decode, lenient, snippet, SNIPPET_CHARS};
use linkwan_runtime::Error;

/// The longest `Display` of a decoding error, in chars (as in tests/decode_proptest.rs).
const MAX_DISPLAY_CHARS: usize = 4096;

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Typed {
    #[serde(rename = "RequestId")]
    request_id: String,
    #[serde(rename = "Success", with = "lenient::bool")]
    success: bool,
    #[serde(rename = "Data", default, with = "lenient::option_int")]
    data: Option<u64>,
    #[serde(rename = "Total", default, with = "lenient::option_int")]
    total: Option<i32>,
}

fn check(status: StatusCode, result: Result<(), Error>) {
    match result {
        Ok(()) => assert!(status.is_success(), "Ok for {status}"),
        Err(e) => {
            assert_eq!(e.status(), Some(status.as_u16()), "{e:?}");
            let shown = e.to_string();
            assert!(
                shown.chars().count() <= MAX_DISPLAY_CHARS,
                "{} chars",
                shown.len()
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = 100 + u16::from_le_bytes([data[0], data[1]]) % 900;
    let Ok(status) = StatusCode::from_u16(status) else {
        return;
    };
    let flags = data[2];
    let body = &data[3..];
    let mut headers = HeaderMap::new();
    if flags & 1 != 0 {
        headers.insert(
            "x-acs-request-id",
            HeaderValue::from_static("FUZZ-REQUEST-ID"),
        );
    }
    if flags & 2 != 0 {
        headers.insert(
            "date",
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
    }
    if flags & 4 != 0 {
        // Some of the body as a header value, when it is one.
        let n = body.len().min(usize::from(flags >> 3));
        if let Ok(v) = HeaderValue::from_bytes(&body[..n]) {
            headers.insert("date", v.clone());
            headers.insert("x-acs-request-id", v);
        }
    }
    check(
        status,
        decode::<serde_json::Value>(status, &headers, body).map(drop),
    );
    check(status, decode::<Typed>(status, &headers, body).map(drop));
    let s = snippet(body);
    assert!(
        s.chars().count() <= SNIPPET_CHARS + " <omitted>".len(),
        "{s:?}"
    );
});
