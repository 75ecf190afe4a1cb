//! The [`RpcRequest`] trait the `#[aliyun_rpc]` macro implements.

use crate::params::Params;

/// The HTTP method an RPC action is sent with.
///
/// `POST` sends the signed params form-encoded in the body (as the official SDKs do for
/// RPC); `GET` sends them in the query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Method {
    /// `GET`: params in the query string.
    Get,
    /// `POST`: params form-encoded in the body (the default).
    #[default]
    Post,
}

impl Method {
    /// The method's name as it appears on the wire and in the string-to-sign.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// The method's name, as [`as_str`](Method::as_str).
impl AsRef<str> for Method {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One RPC action: its name, API version, method, response type and params.
///
/// Usually implemented by `#[aliyun_rpc(...)]`, but it is an ordinary trait:
///
/// ```
/// use linkwan_runtime::{Params, RpcRequest};
///
/// struct DescribeRegions;
///
/// #[derive(serde::Deserialize)]
/// struct DescribeRegionsResponse {
///     #[serde(rename = "RequestId")]
///     request_id: String,
/// }
///
/// impl RpcRequest for DescribeRegions {
///     type Response = DescribeRegionsResponse;
///     const ACTION: &'static str = "DescribeRegions";
///     const VERSION: &'static str = "2014-05-26";
///     fn write_params(&self, _params: &mut Params) {}
/// }
/// assert_eq!(DescribeRegions::ACTION, "DescribeRegions");
/// ```
pub trait RpcRequest {
    /// What a successful (2xx) JSON body deserializes into.
    type Response: serde::de::DeserializeOwned;
    /// The `Action` param, e.g. `RejectJoinPermissionAuthOrder`.
    const ACTION: &'static str;
    /// The `Version` param, `YYYY-MM-DD`.
    const VERSION: &'static str;
    /// The HTTP method; `POST` unless the action says otherwise.
    const METHOD: Method = Method::Post;
    /// Whether the action may safely be applied twice (Describe/List/Get/Count-style
    /// actions). Idempotent actions are also retried on `InternalError`/`UnknownError`,
    /// read timeouts and connections lost after sending, and on HTTP 500/502/504 when
    /// the policy leaves those to them
    /// ([`RetryPolicy::with_non_idempotent_5xx_retries`](crate::RetryPolicy::with_non_idempotent_5xx_retries));
    /// see [`retry`](crate::retry).
    const IDEMPOTENT: bool = false;

    /// Writes the action's own params (not the common ones) into `params`.
    fn write_params(&self, params: &mut Params);
}

impl<T: RpcRequest + ?Sized> RpcRequest for &T {
    type Response = T::Response;
    const ACTION: &'static str = T::ACTION;
    const VERSION: &'static str = T::VERSION;
    const METHOD: Method = T::METHOD;
    const IDEMPOTENT: bool = T::IDEMPOTENT;

    fn write_params(&self, params: &mut Params) {
        (**self).write_params(params)
    }
}
