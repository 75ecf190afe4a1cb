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
//!
//! Declare an action, build a client, call it (here against the mock server, which checks
//! the signature the way the platform does):
//!
//! ```
//! use linkwan_runtime::{aliyun_rpc, Client, Credentials};
//!
//! #[aliyun_rpc(action = "RejectJoinPermissionAuthOrder", version = "2018-12-30")]
//! pub struct RejectJoinPermissionAuthOrder {
//!     pub order_id: String, // sent as `OrderId`
//! }
//!
//! #[derive(Debug, serde::Deserialize)]
//! #[serde(rename_all = "PascalCase")]
//! pub struct RejectJoinPermissionAuthOrderResponse {
//!     pub request_id: String,
//!     pub success: bool,
//! }
//!
//! # #[cfg(feature = "test-util")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use linkwan_runtime::test_util::{MockResponse, MockServer};
//! # let creds = Credentials::new("test-id", "test-secret");
//! # let server = MockServer::builder()
//! #     .credentials(creds.clone())
//! #     .handler("RejectJoinPermissionAuthOrder", |_| MockResponse::ok(serde_json::json!({ "Success": true })))
//! #     .start()
//! #     .await?;
//! # let endpoint = server.endpoint();
//! // endpoint: "https://linkwan.cn-shanghai.aliyuncs.com" in production
//! let client = Client::builder()
//!     .endpoint(endpoint)
//!     .credentials(creds)
//!     .build()?;
//! let resp = client
//!     .call(&RejectJoinPermissionAuthOrder { order_id: "123".into() })
//!     .await?;
//! assert!(resp.success);
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "test-util"))]
//! # fn main() {}
//! ```
//!
//! # Public dependencies
//!
//! Types of these crates appear in this crate's API, so a major version bump of one of
//! them is a major version bump of this crate (and your code needs the same major
//! version to name them):
//!
//! * `serde` 1: [`RpcRequest::Response`] is `serde::de::DeserializeOwned`, and
//!   [`response::lenient`] holds `#[serde(with = "...")]` helpers.
//! * `http` 1: [`response::decode`] takes an `http::StatusCode` and an `http::HeaderMap`;
//!   the mock server's recorded requests hold their headers as an `http::HeaderMap`.
//! * `serde_json` 1 and `bytes` 1, with feature `test-util` only: the mock server's
//!   answers are built from a `serde_json::Value` or `impl Into<bytes::Bytes>`.
//!
//! hyper, hyper-util, rustls and tokio are not part of the API: the client hides them, and a
//! [`TransportError`]'s [`source`](std::error::Error::source) chain holds their errors only
//! as `dyn Error`. The client (and the mock server) run on a Tokio runtime, with its I/O
//! and time drivers enabled, as `#[tokio::main]` gives.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs, missing_debug_implementations)]
// Every public fallible function says when it fails (C-FAILURE); CI's clippy -D warnings
// keeps it so.
#![warn(clippy::missing_errors_doc)]
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

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

#[doc(hidden)]
#[path = "__private.rs"]
pub mod __private;

pub use client::{Client, ClientBuilder};
pub use credentials::{Credentials, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN};
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
