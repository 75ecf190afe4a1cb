use linkwan_runtime::{aliyun_rpc, RpcParam};
use std::borrow::Cow;

// The client writes these on every request: a field cannot be sent as one of them.
#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct ClientSetParams<'a> {
    timestamp: String,
    #[rpc(rename = "Signature")]
    my_signature: &'a str,
    version: Option<Cow<'a, str>>,
    #[rpc(json)]
    format: Vec<u8>,
    signature_nonce: std::option::Option<u64>,
    signature_method: Option<char>,
    // Fine: a request may carry its own region, and a list's keys are `Action.N`.
    region_id: String,
    action: Vec<String>,
    // Fine: not sent.
    #[rpc(skip)]
    access_key_id: String,
}

// Fine: a nested struct's keys are `Name.Key`.
#[derive(RpcParam)]
struct Nested {
    timestamp: String,
}

#[derive(serde::Deserialize)]
struct ClientSetParamsResponse {}

fn main() {}
