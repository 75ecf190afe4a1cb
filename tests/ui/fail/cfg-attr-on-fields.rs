//! `#[aliyun_rpc]` sees the fields before `#[cfg]` and `#[cfg_attr]` are evaluated (a
//! derive sees them evaluated): it cannot tell whether a `#[cfg_attr]` applies, so an
//! `rpc` or `cfg` inside one is an error at it. Other attributes in it are fine.
use linkwan_runtime::aliyun_rpc;

#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct CfgAttr {
    #[cfg_attr(all(), rpc(rename = "Renamed"))]
    renamed: String,
    #[cfg_attr(any(), doc = "fine", cfg_attr(all(), rpc(skip)))]
    nested: String,
    #[cfg_attr(all(), cfg(any()))]
    configured: String,
    #[cfg_attr(all(), doc = "fine")]
    documented: String,
}

/// Fields that exist together still cannot share a wire name: whenever `other_id` is
/// configured in, `id` is too.
#[aliyun_rpc(action = "A", version = "2018-12-30")]
struct CfgDuplicate {
    id: String,
    #[cfg(all())]
    #[rpc(rename = "Id")]
    other_id: String,
}

#[derive(serde::Deserialize)]
struct CfgAttrResponse {}
#[derive(serde::Deserialize)]
struct CfgDuplicateResponse {}

fn main() {}
