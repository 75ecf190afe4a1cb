//! The `#[aliyun_rpc(...)]` attribute macro (placeholder).

use proc_macro::TokenStream;

/// Implements `linkwan_runtime::RpcRequest` (placeholder).
#[proc_macro_attribute]
pub fn aliyun_rpc(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Derives `linkwan_runtime::RpcParam` (placeholder).
#[proc_macro_derive(RpcParam, attributes(rpc))]
pub fn derive_rpc_param(_item: TokenStream) -> TokenStream {
    TokenStream::new()
}
