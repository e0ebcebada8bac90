//! How a [`TypeRef`] is written in Rust, from inside the models module or from outside.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Builtin, Model, TypeKind, TypeRef};

/// Where the code that names a type lives.
#[derive(Clone, Copy)]
pub enum Scope {
    /// Inside `atlas_admin::models`: model names are in scope.
    Models,
    /// Outside the crate: `atlas_admin::models::X`.
    External,
    /// Elsewhere in the crate: `crate::models::X`.
    Crate,
}

pub fn type_tokens(model: &Model, ty: &TypeRef, scope: Scope) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let name = format_ident!("{}", model.get(*id).name);
            match scope {
                Scope::Models => quote!(#name),
                Scope::External => quote!(atlas_admin::models::#name),
                Scope::Crate => quote!(crate::models::#name),
            }
        }
        TypeRef::Builtin(b) => builtin_tokens(*b),
        TypeRef::Vec(inner) => {
            let inner = type_tokens(model, inner, scope);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(model, inner, scope);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
    }
}

pub fn builtin_tokens(b: Builtin) -> TokenStream {
    match b {
        Builtin::String => quote!(String),
        Builtin::Bool => quote!(bool),
        Builtin::I32 => quote!(i32),
        Builtin::I64 => quote!(i64),
        Builtin::F32 => quote!(f32),
        Builtin::F64 => quote!(f64),
        Builtin::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        Builtin::Date => quote!(::chrono::NaiveDate),
        Builtin::Json => quote!(::serde_json::Value),
    }
}

/// Whether a type is an object model (a struct, possibly behind aliases), which writes its
/// fields through `codec::Writer` and so can have its discriminator corrected.
pub fn is_object(model: &Model, mut id: crate::ir::TypeId) -> bool {
    for _ in 0..16 {
        match &model.get(id).kind {
            TypeKind::Struct(s) => return s.extra.is_some(),
            TypeKind::Alias(TypeRef::Named(next)) => id = *next,
            _ => return false,
        }
    }
    false
}

/// What an untagged union scores a candidate variant by, when the payload is an object.
#[derive(Debug, Default)]
pub struct ObjectShape {
    /// Property names the variant's type can carry.
    pub known: Vec<String>,
    /// Those it cannot decode without.
    pub required: Vec<String>,
    /// Its string-enum properties and their known values: a payload whose value the
    /// variant does not know fits it less well than a variant that does.
    pub enums: Vec<(String, Vec<String>)>,
}

pub fn object_shape(model: &Model, ty: &TypeRef) -> ObjectShape {
    let mut shape = ObjectShape::default();
    let mut seen = std::collections::BTreeSet::new();
    let mut todo = vec![(ty.clone(), true)];
    while let Some((ty, direct)) = todo.pop() {
        let TypeRef::Named(id) = ty else { continue };
        if !seen.insert(id) {
            continue;
        }
        match &model.get(id).kind {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    if !shape.known.contains(&f.wire) {
                        shape.known.push(f.wire.clone());
                    }
                    if direct && !f.is_optional() {
                        shape.required.push(f.wire.clone());
                    }
                    if let (true, TypeRef::Named(field_type)) = (direct, &f.ty) {
                        if let TypeKind::Enum(e) = &model.get(*field_type).kind {
                            let values = e.values.iter().map(|v| v.wire.clone()).collect();
                            shape.enums.push((f.wire.clone(), values));
                        }
                    }
                }
            }
            TypeKind::Alias(inner) => todo.push((inner.clone(), direct)),
            TypeKind::Tagged(t) => todo.extend(t.variants.iter().map(|v| (TypeRef::Named(v.ty), false))),
            TypeKind::Untagged(u) => todo.extend(u.variants.iter().map(|v| (v.ty.clone(), false))),
            TypeKind::Enum(_) | TypeKind::Newtype { .. } | TypeKind::Shared(_) | TypeKind::Pending => {}
        }
    }
    shape
}
