//! One cargo feature per tag: each gates its API module and exactly the models its
//! operations reach; a model several tags reach needs any of them; one no operation
//! reaches is always compiled, with everything it mentions.

use generator::emit::gates;
use generator::ir::features::Features;
use generator::{generate, Generation};
use serde_json::{json, Value};

fn op(id: &str, tag: &str, schema: &str) -> Value {
    json!({"operationId": id, "tags": [tag], "responses": {"200": {"description": "ok",
        "content": {"application/vnd.atlas.2023-01-01+json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}}})
}

fn object(properties: Value) -> Value {
    json!({"type": "object", "properties": properties})
}

fn generation() -> Generation {
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let doc = json!({
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "2.0"},
        "paths": {
            "/api/atlas/v2/a": {"get": op("getA", "Alpha Things", "OnlyA")},
            "/api/atlas/v2/b": {"get": op("getB", "Beta", "OnlyB")},
        },
        "components": {"schemas": {
            "OnlyA": object(json!({"both": r("Both"), "state": {"type": "string", "enum": ["ON", "OFF"]}})),
            "OnlyB": object(json!({"both": r("Both"), "items": {"type": "array", "items": r("Leaf")}})),
            "Both": object(json!({"name": {"type": "string"}})),
            "Leaf": object(json!({"n": {"type": "integer"}})),
            "Orphan": object(json!({"leaf": r("Leaf")})),
        }},
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    generate(&path, None).unwrap_or_else(|e| panic!("{e}"))
}

fn gate(generation: &Generation, features: &Features, schema: &str) -> Option<Vec<String>> {
    let id = generation.model.components[schema];
    features.of_type(id).map(|set| set.iter().cloned().collect())
}

#[test]
fn each_model_needs_the_features_of_the_tags_that_reach_it() {
    let generation = generation();
    let features = Features::of(&generation.model);
    assert_eq!(features.all.iter().collect::<Vec<_>>(), ["alpha_things", "beta"]);
    assert_eq!(gate(&generation, &features, "OnlyA"), Some(vec!["alpha_things".to_string()]));
    assert_eq!(gate(&generation, &features, "OnlyB"), Some(vec!["beta".to_string()]));
    // Reached by both tags: needed whenever either is on, so always compiled.
    assert_eq!(gate(&generation, &features, "Both"), None);
    // No operation reaches Orphan: always compiled, and so is Leaf, which it mentions,
    // although only Beta's operations reach Leaf.
    assert_eq!(gate(&generation, &features, "Orphan"), None);
    assert_eq!(gate(&generation, &features, "Leaf"), None);
}

#[test]
fn modules_models_and_the_manifest_table_carry_the_gates() {
    let generation = generation();
    let files = &generation.tree.files;
    let apis = &files["src/apis/mod.rs"];
    assert!(apis.contains("#[cfg(feature = \"alpha_things\")]\npub mod alpha_things;"), "{apis}");
    assert!(apis.contains("#[cfg(feature = \"beta\")]\npub mod beta;"), "{apis}");
    let models = &files["src/models/mod.rs"];
    assert!(models.contains("#[cfg(feature = \"alpha_things\")]\nmod only_a;"), "{models}");
    assert!(models.contains("#[cfg(feature = \"beta\")]\nmod only_b;"), "{models}");
    assert!(models.contains("\nmod both;") && !models.contains("\")]\nmod both;"), "{models}");
    // The inline enum of OnlyA's `state` lives with OnlyA.
    assert!(models.contains("#[cfg(feature = \"alpha_things\")]\npub use only_a::{OnlyA, OnlyAState};"), "{models}");

    let tables = &generation.features;
    for table in [&tables.client, &tables.models, &tables.single] {
        assert!(table.contains("default = [\n    \"alpha_things\",\n    \"beta\",\n]\n"), "{table}");
    }
    // One crate: plain features. atlas-admin: each forwarded to its models crate, which has
    // them plain (and no `preview`: no model is preview-only).
    let single = &tables.single;
    assert!(single.contains("\nalpha_things = []\n") && single.contains("\nbeta = []\n") && single.contains("\npreview = []\n"), "{single}");
    let client = &tables.client;
    assert!(client.contains("\nalpha_things = [\"atlas-admin-models/alpha_things\"]\n") && client.contains("\npreview = []\n"), "{client}");
    let models = &tables.models;
    assert!(models.contains("\nbeta = []\n") && !models.contains("preview"), "{models}");
}

#[test]
fn the_table_is_spliced_between_its_markers_and_nothing_else_moves() {
    let manifest = format!("[package]\nname = \"x\"\n\n{}[features]\nold = []\n{}\n[dependencies]\nserde = \"1\"\n", gates::TABLE_BEGIN, gates::TABLE_END);
    let spliced = gates::splice_table(&manifest, "[features]\nnew = []\n").unwrap();
    assert_eq!(spliced, format!("[package]\nname = \"x\"\n\n{}[features]\nnew = []\n{}\n[dependencies]\nserde = \"1\"\n", gates::TABLE_BEGIN, gates::TABLE_END));
    assert!(gates::splice_table("[package]\n[features]\n", "x").is_none(), "a manifest without markers is refused");
}
