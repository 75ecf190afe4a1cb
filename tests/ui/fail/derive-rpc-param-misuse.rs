use linkwan_runtime::RpcParam;

#[derive(RpcParam)]
enum Enum {
    A,
}

#[derive(RpcParam)]
struct Tuple(String);

#[derive(RpcParam)]
#[rpc(crat = "linkwan_runtime", rename = "X")]
struct UnknownContainerKeys {
    key: String,
}

#[derive(RpcParam)]
#[rpc(crate = 1)]
struct CrateNotAString {
    #[rpc(rename = "")]
    key: String,
}

fn main() {}
