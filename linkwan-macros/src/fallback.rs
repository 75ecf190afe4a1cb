//! What is emitted when there are errors: the `compile_error!`s, the item itself without
//! our `#[rpc]` helpers, and a do-nothing impl, so the user's other code still type-checks
//! and one mistake yields one error.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, GenericParam, Type};

/// The item with every `#[rpc(...)]` removed (struct, fields, variants' fields), unless
/// the item also derives `RpcParam`, which declares `rpc` as its helper and reads them.
pub fn strip_rpc_attrs(input: &DeriveInput) -> DeriveInput {
    let mut item = input.clone();
    if crate::attr::derives_rpc_param(&input.attrs) {
        return item;
    }
    // Also a `#[cfg_attr]` holding an `rpc` (already an error): rustc would expand it to
    // an `#[rpc]` it does not know, a second error.
    let ours = |a: &syn::Attribute| {
        crate::attr::is_rpc(a)
            || crate::attr::in_cfg_attr(a)
                .iter()
                .any(|p| p.is_ident(crate::symbol::RPC))
    };
    let keep = |attrs: &mut Vec<syn::Attribute>| attrs.retain(|a| !ours(a));
    keep(&mut item.attrs);
    match &mut item.data {
        Data::Struct(data) => data.fields.iter_mut().for_each(|f| keep(&mut f.attrs)),
        Data::Enum(data) => {
            for variant in &mut data.variants {
                keep(&mut variant.attrs);
                variant.fields.iter_mut().for_each(|f| keep(&mut f.attrs));
            }
        }
        Data::Union(data) => data
            .fields
            .named
            .iter_mut()
            .for_each(|f| keep(&mut f.attrs)),
    }
    item
}

fn has_type_params(input: &DeriveInput) -> bool {
    input
        .generics
        .params
        .iter()
        .any(|p| matches!(p, GenericParam::Type(_)))
}

/// `#[aliyun_rpc]` failed: errors, the stripped item, and a placeholder `RpcRequest` impl.
pub fn request(
    err: syn::Error,
    input: &DeriveInput,
    private: &TokenStream,
    response: Option<&Type>,
    item: DeriveInput,
) -> TokenStream {
    let errors = err.to_compile_error();
    if has_type_params(input) {
        return quote!(#errors #item);
    }
    let ident = &input.ident;
    let response = match response {
        Some(ty) => quote!(#ty),
        None => {
            let ty = format_ident!("{}Response", ident);
            quote!(#ty)
        }
    };
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let allow = crate::expand::allow_deprecated(input);
    quote! {
        #errors
        #item
        #[automatically_derived]
        #allow
        impl #impl_generics #private::RpcRequest for #ident #ty_generics #where_clause {
            type Response = #response;
            const ACTION: &'static #private::str = "";
            const VERSION: &'static #private::str = "";
            fn write_params(&self, _: &mut #private::Params) {}
        }
    }
}

/// `#[derive(RpcParam)]` failed: errors and a placeholder `RpcParam` impl.
pub fn param(err: syn::Error, input: &DeriveInput, private: &TokenStream) -> TokenStream {
    let errors = err.to_compile_error();
    if has_type_params(input) {
        return errors;
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let allow = crate::expand::allow_deprecated(input);
    quote! {
        #errors
        #[automatically_derived]
        #allow
        impl #impl_generics #private::RpcParam for #ident #ty_generics #where_clause {
            fn write_param(&self, _: &#private::str, _: &mut #private::Params) {}
        }
    }
}
