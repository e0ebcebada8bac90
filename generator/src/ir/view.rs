//! One flat view of an `openapiv3::Schema`.
//!
//! `openapiv3` splits schemas into `Type(..)`, `OneOf`, `AllOf`, ... and an `Any` catch-all
//! for mixed ones (a `type: object` with `properties` beside `oneOf`, as the Atlas spec's
//! polymorphic parents are). Lowering wants to ask the same questions of all of them, so
//! this module answers them once.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema,
    SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

pub type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

#[derive(Debug, Default)]
pub struct View<'a> {
    pub typ: Option<&'a str>,
    pub format: Option<String>,
    pub properties: Option<&'a Properties>,
    pub required: &'a [String],
    pub additional: Option<&'a AdditionalProperties>,
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    /// String values of `enum` (nulls dropped).
    pub string_enum: Vec<String>,
    pub one_of: &'a [ReferenceOr<Schema>],
    pub all_of: &'a [ReferenceOr<Schema>],
    pub any_of: &'a [ReferenceOr<Schema>],
}

fn format_name<T: std::fmt::Debug>(format: &VariantOrUnknownOrEmpty<T>, known: impl Fn(&T) -> &'static str) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(item) => Some(known(item).to_string()),
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

impl<'a> View<'a> {
    pub fn of(schema: &'a Schema) -> View<'a> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => View {
                typ: Some("string"),
                format: format_name(&s.format, |f| match f {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                }),
                string_enum: s.enumeration.iter().flatten().cloned().collect(),
                ..View::default()
            },
            SchemaKind::Type(Type::Number(n)) => View {
                typ: Some("number"),
                format: format_name(&n.format, |f| match f {
                    NumberFormat::Float => "float",
                    NumberFormat::Double => "double",
                }),
                ..View::default()
            },
            SchemaKind::Type(Type::Integer(i)) => View {
                typ: Some("integer"),
                format: format_name(&i.format, |f| match f {
                    IntegerFormat::Int32 => "int32",
                    IntegerFormat::Int64 => "int64",
                }),
                ..View::default()
            },
            SchemaKind::Type(Type::Boolean(_)) => View { typ: Some("boolean"), ..View::default() },
            SchemaKind::Type(Type::Object(o)) => View {
                typ: Some("object"),
                properties: Some(&o.properties),
                required: &o.required,
                additional: o.additional_properties.as_ref(),
                ..View::default()
            },
            SchemaKind::Type(Type::Array(a)) => {
                View { typ: Some("array"), items: a.items.as_ref(), ..View::default() }
            }
            SchemaKind::OneOf { one_of } => View { one_of, ..View::default() },
            SchemaKind::AllOf { all_of } => View { all_of, ..View::default() },
            SchemaKind::AnyOf { any_of } => View { any_of, ..View::default() },
            // `not` constrains without describing a shape: any value.
            SchemaKind::Not { .. } => View::default(),
            SchemaKind::Any(any) => View {
                typ: any.typ.as_deref(),
                format: any.format.clone(),
                properties: (!any.properties.is_empty()).then_some(&any.properties),
                required: &any.required,
                additional: any.additional_properties.as_ref(),
                items: any.items.as_ref(),
                string_enum: any.enumeration.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
                one_of: &any.one_of,
                all_of: &any.all_of,
                any_of: &any.any_of,
            },
        }
    }
}
