//! What a mock handler answers.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt as _, Full};
use hyper::body::{Body, Frame, SizeHint};

/// A mock handler's answer: a JSON body, an Aliyun error, raw bytes, or a fault
/// (a stall, a reset connection, a huge body).
///
/// ```
/// use linkwan_runtime::test_util::MockResponse;
/// use serde_json::json;
/// use std::time::Duration;
///
/// let ok = MockResponse::ok(json!({ "Success": true }));
/// let throttled = MockResponse::error(400, "Throttling.User", "Request was denied due to user flow control.")
///     .with_header("x-acs-retry-after", "50");
/// let slow = MockResponse::json(200, json!({ "RequestId": "r1" })).with_delay(Duration::from_millis(20));
/// let gateway = MockResponse::raw(502, "text/html", "<html>Bad Gateway</html>");
/// # let _ = (ok, throttled, slow, gateway);
/// ```
#[derive(Debug, Clone)]
pub struct MockResponse {
    pub(crate) kind: Kind,
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) delay: Option<Duration>,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// A JSON value (rendered as XML when the request did not ask for JSON).
    Json(serde_json::Value),
    Raw {
        content_type: String,
        body: Bytes,
    },
    Stall,
    StallBody {
        content_type: String,
        first: Bytes,
    },
    Reset,
    Huge {
        len: u64,
        content_length: bool,
    },
}

impl MockResponse {
    fn new(status: u16, kind: Kind) -> Self {
        MockResponse {
            kind,
            status,
            headers: Vec::new(),
            delay: None,
        }
    }

    /// A JSON body with the given status, sent as is.
    #[must_use = "a MockResponse does nothing unless a handler returns it"]
    pub fn json(status: u16, value: serde_json::Value) -> Self {
        Self::new(status, Kind::Json(value))
    }

    /// A 200 JSON body; a `RequestId` is added when `value` is an object without one.
    #[must_use = "a MockResponse does nothing unless a handler returns it"]
    pub fn ok(mut value: serde_json::Value) -> Self {
        if let Some(obj) = value.as_object_mut() {
            obj.entry("RequestId")
                .or_insert_with(|| serde_json::Value::String(request_id()));
        }
        Self::json(200, value)
    }

    /// An error body shaped like the platform's: `RequestId`, `HostId`, `Code`, `Message`,
    /// `Recommend`.
    #[must_use = "a MockResponse does nothing unless a handler returns it"]
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Self::json(
            status,
            serde_json::json!({
                "RequestId": request_id(),
                "HostId": "127.0.0.1",
                "Code": code,
                "Message": message,
                "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}"),
            }),
        )
    }

    /// Raw bytes with the given status and `Content-Type`.
    #[must_use = "a MockResponse does nothing unless a handler returns it"]
    pub fn raw(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        Self::new(
            status,
            Kind::Raw {
                content_type: content_type.to_owned(),
                body: body.into(),
            },
        )
    }

    /// Never answers; the connection is held open until the client gives up.
    #[must_use = "a MockResponse does nothing unless a handler returns it"]
    pub fn stall() -> Self {
        Self::new(200, Kind::Stall)
    }

    /// Sends the status line, headers and `first` bytes, then stalls the body forever.
    #[must_use = "a MockResponse does nothing unless a handler returns it"]
    pub fn stall_body(status: u16, content_type: &str, first: impl Into<Bytes>) -> Self {
        Self::new(
            status,
            Kind::StallBody {
                content_type: content_type.to_owned(),
                first: first.into(),
            },
        )
    }

    /// Closes the connection without an answer.
    #[must_use = "a MockResponse does nothing unless a handler returns it"]
    pub fn reset() -> Self {
        Self::new(0, Kind::Reset)
    }

    /// Streams `len` bytes of filler (`{"a":"aaaa…`), with a `Content-Length` header or
    /// chunked.
    #[must_use = "a MockResponse does nothing unless a handler returns it"]
    pub fn huge(status: u16, len: u64, with_content_length: bool) -> Self {
        Self::new(
            status,
            Kind::Huge {
                len,
                content_length: with_content_length,
            },
        )
    }

    /// Adds a response header (e.g. `x-acs-retry-after`, `Date`). The first header of a
    /// name replaces the server's own (`Content-Type`, `Date`, `x-acs-request-id`); the
    /// same name given again is sent again. A name or value HTTP cannot carry is answered
    /// `MockServer.InvalidHeader` (500), naming the header.
    #[must_use = "`with_header` returns the changed response"]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Waits `delay` before answering.
    #[must_use = "`with_delay` returns the changed response"]
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// The HTTP status this answer is sent with (0 for a reset or a stall).
    pub fn status(&self) -> u16 {
        match self.kind {
            Kind::Reset | Kind::Stall => 0,
            _ => self.status,
        }
    }

    /// The JSON body, if this answer is one.
    pub fn json_body(&self) -> Option<&serde_json::Value> {
        match &self.kind {
            Kind::Json(v) => Some(v),
            _ => None,
        }
    }
}

/// A fresh request id in the platform's shape (`8-4-4-4-12` upper-case hex).
pub(crate) fn request_id() -> String {
    let a = fastrand::u128(..);
    let h = format!("{a:032X}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

pub(crate) type MockBody = BoxBody<Bytes, Infallible>;

pub(crate) fn full(bytes: impl Into<Bytes>) -> MockBody {
    Full::new(bytes.into()).boxed()
}

/// A body that yields `first` and then never ends.
pub(crate) struct StalledBody(pub(crate) Option<Bytes>);

impl Body for StalledBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.0.take() {
            Some(first) => Poll::Ready(Some(Ok(Frame::data(first)))),
            None => Poll::Pending,
        }
    }
}

/// `len` bytes of filler in 64 KiB chunks.
pub(crate) struct FillerBody {
    pub(crate) left: u64,
    pub(crate) exact: bool,
    pub(crate) started: bool,
}

const CHUNK: usize = 64 * 1024;

impl Body for FillerBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let n = self.left.min(CHUNK as u64) as usize;
        let mut chunk = vec![b'a'; n];
        if !self.started {
            let head = b"{\"a\":\"";
            let k = head.len().min(n);
            chunk[..k].copy_from_slice(&head[..k]);
            self.started = true;
        }
        self.left -= n as u64;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(chunk)))))
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        if self.exact {
            SizeHint::with_exact(self.left)
        } else {
            SizeHint::default()
        }
    }
}

/// Renders a JSON value as the platform's XML (`<ActionResponse>…</ActionResponse>`).
pub(crate) fn to_xml(root: &str, value: &serde_json::Value) -> String {
    let mut out = String::from("<?xml version='1.0' encoding='UTF-8'?>");
    write_xml(root, value, &mut out);
    out
}

fn write_xml(name: &str, value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Array(items) => {
            for item in items {
                write_xml(name, item, out);
            }
        }
        _ => {
            out.push('<');
            out.push_str(name);
            out.push('>');
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        write_xml(k, v, out);
                    }
                }
                Value::String(s) => escape_xml(s, out),
                Value::Null => {}
                other => out.push_str(&other.to_string()),
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
}

fn escape_xml(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}
