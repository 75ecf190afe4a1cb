//! One item, many mistakes: every one is reported in a single build.
use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "Bad Action", version = "2018-02-35", method = "PATCH", idempotent, idempotent, respons = X)]
struct ManyMistakes {
    #[rpc(rename = "")]
    a: String,
    #[rpc(jsn)]
    b: String,
    node_id: String,
    #[rpc(rename = "NodeId")]
    c: String,
}

#[derive(serde::Deserialize)]
struct ManyMistakesResponse {}

fn main() {}
