use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30")]
fn describe_regions() {}

/// Documented, public and async: the error points at `async fn list_nodes`.
#[aliyun_rpc(action = "B", version = "2018-12-30")]
#[allow(dead_code)]
pub(crate) async fn list_nodes() {}

struct Holder;

#[aliyun_rpc(action = "C", version = "2018-12-30")]
impl Holder {}

#[aliyun_rpc(action = "D", version = "2018-12-30")]
mod api {}

fn main() {
    describe_regions();
    let _ = list_nodes();
}
