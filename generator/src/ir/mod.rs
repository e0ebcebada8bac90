//! The intermediate model: a type space plus the operations that use it.
//!
//! Every schema the generator meets gets a [`TypeId`] before anything is converted, so
//! `$ref`s are plain edges between ids: forward and circular references need no recursion
//! in the generator, and a cycle is broken afterwards by boxing the edges that close it
//! ([`cycles`]). Naming (heck, keywords, collisions) is decided here, once; the emitters
//! only print what the model says.

mod cycles;
pub mod enums;
mod lower;
pub mod names;
pub mod newtypes;
pub mod operations;
mod patterns;
pub mod features;
pub mod registry;
pub mod secrets;
mod view;

pub use lower::{lower, lower_with};

use std::collections::BTreeMap;

/// Index of a type in [`Model::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// The whole spec, lowered.
#[derive(Debug, Default)]
pub struct Model {
    pub types: Vec<TypeDef>,
    /// Component schema name (as in the spec) -> its type.
    pub components: BTreeMap<String, TypeId>,
    pub operations: Vec<operations::Operation>,
    /// Every `example` the spec gives, with the type it must decode into.
    pub examples: Vec<Example>,
    /// Names that had to be changed to stay unique, for the generation report.
    pub renames: Vec<names::Rename>,
    /// Every distinct `pattern` of the spec, by its source text.
    pub patterns: BTreeMap<String, PatternInfo>,
    /// Spec tag -> its API module (`Clusters` -> `clusters`), from the registry of names.
    pub modules: BTreeMap<String, String>,
    /// Spec tag -> its description (the spec's top-level `tags`), for the module's docs.
    pub tag_docs: BTreeMap<String, String>,
    /// Renames upstream recognised against the registry ([`registry::rekey`]).
    pub upstream_renames: Vec<registry::Renamed>,
    /// What the generator worked around, each naming the place (an unknown `format`, a
    /// schema renamed because its Rust name was taken): printed by `cargo xtask generate`
    /// and listed in the update report.
    pub warnings: Vec<String>,
}

/// A `pattern` of the spec and where it is used.
#[derive(Debug, Clone, Default)]
pub struct PatternInfo {
    /// Name of the static holding it in `atlas_admin::patterns` (SCREAMING_SNAKE_CASE).
    pub ident: String,
    /// `regress` flags it compiles with: `u` (Unicode, needed for `\p{L}`) when it can.
    pub flags: String,
    /// Property or parameter names that carry it, with counts.
    pub used_by: BTreeMap<String, usize>,
    /// Where it first appears.
    pub pointer: String,
    /// Every `example` the spec gives for a value with this pattern.
    pub examples: Vec<String>,
    /// The validated newtype that carries it, if it is a recurring identifier pattern.
    pub newtype: Option<TypeId>,
}

/// Constraints the spec puts on a value where it is used (JSON Schema validation keywords).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub pattern: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub minimum: Option<f64>,
    pub exclusive_minimum: bool,
    pub maximum: Option<f64>,
    pub exclusive_maximum: bool,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    /// The `enum` of an integer: kept an integer (these are quantities such as retention
    /// days), with the allowed values checked by `Validate`.
    pub allowed_integers: Option<Vec<i64>>,
    /// Constraints on each item of an array.
    pub items: Option<Box<Constraints>>,
    /// Constraints on each value of a map.
    pub values: Option<Box<Constraints>>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

pub use operations::{Body, Content, Operation, Parameter, ParameterLocation, Response};

impl Model {
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }
}

/// A named Rust type to emit.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name (UpperCamelCase, unique in the crate).
    pub name: String,
    /// JSON pointer of the schema this type comes from.
    pub pointer: String,
    /// The component schema this type belongs to (itself, or the owner of an inline
    /// schema), or the tag of an operation's parameters: decides the file it goes in.
    pub home: String,
    /// Which module tree the type is emitted into.
    pub group: Group,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub kind: TypeKind,
    /// Names it shipped under before (`#[deprecated]` type aliases), from the registry.
    pub aliases: Vec<String>,
}

impl TypeDef {
    /// The named types its definition mentions (fields, variants, the aliased type).
    pub fn referenced(&self) -> Vec<TypeId> {
        let mut out = Vec::new();
        match &self.kind {
            TypeKind::Struct(s) => {
                s.fields.iter().for_each(|f| f.ty.mentioned(&mut out));
                if let Some((_, ty)) = &s.additional {
                    ty.mentioned(&mut out);
                }
            }
            TypeKind::Tagged(t) => out.extend(t.variants.iter().map(|v| v.ty)),
            TypeKind::Untagged(u) => u.variants.iter().for_each(|v| v.ty.mentioned(&mut out)),
            TypeKind::Alias(ty) => ty.mentioned(&mut out),
            TypeKind::Enum(_) | TypeKind::Newtype { .. } | TypeKind::Shared(_) | TypeKind::Pending => {}
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// `atlas_admin::models`: the spec's schemas.
    Models,
    /// `atlas_admin::params`: the path, query and header parameters of each operation.
    Params,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum: known values plus a catch-all that keeps unknown ones.
    Enum(StringEnum),
    /// `oneOf` (or a polymorphic parent) chosen by a discriminator property.
    Tagged(TaggedUnion),
    /// `oneOf`/`anyOf` without discriminator: the most specific variant that decodes wins.
    Untagged(UntaggedUnion),
    /// A named alias for another type (`pub type X = ...`).
    Alias(TypeRef),
    /// A string that must match a recurring identifier pattern (`ObjectId`, ...).
    Newtype { pattern: String },
    /// Merged into another type, the one every reference now names ([`enums`]): not emitted.
    Shared(TypeId),
    /// Not yet converted (only during lowering).
    Pending,
}

/// How a value's type is written where it is used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    Named(TypeId),
    Builtin(Builtin),
    Vec(Box<TypeRef>),
    /// A JSON object with arbitrary keys.
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// Every named type this reference mentions, at any depth (through `Vec` and maps too).
    pub fn mentioned(&self, out: &mut Vec<TypeId>) {
        match self {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Vec(inner) | TypeRef::Map(inner) => inner.mentioned(out),
            TypeRef::Builtin(_) => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Builtin {
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    /// `format: date-time`
    DateTime,
    /// `format: date`
    Date,
    /// Anything: free-form objects and schemas without a type.
    Json,
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// `additionalProperties` beside named properties: a flattened map (field name, value type).
    pub additional: Option<(String, TypeRef)>,
    /// The field (ident) holding what a decoded payload carried beyond the spec
    /// (`atlas_admin::Extra`); `None` for parameter structs, which are never decoded.
    pub extra: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The property name on the wire.
    pub wire: String,
    /// The Rust field name (snake_case, not a keyword, unique in the struct).
    pub ident: String,
    pub ty: TypeRef,
    pub required: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub nullable: bool,
    pub deprecated: bool,
    pub doc: Option<String>,
    /// Set by cycle breaking: the field closes a cycle of direct containment.
    pub boxed: bool,
    /// What the value must satisfy beyond its type.
    pub constraints: Constraints,
    /// Holds a secret ([`secrets`]): redacted in `Debug` and validation errors.
    pub secret: bool,
    /// The schema's `format` (`email`, `uri`, ...), for making sample values; not enforced.
    pub format: Option<String>,
}

impl Field {
    /// Whether the Rust field is an `Option`: not required, or required but readOnly
    /// (a request never has to set it) or writeOnly (a response never carries it), or
    /// nullable.
    pub fn is_optional(&self) -> bool {
        !self.required || self.read_only || self.write_only || self.nullable
    }

    /// A required nullable property is always sent: `None` is written as `null`.
    /// Every other `Option` is left out when `None`.
    pub fn skipped_when_none(&self) -> bool {
        let always_sent = self.required && self.nullable && !self.read_only && !self.write_only;
        self.is_optional() && !always_sent
    }

    /// `Option<Option<T>>`: absent, `null` and a value are three different things
    /// (an optional nullable property: PATCH bodies need to send an explicit `null`).
    pub fn is_double_option(&self) -> bool {
        self.nullable && !self.required
    }
}

#[derive(Debug, Clone)]
pub struct StringEnum {
    pub values: Vec<EnumValue>,
    /// Rust name of the catch-all variant holding a value this crate does not know.
    pub fallback: String,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub wire: String,
    pub variant: String,
}

#[derive(Debug, Clone)]
pub struct TaggedUnion {
    /// The discriminator property.
    pub property: String,
    pub variants: Vec<TaggedVariant>,
    /// Rust name of the variant holding a payload with an unmapped tag.
    pub fallback: String,
    /// Whether the schema lists its variants in a `oneOf` (a validator then checks a payload
    /// against each), or only in its discriminator's mapping (it is checked as the parent).
    pub one_of: bool,
}

#[derive(Debug, Clone)]
pub struct TaggedVariant {
    pub name: String,
    pub ty: TypeId,
    /// Every discriminator value that selects this variant, in mapping order.
    pub tags: Vec<String>,
    pub boxed: bool,
}

#[derive(Debug, Clone)]
pub struct UntaggedUnion {
    pub variants: Vec<UntaggedVariant>,
}

#[derive(Debug, Clone)]
pub struct UntaggedVariant {
    pub name: String,
    pub ty: TypeRef,
    pub boxed: bool,
}

/// One `example` from the spec and the type it has to decode into.
#[derive(Debug, Clone)]
pub struct Example {
    pub pointer: String,
    /// A request body's example: checked as a request (readOnly properties not needed).
    pub request: bool,
    pub value: serde_json::Value,
    pub ty: TypeRef,
    /// The rules the schema puts on the value where it is used (a property's `maxLength`,
    /// a body's `maxItems`), beyond what its type checks itself.
    pub constraints: Constraints,
}
