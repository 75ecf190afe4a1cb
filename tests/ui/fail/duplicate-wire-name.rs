use linkwan_runtime::{aliyun_rpc, RpcParam};

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct DuplicateWireNames {
    order_id: String,
    #[rpc(rename = "OrderId")]
    legacy_order_id: String,
    #[rpc(rename = "Tag")]
    tags: Vec<String>,
    tag: String,
    #[rpc(skip)]
    skipped_is_not_sent: String,
    #[rpc(rename = "SkippedIsNotSent")]
    so_this_is_fine: String,
}

#[derive(RpcParam)]
struct Nested {
    dev_eui: String,
    #[rpc(rename = "DevEui")]
    other: String,
}

#[derive(serde::Deserialize)]
struct DuplicateWireNamesResponse {}

fn main() {}
