//! A signature-verifying loopback mock server for tests.
