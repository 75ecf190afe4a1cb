use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2014-05-26", action = "B")]
struct DuplicateAction {}

#[aliyun_rpc(action = "A", version = "2014-05-26", idempotent, idempotent = false, method = "GET", method = "POST")]
struct DuplicateFlagAndMethod {}

#[derive(serde::Deserialize)]
struct DuplicateActionResponse {}
#[derive(serde::Deserialize)]
struct DuplicateFlagAndMethodResponse {}

fn main() {}
