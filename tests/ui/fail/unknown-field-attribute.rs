use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct UnknownFieldAttributes {
    #[rpc(renam = "Id")]
    id: String,
    #[rpc(flatten)]
    nested: String,
    #[rpc(Json)]
    config: String,
}

#[derive(serde::Deserialize)]
struct UnknownFieldAttributesResponse {}

fn main() {}
