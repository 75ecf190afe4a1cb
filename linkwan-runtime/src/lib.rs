//! The product-agnostic runtime for Alibaba Cloud (Aliyun) RPC-style OpenAPIs.
//!
//! * [`sign`]: the RPC signature V1 (HMAC-SHA1) signer, as pure functions.
//! * [`Params`] and [`RpcParam`]: how request values write themselves as RPC params.
//! * [`RpcRequest`]: the trait the [`aliyun_rpc`] macro implements.
//! * [`Credentials`], [`Client`]: a pooled hyper 1.x client over rustls.
//! * [`Error`], [`ServiceError`], [`ErrorCode`]: typed errors.
//! * `test_util` (feature `test-util`): a signature-verifying loopback mock server.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod client;
mod credentials;
pub mod error;
pub mod params;
mod request;
pub mod response;
pub mod sign;
#[cfg(feature = "test-util")]
pub mod test_util;

#[doc(hidden)]
#[path = "__private.rs"]
pub mod __private;

pub use client::{Client, ClientBuilder};
pub use credentials::Credentials;
pub use error::{Error, ErrorCode, ServiceError};
pub use params::{Params, RpcParam};
pub use request::{Method, RpcRequest};

// The macros' own docs (every key, field attribute and compile error, with tested
// examples) are inlined here.
#[doc(inline)]
pub use linkwan_macros::aliyun_rpc;
#[doc(inline)]
pub use linkwan_macros::RpcParam;
