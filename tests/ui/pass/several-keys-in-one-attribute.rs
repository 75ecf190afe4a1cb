use linkwan_runtime::{aliyun_rpc, Params, RpcRequest};

#[aliyun_rpc(action = "ApplyConfig", version = "2019-03-01", idempotent = false,)]
struct ApplyConfig {
    #[rpc(rename = "Config", json)]
    config: Vec<u8>,
    #[rpc(skip)]
    #[allow(dead_code)]
    note: String,
}

#[derive(serde::Deserialize)]
struct ApplyConfigResponse {}

/// Type-checked, not run: the behaviour is asserted in `tests/expand.rs`.
#[allow(dead_code)]
fn check() {
    let mut params = Params::new();
    ApplyConfig { config: vec![1], note: String::new() }.write_params(&mut params);
    assert_eq!(params.get("Config"), Some("[1]"));
    assert_eq!(params.len(), 1);
}

fn main() {}
