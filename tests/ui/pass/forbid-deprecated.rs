//! Under `#![forbid(deprecated)]` any `#[allow(deprecated)]` is an error (E0453): the
//! expansion adds one only for a struct that is, or has fields that are, deprecated.
#![forbid(deprecated)]

use linkwan_runtime::{aliyun_rpc, RpcParam};

#[aliyun_rpc(action = "GetNode", version = "2019-03-01")]
pub struct GetNode {
    pub dev_eui: String,
    pub tag: Option<Tag>,
}

#[derive(serde::Deserialize)]
pub struct GetNodeResponse {}

#[derive(RpcParam)]
pub struct Tag {
    pub key: String,
}

fn main() {}
