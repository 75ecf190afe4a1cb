//! A user's own `#[aliyun_rpc]` structs, every field kind, sent through the client to the
//! signature-verifying mock server: the params arrive exactly, the signature checks pass,
//! and the typed response comes back.

use std::sync::{Arc, Mutex};

use linkwan_runtime::test_util::{MockRequest, MockResponse, MockServer};
use linkwan_runtime::{aliyun_rpc, Client, Credentials, RpcParam};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, RpcParam)]
pub struct Tag {
    pub key: String,
    pub value: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Window {
    pub from: u32,
    pub to: u32,
}

#[aliyun_rpc(
    action = "ListEverything",
    version = "2019-03-01",
    method = "GET",
    idempotent
)]
pub struct ListEverything<'a> {
    pub node_group_id: &'a str,
    pub iot_instance_id: Option<String>,
    pub limit: u32,
    pub offset: i64,
    pub ratio: f64,
    pub ascending: bool,
    pub states: Vec<String>,
    pub tag: Vec<Tag>,
    #[rpc(rename = "FuzzyDevEui")]
    pub dev_eui_prefix: Option<&'a str>,
    #[rpc(json)]
    pub window: Window,
    pub r#type: &'a str,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListEverythingResponse {
    pub request_id: String,
    #[serde(with = "linkwan_runtime::response::lenient::int")]
    pub total_count: u64,
    pub echoed: Vec<(String, String)>,
}

const ID: &str = "roundtrip-id";
const SECRET: &str = "roundtrip/secret=+";

#[tokio::test]
async fn every_field_kind_arrives_exactly_and_verifies() {
    let seen: Arc<Mutex<Vec<MockRequest>>> = Arc::default();
    let log = seen.clone();
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler("ListEverything", move |req| {
            log.lock().unwrap().push(req.clone());
            let echoed: Vec<(String, String)> = req
                .params
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            MockResponse::ok(json!({ "TotalCount": "1234", "Echoed": echoed }))
        })
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .build()
        .unwrap();

    let states: Vec<String> = (1..=11).map(|i| format!("S{i}")).collect();
    let request = ListEverything {
        node_group_id: "ng 1/网关",
        iot_instance_id: None,
        limit: 20,
        offset: -1,
        ratio: 0.5,
        ascending: true,
        states,
        tag: vec![
            Tag {
                key: "env".into(),
                value: Some("prod & test*~".into()),
            },
            Tag {
                key: "team".into(),
                value: None,
            },
        ],
        dev_eui_prefix: Some("00-11"),
        window: Window { from: 1, to: 2 },
        r#type: "OTAA",
    };
    let resp = client.call(&request).await.unwrap();
    assert_eq!(resp.total_count, 1234);

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let req = &seen[0];
    assert_eq!(req.method, "GET");
    let expected = [
        ("NodeGroupId", "ng 1/网关"),
        ("Limit", "20"),
        ("Offset", "-1"),
        ("Ratio", "0.5"),
        ("Ascending", "true"),
        ("States.1", "S1"),
        ("States.10", "S10"),
        ("States.11", "S11"),
        ("Tag.1.Key", "env"),
        ("Tag.1.Value", "prod & test*~"),
        ("Tag.2.Key", "team"),
        ("FuzzyDevEui", "00-11"),
        ("Window", r#"{"from":1,"to":2}"#),
        ("Type", "OTAA"),
    ];
    for (k, v) in expected {
        assert_eq!(req.param(k), Some(v), "{k}");
    }
    assert_eq!(req.param("IotInstanceId"), None, "None is omitted");
    assert_eq!(req.param("Tag.2.Value"), None, "nested None is omitted");
    let own: Vec<&String> = req
        .params
        .keys()
        .filter(|k| {
            ![
                "Action",
                "Version",
                "Format",
                "AccessKeyId",
                "SignatureMethod",
                "SignatureVersion",
                "SignatureNonce",
                "Timestamp",
                "Signature",
            ]
            .contains(&k.as_str())
        })
        .collect();
    // 11 states, of which `expected` lists 3.
    assert_eq!(own.len(), expected.len() + 11 - 3, "{own:?}");
    assert!(server.requests()[0].verified.is_ok());
    assert_eq!(resp.echoed.len(), req.params.len());
}

/// A product whose actions take a `RegionId` of their own (most do), and a list under a
/// common param's name (its keys are `Action.N`, not `Action`).
#[aliyun_rpc(action = "DescribeZones", version = "2014-05-26", response = serde_json::Value)]
pub struct DescribeZones {
    pub region_id: Option<String>,
    pub action: Vec<String>,
}

/// A mock server answering `action` with an empty object, and a client for it (with
/// `region` as its `RegionId`, when given).
async fn serve_empty(action: &str, region: Option<&str>) -> (MockServer, Client) {
    let server = MockServer::builder()
        .credentials(Credentials::new(ID, SECRET))
        .handler(action, |_| MockResponse::ok(json!({})))
        .start()
        .await
        .unwrap();
    let mut builder = Client::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ID, SECRET));
    if let Some(region) = region {
        builder = builder.region_id(region);
    }
    (server, builder.build().unwrap())
}

#[tokio::test]
async fn a_request_region_id_overrides_the_clients() {
    let (server, client) = serve_empty("DescribeZones", Some("cn-shanghai")).await;
    for region in [Some("cn-beijing"), None] {
        let request = DescribeZones {
            region_id: region.map(Into::into),
            action: vec!["Start".into(), "Stop".into()],
        };
        client.call(&request).await.unwrap();
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for (req, region) in reqs.iter().zip(["cn-beijing", "cn-shanghai"]) {
        assert_eq!(req.verified, Ok(()));
        assert_eq!(req.param("RegionId"), Some(region));
        assert_eq!(req.param("Action"), Some("DescribeZones"));
        assert_eq!(req.param("Action.2"), Some("Stop"));
    }
}

/// Two fields whose generated keys overlap (a list `Tag` writes `Tag.1`): the macro cannot
/// see it (it does not know which types are lists), the client refuses it before sending.
#[aliyun_rpc(action = "TagThings", version = "2014-05-26", response = serde_json::Value)]
pub struct OverlappingKeys {
    pub tag: Vec<String>,
    #[rpc(rename = "Tag.1")]
    pub first_tag: String,
}

#[tokio::test]
async fn overlapping_generated_keys_are_refused_before_sending() {
    let (server, client) = serve_empty("TagThings", None).await;
    let request = OverlappingKeys {
        tag: vec!["a".into()],
        first_tag: "b".into(),
    };
    match client.call(&request).await {
        Err(linkwan_runtime::Error::InvalidRequest(m)) => {
            assert_eq!(m, "param `Tag.1` is given twice; a key may be sent once")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.request_count(), 0);
}
