use linkwan_runtime::{aliyun_rpc, RpcParam};
use std::collections::HashMap;
use std::time::Duration;

struct NotAParam;

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct Unencodable {
    ok: String,
    timeout: Duration,
    labels: HashMap<String, String>,
    list: Vec<NotAParam>,
}

#[derive(RpcParam)]
struct NestedUnencodable {
    inner: NotAParam,
}

#[derive(serde::Deserialize)]
struct UnencodableResponse {}

fn main() {}
