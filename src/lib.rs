//! The Alibaba Cloud LinkWAN client (work in progress).

#[cfg(feature = "emulator")]
pub mod emulator;
