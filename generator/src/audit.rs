//! `cargo xtask audit`: where the spec's constraints may refuse a value Atlas itself sends.
//!
//! Pre-send validation enforces every bound and pattern of the spec, and the spec is
//! evidence, not law: Atlas answers alert notifications with an `intervalMin` of 0 under a
//! `minimum: 5`. No single check finds such a rule, so the audit looks from three angles
//! and lists the candidates for a maintainer to judge (and fix in `spec/fixes.yaml` with
//! evidence):
//!
//! 1. **The same property, other bounds.** A property name constrained in one schema and
//!    constrained differently, or not at all, in another (`diskSizeGB`: 10 to 4096 in two
//!    legacy schemas, free in nine others).
//! 2. **Prose that qualifies a bound.** A bounded property whose description speaks of its
//!    limits in words ("below the minimum ... is raised", "depends on the tier") or names
//!    numbers its bounds do not.
//! 3. **Examples that break a bound.** Every example value (of a property, a schema, a whole
//!    request or response) checked against its own declaration's rules, and its numbers also
//!    against every other declaration of the same property name.
//!
//! and four more that read a rule against what it applies to ([`patterns`], [`bodies`]):
//!
//! 4. **Hexadecimal in one case.** A pattern whose `a-f` has no `A-F` (or the reverse): the
//!    same id in the other case is refused.
//! 5. **The empty string refused where nothing is required.** An optional property whose
//!    pattern refuses `""` (a phone number never set).
//! 6. **A form the description names and the pattern refuses.** "12-digit", "24-hexadecimal"
//!    in the description, and no value of that form matches the pattern.
//! 7. **`required` in error and list bodies.** The schemas of error responses and of lists
//!    (`results`) with the properties they require: Atlas leaves out what it has nothing for.
//!
//! It reads the spec document as JSON (after the fixes), so it sees inline schemas too.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::pointer_token;

mod bodies;
mod patterns;

pub use bodies::RequiredInBody;
pub use patterns::{EmptyRefused, FormDisagrees, OneCaseHex};

/// The constraint keywords the audit compares.
const KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
];

/// Words in a description that speak of a bound as softer or other than the keywords say.
const QUALIFIERS: &[&str] = &[
    "below the minimum",
    "above the maximum",
    "raised to",
    "rounded",
    "depends on",
    "depending on",
    "varies",
    "at least",
    "at most",
    "up to",
    "no more than",
    "no less than",
    "minimum",
    "maximum",
    "between",
    "range",
    "limit",
];

/// One property declaration: where, its name and its constraints.
#[derive(Debug, Clone, PartialEq)]
pub struct Declaration {
    /// JSON pointer to the property's schema.
    pub pointer: String,
    pub property: String,
    /// Its constraint keywords (and its array items', as `items.<keyword>`), canonical order.
    pub bounds: BTreeMap<String, Value>,
    pub description: String,
    /// Whether the schema declaring it lists it in `required`.
    pub required: bool,
}

impl Declaration {
    fn bounds_text(&self) -> String {
        if self.bounds.is_empty() {
            return "no bounds".into();
        }
        self.bounds.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
    }
}

/// Angle 1: a property name whose declarations disagree on its bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Differing {
    pub property: String,
    /// Each distinct set of bounds (`no bounds` included), with the pointers declaring it.
    pub variants: Vec<(String, Vec<String>)>,
}

/// Angle 2: a bounded property whose description qualifies its bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Prose {
    pub property: String,
    pub bounds: String,
    /// The qualifying words found, and numbers the text names that no bound has.
    pub qualifiers: Vec<String>,
    pub other_numbers: Vec<String>,
    pub excerpt: String,
    /// Every declaration with this property, bounds and description.
    pub pointers: Vec<String>,
}

/// Angle 3: an example value that breaks a declaration's rule.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokenExample {
    /// Where the example value is.
    pub example: String,
    pub property: String,
    pub value: Value,
    /// The declaration whose rule it breaks, and the rule.
    pub declaration: String,
    pub rule: String,
    /// Whether the declaration is the example's own (else: the same name elsewhere).
    pub own: bool,
}

/// The three angles' findings on one spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Audit {
    pub declarations: usize,
    pub bounded: usize,
    pub examples: usize,
    pub differing: Vec<Differing>,
    pub prose: Vec<Prose>,
    pub broken_examples: Vec<BrokenExample>,
    pub one_case_hex: Vec<OneCaseHex>,
    pub empty_refused: Vec<EmptyRefused>,
    pub form_disagrees: Vec<FormDisagrees>,
    pub required_in_bodies: Vec<RequiredInBody>,
}

/// Reads the spec at `path`, applies the fixes for `spec_date` and audits it.
pub fn audit_spec(path: &std::path::Path, fixes_path: Option<&std::path::Path>, spec_date: Option<&str>) -> crate::Result<Audit> {
    let bytes = crate::parse::read_limited(path)?;
    let mut document = crate::parse::parse_document(path, &bytes)?;
    if let Some(fixes_path) = fixes_path.filter(|p| p.exists()) {
        crate::parse::apply_fixes_for(&mut document, fixes_path, spec_date)?;
    }
    Ok(audit(&document))
}

/// Audits a spec document (JSON, fixes applied).
pub fn audit(document: &Value) -> Audit {
    let mut declarations = Vec::new();
    collect_declarations(document, String::new(), &mut declarations);
    let mut examples = Vec::new();
    collect_examples(document, String::new(), None, &mut examples);
    let by_name = group_by_name(&declarations);
    Audit {
        declarations: declarations.len(),
        bounded: declarations.iter().filter(|d| !d.bounds.is_empty()).count(),
        examples: examples.len(),
        differing: differing(&by_name),
        prose: prose(&declarations),
        broken_examples: broken_examples(&examples, &declarations, &by_name),
        one_case_hex: patterns::one_case_hex(&declarations),
        empty_refused: patterns::empty_refused(&declarations),
        form_disagrees: patterns::form_disagrees(&declarations),
        required_in_bodies: bodies::required_in_bodies(document),
    }
}

/// Every property declared anywhere in the document (components, inline request and
/// response schemas, nested objects, `allOf` parts).
fn collect_declarations(value: &Value, at: String, out: &mut Vec<Declaration>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                let required = map.get("required").and_then(Value::as_array);
                for (name, schema) in properties {
                    let pointer = format!("{at}/properties/{}", pointer_token(name));
                    if let Value::Object(schema) = schema {
                        out.push(Declaration {
                            pointer,
                            property: name.clone(),
                            bounds: bounds_of(schema),
                            description: schema.get("description").and_then(Value::as_str).unwrap_or_default().to_owned(),
                            required: required.is_some_and(|r| r.iter().any(|n| n.as_str() == Some(name.as_str()))),
                        });
                    }
                }
            }
            for (key, child) in map {
                // Examples are data, not schemas.
                if key != "example" && key != "examples" {
                    collect_declarations(child, format!("{at}/{}", pointer_token(key)), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_declarations(item, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn bounds_of(schema: &Map<String, Value>) -> BTreeMap<String, Value> {
    let own = KEYWORDS.iter().filter_map(|k| schema.get(*k).map(|v| (k.to_string(), v.clone())));
    let items = schema.get("items").and_then(Value::as_object);
    let of_items = items.into_iter().flat_map(|items| KEYWORDS.iter().filter_map(|k| items.get(*k).map(|v| (format!("items.{k}"), v.clone()))));
    own.chain(of_items).collect()
}

/// An example value and where it is: (pointer, the property it is the value of, if known).
type Example<'d> = (String, Option<&'d str>, &'d Value);

/// Every example in the document: `example` of a property or schema, `examples.*.value` of a
/// media type or parameter. Objects inside them are walked: each member is an example of
/// the property it names.
fn collect_examples<'d>(value: &'d Value, at: String, property: Option<&'d str>, out: &mut Vec<Example<'d>>) {
    match value {
        Value::Object(map) => {
            // A property's schema: its `example` is a value of that property.
            let here = map.get("properties").map(|_| None).unwrap_or(property);
            if let Some(example) = map.get("example") {
                walk_example(example, format!("{at}/example"), here, out);
            }
            if let Some(Value::Object(examples)) = map.get("examples") {
                for (name, example) in examples {
                    if let Some(inner) = example.get("value") {
                        walk_example(inner, format!("{at}/examples/{}/value", pointer_token(name)), here, out);
                    }
                }
            }
            for (key, child) in map {
                if key == "example" || key == "examples" {
                    continue;
                }
                let at = format!("{at}/{}", pointer_token(key));
                // The children of `properties` are property schemas, named by their key.
                let named = if at.ends_with(&format!("/properties/{}", pointer_token(key))) { Some(key.as_str()) } else { None };
                collect_examples(child, at, named, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_examples(item, format!("{at}/{i}"), None, out);
            }
        }
        _ => {}
    }
}

fn walk_example<'d>(value: &'d Value, at: String, property: Option<&'d str>, out: &mut Vec<Example<'d>>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                walk_example(member, format!("{at}/{}", pointer_token(key)), Some(key), out);
            }
        }
        Value::Array(items) if items.iter().any(|i| i.is_object()) => {
            for (i, item) in items.iter().enumerate() {
                walk_example(item, format!("{at}/{i}"), property, out);
            }
        }
        _ => out.push((at, property, value)),
    }
}

fn group_by_name(declarations: &[Declaration]) -> BTreeMap<&str, Vec<&Declaration>> {
    let mut by_name: BTreeMap<&str, Vec<&Declaration>> = BTreeMap::new();
    for d in declarations {
        by_name.entry(d.property.as_str()).or_default().push(d);
    }
    by_name
}

fn differing(by_name: &BTreeMap<&str, Vec<&Declaration>>) -> Vec<Differing> {
    by_name
        .iter()
        .filter(|(_, ds)| ds.iter().any(|d| !d.bounds.is_empty()))
        .filter_map(|(name, ds)| {
            let mut variants: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for d in ds {
                variants.entry(d.bounds_text()).or_default().push(d.pointer.clone());
            }
            (variants.len() > 1).then(|| Differing { property: name.to_string(), variants: variants.into_iter().collect() })
        })
        .collect()
}

fn prose(declarations: &[Declaration]) -> Vec<Prose> {
    let mut found: BTreeMap<(String, String, String), Prose> = BTreeMap::new();
    for d in declarations.iter().filter(|d| !d.bounds.is_empty() && !d.description.is_empty()) {
        let lower = d.description.to_lowercase();
        let qualifiers: Vec<String> = QUALIFIERS.iter().filter(|q| lower.contains(*q)).map(|q| q.to_string()).collect();
        let bound_numbers: BTreeSet<String> = d.bounds.values().filter(|v| v.is_number()).map(|v| number_text(v.as_f64().unwrap_or_default())).collect();
        let other_numbers: Vec<String> = numbers_in(&d.description).into_iter().filter(|n| !bound_numbers.contains(n)).collect();
        // A number alone is too common (ports, versions); it counts beside a qualifier.
        if qualifiers.is_empty() {
            continue;
        }
        let key = (d.property.clone(), d.bounds_text(), d.description.clone());
        found
            .entry(key)
            .or_insert_with(|| Prose {
                property: d.property.clone(),
                bounds: d.bounds_text(),
                qualifiers,
                other_numbers,
                excerpt: excerpt(&d.description),
                pointers: Vec::new(),
            })
            .pointers
            .push(d.pointer.clone());
    }
    found.into_values().collect()
}

/// The numbers a text names, as the audit prints bounds (`10`, `0.5`).
fn numbers_in(text: &str) -> BTreeSet<String> {
    let mut numbers = BTreeSet::new();
    let mut current = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '.' && !current.is_empty()) {
            current.push(c);
        } else if !current.is_empty() {
            if let Ok(n) = current.trim_end_matches('.').parse::<f64>() {
                numbers.insert(number_text(n));
            }
            current.clear();
        }
    }
    numbers
}

/// A number as written in a bound: Rust prints a whole `f64` without a fraction or an
/// exponent (`10`, `100000000000000000000`), as the spec writes it.
fn number_text(n: f64) -> String {
    format!("{n}")
}

fn excerpt(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(200) {
        Some((cut, _)) => format!("{}...", &flat[..cut]),
        None => flat,
    }
}

fn broken_examples(examples: &[Example<'_>], declarations: &[Declaration], by_name: &BTreeMap<&str, Vec<&Declaration>>) -> Vec<BrokenExample> {
    let by_pointer: BTreeMap<&str, &Declaration> = declarations.iter().map(|d| (d.pointer.as_str(), d)).collect();
    let mut broken = Vec::new();
    for (at, property, value) in examples {
        let Some(property) = property else { continue };
        // The example's own declaration: the property schema it sits in, if it sits in one.
        let own = at.rsplit_once("/example").and_then(|(schema, _)| by_pointer.get(schema).copied()).filter(|d| d.property == *property);
        let candidates = by_name.get(property).into_iter().flatten().copied();
        for d in candidates {
            let is_own = own.is_some_and(|o| o.pointer == d.pointer);
            for rule in broken_rules(value, &d.bounds, is_own) {
                broken.push(BrokenExample {
                    example: at.clone(),
                    property: property.to_string(),
                    value: (*value).clone(),
                    declaration: d.pointer.clone(),
                    rule,
                    own: is_own,
                });
            }
        }
    }
    broken
}

/// The rules of `bounds` that `value` breaks: numbers always; lengths and patterns only
/// against the value's own declaration (another schema's `name` pattern is another thing).
fn broken_rules(value: &Value, bounds: &BTreeMap<String, Value>, own: bool) -> Vec<String> {
    let bound = |k: &str| bounds.get(k).and_then(Value::as_f64);
    let exclusive = |k: &str| bounds.get(k).and_then(Value::as_bool).unwrap_or(false);
    let mut rules = Vec::new();
    match value {
        Value::Number(n) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            if let Some(min) = bound("minimum") {
                if n < min || (exclusive("exclusiveMinimum") && n == min) {
                    rules.push(format!("minimum {}", number_text(min)));
                }
            }
            if let Some(max) = bound("maximum") {
                if n > max || (exclusive("exclusiveMaximum") && n == max) {
                    rules.push(format!("maximum {}", number_text(max)));
                }
            }
        }
        Value::String(s) if own => {
            let length = s.chars().count() as f64;
            if bound("minLength").is_some_and(|min| length < min) {
                rules.push("minLength".into());
            }
            if bound("maxLength").is_some_and(|max| length > max) {
                rules.push("maxLength".into());
            }
            if let Some(pattern) = bounds.get("pattern").and_then(Value::as_str) {
                // A pattern the generator would refuse is reported by generation, not here.
                if let Ok(regex) = regress::Regex::new(pattern) {
                    if regex.find(s).is_none() {
                        rules.push(format!("pattern {pattern}"));
                    }
                }
            }
        }
        _ => {}
    }
    rules
}

impl Audit {
    /// The report, in Markdown.
    pub fn markdown(&self) -> String {
        let mut md = format!(
            "# Constraint audit\n\n{} property declarations, {} with bounds; {} example values.\n\n",
            self.declarations, self.bounded, self.examples
        );
        md.push_str(&format!("## 1. The same property, other bounds ({})\n\n", self.differing.len()));
        for d in &self.differing {
            md.push_str(&format!("- `{}`\n", d.property));
            for (bounds, pointers) in &d.variants {
                md.push_str(&format!("  - {bounds}: {} ({})\n", shortened(pointers), pointers.len()));
            }
        }
        md.push_str(&format!("\n## 2. Prose that qualifies a bound ({})\n\n", self.prose.len()));
        for p in &self.prose {
            let numbers = if p.other_numbers.is_empty() { String::new() } else { format!("; names {}", p.other_numbers.join(", ")) };
            md.push_str(&format!(
                "- `{}` ({}): says {}{numbers}. {} ({})\n  > {}\n",
                p.property,
                p.bounds,
                p.qualifiers.iter().map(|q| format!("\"{q}\"")).collect::<Vec<_>>().join(", "),
                shortened(&p.pointers),
                p.pointers.len(),
                p.excerpt
            ));
        }
        // One line per value and rule: a whole example repeats a value in many places, and a
        // property name is declared by many schemas.
        // (property, value, rule, own) -> (example places, declarations).
        type Places<'a> = (BTreeSet<&'a str>, BTreeSet<&'a str>);
        let mut grouped: BTreeMap<(&str, String, &str, bool), Places> = BTreeMap::new();
        for b in &self.broken_examples {
            let (examples, declarations) = grouped.entry((b.property.as_str(), b.value.to_string(), b.rule.as_str(), b.own)).or_default();
            examples.insert(&b.example);
            declarations.insert(&b.declaration);
        }
        md.push_str(&format!("\n## 3. Examples that break a bound ({} values, {} findings)\n\n", grouped.len(), self.broken_examples.len()));
        for ((property, value, rule, own), (examples, declarations)) in grouped {
            let examples: Vec<String> = examples.into_iter().map(str::to_owned).collect();
            let declarations: Vec<String> = declarations.into_iter().map(str::to_owned).collect();
            let whose = if own { "its own declaration" } else { "the same name in" };
            md.push_str(&format!(
                "- `{property}` = {value}: breaks {rule} of {whose} {} ({}); in {} ({})\n",
                shortened(&declarations),
                declarations.len(),
                shortened(&examples),
                examples.len()
            ));
        }
        md.push_str(&format!("\n## 4. Hexadecimal in one letter case ({})\n\n", self.one_case_hex.len()));
        for f in &self.one_case_hex {
            md.push_str(&format!("- `{}`: {} case only; {} ({})\n", f.pattern, f.case, shortened(&f.pointers), f.pointers.len()));
        }
        md.push_str(&format!("\n## 5. The empty string refused where nothing requires a value ({})\n\n", self.empty_refused.len()));
        for f in &self.empty_refused {
            md.push_str(&format!("- `{}`: `{}` refuses \"\"; {} ({})\n", f.property, f.pattern, shortened(&f.pointers), f.pointers.len()));
        }
        md.push_str(&format!("\n## 6. A form the description names and the pattern refuses ({})\n\n", self.form_disagrees.len()));
        for f in &self.form_disagrees {
            md.push_str(&format!("- `{}`: says \"{}\", pattern `{}`; {} ({})\n", f.property, f.said, f.pattern, shortened(&f.pointers), f.pointers.len()));
        }
        // One line per kind of body and what it requires: 85 list schemas require `results`.
        let mut bodies: BTreeMap<(&str, String), (Vec<String>, usize)> = BTreeMap::new();
        for f in &self.required_in_bodies {
            let required = f.required.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ");
            let (schemas, responses) = bodies.entry((f.body, required)).or_default();
            schemas.push(f.schema.clone());
            *responses += f.responses;
        }
        md.push_str(&format!("\n## 7. `required` in error and list bodies ({} schemas)\n\n", self.required_in_bodies.len()));
        for ((body, required), (schemas, responses)) in bodies {
            md.push_str(&format!("- {body} bodies requiring {required}: {} ({} schemas, {responses} responses)\n", shortened(&schemas), schemas.len()));
        }
        md
    }
}

/// The first pointers of a list, for a line of the report.
fn shortened(pointers: &[String]) -> String {
    let shown: Vec<String> = pointers.iter().take(3).map(|p| format!("`{p}`")).collect();
    if pointers.len() > 3 {
        format!("{}, ...", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({"components": {"schemas": {
            "Notification": {"properties": {
                "intervalMin": {"type": "integer", "minimum": 5, "description": "Number of minutes to wait between notifications.", "example": 0},
                "name": {"type": "string", "pattern": "^[a-z]+$", "example": "Bad Name"}
            }},
            "Legacy": {"properties": {"diskSizeGB": {"type": "number", "minimum": 10, "maximum": 4096,
                "description": "If you specify a disk size below the minimum (10 GB), this parameter defaults to the minimum disk size value."}}},
            "Current": {"properties": {"diskSizeGB": {"type": "number"}, "intervalMin": {"type": "integer"}}},
            "Page": {"properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/Notification"}}},
                "example": {"results": [{"intervalMin": 1, "name": "Other Name"}]}}
        }}})
    }

    #[test]
    fn a_property_bounded_in_one_schema_and_free_in_another_is_listed() {
        let audit = audit(&spec());
        let names: Vec<&str> = audit.differing.iter().map(|d| d.property.as_str()).collect();
        assert_eq!(names, ["diskSizeGB", "intervalMin"]);
        let disk = &audit.differing[0];
        assert_eq!(disk.variants[0].0, "maximum 4096, minimum 10");
        assert_eq!(disk.variants[1], ("no bounds".to_string(), vec!["/components/schemas/Current/properties/diskSizeGB".to_string()]));
    }

    #[test]
    fn a_property_bounded_differently_everywhere_is_listed_and_one_bounded_alike_is_not() {
        let doc = json!({"components": {"schemas": {
            "A": {"properties": {"port": {"minimum": 1}, "retries": {"maximum": 3}}},
            "B": {"properties": {"port": {"minimum": 1024}, "retries": {"maximum": 3}}}
        }}});
        let audit = audit(&doc);
        let names: Vec<&str> = audit.differing.iter().map(|d| d.property.as_str()).collect();
        assert_eq!(names, ["port"]);
        assert_eq!((audit.declarations, audit.bounded), (4, 4));
    }

    #[test]
    fn a_description_that_softens_its_bound_is_listed_with_the_words() {
        let audit = audit(&spec());
        // Unbounded `diskSizeGB` and `name` (no description) are not read.
        let listed: Vec<(&str, Vec<&str>)> = audit.prose.iter().map(|p| (p.property.as_str(), p.qualifiers.iter().map(String::as_str).collect())).collect();
        assert_eq!(listed, [("diskSizeGB", vec!["below the minimum", "minimum"]), ("intervalMin", vec!["between"])]);
        assert!(audit.prose[0].other_numbers.is_empty(), "10 is the bound: {:?}", audit.prose[0].other_numbers);
    }

    #[test]
    fn examples_are_checked_against_their_own_rules_and_numbers_against_every_declaration() {
        let audit = audit(&spec());
        let found: Vec<(&str, &str, bool)> = audit.broken_examples.iter().map(|b| (b.example.as_str(), b.rule.as_str(), b.own)).collect();
        assert_eq!(
            found,
            [
                ("/components/schemas/Notification/properties/intervalMin/example", "minimum 5", true),
                ("/components/schemas/Notification/properties/name/example", "pattern ^[a-z]+$", true),
                // The page's example: a number is checked against every `intervalMin`; a
                // string against nothing (its own declaration is not known here).
                ("/components/schemas/Page/example/results/0/intervalMin", "minimum 5", false),
            ]
        );
    }

    fn bounds(value: Value) -> BTreeMap<String, Value> {
        value.as_object().unwrap().clone().into_iter().collect()
    }

    #[test]
    fn each_number_rule_is_checked_at_its_edge_exclusive_or_not() {
        let inclusive = bounds(json!({"minimum": 1, "maximum": 10}));
        for fine in [json!(1), json!(10), json!(5.5)] {
            assert!(broken_rules(&fine, &inclusive, true).is_empty(), "{fine}");
        }
        assert_eq!(broken_rules(&json!(0), &inclusive, true), ["minimum 1"]);
        assert_eq!(broken_rules(&json!(10.5), &inclusive, true), ["maximum 10"]);
        assert_eq!(broken_rules(&json!(11), &inclusive, false), ["maximum 10"], "numbers are checked against any declaration");
        let exclusive = bounds(json!({"minimum": 1, "maximum": 10, "exclusiveMinimum": true, "exclusiveMaximum": true}));
        assert_eq!(broken_rules(&json!(1), &exclusive, true), ["minimum 1"]);
        assert_eq!(broken_rules(&json!(10), &exclusive, true), ["maximum 10"]);
        assert!(broken_rules(&json!(1.5), &exclusive, true).is_empty());
        let not_exclusive = bounds(json!({"minimum": 1, "maximum": 10, "exclusiveMinimum": false, "exclusiveMaximum": false}));
        assert!(broken_rules(&json!(1), &not_exclusive, true).is_empty() && broken_rules(&json!(10), &not_exclusive, true).is_empty());
    }

    #[test]
    fn string_rules_count_characters_and_hold_only_for_the_values_own_declaration() {
        let rules = bounds(json!({"minLength": 2, "maxLength": 3, "pattern": "^[a-zé]+$"}));
        assert!(broken_rules(&json!("éé"), &rules, true).is_empty(), "two characters, four bytes");
        assert!(broken_rules(&json!("ééé"), &rules, true).is_empty(), "three characters, six bytes");
        assert_eq!(broken_rules(&json!("a"), &rules, true), ["minLength"]);
        assert_eq!(broken_rules(&json!("abcd"), &rules, true), ["maxLength"]);
        assert_eq!(broken_rules(&json!("a1"), &rules, true), ["pattern ^[a-zé]+$"]);
        assert_eq!(broken_rules(&json!("A"), &rules, true), ["minLength", "pattern ^[a-zé]+$"]);
        assert!(broken_rules(&json!("A"), &rules, false).is_empty(), "another declaration's string rules are not this value's");
        let unusable = bounds(json!({"pattern": "(?<!x"}));
        assert!(broken_rules(&json!("x"), &unusable, true).is_empty(), "a pattern that does not compile is generation's to report");
        assert!(broken_rules(&json!(true), &rules, true).is_empty());
    }

    #[test]
    fn declarations_and_examples_in_all_of_parts_count_and_example_data_is_no_schema() {
        let doc = json!({"components": {"schemas": {"Part": {"allOf": [
            {"properties": {"size": {"type": "integer", "minimum": 1, "example": 0}}},
            {"properties": {"tags": {"type": "array", "items": {"type": "string"}, "example": ["a", "b"]}}},
            // Data that looks like a schema, or names a member `example`, is data.
            {"properties": {"meta": {"type": "object",
                "example": {"properties": {"ghost": {"minimum": 3}}, "example": 2}}}}
        ]}}}});
        let audit = audit(&doc);
        assert_eq!(audit.declarations, 3, "`size`, `tags` and `meta`, and no `ghost`");
        assert_eq!(audit.bounded, 1, "only `size` has a rule");
        // `size`'s 0; the array of strings is one value; the object's two members.
        assert_eq!(audit.examples, 4);
        let found: Vec<&str> = audit.broken_examples.iter().map(|b| b.example.as_str()).collect();
        assert_eq!(found, ["/components/schemas/Part/allOf/0/properties/size/example"]);
    }

    #[test]
    fn numbers_are_printed_as_bounds_are_written() {
        assert_eq!(number_text(10.0), "10");
        assert_eq!(number_text(0.5), "0.5");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(1e20), "100000000000000000000", "no exponent, no saturation");
        assert_eq!(numbers_in("between 5 and 10.5 minutes, or 1e3."), ["10.5", "1", "3", "5"].into_iter().map(String::from).collect());
    }

    #[test]
    fn the_report_shows_three_places_of_each_finding_and_counts_them_all() {
        let p = |n: usize| (0..n).map(|i| format!("/p{i}")).collect::<Vec<_>>();
        assert_eq!(shortened(&p(3)), "`/p0`, `/p1`, `/p2`");
        assert_eq!(shortened(&p(4)), "`/p0`, `/p1`, `/p2`, ...");
        let md = audit(&spec()).markdown();
        assert!(md.contains("  - maximum 4096, minimum 10: `/components/schemas/Legacy/properties/diskSizeGB` (1)\n"), "{md}");
        assert!(md.contains("- `intervalMin` = 0: breaks minimum 5 of its own declaration `/components/schemas/Notification/properties/intervalMin` (1); in `/components/schemas/Notification/properties/intervalMin/example` (1)\n"), "{md}");
    }

    #[test]
    fn an_excerpt_is_one_line_of_at_most_200_characters() {
        assert_eq!(excerpt("Minutes  to wait,\n between\tnotifications."), "Minutes to wait, between notifications.");
        let long = "é".repeat(250);
        assert_eq!(excerpt(&long), format!("{}...", "é".repeat(200)));
        assert_eq!(excerpt(&"é".repeat(200)), "é".repeat(200));
    }
}
