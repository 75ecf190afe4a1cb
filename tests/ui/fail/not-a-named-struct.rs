use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30")]
enum Enum {
    A { id: String },
}

#[aliyun_rpc(action = "A", version = "2018-12-30")]
union Union {
    id: u32,
}

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct Tuple(String, u32);

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct Unit;

#[derive(serde::Deserialize)]
struct EnumResponse {}
#[derive(serde::Deserialize)]
struct UnionResponse {}
#[derive(serde::Deserialize)]
struct TupleResponse {}
#[derive(serde::Deserialize)]
struct UnitResponse {}

fn main() {}
