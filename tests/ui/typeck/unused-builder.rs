//! Values whose only purpose is to be used: dropping one is a bug.
#![deny(unused_must_use)]

use std::time::Duration;

use linkwan_runtime::test_util::{MockResponse, MockServer};
use linkwan_runtime::{Client, Credentials, RetryPolicy, ServiceError};

fn main() {
    // A builder never built: no client.
    Client::builder().endpoint("https://linkwan.cn-shanghai.aliyuncs.com");
    linkwan::client_builder("cn-shanghai");

    // `with_*` return the changed value; the original was moved.
    let policy = RetryPolicy::default();
    policy.with_max_attempts(5);
    let creds = Credentials::new("id", "secret");
    creds.with_security_token("token");
    ServiceError::new(400, "NonExistent", "m").with_request_id("r");
    MockResponse::ok(serde_json::json!({})).with_delay(Duration::from_millis(1));

    // Already `#[must_use]`: a mock server builder never started.
    MockServer::builder();
}

// A call that is never awaited sends nothing.
#[allow(dead_code)]
fn never_awaited(client: &Client) {
    client.call(&linkwan::RejectJoinPermissionAuthOrder::default());
}
