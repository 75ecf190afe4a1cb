//! Join-permission authorisation orders: a network operator authorises a developer
//! (solution provider) to use a dedicated join permission; the developer accepts or
//! rejects the order, the operator may cancel it while it is pending.

use linkwan_runtime::aliyun_rpc;
use serde::{Deserialize, Serialize};

/// Rejects a dedicated join-permission authorisation order.
///
/// A developer (solution provider) calls this to turn down a dedicated join permission
/// that a network operator authorised to them. The order must be pending.
///
/// Errors (all HTTP 400) the platform documents for this action, with the message it
/// sends:
///
/// | code | message | meaning |
/// |---|---|---|
/// | `ForbiddenByRam` | User not authorized to operate on the specified resource, or this API does not support RAM. | the RAM user lacks the permission, or the API does not support RAM |
/// | `ForbiddenByRiskControl` | This operation cannot be performed because of security risks. | refused because of a security risk |
/// | `NonExistent` | The specified resource does not exist. | no such order |
/// | `CloudProductNotActivated` | The Link WAN service has not been activated. | the LinkWAN service is not activated |
/// | `InternalError` | The request processing has failed due to some unknown error, exception or failure. | the request failed for an unknown reason |
/// | `FeatureNotActivated` | The feature has not been activated. | the feature is not activated |
/// | `NotResourceOwner` | You are not authorized to use this resource. | not authorised to use this resource |
/// | `IllegalOrderStateTransition` | The order status conversion is invalid. | the order's state does not allow it: it is not pending (already accepted, rejected or cancelled) |
///
/// ```
/// use linkwan::RejectJoinPermissionAuthOrder;
/// use linkwan_runtime::{Params, RpcRequest};
///
/// let req = RejectJoinPermissionAuthOrder { order_id: "123".into() };
/// let mut params = Params::new();
/// req.write_params(&mut params);
/// assert_eq!(params.get("OrderId"), Some("123"));
/// assert_eq!(RejectJoinPermissionAuthOrder::ACTION, "RejectJoinPermissionAuthOrder");
/// ```
#[aliyun_rpc(action = "RejectJoinPermissionAuthOrder", version = "2018-12-30")]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RejectJoinPermissionAuthOrder {
    /// The ID of the authorisation order to reject (`OrderId`), e.g. `123`.
    pub order_id: String,
}

/// The answer to [`RejectJoinPermissionAuthOrder`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RejectJoinPermissionAuthOrderResponse {
    /// The request ID, e.g. `89EF6CAA-958F-F32C-BE45-FE003C6DE097`.
    pub request_id: String,
    /// Whether the call succeeded (the order was rejected).
    #[serde(with = "linkwan_runtime::response::lenient::bool")]
    pub success: bool,
}

/// Accepts a dedicated join-permission authorisation order (it must be pending).
#[aliyun_rpc(action = "AcceptJoinPermissionAuthOrder", version = "2018-12-30")]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AcceptJoinPermissionAuthOrder {
    /// The ID of the authorisation order to accept (`OrderId`).
    pub order_id: String,
}

/// The answer to [`AcceptJoinPermissionAuthOrder`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AcceptJoinPermissionAuthOrderResponse {
    /// The request ID.
    pub request_id: String,
    /// Whether the order was accepted.
    #[serde(with = "linkwan_runtime::response::lenient::bool")]
    pub success: bool,
}

/// Cancels a pending join-permission authorisation order (the network operator's side).
#[aliyun_rpc(action = "CancelJoinPermissionAuthOrder", version = "2018-12-30")]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CancelJoinPermissionAuthOrder {
    /// The ID of the authorisation order to cancel (`OrderId`).
    pub order_id: String,
}

/// The answer to [`CancelJoinPermissionAuthOrder`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CancelJoinPermissionAuthOrderResponse {
    /// The request ID.
    pub request_id: String,
    /// Whether the order was cancelled.
    #[serde(with = "linkwan_runtime::response::lenient::bool")]
    pub success: bool,
}

/// Authorises a renter's Alibaba Cloud account to use an owned join permission: submits
/// a pending authorisation order (the network operator's side).
#[aliyun_rpc(action = "SubmitJoinPermissionAuthOrder", version = "2018-12-30")]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SubmitJoinPermissionAuthOrder {
    /// The join permission to authorise (`JoinPermissionId`).
    pub join_permission_id: String,
    /// The Alibaba Cloud account ID of the renter (`RenterAliyunId`).
    pub renter_aliyun_id: String,
}

/// The answer to [`SubmitJoinPermissionAuthOrder`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubmitJoinPermissionAuthOrderResponse {
    /// The request ID.
    pub request_id: String,
    /// Whether the order was submitted.
    #[serde(with = "linkwan_runtime::response::lenient::bool")]
    pub success: bool,
    /// The new order's ID (a Long the platform may send as a string, e.g. `"1234"`).
    #[serde(with = "linkwan_runtime::response::lenient::int")]
    pub data: u64,
}
