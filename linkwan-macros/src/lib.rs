//! The `#[aliyun_rpc(...)]` attribute and `#[derive(RpcParam)]` for
//! [`linkwan-runtime`](https://docs.rs/linkwan-runtime).
//!
//! Use them through the runtime's re-exports, `linkwan_runtime::aliyun_rpc` and
//! `linkwan_runtime::RpcParam`: the generated code names everything through
//! `::linkwan_runtime::__private`, so this crate is an implementation detail (it is pinned
//! to the runtime's exact version).
//!
//! ```
//! use linkwan_runtime::{aliyun_rpc, Params, RpcRequest};
//!
//! #[aliyun_rpc(action = "RejectJoinPermissionAuthOrder", version = "2018-12-30")]
//! #[derive(Debug, Clone)]
//! pub struct RejectJoinPermissionAuthOrder {
//!     /// Sent as `OrderId`.
//!     pub order_id: String,
//! }
//!
//! #[derive(Debug, serde::Deserialize)]
//! #[serde(rename_all = "PascalCase")]
//! pub struct RejectJoinPermissionAuthOrderResponse {
//!     pub request_id: String,
//!     pub success: bool,
//! }
//!
//! let request = RejectJoinPermissionAuthOrder { order_id: "42".into() };
//! let mut params = Params::new();
//! request.write_params(&mut params);
//! assert_eq!(params.get("OrderId"), Some("42"));
//! assert_eq!(RejectJoinPermissionAuthOrder::ACTION, "RejectJoinPermissionAuthOrder");
//! ```
//!
//! See [`macro@aliyun_rpc`] for every key and field attribute, and [`macro@RpcParam`] for
//! nested list params (`Tag.1.Key`).
//!
//! # Layout
//!
//! Parse, then judge, then generate: `args.rs` (the `#[aliyun_rpc(...)]` keys) and
//! `attr.rs` (`#[rpc(...)]`) only record what was written, `ast.rs` is a borrowed view of
//! the struct, `valid.rs` holds every rule, `expand.rs` builds tokens, and `fallback.rs`
//! emits the item plus `compile_error!`s when something is wrong. Errors accumulate in a
//! `ctxt::Ctxt`, so every mistake in one item is reported at once.

#![warn(missing_docs)]

mod args;
mod ast;
mod attr;
mod case;
mod ctxt;
mod expand;
mod fallback;
mod symbol;
mod valid;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

use proc_macro::TokenStream;

/// Implements `linkwan_runtime::RpcRequest` for a struct with named fields: one Aliyun
/// RPC-style action.
///
/// The struct is kept as written (docs, derives, other attributes); the macro only removes
/// its own `#[rpc(...)]` field attributes and adds the impl.
///
/// ```
/// use linkwan_runtime::{aliyun_rpc, Method, Params, RpcRequest};
///
/// /// Lists the nodes of a node group.
/// #[aliyun_rpc(action = "ListNodesByNodeGroupId", version = "2019-03-01", idempotent)]
/// #[derive(Debug, Default)]
/// pub struct ListNodesByNodeGroupId<'a> {
///     pub node_group_id: &'a str,       // NodeGroupId
///     pub iot_instance_id: Option<String>, // IotInstanceId, omitted when None
///     pub limit: u32,                   // Limit
///     #[rpc(rename = "FuzzyDevEui")]
///     pub dev_eui_prefix: Option<String>,
/// }
///
/// #[derive(Debug, serde::Deserialize)]
/// #[serde(rename_all = "PascalCase")]
/// pub struct ListNodesByNodeGroupIdResponse {
///     pub request_id: String,
/// }
///
/// let request = ListNodesByNodeGroupId { node_group_id: "g-1", limit: 10, ..Default::default() };
/// let mut params = Params::new();
/// request.write_params(&mut params);
/// assert_eq!(params.iter().collect::<Vec<_>>(), [("NodeGroupId", "g-1"), ("Limit", "10")]);
/// assert!(ListNodesByNodeGroupId::IDEMPOTENT);
/// assert_eq!(ListNodesByNodeGroupId::METHOD, Method::Post);
/// ```
///
/// # Keys of `#[aliyun_rpc(...)]`
///
/// | key | required | meaning |
/// |---|---|---|
/// | `action = "Name"` | yes | `RpcRequest::ACTION`: ASCII letters and digits, not empty |
/// | `version = "YYYY-MM-DD"` | yes | `RpcRequest::VERSION`; checked at compile time to be a date that exists (month 01-12, `2018-02-29` refused) |
/// | `response = Type` | no | `RpcRequest::Response`, any `serde::de::DeserializeOwned`; default: the type `<StructName>Response` in scope |
/// | `method = "POST"` / `"GET"` | no | `RpcRequest::METHOD`; default `POST` |
/// | `idempotent`, `idempotent = true` / `false` | no | `RpcRequest::IDEMPOTENT`, for Describe/List/Get/Count-style actions: the client retries `InternalError`, `UnknownError`, read timeouts and connections lost after sending only for those (and HTTP 500/502/504 too when the policy says `with_non_idempotent_5xx_retries(false)`); default `false` |
/// | `crate = "path"` | no | where the runtime lives, for crates that re-export it (like serde's `#[serde(crate = "...")]`); default `::linkwan_runtime` |
///
/// # Fields
///
/// Every named field is sent under its wire name: the field name in PascalCase
/// (`order_id` → `OrderId`, `iot_instance_id` → `IotInstanceId`, `r#type` → `Type`).
/// A field's type must implement `linkwan_runtime::RpcParam`:
///
/// | field type | on the wire |
/// |---|---|
/// | `String`, `&'a str`, `Cow<'a, str>` | the string |
/// | `bool` | `true` / `false` |
/// | every integer type, `f32`, `f64` | decimal; a NaN or infinite float is refused (the request is not sent) |
/// | `Option<T>` | nothing when `None` |
/// | `Vec<T>`, `[T; N]` | `Name.1`, `Name.2`, … |
/// | a struct with `#[derive(RpcParam)]` | `Name.Key`; in a `Vec`: `Name.1.Key` |
/// | anything else implementing `RpcParam` | what its impl writes |
///
/// Field attributes, `#[rpc(...)]` (several keys may share one attribute):
///
/// | attribute | meaning |
/// |---|---|
/// | `#[rpc(rename = "Name")]` | send under `Name` instead of the PascalCase field name |
/// | `#[rpc(json)]` | send the value as a JSON string (`linkwan_runtime::params::Json`); the type must implement `serde::Serialize`. On a field spelled `Option<T>`, `None` is omitted. A NaN or infinite float inside is refused |
/// | `#[rpc(skip)]` | do not send the field |
///
/// Lifetime and const parameters are supported; type parameters are not (write a
/// concrete type, or implement `RpcRequest` by hand). A request struct may also
/// `#[derive(RpcParam)]`; both then read the same `#[rpc(...)]` field attributes.
///
/// A field may carry `#[cfg(...)]`: when it is configured out, it is not sent, and fields
/// that exclude each other (`#[cfg(a)]`, `#[cfg(not(a))]`) may share a wire name. Unlike
/// a derive, an attribute macro sees the fields before their conditions are evaluated,
/// so `rpc` (or `cfg`) inside a field's `#[cfg_attr(...)]` is a compile error.
///
/// A struct or field may be `#[deprecated]`: the generated impl reads and names it without
/// a warning (your own uses still warn). A request answered by a deprecated type takes
/// `#[allow(deprecated)]` on the struct, which then covers the impl too.
///
/// `#[aliyun_rpc]` may come before or after the struct's other attributes and derives,
/// with one exception: a struct that also derives `RpcParam` with `#[rpc(crate = "...")]`
/// on the struct must write that derive below `#[aliyun_rpc]`, which cannot see a derive
/// above it.
///
/// ```
/// use linkwan_runtime::{aliyun_rpc, Method, Params, RpcParam, RpcRequest};
///
/// #[derive(RpcParam)]
/// pub struct Tag {
///     pub key: String,   // Tag.N.Key
///     pub value: String, // Tag.N.Value
/// }
///
/// #[derive(serde::Serialize)]
/// pub struct Config {
///     pub rx_delay: u8,
/// }
///
/// pub struct Answer {
///     pub request_id: String,
/// }
/// # impl<'de> serde::Deserialize<'de> for Answer {
/// #     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
/// #         #[derive(serde::Deserialize)] struct A { #[serde(rename = "RequestId")] r: String }
/// #         A::deserialize(d).map(|a| Answer { request_id: a.r })
/// #     }
/// # }
///
/// #[aliyun_rpc(action = "UpdateNodeGroup", version = "2019-03-01", method = "GET", response = Answer)]
/// pub struct UpdateNodeGroup {
///     pub node_group_id: String,
///     pub tag: Vec<Tag>,
///     #[rpc(json)]
///     pub config: Config,
///     #[rpc(rename = "Type")]
///     pub kind: String,
///     #[rpc(skip)]
///     pub note: String,
/// }
///
/// let request = UpdateNodeGroup {
///     node_group_id: "g-1".into(),
///     tag: vec![Tag { key: "site".into(), value: "north".into() }],
///     config: Config { rx_delay: 1 },
///     kind: "A".into(),
///     note: "not sent".into(),
/// };
/// let mut params = Params::new();
/// request.write_params(&mut params);
/// assert_eq!(
///     params.iter().collect::<Vec<_>>(),
///     [
///         ("NodeGroupId", "g-1"),
///         ("Tag.1.Key", "site"),
///         ("Tag.1.Value", "north"),
///         ("Config", r#"{"rx_delay":1}"#),
///         ("Type", "A"),
///     ]
/// );
/// assert_eq!(UpdateNodeGroup::METHOD, Method::Get);
/// ```
///
/// # Compile errors
///
/// Every mistake is reported at the token that is wrong, and all mistakes in one item are
/// reported together: a missing `action` or `version` (at the attribute), an unknown key
/// (with the closest valid one suggested) or a key given twice, a string with a suffix
/// (`"A"x`), a malformed `version`, an empty or non-alphanumeric `action`, a `method`
/// other than `"POST"`/`"GET"`, a `response` of `_` or `impl Trait`, an enum, union,
/// tuple or unit struct, a type parameter, an unknown, malformed or repeated field
/// attribute, `rpc` or `cfg` inside a field's `#[cfg_attr]`, a `rename` that is empty,
/// not ASCII or holds whitespace, a field name that is not ASCII (param names are), two
/// fields sent together under the same wire name (at the second), a string, `char`,
/// `bool` or number field sent under a name the client sets on every request
/// (`Action`, `Version`, `Format`, `Timestamp`, `AccessKeyId`, `SecurityToken`,
/// `Signature`, `SignatureMethod`, `SignatureNonce`, `SignatureVersion`; the client
/// refuses any other type that writes one at call time, and a `region_id` field is fine:
/// its value is sent instead of the client's), the attribute applied twice (at the
/// second), and a field type that does not implement `RpcParam` (at the type). On error
/// the struct is still emitted, so the rest of your code type-checks and no further
/// errors pile up.
#[proc_macro_attribute]
pub fn aliyun_rpc(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::aliyun_rpc(args.into(), item.into()).into()
}

/// Derives `linkwan_runtime::RpcParam` for a struct with named fields, so it can be
/// sent as a nested param: a field `tag: Tag` is sent as `Tag.Key`, `Tag.Value`, and a
/// `tag: Vec<Tag>` as `Tag.1.Key`, `Tag.1.Value`, `Tag.2.Key`, …
///
/// Fields take the same `#[rpc(rename = "...")]`, `#[rpc(json)]` and `#[rpc(skip)]`
/// attributes as in `#[aliyun_rpc]`; on the struct, `#[rpc(crate = "path")]` names the
/// runtime for crates that re-export it.
///
/// ```
/// use linkwan_runtime::{Params, RpcParam};
///
/// #[derive(RpcParam)]
/// struct Tag {
///     key: String,
///     #[rpc(rename = "TagValue")]
///     value: Option<String>,
/// }
///
/// let mut params = Params::new();
/// params.insert("Tag", &vec![
///     Tag { key: "a".into(), value: Some("1".into()) },
///     Tag { key: "b".into(), value: None },
/// ]);
/// assert_eq!(
///     params.iter().collect::<Vec<_>>(),
///     [("Tag.1.Key", "a"), ("Tag.1.TagValue", "1"), ("Tag.2.Key", "b")]
/// );
/// ```
#[proc_macro_derive(RpcParam, attributes(rpc))]
pub fn derive_rpc_param(item: TokenStream) -> TokenStream {
    expand::derive_rpc_param(item.into()).into()
}
