//! A borrowed view of the input struct that keeps each original `syn::Field` for spans.

use crate::attr::{self, FieldAttrs};
use crate::case::to_pascal_case;
use crate::ctxt::Ctxt;
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

    /// The fields that are sent (not `skip`ped).
    pub fn sent_fields(&self) -> impl Iterator<Item = &Field<'a>> {
        let fields: &[Field<'a>] = match &self.shape {
            Shape::Named(fields) => fields,
            _ => &[],
        };
        fields.iter().filter(|f| f.attrs.skip.is_none())
    }
}

impl<'a> Field<'a> {
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
            wire_name,
        })
    }
}
