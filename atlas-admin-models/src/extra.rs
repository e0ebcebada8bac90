//! What a response carried beyond what the spec describes, kept with every model.
//!
//! Atlas does not always send what its spec says. Every object model has an `extra` field
//! of type [`Extra`] holding:
//!
//! * **unknown properties**: properties the spec does not list (a field Atlas added before
//!   this crate was regenerated). They are readable and writable here, and written back on
//!   encoding, so a read-modify-write loses nothing;
//! * **missing properties**: properties the spec marks required that the payload left out.
//!   The field holds its type's default (Smithy's "client error correction", as in the AWS
//!   SDKs), is *not* written back while it still holds that default, and
//!   [`Validate`](crate::Validate) reports it as [`Rule::Required`](crate::validation::Rule::Required);
//! * **odd properties**: properties whose value has a shape the spec does not describe (an
//!   object where an array is declared, a string where a number is). The field holds its
//!   default (or `None`), the value is kept exactly as received and written back in place
//!   while the field is left untouched, and `Validate` reports it as
//!   [`Rule::Shape`](crate::validation::Rule::Shape).
//!
//! Setting a field clears neither list, but a field that no longer holds its default is
//! always written as set.
//!
//! It also remembers, for an object decoded from one of the client's answers, where that
//! answer broke the spec's constraints (a bound, a pattern, a missing or odd property), so
//! that pre-send validation never refuses what Atlas itself sent: see
//! [`Validate::validate_request`](crate::Validate::validate_request).

use std::fmt;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::validation::Violation;

/// Unknown, missing and odd properties of one decoded object. See the [module docs](self).
#[derive(Clone, Default)]
pub struct Extra {
    unknown: Map<String, Value>,
    missing: Vec<&'static str>,
    odd: Vec<(&'static str, Value)>,
    /// Optional properties that arrived as `null` (re-encoded as `null`, not dropped).
    nulls: Vec<&'static str>,
    /// The violations of this object's own properties in the answer it was decoded from,
    /// each with its pointer relative to the object. Set once, by the client, after
    /// decoding; not part of the value (ignored by `==`).
    received: OnceLock<Vec<Violation>>,
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        (&self.unknown, &self.missing, &self.odd, &self.nulls) == (&other.unknown, &other.missing, &other.odd, &other.nulls)
    }
}

impl Extra {
    /// Whether the payload matched the spec exactly (nothing unknown, missing or odd).
    pub fn is_empty(&self) -> bool {
        self.unknown.is_empty() && self.missing.is_empty() && self.odd.is_empty() && self.nulls.is_empty()
    }

    /// An unknown property by name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.unknown.get(name)
    }

    /// Sets an unknown property, to be sent with the object. Do not use it for a property
    /// the model has a field for: set the field.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) -> Option<Value> {
        self.unknown.insert(name.into(), value)
    }

    /// Removes an unknown property.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.unknown.remove(name)
    }

    /// Every unknown property, in the order received.
    pub fn unknown(&self) -> &Map<String, Value> {
        &self.unknown
    }

    /// Every unknown property, to edit.
    pub fn unknown_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.unknown
    }

    /// Required properties (wire names) that the payload did not carry.
    pub fn missing(&self) -> &[&'static str] {
        &self.missing
    }

    /// Properties (wire names) whose value had a shape the spec does not describe, with the
    /// value as received.
    pub fn odd(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.odd.iter().map(|(name, value)| (*name, value))
    }

    /// The odd value received for `name`, if any.
    pub fn odd_value(&self, name: &str) -> Option<&Value> {
        self.odd.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    pub(crate) fn is_missing(&self, name: &str) -> bool {
        self.missing.contains(&name)
    }

    pub(crate) fn was_null(&self, name: &str) -> bool {
        self.nulls.contains(&name)
    }

    pub(crate) fn push_missing(&mut self, name: &'static str) {
        self.missing.push(name);
    }

    pub(crate) fn push_odd(&mut self, name: &'static str, value: Value) {
        self.odd.push((name, value));
    }

    pub(crate) fn push_null(&mut self, name: &'static str) {
        self.nulls.push(name);
    }

    pub(crate) fn set_unknown(&mut self, unknown: Map<String, Value>) {
        self.unknown = unknown;
    }

    /// Where the answer this object came from broke the spec's constraints (pointers
    /// relative to the object); empty for an object not decoded by the client.
    pub fn received_violations(&self) -> &[Violation] {
        self.received.get().map_or(&[], Vec::as_slice)
    }

    pub(crate) fn set_received(&self, violations: Vec<Violation>) {
        // A second recording of the same decoded object finds the same violations.
        let _ = self.received.set(violations);
    }
}

/// Property names whose values are secrets wherever they appear: unknown properties with
/// such names are redacted in `Debug`, like the model fields the generator marks secret.
pub(crate) fn looks_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace(['_', '-'], "");
    const WORDS: &[&str] = &["password", "secret", "privatekey", "apikey", "token", "credential"];
    WORDS.iter().any(|w| lower.contains(w))
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("{}");
        }
        let mut s = f.debug_struct("Extra");
        if !self.unknown.is_empty() {
            let shown: Map<String, Value> = self
                .unknown
                .iter()
                .map(|(k, v)| {
                    let v = if looks_secret(k) { Value::String("<redacted>".into()) } else { v.clone() };
                    (k.clone(), v)
                })
                .collect();
            s.field("unknown", &shown);
        }
        if !self.missing.is_empty() {
            s.field("missing", &self.missing);
        }
        if !self.odd.is_empty() {
            let names: Vec<&str> = self.odd.iter().map(|(n, _)| *n).collect();
            s.field("odd", &names);
        }
        s.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secret_looking_unknown_values() {
        let mut extra = Extra::default();
        extra.insert("userAlias", Value::from("ada"));
        extra.insert("newApiKey", Value::from("hunter2"));
        let shown = format!("{extra:?}");
        assert!(shown.contains("ada"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(format!("{:?}", Extra::default()), "{}");
    }
}
