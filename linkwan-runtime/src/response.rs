//! Decoding response bodies, and [`lenient`] serde helpers for values sent as strings.
//!
//! How the client reads a response (all of it is in [`decode`], which never panics):
//!
//! * **2xx**: the body deserializes into the action's response type. If it does not, and
//!   the body is an error body (it has a `Code`), the answer is an
//!   [`Error::Service`] (some gateways answer errors with 200);
//!   otherwise an [`Error::Decode`] with serde's message and the
//!   start of the body. A 2xx body that *does* deserialize is returned as is, even if it
//!   carries `Code` or `Success: false`: those APIs document such fields, and the response
//!   type may declare them.
//! * **any other status**: a JSON object with a `Code` (matched case-insensitively:
//!   `Code`, `code`, `message`, `requestId`, …) is an [`Error::Service`];
//!   anything else (an HTML page from a gateway, an empty body, truncated JSON) is an
//!   [`Error::UnexpectedResponse`] with the status and
//!   the start of the body. Redirects are not followed (a signature is only good for the
//!   endpoint it was sent to): a 3xx with a `Location` shows
//!   `<redirect to https://host/path>` (the location without its query) instead.
//! * The client asks for no `Content-Encoding` and decodes none. A body that a proxy
//!   compressed anyway (`Content-Encoding: gzip`) cannot be read: the error says so, and
//!   shows `<N bytes of Content-Encoding: gzip, not decoded>` instead of the bytes.
//!
//! * A leading UTF-8 byte order mark is ignored (RFC 8259 allows it). An error body that
//!   is not UTF-8 (a message in another encoding) is read lossily, so its `Code` still
//!   counts; a 2xx body is never read lossily (its data would change): it is an
//!   [`Error::Decode`].
//!
//! The request ID comes from the body's `RequestId`, else the `x-acs-request-id` header.

use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorCode, ServiceError};

/// The most characters of a body shown in an error.
pub const SNIPPET_CHARS: usize = 256;

/// The header carrying the request ID.
const REQUEST_ID_HEADER: &str = "x-acs-request-id";

/// The marker of the server's string-to-sign in a `SignatureDoesNotMatch` message.
const STRING_TO_SIGN_MARKER: &str = "string to sign is:";

/// A decoded failure: the error, plus the server's string-to-sign when it was cut from a
/// `SignatureDoesNotMatch` message (the client compares it with its own).
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: Error,
    pub(crate) server_string_to_sign: Option<String>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            error,
            server_string_to_sign: None,
        }
    }
}

/// Decodes a complete response: a 2xx JSON body into `T`, anything else into an error.
///
/// # Errors
///
/// [`Error::Service`] for an error body (whatever the status), [`Error::Decode`] for a
/// 2xx body that is not a `T`, [`Error::UnexpectedResponse`] for any other non-2xx
/// answer; see the [module docs](self).
///
/// ```
/// use linkwan_runtime::{response::decode, ErrorCode};
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Reply { #[serde(rename = "Success")] success: bool }
///
/// let headers = http::HeaderMap::new();
/// let ok: Reply = decode(http::StatusCode::OK, &headers, br#"{"Success":true}"#).unwrap();
/// assert!(ok.success);
///
/// let body = br#"{"RequestId":"r1","Code":"NonExistent","Message":"The specified resource does not exist."}"#;
/// let err = decode::<Reply>(http::StatusCode::BAD_REQUEST, &headers, body).unwrap_err();
/// assert_eq!(err.code(), Some(&ErrorCode::NonExistent));
/// assert_eq!(err.request_id(), Some("r1"));
/// ```
pub fn decode<T: DeserializeOwned>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Error> {
    decode_inner(status, headers, body).map_err(|f| f.error)
}

pub(crate) fn decode_inner<T: DeserializeOwned>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Failure> {
    // RFC 8259 (8.1) lets a parser ignore a leading byte order mark; serde_json does not.
    let body = body.strip_prefix(UTF8_BOM).unwrap_or(body);
    if status.is_success() {
        match serde_json::from_slice::<T>(body) {
            Ok(value) => Ok(value),
            Err(e) => Err(match service_error(status, headers, body) {
                Some(failure) => failure,
                None => {
                    let encoding = content_encoding(headers);
                    Error::Decode {
                        status: status.as_u16(),
                        message: match encoding {
                            Some(enc) => format!(
                                "the body is encoded (Content-Encoding: {enc}), which the \
                                 client neither asks for nor decodes ({e})"
                            ),
                            None => e.to_string(),
                        },
                        snippet: body_snippet(body, encoding),
                        request_id: body_request_id(body).or_else(|| header_request_id(headers)),
                    }
                    .into()
                }
            }),
        }
    } else {
        Err(service_error(status, headers, body).unwrap_or_else(|| {
            Error::UnexpectedResponse {
                status: status.as_u16(),
                snippet: redirect_snippet(status, headers)
                    .unwrap_or_else(|| body_snippet(body, content_encoding(headers))),
                request_id: header_request_id(headers),
            }
            .into()
        }))
    }
}

/// How much of an error answer over the body limit the client reads, to show: enough
/// for a [`snippet`].
pub(crate) const OVERSIZED_HEAD: usize = SNIPPET_CHARS * 4;

/// The error for a non-2xx answer whose body goes past the client's limit, of which
/// `head` is the start: [`Error::UnexpectedResponse`] with the status (what the retry
/// policy goes by) and the start of the body, marked as cut.
pub(crate) fn oversized(status: StatusCode, headers: &HeaderMap, head: &[u8]) -> Error {
    partial(status, headers, head, "over the limit")
}

/// The error for a non-2xx answer whose body broke off (the connection closed or reset
/// inside it), of which `head` is the start: as [`oversized`].
pub(crate) fn cut_short(status: StatusCode, headers: &HeaderMap, head: &[u8]) -> Error {
    partial(status, headers, head, "cut short")
}

/// The error for a non-2xx answer whose body was still incomplete when the attempt's
/// time ran out: the status, and the start of the body read by then, ending in `…`.
pub(crate) fn stalled(status: StatusCode, headers: &HeaderMap, head: &[u8]) -> Error {
    partial(status, headers, head, "stalled")
}

/// [`oversized`] and [`cut_short`]: `why` says what happened to the rest of the body.
fn partial(status: StatusCode, headers: &HeaderMap, head: &[u8], why: &str) -> Error {
    let snippet = match content_encoding(headers) {
        Some(enc) if std::str::from_utf8(head).is_err() => {
            let shown: String = enc.chars().take(32).collect();
            let cut = if shown.len() < enc.len() { "…" } else { "" };
            format!("<a body {why}, of Content-Encoding: {shown}{cut}, not decoded>")
        }
        _ => {
            let mut text = snippet(head);
            if !text.ends_with('…') && !text.ends_with(" <omitted>") {
                text.push('…');
            }
            text
        }
    };
    Error::UnexpectedResponse {
        status: status.as_u16(),
        snippet,
        request_id: header_request_id(headers),
    }
}

/// The response's `Content-Encoding` when it is not `identity`: the client sends no
/// `Accept-Encoding` and decodes no encoding, so a body a proxy compressed anyway cannot
/// be read (or shown) as it is.
fn content_encoding(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(http::header::CONTENT_ENCODING)?
        .to_str()
        .ok()?
        .trim();
    (!value.is_empty() && !value.eq_ignore_ascii_case("identity")).then_some(value)
}

/// For a redirect (a 3xx with a `Location`), `<redirect to LOCATION>`, the location
/// without its query or fragment (a redirect of a GET may echo the signed query, with the
/// AccessKey ID and the STS token). The client does not follow redirects (a signature is
/// only good for the endpoint it was sent to), and where the answer points is what tells
/// a user how to fix the endpoint (`http` for `https`, another region's host).
fn redirect_snippet(status: StatusCode, headers: &HeaderMap) -> Option<String> {
    if !status.is_redirection() {
        return None;
    }
    let location = String::from_utf8_lossy(headers.get(http::header::LOCATION)?.as_bytes());
    let target = location.split(['?', '#']).next().unwrap_or_default().trim();
    (!target.is_empty()).then(|| snippet(format!("<redirect to {target}>").as_bytes()))
}

/// [`snippet`] of `body`, or, for a body under a `Content-Encoding` that is not text
/// (compressed data shown as text is noise), what it is.
fn body_snippet(body: &[u8], encoding: Option<&str>) -> String {
    match encoding {
        Some(enc) if std::str::from_utf8(body).is_err() => {
            let shown: String = enc.chars().take(32).collect();
            let cut = if shown.len() < enc.len() { "…" } else { "" };
            format!(
                "<{} bytes of Content-Encoding: {shown}{cut}, not decoded>",
                body.len()
            )
        }
        _ => snippet(body),
    }
}

/// The fields of an error body, keys matched case-insensitively.
#[derive(Default)]
struct ErrorBody {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    host_id: Option<String>,
    recommend: Option<String>,
}

impl<'de> serde::Deserialize<'de> for ErrorBody {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ErrorBody;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an error object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ErrorBody, A::Error> {
                let mut out = ErrorBody::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let slot = match key.to_ascii_lowercase().as_str() {
                        "code" | "errorcode" => &mut out.code,
                        "message" | "errormessage" => &mut out.message,
                        "requestid" => &mut out.request_id,
                        "hostid" => &mut out.host_id,
                        "recommend" => &mut out.recommend,
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                            continue;
                        }
                    };
                    let value = map.next_value::<serde_json::Value>()?;
                    if slot.is_none() {
                        *slot = match value {
                            serde_json::Value::String(s) => Some(s),
                            serde_json::Value::Number(n) => Some(n.to_string()),
                            serde_json::Value::Bool(b) => Some(b.to_string()),
                            _ => None,
                        };
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// A UTF-8 byte order mark.
const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// `body` read as an error body. One that is not UTF-8 (a message in Latin-1 or GBK from
/// a gateway) is read lossily: its code still decides what the client does, and the
/// message is only shown.
fn error_body(body: &[u8]) -> Option<ErrorBody> {
    match serde_json::from_slice(body) {
        Ok(parsed) => Some(parsed),
        Err(_) if std::str::from_utf8(body).is_err() => {
            serde_json::from_str(&String::from_utf8_lossy(body)).ok()
        }
        Err(_) => None,
    }
}

fn service_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Option<Failure> {
    let parsed = error_body(body)?;
    let code = parsed.code.filter(|c| !c.is_empty())?;
    let code = ErrorCode::from(code);
    let mut message = parsed.message.unwrap_or_default();
    let mut server_string_to_sign = None;
    if code == ErrorCode::SignatureDoesNotMatch {
        // The echoed string-to-sign holds the AccessKey ID: keep it out of the message.
        let lower = message.to_ascii_lowercase();
        if let Some(at) = lower.find(STRING_TO_SIGN_MARKER) {
            let cut = at + STRING_TO_SIGN_MARKER.len();
            server_string_to_sign = Some(message[cut..].trim().to_owned());
            message.truncate(cut);
            message.push_str(" <omitted>");
        }
    }
    let clock_skew_secs = if code == ErrorCode::InvalidTimeStampExpired {
        headers
            .get(http::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::time::parse_http_date)
            .map(|server| server.saturating_sub(crate::time::unix_now()))
    } else {
        None
    };
    let error = ServiceError {
        code,
        message,
        request_id: parsed
            .request_id
            .filter(|s| !s.is_empty())
            .or_else(|| header_request_id(headers)),
        host_id: parsed.host_id,
        recommend: parsed.recommend,
        status: status.as_u16(),
        signature_mismatch: None,
        clock_skew_secs,
    };
    Some(Failure {
        error: Error::Service(error),
        server_string_to_sign,
    })
}

fn header_request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn body_request_id(body: &[u8]) -> Option<String> {
    error_body(body)?.request_id.filter(|s| !s.is_empty())
}

/// The start of `body` as text: at most [`SNIPPET_CHARS`] characters (lossy UTF-8, on a
/// char boundary), with `…` when cut.
///
/// A `server string to sign is:` (echoed by `SignatureDoesNotMatch`; it holds the
/// AccessKey ID and the STS token) is cut after the marker, as in [`ServiceError`]'s
/// message, even when the body is not an error object (truncated JSON, a page).
#[must_use]
pub fn snippet(body: &[u8]) -> String {
    // 4 bytes per char at most: no need to look further.
    let head = &body[..body.len().min(SNIPPET_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let mut out: String = text.chars().take(SNIPPET_CHARS).collect();
    if let Some(at) = out.to_ascii_lowercase().find(STRING_TO_SIGN_MARKER) {
        out.truncate(at + STRING_TO_SIGN_MARKER.len());
        out.push_str(" <omitted>");
        return out;
    }
    if out.len() < text.len() || head.len() < body.len() {
        out.push('…');
    }
    out
}

/// What replaces a credential quoted by the server.
const REDACTED: &str = "<redacted>";

/// The shortest prefix of a credential that is redacted where a snippet was cut.
const MIN_REDACTED_PREFIX: usize = 6;

/// Replaces the AccessKey ID and the STS token, as sent and percent-encoded once or twice
/// (as in a query and in a string-to-sign), in the server's text that `error` carries:
/// a gateway page or a message may quote the request. A snippet cut inside one loses the
/// cut prefix too. A value shorter than [`MIN_REDACTED_PREFIX`] (no real credential is:
/// an AccessKey ID has 16 characters or more) is left alone, as it cannot be told from
/// ordinary text (an ID `id` would otherwise turn `InvalidTimeStamp` into
/// `Inval<redacted>TimeStamp`).
pub(crate) fn redact_credentials(error: &mut Error, credentials: &crate::Credentials) {
    let mut needles: Vec<String> = Vec::with_capacity(6);
    for value in [
        Some(credentials.access_key_id()),
        credentials.security_token(),
    ]
    .into_iter()
    .flatten()
    .filter(|v| v.len() >= MIN_REDACTED_PREFIX)
    {
        let once = crate::sign::percent_encode(value);
        let twice = crate::sign::percent_encode(&once);
        for n in [value.to_owned(), once, twice] {
            if !needles.contains(&n) {
                needles.push(n);
            }
        }
    }
    // Longest first, so that a form containing another is replaced whole.
    needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let scrub = |text: &mut String| {
        for n in &needles {
            if text.contains(n.as_str()) {
                *text = text.replace(n.as_str(), REDACTED);
            }
        }
    };
    let scrub_snippet = |text: &mut String| {
        scrub(text);
        let Some(kept) = text.strip_suffix('…') else {
            return;
        };
        let cut = needles.iter().find_map(|n| {
            (MIN_REDACTED_PREFIX..n.len())
                .rev()
                .filter(|&k| n.is_char_boundary(k))
                .find(|&k| kept.ends_with(&n[..k]))
        });
        if let Some(k) = cut {
            let keep = kept.len() - k;
            text.truncate(keep);
            text.push_str(REDACTED);
            text.push('…');
        }
    };
    match error {
        Error::Service(se) => {
            scrub(&mut se.message);
            for field in [&mut se.request_id, &mut se.host_id, &mut se.recommend]
                .into_iter()
                .flatten()
            {
                scrub(field);
            }
        }
        Error::Decode {
            message,
            snippet,
            request_id,
            ..
        } => {
            scrub(message);
            scrub_snippet(snippet);
            if let Some(id) = request_id {
                scrub(id);
            }
        }
        Error::UnexpectedResponse {
            snippet,
            request_id,
            ..
        } => {
            scrub_snippet(snippet);
            if let Some(id) = request_id {
                scrub(id);
            }
        }
        _ => {}
    }
}

/// The `x-acs-retry-after` header (milliseconds), if present and valid.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<std::time::Duration> {
    let v = headers.get("x-acs-retry-after")?.to_str().ok()?.trim();
    v.parse::<u64>().ok().map(std::time::Duration::from_millis)
}

pub mod lenient {
    //! serde helpers for values the API may send either natively or as strings:
    //! LinkWAN documents some `Long` fields returned as `"1234"`, and some booleans as
    //! `"true"`.
    //!
    //! Use them with `#[serde(with = "…")]`; they serialize the value natively.
    //!
    //! ```
    //! use linkwan_runtime::response::lenient;
    //!
    //! #[derive(serde::Deserialize, serde::Serialize)]
    //! struct Node {
    //!     #[serde(rename = "NodeCount", with = "lenient::int")]
    //!     node_count: u64,
    //!     #[serde(rename = "Enabled", with = "lenient::bool")]
    //!     enabled: bool,
    //!     #[serde(rename = "Rssi", default, with = "lenient::option_int")]
    //!     rssi: Option<i32>,
    //! }
    //!
    //! let a: Node = serde_json::from_str(r#"{"NodeCount":"1234","Enabled":"true","Rssi":"-97"}"#).unwrap();
    //! let b: Node = serde_json::from_str(r#"{"NodeCount":1234,"Enabled":true}"#).unwrap();
    //! assert_eq!((a.node_count, a.enabled, a.rssi), (1234, true, Some(-97)));
    //! assert_eq!((b.node_count, b.enabled, b.rssi), (1234, true, None));
    //! assert_eq!(serde_json::to_string(&b).unwrap(), r#"{"NodeCount":1234,"Enabled":true,"Rssi":null}"#);
    //! ```

    use std::fmt;
    use std::marker::PhantomData;
    use std::str::FromStr;

    use serde::de::{self, Deserializer, Visitor};
    use serde::ser::Serializer;

    struct IntVisitor<T>(PhantomData<T>);

    impl<T> Visitor<'_> for IntVisitor<T>
    where
        T: FromStr + TryFrom<u64> + TryFrom<i64>,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer or a string holding one")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            T::try_from(v).map_err(|_| E::custom(format_args!("{v} is out of range")))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            T::try_from(v).map_err(|_| E::custom(format_args!("{v} is out of range")))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
            if v.fract() == 0.0 && v >= i64::MIN as f64 && v <= u64::MAX as f64 {
                if v < 0.0 {
                    self.visit_i64(v as i64)
                } else {
                    self.visit_u64(v as u64)
                }
            } else {
                Err(E::invalid_type(de::Unexpected::Float(v), &self))
            }
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            v.trim()
                .parse()
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }

    struct BoolVisitor;

    impl Visitor<'_> for BoolVisitor {
        type Value = bool;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean or \"true\"/\"false\"")
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            match v.trim() {
                t if t.eq_ignore_ascii_case("true") => Ok(true),
                f if f.eq_ignore_ascii_case("false") => Ok(false),
                _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
    }

    pub mod int {
        //! Any integer type, from `1234` or `"1234"`; serializes as a number.

        use super::*;

        /// Deserializes an integer from a number or a string.
        ///
        /// # Errors
        ///
        /// The deserializer's error for anything else, or a number out of `T`'s range.
        pub fn deserialize<'de, D, T>(d: D) -> Result<T, D::Error>
        where
            D: Deserializer<'de>,
            T: FromStr + TryFrom<u64> + TryFrom<i64>,
        {
            d.deserialize_any(IntVisitor(PhantomData))
        }

        /// Serializes the integer as a number.
        ///
        /// # Errors
        ///
        /// The serializer's.
        pub fn serialize<S: Serializer, T: serde::Serialize>(
            v: &T,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            v.serialize(s)
        }
    }

    pub mod bool {
        //! A `bool`, from `true` or `"true"` (any case); serializes as a boolean.

        use super::*;

        /// Deserializes a boolean from a boolean or a string.
        ///
        /// # Errors
        ///
        /// The deserializer's error for anything but a boolean, `"true"` or `"false"`.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
            d.deserialize_any(BoolVisitor)
        }

        /// Serializes the boolean natively.
        ///
        /// # Errors
        ///
        /// The serializer's.
        pub fn serialize<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bool(*v)
        }
    }

    struct OptionOf<V>(V);

    impl<'de, V: Visitor<'de>> Visitor<'de> for OptionOf<V> {
        type Value = Option<V::Value>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)?;
            f.write_str(", null or \"\"")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            self.0.visit_bool(v).map(Some)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.0.visit_u64(v).map(Some)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            self.0.visit_i64(v).map(Some)
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            self.0.visit_f64(v).map(Some)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.trim().is_empty() {
                Ok(None)
            } else {
                self.0.visit_str(v).map(Some)
            }
        }
    }

    pub mod option_int {
        //! An optional integer: `null`, absent (with `#[serde(default)]`), `""`, `1234` or
        //! `"1234"`.

        use super::*;

        /// Deserializes an optional integer.
        ///
        /// # Errors
        ///
        /// As [`super::int::deserialize`], for a value that is not null.
        pub fn deserialize<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
        where
            D: Deserializer<'de>,
            T: FromStr + TryFrom<u64> + TryFrom<i64>,
        {
            d.deserialize_option(OptionOf(IntVisitor(PhantomData)))
        }

        /// Serializes the option natively (`null` or a number).
        ///
        /// # Errors
        ///
        /// The serializer's.
        pub fn serialize<S: Serializer, T: serde::Serialize>(
            v: &Option<T>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            serde::Serialize::serialize(v, s)
        }
    }

    pub mod option_bool {
        //! An optional boolean: `null`, absent (with `#[serde(default)]`), `""`, `true`
        //! or `"true"`.

        use super::*;

        /// Deserializes an optional boolean.
        ///
        /// # Errors
        ///
        /// As [`super::bool::deserialize`], for a value that is not null.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
            d.deserialize_option(OptionOf(BoolVisitor))
        }

        /// Serializes the option natively (`null` or a boolean).
        ///
        /// # Errors
        ///
        /// The serializer's.
        pub fn serialize<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
            serde::Serialize::serialize(v, s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SignatureMismatch;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Reject {
        #[serde(rename = "RequestId")]
        request_id: String,
        #[serde(rename = "Success")]
        success: bool,
    }

    fn err(status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
        decode::<Reject>(StatusCode::from_u16(status).unwrap(), headers, body).unwrap_err()
    }

    const SEED: [(&str, &str); 8] = [
        ("ForbiddenByRam", "User not authorized to operate on the specified resource, or this API does not support RAM."),
        ("ForbiddenByRiskControl", "This operation cannot be performed because of security risks."),
        ("NonExistent", "The specified resource does not exist."),
        ("CloudProductNotActivated", "The Link WAN service has not been activated."),
        ("InternalError", "The request processing has failed due to some unknown error, exception or failure."),
        ("FeatureNotActivated", "The feature has not been activated."),
        ("NotResourceOwner", "You are not authorized to use this resource."),
        ("IllegalOrderStateTransition", "The order status conversion is invalid."),
    ];

    #[test]
    fn redirects_say_where_they_point_without_the_query() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::LOCATION,
            http::HeaderValue::from_static(
                "https://linkwan.cn-shanghai.aliyuncs.com/?AccessKeyId=LTAI5tExampleKeyId&SecurityToken=CAIS#f",
            ),
        );
        for status in [301, 302, 307, 308] {
            let e = err(status, &headers, b"<html>Moved</html>");
            let Error::UnexpectedResponse { snippet, .. } = &e else {
                panic!("{e:?}");
            };
            assert_eq!(
                snippet,
                "<redirect to https://linkwan.cn-shanghai.aliyuncs.com/>"
            );
            assert!(!e.to_string().contains("LTAI") && !e.to_string().contains("CAIS"));
            assert_eq!(e.status(), Some(status));
        }
        // Without a usable Location, or outside 3xx, the body as before.
        for (status, location) in [(301, None), (301, Some("?x=1")), (400, Some("https://a/"))] {
            let mut headers = HeaderMap::new();
            if let Some(l) = location {
                headers.insert(
                    http::header::LOCATION,
                    http::HeaderValue::from_str(l).unwrap(),
                );
            }
            let Error::UnexpectedResponse { snippet, .. } = err(status, &headers, b"moved") else {
                panic!("{status}");
            };
            assert_eq!(snippet, "moved");
        }
        // A long or non-UTF-8 location is bounded and shown lossily.
        let long = format!("https://h/{}", "p".repeat(1000));
        headers.insert(
            http::header::LOCATION,
            http::HeaderValue::from_str(&long).unwrap(),
        );
        let Error::UnexpectedResponse { snippet, .. } = err(302, &headers, b"") else {
            panic!();
        };
        assert!(snippet.starts_with("<redirect to https://h/ppp") && snippet.ends_with('…'));
        assert_eq!(snippet.chars().count(), SNIPPET_CHARS + 1);
        headers.insert(
            http::header::LOCATION,
            http::HeaderValue::from_bytes(b"https://h/\xff").unwrap(),
        );
        let Error::UnexpectedResponse { snippet, .. } = err(302, &headers, b"") else {
            panic!();
        };
        assert_eq!(snippet, "<redirect to https://h/\u{fffd}>");
    }

    #[test]
    fn success_decodes() {
        let ok: Reject = decode(
            StatusCode::OK,
            &HeaderMap::new(),
            br#"{"RequestId":"89EF6CAA-958F-F32C-BE45-FE003C6DE097","Success":true}"#,
        )
        .unwrap();
        assert!(ok.success);
        assert_eq!(ok.request_id, "89EF6CAA-958F-F32C-BE45-FE003C6DE097");
    }

    #[test]
    fn every_seed_code_maps() {
        let named = [
            ErrorCode::ForbiddenByRam,
            ErrorCode::ForbiddenByRiskControl,
            ErrorCode::NonExistent,
            ErrorCode::CloudProductNotActivated,
            ErrorCode::InternalError,
            ErrorCode::FeatureNotActivated,
            ErrorCode::NotResourceOwner,
            ErrorCode::IllegalOrderStateTransition,
        ];
        for ((code, message), expect) in SEED.iter().zip(named) {
            let body = serde_json::json!({
                "RequestId": "89EF6CAA", "HostId": "linkwan.cn-shanghai.aliyuncs.com",
                "Code": code, "Message": message, "Recommend": "https://next.api.aliyun.com/troubleshoot?q=x",
            })
            .to_string();
            let e = err(400, &HeaderMap::new(), body.as_bytes());
            let s = e.as_service().expect("a service error");
            assert_eq!(s.code, expect);
            assert_eq!(s.message, *message);
            assert_eq!(s.status, 400);
            assert_eq!(s.request_id(), Some("89EF6CAA"));
            assert_eq!(s.host_id(), Some("linkwan.cn-shanghai.aliyuncs.com"));
            assert!(s.recommend().unwrap().starts_with("https://"));
            assert_eq!(
                e.to_string(),
                format!("{code}: {message} (RequestId: 89EF6CAA)")
            );
        }
    }

    #[test]
    fn lower_case_keys_and_header_request_id() {
        let mut h = HeaderMap::new();
        h.insert("x-acs-request-id", "hdr-1".parse().unwrap());
        let e = err(
            429,
            &h,
            br#"{"code":"Throttling.User","message":"slow down","extra":[1,{}]}"#,
        );
        let s = e.as_service().unwrap();
        assert_eq!(s.code, ErrorCode::ThrottlingUser);
        assert_eq!(s.message, "slow down");
        assert_eq!(s.request_id(), Some("hdr-1"));
        // A numeric code is kept as text.
        let e = err(500, &h, br#"{"Code":500,"Message":"x"}"#);
        assert_eq!(e.code(), Some(&ErrorCode::Other("500".into())));
    }

    #[test]
    fn non_json_and_unrecognised_pages() {
        let mut h = HeaderMap::new();
        h.insert("x-acs-request-id", "hdr-2".parse().unwrap());
        for (status, body) in [
            (502, &b"<html><body>502 Bad Gateway</body></html>"[..]),
            (503, b""),
            (400, br#"{"Code":"NonExist"#),
            (404, br#"{"message":"no route"}"#),
            (400, br#"{"Code":""}"#),
            (500, br#"[1,2]"#),
            (400, b"\xff\xfe\x00garbage"),
        ] {
            let e = err(status, &h, body);
            match &e {
                Error::UnexpectedResponse {
                    status: s,
                    snippet,
                    request_id,
                } => {
                    assert_eq!(*s, status);
                    assert_eq!(request_id.as_deref(), Some("hdr-2"));
                    assert!(snippet.chars().count() <= SNIPPET_CHARS + 1);
                }
                other => panic!("{status} {body:?}: {other:?}"),
            }
            assert_eq!(e.status(), Some(status));
        }
    }

    #[test]
    fn undecodable_2xx() {
        let e = err(
            200,
            &HeaderMap::new(),
            br#"{"RequestId":"r9","Success":"maybe"}"#,
        );
        match &e {
            Error::Decode {
                status,
                message,
                snippet,
                request_id,
            } => {
                assert_eq!(*status, 200);
                assert!(
                    message.contains("Success") || message.contains("boolean"),
                    "{message}"
                );
                assert!(snippet.contains("maybe"));
                assert_eq!(request_id.as_deref(), Some("r9"));
            }
            other => panic!("{other:?}"),
        }
        // A 200 carrying an error body is a service error.
        let e = err(
            200,
            &HeaderMap::new(),
            br#"{"RequestId":"r","Code":"InternalError","Message":"m"}"#,
        );
        assert_eq!(e.code(), Some(&ErrorCode::InternalError));
        assert_eq!(e.status(), Some(200));
        // A 200 whose body the response type accepts is returned as is.
        let ok: Reject = decode(
            StatusCode::OK,
            &HeaderMap::new(),
            br#"{"RequestId":"r","Success":false,"Code":"X"}"#,
        )
        .unwrap();
        assert!(!ok.success);
    }

    #[test]
    fn encoded_bodies_are_named() {
        let gzip = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xab\xae\x05\x00";
        let mut h = HeaderMap::new();
        h.insert("content-encoding", "gzip".parse().unwrap());
        let e = err(200, &h, gzip);
        assert_eq!(
            e.to_string(),
            "cannot decode the HTTP 200 response: the body is encoded (Content-Encoding: gzip), \
             which the client neither asks for nor decodes (expected value at line 1 column 1) \
             (body: \"<14 bytes of Content-Encoding: gzip, not decoded>\")"
        );
        let e = err(400, &h, gzip);
        assert_eq!(
            e.to_string(),
            "unexpected HTTP 400 response (body: \"<14 bytes of Content-Encoding: gzip, not decoded>\")"
        );
        // Readable despite the header: decoded as usual.
        let ok: Reject =
            decode(StatusCode::OK, &h, br#"{"RequestId":"r","Success":true}"#).unwrap();
        assert!(ok.success);
        let e = err(400, &h, br#"{"Code":"NonExistent","Message":"m"}"#);
        assert_eq!(e.code(), Some(&ErrorCode::NonExistent));
        // Text is shown as text; `identity` is no encoding; a long name is cut.
        let e = err(502, &h, b"<html>502</html>");
        assert!(e.to_string().contains("<html>502</html>"), "{e}");
        h.insert("content-encoding", "Identity".parse().unwrap());
        let e = err(502, &h, b"\xff\xfe");
        assert!(!e.to_string().contains("Content-Encoding"), "{e}");
        h.insert("content-encoding", "x".repeat(100).parse().unwrap());
        let e = err(502, &h, b"\xff\xfe");
        assert!(
            e.to_string().contains(&format!(
                "<2 bytes of Content-Encoding: {}…, not decoded>",
                "x".repeat(32)
            )),
            "{e}"
        );
    }

    #[test]
    fn oversized_error_answers_keep_their_status() {
        let mut h = HeaderMap::new();
        h.insert("x-acs-request-id", "hdr-9".parse().unwrap());
        let e = oversized(StatusCode::SERVICE_UNAVAILABLE, &h, b"<html>busy");
        assert_eq!(
            e.to_string(),
            "unexpected HTTP 503 response (RequestId: hdr-9) (body: \"<html>busy…\")"
        );
        let long = "x".repeat(OVERSIZED_HEAD);
        let e = oversized(StatusCode::BAD_GATEWAY, &h, long.as_bytes());
        let Error::UnexpectedResponse { snippet, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(snippet.chars().count(), SNIPPET_CHARS + 1);
        assert!(snippet.ends_with('…'));
        h.insert("content-encoding", "gzip".parse().unwrap());
        let e = oversized(StatusCode::BAD_GATEWAY, &h, b"\x1f\x8b\x08\xff");
        assert_eq!(
            e.to_string(),
            "unexpected HTTP 502 response (RequestId: hdr-9) (body: \"<a body over the limit, of Content-Encoding: gzip, not decoded>\")"
        );
    }

    #[test]
    fn snippets_are_bounded_and_char_safe() {
        let long = "é".repeat(1000);
        let s = snippet(long.as_bytes());
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(snippet(b"short"), "short");
        // A multi-byte char cut by the byte window is shown lossily, never split.
        let mut b = vec![b'a'; SNIPPET_CHARS * 4 - 1];
        b.extend_from_slice("é".as_bytes());
        let s = snippet(&b);
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
    }

    #[test]
    fn signature_mismatch_message_is_cut() {
        let body = serde_json::json!({
            "Code": "SignatureDoesNotMatch",
            "Message": "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DLTAIsecretid%26Action%3DX",
        })
        .to_string();
        let f = decode_inner::<Reject>(StatusCode::BAD_REQUEST, &HeaderMap::new(), body.as_bytes())
            .unwrap_err();
        assert_eq!(
            f.server_string_to_sign.as_deref(),
            Some("POST&%2F&AccessKeyId%3DLTAIsecretid%26Action%3DX")
        );
        let shown = format!("{} {:?}", f.error, f.error);
        assert!(!shown.contains("LTAIsecretid"), "{shown}");
        assert!(
            shown.contains("server string to sign is: <omitted>"),
            "{shown}"
        );
        let _ = SignatureMismatch::SecretWrong;
    }

    #[test]
    fn quoted_credentials_are_redacted() {
        let creds = crate::Credentials::new("LTAI5tQuotedId", "secret")
            .with_security_token("CAIS+quoted/token=");
        // A page quoting the query (once encoded) and a message quoting the raw token.
        let page =
            "<html>/?AccessKeyId=LTAI5tQuotedId&SecurityToken=CAIS%2Bquoted%2Ftoken%3D</html>";
        let mut e = err(414, &HeaderMap::new(), page.as_bytes());
        redact_credentials(&mut e, &creds);
        assert_eq!(
            e.to_string(),
            "unexpected HTTP 414 response (body: \"<html>/?AccessKeyId=<redacted>&SecurityToken=<redacted></html>\")"
        );
        let body = br#"{"Code":"InvalidSecurityToken.Malformed","Message":"token CAIS+quoted/token= of LTAI5tQuotedId"}"#;
        let mut e = err(400, &HeaderMap::new(), body);
        redact_credentials(&mut e, &creds);
        assert_eq!(
            e.as_service().unwrap().message,
            "token <redacted> of <redacted>"
        );
        // A snippet cut inside the token (twice encoded, as in a string-to-sign).
        let mut body = "x".repeat(SNIPPET_CHARS - 8).into_bytes();
        body.extend_from_slice(b"CAIS%252Bquoted%252Ftoken%253D and more");
        let mut e = err(502, &HeaderMap::new(), &body);
        redact_credentials(&mut e, &creds);
        let Error::UnexpectedResponse { snippet, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(
            *snippet,
            format!("{}<redacted>…", "x".repeat(SNIPPET_CHARS - 8))
        );
        // Short prefixes and unrelated text stay.
        let mut e = err(502, &HeaderMap::new(), b"LTAI5 and CAIS");
        redact_credentials(&mut e, &creds);
        assert!(e.to_string().contains("LTAI5 and CAIS"), "{e}");
        // A test ID too short to be a credential does not eat into the server's words.
        let body = br#"{"Code":"InvalidTimeStamp.Format","Message":"bad id","Recommend":"https://x/?q=InvalidTimeStamp.Format"}"#;
        let mut e = err(400, &HeaderMap::new(), body);
        redact_credentials(&mut e, &crate::Credentials::new("id", "secret"));
        let se = e.as_service().unwrap();
        assert_eq!(se.message, "bad id");
        assert_eq!(
            se.recommend.as_deref(),
            Some("https://x/?q=InvalidTimeStamp.Format")
        );
    }

    #[test]
    fn an_echoed_string_to_sign_is_cut_from_snippets() {
        let body = br#"{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DLTAIsecretid%26Act"#;
        let e = err(400, &HeaderMap::new(), body);
        let shown = e.to_string();
        assert!(!shown.contains("LTAIsecretid"), "{shown}");
        assert!(
            shown.ends_with("server string to sign is: <omitted>\")"),
            "{shown}"
        );
    }

    #[test]
    fn clock_skew_from_date_header() {
        let mut h = HeaderMap::new();
        h.insert("date", "Sun, 06 Nov 1994 08:49:37 GMT".parse().unwrap());
        let e = err(400, &h, br#"{"Code":"InvalidTimeStamp.Expired","Message":"Specified time stamp or date value is expired."}"#);
        let skew = e.as_service().unwrap().clock_skew_secs().unwrap();
        assert!(skew < -900_000_000, "{skew}");
        assert!(e.to_string().contains("the local clock is off"), "{e}");
    }

    #[test]
    fn retry_after_header() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert("x-acs-retry-after", "1500".parse().unwrap());
        assert_eq!(
            retry_after(&h),
            Some(std::time::Duration::from_millis(1500))
        );
        h.insert("x-acs-retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..2000 {
            let len = rng.usize(0..64);
            let body: Vec<u8> = (0..len)
                .map(|_| *rng.choice(b"{}[]\":,CodeMsag 0123\\\xff\xc3").unwrap())
                .collect();
            let status = StatusCode::from_u16(rng.u16(100..600)).unwrap();
            let _ = decode::<Reject>(status, &HeaderMap::new(), &body);
        }
    }

    mod lenient_fields {
        use super::super::lenient;
        use serde::Deserialize;

        #[derive(Deserialize, Debug)]
        struct T {
            #[serde(with = "lenient::int")]
            a: u8,
            #[serde(with = "lenient::int")]
            b: i64,
            #[serde(default, with = "lenient::option_int")]
            c: Option<u128>,
            #[serde(default, with = "lenient::option_bool")]
            d: Option<bool>,
        }

        #[test]
        fn accepts_numbers_and_strings() {
            let t: T = serde_json::from_str(
                r#"{"a":"7","b":-9,"c":"340282366920938463463374607431768211455","d":"FALSE"}"#,
            )
            .unwrap();
            assert_eq!((t.a, t.b, t.c, t.d), (7, -9, Some(u128::MAX), Some(false)));
            let t: T = serde_json::from_str(r#"{"a":7,"b":" -9 ","c":null,"d":""}"#).unwrap();
            assert_eq!((t.a, t.b, t.c, t.d), (7, -9, None, None));
            let t: T = serde_json::from_str(r#"{"a":7.0,"b":"1"}"#).unwrap();
            assert_eq!((t.a, t.c, t.d), (7, None, None));
        }

        #[test]
        fn rejects_out_of_range_and_garbage() {
            for bad in [
                r#"{"a":256,"b":1}"#,
                r#"{"a":"-1","b":1}"#,
                r#"{"a":1.5,"b":1}"#,
                r#"{"a":"x","b":1}"#,
                r#"{"a":true,"b":1}"#,
                r#"{"a":1,"b":1,"d":"yes"}"#,
                r#"{"a":1,"b":1,"c":"1e3"}"#,
            ] {
                assert!(serde_json::from_str::<T>(bad).is_err(), "{bad}");
            }
        }
    }
}
