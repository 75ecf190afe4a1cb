//! A syntax error in the arguments is reported where it is, and keys after it are not
//! called missing.
use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A" version = "2018-12-30")]
struct MissingComma {}

#[aliyun_rpc(action = "A", version = "2018-12-30", 42)]
struct StrayLiteral {}

#[derive(serde::Deserialize)]
struct MissingCommaResponse {}
#[derive(serde::Deserialize)]
struct StrayLiteralResponse {}

fn main() {}
