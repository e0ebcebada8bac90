//! `diff` on small hand-written spec pairs: each kind of change and its classification,
//! and the registry keeping shipped names across a rename upstream.

use generator::diff::{diff, Bump, Side};
use generator::{generate_with, Generation, Inputs};
use serde_json::{json, Value};

fn spec(schemas: Value, paths: Value) -> Value {
    json!({"openapi": "3.0.1", "info": {"title": "t", "version": "2.0", "x-xgen-sha": "x"}, "paths": paths, "components": {"schemas": schemas}})
}

fn op(id: &str, schema: &str) -> Value {
    json!({"operationId": id, "tags": ["Things"], "responses": {"200": {"description": "ok",
        "content": {"application/vnd.atlas.2023-01-01+json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}}})
}

fn generate(doc: &Value, names: Option<&generator::ir::registry::Registry>) -> Generation {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    generate_with(&Inputs { names, ..Inputs::new(&path) }).unwrap_or_else(|e| panic!("{e}"))
}

fn thing(extra: Value) -> Value {
    let mut properties = json!({"name": {"type": "string"}, "state": {"type": "string", "enum": ["IDLE", "BUSY"]}});
    properties.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    json!({"type": "object", "required": ["name"], "properties": properties})
}

fn report(old: &Value, new: &Value) -> (generator::diff::Report, Generation) {
    let before = generate(old, None);
    let after = generate(new, Some(&before.names));
    let report = diff(&Side { model: &before.model, api_version: &before.api_version }, &Side { model: &after.model, api_version: &after.api_version });
    (report, after)
}

fn find<'r>(report: &'r generator::diff::Report, change: &str) -> Vec<&'r generator::diff::Change> {
    report.changes.iter().filter(|c| c.change == change).collect()
}

#[test]
fn additive_changes_are_a_patch() {
    let old = spec(json!({"Thing": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": op("listThings", "Thing")}}));
    let mut new_thing = thing(json!({"color": {"type": "string"}}));
    new_thing["properties"]["state"]["enum"] = json!(["IDLE", "BUSY", "PAUSED"]);
    let new = spec(
        json!({"Thing": new_thing}),
        json!({"/api/atlas/v2/things": {"get": op("listThings", "Thing")}, "/api/atlas/v2/other": {"get": op("getOther", "Thing")}}),
    );
    let (report, _) = report(&old, &new);
    assert_eq!(report.bump, Bump::Patch, "{:#?}", report.changes);
    assert!(find(&report, "value added").iter().any(|c| c.item.ends_with("::Paused") && !c.breaking));
    assert!(find(&report, "added").iter().any(|c| c.item == "models::Thing.color" && !c.breaking));
    assert!(find(&report, "added").iter().any(|c| c.item == "things::get_other" && !c.breaking));
    let c = &report.counts;
    assert_eq!((c.operations_added, c.operations_removed, c.operations_renamed, c.models_added, c.models_removed, c.models_renamed), (1, 0, 0, 0, 0, 0));
}

#[test]
fn removals_retypes_and_tighter_bounds_are_breaking() {
    let old = spec(
        json!({"Thing": thing(json!({"size": {"type": "integer", "maximum": 10}, "gone": {"type": "string"}}))}),
        json!({"/api/atlas/v2/things": {"get": op("listThings", "Thing"), "delete": op("deleteThings", "Thing")}}),
    );
    let mut t = thing(json!({"size": {"type": "integer", "maximum": 5}}));
    t["properties"]["name"] = json!({"type": "integer"});
    t["properties"]["state"]["enum"] = json!(["IDLE"]);
    let new = spec(json!({"Thing": t}), json!({"/api/atlas/v2/things": {"get": op("listThings", "Thing")}}));
    let (report, _) = report(&old, &new);
    assert_eq!(report.bump, Bump::Minor);
    // The Markdown puts each change under its heading, as a line naming its kind and item.
    let markdown = report.markdown("t", Some(("0.1.0", "0.2.0")));
    let (breaking_part, additive_part) = markdown.split_once("### Additive").unwrap_or((&markdown, ""));
    assert!(breaking_part.contains(&format!("### Breaking ({})", report.counts.breaking)), "{markdown}");
    assert!(breaking_part.contains("- field removed: `models::Thing.gone`: `gone`\n"), "{markdown}");
    assert!(breaking_part.contains("- operation removed: `things::delete_things`"), "{markdown}");
    assert!(breaking_part.contains("- enum value removed: `models::ThingState::Busy`: `BUSY`\n"), "{markdown}");
    assert!(!additive_part.contains("removed"), "{markdown}");
    assert!(markdown.contains("Semver: **minor (breaking changes; 0.x rules)**: 0.1.0 -> 0.2.0."), "{markdown}");
    let breaking = |change: &str, item: &str| find(&report, change).iter().any(|c| c.item == item && c.breaking);
    assert!(breaking("removed", "models::Thing.gone"), "{:#?}", report.changes);
    assert!(breaking("retyped", "models::Thing.name"), "{:#?}", report.changes);
    assert!(breaking("tightened", "models::Thing.size"), "{:#?}", report.changes);
    assert!(breaking("value removed", "models::ThingState::Busy"), "{:#?}", report.changes);
    assert!(breaking("removed", "things::delete_things"), "{:#?}", report.changes);
    assert!(report.vanished_names.is_empty());
    let c = &report.counts;
    assert_eq!((c.operations_added, c.operations_removed, c.operations_renamed, c.models_added, c.models_removed, c.models_renamed), (0, 1, 0, 0, 0, 0));
}

#[test]
fn a_rename_upstream_keeps_the_shipped_name_as_a_deprecated_alias() {
    let old = spec(json!({"GroupSettings": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": op("getThings", "GroupSettings")}}));
    let mut renamed_thing = thing(json!({}));
    renamed_thing["description"] = json!("Prose changes do not hide a rename.");
    let new = spec(json!({"ProjectSettings": renamed_thing}), json!({"/api/atlas/v2/things": {"get": op("getProjectThings", "ProjectSettings")}}));
    let (report, after) = report(&old, &new);
    let renamed = find(&report, "renamed");
    assert!(renamed.iter().any(|c| c.item == "models::GroupSettings" && !c.breaking && c.detail.contains("ProjectSettings")), "{:#?}", report.changes);
    assert!(renamed.iter().any(|c| c.item == "things::get_things" && !c.breaking), "{:#?}", report.changes);
    assert!(find(&report, "removed").is_empty() && find(&report, "added").is_empty(), "{:#?}", report.changes);
    assert!(report.vanished_names.is_empty(), "{:?}", report.vanished_names);
    let c = &report.counts;
    assert_eq!((c.operations_added, c.operations_removed, c.operations_renamed, c.models_added, c.models_removed, c.models_renamed), (0, 0, 1, 0, 0, 1));
    // The registry written records the alias and the fields, for the next run.
    let recorded = &after.names.types["/components/schemas/ProjectSettings"];
    assert_eq!(recorded.aliases, ["GroupSettings"]);
    assert_eq!(recorded.fields.get("name").map(String::as_str), Some("name"), "{recorded:?}");
    let models = after.tree.files.iter().find(|(p, _)| p.ends_with("project_settings.rs")).map(|(_, t)| t.as_str()).unwrap_or("");
    assert!(models.contains("pub type GroupSettings = ProjectSettings;") && models.contains("#[deprecated"), "{models}");
    let api = &after.tree.files["src/apis/things.rs"];
    assert!(api.contains("pub fn get_project_things") && api.contains("pub fn get_things"), "the old method forwards, deprecated");
}

#[test]
fn a_shipped_name_wins_over_what_the_rules_would_give_now() {
    // Two enums of one meaning share a type; when one site gains a value, its field stays on
    // the shared type, which gains the variant.
    let site = |values: Value| json!({"type": "object", "properties": {"tier": {"type": "string", "enum": values}}});
    let old = spec(json!({"A": site(json!(["X", "Y"])), "B": site(json!(["X", "Y"]))}), json!({"/api/atlas/v2/a": {"get": op("getA", "A")}}));
    let new = spec(json!({"A": site(json!(["X", "Y"])), "B": site(json!(["X", "Y", "Z"]))}), json!({"/api/atlas/v2/a": {"get": op("getA", "A")}}));
    let before = generate(&old, None);
    let shared = before.names.types["/components/schemas/B/properties/tier"].name.clone();
    assert_eq!(before.names.types["/components/schemas/A/properties/tier"].name, shared);
    let fresh = generate(&new, None);
    assert_ne!(fresh.names.types["/components/schemas/B/properties/tier"].name, shared, "the rules alone move the field");
    let (report, after) = report(&old, &new);
    assert_eq!(after.names.types["/components/schemas/B/properties/tier"].name, shared);
    assert!(find(&report, "value added").iter().any(|c| c.item == format!("models::{shared}::Z")), "{:#?}", report.changes);
    assert_eq!(report.bump, Bump::Patch, "{:#?}", report.changes);
}

#[test]
fn a_renamed_tag_keeps_its_module() {
    let tagged = |id: &str, tag: &str| {
        let mut o = op(id, "Thing");
        o["tags"] = json!([tag]);
        o
    };
    let old = spec(json!({"Thing": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": tagged("listThings", "Things")}}));
    let new = spec(
        json!({"Thing": thing(json!({}))}),
        json!({"/api/atlas/v2/things": {"get": tagged("listThings", "Thing Resources"), "post": tagged("createThing", "Thing Resources")}}),
    );
    let (report, after) = report(&old, &new);
    assert_eq!(after.model.modules["Thing Resources"], "things", "{:?}", after.model.modules);
    assert!(after.tree.files.contains_key("src/apis/things.rs"), "{:?}", after.tree.files.keys().filter(|p| p.contains("apis")).collect::<Vec<_>>());
    let renamed = find(&report, "tag renamed");
    assert!(renamed.iter().any(|c| c.item == "things" && !c.breaking && c.detail.contains("Thing Resources")), "{:#?}", report.changes);
    assert!(find(&report, "added").iter().any(|c| c.item == "things::create_thing"), "{:#?}", report.changes);
    assert!(report.vanished_names.is_empty(), "{:?}", report.vanished_names);
    assert_eq!(report.bump, Bump::Patch, "{:#?}", report.changes);
}

#[test]
fn a_changed_pattern_is_breaking_but_not_called_tighter() {
    let with = |pattern: &str| spec(json!({"Thing": thing(json!({"code": {"type": "string", "pattern": pattern}}))}), json!({"/api/atlas/v2/things": {"get": op("listThings", "Thing")}}));
    let (report, _) = report(&with("^[a-z]$"), &with("^[a-z]+$"));
    let changed = find(&report, "pattern changed");
    assert!(changed.iter().any(|c| c.item == "models::Thing.code" && c.breaking && c.detail.contains("^[a-z]+$")), "{:#?}", report.changes);
    assert!(find(&report, "tightened").is_empty(), "{:#?}", report.changes);
    assert_eq!(report.bump, Bump::Minor);
}

#[test]
fn a_deprecated_operation_renamed_upstream_forwards_with_one_deprecation() {
    let deprecated = |id: &str| {
        let mut o = op(id, "Thing");
        o["deprecated"] = json!(true);
        o
    };
    let old = spec(json!({"Thing": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": deprecated("getThings")}}));
    let new = spec(json!({"Thing": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": deprecated("getProjectThings")}}));
    let (_, after) = report(&old, &new);
    let api = &after.tree.files["src/apis/things.rs"];
    let file = syn::parse_file(api).unwrap();
    let mut seen = Vec::new();
    for item in &file.items {
        if let syn::Item::Impl(block) = item {
            for item in &block.items {
                if let syn::ImplItem::Fn(f) = item {
                    let notes: Vec<String> = f.attrs.iter().filter(|a| a.path().is_ident("deprecated")).map(|a| quote::quote!(#a).to_string()).collect();
                    seen.push((f.sig.ident.to_string(), notes));
                }
            }
        }
    }
    let forwarder = seen.iter().find(|(name, _)| name == "get_things").unwrap_or_else(|| panic!("{seen:?}"));
    assert_eq!(forwarder.1.len(), 1, "{seen:?}");
    assert!(forwarder.1[0].contains("renamed") && forwarder.1[0].contains("deprecated in the Atlas Admin API spec"), "{seen:?}");
    let current = seen.iter().find(|(name, _)| name == "get_project_things").unwrap();
    assert_eq!(current.1.len(), 1, "{seen:?}");
}

#[test]
fn the_report_lists_what_the_generator_worked_around() {
    let old = spec(json!({"Thing": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": op("listThings", "Thing")}}));
    let new = spec(
        json!({"Thing": thing(json!({"color": {"type": "string", "format": "rgb"}}))}),
        json!({"/api/atlas/v2/things": {"get": op("listThings", "Thing")}}),
    );
    let (report, _) = report(&old, &new);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.warnings[0].contains("/components/schemas/Thing/properties/color") && report.warnings[0].contains("\"rgb\""));
    let markdown = report.markdown("t", None);
    assert!(markdown.contains("### Worked around in the spec (1)") && markdown.contains("\"rgb\""), "{markdown}");
}

fn things(thing: Value) -> Value {
    spec(json!({"Thing": thing}), json!({"/api/atlas/v2/things": {"get": op("listThings", "Thing")}}))
}

/// `report` with the new side generated for `api_version` (as `spec update` keeps the pinned
/// API date) and `names` as the new side's registry (a hand edit, when given).
fn report_with(old: &Value, new: &Value, api_version: Option<&str>, edit: impl FnOnce(&mut generator::ir::registry::Registry)) -> generator::diff::Report {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, doc: &Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, doc.to_string()).unwrap();
        path
    };
    let (old_path, new_path) = (write("old.json", old), write("new.json", new));
    let before = generate_with(&Inputs { api_version, ..Inputs::new(&old_path) }).unwrap();
    let mut names = before.names.clone();
    edit(&mut names);
    let after = generate_with(&Inputs { api_version, names: Some(&names), ..Inputs::new(&new_path) }).unwrap_or_else(|e| panic!("{e}"));
    diff(&Side { model: &before.model, api_version: &before.api_version }, &Side { model: &after.model, api_version: &after.api_version })
}

fn one<'r>(report: &'r generator::diff::Report, change: &str, item: &str) -> &'r generator::diff::Change {
    let found: Vec<_> = find(report, change).into_iter().filter(|c| c.item == item).collect();
    assert_eq!(found.len(), 1, "one `{change}` of {item} expected: {:#?}", report.changes);
    found[0]
}

#[test]
fn the_next_version_follows_semver_and_its_0x_rule() {
    use generator::diff::next_version;
    assert_eq!(next_version("0.1.0", Bump::Minor), "0.2.0", "breaking under 0.x bumps the minor");
    assert_eq!(next_version("0.1.7", Bump::Minor), "0.2.0");
    assert_eq!(next_version("0.1.0", Bump::Patch), "0.1.1");
    assert_eq!(next_version("0.3.4", Bump::None), "0.3.4");
    assert_eq!(next_version("1.2.3", Bump::Minor), "2.0.0", "breaking at 1.x bumps the major");
    assert_eq!(next_version("1.2.3", Bump::Patch), "1.2.4");
    assert_eq!(next_version("1.2", Bump::Minor), "1.2", "not a version: left as it is");
}

#[test]
fn no_change_is_no_bump_and_the_report_says_so() {
    // A struct, a string enum, a list alias and a validated string: none changes.
    let same = spec(
        json!({"Thing": thing(json!({"ids": {"$ref": "#/components/schemas/Ids"}, "code": {"$ref": "#/components/schemas/Code"}})),
               "Ids": {"type": "array", "items": {"type": "string"}},
               "Code": {"type": "string", "pattern": "^[A-Z]{3}$"}}),
        json!({"/api/atlas/v2/things": {"get": op("listThings", "Thing")}}),
    );
    let (report, _) = report(&same, &same);
    assert_eq!(report.bump, Bump::None);
    assert!(report.changes.is_empty() && report.vanished_names.is_empty(), "{:#?}", report.changes);
    let markdown = report.markdown("t", Some(("0.1.0", "0.1.0")));
    assert!(markdown.contains("Semver: **none (no change a user can see)**: 0.1.0 -> 0.1.0."), "{markdown}");
    assert!(markdown.contains("0 breaking, 0 additive changes; 0 public names gone"), "{markdown}");
    assert!(!markdown.contains("### Breaking") && !markdown.contains("### Additive"), "{markdown}");
}

#[test]
fn bounds_moving_outward_loosen_and_inward_tighten_each_bound() {
    let old = things(thing(json!({
        "size": {"type": "integer", "minimum": 1, "maximum": 10},
        "label": {"type": "string", "minLength": 2, "maxLength": 5},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        "code": {"type": "string", "pattern": "^a"},
        "zone": {"type": "string"},
        "kept": {"type": "integer", "minimum": 3, "maximum": 7},
        "word": {"type": "string", "minLength": 1, "maxLength": 9, "pattern": "^w"},
        "floor": {"type": "integer", "minimum": 2},
        "ceiling": {"type": "integer"},
    })));
    let new = things(thing(json!({
        "kept": {"type": "integer", "minimum": 3, "maximum": 7},
        "word": {"type": "string", "minLength": 1, "maxLength": 9, "pattern": "^w"},
        "floor": {"type": "integer"},
        "ceiling": {"type": "integer", "maximum": 9},
        "size": {"type": "integer", "minimum": 0, "maximum": 20},
        "label": {"type": "string", "minLength": 3},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 2},
        "code": {"type": "string"},
        "zone": {"type": "string", "pattern": "^z"},
    })));
    let report = report_with(&old, &new, None, |_| {});
    let size = one(&report, "loosened", "models::Thing.size");
    assert!(!size.breaking && size.detail == "minimum 1 -> 0, maximum 10 -> 20", "{size:?}");
    assert!(find(&report, "tightened").iter().all(|c| c.item != "models::Thing.size"), "{:#?}", report.changes);
    let label = (one(&report, "tightened", "models::Thing.label"), one(&report, "loosened", "models::Thing.label"));
    assert!(label.0.breaking && label.0.detail == "minLength 2 -> 3", "{:?}", label.0);
    assert!(!label.1.breaking && label.1.detail == "no maxLength (was 5)", "{:?}", label.1);
    let tags = one(&report, "tightened", "models::Thing.tags");
    assert!(tags.breaking && tags.detail == "minItems 1, maxItems 3 -> 2", "{tags:?}");
    let code = one(&report, "loosened", "models::Thing.code");
    assert!(!code.breaking && code.detail == "no pattern (was `^a`)", "{code:?}");
    let zone = one(&report, "tightened", "models::Thing.zone");
    assert!(zone.breaking && zone.detail == "pattern `^z`", "{zone:?}");
    let floor = one(&report, "loosened", "models::Thing.floor");
    assert!(!floor.breaking && floor.detail == "no minimum (was 2)", "{floor:?}");
    let ceiling = one(&report, "tightened", "models::Thing.ceiling");
    assert!(ceiling.breaking && ceiling.detail == "maximum 9", "{ceiling:?}");
    // Bounds that did not move are no change.
    assert!(report.changes.iter().all(|c| c.item != "models::Thing.kept" && c.item != "models::Thing.word"), "{:#?}", report.changes);
    assert_eq!(report.bump, Bump::Minor);
    assert_eq!(report.counts.breaking, 4, "{:#?}", report.changes);
    assert_eq!(report.counts.additive, 4, "{:#?}", report.changes);
}

/// An operation answering in the given versions.
fn versioned(id: &str, versions: &[&str]) -> Value {
    let content: serde_json::Map<String, Value> = versions
        .iter()
        .map(|v| (format!("application/vnd.atlas.{v}+json"), json!({"schema": {"$ref": "#/components/schemas/Thing"}})))
        .collect();
    json!({"operationId": id, "tags": ["Things"], "responses": {"200": {"description": "ok", "content": content}}})
}

#[test]
fn versions_added_removed_and_the_pinned_one_moving_are_reported() {
    let with = |versions: &[&str]| spec(json!({"Thing": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": versioned("listThings", versions)}}));
    let pinned = Some("2024-05-30");
    let report = report_with(&with(&["2023-01-01", "2024-05-30"]), &with(&["2024-05-30", "2025-01-01"]), pinned, |_| {});
    let added = one(&report, "version added", "things::list_things");
    assert!(!added.breaking && added.detail.contains("2025-01-01"), "{added:?}");
    let removed = one(&report, "version removed", "things::list_things");
    assert!(removed.breaking && removed.detail.contains("2023-01-01"), "{removed:?}");
    assert!(find(&report, "version changed").is_empty(), "the pinned version is still there: {:#?}", report.changes);
    assert_eq!(report.newer_versions["listThings"], vec!["2025-01-01".to_string()]);
    // Only versions the old spec did not have: one it had already is no news.
    let report = report_with(&with(&["2024-05-30", "2025-01-01"]), &with(&["2024-05-30", "2025-01-01", "2026-01-01"]), pinned, |_| {});
    assert_eq!(report.newer_versions["listThings"], vec!["2026-01-01".to_string()]);
    let markdown = report.markdown("t", None);
    assert!(markdown.contains("### Newer API versions after the pinned API date (1)") && markdown.contains("- `listThings`: 2026-01-01\n"), "{markdown}");
    // The pinned date itself, new to the spec, is no newer version: the plain method sends it.
    let report = report_with(&with(&["2023-01-01"]), &with(&["2023-01-01", "2024-05-30"]), pinned, |_| {});
    assert!(report.newer_versions.is_empty(), "{:?}", report.newer_versions);
    assert!(!report.markdown("t", None).contains("### Newer API versions"));

    // The pinned version goes: the plain method now sends the newest one not after it.
    let report = report_with(&with(&["2023-01-01", "2024-05-30"]), &with(&["2023-01-01", "2025-01-01"]), pinned, |_| {});
    let changed = one(&report, "version changed", "things::list_things");
    assert!(changed.breaking && changed.detail == "the plain method sends 2023-01-01 instead of 2024-05-30", "{changed:?}");
}

#[test]
fn union_variants_added_are_additive_and_removed_breaking() {
    let animal = |kind: &str| json!({"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, kind.to_lowercase(): {"type": "string"}}});
    let with = |kinds: &[&str]| {
        let mut schemas = serde_json::Map::new();
        let mut mapping = serde_json::Map::new();
        for kind in kinds {
            schemas.insert(kind.to_string(), animal(kind));
            mapping.insert(kind.to_uppercase(), json!(format!("#/components/schemas/{kind}")));
        }
        let refs: Vec<Value> = kinds.iter().map(|k| json!({"$ref": format!("#/components/schemas/{k}")})).collect();
        schemas.insert("Pet".into(), json!({"oneOf": refs, "discriminator": {"propertyName": "kind", "mapping": mapping}}));
        spec(Value::Object(schemas), json!({"/api/atlas/v2/pets": {"get": op("getPet", "Pet")}}))
    };
    let report = report_with(&with(&["Cat", "Dog"]), &with(&["Cat", "Bird"]), None, |_| {});
    assert!(!one(&report, "variant added", "models::Pet::Bird").breaking);
    assert!(one(&report, "variant removed", "models::Pet::Dog").breaking);
    assert!(one(&report, "removed", "models::Dog").breaking);
    assert!(!one(&report, "added", "models::Bird").breaking);
    assert_eq!((report.counts.models_added, report.counts.models_removed), (1, 1));
    assert_eq!(report.bump, Bump::Minor);
}

#[test]
fn names_a_hand_edit_takes_from_what_is_still_there_are_reported_as_vanished() {
    let t = things(thing(json!({})));
    let report = report_with(&t, &t, None, |names| {
        names.types.get_mut("/components/schemas/Thing").unwrap().fields.insert("name".into(), "title".into());
        names.types.get_mut("/components/schemas/Thing/properties/state").unwrap().variants.insert("BUSY".into(), "Occupied".into());
        names.operations.get_mut("listThings").unwrap().method = "all_things".into();
    });
    assert_eq!(
        report.vanished_names,
        vec!["things::list_things".to_string(), "models::Thing.name".to_string(), "models::ThingState::Busy".to_string()],
        "{:#?}",
        report.changes
    );
    assert!(one(&report, "renamed", "models::Thing.name").breaking);
    assert!(one(&report, "renamed", "things::list_things").breaking);
    // Kept as a deprecated forwarder, the old method is no vanished name.
    let report = report_with(&t, &t, None, |names| {
        let op = names.operations.get_mut("listThings").unwrap();
        op.deprecated.push(op.method.clone());
        op.method = "all_things".into();
    });
    assert!(report.vanished_names.is_empty(), "{:?}", report.vanished_names);
    assert!(!one(&report, "renamed", "things::list_things").breaking);
}

#[test]
fn a_rename_is_recognised_only_one_to_one() {
    let routes = json!({"/api/atlas/v2/things": {"get": op("getThings", "A")}});
    // Two vanished components of one shape and one new: which one it is, nothing says.
    let old = spec(json!({"A": thing(json!({})), "B": thing(json!({}))}), routes.clone());
    let new = spec(json!({"C": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": op("getThings", "C")}}));
    let (report, after) = crate::report(&old, &new);
    assert!(find(&report, "renamed").iter().all(|c| c.kind != generator::diff::Kind::Model), "{:#?}", report.changes);
    assert!(one(&report, "removed", "models::A").breaking && one(&report, "removed", "models::B").breaking);
    assert!(!one(&report, "added", "models::C").breaking);
    assert!(after.model.upstream_renames.iter().all(|r| r.kind != "model"), "{:?}", after.model.upstream_renames);
    // One vanished and two new of its shape: no rename either.
    let old = spec(json!({"A": thing(json!({}))}), routes);
    let new = spec(json!({"C": thing(json!({})), "D": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": op("getThings", "C")}}));
    let report = crate::report(&old, &new).0;
    assert!(one(&report, "removed", "models::A").breaking, "{:#?}", report.changes);
    // A component still there, of the same shape, takes no part: A -> C is one to one.
    let old = spec(json!({"A": thing(json!({})), "B": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": op("getThings", "A")}, "/api/atlas/v2/b": {"get": op("getB", "B")}}));
    let new = spec(json!({"B": thing(json!({})), "C": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": op("getThings", "C")}, "/api/atlas/v2/b": {"get": op("getB", "B")}}));
    let (report, after) = crate::report(&old, &new);
    assert!(after.model.upstream_renames.iter().any(|r| r.kind == "model" && r.old_key.ends_with("/A") && r.new_key.ends_with("/C")), "{:#?}", report.changes);
    assert!(find(&report, "removed").is_empty(), "{:#?}", report.changes);
    // Another shape under a new name is no rename of the vanished one.
    let old = spec(json!({"A": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": op("getThings", "A")}}));
    let new = spec(json!({"C": thing(json!({"extra": {"type": "integer"}}))}), json!({"/api/atlas/v2/things": {"get": op("getThings", "C")}}));
    let report = crate::report(&old, &new).0;
    assert!(one(&report, "removed", "models::A").breaking, "{:#?}", report.changes);
}

#[test]
fn an_operation_rename_needs_the_same_route_and_an_id_the_registry_does_not_know() {
    let thing_schema = json!({"Thing": thing(json!({}))});
    // Another route: a removal and an addition.
    let old = spec(thing_schema.clone(), json!({"/api/atlas/v2/things": {"get": op("getThings", "Thing")}}));
    let new = spec(thing_schema.clone(), json!({"/api/atlas/v2/other": {"get": op("getOther", "Thing")}}));
    let report = crate::report(&old, &new).0;
    assert!(one(&report, "removed", "things::get_things").breaking, "{:#?}", report.changes);
    assert!(!one(&report, "added", "things::get_other").breaking);
    // The same route, but the new id shipped already (on another route): no rename onto it.
    let old = spec(thing_schema.clone(), json!({"/api/atlas/v2/things": {"get": op("getThings", "Thing")}, "/api/atlas/v2/x": {"get": op("getOther", "Thing")}}));
    let new = spec(thing_schema, json!({"/api/atlas/v2/things": {"get": op("getOther", "Thing")}}));
    let (report, after) = crate::report(&old, &new);
    assert!(after.model.upstream_renames.iter().all(|r| r.kind != "operation"), "{:?}", after.model.upstream_renames);
    assert!(one(&report, "removed", "things::get_things").breaking, "{:#?}", report.changes);
    assert!(one(&report, "moved", "things::get_other").breaking, "{:#?}", report.changes);
}

#[test]
fn a_tag_whose_operations_split_over_two_new_tags_is_no_rename() {
    let tagged = |id: &str, tag: &str| {
        let mut o = op(id, "Thing");
        o["tags"] = json!([tag]);
        o
    };
    let old = spec(json!({"Thing": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": tagged("listThings", "Things"), "post": tagged("createThing", "Things")}}));
    let new = spec(json!({"Thing": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": tagged("listThings", "Reads"), "post": tagged("createThing", "Writes")}}));
    let (report, after) = report(&old, &new);
    assert!(find(&report, "tag renamed").is_empty(), "{:#?}", report.changes);
    assert!(!after.model.modules.contains_key("Things") && after.model.modules.values().all(|m| m != "things"), "{:?}", after.model.modules);
}

#[test]
fn a_model_of_another_kind_is_retyped() {
    let with = |mode: Value| spec(json!({"Thing": thing(json!({"mode": {"$ref": "#/components/schemas/Mode"}})), "Mode": mode}), json!({"/api/atlas/v2/things": {"get": op("listThings", "Thing")}}));
    let object = json!({"type": "object", "properties": {"fast": {"type": "boolean"}}});
    let report = crate::report(&with(object), &with(json!({"type": "string", "enum": ["FAST", "SLOW"]}))).0;
    let retyped = one(&report, "retyped", "models::Mode");
    assert!(retyped.breaking && retyped.detail == "a string enum now, was a struct", "{retyped:?}");
}

#[test]
fn an_operation_newly_deprecated_is_reported_once() {
    let with = |deprecated: bool| {
        let mut o = op("listThings", "Thing");
        o["deprecated"] = json!(deprecated);
        spec(json!({"Thing": thing(json!({}))}), json!({"/api/atlas/v2/things": {"get": o}}))
    };
    let report = crate::report(&with(false), &with(true)).0;
    assert!(!one(&report, "deprecated", "things::list_things").breaking);
    assert_eq!(report.bump, Bump::Patch);
    let still = crate::report(&with(true), &with(true)).0;
    assert!(find(&still, "deprecated").is_empty(), "deprecated before and after: {:#?}", still.changes);
    let undeprecated = crate::report(&with(true), &with(false)).0;
    assert!(find(&undeprecated, "deprecated").is_empty(), "{:#?}", undeprecated.changes);
}

#[test]
fn a_shared_enum_whose_first_site_goes_is_not_a_removed_model() {
    let site = |values: Value| json!({"type": "object", "properties": {"tier": {"type": "string", "enum": values}, "other": {"type": "string"}}});
    let old = spec(json!({"A": site(json!(["X", "Y"])), "B": site(json!(["X", "Y"]))}), json!({"/api/atlas/v2/a": {"get": op("getA", "A")}}));
    let mut a = site(json!(["X", "Y"]));
    a["properties"].as_object_mut().unwrap().remove("tier");
    let new = spec(json!({"A": a, "B": site(json!(["X", "Y"]))}), json!({"/api/atlas/v2/a": {"get": op("getA", "A")}}));
    let (report, after) = crate::report(&old, &new);
    let shared = after.names.types["/components/schemas/B/properties/tier"].name.clone();
    assert!(find(&report, "removed").iter().all(|c| c.kind != generator::diff::Kind::Model), "{shared} is still there: {:#?}", report.changes);
    assert_eq!(report.counts.models_removed, 0);
    assert!(one(&report, "removed", "models::A.tier").breaking);
    assert!(report.vanished_names.is_empty(), "{:?}", report.vanished_names);
}

#[test]
fn a_string_enum_renamed_by_hand_is_a_breaking_rename_and_a_vanished_name() {
    let t = things(thing(json!({})));
    let report = report_with(&t, &t, None, |names| {
        names.types.get_mut("/components/schemas/Thing/properties/state").unwrap().name = "ThingStatus".into();
    });
    let renamed = one(&report, "renamed", "models::ThingState");
    assert!(renamed.breaking && renamed.detail == "now `ThingStatus`", "{renamed:?}");
    assert_eq!(report.vanished_names, vec!["models::ThingState".to_string()]);
    assert_eq!(report.counts.models_renamed, 1);
}

#[test]
fn a_field_that_becomes_optional_required_or_nullable_is_reported() {
    let with = |required: Value, nullable: bool| {
        let mut t = thing(json!({"note": {"type": "string", "nullable": nullable}}));
        t["required"] = required;
        things(t)
    };
    let report = crate::report(&with(json!(["name"]), false), &with(json!(["note"]), false)).0;
    assert!(one(&report, "optional", "models::Thing.name").breaking, "{:#?}", report.changes);
    assert!(one(&report, "required", "models::Thing.note").breaking, "{:#?}", report.changes);
    // Optional either way; nullable now: `Option<Option<_>>`, another type to build.
    let report = crate::report(&with(json!(["name"]), false), &with(json!(["name"]), true)).0;
    let nullable = one(&report, "optional", "models::Thing.note");
    assert!(nullable.breaking && nullable.detail == "`note` is optional now", "{nullable:?}");
}

#[test]
fn untagged_union_variants_added_and_removed_are_reported() {
    let shape = |field: &str| json!({"type": "object", "required": [field], "properties": {field: {"type": "string"}}});
    let with = |variants: &[&str]| {
        let mut schemas = serde_json::Map::new();
        for v in variants {
            schemas.insert(v.to_string(), shape(&v.to_lowercase()));
        }
        let refs: Vec<Value> = variants.iter().map(|v| json!({"$ref": format!("#/components/schemas/{v}")})).collect();
        schemas.insert("Target".into(), json!({"oneOf": refs}));
        spec(Value::Object(schemas), json!({"/api/atlas/v2/targets": {"get": op("getTarget", "Target")}}))
    };
    let report = crate::report(&with(&["Email", "Phone"]), &with(&["Email", "Slack"])).0;
    let added: Vec<_> = find(&report, "variant added").into_iter().filter(|c| c.item.starts_with("models::Target::")).collect();
    let removed: Vec<_> = find(&report, "variant removed").into_iter().filter(|c| c.item.starts_with("models::Target::")).collect();
    assert!(added.len() == 1 && !added[0].breaking && added[0].item.contains("Slack"), "{:#?}", report.changes);
    assert!(removed.len() == 1 && removed[0].breaking && removed[0].item.contains("Phone"), "{:#?}", report.changes);
}

/// A shared enum is emitted at its first site by JSON pointer; when that site changes (the
/// first one goes, or a new one sorts before it), the names the registry gave its variants
/// stay with it. (A hand-renamed variant shows it: the rules would name it otherwise.)
#[test]
fn a_shared_enums_variant_names_stay_when_its_first_site_changes() {
    let site = |values: Value| json!({"type": "object", "properties": {"tier": {"type": "string", "enum": values}, "other": {"type": "string"}}});
    let route = json!({"/api/atlas/v2/b": {"get": op("getB", "B")}});
    let old = spec(json!({"B": site(json!(["X", "Y"])), "C": site(json!(["X", "Y"]))}), route.clone());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.json");
    std::fs::write(&path, old.to_string()).unwrap();
    let mut names = generate_with(&Inputs::new(&path)).unwrap().names;
    let first = "/components/schemas/B/properties/tier";
    assert!(!names.types[first].variants.is_empty(), "B's site is where the shared enum is emitted: {:?}", names.types[first]);
    names.types.get_mut(first).unwrap().variants.insert("X".into(), "Ex".into());
    let generate_new = |doc: Value| {
        let path = dir.path().join("new.json");
        std::fs::write(&path, doc.to_string()).unwrap();
        generate_with(&Inputs { names: Some(&names), ..Inputs::new(&path) }).unwrap()
    };
    // The first site goes: C's is emitted now.
    let mut b = site(json!(["X", "Y"]));
    b["properties"].as_object_mut().unwrap().remove("tier");
    let after = generate_new(spec(json!({"B": b, "C": site(json!(["X", "Y"]))}), route.clone()));
    assert_eq!(after.names.types["/components/schemas/C/properties/tier"].variants["X"], "Ex", "{:?}", after.names.types);
    // A new site sorts first: A's is emitted now.
    let after = generate_new(spec(json!({"A": site(json!(["X", "Y"])), "B": site(json!(["X", "Y"])), "C": site(json!(["X", "Y"]))}), route));
    let a = &after.names.types["/components/schemas/A/properties/tier"];
    assert_eq!((a.name.as_str(), a.variants["X"].as_str()), (names.types[first].name.as_str(), "Ex"), "{:?}", after.names.types);
}

#[test]
fn a_models_file_follows_the_name_the_registry_gives_it() {
    let t = things(thing(json!({})));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.json");
    std::fs::write(&path, t.to_string()).unwrap();
    let mut names = generate_with(&Inputs::new(&path)).unwrap().names;
    names.types.get_mut("/components/schemas/Thing").unwrap().name = "Widget".into();
    let after = generate_with(&Inputs { names: Some(&names), ..Inputs::new(&path) }).unwrap();
    let widget = after.tree.files.get("src/models/widget.rs").unwrap_or_else(|| panic!("{:?}", after.tree.files.keys().collect::<Vec<_>>()));
    assert!(widget.contains("pub struct Widget"), "{widget}");
    assert!(!after.tree.files.contains_key("src/models/thing.rs"));
}

#[test]
fn an_operation_whose_new_id_names_the_same_method_keeps_it_without_a_forwarder() {
    let old = spec(json!({"Thing": thing(json!({}))}), json!({"/api/atlas/v2/groups/{groupId}/things": {"get": op("listThings", "Thing")}}));
    let new = spec(json!({"Thing": thing(json!({}))}), json!({"/api/atlas/v2/groups/{groupId}/things": {"get": op("listGroupThings", "Thing")}}));
    // The new id keeps the short name (`x-xgen-operation-id-override`), as Atlas's renames do.
    let fix_params = |mut doc: Value| {
        let get = &mut doc["paths"]["/api/atlas/v2/groups/{groupId}/things"]["get"];
        get["parameters"] = json!([{"name": "groupId", "in": "path", "required": true, "schema": {"type": "string"}}]);
        get["x-xgen-operation-id-override"] = json!("listThings");
        doc
    };
    let (report, after) = crate::report(&fix_params(old), &fix_params(new));
    let renamed = one(&report, "renamed", "things::list_things");
    assert!(!renamed.breaking && renamed.detail == "`listThings` is `listGroupThings` now, `things::list_things`", "{renamed:?}");
    let api = &after.tree.files["src/apis/things.rs"];
    assert_eq!(api.matches("pub fn list_things").count(), 1, "one method, no forwarder: {api}");
    assert!(after.names.operations["listGroupThings"].deprecated.is_empty());
}

/// Union variants keep the names the registry gives them, tagged or not.
#[test]
fn union_variant_names_are_the_registrys() {
    let animal = |field: &str| json!({"type": "object", "required": [field], "properties": {field: {"type": "string"}, "kind": {"type": "string"}}});
    let tagged = json!({"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind", "mapping": {"CAT": "#/components/schemas/Cat", "DOG": "#/components/schemas/Dog"}}});
    let untagged = json!({"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]});
    let doc = spec(
        json!({"Cat": animal("meow"), "Dog": animal("woof"), "Pet": tagged, "Either": untagged}),
        json!({"/api/atlas/v2/pets": {"get": op("getPet", "Pet")}, "/api/atlas/v2/either": {"get": op("getEither", "Either")}}),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pets.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let mut names = generate_with(&Inputs::new(&path)).unwrap().names;
    for union in ["/components/schemas/Pet", "/components/schemas/Either"] {
        let variants = &mut names.types.get_mut(union).unwrap().variants;
        assert_eq!(variants.get("/components/schemas/Cat").map(String::as_str), Some("Cat"), "{union}: {variants:?}");
        variants.insert("/components/schemas/Cat".into(), "Kitty".into());
    }
    let after = generate_with(&Inputs { names: Some(&names), ..Inputs::new(&path) }).unwrap();
    for (union, file) in [("/components/schemas/Pet", "src/models/pet.rs"), ("/components/schemas/Either", "src/models/either.rs")] {
        assert_eq!(after.names.types[union].variants["/components/schemas/Cat"], "Kitty", "{union}");
        assert!(after.tree.files[file].contains("Kitty("), "{file}: {}", after.tree.files[file]);
    }
}

/// A component enum that appears with the name its former inline sites ship under is another
/// type: it is named apart, and the sites keep theirs.
#[test]
fn a_new_component_enum_does_not_take_the_name_of_a_shipped_shared_enum() {
    let site = |sev: Value| json!({"type": "object", "properties": {"severity": sev, "other": {"type": "string"}}});
    let inline = json!({"type": "string", "enum": ["HIGH", "LOW"]});
    let old = spec(json!({"A": site(inline.clone()), "B": site(inline.clone())}), json!({"/api/atlas/v2/a": {"get": op("getA", "A")}}));
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, doc: &Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, doc.to_string()).unwrap();
        path
    };
    let before = generate_with(&Inputs::new(&write("old.json", &old))).unwrap();
    let shared = before.names.types["/components/schemas/A/properties/severity"].name.clone();
    let new = spec(json!({"A": site(inline.clone()), "B": site(inline), shared.clone(): {"type": "string", "enum": ["HIGH", "LOW", "MEDIUM"]}}), json!({"/api/atlas/v2/a": {"get": op("getA", "A")}}));
    let after = generate_with(&Inputs { names: Some(&before.names), ..Inputs::new(&write("new.json", &new)) }).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(after.names.types["/components/schemas/A/properties/severity"].name, shared);
    assert_ne!(after.names.types[&format!("/components/schemas/{shared}")].name, shared, "{:?}", after.names.types);
}

/// A method renamed by hand stays as it is when another operation is renamed upstream.
#[test]
fn an_upstream_rename_touches_only_its_own_operation() {
    let thing_schema = json!({"Thing": thing(json!({}))});
    let old = spec(thing_schema.clone(), json!({"/api/atlas/v2/things": {"get": op("getThings", "Thing")}, "/api/atlas/v2/other": {"get": op("getOther", "Thing")}}));
    let new = spec(thing_schema, json!({"/api/atlas/v2/things": {"get": op("getProjectThings", "Thing")}, "/api/atlas/v2/other": {"get": op("getOther", "Thing")}}));
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, doc: &Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, doc.to_string()).unwrap();
        path
    };
    let mut names = generate_with(&Inputs::new(&write("old.json", &old))).unwrap().names;
    names.operations.get_mut("getOther").unwrap().method = "fetch_other".into();
    let after = generate_with(&Inputs { names: Some(&names), ..Inputs::new(&write("new.json", &new)) }).unwrap();
    let other = &after.names.operations["getOther"];
    assert_eq!((other.method.as_str(), other.deprecated.len()), ("fetch_other", 0), "{other:?}");
    let renamed = &after.names.operations["getProjectThings"];
    assert_eq!((renamed.method.as_str(), renamed.deprecated.as_slice()), ("get_project_things", &["get_things".to_string()][..]));
}

#[test]
fn names_swapped_by_hand_are_breaking_renames_but_no_vanished_names() {
    let other = json!({"type": "object", "properties": {"size": {"type": "integer"}}});
    let doc = spec(
        json!({"Thing": thing(json!({})), "Other": other}),
        json!({"/api/atlas/v2/things": {"get": op("listThings", "Thing")}, "/api/atlas/v2/others": {"get": op("listOthers", "Other")}}),
    );
    let report = report_with(&doc, &doc, None, |names| {
        names.types.get_mut("/components/schemas/Thing").unwrap().name = "Other".into();
        names.types.get_mut("/components/schemas/Other").unwrap().name = "Thing".into();
    });
    // `models::Thing` still compiles, but is another type: breaking, and not the alias text.
    let renamed = one(&report, "renamed", "models::Thing");
    assert!(renamed.breaking && renamed.detail == "now `Other` (the old name now names another type)", "{renamed:?}");
    assert!(one(&report, "renamed", "models::Other").breaking, "{:#?}", report.changes);
    assert!(report.vanished_names.is_empty(), "{:?}", report.vanished_names);
    assert_eq!(report.counts.models_renamed, 2);
}

#[test]
fn an_upstream_rename_to_a_name_already_shipped_keeps_the_old_name() {
    let other = json!({"type": "object", "properties": {"size": {"type": "integer"}}});
    let routes = |settings: &str| json!({"/api/atlas/v2/things": {"get": op("getThings", settings)}, "/api/atlas/v2/others": {"get": op("listOthers", "Other")}});
    let old = spec(json!({"GroupSettings": thing(json!({})), "Other": other.clone()}), routes("GroupSettings"));
    let new = spec(json!({"ProjectSettings": thing(json!({})), "Other": other}), routes("ProjectSettings"));
    let dir = tempfile::tempdir().unwrap();
    let (old_path, new_path) = (dir.path().join("old.json"), dir.path().join("new.json"));
    std::fs::write(&old_path, old.to_string()).unwrap();
    std::fs::write(&new_path, new.to_string()).unwrap();
    let before = generate_with(&Inputs::new(&old_path)).unwrap();
    // A hand edit shipped `Other` as `ProjectSettings`: the rules' name for the renamed schema.
    let mut names = before.names.clone();
    names.types.get_mut("/components/schemas/Other").unwrap().name = "ProjectSettings".into();
    let after = generate_with(&Inputs { names: Some(&names), ..Inputs::new(&new_path) }).unwrap_or_else(|e| panic!("{e}"));
    let renamed = &after.names.types["/components/schemas/ProjectSettings"];
    assert_eq!((renamed.name.as_str(), renamed.aliases.len()), ("GroupSettings", 0), "{renamed:?}");
    assert_eq!(after.names.types["/components/schemas/Other"].name, "ProjectSettings");
    let rename = after.model.upstream_renames.iter().find(|r| r.kind == "model").expect("the rename is recognised");
    assert_eq!(rename.new_name, "GroupSettings", "{rename:?}");
}
