// Shadowed prelude names, primitive types, our own runtime's item names and the
// expansion's internal names must not break `#[aliyun_rpc]` / `#[derive(RpcParam)]`:
// the expansion names everything by absolute path.
//
// One copy, `include!`d by `tests/ui/pass/hygiene.rs` (compiled by trybuild, so it must
// build as its own crate) and by `tests/expand.rs` (run as a test). Items only: an
// included file cannot hold inner attributes or `//!` docs.

#[derive(serde::Deserialize)]
pub struct HygienicResponse {}

#[allow(non_camel_case_types, dead_code)]
mod shadowed {
    use linkwan_runtime::{aliyun_rpc, RpcParam, RpcRequest};

    struct Option;
    struct String;
    struct Result;
    struct Vec;
    struct Some;
    struct None;
    struct bool;
    struct str;
    struct Params;
    struct Json;
    struct Method;
    struct Box;
    mod __private {}

    #[derive(RpcParam)]
    struct Tag {
        key: std::string::String,
        value: core::option::Option<u8>,
    }

    #[aliyun_rpc(action = "Hygienic", version = "2019-03-01", method = "GET", idempotent, response = super::HygienicResponse)]
    struct Hygienic<'a> {
        name: std::string::String,
        maybe: core::option::Option<&'a core::primitive::str>,
        #[rpc(json)]
        json: core::option::Option<u32>,
        tag: std::vec::Vec<Tag>,
        // Names the expansion uses internally.
        __params: u8,
        __out: u8,
        #[rpc(rename = "NameInternal")]
        __name: u8,
        __value: u8,
    }

    pub fn run() {
        let request = Hygienic {
            name: "n".into(),
            maybe: core::option::Option::Some("m"),
            json: core::option::Option::Some(1),
            tag: std::vec![Tag {
                key: "k".into(),
                value: core::option::Option::None
            }],
            __params: 1,
            __out: 2,
            __name: 3,
            __value: 4,
        };
        let mut params = linkwan_runtime::Params::new();
        request.write_params(&mut params);
        assert_eq!(params.len(), 8);
        assert_eq!(params.get("Json"), core::option::Option::Some("1"));
        assert_eq!(params.get("Tag.1.Key"), core::option::Option::Some("k"));
        // Checked while compiling, in the fixture and in the test alike.
        const { assert!(<Hygienic as RpcRequest>::IDEMPOTENT) };
    }
}
