use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(version = "2018-12-30")]
struct MissingAction {
    id: String,
}

#[aliyun_rpc(action = "MissingVersion")]
struct MissingVersion {
    id: String,
}

#[aliyun_rpc]
struct MissingBoth {
    id: String,
}

#[derive(serde::Deserialize)]
struct MissingActionResponse {}
#[derive(serde::Deserialize)]
struct MissingVersionResponse {}
#[derive(serde::Deserialize)]
struct MissingBothResponse {}

fn main() {}
