//! What macro expansions need, by absolute path. Not a public API: it may change in any
//! release; `linkwan-macros` is pinned to this crate's exact version.

pub use crate::params::{Json, Params, RpcParam};
pub use crate::request::{Method, RpcRequest};
pub use core::option::Option;
pub use serde;
pub use serde_json;
