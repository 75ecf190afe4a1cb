//! `#[rpc(...)]` helper attributes: parsed into what was written, judged later in `valid.rs`.

use crate::ctxt::Ctxt;
use crate::symbol::{
    self, CFG, CFG_ATTR, CONTAINER_KEYS, CRATE, FIELD_KEYS, JSON, RENAME, RPC, SKIP,
};
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Attribute, LitStr, Path, Token};

/// What `#[rpc(...)]` on a field said.
#[derive(Default)]
pub struct FieldAttrs {
    /// `rename = "Name"`: the literal, for spans.
    pub rename: Option<LitStr>,
    /// `json`: the key's token, for spans.
    pub json: Option<Path>,
    /// `skip`: the key's token, for spans.
    pub skip: Option<Path>,
    /// `rpc` or `cfg` written inside a `#[cfg_attr(...)]`, for spans: `#[aliyun_rpc]`
    /// sees them before rustc evaluates the condition (a derive sees them evaluated).
    pub conditional: Vec<Path>,
}

/// What `#[rpc(...)]` on a `#[derive(RpcParam)]` struct said.
#[derive(Default)]
pub struct ContainerAttrs {
    /// `crate = "path"`.
    pub krate: Option<Path>,
}

/// Whether `attr` is one of ours (`#[rpc ...]`).
pub fn is_rpc(attr: &Attribute) -> bool {
    attr.path().is_ident(RPC)
}

/// Whether `#[derive(..., RpcParam, ...)]` (any path ending in `RpcParam`) is present.
pub fn derives_rpc_param(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|attr| {
            let mut found = false;
            // A malformed derive is rustc's to report; here it simply does not count.
            let _ = attr.parse_nested_meta(|meta| {
                found |= meta
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "RpcParam");
                Ok(())
            });
            found
        })
}

/// Parses every `#[rpc(...)]` on a field.
pub fn field(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs {
        conditional: attrs.iter().flat_map(in_cfg_attr).collect(),
        ..FieldAttrs::default()
    };
    let mut given = Vec::new();
    for_each_rpc(cx, attrs, |meta| {
        let Some(key) = key_name(cx, &meta, "field attribute", FIELD_KEYS) else {
            return Ok(());
        };
        if !first_time(cx, &mut given, key, &meta) {
            return Ok(());
        }
        match key {
            RENAME => out.rename = lit_str(cx, &meta, RENAME, "\"WireName\""),
            JSON => {
                flag(cx, &meta, JSON);
                out.json = Some(meta.path.clone());
            }
            SKIP => {
                flag(cx, &meta, SKIP);
                out.skip = Some(meta.path.clone());
            }
            _ => unreachable!("key_name only returns known keys"),
        }
        Ok(())
    });
    out
}

/// Whether `attr` is `#[cfg(...)]`.
pub fn is_cfg(attr: &Attribute) -> bool {
    attr.path().is_ident(CFG)
}

/// The `rpc` and `cfg` attributes inside `attr` when it is a `#[cfg_attr(...)]`, at any
/// depth (`cfg_attr(a, cfg_attr(b, rpc(skip)))`). A malformed `cfg_attr` is rustc's to
/// report: it yields nothing here.
pub fn in_cfg_attr(attr: &Attribute) -> Vec<Path> {
    let mut found = Vec::new();
    if let (true, syn::Meta::List(list)) = (attr.path().is_ident(CFG_ATTR), &attr.meta) {
        cfg_attr_contents(list.tokens.clone(), &mut found);
    }
    found
}

fn cfg_attr_contents(tokens: proc_macro2::TokenStream, found: &mut Vec<Path>) {
    let parser = |input: ParseStream| {
        input.parse::<syn::Meta>()?; // the condition
        input.parse::<Token![,]>()?;
        Punctuated::<syn::Meta, Token![,]>::parse_terminated(input)
    };
    let Ok(attrs) = parser.parse2(tokens) else {
        return;
    };
    for attr in attrs {
        match attr {
            syn::Meta::List(list) if list.path.is_ident(CFG_ATTR) => {
                cfg_attr_contents(list.tokens, found)
            }
            other if other.path().is_ident(RPC) || other.path().is_ident(CFG) => {
                found.push(other.path().clone())
            }
            _ => {}
        }
    }
}

/// Parses every `#[rpc(...)]` on a `#[derive(RpcParam)]` struct.
pub fn container(cx: &Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    let mut given = Vec::new();
    for_each_rpc(cx, attrs, |meta| {
        if key_name(cx, &meta, "struct attribute", CONTAINER_KEYS).is_some()
            && first_time(cx, &mut given, CRATE, &meta)
        {
            out.krate = crate_path(cx, &meta);
        }
        Ok(())
    });
    out
}

fn for_each_rpc(
    cx: &Ctxt,
    attrs: &[Attribute],
    mut logic: impl FnMut(ParseNestedMeta) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| is_rpc(a)) {
        match &attr.meta {
            syn::Meta::List(_) => {
                if let Err(err) = attr.parse_nested_meta(&mut logic) {
                    cx.syn_error(err);
                }
            }
            syn::Meta::Path(path) => cx.error_spanned_by(
                path,
                "expected `#[rpc(...)]`, e.g. `#[rpc(rename = \"Name\")]`",
            ),
            syn::Meta::NameValue(nv) => cx.error_spanned_by(
                nv,
                "expected `#[rpc(...)]`, e.g. `#[rpc(rename = \"Name\")]`",
            ),
        }
    }
}

/// The key as a known name, or `None` after recording "unknown ..." and skipping its value.
pub(crate) fn key_name(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    what: &str,
    valid: &[&'static str],
) -> Option<&'static str> {
    // `r#action` is `action` written raw, as anywhere in Rust.
    let name = meta.path.get_ident().map(|i| i.unraw().to_string());
    match name.and_then(|n| valid.iter().find(|v| **v == n)) {
        Some(known) => Some(*known),
        None => {
            let written = written_key(&meta.path);
            cx.error_spanned_by(
                &meta.path,
                symbol::unknown_key_message(what, &written, valid),
            );
            skip_value(meta.input);
            None
        }
    }
}

/// A key as written, for messages and suggestions: `acton`, `r#acton`, `serde::rename`.
pub(crate) fn written_key(path: &Path) -> String {
    quote::ToTokens::to_token_stream(path)
        .to_string()
        .replace(' ', "")
}

/// Whether `key` is given for the first time; a repeat is reported at the key (even when
/// the first value was unusable) and its value skipped.
pub(crate) fn first_time(
    cx: &Ctxt,
    given: &mut Vec<&'static str>,
    key: &'static str,
    meta: &ParseNestedMeta,
) -> bool {
    if given.contains(&key) {
        cx.error_spanned_by(
            &meta.path,
            format!("duplicate `{key}`; it may be given only once"),
        );
        skip_value(meta.input);
        false
    } else {
        given.push(key);
        true
    }
}

/// `key = "..."`: the literal, or `None` after recording an error at the offending token.
pub(crate) fn lit_str(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    key: &str,
    example: &str,
) -> Option<LitStr> {
    if !expect_eq(cx, meta, key, example) {
        return None;
    }
    if !meta.input.peek(LitStr) {
        if rustc_reports_literal(meta.input) {
            skip_value(meta.input);
        } else {
            error_here(
                cx,
                meta,
                &format!("`{key}` takes a string literal: `{key} = {example}`"),
            );
        }
        return None;
    }
    let lit = meta.input.parse::<LitStr>().ok()?;
    if !lit.suffix().is_empty() {
        cx.error_spanned_by(
            &lit,
            format!(
                "`{key}` takes a string literal without a suffix: `{key} = \"{}\"`",
                lit.value().escape_debug()
            ),
        );
        return None;
    }
    Some(lit)
}

/// Whether the next token is a string literal that syn could not read: one with an
/// invalid escape (`"\q"`, `"\u{D800}"`), which rustc's lexer has already reported.
/// Saying "takes a string literal" as well would be a second, wrong error.
fn rustc_reports_literal(input: ParseStream) -> bool {
    match input.fork().parse::<syn::Lit>() {
        Ok(syn::Lit::Verbatim(lit)) => {
            let text = lit.to_string();
            text.starts_with('"') || text.starts_with("r\"") || text.starts_with("r#")
        }
        _ => false,
    }
}

/// `crate = "path"`: the path, parsed from the literal.
pub(crate) fn crate_path(cx: &Ctxt, meta: &ParseNestedMeta) -> Option<Path> {
    let lit = lit_str(cx, meta, CRATE, "\"::linkwan_runtime\"")?;
    // A module path: generic arguments (`Vec<u8>`) would reach rustc as a chained
    // comparison and errors about `Vec::__private`.
    let plain = |p: &Path| p.segments.iter().all(|s| s.arguments.is_none());
    match lit.parse::<Path>() {
        Ok(path) if plain(&path) => Some(path),
        _ => {
            cx.error_spanned_by(
                &lit,
                format!(
                    "`crate` must name a path, like \"::linkwan_runtime\" or \"my_sdk::rt\"; `{}` is not one",
                    lit.value()
                ),
            );
            None
        }
    }
}

/// A bare flag: anything after it is an error.
fn flag(cx: &Ctxt, meta: &ParseNestedMeta, key: &str) {
    if !(meta.input.is_empty() || meta.input.peek(Token![,])) {
        error_here(
            cx,
            meta,
            &format!("`{key}` is a flag and takes no value: write `{key}`"),
        );
    }
}

/// Consumes `=`, or records "needs a value" and skips.
pub(crate) fn expect_eq(cx: &Ctxt, meta: &ParseNestedMeta, key: &str, example: &str) -> bool {
    if meta.input.peek(Token![=]) {
        let _ = meta.input.parse::<Token![=]>();
        true
    } else {
        cx.error_spanned_by(
            &meta.path,
            format!("`{key}` needs a value: `{key} = {example}`"),
        );
        skip_value(meta.input);
        false
    }
}

/// Records `msg` at the next token (at the key when nothing follows it) and skips to the
/// next `,`.
pub(crate) fn error_here(cx: &Ctxt, meta: &ParseNestedMeta, msg: &str) {
    if meta.input.is_empty() {
        // syn would point at the end of the arguments: the whole attribute, for
        // `#[aliyun_rpc(...)]`, or its closing parenthesis.
        cx.error_spanned_by(&meta.path, msg);
    } else {
        cx.error_spanned_by(next_value(meta.input), msg);
        skip_value(meta.input);
    }
}

/// The next token tree, for spans; a `macro_rules!` fragment's invisible group (`$x:expr`)
/// gives its contents, so the error is at the caller's tokens, not at `$x` in the macro.
fn next_value(input: ParseStream) -> proc_macro2::TokenStream {
    match input.fork().parse::<proc_macro2::TokenTree>() {
        Ok(proc_macro2::TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::None => {
            g.stream()
        }
        Ok(token) => token.into(),
        Err(_) => proc_macro2::TokenStream::new(),
    }
}

/// Skips token trees up to (not including) the next top-level `,`, so parsing continues
/// with the next key and every mistake in one attribute gets reported.
pub(crate) fn skip_value(input: ParseStream) {
    while !input.is_empty() && !input.peek(Token![,]) {
        if input.parse::<proc_macro2::TokenTree>().is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::in_cfg_attr;

    fn found(attr: &str) -> Vec<String> {
        let item: syn::DeriveInput = syn::parse_str(&format!("{attr} struct S;")).unwrap();
        item.attrs
            .iter()
            .flat_map(in_cfg_attr)
            .map(|p| quote::ToTokens::to_token_stream(&p).to_string())
            .collect()
    }

    #[test]
    fn rpc_and_cfg_inside_cfg_attr() {
        assert_eq!(
            found(r#"#[cfg_attr(feature = "x", rpc(rename = "A"))]"#),
            ["rpc"]
        );
        assert_eq!(
            found("#[cfg_attr(all(), doc = \"d\", rpc(skip), cfg(x))]"),
            ["rpc", "cfg"]
        );
        assert_eq!(found("#[cfg_attr(a, cfg_attr(b, rpc))]"), ["rpc"]);
        for none in [
            "#[cfg_attr(a, doc = \"d\")]",
            "#[cfg_attr(a,)]",
            "#[cfg(a)]",
            "#[rpc(skip)]",
            "#[cfg_attr(not valid)]",
        ] {
            assert!(found(none).is_empty(), "{none}");
        }
    }
}
