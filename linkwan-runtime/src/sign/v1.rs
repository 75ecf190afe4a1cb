//! RPC signature V1 (`SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`).
//!
//! Alibaba's docs call this scheme the "V2 signature"; on the wire it is `SignatureVersion=1.0`.
//!
//! 1. Sort the params (without `Signature`) by key, in byte order.
//! 2. Percent-encode keys and values per RFC 3986 (unreserved `A-Za-z0-9-_.~` stay,
//!    everything else `%XX` upper-case: space is `%20`, `*` is `%2A`) and join
//!    `k=v` with `&`: the canonical query.
//! 3. string-to-sign = `METHOD&%2F&` + percent-encode(canonical query).
//! 4. signature = base64(HMAC-SHA1(key = secret + "&", string-to-sign)).
//!
//! ```
//! use linkwan_runtime::sign::signature_v1;
//!
//! // The worked example of Alibaba Cloud's signature documentation.
//! let params = [
//!     ("Action", "DescribeRegions"),
//!     ("Version", "2014-05-26"),
//!     ("AccessKeyId", "testid"),
//!     ("Format", "XML"),
//!     ("SignatureMethod", "HMAC-SHA1"),
//!     ("SignatureVersion", "1.0"),
//!     ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
//!     ("Timestamp", "2016-02-23T12:46:24Z"),
//! ];
//! assert_eq!(signature_v1("GET", params, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
//! ```

use base64::Engine as _;
use hmac::{KeyInit as _, Mac as _};

type HmacSha1 = hmac::Hmac<sha1::Sha1>;

/// Percent-encodes `input` per RFC 3986: `A-Za-z0-9-_.~` stay, every other byte of its
/// UTF-8 becomes `%XX` with upper-case hex.
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for &b in input.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The canonical query: params sorted by key (byte order), each `encode(k)=encode(v)`,
/// joined with `&`.
pub fn canonical_query_v1<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut sorted: Vec<(&str, &str)> = params.into_iter().collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The string-to-sign: `METHOD&%2F&` + percent-encode(canonical query).
pub fn string_to_sign_v1<'a>(
    method: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    format!(
        "{}&%2F&{}",
        method,
        percent_encode(&canonical_query_v1(params))
    )
}

/// The base64 signature of `params` (without `Signature`) for `method` under
/// `access_key_secret`.
pub fn signature_v1<'a>(
    method: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
    access_key_secret: &str,
) -> String {
    let sts = string_to_sign_v1(method, params);
    sign_string_v1(&sts, access_key_secret)
}

/// base64(HMAC-SHA1(secret + "&", string_to_sign)).
pub fn sign_string_v1(string_to_sign: &str, access_key_secret: &str) -> String {
    let mut key = Vec::with_capacity(access_key_secret.len() + 1);
    key.extend_from_slice(access_key_secret.as_bytes());
    key.push(b'&');
    let mut mac = HmacSha1::new_from_slice(&key).expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A request's canonical query and its signature, from [`sign_v1`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The sorted, percent-encoded `k=v&k=v` query, without `Signature`. It is also a
    /// valid `application/x-www-form-urlencoded` body and URL query string.
    pub canonical_query: String,
    /// The base64 signature.
    pub signature: String,
}

impl Signed {
    /// The full query (or form body): the canonical query plus `&Signature=…`.
    pub fn into_query(self) -> String {
        let mut q = self.canonical_query;
        q.push_str("&Signature=");
        q.push_str(&percent_encode(&self.signature));
        q
    }
}

/// Canonicalizes and signs in one go: sorts `params` in place (by key, byte order) and
/// returns the canonical query (reusable as the body or query string) and the signature.
pub fn sign_v1(method: &str, params: &mut [(&str, &str)], access_key_secret: &str) -> Signed {
    params.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let canonical_query = canonical_query_v1(params.iter().copied());
    let sts = format!("{}&%2F&{}", method, percent_encode(&canonical_query));
    Signed {
        signature: sign_string_v1(&sts, access_key_secret),
        canonical_query,
    }
}
