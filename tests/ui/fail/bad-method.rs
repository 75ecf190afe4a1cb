use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30", method = "post")]
struct Lowercase {}

#[aliyun_rpc(action = "A", version = "2018-12-30", method = "PUT")]
struct Put {}

#[aliyun_rpc(action = "A", version = "2018-12-30", method = GET)]
struct NotALiteral {}

#[derive(serde::Deserialize)]
struct LowercaseResponse {}
#[derive(serde::Deserialize)]
struct PutResponse {}
#[derive(serde::Deserialize)]
struct NotALiteralResponse {}

fn main() {}
