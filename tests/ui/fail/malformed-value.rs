use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = DescribeRegions, version = 20181230)]
struct NotStrings {}

#[aliyun_rpc(action = "A", version = "2018-12-30", idempotent = "yes", crate = "not a path!")]
struct BadFlagAndCrate {}

#[aliyun_rpc(action, version = "2018-12-30", response = "Custom")]
struct MissingValueAndStringResponse {}

/// Arguments on a flag; the keys after it are still read.
#[aliyun_rpc(action = "A", version = "2018-12-30", idempotent(true), method = "PUT")]
struct FlagWithArguments {}

/// A path with generic arguments never names a crate or module.
#[aliyun_rpc(action = "A", version = "2018-12-30", crate = "Vec<u8>")]
struct GenericCratePath {}

#[derive(serde::Deserialize)]
struct NotStringsResponse {}
#[derive(serde::Deserialize)]
struct BadFlagAndCrateResponse {}
#[derive(serde::Deserialize)]
struct MissingValueAndStringResponseResponse {}
#[derive(serde::Deserialize)]
struct FlagWithArgumentsResponse {}
#[derive(serde::Deserialize)]
struct GenericCratePathResponse {}

fn main() {}
