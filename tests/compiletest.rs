//! Compile-time behaviour of `#[aliyun_rpc]` and `#[derive(RpcParam)]` (trybuild).
//!
//! `tests/ui/pass`: must compile. `tests/ui/fail`: our own spanned messages.
//! `tests/ui/typeck`: trait-bound messages written by rustc (they drift between compiler
//! versions; a toolchain bump touches only these). Regenerate with
//! `TRYBUILD=overwrite cargo test --test compiletest`, then read every `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
    t.compile_fail("tests/ui/typeck/*.rs");
}
