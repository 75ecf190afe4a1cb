//! What macro expansions need, by absolute path. Not a public API: it may change in any
//! release; `linkwan-macros` is pinned to this crate's exact version.

pub use crate::params::{Json, Params, RpcParam};
pub use crate::request::{Method, RpcRequest};
pub use core::option::Option;
pub use core::primitive::{bool, str};
pub use serde;
pub use serde_json;
pub use std::string::String;

/// `Tag.1` + `Key` → `Tag.1.Key`: the wire name of a nested struct's field.
pub fn nested_key(name: &str, key: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1 + key.len());
    out.push_str(name);
    out.push('.');
    out.push_str(key);
    out
}
