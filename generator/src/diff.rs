//! What changed between two generations, as a user of `atlas-admin` sees it: computed on the
//! intermediate models and their public Rust names (the registry's), never on YAML text.
//!
//! Each change is classified by what it does to Rust code that compiles today: *breaking*
//! (it may stop compiling, or a call sends or returns something else) or *additive*. The
//! policies behind the classification:
//! * generated enums are `#[non_exhaustive]`, so a new value or variant is additive;
//! * models are built with `..Default::default()`, so a new *optional* field is additive; a
//!   new required one is breaking (requests must now set it);
//! * a tighter constraint is breaking (`validate()` refuses what it accepted), a looser one
//!   additive;
//! * a rename that keeps the shipped name as a deprecated alias is additive.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::ir::registry::{resolve_shared, type_key};
use crate::ir::{Constraints, Model, Operation, TypeId, TypeKind, TypeRef};

/// One generation's side of a diff.
pub struct Side<'a> {
    pub model: &'a Model,
    /// The API date the crate targets.
    pub api_version: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Operation,
    Model,
    Field,
    Enum,
    Constraint,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub breaking: bool,
    pub kind: Kind,
    /// `added`, `removed`, `renamed`, `deprecated`, `retyped`, `required`, `optional`,
    /// `version added`, `version changed`, `value added`, `value removed`, `tightened`,
    /// `loosened`, `pattern changed`, `moved`, `tag renamed`.
    pub change: String,
    /// The Rust path a user knows it by (`clusters::list_clusters`, `models::Group.name`).
    pub item: String,
    pub detail: String,
}

/// The release a change needs, weakest first (so the strongest of several is their `max`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    None,
    Patch,
    Minor,
}

impl Bump {
    /// The word a report's `Semver:` line starts with (and JSON's `bump`).
    pub fn word(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
        }
    }

    /// The bump a [`Bump::word`] names.
    pub fn from_word(word: &str) -> Option<Bump> {
        [Bump::None, Bump::Patch, Bump::Minor].into_iter().find(|b| b.word() == word)
    }

    /// What the bump means for users, after its word.
    pub fn meaning(self) -> &'static str {
        match self {
            Bump::Minor => "breaking changes; 0.x rules",
            Bump::Patch => "additive changes only",
            Bump::None => "no change a user can see",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub changes: Vec<Change>,
    pub bump: Bump,
    /// Operations that gained a dated version after the pinned API date (the plain method
    /// still sends the pinned one): `operationId` -> the new versions.
    pub newer_versions: BTreeMap<String, Vec<String>>,
    /// Public names of the old crate that are gone although what they named is still there.
    pub vanished_names: Vec<String>,
    pub counts: Counts,
    /// What the generator worked around in the new spec ([`crate::ir::Model::warnings`]).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub operations_added: usize,
    pub operations_removed: usize,
    pub operations_renamed: usize,
    pub models_added: usize,
    pub models_removed: usize,
    pub models_renamed: usize,
    pub breaking: usize,
    pub additive: usize,
}

fn change(breaking: bool, kind: Kind, change: &str, item: String, detail: String) -> Change {
    Change { breaking, kind, change: change.to_string(), item, detail }
}

/// The changes from `old` to `new`. `new` must have been lowered with the registry of `old`
/// (so shipped names are kept and renames recognised).
pub fn diff(old: &Side, new: &Side) -> Report {
    let mut changes = Vec::new();
    let mut vanished = Vec::new();
    let mut counts = Counts::default();
    diff_operations(old, new, &mut changes, &mut vanished, &mut counts);
    diff_types(old.model, new.model, &mut changes, &mut vanished, &mut counts);
    let newer_versions = newer_versions(old, new);
    changes.sort();
    changes.dedup();
    counts.breaking = changes.iter().filter(|c| c.breaking).count();
    counts.additive = changes.len() - counts.breaking;
    let bump = if counts.breaking > 0 {
        Bump::Minor
    } else if changes.is_empty() {
        Bump::None
    } else {
        Bump::Patch
    };
    Report { changes, bump, newer_versions, vanished_names: vanished, counts, warnings: new.model.warnings.clone() }
}

fn module_of<'m>(model: &'m Model, op: &'m Operation) -> &'m str {
    model.modules.get(&op.tag).map(String::as_str).unwrap_or(&op.tag)
}

fn diff_operations(old: &Side, new: &Side, out: &mut Vec<Change>, vanished: &mut Vec<String>, counts: &mut Counts) {
    let renamed_to: BTreeMap<&str, &str> = new
        .model
        .upstream_renames
        .iter()
        .filter(|r| r.kind == "operation")
        .map(|r| (r.old_key.as_str(), r.new_key.as_str()))
        .collect();
    for tag in new.model.upstream_renames.iter().filter(|r| r.kind == "module") {
        out.push(change(
            false,
            Kind::Operation,
            "tag renamed",
            tag.new_name.clone(),
            format!("tag `{}` is `{}` now; the module keeps its name", tag.old_key, tag.new_key),
        ));
    }
    let new_ops: BTreeMap<&str, &Operation> = new.model.operations.iter().map(|op| (op.id.as_str(), op)).collect();
    let mut matched = BTreeSet::new();
    for op in &old.model.operations {
        let old_item = format!("{}::{}", module_of(old.model, op), op.name);
        let new_id = renamed_to.get(op.id.as_str()).copied().unwrap_or(&op.id);
        let Some(now) = new_ops.get(new_id) else {
            counts.operations_removed += 1;
            out.push(change(true, Kind::Operation, "removed", old_item, format!("`{}` `{} {}`", op.id, op.method, op.path)));
            continue;
        };
        matched.insert(now.id.as_str());
        let new_item = format!("{}::{}", module_of(new.model, now), now.name);
        let callable = now.name == op.name || now.deprecated_names.contains(&op.name);
        if new_id != op.id || now.name != op.name {
            counts.operations_renamed += 1;
            out.push(change(
                !callable || module_of(old.model, op) != module_of(new.model, now),
                Kind::Operation,
                "renamed",
                old_item.clone(),
                format!("`{}` is `{}` now, `{new_item}`{}", op.id, now.id, if callable && now.name != op.name { " (the old method stays, deprecated)" } else { "" }),
            ));
        }
        if !callable || module_of(old.model, op) != module_of(new.model, now) {
            vanished.push(old_item.clone());
        }
        if (&now.method, &now.path) != (&op.method, &op.path) {
            out.push(change(true, Kind::Operation, "moved", new_item.clone(), format!("`{} {}` -> `{} {}`", op.method, op.path, now.method, now.path)));
        }
        if now.deprecated && !op.deprecated {
            out.push(change(false, Kind::Operation, "deprecated", new_item.clone(), format!("`{}`", now.id)));
        }
        let before: BTreeSet<&str> = op.versions().into_iter().collect();
        for version in now.versions().into_iter().filter(|v| !before.contains(v)) {
            out.push(change(false, Kind::Operation, "version added", new_item.clone(), format!("`{}` answers in version {version}", now.id)));
        }
        for version in op.versions().into_iter().filter(|v| !now.versions().contains(v)) {
            out.push(change(true, Kind::Operation, "version removed", new_item.clone(), format!("`{}` no longer has version {version}", now.id)));
        }
        let (was, is) = (op.version_for(old.api_version), now.version_for(new.api_version));
        if was != is {
            out.push(change(
                true,
                Kind::Operation,
                "version changed",
                new_item.clone(),
                format!("the plain method sends {} instead of {}", is.unwrap_or("no version"), was.unwrap_or("no version")),
            ));
        }
    }
    for op in &new.model.operations {
        if !matched.contains(op.id.as_str()) {
            counts.operations_added += 1;
            out.push(change(
                false,
                Kind::Operation,
                "added",
                format!("{}::{}", module_of(new.model, op), op.name),
                format!("`{}` `{} {}`", op.id, op.method, op.path),
            ));
        }
    }
}

/// Emitted types by registry key.
fn emitted(model: &Model) -> BTreeMap<String, TypeId> {
    (0..model.types.len())
        .map(TypeId)
        .filter(|id| !matches!(model.get(*id).kind, TypeKind::Shared(_) | TypeKind::Pending))
        .map(|id| (type_key(model.get(id)), id))
        .collect()
}

/// Every type key, merged enum sites included, to the emitted type it is now.
fn all_keys(model: &Model) -> BTreeMap<String, TypeId> {
    (0..model.types.len())
        .map(TypeId)
        .filter(|id| !matches!(model.get(*id).kind, TypeKind::Pending))
        .map(|id| (type_key(model.get(id)), resolve_shared(model, id)))
        .collect()
}

fn diff_types(old: &Model, new: &Model, out: &mut Vec<Change>, vanished: &mut Vec<String>, counts: &mut Counts) {
    // A renamed component's keys moved with it.
    let moves: Vec<(String, String)> =
        new.upstream_renames.iter().filter(|r| r.kind == "model").map(|r| (r.old_key.clone(), r.new_key.clone())).collect();
    let translate = |key: &str| crate::ir::registry::move_key(key, &moves);
    let new_keys = all_keys(new);
    let new_names: BTreeSet<&str> = emitted(new)
        .values()
        .flat_map(|id| std::iter::once(new.get(*id).name.as_str()).chain(new.get(*id).aliases.iter().map(String::as_str)))
        .collect();
    let old_names: BTreeSet<&str> = emitted(old).values().map(|id| old.get(*id).name.as_str()).collect();
    let mut seen_new: BTreeSet<TypeId> = BTreeSet::new();
    for (key, old_id) in emitted(old) {
        let old_def = old.get(old_id);
        let item = format!("models::{}", old_def.name);
        match new_keys.get(&translate(&key)) {
            None if new_names.contains(old_def.name.as_str()) => {}
            None => {
                counts.models_removed += 1;
                out.push(change(true, Kind::Model, "removed", item, format!("`{}`", old_def.pointer)));
            }
            Some(new_id) => {
                let new_def = new.get(*new_id);
                seen_new.insert(*new_id);
                if new_def.name != old_def.name {
                    // The old name either stays as this type's alias, or now names another
                    // type (code using it gets that type: breaking, but no vanished name), or
                    // is gone.
                    let aliased = new_def.aliases.contains(&old_def.name);
                    let reused = !aliased && new_names.contains(old_def.name.as_str());
                    if !aliased && !reused {
                        vanished.push(item.clone());
                    }
                    if !matches!(old_def.kind, TypeKind::Enum(_)) || !aliased {
                        counts.models_renamed += 1;
                        let note = match (aliased, reused) {
                            (true, _) => " (the old name stays, a deprecated alias)",
                            (false, true) => " (the old name now names another type)",
                            (false, false) => "",
                        };
                        out.push(change(!aliased, Kind::Model, "renamed", item.clone(), format!("now `{}`{note}", new_def.name)));
                    }
                }
                diff_members(old, old_def, new, new_def, out, vanished);
            }
        }
    }
    for (key, id) in emitted(new) {
        let def = new.get(id);
        if !seen_new.contains(&id) && !old_names.contains(def.name.as_str()) {
            counts.models_added += 1;
            out.push(change(false, Kind::Model, "added", format!("models::{}", def.name), format!("`{key}`")));
        }
    }
}

fn diff_members(old: &Model, old_def: &crate::ir::TypeDef, new: &Model, new_def: &crate::ir::TypeDef, out: &mut Vec<Change>, vanished: &mut Vec<String>) {
    let owner = &new_def.name;
    match (&old_def.kind, &new_def.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => {
            let before: BTreeMap<&str, &crate::ir::Field> = a.fields.iter().map(|f| (f.wire.as_str(), f)).collect();
            let after: BTreeMap<&str, &crate::ir::Field> = b.fields.iter().map(|f| (f.wire.as_str(), f)).collect();
            for (wire, f) in &before {
                let item = format!("models::{owner}.{}", f.ident);
                let Some(g) = after.get(wire) else {
                    out.push(change(true, Kind::Field, "removed", item, format!("`{wire}`")));
                    continue;
                };
                if g.ident != f.ident {
                    vanished.push(item.clone());
                    out.push(change(true, Kind::Field, "renamed", item.clone(), format!("now `{}`", g.ident)));
                }
                let (was, is) = (ty_text(old, &f.ty), ty_text(new, &g.ty));
                if was != is {
                    out.push(change(true, Kind::Field, "retyped", item.clone(), format!("`{was}` -> `{is}`")));
                }
                if f.is_optional() != g.is_optional() || f.is_double_option() != g.is_double_option() {
                    let what = if g.is_optional() { "optional" } else { "required" };
                    out.push(change(true, Kind::Field, what, item.clone(), format!("`{wire}` is {what} now")));
                }
                diff_constraints(&item, &f.constraints, &g.constraints, out);
            }
            for (wire, g) in &after {
                if !before.contains_key(wire) {
                    let item = format!("models::{owner}.{}", g.ident);
                    let required = !g.is_optional();
                    out.push(change(required, Kind::Field, "added", item, format!("`{wire}`{}", if required { ", required" } else { "" })));
                }
            }
        }
        (TypeKind::Enum(a), TypeKind::Enum(b)) => {
            let before: BTreeMap<&str, &str> = a.values.iter().map(|v| (v.wire.as_str(), v.variant.as_str())).collect();
            let after: BTreeMap<&str, &str> = b.values.iter().map(|v| (v.wire.as_str(), v.variant.as_str())).collect();
            for (wire, variant) in &before {
                match after.get(wire) {
                    None => out.push(change(true, Kind::Enum, "value removed", format!("models::{owner}::{variant}"), format!("`{wire}`"))),
                    Some(now) if now != variant => {
                        vanished.push(format!("models::{owner}::{variant}"));
                        out.push(change(true, Kind::Enum, "renamed", format!("models::{owner}::{variant}"), format!("now `{now}`")));
                    }
                    Some(_) => {}
                }
            }
            for (wire, variant) in &after {
                if !before.contains_key(wire) {
                    out.push(change(false, Kind::Enum, "value added", format!("models::{owner}::{variant}"), format!("`{wire}`")));
                }
            }
        }
        (TypeKind::Tagged(_) | TypeKind::Untagged(_), TypeKind::Tagged(_) | TypeKind::Untagged(_)) => {
            let (before, after) = (variant_names(old_def), variant_names(new_def));
            for v in before.difference(&after) {
                out.push(change(true, Kind::Enum, "variant removed", format!("models::{owner}::{v}"), String::new()));
            }
            for v in after.difference(&before) {
                out.push(change(false, Kind::Enum, "variant added", format!("models::{owner}::{v}"), String::new()));
            }
        }
        (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
            out.push(change(true, Kind::Model, "retyped", format!("models::{owner}"), format!("a {} now, was a {}", kind_name(b), kind_name(a))));
        }
        _ => {}
    }
}

fn variant_names(def: &crate::ir::TypeDef) -> BTreeSet<String> {
    match &def.kind {
        TypeKind::Tagged(t) => t.variants.iter().map(|v| v.name.clone()).collect(),
        TypeKind::Untagged(u) => u.variants.iter().map(|v| v.name.clone()).collect(),
        _ => BTreeSet::new(),
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "string enum",
        TypeKind::Tagged(_) | TypeKind::Untagged(_) => "union",
        TypeKind::Alias(_) => "type alias",
        TypeKind::Newtype { .. } => "validated string",
        TypeKind::Shared(_) | TypeKind::Pending => "merged type",
    }
}

/// How a type is written in Rust, by public names.
fn ty_text(model: &Model, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(id) => model.get(resolve_shared(model, *id)).name.clone(),
        TypeRef::Builtin(b) => format!("{b:?}"),
        TypeRef::Vec(inner) => format!("Vec<{}>", ty_text(model, inner)),
        TypeRef::Map(inner) => format!("Map<{}>", ty_text(model, inner)),
    }
}

/// A bound that appears or moves inward tightens; one that disappears or moves outward
/// loosens. A changed pattern is breaking: nothing proves it accepts all it did.
fn diff_constraints(item: &str, a: &Constraints, b: &Constraints, out: &mut Vec<Change>) {
    let mut tight = Vec::new();
    let mut loose = Vec::new();
    let mut lower = |name: &str, was: Option<f64>, is: Option<f64>| match (was, is) {
        (None, Some(v)) => tight.push(format!("{name} {v}")),
        (Some(v), None) => loose.push(format!("no {name} (was {v})")),
        (Some(x), Some(y)) if y > x => tight.push(format!("{name} {x} -> {y}")),
        (Some(x), Some(y)) if y < x => loose.push(format!("{name} {x} -> {y}")),
        _ => {}
    };
    lower("minimum", a.minimum, b.minimum);
    lower("minLength", a.min_length.map(|v| v as f64), b.min_length.map(|v| v as f64));
    lower("minItems", a.min_items.map(|v| v as f64), b.min_items.map(|v| v as f64));
    let neg = |v: Option<f64>| v.map(|v| -v);
    let neg_u = |v: Option<u64>| v.map(|v| -(v as f64));
    let mut upper = |name: &str, was: Option<f64>, is: Option<f64>| match (was, is) {
        (None, Some(v)) => tight.push(format!("{name} {}", -v)),
        (Some(v), None) => loose.push(format!("no {name} (was {})", -v)),
        (Some(x), Some(y)) if y > x => tight.push(format!("{name} {} -> {}", -x, -y)),
        (Some(x), Some(y)) if y < x => loose.push(format!("{name} {} -> {}", -x, -y)),
        _ => {}
    };
    upper("maximum", neg(a.maximum), neg(b.maximum));
    upper("maxLength", neg_u(a.max_length), neg_u(b.max_length));
    upper("maxItems", neg_u(a.max_items), neg_u(b.max_items));
    match (&a.pattern, &b.pattern) {
        (None, Some(p)) => tight.push(format!("pattern `{p}`")),
        (Some(p), None) => loose.push(format!("no pattern (was `{p}`)")),
        // Whether one regex accepts all another did is not decidable here: counted as
        // breaking, but not called a tightening.
        (Some(x), Some(y)) if x != y => {
            out.push(change(true, Kind::Constraint, "pattern changed", item.to_string(), format!("`{x}` -> `{y}`")))
        }
        _ => {}
    }
    if !tight.is_empty() {
        out.push(change(true, Kind::Constraint, "tightened", item.to_string(), tight.join(", ")));
    }
    if !loose.is_empty() {
        out.push(change(false, Kind::Constraint, "loosened", item.to_string(), loose.join(", ")));
    }
}

/// Operations whose new spec has a dated version after the pinned API date that the old one
/// did not have.
fn newer_versions(old: &Side, new: &Side) -> BTreeMap<String, Vec<String>> {
    let before: BTreeMap<&str, Vec<&str>> = old.model.operations.iter().map(|op| (op.id.as_str(), op.versions())).collect();
    let mut out = BTreeMap::new();
    for op in &new.model.operations {
        let had = before.get(op.id.as_str()).cloned().unwrap_or_default();
        let newer: Vec<String> = op
            .versions()
            .into_iter()
            .filter(|v| *v != "preview" && *v > new.api_version && !had.contains(v))
            .map(str::to_owned)
            .collect();
        if !newer.is_empty() {
            out.insert(op.id.clone(), newer);
        }
    }
    out
}

impl Report {
    /// The report as Markdown, for a pull request: its title a level-2 heading.
    pub fn markdown(&self, title: &str, version: Option<(&str, &str)>) -> String {
        self.markdown_at(2, title, version)
    }

    /// The report as Markdown with its title a heading of `level` (its sections one below):
    /// a changelog entry sits under its release's heading.
    pub fn markdown_at(&self, level: usize, title: &str, version: Option<(&str, &str)>) -> String {
        let (title_hashes, section) = ("#".repeat(level), "#".repeat(level + 1));
        let mut md = format!("{title_hashes} {title}\n\n");
        let bump = format!("{} ({})", self.bump.word(), self.bump.meaning());
        match version {
            Some((from, to)) => md.push_str(&format!("Semver: **{bump}**: {from} -> {to}.\n\n")),
            None => md.push_str(&format!("Semver: **{bump}**.\n\n")),
        }
        let c = &self.counts;
        md.push_str(&format!(
            "| | added | removed | renamed |\n| --- | --- | --- | --- |\n| operations | {} | {} | {} |\n| models | {} | {} | {} |\n\n\
             {} breaking, {} additive changes; {} public names gone although what they named is still there.\n\n",
            c.operations_added, c.operations_removed, c.operations_renamed, c.models_added, c.models_removed, c.models_renamed,
            c.breaking, c.additive, self.vanished_names.len()
        ));
        for (breaking, heading) in [(true, "Breaking"), (false, "Additive")] {
            let items: Vec<&Change> = self.changes.iter().filter(|c| c.breaking == breaking).collect();
            if items.is_empty() {
                continue;
            }
            md.push_str(&format!("{section} {heading} ({})\n\n", items.len()));
            for c in items {
                let detail = if c.detail.is_empty() { String::new() } else { format!(": {}", c.detail) };
                md.push_str(&format!("- {} {}: `{}`{detail}\n", c.kind.word(), c.change, c.item));
            }
            md.push('\n');
        }
        if !self.newer_versions.is_empty() {
            md.push_str(&format!(
                "{section} Newer API versions after the pinned API date ({})\n\nThe plain methods still send the pinned version; \
                 the new ones are the `_vYYYY_MM_DD` methods. To move: `cargo xtask generate --api-version YYYY-MM-DD`.\n\n",
                self.newer_versions.len()
            ));
            for (op, versions) in &self.newer_versions {
                md.push_str(&format!("- `{op}`: {}\n", versions.join(", ")));
            }
            md.push('\n');
        }
        if !self.warnings.is_empty() {
            md.push_str(&format!("{section} Worked around in the spec ({})\n\n", self.warnings.len()));
            for warning in &self.warnings {
                md.push_str(&format!("- {warning}\n"));
            }
            md.push('\n');
        }
        md
    }
}

impl Kind {
    fn word(&self) -> &'static str {
        match self {
            Kind::Operation => "operation",
            Kind::Model => "model",
            Kind::Field => "field",
            Kind::Enum => "enum",
            Kind::Constraint => "constraint",
        }
    }
}

/// The next version of a 0.x crate under `bump`.
pub fn next_version(current: &str, bump: Bump) -> String {
    let parts: Vec<u64> = current.split('.').filter_map(|p| p.parse().ok()).collect();
    let [major, minor, patch] = parts[..] else { return current.to_string() };
    match (bump, major) {
        (Bump::None, _) => current.to_string(),
        (Bump::Minor, 0) => format!("0.{}.0", minor + 1),
        (Bump::Minor, _) => format!("{}.0.0", major + 1),
        (Bump::Patch, _) => format!("{major}.{minor}.{}", patch + 1),
    }
}
