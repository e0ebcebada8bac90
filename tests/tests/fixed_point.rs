//! Generation is a fixed point of its registry of names: generating a spec again with the
//! registry a generation wrote gives the same files, the same features tables and the same
//! registry. That is what makes `cargo xtask check` clean right after every `spec update`
//! (an update generates the new spec with the old registry; `check` generates it again with
//! the registry the update wrote).
//!
//! Here on synthetic variants of the locked spec, each a way the spec's order or its sites
//! could move: components reordered, properties (so shared enums' sites) reordered, the
//! first site of a shared enum removed, a new site that sorts before every other. The real
//! specs, each updated to each other both ways, are the ignored test at the end
//! (`cargo test -p atlas-admin-tests --test fixed_point -- --ignored`, a few minutes) and
//! `cargo xtask spec walk` in CI.

use std::path::{Path, PathBuf};

use generator::ir::registry::Registry;
use generator::{Generation, Paths};
use serde_json::Value;

fn paths() -> Paths {
    Paths::new(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap())
}

fn generate(spec: &Path, spec_date: &str, names: &Registry) -> Generation {
    let paths = paths();
    let lock = generator::lock::SpecLock::read(&paths.lock).unwrap();
    generator::generate_with(&generator::Inputs {
        fixes: Some(&paths.fixes),
        spec_date: Some(spec_date),
        api_version: lock.api_version.as_deref(),
        names: Some(names),
        cache_dir: Some(Path::new(env!("CARGO_TARGET_TMPDIR"))),
        ..generator::Inputs::new(spec)
    })
    .unwrap_or_else(|e| panic!("{}: {e}", spec.display()))
}

/// Generates `spec` with `names`, then again with the registry that wrote, and asserts the
/// two agree in every file, both features tables and the registry. Returns the first.
fn assert_fixed_point(spec: &Path, spec_date: &str, names: &Registry, case: &str) -> Generation {
    let first = generate(spec, spec_date, names);
    let second = generate(spec, spec_date, &first.names);
    let files = |g: &Generation| g.tree.files.keys().cloned().collect::<std::collections::BTreeSet<_>>();
    let (before, after) = (files(&first), files(&second));
    let moved: Vec<&String> = before.symmetric_difference(&after).collect();
    assert!(moved.is_empty(), "{case}: generating again with the registry written moves files: {moved:?}");
    let changed: Vec<&String> = first.tree.files.iter().filter(|(path, text)| second.tree.files[*path] != **text).map(|(p, _)| p).collect();
    assert!(changed.is_empty(), "{case}: generating again with the registry written changes {changed:?}");
    assert_eq!(first.features.client, second.features.client, "{case}: the client's features table changes");
    assert_eq!(first.features.models, second.features.models, "{case}: the models' features table changes");
    if first.names != second.names {
        let (a, b) = (first.names.to_toml(), second.names.to_toml());
        let diff = similar::TextDiff::from_lines(&a, &b).unified_diff().context_radius(1).to_string();
        panic!("{case}: generating again with the registry written changes the registry:\n{}", diff.lines().take(60).collect::<Vec<_>>().join("\n"));
    }
    first
}

fn locked() -> (PathBuf, String) {
    let paths = paths();
    let lock = generator::lock::SpecLock::read(&paths.lock).unwrap();
    (paths.resolve_spec(None).unwrap_or_else(|e| panic!("the locked spec is needed: {e}")), lock.spec_date)
}

fn shipped_names() -> Registry {
    Registry::read(&paths().names).unwrap()
}

/// The locked spec as JSON, edited, written to a scratch file.
fn variant(dir: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let (spec, _) = locked();
    let mut document = generator::parse::parse_document(&spec, &std::fs::read(&spec).unwrap()).unwrap();
    edit(&mut document);
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_vec(&document).unwrap()).unwrap();
    path
}

fn reversed(map: &mut serde_json::Map<String, Value>) {
    let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().rev().collect();
    map.extend(entries);
}

fn schemas(document: &mut Value) -> &mut serde_json::Map<String, Value> {
    document.pointer_mut("/components/schemas").and_then(Value::as_object_mut).unwrap()
}

/// The sites of the shipped `ClusterType` enum, by pointer (the first is where it is emitted).
fn cluster_type_sites(names: &Registry) -> Vec<String> {
    names.types.iter().filter(|(key, n)| n.name == "ClusterType" && key.ends_with("/clusterType")).map(|(k, _)| k.clone()).collect()
}

#[test]
fn components_in_another_order_generate_the_same_crate_and_are_a_fixed_point() {
    let dir = tempfile::tempdir().unwrap();
    let (spec, date) = locked();
    let spec_reversed = variant(dir.path(), "components-reversed", |d| reversed(schemas(d)));
    let names = shipped_names();
    let reordered = assert_fixed_point(&spec_reversed, &date, &names, "components reversed");
    let as_locked = generate(&spec, &date, &names);
    let changed: Vec<&String> = as_locked.tree.files.iter().filter(|(p, t)| reordered.tree.files.get(*p) != Some(*t)).map(|(p, _)| p).collect();
    assert!(changed.is_empty(), "the order of the components changes {changed:?}");
    assert!(reordered.names == as_locked.names, "the order of the components changes the registry");
}

#[test]
fn shared_enum_sites_in_another_order_are_a_fixed_point() {
    let dir = tempfile::tempdir().unwrap();
    let (_, date) = locked();
    let spec = variant(dir.path(), "properties-reversed", |d| {
        for schema in schemas(d).values_mut() {
            if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
                reversed(properties);
            }
        }
        if let Some(paths) = d.get_mut("paths").and_then(Value::as_object_mut) {
            reversed(paths);
        }
    });
    assert_fixed_point(&spec, &date, &shipped_names(), "properties and paths reversed");
    assert_fixed_point(&spec, &date, &Registry::default(), "properties and paths reversed, no names");
}

#[test]
fn a_shared_enum_whose_first_site_vanished_is_a_fixed_point_and_keeps_its_names() {
    let dir = tempfile::tempdir().unwrap();
    let (_, date) = locked();
    let names = shipped_names();
    let sites = cluster_type_sites(&names);
    assert!(sites.len() > 2, "ClusterType is shared by several properties: {sites:?}");
    let first = sites[0].clone();
    let (owner, property) = first.rsplit_once("/properties/").unwrap();
    let spec = variant(dir.path(), "first-site-removed", |d| {
        let owner = d.pointer_mut(owner).unwrap();
        owner["properties"].as_object_mut().unwrap().shift_remove(property);
        if let Some(required) = owner.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|r| r != property);
        }
    });
    // A variant renamed by hand in the registry (a deliberate rename), so that its name is
    // the registry's and not the rules'.
    let mut names = names;
    let variants = &mut names.types.get_mut(&first).unwrap().variants;
    let (wire, variant) = variants.iter_mut().find(|(wire, _)| !wire.starts_with('<')).unwrap();
    let (wire, renamed) = (wire.clone(), format!("{variant}Renamed"));
    *variant = renamed.clone();
    let generation = assert_fixed_point(&spec, &date, &names, "the first site of ClusterType removed");
    // The type is now emitted at its next site, under its name, with the variants it shipped.
    let emitted = &generation.names.types[&sites[1]];
    assert_eq!(emitted.name, "ClusterType");
    assert_eq!(emitted.variants, names.types[&first].variants, "the shipped variants' names stay with the type");
    assert_eq!(emitted.variants[&wire], renamed);
}

#[test]
fn a_new_site_that_sorts_first_joins_its_shared_enum_as_a_fixed_point() {
    let dir = tempfile::tempdir().unwrap();
    let (_, date) = locked();
    let names = shipped_names();
    let sites = cluster_type_sites(&names);
    let spec = variant(dir.path(), "new-first-site", |d| {
        let enum_schema = d.pointer(&sites[0]).unwrap().clone();
        let probe = serde_json::json!({
            "type": "object",
            "description": "A schema that sorts before every other.",
            "properties": { "clusterType": enum_schema },
        });
        let all = schemas(d);
        all.insert("AaaFirstSite".into(), probe);
    });
    let generation = assert_fixed_point(&spec, &date, &names, "a new first site of ClusterType");
    let new_site = "/components/schemas/AaaFirstSite/properties/clusterType";
    assert_eq!(generation.names.types[new_site].name, "ClusterType", "the new site joins the shipped type");
    assert_eq!(generation.names.types[new_site].variants, names.types[&sites[0]].variants, "with the variants it shipped");
    let model = generation.tree.files.get("src/models/aaa_first_site.rs").expect("the new component is a model");
    assert!(model.contains("ClusterType"), "{model}");
}

/// Every real spec the project has (the older ones from `$ATLAS_SPEC_HISTORY` or
/// `../shared/atlas-spec/history/`, and the locked one), each locked with no names, then
/// updated to each other one, backwards too: 12 updates, each a fixed point.
#[test]
#[ignore = "about 40 generations of the real specs: a few minutes"]
fn every_real_spec_updated_to_every_other_is_a_fixed_point() {
    let paths = paths();
    let history = generator::store::history_specs(&paths.root)
        .unwrap()
        .expect("the older real specs: set ATLAS_SPEC_HISTORY to a directory of atlas-api-YYYY-MM-DD.yaml files");
    let (spec, date) = locked();
    let mut specs = history;
    specs.push((date, spec));
    let locked_each: Vec<Registry> =
        specs.iter().map(|(date, spec)| assert_fixed_point(spec, date, &Registry::default(), &format!("{date} locked")).names).collect();
    for (i, names) in locked_each.iter().enumerate() {
        for (j, (date, spec)) in specs.iter().enumerate() {
            if i != j {
                let case = format!("{} updated to {date}", specs[i].0);
                assert_fixed_point(spec, date, names, &case);
                eprintln!("{case}: a fixed point");
            }
        }
    }
}
