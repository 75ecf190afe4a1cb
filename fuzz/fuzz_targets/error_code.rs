//! `ErrorCode::from` over arbitrary strings: the code string always round-trips exactly
//! (from `&str`, from `String`, through `FromStr` and `Display`), and the classification
//! agrees with the code's shape.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkwan_runtime::ErrorCode;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let code = ErrorCode::from(s);
    assert_eq!(code.as_str(), s);
    assert_eq!(ErrorCode::from(s.to_owned()), code);
    assert_eq!(s.parse::<ErrorCode>().ok(), Some(code.clone()));
    assert_eq!(code.to_string(), s);
    assert_eq!(code, *s);
    assert_eq!(
        code.is_throttling(),
        s == "Throttling" || s.starts_with("Throttling.")
    );
    if s.starts_with("Forbidden") || s.starts_with("InvalidAccessKeyId") {
        assert!(code.is_permanent(), "{s}");
    }
    assert!(!(code.is_permanent() && code.is_retryable()), "{s}");
});
