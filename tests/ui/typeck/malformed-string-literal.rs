// A string literal with an invalid escape is rustc's to report (it does so before any
// macro runs); the macro adds nothing to it.
use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "Describe\u{D800}", version = "2018-12-30")]
struct BadEscape {
    #[rpc(rename = "Order\q")]
    id: String,
}

#[derive(serde::Deserialize)]
struct BadEscapeResponse {}

fn main() {}
