//! A corpus of broken specs: a small valid spec and the real one, each mutated one way.
//! Every structural fault must fail generation with an error that names the place (a JSON
//! pointer into the spec) and says what is wrong, never a panic; faults the generator can
//! work around (an unknown `format`) generate, with a warning that names the place. Mutations
//! that leave the spec valid still generate.

use std::path::Path;

use serde_json::{json, Value};

mod support;

/// A valid spec in the Atlas shape: two tags, path and query parameters, versioned bodies.
fn small() -> Value {
    let version = "application/vnd.atlas.2024-08-05+json";
    json!({
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "2.0"},
        "tags": [{"name": "Clusters"}, {"name": "Projects"}],
        "paths": {
            "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}": {
                "get": {
                    "operationId": "getGroupCluster", "tags": ["Clusters"],
                    "x-xgen-operation-id-override": "getCluster",
                    "parameters": [
                        {"name": "groupId", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "clusterName", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "pretty", "in": "query", "schema": {"type": "boolean"}}
                    ],
                    "responses": {"200": {"description": "ok", "content": {version: {"schema": {"$ref": "#/components/schemas/Cluster"}}}}}
                },
                "delete": {
                    "operationId": "deleteGroupCluster", "tags": ["Clusters"],
                    "parameters": [
                        {"name": "groupId", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "clusterName", "in": "path", "required": true, "schema": {"type": "string"}}
                    ],
                    "responses": {"204": {"description": "gone"}}
                }
            },
            "/api/atlas/v2/groups": {
                "post": {
                    "operationId": "createGroup", "tags": ["Projects"],
                    "requestBody": {"required": true, "content": {version: {"schema": {"$ref": "#/components/schemas/Group"}}}},
                    "responses": {"201": {"description": "ok", "content": {version: {"schema": {"$ref": "#/components/schemas/Group"}}}}}
                }
            }
        },
        "components": {"schemas": {
            "Cluster": {"type": "object", "properties": {
                "name": {"type": "string"},
                "diskSizeGB": {"type": "number", "format": "double"},
                "createDate": {"type": "string", "format": "date-time"}
            }},
            "Group": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "maxLength": 64},
                "orgId": {"type": "string", "pattern": "^([a-f0-9]{24})$"}
            }}
        }}
    })
}

/// The real spec, as JSON.
fn real() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = generator::Paths::new(&root).resolve_spec(None).unwrap_or_else(|e| panic!("the locked spec is needed: {e}"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_slice(&bytes).unwrap()
}

fn generate(spec: &Value) -> Result<generator::Generation, String> {
    support::generate_text("spec.json", spec.to_string()).map_err(|e| e.to_string())
}

/// Generation fails, and the error says every one of `needles`.
#[track_caller]
fn refused(spec: &Value, needles: &[&str]) {
    match generate(spec) {
        Ok(_) => panic!("generated, but should be refused with {needles:?}"),
        Err(message) => {
            for needle in needles {
                assert!(message.contains(needle), "the error does not say {needle:?}:\n{message}");
            }
        }
    }
}

fn op<'s>(spec: &'s mut Value, path: &str, method: &str) -> &'s mut Value {
    &mut spec["paths"][path][method]
}

const CLUSTER: &str = "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}";
const CLUSTER_POINTER: &str = "/paths/~1api~1atlas~1v2~1groups~1{groupId}~1clusters~1{clusterName}";

#[test]
fn the_small_spec_generates() {
    let generation = generate(&small()).unwrap();
    assert_eq!(generation.model.operations.len(), 3);
    assert!(generation.model.warnings.is_empty(), "{:?}", generation.model.warnings);
}

#[test]
fn a_duplicate_operation_id_names_both_operations() {
    let mut spec = small();
    op(&mut spec, CLUSTER, "delete")["operationId"] = json!("getGroupCluster");
    refused(&spec, &["getGroupCluster", &format!("{CLUSTER_POINTER}/get"), &format!("{CLUSTER_POINTER}/delete"), "operationId"]);
}

#[test]
fn a_duplicate_short_name_in_a_tag_names_both_operations() {
    let mut spec = small();
    op(&mut spec, CLUSTER, "delete")["x-xgen-operation-id-override"] = json!("getCluster");
    refused(&spec, &["getCluster", &format!("{CLUSTER_POINTER}/get"), &format!("{CLUSTER_POINTER}/delete"), "Clusters"]);
}

#[test]
fn a_path_template_parameter_that_is_not_declared_is_refused() {
    let mut spec = small();
    op(&mut spec, CLUSTER, "delete")["parameters"].as_array_mut().unwrap().remove(1);
    refused(&spec, &[&format!("{CLUSTER_POINTER}/delete"), "{clusterName}", "not declared"]);
}

#[test]
fn a_declared_path_parameter_missing_from_the_template_is_refused() {
    let mut spec = small();
    let get = op(&mut spec, CLUSTER, "get").take();
    spec["paths"]["/api/atlas/v2/groups/{groupId}/clusters/fixed"] = json!({"get": get});
    spec["paths"][CLUSTER].as_object_mut().unwrap().remove("get");
    refused(&spec, &["/paths/~1api~1atlas~1v2~1groups~1{groupId}~1clusters~1fixed/get", "clusterName", "not in the path"]);
}

#[test]
fn an_operation_with_no_tag_or_two_is_refused() {
    for tags in [json!([]), json!(["Clusters", "Projects"])] {
        let mut spec = small();
        op(&mut spec, CLUSTER, "delete")["tags"] = tags;
        refused(&spec, &[&format!("{CLUSTER_POINTER}/delete"), "tag"]);
    }
}

/// `Foo_Bar` and `FooBar` are both `FooBar` in Rust. Whatever the order of the spec, the
/// same schema keeps the name, the other is renamed, and a warning names both.
#[test]
fn schemas_whose_rust_names_collide_are_renamed_the_same_way_whatever_the_order() {
    let mut names = Vec::new();
    for order in [["Foo_Bar", "FooBar"], ["FooBar", "Foo_Bar"]] {
        let mut spec = small();
        let schemas = spec["components"]["schemas"].as_object_mut().unwrap();
        for (i, name) in order.iter().enumerate() {
            schemas.insert(name.to_string(), json!({"type": "object", "properties": {format!("p{i}"): {"type": "string"}}}));
        }
        // Both reached: a response each.
        let body = |name: &str| json!({"200": {"description": "ok", "content": {"application/vnd.atlas.2024-08-05+json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}}});
        op(&mut spec, CLUSTER, "get")["responses"] = body("Foo_Bar");
        op(&mut spec, CLUSTER, "delete")["responses"] = body("FooBar");
        let generation = generate(&spec).unwrap();
        let name_of = |schema: &str| {
            let pointer = format!("/components/schemas/{schema}");
            generation.model.types.iter().find(|t| t.pointer == pointer).map(|t| t.name.clone()).unwrap()
        };
        let warning = generation.model.warnings.iter().find(|w| w.contains("Foo_Bar") && w.contains("FooBar"));
        assert!(warning.is_some(), "no warning names both: {:?}", generation.model.warnings);
        names.push((name_of("FooBar"), name_of("Foo_Bar")));
    }
    assert_eq!(names[0], names[1], "the names depend on the order of the spec");
    assert_ne!(names[0].0, names[0].1);
}

#[test]
fn an_unknown_format_falls_back_with_a_warning_naming_the_place() {
    let mut spec = small();
    spec["components"]["schemas"]["Cluster"]["properties"]["name"]["format"] = json!("cluster-name");
    let generation = generate(&spec).unwrap();
    let warning = generation.model.warnings.iter().find(|w| w.contains("/components/schemas/Cluster/properties/name"));
    assert!(warning.is_some_and(|w| w.contains("cluster-name")), "{:?}", generation.model.warnings);
}

#[test]
fn exponential_yaml_aliases_are_refused_not_expanded() {
    let mut yaml = String::from("openapi: 3.0.1\ninfo: {title: t, version: '1'}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = format!("*a{}", i - 1);
        yaml.push_str(&format!("a{i}: &a{i} [{}]\n", [prev.as_str(); 10].join(", ")));
    }
    yaml.push_str("paths: {}\n");
    let Err(error) = support::generate_text("laughs.yaml", yaml) else { panic!("a billion laughs must not generate") };
    let message = error.to_string();
    assert!(message.contains("laughs.yaml") && message.contains("repetition limit"), "{message}");
}

#[test]
fn a_spec_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    // A sparse file: 300 MB on paper, nothing on disk, and never loaded.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(300 * 1024 * 1024).unwrap();
    let Err(error) = generator::generate(&path, None) else { panic!("300 MB must be refused") };
    let message = error.to_string();
    assert!(message.contains("huge.yaml") && message.contains("limit"), "{message}");
}

/// Harmless mutations still generate: paths in another order, an unknown vendor extension.
#[test]
fn valid_mutations_still_generate() {
    let mut spec = small();
    let paths = spec["paths"].as_object().unwrap().clone();
    spec["paths"] = Value::Object(paths.into_iter().rev().collect());
    op(&mut spec, CLUSTER, "get")["x-something-new"] = json!({"a": 1});
    spec["components"]["schemas"]["Cluster"]["properties"]["name"]["description"] = json!("`{}` </> \"quoted\" */ /*");
    let generation = generate(&spec).unwrap();
    assert_eq!(generation.model.operations.len(), 3);
}

/// The same faults in the real spec: found, and named, among 540 operations.
#[test]
fn the_real_spec_mutated_is_refused_naming_the_place() {
    let base = real();
    let list = "/api/atlas/v2/groups/{groupId}/clusters";
    let list_pointer = "/paths/~1api~1atlas~1v2~1groups~1{groupId}~1clusters";

    let mut duplicate = base.clone();
    duplicate["paths"][list]["post"]["operationId"] = json!("listGroupClusters");
    refused(&duplicate, &["listGroupClusters", &format!("{list_pointer}/get"), &format!("{list_pointer}/post")]);

    let mut undeclared = base.clone();
    let params = undeclared["paths"][list]["get"]["parameters"].as_array_mut().unwrap();
    params.retain(|p| p["$ref"] != json!("#/components/parameters/groupId"));
    refused(&undeclared, &[&format!("{list_pointer}/get"), "{groupId}", "not declared"]);

    let mut untagged = base;
    untagged["paths"][list]["get"]["tags"] = json!([]);
    refused(&untagged, &[&format!("{list_pointer}/get"), "no tag"]);
}

/// Found by the fuzz target: a media type whose version is not a date became a method name
/// (`update_group_pet_v2023{0101`) and panicked.
#[test]
fn a_media_type_version_that_is_not_a_date_is_refused() {
    let mut spec = small();
    let body = spec["paths"]["/api/atlas/v2/groups"]["post"]["requestBody"]["content"].as_object_mut().unwrap();
    let schema = body.values().next().unwrap().clone();
    body.insert("application/vnd.atlas.2023{01-01+json".into(), schema);
    refused(&spec, &["/paths/~1api~1atlas~1v2~1groups/post/requestBody/content/application~1vnd.atlas.2023{01-01+json", "neither a date"]);
}

/// Found by the fuzz target: a tag or an operation named by a number made an identifier
/// that is a number, and emitting panicked. Such names are valid in a spec, and generate.
#[test]
fn tags_and_operations_named_by_numbers_generate() {
    let mut spec = small();
    op(&mut spec, CLUSTER, "delete")["tags"] = json!(["2024"]);
    op(&mut spec, CLUSTER, "delete")["operationId"] = json!("1");
    op(&mut spec, CLUSTER, "get")["x-xgen-operation-id-override"] = json!("42");
    let generation = generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    for (file, text) in &generation.tree.files {
        assert!(!file.ends_with(".rs") || syn::parse_file(text).is_ok(), "{file} does not parse");
    }
    assert!(generation.tree.files.keys().any(|f| f.contains("apis/_2024")), "{:?}", generation.tree.files.keys().collect::<Vec<_>>());
}
