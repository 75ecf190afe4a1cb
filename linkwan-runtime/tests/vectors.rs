//! The official SDKs' signature V1 vectors, byte for byte.

use linkwan_runtime::sign::{signature_v1, string_to_sign_v1};
use serde_json::Value;

#[test]
fn every_shared_vector_matches() {
    let text = include_str!("data/signature_v1.json");
    let doc: Value = serde_json::from_str(text).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 6);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let method = case["method"].as_str().unwrap();
        let secret = case["secret"].as_str().unwrap();
        let params: Vec<(&str, &str)> = case["params"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
            .collect();
        assert_eq!(
            string_to_sign_v1(method, params.iter().copied()),
            case["string_to_sign"].as_str().unwrap(),
            "string-to-sign of {name}"
        );
        assert_eq!(
            signature_v1(method, params.iter().copied(), secret),
            case["signature"].as_str().unwrap(),
            "signature of {name}"
        );
    }
}
