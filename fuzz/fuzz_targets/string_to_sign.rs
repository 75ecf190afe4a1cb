//! `compare_string_to_sign`, the `SignatureDoesNotMatch` diagnosis, over arbitrary
//! strings-to-sign from the server.
//!
//! Invariants: no panic; identical strings blame the secret; the excerpt of *our* string
//! never holds our AccessKey ID or STS token (only the server's text, which the fuzzer
//! writes, may); the diagnosis is a bounded line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkwan_runtime::error::{compare_string_to_sign, SignatureMismatch};

const KEY_ID: &str = "LTAI5tFuzzKeyIdZZ";
const TOKEN: &str = "CAISfuzzStsTokenZZ";

/// A string-to-sign as the client builds it (the values percent-encoded twice).
const OURS: &str = concat!(
    "POST&%2F&AccessKeyId%3DLTAI5tFuzzKeyIdZZ%26Action%3DRejectJoinPermissionAuthOrder",
    "%26Format%3DJSON%26OrderId%3D12%25203%252A%26RegionId%3Dcn-shanghai",
    "%26SecurityToken%3DCAISfuzzStsTokenZZ%26SignatureMethod%3DHMAC-SHA1",
    "%26SignatureNonce%3D0123456789abcdef0123456789abcdef%26SignatureVersion%3D1.0",
    "%26Timestamp%3D2026-11-27T21%253A00%253A00Z%26Version%3D2018-12-30"
);

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The fuzzer's text against ours; and, split at the first newline, against itself.
    let (a, b) = text.split_once('\n').unwrap_or((&text, ""));
    let _ = compare_string_to_sign(a, b);
    let diagnosis = compare_string_to_sign(OURS, &text);
    if text.trim() == OURS {
        assert_eq!(diagnosis, SignatureMismatch::SecretWrong);
        return;
    }
    let SignatureMismatch::CanonicalizationDiffers { ours, .. } = &diagnosis else {
        panic!("different strings blamed on the secret: {text:?}");
    };
    assert!(
        !ours.contains(KEY_ID) && !ours.contains(TOKEN),
        "{diagnosis:?}"
    );
    let shown = diagnosis.to_string();
    assert!(shown.chars().count() <= 4096, "{} chars", shown.len());
});
