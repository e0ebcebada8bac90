//! Validation code: `impl Validate` for every model, the `Rules` statics that carry each
//! field's constraints, and `src/patterns.rs` with one static per pattern of the spec.

use heck::ToShoutySnakeCase;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::error::Result;
use crate::ir::names::Scope;
use crate::ir::{Constraints, Model, TypeDef, TypeKind, TypeRef};
use crate::write::Tree;

/// `impl Validate`: a struct checks each field against its rules and recurses into it; a
/// union checks the variant it holds. Enums and newtypes get theirs from their macros.
/// Whether a value of `ty` can never be invalid by itself: a builtin, a string enum (every
/// value kept, known or not), or a list or map of those. Checking such a field without rules
/// of its own finds nothing, so no check is emitted for it.
fn inert(model: &Model, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Builtin(_) => true,
        TypeRef::Vec(inner) | TypeRef::Map(inner) => inert(model, inner),
        TypeRef::Named(id) => match &model.get(*id).kind {
            TypeKind::Enum(_) => true,
            TypeKind::Alias(inner) => inert(model, inner),
            _ => false,
        },
    }
}

pub fn validate_impl(model: &Model, def: &TypeDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let body = match &def.kind {
        TypeKind::Struct(s) => {
            let mut statics = Vec::new();
            let mut statics_scope = Scope::default();
            let checks: Vec<TokenStream> = s
                .fields
                .iter()
                .map(|f| {
                    let ident = format_ident!("{}", f.ident);
                    let wire = &f.wire;
                    let rules = if f.constraints.is_empty() {
                        quote!(&crate::validation::Rules::NONE)
                    } else {
                        let static_name = statics_scope.claim(&static_name(&f.ident));
                        let static_ident = rules_static(model, &static_name, &f.constraints, f.secret, &mut statics);
                        quote!(&#static_ident)
                    };
                    // A field without rules whose type checks nothing is not visited at all.
                    let check = if f.constraints.is_empty() && inert(model, &f.ty) {
                        None
                    } else if f.read_only {
                        Some(quote!(v.read_only_field(#wire, &self.#ident, #rules);))
                    } else {
                        Some(quote!(v.field(#wire, &self.#ident, #rules);))
                    };
                    let request = (f.required && f.write_only)
                        .then(|| quote!(v.write_only_required(#wire, self.#ident.is_some());));
                    quote!(#check #request)
                })
                .filter(|check| !check.is_empty())
                .collect();
            let extra = s.extra.as_ref().map(|extra| {
                let extra = format_ident!("{extra}");
                let secrets = s.fields.iter().filter(|f| f.secret).map(|f| &f.wire);
                let read_only = s.fields.iter().filter(|f| f.read_only).map(|f| &f.wire);
                quote!(v.extra(&self.#extra, &[#(#secrets),*], &[#(#read_only),*]);)
            });
            let additional = s.additional.as_ref().map(|(ident, _)| {
                let ident = format_ident!("{ident}");
                quote! {
                    for (key, value) in &self.#ident {
                        v.field(key, value, &crate::validation::Rules::NONE);
                    }
                }
            });
            let v = if checks.is_empty() && additional.is_none() && extra.is_none() { quote!(_v) } else { quote!(v) };
            quote! {
                #[inline]
                fn validate_into(&self, #v: &mut crate::validation::Validator) {
                    #(#statics)*
                    #(#checks)*
                    #additional
                    #extra
                }
            }
        }
        TypeKind::Tagged(t) => {
            let arms = t.variants.iter().map(|variant| {
                let ident = format_ident!("{}", variant.name);
                quote!(Self::#ident(inner) => inner.validate_into(v),)
            });
            let fallback = format_ident!("{}", t.fallback);
            quote! {
                #[inline]
                fn validate_into(&self, v: &mut crate::validation::Validator) {
                    match self {
                        #(#arms)*
                        Self::#fallback(_) => {}
                    }
                }
            }
        }
        TypeKind::Untagged(u) => {
            let arms = u.variants.iter().map(|variant| {
                let ident = format_ident!("{}", variant.name);
                quote!(Self::#ident(inner) => inner.validate_into(v),)
            });
            quote! {
                #[inline]
                fn validate_into(&self, v: &mut crate::validation::Validator) {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
        TypeKind::Enum(_) | TypeKind::Newtype { .. } | TypeKind::Alias(_) | TypeKind::Shared(_) | TypeKind::Pending => {
            return TokenStream::new()
        }
    };
    quote! {
        impl crate::validation::Validate for #name {
            #body
        }
    }
}

/// `SCREAMING_CASE` name for the rules of a field; a valid identifier whatever the field.
fn static_name(field_ident: &str) -> String {
    let name = field_ident.to_shouty_snake_case();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("FIELD_{name}")
    }
}

/// Declares `static NAME: Rules` (and statics for nested item/value rules) in `statics`;
/// returns the ident to reference.
pub fn rules_static(model: &Model, name: &str, c: &Constraints, secret: bool, statics: &mut Vec<TokenStream>) -> proc_macro2::Ident {
    let ident = format_ident!("{name}");
    let mut parts = Vec::new();
    if secret {
        parts.push(quote!(secret: true,));
    }
    if let Some(pattern) = &c.pattern {
        let pattern = format_ident!("{}", model.patterns[pattern].ident);
        parts.push(quote!(pattern: Some(&crate::patterns::#pattern),));
    }
    let count = |key: &str, n: Option<u64>| {
        let key = format_ident!("{key}");
        n.map(|n| {
            let n = Literal::u64_unsuffixed(n);
            quote!(#key: Some(#n),)
        })
    };
    parts.extend(count("min_length", c.min_length));
    parts.extend(count("max_length", c.max_length));
    parts.extend(count("min_items", c.min_items));
    parts.extend(count("max_items", c.max_items));
    parts.extend(count("min_properties", c.min_properties));
    parts.extend(count("max_properties", c.max_properties));
    if let Some(min) = c.minimum {
        let min = Literal::f64_unsuffixed(min);
        parts.push(quote!(minimum: Some(#min),));
    }
    if let Some(max) = c.maximum {
        let max = Literal::f64_unsuffixed(max);
        parts.push(quote!(maximum: Some(#max),));
    }
    if c.exclusive_minimum {
        parts.push(quote!(exclusive_minimum: true,));
    }
    if c.exclusive_maximum {
        parts.push(quote!(exclusive_maximum: true,));
    }
    if c.unique_items {
        parts.push(quote!(unique_items: true,));
    }
    if let Some(allowed) = &c.allowed_integers {
        let allowed = allowed.iter().map(|n| Literal::i64_unsuffixed(*n));
        parts.push(quote!(allowed_integers: Some(&[#(#allowed),*]),));
    }
    if let Some(items) = &c.items {
        let nested = rules_static(model, &format!("{name}_ITEMS"), items, secret, statics);
        parts.push(quote!(items: Some(&#nested),));
    }
    if let Some(values) = &c.values {
        let nested = rules_static(model, &format!("{name}_VALUES"), values, secret, statics);
        parts.push(quote!(values: Some(&#nested),));
    }
    statics.push(quote! {
        static #ident: crate::validation::Rules = crate::validation::Rules {
            #(#parts)*
            ..crate::validation::Rules::NONE
        };
    });
    ident
}

/// `src/patterns.rs`: one static per pattern of the spec.
pub fn emit_patterns(model: &Model, tree: &mut Tree) -> Result<()> {
    let mut statics = Vec::new();
    let mut all = Vec::new();
    for (source, info) in &model.patterns {
        let ident = format_ident!("{}", info.ident);
        let flags = &info.flags;
        let users: Vec<String> = info.used_by.iter().map(|(name, n)| format!("`{name}` ({n})")).collect();
        let doc = format!(" Used by {}.\n\n ```text\n {source}\n ```", users.join(", "));
        statics.push(quote! {
            #[doc = #doc]
            pub static #ident: Pattern = Pattern::new(#source, #flags);
        });
        all.push(quote!(&#ident));
    }
    tree.add_rust(
        "src/patterns.rs",
        quote! {
            //! Every `pattern` of the Atlas spec, compiled on first use with `regress`.
            use crate::validation::Pattern;
            #(#statics)*
            /// All of them, for tests and tools.
            pub static ALL: &[&Pattern] = &[#(#all),*];
        },
    )
}
