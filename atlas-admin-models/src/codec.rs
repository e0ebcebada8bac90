//! Hand-written serde support used by the generated models: how objects decode tolerantly
//! and encode what they received, string enums with a catch-all, discriminated and untagged
//! unions. Not public API (hidden from the docs, may change in any release); the generator
//! never writes this file.
//!
//! Decoding goes through a JSON tree ([`Json`]): every model implements [`FromJson`], which
//! takes a value by move and either decodes it or hands it back unchanged when its shape is
//! not the model's. That is what lets one odd property be kept raw while the rest of the
//! object decodes typed (see [`crate::Extra`]), and lets unions try their variants without
//! copying the payload.

use std::borrow::Cow;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

pub use crate::json::Json;
use crate::Extra;

/// Implements `as_str`, `Display`, `FromStr`, `From<&str>`/`From<String>`, `Serialize` and
/// `Deserialize` for a string enum whose last variant keeps unknown values.
macro_rules! string_enum {
    ($name:ident { $($variant:ident => $wire:literal),* $(,)? } $fallback:ident) => {
        impl $name {
            /// The value as it appears on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::$fallback(other) => other.as_str(),
                }
            }
        }
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl From<&str> for $name {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::$fallback(other.to_owned()),
                }
            }
        }
        impl From<String> for $name {
            #[inline]
            fn from(value: String) -> Self {
                match value.as_str() {
                    $($wire => Self::$variant,)*
                    _ => Self::$fallback(value),
                }
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            #[inline]
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::serde::Serialize for $name {
            #[inline]
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
        impl Default for $name {
            /// The catch-all holding an empty value: what a missing required property decodes to.
            #[inline]
            fn default() -> Self {
                Self::$fallback(String::new())
            }
        }
        impl $crate::codec::FromJson for $name {
            #[inline]
            fn from_json(value: $crate::codec::Json<'_>) -> Result<Self, $crate::codec::Json<'_>> {
                match value {
                    // A known value is matched where it lies; only an unknown one is copied.
                    $crate::codec::Json::String(s) => Ok(match s {
                        ::std::borrow::Cow::Borrowed(s) => Self::from(s),
                        ::std::borrow::Cow::Owned(s) => Self::from(s),
                    }),
                    other => Err(other),
                }
            }
        }
        impl $crate::validation::Validate for $name {
            #[inline]
            fn check_rules(&self, rules: &$crate::validation::Rules, v: &mut $crate::validation::Validator) {
                v.text(self.as_str(), rules);
            }
        }
        impl $crate::codec::TagText for $name {
            fn tag_text(&self) -> Option<&str> {
                Some(self.as_str())
            }
        }
        impl $crate::codec::ParamText for $name {
            #[inline]
            fn param_text(&self) -> String {
                self.as_str().to_owned()
            }
        }
    };
}
pub(crate) use string_enum;

/// Decoding from an owned JSON tree that never loses it: `Err` gives the value back when
/// its shape is not this type's, so the caller can keep it.
pub trait FromJson: Sized {
    fn from_json(value: Json<'_>) -> Result<Self, Json<'_>>;
}

/// `Deserialize` for a [`FromJson`] type: buffer, then decode; only a value whose shape is
/// not the type's at all (a number where an object is expected) is an error.
pub fn deserialize<'de, T: FromJson, D: serde::Deserializer<'de>>(deserializer: D, type_name: &str) -> Result<T, D::Error> {
    let value = <Json as serde::Deserialize>::deserialize(deserializer)?;
    T::from_json(value).map_err(|value| {
        <D::Error as serde::de::Error>::custom(format_args!("{type_name}: unexpected {}", value.kind()))
    })
}

impl FromJson for Value {
    fn from_json(value: Json<'_>) -> Result<Self, Json<'_>> {
        Ok(value.into())
    }
}

impl FromJson for String {
    fn from_json(value: Json<'_>) -> Result<Self, Json<'_>> {
        match value {
            Json::String(s) => Ok(s.into_owned()),
            other => Err(other),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: Json<'_>) -> Result<Self, Json<'_>> {
        match value {
            Json::Bool(b) => Ok(b),
            other => Err(other),
        }
    }
}

/// An integer, also when written as a float with no fraction (`5.0`).
fn integer(value: &Json) -> Option<i64> {
    let Json::Number(n) = value else { return None };
    n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
}

fn float(value: &Json) -> Option<f64> {
    match value {
        Json::Number(n) => n.as_f64(),
        _ => None,
    }
}

impl FromJson for i64 {
    fn from_json(value: Json<'_>) -> Result<Self, Json<'_>> {
        integer(&value).ok_or(value)
    }
}

impl FromJson for i32 {
    fn from_json(value: Json<'_>) -> Result<Self, Json<'_>> {
        integer(&value).and_then(|n| i32::try_from(n).ok()).ok_or(value)
    }
}

impl FromJson for f64 {
    fn from_json(value: Json<'_>) -> Result<Self, Json<'_>> {
        float(&value).ok_or(value)
    }
}

impl FromJson for f32 {
    fn from_json(value: Json<'_>) -> Result<Self, Json<'_>> {
        float(&value).map(|f| f as f32).ok_or(value)
    }
}

impl FromJson for chrono::DateTime<chrono::Utc> {
    fn from_json(value: Json<'_>) -> Result<Self, Json<'_>> {
        match value.as_str().map(chrono::DateTime::parse_from_rfc3339) {
            Some(Ok(t)) => Ok(t.with_timezone(&chrono::Utc)),
            _ => Err(value),
        }
    }
}

impl FromJson for chrono::NaiveDate {
    fn from_json(value: Json<'_>) -> Result<Self, Json<'_>> {
        match value.as_str().map(|s| s.parse::<chrono::NaiveDate>()) {
            Some(Ok(d)) => Ok(d),
            _ => Err(value),
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: Json<'_>) -> Result<Self, Json<'_>> {
        T::from_json(value).map(Box::new)
    }
}

/// A decoded value back as JSON (lossless for models), to rebuild a container given back.
/// Through bytes, not `serde_json::to_value`: the byte serializer is the one requests and
/// users already instantiate, so this rare path adds no second copy of every model's
/// `Serialize` to the build.
fn re_encode<T: Serialize>(value: &T) -> Json<'static> {
    serde_json::to_vec(value).ok().and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok()).map_or(Json::Null, Json::from)
}

/// An array whose every item decodes; otherwise the whole array, as received, is given back
/// (items already decoded are re-encoded, which is lossless for models).
impl<T: FromJson + Serialize> FromJson for Vec<T> {
    fn from_json(value: Json<'_>) -> Result<Self, Json<'_>> {
        let Json::Array(items) = value else { return Err(value) };
        let mut decoded = Vec::with_capacity(items.len());
        let mut items = items.into_iter();
        while let Some(item) = items.next() {
            match T::from_json(item) {
                Ok(item) => decoded.push(item),
                Err(odd) => {
                    let mut raw: Vec<Json> = decoded.iter().map(re_encode).collect();
                    raw.push(odd);
                    raw.extend(items);
                    return Err(Json::Array(raw));
                }
            }
        }
        Ok(decoded)
    }
}

/// A map whose every value decodes; otherwise the whole map, as received, is given back.
impl<T: FromJson + Serialize> FromJson for std::collections::BTreeMap<String, T> {
    fn from_json(value: Json<'_>) -> Result<Self, Json<'_>> {
        let Json::Object(members) = value else { return Err(value) };
        let mut decoded = std::collections::BTreeMap::new();
        let mut order: Vec<String> = Vec::with_capacity(members.len());
        let mut members = members.into_iter();
        while let Some((key, item)) = members.next() {
            match T::from_json(item) {
                Ok(item) => {
                    order.push(key.to_string());
                    decoded.insert(key.into_owned(), item);
                }
                Err(odd) => {
                    let mut raw: Vec<(Cow<'_, str>, Json<'_>)> =
                        order.into_iter().map(|k| { let v = re_encode(&decoded[&k]); (Cow::Owned(k), v) }).collect();
                    raw.push((key, odd));
                    raw.extend(members);
                    return Err(Json::Object(raw));
                }
            }
        }
        Ok(decoded)
    }
}

/// The properties of an object being decoded: one pass sorts them into the slots of the
/// model's known properties (a generated `match` tells which a name is), the rest are
/// unknown. Each field then takes its slot, recording missing, odd and `null` properties in
/// the object's [`Extra`].
pub struct Fields<'a, 's> {
    /// One per known property, on the decoding function's stack (not one allocation per object).
    slots: &'s mut [Option<Json<'a>>],
    unknown: Vec<(Cow<'a, str>, Json<'a>)>,
    extra: Extra,
}

impl<'a, 's> Fields<'a, 's> {
    /// Starts decoding an object whose known properties go to `slots` (all empty), `slot`
    /// telling which a property name is; any value that is not an object is given back.
    pub fn new(value: Json<'a>, slots: &'s mut [Option<Json<'a>>], slot: fn(&str) -> Option<usize>) -> Result<Self, Json<'a>> {
        let Json::Object(members) = value else { return Err(value) };
        let mut unknown = Vec::new();
        for (key, value) in members {
            match slot(&key).and_then(|i| slots.get_mut(i)) {
                // A repeated property: the last one wins, as with serde_json.
                Some(place) => *place = Some(value),
                None => unknown.push((key, value)),
            }
        }
        Ok(Fields { slots, unknown, extra: Extra::default() })
    }

    fn take(&mut self, slot: usize) -> Option<Json<'a>> {
        self.slots.get_mut(slot).and_then(Option::take)
    }

    /// A required property: a missing or odd one leaves the field at its default.
    pub fn required<T: FromJson + Default>(&mut self, slot: usize, key: &'static str) -> T {
        match self.take(slot) {
            None => {
                self.extra.push_missing(key);
                T::default()
            }
            Some(value) => T::from_json(value).unwrap_or_else(|odd| {
                self.extra.push_odd(key, odd.into());
                T::default()
            }),
        }
    }

    /// A required property the model keeps as an `Option` (nullable, or readOnly /
    /// writeOnly): `null` is `None`; absence is recorded as missing when `report_missing`.
    pub fn required_option<T: FromJson>(&mut self, slot: usize, key: &'static str, report_missing: bool) -> Option<T> {
        match self.take(slot) {
            None => {
                if report_missing {
                    self.extra.push_missing(key);
                }
                None
            }
            Some(Json::Null) => None,
            Some(value) => self.decoded(key, value),
        }
    }

    /// An optional property; an explicit `null` decodes to `None` and is re-encoded as `null`.
    pub fn optional<T: FromJson>(&mut self, slot: usize, key: &'static str) -> Option<T> {
        match self.take(slot) {
            None => None,
            Some(Json::Null) => {
                self.extra.push_null(key);
                None
            }
            Some(value) => self.decoded(key, value),
        }
    }

    /// An optional nullable property: absent, `null` and a value are three things.
    pub fn nullable<T: FromJson>(&mut self, slot: usize, key: &'static str) -> Option<Option<T>> {
        match self.take(slot) {
            None => None,
            Some(Json::Null) => Some(None),
            Some(value) => self.decoded(key, value).map(Some),
        }
    }

    fn decoded<T: FromJson>(&mut self, key: &'static str, value: Json<'a>) -> Option<T> {
        match T::from_json(value) {
            Ok(v) => Some(v),
            Err(odd) => {
                self.extra.push_odd(key, odd.into());
                None
            }
        }
    }

    /// `additionalProperties`: every unknown property whose value decodes as `T` (the
    /// others stay unknown).
    pub fn additional<T: FromJson>(&mut self) -> std::collections::BTreeMap<String, T> {
        let mut out = std::collections::BTreeMap::new();
        let mut rest = Vec::new();
        for (key, value) in std::mem::take(&mut self.unknown) {
            match T::from_json(value) {
                Ok(v) => {
                    out.insert(key.into_owned(), v);
                }
                Err(odd) => rest.push((key, odd)),
            }
        }
        self.unknown = rest;
        out
    }

    /// The remaining properties become the object's unknown ones.
    pub fn finish(mut self) -> Extra {
        if !self.unknown.is_empty() {
            let unknown: Map<String, Value> = self.unknown.into_iter().map(|(k, v)| (k.into_owned(), Value::from(v))).collect();
            self.extra.set_unknown(unknown);
        }
        self.extra
    }
}

/// A generated object model: its fields are written by [`Writer`].
pub trait Object {
    fn extra(&self) -> &Extra;
    fn write_fields<M: SerializeMap>(&self, w: &mut Writer<'_, M>) -> Result<(), M::Error>;
}

/// The discriminator a tagged-union variant must carry: the property and the values that
/// select the variant (the first is written when the object holds no valid one).
pub type Tag = (&'static str, &'static [&'static str]);

/// The text of a value that can be a discriminator (a string, a string enum, optional or
/// not), read without serialising it.
pub trait TagText {
    fn tag_text(&self) -> Option<&str>;
}

impl TagText for String {
    fn tag_text(&self) -> Option<&str> {
        Some(self)
    }
}

impl TagText for Value {
    fn tag_text(&self) -> Option<&str> {
        self.as_str()
    }
}

impl<T: TagText> TagText for Option<T> {
    fn tag_text(&self) -> Option<&str> {
        self.as_ref().and_then(T::tag_text)
    }
}

/// A `number` property as it goes on the wire: an integral value as an integer (`10`, not
/// `10.0`), so a value read as `10` is sent back as `10`; any other as the float it is.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Number {
    value: f64,
    /// Read into an `f32`: a fraction is written at that precision (`0.1`, not `0.100000001`).
    single: bool,
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Below 2^53 every integral f64 is exactly an i64.
        if self.value.fract() == 0.0 && self.value.abs() < 9_007_199_254_740_992.0 {
            serializer.serialize_i64(self.value as i64)
        } else if self.single {
            serializer.serialize_f32(self.value as f32)
        } else {
            serializer.serialize_f64(self.value)
        }
    }
}

/// A field holding `number`s, in the form it is written ([`Number`] in place of each float).
pub trait Integral {
    type Form: Serialize + PartialEq + Default;
    fn integral(&self) -> Self::Form;
}

impl Integral for f64 {
    type Form = Number;
    fn integral(&self) -> Number {
        Number { value: *self, single: false }
    }
}

impl Integral for f32 {
    type Form = Number;
    fn integral(&self) -> Number {
        Number { value: f64::from(*self), single: true }
    }
}

impl<T: Integral> Integral for Option<T> {
    type Form = Option<T::Form>;
    fn integral(&self) -> Self::Form {
        self.as_ref().map(T::integral)
    }
}

impl<T: Integral> Integral for Vec<T> {
    type Form = Vec<T::Form>;
    fn integral(&self) -> Self::Form {
        self.iter().map(T::integral).collect()
    }
}

impl<T: Integral> Integral for std::collections::BTreeMap<String, T> {
    type Form = std::collections::BTreeMap<String, T::Form>;
    fn integral(&self) -> Self::Form {
        self.iter().map(|(k, v)| (k.clone(), v.integral())).collect()
    }
}

/// Writes an object's properties: set fields as set, untouched missing ones not at all,
/// untouched odd ones as received, then the unknown ones.
pub struct Writer<'a, M> {
    map: M,
    extra: &'a Extra,
    /// The variant's discriminator, and whether the object's own value is one of its tags.
    tag: Option<(Tag, bool)>,
    tag_written: bool,
}

impl<M: SerializeMap> Writer<'_, M> {
    fn entry<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), M::Error> {
        if let Some(((property, tags), valid)) = self.tag {
            if key == property {
                self.tag_written = true;
                if !valid {
                    return self.map.serialize_entry(key, tags[0]);
                }
            }
        }
        self.map.serialize_entry(key, value)
    }

    /// A field left untouched since decoding that held an odd value: write that value.
    fn odd(&mut self, key: &'static str) -> Result<bool, M::Error> {
        match self.extra.odd_value(key) {
            Some(raw) => self.entry(key, raw).map(|()| true),
            None => Ok(false),
        }
    }

    pub fn required<T: Serialize + PartialEq + Default>(&mut self, key: &'static str, value: &T) -> Result<(), M::Error> {
        let untouched = || *value == T::default();
        if self.extra.is_missing(key) && untouched() {
            return Ok(());
        }
        if self.extra.odd_value(key).is_some() && untouched() {
            return self.odd(key).map(drop);
        }
        self.entry(key, value)
    }

    /// A required property kept as an `Option`: `None` is written as `null` unless it was
    /// missing (or, when `skip_none`, always left out: readOnly and writeOnly properties).
    pub fn required_option<T: Serialize>(&mut self, key: &'static str, value: &Option<T>, skip_none: bool) -> Result<(), M::Error> {
        match value {
            Some(v) => self.entry(key, v),
            None if self.odd(key)? || skip_none || self.extra.is_missing(key) => Ok(()),
            None => self.entry(key, &()),
        }
    }

    pub fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) -> Result<(), M::Error> {
        match value {
            Some(v) => self.entry(key, v),
            None if self.odd(key)? => Ok(()),
            None if self.extra.was_null(key) => self.entry(key, &()),
            None => Ok(()),
        }
    }

    pub fn nullable<T: Serialize>(&mut self, key: &'static str, value: &Option<Option<T>>) -> Result<(), M::Error> {
        match value {
            Some(v) => self.entry(key, v),
            None => self.odd(key).map(drop),
        }
    }

    /// `additionalProperties` entries.
    pub fn additional<T: Serialize>(&mut self, map: &std::collections::BTreeMap<String, T>) -> Result<(), M::Error> {
        for (key, value) in map {
            self.map.serialize_entry(key, value)?;
        }
        Ok(())
    }
}

/// Serialises an object model.
pub fn serialize_object<O: Object, S: Serializer>(object: &O, serializer: S) -> Result<S::Ok, S::Error> {
    write_object(object, serializer, None)
}

/// Serialises an object model as a variant of a tagged union: its discriminator is written
/// as `current` (the object's own value) when that is one of the variant's tags, else as the
/// first tag, never a contradicting one.
pub fn serialize_variant<O: Object, S: Serializer>(object: &O, serializer: S, tag: Tag, current: Option<&str>) -> Result<S::Ok, S::Error> {
    let valid = current.is_some_and(|current| tag.1.contains(&current));
    write_object(object, serializer, Some((tag, valid)))
}

fn write_object<O: Object, S: Serializer>(object: &O, serializer: S, tag: Option<(Tag, bool)>) -> Result<S::Ok, S::Error> {
    let extra = object.extra();
    let mut w = Writer { map: serializer.serialize_map(None)?, extra, tag, tag_written: false };
    object.write_fields(&mut w)?;
    if let (Some(((property, tags), _)), false) = (w.tag, w.tag_written) {
        w.map.serialize_entry(property, tags[0])?;
    }
    for (key, value) in extra.unknown() {
        w.map.serialize_entry(key, value)?;
    }
    w.map.end()
}

/// `Serialize` and `Deserialize` for a generated object model.
macro_rules! object {
    ($name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::codec::serialize_object(self, serializer)
            }
        }
        $crate::codec::deserialize_via_json!($name);
    };
}
pub(crate) use object;

/// `Deserialize` through [`FromJson`].
macro_rules! deserialize_via_json {
    ($name:ident) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::codec::deserialize(deserializer, stringify!($name))
            }
        }
    };
}
pub(crate) use deserialize_via_json;

/// A parameter value as it goes into a path segment, query or header.
pub trait ParamText {
    fn param_text(&self) -> String;
}

macro_rules! param_text_display {
    ($($t:ty),*) => {$(
        impl ParamText for $t {
            fn param_text(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
param_text_display!(String, bool, i32, i64, f32, f64, chrono::NaiveDate);

impl ParamText for chrono::DateTime<chrono::Utc> {
    fn param_text(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl ParamText for Value {
    fn param_text(&self) -> String {
        match self {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// Appends a query parameter: nothing for `None`, one `key=value` per item of a list (the
/// spec's `form` style, exploded: repeated keys).
pub trait QueryValue {
    fn push_query(&self, key: &'static str, out: &mut Vec<(&'static str, String)>);
}

impl<T: ParamText> QueryValue for T {
    fn push_query(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
        out.push((key, self.param_text()));
    }
}

impl<T: ParamText> QueryValue for Option<T> {
    fn push_query(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
        if let Some(value) = self {
            out.push((key, value.param_text()));
        }
    }
}

impl<T: ParamText> QueryValue for Vec<T> {
    fn push_query(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
        out.extend(self.iter().map(|v| (key, v.param_text())));
    }
}

impl<T: ParamText> QueryValue for Option<Vec<T>> {
    fn push_query(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
        if let Some(values) = self {
            values.push_query(key, out);
        }
    }
}

/// The discriminator value of a payload, if it has one.
pub fn tag<'v>(value: &'v Json<'_>, property: &str) -> Option<&'v str> {
    value.get(property).and_then(Json::as_str)
}

/// `Debug` of a secret: only whether it is there.
pub struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// One variant of an untagged union: the properties its type knows and needs, and how to
/// decode it.
pub struct Candidate<T> {
    pub known: &'static [&'static str],
    pub required: &'static [&'static str],
    /// String-enum properties and the values the variant knows for them.
    pub enums: &'static [(&'static str, &'static [&'static str])],
    pub decode: for<'a> fn(Json<'a>) -> Result<T, Json<'a>>,
}

impl<T> Candidate<T> {
    /// How many of the payload's enum values this variant does not know.
    fn unknown_values(&self, members: &[(Cow<'_, str>, Json<'_>)]) -> usize {
        self.enums
            .iter()
            .filter(|(property, values)| {
                members.iter().find(|(k, _)| k == property).and_then(|(_, v)| v.as_str()).is_some_and(|v| !values.contains(&v))
            })
            .count()
    }

    /// The rank of this variant for an object payload (lower is better): variants whose
    /// known properties cover all of the payload's first, then those that need nothing
    /// missing (most properties in common first), then the rest; within the first two
    /// groups a variant that knows the payload's enum values wins, then the one with fewest
    /// properties.
    fn rank(&self, members: &[(Cow<'_, str>, Json<'_>)]) -> (usize, usize, usize) {
        if !self.required.iter().all(|r| members.iter().any(|(k, _)| k == r)) {
            return (2, 0, 0);
        }
        let shared = members.iter().filter(|(k, _)| self.known.contains(&k.as_ref())).count();
        let unknown = self.unknown_values(members);
        if shared == members.len() {
            (0, unknown, self.known.len())
        } else {
            (1, unknown, usize::MAX - shared)
        }
    }
}

/// Decodes an untagged union, trying the most specific variant first (see
/// `Candidate::rank`; for a value that is not an object, the spec's order). So a payload
/// never decodes into a variant that would drop fields another variant keeps. A value no
/// variant takes is given back.
pub fn decode_untagged<'a, T>(value: Json<'a>, candidates: &[Candidate<T>]) -> Result<T, Json<'a>> {
    let best = match &value {
        Json::Object(members) => (0..candidates.len()).min_by_key(|&i| (candidates[i].rank(members), i)),
        _ => None,
    };
    let mut value = value;
    if let Some(best) = best {
        match (candidates[best].decode)(value) {
            Ok(decoded) => return Ok(decoded),
            Err(back) => value = back,
        }
    }
    // The rest, in the spec's order (an object only comes here if the best one refused it).
    for (i, candidate) in candidates.iter().enumerate() {
        if Some(i) == best {
            continue;
        }
        match (candidate.decode)(value) {
            Ok(decoded) => return Ok(decoded),
            Err(back) => value = back,
        }
    }
    Err(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    enum Shape {
        Small,
        Large,
    }

    fn json(value: Value) -> Json<'static> {
        Json::from(value)
    }

    fn candidates() -> [Candidate<Shape>; 2] {
        [
            Candidate { known: &["a", "b", "c"], required: &[], enums: &[("a", &["X", "Y"])], decode: |_| Ok(Shape::Large) },
            Candidate { known: &["a"], required: &["a"], enums: &[("a", &["X"])], decode: |_| Ok(Shape::Small) },
        ]
    }

    #[test]
    fn the_tightest_covering_variant_wins() {
        let small: Shape = decode_untagged(json(serde_json::json!({"a": 1})), &candidates()).unwrap();
        assert!(matches!(small, Shape::Small));
        let large: Shape = decode_untagged(json(serde_json::json!({"a": 1, "b": 2})), &candidates()).unwrap();
        assert!(matches!(large, Shape::Large));
    }

    #[test]
    fn a_variant_that_knows_the_enum_value_wins_over_a_tighter_one() {
        let known: Shape = decode_untagged(json(serde_json::json!({"a": "X"})), &candidates()).unwrap();
        assert!(matches!(known, Shape::Small));
        let only_large_knows: Shape = decode_untagged(json(serde_json::json!({"a": "Y"})), &candidates()).unwrap();
        assert!(matches!(only_large_knows, Shape::Large));
    }
}
