//! `&'a str` fields: lifetime parameters are carried into the impl.
use linkwan_runtime::{aliyun_rpc, Params, RpcParam, RpcRequest};

#[derive(Debug, Clone, RpcParam)]
struct Label<'a> {
    r#type: &'a str,
}

/// Docs and derives are kept.
#[aliyun_rpc(action = "Borrowing", version = "2019-03-01")]
#[derive(Debug, Clone)]
struct Borrowing<'a, 'b: 'a> {
    r#type: &'a str,
    r#match: Option<&'b str>,
    #[rpc(rename = "Labels")]
    label: Vec<Label<'a>>,
}

#[derive(serde::Deserialize)]
struct BorrowingResponse {}

fn write<R: RpcRequest>(request: &R) -> Params {
    let mut params = Params::new();
    request.write_params(&mut params);
    params
}

/// Type-checked, not run: the behaviour is asserted in `tests/expand.rs`.
#[allow(dead_code)]
fn check() {
    let owned = String::from("abc");
    let request = Borrowing {
        r#type: &owned,
        r#match: None,
        label: vec![Label { r#type: "x" }],
    };
    let params = write(&request.clone());
    assert_eq!(params.get("Type"), Some("abc"));
    assert_eq!(params.get("Labels.1.Type"), Some("x"));
    assert_eq!(params.len(), 2);
}

fn main() {}
