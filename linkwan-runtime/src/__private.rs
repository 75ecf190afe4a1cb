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

/// How a `#[rpc(json)]` field is written: as [`Json`]. A trait (not a function) so that the
/// expansion can name the field's type, `<FieldType as JsonParam>::write_json`, and rustc
/// reports a missing `Serialize` at that type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent with `#[rpc(json)]`: it does not implement `serde::Serialize`",
    label = "not `serde::Serialize`",
    note = "derive or implement `serde::Serialize` for it, or drop `#[rpc(json)]` if it implements `RpcParam`"
)]
pub trait JsonParam {
    /// Writes `self` as a JSON string under `name`.
    fn write_json(&self, name: &str, out: &mut Params);
}

impl<T: serde::Serialize + ?Sized> JsonParam for T {
    fn write_json(&self, name: &str, out: &mut Params) {
        Json(self).write_param(name, out)
    }
}
