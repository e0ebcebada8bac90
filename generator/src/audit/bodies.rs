//! Angle 7: `required` on the schemas of error bodies and list bodies. Atlas leaves out what it
//! has nothing for (`errorCode` on some errors, `results` on an empty page), so a required
//! property there is a candidate, listed with how many responses use the schema.

use std::collections::BTreeMap;

use serde_json::Value;

/// A schema used as an error or list body, and what it requires.
#[derive(Debug, Clone, PartialEq)]
pub struct RequiredInBody {
    /// `error` (a 4xx, 5xx or default response) or `list` (a success whose schema has
    /// `results`).
    pub body: &'static str,
    pub schema: String,
    pub required: Vec<String>,
    /// How many responses (operation and status) use it.
    pub responses: usize,
}

/// What `$ref` names, in this document.
fn resolve<'d>(document: &'d Value, value: &'d Value) -> &'d Value {
    match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => document.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

/// The names a schema requires, its own and its `allOf` parts'.
fn required_of(document: &Value, schema: &Value) -> Vec<String> {
    let own = schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_owned);
    let parts = schema.get("allOf").and_then(Value::as_array).into_iter().flatten().flat_map(|part| required_of(document, resolve(document, part)));
    let mut names: Vec<String> = own.chain(parts).collect();
    names.sort();
    names.dedup();
    names
}

fn has_results(document: &Value, schema: &Value) -> bool {
    schema.pointer("/properties/results").is_some()
        || schema.get("allOf").and_then(Value::as_array).is_some_and(|parts| parts.iter().any(|p| has_results(document, resolve(document, p))))
}

pub(super) fn required_in_bodies(document: &Value) -> Vec<RequiredInBody> {
    let mut found: BTreeMap<(&'static str, String), RequiredInBody> = BTreeMap::new();
    let operations = document.get("paths").and_then(Value::as_object).into_iter().flat_map(|paths| paths.values()).filter_map(Value::as_object).flat_map(|item| item.values());
    for operation in operations {
        let Some(responses) = operation.get("responses").and_then(Value::as_object) else { continue };
        for (status, response) in responses {
            let error = status == "default" || status.starts_with('4') || status.starts_with('5');
            let content = resolve(document, response).get("content").and_then(Value::as_object);
            for media in content.into_iter().flat_map(|c| c.values()) {
                let Some(reference) = media.pointer("/schema/$ref").and_then(Value::as_str) else { continue };
                let schema = resolve(document, &media["schema"]);
                let body = match (error, has_results(document, schema)) {
                    (true, _) => "error",
                    (false, true) => "list",
                    (false, false) => continue,
                };
                let required = required_of(document, schema);
                if required.is_empty() {
                    continue;
                }
                let name = reference.rsplit('/').next().unwrap_or(reference).to_owned();
                found.entry((body, name.clone())).or_insert_with(|| RequiredInBody { body, schema: name, required, responses: 0 }).responses += 1;
            }
        }
    }
    found.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_and_list_bodies_that_require_are_listed_with_their_uses() {
        let doc = json!({
            "paths": {
                "/a": {"get": {"responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PageOfA"}}}},
                    "400": {"$ref": "#/components/responses/badRequest"},
                    "default": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}}
                }}},
                "/b": {"get": {"responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/B"}}}},
                    "404": {"$ref": "#/components/responses/badRequest"}
                }}}
            },
            "components": {
                "responses": {"badRequest": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}}},
                "schemas": {
                    "ApiError": {"required": ["errorCode", "error"], "properties": {"error": {}, "errorCode": {}}},
                    "Paginated": {"required": ["results"], "properties": {"results": {"type": "array"}}},
                    "PageOfA": {"allOf": [{"$ref": "#/components/schemas/Paginated"}, {"required": ["totalCount"]}]},
                    "B": {"required": ["name"], "properties": {"name": {}}}
                }
            }
        });
        let found = required_in_bodies(&doc);
        let listed: Vec<(&str, &str, Vec<&str>, usize)> =
            found.iter().map(|f| (f.body, f.schema.as_str(), f.required.iter().map(String::as_str).collect(), f.responses)).collect();
        // `B` requires a property, but is neither an error nor a list.
        assert_eq!(listed, [("error", "ApiError", vec!["error", "errorCode"], 3), ("list", "PageOfA", vec!["results", "totalCount"], 1)]);
    }
}
