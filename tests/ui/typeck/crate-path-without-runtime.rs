// A `crate` path that does not lead to the runtime: rustc's resolution error, at the
// path the user wrote.
use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30", crate = "::linkwan_runtime::params")]
struct NotTheRuntime {
    id: String,
}

#[derive(serde::Deserialize)]
struct NotTheRuntimeResponse {}

fn main() {}
