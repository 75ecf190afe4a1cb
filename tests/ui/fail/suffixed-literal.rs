//! A suffix on a string literal is not part of its value: `"A"x` is refused, not read
//! as `"A"`.
use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A"suffix, version = "2018-12-30"v, method = "GET"m, crate = "linkwan_runtime"c)]
struct Suffixed {
    #[rpc(rename = "X"y)]
    x: String,
}

#[derive(serde::Deserialize)]
struct SuffixedResponse {}

fn main() {}
