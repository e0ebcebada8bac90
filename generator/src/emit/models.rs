//! `src/models/`: one file per component schema (with the inline types it owns), and a
//! `mod.rs` that re-exports every type as `atlas_admin::models::Name`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_attrs, with_note};
use super::types::{object_shape, type_tokens, Scope};
use crate::error::Result;
use super::validate::validate_impl;
use crate::ir::{names, Field, Group, Model, StringEnum, Struct, TaggedUnion, TypeDef, TypeId, TypeKind, UntaggedUnion};
use crate::write::Tree;

pub fn emit(model: &Model, tree: &mut Tree) -> Result<()> {
    emit_group(model, tree, Group::Models)?;
    emit_group(model, tree, Group::Params)
}

fn emit_group(model: &Model, tree: &mut Tree, group: Group) -> Result<()> {
    // Group types by the file they live in; BTreeMaps keep the output order stable.
    let mut files: BTreeMap<String, Vec<TypeId>> = BTreeMap::new();
    for (i, def) in model.types.iter().enumerate() {
        if def.group == group {
            files.entry(names::module_name(&def.home)).or_default().push(TypeId(i));
        }
    }
    let (dir, import_root) = match group {
        Group::Models => ("models", quote!(super)),
        Group::Params => ("params", quote!(crate::models)),
    };
    let mut module_items = Vec::new();
    for (module, ids) in &files {
        let module_ident = format_ident!("{module}");
        let exported = ids.iter().map(|id| format_ident!("{}", model.get(*id).name));
        module_items.push(quote! {
            mod #module_ident;
            pub use #module_ident::{#(#exported),*};
        });
        let body = emit_file(model, ids, &import_root);
        tree.add_rust(&format!("src/{dir}/{module}.rs"), body)?;
    }
    let doc = match group {
        Group::Models => format!(
            " Every schema of the Atlas Admin API spec ({} component schemas and the inline \
             types they define), as Rust types that decode and re-encode exactly what Atlas sends.",
            model.components.len()
        ),
        Group::Params => format!(
            " The path, query and header parameters of each of the {} operations that take \
             any, one struct per operation and one module per tag; `validate()` checks them \
             against the spec before a request is sent.",
            files.values().map(Vec::len).sum::<usize>()
        ),
    };
    tree.add_rust(
        &format!("src/{dir}/mod.rs"),
        quote! {
            #![doc = #doc]
            #![allow(deprecated)]
            #![allow(clippy::large_enum_variant, clippy::too_many_arguments, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]
            #(#module_items)*
        },
    )
}

fn emit_file(model: &Model, ids: &[TypeId], import_root: &TokenStream) -> TokenStream {
    let local: BTreeSet<TypeId> = ids.iter().copied().collect();
    let mut imports: BTreeSet<String> = BTreeSet::new();
    let mut items = Vec::new();
    let mut serde = false;
    for id in ids {
        let def = model.get(*id);
        for used in referenced(def) {
            if !local.contains(&used) {
                imports.insert(model.get(used).name.clone());
            }
        }
        serde |= !matches!(def.kind, TypeKind::Alias(_) | TypeKind::Enum(_));
        items.push(emit_type(model, def));
        items.push(validate_impl(model, def));
    }
    let imports = imports.iter().map(|n| format_ident!("{n}")).collect::<Vec<_>>();
    let model_import = (!imports.is_empty()).then(|| quote!(use #import_root::{#(#imports),*};));
    let serde_import = serde.then(|| quote!(use serde::{Deserialize, Serialize};));
    quote! {
        #serde_import
        #model_import
        #(#items)*
    }
}

/// Named types a definition mentions.
fn referenced(def: &TypeDef) -> Vec<TypeId> {
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct(s) => {
            s.fields.iter().for_each(|f| f.ty.mentioned(&mut out));
            if let Some((_, ty)) = &s.additional {
                ty.mentioned(&mut out);
            }
        }
        TypeKind::Tagged(t) => out.extend(t.variants.iter().map(|v| v.ty)),
        TypeKind::Untagged(u) => u.variants.iter().for_each(|v| v.ty.mentioned(&mut out)),
        TypeKind::Alias(ty) => ty.mentioned(&mut out),
        TypeKind::Enum(_) | TypeKind::Newtype { .. } | TypeKind::Pending => {}
    }
    out
}

fn emit_type(model: &Model, def: &TypeDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let doc = doc_attrs(def.doc.as_deref());
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let body = match &def.kind {
        TypeKind::Struct(s) => emit_struct(model, &name, s),
        TypeKind::Enum(e) => emit_enum(&name, e),
        TypeKind::Tagged(t) => emit_tagged(model, &name, t),
        TypeKind::Untagged(u) => emit_untagged(model, &def.name, &name, u),
        TypeKind::Alias(ty) => {
            let ty = type_tokens(model, ty, Scope::Models);
            quote!(pub type #name = #ty;)
        }
        TypeKind::Newtype { pattern } => {
            let pattern = format_ident!("{}", model.patterns[pattern].ident);
            quote! {
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
                #[serde(transparent)]
                pub struct #name(String);
                crate::validation::pattern_newtype!(#name, #pattern);
            }
        }
        TypeKind::Pending => unreachable!("lowering converts every type it declares"),
    };
    quote! {
        #doc
        #deprecated
        #body
    }
}

fn field_type(model: &Model, field: &Field) -> TokenStream {
    let mut ty = type_tokens(model, &field.ty, Scope::Models);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    if field.is_double_option() {
        quote!(Option<Option<#ty>>)
    } else if field.is_optional() {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

fn emit_struct(model: &Model, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.ident);
        let ty = field_type(model, f);
        let mut serde_args = Vec::new();
        if f.ident != f.wire {
            let wire = &f.wire;
            serde_args.push(quote!(rename = #wire));
        }
        if f.is_double_option() {
            serde_args.push(quote!(default, skip_serializing_if = "Option::is_none", with = "::serde_with::rust::double_option"));
        } else if f.skipped_when_none() {
            serde_args.push(quote!(default, skip_serializing_if = "Option::is_none"));
        }
        let serde_attr = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
        let note = match (f.read_only, f.write_only) {
            (true, _) => Some("Read-only: set by MongoDB Cloud in responses; never needed in a request."),
            (_, true) => Some("Write-only: sent in requests; never returned in responses."),
            _ => None,
        };
        let doc = match note {
            Some(note) => doc_attrs(Some(&with_note(f.doc.as_deref(), note))),
            None => doc_attrs(f.doc.as_deref()),
        };
        let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
        quote! {
            #doc
            #deprecated
            #serde_attr
            pub #ident: #ty,
        }
    });
    let additional = s.additional.as_ref().map(|(ident, ty)| {
        let ident = format_ident!("{ident}");
        let ty = type_tokens(model, ty, Scope::Models);
        quote! {
            /// Properties beyond the named ones (`additionalProperties`).
            #[serde(flatten)]
            pub #ident: ::std::collections::BTreeMap<String, #ty>,
        }
    });
    // Structs whose every field may be left out can be built with `..Default::default()`;
    // the others get `new(required fields)` with every optional field `None`.
    let default = s.fields.iter().all(Field::is_optional).then(|| quote!(Default,));
    let constructor = default.is_none().then(|| {
        let required: Vec<&Field> = s.fields.iter().filter(|f| !f.is_optional()).collect();
        let args = required.iter().map(|f| {
            let ident = format_ident!("{}", f.ident);
            let ty = field_type(model, f);
            quote!(#ident: #ty)
        });
        let inits = s.fields.iter().map(|f| {
            let ident = format_ident!("{}", f.ident);
            if f.is_optional() {
                quote!(#ident: None,)
            } else {
                quote!(#ident,)
            }
        });
        let additional_init = s.additional.as_ref().map(|(ident, _)| {
            let ident = format_ident!("{ident}");
            quote!(#ident: Default::default(),)
        });
        quote! {
            impl #name {
                /// A value with the required fields set and every optional one `None`.
                pub fn new(#(#args),*) -> Self {
                    Self {
                        #(#inits)*
                        #additional_init
                    }
                }
            }
        }
    });
    quote! {
        #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }
        #constructor
    }
}

fn emit_enum(name: &proc_macro2::Ident, e: &StringEnum) -> TokenStream {
    let variants = e.values.iter().map(|v| {
        let ident = format_ident!("{}", v.variant);
        let doc = format!(" `{}`", v.wire);
        quote!(#[doc = #doc] #ident,)
    });
    let pairs = e.values.iter().map(|v| {
        let ident = format_ident!("{}", v.variant);
        let wire = &v.wire;
        quote!(#ident => #wire)
    });
    let fallback = format_ident!("{}", e.fallback);
    quote! {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value this version of atlas-admin does not know, kept exactly as received.
            #fallback(String),
        }
        crate::codec::string_enum!(#name { #(#pairs),* } #fallback);
    }
}

fn emit_tagged(model: &Model, name: &proc_macro2::Ident, t: &TaggedUnion) -> TokenStream {
    let property = &t.property;
    let fallback = format_ident!("{}", t.fallback);
    let mut variants = Vec::new();
    let mut arms_ser = Vec::new();
    let mut arms_de = Vec::new();
    let mut froms = Vec::new();
    for v in &t.variants {
        let ident = format_ident!("{}", v.name);
        let inner = format_ident!("{}", model.get(v.ty).name);
        let ty = if v.boxed { quote!(Box<#inner>) } else { quote!(#inner) };
        let tags = v.tags.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
        let doc = format!(" `{property}`: {tags}.");
        variants.push(quote!(#[doc = #doc] #ident(#ty),));
        arms_ser.push(quote!(Self::#ident(v) => v.serialize(serializer),));
        let tags = &v.tags;
        arms_de.push(quote!(Some(#(#tags)|*) => Self::#ident(crate::codec::decode(value)?),));
        let wrap = if v.boxed { quote!(Box::new(value)) } else { quote!(value) };
        froms.push(quote! {
            impl From<#inner> for #name {
                fn from(value: #inner) -> Self {
                    Self::#ident(#wrap)
                }
            }
        });
    }
    let fallback_doc = format!(" Any other `{property}`: a kind this version of atlas-admin does not know, kept as received.");
    quote! {
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
            #[doc = #fallback_doc]
            #fallback(::serde_json::Value),
        }
        impl #name {
            /// The property whose value selects the variant.
            pub const DISCRIMINATOR: &'static str = #property;
        }
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                // Each variant carries its own tag, so it re-encodes the value it was read with.
                match self {
                    #(#arms_ser)*
                    Self::#fallback(v) => v.serialize(serializer),
                }
            }
        }
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = ::serde_json::Value::deserialize(deserializer)?;
                Ok(match crate::codec::tag(&value, #property) {
                    #(#arms_de)*
                    _ => Self::#fallback(value),
                })
            }
        }
        #(#froms)*
    }
}

fn emit_untagged(model: &Model, rust_name: &str, name: &proc_macro2::Ident, u: &UntaggedUnion) -> TokenStream {
    let mut variants = Vec::new();
    let mut arms_ser = Vec::new();
    let mut candidates = Vec::new();
    for v in &u.variants {
        let ident = format_ident!("{}", v.name);
        let mut ty = type_tokens(model, &v.ty, Scope::Models);
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        variants.push(quote!(#ident(#ty),));
        arms_ser.push(quote!(Self::#ident(v) => v.serialize(serializer),));
        let shape = object_shape(model, &v.ty);
        let (known, required) = (&shape.known, &shape.required);
        let enums = shape.enums.iter().map(|(property, values)| quote!((#property, &[#(#values),*])));
        candidates.push(quote! {
            crate::codec::Candidate {
                known: &[#(#known),*],
                required: &[#(#required),*],
                enums: &[#(#enums),*],
                decode: |value| ::serde_json::from_value(value).map(Self::#ident),
            },
        });
    }
    quote! {
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#arms_ser)*
                }
            }
        }
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = ::serde_json::Value::deserialize(deserializer)?;
                crate::codec::decode_untagged(value, #rust_name, &[#(#candidates)*])
            }
        }
    }
}
