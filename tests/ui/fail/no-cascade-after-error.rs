//! A mistake in the attribute yields exactly that error: the struct and a placeholder
//! impl are still emitted, so code using them type-checks.
use linkwan_runtime::{aliyun_rpc, Params, RpcRequest};

#[aliyun_rpc(action = "GetNode", version = "2019-3-1")]
#[derive(Debug, Clone)]
struct GetNode {
    #[rpc(rename = "DevEui")]
    dev_eui: String,
}

#[derive(serde::Deserialize)]
struct GetNodeResponse {
    request_id: String,
}

fn uses_the_request(request: &GetNode) -> String {
    let mut params = Params::new();
    request.clone().write_params(&mut params);
    let _: Option<<GetNode as RpcRequest>::Response> = None;
    format!("{:?} {}", request, request.dev_eui)
}

fn main() {
    let _ = uses_the_request(&GetNode { dev_eui: String::new() });
    let _ = |r: GetNodeResponse| r.request_id;
}
