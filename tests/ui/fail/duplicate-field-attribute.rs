use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct DuplicateFieldAttributes {
    #[rpc(rename = "A", rename = "B")]
    twice_in_one: String,
    #[rpc(json)]
    #[rpc(json)]
    twice_in_two: Vec<u8>,
    #[rpc(rename = 1, rename = "X")]
    unusable_then_repeated: String,
    #[rpc(skip, skip)]
    skipped_twice: String,
}

#[derive(serde::Deserialize)]
struct DuplicateFieldAttributesResponse {}

fn main() {}
