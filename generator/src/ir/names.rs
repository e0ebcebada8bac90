//! Rust names for spec names: case conversion with `heck`, keywords, non-identifiers and
//! collisions, decided once and deterministically.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// A name that had to change to stay unique; reported by `generate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    pub pointer: String,
    pub wanted: String,
    pub given: String,
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
    "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Type names the generated modules use unqualified: a schema may not take them.
const RESERVED_TYPES: &[&str] = &[
    "Self", "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err", "Value",
    "BTreeMap", "DateTime", "Utc", "NaiveDate", "Serialize", "Deserialize", "Serializer",
    "Deserializer", "Validate",
];

/// Turns any text into identifier characters: what is not alphanumeric separates words.
fn words(raw: &str) -> String {
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// `UpperCamelCase` type or variant name; never empty, never starting with a digit.
pub fn type_name(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push_str("Value");
    }
    name
}

/// `snake_case` field name; keywords get a trailing underscore (`type` -> `type_`).
pub fn field_name(raw: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `snake_case` module (file) name for a type name.
pub fn module_name(type_name: &str) -> String {
    field_name(type_name)
}

/// Hands out names unique within one scope (the crate's types, one struct's fields, ...).
/// The first claimant keeps a name; later ones get the smallest free numeric suffix.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn with_reserved_types() -> Self {
        Scope { taken: RESERVED_TYPES.iter().map(|s| s.to_string()).collect() }
    }

    /// Claims `wanted`, or the nearest free variant of it.
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let separator = if wanted.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
        (2..)
            .map(|n| format!("{wanted}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }

    /// Claims and records a rename when the name had to change.
    pub fn claim_reported(&mut self, wanted: &str, pointer: &str, renames: &mut Vec<Rename>) -> String {
        let given = self.claim(wanted);
        if given != wanted {
            renames.push(Rename { pointer: pointer.into(), wanted: wanted.into(), given: given.clone() });
        }
        given
    }
}

/// Names for the variants of a union: each target's name with the words it shares with
/// the union's name at either end removed (`OrgPendingUserResponse` in `OrgUserResponse`
/// -> `Pending`), falling back to the full names when that would be ambiguous.
pub fn variant_names(union: &str, targets: &[String]) -> Vec<String> {
    let union_words = split_words(union);
    let short: Vec<String> = targets
        .iter()
        .map(|target| {
            let words = split_words(target);
            let prefix = common_prefix(&union_words, &words);
            let suffix = common_prefix(
                &union_words[prefix..].iter().rev().cloned().collect::<Vec<_>>(),
                &words[prefix..].iter().rev().cloned().collect::<Vec<_>>(),
            );
            let middle = &words[prefix..words.len() - suffix];
            type_name(&middle.join(" "))
        })
        .collect();
    let distinct: BTreeSet<&String> = short.iter().collect();
    // An empty middle (the target *is* the union's name) or a clash: use the full names.
    let usable = distinct.len() == short.len() && !short.iter().any(|s| s == "Value");
    let chosen = if usable { short } else { targets.iter().map(|t| type_name(t)).collect() };
    let mut scope = Scope::default();
    chosen.iter().map(|name| scope.claim(name)).collect()
}

fn split_words(name: &str) -> Vec<String> {
    type_name(name).to_snake_case().split('_').map(str::to_owned).collect()
}

fn common_prefix(a: &[String], b: &[String]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Variant names for string enum values, unique among themselves and the fallback.
pub fn enum_variants(values: &[String]) -> (Vec<String>, String) {
    let mut scope = Scope::default();
    let variants: Vec<String> = values.iter().map(|v| scope.claim(&type_name(v))).collect();
    let fallback = scope.claim("Unrecognized");
    (variants, fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_are_upper_camel_and_valid() {
        assert_eq!(type_name("OrgUserResponse"), "OrgUserResponse");
        assert_eq!(type_name("ClusterDescription20240805"), "ClusterDescription20240805");
        assert_eq!(type_name("AWSHardwareSpec"), "AwsHardwareSpec");
        assert_eq!(type_name("2dsphere"), "V2dsphere");
        assert_eq!(type_name("atlas.project.deployment.clusters"), "AtlasProjectDeploymentClusters");
        assert_eq!(type_name(""), "Value");
    }

    #[test]
    fn field_names_avoid_keywords_and_non_identifiers() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("ref"), "ref_");
        assert_eq!(field_name("groupId"), "group_id");
        assert_eq!(field_name("2dsphereIndexVersion"), "_2dsphere_index_version");
        assert_eq!(field_name("$ref"), "ref_");
        assert_eq!(field_name("self"), "self_");
    }

    #[test]
    fn colliding_fields_get_distinct_idents() {
        let mut scope = Scope::default();
        let idents: Vec<String> = ["_id", "id", "ID"].iter().map(|w| scope.claim(&field_name(w))).collect();
        assert_eq!(idents, ["id", "id2", "id3"]);
    }

    #[test]
    fn scope_is_deterministic_and_avoids_reserved_names() {
        let mut scope = Scope::with_reserved_types();
        assert_eq!(scope.claim("String"), "String2");
        assert_eq!(scope.claim("Group"), "Group");
        assert_eq!(scope.claim("Group"), "Group2");
        assert_eq!(scope.claim("Spec2"), "Spec2");
        assert_eq!(scope.claim("Spec2"), "Spec2_2");
    }

    #[test]
    fn union_variants_drop_the_shared_words() {
        let targets = vec!["OrgPendingUserResponse".to_string(), "OrgActiveUserResponse".to_string()];
        assert_eq!(variant_names("OrgUserResponse", &targets), ["Pending", "Active"]);
        let same = vec!["GroupUserResponse".to_string(), "GroupUserResponse".to_string()];
        assert_eq!(variant_names("GroupUserResponse", &same), ["GroupUserResponse", "GroupUserResponse2"]);
    }

    #[test]
    fn enum_values_keep_a_free_fallback() {
        let (variants, fallback) = enum_variants(&["M10".into(), "m10".into(), "UNRECOGNIZED".into()]);
        assert_eq!(variants, ["M10", "M10_2", "Unrecognized"]);
        assert_eq!(fallback, "Unrecognized2");
    }
}
