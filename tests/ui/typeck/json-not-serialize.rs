use linkwan_runtime::aliyun_rpc;

struct NotSerialize;

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct JsonNotSerialize {
    #[rpc(json)]
    config: NotSerialize,
    #[rpc(json)]
    maybe: Option<NotSerialize>,
}

#[derive(serde::Deserialize)]
struct JsonNotSerializeResponse {}

fn main() {}
