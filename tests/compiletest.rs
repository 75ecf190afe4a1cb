//! Compile-time behaviour of `#[aliyun_rpc]` and `#[derive(RpcParam)]` (trybuild).
//!
//! `tests/ui/pass`: must compile. `tests/ui/fail`: our own spanned messages.
//! `tests/ui/typeck`: messages written by rustc itself (trait bounds, `unused_must_use`). Their wording drifts
//! between compiler versions, so they are checked with the compiler they were written
//! with ([`TYPECK_RUSTC`]) and skipped, with a note, under any other (as serde and
//! thiserror gate their compiler-worded fixtures). Regenerate with
//! `TRYBUILD=overwrite cargo test --test compiletest`, then read every `.stderr` (and
//! update [`TYPECK_RUSTC`]).

use std::process::Command;

/// The compiler whose messages `tests/ui/typeck/*.stderr` hold (`rustc 1.95.x`).
const TYPECK_RUSTC: &str = "1.95";

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
    match rustc_version() {
        Some(v) if v.starts_with(&format!("rustc {TYPECK_RUSTC}.")) => {
            t.compile_fail("tests/ui/typeck/*.rs");
        }
        other => eprintln!(
            "note: skipping tests/ui/typeck: its messages are rustc {TYPECK_RUSTC}'s wording, \
             and this compiler is {}",
            other.as_deref().unwrap_or("unknown (`rustc -V` failed)")
        ),
    }
}

/// `rustc -V` of the toolchain running the tests (rustup's proxy picks the same one).
fn rustc_version() -> Option<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(rustc).arg("-V").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}
