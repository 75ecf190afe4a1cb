//! `#[aliyun_rpc]` may come after other attributes, derives included.
use linkwan_runtime::{aliyun_rpc, Params, RpcRequest};

/// Docs stay.
#[derive(Debug, Clone, PartialEq, Default)]
#[allow(dead_code)]
#[aliyun_rpc(action = "GetNode", version = "2019-03-01")]
pub struct GetNode {
    #[rpc(rename = "DevEUI")]
    pub dev_eui: String,
}

#[derive(serde::Deserialize)]
pub struct GetNodeResponse {}

/// Type-checked, not run: the behaviour is asserted in `tests/expand.rs`.
#[allow(dead_code)]
fn check() {
    let request = GetNode { dev_eui: "e".into() };
    assert_eq!(request.clone(), request);
    let mut params = Params::new();
    request.write_params(&mut params);
    assert_eq!(params.get("DevEUI"), Some("e"));
    assert_eq!(format!("{request:?}"), "GetNode { dev_eui: \"e\" }");
}

fn main() {}
