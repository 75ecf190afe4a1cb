use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2014-05-26", action = "B")]
struct DuplicateAction {}

#[aliyun_rpc(action = "A", version = "2014-05-26", idempotent, idempotent = false, method = "GET", method = "POST")]
struct DuplicateFlagAndMethod {}

/// The first `version` is unusable; the second is still a repeat.
#[aliyun_rpc(action = "A", version = 2014, version = "2014-05-26")]
struct DuplicateAfterUnusable {}

#[derive(serde::Deserialize)]
struct DuplicateActionResponse {}
#[derive(serde::Deserialize)]
struct DuplicateAfterUnusableResponse {}
#[derive(serde::Deserialize)]
struct DuplicateFlagAndMethodResponse {}

fn main() {}
