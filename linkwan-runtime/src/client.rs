//! The HTTP client.

/// A client (placeholder).
#[derive(Debug, Clone)]
pub struct Client {}

/// Builds a [`Client`] (placeholder).
#[derive(Debug, Default)]
pub struct ClientBuilder {}
