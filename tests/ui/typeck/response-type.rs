use linkwan_runtime::aliyun_rpc;

/// No `NoResponseTypeResponse` in scope.
#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct NoResponseType {}

struct NotDeserialize;

#[aliyun_rpc(action = "A", version = "2018-12-30", response = NotDeserialize)]
struct ResponseNotDeserialize {}

fn main() {}
