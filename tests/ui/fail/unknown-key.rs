use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(acton = "DescribeRegions", version = "2014-05-26")]
struct Typo {}

#[aliyun_rpc(action = "A", version = "2014-05-26", respnse = ARsp, idempotnt, Method = "GET")]
struct SeveralTypos {}

#[aliyun_rpc(action = "B", version = "2014-05-26", timeout = 5, serde::rename = "x")]
struct FarFromAnyKey {}

/// A path that looks like `action` is taken as a typo of it, like `acton`: no "missing
/// `action`" after "did you mean `action`?".
#[aliyun_rpc(action::x = "C", version = "2014-05-26")]
struct PathKey {}

#[derive(serde::Deserialize)]
struct TypoResponse {}
#[derive(serde::Deserialize)]
struct SeveralTyposResponse {}
#[derive(serde::Deserialize)]
struct FarFromAnyKeyResponse {}
#[derive(serde::Deserialize)]
struct PathKeyResponse {}

fn main() {}
