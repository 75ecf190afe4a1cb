//! A borrowed view of the input struct that keeps each original `syn::Field` for spans.

use crate::attr::{self, FieldAttrs};
use crate::case::to_pascal_case;
use crate::ctxt::Ctxt;
use quote::ToTokens;
use syn::{Data, DeriveInput, Fields, Generics, Ident};

/// The annotated item.
pub struct Container<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    pub shape: Shape<'a>,
}

/// What kind of item it is; only `Named` can be expanded.
pub enum Shape<'a> {
    /// `struct S { .. }`
    Named(Vec<Field<'a>>),
    /// `struct S(..);`, with the parentheses for spans.
    Tuple(&'a syn::FieldsUnnamed),
    /// `struct S;`
    Unit,
    /// `enum E { .. }`, with the keyword for spans.
    Enum(&'a syn::token::Enum),
    /// `union U { .. }`, with the keyword for spans.
    Union(&'a syn::token::Union),
}

/// One named field.
pub struct Field<'a> {
    /// The field as written: its type, attributes and spans.
    pub original: &'a syn::Field,
    pub ident: &'a Ident,
    pub attrs: FieldAttrs,
    /// The field's `#[cfg(...)]`s: `#[aliyun_rpc]` sees the struct before they are
    /// evaluated, so the field's write carries them too.
    pub cfgs: Vec<&'a syn::Attribute>,
    /// `rename`, else the PascalCase field name.
    pub wire_name: String,
}

impl<'a> Container<'a> {
    /// Reads the item; field attributes are parsed (errors go to `cx`) for named structs.
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Self {
        let shape = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => Shape::Named(
                    named
                        .named
                        .iter()
                        .filter_map(|f| Field::from_ast(cx, f))
                        .collect(),
                ),
                Fields::Unnamed(unnamed) => Shape::Tuple(unnamed),
                Fields::Unit => Shape::Unit,
            },
            Data::Enum(data) => Shape::Enum(&data.enum_token),
            Data::Union(data) => Shape::Union(&data.union_token),
        };
        Container {
            ident: &input.ident,
            generics: &input.generics,
            shape,
        }
    }

    /// The fields that are sent: not `skip`ped, not a second declaration of a field name
    /// (rustc reports that; writing it would add a type mismatch after its error), and
    /// not of an `impl Trait` type (rustc reports that at the field; writing it would add
    /// "`impl Trait` is not allowed in paths").
    pub fn sent_fields(&self) -> impl Iterator<Item = &Field<'a>> {
        let fields: &[Field<'a>] = match &self.shape {
            Shape::Named(fields) => fields,
            _ => &[],
        };
        fields.iter().enumerate().filter_map(|(i, field)| {
            let redeclared = fields[..i]
                .iter()
                .any(|earlier| earlier.ident == field.ident && earlier.always_with(field));
            let sendable = field.attrs.skip.is_none() && !mentions_impl(&field.original.ty);
            (sendable && !redeclared).then_some(field)
        })
    }
}

impl<'a> Field<'a> {
    /// Whether this field exists in every build where `other` does: its `#[cfg]`s are
    /// among `other`'s (a field without `#[cfg]` always exists). Conditions are compared
    /// as written; `#[cfg(a)]` and `#[cfg(not(a))]` may exclude each other.
    pub fn always_with(&self, other: &Field) -> bool {
        let theirs = other.cfg_text();
        self.cfg_text().iter().all(|c| theirs.contains(c))
    }

    fn cfg_text(&self) -> Vec<String> {
        self.cfgs
            .iter()
            .map(|a| a.meta.to_token_stream().to_string())
            .collect()
    }

    fn from_ast(cx: &Ctxt, field: &'a syn::Field) -> Option<Self> {
        let ident = field.ident.as_ref()?;
        let attrs = attr::field(cx, &field.attrs);
        let wire_name = match &attrs.rename {
            Some(lit) => lit.value(),
            None => to_pascal_case(&ident.to_string()),
        };
        Some(Field {
            original: field,
            ident,
            attrs,
            cfgs: field.attrs.iter().filter(|a| attr::is_cfg(a)).collect(),
            wire_name,
        })
    }
}

/// Whether `ty` holds the `impl` keyword anywhere (`impl Display`, `Option<impl Serialize>`).
fn mentions_impl(ty: &syn::Type) -> bool {
    fn in_tokens(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i == "impl",
            proc_macro2::TokenTree::Group(g) => in_tokens(g.stream()),
            _ => false,
        })
    }
    in_tokens(ty.to_token_stream())
}
