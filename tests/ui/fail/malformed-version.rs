use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018/12/30")]
struct Slashes {}

#[aliyun_rpc(action = "A", version = "2018-13-01")]
struct MonthThirteen {}

#[aliyun_rpc(action = "A", version = "2018-12-32")]
struct DayThirtyTwo {}

/// 2018 is not a leap year.
#[aliyun_rpc(action = "A", version = "2018-02-29")]
struct NoSuchLeapDay {}

#[aliyun_rpc(action = "A", version = "2019-06-31")]
struct JuneThirtyOne {}

#[aliyun_rpc(action = "A", version = "18-1-1")]
struct TooShort {}

#[aliyun_rpc(action = "A", version = "")]
struct Empty {}

#[derive(serde::Deserialize)]
struct SlashesResponse {}
#[derive(serde::Deserialize)]
struct MonthThirteenResponse {}
#[derive(serde::Deserialize)]
struct DayThirtyTwoResponse {}
#[derive(serde::Deserialize)]
struct TooShortResponse {}
#[derive(serde::Deserialize)]
struct NoSuchLeapDayResponse {}
#[derive(serde::Deserialize)]
struct JuneThirtyOneResponse {}
#[derive(serde::Deserialize)]
struct EmptyResponse {}

fn main() {}
