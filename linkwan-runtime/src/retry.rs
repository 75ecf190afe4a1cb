//! When a failed call is tried again, and after how long.
//!
//! Retries are **on by default** ([`RetryPolicy::default`]: 3 attempts, exponential
//! back-off from 100 ms, capped at 5 s, with equal jitter; from 500 ms after throttling).
//! Every attempt is signed afresh (new `SignatureNonce`, new `Timestamp`), and the
//! client's whole-call deadline caps the total: the client never sleeps past it.
//!
//! Throttling (`Throttling*` codes, HTTP 429) backs off from a longer base, 500 ms as in
//! the classic official SDKs: flow control counts requests per second, and retries 50 to
//! 300 ms after being throttled would all fall in the window that was already full.
//!
//! What is retried ([`classify`], a pure function):
//!
//! | failure | retried |
//! |---|---|
//! | `Throttling`, `Throttling.User`, `Throttling.Api`, any `Throttling.*`, `ServiceUnavailable` | yes |
//! | an error answer with `x-acs-retry-after: <ms>` (not a permanent code; `InternalError`/`UnknownError` as below) | yes, after that delay (clamped to `max_backoff`) |
//! | HTTP 429 and 503 (turned away before processing), unless the body's code is a permanent one or `InternalError`/`UnknownError` | yes |
//! | HTTP 500, 502 and 504 (a gateway or the service failed), with the same exceptions | yes, unless [`with_non_idempotent_5xx_retries(false)`](RetryPolicy::with_non_idempotent_5xx_retries) limits them to idempotent actions |
//! | connection failures (refused, reset or timed out while connecting: nothing was sent) | yes |
//! | `InternalError`, `UnknownError` (LinkWAN sends `InternalError` as HTTP 400), whatever the status and `x-acs-retry-after` | only for [`IDEMPOTENT`](crate::RpcRequest::IDEMPOTENT) actions |
//! | attempt (read) timeouts, connections lost after the request was sent | only for idempotent actions (an answer broken off after a 429 or 5xx status line, or whose body is still incomplete when the attempt's time runs out, is retried as that status) |
//! | `IllegalOrderStateTransition`, `SignatureDoesNotMatch`, `Forbidden*`, `NonExistent`, `InvalidAccessKeyId.*`, any other 4xx, undecodable 2xx bodies, oversized 2xx bodies | never |
//! | a TLS handshake refused: a certificate that does not verify, no version or cipher in common, a handshake or certificate alert from the server | never (a connection closed mid-handshake is an ordinary connection failure) |
//!
//! Separately, an `InvalidTimeStamp.Expired` answered with a `Date` header makes the
//! client record the clock offset and try once more with a corrected `Timestamp`, even
//! with retries disabled: the request was refused before it was processed.
//!
//! # Against the official SDKs
//!
//! The classic Python SDK (`aliyun-python-sdk-core`) retries only actions on an
//! allow-list that holds ECS alone, so it never retries LinkWAN; the new SDKs (Tea/Darabonba)
//! and the Go SDK retry nothing unless asked, and Go retries with no delay at all. We
//! retry by default because throttling and gateway errors are routine for a fleet
//! manager's batch jobs. What the service itself says may have been processed
//! (`InternalError`, `UnknownError`) and requests whose answer never came back (read
//! timeouts, connections lost after sending) are repeated only for idempotent actions,
//! so a retry cannot turn such a success into `IllegalOrderStateTransition`.
//!
//! HTTP 500, 502 and 504 (whose body holds no permanent code, nor `InternalError` or
//! `UnknownError`) are retried for every action, as the AWS SDKs' standard retry mode
//! retries 500, 502, 503 and 504: they are taken for transient failures of a gateway or a
//! service instance. They do not prove that
//! the action did not run, though: a gateway's 504 may follow a request the service went
//! on to process. Callers for whom repeating a non-idempotent action is worse than
//! reporting the failure turn that off with
//! [`RetryPolicy::with_non_idempotent_5xx_retries`]`(false)`.
//!
//! ```
//! use std::time::Duration;
//! use linkwan_runtime::retry::RetryPolicy;
//!
//! let policy = RetryPolicy::default()
//!     .with_max_attempts(5)
//!     .with_base_backoff(Duration::from_millis(50))
//!     .with_max_backoff(Duration::from_secs(2));
//! assert_eq!(policy.max_attempts(), 5);
//! assert!(policy.backoff(10) <= Duration::from_secs(2));
//! assert_eq!(RetryPolicy::disabled().max_attempts(), 1);
//! ```

use std::time::Duration;

use crate::error::{Error, ErrorCode, TimeoutKind};

/// How many attempts a call gets and how long to wait between them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_backoff: Duration,
    throttling_base_backoff: Duration,
    max_backoff: Duration,
    non_idempotent_5xx: bool,
}

impl Default for RetryPolicy {
    /// 3 attempts, back-off from 100 ms (500 ms after throttling) doubling up to 5 s,
    /// equal jitter; HTTP 500, 502 and 504 retried for every action.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_backoff: Duration::from_millis(100),
            throttling_base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(5),
            non_idempotent_5xx: true,
        }
    }
}

impl RetryPolicy {
    /// The default policy (see [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// No retries: one attempt per call.
    pub fn disabled() -> Self {
        Self::default().with_max_attempts(1)
    }

    /// Same as [`disabled`](Self::disabled).
    pub fn none() -> Self {
        Self::disabled()
    }

    /// Sets the number of attempts, the first included (at least 1).
    #[must_use = "`with_max_attempts` returns the changed policy"]
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Sets the back-off before the first retry; it doubles for each further one.
    #[must_use = "`with_base_backoff` returns the changed policy"]
    pub fn with_base_backoff(mut self, base_backoff: Duration) -> Self {
        self.base_backoff = base_backoff;
        self
    }

    /// Sets the back-off before the first retry after throttling (a `Throttling*` code or
    /// HTTP 429); it doubles for each further one.
    #[must_use = "`with_throttling_base_backoff` returns the changed policy"]
    pub fn with_throttling_base_backoff(mut self, base_backoff: Duration) -> Self {
        self.throttling_base_backoff = base_backoff;
        self
    }

    /// Sets the longest back-off (also the cap on `x-acs-retry-after`).
    #[must_use = "`with_max_backoff` returns the changed policy"]
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Sets whether HTTP 500, 502 and 504 are retried for actions that are not
    /// [idempotent](crate::RpcRequest::IDEMPOTENT) (default: yes). Either way a body with
    /// a permanent code is never retried, and one with `InternalError` or `UnknownError`
    /// only for idempotent actions.
    /// With `false`, such a failure of a non-idempotent action is reported instead: the
    /// gateway may have given up on a request the service went on to process, and
    /// repeating it could apply it twice. Idempotent actions are retried either way.
    ///
    /// ```
    /// use linkwan_runtime::retry::{RetryDecision, RetryPolicy};
    /// use linkwan_runtime::Error;
    ///
    /// let gateway_timeout = Error::UnexpectedResponse {
    ///     status: 504,
    ///     snippet: "<html>504 Gateway Time-out</html>".into(),
    ///     request_id: None,
    /// };
    /// let default = RetryPolicy::default();
    /// assert_eq!(default.classify(&gateway_timeout, None, false), RetryDecision::Retry);
    /// let cautious = RetryPolicy::default().with_non_idempotent_5xx_retries(false);
    /// assert_eq!(cautious.classify(&gateway_timeout, None, false), RetryDecision::Stop);
    /// assert_eq!(cautious.classify(&gateway_timeout, None, true), RetryDecision::Retry);
    /// ```
    #[must_use = "`with_non_idempotent_5xx_retries` returns the changed policy"]
    pub fn with_non_idempotent_5xx_retries(mut self, retry: bool) -> Self {
        self.non_idempotent_5xx = retry;
        self
    }

    /// Whether HTTP 500, 502 and 504 are retried for non-idempotent actions.
    pub fn non_idempotent_5xx_retries(&self) -> bool {
        self.non_idempotent_5xx
    }

    /// Whether a failed attempt may be retried under this policy: [`classify`], with
    /// HTTP 500, 502 and 504 left to idempotent actions when
    /// [`with_non_idempotent_5xx_retries(false)`](Self::with_non_idempotent_5xx_retries)
    /// says so. This is what the client asks.
    #[must_use]
    pub fn classify(
        &self,
        error: &Error,
        retry_after: Option<Duration>,
        idempotent: bool,
    ) -> RetryDecision {
        classify_with(error, retry_after, idempotent, self.non_idempotent_5xx)
    }

    /// The number of attempts, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The back-off before the first retry.
    pub fn base_backoff(&self) -> Duration {
        self.base_backoff
    }

    /// The back-off before the first retry after throttling.
    pub fn throttling_base_backoff(&self) -> Duration {
        self.throttling_base_backoff
    }

    /// The longest back-off.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The back-off before retry number `retry` (1 for the first retry): equal jitter
    /// over `min(max_backoff, base_backoff · 2^(retry-1))`, i.e. between half of it and
    /// all of it.
    #[must_use]
    pub fn backoff(&self, retry: u32) -> Duration {
        self.jittered(self.base_backoff, retry)
    }

    /// [`backoff`](Self::backoff) from the throttling base.
    #[must_use]
    pub fn throttling_backoff(&self, retry: u32) -> Duration {
        self.jittered(self.throttling_base_backoff, retry)
    }

    fn jittered(&self, base: Duration, retry: u32) -> Duration {
        let shift = retry.saturating_sub(1).min(31);
        let cap = base.saturating_mul(1u32 << shift).min(self.max_backoff);
        let half = cap / 2;
        let spread = u64::try_from((cap - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(fastrand::u64(0..=spread))
    }

    /// The delay before retry number `retry` for `decision`, or `None` to stop.
    #[must_use]
    pub fn delay(&self, decision: RetryDecision, retry: u32) -> Option<Duration> {
        match decision {
            RetryDecision::Stop => None,
            RetryDecision::Retry => Some(self.backoff(retry)),
            RetryDecision::RetryAfter(d) => Some(d.min(self.max_backoff)),
        }
    }

    /// [`delay`](Self::delay) for an attempt that failed with `error`: a plain retry
    /// after throttling backs off from the throttling base (what the client waits).
    ///
    /// ```
    /// use std::time::Duration;
    /// use linkwan_runtime::retry::{RetryDecision, RetryPolicy};
    /// use linkwan_runtime::{Error, ServiceError};
    ///
    /// let policy = RetryPolicy::default();
    /// let throttled = Error::Service(ServiceError::new(400, "Throttling.User", "…"));
    /// let wait = policy.delay_for(&throttled, RetryDecision::Retry, 1).unwrap();
    /// assert!(wait >= Duration::from_millis(250) && wait <= Duration::from_millis(500));
    /// let busy = Error::Service(ServiceError::new(503, "ServiceUnavailable", "…"));
    /// let wait = policy.delay_for(&busy, RetryDecision::Retry, 1).unwrap();
    /// assert!(wait >= Duration::from_millis(50) && wait <= Duration::from_millis(100));
    /// ```
    #[must_use]
    pub fn delay_for(
        &self,
        error: &Error,
        decision: RetryDecision,
        retry: u32,
    ) -> Option<Duration> {
        match decision {
            RetryDecision::Retry if is_throttling(error) => Some(self.throttling_backoff(retry)),
            _ => self.delay(decision, retry),
        }
    }
}

/// Whether `error` says the caller is throttled: a `Throttling*` code, or HTTP 429.
fn is_throttling(error: &Error) -> bool {
    error.code().is_some_and(ErrorCode::is_throttling) || error.status() == Some(429)
}

/// What [`classify`] says about a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Do not retry.
    Stop,
    /// Retry after the policy's back-off.
    Retry,
    /// Retry after the delay the server asked for (`x-acs-retry-after`).
    RetryAfter(Duration),
}

/// Whether a failed attempt may be retried under the default policy: `error` is what
/// the attempt failed with, `retry_after` the response's `x-acs-retry-after`,
/// `idempotent` the action's [`RpcRequest::IDEMPOTENT`](crate::RpcRequest::IDEMPOTENT).
/// See the module docs for the table, and [`RetryPolicy::classify`] for a policy's own
/// answer.
///
/// ```
/// use linkwan_runtime::retry::{classify, RetryDecision};
/// use linkwan_runtime::{Error, ServiceError};
///
/// let throttled = Error::Service(ServiceError::new(400, "Throttling.User", "Request was denied due to user flow control."));
/// assert_eq!(classify(&throttled, None, false), RetryDecision::Retry);
/// let internal = Error::Service(ServiceError::new(400, "InternalError", "…"));
/// assert_eq!(classify(&internal, None, false), RetryDecision::Stop);
/// assert_eq!(classify(&internal, None, true), RetryDecision::Retry);
/// ```
#[must_use]
pub fn classify(error: &Error, retry_after: Option<Duration>, idempotent: bool) -> RetryDecision {
    classify_with(error, retry_after, idempotent, true)
}

/// Whether an HTTP status says by itself that the attempt may be tried again (429 and
/// 503 always; 500, 502 and 504 as the policy says), whatever its body would have said.
pub(crate) fn transient_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// [`classify`], with HTTP 500, 502 and 504 retried for non-idempotent actions only when
/// `non_idempotent_5xx`.
fn classify_with(
    error: &Error,
    retry_after: Option<Duration>,
    idempotent: bool,
    non_idempotent_5xx: bool,
) -> RetryDecision {
    let retry_if = |yes: bool| {
        if yes {
            RetryDecision::Retry
        } else {
            RetryDecision::Stop
        }
    };
    // 429 and 503 say the request was turned away before it was processed; 500, 502 and
    // 504 that a gateway or the service failed, most often before the action ran but not
    // certainly (a gateway's 504 may follow a request the service went on to process).
    let by_status = |status: u16| {
        transient_status(status)
            && (matches!(status, 429 | 503) || idempotent || non_idempotent_5xx)
    };
    match error {
        Error::Service(e) => {
            if e.code.is_permanent() {
                RetryDecision::Stop
            } else if matches!(e.code, ErrorCode::InternalError | ErrorCode::UnknownError) {
                // Maybe processed: repeat only what is safe to repeat.
                match retry_after {
                    Some(d) if idempotent => RetryDecision::RetryAfter(d),
                    _ => retry_if(idempotent),
                }
            } else if let Some(d) = retry_after {
                RetryDecision::RetryAfter(d)
            } else {
                retry_if(e.code.is_retryable() || by_status(e.status))
            }
        }
        Error::UnexpectedResponse { status, .. } => match retry_after {
            Some(d) => RetryDecision::RetryAfter(d),
            None => retry_if(by_status(*status)),
        },
        Error::Transport(t) => retry_if(!t.is_tls_refusal() && (t.is_connect() || idempotent)),
        Error::Timeout { kind, .. } => match kind {
            TimeoutKind::Connect => RetryDecision::Retry,
            TimeoutKind::Attempt => retry_if(idempotent),
            _ => RetryDecision::Stop,
        },
        _ => RetryDecision::Stop,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ServiceError, TransportError};

    fn service(status: u16, code: &str) -> Error {
        Error::Service(ServiceError::new(status, code, "m"))
    }

    /// The defaults the module docs, the README and `Default`'s docs state.
    #[test]
    fn the_default_policy_is_the_documented_one() {
        let p = RetryPolicy::default();
        assert_eq!(p.max_attempts(), 3);
        assert_eq!(p.base_backoff(), Duration::from_millis(100));
        assert_eq!(p.throttling_base_backoff(), Duration::from_millis(500));
        assert_eq!(p.max_backoff(), Duration::from_secs(5));
        assert!(p.non_idempotent_5xx_retries());
        assert_eq!(RetryPolicy::new(), p);
        let off = RetryPolicy::disabled();
        assert_eq!(off.max_attempts(), 1);
        assert_eq!(off, p.clone().with_max_attempts(1));
    }

    #[test]
    fn always_retried_codes() {
        for code in [
            "Throttling",
            "Throttling.User",
            "Throttling.Api",
            "Throttling.Tenant",
            "ServiceUnavailable",
        ] {
            for idempotent in [false, true] {
                assert_eq!(
                    classify(&service(400, code), None, idempotent),
                    RetryDecision::Retry,
                    "{code}"
                );
            }
        }
    }

    #[test]
    fn never_retried_codes() {
        for code in [
            "IllegalOrderStateTransition",
            "SignatureDoesNotMatch",
            "Forbidden.RAM",
            "Forbidden.AccessKeyDisabled",
            "Forbidden.Anything",
            "ForbiddenByRam",
            "ForbiddenByRiskControl",
            "NonExistent",
            "InvalidAccessKeyId.NotFound",
            "InvalidAccessKeyId.Inactive",
            "InvalidParameter",
            "MissingOrderId",
            "SignatureNonceUsed",
            "InvalidTimeStamp.Expired",
            "CloudProductNotActivated",
        ] {
            for idempotent in [false, true] {
                assert_eq!(
                    classify(&service(400, code), None, idempotent),
                    RetryDecision::Stop,
                    "{code}"
                );
            }
        }
        // Even with a retry-after header or a 5xx status, permanent codes stop.
        let ms = Duration::from_millis(10);
        assert_eq!(
            classify(&service(503, "NonExistent"), Some(ms), true),
            RetryDecision::Stop
        );
        assert_eq!(
            classify(&service(400, "SignatureDoesNotMatch"), Some(ms), true),
            RetryDecision::Stop
        );
    }

    #[test]
    fn maybe_processed_codes_need_idempotence() {
        for code in ["InternalError", "UnknownError"] {
            for status in [400, 500, 503] {
                assert_eq!(
                    classify(&service(status, code), None, false),
                    RetryDecision::Stop
                );
                assert_eq!(
                    classify(&service(status, code), None, true),
                    RetryDecision::Retry
                );
            }
        }
        let ms = Duration::from_millis(7);
        assert_eq!(
            classify(&service(500, "InternalError"), Some(ms), false),
            RetryDecision::Stop
        );
        assert_eq!(
            classify(&service(500, "InternalError"), Some(ms), true),
            RetryDecision::RetryAfter(ms)
        );
    }

    #[test]
    fn retry_after_and_statuses() {
        let ms = Duration::from_millis(250);
        assert_eq!(
            classify(&service(400, "Throttling"), Some(ms), false),
            RetryDecision::RetryAfter(ms)
        );
        assert_eq!(
            classify(&service(400, "SomethingNew"), Some(ms), false),
            RetryDecision::RetryAfter(ms)
        );
        assert_eq!(
            classify(&service(400, "SomethingNew"), None, true),
            RetryDecision::Stop
        );
        // (status, retried for a non-idempotent action by default, by a policy that
        // leaves 5xx to idempotent actions, for an idempotent one by either): 429, 503
        // and 500, 502, 504 by default; the cautious policy keeps 429 and 503 only.
        use RetryDecision::{Retry, Stop};
        let cautious = RetryPolicy::default().with_non_idempotent_5xx_retries(false);
        for (status, non_idempotent, cautious_non_idempotent, idempotent) in [
            (429, Retry, Retry, Retry),
            (503, Retry, Retry, Retry),
            (500, Retry, Stop, Retry),
            (502, Retry, Stop, Retry),
            (504, Retry, Stop, Retry),
            (501, Stop, Stop, Stop),
            (404, Stop, Stop, Stop),
            (400, Stop, Stop, Stop),
        ] {
            let page = Error::UnexpectedResponse {
                status,
                snippet: String::new(),
                request_id: None,
            };
            let body = service(status, "SomethingNew");
            for e in [&page, &body] {
                assert_eq!(classify(e, None, false), non_idempotent, "{e:?}");
                let default = RetryPolicy::default();
                assert_eq!(default.classify(e, None, false), non_idempotent, "{e:?}");
                assert_eq!(
                    cautious.classify(e, None, false),
                    cautious_non_idempotent,
                    "{e:?}"
                );
                for policy in [&default, &cautious] {
                    assert_eq!(policy.classify(e, None, true), idempotent, "{e:?}");
                }
                assert_eq!(classify(e, None, true), idempotent, "{e:?}");
            }
        }
        // A code of the service's own that says it may have processed the request is
        // left to idempotent actions whatever the status, under either policy.
        for status in [400, 500, 502, 504] {
            for code in ["InternalError", "UnknownError"] {
                let e = service(status, code);
                assert_eq!(classify(&e, None, false), Stop, "{e:?}");
                assert_eq!(classify(&e, None, true), Retry, "{e:?}");
            }
        }
        let e = Error::UnexpectedResponse {
            status: 400,
            snippet: String::new(),
            request_id: None,
        };
        assert_eq!(classify(&e, Some(ms), false), RetryDecision::RetryAfter(ms));
    }

    #[test]
    fn transport_and_timeouts() {
        let io = || std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let connect = Error::Transport(TransportError::new(true, io()));
        let sent = Error::Transport(TransportError::new(false, io()));
        assert_eq!(classify(&connect, None, false), RetryDecision::Retry);
        assert_eq!(classify(&sent, None, false), RetryDecision::Stop);
        assert_eq!(classify(&sent, None, true), RetryDecision::Retry);
        // A refused handshake (rustls' error inside the connector's `io::Error`s), for
        // any action; a garbled one is a connection failure like any other.
        let tls = |e: rustls::Error| {
            let inner = std::io::Error::new(std::io::ErrorKind::InvalidData, e);
            Error::Transport(TransportError::new(true, std::io::Error::other(inner)))
        };
        let refused = [
            tls(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            )),
            tls(rustls::Error::NoCertificatesPresented),
            tls(rustls::Error::AlertReceived(
                rustls::AlertDescription::ProtocolVersion,
            )),
        ];
        for e in &refused {
            assert_eq!(classify(e, None, false), RetryDecision::Stop, "{e}");
            assert_eq!(classify(e, None, true), RetryDecision::Stop, "{e}");
        }
        for e in [
            tls(rustls::Error::AlertReceived(
                rustls::AlertDescription::InternalError,
            )),
            tls(rustls::Error::DecryptError),
        ] {
            assert_eq!(classify(&e, None, false), RetryDecision::Retry, "{e}");
        }
        let t = |kind| Error::Timeout {
            kind,
            after: Duration::from_secs(1),
        };
        assert_eq!(
            classify(&t(TimeoutKind::Connect), None, false),
            RetryDecision::Retry
        );
        assert_eq!(
            classify(&t(TimeoutKind::Attempt), None, false),
            RetryDecision::Stop
        );
        assert_eq!(
            classify(&t(TimeoutKind::Attempt), None, true),
            RetryDecision::Retry
        );
        assert_eq!(
            classify(&t(TimeoutKind::Deadline), None, true),
            RetryDecision::Stop
        );
    }

    #[test]
    fn others_stop() {
        for e in [
            Error::Decode {
                status: 200,
                message: String::new(),
                snippet: String::new(),
                request_id: None,
            },
            Error::BodyTooLarge {
                limit: 1,
                content_length: None,
            },
            Error::Config(String::new()),
            Error::InvalidRequest(String::new()),
        ] {
            assert_eq!(
                classify(&e, Some(Duration::from_millis(1)), true),
                RetryDecision::Stop,
                "{e:?}"
            );
        }
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let p = RetryPolicy::default()
            .with_base_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_secs(1));
        for _ in 0..200 {
            let b1 = p.backoff(1);
            assert!(
                b1 >= Duration::from_millis(50) && b1 <= Duration::from_millis(100),
                "{b1:?}"
            );
            let b3 = p.backoff(3);
            assert!(
                b3 >= Duration::from_millis(200) && b3 <= Duration::from_millis(400),
                "{b3:?}"
            );
            let b99 = p.backoff(99);
            assert!(
                b99 >= Duration::from_millis(500) && b99 <= Duration::from_secs(1),
                "{b99:?}"
            );
        }
        // After throttling, from the throttling base (500 ms by default), same cap.
        let p = p.with_throttling_base_backoff(Duration::from_millis(300));
        let throttled = service(400, "Throttling.User");
        let too_many = Error::UnexpectedResponse {
            status: 429,
            snippet: String::new(),
            request_id: None,
        };
        let busy = service(503, "ServiceUnavailable");
        for _ in 0..200 {
            for e in [&throttled, &too_many] {
                let d = p.delay_for(e, RetryDecision::Retry, 1).unwrap();
                assert!(d >= Duration::from_millis(150) && d <= Duration::from_millis(300));
                let d = p.delay_for(e, RetryDecision::Retry, 3).unwrap();
                assert!(d >= Duration::from_millis(500) && d <= Duration::from_secs(1));
            }
            let d = p.delay_for(&busy, RetryDecision::Retry, 1).unwrap();
            assert!(d >= Duration::from_millis(50) && d <= Duration::from_millis(100));
        }
        let ms = Duration::from_millis(7);
        assert_eq!(
            p.delay_for(&throttled, RetryDecision::RetryAfter(ms), 1),
            Some(ms)
        );
        assert_eq!(p.delay_for(&throttled, RetryDecision::Stop, 1), None);
        assert_eq!(
            RetryPolicy::default().throttling_base_backoff(),
            Duration::from_millis(500)
        );
        // Jitter: not every draw is the same.
        let draws: std::collections::HashSet<_> = (0..50).map(|_| p.backoff(2)).collect();
        assert!(draws.len() > 1);
        assert_eq!(
            p.delay(RetryDecision::RetryAfter(Duration::from_secs(60)), 1),
            Some(Duration::from_secs(1))
        );
        assert_eq!(p.delay(RetryDecision::Stop, 1), None);
        assert_eq!(RetryPolicy::none(), RetryPolicy::disabled());
        assert_eq!(
            RetryPolicy::default().with_max_attempts(0).max_attempts(),
            1
        );
    }
}
