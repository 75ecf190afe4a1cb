use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "", version = "2018-12-30")]
struct EmptyAction {}

#[aliyun_rpc(action = "Describe-Regions", version = "2018-12-30")]
struct Dash {}

#[aliyun_rpc(action = "Describe Regions", version = "2018-12-30")]
struct Space {}

#[derive(serde::Deserialize)]
struct EmptyActionResponse {}
#[derive(serde::Deserialize)]
struct DashResponse {}
#[derive(serde::Deserialize)]
struct SpaceResponse {}

fn main() {}
