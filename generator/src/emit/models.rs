//! `src/models/`: one file per component schema (with the inline types it owns), and a
//! `mod.rs` that re-exports every type as `atlas_admin::models::Name`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{deprecated_attr, doc_attrs, with_note};
use super::types::{is_object, object_shape, type_tokens, Scope};
use crate::error::Result;
use super::validate::validate_impl;
use crate::ir::{names, Field, Group, Model, StringEnum, Struct, TaggedUnion, TypeDef, TypeId, TypeKind, UntaggedUnion};
use super::gates::{self, Gate};
use crate::ir::features::Features;
use crate::write::Tree;

pub fn emit(model: &Model, features: &Features, tree: &mut Tree) -> Result<()> {
    emit_group(model, features, tree, Group::Models)?;
    emit_group(model, features, tree, Group::Params)
}

fn emit_group(model: &Model, features: &Features, tree: &mut Tree, group: Group) -> Result<()> {
    // Group types by the file they live in; BTreeMaps keep the output order stable.
    let mut files: BTreeMap<String, Vec<TypeId>> = BTreeMap::new();
    for (i, def) in model.types.iter().enumerate() {
        if def.group == group && !matches!(def.kind, TypeKind::Shared(_)) {
            files.entry(names::module_name(&def.home)).or_default().push(TypeId(i));
        }
    }
    let dir = match group {
        Group::Models => "models",
        Group::Params => "params",
    };
    // Which operation each parameters struct belongs to, looked up once.
    let ops_by_params: BTreeMap<TypeId, &crate::ir::Operation> =
        model.operations.iter().filter_map(|op| op.params.map(|id| (id, op))).collect();
    let mut module_items = Vec::new();
    let mut bodies = Vec::new();
    for (module, ids) in &files {
        let module_ident = format_ident!("{module}");
        // The file is compiled when any of its types is needed; a type needed less often
        // than its file is gated on its own.
        let gates: Vec<Gate> = ids.iter().map(|id| gates::of_type(features, *id)).collect();
        let file_gate = gates::union_all(&features.all, &gates);
        let file_attr = gates::attr(&file_gate);
        let mut exports: BTreeMap<&Gate, Vec<proc_macro2::Ident>> = BTreeMap::new();
        for (id, gate) in ids.iter().zip(&gates) {
            let def = model.get(*id);
            exports.entry(gate).or_default().extend(std::iter::once(&def.name).chain(&def.aliases).map(|n| format_ident!("{n}")));
        }
        let exports = exports.into_iter().map(|(gate, names)| {
            let attr = gates::attr(gate);
            quote!(#attr pub use #module_ident::{#(#names),*};)
        });
        module_items.push(quote! {
            #file_attr
            mod #module_ident;
            #(#exports)*
        });
        bodies.push((module, ids, gates, file_gate));
    }
    // The files themselves, built and formatted on every core.
    tree.add_rust_parallel(&bodies, |(module, ids, gates, file_gate)| {
        let body = emit_file(model, ids, (gates, file_gate, &features.all), &import_root_tokens(group), &ops_by_params);
        (format!("src/{dir}/{module}.rs"), body, ())
    })?;
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

/// `validate_body` for the parameters of an operation whose request body has constraints of
/// its own (the spec's two service-account access-list bodies are arrays with `maxItems`):
/// checked with the parameters before a request is sent.
fn body_validation(
    model: &Model,
    def: &TypeDef,
    op: Option<&crate::ir::Operation>,
    mentioned: &mut Vec<TypeId>,
) -> Option<TokenStream> {
    let op = op?;
    let body = op.body.as_ref()?;
    let content = body.contents.iter().find(|c| c.encoding == "json" && !c.constraints.is_empty())?;
    let ty = content.ty.as_ref()?;
    ty.mentioned(mentioned);
    let mut statics = Vec::new();
    let rules = super::validate::rules_static(model, "BODY", &content.constraints, false, &mut statics);
    // A list body is taken as a slice, as callers hold it.
    let body_ty = match ty {
        crate::ir::TypeRef::Vec(item) => {
            let item = type_tokens(model, item, Scope::Models);
            quote!([#item])
        }
        other => type_tokens(model, other, Scope::Models),
    };
    let name = format_ident!("{}", def.name);
    let doc = format!(" Checks a request body of `{}` against the constraints the spec puts on the body as a whole, and everything inside it.", op.id);
    Some(quote! {
        impl #name {
            #[doc = #doc]
            pub fn validate_body(body: &#body_ty) -> Result<(), crate::validation::Violations> {
                #(#statics)*
                let mut v = crate::validation::Validator::for_request();
                v.root(body, &#rules);
                v.finish()
            }
        }
    })
}

/// Where a file of `group` imports the types it mentions from.
fn import_root_tokens(group: Group) -> TokenStream {
    match group {
        Group::Models => quote!(super),
        Group::Params => quote!(crate::models),
    }
}

/// One file's types; `gates` are theirs, `file_gate` the file's (their union): a type or
/// an import needed less often than the file is gated on its own.
fn emit_file(
    model: &Model,
    ids: &[TypeId],
    (gates, file_gate, all): (&[Gate], &Gate, &BTreeSet<String>),
    import_root: &TokenStream,
    ops_by_params: &BTreeMap<TypeId, &crate::ir::Operation>,
) -> TokenStream {
    let local: BTreeSet<TypeId> = ids.iter().copied().collect();
    // Each import and `serde`, with the gates of the types that use them.
    let mut imports: BTreeMap<String, Vec<&Gate>> = BTreeMap::new();
    let mut serde: Vec<&Gate> = Vec::new();
    let mut items = Vec::new();
    for (id, gate) in ids.iter().zip(gates) {
        let def = model.get(*id);
        let mut used_by_body = Vec::new();
        let body = if def.group == Group::Params { body_validation(model, def, ops_by_params.get(id).copied(), &mut used_by_body) } else { None };
        for used in def.referenced().into_iter().chain(used_by_body) {
            if !local.contains(&used) {
                imports.entry(model.get(used).name.clone()).or_default().push(gate);
            }
        }
        if matches!(&def.kind, TypeKind::Newtype { .. }) {
            serde.push(gate);
        }
        let mut tokens = emit_type(model, def);
        tokens.extend(validate_impl(model, def));
        tokens.extend(body);
        tokens.extend(aliases(def));
        items.push(gates::on_each_item(tokens, &gates::attr_within(gate, file_gate)));
    }
    let mut grouped: BTreeMap<Gate, Vec<proc_macro2::Ident>> = BTreeMap::new();
    for (name, users) in &imports {
        grouped.entry(gates::union_all(all, users.iter().copied())).or_default().push(format_ident!("{name}"));
    }
    let model_imports = grouped.iter().map(|(gate, names)| {
        let attr = gates::attr_within(gate, file_gate);
        quote!(#attr use #import_root::{#(#names),*};)
    });
    let serde_import = (!serde.is_empty()).then(|| {
        let attr = gates::attr_within(&gates::union_all(all, serde.iter().copied()), file_gate);
        quote!(#attr use serde::{Deserialize, Serialize};)
    });
    quote! {
        #serde_import
        #(#model_imports)*
        #(#items)*
    }
}

/// The names a type shipped under before (from the registry of names), kept as deprecated
/// aliases so code written against them still compiles.
fn aliases(def: &TypeDef) -> Vec<TokenStream> {
    let name = format_ident!("{}", def.name);
    def.aliases
        .iter()
        .map(|alias| {
            let alias = format_ident!("{alias}");
            let note = format!("renamed: use `{}`", def.name);
            quote! {
                #[deprecated(note = #note)]
                pub type #alias = #name;
            }
        })
        .collect()
}


fn emit_type(model: &Model, def: &TypeDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let doc = doc_attrs(def.doc.as_deref());
    let deprecated = def.deprecated.then(|| match def.group {
        Group::Params => deprecated_attr(Some("The operation is deprecated in the Atlas Admin API spec.")),
        Group::Models => deprecated_attr(def.doc.as_deref()),
    });
    let body = match &def.kind {
        TypeKind::Struct(s) => emit_struct(model, def, &name, s),
        TypeKind::Enum(e) => emit_enum(&name, e),
        TypeKind::Tagged(t) => emit_tagged(model, &name, t),
        TypeKind::Untagged(u) => emit_untagged(model, &name, u),
        TypeKind::Alias(ty) => {
            let ty = type_tokens(model, ty, Scope::Models);
            quote!(pub type #name = #ty;)
        }
        TypeKind::Newtype { pattern } => {
            let pattern = format_ident!("{}", model.patterns[pattern].ident);
            quote! {
                #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
                #[serde(transparent)]
                pub struct #name(String);
                crate::validation::pattern_newtype!(#name, #pattern);
            }
        }
        TypeKind::Shared(_) | TypeKind::Pending => unreachable!("merged and pending types are not emitted"),
    };
    let alias = spec_alias(def).map(|alias| quote!(#[doc(alias = #alias)]));
    quote! {
        #doc
        #alias
        #deprecated
        #body
    }
}

/// The component's name as the spec spells it, where the Rust name differs
/// (`AWSKMSConfiguration` for `AwsKmsConfiguration`): rustdoc's search finds it by either.
fn spec_alias(def: &TypeDef) -> Option<String> {
    let token = def.pointer.strip_prefix("/components/schemas/").filter(|t| !t.contains('/'))?;
    let spelled = token.replace("~1", "/").replace("~0", "~");
    // rustdoc refuses an alias with spaces or quotes, or one that is the name itself.
    let usable = !spelled.is_empty() && !spelled.contains(|c: char| c.is_whitespace() || c == '"' || c == '\'');
    (usable && spelled != def.name).then_some(spelled)
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

/// The field's doc comment, with a note for readOnly and writeOnly properties.
fn field_doc(f: &Field) -> TokenStream {
    let note = match (f.read_only, f.write_only) {
        (true, _) => Some("Read-only: set by MongoDB Cloud in responses; never needed in a request."),
        (_, true) => Some("Write-only: sent in requests; never returned in responses."),
        _ => None,
    };
    match note {
        Some(note) => doc_attrs(Some(&with_note(f.doc.as_deref(), note))),
        None => doc_attrs(f.doc.as_deref()),
    }
}

/// How a field is read from and written to the wire (`codec::Fields` / `codec::Writer`);
/// `slot` is the index of its wire name in the struct's sorted `KEYS`.
fn field_codec(model: &Model, f: &Field, slot: usize) -> (TokenStream, TokenStream) {
    let wire = &f.wire;
    let ident = format_ident!("{}", f.ident);
    let slot = proc_macro2::Literal::usize_unsuffixed(slot);
    // Floats are written in the form they were read: `10` stays `10`, not `10.0`.
    let value = if holds_floats(model, &f.ty) {
        quote!(&crate::codec::Integral::integral(&self.#ident))
    } else {
        quote!(&self.#ident)
    };
    if !f.is_optional() {
        (quote!(f.required(#slot, #wire)), quote!(w.required(#wire, #value)?;))
    } else if f.required {
        // Kept as an `Option` although required (readOnly, writeOnly or nullable).
        let report_missing = !f.write_only;
        let skip_none = f.skipped_when_none();
        (quote!(f.required_option(#slot, #wire, #report_missing)), quote!(w.required_option(#wire, #value, #skip_none)?;))
    } else if f.is_double_option() {
        (quote!(f.nullable(#slot, #wire)), quote!(w.nullable(#wire, #value)?;))
    } else {
        (quote!(f.optional(#slot, #wire)), quote!(w.optional(#wire, #value)?;))
    }
}

/// Whether a field's type is floats (`f64`, `f32`), directly, in a list or map, or behind an
/// alias: those are written through `codec::Integral`.
fn holds_floats(model: &Model, ty: &crate::ir::TypeRef) -> bool {
    use crate::ir::{Builtin, TypeRef};
    match ty {
        TypeRef::Builtin(b) => matches!(b, Builtin::F64 | Builtin::F32),
        TypeRef::Vec(inner) | TypeRef::Map(inner) => holds_floats(model, inner),
        TypeRef::Named(id) => match &model.get(*id).kind {
            TypeKind::Alias(inner) => holds_floats(model, inner),
            _ => false,
        },
    }
}

fn emit_struct(model: &Model, def: &TypeDef, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let Some(extra) = &s.extra else { return emit_params_struct(model, name, s) };
    let extra = format_ident!("{extra}");
    let fields = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.ident);
        let ty = field_type(model, f);
        let doc = field_doc(f);
        let deprecated = f.deprecated.then(|| deprecated_attr(f.doc.as_deref()));
        quote! {
            #doc
            #deprecated
            pub #ident: #ty,
        }
    });
    let additional = s.additional.as_ref().map(|(ident, ty)| {
        let ident = format_ident!("{ident}");
        let ty = type_tokens(model, ty, Scope::Models);
        quote! {
            /// Properties beyond the named ones (`additionalProperties`).
            pub #ident: ::std::collections::BTreeMap<String, #ty>,
        }
    });
    let count = s.fields.len();
    let slot_arms = s.fields.iter().enumerate().map(|(slot, f)| {
        let wire = &f.wire;
        let slot = proc_macro2::Literal::usize_unsuffixed(slot);
        quote!(#wire => Some(#slot),)
    });
    let slot_fn = if s.fields.is_empty() {
        quote!(|_| None)
    } else {
        quote!(|key| match key {
            #(#slot_arms)*
            _ => None,
        })
    };
    let (reads, writes): (Vec<_>, Vec<_>) = s
        .fields
        .iter()
        .enumerate()
        .map(|(slot, f)| {
            let ident = format_ident!("{}", f.ident);
            let (read, write) = field_codec(model, f, slot);
            (quote!(#ident: #read,), write)
        })
        .unzip();
    let (additional_read, additional_write) = match &s.additional {
        Some((ident, _)) => {
            let ident = format_ident!("{ident}");
            (Some(quote!(#ident: f.additional(),)), Some(quote!(w.additional(&self.#ident)?;)))
        }
        None => (None, None),
    };
    // An object with no named properties (only unknown ones) reads and writes no field.
    let empty = s.fields.is_empty() && s.additional.is_none();
    let (f_binding, w_binding) = if empty { (quote!(f), quote!(_w)) } else { (quote!(mut f), quote!(w)) };
    let secret = s.fields.iter().any(|f| f.secret);
    let debug = if secret { quote!() } else { quote!(Debug,) };
    let debug_impl = secret.then(|| secret_debug(&def.name, name, s, &extra));
    let constructor = constructor(model, name, s, quote!(#extra: Default::default(),));
    // `[const { None }; 0]` would trip clippy's zero_repeat_side_effects.
    let slots = if count == 0 {
        quote!(let mut slots: [Option<crate::codec::Json<'_>>; 0] = [];)
    } else {
        quote!(let mut slots = [const { None }; #count];)
    };
    quote! {
        #[derive(#debug Clone, PartialEq, Default)]
        pub struct #name {
            #(#fields)*
            #additional
            /// What the payload carried beyond the spec: unknown properties, and required or
            /// odd ones (see [`Extra`](crate::Extra)). Written back on encoding.
            pub #extra: crate::Extra,
        }
        #constructor
        #debug_impl
        impl crate::codec::FromJson for #name {
            #[inline]
            fn from_json(value: crate::codec::Json<'_>) -> Result<Self, crate::codec::Json<'_>> {
                #slots
                let #f_binding = crate::codec::Fields::new(value, &mut slots, #slot_fn)?;
                Ok(Self {
                    #(#reads)*
                    #additional_read
                    #extra: f.finish(),
                })
            }
        }
        impl crate::codec::Object for #name {
            fn extra(&self) -> &crate::Extra {
                &self.#extra
            }
            fn write_fields<M: ::serde::ser::SerializeMap>(&self, #w_binding: &mut crate::codec::Writer<'_, M>) -> Result<(), M::Error> {
                #(#writes)*
                #additional_write
                Ok(())
            }
        }
        crate::codec::object!(#name);
    }
}

/// `Debug` that shows every field but the secrets, which show only whether they are set.
fn secret_debug(rust_name: &str, name: &proc_macro2::Ident, s: &Struct, extra: &proc_macro2::Ident) -> TokenStream {
    let fields = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.ident);
        let label = &f.ident;
        let value = match (f.secret, f.is_double_option(), f.is_optional()) {
            (false, _, _) => quote!(&self.#ident),
            (true, true, _) => quote!(&self.#ident.as_ref().map(|v| v.as_ref().map(|_| crate::codec::Redacted))),
            (true, false, true) => quote!(&self.#ident.as_ref().map(|_| crate::codec::Redacted)),
            (true, false, false) => quote!(&crate::codec::Redacted),
        };
        quote!(.field(#label, #value))
    });
    let additional = s.additional.as_ref().map(|(ident, _)| {
        let label = ident.clone();
        let ident = format_ident!("{ident}");
        quote!(.field(#label, &self.#ident))
    });
    let extra_label = extra.to_string();
    quote! {
        impl ::std::fmt::Debug for #name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#rust_name)
                    #(#fields)*
                    #additional
                    .field(#extra_label, &self.#extra)
                    .finish()
            }
        }
    }
}

/// `new(required fields)` for a struct with required fields.
fn constructor(model: &Model, name: &proc_macro2::Ident, s: &Struct, extra_init: TokenStream) -> Option<TokenStream> {
    let required: Vec<&Field> = s.fields.iter().filter(|f| !f.is_optional()).collect();
    if required.is_empty() {
        return None;
    }
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
    Some(quote! {
        impl #name {
            /// A value with the required fields set and every optional one `None`.
            pub fn new(#(#args),*) -> Self {
                Self {
                    #(#inits)*
                    #additional_init
                    #extra_init
                }
            }
        }
    })
}

/// The parameters of an operation: never decoded from a response, so plain serde derives,
/// behind the `params-serde` feature.
fn emit_params_struct(model: &Model, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.ident);
        let ty = field_type(model, f);
        let mut serde_args = Vec::new();
        if f.ident != f.wire {
            let wire = &f.wire;
            serde_args.push(quote!(rename = #wire));
        }
        if f.is_optional() {
            serde_args.push(quote!(default, skip_serializing_if = "Option::is_none"));
        }
        let serde_attr = (!serde_args.is_empty()).then(|| quote!(#[cfg_attr(feature = "params-serde", serde(#(#serde_args),*))]));
        let doc = field_doc(f);
        let deprecated = f.deprecated.then(|| deprecated_attr(f.doc.as_deref()));
        quote! {
            #doc
            #deprecated
            #serde_attr
            pub #ident: #ty,
        }
    });
    let default = s.fields.iter().all(Field::is_optional).then(|| quote!(Default,));
    let constructor = constructor(model, name, s, quote!());
    quote! {
        // serde's derives on 527 parameter structs were a third of the crate's compile time:
        // opt-in (`params-serde`), for callers that store or load a call's parameters.
        #[derive(Debug, Clone, PartialEq, #default)]
        #[cfg_attr(feature = "params-serde", derive(::serde::Serialize, ::serde::Deserialize))]
        pub struct #name {
            #(#fields)*
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
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of atlas-admin does not know, kept exactly as received.
            #fallback(String),
        }
        crate::codec::string_enum!(#name { #(#pairs),* } #fallback);
    }
}

/// The field (ident) of an object variant that holds the discriminator `property`: its value
/// is checked against the variant's tags when the union is encoded.
fn discriminator_field<'m>(model: &'m Model, mut id: TypeId, property: &str) -> Option<&'m str> {
    // Bounded like `is_object`: aliases never chain this deep.
    for _ in 0..16 {
        match &model.get(id).kind {
            TypeKind::Struct(s) => return s.fields.iter().find(|f| f.wire == property).map(|f| f.ident.as_str()),
            TypeKind::Alias(crate::ir::TypeRef::Named(next)) => id = *next,
            _ => return None,
        }
    }
    None
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
        let tag_list = v.tags.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
        let doc = format!(" `{property}`: {tag_list}.");
        variants.push(quote!(#[doc = #doc] #ident(#ty),));
        let tags = &v.tags;
        // The variant writes its own tag when it holds one of its values (so a payload
        // re-encodes the tag it was read with), else its first: never a contradicting one.
        arms_ser.push(if is_object(model, v.ty) {
            let object = if v.boxed { quote!(&**v) } else { quote!(v) };
            let current = match discriminator_field(model, v.ty, property) {
                Some(field) => {
                    let field = format_ident!("{}", field);
                    quote!(crate::codec::TagText::tag_text(&v.#field))
                }
                None => quote!(None),
            };
            quote!(Self::#ident(v) => crate::codec::serialize_variant(#object, serializer, (#property, &[#(#tags),*]), #current),)
        } else {
            quote!(Self::#ident(v) => ::serde::Serialize::serialize(v, serializer),)
        });
        arms_de.push(quote!(Some(#(#tags)|*) => Self::#ident(crate::codec::FromJson::from_json(value)?),));
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
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #fallback_doc]
            #fallback(::serde_json::Value),
        }
        impl #name {
            /// The property whose value selects the variant.
            pub const DISCRIMINATOR: &'static str = #property;
        }
        impl Default for #name {
            /// An unknown kind holding `null`: what a missing required property decodes to.
            fn default() -> Self {
                Self::#fallback(::serde_json::Value::Null)
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#arms_ser)*
                    Self::#fallback(v) => ::serde::Serialize::serialize(v, serializer),
                }
            }
        }
        impl crate::codec::FromJson for #name {
            #[inline]
            fn from_json(value: crate::codec::Json<'_>) -> Result<Self, crate::codec::Json<'_>> {
                if !value.is_object() {
                    return Err(value);
                }
                Ok(match crate::codec::tag(&value, #property) {
                    #(#arms_de)*
                    _ => Self::#fallback(value.into()),
                })
            }
        }
        crate::codec::deserialize_via_json!(#name);
        #(#froms)*
    }
}

fn emit_untagged(model: &Model, name: &proc_macro2::Ident, u: &UntaggedUnion) -> TokenStream {
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
        arms_ser.push(quote!(Self::#ident(v) => ::serde::Serialize::serialize(v, serializer),));
        let shape = object_shape(model, &v.ty);
        let (known, required) = (&shape.known, &shape.required);
        let enums = shape.enums.iter().map(|(property, values)| quote!((#property, &[#(#values),*])));
        candidates.push(quote! {
            crate::codec::Candidate {
                known: &[#(#known),*],
                required: &[#(#required),*],
                enums: &[#(#enums),*],
                decode: |value| crate::codec::FromJson::from_json(value).map(Self::#ident),
            },
        });
    }
    let first = format_ident!("{}", u.variants.first().map(|v| v.name.as_str()).unwrap_or("Value"));
    quote! {
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
        impl Default for #name {
            /// The first variant's default: what a missing required property decodes to.
            fn default() -> Self {
                Self::#first(Default::default())
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#arms_ser)*
                }
            }
        }
        impl crate::codec::FromJson for #name {
            #[inline]
            fn from_json(value: crate::codec::Json<'_>) -> Result<Self, crate::codec::Json<'_>> {
                crate::codec::decode_untagged(value, &[#(#candidates)*])
            }
        }
        crate::codec::deserialize_via_json!(#name);
    }
}
