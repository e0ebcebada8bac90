//! Constraint checking, hand-written; the generator emits the `Validate` impls and the
//! patterns (`crate::patterns`) that use it.
//!
//! Decoding never checks constraints (the server is the authority on what it returns);
//! [`Validate::validate`] checks them on demand and reports every violation at once, each
//! with a JSON pointer to the value, the rule and the offending value.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

#[doc(hidden)]
/// A `pattern` of the spec, in the ECMAScript dialect OpenAPI uses, compiled on first use
/// (once per process) with `regress`, which supports look-around and `\p{..}` classes.
pub struct Pattern {
    source: &'static str,
    flags: &'static str,
    compiled: OnceLock<regress::Regex>,
}

impl Pattern {
    pub const fn new(source: &'static str, flags: &'static str) -> Self {
        Pattern { source, flags, compiled: OnceLock::new() }
    }

    /// The pattern as the spec writes it.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `text` matches. Like JSON Schema, the pattern is searched for, not implicitly
    /// anchored: the spec's patterns anchor themselves with `^...$` where they mean to.
    pub fn is_match(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| {
                regress::Regex::with_flags(self.source, self.flags)
                    .unwrap_or_else(|e| panic!("pattern {:?} was verified by the generator: {e}", self.source))
            })
            .find(text)
            .is_some()
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

/// A value refused by a validated newtype.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid {type_name}: it must match the pattern {pattern}")]
pub struct PatternError {
    pub type_name: &'static str,
    pub pattern: &'static str,
    pub value: String,
}

/// A constraint of the spec.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    Pattern(&'static str),
    MinLength(u64),
    MaxLength(u64),
    Minimum(f64),
    ExclusiveMinimum(f64),
    Maximum(f64),
    ExclusiveMaximum(f64),
    MinItems(u64),
    MaxItems(u64),
    UniqueItems,
    MinProperties(u64),
    MaxProperties(u64),
    /// The integer must be one of these (an integer `enum`).
    OneOf(&'static [i64]),
    /// A required property is absent (a decoded payload left it out, or a request lacks a
    /// required writeOnly property).
    Required,
    /// A property the spec does not list (reported only by a strict validator, which the
    /// spec's own examples are checked with).
    Unknown,
    /// The value received has a shape the spec does not describe (kept as received in the
    /// object's [`Extra`](crate::Extra)).
    Shape,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Pattern(p) => write!(f, "pattern {p}"),
            Rule::MinLength(n) => write!(f, "minLength {n}"),
            Rule::MaxLength(n) => write!(f, "maxLength {n}"),
            Rule::Minimum(n) => write!(f, "minimum {n}"),
            Rule::ExclusiveMinimum(n) => write!(f, "exclusive minimum {n}"),
            Rule::Maximum(n) => write!(f, "maximum {n}"),
            Rule::ExclusiveMaximum(n) => write!(f, "exclusive maximum {n}"),
            Rule::MinItems(n) => write!(f, "minItems {n}"),
            Rule::MaxItems(n) => write!(f, "maxItems {n}"),
            Rule::UniqueItems => write!(f, "uniqueItems"),
            Rule::MinProperties(n) => write!(f, "minProperties {n}"),
            Rule::MaxProperties(n) => write!(f, "maxProperties {n}"),
            Rule::OneOf(values) => write!(f, "enum {values:?}"),
            Rule::Required => write!(f, "required"),
            Rule::Unknown => write!(f, "the properties the spec lists"),
            Rule::Shape => write!(f, "the type the spec declares"),
        }
    }
}

/// One broken constraint: where (a JSON pointer from the validated value), which rule, and
/// the offending value (for counts, the count).
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub pointer: String,
    pub rule: Rule,
    pub value: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() { "(root)" } else { &self.pointer };
        write!(f, "{at}: {} violates {}", self.value, self.rule)
    }
}

/// Every violation found in a value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct Violations(pub Vec<Violation>);

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} constraint violation(s)", self.0.len())?;
        for v in &self.0 {
            write!(f, "\n  {v}")?;
        }
        Ok(())
    }
}

impl Violations {
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }
}

/// The constraints the spec puts on a value where it is used (a property, an item, a
/// parameter). Generated code builds these as statics.
#[doc(hidden)]
#[derive(Debug)]
pub struct Rules {
    pub pattern: Option<&'static Pattern>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub minimum: Option<f64>,
    pub exclusive_minimum: bool,
    pub maximum: Option<f64>,
    pub exclusive_maximum: bool,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    /// The values an integer may take (an integer `enum`).
    pub allowed_integers: Option<&'static [i64]>,
    /// Rules for each item of an array.
    pub items: Option<&'static Rules>,
    /// Rules for each value of a map.
    pub values: Option<&'static Rules>,
    /// The value is a secret: a violation never quotes it.
    pub secret: bool,
}

impl Rules {
    pub const NONE: Rules = Rules {
        pattern: None,
        min_length: None,
        max_length: None,
        minimum: None,
        exclusive_minimum: false,
        maximum: None,
        exclusive_maximum: false,
        min_items: None,
        max_items: None,
        unique_items: false,
        min_properties: None,
        max_properties: None,
        allowed_integers: None,
        items: None,
        values: None,
        secret: false,
    };
}

/// Walks a value, keeping the JSON pointer of the current position and the violations.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Validator {
    path: Vec<String>,
    violations: Vec<Violation>,
    /// Checking a request: readOnly properties are skipped (the server sets them, and a
    /// read-modify-write sends back what it read), required writeOnly ones are needed.
    request: bool,
    /// Also report properties the spec does not list.
    strict: bool,
    /// Recording what an answer from Atlas broke, into each object's `Extra`, instead of
    /// reporting it (see [`Validate::record_received`]).
    record: bool,
}

/// The first 200 characters of a text (a body in an error, a value in a violation).
#[doc(hidden)]
pub fn excerpt(body: &str) -> String {
    let end = body.char_indices().nth(200).map_or(body.len(), |(i, _)| i);
    body[..end].to_string()
}

/// What a violation shows of a secret value.
const REDACTED: &str = "<redacted>";

impl Validator {
    pub fn new() -> Self {
        Validator::default()
    }

    /// A validator for a value about to be sent: see [`Validate::validate_request`].
    pub fn for_request() -> Self {
        Validator { request: true, ..Validator::default() }
    }

    /// A validator that records, in each object's `Extra`, the violations of its own
    /// properties: run on an answer just decoded.
    pub fn recording() -> Self {
        Validator { record: true, ..Validator::default() }
    }

    /// A validator that also reports unknown properties: for checking that a payload is
    /// exactly what the spec describes (the spec's own examples), as a request or not.
    pub fn strict(request: bool) -> Self {
        Validator { strict: true, request, ..Validator::default() }
    }

    /// Like [`field`](Self::field), for a readOnly property: skipped when checking a request.
    pub fn read_only_field<T: Validate + ?Sized>(&mut self, segment: &str, value: &T, rules: &Rules) {
        if !self.request {
            self.field(segment, value, rules);
        }
    }

    /// A required writeOnly property: a request must carry it (a response never does).
    /// Recording an answer, its absence is recorded like any missing property, so that an
    /// object Atlas sent goes back without it (the server keeps what it has); one built in
    /// code must carry it.
    pub fn write_only_required(&mut self, segment: &str, present: bool) {
        if (self.request || self.record) && !present {
            self.violation_at(segment, Rule::Required, "nothing");
        }
    }

    /// Reports the missing and odd properties a decoded object recorded; `secrets` are the
    /// wire names whose values are never quoted, `read_only` those a request need not carry
    /// (nor check: the server set them).
    pub fn extra(&mut self, extra: &crate::Extra, secrets: &[&str], read_only: &[&str]) {
        if self.strict {
            for name in extra.unknown().keys() {
                self.violation_at(name, Rule::Unknown, "a property");
            }
        }
        let request = self.request;
        let skipped = |name: &str| request && read_only.contains(&name);
        for name in extra.missing().iter().filter(|n| !skipped(n)) {
            self.violation_at(name, Rule::Required, "nothing");
        }
        for (name, value) in extra.odd().filter(|(n, _)| !skipped(n)) {
            let shown = if secrets.contains(&name) {
                REDACTED.to_owned()
            } else {
                let text = value.to_string();
                let mut shown = excerpt(&text);
                if shown.len() < text.len() {
                    shown.push_str("...");
                }
                shown
            };
            self.violation_at(name, Rule::Shape, shown);
        }
        self.settle(extra);
    }

    /// Settles the violations found so far below this object (its own properties: a nested
    /// object settles its own first, when its `extra` is checked). Recording, they move into
    /// the object's `Extra`; checking a request, those the object's answer from Atlas had
    /// (same place, rule and value) are dropped: what Atlas sent is never refused.
    fn settle(&mut self, extra: &crate::Extra) {
        if self.violations.is_empty() || !(self.record || self.request) {
            return;
        }
        let here = self.pointer();
        let relative = |v: &Violation| v.pointer.strip_prefix(here.as_str()).filter(|rest| rest.starts_with('/')).map(str::to_owned);
        if self.record {
            let mut own = Vec::new();
            for v in std::mem::take(&mut self.violations) {
                match relative(&v) {
                    // A secret's value is never shown, so a changed one could not be told apart.
                    Some(pointer) if v.value != REDACTED => own.push(Violation { pointer, ..v }),
                    Some(_) => {}
                    None => self.violations.push(v),
                }
            }
            extra.set_received(own);
        } else {
            let received = extra.received_violations();
            if received.is_empty() {
                return;
            }
            self.violations.retain(|v| {
                let Some(pointer) = relative(v) else { return true };
                !received.iter().any(|r| r.pointer == pointer && r.rule == v.rule && r.value == v.value)
            });
        }
    }

    /// Checks `value` (its own rules and everything inside it) under the key `segment`.
    pub fn field<T: Validate + ?Sized>(&mut self, segment: &str, value: &T, rules: &Rules) {
        self.path.push(segment.to_owned());
        value.check_rules(rules, self);
        value.validate_into(self);
        self.path.pop();
    }

    fn pointer(&self) -> String {
        self.path.iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect()
    }

    /// Checks `value` (its own rules and everything inside it) at the root.
    pub fn root<T: Validate + ?Sized>(&mut self, value: &T, rules: &Rules) {
        value.check_rules(rules, self);
        value.validate_into(self);
    }

    /// Records a violation at `segment` below the current position.
    pub fn violation_at(&mut self, segment: &str, rule: Rule, value: impl fmt::Display) {
        self.path.push(segment.to_owned());
        self.violation(rule, value);
        self.path.pop();
    }

    /// Records a violation at the current position.
    pub fn violation(&mut self, rule: Rule, value: impl fmt::Display) {
        let pointer = self.pointer();
        self.violations.push(Violation { pointer, rule, value: value.to_string() });
    }

    /// String rules: pattern and lengths (in characters, as JSON Schema counts them).
    pub fn text(&mut self, text: &str, rules: &Rules) {
        let shown = || if rules.secret { REDACTED.to_owned() } else { format!("{text:?}") };
        if let Some(pattern) = rules.pattern {
            if !pattern.is_match(text) {
                self.violation(Rule::Pattern(pattern.source()), shown());
            }
        }
        if rules.min_length.is_some() || rules.max_length.is_some() {
            let length = text.chars().count() as u64;
            if rules.min_length.is_some_and(|min| length < min) {
                self.violation(Rule::MinLength(rules.min_length.unwrap_or_default()), shown());
            }
            if rules.max_length.is_some_and(|max| length > max) {
                self.violation(Rule::MaxLength(rules.max_length.unwrap_or_default()), shown());
            }
        }
    }

    /// Number rules: bounds, inclusive or exclusive, and allowed values.
    pub fn number(&mut self, n: f64, shown: impl fmt::Display, rules: &Rules) {
        let shown: &dyn fmt::Display = if rules.secret { &REDACTED } else { &shown };
        if let Some(allowed) = rules.allowed_integers {
            if !allowed.iter().any(|a| *a as f64 == n) {
                self.violation(Rule::OneOf(allowed), shown);
            }
        }
        if let Some(min) = rules.minimum {
            if rules.exclusive_minimum && n <= min {
                self.violation(Rule::ExclusiveMinimum(min), shown);
            } else if n < min {
                self.violation(Rule::Minimum(min), shown);
            }
        }
        if let Some(max) = rules.maximum {
            if rules.exclusive_maximum && n >= max {
                self.violation(Rule::ExclusiveMaximum(max), shown);
            } else if n > max {
                self.violation(Rule::Maximum(max), shown);
            }
        }
    }

    /// Array rules: counts and uniqueness, then each item's own rules.
    pub fn items<T: Validate + PartialEq>(&mut self, items: &[T], rules: &Rules) {
        let count = items.len() as u64;
        if rules.min_items.is_some_and(|min| count < min) {
            self.violation(Rule::MinItems(rules.min_items.unwrap_or_default()), format!("{count} items"));
        }
        if rules.max_items.is_some_and(|max| count > max) {
            self.violation(Rule::MaxItems(rules.max_items.unwrap_or_default()), format!("{count} items"));
        }
        if rules.unique_items {
            for (i, item) in items.iter().enumerate() {
                if items[..i].contains(item) {
                    self.path.push(i.to_string());
                    self.violation(Rule::UniqueItems, "a repeated item");
                    self.path.pop();
                }
            }
        }
        if let Some(item_rules) = rules.items {
            for (i, item) in items.iter().enumerate() {
                self.path.push(i.to_string());
                item.check_rules(item_rules, self);
                self.path.pop();
            }
        }
    }

    /// Object rules: property counts.
    pub fn properties(&mut self, count: usize, rules: &Rules) {
        let count = count as u64;
        if rules.min_properties.is_some_and(|min| count < min) {
            self.violation(Rule::MinProperties(rules.min_properties.unwrap_or_default()), format!("{count} properties"));
        }
        if rules.max_properties.is_some_and(|max| count > max) {
            self.violation(Rule::MaxProperties(rules.max_properties.unwrap_or_default()), format!("{count} properties"));
        }
    }

    pub fn finish(self) -> Result<(), Violations> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(Violations(self.violations))
        }
    }
}

/// Checks the spec's constraints on a value. Implemented by every model (generated), the
/// validated newtypes, and the containers and scalars they are made of.
pub trait Validate {
    /// Every violation in `self` and everything inside it, with JSON pointers from `self`.
    fn validate(&self) -> Result<(), Violations> {
        let mut validator = Validator::new();
        self.validate_into(&mut validator);
        validator.finish()
    }

    /// Validation for a value about to be sent: as [`validate`](Self::validate), but
    /// readOnly properties are not checked (the server sets them), required writeOnly
    /// properties (a new user's password) must be present, and what Atlas itself sent is
    /// not refused: a violation that an object decoded from the client's answer already
    /// had, at the same place with the same value, is dropped (Atlas answers alert
    /// configurations with an `intervalMin` below the spec's minimum; a read-modify-write
    /// sends it back). A value changed since is checked as usual.
    fn validate_request(&self) -> Result<(), Violations> {
        let mut validator = Validator::for_request();
        self.validate_into(&mut validator);
        validator.finish()
    }

    /// Records, in each object's [`Extra`](crate::Extra), where this value (an answer just
    /// decoded) breaks the spec's constraints. The client calls it on every JSON answer.
    #[doc(hidden)]
    fn record_received(&self) {
        self.validate_into(&mut Validator::recording());
    }

    /// Checks what is inside the value (a model's fields), `v` being positioned at it.
    #[doc(hidden)]
    fn validate_into(&self, v: &mut Validator) {
        let _ = v;
    }

    /// Checks the rules the spec puts on this value where it is used.
    #[doc(hidden)]
    fn check_rules(&self, rules: &Rules, v: &mut Validator) {
        let _ = (rules, v);
    }
}

impl Validate for String {
    fn check_rules(&self, rules: &Rules, v: &mut Validator) {
        v.text(self, rules);
    }
}

impl Validate for bool {}

// A `pattern` or length rule on a number is ignored, as JSON Schema ignores string
// keywords on non-strings (the spec puts `pattern` on two integer parameters).
macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl Validate for $t {
            fn check_rules(&self, rules: &Rules, v: &mut Validator) {
                v.number(*self as f64, self, rules);
            }
        }
    )*};
}
numbers!(i32, i64, f32, f64);

impl Validate for chrono::DateTime<chrono::Utc> {
    fn check_rules(&self, rules: &Rules, v: &mut Validator) {
        v.text(&self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true), rules);
    }
}

impl Validate for chrono::NaiveDate {
    fn check_rules(&self, rules: &Rules, v: &mut Validator) {
        v.text(&self.to_string(), rules);
    }
}

impl Validate for serde_json::Value {
    fn check_rules(&self, rules: &Rules, v: &mut Validator) {
        match self {
            serde_json::Value::String(s) => v.text(s, rules),
            serde_json::Value::Number(n) => v.number(n.as_f64().unwrap_or(f64::NAN), n, rules),
            serde_json::Value::Array(items) => v.items(items, rules),
            serde_json::Value::Object(map) => v.properties(map.len(), rules),
            serde_json::Value::Null | serde_json::Value::Bool(_) => {}
        }
    }
}

impl<T: Validate + PartialEq> Validate for [T] {
    fn validate_into(&self, v: &mut Validator) {
        for (i, item) in self.iter().enumerate() {
            v.field(&i.to_string(), item, &Rules::NONE);
        }
    }

    fn check_rules(&self, rules: &Rules, v: &mut Validator) {
        v.items(self, rules);
    }
}

impl<T: Validate + PartialEq> Validate for Vec<T> {
    fn validate_into(&self, v: &mut Validator) {
        for (i, item) in self.iter().enumerate() {
            v.field(&i.to_string(), item, &Rules::NONE);
        }
    }

    fn check_rules(&self, rules: &Rules, v: &mut Validator) {
        v.items(self, rules);
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate_into(&self, v: &mut Validator) {
        for (key, value) in self {
            v.field(key, value, &Rules::NONE);
        }
    }

    fn check_rules(&self, rules: &Rules, v: &mut Validator) {
        v.properties(self.len(), rules);
        if let Some(value_rules) = rules.values {
            for (key, value) in self {
                v.path.push(key.clone());
                value.check_rules(value_rules, v);
                v.path.pop();
            }
        }
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_into(&self, v: &mut Validator) {
        if let Some(value) = self {
            value.validate_into(v);
        }
    }

    fn check_rules(&self, rules: &Rules, v: &mut Validator) {
        if let Some(value) = self {
            value.check_rules(rules, v);
        }
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_into(&self, v: &mut Validator) {
        (**self).validate_into(v);
    }

    fn check_rules(&self, rules: &Rules, v: &mut Validator) {
        (**self).check_rules(rules, v);
    }
}

/// Implements a validated string newtype: checked construction (`FromStr`, `TryFrom`,
/// `new`), unchecked wrapping for decoding, `AsRef<str>`, `Display`, `Validate`. (Unused
/// when no tag's feature is on.)
#[allow(unused_macros)]
macro_rules! pattern_newtype {
    ($name:ident, $pattern_static:ident) => {
        $crate::validation::pattern_newtype!(@impl $name, $crate::patterns::$pattern_static);
    };
    (@impl $name:ident, $pattern:path) => {
        impl $name {
            /// Checks `value` against the pattern.
            pub fn new(value: impl Into<String>) -> Result<Self, $crate::validation::PatternError> {
                let value = value.into();
                if $pattern.is_match(&value) {
                    Ok(Self(value))
                } else {
                    Err($crate::validation::PatternError {
                        type_name: stringify!($name),
                        pattern: $pattern.source(),
                        value,
                    })
                }
            }

            /// Wraps `value` without checking it, as decoding a response does; `validate()`
            /// still reports it if it does not match.
            pub fn new_unchecked(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The pattern every value must match.
            pub fn pattern() -> &'static str {
                $pattern.source()
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = $crate::validation::PatternError;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::new(value)
            }
        }
        impl TryFrom<&str> for $name {
            type Error = $crate::validation::PatternError;
            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }
        impl TryFrom<String> for $name {
            type Error = $crate::validation::PatternError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }
        impl $crate::codec::ParamText for $name {
            fn param_text(&self) -> String {
                self.0.clone()
            }
        }
        impl $crate::codec::FromJson for $name {
            fn from_json(value: $crate::codec::Json<'_>) -> Result<Self, $crate::codec::Json<'_>> {
                match value {
                    $crate::codec::Json::String(s) => Ok(Self(s.into_owned())),
                    other => Err(other),
                }
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
        impl $crate::validation::Validate for $name {
            fn validate_into(&self, v: &mut $crate::validation::Validator) {
                if !$pattern.is_match(&self.0) {
                    v.violation($crate::validation::Rule::Pattern($pattern.source()), format!("{:?}", self.0));
                }
            }

            fn check_rules(&self, rules: &$crate::validation::Rules, v: &mut $crate::validation::Validator) {
                v.text(&self.0, rules);
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use pattern_newtype;

#[cfg(test)]
mod tests {
    use super::*;

    static HEX: Pattern = Pattern::new("^[a-f]+$", "u");
    static LOOKAHEAD: Pattern = Pattern::new(r"^(a(?!$)|$)+", "u");

    #[test]
    fn patterns_search_and_support_look_around() {
        assert!(HEX.is_match("abc"));
        assert!(!HEX.is_match("abC"));
        assert!(LOOKAHEAD.is_match("aa"));
    }

    #[test]
    fn reports_every_violation_with_its_pointer() {
        static ITEM: Rules = Rules { pattern: Some(&HEX), ..Rules::NONE };
        static LIST: Rules = Rules { max_items: Some(2), unique_items: true, items: Some(&ITEM), ..Rules::NONE };
        let mut v = Validator::new();
        let list = vec!["ab".to_string(), "x/y".to_string(), "ab".to_string()];
        v.field("a~b", &list, &LIST);
        let violations = v.finish().unwrap_err().0;
        let found: Vec<(String, Rule)> = violations.into_iter().map(|v| (v.pointer, v.rule)).collect();
        assert_eq!(
            found,
            [
                ("/a~0b".to_string(), Rule::MaxItems(2)),
                ("/a~0b/2".to_string(), Rule::UniqueItems),
                ("/a~0b/1".to_string(), Rule::Pattern("^[a-f]+$")),
            ]
        );
    }

    #[test]
    fn bounds_are_inclusive_unless_exclusive() {
        static R: Rules = Rules { minimum: Some(1.0), maximum: Some(3.0), exclusive_maximum: true, ..Rules::NONE };
        let check = |n: i64| {
            let mut v = Validator::new();
            v.field("n", &n, &R);
            v.finish().err().map(|e| e.0[0].rule.clone())
        };
        assert_eq!(check(1), None);
        assert_eq!(check(0), Some(Rule::Minimum(1.0)));
        assert_eq!(check(3), Some(Rule::ExclusiveMaximum(3.0)));
    }

    #[test]
    fn integer_enums_allow_only_their_values() {
        static R: Rules = Rules { allowed_integers: Some(&[15, 30, 60]), ..Rules::NONE };
        let check = |n: i32| {
            let mut v = Validator::new();
            v.field("n", &n, &R);
            v.finish().err().map(|e| e.0[0].to_string())
        };
        assert_eq!(check(30), None);
        assert_eq!(check(45).as_deref(), Some("/n: 45 violates enum [15, 30, 60]"));
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        static R: Rules = Rules { max_length: Some(2), ..Rules::NONE };
        let mut v = Validator::new();
        v.field("s", &"éé".to_string(), &R);
        assert!(v.finish().is_ok());
    }

    #[test]
    fn patterns_and_violations_show_what_they_are() {
        assert_eq!(format!("{HEX:?}"), r#"Pattern("^[a-f]+$")"#);
        let mut v = Validator::new();
        v.field("a", &"X".to_string(), &Rules { pattern: Some(&HEX), ..Rules::NONE });
        v.field("b", &5_i64, &Rules { maximum: Some(4.0), ..Rules::NONE });
        assert_eq!(
            v.finish().unwrap_err().to_string(),
            "2 constraint violation(s)\n  /a: \"X\" violates pattern ^[a-f]+$\n  /b: 5 violates maximum 4"
        );
    }

    #[test]
    fn an_excerpt_is_the_first_200_characters() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(250);
        assert_eq!(excerpt(&long), "é".repeat(200));
    }

    static NAME: Rules = Rules { pattern: Some(&HEX), min_length: Some(2), ..Rules::NONE };
    static ID: Rules = Rules { min_length: Some(3), ..Rules::NONE };
    static PASSWORD: Rules = Rules { min_length: Some(8), secret: true, ..Rules::NONE };
    static SIZE: Rules = Rules { minimum: Some(0.0), ..Rules::NONE };
    static SIZES: Rules = Rules { min_items: Some(1), max_items: Some(3), items: Some(&SIZE), ..Rules::NONE };
    static LABEL: Rules = Rules { max_length: Some(3), ..Rules::NONE };
    static LABELS: Rules = Rules { min_properties: Some(1), max_properties: Some(2), values: Some(&LABEL), ..Rules::NONE };
    static YEAR_2024: Pattern = Pattern::new("^2024-", "u");
    static IN_2024: Rules = Rules { pattern: Some(&YEAR_2024), ..Rules::NONE };

    /// A model as the generator writes one: a patterned name, a readOnly id, a required
    /// writeOnly secret password, a list, a map, dates, and a child of its own kind.
    #[derive(Debug, Default, Clone, PartialEq)]
    struct Thing {
        name: String,
        id: Option<String>,
        password: Option<String>,
        sizes: Vec<i64>,
        labels: BTreeMap<String, String>,
        when: Option<chrono::DateTime<chrono::Utc>>,
        day: Option<chrono::NaiveDate>,
        child: Option<Box<Thing>>,
        extra: crate::Extra,
    }

    impl Validate for Thing {
        fn validate_into(&self, v: &mut Validator) {
            v.write_only_required("password", self.password.is_some());
            v.field("name", &self.name, &NAME);
            v.read_only_field("id", &self.id, &ID);
            v.field("password", &self.password, &PASSWORD);
            v.field("sizes", &self.sizes, &SIZES);
            v.field("labels", &self.labels, &LABELS);
            v.field("when", &self.when, &IN_2024);
            v.field("day", &self.day, &IN_2024);
            v.field("child", &self.child, &Rules::NONE);
            v.extra(&self.extra, &["password"], &["id"]);
        }
    }

    /// A thing that breaks no rule.
    fn valid() -> Thing {
        Thing {
            name: "abc".into(),
            id: Some("abcd".into()),
            password: Some("secret-password".into()),
            sizes: vec![1],
            labels: BTreeMap::from([("k".to_string(), "v".to_string())]),
            when: "2024-05-01T00:00:00Z".parse().ok(),
            day: "2024-05-01".parse().ok(),
            ..Thing::default()
        }
    }

    fn pointers(result: Result<(), Violations>) -> Vec<(String, Rule)> {
        result.err().map(|e| e.0.into_iter().map(|v| (v.pointer, v.rule)).collect()).unwrap_or_default()
    }

    fn at(pointer: &str, rule: Rule) -> (String, Rule) {
        (pointer.to_string(), rule)
    }

    #[test]
    fn a_valid_thing_has_no_violations_as_a_value_or_a_request() {
        assert_eq!(pointers(valid().validate()), []);
        assert_eq!(pointers(valid().validate_request()), []);
    }

    #[test]
    fn bounds_are_checked_at_their_edges() {
        let mut thing = valid();
        thing.name = "ab".into(); // minLength 2: at the edge
        thing.sizes = vec![0, 1, 2]; // minimum 0, maxItems 3: at the edges
        thing.labels = BTreeMap::from([("a".to_string(), "xyz".to_string()), ("b".to_string(), String::new())]);
        assert_eq!(pointers(thing.validate()), []);
        thing.name = "a".into();
        thing.sizes = vec![-1, 0, 1, 2];
        thing.labels.insert("c".into(), "long".into());
        assert_eq!(
            pointers(thing.validate()),
            [
                at("/name", Rule::MinLength(2)),
                at("/sizes", Rule::MaxItems(3)),
                at("/sizes/0", Rule::Minimum(0.0)),
                at("/labels", Rule::MaxProperties(2)),
                at("/labels/c", Rule::MaxLength(3)),
            ]
        );
        thing.sizes.clear();
        thing.labels.clear();
        assert_eq!(
            pointers(thing.validate()),
            [at("/name", Rule::MinLength(2)), at("/sizes", Rule::MinItems(1)), at("/labels", Rule::MinProperties(1))]
        );
    }

    #[test]
    fn maxima_and_minima_are_inclusive_at_the_edge() {
        static R: Rules = Rules { minimum: Some(1.0), maximum: Some(3.0), ..Rules::NONE };
        let check = |n: f64| {
            let mut v = Validator::new();
            v.field("n", &n, &R);
            pointers(v.finish())
        };
        assert_eq!(check(1.0), []);
        assert_eq!(check(3.0), []);
        assert_eq!(check(3.5), [at("/n", Rule::Maximum(3.0))]);
        assert_eq!(check(0.5), [at("/n", Rule::Minimum(1.0))]);
    }

    #[test]
    fn dates_and_free_form_values_are_checked_as_their_text_and_shape() {
        let mut thing = valid();
        thing.when = "2023-05-01T00:00:00Z".parse().ok();
        thing.day = "2023-05-01".parse().ok();
        assert_eq!(pointers(thing.validate()), [at("/when", Rule::Pattern("^2024-")), at("/day", Rule::Pattern("^2024-"))]);
        static ANY: Rules = Rules { max_length: Some(1), maximum: Some(1.0), max_items: Some(1), max_properties: Some(1), ..Rules::NONE };
        let check = |value: serde_json::Value| {
            let mut v = Validator::new();
            v.field("v", &value, &ANY);
            pointers(v.finish())
        };
        assert_eq!(check(serde_json::json!("ab")), [at("/v", Rule::MaxLength(1))]);
        assert_eq!(check(serde_json::json!(2)), [at("/v", Rule::Maximum(1.0))]);
        assert_eq!(check(serde_json::json!([1, 2])), [at("/v", Rule::MaxItems(1))]);
        assert_eq!(check(serde_json::json!({"a": 1, "b": 2})), [at("/v", Rule::MaxProperties(1))]);
        assert_eq!(check(serde_json::json!(null)), []);
        assert_eq!(check(serde_json::json!("a")), []);
    }

    #[test]
    fn containers_validate_what_they_hold_at_its_place() {
        let mut bad = valid();
        bad.name = "XY".into();
        let rule = Rule::Pattern("^[a-f]+$");
        assert_eq!(pointers(vec![valid(), bad.clone()].validate()), [at("/1/name", rule.clone())]);
        assert_eq!(pointers([bad.clone()][..].validate()), [at("/0/name", rule.clone())]);
        assert_eq!(pointers(BTreeMap::from([("k".to_string(), bad.clone())]).validate()), [at("/k/name", rule.clone())]);
        assert_eq!(pointers(Some(bad.clone()).validate()), [at("/name", rule.clone())]);
        assert_eq!(pointers(Box::new(bad.clone()).validate()), [at("/name", rule.clone())]);
        let mut parent = valid();
        parent.child = Some(Box::new(bad));
        assert_eq!(pointers(parent.validate()), [at("/child/name", rule)]);
        // A boxed value's own rules apply through the box.
        let mut v = Validator::new();
        v.field("b", &Box::new("X".to_string()), &NAME);
        assert_eq!(pointers(v.finish()), [at("/b", Rule::Pattern("^[a-f]+$")), at("/b", Rule::MinLength(2))]);
    }

    #[test]
    fn a_request_skips_read_only_properties_and_needs_write_only_required_ones() {
        let mut thing = valid();
        thing.id = Some("x".into());
        thing.password = None;
        thing.extra.push_missing("id");
        assert_eq!(pointers(thing.validate()), [at("/id", Rule::MinLength(3)), at("/id", Rule::Required)]);
        assert_eq!(pointers(thing.validate_request()), [at("/password", Rule::Required)]);
    }

    #[test]
    fn missing_odd_and_unknown_properties_are_reported_with_secrets_redacted() {
        let mut thing = valid();
        thing.extra.push_missing("name");
        thing.extra.push_odd("sizes", serde_json::json!("short"));
        thing.extra.push_odd("labels", serde_json::Value::String("x".repeat(300)));
        thing.extra.push_odd("password", serde_json::json!(12345678));
        thing.extra.set_unknown(serde_json::Map::from_iter([("more".to_string(), serde_json::json!(1))]));
        let violations = thing.validate().unwrap_err().0;
        let shown: Vec<(&str, &Rule, &str)> = violations.iter().map(|v| (v.pointer.as_str(), &v.rule, v.value.as_str())).collect();
        let long = format!("\"{}...", "x".repeat(199));
        assert_eq!(
            shown,
            [
                ("/name", &Rule::Required, "nothing"),
                ("/sizes", &Rule::Shape, "\"short\""),
                ("/labels", &Rule::Shape, long.as_str()),
                ("/password", &Rule::Shape, "<redacted>"),
            ]
        );
        // A request checks them too (none is read-only); only a strict validator reports
        // the unknown property.
        assert_eq!(pointers(thing.validate_request()).len(), 4);
        let mut strict = Validator::strict(false);
        thing.validate_into(&mut strict);
        let strict = pointers(strict.finish());
        assert_eq!(strict.len(), 5);
        assert_eq!(strict[0], at("/more", Rule::Unknown));
    }

    #[test]
    fn an_answer_records_its_violations_in_each_object_relative_to_it() {
        let mut child = valid();
        child.name = "X".into();
        child.password = Some("short".into());
        let mut parent = valid();
        parent.sizes = vec![-1];
        parent.child = Some(Box::new(child));
        parent.record_received();
        let recorded = |extra: &crate::Extra| extra.received_violations().iter().map(|v| (v.pointer.clone(), v.rule.clone())).collect::<Vec<_>>();
        // The secret's violation is not recorded: its value is never shown, so a changed
        // one could not be told from the one received.
        let child = parent.child.as_deref().unwrap();
        assert_eq!(recorded(&child.extra), [at("/name", Rule::Pattern("^[a-f]+$")), at("/name", Rule::MinLength(2))]);
        assert_eq!(recorded(&parent.extra), [at("/sizes/0", Rule::Minimum(0.0))]);
        // Plain validation still reports everything; a request drops what Atlas sent.
        assert_eq!(pointers(parent.validate()).len(), 4);
        assert_eq!(pointers(parent.validate_request()), [at("/child/password", Rule::MinLength(8))]);
        // A value changed since is checked again.
        let mut changed = parent.clone();
        changed.sizes = vec![-2];
        assert_eq!(pointers(changed.validate_request())[0], at("/sizes/0", Rule::Minimum(0.0)));
    }

    #[test]
    fn a_required_property_atlas_left_out_goes_back_without_it_at_any_depth() {
        // As decoded from an answer: the child lacks the writeOnly password (a response never
        // has it) and its required name (recorded as missing by the decoder).
        let mut child = valid();
        child.password = None;
        child.name = String::new();
        child.extra.push_missing("name");
        let mut parent = valid();
        parent.child = Some(Box::new(child.clone()));
        let refused = |thing: &Thing| {
            let found = pointers(thing.validate_request());
            found.contains(&at("/child/password", Rule::Required)) && found.contains(&at("/child/name", Rule::Required))
        };
        assert!(refused(&parent));
        parent.record_received();
        assert!(parent.validate_request().is_ok(), "{:?}", parent.validate_request());
        // Moved into another object, the child keeps what it was sent with.
        let mut other = valid();
        other.child = parent.child.take();
        assert!(other.validate_request().is_ok(), "{:?}", other.validate_request());
        // Built in code, the same child is refused.
        other.child = Some(Box::new(child));
        assert!(refused(&other));
        // Plain validation of an answer does not ask for a writeOnly property.
        let mut answer = valid();
        answer.password = None;
        assert!(answer.validate().is_ok());
    }

    #[test]
    fn only_a_received_violation_with_the_same_place_rule_and_value_is_dropped() {
        let received = |pointer: &str, rule: Rule, value: &str| {
            let mut thing = valid();
            thing.name = "X".into();
            thing.extra.set_received(vec![Violation { pointer: pointer.into(), rule, value: value.into() }]);
            pointers(thing.validate_request())
        };
        let both = [at("/name", Rule::Pattern("^[a-f]+$")), at("/name", Rule::MinLength(2))];
        assert_eq!(received("/name", Rule::MinLength(2), "\"X\""), [both[0].clone()]);
        assert_eq!(received("/name", Rule::MinLength(3), "\"X\""), both);
        assert_eq!(received("/name", Rule::MinLength(2), "\"Y\""), both);
        assert_eq!(received("/id", Rule::MinLength(2), "\"X\""), both);
        // Not a request: nothing is dropped.
        let mut thing = valid();
        thing.name = "X".into();
        thing.extra.set_received(vec![Violation { pointer: "/name".into(), rule: Rule::MinLength(2), value: "\"X\"".into() }]);
        assert_eq!(pointers(thing.validate()), both);
    }
}

