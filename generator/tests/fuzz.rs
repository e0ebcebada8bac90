//! Fuzzing the whole pipeline (parse, model, emit, format) with proptest: a spec with the
//! Atlas traps (versioned media types, a discriminated parent whose children `allOf` back to
//! it, enums, patterns, maps, path and query parameters) mutated at random, in its structure
//! and in its text. Whatever the input: no panic, no emitted code that is not Rust, and an
//! error that names the place (a JSON pointer, or the file).
//!
//! `cargo test` runs a short sample; the long run is
//! `FUZZ_CASES=200000 cargo test --release -p atlas-admin-generator --test fuzz -- --ignored`
//! (a crash found there becomes a case in `broken_specs.rs`, and proptest keeps its seed in
//! `fuzz.proptest-regressions`).

use proptest::prelude::*;
use serde_json::{json, Value};

mod support;

fn base() -> Value {
    let v = "application/vnd.atlas.2024-08-05+json";
    json!({
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "2.0"},
        "tags": [{"name": "Pets"}],
        "paths": {
            "/api/atlas/v2/groups/{groupId}/pets/{petId}": {
                "get": {
                    "operationId": "getGroupPet", "tags": ["Pets"],
                    "parameters": [
                        {"$ref": "#/components/parameters/groupId"},
                        {"name": "petId", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[a-f0-9]{24}$"}},
                        {"name": "kind", "in": "query", "schema": {"type": "array", "items": {"type": "string", "enum": ["A", "B"]}}}
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": {v: {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                        "404": {"$ref": "#/components/responses/notFound"}
                    }
                },
                "patch": {
                    "operationId": "updateGroupPet", "tags": ["Pets"],
                    "parameters": [
                        {"$ref": "#/components/parameters/groupId"},
                        {"name": "petId", "in": "path", "required": true, "schema": {"type": "string"}}
                    ],
                    "requestBody": {"required": true, "content": {
                        "application/vnd.atlas.2023-01-01+json": {"schema": {"$ref": "#/components/schemas/Pet"}},
                        v: {"schema": {"$ref": "#/components/schemas/Pet"}}
                    }},
                    "responses": {"200": {"description": "ok", "content": {v: {"schema": {"$ref": "#/components/schemas/Pet"}}}}}
                }
            },
            "/api/atlas/v2/groups/{groupId}/pets:export": {
                "get": {
                    "operationId": "exportGroupPets", "tags": ["Pets"],
                    "parameters": [{"$ref": "#/components/parameters/groupId"}],
                    "responses": {"200": {"description": "gzip", "content": {"application/vnd.atlas.2023-01-01+gzip": {"schema": {"type": "string", "format": "binary"}}}}}
                }
            }
        },
        "components": {
            "parameters": {"groupId": {"name": "groupId", "in": "path", "required": true, "schema": {"type": "string"}}},
            "responses": {"notFound": {"description": "no", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {
                "Pet": {
                    "type": "object",
                    "discriminator": {"propertyName": "type", "mapping": {"CAT": "#/components/schemas/Cat", "LION": "#/components/schemas/Cat", "DOG": "#/components/schemas/Dog"}},
                    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "properties": {"type": {"type": "string"}, "name": {"type": "string", "maxLength": 64}, "self": {"type": "string", "readOnly": true}},
                    "required": ["type"]
                },
                "Cat": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"type": "object", "properties": {
                    "lives": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 9},
                    "tags": {"type": "object", "additionalProperties": {"type": "string"}}
                }}]},
                "Dog": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"type": "object", "properties": {
                    "weight": {"type": "number", "format": "double"},
                    "password": {"type": "string", "writeOnly": true},
                    "size": {"type": "string", "enum": ["SMALL", "LARGE"]}
                }}]},
                "Error": {"type": "object", "properties": {"detail": {"type": "string"}, "errorCode": {"type": "string"}}}
            }
        }
    })
}

/// Every JSON pointer in `value`, in a stable order.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec![
            "", "object", "string", "integer", "number", "array", "boolean", "{petId}", "/x/{y}", "Pets", "getGroupPet",
            "#/components/schemas/Pet", "#/components/schemas/Nope", "#/components/parameters/groupId", "#/paths/x",
            "application/vnd.atlas.2024-08-05+json", "application/vnd.atlas.preview+json", "text/csv", "date-time",
            "int32", "^(?=a)b$", "[", "../", "type", "self", "CAT", "é\u{0}\u{202e}", "fn", "r#type",
        ])
        .prop_map(Value::from),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(vec!["type", "$ref", "properties", "items", "allOf", "oneOf", "enum", "format", "required", "name", "in", "schema", "x"]), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Remove(usize),
    Replace(usize, Value),
    /// Copies the value at one place over another (a second operation, a schema in two places).
    Copy(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), value()).prop_map(|(at, v)| Mutation::Replace(at, v)),
        (any::<usize>(), any::<usize>()).prop_map(|(from, to)| Mutation::Copy(from, to)),
    ]
}

fn apply(doc: &mut Value, mutation: &Mutation) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let pick = |i: usize| all[i % all.len()].clone();
    match mutation {
        Mutation::Remove(at) => {
            let at = pick(*at);
            if let Some((parent, key)) = at.rsplit_once('/') {
                let key = key.replace("~1", "/").replace("~0", "~");
                match doc.pointer_mut(parent) {
                    Some(Value::Object(map)) => drop(map.remove(&key)),
                    Some(Value::Array(items)) => {
                        if let Ok(i) = key.parse::<usize>() {
                            if i < items.len() {
                                items.remove(i);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Mutation::Replace(at, value) => {
            if let Some(slot) = doc.pointer_mut(&pick(*at)) {
                *slot = value.clone();
            }
        }
        Mutation::Copy(from, to) => {
            let copied = doc.pointer(&pick(*from)).cloned();
            if let (Some(copied), Some(slot)) = (copied, doc.pointer_mut(&pick(*to))) {
                *slot = copied;
            }
        }
    }
}

/// Runs the pipeline on `text`: never a panic (the test would fail), never code that is not
/// Rust, and an error that names a place.
fn run(text: &[u8], name: &str) -> Result<(), TestCaseError> {
    match support::generate_text(name, text) {
        Ok(generation) => {
            let unparsable = support::unparsable_files(&generation);
            prop_assert!(unparsable.is_empty(), "{unparsable:?} do not parse");
        }
        Err(e) => {
            let message = e.to_string();
            prop_assert!(!message.contains("is not valid Rust"), "emitted code that is not Rust: {message}");
            prop_assert!(message.contains('/') || message.contains(name), "names no place: {message}");
        }
    }
    Ok(())
}

fn cases(default: u32) -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn structure(mutations: &[Mutation]) -> Result<(), TestCaseError> {
    let mut doc = base();
    for m in mutations {
        apply(&mut doc, m);
    }
    run(doc.to_string().as_bytes(), "spec.json")
}

fn text(edits: &[(usize, u8, bool)], cut: Option<usize>) -> Result<(), TestCaseError> {
    let mut bytes = serde_yaml::to_string(&base()).unwrap().into_bytes();
    for (at, byte, insert) in edits {
        let at = at % bytes.len();
        if *insert {
            bytes.insert(at, *byte);
        } else {
            bytes[at] = *byte;
        }
    }
    if let Some(cut) = cut {
        bytes.truncate(cut % bytes.len());
    }
    run(&bytes, "spec.yaml")
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, bool)>> {
    prop::collection::vec((any::<usize>(), prop::sample::select(b"{}[]:,-&*!|>'\"#\n 0aZ\\".to_vec()), any::<bool>()), 0..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    #[test]
    fn mutated_structure_never_breaks_the_pipeline(mutations in prop::collection::vec(mutation(), 1..5)) {
        structure(&mutations)?;
    }

    #[test]
    fn mutated_text_never_breaks_the_pipeline(edits in edits(), cut in prop::option::of(any::<usize>())) {
        text(&edits, cut)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(20_000)))]

    /// The long run (see the module docs).
    #[test]
    #[ignore]
    fn fuzz_long(mutations in prop::collection::vec(mutation(), 1..8), edits in edits(), cut in prop::option::of(any::<usize>())) {
        structure(&mutations)?;
        text(&edits, cut)?;
    }
}

/// The unmutated spec generates, so mutations start from a spec that goes all the way through.
#[test]
fn the_base_spec_generates() {
    let generation = support::generate_text("spec.json", base().to_string()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generation.model.operations.len(), 3);
    assert!(generation.model.warnings.is_empty(), "{:?}", generation.model.warnings);
}
