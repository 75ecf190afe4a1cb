//! A signature-verifying loopback mock server for tests (feature `test-util`).
//!
//! [`MockServer`] listens on `127.0.0.1`, checks every request the way the platform
//! does (the V1 signature, the AccessKey, a replayed `SignatureNonce`, a stale
//! `Timestamp`, the STS token) and answers each action from a handler the test registers.
//! Use it in your own tests:
//!
//! ```
//! use linkwan_runtime::test_util::{MockResponse, MockServer};
//! use linkwan_runtime::Credentials;
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let server = MockServer::builder()
//!     .credentials(Credentials::new("test-id", "test-secret"))
//!     .handler("RejectJoinPermissionAuthOrder", |req| match req.param("OrderId") {
//!         Some("123") => MockResponse::ok(json!({ "Success": true })),
//!         _ => MockResponse::error(400, "NonExistent", "The specified resource does not exist."),
//!     })
//!     .start()
//!     .await?;
//! assert!(server.endpoint().starts_with("http://127.0.0.1:"));
//! # Ok(())
//! # }
//! ```
//!
//! A whole test: start it, point a [`Client`](crate::Client) at it, call, look at what
//! it received, stop it (dropping it stops it too):
//!
//! ```
//! use linkwan_runtime::test_util::{MockResponse, MockServer};
//! use linkwan_runtime::{aliyun_rpc, Client, Credentials, ErrorCode};
//!
//! #[aliyun_rpc(action = "DescribeRegions", version = "2014-05-26", idempotent)]
//! pub struct DescribeRegions {
//!     pub accept_language: Option<String>,
//! }
//!
//! #[derive(Debug, serde::Deserialize)]
//! #[serde(rename_all = "PascalCase")]
//! pub struct DescribeRegionsResponse {
//!     pub request_id: String,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let creds = Credentials::new("test-id", "test-secret");
//! let server = MockServer::builder()
//!     .credentials(creds.clone())
//!     .handler("DescribeRegions", |_req| MockResponse::ok(serde_json::json!({ "Regions": [] })))
//!     .start()
//!     .await?;
//! let client = Client::builder()
//!     .endpoint(server.endpoint())
//!     .credentials(creds)
//!     .build()?;
//!
//! let request = DescribeRegions { accept_language: Some("en-US".into()) };
//! let resp = client.call(&request).await?;
//!
//! // Every request received, signed or not, with its decoded params.
//! let received = server.requests();
//! assert_eq!(received.len(), 1);
//! assert_eq!(received[0].action(), "DescribeRegions");
//! assert_eq!(received[0].param("AcceptLanguage"), Some("en-US"));
//! assert!(received[0].verified.is_ok());
//! assert_eq!(resp.request_id.len(), 36);
//!
//! // A key it does not hold is refused, as the platform refuses it.
//! let stranger = Client::builder()
//!     .endpoint(server.endpoint())
//!     .credentials(Credentials::new("other-id", "other-secret"))
//!     .build()?;
//! let err = stranger.call(&request).await.unwrap_err();
//! assert_eq!(err.code(), Some(&ErrorCode::InvalidAccessKeyIdNotFound));
//! assert_eq!(server.requests()[1].verified, Err("InvalidAccessKeyId.NotFound".to_owned()));
//!
//! server.shutdown();
//! # Ok(())
//! # }
//! ```
//!
//! A handler is any `Fn(&MockRequest) -> MockResponse + Send + Sync`: one that keeps
//! state (an atomic counter here) answers differently from one attempt to the next. Here
//! the server's clock is an hour ahead and the action is throttled twice: the client
//! learns the offset from the `InvalidTimeStamp.Expired` answer's `Date` and tries again
//! at once, then backs off from the throttling twice, each attempt signed afresh:
//!
//! ```
//! use std::sync::atomic::{AtomicUsize, Ordering};
//! use std::sync::Arc;
//! use std::time::Duration;
//! use linkwan_runtime::test_util::{MockResponse, MockServer};
//! use linkwan_runtime::{aliyun_rpc, Client, Credentials, RetryPolicy};
//!
//! #[aliyun_rpc(action = "DescribeRegions", version = "2014-05-26", idempotent)]
//! pub struct DescribeRegions {}
//!
//! #[derive(Debug, serde::Deserialize)]
//! pub struct DescribeRegionsResponse {}
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let creds = Credentials::new("test-id", "test-secret");
//! let answered = Arc::new(AtomicUsize::new(0));
//! let count = answered.clone();
//! let server = MockServer::builder()
//!     .credentials(creds.clone())
//!     .clock_offset(3600) // the server's clock, an hour ahead of ours
//!     .handler("DescribeRegions", move |_req| {
//!         if count.fetch_add(1, Ordering::SeqCst) < 2 {
//!             MockResponse::error(400, "Throttling.User", "Request was denied due to user flow control.")
//!         } else {
//!             MockResponse::ok(serde_json::json!({}))
//!         }
//!     })
//!     .start()
//!     .await?;
//! let client = Client::builder()
//!     .endpoint(server.endpoint())
//!     .credentials(creds)
//!     // The default waits from 500 ms after throttling; a test need not.
//!     .retry_policy(RetryPolicy::default().with_throttling_base_backoff(Duration::from_millis(10)))
//!     .build()?;
//!
//! client.call(&DescribeRegions {}).await?;
//!
//! let received = server.requests();
//! let verdicts: Vec<_> = received.iter().map(|r| r.verified.clone()).collect();
//! assert_eq!(verdicts, [Err("InvalidTimeStamp.Expired".to_owned()), Ok(()), Ok(()), Ok(())]);
//! assert_eq!(answered.load(Ordering::SeqCst), 3); // throttled, throttled, answered
//! assert_ne!(received[1].param("SignatureNonce"), received[2].param("SignatureNonce"));
//! assert!((3590..=3610).contains(&client.clock_offset_secs()));
//! # Ok(())
//! # }
//! ```
//!
//! Params are read from the query string and, for a body whose media type is
//! `application/x-www-form-urlencoded` (in any case, with or without `; charset=...`),
//! from the body: the official SDKs send the common params in the query and the action's
//! in a form body; the crate's `Client` sends them all in the body, or all in the query
//! for a `method = "GET"` action.
//!
//! What the server checks, in the platform's order, and what it answers:
//!
//! | check | code | status |
//! |---|---|---|
//! | a common param missing (`AccessKeyId`, `Signature`, `SignatureNonce`, `Timestamp`, …) | `Missing{Name}` | 400 |
//! | `SignatureMethod` is not `HMAC-SHA1` or `SignatureVersion` not `1.0` | `IncompleteSignature` | 400 |
//! | `Timestamp` not `YYYY-MM-DDTHH:MM:SSZ`, or a date that does not exist (`2026-02-29`) | `InvalidTimeStamp.Format` | 400 |
//! | `Timestamp` off by more than 15 minutes (see [`MockServerBuilder::max_clock_skew`]) | `InvalidTimeStamp.Expired` | 400 |
//! | unknown `AccessKeyId` | `InvalidAccessKeyId.NotFound` | 404 |
//! | STS token missing or wrong for a key registered with one | `InvalidSecurityToken.MismatchWithAccessKey` | 400 |
//! | the signature differs | `SignatureDoesNotMatch`, message ending `server string to sign is:…` | 400 |
//! | the nonce was seen before (a nonce is remembered while its timestamp is inside the allowed skew; a replay after that is refused as expired) | `SignatureNonceUsed` | 400 |
//! | no handler for `Action` (and no [`fallback`](MockServerBuilder::fallback)) | `InvalidAction.NotFound` | 404 |
//!
//! Before any of these, a request body over 1 MiB (or a `Content-Length` saying so) is
//! answered `RequestTooLarge` (413), and one that cannot be read (a broken chunked
//! encoding) `MalformedRequestBody` (400), both recorded with their query's params;
//! hyper answers a broken request head (never recorded) with a
//! plain 400 (431 when it is too large). Either way the server keeps serving every
//! other connection. A handler's answer with a status that is not a final HTTP status
//! (below 200, or above 999) is replaced by `MockServer.InvalidStatus` (500), whose
//! message names the status, so that a test's typo does not pass as some other answer;
//! likewise a header whose name or value HTTP cannot carry, by `MockServer.InvalidHeader`.
//! A handler that panics (a failed `assert!` or `unwrap` in it) is answered
//! `MockServer.HandlerPanicked` (500), whose message carries the panic's, on a connection
//! that stays open; dropping the [`MockServer`] then panics with that message, so the
//! test fails even if it expected the call to fail.
//!
//! Without `Format=JSON` the server answers XML, as the platform does. Every JSON (or
//! XML) answer carries `x-acs-request-id`, and every answer a `Date` header (shifted by
//! [`MockServerBuilder::clock_offset`] to simulate a skewed server clock).

mod clock;
mod response;
mod server;
mod verify;

pub use response::MockResponse;
pub use server::{MockRequest, MockServer, MockServerBuilder, RecordedRequest};
