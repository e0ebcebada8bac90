//! The registry of public names (`spec/names.toml`): every name the crate has shipped, by
//! what it names, so that the next spec keeps it.
//!
//! Names come from rules over the whole spec (case conversion, "one type per enum meaning",
//! collisions), so a new spec could move a name that named something unchanged. The registry
//! is read before the rules run: whatever it lists keeps its name, and only new things are
//! named by the rules, with collisions resolved in favour of what already shipped. After
//! generation it is written back with the new things added and the vanished ones dropped, and
//! `cargo xtask check` compares it like any generated file.
//!
//! Keys are what stays put across specs:
//! * a type: the JSON pointer of its schema (`/components/schemas/Group`, an inline
//!   schema's own pointer, an operation's pointer for its parameters struct), or
//!   `pattern:<regex>` for a validated identifier newtype;
//! * an operation: its `operationId`; a tag: its name.
//!
//! Renames upstream are recognised here too: a component that vanished and a new one of the
//! same shape (its schema without descriptions and examples), or an operation that vanished
//! and a new one on the same method and path. The new name becomes the name, and the shipped
//! one stays beside it as a `#[deprecated]` alias (a type alias, a forwarding method). A tag
//! that vanished while all its operations moved to one new tag keeps its module.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Model, TypeDef, TypeId, TypeKind, TypeRef};
use crate::error::{Error, Result};

/// `spec/names.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    /// Spec tag -> API module (`Clusters` -> `clusters`).
    #[serde(default)]
    pub modules: BTreeMap<String, String>,
    /// `operationId` -> its names.
    #[serde(default)]
    pub operations: BTreeMap<String, OperationNames>,
    /// Type key -> its names.
    #[serde(default)]
    pub types: BTreeMap<String, TypeNames>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationNames {
    /// `GET /api/atlas/v2/groups/{groupId}/clusters`: how a renamed operation is recognised.
    pub route: String,
    /// The method on its tag's API (`list_clusters`).
    pub method: String,
    /// Its spec tag: how a renamed tag is recognised (its operations all move to one new tag).
    #[serde(default)]
    pub tag: String,
    /// Names it shipped under before, kept as `#[deprecated]` forwarding methods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deprecated: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeNames {
    pub name: String,
    /// Names it shipped under before, kept as `#[deprecated]` type aliases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// A component's shape (a hash of its schema without prose), to recognise a rename.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<String>,
    /// Struct fields: wire name -> Rust field (`<extra>` and `<additional>` for the two
    /// fields the generator adds).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// Enum variants: wire value (string enums), variant schema's key (unions), or
    /// `<fallback>` for the catch-all -> Rust variant.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variants: BTreeMap<String, String>,
}

const EXTRA: &str = "<extra>";
const ADDITIONAL: &str = "<additional>";
const FALLBACK: &str = "<fallback>";

/// A rename recognised against the registry, for the change report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// `model`, `operation` or `module` (a renamed tag).
    pub kind: &'static str,
    /// The old key (component pointer or `operationId`) and the new one.
    pub old_key: String,
    pub new_key: String,
    /// The shipped Rust name and the one it has now (the same when the rules agree).
    pub old_name: String,
    pub new_name: String,
}

impl Registry {
    pub fn read(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let registry: Registry = toml::from_str(&text).map_err(|e| Error::Lock(format!("{}: {e}", path.display())))?;
        registry.check_unique()?;
        Ok(registry)
    }

    /// Reads the registry at `path`, or an empty one when there is no file yet.
    pub fn read_or_default(path: &std::path::Path) -> Result<Self> {
        if path.exists() {
            Self::read(path)
        } else {
            Ok(Registry::default())
        }
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("a registry of strings always serialises");
        format!("{HEADER}{body}")
    }

    /// A hand edit must not give a deprecated alias two owners, or make it the name of
    /// another type. (Type names themselves may repeat: the sites of one shared enum all
    /// name its one type; two distinct types under one name fail at generation.)
    fn check_unique(&self) -> Result<()> {
        let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
        let names: BTreeMap<&str, &str> = self.types.iter().map(|(key, names)| (names.name.as_str(), key.as_str())).collect();
        for (key, type_names) in &self.types {
            for alias in &type_names.aliases {
                if let Some(other) = owners.insert(alias, key) {
                    return Err(Error::Lock(format!("spec/names.toml: the alias {alias} is claimed by {other} and {key}")));
                }
                if let Some(other) = names.get(alias.as_str()) {
                    return Err(Error::Lock(format!("spec/names.toml: {key} keeps the alias {alias}, which is the name of {other}")));
                }
            }
        }
        Ok(())
    }
}

const HEADER: &str = "# The public names of atlas-admin, by what they name: `cargo xtask generate` reads this\n\
# first, so a name that shipped keeps naming the same thing on every later spec, and writes\n\
# it back with new things added. A deliberate rename is an edit here (keep the old name in\n\
# `aliases`/`deprecated`), then `cargo xtask generate`. `cargo xtask check` fails on drift.\n";

/// The registry key of a type.
pub fn type_key(def: &TypeDef) -> String {
    match &def.kind {
        TypeKind::Newtype { pattern } => format!("pattern:{pattern}"),
        _ => def.pointer.clone(),
    }
}

/// A component schema's shape: its JSON without descriptions, titles, examples and vendor
/// extensions, hashed. Two components of one shape are the same schema under two names.
pub fn shape_of(schema: &openapiv3::ReferenceOr<openapiv3::Schema>) -> String {
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    strip_prose(&mut value);
    let hash = crate::parse::sha256_hex(value.to_string().as_bytes());
    hash[..16].to_string()
}

fn strip_prose(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|k, _| !matches!(k.as_str(), "description" | "title" | "example" | "examples" | "externalDocs") && !k.starts_with("x-"));
            map.values_mut().for_each(strip_prose);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_prose),
        _ => {}
    }
}

/// Recognises renames against `registry` and returns the registry re-keyed for the new spec
/// (a renamed component's pointers, and those of everything inline in it, moved to its new
/// name; a renamed operation under its new id), with what was recognised.
/// A key under a moved component, moved with it: `/components/schemas/Old/properties/x`
/// becomes `/components/schemas/New/properties/x` for the move (`.../Old`, `.../New`).
pub fn move_key(key: &str, moves: &[(String, String)]) -> String {
    moves
        .iter()
        .find_map(|(old, new)| {
            let rest = key.strip_prefix(old.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then(|| format!("{new}{rest}"))
        })
        .unwrap_or_else(|| key.to_string())
}

pub fn rekey(registry: &Registry, api: &openapiv3::OpenAPI) -> (Registry, Vec<Renamed>) {
    let schemas: BTreeMap<&str, &openapiv3::ReferenceOr<openapiv3::Schema>> =
        api.components.iter().flat_map(|c| c.schemas.iter()).map(|(k, v)| (k.as_str(), v)).collect();
    let prefix = "/components/schemas/";
    let component_key = |name: &str| format!("{prefix}{}", crate::error::pointer_token(name));
    let present: BTreeSet<String> = schemas.keys().map(|n| component_key(n)).collect();
    // Vanished components by shape, and new ones by shape: a shape on exactly one of each
    // side is a rename.
    let mut gone: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (key, names) in &registry.types {
        if let (Some(shape), true) = (&names.shape, key.starts_with(prefix) && !present.contains(key)) {
            gone.entry(shape.as_str()).or_default().push(key);
        }
    }
    let mut fresh: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if !gone.is_empty() {
        for (name, schema) in &schemas {
            let key = component_key(name);
            if !registry.types.contains_key(&key) {
                fresh.entry(shape_of(schema)).or_default().push(key);
            }
        }
    }
    let mut moves: Vec<(String, String)> = Vec::new();
    for (shape, old) in &gone {
        if let (Some([new]), [old]) = (fresh.get(*shape).map(Vec::as_slice), old.as_slice()) {
            moves.push((old.to_string(), new.clone()));
        }
    }
    let mut out = registry.clone();
    let mut renamed = Vec::new();
    if !moves.is_empty() {
        out.types = BTreeMap::new();
        for (key, names) in &registry.types {
            out.types.insert(move_key(key, &moves), names.clone());
        }
        for (old, new) in &moves {
            let name = registry.types[old].name.clone();
            renamed.push(Renamed { kind: "model", old_key: old.clone(), new_key: new.clone(), old_name: name.clone(), new_name: name });
        }
    }

    // Operations: an id that vanished and a new one on the same route.
    let mut routes: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in api.paths.iter() {
        if let openapiv3::ReferenceOr::Item(item) = item {
            for (method, op) in item.iter() {
                if let Some(id) = &op.operation_id {
                    routes.insert(format!("{} {path}", method.to_uppercase()), id.clone());
                }
            }
        }
    }
    let ids: BTreeSet<&String> = routes.values().collect();
    for (old_id, names) in &registry.operations {
        if ids.contains(old_id) {
            continue;
        }
        if let Some(new_id) = routes.get(&names.route).filter(|id| !registry.operations.contains_key(*id)) {
            let names = out.operations.remove(old_id).expect("listed above");
            renamed.push(Renamed {
                kind: "operation",
                old_key: old_id.clone(),
                new_key: new_id.clone(),
                old_name: names.method.clone(),
                new_name: names.method.clone(),
            });
            out.operations.insert(new_id.clone(), names);
        }
    }

    // Tags: one that vanished, all of whose remaining operations now share one new tag.
    let mut tag_of: BTreeMap<&str, &str> = BTreeMap::new();
    for (_, item) in api.paths.iter() {
        if let openapiv3::ReferenceOr::Item(item) = item {
            for (_, op) in item.iter() {
                if let (Some(id), [tag]) = (&op.operation_id, op.tags.as_slice()) {
                    tag_of.insert(id, tag);
                }
            }
        }
    }
    let tags_now: BTreeSet<&str> = tag_of.values().copied().collect();
    for (old_tag, module) in &registry.modules {
        if tags_now.contains(old_tag.as_str()) {
            continue;
        }
        let moved_to: BTreeSet<&str> =
            out.operations.iter().filter(|(_, n)| &n.tag == old_tag).filter_map(|(id, _)| tag_of.get(id.as_str()).copied()).collect();
        if let [new_tag] = moved_to.into_iter().collect::<Vec<_>>().as_slice() {
            if !out.modules.contains_key(*new_tag) {
                out.modules.remove(old_tag);
                out.modules.insert(new_tag.to_string(), module.clone());
                renamed.push(Renamed {
                    kind: "module",
                    old_key: old_tag.clone(),
                    new_key: new_tag.to_string(),
                    old_name: module.clone(),
                    new_name: module.clone(),
                });
            }
        }
    }
    (out, renamed)
}

/// Gives every thing the registry lists its registered names, and new things rule-made names
/// that do not collide with them. `renamed` are the renames [`rekey`] recognised: their new
/// rule-made name becomes the name, and the shipped one an alias.
pub fn apply(model: &mut Model, registry: &Registry, renamed: &mut [Renamed]) -> Result<()> {
    apply_modules(model, registry);
    apply_type_names(model, registry, renamed)?;
    apply_members(model, registry);
    apply_operations(model, registry, renamed);
    Ok(())
}

fn apply_modules(model: &mut Model, registry: &Registry) {
    let tags: BTreeSet<String> = model.operations.iter().map(|op| op.tag.clone()).collect();
    let mut taken: BTreeSet<String> =
        tags.iter().filter_map(|t| registry.modules.get(t)).cloned().collect();
    for tag in tags {
        let module = match registry.modules.get(&tag) {
            Some(module) => module.clone(),
            None => {
                let mut scope = super::names::Scope::default();
                for t in &taken {
                    scope.claim(t);
                }
                scope.claim(&super::names::field_name(&tag))
            }
        };
        taken.insert(module.clone());
        model.modules.insert(tag, module);
    }
}

fn apply_type_names(model: &mut Model, registry: &Registry, renamed: &mut [Renamed]) -> Result<()> {
    let emitted: Vec<TypeId> = (0..model.types.len())
        .map(TypeId)
        .filter(|id| !matches!(model.get(*id).kind, TypeKind::Shared(_) | TypeKind::Pending))
        .collect();
    // Registered names in use now, with the aliases they carry.
    let mut taken: BTreeSet<String> = super::names::reserved_types().collect();
    let mut given: BTreeMap<TypeId, String> = BTreeMap::new();
    let mut by_name: BTreeMap<String, TypeId> = BTreeMap::new();
    let shared = SharedEntries::of(registry);
    for id in &emitted {
        if let Some(names) = shared.entry(registry, model.get(*id)) {
            // Sites of a shared enum all map to its name; the merged type is the one emitted.
            if let Some(other) = by_name.get(&names.name) {
                return Err(Error::spec(
                    &model.get(*id).pointer,
                    format!(
                        "spec/names.toml gives {} to this type and to {}; edit one of them",
                        names.name,
                        model.get(*other).pointer
                    ),
                ));
            }
            by_name.insert(names.name.clone(), *id);
            taken.insert(names.name.clone());
            taken.extend(names.aliases.iter().cloned());
            given.insert(*id, names.name.clone());
            model.types[id.0].aliases = names.aliases.clone();
        }
    }
    // A recognised rename: the rules' name for the new schema becomes the name, the shipped
    // one an alias (when the two differ and the new one is free).
    for r in renamed.iter_mut().filter(|r| r.kind == "model") {
        let Some(id) = emitted.iter().find(|id| type_key(model.get(**id)) == r.new_key) else { continue };
        // Names are not assigned yet: the type still has the rules' name.
        let rule = model.get(*id).name.clone();
        if rule != r.old_name && !taken.contains(&rule) {
            taken.insert(rule.clone());
            given.insert(*id, rule.clone());
            let def = &mut model.types[id.0];
            if !def.aliases.contains(&r.old_name) {
                def.aliases.push(r.old_name.clone());
            }
            r.new_name = rule;
        }
    }
    // New types: their rule-made name unless a shipped name has it.
    let mut scope = super::names::Scope::default();
    for name in &taken {
        scope.claim(name);
    }
    for id in &emitted {
        if !given.contains_key(id) {
            let name = scope.claim(&model.get(*id).name);
            given.insert(*id, name);
        }
    }
    // Files follow names: a type's home is its owner's name.
    let renames: BTreeMap<String, String> = emitted
        .iter()
        .filter(|id| model.get(**id).name != given[id])
        .map(|id| (model.get(*id).name.clone(), given[id].clone()))
        .collect();
    for def in &mut model.types {
        if let Some(home) = renames.get(&def.home) {
            def.home = home.clone();
        }
    }
    for (id, name) in given {
        model.types[id.0].name = name;
    }
    Ok(())
}

/// The entries of shared enums by name: the one entry that records a shared enum's variants
/// and aliases (its other sites record only its name).
struct SharedEntries<'r>(BTreeMap<&'r str, &'r TypeNames>);

impl<'r> SharedEntries<'r> {
    fn of(registry: &'r Registry) -> Self {
        SharedEntries(registry.types.values().filter(|n| !n.variants.is_empty()).map(|n| (n.name.as_str(), n)).collect())
    }

    /// The entry that names `def`: its own, except for a string enum whose own entry records
    /// no variants (it was a site merged into a shared enum) or that has none (a new site
    /// that now represents a shared enum). A shared enum is emitted at its first site, which
    /// a new site can precede or which can vanish; its names stay with its name.
    /// (A component keeps its own entry: one that reappears under a name its former sites
    /// now ship is another type.)
    fn entry(&self, registry: &'r Registry, def: &TypeDef) -> Option<&'r TypeNames> {
        let own = registry.types.get(&type_key(def));
        let component = def.pointer.strip_prefix("/components/schemas/").is_some_and(|rest| !rest.contains('/'));
        match def.kind {
            TypeKind::Enum(_) if !component && own.is_none_or(|n| n.variants.is_empty()) => self.0.get(def.name.as_str()).copied().or(own),
            _ => own,
        }
    }
}

/// Fields and variants: registered ones keep their names, new ones avoid them.
fn apply_members(model: &mut Model, registry: &Registry) {
    let shared = SharedEntries::of(registry);
    let keys: Vec<Option<&TypeNames>> = model.types.iter().map(|def| shared.entry(registry, def)).collect();
    let variant_keys: Vec<String> = model.types.iter().map(type_key).collect();
    for (i, names) in keys.iter().enumerate() {
        let Some(names) = names else { continue };
        match &mut model.types[i].kind {
            TypeKind::Struct(s) => {
                let mut members: Vec<(String, &mut String)> = s.fields.iter_mut().map(|f| (f.wire.clone(), &mut f.ident)).collect();
                if let Some((ident, _)) = &mut s.additional {
                    members.push((ADDITIONAL.to_string(), ident));
                }
                if let Some(ident) = &mut s.extra {
                    members.push((EXTRA.to_string(), ident));
                }
                pin(members, &names.fields);
            }
            TypeKind::Enum(e) => {
                let mut members: Vec<(String, &mut String)> = e.values.iter_mut().map(|v| (v.wire.clone(), &mut v.variant)).collect();
                members.push((FALLBACK.to_string(), &mut e.fallback));
                pin(members, &names.variants);
            }
            TypeKind::Tagged(t) => {
                let mut members: Vec<(String, &mut String)> =
                    t.variants.iter_mut().map(|v| (variant_keys[v.ty.0].clone(), &mut v.name)).collect();
                members.push((FALLBACK.to_string(), &mut t.fallback));
                pin(members, &names.variants);
            }
            TypeKind::Untagged(u) => {
                let members: Vec<(String, &mut String)> =
                    u.variants.iter_mut().map(|v| (ref_key(&v.ty, &variant_keys), &mut v.name)).collect();
                pin(members, &names.variants);
            }
            _ => {}
        }
    }
}

/// The key of a union variant's type.
fn ref_key(ty: &TypeRef, keys: &[String]) -> String {
    match ty {
        TypeRef::Named(id) => keys[id.0].clone(),
        TypeRef::Builtin(b) => format!("<{b:?}>"),
        TypeRef::Vec(inner) => format!("<list>{}", ref_key(inner, keys)),
        TypeRef::Map(inner) => format!("<map>{}", ref_key(inner, keys)),
    }
}

/// Members with a registered name take it; the others keep their rule-made name unless it
/// is taken, then the nearest free one.
fn pin(members: Vec<(String, &mut String)>, registered: &BTreeMap<String, String>) {
    let mut scope = super::names::Scope::default();
    let known: Vec<bool> = members.iter().map(|(key, _)| registered.contains_key(key)).collect();
    for (key, _) in &members {
        if let Some(name) = registered.get(key) {
            scope.claim(name);
        }
    }
    for ((key, name), known) in members.into_iter().zip(known) {
        if known {
            *name = registered[&key].clone();
        } else {
            *name = scope.claim(name);
        }
    }
}

fn apply_operations(model: &mut Model, registry: &Registry, renamed: &mut [Renamed]) {
    let mut taken: BTreeMap<String, super::names::Scope> = BTreeMap::new();
    for op in &model.operations {
        if let Some(names) = registry.operations.get(&op.id) {
            let scope = taken.entry(op.tag.clone()).or_default();
            scope.claim(&names.method);
            names.deprecated.iter().for_each(|d| {
                scope.claim(d);
            });
        }
    }
    for op in &mut model.operations {
        let scope = taken.entry(op.tag.clone()).or_default();
        match registry.operations.get(&op.id) {
            Some(names) => {
                op.deprecated_names = names.deprecated.clone();
                let rename = renamed.iter_mut().find(|r| r.kind == "operation" && r.new_key == op.id);
                match rename {
                    // Renamed upstream with a new short name: the new name is the method,
                    // the shipped one forwards to it, deprecated.
                    Some(r) if op.name != names.method => {
                        op.name = scope.claim(&op.name);
                        op.deprecated_names.push(names.method.clone());
                        r.new_name = op.name.clone();
                    }
                    _ => op.name = names.method.clone(),
                }
            }
            None => op.name = scope.claim(&op.name),
        }
    }
}

/// The registry that names what `model` has now.
pub fn of_model(model: &Model, api: &openapiv3::OpenAPI) -> Registry {
    let mut registry = Registry { modules: model.modules.clone(), ..Registry::default() };
    for op in &model.operations {
        registry.operations.insert(
            op.id.clone(),
            OperationNames {
                route: format!("{} {}", op.method, op.path),
                method: op.name.clone(),
                tag: op.tag.clone(),
                deprecated: op.deprecated_names.clone(),
            },
        );
    }
    let shapes: BTreeMap<String, String> = api
        .components
        .iter()
        .flat_map(|c| c.schemas.iter())
        .map(|(name, schema)| (super::lower::component_pointer(name), shape_of(schema)))
        .collect();
    let keys: Vec<String> = model.types.iter().map(type_key).collect();
    for (i, def) in model.types.iter().enumerate() {
        let names = match &def.kind {
            TypeKind::Pending => continue,
            // A site merged into a shared type is named by it.
            TypeKind::Shared(_) => TypeNames { name: model.get(resolve_shared(model, TypeId(i))).name.clone(), ..TypeNames::default() },
            kind => {
                let mut names = TypeNames {
                    name: def.name.clone(),
                    aliases: def.aliases.clone(),
                    shape: shapes.get(&def.pointer).filter(|_| model.components.values().any(|c| c.0 == i)).cloned(),
                    ..TypeNames::default()
                };
                match kind {
                    TypeKind::Struct(s) => {
                        names.fields = s.fields.iter().map(|f| (f.wire.clone(), f.ident.clone())).collect();
                        if let Some((ident, _)) = &s.additional {
                            names.fields.insert(ADDITIONAL.into(), ident.clone());
                        }
                        if let Some(ident) = &s.extra {
                            names.fields.insert(EXTRA.into(), ident.clone());
                        }
                    }
                    TypeKind::Enum(e) => {
                        names.variants = e.values.iter().map(|v| (v.wire.clone(), v.variant.clone())).collect();
                        names.variants.insert(FALLBACK.into(), e.fallback.clone());
                    }
                    TypeKind::Tagged(t) => {
                        names.variants = t.variants.iter().map(|v| (keys[v.ty.0].clone(), v.name.clone())).collect();
                        names.variants.insert(FALLBACK.into(), t.fallback.clone());
                    }
                    TypeKind::Untagged(u) => {
                        names.variants = u.variants.iter().map(|v| (ref_key(&v.ty, &keys), v.name.clone())).collect();
                    }
                    _ => {}
                }
                names
            }
        };
        registry.types.insert(keys[i].clone(), names);
    }
    registry
}

/// The type a merged enum site now is.
pub fn resolve_shared(model: &Model, mut id: TypeId) -> TypeId {
    for _ in 0..8 {
        match model.get(id).kind {
            TypeKind::Shared(to) => id = to,
            _ => break,
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_takes_the_component_and_what_is_inside_it_not_a_neighbour() {
        let moves = vec![("/components/schemas/Old".to_string(), "/components/schemas/New".to_string())];
        assert_eq!(move_key("/components/schemas/Old", &moves), "/components/schemas/New");
        assert_eq!(move_key("/components/schemas/Old/properties/x", &moves), "/components/schemas/New/properties/x");
        assert_eq!(move_key("/components/schemas/OldX", &moves), "/components/schemas/OldX", "a neighbour whose name starts alike");
        assert_eq!(move_key("/components/schemas/OldX/properties/x", &moves), "/components/schemas/OldX/properties/x");
        assert_eq!(move_key("pattern:^Old$", &moves), "pattern:^Old$");
    }

    #[test]
    fn a_shape_ignores_prose_at_any_depth_and_nothing_else() {
        let schema = |description: &str, kind: &str| -> openapiv3::ReferenceOr<openapiv3::Schema> {
            serde_json::from_value(serde_json::json!({
                "description": description,
                "allOf": [{"type": "object", "description": description, "x-xgen-note": description,
                           "properties": {"a": {"type": kind, "example": description, "title": description}}}]
            }))
            .unwrap()
        };
        assert_eq!(shape_of(&schema("one", "string")), shape_of(&schema("two", "string")), "prose inside a list is prose too");
        assert_ne!(shape_of(&schema("one", "string")), shape_of(&schema("one", "integer")));
    }

    #[test]
    fn a_validated_string_is_keyed_by_its_pattern_and_anything_else_by_its_pointer() {
        let def = |kind: TypeKind| TypeDef {
            name: "Id".into(),
            pointer: "/components/schemas/Id".into(),
            home: "Id".into(),
            group: crate::ir::Group::Models,
            doc: None,
            deprecated: false,
            kind,
            aliases: Vec::new(),
        };
        assert_eq!(type_key(&def(TypeKind::Newtype { pattern: "^[0-9a-f]{24}$".into() })), "pattern:^[0-9a-f]{24}$");
        assert_eq!(type_key(&def(TypeKind::Alias(TypeRef::Builtin(crate::ir::Builtin::String)))), "/components/schemas/Id");
    }

    fn named(name: &str, aliases: &[&str]) -> TypeNames {
        TypeNames { name: name.into(), aliases: aliases.iter().map(|a| a.to_string()).collect(), ..TypeNames::default() }
    }

    #[test]
    fn an_alias_has_one_owner_and_is_no_other_types_name() {
        let mut registry = Registry::default();
        registry.types.insert("/components/schemas/A".into(), named("A", &["OldA"]));
        registry.types.insert("/components/schemas/B".into(), named("B", &[]));
        assert!(registry.check_unique().is_ok());
        // The sites of a shared enum all carry its name: names may repeat.
        registry.types.insert("/components/schemas/B/properties/x".into(), named("B", &[]));
        assert!(registry.check_unique().is_ok());

        let mut twice = registry.clone();
        twice.types.insert("/components/schemas/C".into(), named("C", &["OldA"]));
        let error = twice.check_unique().unwrap_err().to_string();
        assert!(error.contains("the alias OldA is claimed by /components/schemas/A and /components/schemas/C"), "{error}");

        let mut shadowing = registry.clone();
        shadowing.types.insert("/components/schemas/D".into(), named("D", &["B"]));
        let error = shadowing.check_unique().unwrap_err().to_string();
        assert!(error.contains("keeps the alias B, which is the name of"), "{error}");
    }

    #[test]
    fn a_hand_edited_registry_is_read_with_its_errors_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("names.toml");
        assert_eq!(Registry::read_or_default(&path).unwrap(), Registry::default(), "no file yet: an empty registry");
        let mut one = Registry::default();
        one.types.insert("/components/schemas/A".into(), named("A", &[]));
        std::fs::write(&path, one.to_toml()).unwrap();
        assert_eq!(Registry::read_or_default(&path).unwrap(), one, "a file there is read");
        std::fs::write(&path, "[types.\"/components/schemas/A\"]\nname = \"A\"\nnickname = \"a\"\n").unwrap();
        let error = Registry::read(&path).unwrap_err().to_string();
        assert!(error.contains("names.toml") && error.contains("nickname"), "{error}");
        let mut registry = Registry::default();
        registry.types.insert("/components/schemas/A".into(), named("A", &["OldA"]));
        std::fs::write(&path, registry.to_toml()).unwrap();
        assert_eq!(Registry::read(&path).unwrap(), registry);
        assert!(registry.to_toml().starts_with("# The public names of atlas-admin"));
    }
}
