//! `tests/e2e_prism.rs`: every operation that can be called with inputs made from the spec
//! alone, called through the generated client against Prism serving the spec
//! (`cargo xtask e2e`). Required parameters get a value their type and pattern accept (the
//! spec's own examples of that pattern, an enum's first value, a bound of a number); a
//! required body is the spec's whole request example, else one made from its schema
//! (required properties, from the spec's property examples where it gives them). Operations
//! that need anything else (a value nothing in the spec shows) are left out and listed in
//! the file's header. The recording and the verdict are the hand-written `tests/prism/mod.rs`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{type_tokens, Scope};
use crate::error::Result;
use crate::ir::{names, Builtin, Constraints, Model, Operation, TypeId, TypeKind, TypeRef};
use crate::write::Tree;

pub fn emit(model: &Model, api_version: &str, examples: &Examples, tree: &mut Tree) -> Result<()> {
    // Per tag: each call, and whether it needs the `preview` feature.
    let mut tags: BTreeMap<&str, Vec<(TokenStream, bool)>> = BTreeMap::new();
    let mut left_out: Vec<String> = Vec::new();
    for op in &model.operations {
        match call(model, op, api_version, examples) {
            Ok(call) => tags.entry(op.tag.as_str()).or_default().push(call),
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

/// The spec's property and schema examples, by pointer (response examples left out).
pub(super) fn examples(model: &Model) -> Examples {
    model.examples.iter().filter(|e| !e.request).map(|e| (e.pointer.clone(), e.value.clone())).collect()
}

/// A value from the spec for each of `op`'s required arguments (its method's, in order), as
/// JSON; `None` when one cannot be made.
pub(super) fn argument_values(model: &Model, op: &Operation, examples: &Examples) -> Option<Vec<serde_json::Value>> {
    let fields: Vec<&crate::ir::Field> = match op.params.map(|id| &model.get(id).kind) {
        Some(TypeKind::Struct(s)) => s.fields.iter().collect(),
        _ => Vec::new(),
    };
    super::apis::method_arguments(op, &fields)
        .into_iter()
        .map(|f| sample(model, &f.ty, Site { pointer: None, constraints: Some(&f.constraints), format: f.format.as_deref() }, examples, 0).ok())
        .collect()
}

/// One recorded call of `op`, or why it cannot be made from the spec alone.
fn call(model: &Model, op: &Operation, api_version: &str, examples: &Examples) -> std::result::Result<(TokenStream, bool), String> {
    let plain = op.version_for(api_version);
    let body = op.body.as_ref().filter(|b| b.required);
    // Prism checks a request body against the first media type the spec lists, whatever
    // the Content-Type says; a body is sent in that version (its own method) so that what
    // Prism checks is what was sent.
    let content = body.map(|b| b.contents.first().ok_or("a body without content")).transpose()?;
    let version = match content {
        Some(content) => content.version.as_deref(),
        None => plain,
    };
    let params = op.params.map(|id| model.get(id));
    let fields: Vec<&crate::ir::Field> = match params.map(|d| &d.kind) {
        Some(TypeKind::Struct(s)) => s.fields.iter().collect(),
        _ => Vec::new(),
    };
    // Every argument is a JSON value made from the spec, decoded into its type.
    let decoded = |ty: &TypeRef, json: &serde_json::Value| {
        let ty = type_tokens(model, ty, Scope::External);
        let json = serde_json::to_string(json).expect("a JSON value always serialises");
        quote!(serde_json::from_str::<#ty>(#json).expect("a value made from the spec decodes"))
    };
    let mut args = Vec::new();
    for f in super::apis::method_arguments(op, &fields) {
        let site = Site { pointer: None, constraints: Some(&f.constraints), format: f.format.as_deref() };
        let json = sample(model, &f.ty, site, examples, 0).map_err(|why| format!("no value for {}: {why}", f.wire))?;
        args.push(decoded(&f.ty, &json));
    }
    if let Some(content) = content {
        let ty = content.ty.as_ref().filter(|_| content.encoding == "json").ok_or("a body that is not JSON")?;
        let pointer = format!("{}/requestBody/content/{}", op.pointer, crate::error::pointer_token(&content.media_type));
        let whole = model.examples.iter().find(|e| e.request && e.pointer.starts_with(&pointer) && &e.ty == ty);
        let json = match whole {
            Some(example) => example.value.clone(),
            None => sample(model, ty, Site { constraints: Some(&content.constraints), ..Site::default() }, examples, 0)?,
        };
        args.push(decoded(ty, &json));
    }
    let accessor = format_ident!("{}", names::field_name(&op.tag));
    let method = match version {
        v if v == plain => format_ident!("{}", op.name),
        Some(v) if v != "preview" => format_ident!("{}_v{}", op.name, v.replace('-', "_")),
        _ => return Err("a body only in a preview version".into()),
    };
    let (id, tag) = (&op.id, &op.tag);
    // Prism answers with the first success status whatever the version; a version whose
    // success is another status (204 at 2024-05-30, 200 at 2023-01-01) asks for it.
    let successes: Vec<&crate::ir::operations::Response> = op.successes().collect();
    let own = successes.iter().position(|r| r.contents.iter().any(|c| c.version.as_deref() == version));
    let client = match own {
        Some(i) if i > 0 => {
            let code = proc_macro2::Literal::u16_unsuffixed(successes[i].status.parse().map_err(|_| "a success status that is not a number")?);
            quote!(prism::preferring(#code))
        }
        _ => quote!(c),
    };
    let call = quote! {
        r.record(#id, #tag, #client.#accessor().#method(#(#args),*).send_with_response().await);
    };
    Ok((call, version == Some("preview")))
}

/// The spec's `example`s of schemas and properties, by JSON pointer.
pub(super) type Examples = std::collections::HashMap<String, serde_json::Value>;

/// A JSON value of `ty` for a request, made from the spec: the required properties that a
/// request sends (readOnly ones left out), each from the spec's example of that property
/// or type when it gives one, else the simplest value its type, format and constraints
/// accept; of a union, the first variant that Prism can tell from the others (it ignores
/// discriminators, so a body two variants accept fails its `oneOf`), with its tag.
fn sample(model: &Model, ty: &TypeRef, at: Site<'_>, examples: &Examples, depth: usize) -> std::result::Result<serde_json::Value, String> {
    use serde_json::{json, Value};
    if let Some(example) = at.pointer.and_then(|p| examples.get(p)) {
        return Ok(example.clone());
    }
    if depth > 12 {
        return Err("a body nested too deep".into());
    }
    let none = Constraints::default();
    let constraints = at.constraints.unwrap_or(&none);
    match ty {
        TypeRef::Named(id) => {
            let def = model.get(*id);
            if let Some(example) = examples.get(&def.pointer) {
                return Ok(example.clone());
            }
            match &def.kind {
                TypeKind::Struct(s) => {
                    let mut object = serde_json::Map::new();
                    for f in s.fields.iter().filter(|f| f.required && !f.read_only) {
                        let pointer = format!("{}/properties/{}", def.pointer, crate::error::pointer_token(&f.wire));
                        let site = Site { pointer: Some(&pointer), constraints: Some(&f.constraints), format: f.format.as_deref() };
                        object.insert(f.wire.clone(), sample(model, &f.ty, site, examples, depth + 1)?);
                    }
                    Ok(Value::Object(object))
                }
                TypeKind::Enum(e) => Ok(json!(e.values.first().ok_or("an empty enum")?.wire)),
                TypeKind::Tagged(u) => {
                    let mut last = format!("no variant of {} can be made", def.name);
                    for variant in &u.variants {
                        let Some(tag) = variant.tags.first() else { continue };
                        let mut value = match sample(model, &TypeRef::Named(variant.ty), Site::default(), examples, depth + 1) {
                            Ok(value) => value,
                            Err(why) => {
                                last = why;
                                continue;
                            }
                        };
                        let Some(object) = value.as_object_mut() else { continue };
                        object.insert(u.property.clone(), json!(tag));
                        let others: Vec<TypeId> = u.variants.iter().map(|v| v.ty).filter(|ty| *ty != variant.ty).collect();
                        // Without a `oneOf`, Prism checks the body against the parent alone.
                        if !u.one_of || exclusive(model, variant.ty, &others, &u.property, tag, object) {
                            return Ok(value);
                        }
                        last = format!("Prism cannot tell the variants of {} apart (it ignores discriminators)", def.name);
                    }
                    Err(last)
                }
                TypeKind::Untagged(u) => {
                    let mut last = format!("no variant of {} can be made", def.name);
                    for variant in &u.variants {
                        let value = match sample(model, &variant.ty, at, examples, depth + 1) {
                            Ok(value) => value,
                            Err(why) => {
                                last = why;
                                continue;
                            }
                        };
                        // No properties are added to tell the variants apart here, as they are for a
                        // tagged union: this client decodes an untagged union by the properties a
                        // payload carries, so one would pick another variant.
                        let distinct = !value.as_object().is_some_and(|object| {
                            u.variants.iter().any(|other| other.ty != variant.ty && matches!(&other.ty, TypeRef::Named(id) if accepts(model, *id, "", "", object)))
                        });
                        if distinct {
                            return Ok(value);
                        }
                        last = format!("Prism cannot tell the variants of {} apart", def.name);
                    }
                    Err(last)
                }
                TypeKind::Alias(inner) => sample(model, inner, at, examples, depth + 1),
                TypeKind::Newtype { pattern } => pattern_example(model, pattern).map(Value::String).ok_or_else(|| format!("no example of {pattern}")),
                TypeKind::Shared(_) | TypeKind::Pending => Err("an unresolved type".into()),
            }
        }
        TypeRef::Builtin(Builtin::String) => match &constraints.pattern {
            Some(pattern) => pattern_example(model, pattern).map(Value::String).ok_or_else(|| format!("no example of {pattern}")),
            None => Ok(json!(formatted_text(at.format).map_or_else(|| fitted_text(constraints), str::to_owned))),
        },
        TypeRef::Builtin(Builtin::I32 | Builtin::I64) => Ok(json!(integer(constraints).ok_or("no allowed integer")?)),
        TypeRef::Builtin(Builtin::F32 | Builtin::F64) => Ok(json!(constraints.minimum.unwrap_or(1.0).max(1.0))),
        TypeRef::Builtin(Builtin::Bool) => Ok(json!(true)),
        TypeRef::Builtin(Builtin::DateTime) => Ok(json!("2024-01-01T00:00:00Z")),
        TypeRef::Builtin(Builtin::Date) => Ok(json!("2024-01-01")),
        TypeRef::Builtin(Builtin::Json) => Ok(json!({})),
        TypeRef::Vec(inner) => {
            let count = constraints.min_items.unwrap_or(1).max(1).min(constraints.max_items.unwrap_or(u64::MAX));
            let item = sample(model, inner, Site { pointer: None, constraints: constraints.items.as_deref(), format: at.format }, examples, depth + 1)?;
            Ok(Value::Array(vec![item; count as usize]))
        }
        TypeRef::Map(_) => Ok(json!({})),
    }
}

/// Where a sample value goes: the property's pointer (for its example), its constraints
/// and its format.
#[derive(Clone, Copy, Default)]
struct Site<'a> {
    pointer: Option<&'a str>,
    constraints: Option<&'a Constraints>,
    format: Option<&'a str>,
}

/// A value of a string `format` that JSON Schema validators check.
fn formatted_text(format: Option<&str>) -> Option<&'static str> {
    Some(match format? {
        "email" => "user@example.com",
        "uri" | "url" => "https://example.com/",
        "uuid" => "123e4567-e89b-12d3-a456-426614174000",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "hostname" => "example.com",
        _ => return None,
    })
}

/// Whether the variant `ty` of a union would accept `object` (with `property` set to
/// `tag`) under JSON Schema, as Prism checks a `oneOf`: its tag property admits the value
/// and the object has every property it requires.
fn accepts(model: &Model, ty: TypeId, property: &str, tag: &str, object: &serde_json::Map<String, serde_json::Value>) -> bool {
    let TypeKind::Struct(s) = &model.get(ty).kind else { return true };
    let admits = |t: &TypeRef| match t {
        TypeRef::Named(id) => match &model.get(*id).kind {
            TypeKind::Enum(e) => e.values.iter().any(|v| v.wire == tag),
            _ => true,
        },
        _ => true,
    };
    let tag_ok = s.fields.iter().find(|f| f.wire == property).is_none_or(|f| admits(&f.ty));
    let required = s.fields.iter().filter(|f| f.required).all(|f| object.contains_key(&f.wire));
    // A property the variant declares must have its type's JSON shape.
    let shapes = object.iter().all(|(key, value)| s.fields.iter().find(|f| &f.wire == key).is_none_or(|f| fits_shape(model, &f.ty, value)));
    tag_ok && required && shapes
}

/// Whether `value` has the JSON shape of `ty` (string, number, object...): the first thing a
/// JSON Schema validator checks.
fn fits_shape(model: &Model, ty: &TypeRef, value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match ty {
        TypeRef::Builtin(Builtin::Json) => true,
        TypeRef::Builtin(Builtin::Bool) => value.is_boolean(),
        TypeRef::Builtin(Builtin::I32 | Builtin::I64) => value.is_i64() || value.is_u64(),
        TypeRef::Builtin(Builtin::F32 | Builtin::F64) => value.is_number(),
        TypeRef::Builtin(_) => value.is_string(),
        TypeRef::Vec(_) => value.is_array(),
        TypeRef::Map(_) => value.is_object(),
        TypeRef::Named(id) => match &model.get(*id).kind {
            TypeKind::Enum(_) | TypeKind::Newtype { .. } => value.is_string(),
            TypeKind::Struct(_) | TypeKind::Tagged(_) => value.is_object(),
            TypeKind::Alias(inner) => fits_shape(model, inner, value),
            _ => !matches!(value, Value::Null),
        },
    }
}

/// A value of another JSON shape than `ty`'s, or `None` when any shape fits.
fn misfit(model: &Model, ty: &TypeRef) -> Option<serde_json::Value> {
    use serde_json::json;
    [json!(0), json!("e2e"), json!(true), json!([]), json!({})].into_iter().find(|candidate| !fits_shape(model, ty, candidate))
}

/// Makes `object` (a body for the variant `own`) one that no variant in `others` accepts:
/// Prism ignores discriminators, so a body two variants of a `oneOf` accept is refused. Each
/// other variant that would accept it gets a property it declares and `own` does not, with a
/// value of another shape: `own` takes it as an unknown property (its schemas allow them),
/// the other refuses it. False when some other variant cannot be told apart that way.
fn exclusive(model: &Model, own: TypeId, others: &[TypeId], property: &str, tag: &str, object: &mut serde_json::Map<String, serde_json::Value>) -> bool {
    let declared = |ty: TypeId| match &model.get(ty).kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| f.wire.clone()).collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    let own_fields = declared(own);
    for &other in others {
        if !accepts(model, other, property, tag, object) {
            continue;
        }
        let TypeKind::Struct(s) = &model.get(other).kind else { return false };
        let poison = s
            .fields
            .iter()
            .filter(|f| !own_fields.contains(&f.wire) && !object.contains_key(&f.wire))
            .find_map(|f| misfit(model, &f.ty).map(|value| (f.wire.clone(), value)));
        match poison {
            Some((key, value)) => drop(object.insert(key, value)),
            None => return false,
        }
    }
    others.iter().all(|&other| !accepts(model, other, property, tag, object))
}

/// Text its length bounds accept.
fn fitted_text(constraints: &Constraints) -> String {
    let min = constraints.min_length.unwrap_or(0) as usize;
    let max = constraints.max_length.map_or(usize::MAX, |m| m as usize);
    let mut text = "e2e".to_string();
    while text.len() < min {
        text.push('x');
    }
    text.truncate(max.max(1));
    text
}

/// An integer its bounds (or allowed values) accept.
fn integer(constraints: &Constraints) -> Option<i64> {
    Some(match (&constraints.allowed_integers, constraints.minimum, constraints.maximum) {
        (Some(allowed), _, _) => *allowed.first()?,
        (None, Some(min), _) => min.ceil() as i64 + i64::from(constraints.exclusive_minimum),
        (None, None, Some(max)) if max < 1.0 => max.floor() as i64,
        _ => 1,
    })
}

/// A value `pattern` accepts: the first of the spec's examples of it that it does accept,
/// else the first of a few ordinary values that it accepts.
fn pattern_example(model: &Model, pattern: &str) -> Option<String> {
    let info = model.patterns.get(pattern)?;
    let regex = regress::Regex::with_flags(pattern, info.flags.as_str()).ok()?;
    let fits = |text: &str| regex.find(text).is_some();
    const ORDINARY: &[&str] = &["e2e", "e2e-1", "example", "E2E", "a", "1", "212-555-0123", "user@example.com", "https://example.com/"];
    let found = info.examples.iter().map(String::as_str).chain(ORDINARY.iter().copied()).find(|text| fits(text)).map(str::to_owned);
    // Else the shortest value the pattern itself spells out (`^([a-fA-F0-9]{64})$`: 64 zeros).
    found.or_else(|| smallest_match(pattern).filter(|text| fits(text)))
}

/// The first and shortest string `pattern` describes: each alternation's first branch, each
/// repetition's minimum, each class's first printable character. `None` for a pattern
/// `regex-syntax` cannot read (look-around).
fn smallest_match(pattern: &str) -> Option<String> {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn walk(hir: &Hir, out: &mut String) -> Option<()> {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(literal) => out.push_str(std::str::from_utf8(&literal.0).ok()?),
            HirKind::Class(Class::Unicode(class)) => {
                let printable = class.ranges().iter().flat_map(|r| r.start()..=r.end()).find(|c| !c.is_control() && !c.is_whitespace())?;
                out.push(printable);
            }
            HirKind::Class(Class::Bytes(_)) => return None,
            HirKind::Repetition(repetition) => {
                for _ in 0..repetition.min {
                    walk(&repetition.sub, out)?;
                }
            }
            HirKind::Capture(capture) => walk(&capture.sub, out)?,
            HirKind::Concat(parts) => parts.iter().try_for_each(|part| walk(part, out))?,
            HirKind::Alternation(branches) => walk(branches.first()?, out)?,
        }
        Some(())
    }
    let hir = regex_syntax::parse(pattern).ok()?;
    let mut out = String::new();
    walk(&hir, &mut out)?;
    Some(out)
}
