//! Tolerant, streaming JSON reading.
//!
//! Evaluation frameworks are Python programs that write JSON with `json.dumps`, whose default
//! `allow_nan=True` emits the bare tokens `NaN`, `Infinity` and `-Infinity` (for example
//! `"mae,none": Infinity` in real lm-eval files). Those are not RFC 8259 JSON and serde_json
//! rejects them. govgate accepts exactly RFC 8259 plus those three tokens, and nothing else:
//! no comments, no trailing commas, no single quotes, no raw control characters in strings;
//! repeated keys are kept and the last one is read, as Python reads it; a number beyond
//! `f64` (`1e400`) is an error.
//!
//! Two parsers share the work:
//! * **jiter** (pydantic's parser, `fast.rs`) reads every value first, several times the
//!   speed of a byte-by-byte parser, with `NaN` / `Infinity` allowed. It reads from memory, so
//!   [`JsonReader`] hands it the bytes of one value at a time from its buffer (which grows to
//!   hold one value, at most 64 MiB; never a whole samples log);
//! * **[`JsonReader`]**, govgate's own pull parser (`reader.rs`), reads whatever jiter refuses
//!   or would read otherwise, from the same position. It gives every error its true line and
//!   column (columns count bytes, as serde_json's do) and the messages users see, streams
//!   values larger than the window, and steps over values a check does not need without
//!   building them. jiter never decides an error: a value it returns is one the reader
//!   returns from the same bytes, held by property tests and the `json` fuzz target.
//!
//! Why jiter: its `allow_inf_nan` option reads Python's tokens (serde_json refuses them, and a
//! textual pre-pass that rewrites `NaN` would move every byte position, so error line/column
//! would lie), and its iterator API steps over values without building them. Why not jiter
//! alone: it needs the whole document in memory and reports byte offsets in its own wording.
//!
//! The same reader handles JSON Lines, one pretty-printed JSON array (lm-eval v0.4.0–0.4.2
//! wrote its "`.jsonl`" samples that way) and the lmms-eval ≤ 0.2.2 `{"logs": [...]}` wrapper,
//! see [`RecordStream`].
//!
//! Nesting deeper than [`MAX_DEPTH`] is an error rather than a stack overflow.

use std::fmt;
use std::io;

/// Deepest nesting accepted. Real results files nest about 8 levels.
pub const MAX_DEPTH: usize = 128;

/// A parsed JSON value. Objects keep their key order and every entry (see [`Object::get`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// An integer literal that fits in `i64` (no fraction, no exponent).
    Int(i64),
    /// Any other number, including the non-finite `NaN`, `Infinity` and `-Infinity` tokens.
    Float(f64),
    Str(String),
    Array(Vec<Value>),
    Object(Object),
}

/// A JSON object as written: entries in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object(pub Vec<(String, Value)>);

impl Object {
    /// The value of `key`. Python's `json` keeps the last of repeated keys, and so does this.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Value {
    /// The number as `f64` (integers converted), or `None` for non-numbers.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// A non-negative integer: an integer literal, or a float with no fractional part
    /// (Python writes `--limit 10` as `10.0`).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Int(i) => u64::try_from(*i).ok(),
            Value::Float(f) if f.is_finite() && *f >= 0.0 && f.fract() == 0.0 && *f < 1.8e19 => {
                Some(*f as u64)
            }
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// Whether the value is of one of `kinds`, named `null`, `bool`, `int`, `num` (any
    /// number), `str`, `arr`, `obj` and joined by `|` (`"int|null"`): how the readers state
    /// the type a format gives a field.
    pub fn is_kind(&self, kinds: &str) -> bool {
        kinds.split('|').any(|k| match k {
            "null" => self.is_null(),
            "bool" => matches!(self, Value::Bool(_)),
            "int" => matches!(self, Value::Int(_)),
            "num" => matches!(self, Value::Int(_) | Value::Float(_)),
            "str" => matches!(self, Value::Str(_)),
            "arr" => matches!(self, Value::Array(_)),
            "obj" => matches!(self, Value::Object(_)),
            _ => false,
        })
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// `obj.get(key)` when this is an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|o| o.get(key))
    }

    /// A compact rendering for messages and provenance display: strings without quotes,
    /// numbers as Python would print them, containers as JSON.
    pub fn display(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => fmt_float(*f),
            Value::Str(s) => s.clone(),
            other => other.to_json(),
        }
    }

    /// Compact JSON text (non-finite numbers as the Python tokens).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Float(f) => out.push_str(&fmt_float(*f)),
            Value::Str(s) => out.push_str(&serde_json::Value::String(s.clone()).to_string()),
            Value::Array(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_json(out);
                }
                out.push(']');
            }
            Value::Object(o) => {
                out.push('{');
                for (i, (k, v)) in o.0.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::String(k.clone()).to_string());
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// Formats a float the way Python's `repr` does for the values seen in results files:
/// shortest round-trip digits, `NaN` / `Infinity` / `-Infinity` for non-finite values.
pub fn fmt_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        let s = format!("{f:?}");
        s
    }
}

/// Where in a file something is. Lines and columns are 1-based; columns count bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

/// A syntax or I/O error, with its position.
#[derive(Debug)]
pub struct JsonError {
    pub position: Position,
    pub kind: JsonErrorKind,
}

#[derive(Debug)]
pub enum JsonErrorKind {
    Syntax(String),
    Io(io::Error),
}

impl JsonError {
    pub fn message(&self) -> String {
        match &self.kind {
            JsonErrorKind::Syntax(m) => m.clone(),
            JsonErrorKind::Io(e) => format!("read error: {e}"),
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.position.line,
            self.position.column,
            self.message()
        )
    }
}

impl std::error::Error for JsonError {}

pub type Result<T> = std::result::Result<T, JsonError>;

/// Which object keys to keep when parsing selectively.
pub trait KeyFilter {
    fn wants(&self, key: &str) -> bool;
}

/// Keep every key.
pub struct AllKeys;
impl KeyFilter for AllKeys {
    fn wants(&self, _key: &str) -> bool {
        true
    }
}

impl<F: Fn(&str) -> bool> KeyFilter for F {
    fn wants(&self, key: &str) -> bool {
        self(key)
    }
}

/// Parses a whole document held in memory: exactly one value, then only whitespace.
pub fn parse_document(bytes: &[u8]) -> Result<Value> {
    if let fast::Fast::Done(v, n) = fast::value(bytes, 0, &AllKeys)
        && bytes[n..]
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        return Ok(v);
    }
    let mut r = JsonReader::from_slice(bytes);
    let v = r.value(0, &AllKeys)?;
    if !r.at_end()? {
        return r.err("trailing characters after the JSON value");
    }
    Ok(v)
}

mod fast;
mod reader;
mod stream;

pub(crate) use fast::{number_checked, skip_checked};
pub use reader::JsonReader;
pub use stream::{KeysSeen, RecordLayout, RecordStream, StopWhen, TopLevel, top_level};

#[cfg(test)]
mod tests;
