use linkwan_runtime::aliyun_rpc;

// One struct is one action: a second attribute is reported once, at itself, and the
// struct still gets one `RpcRequest` impl (no "conflicting implementations" after it).
#[aliyun_rpc(action = "RejectJoinPermissionAuthOrder", version = "2018-12-30")]
#[linkwan_runtime::aliyun_rpc(action = "AcceptJoinPermissionAuthOrder", version = "2018-12-30")]
pub struct Twice {
    pub order_id: String,
}

#[derive(serde::Deserialize)]
pub struct TwiceResponse {}

fn main() {
    let _: &dyn Fn() -> &'static str = &|| <Twice as linkwan_runtime::RpcRequest>::ACTION;
}
