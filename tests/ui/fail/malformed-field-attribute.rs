use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct MalformedFieldAttributes {
    #[rpc]
    bare: String,
    #[rpc = "Name"]
    name_value: String,
    #[rpc(rename)]
    rename_without_value: String,
    #[rpc(rename = Id)]
    rename_not_a_string: String,
    #[rpc(json = true)]
    json_with_value: String,
    #[rpc(skip("yes"))]
    skip_with_args: String,
}

#[derive(serde::Deserialize)]
struct MalformedFieldAttributesResponse {}

fn main() {}
