//! Every semantic rule, in one place. Parsing only recorded what was written.

use crate::args::Args;
use crate::ast::{Container, Field, Shape};
use crate::ctxt::Ctxt;
use crate::symbol;
use proc_macro2::Span;
use std::collections::HashMap;
use syn::{GenericParam, LitStr};

/// Which macro is being checked, for messages.
#[derive(Clone, Copy)]
pub enum Macro {
    AliyunRpc,
    DeriveRpcParam,
}

impl Macro {
    fn name(self) -> &'static str {
        match self {
            Macro::AliyunRpc => "#[aliyun_rpc]",
            Macro::DeriveRpcParam => "#[derive(RpcParam)]",
        }
    }
}

/// The rules for `#[aliyun_rpc(...)]` keys.
pub fn check_args(cx: &Ctxt, args: &Args) {
    let written = |key| args.incomplete || args.written.contains(&key);
    match &args.action {
        Some(action) => check_action(cx, action),
        None if written(symbol::ACTION) => {}
        None => cx.error_at(
            Span::call_site(),
            "missing `action`: write `#[aliyun_rpc(action = \"ActionName\", version = \"YYYY-MM-DD\")]`",
        ),
    }
    match &args.version {
        Some(version) => check_version(cx, version),
        None if written(symbol::VERSION) => {}
        None => cx.error_at(
            Span::call_site(),
            "missing `version`: write `#[aliyun_rpc(action = \"ActionName\", version = \"YYYY-MM-DD\")]`",
        ),
    }
    if let Some(method) = &args.method {
        check_method(cx, method);
    }
    if let Some(response) = &args.response {
        if let Some(problem) = response_problem(response) {
            cx.error_spanned_by(ungroup(response), problem);
        }
    }
}

/// `ty` without the invisible group of a `macro_rules!` fragment (`$t:ty`), whose span is
/// `$t` in the macro's body: errors go to the tokens the caller wrote.
fn ungroup(ty: &syn::Type) -> &syn::Type {
    match ty {
        syn::Type::Group(g) => ungroup(&g.elem),
        _ => ty,
    }
}

/// Why `response = ty` cannot be the associated type, if it cannot: rustc would report
/// these in the generated impl, in its own words (and twice for `impl Trait`).
pub fn response_problem(ty: &syn::Type) -> Option<&'static str> {
    match ty {
        syn::Type::Infer(_) => Some("`response` must name a type; `_` cannot be inferred here"),
        syn::Type::ImplTrait(_) => {
            Some("`response` must name a concrete type, not `impl Trait`: `response = MyResponse`")
        }
        syn::Type::Group(g) => response_problem(&g.elem),
        syn::Type::Paren(p) => response_problem(&p.elem),
        _ => None,
    }
}

fn check_action(cx: &Ctxt, lit: &LitStr) {
    let action = lit.value();
    if action.is_empty() {
        cx.error_spanned_by(lit, "`action` must not be empty");
    } else if let Some(bad) = action.chars().find(|c| !c.is_ascii_alphanumeric()) {
        cx.error_spanned_by(
            lit,
            format!(
                "`action` must be ASCII letters and digits, like \"DescribeRegions\"; found {bad:?} in \"{}\"",
                action.escape_debug()
            ),
        );
    }
}

/// `YYYY-MM-DD`: digits and dashes, a date that exists (month 01-12, a day the month has).
pub fn version_problem(version: &str) -> Option<String> {
    let b = version.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return Some("it must be a date written `YYYY-MM-DD`, like \"2018-12-30\"".into());
    }
    let two = |i: usize| (b[i] - b'0') * 10 + (b[i + 1] - b'0');
    let (month, day) = (two(5), two(8));
    if !(1..=12).contains(&month) {
        return Some("the month must be 01-12".into());
    }
    let year = b[..4]
        .iter()
        .fold(0u32, |y, c| y * 10 + u32::from(c - b'0'));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return Some(format!(
            "there is no day {day:02} in {}, which has {days} days",
            &version[..7]
        ));
    }
    None
}

fn check_version(cx: &Ctxt, lit: &LitStr) {
    let version = lit.value();
    if let Some(problem) = version_problem(&version) {
        cx.error_spanned_by(
            lit,
            format!(
                "malformed `version` \"{}\": {problem}",
                version.escape_debug()
            ),
        );
    }
}

fn check_method(cx: &Ctxt, lit: &LitStr) {
    let method = lit.value();
    if method != "POST" && method != "GET" {
        let hint = match method.to_ascii_uppercase().as_str() {
            "POST" | "GET" => format!(
                "; write it in capitals: \"{}\"",
                method.to_ascii_uppercase()
            ),
            _ => String::new(),
        };
        cx.error_spanned_by(
            lit,
            format!(
                "unsupported `method` \"{}\": expected \"POST\" or \"GET\"{hint}",
                method.escape_debug()
            ),
        );
    }
}

/// `#[rpc(...)]` on a request struct belongs to `#[derive(RpcParam)]` only.
pub fn check_request_attrs(cx: &Ctxt, attrs: &[syn::Attribute]) {
    if crate::attr::derives_rpc_param(attrs) {
        return;
    }
    // A derive written above `#[aliyun_rpc]` has already run and is gone from the
    // attributes seen here: the message says how to keep it visible.
    for attr in attrs.iter().filter(|a| crate::attr::is_rpc(a)) {
        cx.error_spanned_by(
            attr,
            "`#[rpc(...)]` on the struct is for `#[derive(RpcParam)]`; \
             put request keys in `#[aliyun_rpc(...)]` (if the struct derives `RpcParam`, \
             write that derive below `#[aliyun_rpc]`, which cannot see a derive above it)",
        );
    }
}

/// The rules for the item: shape, generics, field attributes, wire names.
pub fn check_container(cx: &Ctxt, cont: &Container, mac: Macro) {
    let name = mac.name();
    let fix = "use a struct with named fields";
    match &cont.shape {
        Shape::Named(_) => {}
        Shape::Tuple(fields) => cx.error_at(
            fields.paren_token.span.join(),
            format!("{name} does not support tuple structs: params need names; {fix}"),
        ),
        Shape::Unit => cx.error_spanned_by(
            cont.ident,
            format!(
                "{name} does not support unit structs; for no params write `struct {} {{}}`",
                cont.ident
            ),
        ),
        Shape::Enum(token) => {
            cx.error_spanned_by(token, format!("{name} does not support enums; {fix}"))
        }
        Shape::Union(token) => {
            cx.error_spanned_by(token, format!("{name} does not support unions; {fix}"))
        }
    }

    for param in &cont.generics.params {
        if let GenericParam::Type(ty) = param {
            cx.error_spanned_by(
                &ty.ident,
                format!(
                    "{name} does not support type parameters; use a concrete type \
                     (lifetimes and const generics are fine)"
                ),
            );
        }
    }

    let Shape::Named(fields) = &cont.shape else {
        return;
    };
    // Per wire name, the fields sent under it so far.
    let mut seen: HashMap<&str, Vec<&Field>> = HashMap::new();
    for field in fields {
        let attrs = &field.attrs;
        for path in &attrs.conditional {
            let (key, fix) = if path.is_ident(symbol::RPC) {
                (
                    "rpc",
                    "write `#[rpc(...)]` on its own, or use two fields with `#[cfg]`",
                )
            } else {
                ("cfg", "write the field's condition as one `#[cfg(...)]`")
            };
            cx.error_spanned_by(
                path,
                format!(
                    "`{key}` inside `#[cfg_attr]` is not supported: {name} reads field \
                     attributes before their conditions are evaluated; {fix}"
                ),
            );
        }
        if attrs.skip.is_some() {
            if let Some(rename) = &attrs.rename {
                cx.error_spanned_by(rename, "`rename` has no effect on a `skip`ped field");
            }
            if let Some(json) = &attrs.json {
                cx.error_spanned_by(json, "`json` has no effect on a `skip`ped field");
            }
            continue;
        }
        if let Some(rename) = &attrs.rename {
            let value = rename.value();
            if value.is_empty() {
                cx.error_spanned_by(rename, "`rename` must not be empty");
                continue;
            }
            // Param names are ASCII: anything else never names one (and is ignored).
            if let Some(bad) = value.chars().find(|c| !c.is_ascii_graphic()) {
                cx.error_spanned_by(
                    rename,
                    format!(
                        "`rename` must be ASCII, without whitespace or control characters; found {bad:?}"
                    ),
                );
                continue;
            }
        } else if field.wire_name.is_empty() {
            cx.error_spanned_by(
                field.ident,
                "this field name has no letters for a wire name; add `#[rpc(rename = \"Name\")]`",
            );
            continue;
        } else if !field.wire_name.is_ascii() {
            cx.error_spanned_by(
                field.ident,
                format!(
                    "this field would be sent as `{}`, but param names are ASCII; \
                     add `#[rpc(rename = \"Name\")]`",
                    field.wire_name
                ),
            );
            continue;
        }
        if matches!(mac, Macro::AliyunRpc)
            && symbol::CLIENT_PARAMS.contains(&&*field.wire_name)
            && (attrs.json.is_some() || sends_bare_name(&field.original.ty))
        {
            let msg = format!(
                "`{}` is a common parameter the client sets on every request; a request \
                 cannot send it (rename the field with `#[rpc(rename = \"...\")]`, or remove it)",
                field.wire_name
            );
            match &attrs.rename {
                Some(rename) => cx.error_spanned_by(rename, msg),
                None => cx.error_spanned_by(field.ident, msg),
            }
            continue;
        }
        let earlier = seen.entry(&field.wire_name).or_default();
        // Two fields are sent together in every build where the one with more `#[cfg]`s
        // exists. A field name declared twice is rustc's to report.
        let together = earlier.iter().find(|other| {
            other.ident != field.ident && (other.always_with(field) || field.always_with(other))
        });
        if let Some(first) = together {
            let msg = format!(
                "duplicate wire name `{}`: field `{}` is already sent as `{}`",
                field.wire_name, first.ident, field.wire_name
            );
            match &attrs.rename {
                Some(rename) => cx.error_spanned_by(rename, msg),
                None => cx.error_spanned_by(field.ident, msg),
            }
        } else {
            earlier.push(field);
        }
    }
}

/// Whether a field of type `ty` visibly writes its value under its own name: a string,
/// `char`, `bool` or number, possibly in an `Option`, a reference or a smart pointer. Lists
/// (`Name.N`), nested structs (`Name.Key`) and any type the macro cannot see into (an
/// alias, a user type) say no: the runtime refuses those keys when they turn out bare.
fn sends_bare_name(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) => sends_bare_name(&r.elem),
        syn::Type::Paren(p) => sends_bare_name(&p.elem),
        syn::Type::Group(g) => sends_bare_name(&g.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return false;
            };
            let name = last.ident.to_string();
            match &last.arguments {
                syn::PathArguments::None => matches!(
                    name.as_str(),
                    "String"
                        | "str"
                        | "char"
                        | "bool"
                        | "u8"
                        | "u16"
                        | "u32"
                        | "u64"
                        | "u128"
                        | "usize"
                        | "i8"
                        | "i16"
                        | "i32"
                        | "i64"
                        | "i128"
                        | "isize"
                        | "f32"
                        | "f64"
                ),
                syn::PathArguments::AngleBracketed(args)
                    if matches!(name.as_str(), "Option" | "Box" | "Arc" | "Rc" | "Cow") =>
                {
                    // The one type argument (`Cow` also takes a lifetime).
                    let mut types = args.args.iter().filter_map(|a| match a {
                        syn::GenericArgument::Type(t) => Some(t),
                        _ => None,
                    });
                    match (types.next(), types.next()) {
                        (Some(t), None) => sends_bare_name(t),
                        _ => false,
                    }
                }
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{response_problem, sends_bare_name, version_problem};

    #[test]
    fn response_types() {
        for bad in ["_", "impl serde::de::DeserializeOwned", "(_)"] {
            let ty: syn::Type = syn::parse_str(bad).unwrap();
            assert!(response_problem(&ty).is_some(), "{bad}");
        }
        for ok in ["MyResponse", "Self", "serde_json::Value", "Vec<Item>", "()"] {
            let ty: syn::Type = syn::parse_str(ok).unwrap();
            assert_eq!(response_problem(&ty), None, "{ok}");
        }
    }

    #[test]
    fn bare_names() {
        for bare in [
            "String",
            "&'a str",
            "Option<u32>",
            "std::option::Option<Box<str>>",
            "Cow<'a, str>",
            "Option<&'a String>",
            "f64",
            "Option<char>",
        ] {
            let ty: syn::Type = syn::parse_str(bare).unwrap();
            assert!(sends_bare_name(&ty), "{bare}");
        }
        for not in [
            "Vec<String>",
            "Option<Vec<u8>>",
            "[u8; 4]",
            "&'a [String]",
            "Tag",
            "Alias",
            "Cow<'a, [u8]>",
            "Json<Window>",
            "<T as Tr>::Out",
        ] {
            let ty: syn::Type = syn::parse_str(not).unwrap();
            assert!(!sends_bare_name(&ty), "{not}");
        }
    }

    #[test]
    fn versions() {
        for ok in [
            "2018-12-30",
            "2014-05-26",
            "2000-01-01",
            "9999-12-31",
            "2016-02-29",
            "2000-02-29",
            "2019-04-30",
        ] {
            assert_eq!(version_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "2018-1-30",
            "2018/12/30",
            "18-12-30",
            "2018-12-30 ",
            "2018-13-01",
            "2018-00-10",
            "2018-12-00",
            "2018-12-32",
            "2018-12-3a",
            "2018-02-29",
            "1900-02-29",
            "2016-02-30",
            "2019-04-31",
            "2019-11-31",
            "２０１８-12-30",
        ] {
            assert!(version_problem(bad).is_some(), "{bad}");
        }
    }
}
