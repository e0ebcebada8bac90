//! `tests/spec_examples.rs`: every `example` in the spec, decoded into its model and
//! re-encoded. A table of (pointer, JSON, checker) rather than one test function per
//! example keeps the crate quick to compile and reports every failure in one run.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{is_object, type_tokens, Scope};
use crate::error::Result;
use crate::ir::{Model, TypeKind};
use crate::write::Tree;

pub fn emit(model: &Model, tree: &mut Tree) -> Result<()> {
    emit_examples(model, tree)?;
    emit_pattern_examples(model, tree)?;
    emit_union_checks(model, tree)
}

/// `tests/spec_unions.rs`: for every tagged union and each of its tags, a payload with that
/// tag decodes to the variant the mapping names; and a variant built in code (from its
/// default) serialises with its tag and decodes back to the same variant.
fn emit_union_checks(model: &Model, tree: &mut Tree) -> Result<()> {
    let mut rows = Vec::new();
    for def in &model.types {
        let TypeKind::Tagged(t) = &def.kind else { continue };
        let union = format_ident!("{}", def.name);
        let property = &t.property;
        for v in &t.variants {
            let variant = format_ident!("{}", v.name);
            let tags = &v.tags;
            let label = format!("{}::{}", def.name, v.name);
            let built = if is_object(model, v.ty) {
                let inner = format_ident!("{}", model.get(v.ty).name);
                quote!(Some(|| atlas_admin::models::#union::from(atlas_admin::models::#inner::default())))
            } else {
                quote!(None)
            };
            rows.push(quote! {
                Row::<atlas_admin::models::#union> {
                    label: #label,
                    property: #property,
                    tags: &[#(#tags),*],
                    is_variant: |u| matches!(u, atlas_admin::models::#union::#variant(_)),
                    built: #built,
                }.check(&mut failures);
            });
        }
    }
    tree.add_rust(
        "tests/spec_unions.rs",
        quote! {
            //! Every tagged union of the spec: each tag selects its variant, and each variant
            //! built in code writes its tag and decodes back to itself.

            struct Row<U> {
                label: &'static str,
                property: &'static str,
                tags: &'static [&'static str],
                is_variant: fn(&U) -> bool,
                /// The variant built in code (object variants only).
                built: Option<fn() -> U>,
            }

            impl<U: serde::de::DeserializeOwned + serde::Serialize> Row<U> {
                fn check(&self, failures: &mut Vec<String>) {
                    for tag in self.tags {
                        let payload = serde_json::json!({ self.property: tag });
                        match serde_json::from_value::<U>(payload) {
                            Ok(u) if (self.is_variant)(&u) => {}
                            Ok(_) => failures.push(format!("{}: tag {tag:?} selects another variant", self.label)),
                            Err(e) => failures.push(format!("{}: tag {tag:?} does not decode: {e}", self.label)),
                        }
                    }
                    let Some(built) = self.built else { return };
                    let encoded = serde_json::to_value(built()).expect("a model always encodes");
                    if encoded.get(self.property).and_then(|t| t.as_str()) != Some(self.tags[0]) {
                        failures.push(format!("{}: built in code, encodes as {encoded}", self.label));
                    }
                    match serde_json::from_value::<U>(encoded) {
                        Ok(u) if (self.is_variant)(&u) => {}
                        _ => failures.push(format!("{}: built in code, does not decode back to itself", self.label)),
                    }
                }
            }

            #[test]
            fn every_tag_selects_its_variant_and_every_variant_writes_its_tag() {
                let mut failures: Vec<String> = Vec::new();
                #(#rows)*
                assert!(failures.is_empty(), "{}", failures.join("\n"));
            }
        },
    )
}

/// `tests/spec_patterns.rs`: every example the spec gives for a value with a pattern
/// matches it, and identifier newtypes accept them.
fn emit_pattern_examples(model: &Model, tree: &mut Tree) -> Result<()> {
    let mut rows = Vec::new();
    let mut newtype_rows = Vec::new();
    for info in model.patterns.values() {
        if info.examples.is_empty() {
            continue;
        }
        let ident = quote::format_ident!("{}", info.ident);
        let examples = &info.examples;
        rows.push(quote!((&atlas_admin::patterns::#ident, &[#(#examples),*]),));
        if let Some(id) = info.newtype {
            let ty = quote::format_ident!("{}", model.get(id).name);
            newtype_rows.push(quote! {
                for example in [#(#examples),*] {
                    if let Err(e) = example.parse::<atlas_admin::models::#ty>() {
                        failures.push(e.to_string());
                    }
                }
            });
        }
    }
    tree.add_rust(
        "tests/spec_patterns.rs",
        quote! {
            //! Every example the spec gives for a value with a pattern matches the pattern.

            static EXAMPLES: &[(&atlas_admin::validation::Pattern, &[&str])] = &[#(#rows)*];

            #[test]
            fn every_pattern_accepts_the_spec_examples() {
                let failures: Vec<String> = EXAMPLES
                    .iter()
                    .flat_map(|(pattern, examples)| examples.iter().map(move |e| (pattern, e)))
                    .filter(|(pattern, example)| !pattern.is_match(example))
                    .map(|(pattern, example)| format!("{example:?} does not match {}", pattern.source()))
                    .collect();
                assert!(failures.is_empty(), "{}", failures.join("\n"));
            }

            #[test]
            fn identifier_newtypes_accept_the_spec_examples() {
                let mut failures: Vec<String> = Vec::new();
                #(#newtype_rows)*
                assert!(failures.is_empty(), "{}", failures.join("\n"));
            }
        },
    )
}

fn emit_examples(model: &Model, tree: &mut Tree) -> Result<()> {
    // A string or any-JSON example with no rules on it decodes and re-encodes whatever it
    // is: a test of it could not fail, so there is none.
    let vacuous = |e: &&crate::ir::Example| {
        use crate::ir::{Builtin, TypeRef};
        matches!(e.ty, TypeRef::Builtin(Builtin::String | Builtin::Json)) && e.constraints.is_empty()
    };
    let mut examples: Vec<_> = model.examples.iter().filter(|e| !vacuous(e)).collect();
    examples.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    // The rules a schema puts on its example's value where it is used (a property's
    // `maxLength`, a body's `maxItems`): statics, named by the example's place.
    let mut statics = Vec::new();
    let rows: Vec<TokenStream> = examples
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let pointer = &e.pointer;
            let json = serde_json::to_string(&e.value).expect("a JSON value always serialises");
            let ty = type_tokens(model, &e.ty, Scope::External);
            let request = e.request;
            let registered = |c: &crate::ir::Constraints| c.pattern.as_ref().is_none_or(|p| model.patterns.contains_key(p));
            let rules = if e.constraints.is_empty() || !registered(&e.constraints) {
                quote!(&atlas_admin::validation::Rules::NONE)
            } else {
                let ident = super::validate::rules_static(model, &format!("RULES_{i}"), &e.constraints, false, &mut statics);
                quote!(&#ident)
            };
            quote!(Example { pointer: #pointer, json: #json, request: #request, rules: #rules, check: round_trip::<#ty> },)
        })
        .collect();
    // The statics name the crate as its own code does (`crate::`); here it is `atlas_admin`.
    let statics = in_crate(quote!(#(#statics)*));
    tree.add_rust(
        "tests/spec_examples.rs",
        quote! {
            //! Every `example` of the spec decodes into its model and re-encodes to the same JSON.

            struct Example {
                pointer: &'static str,
                json: &'static str,
                /// A request body's example: readOnly properties need not be there.
                request: bool,
                /// The rules the value must meet where the spec uses it.
                rules: &'static atlas_admin::validation::Rules,
                check: fn(&str, bool, &atlas_admin::validation::Rules) -> Result<(), String>,
            }

            /// JSON equality where numbers compare by value (`5` and `5.0` are one number).
            fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
                use serde_json::Value;
                match (a, b) {
                    (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
                    (Value::Array(x), Value::Array(y)) => {
                        x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
                    }
                    (Value::Object(x), Value::Object(y)) => {
                        x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
                    }
                    _ => a == b,
                }
            }

            /// Decodes with nothing unknown, missing or odd and no rule broken (a strict
            /// `Validate`), and re-encodes to the same JSON.
            fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize + atlas_admin::Validate>(json: &str, request: bool, rules: &atlas_admin::validation::Rules) -> Result<(), String> {
                let expected: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
                let decoded: T = serde_json::from_value(expected.clone()).map_err(|e| format!("does not decode: {e}"))?;
                let mut strict = atlas_admin::validation::Validator::strict(request);
                strict.root(&decoded, rules);
                // Every rule, bounds and patterns too: an example that breaks its own schema's
                // rules is a value the server sends or takes that validation would refuse, so a
                // spec fix (with evidence) is due before a user meets it.
                if let Err(violations) = strict.finish() {
                    let broken: Vec<String> = violations.iter().map(|v| v.to_string()).collect();
                    return Err(format!("does not match its schema: {}", broken.join(", ")));
                }
                let encoded = serde_json::to_value(&decoded).map_err(|e| format!("does not encode: {e}"))?;
                if same_json(&encoded, &expected) {
                    Ok(())
                } else {
                    Err(format!("re-encodes as {encoded}"))
                }
            }

            #statics
            static EXAMPLES: &[Example] = &[#(#rows)*];

            #[test]
            fn every_spec_example_round_trips() {
                let failures: Vec<String> = EXAMPLES
                    .iter()
                    .filter_map(|e| (e.check)(e.json, e.request, e.rules).err().map(|why| format!("{}: {} {why}", e.pointer, e.json)))
                    .collect();
                assert!(failures.is_empty(), "{} of {} examples fail:\n{}", failures.len(), EXAMPLES.len(), failures.join("\n"));
            }
        },
    )
}

/// `tokens` with every `crate` path written from outside the crate (`atlas_admin::...`).
fn in_crate(tokens: TokenStream) -> TokenStream {
    use proc_macro2::{Group, TokenTree};
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(ident) if ident == "crate" => TokenTree::Ident(proc_macro2::Ident::new("atlas_admin", ident.span())),
            TokenTree::Group(group) => {
                let mut inner = Group::new(group.delimiter(), in_crate(group.stream()));
                inner.set_span(group.span());
                TokenTree::Group(inner)
            }
            other => other,
        })
        .collect()
}
