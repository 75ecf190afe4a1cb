//! Functions whose result is their only purpose: calling one and dropping what it
//! returns is a bug (a signature computed and thrown away, a mock answer built and never
//! returned).
#![deny(unused_must_use)]

use linkwan_runtime::error::compare_string_to_sign;
use linkwan_runtime::response::snippet;
use linkwan_runtime::retry::{classify, RetryDecision, RetryPolicy};
use linkwan_runtime::sign::{
    canonical_query_v1, percent_encode, sign_string_v1, sign_v1, sign_v1_with_key, signature_v1,
    string_to_sign_v1, SigningKey,
};
use linkwan_runtime::test_util::MockResponse;
use linkwan_runtime::{Error, Params};

fn main() {
    let params = [("Action", "DescribeRegions")];
    percent_encode("a b");
    canonical_query_v1(params);
    string_to_sign_v1("GET", params);
    signature_v1("GET", params, "secret");
    sign_string_v1("GET&%2F&", "secret");
    let mut sorted = params;
    sign_v1("GET", &mut sorted, "secret");
    sign_v1_with_key("GET", &mut sorted, &SigningKey::new("secret"));
    sign_v1("GET", &mut sorted, "secret").into_query();

    compare_string_to_sign("GET&%2F&a", "GET&%2F&b");
    snippet(b"<html>");

    let err = Error::Config("x".into());
    let policy = RetryPolicy::default();
    classify(&err, None, false);
    policy.classify(&err, None, false);
    policy.backoff(1);
    policy.throttling_backoff(1);
    policy.delay(RetryDecision::Retry, 1);
    policy.delay_for(&err, RetryDecision::Retry, 1);

    Params::new().into_vec();
    linkwan::endpoint("cn-shanghai");
    linkwan::region_from_env();

    // A handler's answer built and dropped.
    MockResponse::ok(serde_json::json!({}));
    MockResponse::error(400, "NonExistent", "gone");
}
