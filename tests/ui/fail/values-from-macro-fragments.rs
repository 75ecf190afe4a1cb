//! Values that come through a `macro_rules!` fragment (`$x:expr`, `$t:ty`) are reported
//! at the tokens the caller wrote, not at `$x` in the macro's body.
use linkwan_runtime::aliyun_rpc;

macro_rules! request {
    ($name:ident, $action:expr, $idempotent:expr, $rename:expr, $response:ty) => {
        #[aliyun_rpc(action = $action, version = "2019-03-01", idempotent = $idempotent, response = $response)]
        pub struct $name {
            #[rpc(rename = $rename)]
            pub id: String,
        }
    };
}

request!(NotLiterals, concat!("Get", "Node"), "yes", 5, ());
request!(InferredResponse, "GetNode", true, "Id", _);

fn main() {}
