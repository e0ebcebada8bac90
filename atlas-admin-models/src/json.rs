//! The JSON tree the models decode from: like `serde_json::Value`, but an object is a plain
//! list of members in the order received, with no hash map built for it, and its text
//! borrows from the bytes being decoded where it can. Decoding looks each member up once
//! (in the model's generated `match`), so hashing every key of every object, as `Value`'s
//! map does, is pure cost; and a key, an enum value or a date is read where it lies, never
//! copied: only the strings a model keeps are allocated, once (see `benches/decode.rs`).
//! Values the models keep untyped (free-form properties, unknown and odd ones) are
//! converted to `Value`. Not public API.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A tree of JSON borrowing its text from the input (`'a`) when the text has no escapes and
/// the input is in memory (`serde_json::from_slice`, `from_str`); owned otherwise.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl Json<'_> {
    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    /// A member of an object (the first, if repeated).
    pub fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }
}

impl From<Json<'_>> for Value {
    fn from(json: Json<'_>) -> Value {
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Number(n) => Value::Number(n),
            Json::String(s) => Value::String(s.into_owned()),
            Json::Array(items) => Value::Array(items.into_iter().map(Value::from).collect()),
            Json::Object(members) => {
                Value::Object(members.into_iter().map(|(k, v)| (k.into_owned(), Value::from(v))).collect::<Map<_, _>>())
            }
        }
    }
}

impl From<Value> for Json<'static> {
    fn from(value: Value) -> Json<'static> {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(b),
            Value::Number(n) => Json::Number(n),
            Value::String(s) => Json::String(Cow::Owned(s)),
            Value::Array(items) => Json::Array(items.into_iter().map(Json::from).collect()),
            Value::Object(map) => Json::Object(map.into_iter().map(|(k, v)| (Cow::Owned(k), Json::from(v))).collect()),
        }
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json<'de>, D::Error> {
        Builder(&mut Scratch::default()).deserialize(deserializer)
    }
}

/// Where the members of the objects and the items of the arrays being read pile up until
/// their container ends: then they move to a list of their own, allocated once at its size.
/// `serde_json` gives no size hint, so a list built as it is read would grow (and copy) a
/// few times per object; a nested container piles up above its parent's and is taken off
/// before the parent goes on.
#[derive(Default)]
struct Scratch<'de> {
    members: Vec<(Cow<'de, str>, Json<'de>)>,
    items: Vec<Json<'de>>,
}

/// Reads one value into a tree, piling up its containers' contents in the scratch.
struct Builder<'s, 'de>(&'s mut Scratch<'de>);

impl<'de> DeserializeSeed<'de> for Builder<'_, 'de> {
    type Value = Json<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A member's name, borrowed when it can be (serde's own `Cow` always copies).
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

impl<'de> Visitor<'de> for Builder<'_, 'de> {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json<'de>, E> {
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v)))
    }

    fn visit_none<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json<'de>, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let scratch = self.0;
        let start = scratch.items.len();
        while let Some(item) = seq.next_element_seed(Builder(scratch))? {
            scratch.items.push(item);
        }
        Ok(Json::Array(scratch.items.drain(start..).collect()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let scratch = self.0;
        let start = scratch.members.len();
        while let Some(Key(key)) = map.next_key()? {
            let value = map.next_value_seed(Builder(scratch))?;
            scratch.members.push((key, value));
        }
        Ok(Json::Object(scratch.members.drain(start..).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways_keeping_order_and_numbers() {
        let text = r#"{"b": [1, -2, 2.5, "x", null, true], "a": {"z": {}, "y": []}}"#;
        let json: Json = serde_json::from_str(text).unwrap();
        assert_eq!(json.get("a").map(Json::kind), Some("object"));
        let value = Value::from(json);
        assert_eq!(value, serde_json::from_str::<Value>(text).unwrap());
        assert_eq!(serde_json::to_string(&value).unwrap(), r#"{"b":[1,-2,2.5,"x",null,true],"a":{"z":{},"y":[]}}"#);
        let back = Json::from(value.clone());
        assert_eq!(Value::from(back), value);
    }

    #[test]
    fn text_is_borrowed_from_the_input_unless_it_has_escapes_or_comes_from_a_reader() {
        let text = r#"{"plain": "value", "esc\u0061ped": "a\nb"}"#;
        let Json::Object(members) = serde_json::from_str::<Json>(text).unwrap() else { panic!("an object") };
        let [(plain, value), (escaped, escaped_value)] = &members[..] else { panic!("two members: {members:?}") };
        assert!(matches!((plain, value), (Cow::Borrowed("plain"), Json::String(Cow::Borrowed("value")))), "{members:?}");
        assert!(matches!(escaped, Cow::Owned(k) if k == "escaped"), "{escaped:?}");
        assert!(matches!(escaped_value, Json::String(Cow::Owned(v)) if v == "a\nb"), "{escaped_value:?}");
        let from_reader = Json::deserialize(&mut serde_json::Deserializer::from_reader(text.as_bytes())).unwrap();
        assert_eq!(from_reader, serde_json::from_str::<Json>(text).unwrap());
        assert!(matches!(from_reader.get("plain"), Some(Json::String(Cow::Owned(_)))));
    }
}
