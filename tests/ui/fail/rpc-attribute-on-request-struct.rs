use linkwan_runtime::{aliyun_rpc, RpcParam};

#[aliyun_rpc(action = "A", version = "2018-12-30")]
#[rpc(crate = "linkwan_runtime")]
struct RpcOnStruct {
    id: String,
}

// A derive above the attribute has already run, and `#[aliyun_rpc]` cannot see it: the
// message says to write the derive below.
#[derive(RpcParam)]
#[aliyun_rpc(action = "A", version = "2018-12-30")]
#[rpc(crate = "linkwan_runtime")]
struct DeriveAbove {
    id: String,
}

#[derive(serde::Deserialize)]
struct RpcOnStructResponse {}
#[derive(serde::Deserialize)]
struct DeriveAboveResponse {}

fn main() {}
