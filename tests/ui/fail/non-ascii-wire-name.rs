//! Aliyun param names are ASCII: a non-ASCII field name or `rename` can never name one
//! (the gateway ignores a param it does not know, so this would fail silently).
#![allow(non_snake_case)]
use linkwan_runtime::{aliyun_rpc, RpcParam};

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct NonAscii {
    設備名: String,
    #[rpc(rename = "DevEUİ")]
    dev_eui: String,
    // Fine: the wire name is ASCII.
    #[rpc(rename = "NodeName")]
    nœud: String,
}

#[derive(RpcParam)]
struct Tag {
    ключ: String,
}

#[derive(serde::Deserialize)]
struct NonAsciiResponse {}

fn main() {}
