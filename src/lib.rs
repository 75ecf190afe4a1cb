//! The Alibaba Cloud **LinkWAN** client, built with [`linkwan_runtime`] and its
//! `#[aliyun_rpc]` macro the way any product client is built.
//!
//! ```no_run
//! use linkwan::{Credentials, RejectJoinPermissionAuthOrder};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), linkwan::Error> {
//! // https://linkwan.cn-shanghai.aliyuncs.com, RegionId=cn-shanghai
//! let client = linkwan::client(Credentials::from_env()?, linkwan::DEFAULT_REGION)?;
//! let resp = client
//!     .call(&RejectJoinPermissionAuthOrder { order_id: "123".into() })
//!     .await?;
//! println!("{} (RequestId {})", resp.success, resp.request_id);
//! # Ok(())
//! # }
//! ```
//!
//! Errors are [`Error`]s; a service error carries its [`ErrorCode`]. With the default
//! feature `emulator`, [`emulator::Emulator`] is an in-memory LinkWAN on loopback that
//! verifies signatures like the platform: the example's embedded default, a server for
//! your tests, and what this example runs against (pending order `123`, rejected twice):
//!
//! ```
//! # #[cfg(feature = "emulator")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use linkwan::emulator::Emulator;
//! use linkwan::{ErrorCode, RejectJoinPermissionAuthOrder};
//!
//! let emulator = Emulator::start().await?;
//! let client = linkwan::client_builder(linkwan::DEFAULT_REGION)
//!     .endpoint(emulator.endpoint()) // instead of https://linkwan.cn-shanghai.aliyuncs.com
//!     .credentials(emulator.credentials())
//!     .build()?;
//!
//! let reject = RejectJoinPermissionAuthOrder { order_id: "123".into() };
//! assert!(client.call(&reject).await?.success);
//! let again = client.call(&reject).await;
//! # assert_eq!(again.as_ref().err().and_then(|e| e.code()), Some(&ErrorCode::IllegalOrderStateTransition));
//! match again {
//!     Ok(resp) => println!("rejected: {}", resp.success),
//!     Err(e) if e.code() == Some(&ErrorCode::IllegalOrderStateTransition) => {
//!         println!("the order is no longer pending")
//!     }
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "emulator"))]
//! # fn main() {}
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]
// The crate docs link to `emulator`, which exists only with that feature.
#![cfg_attr(not(feature = "emulator"), allow(rustdoc::broken_intra_doc_links))]
#![warn(missing_docs, missing_debug_implementations)]
// Every public fallible function says when it fails (C-FAILURE); CI's clippy -D warnings
// keeps it so.
#![warn(clippy::missing_errors_doc)]
// `linkwan_runtime::Error` holds a `ServiceError` by value (a contract): large, but moved
// only on failure.
#![allow(clippy::result_large_err)]

mod order;

#[cfg(feature = "emulator")]
pub mod emulator;

pub use linkwan_runtime::{
    Client, ClientBuilder, Credentials, Error, ErrorCode, RetryPolicy, ServiceError,
};
// What `Error`'s variants hold, so that matching them needs no direct dependency on
// linkwan-runtime.
pub use linkwan_runtime::{SignatureMismatch, TimeoutKind, TransportError};
// The variables `Credentials::from_env` reads, next to `ENV_REGION_ID`.
pub use linkwan_runtime::{ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN};
pub use order::*;

/// The region used when none is given: `cn-shanghai`, where LinkWAN is offered.
pub const DEFAULT_REGION: &str = "cn-shanghai";

/// The environment variable naming the region (`ALIBABA_CLOUD_REGION_ID`).
pub const ENV_REGION_ID: &str = "ALIBABA_CLOUD_REGION_ID";

/// The LinkWAN endpoint of `region`: `https://linkwan.{region}.aliyuncs.com`.
///
/// ```
/// assert_eq!(linkwan::endpoint("cn-shanghai"), "https://linkwan.cn-shanghai.aliyuncs.com");
/// ```
#[must_use]
pub fn endpoint(region: &str) -> String {
    format!("https://linkwan.{region}.aliyuncs.com")
}

/// A [`ClientBuilder`] for LinkWAN in `region`: its endpoint, and `RegionId` sent with
/// every call. Add credentials and settings, then `build()`.
///
/// ```
/// use linkwan::Credentials;
/// use std::time::Duration;
///
/// let client = linkwan::client_builder("cn-shanghai")
///     .credentials(Credentials::new("id", "secret"))
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// assert_eq!(client.endpoint(), "https://linkwan.cn-shanghai.aliyuncs.com");
/// # Ok::<(), linkwan::Error>(())
/// ```
pub fn client_builder(region: &str) -> ClientBuilder {
    Client::builder()
        .endpoint(endpoint(region))
        .region_id(region)
}

/// A LinkWAN client for `region` with default settings.
///
/// ```
/// use linkwan::Credentials;
///
/// let client = linkwan::client(Credentials::new("id", "secret"), "cn-hangzhou")?;
/// assert_eq!(client.endpoint(), "https://linkwan.cn-hangzhou.aliyuncs.com");
/// assert_eq!(client.region_id(), Some("cn-hangzhou"));
/// # Ok::<(), linkwan::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Config`] when `region` is not a region ID (ASCII letters, digits and `-`,
/// as `cn-shanghai`), then as [`ClientBuilder::build`] (the AccessKey ID or secret
/// empty, say).
///
/// ```
/// use linkwan::Credentials;
///
/// let err = linkwan::client(Credentials::new("id", "secret"), "cn shanghai").unwrap_err();
/// assert!(err.to_string().contains(r#"invalid region "cn shanghai""#), "{err}");
/// ```
pub fn client(credentials: Credentials, region: &str) -> Result<Client, Error> {
    let is_region_id = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !is_region_id {
        // Said as such: the host it would make is only a symptom ("invalid endpoint").
        return Err(Error::Config(format!(
            "invalid region {region:?}: a region ID is ASCII letters, digits and '-' \
             (e.g. {DEFAULT_REGION})"
        )));
    }
    client_builder(region).credentials(credentials).build()
}

/// A LinkWAN client from the environment: credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`,
/// `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (and `ALIBABA_CLOUD_SECURITY_TOKEN`), region from
/// `ALIBABA_CLOUD_REGION_ID` (default [`DEFAULT_REGION`]).
///
/// # Errors
///
/// As [`Credentials::from_env`] (a variable unset), then as [`client`].
pub fn client_from_env() -> Result<Client, Error> {
    let region = region_from_env();
    client(Credentials::from_env()?, &region)
}

/// `ALIBABA_CLOUD_REGION_ID`, or [`DEFAULT_REGION`] when unset or empty.
#[must_use]
pub fn region_from_env() -> String {
    std::env::var(ENV_REGION_ID)
        .ok()
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_REGION.to_owned())
}

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
