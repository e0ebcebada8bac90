//! Lowering: `openapiv3` schemas -> the type space.
//!
//! Order matters and is fixed: every component schema is given its id and name first
//! (`declare`), then each is converted (`convert`), then operations add their inline
//! types, then cycles are broken. A `$ref` is looked up, never followed, so circular
//! schemas cannot make this recurse; the only recursion is into *inline* schemas (finite)
//! and into `allOf` parents, guarded by a visited set.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema};

use super::names::{self, Scope};
use super::newtypes;
use super::view::View;
use super::*;
use crate::error::{pointer_token, Error, Result};

pub const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// A schema position: a `$ref` or an inline schema, whichever box it came in.
#[derive(Clone, Copy)]
pub enum SchemaRef<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

/// Lowers a whole spec into the model, every name by the rules.
pub fn lower(api: &OpenAPI) -> Result<Model> {
    lower_with(api, &super::registry::Registry::default())
}

/// Lowers a whole spec into the model. What `registry` names keeps its name (and a shared
/// enum its sites); only new things are named by the rules.
pub fn lower_with(api: &OpenAPI, registry: &super::registry::Registry) -> Result<Model> {
    let (registry, mut renamed) = super::registry::rekey(registry, api);
    let mut cx = Lowerer::new(api);
    cx.declare_components()?;
    cx.convert_components()?;
    super::operations::lower_operations(&mut cx)?;
    cx.model.tag_docs = api.tags.iter().filter_map(|t| Some((t.name.clone(), t.description.clone()?))).collect();
    let sites = std::mem::take(&mut cx.enum_sites);
    super::enums::share(&mut cx.model, &sites, &registry);
    super::registry::apply(&mut cx.model, &registry, &mut renamed)?;
    cx.model.upstream_renames = renamed;
    super::cycles::check_alias_cycles(&cx.model)?;
    super::cycles::break_cycles(&mut cx.model);
    super::patterns::finish(&mut cx.model)?;
    report_renamed_components(&mut cx.model);
    cx.model.warnings.sort();
    cx.model.warnings.dedup();
    Ok(cx.model)
}

/// A component schema whose Rust name was taken (`Foo_Bar` and `FooBar` are both `FooBar`):
/// components claim names in the order of their spec names, so the same one wins whatever
/// the order of the spec; the other's new name is a warning naming both.
fn report_renamed_components(model: &mut Model) {
    for rename in model.renames.iter().filter(|r| r.pointer.starts_with("/components/schemas/")) {
        let holder = model.types.iter().find(|t| t.name == rename.wanted).map_or("another type", |t| t.pointer.as_str());
        model.warnings.push(format!(
            "{}: named {} because {} is taken by {holder}",
            rename.pointer, rename.given, rename.wanted
        ));
    }
}

/// The formats of OpenAPI 3.0 and JSON Schema that a value of `ty` may carry (only
/// `date-time`, `date`, `int32` and `float` change the Rust type; the others are
/// documentation).
fn known_format(ty: &str, format: &str) -> bool {
    match ty {
        "string" => matches!(
            format,
            "date-time" | "date" | "time" | "duration" | "email" | "idn-email" | "hostname" | "idn-hostname" | "ipv4" | "ipv6"
                | "uri" | "uri-reference" | "iri" | "iri-reference" | "uri-template" | "url" | "uuid" | "binary" | "byte"
                | "password" | "regex" | "json-pointer" | "relative-json-pointer"
        ),
        "integer" => matches!(format, "int32" | "int64"),
        "number" => matches!(format, "float" | "double" | "int32" | "int64"),
        _ => true,
    }
}

pub struct Lowerer<'a> {
    pub api: &'a OpenAPI,
    pub model: Model,
    schemas: BTreeMap<&'a str, &'a ReferenceOr<Schema>>,
    pub type_names: Scope,
    /// Inline schemas already lowered, by JSON pointer: an `allOf` child inheriting its
    /// parent's properties reuses the parent's inline types instead of copying them.
    lowered: HashMap<String, TypeRef>,
    /// Where each inline enum is used, for [`super::enums`].
    pub enum_sites: Vec<super::enums::EnumSite>,
}

impl<'a> Lowerer<'a> {
    fn new(api: &'a OpenAPI) -> Self {
        let schemas = api
            .components
            .iter()
            .flat_map(|c| c.schemas.iter())
            .map(|(name, schema)| (name.as_str(), schema))
            .collect();
        Lowerer {
            api,
            model: Model::default(),
            schemas,
            type_names: Scope::with_reserved_types(),
            lowered: HashMap::new(),
            enum_sites: Vec::new(),
        }
    }

    fn declare_components(&mut self) -> Result<()> {
        let names: Vec<&str> = self.schemas.keys().copied().collect();
        for name in names {
            let pointer = component_pointer(name);
            let title = match self.schemas[name] {
                ReferenceOr::Item(schema) => schema.schema_data.title.as_deref(),
                ReferenceOr::Reference { .. } => None,
            };
            let wanted = names::component_type_name(name, title);
            let rust = self.type_names.claim_reported(&wanted, &pointer, &mut self.model.renames);
            let id = self.push_type(TypeDef {
                name: rust.clone(),
                pointer,
                home: rust,
                group: Group::Models,
                doc: None,
                deprecated: false,
                kind: TypeKind::Pending,
                aliases: Vec::new(),
            });
            self.model.components.insert(name.to_string(), id);
        }
        Ok(())
    }

    fn convert_components(&mut self) -> Result<()> {
        let entries: Vec<(&'a str, &'a ReferenceOr<Schema>)> =
            self.schemas.iter().map(|(k, v)| (*k, *v)).collect();
        for (name, schema) in entries {
            let id = self.model.components[name];
            let pointer = component_pointer(name);
            let rust = self.model.get(id).name.clone();
            let kind = match schema {
                ReferenceOr::Reference { reference } => {
                    TypeKind::Alias(TypeRef::Named(self.resolve(reference, &pointer)?.0))
                }
                ReferenceOr::Item(schema) => {
                    let def = &mut self.model.types[id.0];
                    def.doc = doc_of(schema);
                    def.deprecated = schema.schema_data.deprecated;
                    self.record_example(schema, &pointer, TypeRef::Named(id));
                    self.lower_kind(schema, &pointer, &rust, &rust, Some(name))?
                }
            };
            self.model.types[id.0].kind = kind;
        }
        Ok(())
    }

    pub fn push_type(&mut self, def: TypeDef) -> TypeId {
        self.model.types.push(def);
        TypeId(self.model.types.len() - 1)
    }

    /// `#/components/schemas/X` -> X's id and schema. Any other target is an error.
    pub fn resolve(&self, reference: &str, pointer: &str) -> Result<(TypeId, Option<&'a Schema>)> {
        let name = reference.strip_prefix(SCHEMA_PREFIX).ok_or_else(|| {
            Error::spec(pointer, format!("$ref {reference:?} does not point at a component schema"))
        })?;
        let id = *self.model.components.get(name).ok_or_else(|| {
            Error::spec(pointer, format!("$ref {reference:?} names no schema in components/schemas"))
        })?;
        let schema = match self.schemas.get(name) {
            Some(ReferenceOr::Item(schema)) => Some(schema),
            _ => None,
        };
        Ok((id, schema))
    }

    fn record_example(&mut self, schema: &'a Schema, pointer: &str, ty: TypeRef) {
        if let Some(value) = &schema.schema_data.example {
            // The schema's own rules on the value (a named type checks its own).
            let mut constraints = match ty {
                TypeRef::Named(_) => Constraints::default(),
                _ => self.raw_constraints(SchemaRef::Inline(schema), pointer, 0).unwrap_or_default(),
            };
            strip_enforced(&self.model, &ty, &mut constraints);
            self.model.examples.push(Example { pointer: pointer.to_string(), request: false, value: value.clone(), ty, constraints });
        }
    }

    /// The type of a value at `pointer`: a `$ref` or an inline schema. Inline schemas that
    /// need a name (objects, enums, unions) become new types named `hint`.
    pub fn lower_schema(&mut self, schema: SchemaRef<'a>, pointer: &str, hint: &str, home: &str) -> Result<TypeRef> {
        match schema {
            SchemaRef::Ref(reference) => Ok(TypeRef::Named(self.resolve(reference, pointer)?.0)),
            SchemaRef::Inline(schema) => {
                if let Some(done) = self.lowered.get(pointer) {
                    return Ok(done.clone());
                }
                let ty = self.lower_inline(schema, pointer, hint, home)?;
                self.record_example(schema, pointer, ty.clone());
                self.lowered.insert(pointer.to_string(), ty.clone());
                Ok(ty)
            }
        }
    }

    fn lower_inline(&mut self, schema: &'a Schema, pointer: &str, hint: &str, home: &str) -> Result<TypeRef> {
        let view = View::of(schema);
        if let (Some(pattern), Some(serde_json::Value::String(example))) =
            (&view.constraints.pattern, &schema.schema_data.example)
        {
            let info = self.model.patterns.entry(pattern.clone()).or_default();
            if !info.examples.contains(example) {
                info.examples.push(example.clone());
            }
        }
        if let (Some(ty), Some(format)) = (view.typ, view.format.as_deref()) {
            if !known_format(ty, format) {
                // The type alone decides: an unknown format of a string is a plain string.
                self.model.warnings.push(format!("{pointer}: unknown {ty} format {format:?}, read as a plain {ty}"));
            }
        }
        // `allOf: [X]` alone is how the spec attaches a description to a reference.
        if view.all_of.len() == 1 && view.properties.is_none() && view.one_of.is_empty() {
            return self.lower_schema((&view.all_of[0]).into(), &format!("{pointer}/allOf/0"), hint, home);
        }
        if needs_name(schema, &view) {
            let name = self.type_names.claim_reported(hint, pointer, &mut self.model.renames);
            let id = self.push_type(TypeDef {
                name: name.clone(),
                pointer: pointer.to_string(),
                home: home.to_string(),
                group: Group::Models,
                doc: doc_of(schema),
                deprecated: schema.schema_data.deprecated,
                kind: TypeKind::Pending,
                aliases: Vec::new(),
            });
            // Known before its fields are: a schema that contains itself (through an
            // `allOf` of its parent) finds itself here instead of recursing forever.
            self.lowered.insert(pointer.to_string(), TypeRef::Named(id));
            let kind = self.lower_kind(schema, pointer, &name, home, None)?;
            self.model.types[id.0].kind = kind;
            return Ok(TypeRef::Named(id));
        }
        self.lower_unnamed(&view, pointer, hint, home)
    }

    /// Arrays, maps and scalars: written in place, no type of their own.
    fn lower_unnamed(&mut self, view: &View<'a>, pointer: &str, hint: &str, home: &str) -> Result<TypeRef> {
        Ok(match view.typ {
            Some("array") => match view.items {
                Some(items) => TypeRef::Vec(Box::new(self.lower_schema(
                    items.into(),
                    &format!("{pointer}/items"),
                    &format!("{hint}Item"),
                    home,
                )?)),
                None => TypeRef::Vec(Box::new(TypeRef::Builtin(Builtin::Json))),
            },
            Some("object") | None => match view.additional {
                Some(AdditionalProperties::Schema(value)) => TypeRef::Map(Box::new(self.lower_schema(
                    value.as_ref().into(),
                    &format!("{pointer}/additionalProperties"),
                    &format!("{hint}Value"),
                    home,
                )?)),
                _ => TypeRef::Builtin(Builtin::Json),
            },
            Some("string") => match (view.format.as_deref(), &view.constraints.pattern) {
                (Some("date-time"), _) => TypeRef::Builtin(Builtin::DateTime),
                (Some("date"), _) => TypeRef::Builtin(Builtin::Date),
                (_, Some(pattern)) => match newtypes::newtype_for(pattern) {
                    Some((name, doc)) => TypeRef::Named(self.newtype(pattern, name, doc, pointer)),
                    None => TypeRef::Builtin(Builtin::String),
                },
                _ => TypeRef::Builtin(Builtin::String),
            },
            Some("integer") => TypeRef::Builtin(match view.format.as_deref() {
                Some("int32") => Builtin::I32,
                _ => Builtin::I64,
            }),
            Some("number") => TypeRef::Builtin(match view.format.as_deref() {
                Some("float") => Builtin::F32,
                _ => Builtin::F64,
            }),
            Some("boolean") => TypeRef::Builtin(Builtin::Bool),
            Some(other) => {
                return Err(Error::spec(pointer, format!("unknown schema type {other:?}")));
            }
        })
    }

    /// The kind of a named type. `component` is the spec name when this is a component.
    fn lower_kind(
        &mut self,
        schema: &'a Schema,
        pointer: &str,
        rust_name: &str,
        home: &str,
        component: Option<&str>,
    ) -> Result<TypeKind> {
        let view = View::of(schema);
        let members = if view.one_of.is_empty() { view.any_of } else { view.one_of };
        let members_key = if view.one_of.is_empty() { "anyOf" } else { "oneOf" };
        let polymorphic = schema.schema_data.discriminator.as_ref().is_some_and(|d| !d.mapping.is_empty());
        if polymorphic || !members.is_empty() {
            // A union's own properties are not a type of their own (its variants carry
            // them), but their inline types and examples are the spec's all the same.
            self.collect_fields(schema, pointer, rust_name, home, &mut BTreeSet::new(), &mut FieldsBuilder::default())?;
        }
        if schema.schema_data.discriminator.is_some() && (polymorphic || !view.one_of.is_empty()) {
            return self.lower_tagged(schema, &view, pointer, rust_name);
        }
        if !members.is_empty() {
            if let Some(values) = merged_string_enum(members) {
                return Ok(string_enum(values));
            }
            return self.lower_untagged(members, pointer, members_key, rust_name, home);
        }
        if !view.string_enum.is_empty() {
            return Ok(string_enum(view.string_enum.clone()));
        }
        if view.properties.is_some() || !view.all_of.is_empty() {
            // A component that is only `allOf: [X]` where X is not its polymorphic parent
            // is another name for X.
            if let ([only], None) = (view.all_of, view.properties) {
                if let (ReferenceOr::Reference { reference }, Some(me)) = (only, component) {
                    if !self.is_mapped_child(reference, me, pointer)? {
                        let (target, _) = self.resolve(reference, pointer)?;
                        return Ok(TypeKind::Alias(TypeRef::Named(target)));
                    }
                }
            }
            let mut fields = FieldsBuilder::default();
            let mut visited = BTreeSet::new();
            if let Some(me) = component {
                visited.insert(me.to_string());
            }
            self.collect_fields(schema, pointer, rust_name, home, &mut visited, &mut fields)?;
            return Ok(TypeKind::Struct(fields.finish()));
        }
        Ok(TypeKind::Alias(self.lower_unnamed(&view, pointer, rust_name, home)?))
    }

    /// Whether `reference` is a discriminated parent that maps one of its tags to `child`.
    fn is_mapped_child(&self, reference: &str, child: &str, pointer: &str) -> Result<bool> {
        let (_, parent) = self.resolve(reference, pointer)?;
        Ok(parent
            .and_then(|p| p.schema_data.discriminator.as_ref())
            .is_some_and(|d| d.mapping.values().any(|target| mapping_target(target) == child)))
    }

    /// Properties of a schema and everything it `allOf`s, parents first, so a child's own
    /// definition of a property wins. A `$ref` to a polymorphic parent contributes the
    /// parent's *properties*, never the union: that is what breaks the oneOf/allOf cycle.
    fn collect_fields(
        &mut self,
        schema: &'a Schema,
        pointer: &str,
        owner: &str,
        home: &str,
        visited: &mut BTreeSet<String>,
        out: &mut FieldsBuilder,
    ) -> Result<()> {
        let view = View::of(schema);
        for (i, member) in view.all_of.iter().enumerate() {
            let member_pointer = format!("{pointer}/allOf/{i}");
            match member {
                ReferenceOr::Reference { reference } => {
                    let name = mapping_target(reference);
                    if !visited.insert(name.to_string()) {
                        continue;
                    }
                    let (id, parent) = self.resolve(reference, &member_pointer)?;
                    if let Some(parent) = parent {
                        let parent_owner = self.model.get(id).name.clone();
                        self.collect_fields(parent, &component_pointer(name), &parent_owner, &parent_owner, visited, out)?;
                    }
                }
                ReferenceOr::Item(inline) => {
                    self.collect_fields(inline, &member_pointer, owner, home, visited, out)?;
                }
            }
        }
        out.required.extend(view.required.iter().cloned());
        if let Some(properties) = view.properties {
            for (wire, property) in properties {
                let property_pointer = format!("{pointer}/properties/{}", pointer_token(wire));
                let hint = format!("{owner}{}", names::type_name(wire));
                let ty = self.lower_schema(property.into(), &property_pointer, &hint, home)?;
                self.record_enum_site(&ty, wire, owner);
                let data = match property {
                    ReferenceOr::Item(s) => Some(&s.schema_data),
                    ReferenceOr::Reference { reference } => {
                        self.resolve(reference, &property_pointer)?.1.map(|s| &s.schema_data)
                    }
                };
                let inline = matches!(property, ReferenceOr::Item(_));
                // An array's format is its items' (`usernames`: emails).
                let format = match property {
                    ReferenceOr::Item(s) => View::of(s).format.or_else(|| match View::of(s).items {
                        Some(ReferenceOr::Item(items)) => View::of(items).format,
                        _ => None,
                    }),
                    ReferenceOr::Reference { reference } => self.resolve(reference, &property_pointer)?.1.and_then(|s| View::of(s).format),
                };
                let constraints = self.constraints(property.into(), &ty, &property_pointer, wire)?;
                out.add(Field {
                    wire: wire.clone(),
                    ident: String::new(),
                    ty,
                    required: false,
                    read_only: data.is_some_and(|d| d.read_only),
                    write_only: data.is_some_and(|d| d.write_only),
                    nullable: data.is_some_and(|d| d.nullable),
                    deprecated: inline && data.is_some_and(|d| d.deprecated),
                    // A `$ref` has no description of its own: it gets its target's.
                    doc: data.and_then(doc_of_data),
                    boxed: false,
                    secret: self.is_secret(property.into(), wire, &property_pointer)?,
                    constraints,
                    format,
                });
            }
        }
        if let Some(AdditionalProperties::Schema(value)) = view.additional {
            let hint = format!("{owner}AdditionalProperty");
            out.additional = Some(self.lower_schema(
                value.as_ref().into(),
                &format!("{pointer}/additionalProperties"),
                &hint,
                home,
            )?);
        }
        Ok(())
    }

    fn lower_tagged(&mut self, schema: &'a Schema, view: &View<'a>, pointer: &str, rust_name: &str) -> Result<TypeKind> {
        let discriminator = schema.schema_data.discriminator.as_ref().expect("checked by the caller");
        // Targets in oneOf order, then any the mapping adds; tags in mapping order.
        let mut targets: Vec<String> = Vec::new();
        for (i, member) in view.one_of.iter().enumerate() {
            match member {
                ReferenceOr::Reference { reference } => {
                    self.resolve(reference, &format!("{pointer}/oneOf/{i}"))?;
                    targets.push(mapping_target(reference).to_string());
                }
                ReferenceOr::Item(_) => {
                    return Err(Error::spec(
                        format!("{pointer}/oneOf/{i}"),
                        "a discriminated oneOf member must be a $ref to a component schema",
                    ))
                }
            }
        }
        let mut tags: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (tag, target) in &discriminator.mapping {
            let target = mapping_target(target).to_string();
            let reference = format!("{SCHEMA_PREFIX}{target}");
            self.resolve(&reference, &format!("{pointer}/discriminator/mapping/{}", pointer_token(tag)))?;
            if !targets.contains(&target) {
                targets.push(target.clone());
            }
            tags.entry(target).or_default().push(tag.clone());
        }
        let rust_targets: Vec<String> =
            targets.iter().map(|t| self.model.get(self.model.components[t]).name.clone()).collect();
        let variant_names = names::variant_names(rust_name, &rust_targets);
        let mut scope = Scope::default();
        for name in &variant_names {
            scope.claim(name);
        }
        let variants = targets
            .iter()
            .zip(variant_names)
            .map(|(target, name)| TaggedVariant {
                name,
                ty: self.model.components[target],
                // A oneOf member the mapping leaves out is selected by its schema name.
                tags: tags.get(target).cloned().unwrap_or_else(|| vec![target.clone()]),
                boxed: false,
            })
            .collect();
        Ok(TypeKind::Tagged(TaggedUnion {
            property: discriminator.property_name.clone(),
            variants,
            fallback: scope.claim("Unknown"),
            one_of: !view.one_of.is_empty(),
        }))
    }

    fn lower_untagged(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        pointer: &str,
        key: &str,
        rust_name: &str,
        home: &str,
    ) -> Result<TypeKind> {
        let mut types = Vec::new();
        for (i, member) in members.iter().enumerate() {
            // An inline member with a title is named by it (`DatabasePermittedNamespaceResourceCluster`).
            let title = match member {
                ReferenceOr::Item(schema) => schema.schema_data.title.as_deref().filter(|t| !t.trim().is_empty()),
                ReferenceOr::Reference { .. } => None,
            };
            let hint = match title {
                Some(title) => format!("{rust_name}{}", names::type_name(title)),
                None => format!("{rust_name}Variant{i}"),
            };
            types.push(self.lower_schema(member.into(), &format!("{pointer}/{key}/{i}"), &hint, home)?);
        }
        let labels: Vec<String> = types.iter().map(|t| self.label(t)).collect();
        let variant_names = names::variant_names(rust_name, &labels);
        Ok(TypeKind::Untagged(UntaggedUnion {
            variants: types
                .into_iter()
                .zip(variant_names)
                .map(|(ty, name)| UntaggedVariant { name, ty, boxed: false })
                .collect(),
        }))
    }

    /// The validated newtype for an identifier pattern, declared on first use.
    fn newtype(&mut self, pattern: &str, name: &str, doc: &str, pointer: &str) -> TypeId {
        if let Some(id) = self.model.patterns.get(pattern).and_then(|p| p.newtype) {
            return id;
        }
        let rust = self.type_names.claim_reported(name, pointer, &mut self.model.renames);
        let id = self.push_type(TypeDef {
            name: rust,
            pointer: pointer.to_string(),
            home: "Identifiers".to_string(),
            group: Group::Models,
            doc: Some(format!("{doc}\n\nMust match `{pattern}`.")),
            deprecated: false,
            kind: TypeKind::Newtype { pattern: pattern.to_string() },
            aliases: Vec::new(),
        });
        self.model.patterns.entry(pattern.to_string()).or_default().newtype = Some(id);
        id
    }

    /// The constraints a schema puts on the value at `pointer`, including those of its
    /// items and map values and of a component it is an alias of. A pattern the value's
    /// newtype already enforces is left out; every other pattern is registered.
    pub fn constraints(&mut self, schema: SchemaRef<'a>, ty: &TypeRef, pointer: &str, used_by: &str) -> Result<Constraints> {
        let mut constraints = self.raw_constraints(schema, pointer, 0)?;
        strip_enforced(&self.model, ty, &mut constraints);
        self.register_patterns(&constraints, pointer, used_by);
        Ok(constraints)
    }

    fn raw_constraints(&self, schema: SchemaRef<'a>, pointer: &str, depth: usize) -> Result<Constraints> {
        if depth > 16 {
            return Err(Error::spec(pointer, "$ref chain too deep (a cycle of aliases?)"));
        }
        let schema = match schema {
            SchemaRef::Inline(schema) => schema,
            SchemaRef::Ref(reference) => match self.resolve(reference, pointer)?.1 {
                // Only a component that is a plain value (no type of its own) passes its
                // constraints on; a named type validates itself.
                Some(target) if !needs_name(target, &View::of(target)) => target,
                _ => return Ok(Constraints::default()),
            },
        };
        let view = View::of(schema);
        let mut constraints = view.constraints.clone();
        if let Some(items) = view.items {
            let items = self.raw_constraints(items.into(), pointer, depth + 1)?;
            constraints.items = (!items.is_empty()).then(|| Box::new(items));
        }
        if let Some(AdditionalProperties::Schema(values)) = view.additional {
            let values = self.raw_constraints(values.as_ref().into(), pointer, depth + 1)?;
            constraints.values = (!values.is_empty()).then(|| Box::new(values));
        }
        if let ([only], None) = (view.all_of, view.properties) {
            let inner = self.raw_constraints(only.into(), pointer, depth + 1)?;
            constraints = merge(constraints, inner);
        }
        Ok(constraints)
    }

    fn register_patterns(&mut self, constraints: &Constraints, pointer: &str, used_by: &str) {
        if let Some(pattern) = &constraints.pattern {
            let info = self.model.patterns.entry(pattern.clone()).or_default();
            if info.pointer.is_empty() {
                info.pointer = pointer.to_string();
            }
            *info.used_by.entry(used_by.to_string()).or_default() += 1;
        }
        for nested in [&constraints.items, &constraints.values].into_iter().flatten() {
            self.register_patterns(nested, pointer, used_by);
        }
    }

    /// Records where an inline enum (or an array of one) is used: the property `wire` of `owner`.
    pub fn record_enum_site(&mut self, ty: &TypeRef, wire: &str, owner: &str) {
        let (id, items) = match ty {
            TypeRef::Named(id) => (*id, false),
            TypeRef::Vec(inner) => match inner.as_ref() {
                TypeRef::Named(id) => (*id, true),
                _ => return,
            },
            _ => return,
        };
        if matches!(self.model.get(id).kind, TypeKind::Enum(_)) {
            self.enum_sites.push(super::enums::EnumSite { id, property: wire.to_string(), items, owner: owner.to_string() });
        }
    }

    /// Whether the string property `wire` holds a secret ([`super::secrets`]).
    pub fn is_secret(&self, schema: SchemaRef<'a>, wire: &str, pointer: &str) -> Result<bool> {
        let schema = match schema {
            SchemaRef::Inline(schema) => Some(schema),
            SchemaRef::Ref(reference) => self.resolve(reference, pointer)?.1,
        };
        Ok(schema.map(View::of).is_some_and(|view| {
            view.typ == Some("string") && super::secrets::is_secret(wire, view.format.as_deref())
        }))
    }

    /// A short name for a type, to name the union variant that holds it.
    fn label(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(id) => self.model.get(*id).name.clone(),
            TypeRef::Builtin(b) => format!("{b:?}"),
            TypeRef::Vec(inner) => format!("{}List", self.label(inner)),
            TypeRef::Map(inner) => format!("{}Map", self.label(inner)),
        }
    }
}

/// Fills what `a` leaves unset from `b`.
fn merge(a: Constraints, b: Constraints) -> Constraints {
    Constraints {
        pattern: a.pattern.or(b.pattern),
        min_length: a.min_length.or(b.min_length),
        max_length: a.max_length.or(b.max_length),
        minimum: a.minimum.or(b.minimum),
        exclusive_minimum: a.exclusive_minimum || b.exclusive_minimum,
        maximum: a.maximum.or(b.maximum),
        exclusive_maximum: a.exclusive_maximum || b.exclusive_maximum,
        min_items: a.min_items.or(b.min_items),
        max_items: a.max_items.or(b.max_items),
        unique_items: a.unique_items || b.unique_items,
        min_properties: a.min_properties.or(b.min_properties),
        max_properties: a.max_properties.or(b.max_properties),
        allowed_integers: a.allowed_integers.or(b.allowed_integers),
        items: a.items.or(b.items),
        values: a.values.or(b.values),
    }
}

/// Drops a pattern the value's own newtype enforces, at every level.
fn strip_enforced(model: &Model, ty: &TypeRef, constraints: &mut Constraints) {
    match ty {
        TypeRef::Named(id) => {
            if let TypeKind::Newtype { pattern } = &model.get(*id).kind {
                if constraints.pattern.as_ref() == Some(pattern) {
                    constraints.pattern = None;
                }
            }
        }
        TypeRef::Vec(inner) => {
            if let Some(items) = constraints.items.as_mut() {
                strip_enforced(model, inner, items);
                if items.is_empty() {
                    constraints.items = None;
                }
            }
        }
        TypeRef::Map(inner) => {
            if let Some(values) = constraints.values.as_mut() {
                strip_enforced(model, inner, values);
                if values.is_empty() {
                    constraints.values = None;
                }
            }
        }
        TypeRef::Builtin(_) => {}
    }
}

/// Inline schemas that become types of their own rather than being written in place.
fn needs_name(schema: &Schema, view: &View) -> bool {
    !view.string_enum.is_empty()
        || !view.one_of.is_empty()
        || !view.any_of.is_empty()
        || !view.all_of.is_empty()
        || schema.schema_data.discriminator.is_some()
        || view.properties.is_some_and(|p| !p.is_empty())
}

/// `oneOf` of inline string enums (Atlas's event types): one enum with all the values.
fn merged_string_enum(members: &[ReferenceOr<Schema>]) -> Option<Vec<String>> {
    let mut values: Vec<String> = Vec::new();
    for member in members {
        let ReferenceOr::Item(schema) = member else { return None };
        let view = View::of(schema);
        if view.string_enum.is_empty() {
            return None;
        }
        for value in view.string_enum {
            if !values.contains(&value) {
                values.push(value);
            }
        }
    }
    Some(values)
}

fn string_enum(wire: Vec<String>) -> TypeKind {
    // A placeholder (`<a custom role name>`) is no value: such names go to the catch-all.
    let wire: Vec<String> = wire.into_iter().filter(|v| !names::is_placeholder(v)).collect();
    let (variants, fallback) = names::enum_variants(&wire);
    TypeKind::Enum(StringEnum {
        values: wire.into_iter().zip(variants).map(|(wire, variant)| EnumValue { wire, variant }).collect(),
        fallback,
    })
}

/// A mapping target is a `$ref` string or, by the OpenAPI rules, a bare schema name.
fn mapping_target(target: &str) -> &str {
    target.strip_prefix(SCHEMA_PREFIX).unwrap_or(target)
}

pub fn component_pointer(name: &str) -> String {
    format!("/components/schemas/{}", pointer_token(name))
}

fn doc_of(schema: &Schema) -> Option<String> {
    doc_of_data(&schema.schema_data)
}

fn doc_of_data(data: &openapiv3::SchemaData) -> Option<String> {
    data.description.clone().or_else(|| data.title.clone()).filter(|d| !d.trim().is_empty())
}

/// Accumulates fields across `allOf` members; the last definition of a property wins but
/// keeps the position of the first.
#[derive(Default)]
struct FieldsBuilder {
    fields: Vec<Field>,
    required: BTreeSet<String>,
    additional: Option<TypeRef>,
}

impl FieldsBuilder {
    fn add(&mut self, field: Field) {
        match self.fields.iter_mut().find(|f| f.wire == field.wire) {
            Some(existing) => {
                let doc = field.doc.clone().or(existing.doc.take());
                *existing = Field { doc, ..field };
            }
            None => self.fields.push(field),
        }
    }

    fn finish(mut self) -> Struct {
        let mut idents = Scope::default();
        for field in &mut self.fields {
            field.ident = idents.claim(&names::field_name(&field.wire));
            field.required = self.required.contains(&field.wire);
        }
        let additional = self.additional.map(|ty| (idents.claim("additional_properties"), ty));
        Struct { fields: self.fields, additional, extra: Some(idents.claim("extra")) }
    }
}
