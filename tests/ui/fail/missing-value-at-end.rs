//! A key with `=` and nothing after it, last in the attribute, is reported at the key
//! (not at the whole attribute).
use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(version = "2018-12-30", action =)]
struct ActionAtEnd {}

#[aliyun_rpc(action = "A", version = "2018-12-30", response =)]
struct ResponseAtEnd {}

#[aliyun_rpc(action = "A", version = "2018-12-30", idempotent =)]
struct IdempotentAtEnd {}

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct RenameAtEnd {
    #[rpc(rename =)]
    x: String,
}

#[derive(serde::Deserialize)]
struct ActionAtEndResponse {}
#[derive(serde::Deserialize)]
struct IdempotentAtEndResponse {}
#[derive(serde::Deserialize)]
struct RenameAtEndResponse {}

fn main() {}
