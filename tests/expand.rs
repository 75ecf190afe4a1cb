//! What `#[aliyun_rpc]` and `#[derive(RpcParam)]` generate, observed through
//! `RpcRequest::write_params` and the associated consts.

use linkwan_runtime::{aliyun_rpc, Method, Params, RpcParam, RpcRequest};
use serde::{Deserialize, Serialize};
use std::any::TypeId;

fn params_of<R: RpcRequest>(request: &R) -> Vec<(String, String)> {
    let mut params = Params::new();
    request.write_params(&mut params);
    assert_eq!(params.error(), None);
    params.into_vec()
}

/// Read through the trait, as the client does.
fn idempotent<R: RpcRequest>() -> bool {
    R::IDEMPOTENT
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[aliyun_rpc(action = "RejectJoinPermissionAuthOrder", version = "2018-12-30")]
#[derive(Debug, Clone, PartialEq)]
pub struct RejectJoinPermissionAuthOrder {
    /// Sent as `OrderId`.
    pub order_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RejectJoinPermissionAuthOrderResponse {
    pub request_id: String,
    pub success: bool,
}

#[test]
fn contract_example() {
    let request = RejectJoinPermissionAuthOrder {
        order_id: "1234".into(),
    };
    // The struct is kept as written: its derives still work.
    assert_eq!(request.clone(), request);
    assert_eq!(params_of(&request), pairs(&[("OrderId", "1234")]));
    assert_eq!(
        RejectJoinPermissionAuthOrder::ACTION,
        "RejectJoinPermissionAuthOrder"
    );
    assert_eq!(RejectJoinPermissionAuthOrder::VERSION, "2018-12-30");
    assert_eq!(RejectJoinPermissionAuthOrder::METHOD, Method::Post);
    assert!(!idempotent::<RejectJoinPermissionAuthOrder>());
    assert_eq!(
        TypeId::of::<<RejectJoinPermissionAuthOrder as RpcRequest>::Response>(),
        TypeId::of::<RejectJoinPermissionAuthOrderResponse>()
    );
    let body = r#"{"RequestId":"r-1","Success":true}"#;
    let response: <RejectJoinPermissionAuthOrder as RpcRequest>::Response =
        serde_json::from_str(body).unwrap();
    assert_eq!(response.request_id, "r-1");
    assert!(response.success);
}

#[derive(Debug, Clone, RpcParam)]
pub struct Tag {
    pub key: String,
    #[rpc(rename = "TagValue")]
    pub value: Option<String>,
    #[rpc(skip)]
    pub local_note: u8,
}

#[derive(Debug, Serialize)]
pub struct Config {
    pub rx_delay: u8,
    pub class: &'static str,
}

#[aliyun_rpc(action = "KitchenSink", version = "2019-03-01")]
pub struct KitchenSink<'a> {
    pub s: String,
    pub borrowed: &'a str,
    pub flag: bool,
    pub off: bool,
    pub i8_: i8,
    pub i16_: i16,
    pub i32_: i32,
    pub i64_: i64,
    pub i128_: i128,
    pub isize_: isize,
    pub u8_: u8,
    pub u16_: u16,
    pub u32_: u32,
    pub u64_: u64,
    pub u128_: u128,
    pub usize_: usize,
    pub f32_: f32,
    pub f64_: f64,
    pub present: Option<u32>,
    pub absent: Option<u32>,
    pub node_ids: Vec<u64>,
    pub empty_list: Vec<String>,
    pub borrowed_list: Vec<&'a str>,
    pub tag: Vec<Tag>,
    pub single_tag: Tag,
    pub maybe_tag: Option<Tag>,
    #[rpc(json)]
    pub config: Config,
    #[rpc(json)]
    pub json_list: Vec<u32>,
    #[rpc(json)]
    pub json_some: Option<Config>,
    #[rpc(json)]
    pub json_none: Option<Config>,
    #[rpc(rename = "DevEUI")]
    pub dev_eui: String,
    pub r#type: String,
    pub iot_instance_id: String,
    #[rpc(skip)]
    pub skipped: String,
}

#[derive(Deserialize)]
pub struct KitchenSinkResponse {}

#[test]
fn every_field_kind_in_declaration_order() {
    let owned = String::from("borrowed value");
    let request = KitchenSink {
        s: "a string".into(),
        borrowed: &owned,
        flag: true,
        off: false,
        i8_: -8,
        i16_: -16,
        i32_: -32,
        i64_: -64,
        i128_: i128::MIN,
        isize_: -1,
        u8_: 8,
        u16_: 16,
        u32_: 32,
        u64_: u64::MAX,
        u128_: 128,
        usize_: 7,
        f32_: 1.5,
        f64_: -0.25,
        present: Some(3),
        absent: None,
        node_ids: vec![30, 10, 20],
        empty_list: vec![],
        borrowed_list: vec![&owned[..8], "x"],
        tag: vec![
            Tag {
                key: "k1".into(),
                value: Some("v1".into()),
                local_note: 1,
            },
            Tag {
                key: "k2".into(),
                value: None,
                local_note: 2,
            },
        ],
        single_tag: Tag {
            key: "only".into(),
            value: Some("one".into()),
            local_note: 3,
        },
        maybe_tag: None,
        config: Config {
            rx_delay: 1,
            class: "A",
        },
        json_list: vec![1, 2],
        json_some: Some(Config {
            rx_delay: 2,
            class: "C",
        }),
        json_none: None,
        dev_eui: "0011223344556677".into(),
        r#type: "OTAA".into(),
        iot_instance_id: "iot-1".into(),
        skipped: "never sent".into(),
    };
    let expected = pairs(&[
        ("S", "a string"),
        ("Borrowed", "borrowed value"),
        ("Flag", "true"),
        ("Off", "false"),
        ("I8", "-8"),
        ("I16", "-16"),
        ("I32", "-32"),
        ("I64", "-64"),
        ("I128", "-170141183460469231731687303715884105728"),
        ("Isize", "-1"),
        ("U8", "8"),
        ("U16", "16"),
        ("U32", "32"),
        ("U64", "18446744073709551615"),
        ("U128", "128"),
        ("Usize", "7"),
        ("F32", "1.5"),
        ("F64", "-0.25"),
        ("Present", "3"),
        ("NodeIds.1", "30"),
        ("NodeIds.2", "10"),
        ("NodeIds.3", "20"),
        ("BorrowedList.1", "borrowed"),
        ("BorrowedList.2", "x"),
        ("Tag.1.Key", "k1"),
        ("Tag.1.TagValue", "v1"),
        ("Tag.2.Key", "k2"),
        ("SingleTag.Key", "only"),
        ("SingleTag.TagValue", "one"),
        ("Config", r#"{"rx_delay":1,"class":"A"}"#),
        ("JsonList", "[1,2]"),
        ("JsonSome", r#"{"rx_delay":2,"class":"C"}"#),
        ("DevEUI", "0011223344556677"),
        ("Type", "OTAA"),
        ("IotInstanceId", "iot-1"),
    ]);
    assert_eq!(params_of(&request), expected);
    // Through a reference, too (the runtime's blanket impl).
    assert_eq!(params_of(&&request), expected);
}

/// A struct with no params.
#[aliyun_rpc(action = "DescribeRegions", version = "2014-05-26", idempotent)]
pub struct DescribeRegions {}

#[derive(Deserialize)]
pub struct DescribeRegionsResponse {}

#[test]
fn empty_struct_and_idempotent_flag() {
    assert!(params_of(&DescribeRegions {}).is_empty());
    assert!(idempotent::<DescribeRegions>());
    assert_eq!(DescribeRegions::VERSION, "2014-05-26");
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct Custom {
    #[serde(rename = "Count")]
    pub count: u32,
}

#[aliyun_rpc(
    action = "CountNodes",
    version = "2019-03-01",
    method = "GET",
    response = Custom,
    idempotent = true,
)]
pub struct CountNodes {
    pub fuzzy: Option<String>,
}

#[aliyun_rpc(action = "DeleteNode", version = "2019-03-01", method = "POST", idempotent = false, response = crate::Custom)]
pub struct DeleteNode {
    pub dev_eui: String,
}

#[test]
fn method_response_and_idempotent_keys() {
    assert_eq!(CountNodes::METHOD, Method::Get);
    assert!(idempotent::<CountNodes>());
    assert_eq!(
        TypeId::of::<<CountNodes as RpcRequest>::Response>(),
        TypeId::of::<Custom>()
    );
    assert!(params_of(&CountNodes { fuzzy: None }).is_empty());
    assert_eq!(DeleteNode::METHOD, Method::Post);
    assert!(!idempotent::<DeleteNode>());
    assert_eq!(
        TypeId::of::<<DeleteNode as RpcRequest>::Response>(),
        TypeId::of::<Custom>()
    );
    assert_eq!(
        params_of(&DeleteNode {
            dev_eui: "e".into()
        }),
        pairs(&[("DevEui", "e")])
    );
}

/// A crate that re-exports the runtime under another path.
mod sdk {
    pub use linkwan_runtime as rt;
}

#[aliyun_rpc(action = "GetThing", version = "2019-03-01", crate = "crate::sdk::rt")]
pub struct GetThing {
    pub part: Part,
}

#[derive(RpcParam)]
#[rpc(crate = "crate::sdk::rt")]
pub struct Part {
    pub name: String,
}

#[derive(Deserialize)]
pub struct GetThingResponse {}

#[test]
fn crate_key() {
    let request = GetThing {
        part: Part { name: "p".into() },
    };
    assert_eq!(params_of(&request), pairs(&[("Part.Name", "p")]));
}

/// Const generics are fine.
#[aliyun_rpc(action = "BatchGet", version = "2019-03-01")]
pub struct BatchGet<'a, const N: usize> {
    pub ids: [&'a str; N],
}

#[derive(Deserialize)]
pub struct BatchGetResponse {}

#[test]
fn const_generics_and_arrays() {
    let request = BatchGet { ids: ["a", "b"] };
    assert_eq!(
        params_of(&request),
        pairs(&[("Ids.1", "a"), ("Ids.2", "b")])
    );
}

/// Any type implementing `RpcParam` works as a field.
pub enum Band {
    Cn470,
}

impl RpcParam for Band {
    fn write_param(&self, name: &str, out: &mut Params) {
        out.push(
            name,
            match self {
                Band::Cn470 => "CN470",
            },
        );
    }
}

#[aliyun_rpc(action = "SetBand", version = "2019-03-01")]
pub struct SetBand {
    pub freq_band: Band,
    pub bands: Vec<Band>,
}

#[derive(Deserialize)]
pub struct SetBandResponse {}

#[test]
fn custom_rpc_param_fields() {
    let request = SetBand {
        freq_band: Band::Cn470,
        bands: vec![Band::Cn470],
    };
    assert_eq!(
        params_of(&request),
        pairs(&[("FreqBand", "CN470"), ("Bands.1", "CN470")])
    );
}

#[test]
fn json_errors_are_recorded_not_panicked() {
    use std::collections::HashMap;

    #[aliyun_rpc(action = "Bad", version = "2019-03-01")]
    struct Bad {
        #[rpc(json)]
        map: HashMap<Vec<u8>, u8>,
    }
    #[derive(Deserialize)]
    struct BadResponse {}

    let mut map = HashMap::new();
    map.insert(vec![1], 1);
    let mut params = Params::new();
    Bad { map }.write_params(&mut params);
    assert!(params.is_empty());
    assert!(
        params.error().unwrap().contains("Map"),
        "{:?}",
        params.error()
    );
}

/// A request that is also used as a nested param: its `#[rpc]` attributes serve both.
#[aliyun_rpc(action = "PutTarget", version = "2019-03-01", crate = "crate::sdk::rt")]
#[derive(RpcParam)]
#[rpc(crate = "crate::sdk::rt")]
pub struct PutTarget {
    #[rpc(rename = "TargetID")]
    pub target_id: String,
    #[rpc(skip)]
    pub local: u8,
}

#[derive(Deserialize)]
pub struct PutTargetResponse {}

#[test]
fn request_that_also_derives_rpc_param() {
    let request = PutTarget {
        target_id: "t".into(),
        local: 1,
    };
    assert_eq!(params_of(&request), pairs(&[("TargetID", "t")]));
    let mut params = Params::new();
    params.insert("Targets", &vec![request]);
    assert_eq!(params.into_vec(), pairs(&[("Targets.1.TargetID", "t")]));
}

// Shadowed prelude names, primitives and the expansion's internal names: the same items
// as the `tests/ui/pass/hygiene.rs` fixture, here run so the params are checked.
include!("ui/shared/hygiene.rs");

#[test]
fn hygiene() {
    shadowed::run();
}

/// Lifetimes on nested params and on the request, raw identifiers.
#[derive(RpcParam)]
pub struct Label<'a> {
    pub r#type: &'a str,
}

#[aliyun_rpc(action = "Borrowing", version = "2019-03-01")]
pub struct Borrowing<'a, 'b: 'a> {
    pub r#type: &'a str,
    pub r#match: Option<&'b str>,
    #[rpc(rename = "Labels")]
    pub label: Vec<Label<'a>>,
}

#[derive(Deserialize)]
pub struct BorrowingResponse {}

#[test]
fn lifetimes_and_raw_identifiers() {
    let owned = String::from("abc");
    let request = Borrowing {
        r#type: &owned,
        r#match: Some("m"),
        label: vec![Label { r#type: "x" }, Label { r#type: "y" }],
    };
    assert_eq!(
        params_of(&request),
        pairs(&[
            ("Type", "abc"),
            ("Match", "m"),
            ("Labels.1.Type", "x"),
            ("Labels.2.Type", "y"),
        ])
    );
}

/// `#[aliyun_rpc]` sees the struct before `#[cfg]` is evaluated (unlike a derive): a
/// field that is configured out is not written, and fields that exclude each other may
/// share a wire name.
#[aliyun_rpc(action = "Configured", version = "2019-03-01")]
pub struct Configured {
    pub kept: String,
    #[cfg(any())]
    pub configured_out: std::time::Duration,
    #[cfg(test)]
    #[rpc(rename = "Present")]
    pub configured_in: u8,
    #[cfg(any())]
    pub id: String,
    #[cfg(not(any()))]
    pub id: u64,
    #[cfg(any())]
    #[rpc(json)]
    pub choice: Vec<u8>,
    #[cfg(not(any()))]
    #[rpc(rename = "Choice")]
    pub choice_text: String,
}

#[derive(Deserialize)]
pub struct ConfiguredResponse {}

#[test]
fn cfg_on_fields() {
    let request = Configured {
        kept: "k".into(),
        configured_in: 1,
        id: 7,
        choice_text: "c".into(),
    };
    assert_eq!(
        params_of(&request),
        pairs(&[
            ("Kept", "k"),
            ("Present", "1"),
            ("Id", "7"),
            ("Choice", "c")
        ])
    );
}

/// A field type that comes from a `macro_rules!` fragment (`$ty:ty`, a group that is
/// invisible in the source) is still seen as `Option<T>`: with `#[rpc(json)]`, `None`
/// is omitted, not sent as `null`.
macro_rules! json_option_request {
    ($name:ident, $action:literal, $ty:ty) => {
        #[aliyun_rpc(action = $action, version = "2019-03-01")]
        pub struct $name {
            #[rpc(json)]
            pub config: $ty,
        }
    };
}

json_option_request!(FromMacro, "FromMacro", Option<Config>);

#[derive(Deserialize)]
pub struct FromMacroResponse {}

#[test]
fn json_option_from_a_macro_fragment() {
    assert!(params_of(&FromMacro { config: None }).is_empty());
    let some = FromMacro {
        config: Some(Config {
            rx_delay: 3,
            class: "B",
        }),
    };
    assert_eq!(
        params_of(&some),
        pairs(&[("Config", r#"{"rx_delay":3,"class":"B"}"#)])
    );
}

/// Keys may be written as raw identifiers (`r#action`), like any Rust identifier.
#[aliyun_rpc(r#action = "RawKeys", r#version = "2019-03-01", r#idempotent)]
pub struct RawKeys {
    #[rpc(r#rename = "Renamed")]
    pub name: String,
}

#[derive(Deserialize)]
pub struct RawKeysResponse {}

#[test]
fn raw_identifier_keys() {
    assert_eq!(
        params_of(&RawKeys { name: "n".into() }),
        pairs(&[("Renamed", "n")])
    );
    assert_eq!(RawKeys::ACTION, "RawKeys");
    assert!(idempotent::<RawKeys>());
}
