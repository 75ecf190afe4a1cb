// `impl Trait` is not a field type: rustc's error at the field, once; the expansion does
// not write the field (`<impl Trait as RpcParam>` would be a second error, "not allowed
// in paths").
use linkwan_runtime::{aliyun_rpc, RpcParam};

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct Request {
    id: String,
    name: impl std::fmt::Display,
    #[rpc(json)]
    config: Option<impl serde::Serialize>,
}

#[derive(RpcParam)]
struct Nested {
    key: impl std::fmt::Display,
}

#[derive(serde::Deserialize)]
struct RequestResponse {}

fn main() {}
