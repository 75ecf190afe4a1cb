//! The keys of `#[aliyun_rpc(...)]`: parsed into what was written, judged in `valid.rs`.

use crate::attr::{
    crate_path, error_here, expect_eq, first_time, key_name, lit_str, skip_value, written_key,
};
use crate::ctxt::Ctxt;
use crate::symbol::{self, ACTION, CRATE, IDEMPOTENT, METHOD, RESPONSE, STRUCT_KEYS, VERSION};
use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::{LitBool, LitStr, Path, Token, Type};

/// What `#[aliyun_rpc(...)]` said; `None` where a key was absent or unusable.
#[derive(Default)]
pub struct Args {
    pub action: Option<LitStr>,
    pub version: Option<LitStr>,
    pub response: Option<Type>,
    pub method: Option<LitStr>,
    pub krate: Option<Path>,
    /// `idempotent` / `idempotent = true|false`.
    pub idempotent: Option<bool>,
    /// Keys that were written, even with an unusable value, and keys an unknown key looks
    /// like a typo of: no "missing `action`" after "`action` takes a string literal".
    pub written: Vec<&'static str>,
    /// The arguments stopped parsing at a syntax error: keys after it were not seen, so
    /// none can be called missing.
    pub incomplete: bool,
}

/// Parses the attribute's arguments, recording every problem in `cx`.
pub fn parse(cx: &Ctxt, tokens: TokenStream) -> Args {
    let mut args = Args::default();
    let mut given = Vec::new();
    let parser = syn::meta::parser(|meta| {
        // The key the "unknown key" message suggests, if any (a path too: `action::x`).
        let typo_of = symbol::closest(&written_key(&meta.path), STRUCT_KEYS);
        let Some(key) = key_name(cx, &meta, "key", STRUCT_KEYS) else {
            args.written.extend(typo_of);
            return Ok(());
        };
        args.written.push(key);
        if !first_time(cx, &mut given, key, &meta) {
            return Ok(());
        }
        match key {
            ACTION => {
                args.action = lit_str(cx, &meta, ACTION, "\"DescribeRegions\"");
            }
            VERSION => {
                args.version = lit_str(cx, &meta, VERSION, "\"2018-12-30\"");
            }
            METHOD => {
                args.method = lit_str(cx, &meta, METHOD, "\"POST\"");
            }
            CRATE => {
                args.krate = crate_path(cx, &meta);
            }
            RESPONSE => {
                args.response = if expect_eq(cx, &meta, RESPONSE, "MyResponse") {
                    if meta.input.peek(LitStr) {
                        error_here(
                            cx,
                            &meta,
                            "`response` takes a type, not a string: `response = MyResponse`",
                        );
                        None
                    } else if meta.input.is_empty() || meta.input.peek(Token![,]) {
                        error_here(
                            cx,
                            &meta,
                            "`response` takes a type: `response = MyResponse`",
                        );
                        None
                    } else {
                        match meta.input.parse::<Type>() {
                            Ok(ty) => Some(ty),
                            Err(err) => {
                                cx.error_at(
                                    err.span(),
                                    "`response` takes a type: `response = MyResponse`",
                                );
                                skip_value(meta.input);
                                None
                            }
                        }
                    }
                } else {
                    None
                };
            }
            IDEMPOTENT => {
                const MSG: &str =
                    "`idempotent` is a flag: write `idempotent` or `idempotent = true`/`false`";
                args.idempotent = if meta.input.peek(Token![=]) {
                    let _ = meta.input.parse::<Token![=]>();
                    match meta.input.peek(LitBool) {
                        true => meta.input.parse::<LitBool>().ok().map(|b| b.value),
                        false => {
                            error_here(cx, &meta, MSG);
                            None
                        }
                    }
                } else if meta.input.is_empty() || meta.input.peek(Token![,]) {
                    Some(true)
                } else {
                    // `idempotent(true)`: reported here, and the keys after it still read.
                    error_here(cx, &meta, MSG);
                    None
                };
            }
            _ => unreachable!("key_name only returns known keys"),
        }
        Ok(())
    });
    if let Err(err) = parser.parse2(tokens) {
        cx.syn_error(err);
        args.incomplete = true;
    }
    args
}
