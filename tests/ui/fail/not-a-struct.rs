use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30")]
fn describe_regions() {}

fn main() {
    describe_regions();
}
