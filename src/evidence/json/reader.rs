//! The streaming pull parser: exact line and column in every error, the depth limit, the
//! Python tokens; the slow path every fast path falls back to.

use std::io::{self, Read};

use super::fast::{self, Fast};

use super::{
    AllKeys, JsonError, JsonErrorKind, KeyFilter, MAX_DEPTH, Object, Position, Result, StopWhen,
    Value,
};

const BUF_SIZE: usize = 64 * 1024;

/// The largest value the fast path holds in memory to read whole; a larger one is streamed
/// by the reader itself (a 2 GB samples log is never loaded whole, only one record at a time).
const MAX_WINDOW: usize = 64 * 1024 * 1024;

/// How close to the end of its bytes jiter must stop for the value to count as cut by the
/// end of the buffer rather than wrong: longer than any number, literal or escape.
const CUT_MARGIN: usize = 2 * 64;

/// A pull parser over any reader, with a fixed-size buffer.
pub struct JsonReader<R> {
    src: R,
    /// The buffer; it grows (to [`MAX_WINDOW`]) only to hold one value the fast path reads.
    buf: Vec<u8>,
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
    pub(super) single_line: bool,
    /// Whether values go through the fast path first (off only to compare the two paths).
    fast: bool,
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
            buf: vec![0u8; size.max(64)],
            pos: 0,
            end: 0,
            eof: false,
            base: 0,
            line: 1,
            line_start: 0,
            scratch: Vec::new(),
            single_line: false,
            fast: true,
        }
    }

    /// This reader with the fast path off: every value read by the reader alone. For tests
    /// and the fuzz target, which hold the fast path to the reader's results.
    pub fn without_fast_path(mut self) -> Self {
        self.fast = false;
        self
    }

    /// The byte offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The position of the next unread byte.
    pub fn position(&self) -> Position {
        let abs = self.base + self.pos as u64;
        Position {
            line: self.line,
            column: abs - self.line_start + 1,
        }
    }

    pub(super) fn err<T>(&self, msg: impl Into<String>) -> Result<T> {
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
    pub(super) fn peek(&mut self) -> Result<Option<u8>> {
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
    pub(super) fn bump(&mut self) {
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

    pub(super) fn expect_more(&mut self, what: &str) -> Result<u8> {
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
        self.value_fast(0, &AllKeys)
    }

    /// Parses one value; inside objects at any depth, keys the filter rejects are skipped.
    pub fn parse_value_filtered(&mut self, filter: &dyn KeyFilter) -> Result<Value> {
        self.value_fast(0, filter)
    }

    pub(super) fn value(&mut self, depth: usize, filter: &dyn KeyFilter) -> Result<Value> {
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

    /// One value at `depth`: read by the fast path from the buffer when it decides it, else
    /// by [`Self::value`] from the same position (see [`super::fast`]).
    pub(super) fn value_fast(&mut self, depth: usize, filter: &dyn KeyFilter) -> Result<Value> {
        self.fast(
            |w| fast::value(w, depth, filter),
            |r| r.value(depth, filter),
        )
    }

    /// Steps over one value at `depth`, as [`Self::value_fast`] reads one.
    pub(super) fn skip_fast(&mut self, depth: usize) -> Result<()> {
        self.fast(|w| fast::skip(w, depth), |r| r.skip(depth))
    }

    fn fast<T>(
        &mut self,
        mut quick: impl FnMut(&[u8]) -> Fast<T>,
        slow: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        if !self.fast || self.skip_ws()?.is_none() {
            return slow(self);
        }
        loop {
            let (len, last) = self.window();
            let cut = match quick(&self.buf[self.pos..self.pos + len]) {
                // a value that ends where the bytes end may go on (a number) unless they are all
                Fast::Done(v, n) if n < len || last => {
                    self.advance(n);
                    return Ok(v);
                }
                Fast::Done(..) => true,
                Fast::Stopped(at) => !last && at + CUT_MARGIN >= len,
                Fast::Refused => false,
            };
            if !cut || !self.more()? {
                return slow(self);
            }
        }
    }

    /// The bytes the fast path may read from `pos`: to the end of the line in a JSON Lines
    /// record (a line break ends it), else to the end of the buffer; and whether no more
    /// bytes can follow them.
    fn window(&self) -> (usize, bool) {
        let avail = &self.buf[self.pos..self.end];
        if self.single_line
            && let Some(i) = memchr::memchr(b'\n', avail)
        {
            return (i, true);
        }
        (avail.len(), self.eof)
    }

    /// Moves the unread bytes to the front of the buffer, grows it when they fill it, and
    /// reads more; false when the window may not grow (end of input, or [`MAX_WINDOW`]).
    fn more(&mut self) -> Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.base += self.pos as u64;
            self.end -= self.pos;
            self.pos = 0;
        }
        if self.end == self.buf.len() {
            if self.buf.len() >= MAX_WINDOW {
                return Ok(false);
            }
            let grown = (self.buf.len() * 2).min(MAX_WINDOW);
            self.buf.resize(grown, 0);
        }
        loop {
            match self.src.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(true);
                }
                Ok(n) => {
                    self.end += n;
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

    /// Consumes `n` bytes the fast path read, counting their line breaks.
    fn advance(&mut self, n: usize) {
        let taken = &self.buf[self.pos..self.pos + n];
        if let Some(last) = memchr::memrchr(b'\n', taken) {
            self.line += memchr::memchr_iter(b'\n', taken).count() as u64;
            self.line_start = self.base + (self.pos + last + 1) as u64;
        }
        self.pos += n;
    }

    fn check_depth(&self, depth: usize) -> Result<()> {
        if depth >= MAX_DEPTH {
            return self.err(format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    /// Reads `"key"` and the following `:`.
    pub(super) fn object_key(&mut self) -> Result<String> {
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
    pub(super) fn object_next(&mut self) -> Result<bool> {
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
    pub(super) fn array_next(&mut self) -> Result<bool> {
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
        self.skip_fast(0)
    }

    pub(super) fn skip(&mut self, depth: usize) -> Result<()> {
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
pub(super) fn is_json_number(t: &[u8]) -> bool {
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

pub(super) fn describe(b: u8) -> String {
    match b {
        b'\n' => "a line break".into(),
        0x20..=0x7e => format!("'{}'", char::from(b)),
        _ => format!("byte 0x{b:02x}"),
    }
}

impl<R: Read> JsonReader<R> {
    /// Reads the keys of the object starting at the next byte, skipping values.
    pub(super) fn object_keys(&mut self, stop: StopWhen<'_>) -> Result<Vec<(String, u8)>> {
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
            self.skip_fast(1)?;
            if self.object_next()? {
                return Ok(keys);
            }
        }
    }
}
