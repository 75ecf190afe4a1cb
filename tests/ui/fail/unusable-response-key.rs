//! An unusable `response` is reported once; no error about a `<Name>Response` type
//! that was never meant to exist.
use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30", response = "Custom")]
struct StringResponse {}

#[aliyun_rpc(action = "A", version = "2018-12-30", respons = Custom)]
struct MisspelledResponse {}

#[derive(serde::Deserialize)]
struct Custom {}

fn main() {}
