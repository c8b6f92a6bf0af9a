//! Records of a samples file, whatever their layout, and the top-level sniff.

use std::io::Read;

use super::reader::describe;
use super::{JsonReader, KeyFilter, Object, Result, Value};

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
        Self::with_reader(JsonReader::new(src), key)
    }

    /// A stream over a reader set up by the caller (its buffer size, its fast path).
    pub fn with_reader(reader: JsonReader<R>, key: &'static str) -> Self {
        RecordStream {
            reader,
            state: StreamState::Start,
            layout: None,
            wrapper_key: key,
        }
    }

    /// This stream with the reader's fast path off (see [`JsonReader::without_fast_path`]).
    pub fn without_fast_path(mut self) -> Self {
        self.reader = self.reader.without_fast_path();
        self
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
        match self.reader.value_fast(1, filter)? {
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
                let v = self.reader.value_fast(1, filter)?;
                entries.push((key, v));
            } else {
                self.reader.skip_fast(1)?;
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
            self.reader.skip_fast(1)?;
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
