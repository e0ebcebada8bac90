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
    pub constraints: super::Constraints,
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
                constraints: super::Constraints {
                    pattern: s.pattern.clone(),
                    min_length: s.min_length.map(|n| n as u64),
                    max_length: s.max_length.map(|n| n as u64),
                    ..Default::default()
                },
                ..View::default()
            },
            SchemaKind::Type(Type::Number(n)) => View {
                typ: Some("number"),
                format: format_name(&n.format, |f| match f {
                    NumberFormat::Float => "float",
                    NumberFormat::Double => "double",
                }),
                constraints: super::Constraints {
                    minimum: n.minimum,
                    exclusive_minimum: n.exclusive_minimum,
                    maximum: n.maximum,
                    exclusive_maximum: n.exclusive_maximum,
                    ..Default::default()
                },
                ..View::default()
            },
            SchemaKind::Type(Type::Integer(i)) => View {
                typ: Some("integer"),
                format: format_name(&i.format, |f| match f {
                    IntegerFormat::Int32 => "int32",
                    IntegerFormat::Int64 => "int64",
                }),
                constraints: super::Constraints {
                    minimum: i.minimum.map(|n| n as f64),
                    exclusive_minimum: i.exclusive_minimum,
                    maximum: i.maximum.map(|n| n as f64),
                    exclusive_maximum: i.exclusive_maximum,
                    allowed_integers: (!i.enumeration.is_empty())
                        .then(|| i.enumeration.iter().flatten().copied().collect()),
                    ..Default::default()
                },
                ..View::default()
            },
            SchemaKind::Type(Type::Boolean(_)) => View { typ: Some("boolean"), ..View::default() },
            SchemaKind::Type(Type::Object(o)) => View {
                typ: Some("object"),
                properties: Some(&o.properties),
                required: &o.required,
                additional: o.additional_properties.as_ref(),
                constraints: super::Constraints {
                    min_properties: o.min_properties.map(|n| n as u64),
                    max_properties: o.max_properties.map(|n| n as u64),
                    ..Default::default()
                },
                ..View::default()
            },
            SchemaKind::Type(Type::Array(a)) => View {
                typ: Some("array"),
                items: a.items.as_ref(),
                constraints: super::Constraints {
                    min_items: a.min_items.map(|n| n as u64),
                    max_items: a.max_items.map(|n| n as u64),
                    unique_items: a.unique_items,
                    ..Default::default()
                },
                ..View::default()
            },
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
                constraints: super::Constraints {
                    pattern: any.pattern.clone(),
                    min_length: any.min_length.map(|n| n as u64),
                    max_length: any.max_length.map(|n| n as u64),
                    minimum: any.minimum,
                    exclusive_minimum: any.exclusive_minimum.unwrap_or(false),
                    maximum: any.maximum,
                    exclusive_maximum: any.exclusive_maximum.unwrap_or(false),
                    min_items: any.min_items.map(|n| n as u64),
                    max_items: any.max_items.map(|n| n as u64),
                    unique_items: any.unique_items.unwrap_or(false),
                    min_properties: any.min_properties.map(|n| n as u64),
                    max_properties: any.max_properties.map(|n| n as u64),
                    allowed_integers: (any.typ.as_deref() == Some("integer") && !any.enumeration.is_empty())
                        .then(|| any.enumeration.iter().filter_map(|v| v.as_i64()).collect()),
                    items: None,
                    values: None,
                },
            },
        }
    }
}
