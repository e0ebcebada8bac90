//! Hand-written serde support used by the generated models: string enums with a
//! catch-all, discriminated and untagged unions. The generator never writes this file.

use serde_json::Value;

/// Implements `as_str`, `Display`, `FromStr`, `From<&str>`/`From<String>`, `Serialize` and
/// `Deserialize` for a string enum whose last variant keeps unknown values.
macro_rules! string_enum {
    ($name:ident { $($variant:ident => $wire:literal),* $(,)? } $fallback:ident) => {
        impl $name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::$fallback(other) => other.as_str(),
                }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::$fallback(other.to_owned()),
                }
            }
        }
        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $($wire => Self::$variant,)*
                    _ => Self::$fallback(value),
                }
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
        impl $crate::validation::Validate for $name {
            fn check_rules(&self, rules: &$crate::validation::Rules, v: &mut $crate::validation::Validator) {
                v.text(self.as_str(), rules);
            }
        }
    };
}
pub(crate) use string_enum;

/// The discriminator value of a payload, if it has one.
pub fn tag<'v>(value: &'v Value, property: &str) -> Option<&'v str> {
    value.get(property).and_then(Value::as_str)
}

/// Decodes an already-buffered value, mapping the error into the caller's deserializer.
pub fn decode<T: serde::de::DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// One variant of an untagged union: the properties its type knows and needs, and how to
/// decode it.
pub struct Candidate<T> {
    pub known: &'static [&'static str],
    pub required: &'static [&'static str],
    /// String-enum properties and the values the variant knows for them.
    pub enums: &'static [(&'static str, &'static [&'static str])],
    pub decode: fn(Value) -> Result<T, serde_json::Error>,
}

impl<T> Candidate<T> {
    /// How many of the payload's enum values this variant does not know.
    fn unknown_values(&self, map: &serde_json::Map<String, Value>) -> usize {
        self.enums
            .iter()
            .filter(|(property, values)| {
                map.get(*property).and_then(Value::as_str).is_some_and(|v| !values.contains(&v))
            })
            .count()
    }
}

/// Decodes an untagged union, trying the most specific variant first: for an object, the
/// variants whose known properties cover all of the payload's, then those that need
/// nothing missing (most properties in common first), then the rest in the spec's order.
/// Within the first two groups a variant that knows the payload's enum values (an AWS
/// instance size) beats one that does not, then the one with fewest properties wins. So a
/// payload never decodes into a variant that would drop fields another variant keeps.
pub fn decode_untagged<T, E: serde::de::Error>(value: Value, type_name: &str, candidates: &[Candidate<T>]) -> Result<T, E> {
    let mut order: Vec<(usize, usize, usize, usize)> = (0..candidates.len()).map(|i| (2, 0, 0, i)).collect();
    if let Value::Object(map) = &value {
        for entry in &mut order {
            let c = &candidates[entry.3];
            if !c.required.iter().all(|r| map.contains_key(*r)) {
                continue;
            }
            let shared = map.keys().filter(|k| c.known.contains(&k.as_str())).count();
            let unknown = c.unknown_values(map);
            *entry = if shared == map.len() {
                (0, unknown, c.known.len(), entry.3)
            } else {
                (1, unknown, usize::MAX - shared, entry.3)
            };
        }
        order.sort();
    }
    let mut errors = Vec::new();
    for (_, _, _, i) in order {
        match (candidates[i].decode)(value.clone()) {
            Ok(decoded) => return Ok(decoded),
            Err(e) => errors.push(e.to_string()),
        }
    }
    Err(E::custom(format!("{type_name}: the value matches none of its variants ({})", errors.join("; "))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Shape {
        Small(Value),
        Large(Value),
    }

    fn candidates() -> [Candidate<Shape>; 2] {
        [
            Candidate { known: &["a", "b", "c"], required: &[], enums: &[("a", &["X", "Y"])], decode: |v| Ok(Shape::Large(v)) },
            Candidate { known: &["a"], required: &["a"], enums: &[("a", &["X"])], decode: |v| Ok(Shape::Small(v)) },
        ]
    }

    #[test]
    fn the_tightest_covering_variant_wins() {
        let small: Shape = decode_untagged::<_, serde_json::Error>(serde_json::json!({"a": 1}), "S", &candidates()).unwrap();
        assert!(matches!(small, Shape::Small(_)));
        let large: Shape = decode_untagged::<_, serde_json::Error>(serde_json::json!({"a": 1, "b": 2}), "S", &candidates()).unwrap();
        assert!(matches!(large, Shape::Large(_)));
    }

    #[test]
    fn a_variant_that_knows_the_enum_value_wins_over_a_tighter_one() {
        let known: Shape = decode_untagged::<_, serde_json::Error>(serde_json::json!({"a": "X"}), "S", &candidates()).unwrap();
        assert!(matches!(known, Shape::Small(_)));
        let only_large_knows: Shape = decode_untagged::<_, serde_json::Error>(serde_json::json!({"a": "Y"}), "S", &candidates()).unwrap();
        assert!(matches!(only_large_knows, Shape::Large(_)));
    }
}
