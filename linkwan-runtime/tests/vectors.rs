//! The official SDKs' signature V1 vectors, byte for byte, through every entry point.

use linkwan_runtime::sign::{
    canonical_query_v1, percent_encode, sign_string_v1, sign_v1, signature_v1, string_to_sign_v1,
};
use serde_json::Value;

struct Case<'a> {
    name: &'a str,
    method: &'a str,
    secret: &'a str,
    params: Vec<(&'a str, &'a str)>,
    string_to_sign: &'a str,
    signature: &'a str,
}

fn cases(doc: &Value) -> Vec<Case<'_>> {
    let cases = doc["cases"].as_array().expect("a `cases` array");
    assert!(cases.len() >= 6, "the vector file lost cases");
    cases
        .iter()
        .map(|case| Case {
            name: case["name"].as_str().unwrap(),
            method: case["method"].as_str().unwrap(),
            secret: case["secret"].as_str().unwrap(),
            params: case["params"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
                .collect(),
            string_to_sign: case["string_to_sign"].as_str().unwrap(),
            signature: case["signature"].as_str().unwrap(),
        })
        .collect()
}

fn doc() -> Value {
    serde_json::from_str(include_str!("data/signature_v1.json")).unwrap()
}

#[test]
fn every_shared_vector_matches() {
    let doc = doc();
    for case in cases(&doc) {
        let Case {
            name,
            method,
            secret,
            ..
        } = case;
        let params = || case.params.iter().copied();
        assert_eq!(
            string_to_sign_v1(method, params()),
            case.string_to_sign,
            "string-to-sign of {name}"
        );
        assert_eq!(
            sign_string_v1(case.string_to_sign, secret),
            case.signature,
            "sign_string_v1 of {name}"
        );
        assert_eq!(
            signature_v1(method, params(), secret),
            case.signature,
            "signature of {name}"
        );
    }
}

#[test]
fn canonical_query_is_the_string_to_sign_decoded_once() {
    let doc = doc();
    for case in cases(&doc) {
        let query = canonical_query_v1(case.params.iter().copied());
        let prefix = format!("{}&%2F&", case.method);
        assert_eq!(
            format!("{prefix}{}", percent_encode(&query)),
            case.string_to_sign,
            "canonical query of {}",
            case.name
        );
    }
}

#[test]
fn sign_v1_matches_the_vectors_in_any_input_order() {
    let doc = doc();
    for case in cases(&doc) {
        let name = case.name;
        let expected_query = canonical_query_v1(case.params.iter().copied());
        // As given, reversed and rotated: the result must not depend on input order.
        let mut reversed = case.params.clone();
        reversed.reverse();
        let mut rotated = case.params.clone();
        rotated.rotate_left(case.params.len() / 2);
        for mut params in [case.params.clone(), reversed, rotated] {
            let signed = sign_v1(case.method, &mut params, case.secret);
            assert_eq!(signed.canonical_query, expected_query, "query of {name}");
            assert_eq!(signed.signature, case.signature, "signature of {name}");
            assert!(
                params.windows(2).all(|w| w[0] <= w[1]),
                "{name}: params sorted in place"
            );
            let query = signed.into_query();
            let (body, signature) = query
                .split_once("&Signature=")
                .expect("into_query appends the signature");
            assert_eq!(body, expected_query, "into_query of {name}");
            assert_eq!(signature, percent_encode(case.signature), "{name}");
            // The query decodes back to the params plus the signature.
            let decoded: Vec<(String, String)> = serde_urlencoded::from_str(&query).unwrap();
            let mut expected: Vec<(String, String)> = case
                .params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            expected.sort();
            expected.push(("Signature".into(), case.signature.into()));
            assert_eq!(decoded, expected, "decoded query of {name}");
        }
    }
}
