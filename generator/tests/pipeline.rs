//! Each generator stage on a small hand-written spec (`fixtures/zoo.yaml`) that holds the
//! Atlas spec's traps in miniature. Emitted code is snapshotted with insta, so a change in
//! output is reviewed as a diff.

use std::path::{Path, PathBuf};

use generator::ir::{Builtin, Model, TypeKind, TypeRef};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zoo.yaml")
}

fn generation() -> generator::Generation {
    generator::generate(&fixture(), None).unwrap_or_else(|e| panic!("{e}"))
}

fn kind<'m>(model: &'m Model, component: &str) -> &'m TypeKind {
    &model.get(model.components[component]).kind
}

#[test]
fn parse_reads_yaml_and_hashes_the_raw_bytes() {
    let spec = generator::parse::read_spec(&fixture(), None).unwrap();
    let bytes = std::fs::read(fixture()).unwrap();
    assert_eq!(spec.sha256, generator::parse::sha256_hex(&bytes));
    assert_eq!(spec.xgen_sha, None, "the fixture is not an Atlas build");
    assert_eq!(spec.openapi.components.unwrap().schemas.len(), 12);
}

#[test]
fn a_discriminated_parent_becomes_a_tagged_union_without_recursing() {
    let model = generation().model;
    let TypeKind::Tagged(animal) = kind(&model, "Animal") else { panic!("Animal is not tagged") };
    assert_eq!(animal.property, "kind");
    let variants: Vec<(&str, Vec<&str>)> =
        animal.variants.iter().map(|v| (v.name.as_str(), v.tags.iter().map(String::as_str).collect())).collect();
    assert_eq!(variants, [("Cat", vec!["CAT", "LION"]), ("Snake", vec!["SNAKE"])]);
    // Cat inherits Animal's properties (not the union) and adds its own.
    let TypeKind::Struct(cat) = kind(&model, "Cat") else { panic!("Cat is not a struct") };
    let fields: Vec<&str> = cat.fields.iter().map(|f| f.wire.as_str()).collect();
    assert_eq!(fields, ["kind", "name", "lives"]);
    assert!(cat.fields.iter().all(|f| !f.boxed));
    assert!(cat.fields[0].required && cat.fields[1].required && !cat.fields[2].required);
}

#[test]
fn fields_keep_wire_names_flags_and_formats() {
    let model = generation().model;
    let TypeKind::Struct(keeper) = kind(&model, "Keeper") else { panic!() };
    let field = |wire: &str| keeper.fields.iter().find(|f| f.wire == wire).unwrap();
    assert_eq!(field("type").ident, "type_");
    assert_eq!(field("ref").ident, "ref_");
    assert!(field("ref").deprecated);
    assert_eq!(field("2dsphereIndexVersion").ident, "_2dsphere_index_version");
    assert!(field("id").read_only && field("id").is_optional());
    assert!(field("password").write_only && field("password").is_optional());
    assert!(field("nickname").is_double_option());
    assert!(field("badge").nullable && !field("badge").is_double_option() && !field("badge").skipped_when_none());
    assert_eq!(field("hiredAt").ty, TypeRef::Builtin(Builtin::DateTime));
    assert_eq!(field("birthday").ty, TypeRef::Builtin(Builtin::Date));
    assert_eq!(field("rating").ty, TypeRef::Builtin(Builtin::F32));
    assert_eq!(field("labels").ty, TypeRef::Map(Box::new(TypeRef::Builtin(Builtin::String))));
    assert_eq!(field("extra").ty, TypeRef::Builtin(Builtin::Json));
    // Keeper.mentor is a Keeper: the cycle is boxed; animals go through a Vec: not boxed.
    assert!(field("mentor").boxed);
    assert!(!field("animals").boxed);
}

#[test]
fn one_of_string_enums_merge_and_names_stay_unique() {
    let model = generation().model;
    let TypeKind::Enum(events) = kind(&model, "EventType") else { panic!() };
    let values: Vec<&str> = events.values.iter().map(|v| v.wire.as_str()).collect();
    assert_eq!(values, ["FED", "CLEANED", "BORN"]);
    let foo_bar = model.get(model.components["Foo_Bar"]).name.clone();
    let foobar = model.get(model.components["FooBar"]).name.clone();
    assert_ne!(foo_bar, foobar);
    assert_eq!(model.renames.len(), 1, "{:?}", model.renames);
    assert!(matches!(kind(&model, "Keeper"), TypeKind::Struct(_)));
}

#[test]
fn operations_carry_tags_parameters_and_versioned_media_types() {
    let model = generation().model;
    let ids: Vec<&str> = model.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["addKeeperAccessList", "createKeeper", "downloadLogs", "getKeeper"]);
    let get = &model.operations[3];
    assert_eq!((get.method.as_str(), get.tag.as_str()), ("GET", "Keepers"));
    assert_eq!(get.name, "get_one_keeper");
    assert_eq!(get.docs_url.as_deref(), Some("https://example.org/docs/getKeeper"));
    assert_eq!(get.roles, ["Zoo Owner"]);
    assert_eq!(get.versions(), ["2023-01-01", "2024-08-05"]);
    assert_eq!(model.operations[0].name, "add_keeper_access_list");
    let params: Vec<&str> = get.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["keeperId", "pretty", "shift"]);
    let ok = &get.responses[0];
    let versions: Vec<Option<&str>> = ok.contents.iter().map(|c| c.version.as_deref()).collect();
    assert_eq!(versions, [Some("2023-01-01"), Some("2024-08-05")]);
    let not_found = &get.responses[1];
    assert_eq!(not_found.status, "404");
    assert!(matches!(not_found.contents[0].ty, Some(TypeRef::Named(_))));
    let logs = &model.operations[2].responses[0].contents[0];
    assert_eq!((logs.version.as_deref(), logs.encoding.as_str()), (Some("2023-02-01"), "gzip"));
}

#[test]
fn examples_are_collected_with_their_types() {
    let model = generation().model;
    let pointers: Vec<&str> = model.examples.iter().map(|e| e.pointer.as_str()).collect();
    for expected in [
        "/components/schemas/Keeper",
        "/components/schemas/Animal/properties/name",
        "/components/schemas/Cat/allOf/1/properties/lives",
        "/components/parameters/keeperId/schema",
    ] {
        assert!(pointers.contains(&expected), "{expected} missing from {pointers:?}");
    }
}

/// The fixture's generated crate (`tests/zoo`), compiled and tested by `cargo test --workspace`,
/// is exactly what the generator makes of the fixture today.
#[test]
fn the_compiled_fixture_crate_is_fresh() {
    let generation = generation();
    let tree = &generation.tree;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/zoo");
    let (manifest, features) = generation.single_crate_manifest(&root).unwrap_or_else(|e| panic!("{e}"));
    if std::env::var_os("UPDATE_ZOO").is_some() {
        generator::write::write_with(tree, &root, &[(manifest.clone(), features.clone())]).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut drift = generator::write::check(tree, &root).unwrap_or_else(|e| panic!("{e}"));
    drift.extend(generator::write::check_file(&manifest, "Cargo.toml", &features).unwrap_or_else(|e| panic!("{e}")));
    assert!(
        drift.is_empty(),
        "tests/zoo is stale ({} files); run `UPDATE_ZOO=1 cargo test -p atlas-admin-generator --test pipeline`",
        drift.len()
    );
}

#[test]
fn emitted_models_snapshot() {
    let tree = generation().tree;
    for (path, text) in &tree.files {
        let name = path.replace(['/', '.'], "_");
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn emitted_code_is_valid_rust_with_the_marker() {
    for (path, text) in &generation().tree.files {
        assert!(text.starts_with(generator::write::MARKER), "{path}");
        syn::parse_file(text).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
}

/// Writes `yaml` as a spec in a temporary directory and generates from it.
fn generate_from(yaml: &str) -> Result<generator::Generation, generator::Error> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, yaml).unwrap();
    generator::generate(&path, None)
}

const HEAD: &str = "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n";

#[test]
fn a_pattern_that_cannot_be_enforced_fails_generation_naming_schema_and_pattern() {
    let err = generate_from(&format!(
        "{HEAD}    Bad:\n      type: object\n      properties:\n        code: {{type: string, pattern: '^(a|b$'}}\n"
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("/components/schemas/Bad/properties/code"), "{err}");
    assert!(err.contains("^(a|b$"), "{err}");
}

#[test]
fn a_discriminator_on_an_inline_one_of_member_is_an_error_not_a_panic() {
    let err = generate_from(&format!(
        "{HEAD}    U:\n      discriminator: {{propertyName: kind}}\n      oneOf:\n        - {{type: object, properties: {{kind: {{type: string}}}}}}\n"
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("/components/schemas/U/oneOf/0"), "{err}");
}

#[test]
fn an_operation_without_operation_id_is_an_error_naming_it() {
    let yaml = "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      tags: [A]\n      responses: {'200': {description: ok}}\n";
    let err = generate_from(yaml).unwrap_err().to_string();
    assert!(err.contains("/paths/~1a/get"), "{err}");
    assert!(err.contains("operationId"), "{err}");
}

#[test]
fn a_recursive_alias_is_an_error_naming_the_schema() {
    let err = generate_from(&format!("{HEAD}    Tree:\n      type: array\n      items: {{$ref: '#/components/schemas/Tree'}}\n"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("/components/schemas/Tree"), "{err}");
}

#[test]
fn an_inline_schema_that_inherits_its_own_owner_is_boxed_not_recursed() {
    // Node.child is `allOf: [Node, {...}]`: lowering Node reaches Node again through it.
    let generation = generate_from(&format!(
        "{HEAD}    Node:\n      type: object\n      properties:\n        name: {{type: string}}\n        child:\n          allOf:\n            - $ref: '#/components/schemas/Node'\n            - type: object\n              properties:\n                depth: {{type: integer}}\n"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let model = &generation.model;
    let TypeKind::Struct(node) = kind(model, "Node") else { panic!() };
    let child = node.fields.iter().find(|f| f.wire == "child").unwrap();
    let TypeRef::Named(child_id) = child.ty else { panic!() };
    let TypeKind::Struct(child_struct) = &model.get(child_id).kind else { panic!() };
    let wires: Vec<&str> = child_struct.fields.iter().map(|f| f.wire.as_str()).collect();
    assert_eq!(wires, ["name", "child", "depth"]);
    // NodeChild holds a NodeChild (its inherited `child`): that edge is boxed; Node -> NodeChild is not a cycle.
    assert!(!child.boxed && child_struct.fields[1].boxed);
}
