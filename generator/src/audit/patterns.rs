//! Angles 4 to 6: patterns that may refuse what Atlas sends, read from the pattern itself and
//! its declaration (whether the property is required, what its description says it is).

use std::collections::BTreeMap;

use super::Declaration;

/// Angle 4: a pattern whose hexadecimal letters are in one case only (`[a-f0-9]`), so the
/// same id in the other case is refused.
#[derive(Debug, Clone, PartialEq)]
pub struct OneCaseHex {
    pub pattern: String,
    /// `lower` or `upper`: the only case it accepts.
    pub case: &'static str,
    pub pointers: Vec<String>,
}

/// Angle 5: a property its schema does not require, whose pattern refuses `""` (a value never
/// set, sent as an empty string).
#[derive(Debug, Clone, PartialEq)]
pub struct EmptyRefused {
    pub property: String,
    pub pattern: String,
    pub pointers: Vec<String>,
}

/// Angle 6: a property whose description says what form it has (`24-hexadecimal character
/// string`, `12-digit`) or whose id it is (an Azure subscription, an AWS account, a Google
/// Cloud project: each provider documents its form), and whose pattern refuses a value of
/// that form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormDisagrees {
    pub property: String,
    pub pattern: String,
    /// The words of the description naming the form.
    pub said: String,
    pub pointers: Vec<String>,
}

/// The case a pattern's hexadecimal letter ranges accept, when it is one only.
fn one_case(pattern: &str) -> Option<&'static str> {
    match (pattern.contains("a-f"), pattern.contains("A-F")) {
        (true, false) => Some("lower"),
        (false, true) => Some("upper"),
        _ => None,
    }
}

fn compiled(pattern: &str) -> Option<regress::Regex> {
    regress::Regex::new(pattern).ok()
}

fn own_pattern(d: &Declaration) -> Option<&str> {
    d.bounds.get("pattern").and_then(serde_json::Value::as_str)
}

pub(super) fn one_case_hex(declarations: &[Declaration]) -> Vec<OneCaseHex> {
    let mut found: BTreeMap<&str, OneCaseHex> = BTreeMap::new();
    for d in declarations {
        let Some(pattern) = own_pattern(d) else { continue };
        let Some(case) = one_case(pattern) else { continue };
        found.entry(pattern).or_insert_with(|| OneCaseHex { pattern: pattern.to_owned(), case, pointers: Vec::new() }).pointers.push(d.pointer.clone());
    }
    found.into_values().collect()
}

/// Whether a property is an identifier (`id`, `groupId`, `indexID`, `_id`): never empty.
fn is_id(property: &str) -> bool {
    property == "id" || property.ends_with("Id") || property.ends_with("ID") || property.ends_with("_id")
}

pub(super) fn empty_refused(declarations: &[Declaration]) -> Vec<EmptyRefused> {
    let mut found: BTreeMap<(&str, &str), EmptyRefused> = BTreeMap::new();
    let mut refuses_empty: BTreeMap<&str, bool> = BTreeMap::new();
    for d in declarations.iter().filter(|d| !d.required && !is_id(&d.property)) {
        let Some(pattern) = own_pattern(d) else { continue };
        // A pattern that does not compile is generation's to report.
        if !*refuses_empty.entry(pattern).or_insert_with(|| compiled(pattern).is_some_and(|regex| regex.find("").is_none())) {
            continue;
        }
        found
            .entry((d.property.as_str(), pattern))
            .or_insert_with(|| EmptyRefused { property: d.property.clone(), pattern: pattern.to_owned(), pointers: Vec::new() })
            .pointers
            .push(d.pointer.clone());
    }
    found.into_values().collect()
}

/// Cloud providers' ids a description may name, and a value of the form each provider
/// documents: a subscription or tenant is a GUID (Azure), an account 12 digits (AWS), a
/// project 6 to 30 lower-case letters, digits and hyphens (Google Cloud).
const PROVIDER_IDS: &[(&str, &str)] = &[
    (r"Azure (?:subscription|tenant)", "cba6d9c6-1d3f-3c11-03cb-c705d895e636"),
    (r"(?:AWS|Amazon Web Services(?: \(AWS\))?) account", "123456789012"),
    (r"(?:Google Cloud|GCP) project", "my-project-123"),
];

/// The forms a description may name, compiled once for the whole audit.
struct Forms {
    /// "12-digit", "24-hexadecimal character".
    stated: regress::Regex,
    providers: Vec<(regress::Regex, &'static str)>,
}

impl Forms {
    fn new() -> Option<Self> {
        let providers = PROVIDER_IDS.iter().map(|(words, sample)| Some((regress::Regex::new(words).ok()?, *sample))).collect::<Option<_>>()?;
        Some(Forms { stated: regress::Regex::new(r"(\d+)[- ](?:character )?(hexadecimal|digit)").ok()?, providers })
    }

    /// The form a description names, and values of that form (in each letter case, for
    /// hex): its own words first ("12-digit"), else the provider whose id it is.
    fn of(&self, description: &str) -> Option<(String, Vec<String>)> {
        self.stated(description).or_else(|| {
            self.providers.iter().find_map(|(words, sample)| {
                let found = words.find(description)?;
                Some((description[found.range()].to_owned(), vec![(*sample).to_owned()]))
            })
        })
    }

    fn stated(&self, description: &str) -> Option<(String, Vec<String>)> {
        let found = self.stated.find(description)?;
        let length: usize = description[found.group(1)?].parse().ok().filter(|n| (1..=128).contains(n))?;
        let samples = if &description[found.group(2)?] == "digit" {
            vec!["7".repeat(length)]
        } else {
            let lower: String = "0123456789abcdef".chars().cycle().skip(6).take(length).collect();
            vec![lower.clone(), lower.to_uppercase()]
        };
        Some((description[found.range()].to_owned(), samples))
    }
}

pub(super) fn form_disagrees(declarations: &[Declaration]) -> Vec<FormDisagrees> {
    let Some(forms) = Forms::new() else { return Vec::new() };
    let mut found: BTreeMap<(&str, &str, String), FormDisagrees> = BTreeMap::new();
    let mut regexes: BTreeMap<&str, Option<regress::Regex>> = BTreeMap::new();
    for d in declarations {
        let Some(pattern) = own_pattern(d) else { continue };
        let Some((said, samples)) = forms.of(&d.description) else { continue };
        let Some(regex) = regexes.entry(pattern).or_insert_with(|| compiled(pattern)) else { continue };
        if samples.iter().any(|s| regex.find(s).is_some_and(|m| m.range() == (0..s.len()))) {
            continue;
        }
        found
            .entry((d.property.as_str(), pattern, said.clone()))
            .or_insert_with(|| FormDisagrees { property: d.property.clone(), pattern: pattern.to_owned(), said, pointers: Vec::new() })
            .pointers
            .push(d.pointer.clone());
    }
    found.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn declared(property: &str, required: bool, description: &str, pattern: &str) -> Declaration {
        Declaration {
            pointer: format!("/components/schemas/S/properties/{property}"),
            property: property.into(),
            bounds: BTreeMap::from([("pattern".to_string(), json!(pattern))]),
            description: description.into(),
            required,
        }
    }

    #[test]
    fn hex_in_one_case_is_listed_with_the_case_and_both_cases_are_not() {
        let found = one_case_hex(&[
            declared("groupId", true, "", "^([a-f0-9]{24})$"),
            declared("id", true, "", "^([a-f0-9]{24})$"),
            declared("hash", true, "", "^[A-F0-9]{64}$"),
            declared("orgId", true, "", "^[a-fA-F0-9]{24}$"),
            declared("name", true, "", "^[a-z]+$"),
        ]);
        let listed: Vec<(&str, &str, usize)> = found.iter().map(|f| (f.pattern.as_str(), f.case, f.pointers.len())).collect();
        assert_eq!(listed, [("^([a-f0-9]{24})$", "lower", 2), ("^[A-F0-9]{64}$", "upper", 1)]);
    }

    #[test]
    fn an_optional_property_whose_pattern_refuses_the_empty_string_is_listed() {
        let phone = "^\\+?[0-9]{7,15}$";
        let found = empty_refused(&[
            declared("mobileNumber", false, "", phone),
            declared("mobileNumber", true, "", phone),
            declared("groupId", false, "", "^([a-f0-9]{24})$"),
            declared("nickname", false, "", "^[a-z]*$"),
            declared("broken", false, "", "(?<!x"),
        ]);
        let listed: Vec<(&str, usize)> = found.iter().map(|f| (f.property.as_str(), f.pointers.len())).collect();
        assert_eq!(listed, [("mobileNumber", 1)], "required, an id, accepting \"\" or not compiling: not listed");
    }

    #[test]
    fn a_form_the_description_names_and_the_pattern_refuses_is_listed() {
        let found = form_disagrees(&[
            declared("awsAccountId", true, "Unique 12-digit string that identifies the AWS account.", "^[0-9a-f]{24}$"),
            declared("groupId", true, "Unique 24-hexadecimal digit string that identifies the project.", "^([a-f0-9]{24})$"),
            declared("orgId", true, "Unique 24-hexadecimal character string.", "^[A-F0-9]{24}$"),
            declared("short", true, "Unique 24-hexadecimal character string.", "^[a-f0-9]{20}$"),
            declared("free", true, "A name.", "^[0-9]{3}$"),
            declared("azureSubscriptionId", true, "Unique string that identifies the Azure subscription.", "^([a-f0-9]{24})$"),
            declared("gcpProjectId", true, "Identifies the Google Cloud project.", "^[a-z][0-9a-z-]{4,28}[0-9a-z]{1}"),
            declared("awsAccountId", true, "Identifies the Amazon Web Services (AWS) account.", "^[0-9]{12}$"),
        ]);
        let listed: Vec<(&str, &str)> = found.iter().map(|f| (f.property.as_str(), f.said.as_str())).collect();
        // Upper case alone still takes the form (angle 4 lists the case); a prefix match is no match.
        assert_eq!(listed, [("awsAccountId", "12-digit"), ("azureSubscriptionId", "Azure subscription"), ("short", "24-hexadecimal")]);
    }
}
