//! Production (and evaluation) records for S7P3: the reference window and the production
//! window, read field by field for the `drift` check.
//!
//! Inputs, detected by content:
//! * JSON Lines (one object a line) or a JSON array of objects; fields are dotted paths
//!   (`features.length`, `meta.lang`);
//! * CSV with a header row; a field is a column, named by its header (`features.length`
//!   may be a header);
//! * Parquet (magic `PAR1`): a row is a record, a struct column an object, only the named
//!   columns read (see [`super::parquet`]);
//! * Arrow IPC, file (`ARROW1`, Feather v2) or stream: the same, see [`super::arrow`];
//! * a pre-aggregated histogram document (`{"govgate_histograms": 1, "fields": …}`, see
//!   [`read_histograms`]) for data that lives in a warehouse.
//!
//! Files are streamed once (a `last:` window keeps the records that may fall inside until
//! the newest timestamp is known, see [`LastWindow`]; past its budget, or with field
//! patterns, it reads twice: the first pass finds the newest timestamp). Only the fields asked for are built; a numeric field keeps its values (KS and
//! Wasserstein need them all: counted by value while few are distinct, 8 bytes each past
//! that, see [`field::Numbers`]), a categorical field its counts. Each file is hashed as it
//! is read.
//!
//! A value is a number (JSON number; in CSV, text that parses as one), a category (text,
//! booleans as `1`/`0`), or missing (absent, `null`, empty, NaN or ±Infinity — dropped as
//! Evidently drops them). A field with any category on either side is categorical, its
//! numbers then read as categories (`2.0` is `2`); otherwise numeric.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::GlobMatcher;

use super::json::{self, Object, RecordStream, TopLevel, Value};
use crate::error::{Error, Result};

mod field;
mod histograms;
mod last;
pub mod summary;
mod time;

use field::Val;
pub use field::{
    Counts, Field, Fnv, MAX_CATEGORIES, MAX_DECLARED_CATEGORIES, Pair, Unusable, pair,
};
pub use histograms::read_histograms;
use last::{LAST_WINDOW_BUDGET, LastWindow};
use time::unix_seconds;
pub use time::{format_time, parse_duration, parse_time};

/// How a records file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    JsonLines,
    JsonArray,
    Csv,
    Histograms,
    /// A summary document of an A/B test's arms or a feedback window (see [`summary`]).
    Summary,
    /// An Inspect AI log: one record per sample (see [`super::inspect::for_each_record`]).
    InspectLog,
    /// Parquet: one record per row, the named columns only (see [`super::parquet`]).
    Parquet,
    /// Arrow IPC (file or stream, Feather v2): one record per row, the named columns only
    /// (see [`super::arrow`]).
    Arrow,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::JsonLines => "JSON Lines records",
            Format::JsonArray => "JSON array of records",
            Format::Csv => "CSV records",
            Format::Histograms => "govgate histograms",
            Format::Summary => "govgate summary",
            Format::InspectLog => "Inspect AI log (one record per sample)",
            Format::Parquet => "Parquet records",
            Format::Arrow => "Arrow IPC records",
        }
    }
}

/// A records file as read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileRead {
    pub path: PathBuf,
    pub format: Format,
    pub sha256: String,
    pub bytes: u64,
    /// Records in the file (histogram documents: records they summarize).
    pub records: u64,
}

/// A time window over a timestamp field.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Dotted path (or CSV column) of an RFC 3339 or UNIX-seconds timestamp.
    pub timestamp: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// The last `seconds` up to the newest timestamp in the records (inclusive).
    Last(f64),
    /// `from <= t < to`, either end open.
    Range { from: Option<f64>, to: Option<f64> },
}

/// The kind of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Numeric,
    Categorical,
}

/// What to read.
#[derive(Debug, Clone)]
pub struct Request {
    /// Exact dotted paths.
    pub fields: Vec<String>,
    /// Glob patterns over every scalar field found (`*`, `features.*`).
    pub patterns: Vec<GlobMatcher>,
    /// Fields never read by a pattern.
    pub exclude: Vec<GlobMatcher>,
    /// Kinds set by the rubric.
    pub kinds: BTreeMap<String, Kind>,
    pub window: Option<Window>,
    /// Where a `last:` window ends (`--now`); `None`: at the newest timestamp read.
    pub now: Option<f64>,
}

impl Request {
    /// Named fields only: no pattern, no declared kind, no window.
    pub fn of_fields(fields: &[String]) -> Request {
        Request {
            fields: fields.to_vec(),
            patterns: Vec::new(),
            exclude: Vec::new(),
            kinds: BTreeMap::new(),
            window: None,
            now: None,
        }
    }

    /// The dotted paths read from every record, the window's timestamp last; `None` when a
    /// pattern asks for every field.
    fn named_paths(&self) -> Option<Vec<&str>> {
        self.patterns.is_empty().then(|| {
            let mut paths: Vec<&str> = self.fields.iter().map(String::as_str).collect();
            if let Some(w) = &self.window {
                paths.push(&w.timestamp);
            }
            paths
        })
    }
}

/// One side (window) as read.
#[derive(Debug, Clone, Default)]
pub struct Side {
    pub files: Vec<FileRead>,
    /// Records read.
    pub records: u64,
    /// Records inside the window (all records without one).
    pub used: u64,
    /// Records left out for lack of a readable timestamp (with a window).
    pub no_timestamp: u64,
    /// The window actually applied, as UNIX seconds.
    pub bounds: Option<(Option<f64>, Option<f64>)>,
    /// With a window: the newest timestamp among the records inside it (UNIX seconds), the
    /// time a scheduled run without `--now` measured to. `None` without a window or when no
    /// record fell inside.
    pub newest: Option<f64>,
    pub fields: BTreeMap<String, Field>,
    /// The named fields while reading, in the request's order (moved into `fields` at the
    /// end): no per-record map lookup or key allocation.
    named: Vec<Field>,
}

/// A request's paths split once into their segments.
struct Paths<'a> {
    fields: Vec<Vec<&'a str>>,
    timestamp: Option<Vec<&'a str>>,
    /// Each named field's category limit ([`cap`]).
    caps: Vec<usize>,
}

impl<'a> Paths<'a> {
    fn new(req: &'a Request) -> Paths<'a> {
        Paths {
            fields: req.fields.iter().map(|f| f.split('.').collect()).collect(),
            timestamp: req
                .window
                .as_ref()
                .map(|w| w.timestamp.split('.').collect()),
            caps: req.fields.iter().map(|f| cap(req, f)).collect(),
        }
    }
}

/// The value at a path given as segments (numeric segments index arrays).
fn lookup_segs<'v>(obj: &'v Object, segs: &[&str]) -> Option<&'v Value> {
    let (first, rest) = segs.split_first()?;
    let mut cur = obj.get(first)?;
    for seg in rest {
        cur = match cur {
            Value::Object(o) => o.get(seg)?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Sniffs a records file's format from its first bytes.
pub fn detect(path: &Path) -> Result<Format> {
    let mut head = vec![0u8; HEAD];
    let n = super::input::head(path, &mut head)?;
    detect_head(path, &head[..n], n < HEAD)
}

/// The bytes detection looks at when it opens a file only to detect it.
const HEAD: usize = 64 * 1024;

/// A records file's format from its first bytes `head` (`whole`: the file ends there). Only
/// a JSON object whose first keys do not fit in `head` sends detection back to the file.
pub fn detect_head(path: &Path, head: &[u8], whole: bool) -> Result<Format> {
    let n = head.len();
    if super::inspect::is_zip(head) {
        return Ok(Format::InspectLog);
    }
    if super::parquet::is_parquet(head) {
        return Ok(Format::Parquet);
    }
    if super::arrow::is_arrow(head) {
        return Ok(Format::Arrow);
    }
    let first = head[..n]
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    match first {
        None => Err(Error::input(path, "empty records file")),
        Some(b'[') => Ok(Format::JsonArray),
        Some(b'{') => {
            let stop = |keys: &json::KeysSeen| {
                keys.iter()
                    .any(|(k, _)| k == "govgate_histograms" || k == "govgate_summary")
                    || super::inspect::is_inspect_keys(keys)
            };
            let sniffed = match json::top_level(head, &stop) {
                Err(_) if !whole => json::top_level(super::input::open(path)?, &stop),
                other => other,
            };
            match sniffed {
                Ok(TopLevel::Object(keys))
                    if keys.iter().any(|(k, _)| k == "govgate_histograms") =>
                {
                    Ok(Format::Histograms)
                }
                Ok(TopLevel::Object(keys)) if keys.iter().any(|(k, _)| k == "govgate_summary") => {
                    Ok(Format::Summary)
                }
                Ok(TopLevel::Object(keys)) if super::inspect::is_inspect_keys(&keys) => {
                    Ok(Format::InspectLog)
                }
                _ => {
                    // JSON Lines: the first record must end on its line; a document spread
                    // over lines (an evaluation results file, say) is not records
                    let text = &head[..n.min(4096)];
                    let start = text.iter().position(|b| *b == b'{').unwrap_or(0);
                    let line_end = text[start..].iter().position(|b| *b == b'\n');
                    if let Some(end) = line_end {
                        let line = &text[start..start + end];
                        if json::parse_document(line).is_err() {
                            return Err(Error::input(
                                path,
                                "a JSON object spread over several lines, not records: give \
                                 JSON Lines (one object a line), a JSON array of objects, or CSV",
                            ));
                        }
                    }
                    Ok(Format::JsonLines)
                }
            }
        }
        Some(_) => Ok(Format::Csv),
    }
}

/// Reads one side: every file, in order. JSON Lines go through the fast line reader
/// ([`super::jsonl_fast`]); a line it leaves undecided reads the whole side again with
/// govgate's own reader, so the verdict and any message are that reader's.
pub fn read_side(files: &[PathBuf], req: &Request) -> Result<Side> {
    match read_side_with(files, req, true, LAST_WINDOW_BUDGET)? {
        Some(side) => Ok(side),
        None => read_side_with(files, req, false, LAST_WINDOW_BUDGET)?.ok_or_else(|| {
            Error::Internal("the records reader asked to read a window again twice".into())
        }),
    }
}

/// [`read_side`], with the fast JSON Lines path or without it, a `last:` window keeping at
/// most `budget` bytes of records in its one pass; `None` when the fast path left a line
/// undecided.
fn read_side_with(
    files: &[PathBuf],
    req: &Request,
    fast: bool,
    budget: usize,
) -> Result<Option<Side>> {
    let mut side = Side {
        named: vec![Field::default(); req.fields.len()],
        ..Side::default()
    };
    let paths = Paths::new(req);
    // the window's bounds (a `last:` window ends at the newest timestamp)
    if let Some(w) = &req.window {
        side.bounds = Some(match w.span {
            Span::Range { from, to } => (from, to),
            Span::Last(secs) if req.now.is_some() => {
                let now = req.now.unwrap_or_default();
                (Some(now - secs), Some(now))
            }
            Span::Last(secs) if req.patterns.is_empty() => {
                // one pass: the records that may fall in the window kept until the newest
                // timestamp is known, then added; past the memory budget, a second pass
                let mut last = LastWindow::new(secs, req.fields.len(), budget);
                for p in files {
                    let read = scan(p, None, req, fast, &mut |rec| {
                        side.records += 1;
                        match rec.timestamp(&w.timestamp, paths.timestamp.as_deref()) {
                            Some(t) => last.offer(t, &rec, req, &paths),
                            None => side.no_timestamp += 1,
                        }
                    })?;
                    match read {
                        None => return Ok(None),
                        Some(r) if r.format == Format::Summary => {
                            return Err(summary_for_drift(p));
                        }
                        Some(r) if r.format == Format::Histograms => {
                            return Err(window_on_histograms(p));
                        }
                        Some(r) => side.files.push(r),
                    }
                }
                match last.finish(&mut side, &paths) {
                    Some(bounds) => {
                        side.bounds = Some(bounds);
                        return Ok(Some(finish_side(side, req)));
                    }
                    // too many records to keep: read again with the bounds now known
                    None => {
                        side = Side {
                            named: vec![Field::default(); req.fields.len()],
                            ..Side::default()
                        };
                        last.bounds()
                    }
                }
            }
            Span::Last(secs) => {
                let mut newest: Option<f64> = None;
                for p in files {
                    let read = scan(p, None, req, fast, &mut |rec| {
                        if let Some(t) = rec.timestamp(&w.timestamp, paths.timestamp.as_deref()) {
                            newest = Some(newest.map_or(t, |n: f64| n.max(t)));
                        }
                    })?;
                    match read {
                        None => return Ok(None),
                        Some(r) if r.format == Format::Summary => {
                            return Err(summary_for_drift(p));
                        }
                        Some(r) if r.format == Format::Histograms => {
                            return Err(window_on_histograms(p));
                        }
                        Some(_) => {}
                    }
                }
                match newest {
                    Some(n) => (Some(n - secs), None),
                    None => (None, None),
                }
            }
        });
    }
    // each file is detected from the first bytes of the read that scans it; the summary
    // documents an engine wrote beside its histograms (for ab_test and feedback) are not
    // this check's
    let mut summaries = Vec::new();
    for p in files {
        let Some(read) = scan(p, None, req, fast, &mut |rec| side.add(rec, req, &paths))? else {
            return Ok(None);
        };
        if read.format == Format::Summary {
            summaries.push(p);
            continue;
        }
        if read.format == Format::Histograms {
            if !side.files.is_empty() {
                return Err(mixed(p));
            }
            if req.window.is_some() {
                return Err(window_on_histograms(p));
            }
            return read_all_histograms(files, req).map(Some);
        }
        side.files.push(read);
    }
    if let (true, Some(p)) = (side.files.is_empty(), summaries.first()) {
        return Err(summary_for_drift(p));
    }
    Ok(Some(finish_side(side, req)))
}

/// The named fields moved into `fields`, numbers sorted.
fn finish_side(mut side: Side, req: &Request) -> Side {
    for (name, field) in req.fields.iter().zip(std::mem::take(&mut side.named)) {
        side.fields.insert(name.clone(), field);
    }
    // sorted here, on the thread that read this window (the drift check reads the two
    // windows on two threads): what follows the reads keeps both cores busy, and the later
    // sort of a numeric sample finds it in order
    for field in side.fields.values_mut() {
        field.numbers.sort();
    }
    side
}

fn mixed(path: &Path) -> Error {
    Error::input(
        path,
        "this window mixes histogram documents with raw records; give one or the other",
    )
}

fn summary_for_drift(path: &Path) -> Error {
    Error::input(
        path,
        "a summary document holds an A/B test's or a feedback window's sums, for `ab_test` \
         and `feedback`; drift reads records or histogram documents \
         (scripts/warehouse/histograms.sql)",
    )
}

fn window_on_histograms(path: &Path) -> Error {
    Error::input(
        path,
        "a time window selects raw records; a histogram document is already one window",
    )
}

/// A source's files split: the records to stream, and the summary documents (read).
#[derive(Debug, Default)]
pub struct Split {
    pub records: Vec<PathBuf>,
    pub summaries: Vec<(summary::Summary, FileRead)>,
}

/// The summary documents among `files`, read, and the other files (records) left to stream.
/// A window holding summary documents may also hold the histogram documents the same
/// engine wrote for `drift` (one folder per window): those are set aside here. Without a
/// summary, a histogram document stays among the records, to be refused as one.
pub fn split_summaries(files: &[PathBuf]) -> Result<Split> {
    let mut out = Split::default();
    let mut histograms = Vec::new();
    for p in files {
        match detect(p)? {
            Format::Summary => out.summaries.push(summary::read_summary(p)?),
            Format::Histograms => histograms.push(p.clone()),
            _ => out.records.push(p.clone()),
        }
    }
    if out.summaries.is_empty() {
        out.records = files.to_vec();
    }
    Ok(out)
}

/// A window of histogram documents (small: each read whole); every file must be one.
fn read_all_histograms(files: &[PathBuf], req: &Request) -> Result<Side> {
    let mut side = Side::default();
    for p in files {
        match detect(p)? {
            Format::Histograms => read_histograms(p, req, &mut side)?,
            Format::Summary => {}
            _ => return Err(mixed(p)),
        }
    }
    Ok(side)
}

/// One record of any format, for field access.
pub enum Rec<'a> {
    Json(&'a Object),
    Csv(&'a csv::StringRecord, &'a [String]),
    /// A JSON Lines line's named fields, taken without a record object: leaf `i` is the
    /// request's field `i`, the window's timestamp (if any) the one after them.
    Slots(&'a super::jsonl_fast::Slots),
}

impl Rec<'_> {
    fn timestamp(&self, path: &str, segs: Option<&[&str]>) -> Option<f64> {
        match self {
            Rec::Json(o) => match lookup_segs(o, segs?)? {
                Value::Str(s) => parse_time(s),
                v => v.as_f64().and_then(unix_seconds),
            },
            Rec::Csv(r, headers) => {
                let i = headers.iter().position(|h| h == path)?;
                let t = r.get(i)?.trim();
                t.parse::<f64>()
                    .ok()
                    .and_then(unix_seconds)
                    .or_else(|| parse_time(t))
            }
            Rec::Slots(s) => {
                use super::jsonl_fast::Slot;
                let i = s.slots.len().checked_sub(1)?;
                match s.slots[i] {
                    Slot::Str => parse_time(&s.text[i]),
                    Slot::Int(x) => unix_seconds(x as f64),
                    Slot::Float(x) => unix_seconds(x),
                    Slot::Bool(_) | Slot::Missing => None,
                }
            }
        }
    }
}

impl Side {
    fn add(&mut self, rec: Rec<'_>, req: &Request, paths: &Paths<'_>) {
        self.records += 1;
        if let (Some(w), Some((from, to))) = (&req.window, self.bounds) {
            let Some(t) = rec.timestamp(&w.timestamp, paths.timestamp.as_deref()) else {
                self.no_timestamp += 1;
                return;
            };
            let inside = match (&w.span, from, to) {
                (Span::Last(_), Some(f), end) => t >= f && end.is_none_or(|e| t <= e),
                (Span::Last(_), None, _) => true,
                (Span::Range { .. }, f, t_end) => {
                    f.is_none_or(|f| t >= f) && t_end.is_none_or(|e| t < e)
                }
            };
            if !inside {
                return;
            }
            self.newest = Some(self.newest.map_or(t, |n| n.max(t)));
        }
        self.used += 1;
        let named = &mut self.named;
        named_values(&rec, req, paths, &mut |i, v| named[i].add(v, paths.caps[i]));
        if req.patterns.is_empty() {
            return;
        }
        let ts_field = req.window.as_ref().map(|w| w.timestamp.as_str());
        let found = |path: &str| {
            !(req.fields.iter().any(|f| f == path)
                || Some(path) == ts_field
                || req.exclude.iter().any(|g| g.is_match(path))
                || !req.patterns.iter().any(|g| g.is_match(path)))
        };
        match rec {
            Rec::Json(o) => {
                let mut leaves = Vec::new();
                flatten(o, String::new(), &mut leaves);
                for (path, v) in leaves {
                    if found(&path) {
                        let c = cap(req, &path);
                        self.fields.entry(path).or_default().add(Val::of_json(v), c);
                    }
                }
            }
            Rec::Csv(r, headers) => {
                for (i, h) in headers.iter().enumerate() {
                    if found(h) {
                        let v = r.get(i).map_or(Val::Missing, Val::of_text);
                        let c = cap(req, h);
                        self.fields.entry(h.clone()).or_default().add(v, c);
                    }
                }
            }
            // the named-field path serves requests without patterns only
            Rec::Slots(_) => {}
        }
    }
}

/// The distinct categories `field` may have ([`MAX_DECLARED_CATEGORIES`] when the rubric
/// declares it categorical).
fn cap(req: &Request, field: &str) -> usize {
    if req.kinds.get(field) == Some(&Kind::Categorical) {
        MAX_DECLARED_CATEGORIES
    } else {
        MAX_CATEGORIES
    }
}

/// The request's named fields in one record: `f(i, value)` for each field `i`, in order,
/// once each.
fn named_values(
    rec: &Rec<'_>,
    req: &Request,
    paths: &Paths<'_>,
    f: &mut dyn FnMut(usize, Val<'_>),
) {
    match rec {
        Rec::Json(o) => {
            for (i, segs) in paths.fields.iter().enumerate() {
                f(i, lookup_segs(o, segs).map_or(Val::Missing, Val::of_json));
            }
        }
        Rec::Slots(slots) => {
            use super::jsonl_fast::Slot;
            for i in 0..req.fields.len() {
                f(
                    i,
                    match slots.slots[i] {
                        Slot::Int(x) => Val::Num(x as f64, true),
                        Slot::Float(x) if x.is_finite() => Val::Num(x, false),
                        Slot::Str => Val::Cat(&slots.text[i]),
                        Slot::Bool(b) => Val::Cat(if b { "1" } else { "0" }),
                        Slot::Float(_) | Slot::Missing => Val::Missing,
                    },
                );
            }
        }
        Rec::Csv(r, headers) => {
            for (i, name) in req.fields.iter().enumerate() {
                let cell = headers
                    .iter()
                    .position(|h| h == name)
                    .and_then(|k| r.get(k));
                f(i, cell.map_or(Val::Missing, Val::of_text));
            }
        }
    }
}

/// Scalar leaves of an object as dotted paths (arrays are not fields).
fn flatten<'a>(o: &'a Object, prefix: String, out: &mut Vec<(String, &'a Value)>) {
    for (k, v) in o.iter() {
        let path = if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Object(inner) => flatten(inner, path, out),
            Value::Array(_) => {}
            _ => out.push((path, v)),
        }
    }
}

/// Streams one file's records into `f`; returns what was read, or `None` when `fast` and the
/// fast JSON Lines reader left a line undecided (the caller reads again without it).
/// `format: None` detects it from the first bytes of the same read (a histogram document
/// then gives no records; its caller reads it as one).
fn scan(
    path: &Path,
    format: Option<Format>,
    req: &Request,
    fast: bool,
    f: &mut dyn FnMut(Rec<'_>),
) -> Result<Option<FileRead>> {
    let named = req.named_paths();
    // the top-level keys (columns) the paths name; few, so a linear scan beats hashing
    let keys: Option<Vec<String>> = named
        .as_ref()
        .map(|paths| super::records::path_keys(paths).into_iter().collect());
    let mut reader = super::input::open_read_ahead(path)?;
    let format = match format {
        Some(f) => f,
        None => {
            let head = std::io::BufRead::fill_buf(&mut reader).map_err(|e| Error::io(path, e))?;
            detect_head(path, head, head.len() < super::readahead::CHUNK)?
        }
    };
    if matches!(format, Format::Parquet | Format::Arrow) {
        drop(reader);
        // random access to the named column chunks (Parquet) or the named columns of each
        // record batch (Arrow), then the file hashed end to end
        let (records, (sha256, bytes)) = if format == Format::Parquet {
            // named fields straight from their columns when every one allows it
            let straight = match named.as_deref() {
                Some(fields) => {
                    super::parquet::for_each_slots(path, fields, &mut |s| f(Rec::Slots(s)))?
                }
                None => None,
            };
            let n = match straight {
                Some(n) => n,
                None => super::parquet::for_each_record(path, keys.as_deref(), &mut |o| {
                    f(Rec::Json(o))
                })?,
            };
            (n, super::parquet::hash(path)?)
        } else {
            let n = match named.as_deref() {
                Some(fields) => {
                    super::arrow::for_each_slots(path, fields, &mut |s| f(Rec::Slots(s)))?
                }
                None => {
                    super::arrow::for_each_record(path, keys.as_deref(), &mut |o| f(Rec::Json(o)))?
                }
            };
            (n, super::arrow::hash(path)?)
        };
        return Ok(Some(FileRead {
            path: path.to_path_buf(),
            format,
            sha256,
            bytes,
            records,
        }));
    }
    let mut records = 0u64;
    match format {
        Format::JsonLines if fast => {
            // named fields: taken straight from each line, without a record object
            let plan = named.as_deref().and_then(super::jsonl_fast::Plan::new);
            let mut slots = super::jsonl_fast::Slots::new(plan.as_ref().map_or(0, |p| p.leaves()));
            // lines are taken where they lie in the read-ahead chunks; only a line split
            // between two chunks is copied
            let mut line = Vec::new();
            loop {
                let (body, used, split) = {
                    let chunk =
                        std::io::BufRead::fill_buf(&mut reader).map_err(|e| Error::io(path, e))?;
                    if chunk.is_empty() && line.is_empty() {
                        break;
                    }
                    match memchr::memchr(b'\n', chunk) {
                        Some(i) if line.is_empty() => (Some(&chunk[..i]), i + 1, false),
                        Some(i) => {
                            line.extend_from_slice(&chunk[..i]);
                            (None, i + 1, true)
                        }
                        None if chunk.is_empty() => (None, 0, true),
                        None => {
                            line.extend_from_slice(chunk);
                            (None, chunk.len(), false)
                        }
                    }
                };
                let whole: &[u8] = match (body, split) {
                    (Some(b), _) => b,
                    (None, true) => &line,
                    (None, false) => {
                        std::io::BufRead::consume(&mut reader, used);
                        continue;
                    }
                };
                let decided = {
                    let body = whole.trim_ascii();
                    if body.is_empty() {
                        true
                    } else if let Some(plan) = &plan {
                        let ok = super::jsonl_fast::extract(body, plan, &mut slots).is_some();
                        if ok {
                            records += 1;
                            f(Rec::Slots(&slots));
                        }
                        ok
                    } else {
                        match super::jsonl_fast::read_line(body, keys.as_deref()) {
                            Some(o) => {
                                records += 1;
                                f(Rec::Json(&o));
                                true
                            }
                            None => false,
                        }
                    }
                };
                if !decided {
                    return Ok(None);
                }
                line.clear();
                std::io::BufRead::consume(&mut reader, used);
            }
        }
        Format::JsonLines | Format::JsonArray => {
            let filter = |k: &str| keys.as_ref().is_none_or(|ks| ks.iter().any(|x| x == k));
            let mut stream = RecordStream::plain(&mut reader);
            while let Some(rec) = stream
                .next_record(&filter)
                .map_err(|e| Error::json(path, e))?
            {
                records += 1;
                f(Rec::Json(&rec));
            }
        }
        Format::Csv => {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(true)
                .flexible(false)
                .from_reader(&mut reader);
            let headers: Vec<String> = rdr
                .headers()
                .map_err(|e| csv_error(path, e))?
                .iter()
                .map(|h| h.trim().to_owned())
                .collect();
            let mut row = csv::StringRecord::new();
            while rdr.read_record(&mut row).map_err(|e| csv_error(path, e))? {
                records += 1;
                f(Rec::Csv(&row, &headers));
            }
        }
        Format::Histograms | Format::Summary | Format::Parquet | Format::Arrow => {}
        Format::InspectLog => {
            // the samples live inside the log: built only as far as the fields need
            let mut keys: std::collections::HashSet<String> = req
                .fields
                .iter()
                .filter_map(|f| f.split('.').next())
                .map(str::to_owned)
                .collect();
            if !req.patterns.is_empty() {
                keys.extend(["metadata", "target", "output"].map(str::to_owned));
            }
            super::inspect::for_each_record(path, &keys, |rec| {
                records += 1;
                f(Rec::Json(rec));
            })?;
        }
    }
    let (sha256, bytes) = reader.finish().map_err(|e| Error::io(path, e))?;
    Ok(Some(FileRead {
        path: path.to_path_buf(),
        format,
        sha256,
        bytes,
        records,
    }))
}

/// One field of one record, for checks that look at several fields of a record together
/// (`ab_test`, `agreement`, `feedback`).
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A JSON number, or CSV text that parses as one.
    Num(f64),
    /// A JSON boolean, or CSV `true` / `false`.
    Bool(bool),
    Text(String),
    /// An array or an object.
    Other,
}

impl Scalar {
    fn of_json(v: &Value) -> Option<Scalar> {
        Some(match v {
            Value::Null => return None,
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Int(_) | Value::Float(_) => Scalar::Num(v.as_f64().filter(|x| x.is_finite())?),
            Value::Str(s) => Scalar::Text(s.clone()),
            _ => Scalar::Other,
        })
    }

    fn of_csv(t: &str) -> Option<Scalar> {
        let t = t.trim();
        Some(match t {
            "" | "NaN" | "nan" | "NA" | "null" | "inf" | "-inf" => return None,
            "true" | "True" => Scalar::Bool(true),
            "false" | "False" => Scalar::Bool(false),
            _ => match t.parse::<f64>() {
                Ok(x) if x.is_finite() => Scalar::Num(x),
                Ok(_) => return None,
                Err(_) => Scalar::Text(t.to_owned()),
            },
        })
    }

    /// As a number: finite numbers, booleans as 1 / 0.
    /// As a binary class: a boolean, or the number 0 or 1; `None` for anything else.
    pub fn class(&self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(*b),
            other => match other.number() {
                Some(1.0) => Some(true),
                Some(0.0) => Some(false),
                _ => None,
            },
        }
    }

    pub fn number(&self) -> Option<f64> {
        match self {
            Scalar::Num(x) if x.is_finite() => Some(*x),
            Scalar::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            _ => None,
        }
    }

    /// As a category: text as is, booleans as `1` / `0`, integral numbers without a
    /// fraction (`2.0` is `2`), as [`crate::text::normalize_category`].
    pub fn category(&self) -> Option<String> {
        match self {
            Scalar::Text(s) => Some(crate::text::normalize_category(s)),
            Scalar::Bool(b) => Some(if *b { "1".into() } else { "0".into() }),
            Scalar::Num(x) if x.is_finite() => {
                Some(crate::text::normalize_category(&json::fmt_float(*x)))
            }
            _ => None,
        }
    }

    /// As a time: RFC 3339 text (or a date), or UNIX seconds (years 0 to 9999).
    pub fn time(&self) -> Option<f64> {
        match self {
            Scalar::Num(x) => unix_seconds(*x),
            Scalar::Text(s) => parse_time(s),
            _ => None,
        }
    }

    /// What kind of value this is, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Scalar::Num(x) if x.is_finite() => "a number",
            Scalar::Num(_) => "a non-finite number",
            Scalar::Bool(_) => "a boolean",
            Scalar::Text(_) => "text",
            Scalar::Other => "an array or object",
        }
    }
}

/// Streams the records of `files` (JSON Lines, JSON arrays or CSV, detected by content),
/// giving `f` the values of `fields` (dotted paths, or CSV columns) of each record, in the
/// order asked; `None` where a value is missing as the drift reader counts it (absent,
/// `null`, an empty cell, NaN or ±Infinity).
/// Memory is one record at a time. A histogram document has no records: it is an error
/// naming `what` (the check that needs records).
pub fn read_rows(
    files: &[PathBuf],
    fields: &[String],
    what: &str,
    f: &mut dyn FnMut(&[Option<Scalar>]),
) -> Result<Vec<FileRead>> {
    let req = Request::of_fields(fields);
    let paths = Paths::new(&req);
    let mut row: Vec<Option<Scalar>> = vec![None; fields.len()];
    let mut out = Vec::new();
    for p in files {
        // detected from the first bytes of the read (a histogram document gives no rows)
        let read = scan(p, None, &req, false, &mut |rec| {
            match rec {
                Rec::Json(o) => {
                    for (slot, segs) in row.iter_mut().zip(&paths.fields) {
                        *slot = lookup_segs(o, segs).and_then(Scalar::of_json);
                    }
                }
                Rec::Slots(s) => {
                    for (i, slot) in row.iter_mut().enumerate() {
                        *slot = Scalar::of_json(&s.value(i));
                    }
                }
                Rec::Csv(r, headers) => {
                    for (slot, name) in row.iter_mut().zip(fields) {
                        *slot = headers
                            .iter()
                            .position(|h| h == name)
                            .and_then(|i| r.get(i))
                            .and_then(Scalar::of_csv);
                    }
                }
            }
            f(&row);
        })?;
        if read.as_ref().is_some_and(|r| r.format == Format::Summary) {
            return Err(Error::input(
                p,
                format!(
                    "a summary document holds sums per arm or per window; `{what}` needs the \
                     records themselves (JSON Lines, a JSON array, CSV, Parquet or Arrow IPC)"
                ),
            ));
        }
        if read
            .as_ref()
            .is_some_and(|r| r.format == Format::Histograms)
        {
            return Err(Error::input(
                p,
                format!(
                    "a histogram document summarizes fields one by one; `{what}` needs the \
                     records themselves (JSON Lines, a JSON array, CSV, Parquet or Arrow IPC)"
                ),
            ));
        }
        // (without the fast path every file is read through)
        out.extend(read);
    }
    Ok(out)
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    let (line, column) = e.position().map(|p| (p.line(), 1)).unwrap_or((0, 0));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "a row with {len} fields where the header has {expected_len} (a cut or malformed line?)"
        ),
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_owned(),
        csv::ErrorKind::Io(err) => {
            return Error::io(path, std::io::Error::new(err.kind(), err.to_string()));
        }
        _ => e.to_string(),
    };
    if line > 0 {
        Error::Parse {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    } else {
        Error::input(path, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::drift::{Key, Sample};

    /// What a side holds, in an order that does not depend on hashing.
    fn summary(side: &Side) -> String {
        let mut out = format!(
            "records {} used {} no_timestamp {} bounds {:?} newest {:?}\n",
            side.records, side.used, side.no_timestamp, side.bounds, side.newest
        );
        for (name, f) in &side.fields {
            let mut cats: Vec<(&String, &u64)> = f.categories.iter().collect();
            cats.sort();
            out.push_str(&format!(
                "{name}: numbers {:?} integers {} missing {} overflow {} categories {cats:?}\n",
                f.numbers.clone().into_sorted(),
                f.all_integers,
                f.missing,
                f.overflow
            ));
        }
        out
    }

    /// A `last:` window read in one pass (records kept, dropped as they fall behind, added
    /// at the end) holds what the two-pass read holds (budget 0: nothing kept, the window
    /// read again with its bounds known), on 12,000 records out of time order, with records
    /// without a timestamp, repeated and missing values, categories and CSV, for windows from
    /// an hour to longer than the data, with the fast path and without.
    #[test]
    fn a_last_window_in_one_pass_holds_what_two_passes_hold() {
        let dir = std::env::temp_dir().join(format!("govgate-last-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let mut state: u64 = 7;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let (mut jsonl, mut csv) = (String::new(), String::from("ts,x,lang\n"));
        let mut newest = 0;
        for i in 0..12_000u64 {
            // mostly ascending over ~10 days, with jitter of up to a day either way
            let t = 1_793_000_000 + i * 43 + next(172_800) - 86_400;
            let (ts, ts_cell) = match next(50) {
                0 => (String::new(), String::new()),
                1 => (r#""ts": "never", "#.to_owned(), "never".to_owned()),
                _ => {
                    newest = newest.max(t);
                    (format!(r#""ts": {t}, "#), t.to_string())
                }
            };
            let x = match next(10) {
                0 => "null".to_owned(),
                1 => format!("{}.5", next(7)),
                _ => next(300).to_string(),
            };
            let lang = ["en", "de", "fr", "ja", "es"][next(5) as usize];
            jsonl.push_str(&format!(
                "{{{ts}\"x\": {x}, \"m\": {{\"lang\": \"{lang}\"}}}}\n"
            ));
            let cell = if x == "null" { String::new() } else { x };
            csv.push_str(&format!("{ts_cell},{cell},{lang}\n"));
        }
        let (a, b) = (dir.join("a.jsonl"), dir.join("b.csv"));
        std::fs::write(&a, jsonl).expect("write");
        std::fs::write(&b, csv).expect("write");
        for (files, fields) in [
            (
                vec![a.clone()],
                vec!["x".to_owned(), "m.lang".to_owned(), "none".to_owned()],
            ),
            (vec![b.clone()], vec!["x".to_owned(), "lang".to_owned()]),
            (vec![a.clone(), a.clone()], vec!["x".to_owned()]),
        ] {
            for hours in [1.0, 30.0, 200.0, 10_000.0] {
                let req = Request {
                    fields: fields.clone(),
                    patterns: Vec::new(),
                    exclude: Vec::new(),
                    kinds: BTreeMap::new(),
                    window: Some(Window {
                        timestamp: "ts".into(),
                        span: Span::Last(hours * 3600.0),
                    }),
                    now: None,
                };
                for fast in [true, false] {
                    let one = read_side_with(&files, &req, fast, LAST_WINDOW_BUDGET)
                        .expect("read")
                        .expect("decided");
                    let two = read_side_with(&files, &req, fast, 0)
                        .expect("read")
                        .expect("decided");
                    assert_eq!(summary(&one), summary(&two), "{files:?} {hours} h");
                    assert!(one.used > 0 && one.no_timestamp > 0, "{}", summary(&one));
                    // the window ends at the newest timestamp, which it holds
                    assert_eq!(one.newest, Some(newest as f64), "{files:?} {hours} h");
                    assert_eq!(one.files.len(), files.len());
                }
            }
        }
    }

    #[test]
    fn the_fast_line_reader_reads_windows_as_the_record_reader_does() {
        let dir = std::env::temp_dir().join(format!("govgate-fast-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("records.jsonl");
        let lines = [
            r#"{"ts": "2026-11-01T00:00:00Z", "x": 1, "m": {"lang": "en", "n": 2.5}, "b": true}"#,
            r#"{"ts": "2026-11-02T00:00:00Z", "x": 2.0, "m": {"lang": "de"}, "b": false, "skip": [1, {"a": 2}]}"#,
            r#"{"ts": 1793577600, "x": NaN, "m": null, "b": null}"#,
            r#"{"ts": "2026-11-04T00:00:00Z", "x": "text", "m": {"lang": ["a"], "n": {"deep": 1}}}"#,
            r#"{"x": 7, "m": {"lang": "fr", "n": 1}, "m": 5}"#,
            r#"{"ts": "2026-11-05T00:00:00Z", "x": -Infinity, "m": 5, "m": {"n": 3}, "x": 4}"#,
            r#"{"ts": "bad", "x": 9223372036854775807, "m": {"lang": "\u00e9", "n": -0}}"#,
            "",
            r#"{"ts": "2026-11-06T00:00:00Z", "x": 1e-300, "m": {"n": 12345678901234567890}}"#,
        ];
        std::fs::write(&file, lines.join("\n")).expect("write");
        let files = vec![file.clone()];
        for window in [
            None,
            Some(Window {
                timestamp: "ts".into(),
                span: Span::Last(3.0 * 86_400.0),
            }),
            Some(Window {
                timestamp: "ts".into(),
                span: Span::Range {
                    from: Some(1_761_955_200.0),
                    to: Some(1_762_300_800.0),
                },
            }),
        ] {
            let req = Request {
                fields: vec![
                    "x".into(),
                    "m.lang".into(),
                    "m.n".into(),
                    "b".into(),
                    "gone".into(),
                ],
                patterns: Vec::new(),
                exclude: Vec::new(),
                kinds: BTreeMap::new(),
                window,
                now: None,
            };
            let fast = read_side_with(&files, &req, true, LAST_WINDOW_BUDGET)
                .expect("read")
                .expect("decided");
            let slow = read_side_with(&files, &req, false, LAST_WINDOW_BUDGET)
                .expect("read")
                .expect("read");
            assert_eq!(summary(&fast), summary(&slow), "{:?}", req.window);
        }
        // a value the reader refuses in a field no check names is still its error, with the
        // fast path as without it (never `Some` from the fast path)
        let bad = dir.join("bad.jsonl");
        std::fs::write(
            &bad,
            format!("{}\n{}\n", lines[0], r#"{"x": 1, "skip": [1e400]}"#),
        )
        .expect("write");
        let req = Request::of_fields(&["x".to_owned()]);
        assert!(matches!(
            read_side_with(std::slice::from_ref(&bad), &req, true, LAST_WINDOW_BUDGET),
            Ok(None)
        ));
        let e = read_side(std::slice::from_ref(&bad), &req).expect_err("the reader's error");
        assert!(
            e.to_string()
                .contains("2:19: number `1e400` is out of range"),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn rfc3339_and_dates() {
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(parse_time("2026-11-23"), Some(1_795_392_000.0));
        assert_eq!(
            parse_time("2026-11-23T01:00:00+01:00"),
            Some(1_795_392_000.0)
        );
        assert_eq!(
            parse_time("2026-11-23T00:00:00.250Z"),
            Some(1_795_392_000.25)
        );
        assert_eq!(parse_time("2000-02-29T12:00:00Z"), Some(951_825_600.0));
        assert_eq!(parse_time("2026-13-01"), None);
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(parse_time("2026-11-23T00:00:00+0100"), None);
        assert_eq!(format_time(1_795_392_000.0), "2026-11-23T00:00:00Z");
        assert_eq!(format_time(951_825_600.0), "2000-02-29T12:00:00Z");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("7d"), Some(604_800.0));
        assert_eq!(parse_duration("36h"), Some(129_600.0));
        assert_eq!(parse_duration("2w"), Some(1_209_600.0));
        assert_eq!(parse_duration("0d"), None);
        assert_eq!(parse_duration("7"), None);
        assert_eq!(parse_duration("d"), None);
    }

    #[test]
    fn kinds_follow_both_sides() {
        let mut a = Field::default();
        a.add(Val::of_json(&Value::Int(3)), 10);
        a.add(Val::of_json(&Value::Float(2.5)), 10);
        a.add(Val::of_json(&Value::Null), 10);
        let mut b = Field::default();
        b.add(Val::of_text("4"), 10);
        b.add(Val::of_text(""), 10);
        let p = pair(Some(a.clone()), Some(b.clone()), None).expect("pair");
        assert_eq!(p.kind, Kind::Numeric);
        assert_eq!(
            p.reference,
            Sample::Values {
                sorted: vec![2.5, 3.0],
                integer: false
            }
        );
        assert_eq!((a.missing, b.missing), (1, 1));
        // one category on either side makes the field categorical, numbers as labels
        b.add(Val::of_text("n/a"), 10);
        let p = pair(Some(a.clone()), Some(b.clone()), None).expect("pair");
        assert_eq!(p.kind, Kind::Categorical);
        assert_eq!(
            p.production,
            Sample::Counts {
                keys: vec![Key::Text("4".into()), Key::Text("n/a".into())],
                counts: vec![1, 1]
            }
        );
        assert_eq!(
            pair(Some(a.clone()), Some(b.clone()), Some(Kind::Numeric)).map(|_| ()),
            Err(Unusable::NotNumeric(1))
        );
        assert_eq!(
            pair(None, Some(b), None).map(|_| ()),
            Err(Unusable::Absent("reference"))
        );
    }

    proptest::proptest! {
        #[test]
        fn times_and_durations_never_panic(s in "\\PC{0,40}") {
            let _ = parse_time(&s);
            let _ = parse_duration(&s);
        }

        #[test]
        fn times_round_trip(days in 0i64..80_000, secs in 0i64..86_400) {
            let t = (days * 86_400 + secs) as f64;
            proptest::prop_assert_eq!(parse_time(&format_time(t)), Some(t));
        }
    }

    #[test]
    fn windows_read_epoch_seconds_and_rfc3339_alike() {
        let dir = std::env::temp_dir().join(format!("govgate-window-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("w.jsonl");
        // 1795392000 is 2026-11-23T00:00:00Z
        std::fs::write(
            &path,
            "{\"t\": 1795391999, \"x\": 1}\n\
             {\"t\": \"2026-11-23T00:00:00Z\", \"x\": 2}\n\
             {\"t\": 1795392000.5, \"x\": 3}\n\
             {\"t\": \"2026-11-24\", \"x\": 4}\n\
             {\"x\": 5}\n",
        )
        .expect("write");
        let req = |span| Request {
            fields: vec!["x".into()],
            patterns: vec![],
            exclude: vec![],
            kinds: BTreeMap::new(),
            window: Some(Window {
                timestamp: "t".into(),
                span,
            }),
            now: None,
        };
        let side = read_side(
            std::slice::from_ref(&path),
            &req(Span::Range {
                from: Some(1_795_392_000.0),
                to: Some(1_795_478_400.0),
            }),
        )
        .expect("read");
        assert_eq!((side.records, side.used, side.no_timestamp), (5, 2, 1));
        assert_eq!(
            side.fields["x"].numbers.clone().into_sorted(),
            vec![2.0, 3.0]
        );
        // the last day up to the newest timestamp (2026-11-24), inclusive
        let side =
            read_side(std::slice::from_ref(&path), &req(Span::Last(86_400.0))).expect("read");
        assert_eq!(
            side.fields["x"].numbers.clone().into_sorted(),
            vec![2.0, 3.0, 4.0]
        );
        // with `--now` at 2026-11-23T00:00:00.5Z the day ends there: the record after it
        // (2026-11-24) is left out, the one a second before midnight is in
        let mut at_now = req(Span::Last(86_400.0));
        at_now.now = Some(1_795_392_000.5);
        let side = read_side(std::slice::from_ref(&path), &at_now).expect("read");
        assert_eq!(
            side.fields["x"].numbers.clone().into_sorted(),
            vec![1.0, 2.0, 3.0]
        );
        assert_eq!(
            side.bounds,
            Some((Some(1_795_305_600.5), Some(1_795_392_000.5)))
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn too_many_categories_stop_counting() {
        let mut f = Field::default();
        for i in 0..5 {
            f.add(Val::Cat(&format!("id{i}")), 3);
        }
        assert!(f.overflow);
        assert!(f.categories.is_empty());
    }

    #[test]
    fn rows_read_several_fields_of_a_record_together() {
        let dir = std::env::temp_dir().join(format!("govgate-rows-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let jsonl = dir.join("r.jsonl");
        std::fs::write(
            &jsonl,
            "{\"arm\": \"A\", \"y\": true, \"m\": {\"lat\": 12.5}}\n\
             {\"arm\": 2.0, \"y\": NaN, \"m\": {\"lat\": null}}\n\
             {\"y\": [1], \"m\": 3}\n",
        )
        .expect("write");
        let csv = dir.join("r.csv");
        std::fs::write(&csv, "arm,y,m.lat\nA,true,12.5\n2,NA,\n").expect("write");
        let fields = vec!["arm".to_owned(), "y".to_owned(), "m.lat".to_owned()];
        let mut rows: Vec<Vec<Option<Scalar>>> = Vec::new();
        let reads = read_rows(&[jsonl.clone(), csv], &fields, "ab_test", &mut |r| {
            rows.push(r.to_vec())
        })
        .expect("read");
        assert_eq!(reads.iter().map(|r| r.records).collect::<Vec<_>>(), [3, 2]);
        let cat = |r: &[Option<Scalar>], i: usize| r[i].as_ref().and_then(Scalar::category);
        let num = |r: &[Option<Scalar>], i: usize| r[i].as_ref().and_then(Scalar::number);
        // JSON: a boolean outcome is 1, NaN and null are missing, `2.0` is category `2`
        assert_eq!(
            (cat(&rows[0], 0), num(&rows[0], 1)),
            (Some("A".into()), Some(1.0))
        );
        assert_eq!(num(&rows[0], 2), Some(12.5));
        assert_eq!(
            (cat(&rows[1], 0), rows[1][1].clone(), rows[1][2].clone()),
            (Some("2".into()), None, None)
        );
        assert_eq!(
            (rows[2][0].clone(), rows[2][1].clone(), rows[2][2].clone()),
            (None, Some(Scalar::Other), None)
        );
        // CSV reads the same values from text
        assert_eq!(rows[3], rows[0]);
        assert_eq!(
            (cat(&rows[4], 0), rows[4][1].clone(), rows[4][2].clone()),
            (Some("2".into()), None, None)
        );
        // times: UNIX seconds within years 0-9999, RFC 3339 text
        assert_eq!(Scalar::Num(1_795_392_000.0).time(), Some(1_795_392_000.0));
        assert_eq!(
            Scalar::Text("2026-11-23T00:00:00Z".into()).time(),
            Some(1_795_392_000.0)
        );
        assert_eq!(Scalar::Num(1e300).time(), None);
        assert_eq!(Scalar::Num(-1e13).time(), None);
        assert_eq!(Scalar::Bool(true).time(), None);
        // a histogram document is not records
        let hist = dir.join("h.json");
        std::fs::write(&hist, "{\"govgate_histograms\": 1, \"fields\": {}}").expect("write");
        let err = read_rows(&[hist], &fields, "ab_test", &mut |_| {}).expect_err("histograms");
        assert!(
            err.to_string()
                .contains("`ab_test` needs the records themselves"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
