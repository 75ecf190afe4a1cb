//! Builds the tokens: parse (`args`, `ast`), judge (`valid`), then generate or fall back.

use crate::args::{self, Args};
use crate::ast::{Container, Field};
use crate::attr;
use crate::ctxt::Ctxt;
use crate::fallback;
use crate::symbol;
use crate::valid::{self, Macro};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, GenericArgument, Path, PathArguments, Type};

/// An item's kind and name, its outer attributes and visibility left out: the tokens
/// from its first keyword (`fn`, `async`, `impl`, `mod`, …) to the first other identifier
/// (its name), or just the first keyword when no name follows (`impl<T> …`).
fn item_head(item: &TokenStream) -> TokenStream {
    use proc_macro2::TokenTree;
    // Structs, enums and unions parse as a `DeriveInput`, so they never come here.
    const QUALIFIERS: &[&str] = &[
        "async",
        "auto",
        "const",
        "default",
        "extern",
        "fn",
        "impl",
        "macro_rules",
        "mod",
        "safe",
        "static",
        "trait",
        "type",
        "unsafe",
        "use",
    ];
    let tokens: Vec<TokenTree> = item.clone().into_iter().collect();
    let mut at = 0;
    // `#[...]` outer attributes.
    while let (Some(TokenTree::Punct(p)), Some(TokenTree::Group(_))) =
        (tokens.get(at), tokens.get(at + 1))
    {
        if p.as_char() != '#' {
            break;
        }
        at += 2;
    }
    // `pub`, `pub(crate)`, `pub(in path)`.
    if matches!(tokens.get(at), Some(TokenTree::Ident(i)) if i == "pub") {
        at += 1;
        if matches!(tokens.get(at), Some(TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Parenthesis)
        {
            at += 1;
        }
    }
    let start = at;
    let mut end = None;
    for (i, token) in tokens.iter().enumerate().skip(start) {
        match token {
            TokenTree::Ident(ident) if QUALIFIERS.iter().any(|q| ident == q) => end = Some(i),
            // The ABI of `extern "C"`.
            TokenTree::Literal(_) if end.is_some() => end = Some(i),
            TokenTree::Ident(_) => {
                end = Some(i);
                break;
            }
            _ => break,
        }
    }
    match end {
        Some(end) => tokens[start..=end].iter().cloned().collect(),
        None => tokens.get(start).cloned().into_iter().collect(),
    }
}

/// `#[aliyun_rpc(args)] item`.
pub fn aliyun_rpc(args: TokenStream, item: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(_) => {
            // Not a struct, enum or union (rustc has parsed the item already): point at
            // what it is instead, `fn describe_regions`, `impl Foo`, `mod api`.
            let message = "#[aliyun_rpc] goes on a struct with named fields";
            let head = item_head(&item);
            let err = if head.is_empty() {
                syn::Error::new(Span::call_site(), message)
            } else {
                syn::Error::new_spanned(head, message)
            };
            let mut out = err.to_compile_error();
            out.extend(item);
            return out;
        }
    };
    // A second `#[aliyun_rpc]` below this one: say so once, and leave the item to it
    // unchanged (its own expansion checks it and implements the trait, so no conflicting
    // impl follows).
    if let Some(again) = input.attrs.iter().find(|a| {
        a.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "aliyun_rpc")
    }) {
        let err = syn::Error::new_spanned(
            again,
            "`#[aliyun_rpc]` is applied twice; a struct is one action, so keep one",
        );
        let mut out = err.to_compile_error();
        out.extend(item);
        return out;
    }
    let cx = Ctxt::new();
    let args = args::parse(&cx, args);
    let cont = Container::from_ast(&cx, &input);
    valid::check_args(&cx, &args);
    valid::check_container(&cx, &cont, Macro::AliyunRpc);
    valid::check_request_attrs(&cx, &input.attrs);
    let private = private_path(args.krate.as_ref());
    let item = fallback::strip_rpc_attrs(&input);
    match cx.check() {
        Ok(()) => {
            let imp = impl_rpc_request(&private, &args, &cont, &allow_deprecated(&input));
            quote!(#item #imp)
        }
        Err(err) => {
            // `response` written but unusable: `()` keeps the placeholder impl valid
            // without a second error about a `<Name>Response` nobody asked for.
            let unit: Type = syn::parse_quote!(());
            let response = match &args.response {
                Some(ty) if valid::response_problem(ty).is_some() => Some(&unit),
                Some(ty) => Some(ty),
                None if args.written.contains(&symbol::RESPONSE) => Some(&unit),
                None => None,
            };
            fallback::request(err, &input, &private, response, item)
        }
    }
}

/// `#[derive(RpcParam)]`.
pub fn derive_rpc_param(item: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(item) {
        Ok(input) => input,
        Err(err) => return err.to_compile_error(),
    };
    let cx = Ctxt::new();
    let attrs = attr::container(&cx, &input.attrs);
    let cont = Container::from_ast(&cx, &input);
    valid::check_container(&cx, &cont, Macro::DeriveRpcParam);
    let private = private_path(attrs.krate.as_ref());
    match cx.check() {
        Ok(()) => impl_rpc_param(&private, &cont, &allow_deprecated(&input)),
        Err(err) => fallback::param(err, &input, &private),
    }
}

/// `<crate>::__private`, where every expansion names what it needs. After a
/// `crate = "path"`, spanned at that string, so a path that does not lead to the runtime
/// is reported where it was written, not at the whole attribute.
fn private_path(krate: Option<&Path>) -> TokenStream {
    match krate {
        Some(path) => {
            let span = path
                .segments
                .last()
                .map_or_else(Span::call_site, |s| s.ident.span());
            quote_spanned!(span=> #path::__private)
        }
        None => quote!(::linkwan_runtime::__private),
    }
}

/// `#[allow(deprecated)]` for the generated impl when the struct or a field is
/// `#[deprecated]` (or the struct says `#[allow(deprecated)]`, for a deprecated response
/// type): reading a deprecated field, or implementing a trait for a deprecated struct,
/// is the macro's doing, not a use by the user, whose own uses still warn. Only then:
/// under `#![forbid(deprecated)]` any `#[allow(deprecated)]` is an error (E0453).
pub(crate) fn allow_deprecated(input: &DeriveInput) -> TokenStream {
    let fields = match &input.data {
        syn::Data::Struct(data) => data.fields.iter().collect(),
        _ => Vec::new(),
    };
    let mentions = std::iter::once(&input.attrs)
        .chain(fields.iter().map(|f| &f.attrs))
        .flatten()
        .any(mentions_deprecated);
    match mentions {
        true => quote!(#[allow(deprecated)]),
        false => TokenStream::new(),
    }
}

/// `#[deprecated ...]`, or `deprecated` inside `#[allow(...)]` or `#[cfg_attr(...)]`
/// (seen unevaluated on fields).
fn mentions_deprecated(attr: &syn::Attribute) -> bool {
    fn in_tokens(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i == "deprecated",
            proc_macro2::TokenTree::Group(g) => in_tokens(g.stream()),
            _ => false,
        })
    }
    let path = attr.path();
    path.is_ident("deprecated")
        || ((path.is_ident("allow") || path.is_ident("cfg_attr"))
            && matches!(&attr.meta, syn::Meta::List(list) if in_tokens(list.tokens.clone())))
}

fn impl_rpc_request(
    private: &TokenStream,
    args: &Args,
    cont: &Container,
    allow: &TokenStream,
) -> TokenStream {
    let ident = cont.ident;
    let (impl_generics, ty_generics, where_clause) = cont.generics.split_for_impl();
    let response = match &args.response {
        Some(ty) => quote_spanned!(ty.span()=> #ty),
        None => {
            let ty = format_ident!("{}Response", ident);
            quote!(#ty)
        }
    };
    let action = args.action.as_ref().map(|l| l.value()).unwrap_or_default();
    let version = args.version.as_ref().map(|l| l.value()).unwrap_or_default();
    let method = match args.method.as_ref().map(|l| l.value()).as_deref() {
        Some("GET") => quote!(#private::Method::Get),
        _ => quote!(#private::Method::Post),
    };
    let idempotent = args.idempotent.unwrap_or(false);
    let params = quote!(__params);
    let writes = cont.sent_fields().map(|field| {
        let name = &field.wire_name;
        write_field(private, field, &quote!(#name), &params)
    });
    quote! {
        #[automatically_derived]
        #allow
        impl #impl_generics #private::RpcRequest for #ident #ty_generics #where_clause {
            type Response = #response;
            const ACTION: &'static #private::str = #action;
            const VERSION: &'static #private::str = #version;
            const METHOD: #private::Method = #method;
            const IDEMPOTENT: #private::bool = #idempotent;

            fn write_params(&self, #params: &mut #private::Params) {
                #(#writes)*
            }
        }
    }
}

fn impl_rpc_param(private: &TokenStream, cont: &Container, allow: &TokenStream) -> TokenStream {
    let ident = cont.ident;
    let (impl_generics, ty_generics, where_clause) = cont.generics.split_for_impl();
    let out = quote!(__out);
    let writes = cont.sent_fields().map(|field| {
        let key = &field.wire_name;
        let name = quote!(&#private::nested_key(__name, #key));
        write_field(private, field, &name, &out)
    });
    quote! {
        #[automatically_derived]
        #allow
        impl #impl_generics #private::RpcParam for #ident #ty_generics #where_clause {
            fn write_param(&self, __name: &#private::str, #out: &mut #private::Params) {
                #(#writes)*
            }
        }
    }
}

/// One field's write, spanned at its type so an unencodable type is reported there.
fn write_field(
    private: &TokenStream,
    field: &Field,
    name: &TokenStream,
    out: &TokenStream,
) -> TokenStream {
    let member = field.ident;
    let ty = &field.original.ty;
    let span = ty.span();
    // A field configured out by `#[cfg]` is not written either.
    let cfgs = &field.cfgs;
    let write = if field.attrs.json.is_none() {
        quote_spanned! {span=>
            <#ty as #private::RpcParam>::write_param(&self.#member, #name, #out);
        }
    } else {
        match option_inner(ty) {
            // `Option<T>` with `json`: omitted when `None`, like every other `Option`.
            Some(inner) => quote_spanned! {span=>
                if let #private::Option::Some(__value) = &self.#member {
                    <#inner as #private::JsonParam>::write_json(__value, #name, #out);
                }
            },
            None => quote_spanned! {span=>
                <#ty as #private::JsonParam>::write_json(&self.#member, #name, #out);
            },
        }
    };
    match cfgs.is_empty() {
        true => write,
        false => quote!(#(#cfgs)* { #write }),
    }
}

/// `T` when `ty` is spelled `Option<T>` (or `std::option::Option<T>`, `core::...`), also
/// in parentheses or in the invisible group of a `macro_rules!` `$ty:ty` fragment.
fn option_inner(ty: &Type) -> Option<&Type> {
    let path = match ty {
        Type::Path(path) => path,
        Type::Group(group) => return option_inner(&group.elem),
        Type::Paren(paren) => return option_inner(&paren.elem),
        _ => return None,
    };
    if path.qself.is_some() {
        return None;
    }
    let segments = &path.path.segments;
    let last = segments.last()?;
    let prefix_ok = match segments.len() {
        1 => path.path.leading_colon.is_none(),
        3 => {
            let root = segments[0].ident.to_string();
            (root == "std" || root == "core") && segments[1].ident == "option"
        }
        _ => false,
    };
    if !prefix_ok || last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(GenericArgument::Type(inner)) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::option_inner;
    use quote::ToTokens;

    fn inner(ty: &str) -> Option<String> {
        let ty: syn::Type = syn::parse_str(ty).unwrap();
        option_inner(&ty).map(|t| t.to_token_stream().to_string())
    }

    #[test]
    fn recognises_option_spellings() {
        assert_eq!(inner("Option<u32>").as_deref(), Some("u32"));
        assert_eq!(
            inner("std::option::Option<Vec<u8>>").as_deref(),
            Some("Vec < u8 >")
        );
        assert_eq!(inner("core::option::Option<T>").as_deref(), Some("T"));
        // In parentheses, and in a `macro_rules!` `$ty:ty` fragment's invisible group.
        assert_eq!(inner("(Option<u32>)").as_deref(), Some("u32"));
        let group =
            proc_macro2::Group::new(proc_macro2::Delimiter::None, quote::quote!(Option<String>));
        let ty: syn::Type = syn::parse2(group.into_token_stream()).unwrap();
        assert!(matches!(ty, syn::Type::Group(_)));
        assert_eq!(
            option_inner(&ty).map(|t| t.to_token_stream().to_string()),
            Some("String".to_owned())
        );
        for not_option in [
            "u32",
            "Vec<u32>",
            "::Option<u32>",
            "my::Option<u32>",
            "Option",
            "<T as Tr>::Option<u8>",
        ] {
            assert_eq!(inner(not_option), None, "{not_option}");
        }
    }
}
