//! Shadowed prelude names, primitive types and our own runtime's item names must not
//! break the expansion: it names everything by absolute path.
#![allow(non_camel_case_types, dead_code)]

include!("../shared/hygiene.rs");

#[allow(dead_code)]
fn check() {
    shadowed::run();
}

fn main() {}
