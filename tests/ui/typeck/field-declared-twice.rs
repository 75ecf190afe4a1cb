// A field name declared twice is rustc's error alone: no "duplicate wire name" from the
// macro, and no type mismatch from a write of the second field.
use linkwan_runtime::{aliyun_rpc, RpcParam};

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct Request {
    id: String,
    id: u64,
}

#[derive(RpcParam)]
struct Nested {
    key: String,
    key: u64,
}

#[derive(serde::Deserialize)]
struct RequestResponse {}

fn main() {}
