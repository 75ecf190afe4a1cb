//! `#[deprecated]` on a request, its fields or its response is for the code that uses
//! them: the generated impls read the fields and name the types without a warning
//! (here denied), as serde's derives do.
#![deny(deprecated)]

use linkwan_runtime::{aliyun_rpc, Params, RpcParam, RpcRequest};

#[deprecated(note = "use NewAction")]
#[aliyun_rpc(action = "OldAction", version = "2019-03-01")]
pub struct OldAction {
    pub id: String,
}

#[deprecated(note = "use NewActionResponse")]
#[derive(serde::Deserialize)]
pub struct OldActionResponse {}

#[aliyun_rpc(action = "NewAction", version = "2019-03-01")]
pub struct NewAction {
    pub id: String,
    #[deprecated(note = "the API ignores it since 2020")]
    pub legacy_flag: Option<bool>,
    #[deprecated]
    #[rpc(json)]
    pub legacy_config: Option<Vec<u8>>,
    pub tag: Vec<Tag>,
}

#[derive(serde::Deserialize)]
pub struct NewActionResponse {}

/// A current request answered by a deprecated type: `#[allow(deprecated)]` on the struct
/// covers its impl too.
#[allow(deprecated)]
#[aliyun_rpc(action = "Reused", version = "2019-03-01", response = OldActionResponse)]
pub struct Reused {
    pub id: String,
}

#[derive(RpcParam)]
pub struct Tag {
    #[deprecated]
    pub key: String,
}

#[deprecated]
#[derive(RpcParam)]
pub struct OldTag {
    pub key: String,
}

/// Type-checked, not run: uses of the deprecated items are the user's, and allowed here.
#[allow(dead_code, deprecated)]
fn check() {
    let mut params = Params::new();
    OldAction { id: "1".into() }.write_params(&mut params);
    NewAction {
        id: "1".into(),
        legacy_flag: Some(true),
        legacy_config: None,
        tag: vec![Tag { key: "k".into() }],
    }
    .write_params(&mut params);
    params.insert("Old", &OldTag { key: "k".into() });
}

fn main() {}
