//! The product-agnostic runtime for Alibaba Cloud (Aliyun) RPC-style OpenAPIs.
//!
//! * [`sign`]: the RPC signature V1 (HMAC-SHA1) signer, as pure functions.
//! * [`Params`] and [`RpcParam`]: how request values write themselves as RPC params.
//! * [`RpcRequest`]: the trait the [`aliyun_rpc`] macro implements.
//! * [`Credentials`], [`Client`]: a pooled hyper 1.x client over rustls.
//! * [`Error`], [`ServiceError`], [`ErrorCode`]: typed errors; [`response`]: decoding and
//!   [`response::lenient`] serde helpers.
//! * [`RetryPolicy`] and [`retry`]: what is retried, and when.
//! * `test_util` (feature `test-util`): a signature-verifying loopback mock server.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
// `Error::Service` holds a `ServiceError` by value, with its public fields (a contract):
// ~230 bytes, moved only on failure, against ~10 µs per call.
#![allow(clippy::result_large_err)]

pub mod client;
mod credentials;
pub mod error;
pub mod params;
mod request;
pub mod response;
pub mod retry;
pub mod sign;
#[cfg(feature = "test-util")]
pub mod test_util;
mod time;

#[doc(hidden)]
#[path = "__private.rs"]
pub mod __private;

pub use client::{Client, ClientBuilder};
pub use credentials::Credentials;
pub use error::{Error, ErrorCode, ServiceError, SignatureMismatch, TimeoutKind, TransportError};
pub use params::{Params, RpcParam};
pub use request::{Method, RpcRequest};
pub use retry::RetryPolicy;

// The macros' own docs (every key, field attribute and compile error, with tested
// examples) are inlined here.
#[doc(inline)]
pub use linkwan_macros::aliyun_rpc;
#[doc(inline)]
pub use linkwan_macros::RpcParam;
