use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct SkipWithOtherKeys {
    #[rpc(skip, rename = "Name")]
    renamed: String,
    #[rpc(json, skip)]
    json: String,
}

#[derive(serde::Deserialize)]
struct SkipWithOtherKeysResponse {}

fn main() {}
