//! Every attribute key the macros understand, in one place, and the "did you mean" helper.

/// The helper attribute on fields (and, for `#[derive(RpcParam)]`, on the struct).
pub const RPC: &str = "rpc";

// rustc's conditional compilation attributes, which `#[aliyun_rpc]` sees unevaluated.
pub const CFG: &str = "cfg";
pub const CFG_ATTR: &str = "cfg_attr";

// `#[aliyun_rpc(...)]` keys.
pub const ACTION: &str = "action";
pub const VERSION: &str = "version";
pub const RESPONSE: &str = "response";
pub const METHOD: &str = "method";
pub const CRATE: &str = "crate";
pub const IDEMPOTENT: &str = "idempotent";

/// The keys of `#[aliyun_rpc(...)]`.
pub const STRUCT_KEYS: &[&str] = &[ACTION, VERSION, RESPONSE, METHOD, CRATE, IDEMPOTENT];

// `#[rpc(...)]` field keys.
pub const RENAME: &str = "rename";
pub const JSON: &str = "json";
pub const SKIP: &str = "skip";

/// The keys of `#[rpc(...)]` on a field.
pub const FIELD_KEYS: &[&str] = &[RENAME, JSON, SKIP];

/// The keys of `#[rpc(...)]` on a `#[derive(RpcParam)]` struct.
pub const CONTAINER_KEYS: &[&str] = &[CRATE];

/// The params the runtime's client writes on every request (its `RegionId` aside, which
/// a request may set itself): a request field sent under one of these names is an error.
pub const CLIENT_PARAMS: &[&str] = &[
    "AccessKeyId",
    "Action",
    "Format",
    "SecurityToken",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

/// The valid key closest to `found`, if one is close enough to be a likely typo.
pub fn closest(found: &str, valid: &[&'static str]) -> Option<&'static str> {
    // `r#acton` is `acton` written raw.
    let found = found
        .strip_prefix("r#")
        .unwrap_or(found)
        .to_ascii_lowercase();
    valid
        .iter()
        .map(|v| (edit_distance(&found, v), *v))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, v)| *d <= (v.len() / 3).max(1) + usize::from(v.len() > 5))
        .map(|(_, v)| v)
}

/// "unknown key `x`", with the closest valid key suggested, or the list of valid keys.
pub fn unknown_key_message(what: &str, found: &str, valid: &[&'static str]) -> String {
    match closest(found, valid) {
        Some(v) => format!("unknown {what} `{found}`; did you mean `{v}`?"),
        None => {
            let list: Vec<String> = valid.iter().map(|v| format!("`{v}`")).collect();
            format!(
                "unknown {what} `{found}`; expected one of {}",
                list.join(", ")
            )
        }
    }
}

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(edit_distance("acton", "action"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("version", "version"), 0);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn suggests_closest_or_lists() {
        assert!(
            unknown_key_message("key", "acton", STRUCT_KEYS).ends_with("did you mean `action`?")
        );
        assert!(
            unknown_key_message("key", "Version", STRUCT_KEYS).ends_with("did you mean `version`?")
        );
        assert!(unknown_key_message("key", "idempotnt", STRUCT_KEYS).contains("`idempotent`"));
        assert!(unknown_key_message("key", "r#acton", STRUCT_KEYS).ends_with("`action`?"));
        assert_eq!(closest("r#versio", STRUCT_KEYS), Some("version"));
        let far = unknown_key_message("key", "zzz", FIELD_KEYS);
        assert!(
            far.ends_with("expected one of `rename`, `json`, `skip`"),
            "{far}"
        );
    }
}
