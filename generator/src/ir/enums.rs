//! One type where the spec repeats the same enum for the same meaning.
//!
//! The spec writes most string enums inline, once per property: the threshold operator
//! `{GREATER_THAN, LESS_THAN}` alone is 195 separate schemas. Lowering gives each its own
//! type; this pass then merges the enums that mean the same thing, by a rule stated here
//! and applied the same way on every spec:
//!
//! 1. **Same meaning** = the same set of values *and* the same property name (compared
//!    case- and punctuation-blind; an array's items by the singular of the array's name:
//!    `roles` -> `role`). A set of five or more values is a vocabulary (instance sizes,
//!    regions, analyzers, roles) and is merged whatever the property is called.
//! 2. A component enum with that value set is the shared type (it keeps its name).
//! 3. An enum used in one place keeps the name it has (owner + property).
//! 4. A shared type is named after the property (`ClusterType`, `IdpType`), unless another
//!    type has that name or another shared type wants it. Then the first of these that is
//!    free and wanted by no other group: the value for a one-value set (`AverageMode`); the
//!    words every owner's name shares (`MetricThresholdOperator`, `AlertStatus`); the
//!    values for a set of at most three (`AwsAzureGcpCloudProvider`); the name of its first
//!    site. A name two groups want at the same step goes to neither, so the result does not
//!    depend on the order of the spec.
//!
//! 5. A short reviewed list ([`REVIEWED`]) renames a few shared types whose rule-made name
//!    reads badly (`AwsAzureGcpCloudProvider` is `CloudProvider`), when that name is free.
//!
//! Merged types disappear; every reference points at the shared type, which gets a file of
//! its own and the first site's description (fields keep their own docs).

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;

use super::names;
use super::registry::Registry;
use super::{Model, TypeId, TypeKind, TypeRef};

/// Where an inline enum is used: the property (or parameter) it is the type of.
#[derive(Debug, Clone)]
pub struct EnumSite {
    pub id: TypeId,
    /// Wire name of the property or parameter (for array items, the array's).
    pub property: String,
    pub items: bool,
    /// Rust name of the type that holds the property (for a parameter, its tag).
    pub owner: String,
}

/// Reviewed names for shared types, by the name the rule gives them.
const REVIEWED: &[(&str, &str)] = &[
    // `cloudProvider` {AWS, AZURE, GCP}, 31 sites: the cloud provider, plainly.
    ("AwsAzureGcpCloudProvider", "CloudProvider"),
    // `providerName` {AWS, AZURE, GCP}, 14 sites.
    ("AwsAzureGcpProviderName", "CloudProviderName"),
    // The units of alert thresholds (`1000 requests`, `GB`, ...), 7 sites.
    ("AlertsThresholdIntegerUnits", "ThresholdUnits"),
    // AWS and Azure private-link connections and endpoint services.
    ("AwsPrivateLinkConnectionStatus", "EndpointServiceStatus"),
    // Azure private endpoints and GCP forwarding rules.
    ("AzurePrivateEndpointStatus", "PrivateEndpointConnectionStatus"),
    ("DataLakeDlsAwsStoreRegion", "DataLakeAwsRegion"),
    ("DataLakeDlsGcpStoreRegion", "DataLakeGcpRegion"),
];

/// Sets of this many values or more are vocabularies, merged across property names.
const VOCABULARY: usize = 5;

/// Words that say nothing about what an owner is, left out of owner-word names.
const FILLER: &[&str] = &["view", "request", "response", "item", "api", "update", "create"];

/// The sharing rule's key of a site: its value set, and its property unless the set is a
/// vocabulary.
fn site_key(model: &Model, site: &EnumSite) -> Option<(Vec<String>, String)> {
    let set = value_set(model, site.id)?;
    let property = if set.len() >= VOCABULARY { String::new() } else { stripped(&site.singular()) };
    Some((set, property))
}

/// Merges the enum sites that mean the same thing. Sites the registry of names lists stay
/// with the type they shipped as (which gains any value one of them adds: an additive
/// change); new sites join a shipped type of the same meaning, else are grouped by the rules.
pub fn share(model: &mut Model, sites: &[EnumSite], registry: &Registry) {
    // One site per inline enum type (inherited properties reuse their parent's type).
    let components: BTreeSet<TypeId> = model.components.values().copied().collect();
    let mut seen = BTreeSet::new();
    let sites: Vec<&EnumSite> = sites
        .iter()
        .filter(|s| seen.insert(s.id) && !components.contains(&s.id))
        .filter(|s| matches!(model.get(s.id).kind, TypeKind::Enum(_)))
        .collect();

    let mut component_sets: BTreeMap<Vec<String>, Vec<TypeId>> = BTreeMap::new();
    for id in &components {
        if let Some(set) = value_set(model, *id) {
            component_sets.entry(set).or_default().push(*id);
        }
    }

    // Shipped types: the sites the registry names, by the name they shipped under.
    let mut shipped: BTreeMap<String, Vec<&EnumSite>> = BTreeMap::new();
    let mut fresh = Vec::new();
    for site in sites {
        match registry.types.get(&model.get(site.id).pointer) {
            Some(names) => shipped.entry(names.name.clone()).or_default().push(site),
            None => fresh.push(site),
        }
    }
    // Enum components by the name they shipped under (the first, in id order).
    let mut shipped_components: BTreeMap<String, TypeId> = BTreeMap::new();
    for id in &components {
        if let Some(names) = registry.types.get(&model.get(*id).pointer) {
            if value_set(model, *id).is_some() {
                shipped_components.entry(names.name.clone()).or_insert(*id);
            }
        }
    }
    // A new site of a shipped meaning joins that shipped type. Each shipped type's members
    // are complete before its representative, home and doc are chosen, so that the next run,
    // which finds every one of them in the registry, chooses the same (a fixed point).
    let mut shipped_keys: BTreeMap<(Vec<String>, String), String> = BTreeMap::new();
    for (name, members) in &shipped {
        for m in members {
            if let Some(key) = site_key(model, m) {
                shipped_keys.entry(key).or_insert_with(|| name.clone());
            }
        }
    }
    let mut groups: BTreeMap<(Vec<String>, String), Vec<&EnumSite>> = BTreeMap::new();
    for site in fresh {
        let Some(key) = site_key(model, site) else { continue };
        match shipped_keys.get(&key) {
            Some(name) => shipped.get_mut(name).expect("keys come from shipped groups").push(site),
            None => groups.entry(key).or_default().push(site),
        }
    }

    let mut merged: BTreeMap<TypeId, TypeId> = BTreeMap::new();
    for (name, mut members) in shipped {
        members.sort_by(|a, b| model.get(a.id).pointer.cmp(&model.get(b.id).pointer));
        let component = shipped_components.get(&name);
        let target = component.copied().unwrap_or(members[0].id);
        // A shared type lives in a file of its own, as the rules put it.
        if component.is_none() && (members.len() > 1 || model.get(target).name != name) {
            let def = &mut model.types[target.0];
            def.home = name.clone();
            def.name = name.clone();
        }
        for m in &members {
            if m.id != target {
                merged.insert(m.id, target);
            }
        }
    }

    let mut unnamed: Vec<(TypeId, Vec<&EnumSite>)> = Vec::new();
    for ((set, _), mut members) in groups {
        members.sort_by(|a, b| model.get(a.id).pointer.cmp(&model.get(b.id).pointer));
        if let Some([component]) = component_sets.get(&set).map(Vec::as_slice) {
            for m in &members {
                merged.insert(m.id, *component);
            }
        } else if members.len() > 1 {
            let shared = members[0].id;
            for m in &members[1..] {
                merged.insert(m.id, shared);
            }
            unnamed.push((shared, members));
        }
    }

    // Names every other type keeps: a shared type may not take one.
    let renamed: BTreeSet<TypeId> = unnamed.iter().map(|(id, _)| *id).collect();
    let taken: BTreeSet<String> = model
        .types
        .iter()
        .enumerate()
        .filter(|(i, _)| !merged.contains_key(&TypeId(*i)) && !renamed.contains(&TypeId(*i)))
        .map(|(_, def)| def.name.clone())
        .chain(model.types.iter().map(|d| d.name.clone()).filter(|n| names::is_reserved_type(n)))
        // A new shared type never takes a shipped name.
        .chain(registry.types.values().flat_map(|n| std::iter::once(n.name.clone()).chain(n.aliases.iter().cloned())))
        .collect();
    let mut names = choose_names(model, &unnamed, &taken);
    let chosen: BTreeSet<String> = names.iter().map(|(_, n)| n.clone()).collect();
    for (_, name) in &mut names {
        if let Some((_, reviewed)) = REVIEWED.iter().find(|(rule, _)| rule == name) {
            if !taken.contains(*reviewed) && !chosen.contains(*reviewed) {
                *name = reviewed.to_string();
            }
        }
    }

    for (id, name) in names {
        let def = &mut model.types[id.0];
        def.home = name.clone();
        def.name = name;
    }
    for (from, to) in &merged {
        add_values(model, *from, *to);
        model.types[from.0].kind = TypeKind::Shared(*to);
    }
    redirect(model, &merged);
}

/// The values of `from` that `to` lacks, appended to `to` (a value added to one site of a
/// shared enum is a new variant of the shared type, not a new type for that site).
fn add_values(model: &mut Model, from: TypeId, to: TypeId) {
    let TypeKind::Enum(source) = &model.get(from).kind else { return };
    let source = source.values.clone();
    let TypeKind::Enum(target) = &mut model.types[to.0].kind else { return };
    for value in source {
        if !target.values.iter().any(|v| v.wire == value.wire) {
            target.values.push(value);
        }
    }
}

/// The values of a string enum, sorted (its identity as a set).
fn value_set(model: &Model, id: TypeId) -> Option<Vec<String>> {
    let TypeKind::Enum(e) = &model.get(id).kind else { return None };
    let mut values: Vec<String> = e.values.iter().map(|v| v.wire.clone()).collect();
    values.sort();
    values.dedup();
    (!values.is_empty()).then_some(values)
}

impl EnumSite {
    fn singular(&self) -> String {
        if self.items {
            singular(&self.property)
        } else {
            self.property.clone()
        }
    }
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("uses") || word.ends_with("sses") || word.ends_with("xes") {
        word[..word.len() - 2].to_string()
    } else if word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// `orgMembershipStatus` and `org_membership_status` compare equal.
fn stripped(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Step by step (bare property name, value, owner words, values, first site's name), each
/// group takes the first candidate that is free and that no other unnamed group wants at
/// the same step.
fn choose_names(model: &Model, groups: &[(TypeId, Vec<&EnumSite>)], taken: &BTreeSet<String>) -> Vec<(TypeId, String)> {
    let mut taken = taken.clone();
    let mut named: Vec<(TypeId, String)> = Vec::new();
    let mut pending: Vec<usize> = (0..groups.len()).collect();
    for step in 0..5 {
        let wants: Vec<(usize, Option<String>)> =
            pending.iter().map(|&g| (g, candidate(model, &groups[g].1, step))).collect();
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for name in wants.iter().filter_map(|(_, n)| n.as_deref()) {
            *count.entry(name).or_default() += 1;
        }
        let mut still = Vec::new();
        for (g, name) in &wants {
            match name {
                Some(name) if count[name.as_str()] == 1 && !taken.contains(name) && !names::is_reserved_type(name) => {
                    taken.insert(name.clone());
                    named.push((groups[*g].0, name.clone()));
                }
                _ => still.push(*g),
            }
        }
        pending = still;
    }
    // The first site's own name is unique already; nothing is left after step 4.
    named
}

fn candidate(model: &Model, sites: &[&EnumSite], step: usize) -> Option<String> {
    let bare = bare_name(sites);
    let values = match &model.get(sites[0].id).kind {
        TypeKind::Enum(e) => e.values.iter().map(|v| v.wire.clone()).collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    match step {
        0 => Some(bare),
        1 => (values.len() == 1).then(|| format!("{}{bare}", names::type_name(&values[0]))),
        2 => owner_words(sites, &bare).map(|words| format!("{words}{bare}")),
        3 => (values.len() <= 3).then(|| format!("{}{bare}", names::type_name(&values.join(" ")))),
        _ => Some(model.get(sites[0].id).name.clone()),
    }
}

/// The property's name: the most frequent spelling among the sites (ties alphabetical).
fn bare_name(sites: &[&EnumSite]) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for site in sites {
        *counts.entry(names::type_name(&site.singular())).or_default() += 1;
    }
    let best = counts.values().copied().max().unwrap_or(0);
    counts.into_iter().find(|(_, n)| *n == best).map(|(name, _)| name).unwrap_or_default()
}

/// The words every owner's name shares (compared in the singular), in the first owner's
/// order and spelling, leaving out filler and the property's own words, as a name prefix.
fn owner_words(sites: &[&EnumSite], bare: &str) -> Option<String> {
    let bare_words: BTreeSet<String> = bare.to_snake_case().split('_').map(singular).collect();
    let words = |owner: &str| -> Vec<(String, String)> {
        owner
            .to_snake_case()
            .split('_')
            .map(|w| (w.to_string(), singular(w)))
            .filter(|(_, key)| !key.is_empty() && !FILLER.contains(&key.as_str()) && !bare_words.contains(key))
            .collect()
    };
    let others: Vec<BTreeSet<String>> =
        sites[1..].iter().map(|s| words(&s.owner).into_iter().map(|(_, key)| key).collect()).collect();
    let mut unique: Vec<String> = Vec::new();
    for (word, key) in words(&sites[0].owner) {
        if others.iter().all(|o| o.contains(&key)) && !unique.contains(&word) {
            unique.push(word);
        }
    }
    (!unique.is_empty()).then(|| names::type_name(&unique.join(" ")))
}

/// Points every reference to a merged type at the type it was merged into.
fn redirect(model: &mut Model, merged: &BTreeMap<TypeId, TypeId>) {
    let fix = |ty: &mut TypeRef| redirect_ref(ty, merged);
    for def in &mut model.types {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                s.fields.iter_mut().for_each(|f| fix(&mut f.ty));
                if let Some((_, ty)) = &mut s.additional {
                    fix(ty);
                }
            }
            TypeKind::Untagged(u) => u.variants.iter_mut().for_each(|v| fix(&mut v.ty)),
            TypeKind::Alias(ty) => fix(ty),
            TypeKind::Tagged(t) => t.variants.iter_mut().for_each(|v| {
                if let Some(to) = merged.get(&v.ty) {
                    v.ty = *to;
                }
            }),
            TypeKind::Enum(_) | TypeKind::Newtype { .. } | TypeKind::Shared(_) | TypeKind::Pending => {}
        }
    }
    for op in &mut model.operations {
        op.parameters.iter_mut().for_each(|p| fix(&mut p.ty));
        let bodies = op.body.iter_mut().flat_map(|b| b.contents.iter_mut());
        let responses = op.responses.iter_mut().flat_map(|r| r.contents.iter_mut());
        for content in bodies.chain(responses) {
            if let Some(ty) = &mut content.ty {
                fix(ty);
            }
        }
    }
    model.examples.iter_mut().for_each(|e| fix(&mut e.ty));
}

fn redirect_ref(ty: &mut TypeRef, merged: &BTreeMap<TypeId, TypeId>) {
    match ty {
        TypeRef::Named(id) => {
            if let Some(to) = merged.get(id) {
                *id = *to;
            }
        }
        TypeRef::Vec(inner) | TypeRef::Map(inner) => redirect_ref(inner, merged),
        TypeRef::Builtin(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singulars_and_stripped_names() {
        assert_eq!(singular("roles"), "role");
        assert_eq!(singular("orgMembershipStatuses"), "orgMembershipStatus");
        assert_eq!(singular("frequencies"), "frequency");
        assert_eq!(singular("status"), "status");
        assert_eq!(stripped("org_membership-Status"), "orgmembershipstatus");
    }

    #[test]
    fn owner_words_are_what_every_owner_shares() {
        let site = |owner: &str| EnumSite { id: TypeId(0), property: "operator".into(), items: false, owner: owner.into() };
        let (a, b) = (site("AssetMetricThresholdView"), site("HostMetricThresholdView"));
        assert_eq!(owner_words(&[&a, &b], "Operator").as_deref(), Some("MetricThreshold"));
        let (c, d) = (site("Cat"), site("Dog"));
        assert_eq!(owner_words(&[&c, &d], "Operator"), None);
        // The property's own words and plural spellings do not repeat: `AwsRegion`, not `AwRegionRegion`.
        let (e, f) = (site("AwsDataProcessRegionView"), site("AwsDataProcessRegions"));
        assert_eq!(owner_words(&[&e, &f], "Region").as_deref(), Some("AwsDataProcess"));
    }
}
