//! Bad or strange input gets an error, never a panic: random small specs built from the
//! shapes the Atlas spec uses (refs, possibly dangling or circular; oneOf/allOf/anyOf;
//! discriminators; maps; patterns, some invalid) either generate or fail with a message.

use proptest::prelude::*;
use serde_json::{json, Value};

mod support;

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "integer", "format": "int32", "minimum": 1})),
        Just(json!({"type": "number"})),
        Just(json!({"type": "boolean"})),
        Just(json!({"type": "string", "format": "date-time"})),
        Just(json!({"type": "object"})),
        Just(json!({})),
        (0..6u8).prop_map(|i| json!({"$ref": format!("#/components/schemas/S{i}")})),
        prop::collection::vec("[A-Za-z_ ]{0,6}", 0..4).prop_map(|v| json!({"type": "string", "enum": v})),
        prop_oneof![Just("^[a-f]{2}$"), Just("^(a|b$"), Just("(?<=x)y"), Just(r"^\p{L}+$")]
            .prop_map(|p| json!({"type": "string", "pattern": p})),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::btree_map("[a-z$_0-9]{1,5}", inner.clone(), 0..4).prop_map(|props| {
                let required: Vec<&String> = props.keys().take(1).collect();
                json!({"type": "object", "properties": props, "required": required})
            }),
            inner.clone().prop_map(|items| json!({"type": "array", "items": items, "maxItems": 3})),
            inner.clone().prop_map(|v| json!({"type": "object", "additionalProperties": v})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| json!({"oneOf": v})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| json!({"anyOf": v})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| json!({"allOf": v, "nullable": true})),
            (0..6u8, 0..6u8).prop_map(|(a, b)| json!({
                "type": "object",
                "discriminator": {"propertyName": "kind", "mapping": {
                    "A": format!("#/components/schemas/S{a}"), "B": format!("S{b}")}},
                "properties": {"kind": {"type": "string"}}
            })),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn generation_never_panics(schemas in prop::collection::vec(schema(), 1..6)) {
        let components: serde_json::Map<String, Value> =
            schemas.into_iter().enumerate().map(|(i, s)| (format!("S{i}"), s)).collect();
        let spec = json!({
            "openapi": "3.0.1",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x/{id}": {"get": {
                "operationId": "getX", "tags": ["X"],
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/S0"}}],
                "responses": {"200": {"description": "ok", "content": {
                    "application/vnd.atlas.2024-08-05+json": {"schema": {"$ref": "#/components/schemas/S0"}}}}}
            }}},
            "components": {"schemas": components}
        });
        match support::generate_text("spec.json", spec.to_string()) {
            Ok(generation) => {
                let unparsable = support::unparsable_files(&generation);
                prop_assert!(unparsable.is_empty(), "{unparsable:?} do not parse");
            }
            // An error names the place: a pointer into the schemas or the paths.
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.contains("/components/schemas/S") || message.contains("/paths/"), "names no place: {message}");
            }
        }
    }
}
