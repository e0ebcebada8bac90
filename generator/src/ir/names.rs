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

/// Acronyms that the spec glues together in one run of capitals (`AWSKMSEARPrivateEndpoint`,
/// `CloudProviderAccessAWSIAMRole`, `DataLakeDLSAWSStore`, `DBUserTLSX509Settings`). A run of
/// capitals is split into these, longest first, so each becomes a word of its own
/// (`AwsKmsEarPrivateEndpoint`); a run they do not cover stays one word, as before. Reviewed
/// from every schema, property and enum name of the spec.
const ACRONYMS: &[&str] = &[
    "AI", "API", "ARN", "ASAP", "AVG", "AWS", "BI", "BSON", "CDM", "CMD", "DB", "DLQ", "DLS", "DN", "DNS", "EAR",
    "EBS", "FCV", "FTS", "GB", "GCP", "HTTP", "IAM", "ID", "IOPS", "IP", "KMS", "LDAP", "MB", "MS", "MTM", "NDS",
    "RPU", "SKU", "SMS", "TLS", "URI", "URL", "UTC", "UUID", "VPC", "X509",
];

/// Every type name generated modules use unqualified.
pub fn reserved_types() -> impl Iterator<Item = String> {
    RESERVED_TYPES.iter().map(|s| s.to_string())
}

/// Whether generated modules use this type name unqualified (no schema may take it).
pub fn is_reserved_type(name: &str) -> bool {
    RESERVED_TYPES.contains(&name)
}

/// Turns any text into identifier characters: what is not alphanumeric separates words, and
/// runs of glued acronyms are split ([`ACRONYMS`]).
fn words(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    let mixed = raw.chars().any(|c| c.is_ascii_lowercase());
    let mut out = String::with_capacity(raw.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_uppercase() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // A run of capitals (and digits) that is part of a mixed-case name.
        let mut end = i;
        while end < chars.len() && (chars[end].is_ascii_uppercase() || chars[end].is_ascii_digit()) {
            end += 1;
        }
        let next_lower = chars.get(end).is_some_and(char::is_ascii_lowercase);
        let mut run: String = chars[i..end].iter().collect();
        // The last capital before a lower-case letter starts the next word (`IAMRole`),
        // unless the run is a plural acronym (`APIs`).
        let plural = next_lower && chars.get(end) == Some(&'s') && !chars.get(end + 1).is_some_and(char::is_ascii_lowercase)
            && ACRONYMS.contains(&run.as_str());
        if next_lower && !plural && run.len() > 1 {
            run.pop();
            end -= 1;
        }
        if plural {
            // `APIs` -> `Apis `: one word, which case conversion would otherwise cut at the `I`.
            out.push_str(&capitalised(&run));
            out.push_str("s ");
            end += 1;
        } else {
            out.push_str(&split_acronyms(&run, mixed));
        }
        i = end;
    }
    out
}

/// `AWSKMSEAR` -> `Aws Kms Ear ` in a mixed-case name; an all-caps name (`LESS_THAN`, `AWS`)
/// is left alone.
fn split_acronyms(run: &str, mixed: bool) -> String {
    if !mixed || run.len() < 4 {
        return run.to_string();
    }
    let mut parts = Vec::new();
    let mut rest = run;
    while !rest.is_empty() {
        let longest = ACRONYMS.iter().filter(|a| rest.starts_with(**a)).max_by_key(|a| a.len());
        match longest {
            Some(acronym) => {
                parts.push(*acronym);
                rest = &rest[acronym.len()..];
            }
            None => {
                parts.push(rest);
                break;
            }
        }
    }
    if parts.len() < 2 {
        return run.to_string();
    }
    // Each acronym as a capitalised word, so case conversion keeps it apart.
    let words: Vec<String> = parts.iter().map(|p| capitalised(p)).collect();
    format!("{} ", words.join(" "))
}

/// `AWS` -> `Aws`.
fn capitalised(acronym: &str) -> String {
    let mut word = acronym[..1].to_string();
    word.push_str(&acronym[1..].to_ascii_lowercase());
    word
}

/// The type name of a component schema. Search analyzer schemas glue a lower-case kind to
/// their family (`tokenFilteredgeGram`, `tokenizerkeyword`, `charFilterhtmlStrip`); their
/// `title` is that kind (`edgeGram`), so where the title is a proper suffix of the name
/// after a lower-case letter, it starts a word of its own: `TokenFilterEdgeGram`.
pub fn component_type_name(name: &str, title: Option<&str>) -> String {
    if let Some(title) = title.filter(|t| t.starts_with(|c: char| c.is_ascii_lowercase()) && t.len() < name.len()) {
        if let Some(family) = name.strip_suffix(title) {
            if family.ends_with(|c: char| c.is_ascii_lowercase()) {
                return type_name(&format!("{family} {title}"));
            }
        }
    }
    type_name(name)
}

// The spec repeats its property and value names thousands of times, and `heck` formats
// each word through `fmt`: each thread converts a name once per conversion.
thread_local! {
    static TYPE_NAMES: crate::memo::Memo<String> = Default::default();
    static UPPER_CAMEL: crate::memo::Memo<String> = Default::default();
    static FIELD_NAMES: crate::memo::Memo<String> = Default::default();
}

/// `UpperCamelCase` type or variant name; never empty, never starting with a digit.
pub fn type_name(raw: &str) -> String {
    crate::memo::remembered(&TYPE_NAMES, raw, |raw| type_identifier(words(raw).to_upper_camel_case()))
}

/// `UpperCamelCase` of a name that is already one word per part (a method or module name:
/// `list_clusters` -> `ListClusters`), with [`type_name`]'s guards: never empty, never
/// starting with a digit (`_2024` -> `V2024`), never `Self`.
pub fn upper_camel(raw: &str) -> String {
    crate::memo::remembered(&UPPER_CAMEL, raw, |raw| type_identifier(raw.to_upper_camel_case()))
}

/// An `UpperCamelCase` name made a valid type identifier: never empty, never starting with a
/// digit, never `Self`.
fn type_identifier(mut name: String) -> String {
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
    crate::memo::remembered(&FIELD_NAMES, raw, field_name_of)
}

fn field_name_of(raw: &str) -> String {
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

/// Names for enum values that are symbols (the spec's threshold operators `<` and `>`).
const SYMBOLS: &[(&str, &str)] = &[
    ("<", "LessThan"),
    ("<=", "LessThanOrEqual"),
    (">", "GreaterThan"),
    (">=", "GreaterThanOrEqual"),
    ("=", "Equal"),
    ("==", "Equal"),
    ("!=", "NotEqual"),
    ("*", "Asterisk"),
    ("+", "Plus"),
    ("-", "Minus"),
];

/// Whether an enum "value" is the spec's placeholder for a free-form value
/// (`<a custom role name>`), not a value of its own: such values go to the catch-all.
pub fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    (value.starts_with('<') && value.ends_with('>') && value.len() > 2)
        || (value.starts_with('{') && value.ends_with('}') && value.len() > 2)
}

fn variant_name(value: &str) -> String {
    match SYMBOLS.iter().find(|(symbol, _)| *symbol == value.trim()) {
        Some((_, name)) => name.to_string(),
        None => type_name(value),
    }
}

/// Variant names for string enum values, unique among themselves and the fallback.
pub fn enum_variants(values: &[String]) -> (Vec<String>, String) {
    let mut scope = Scope::default();
    let variants: Vec<String> = values.iter().map(|v| scope.claim(&variant_name(v))).collect();
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
    fn glued_acronyms_become_words() {
        assert_eq!(type_name("AWSKMSEARPrivateEndpoint"), "AwsKmsEarPrivateEndpoint");
        assert_eq!(type_name("CloudProviderAccessAWSIAMRole"), "CloudProviderAccessAwsIamRole");
        assert_eq!(type_name("DataLakeDLSAWSStore"), "DataLakeDlsAwsStore");
        assert_eq!(type_name("DBUserTLSX509Settings"), "DbUserTlsX509Settings");
        assert_eq!(type_name("AI Model APIs"), "AiModelApis");
        // One acronym per run, all-caps values and unknown runs: as before.
        assert_eq!(type_name("LDAPSecuritySettings"), "LdapSecuritySettings");
        assert_eq!(type_name("LESS_THAN"), "LessThan");
        assert_eq!(type_name("M10_NVME"), "M10Nvme");
        assert_eq!(field_name("diskSizeGB"), "disk_size_gb");
    }

    #[test]
    fn glued_lower_case_kinds_are_split_by_their_title() {
        assert_eq!(component_type_name("tokenFilteredgeGram", Some("edgeGram")), "TokenFilterEdgeGram");
        assert_eq!(component_type_name("tokenizerkeyword", Some("keyword")), "TokenizerKeyword");
        assert_eq!(component_type_name("OrgUserResponse", Some("Org User")), "OrgUserResponse");
        assert_eq!(component_type_name("keyword", Some("keyword")), "Keyword");
    }

    #[test]
    fn symbols_get_names_and_placeholders_are_no_values() {
        let (variants, _) = enum_variants(&["<".into(), ">".into()]);
        assert_eq!(variants, ["LessThan", "GreaterThan"]);
        assert!(is_placeholder("<a custom role name>"));
        assert!(!is_placeholder("<"));
        assert!(!is_placeholder("read"));
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
