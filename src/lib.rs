//! The Alibaba Cloud LinkWAN client (placeholder).
