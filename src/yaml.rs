//! YAML into a spanned node tree, and a serde `Deserializer` over that tree.
//!
//! serde-saphyr parses the text (syntax, duplicate keys, anchors, budgets against YAML
//! bombs) into [`Node`]s that remember where they came from. Typed rubric structs are then
//! deserialized from nodes, not from the text, so each check can be deserialized on its own
//! and *every* check's errors collected, each with its line and column. [`Sp<T>`] carries a
//! value's location into the typed structs for the validation phase.

use std::fmt;

use serde::Deserialize;
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde_saphyr::Spanned;

/// Largest rubric accepted, in bytes.
pub const MAX_RUBRIC_BYTES: usize = 4 * 1024 * 1024;

/// A location in the rubric text. Lines and columns are 1-based and count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
    /// Byte offset and length of the node in the text, when known.
    pub offset: Option<u32>,
    pub len: Option<u32>,
}

impl Loc {
    fn from_saphyr(l: &serde_saphyr::Location) -> Loc {
        let span = l.span();
        let off = span.byte_offset().and_then(|o| u32::try_from(o).ok());
        let len = span.byte_len().and_then(|o| u32::try_from(o).ok());
        Loc {
            line: u32::try_from(l.line()).unwrap_or(u32::MAX),
            column: u32::try_from(l.column()).unwrap_or(u32::MAX),
            offset: off,
            len,
        }
    }
}

/// A mapping key with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A YAML node with its location and, for plain scalars, its source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub loc: Loc,
    /// The scalar as written (`0xB`, `1.10`), when its bytes are known.
    pub raw: Option<String>,
}

impl Node {
    /// The entries of a mapping node.
    pub fn entries(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// A short description of the node's type for messages.
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Null => "null".into(),
            Kind::Bool(b) => format!("boolean `{b}`"),
            Kind::Int(_) | Kind::UInt(_) | Kind::Float(_) => {
                format!("number `{}`", self.raw.clone().unwrap_or_default())
            }
            Kind::Str(s) => format!("string \"{s}\""),
            Kind::Seq(_) => "a list".into(),
            Kind::Map(_) => "a mapping".into(),
        }
    }

    fn fill_raw(&mut self, src: &str) {
        match &mut self.kind {
            Kind::Seq(items) => items.iter_mut().for_each(|n| n.fill_raw(src)),
            Kind::Map(entries) => entries.iter_mut().for_each(|(_, n)| n.fill_raw(src)),
            Kind::Null | Kind::Str(_) => {}
            _ => {
                if let (Some(o), Some(l)) = (self.loc.offset, self.loc.len) {
                    let (o, l) = (o as usize, l as usize);
                    self.raw = src.get(o..o + l).map(str::to_owned);
                }
            }
        }
    }
}

/// The shape serde-saphyr fills: a node kind whose children carry their spans.
enum Parsed {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Parsed>>),
    Map(Vec<(Spanned<String>, Spanned<Parsed>)>),
}

impl<'de> Deserialize<'de> for Parsed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Parsed;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Parsed, E> {
                Ok(Parsed::Null)
            }
            fn visit_none<E>(self) -> Result<Parsed, E> {
                Ok(Parsed::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Parsed, D::Error> {
                Parsed::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Parsed, E> {
                Ok(Parsed::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Parsed, E> {
                Ok(Parsed::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Parsed, E> {
                Ok(Parsed::UInt(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Parsed, E> {
                Ok(Parsed::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Parsed, E> {
                Ok(Parsed::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Parsed, E> {
                Ok(Parsed::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Parsed, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Parsed::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Parsed, A::Error> {
                let mut v = Vec::new();
                while let Some(k) = a.next_key::<Spanned<String>>()? {
                    let val = a.next_value()?;
                    v.push((k, val));
                }
                Ok(Parsed::Map(v))
            }
        }
        d.deserialize_any(V)
    }
}

fn convert(p: Spanned<Parsed>) -> Node {
    let loc = Loc::from_saphyr(&p.referenced);
    let kind = match p.value {
        Parsed::Null => Kind::Null,
        Parsed::Bool(b) => Kind::Bool(b),
        Parsed::Int(i) => Kind::Int(i),
        Parsed::UInt(u) => Kind::UInt(u),
        Parsed::Float(f) => Kind::Float(f),
        Parsed::Str(s) => Kind::Str(s),
        Parsed::Seq(items) => Kind::Seq(items.into_iter().map(convert).collect()),
        Parsed::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    (
                        Key {
                            name: k.value,
                            loc: Loc::from_saphyr(&k.referenced),
                        },
                        convert(v),
                    )
                })
                .collect(),
        ),
    };
    Node {
        kind,
        loc,
        raw: None,
    }
}

/// An error at a place in the rubric.
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    pub loc: Option<Loc>,
    pub message: String,
}

impl DeError {
    pub fn at(loc: Loc, message: impl Into<String>) -> Self {
        DeError {
            loc: Some(loc),
            message: message.into(),
        }
    }

    /// Sets the location if the error has none yet (the innermost location wins).
    pub fn or_at(mut self, loc: Loc) -> Self {
        if self.loc.is_none() {
            self.loc = Some(loc);
        }
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.loc {
            Some(l) => write!(f, "{}:{}: {}", l.line, l.column, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            loc: None,
            message: msg.to_string(),
        }
    }

    fn invalid_type(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        Self::custom(format!("expected {exp}, found {}", unexpected(&unexp)))
    }

    fn invalid_value(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        Self::custom(format!(
            "invalid value {}: expected {exp}",
            unexpected(&unexp)
        ))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::custom(unknown_key_message(field, expected))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::custom(unknown_key_message(variant, expected).replacen("key", "value", 1))
    }

    fn missing_field(field: &'static str) -> Self {
        Self::custom(format!("missing key `{field}`"))
    }

    fn duplicate_field(field: &'static str) -> Self {
        Self::custom(format!("duplicate key `{field}`"))
    }
}

fn unexpected(u: &de::Unexpected) -> String {
    match u {
        de::Unexpected::Str(s) => format!("string \"{s}\""),
        de::Unexpected::Signed(i) => format!("integer `{i}`"),
        de::Unexpected::Unsigned(i) => format!("integer `{i}`"),
        de::Unexpected::Float(f) => format!("number `{f}`"),
        de::Unexpected::Bool(b) => format!("boolean `{b}`"),
        de::Unexpected::Unit => "null".into(),
        de::Unexpected::Seq => "a list".into(),
        de::Unexpected::Map => "a mapping".into(),
        other => other.to_string(),
    }
}

/// "unknown key `x`; did you mean `y`? (expected one of …)".
pub fn unknown_key_message(field: &str, expected: &[&str]) -> String {
    let mut msg = format!("unknown key `{field}`");
    if let Some(s) = did_you_mean(field, expected) {
        msg.push_str(&format!("; did you mean `{s}`?"));
    }
    if !expected.is_empty() {
        let list: Vec<String> = expected.iter().map(|e| format!("`{e}`")).collect();
        msg.push_str(&format!(" (expected one of {})", list.join(", ")));
    }
    msg
}

/// The closest candidate within a small edit distance, if any.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .iter()
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Optimal-string-alignment distance: edits are insertions, deletions, substitutions and
/// transpositions of neighbours (`mni` → `min` is one edit).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// Parses YAML text into a node tree. Errors are syntax errors, duplicate keys, exceeded
/// budgets: one error, with its location.
pub fn parse(src: &str) -> Result<Node, DeError> {
    if src.len() > MAX_RUBRIC_BYTES {
        return Err(DeError {
            loc: None,
            message: format!(
                "{} bytes is too large for a rubric (limit {MAX_RUBRIC_BYTES})",
                src.len()
            ),
        });
    }
    // Non-finite numbers (`.nan`, `.inf`) reach the validator, which names the key that
    // must be finite, instead of aborting the parse.
    let options = serde_saphyr::options! {
        strict_booleans: true,
        // `!!python/object`, `!Ref` and any other application tag: refused, not ignored
        reject_unsupported_tags: true,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
        budget: serde_saphyr::budget! {
            max_depth: 64,
            max_nodes: 200_000,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_documents: 1,
        },
    };
    let parsed: Spanned<Parsed> =
        serde_saphyr::from_str_with_options(src, options).map_err(|e| {
            let loc = e
                .location()
                .map(|l| Loc::from_saphyr(&l))
                .filter(|l| l.line > 0);
            DeError {
                loc,
                message: saphyr_message(&e),
            }
        })?;
    let mut node = convert(parsed);
    node.fill_raw(src);
    Ok(node)
}

/// serde-saphyr's message without its snippet and without its "line L column C: " prefix
/// (the location is rendered separately).
fn saphyr_message(e: &serde_saphyr::Error) -> String {
    let text = e.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("").trim();
    let mut msg = first.strip_prefix("error: ").unwrap_or(first);
    if let Some(rest) = msg.strip_prefix("line ")
        && let Some((coords, m)) = rest.split_once(": ")
        && coords.contains(" column ")
    {
        msg = m;
    }
    // "… at line 3, column 19": the location is rendered in front already
    if let Some(i) = msg.rfind(" at line ")
        && msg[i..].contains(", column ")
    {
        msg = &msg[..i];
    }
    msg.to_owned()
}

/// A value with the location it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    pub value: T,
    pub loc: Loc,
}

const SP_MAGIC: &str = "$__govgate_spanned";
const SP_FIELDS: &[&str] = &["$line", "$column", "$offset", "$len", "$value"];

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Sp<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value with its location")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Sp<T>, A::Error> {
                let mut loc = Loc::default();
                let mut value = None;
                while let Some(k) = a.next_key::<String>()? {
                    match k.as_str() {
                        "$line" => loc.line = a.next_value()?,
                        "$column" => loc.column = a.next_value()?,
                        "$offset" => loc.offset = a.next_value()?,
                        "$len" => loc.len = a.next_value()?,
                        "$value" => value = Some(a.next_value()?),
                        _ => return Err(de::Error::custom("unexpected span field")),
                    }
                }
                let value = value.ok_or_else(|| de::Error::custom("span without value"))?;
                Ok(Sp { value, loc })
            }
        }
        d.deserialize_struct(SP_MAGIC, SP_FIELDS, V(std::marker::PhantomData))
    }
}

/// A serde `Deserializer` over a node.
pub struct NodeDe<'a>(pub &'a Node);

/// Deserializes `T` from a node; errors carry the innermost known location.
pub fn from_node<T: for<'de> Deserialize<'de>>(node: &Node) -> Result<T, DeError> {
    T::deserialize(NodeDe(node)).map_err(|e| e.or_at(node.loc))
}

impl NodeDe<'_> {
    fn scalar_text(&self) -> Option<String> {
        match &self.0.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Bool(b) => Some(self.0.raw.clone().unwrap_or_else(|| b.to_string())),
            Kind::Int(i) => Some(self.0.raw.clone().unwrap_or_else(|| i.to_string())),
            Kind::UInt(u) => Some(self.0.raw.clone().unwrap_or_else(|| u.to_string())),
            Kind::Float(f) => Some(self.0.raw.clone().unwrap_or_else(|| f.to_string())),
            _ => None,
        }
    }
}

macro_rules! forward_to_any {
    ($($m:ident)*) => {$(
        fn $m<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
            self.deserialize_any(v)
        }
    )*};
}

impl<'de> Deserializer<'de> for NodeDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let loc = self.0.loc;
        let r = match &self.0.kind {
            Kind::Null => v.visit_unit(),
            Kind::Bool(b) => v.visit_bool(*b),
            Kind::Int(i) => v.visit_i64(*i),
            Kind::UInt(u) => v.visit_u64(*u),
            Kind::Float(f) => v.visit_f64(*f),
            Kind::Str(s) => v.visit_str(s),
            Kind::Seq(items) => v.visit_seq(SeqDe {
                items: items.iter(),
            }),
            Kind::Map(entries) => v.visit_map(MapDe {
                entries: entries.iter(),
                value: None,
            }),
        };
        r.map_err(|e| e.or_at(loc))
    }

    forward_to_any! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32
        deserialize_f64 deserialize_char deserialize_bytes deserialize_byte_buf
        deserialize_unit deserialize_map
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_string(v)
    }

    /// Plain scalars are accepted where text is expected (`id: 12` is the id "12"), as
    /// written in the file; null and collections are not.
    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self.scalar_text() {
            Some(s) => v.visit_string(s).map_err(|e: DeError| e.or_at(self.0.loc)),
            None => self.deserialize_any(v),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self.0.kind {
            Kind::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_any(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        v.visit_newtype_struct(self)
    }

    /// A single scalar where a list is expected is a one-element list (`tasks: mmlu`).
    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.0.kind {
            Kind::Seq(_) => self.deserialize_any(v),
            Kind::Str(_) | Kind::Int(_) | Kind::UInt(_) | Kind::Float(_) | Kind::Bool(_) => v
                .visit_seq(SeqDe {
                    items: std::slice::from_ref(self.0).iter(),
                })
                .map_err(|e| e.or_at(self.0.loc)),
            _ => self.deserialize_any(v),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, DeError> {
        self.deserialize_any(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_any(v)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        if name == SP_MAGIC {
            return v.visit_map(SpanDe {
                node: self.0,
                step: 0,
            });
        }
        self.deserialize_any(v)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        match &self.0.kind {
            Kind::Str(s) => v
                .visit_enum(s.as_str().into_deserializer())
                .map_err(|e: DeError| e.or_at(self.0.loc)),
            _ => Err(DeError::at(
                self.0.loc,
                format!("expected a name, found {}", self.0.describe()),
            )),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_string(v)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_unit()
    }
}

struct SeqDe<'a> {
    items: std::slice::Iter<'a, Node>,
}

impl<'de> SeqAccess<'de> for SeqDe<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some(n) => seed
                .deserialize(NodeDe(n))
                .map(Some)
                .map_err(|e| e.or_at(n.loc)),
            None => Ok(None),
        }
    }
}

struct MapDe<'a> {
    entries: std::slice::Iter<'a, (Key, Node)>,
    value: Option<&'a Node>,
}

impl<'de> MapAccess<'de> for MapDe<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some((k, v)) => {
                self.value = Some(v);
                let de: de::value::StrDeserializer<'_, DeError> =
                    k.name.as_str().into_deserializer();
                seed.deserialize(de).map(Some).map_err(|e| e.or_at(k.loc))
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some(n) => seed.deserialize(NodeDe(n)).map_err(|e| e.or_at(n.loc)),
            None => Err(de::Error::custom("value requested before key")),
        }
    }
}

/// Feeds a node's location and then the node itself to [`Sp`]'s visitor.
struct SpanDe<'a> {
    node: &'a Node,
    step: usize,
}

impl<'de> MapAccess<'de> for SpanDe<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match SP_FIELDS.get(self.step) {
            Some(name) => {
                let de: de::value::StrDeserializer<'_, DeError> = name.into_deserializer();
                seed.deserialize(de).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let loc = self.node.loc;
        let step = self.step;
        self.step += 1;
        match step {
            0 => seed.deserialize(loc.line.into_deserializer()),
            1 => seed.deserialize(loc.column.into_deserializer()),
            2 => seed.deserialize(OptU32(loc.offset)),
            3 => seed.deserialize(OptU32(loc.len)),
            _ => seed.deserialize(NodeDe(self.node)),
        }
    }
}

/// An `Option<u32>` as a deserializer.
struct OptU32(Option<u32>);

impl<'de> Deserializer<'de> for OptU32 {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self.0 {
            Some(x) => v.visit_some(x.into_deserializer()),
            None => v.visit_none(),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct T {
        metric: Sp<String>,
        min: Option<Sp<f64>>,
        tasks: Option<Vec<Sp<String>>>,
        level: Option<u8>,
    }

    fn first_node(src: &str) -> Node {
        parse(src).expect("yaml")
    }

    #[test]
    fn spans_reach_typed_fields() {
        let n = first_node("metric: mmlu/acc\nmin: 0.6\ntasks: [a, b]\nlevel: 2\n");
        let t: T = from_node(&n).expect("typed");
        assert_eq!(t.level, Some(2));
        assert_eq!(t.metric.value, "mmlu/acc");
        assert_eq!((t.metric.loc.line, t.metric.loc.column), (1, 9));
        let min = t.min.expect("min");
        assert_eq!(min.value, 0.6);
        assert_eq!((min.loc.line, min.loc.column), (2, 6));
        let tasks = t.tasks.expect("tasks");
        assert_eq!(tasks[1].value, "b");
        assert_eq!(tasks[1].loc.line, 3);
    }

    #[test]
    fn unknown_keys_suggest_and_locate() {
        let n = first_node("metric: x\nmni: 0.5\n");
        let e = from_node::<T>(&n).expect_err("unknown key");
        assert_eq!(e.loc.map(|l| (l.line, l.column)), Some((2, 1)));
        assert!(
            e.message.contains("unknown key `mni`; did you mean `min`?"),
            "{}",
            e.message
        );
    }

    #[test]
    fn type_errors_locate_the_value() {
        let n = first_node("metric: x\nmin: high\n");
        let e = from_node::<T>(&n).expect_err("bad type");
        assert_eq!(e.loc.map(|l| (l.line, l.column)), Some((2, 6)));
        assert!(e.message.contains("found string \"high\""), "{}", e.message);

        let n = first_node("metric: x\nlevel: 300\n");
        let e = from_node::<T>(&n).expect_err("out of range");
        assert!(e.message.contains("300"), "{}", e.message);
    }

    #[test]
    fn missing_keys_point_at_the_mapping() {
        let n = first_node("min: 1\n");
        let e = from_node::<T>(&n).expect_err("missing");
        assert_eq!(e.message, "missing key `metric`");
        assert_eq!(e.loc.map(|l| l.line), Some(1));
    }

    #[test]
    fn scalars_as_text_keep_their_spelling() {
        let n = first_node("metric: 1.10\ntasks: 0xB\n");
        let t: T = from_node(&n).expect("typed");
        assert_eq!(t.metric.value, "1.10");
        assert_eq!(t.tasks.expect("tasks")[0].value, "0xB");
    }

    #[test]
    fn yaml_errors_have_locations() {
        let e = parse("a: 1\na: 2\n").expect_err("duplicate");
        assert_eq!(e.loc.map(|l| l.line), Some(2));
        assert!(e.message.contains("duplicate"), "{}", e.message);
        let e = parse("a: [1, 2\nb: 3\n").expect_err("syntax");
        assert!(e.loc.is_some());
        assert!(!e.message.starts_with("line "), "{}", e.message);
        let e = parse("a: [1,\n").expect_err("unclosed");
        assert_eq!(e.message, "unclosed bracket '['");
        assert_eq!(e.loc.map(|l| (l.line, l.column)), Some((1, 4)));
    }

    #[test]
    fn norway_stays_a_string() {
        let n = first_node("metric: no\n");
        let t: T = from_node(&n).expect("typed");
        assert_eq!(t.metric.value, "no");
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("treshold", &["threshold", "regression"]),
            Some("threshold")
        );
        assert_eq!(did_you_mean("zzz", &["threshold", "regression"]), None);
        assert_eq!(did_you_mean("mni", &["metric", "min", "max"]), Some("min"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
