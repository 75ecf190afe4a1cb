//! The platform's checks of a signed RPC request, in its order.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

use super::clock;
use super::response::MockResponse;
use crate::sign::{sign_string_v1, string_to_sign_v1};
use crate::Credentials;

/// The common params every signed request must carry.
const REQUIRED: [&str; 8] = [
    "Action",
    "Version",
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
];

pub(crate) struct Verifier {
    pub(crate) keys: HashMap<String, Credentials>,
    pub(crate) max_skew_secs: u64,
    pub(crate) clock_offset_secs: i64,
    pub(crate) nonces: Mutex<HashSet<String>>,
}

impl Verifier {
    /// Checks `params` (decoded, including `Signature`) sent with `method`. On success
    /// returns the AccessKeyId; on failure the platform's error answer.
    pub(crate) fn verify(
        &self,
        method: &str,
        params: &BTreeMap<String, String>,
    ) -> Result<String, MockResponse> {
        for name in REQUIRED {
            if params.get(name).is_none_or(|v| v.is_empty()) {
                return Err(MockResponse::error(
                    400,
                    &format!("Missing{name}"),
                    &format!("{name} is mandatory for this action."),
                ));
            }
        }
        let p = |k: &str| params.get(k).map(String::as_str).unwrap_or_default();
        if p("SignatureMethod") != "HMAC-SHA1" || p("SignatureVersion") != "1.0" {
            return Err(MockResponse::error(
                400,
                "IncompleteSignature",
                "The request signature does not conform to Aliyun standards: SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0.",
            ));
        }
        let Some(ts) = clock::parse_timestamp(p("Timestamp")) else {
            return Err(MockResponse::error(
                400,
                "InvalidTimeStamp.Format",
                "Specified time stamp or date value is not well formatted.",
            ));
        };
        let now = clock::now_secs(self.clock_offset_secs);
        // A distance, not a difference: a clock shifted to the end of the range against a
        // timestamp at the other end would overflow.
        if now.abs_diff(ts) > self.max_skew_secs {
            return Err(MockResponse::error(
                400,
                "InvalidTimeStamp.Expired",
                &format!(
                    "Specified time stamp or date value is expired. The server time is {}.",
                    clock::http_date(now)
                ),
            ));
        }
        let Some(creds) = self.keys.get(p("AccessKeyId")) else {
            return Err(MockResponse::error(
                404,
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.",
            ));
        };
        if let Some(token) = creds.security_token() {
            if params.get("SecurityToken").map(String::as_str) != Some(token) {
                return Err(MockResponse::error(
                    400,
                    "InvalidSecurityToken.MismatchWithAccessKey",
                    "Specified SecurityToken mismatch with the AccessKey.",
                ));
            }
        }
        let string_to_sign = string_to_sign_v1(
            method,
            params
                .iter()
                .filter(|(k, _)| k.as_str() != "Signature")
                .map(|(k, v)| (k.as_str(), v.as_str())),
        );
        let expected = sign_string_v1(&string_to_sign, creds.access_key_secret());
        if !constant_time_eq(expected.as_bytes(), p("Signature").as_bytes()) {
            return Err(MockResponse::error(
                400,
                "SignatureDoesNotMatch",
                &format!(
                    "Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"
                ),
            ));
        }
        let fresh = self
            .nonces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(p("SignatureNonce").to_owned());
        if !fresh {
            return Err(MockResponse::error(
                400,
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            ));
        }
        Ok(creds.access_key_id().to_owned())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
