//! Tolerant, streaming JSON reading.
//!
//! Evaluation frameworks are Python programs that write JSON with `json.dumps`, whose default
//! `allow_nan=True` emits the bare tokens `NaN`, `Infinity` and `-Infinity` (for example
//! `"mae,none": Infinity` in real lm-eval files). Those are not RFC 8259 JSON and serde_json
//! rejects them, so govgate reads JSON with this small parser instead. It accepts exactly
//! RFC 8259 plus those three tokens, and nothing else: no comments, no trailing commas, no
//! single quotes, no raw control characters in strings.
//!
//! Why a hand-written reader rather than serde_json with a pre-pass:
//! * a textual pre-pass that rewrites `NaN` changes byte positions, so error line/column
//!   would lie; here every error carries the true line and column (columns count bytes, as
//!   serde_json's do);
//! * samples logs can be large; [`JsonReader`] pulls from any [`Read`] through a fixed buffer,
//!   and [`JsonReader::skip_value`] steps over values a check does not need (the `doc`,
//!   `arguments` and `resps` of a sample) without allocating, so memory follows what is kept,
//!   not the file size;
//! * the same reader handles JSON Lines, one pretty-printed JSON array (lm-eval v0.4.0–0.4.2
//!   wrote its "`.jsonl`" samples that way) and the lmms-eval ≤ 0.2.2 `{"logs": [...]}`
//!   wrapper, see [`RecordStream`].
//!
//! Nesting deeper than [`MAX_DEPTH`] is an error rather than a stack overflow.

use std::fmt;
use std::io::{self, Read};

/// Deepest nesting accepted. Real results files nest about 8 levels.
pub const MAX_DEPTH: usize = 128;

const BUF_SIZE: usize = 64 * 1024;

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

/// A pull parser over any reader, with a fixed-size buffer.
pub struct JsonReader<R> {
    src: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    eof: bool,
    /// Absolute offset of `buf[0]`.
    base: u64,
    line: u64,
    /// Absolute offset of the first byte of the current line.
    line_start: u64,
    scratch: Vec<u8>,
    /// While reading a JSON Lines record: a line break is an error (the record is cut).
    single_line: bool,
}

impl<'a> JsonReader<&'a [u8]> {
    /// A reader over bytes already in memory.
    pub fn from_slice(bytes: &'a [u8]) -> Self {
        JsonReader::new(bytes)
    }
}

impl<R: Read> JsonReader<R> {
    pub fn new(src: R) -> Self {
        Self::with_buffer(src, BUF_SIZE)
    }

    /// A reader with a buffer of `size` bytes (at least 64): smaller for many small
    /// documents read one after another (an Inspect log's sample members).
    pub fn with_buffer(src: R, size: usize) -> Self {
        JsonReader {
            src,
            buf: vec![0u8; size.max(64)].into_boxed_slice(),
            pos: 0,
            end: 0,
            eof: false,
            base: 0,
            line: 1,
            line_start: 0,
            scratch: Vec::new(),
            single_line: false,
        }
    }

    /// The position of the next unread byte.
    pub fn position(&self) -> Position {
        let abs = self.base + self.pos as u64;
        Position {
            line: self.line,
            column: abs - self.line_start + 1,
        }
    }

    fn err<T>(&self, msg: impl Into<String>) -> Result<T> {
        Err(self.error(msg))
    }

    /// A syntax error at the current position.
    pub fn error(&self, msg: impl Into<String>) -> JsonError {
        JsonError {
            position: self.position(),
            kind: JsonErrorKind::Syntax(msg.into()),
        }
    }

    fn refill(&mut self) -> Result<bool> {
        if self.eof {
            return Ok(false);
        }
        self.base += self.end as u64;
        self.pos = 0;
        self.end = 0;
        loop {
            match self.src.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(JsonError {
                        position: self.position(),
                        kind: JsonErrorKind::Io(e),
                    });
                }
            }
        }
    }

    #[inline]
    fn peek(&mut self) -> Result<Option<u8>> {
        if self.pos < self.end {
            return Ok(Some(self.buf[self.pos]));
        }
        if self.refill()? {
            Ok(Some(self.buf[self.pos]))
        } else {
            Ok(None)
        }
    }

    #[inline]
    fn bump(&mut self) {
        self.pos += 1;
    }

    /// Skips whitespace; returns the next byte without consuming it (None at end of input).
    pub fn skip_ws(&mut self) -> Result<Option<u8>> {
        loop {
            match self.peek()? {
                Some(b'\n') if self.single_line => {
                    return self.err(
                        "the record ends early: a JSON Lines record must end on the line it starts \
                         (truncated or cut line?)",
                    );
                }
                Some(b'\n') => {
                    self.bump();
                    self.line += 1;
                    self.line_start = self.base + self.pos as u64;
                }
                Some(b' ' | b'\t' | b'\r') => self.bump(),
                other => return Ok(other),
            }
        }
    }

    fn expect_more(&mut self, what: &str) -> Result<u8> {
        match self.skip_ws()? {
            Some(b) => Ok(b),
            None => self.err(format!("unexpected end of file {what}")),
        }
    }

    /// True when only whitespace remains.
    pub fn at_end(&mut self) -> Result<bool> {
        Ok(self.skip_ws()?.is_none())
    }

    /// Parses one complete value.
    pub fn parse_value(&mut self) -> Result<Value> {
        self.value(0, &AllKeys)
    }

    /// Parses one value; inside objects at any depth, keys the filter rejects are skipped.
    pub fn parse_value_filtered(&mut self, filter: &dyn KeyFilter) -> Result<Value> {
        self.value(0, filter)
    }

    fn value(&mut self, depth: usize, filter: &dyn KeyFilter) -> Result<Value> {
        let b = self.expect_more("where a value was expected")?;
        match b {
            b'{' => {
                self.check_depth(depth)?;
                self.bump();
                let mut entries = Vec::new();
                if self.expect_more("inside an object")? == b'}' {
                    self.bump();
                    return Ok(Value::Object(Object(entries)));
                }
                loop {
                    let key = self.object_key()?;
                    if filter.wants(&key) {
                        let v = self.value(depth + 1, filter)?;
                        entries.push((key, v));
                    } else {
                        self.skip(depth + 1)?;
                    }
                    if self.object_next()? {
                        break;
                    }
                    self.no_trailing_comma(b'}')?;
                }
                Ok(Value::Object(Object(entries)))
            }
            b'[' => {
                self.check_depth(depth)?;
                self.bump();
                let mut items = Vec::new();
                if self.expect_more("inside an array")? == b']' {
                    self.bump();
                    return Ok(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1, filter)?);
                    if self.array_next()? {
                        break;
                    }
                    self.no_trailing_comma(b']')?;
                }
                Ok(Value::Array(items))
            }
            b'"' => Ok(Value::Str(self.string()?)),
            _ => self.scalar(),
        }
    }

    fn check_depth(&self, depth: usize) -> Result<()> {
        if depth >= MAX_DEPTH {
            return self.err(format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    /// Reads `"key"` and the following `:`.
    fn object_key(&mut self) -> Result<String> {
        match self.expect_more("inside an object")? {
            b'"' => {}
            b => return self.err(format!("expected a string key, found {}", describe(b))),
        }
        let key = self.string()?;
        match self.expect_more("after an object key")? {
            b':' => {
                self.bump();
                Ok(key)
            }
            b => self.err(format!(
                "expected ':' after an object key, found {}",
                describe(b)
            )),
        }
    }

    /// After an object entry: consumes `,` (returns false) or `}` (returns true).
    fn object_next(&mut self) -> Result<bool> {
        match self.expect_more("inside an object")? {
            b',' => {
                self.bump();
                Ok(false)
            }
            b'}' => {
                self.bump();
                Ok(true)
            }
            b => self.err(format!(
                "expected ',' or '}}' in an object, found {}",
                describe(b)
            )),
        }
    }

    /// After an array element: consumes `,` (returns false) or `]` (returns true).
    fn array_next(&mut self) -> Result<bool> {
        match self.expect_more("inside an array")? {
            b',' => {
                self.bump();
                Ok(false)
            }
            b']' => {
                self.bump();
                Ok(true)
            }
            b => self.err(format!(
                "expected ',' or ']' in an array, found {}",
                describe(b)
            )),
        }
    }

    /// After a `,`: the closing bracket would make it a trailing comma, which JSON forbids.
    fn no_trailing_comma(&mut self, close: u8) -> Result<()> {
        if self.skip_ws()? == Some(close) {
            return self.err(format!(
                "trailing comma before '{}' (JSON does not allow one)",
                char::from(close)
            ));
        }
        Ok(())
    }

    /// Reads an object entry by entry: `visit(key, reader)` is called at each value and
    /// must consume it (parse it, skip it, or walk into it). For documents too large to
    /// build whole, whose parts are handled one at a time (an Inspect AI log's `samples`).
    pub fn for_each_entry(
        &mut self,
        mut visit: impl FnMut(&str, &mut Self) -> Result<()>,
    ) -> Result<()> {
        match self.expect_more("where an object was expected")? {
            b'{' => self.bump(),
            b => return self.err(format!("expected a JSON object, found {}", describe(b))),
        }
        if self.expect_more("inside an object")? == b'}' {
            self.bump();
            return Ok(());
        }
        loop {
            let key = self.object_key()?;
            visit(&key, self)?;
            if self.object_next()? {
                return Ok(());
            }
            self.no_trailing_comma(b'}')?;
        }
    }

    /// Reads an array element by element: `visit(reader)` must consume each element.
    pub fn for_each_element(
        &mut self,
        mut visit: impl FnMut(&mut Self) -> Result<()>,
    ) -> Result<()> {
        match self.expect_more("where an array was expected")? {
            b'[' => self.bump(),
            b => return self.err(format!("expected a JSON array, found {}", describe(b))),
        }
        if self.expect_more("inside an array")? == b']' {
            self.bump();
            return Ok(());
        }
        loop {
            visit(self)?;
            if self.array_next()? {
                return Ok(());
            }
            self.no_trailing_comma(b']')?;
        }
    }

    /// Steps over one value without building it.
    pub fn skip_value(&mut self) -> Result<()> {
        self.skip(0)
    }

    fn skip(&mut self, depth: usize) -> Result<()> {
        let b = self.expect_more("where a value was expected")?;
        match b {
            b'{' => {
                self.check_depth(depth)?;
                self.bump();
                if self.expect_more("inside an object")? == b'}' {
                    self.bump();
                    return Ok(());
                }
                loop {
                    match self.expect_more("inside an object")? {
                        b'"' => self.skip_string()?,
                        b => {
                            return self
                                .err(format!("expected a string key, found {}", describe(b)));
                        }
                    }
                    match self.expect_more("after an object key")? {
                        b':' => self.bump(),
                        b => {
                            return self.err(format!(
                                "expected ':' after an object key, found {}",
                                describe(b)
                            ));
                        }
                    }
                    self.skip(depth + 1)?;
                    if self.object_next()? {
                        return Ok(());
                    }
                    self.no_trailing_comma(b'}')?;
                }
            }
            b'[' => {
                self.check_depth(depth)?;
                self.bump();
                if self.expect_more("inside an array")? == b']' {
                    self.bump();
                    return Ok(());
                }
                loop {
                    self.skip(depth + 1)?;
                    if self.array_next()? {
                        return Ok(());
                    }
                    self.no_trailing_comma(b']')?;
                }
            }
            b'"' => self.skip_string(),
            _ => self.scalar().map(|_| ()),
        }
    }

    /// Skips a string whose opening quote is the next byte.
    fn skip_string(&mut self) -> Result<()> {
        self.bump(); // opening quote
        loop {
            if self.pos >= self.end && !self.refill()? {
                return self.err("unexpected end of file inside a string");
            }
            let chunk = &self.buf[self.pos..self.end];
            match memchr::memchr3(b'"', b'\\', b'\n', chunk) {
                None => {
                    if let Some(i) = chunk.iter().position(|&c| c < 0x20) {
                        self.pos += i;
                        return self.err("control character inside a string");
                    }
                    self.pos = self.end;
                }
                Some(i) => {
                    if let Some(j) = chunk[..i].iter().position(|&c| c < 0x20) {
                        self.pos += j;
                        return self.err("control character inside a string");
                    }
                    let c = chunk[i];
                    self.pos += i;
                    match c {
                        b'"' => {
                            self.bump();
                            return Ok(());
                        }
                        b'\\' => {
                            self.bump();
                            match self.peek()? {
                                Some(b'u') => {
                                    self.bump();
                                    self.hex4()?;
                                }
                                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                                    self.bump()
                                }
                                Some(b) => {
                                    return self
                                        .err(format!("invalid escape '\\{}'", char::from(b)));
                                }
                                None => return self.err("unexpected end of file inside a string"),
                            }
                        }
                        _ => return self.err(self.line_break_in_string()),
                    }
                }
            }
        }
    }

    /// A raw line break inside a string: inside a JSON Lines record, the record was cut.
    fn line_break_in_string(&self) -> &'static str {
        if self.single_line {
            "the record ends early: a JSON Lines record must end on the line it starts \
             (truncated or cut line?)"
        } else {
            "line break inside a string"
        }
    }

    /// Reads a string whose opening quote is the next byte.
    fn string(&mut self) -> Result<String> {
        let start = self.position();
        self.bump();
        self.scratch.clear();
        loop {
            if self.pos >= self.end && !self.refill()? {
                return self.err("unexpected end of file inside a string");
            }
            let chunk = &self.buf[self.pos..self.end];
            let stop = memchr::memchr2(b'"', b'\\', chunk).unwrap_or(chunk.len());
            if let Some(j) = chunk[..stop].iter().position(|&c| c < 0x20) {
                self.pos += j;
                return if chunk[j] == b'\n' {
                    self.err(self.line_break_in_string())
                } else {
                    self.err("control character inside a string")
                };
            }
            self.scratch.extend_from_slice(&chunk[..stop]);
            self.pos += stop;
            if stop == chunk.len() {
                continue;
            }
            let c = self.buf[self.pos];
            self.bump();
            if c == b'"' {
                break;
            }
            self.read_escape()?;
        }
        match std::str::from_utf8(&self.scratch) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) => Err(JsonError {
                position: Position {
                    line: start.line,
                    column: start.column + 1 + e.valid_up_to() as u64,
                },
                kind: JsonErrorKind::Syntax("invalid UTF-8 inside a string".into()),
            }),
        }
    }

    fn hex4(&mut self) -> Result<u16> {
        let mut v: u16 = 0;
        for _ in 0..4 {
            let d = match self.peek()? {
                Some(b) => match (b as char).to_digit(16) {
                    Some(d) => d as u16,
                    None => return self.err("invalid \\u escape: expected 4 hex digits"),
                },
                None => return self.err("unexpected end of file inside a string"),
            };
            self.bump();
            v = v * 16 + d;
        }
        Ok(v)
    }

    /// Reads the escape after a backslash (already consumed) and appends its text.
    fn read_escape(&mut self) -> Result<()> {
        let e = match self.peek()? {
            Some(e) => e,
            None => return self.err("unexpected end of file inside a string"),
        };
        self.bump();
        let ch = match e {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(),
            other => return self.err(format!("invalid escape '\\{}'", char::from(other))),
        };
        self.push_char(ch);
        Ok(())
    }

    fn push_char(&mut self, ch: char) {
        let mut tmp = [0u8; 4];
        self.scratch
            .extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
    }

    /// Decodes `XXXX` after `\u`, joining a surrogate pair. Python writes lone surrogates for
    /// undecodable bytes; each becomes U+FFFD rather than an error.
    fn unicode_escape(&mut self) -> Result<()> {
        let hi = self.hex4()?;
        if !(0xD800..0xDC00).contains(&hi) {
            self.push_char(char::from_u32(hi as u32).unwrap_or('\u{FFFD}'));
            return Ok(());
        }
        if self.peek()? != Some(b'\\') {
            self.push_char('\u{FFFD}');
            return Ok(());
        }
        self.bump();
        if self.peek()? != Some(b'u') {
            // a high surrogate followed by another kind of escape
            self.push_char('\u{FFFD}');
            return self.read_escape();
        }
        self.bump();
        let lo = self.hex4()?;
        if (0xDC00..0xE000).contains(&lo) {
            let c = 0x10000 + (((hi as u32) - 0xD800) << 10) + ((lo as u32) - 0xDC00);
            self.push_char(char::from_u32(c).unwrap_or('\u{FFFD}'));
        } else {
            self.push_char('\u{FFFD}');
            let second = if (0xD800..0xE000).contains(&lo) {
                '\u{FFFD}'
            } else {
                char::from_u32(lo as u32).unwrap_or('\u{FFFD}')
            };
            self.push_char(second);
        }
        Ok(())
    }

    /// Numbers and the literals `true`, `false`, `null`, `NaN`, `Infinity`, `-Infinity`.
    fn scalar(&mut self) -> Result<Value> {
        let pos = self.position();
        let mut tok = [0u8; 64];
        let mut len = 0usize;
        while let Some(b) = self.peek()? {
            if matches!(b, b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'+' | b'-' | b'.') {
                if len == tok.len() {
                    return Err(JsonError {
                        position: pos,
                        kind: JsonErrorKind::Syntax("number or literal too long".into()),
                    });
                }
                tok[len] = b;
                len += 1;
                self.bump();
            } else {
                break;
            }
        }
        let text = &tok[..len];
        let fail = |msg: String| -> Result<Value> {
            Err(JsonError {
                position: pos,
                kind: JsonErrorKind::Syntax(msg),
            })
        };
        match text {
            b"true" => return Ok(Value::Bool(true)),
            b"false" => return Ok(Value::Bool(false)),
            b"null" => return Ok(Value::Null),
            b"NaN" => return Ok(Value::Float(f64::NAN)),
            b"Infinity" => return Ok(Value::Float(f64::INFINITY)),
            b"-Infinity" => return Ok(Value::Float(f64::NEG_INFINITY)),
            b"" => {
                let at_start = pos.line == 1 && pos.column == 1;
                return match self.peek()? {
                    Some(0xEF) if at_start => fail(
                        "the file starts with a UTF-8 byte-order mark (EF BB BF), which JSON \
                         text must not have; save the file without it"
                            .into(),
                    ),
                    Some(0xFF | 0xFE) if at_start => fail(
                        "the file is UTF-16 text (it starts with a UTF-16 byte-order mark); \
                         JSON must be UTF-8"
                            .into(),
                    ),
                    Some(b) => fail(format!("expected a value, found {}", describe(b))),
                    None => fail("unexpected end of file where a value was expected".into()),
                };
            }
            _ => {}
        }
        // Safe: only ASCII bytes were collected.
        let s = std::str::from_utf8(text).unwrap_or_default();
        if !is_json_number(text) {
            return fail(format!("invalid value `{s}`"));
        }
        let integral = !text.iter().any(|&c| matches!(c, b'.' | b'e' | b'E'));
        if integral && let Ok(i) = s.parse::<i64>() {
            return Ok(Value::Int(i));
        }
        match s.parse::<f64>() {
            Ok(f) if f.is_infinite() => fail(format!(
                "number `{s}` is out of range (beyond ±1.8e308; write Infinity if that is meant)"
            )),
            Ok(f) => Ok(Value::Float(f)),
            Err(_) => fail(format!("invalid number `{s}`")),
        }
    }
}

/// RFC 8259 number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn is_json_number(t: &[u8]) -> bool {
    let mut i = 0;
    let n = t.len();
    if i < n && t[i] == b'-' {
        i += 1;
    }
    if i >= n {
        return false;
    }
    if t[i] == b'0' {
        i += 1;
    } else if t[i].is_ascii_digit() {
        while i < n && t[i].is_ascii_digit() {
            i += 1;
        }
    } else {
        return false;
    }
    if i < n && t[i] == b'.' {
        i += 1;
        let s = i;
        while i < n && t[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    if i < n && (t[i] == b'e' || t[i] == b'E') {
        i += 1;
        if i < n && (t[i] == b'+' || t[i] == b'-') {
            i += 1;
        }
        let s = i;
        while i < n && t[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    i == n
}

fn describe(b: u8) -> String {
    match b {
        b'\n' => "a line break".into(),
        0x20..=0x7e => format!("'{}'", char::from(b)),
        _ => format!("byte 0x{b:02x}"),
    }
}

/// Parses a whole document held in memory: exactly one value, then only whitespace.
pub fn parse_document(bytes: &[u8]) -> Result<Value> {
    let mut r = JsonReader::from_slice(bytes);
    let v = r.parse_value()?;
    if !r.at_end()? {
        return r.err("trailing characters after the JSON value");
    }
    Ok(v)
}

/// How the records of a samples file are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordLayout {
    /// One object per line (lm-eval ≥ 0.4.3, lmms-eval ≥ 0.2.3).
    Lines,
    /// One JSON array of objects (lm-eval 0.4.0–0.4.2, pretty-printed, named `.jsonl`).
    Array,
    /// `{"args": …, "model_configs": …, "logs": [ … ], "time": …}` (lmms-eval ≤ 0.2.2).
    Wrapper,
}

enum StreamState {
    Start,
    Lines,
    Array { first: bool },
    WrapperLogs { first: bool },
    Done,
}

/// Streams the records (objects) of a samples file, whatever its [`RecordLayout`].
///
/// Records are parsed with a key filter so that large fields a check does not need are
/// stepped over, not built.
pub struct RecordStream<R> {
    reader: JsonReader<R>,
    state: StreamState,
    layout: Option<RecordLayout>,
    /// The key of the first object that holds the records in a wrapper layout.
    wrapper_key: &'static str,
}

impl<R: Read> RecordStream<R> {
    pub fn new(src: R) -> Self {
        Self::with_wrapper_key(src, "logs")
    }

    /// A stream whose wrapper object keeps its records under `key` (HELM's
    /// `scenario_state.json` keeps them under `request_states`).
    pub fn with_wrapper_key(src: R, key: &'static str) -> Self {
        RecordStream {
            reader: JsonReader::new(src),
            state: StreamState::Start,
            layout: None,
            wrapper_key: key,
        }
    }

    /// A stream of plain records (JSON Lines or an array of objects): no wrapper object is
    /// recognized, so a record may hold any key.
    pub fn plain(src: R) -> Self {
        Self::with_wrapper_key(src, "")
    }

    /// The layout, known once the first record has been read.
    pub fn layout(&self) -> Option<RecordLayout> {
        self.layout
    }

    /// The next record, or `None` at the end of the file.
    pub fn next_record(&mut self, filter: &dyn KeyFilter) -> Result<Option<Object>> {
        loop {
            match self.state {
                StreamState::Done => return Ok(None),
                StreamState::Start => match self.reader.skip_ws()? {
                    None => {
                        self.state = StreamState::Done;
                        self.layout = Some(RecordLayout::Lines);
                        return Ok(None);
                    }
                    Some(b'[') => {
                        self.reader.bump();
                        self.state = StreamState::Array { first: true };
                        self.layout = Some(RecordLayout::Array);
                    }
                    Some(b'{') => {
                        // plain records: the first is a JSON Lines record like the rest
                        let plain = self.wrapper_key.is_empty();
                        self.reader.single_line = plain;
                        let rec = self.first_object(filter);
                        self.reader.single_line = false;
                        return rec;
                    }
                    Some(b) => {
                        return self.reader.err(format!(
                            "expected a JSON object or array of objects, found {}",
                            describe(b)
                        ));
                    }
                },
                StreamState::Lines => match self.reader.skip_ws()? {
                    None => {
                        self.state = StreamState::Done;
                        return Ok(None);
                    }
                    Some(_) => {
                        self.reader.single_line = true;
                        let rec = self.element(filter);
                        self.reader.single_line = false;
                        return rec.map(Some);
                    }
                },
                StreamState::Array { first } | StreamState::WrapperLogs { first } => {
                    let in_wrapper = matches!(self.state, StreamState::WrapperLogs { .. });
                    let closed = if first {
                        if self.reader.expect_more("inside an array")? == b']' {
                            self.reader.bump();
                            true
                        } else {
                            false
                        }
                    } else {
                        self.reader.array_next()?
                    };
                    if closed {
                        if in_wrapper {
                            self.finish_wrapper()?;
                        }
                        if !self.reader.at_end()? {
                            return self.reader.err("trailing characters after the samples");
                        }
                        self.state = StreamState::Done;
                        return Ok(None);
                    }
                    self.state = if in_wrapper {
                        StreamState::WrapperLogs { first: false }
                    } else {
                        StreamState::Array { first: false }
                    };
                    return self.element(filter).map(Some);
                }
            }
        }
    }

    fn element(&mut self, filter: &dyn KeyFilter) -> Result<Object> {
        if self.reader.skip_ws()? != Some(b'{') {
            return self.reader.err("expected a sample record (a JSON object)");
        }
        match self.reader.value(1, filter)? {
            Value::Object(o) => Ok(o),
            _ => self.reader.err("expected a sample record (a JSON object)"),
        }
    }

    /// Reads the first top-level object: either the first JSON Lines record, or the
    /// lmms-eval ≤ 0.2.2 wrapper whose `logs` array holds the records.
    fn first_object(&mut self, filter: &dyn KeyFilter) -> Result<Option<Object>> {
        self.reader.bump(); // '{'
        let mut entries = Vec::new();
        let mut saw_doc_id = false;
        if self.reader.expect_more("inside an object")? == b'}' {
            self.reader.bump();
            self.state = StreamState::Lines;
            self.layout = Some(RecordLayout::Lines);
            return Ok(Some(Object(entries)));
        }
        loop {
            let key = self.reader.object_key()?;
            if !self.wrapper_key.is_empty()
                && key == self.wrapper_key
                && !saw_doc_id
                && self.reader.skip_ws()? == Some(b'[')
            {
                self.reader.bump();
                self.state = StreamState::WrapperLogs { first: true };
                self.layout = Some(RecordLayout::Wrapper);
                return self.next_record(filter);
            }
            saw_doc_id |= key == "doc_id";
            if filter.wants(&key) {
                let v = self.reader.value(1, filter)?;
                entries.push((key, v));
            } else {
                self.reader.skip(1)?;
            }
            if self.reader.object_next()? {
                break;
            }
        }
        self.state = StreamState::Lines;
        self.layout = Some(RecordLayout::Lines);
        Ok(Some(Object(entries)))
    }

    /// After the wrapper's `logs` array: skips its remaining entries up to the closing brace.
    fn finish_wrapper(&mut self) -> Result<()> {
        loop {
            if self.reader.object_next()? {
                return Ok(());
            }
            self.reader.object_key()?;
            self.reader.skip(1)?;
        }
    }
}

/// The top-level shape of a document: enough to tell a results file from a samples log
/// without reading either whole.
#[derive(Debug, Clone, PartialEq)]
pub enum TopLevel {
    /// Nothing but whitespace.
    Empty,
    /// An object: its keys in order, each with the first byte of its value
    /// (`{`, `[`, `"`, or the first byte of a number or literal).
    Object(Vec<(String, u8)>),
    /// An array; the keys of its first element when that is an object.
    Array(Option<Vec<(String, u8)>>),
    /// A string, number or literal.
    Scalar,
}

/// Object keys with the first byte of each value, as [`top_level`] reports them.
pub type KeysSeen = [(String, u8)];

/// Decides, from the keys seen so far, that enough has been read.
pub type StopWhen<'a> = &'a dyn Fn(&KeysSeen) -> bool;

/// Reads the top-level keys of a document, skipping their values, until `stop(keys so far)`
/// returns true or the object ends. Only the first value of a JSON Lines file is read.
pub fn top_level<R: Read>(src: R, stop: StopWhen<'_>) -> Result<TopLevel> {
    let mut r = JsonReader::new(src);
    match r.skip_ws()? {
        None => Ok(TopLevel::Empty),
        Some(b'{') => r.object_keys(stop).map(TopLevel::Object),
        Some(b'[') => {
            r.bump();
            match r.expect_more("inside an array")? {
                b'{' => r.object_keys(stop).map(|k| TopLevel::Array(Some(k))),
                _ => Ok(TopLevel::Array(None)),
            }
        }
        Some(_) => {
            r.skip_value()?;
            Ok(TopLevel::Scalar)
        }
    }
}

impl<R: Read> JsonReader<R> {
    /// Reads the keys of the object starting at the next byte, skipping values.
    fn object_keys(&mut self, stop: StopWhen<'_>) -> Result<Vec<(String, u8)>> {
        self.bump(); // '{'
        let mut keys = Vec::new();
        if self.expect_more("inside an object")? == b'}' {
            self.bump();
            return Ok(keys);
        }
        loop {
            let key = self.object_key()?;
            let first = self.expect_more("where a value was expected")?;
            keys.push((key, first));
            if stop(&keys) {
                return Ok(keys);
            }
            self.skip(1)?;
            if self.object_next()? {
                return Ok(keys);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_values() {
        assert!(Value::Int(3).is_kind("int"));
        assert!(Value::Int(3).is_kind("num"));
        assert!(Value::Float(0.5).is_kind("str|num"));
        assert!(!Value::Float(0.5).is_kind("int|null"));
        assert!(Value::Null.is_kind("obj|null"));
        assert!(!Value::Str("x".into()).is_kind("obj|arr|bool"));
        assert!(!Value::Bool(true).is_kind("boolean"));
    }

    fn parse(s: &str) -> Value {
        parse_document(s.as_bytes()).expect("parses")
    }

    fn err(s: &str) -> JsonError {
        parse_document(s.as_bytes()).expect_err("must fail")
    }

    #[test]
    fn reads_plain_json() {
        let v = parse(r#"{"a": [1, -2, 3.5, 1e3, true, false, null], "b": "x\"y\u00e9\n"}"#);
        let a = v.get("a").and_then(Value::as_array).expect("array");
        assert_eq!(a[0], Value::Int(1));
        assert_eq!(a[1], Value::Int(-2));
        assert_eq!(a[2], Value::Float(3.5));
        assert_eq!(a[3], Value::Float(1000.0));
        assert_eq!(a[4], Value::Bool(true));
        assert_eq!(a[6], Value::Null);
        assert_eq!(v.get("b").and_then(Value::as_str), Some("x\"yé\n"));
    }

    #[test]
    fn reads_python_non_finite_tokens() {
        let v = parse(r#"{"mae,none": Infinity, "mae_stderr,none": NaN, "x": -Infinity}"#);
        assert_eq!(
            v.get("mae,none").and_then(Value::as_f64),
            Some(f64::INFINITY)
        );
        assert!(
            v.get("mae_stderr,none")
                .and_then(Value::as_f64)
                .expect("num")
                .is_nan()
        );
        assert_eq!(v.get("x").and_then(Value::as_f64), Some(f64::NEG_INFINITY));
    }

    #[test]
    fn last_repeated_key_wins_like_python() {
        let v = parse(r#"{"a": 1, "a": 2}"#);
        assert_eq!(v.get("a"), Some(&Value::Int(2)));
    }

    #[test]
    fn big_integers_become_floats() {
        let v = parse("[18446744073709551616, 9223372036854775807]");
        let a = v.as_array().expect("array");
        assert_eq!(a[0], Value::Float(18446744073709551616.0));
        assert_eq!(a[1], Value::Int(i64::MAX));
    }

    #[test]
    fn surrogate_pairs_and_lone_surrogates() {
        let v = parse(r#"["\ud83d\ude00", "\ud800x", "\udc00", "\ud800\n"]"#);
        let a = v.as_array().expect("array");
        assert_eq!(a[0].as_str(), Some("😀"));
        assert_eq!(a[1].as_str(), Some("\u{FFFD}x"));
        assert_eq!(a[2].as_str(), Some("\u{FFFD}"));
        assert_eq!(a[3].as_str(), Some("\u{FFFD}\n"));
    }

    #[test]
    fn errors_carry_line_and_column() {
        let e = err("{\n  \"a\": 1,\n  \"b\": tru\n}");
        assert_eq!(e.position, Position { line: 3, column: 8 });
        assert!(
            e.message().contains("invalid value `tru`"),
            "{}",
            e.message()
        );

        let e = err("{\n  \"a\": [1, 2\n");
        assert_eq!(e.position.line, 3);
        assert!(
            e.message().contains("unexpected end of file"),
            "{}",
            e.message()
        );

        let e = err("{\"a\": 1} x");
        assert_eq!(
            e.position,
            Position {
                line: 1,
                column: 10
            }
        );
        assert!(e.message().contains("trailing characters"));

        let e = err("{\"a\": 01}");
        assert!(
            e.message().contains("invalid value `01`"),
            "{}",
            e.message()
        );

        let e = err("[1,]");
        assert!(
            e.message().contains("trailing comma before ']'"),
            "{}",
            e.message()
        );
        let e = err("{\"a\": 1,\n}");
        assert!(
            e.message().contains("trailing comma before '}'"),
            "{}",
            e.message()
        );
        assert_eq!(e.position, Position { line: 2, column: 1 });

        let e = err("{\"a\": \"line\nbreak\"}");
        assert!(e.message().contains("line break inside a string"));

        let e = err("{'a': 1}");
        assert!(e.message().contains("expected a string key"));
    }

    #[test]
    fn rejects_invalid_utf8_with_position() {
        let mut bytes = b"{\"k\": \"ab".to_vec();
        bytes.push(0xff);
        bytes.extend_from_slice(b"\"}");
        let e = parse_document(&bytes).expect_err("invalid utf-8");
        assert!(e.message().contains("UTF-8"));
        assert_eq!(
            e.position,
            Position {
                line: 1,
                column: 10
            }
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let s = "[".repeat(100_000);
        let e = err(&s);
        assert!(e.message().contains("nesting deeper"), "{}", e.message());
        let mut r = JsonReader::from_slice(s.as_bytes());
        assert!(r.skip_value().is_err());
    }

    #[test]
    fn skip_value_steps_over_anything() {
        let s = r#"{"doc": {"q": "a \"quoted\" \\ string", "l": [1, [2, {"x": NaN}]]}, "next": 5}"#;
        let mut r = JsonReader::from_slice(s.as_bytes());
        let v = r
            .parse_value_filtered(&|k: &str| k == "next")
            .expect("parses");
        assert_eq!(v.get("next"), Some(&Value::Int(5)));
        assert!(v.get("doc").is_none());
    }

    #[test]
    fn small_buffers_do_not_change_results() {
        // A reader that returns one byte at a time exercises every refill path.
        struct OneByte<'a>(&'a [u8]);
        impl Read for OneByte<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() || buf.is_empty() {
                    return Ok(0);
                }
                buf[0] = self.0[0];
                self.0 = &self.0[1..];
                Ok(1)
            }
        }
        let s = r#"{"a": "x\u00e9\ud83d\ude00y", "b": [1.5e-3, NaN, -Infinity], "c": {"d": null}}"#;
        let mut r = JsonReader::new(OneByte(s.as_bytes()));
        let v = r.parse_value().expect("parses");
        assert_eq!(v.get("a").and_then(Value::as_str), Some("xé😀y"));
        // NaN != NaN, so compare renderings (which spell NaN as the Python token).
        assert_eq!(v.to_json(), parse(s).to_json());
    }

    fn records(s: &str) -> (Vec<Object>, Option<RecordLayout>) {
        let mut rs = RecordStream::new(s.as_bytes());
        let mut out = Vec::new();
        while let Some(r) = rs.next_record(&AllKeys).expect("record") {
            out.push(r);
        }
        (out, rs.layout())
    }

    #[test]
    fn record_stream_reads_json_lines() {
        let (r, layout) = records("{\"doc_id\": 0, \"acc\": 1.0}\n{\"doc_id\": 1, \"acc\": 0.0}\n");
        assert_eq!(layout, Some(RecordLayout::Lines));
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].get("doc_id"), Some(&Value::Int(1)));
    }

    #[test]
    fn record_stream_reads_a_pretty_array() {
        let (r, layout) =
            records("[\n  {\n    \"doc_id\": 0\n  },\n  {\n    \"doc_id\": 1\n  }\n]\n");
        assert_eq!(layout, Some(RecordLayout::Array));
        assert_eq!(r.len(), 2);
        let (r, _) = records("[]");
        assert!(r.is_empty());
    }

    #[test]
    fn record_stream_reads_the_lmms_wrapper() {
        let s = r#"{"args": {"tasks": "mme"}, "model_configs": {"x": 1}, "logs": [{"doc_id": 0, "s": 1}, {"doc_id": 1, "s": 0}], "time": "2024"}"#;
        let (r, layout) = records(s);
        assert_eq!(layout, Some(RecordLayout::Wrapper));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].get("s"), Some(&Value::Int(1)));
    }

    #[test]
    fn a_cut_json_lines_record_is_reported_on_its_own_line() {
        let s = "{\"doc_id\": 0}\n{\"doc_id\": 1, \"acc\": \n{\"doc_id\": 2, \"acc\": 1}\n";
        let mut rs = RecordStream::new(s.as_bytes());
        assert!(rs.next_record(&AllKeys).expect("first").is_some());
        let e = rs.next_record(&AllKeys).expect_err("cut record");
        assert_eq!(e.position.line, 2);
        assert!(
            e.message().contains("must end on the line it starts"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn record_stream_with_another_wrapper_key() {
        let s = r#"{"adapter_spec": {"method": "generation"}, "request_states": [{"instance": {"id": "id1"}}]}"#;
        let mut rs = RecordStream::with_wrapper_key(s.as_bytes(), "request_states");
        let r = rs.next_record(&AllKeys).expect("ok").expect("record");
        assert!(r.get("instance").is_some());
        assert!(rs.next_record(&AllKeys).expect("ok").is_none());
        assert_eq!(rs.layout(), Some(RecordLayout::Wrapper));
    }

    #[test]
    fn record_stream_reports_a_truncated_last_line() {
        let mut rs = RecordStream::new("{\"doc_id\": 0}\n{\"doc_id\": 1, \"acc\"".as_bytes());
        assert!(rs.next_record(&AllKeys).expect("first").is_some());
        let e = rs.next_record(&AllKeys).expect_err("truncated");
        assert_eq!(e.position.line, 2);
        assert!(e.message().contains("unexpected end of file"));
    }

    #[test]
    fn top_level_shapes() {
        let never = |_: &[(String, u8)]| false;
        assert_eq!(
            top_level("  ".as_bytes(), &never).expect("ok"),
            TopLevel::Empty
        );
        assert_eq!(
            top_level("3".as_bytes(), &never).expect("ok"),
            TopLevel::Scalar
        );
        assert_eq!(
            top_level(
                r#"{"results": {"a": 1}, "versions": [1]}"#.as_bytes(),
                &never
            )
            .expect("ok"),
            TopLevel::Object(vec![("results".into(), b'{'), ("versions".into(), b'[')])
        );
        assert_eq!(
            top_level(r#"[{"doc_id": 0}]"#.as_bytes(), &never).expect("ok"),
            TopLevel::Array(Some(vec![("doc_id".into(), b'0')]))
        );
        // stops early: the malformed rest is never read
        let stop = |k: &[(String, u8)]| k.iter().any(|(k, _)| k == "doc_id");
        assert_eq!(
            top_level(r#"{"doc_id": 0, "x": ]]]"#.as_bytes(), &stop).expect("ok"),
            TopLevel::Object(vec![("doc_id".into(), b'0')])
        );
        assert!(top_level(r#"{"a": tru}"#.as_bytes(), &never).is_err());
    }

    proptest::proptest! {
        /// Any bytes: an error or a value, never a panic; the same for every record layout.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let _ = parse_document(&bytes);
            let mut rs = RecordStream::new(bytes.as_slice());
            for _ in 0..50 {
                match rs.next_record(&AllKeys) {
                    Ok(Some(_)) => {}
                    _ => break,
                }
            }
            let _ = top_level(bytes.as_slice(), &|_: &KeysSeen| false);
        }

        /// Near-JSON text (the characters JSON is made of) exercises the grammar paths.
        #[test]
        fn json_like_text_never_panics(s in "[\\[\\]{}\",:0-9eE.+\\-a-zNI \n\\\\u]{0,80}") {
            let _ = parse_document(s.as_bytes());
            let mut r = JsonReader::from_slice(s.as_bytes());
            let _ = r.skip_value();
        }
    }

    #[test]
    fn number_grammar() {
        for ok in [
            "0", "-0", "1", "10", "1.5", "1e5", "1E+5", "1.25e-3", "-12.5",
        ] {
            assert!(is_json_number(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1.2.3", "0x10", "1-2",
        ] {
            assert!(!is_json_number(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn fmt_float_matches_python_repr_for_common_values() {
        assert_eq!(fmt_float(0.1), "0.1");
        assert_eq!(fmt_float(999.0), "999.0");
        assert_eq!(fmt_float(f64::NAN), "NaN");
        assert_eq!(fmt_float(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(fmt_float(0.7916666666666666), "0.7916666666666666");
    }
}
