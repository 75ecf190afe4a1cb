//! Decoding response bodies.
