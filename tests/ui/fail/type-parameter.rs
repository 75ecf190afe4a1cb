use linkwan_runtime::{aliyun_rpc, RpcParam};

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct Generic<'a, T, const N: usize, U: Clone> {
    id: &'a str,
    t: T,
    u: [U; N],
}

#[derive(RpcParam)]
struct GenericTag<K> {
    key: K,
}

#[derive(serde::Deserialize)]
struct GenericResponse {}

fn main() {}
