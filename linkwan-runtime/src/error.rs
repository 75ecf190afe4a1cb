//! Errors.

/// The error of every fallible operation of this crate (placeholder, see issue 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error body.
    #[error("{0}")]
    Service(ServiceError),
    /// The client is misconfigured (no credentials, a bad endpoint, …).
    #[error("configuration error: {0}")]
    Config(String),
    /// A request param could not be written (e.g. a JSON param failed to serialize).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

/// An error answered by the service (placeholder).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}")]
pub struct ServiceError {
    /// The error code.
    pub code: ErrorCode,
}

/// A service error code (placeholder).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// Any other code.
    Other(String),
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ErrorCode::Other(s) => f.write_str(s),
        }
    }
}
