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
}

pub fn type_tokens(model: &Model, ty: &TypeRef, scope: Scope) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let name = format_ident!("{}", model.get(*id).name);
            match scope {
                Scope::Models => quote!(#name),
                Scope::External => quote!(atlas_admin::models::#name),
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

/// Property names a value of this type can carry when it is a JSON object, and which of
/// them it cannot decode without: the shape an untagged union scores candidates by.
pub fn object_shape(model: &Model, ty: &TypeRef) -> (Vec<String>, Vec<String>) {
    let mut known = Vec::new();
    let mut required = Vec::new();
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
                    if !known.contains(&f.wire) {
                        known.push(f.wire.clone());
                    }
                    if direct && !f.is_optional() {
                        required.push(f.wire.clone());
                    }
                }
            }
            TypeKind::Alias(inner) => todo.push((inner.clone(), direct)),
            TypeKind::Tagged(t) => todo.extend(t.variants.iter().map(|v| (TypeRef::Named(v.ty), false))),
            TypeKind::Untagged(u) => todo.extend(u.variants.iter().map(|v| (v.ty.clone(), false))),
            TypeKind::Enum(_) | TypeKind::Newtype { .. } | TypeKind::Pending => {}
        }
    }
    (known, required)
}
