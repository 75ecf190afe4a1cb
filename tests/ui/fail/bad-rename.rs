use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct BadRenames {
    #[rpc(rename = "")]
    empty: String,
    #[rpc(rename = "Order Id")]
    with_space: String,
}

#[derive(serde::Deserialize)]
struct BadRenamesResponse {}

fn main() {}
