//! `tests/e2e_prism.rs`: every operation that can be called with inputs made from the spec
//! alone, called through the generated client against Prism serving the spec
//! (`cargo xtask e2e`). Required parameters get a value their type and pattern accept (the
//! spec's own examples of that pattern, an enum's first value, a bound of a number); a
//! required body is the spec's whole request example. Operations that need anything else
//! (a body without a whole example, a value nothing in the spec shows) are left out and
//! listed in the file's header. The recording and the verdict are the hand-written
//! `tests/prism/mod.rs`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{type_tokens, Scope};
use crate::error::Result;
use crate::ir::{names, Builtin, Constraints, Model, Operation, TypeKind, TypeRef};
use crate::write::Tree;

pub fn emit(model: &Model, api_version: &str, tree: &mut Tree) -> Result<()> {
    // Per tag: each call, and whether it needs the `preview` feature.
    let mut tags: BTreeMap<&str, Vec<(TokenStream, bool)>> = BTreeMap::new();
    let mut left_out: Vec<String> = Vec::new();
    for op in &model.operations {
        match call(model, op, api_version) {
            Ok(call) => tags.entry(op.tag.as_str()).or_default().push((call, op.version_for(api_version) == Some("preview"))),
            Err(why) => left_out.push(format!("{} ({why})", op.id)),
        }
    }
    let preview_attr = quote!(#[cfg(feature = "preview")]);
    let only_preview = |calls: &[(TokenStream, bool)]| calls.iter().all(|(_, preview)| *preview);
    let functions = tags.iter().map(|(tag, calls)| {
        let function = format_ident!("{}", names::field_name(tag));
        let gate = only_preview(calls).then(|| preview_attr.clone());
        let calls = calls.iter().map(|(call, preview)| {
            let gate = (*preview && gate.is_none()).then(|| preview_attr.clone());
            quote!(#gate #call)
        });
        quote! {
            #gate
            async fn #function(c: &Client, r: &mut prism::Report) {
                #(#calls)*
            }
        }
    });
    let runs = tags.iter().map(|(tag, calls)| {
        let function = format_ident!("{}", names::field_name(tag));
        let gate = only_preview(calls).then(|| preview_attr.clone());
        quote!(#gate #function(&c, &mut r).await;)
    });
    let calls: usize = tags.values().map(Vec::len).sum();
    let tag_count = tags.len();
    let dated_calls = tags.values().flatten().filter(|(_, preview)| !preview).count();
    let dated_tags = tags.values().filter(|calls| !only_preview(calls)).count();
    let all_tags = model.operations.iter().map(|op| op.tag.as_str()).collect::<std::collections::BTreeSet<_>>().len();
    let header = format!(
        " Every operation callable with inputs from the spec alone ({calls} of {}, in {tag_count} of {all_tags} tags, \
         preview operations included with the `preview` feature), through the generated client against Prism serving \
         the spec. Run by `cargo xtask e2e`, which starts Prism; ignored by a plain `cargo test`.\n\n Left out ({}): {}.",
        model.operations.len(),
        left_out.len(),
        if left_out.is_empty() { "none".to_string() } else { left_out.join(", ") },
    );
    let finish = if (calls, tag_count) == (dated_calls, dated_tags) {
        quote!(r.finish(#calls, #tag_count);)
    } else {
        quote! {
            if cfg!(feature = "preview") {
                r.finish(#calls, #tag_count);
            } else {
                r.finish(#dated_calls, #dated_tags);
            }
        }
    };
    tree.add_rust(
        "tests/e2e_prism.rs",
        quote! {
            #![doc = #header]
            #![allow(deprecated)]
            mod prism;
            use atlas_admin::Client;
            #(#functions)*
            #[tokio::test]
            #[ignore = "needs Prism: `cargo xtask e2e` starts it and runs this test"]
            async fn every_tag_against_prism() {
                let c = prism::client();
                let mut r = prism::Report::default();
                #(#runs)*
                #finish
            }
        },
    )
}

/// One recorded call of `op`, or why it cannot be made from the spec alone.
fn call(model: &Model, op: &Operation, api_version: &str) -> std::result::Result<TokenStream, String> {
    let version = op.version_for(api_version);
    let params = op.params.map(|id| model.get(id));
    let fields: Vec<&crate::ir::Field> = match params.map(|d| &d.kind) {
        Some(TypeKind::Struct(s)) => s.fields.iter().collect(),
        _ => Vec::new(),
    };
    let mut args = Vec::new();
    for f in super::apis::method_arguments(op, &fields) {
        args.push(value(model, &f.ty, &f.constraints).ok_or_else(|| format!("no value for {}", f.wire))?);
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let content = body
            .contents
            .iter()
            .find(|c| c.version.as_deref() == version)
            .or_else(|| body.contents.iter().filter(|c| c.version.as_deref() != Some("preview")).max_by_key(|c| &c.version))
            .ok_or("no body content")?;
        let ty = content.ty.as_ref().filter(|_| content.encoding == "json").ok_or("a body that is not JSON")?;
        let pointer = format!("{}/requestBody/content/{}", op.pointer, crate::error::pointer_token(&content.media_type));
        let example = model
            .examples
            .iter()
            .find(|e| e.request && e.pointer.starts_with(&pointer) && &e.ty == ty)
            .ok_or("a body without a whole example")?;
        let json = serde_json::to_string(&example.value).expect("a JSON value always serialises");
        let ty = type_tokens(model, ty, Scope::External);
        args.push(quote!(serde_json::from_str::<#ty>(#json).expect("the spec's example decodes")));
    }
    let accessor = format_ident!("{}", names::field_name(&op.tag));
    let method = format_ident!("{}", op.name);
    let (id, tag) = (&op.id, &op.tag);
    Ok(quote! {
        r.record(#id, #tag, c.#accessor().#method(#(#args),*).send_with_response().await);
    })
}

/// A value of `ty` that its constraints accept, as an expression.
fn value(model: &Model, ty: &TypeRef, constraints: &Constraints) -> Option<TokenStream> {
    match ty {
        TypeRef::Named(id) => {
            let def = model.get(*id);
            let path = type_tokens(model, ty, Scope::External);
            match &def.kind {
                TypeKind::Newtype { pattern } => {
                    let example = pattern_example(model, pattern)?;
                    Some(quote!(#example.parse::<#path>().expect("the spec's example fits its pattern")))
                }
                TypeKind::Enum(e) => {
                    let variant = format_ident!("{}", e.values.first()?.variant);
                    Some(quote!(#path::#variant))
                }
                _ => None,
            }
        }
        TypeRef::Builtin(Builtin::String) => {
            let text = match &constraints.pattern {
                Some(pattern) => pattern_example(model, pattern)?,
                None => {
                    let min = constraints.min_length.unwrap_or(0) as usize;
                    let max = constraints.max_length.map_or(usize::MAX, |m| m as usize);
                    let mut text = "e2e".to_string();
                    while text.len() < min {
                        text.push('x');
                    }
                    text.truncate(max.max(1));
                    text
                }
            };
            Some(quote!(String::from(#text)))
        }
        TypeRef::Builtin(b @ (Builtin::I32 | Builtin::I64)) => {
            let n = match (&constraints.allowed_integers, constraints.minimum, constraints.maximum) {
                (Some(allowed), _, _) => *allowed.first()?,
                (None, Some(min), _) => min.ceil() as i64 + i64::from(constraints.exclusive_minimum),
                (None, None, Some(max)) if max < 1.0 => max.floor() as i64,
                _ => 1,
            };
            Some(if *b == Builtin::I32 {
                let n = i32::try_from(n).ok()?;
                quote!(#n)
            } else {
                quote!(#n)
            })
        }
        TypeRef::Builtin(Builtin::Bool) => Some(quote!(true)),
        TypeRef::Builtin(Builtin::F64) => Some(quote!(1.0f64)),
        TypeRef::Builtin(Builtin::DateTime) => Some(quote!("2024-01-01T00:00:00Z".parse().expect("a date-time"))),
        TypeRef::Vec(inner) => {
            let item = value(model, inner, constraints.items.as_deref().unwrap_or(&Constraints::default()))?;
            Some(quote!(vec![#item]))
        }
        _ => None,
    }
}

/// The first example the spec gives of a value with `pattern`.
fn pattern_example(model: &Model, pattern: &str) -> Option<String> {
    model.patterns.get(pattern)?.examples.first().cloned()
}
