//! An unusable `response` is reported once; no error about a `<Name>Response` type
//! that was never meant to exist.
use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30", response = "Custom")]
struct StringResponse {}

#[aliyun_rpc(action = "A", version = "2018-12-30", respons = Custom)]
struct MisspelledResponse {}

#[aliyun_rpc(action = "A", version = "2018-12-30", response = _)]
struct InferredResponse {}

#[aliyun_rpc(action = "A", version = "2018-12-30", response = impl serde::de::DeserializeOwned)]
struct OpaqueResponse {}

#[derive(serde::Deserialize)]
struct Custom {}

fn main() {}
