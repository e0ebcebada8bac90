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
    let breaking = |change: &str, item: &str| find(&report, change).iter().any(|c| c.item == item && c.breaking);
    assert!(breaking("removed", "models::Thing.gone"), "{:#?}", report.changes);
    assert!(breaking("retyped", "models::Thing.name"), "{:#?}", report.changes);
    assert!(breaking("tightened", "models::Thing.size"), "{:#?}", report.changes);
    assert!(breaking("value removed", "models::ThingState::Busy"), "{:#?}", report.changes);
    assert!(breaking("removed", "things::delete_things"), "{:#?}", report.changes);
    assert!(report.vanished_names.is_empty());
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
