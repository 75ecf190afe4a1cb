//! Request signing. One module per signature version; V1 (HMAC-SHA1) is the RPC one.
//!
//! The functions are pure: timestamp and nonce are inputs, so every step can be printed
//! and tested.

pub mod v1;

pub(crate) use v1::signed_query_v1_with_key;
pub use v1::{
    canonical_query_v1, percent_encode, sign_string_v1, sign_v1, sign_v1_with_key, signature_v1,
    string_to_sign_v1, Signed, SigningKey,
};
