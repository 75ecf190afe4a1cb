use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30")]
#[rpc(crate = "linkwan_runtime")]
struct RpcOnStruct {
    id: String,
}

#[derive(serde::Deserialize)]
struct RpcOnStructResponse {}

fn main() {}
