//! The platform's checks of a signed RPC request, in its order.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use super::clock;
use super::response::MockResponse;
use crate::credentials::constant_time_eq;
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
    pub(crate) nonces: Mutex<Nonces>,
}

/// The nonces of accepted requests, each with its request's timestamp.
///
/// A nonce only has to be remembered while its timestamp is inside the allowed skew: a
/// replay (which carries the same, signed, timestamp) is refused as expired after that.
/// So from time to time (when the set has doubled since) the nonces whose timestamps
/// have left the window are dropped, and a long-running server keeps the nonces of the
/// last window's requests, not of every request it ever served.
#[derive(Debug)]
pub(crate) struct Nonces {
    seen: HashMap<String, i64>,
    /// The size at which the next pass drops the expired nonces.
    prune_at: usize,
}

/// The smallest size at which [`Nonces`] looks for expired nonces.
const PRUNE_MIN: usize = 1024;

impl Nonces {
    pub(crate) fn new() -> Self {
        Nonces {
            seen: HashMap::new(),
            prune_at: PRUNE_MIN,
        }
    }

    /// Records `nonce` of a request stamped `timestamp`; `false` when it was seen before.
    /// `now` and `window` are the verifier's clock and allowed skew, in seconds.
    fn insert(&mut self, nonce: &str, timestamp: i64, now: i64, window: u64) -> bool {
        if self.seen.contains_key(nonce) {
            return false;
        }
        if self.seen.len() >= self.prune_at {
            self.seen.retain(|_, &mut t| now.abs_diff(t) <= window);
            // Twice what is left: each pass is paid for by as many insertions.
            self.prune_at = self.seen.len().saturating_mul(2).max(PRUNE_MIN);
        }
        self.seen.insert(nonce.to_owned(), timestamp);
        true
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.seen.len()
    }
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
            .insert(p("SignatureNonce"), ts, now, self.max_skew_secs);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_refused_again_while_their_timestamp_is_in_the_window() {
        let mut nonces = Nonces::new();
        assert!(nonces.insert("a", 1_000, 1_000, 900));
        assert!(!nonces.insert("a", 1_000, 1_000, 900));
        // Past many more insertions (and the passes that drop expired nonces), a nonce
        // still inside the window is still refused.
        for i in 0..10 * PRUNE_MIN {
            assert!(nonces.insert(&format!("n{i}"), 1_500, 1_600, 900));
        }
        assert!(!nonces.insert("a", 1_000, 1_600, 900));
        assert_eq!(nonces.len(), 10 * PRUNE_MIN + 1);
    }

    #[test]
    fn expired_nonces_are_dropped_so_the_set_stays_bounded() {
        let mut nonces = Nonces::new();
        // A steady stream of requests, one a second, with a 15-minute window: the set
        // holds about the window's requests (at most twice, between passes), not all.
        let window = 900;
        let mut peak = 0;
        for now in 0..100_000i64 {
            assert!(nonces.insert(&format!("n{now}"), now, now, window));
            peak = peak.max(nonces.len());
        }
        assert!(
            peak <= 2 * PRUNE_MIN.max(2 * (window as usize + 1)),
            "{peak}"
        );
        // What was dropped had left the window (a replay of it is refused as expired,
        // before its nonce is looked at); what is inside is kept.
        assert!(nonces.insert("n0", 0, 100_000, window));
        assert!(!nonces.insert("n99999", 99_999, 100_000, window));
    }

    #[test]
    fn an_unlimited_window_drops_nothing() {
        let mut nonces = Nonces::new();
        // `max_clock_skew(Duration::MAX)`, and timestamps as far apart as they come.
        for i in 0..3 * PRUNE_MIN {
            assert!(nonces.insert(&format!("n{i}"), i64::MIN, i64::MAX, u64::MAX));
        }
        assert_eq!(nonces.len(), 3 * PRUNE_MIN);
        assert!(!nonces.insert("n0", i64::MIN, i64::MAX, u64::MAX));
    }
}
