//! Inspect AI evaluation logs: the binary `.eval` log and the `--log-format json` log.
//!
//! ## Containers
//! * `.eval` (Inspect ≥ 0.3.43): a ZIP archive of compact JSON members — `header.json` (the
//!   log without its samples, written last), `samples/<id>_epoch_<n>.json` (one sample each),
//!   `reductions.json` (per-sample values reduced across epochs), `summaries.json` and
//!   `_journal/…`. Members are Zstandard-compressed (ZIP method 93) since Inspect 0.3.206 and
//!   DEFLATE before; a Zstandard member may hold several frames. Both are read.
//! * JSON: one document, the whole log with `samples` and `reductions` at the top level.
//!
//! Which one a file is, is decided by its first bytes (`PK\x03\x04`), never by its name.
//!
//! ## Traps handled (`formats-inspect.md` §0)
//! * Bare `NaN` tokens in sample scores, reductions and (0.3.70) metric values: read by
//!   govgate's own JSON reader, kept as NaN (a check never passes on one).
//! * Keys that are `None` are left out: every field is optional here.
//! * A member written twice (after `inspect eval-retry`): the last entry of the central
//!   directory wins, as in Inspect.
//! * A killed run has no `header.json`: `_journal/start.json` stands in, status `started`.
//! * The experimental chunked layout (`samples/<id>_epoch_<n>/sample.json`): unsupported,
//!   an input error.
//! * Errored samples are absent from Inspect's metrics and counts: they are counted here.
//! * `config.limit` may be a `[start, end)` range.
//!
//! ## Safety
//! Member names are looked up, never used as file-system paths. The archive may hold at
//! most [`MAX_MEMBERS`] members; a member that decompresses to more than its bound
//! ([`MAX_PARSED_MEMBER_BYTES`] for the members parsed whole, [`MAX_SAMPLE_MEMBER_BYTES`]
//! for streamed samples) is an input error, so a ZIP bomb costs bounded time and memory.
//!
//! ## Mapping to the normalized model
//! One [`Run`] per log, one task (`eval.task`). Each `results.scores[]` entry (one per
//! scorer score and reducer) gives metrics named by their key (`accuracy`, `mean`, …) with
//! the score's name as the variant: `arith_mcq/accuracy@choice`. When several entries share
//! a name (one per `--epochs-reducer`), the variant adds the reducer:
//! `arith_gen/accuracy@match:pass_at_2`. A `grouped()` metric's keys are variants naming
//! the group: `capitals_grouped/accuracy@graded+group=f` (`all` is the value over all
//! groups). The entry's `stderr` metric is the standard error of `accuracy` and `mean`; its
//! `scored_samples` is their n.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::json::{self, JsonError, JsonErrorKind, JsonReader, Object, Value};
use super::samples::SampleValues;
use super::{HashingReader, direction, helm::instance_key, meter};
use crate::error::{Error, Result};
use crate::model::{
    Aspect, DirectionSource, Format, Metric, ModelInfo, Provenance, Run, SampleSource, Source,
    StderrKind, TaskInfo, Tool, Unfinished,
};

/// The first bytes of a ZIP archive (a local file header).
pub const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";

/// Members an `.eval` archive may hold (a 100,000-sample run with 5 epochs has about
/// 500,000).
pub const MAX_MEMBERS: usize = 2_000_000;

/// Decompressed size bound of the members read whole (`header.json`, `reductions.json`,
/// summaries, `_journal/start.json`).
pub const MAX_PARSED_MEMBER_BYTES: u64 = 1024 * 1024 * 1024;

/// Decompressed size bound of one sample member (streamed, its transcript stepped over).
pub const MAX_SAMPLE_MEMBER_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// The read buffer of one member.
const MEMBER_BUFFER: usize = 8 * 1024;

/// Whether the first bytes of a file are a ZIP archive's.
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(&ZIP_MAGIC)
}

/// Reads up to 4 bytes from the start of a file.
pub fn magic(path: &Path) -> Result<[u8; 4]> {
    let mut f = super::input::open(path)?;
    let mut head = [0u8; 4];
    let mut n = 0;
    while n < 4 {
        let k = f.read(&mut head[n..]).map_err(|e| Error::io(path, e))?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(head)
}

// ---------------------------------------------------------------------------------------
// Containers

type Archive = zip::ZipArchive<File>;

/// A log opened for reading.
enum Container {
    Zip(Box<Archive>),
    Json,
}

fn open(path: &Path) -> Result<Container> {
    open_bounded(path, MAX_MEMBERS)
}

fn open_bounded(path: &Path, max_members: usize) -> Result<Container> {
    // `magic` opens the file through evidence::input: a regular file within --max-input-size
    if !is_zip(&magic(path)?) {
        return Ok(Container::Json);
    }
    let file = super::input::open(path)?;
    let archive = zip::ZipArchive::new(file).map_err(|e| zip_error(path, None, e))?;
    if archive.len() > max_members {
        return Err(Error::input(
            path,
            format!(
                "the archive holds {} members, more than the {max_members} govgate reads",
                archive.len()
            ),
        ));
    }
    Ok(Container::Zip(Box::new(archive)))
}

fn zip_error(path: &Path, member: Option<&str>, e: zip::result::ZipError) -> Error {
    use zip::result::ZipError;
    let what = match &e {
        ZipError::UnsupportedArchive(m) if m.contains("ompression") => {
            format!("{m} (Inspect writes DEFLATE or Zstandard members; govgate reads those two)")
        }
        ZipError::Io(io) => format!("cannot read the archive: {io}"),
        other => other.to_string(),
    };
    match member {
        Some(m) => Error::input(path, format!("member `{m}` of the .eval archive: {what}")),
        None => Error::input(path, format!("not a readable .eval archive: {what}")),
    }
}

/// A reader that fails once more than `limit` bytes came through (a decompression bound).
struct Bounded<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "decompresses to more than {} bytes, the bound for this member",
                    self.limit
                ),
            ));
        }
        self.left -= n as u64;
        meter::add(n);
        Ok(n)
    }
}

/// An error reading a member's JSON, with the member and its line and column.
fn member_error(path: &Path, member: &str, e: JsonError) -> Error {
    match e.kind {
        JsonErrorKind::Io(io) => Error::input(path, format!("member `{member}`: {io}")),
        JsonErrorKind::Syntax(m) => Error::input(
            path,
            format!(
                "member `{member}`, line {}, column {}: {m}",
                e.position.line, e.position.column
            ),
        ),
    }
}

/// Runs `f` on a reader over the decompressed member `name`; `Ok(None)` when absent.
fn with_member<T>(
    archive: &mut Archive,
    path: &Path,
    name: &str,
    limit: u64,
    f: impl FnOnce(&mut JsonReader<Bounded<zip::read::ZipFile<'_, File>>>) -> json::Result<T>,
) -> Result<Option<T>> {
    let Some(index) = archive.index_for_name(name) else {
        return Ok(None);
    };
    let file = archive
        .by_index(index)
        .map_err(|e| zip_error(path, Some(name), e))?;
    // members are many and mostly small: a small buffer each
    let mut reader = JsonReader::with_buffer(
        Bounded {
            inner: file,
            left: limit,
            limit,
        },
        MEMBER_BUFFER,
    );
    let out = f(&mut reader).map_err(|e| member_error(path, name, e))?;
    Ok(Some(out))
}

/// Parses a whole member (keys `keep` rejects are stepped over at every depth).
fn parse_member(
    archive: &mut Archive,
    path: &Path,
    name: &str,
    keep: &dyn json::KeyFilter,
) -> Result<Option<Value>> {
    with_member(archive, path, name, MAX_PARSED_MEMBER_BYTES, |r| {
        let v = r.parse_value_filtered(keep)?;
        if !r.at_end()? {
            return Err(r.error("trailing characters after the JSON value"));
        }
        Ok(v)
    })
}

/// The member names (UTF-8 ones: Inspect writes no others), deduplicated, in archive order.
fn member_names(archive: &Archive) -> Vec<String> {
    archive
        .file_names_raw()
        .filter_map(|n| std::str::from_utf8(n).ok())
        .map(str::to_owned)
        .collect()
}

/// The sample members of an archive: `(id as written in the name, epoch, member name)`.
/// A name with a second `/` below `samples/` is the experimental chunked layout.
fn sample_members(archive: &Archive, path: &Path) -> Result<Vec<(String, u64, String)>> {
    let mut out = Vec::new();
    for name in member_names(archive) {
        let Some(rest) = name.strip_prefix("samples/") else {
            continue;
        };
        if rest.contains('/') {
            return Err(Error::input(
                path,
                format!(
                    "member `{name}`: this log uses Inspect's experimental chunked sample \
                     layout (`inspect log convert-chunked`), which Inspect's own reader does \
                     not read either; unsupported — convert it back or give the original log"
                ),
            ));
        }
        let Some(stem) = rest.strip_suffix(".json") else {
            continue;
        };
        let (id, epoch) = match stem.rsplit_once("_epoch_") {
            Some((id, e)) => (id, e.parse::<u64>().unwrap_or(0)),
            None => (stem, 0),
        };
        out.push((id.to_owned(), epoch, name.clone()));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// The log's header and reductions

/// A sample id as Inspect compares them (`str(id)`).
pub fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::Int(i) => Some(i.to_string()),
        Value::Str(s) => Some(s.clone()),
        Value::Float(f) if f.is_finite() && f.fract() == 0.0 => Some(format!("{}", *f as i64)),
        _ => None,
    }
}

/// Inspect's sample order key: integer ids zero-padded to 20 digits, string ids as they are
/// (`sort_samples` in `inspect_ai/log/_recorders`).
fn order_key(id: &str) -> String {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && id.len() <= 20 {
        format!("{id:0>20}")
    } else {
        id.to_owned()
    }
}

/// Inspect's `value_to_float` (`inspect_ai/scorer/_metric.py`): numbers as they are
/// (booleans 1 / 0); `C` → 1, `P` → 0.5, `I` → 0, `N` → 0; `yes` / `true` → 1 and `no` /
/// `false` → 0 in any case; numeric text parsed. Anything else (lists, objects, other text)
/// has no value here (Inspect warns and uses 0).
pub fn score_value(v: &Value) -> Option<f64> {
    match v {
        Value::Int(_) | Value::Float(_) => v.as_f64(),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::Str(s) => match s.as_str() {
            "C" => Some(1.0),
            "P" => Some(0.5),
            "I" | "N" => Some(0.0),
            _ => {
                let l = s.to_lowercase();
                match l.as_str() {
                    "yes" | "true" => Some(1.0),
                    "no" | "false" => Some(0.0),
                    _ if !l.is_empty()
                        && l.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                        && l.bytes().any(|b| b.is_ascii_digit()) =>
                    {
                        l.parse::<f64>().ok()
                    }
                    _ => None,
                }
            }
        },
        _ => None,
    }
}

/// One `results.scores[]` entry (or, without results, one reductions entry or scorer).
#[derive(Debug, Clone)]
struct Score {
    /// The score name (equal to the scorer's for ordinary scorers).
    name: String,
    /// The scorer, the key of the sample's `scores` map.
    scorer: String,
    /// `None`: the default reducer (`mean`).
    reducer: Option<String>,
    /// What govgate calls it: the name, with `:reducer` when names repeat.
    label: String,
}

fn labels(mut scores: Vec<Score>) -> Vec<Score> {
    for i in 0..scores.len() {
        let repeated = scores.iter().filter(|s| s.name == scores[i].name).count() > 1;
        scores[i].label = if repeated {
            format!(
                "{}:{}",
                scores[i].name,
                scores[i].reducer.as_deref().unwrap_or("mean")
            )
        } else {
            scores[i].name.clone()
        };
    }
    scores
}

/// One reductions entry: the reduced value of each sample id.
#[derive(Debug, Clone, Default)]
struct Reduction {
    scorer: String,
    reducer: Option<String>,
    /// `(id key, reduced value)`; `None` for a value that is not a number (a dict-valued
    /// score). The key is the sample id hashed ([`instance_key`] of `str(id)`), as paired
    /// tests match samples.
    rows: Vec<(u64, Option<f64>)>,
}

fn same_reducer(a: Option<&str>, b: Option<&str>) -> bool {
    a.unwrap_or("mean") == b.unwrap_or("mean")
}

/// Reads a reductions array entry by entry, each row built alone: a million-sample log's
/// reductions never exist as one tree.
fn read_reductions<R: Read>(r: &mut JsonReader<R>) -> json::Result<Vec<Reduction>> {
    let mut out = Vec::new();
    let row_keys = |k: &str| k == "value" || k == "sample_id";
    r.for_each_element(|r| {
        let mut red = Reduction::default();
        let mut scorer = None;
        r.for_each_entry(|key, r| {
            match key {
                "scorer" => scorer = r.parse_value()?.as_str().map(str::to_owned),
                "reducer" => red.reducer = r.parse_value()?.as_str().map(str::to_owned),
                "samples" => r.for_each_element(|r| {
                    let row = r.parse_value_filtered(&row_keys)?;
                    if let Some(id) = row.get("sample_id").and_then(id_text) {
                        red.rows
                            .push((instance_key(&id), row.get("value").and_then(score_value)));
                    }
                    Ok(())
                })?,
                _ => r.skip_value()?,
            }
            Ok(())
        })?;
        if let Some(sc) = scorer {
            red.scorer = sc;
            out.push(red);
        }
        Ok(())
    })?;
    Ok(out)
}

/// What a sample listing says about one sample of one epoch: its id (hashed: a listing
/// is kept whole, and 8 bytes an id keep a million-sample log small), epoch, and whether
/// it ended in an error.
#[derive(Debug, Clone, Copy)]
struct Listed {
    id: u64,
    epoch: u64,
    errored: bool,
}

fn summary_keys(k: &str) -> bool {
    matches!(k, "id" | "epoch" | "error" | "message")
}

/// A listed sample; its `id` must be an integer or a string and its `epoch` a positive
/// integer (absent: 1).
fn listed_of(v: &Value) -> std::result::Result<Listed, String> {
    let id = match v.get("id") {
        Some(x @ (Value::Int(_) | Value::Str(_))) => instance_key(&id_text(x).unwrap_or_default()),
        other => {
            return Err(format!(
                "a sample's `id` must be an integer or a string, found {}",
                other.map_or("nothing".into(), Value::display)
            ));
        }
    };
    let epoch = match v.get("epoch") {
        None => 1,
        Some(Value::Int(e)) if *e >= 1 => *e as u64,
        Some(other) => {
            return Err(format!(
                "a sample's `epoch` must be a positive integer, found {}",
                other.display()
            ));
        }
    };
    let errored = !matches!(v.get("error"), None | Some(Value::Null));
    Ok(Listed { id, epoch, errored })
}

/// The listing of a summaries member.
fn listed_in(path: &Path, member: &str, v: &Value) -> Result<Vec<Listed>> {
    let Some(rows) = v.as_array() else {
        return Err(Error::input(
            path,
            format!("member `{member}` must be a JSON array of sample summaries"),
        ));
    };
    rows.iter()
        .map(listed_of)
        .collect::<std::result::Result<_, _>>()
        .map_err(|m| Error::input(path, format!("member `{member}`: {m}")))
}

/// Everything a log says about the run, without its per-sample transcripts.
#[derive(Debug, Default)]
struct Header {
    /// `header.json` (or `_journal/start.json`), or the JSON log without samples.
    doc: Object,
    status: String,
    reductions: Vec<Reduction>,
    /// Samples as listed, last entry per `(id, epoch)`.
    listed: Vec<Listed>,
}

impl Header {
    fn eval(&self) -> Option<&Object> {
        self.doc.get("eval").and_then(Value::as_object)
    }

    /// The scores, in `results.scores` order; without results, those of the reductions,
    /// else the scorers the task declares.
    fn scores(&self) -> Vec<Score> {
        let results = self
            .doc
            .get("results")
            .and_then(|r| r.get("scores"))
            .and_then(Value::as_array);
        let score = |name: String, scorer: String, reducer: Option<String>| Score {
            name,
            scorer,
            reducer,
            label: String::new(),
        };
        if let Some(entries) = results {
            return labels(
                // one score per entry, so they stay aligned with `results.scores`
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let name = e
                            .get("name")
                            .or_else(|| e.get("scorer"))
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                            .unwrap_or_else(|| format!("score{}", i + 1));
                        let scorer = e
                            .get("scorer")
                            .and_then(Value::as_str)
                            .unwrap_or(&name)
                            .to_owned();
                        let reducer = e.get("reducer").and_then(Value::as_str).map(str::to_owned);
                        score(name, scorer, reducer)
                    })
                    .collect(),
            );
        }
        if !self.reductions.is_empty() {
            return labels(
                self.reductions
                    .iter()
                    .map(|r| score(r.scorer.clone(), r.scorer.clone(), r.reducer.clone()))
                    .collect(),
            );
        }
        let declared = self
            .eval()
            .and_then(|e| e.get("scorers"))
            .and_then(Value::as_array)
            .unwrap_or_default();
        labels(
            declared
                .iter()
                .filter_map(|s| s.get("name").and_then(Value::as_str))
                .map(|n| score(n.to_owned(), n.to_owned(), None))
                .collect(),
        )
    }

    /// The reductions entry of a score.
    fn reduction(&self, s: &Score) -> Option<&Reduction> {
        self.reductions
            .iter()
            .find(|r| {
                (r.scorer == s.name || r.scorer == s.scorer)
                    && same_reducer(r.reducer.as_deref(), s.reducer.as_deref())
            })
            .or_else(|| {
                // one entry per name: the reducer need not be spelled the same
                let named: Vec<&Reduction> = self
                    .reductions
                    .iter()
                    .filter(|r| r.scorer == s.name || r.scorer == s.scorer)
                    .collect();
                (named.len() == 1).then(|| named[0])
            })
    }

    fn epochs(&self) -> u64 {
        self.eval()
            .and_then(|e| e.get("config"))
            .and_then(|c| c.get("epochs"))
            .and_then(Value::as_u64)
            .unwrap_or(1)
            .max(1)
    }
}

/// Keeps the last listing of each `(id, epoch)`, in first-seen order.
fn dedupe(listed: Vec<Listed>) -> Vec<Listed> {
    let mut index: HashMap<(u64, u64), usize> = HashMap::with_capacity(listed.len());
    let mut out: Vec<Listed> = Vec::with_capacity(listed.len());
    for l in listed {
        match index.get(&(l.id, l.epoch)) {
            Some(i) => out[*i] = l,
            None => {
                index.insert((l.id, l.epoch), out.len());
                out.push(l);
            }
        }
    }
    out
}

/// The header's keys: everything but `sample_ids` (one per selected sample, not needed).
fn header_keys(k: &str) -> bool {
    k != "sample_ids"
}

fn read_zip_header(archive: &mut Archive, path: &Path) -> Result<Header> {
    let members = sample_members(archive, path)?;
    let keep_all = header_keys;
    let (doc, status) = match parse_member(archive, path, "header.json", &keep_all)? {
        Some(Value::Object(o)) => {
            let status = o
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            (o, status)
        }
        Some(_) => {
            return Err(Error::input(
                path,
                "member `header.json` is not a JSON object",
            ));
        }
        None => match parse_member(archive, path, "_journal/start.json", &keep_all)? {
            Some(Value::Object(o)) => (o, "started".to_owned()),
            Some(_) => {
                return Err(Error::input(
                    path,
                    "member `_journal/start.json` is not a JSON object",
                ));
            }
            None => {
                return Err(Error::input(
                    path,
                    "a ZIP archive with neither `header.json` nor `_journal/start.json`: not \
                     an Inspect AI .eval log",
                ));
            }
        },
    };
    let reductions = with_member(
        archive,
        path,
        "reductions.json",
        MAX_PARSED_MEMBER_BYTES,
        |r| {
            let red = read_reductions(r)?;
            if !r.at_end()? {
                return Err(r.error("trailing characters after the JSON value"));
            }
            Ok(red)
        },
    )?
    .unwrap_or_default();
    // the consolidated listing; a killed run has only the journal's batches
    let listed = match parse_member(archive, path, "summaries.json", &summary_keys)? {
        Some(v) => listed_in(path, "summaries.json", &v)?,
        None => {
            let mut batches: Vec<(u64, String)> = member_names(archive)
                .into_iter()
                .filter_map(|n| {
                    let k = n
                        .strip_prefix("_journal/summaries/")?
                        .strip_suffix(".json")?
                        .parse::<u64>()
                        .ok()?;
                    Some((k, n))
                })
                .collect();
            batches.sort();
            let mut listed = Vec::new();
            for (_, name) in batches {
                if let Some(v) = parse_member(archive, path, &name, &summary_keys)? {
                    listed.extend(listed_in(path, &name, &v)?);
                }
            }
            if listed.is_empty() {
                // nothing but the sample members themselves
                listed = members
                    .iter()
                    .map(|(id, epoch, _)| Listed {
                        id: instance_key(id),
                        epoch: *epoch,
                        errored: false,
                    })
                    .collect();
            }
            listed
        }
    };
    Ok(Header {
        doc,
        status,
        reductions,
        listed: dedupe(listed),
    })
}

/// Reads a JSON log's header: every top-level key but `samples` (listed only) parsed.
fn read_json_header<R: Read>(reader: &mut JsonReader<R>) -> json::Result<Header> {
    let mut doc = Object::default();
    let mut reductions = Vec::new();
    let mut listed = Vec::new();
    reader.for_each_entry(|key, r| {
        match key {
            "samples" => r.for_each_element(|r| {
                let v = r.parse_value_filtered(&summary_keys)?;
                listed.push(listed_of(&v).map_err(|m| r.error(m))?);
                Ok(())
            })?,
            "reductions" => {
                reductions = read_reductions(r)?;
            }
            "stats" => r.skip_value()?,
            _ => {
                let v = r.parse_value_filtered(&header_keys)?;
                doc.0.push((key.to_owned(), v));
            }
        }
        Ok(())
    })?;
    if !reader.at_end()? {
        return Err(reader.error("trailing characters after the JSON value"));
    }
    let status = doc
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    Ok(Header {
        doc,
        status,
        reductions,
        listed: dedupe(listed),
    })
}

// ---------------------------------------------------------------------------------------
// The run

/// Reads an Inspect AI log into one run.
pub fn read_run(path: &Path) -> Result<Run> {
    let (header, sha256, bytes) = match open(path)? {
        Container::Zip(mut archive) => {
            let header = read_zip_header(&mut archive, path)?;
            let file = super::input::open(path)?;
            let (sha, bytes) = HashingReader::new(file)
                .finish()
                .map_err(|e| Error::io(path, e))?;
            (header, sha, bytes)
        }
        Container::Json => {
            let file = super::input::open(path)?;
            let mut hashing = HashingReader::new(file);
            let header = {
                let mut reader = JsonReader::new(&mut hashing);
                read_json_header(&mut reader).map_err(|e| Error::json(path, e))?
            };
            let (sha, bytes) = hashing.finish().map_err(|e| Error::io(path, e))?;
            (header, sha, bytes)
        }
    };
    let source = Source {
        path: path.to_path_buf(),
        sha256,
        bytes,
    };
    to_run(path, source, &header)
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Str(s) if !s.is_empty() => Some(s.clone()),
        Value::Str(_) | Value::Null => None,
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(json::fmt_float(*f)),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_json()),
    }
}

fn to_run(path: &Path, source: Source, h: &Header) -> Result<Run> {
    let Some(eval) = h.eval() else {
        return Err(Error::input(
            path,
            "an Inspect AI log without an `eval` object",
        ));
    };
    let Some(task) = text(eval.get("task")) else {
        return Err(Error::input(path, "an Inspect AI log without `eval.task`"));
    };
    if h.status.is_empty() {
        return Err(Error::input(
            path,
            "an Inspect AI log without a `status` (expected success, error, cancelled or started)",
        ));
    }
    check_header(&h.doc).map_err(|m| Error::input(path, m))?;
    let config = eval.get("config").and_then(Value::as_object);
    let plan_config = h
        .doc
        .get("plan")
        .and_then(|p| p.get("config"))
        .and_then(Value::as_object);
    let model_config = eval.get("model_generate_config").and_then(Value::as_object);
    let model_args = eval.get("model_args").and_then(Value::as_object);
    let version = eval
        .get("packages")
        .and_then(|p| p.get("inspect_ai"))
        .and_then(Value::as_str)
        .map(str::to_owned);

    let model_name = text(eval.get("model"));
    let model = ModelInfo {
        backend: model_name
            .as_deref()
            .and_then(|m| m.split_once('/'))
            .map(|(p, _)| p.to_owned()),
        name: model_name,
        args: model_args.filter(|a| !a.is_empty()).map(|a| {
            a.iter()
                .map(|(k, v)| format!("{k}={}", text(Some(v)).unwrap_or_else(|| "null".into())))
                .collect::<Vec<_>>()
                .join(",")
        }),
        revision: model_args.and_then(|a| text(a.get("revision"))),
        ..ModelInfo::default()
    };

    let mut p = Provenance {
        tool_version: version.clone(),
        config_recorded: config.is_some(),
        date: text(eval.get("created")),
        task_file: text(eval.get("task_file")),
        ..Provenance::default()
    };
    if let Some(rev) = eval.get("revision") {
        p.git_hash = text(rev.get("commit"));
        p.git_dirty = rev.get("dirty").and_then(Value::as_bool);
    }
    // the generation seed: plan.config (always), model_generate_config (CLI models)
    if let Some(seed) = plan_config
        .and_then(|c| c.get("seed"))
        .or_else(|| model_config.and_then(|c| c.get("seed")))
        .and_then(Value::as_i64)
    {
        p.seeds.insert("seed".into(), seed);
    }
    let shuffle = config.and_then(|c| c.get("sample_shuffle"));
    if let Some(s) = shuffle.and_then(Value::as_i64) {
        p.seeds.insert("sample_shuffle".into(), s);
    }
    match config.and_then(|c| c.get("limit")) {
        Some(Value::Array(a)) if a.len() == 2 => {
            if let (Some(start), Some(end)) = (a[0].as_u64(), a[1].as_u64()) {
                p.limit = Some(end.saturating_sub(start) as f64);
                p.limit_range = Some((start, end));
            }
        }
        Some(l) => p.limit = l.as_f64(),
        None => {}
    }
    for c in [plan_config, model_config].into_iter().flatten() {
        for (k, v) in c.iter() {
            if k != "seed"
                && !p.generation.contains_key(k)
                && let Some(t) = text(Some(v))
            {
                p.generation.insert(k.to_owned(), t);
            }
        }
    }
    let epochs = h.epochs();
    p.generation.insert("epochs".into(), epochs.to_string());
    if let Some(r) = config
        .and_then(|c| c.get("epochs_reducer"))
        .and_then(Value::as_array)
    {
        let names: Vec<String> = r.iter().filter_map(|x| text(Some(x))).collect();
        if !names.is_empty() {
            p.generation
                .insert("epochs_reducer".into(), names.join(","));
        }
    }
    if let Some(Value::Bool(true)) = shuffle {
        p.generation.insert("sample_shuffle".into(), "true".into());
    }
    if let Some(pk) = eval.get("packages").and_then(Value::as_object) {
        for (k, v) in pk.iter() {
            if let Some(t) = text(Some(v)) {
                p.environment.insert(k.to_owned(), t);
            }
        }
    }
    if let Some(v) = text(eval.get("task_version")) {
        p.task_versions.insert(task.clone(), v);
    }
    p.model_args_revision = model.revision.clone();
    let dataset = eval.get("dataset");
    let n_original = dataset
        .and_then(|d| d.get("samples"))
        .and_then(Value::as_u64);
    let described = dataset.and_then(|d| {
        let name = text(d.get("name"));
        let location = text(d.get("location"));
        let what = match (name, location) {
            (Some(n), Some(l)) if n != l => format!("{n} ({l})"),
            (Some(n), _) => n,
            (None, Some(l)) => l,
            (None, None) => return None,
        };
        Some(match n_original {
            Some(n) => format!("{what}, {n} samples"),
            None => what,
        })
    });
    if let Some(d) = described {
        p.datasets.insert(task.clone(), d);
    }

    let errored = h.listed.iter().filter(|l| l.errored).count() as u64;
    let mut done: Vec<u64> = h
        .listed
        .iter()
        .filter(|l| !l.errored)
        .map(|l| l.id)
        .collect();
    done.sort_unstable();
    done.dedup();

    let (metrics, unmeasured) = metrics_of(&task, h);
    let unfinished = if h.status != "success" {
        Some(Unfinished {
            status: h.status.clone(),
            message: h
                .doc
                .get("error")
                .and_then(|e| e.get("message"))
                .and_then(Value::as_str)
                .map(|m| m.lines().next().unwrap_or(m).to_owned()),
        })
    } else if h.doc.get("invalidated").and_then(Value::as_bool) == Some(true) {
        Some(Unfinished {
            status: "invalidated".into(),
            message: Some("the log was marked invalid after the run".into()),
        })
    } else {
        None
    };
    let display = text(eval.get("task_display_name")).filter(|d| *d != task);
    let measured = measured(eval, h, config);
    Ok(Run {
        source,
        name: text(eval.get("eval_id")).or_else(|| text(eval.get("task_id"))),
        format: Format {
            tool: Tool::Inspect,
            version,
            inferred: None,
        },
        model,
        provenance: p,
        tasks: vec![TaskInfo {
            name: task,
            alias: display,
            is_group: false,
            subtasks: Vec::new(),
            n_original,
            n_effective: Some(done.len() as u64),
            filters: Vec::new(),
            samples: Some(SampleSource::Inspect(path.to_path_buf())),
            instances: None,
            errored: Some(errored),
            epochs: Some(epochs),
            measured,
        }],
        metrics,
        perturbations: Vec::new(),
        unmeasured,
        unfinished,
    })
}

/// The fields a check reads, where the format fixes their type: refused, naming the
/// field, rather than skipped (a malformed log must not pass as one that says less).
fn check_header(doc: &Object) -> std::result::Result<(), String> {
    let shown = |v: &Value| {
        let t = v.display();
        match t.char_indices().nth(40) {
            Some((i, _)) => format!("{}…", &t[..i]),
            None => t,
        }
    };
    let eval = doc.get("eval");
    // the fields read into the run, with the types Inspect writes
    for (path, kinds, what) in [
        ("eval", "obj", "an object"),
        ("eval.task", "str", "text"),
        ("eval.model", "str|null", "text"),
        ("eval.created", "str|null", "text"),
        ("eval.eval_id", "str|null", "text"),
        ("eval.task_id", "str|null", "text"),
        ("eval.task_file", "str|null", "text"),
        ("eval.task_display_name", "str|null", "text"),
        ("eval.task_version", "int|str|null", "a number or text"),
        ("eval.model_args", "obj|null", "an object"),
        ("eval.model_generate_config", "obj|null", "an object"),
        ("eval.config", "obj|null", "an object"),
        (
            "eval.config.sample_shuffle",
            "bool|int|null",
            "true, false or a seed",
        ),
        ("eval.dataset", "obj|null", "an object"),
        ("eval.dataset.name", "str|null", "text"),
        ("eval.dataset.location", "str|null", "text"),
        ("eval.revision", "obj|null", "an object"),
        ("eval.revision.commit", "str|null", "text"),
        ("eval.revision.dirty", "bool|null", "true or false"),
        ("eval.packages", "obj|null", "an object"),
        ("eval.packages.inspect_ai", "str|null", "text"),
        ("plan", "obj|null", "an object"),
        ("plan.config", "obj|null", "an object"),
        ("plan.config.seed", "int|null", "a whole number"),
        (
            "eval.model_generate_config.seed",
            "int|null",
            "a whole number",
        ),
        ("results", "obj|null", "an object"),
        ("error", "obj|null", "an object"),
        ("invalidated", "bool|null", "true or false"),
    ] {
        if let Some(v) = super::records::lookup(doc, path)
            && !v.is_kind(kinds)
        {
            return Err(format!("`{path}` must be {what}, found {}", shown(v)));
        }
    }
    let config = eval.and_then(|e| e.get("config"));
    match config.and_then(|c| c.get("limit")) {
        None | Some(Value::Null) => {}
        Some(Value::Int(n)) if *n >= 0 => {}
        Some(Value::Array(a))
            if a.len() == 2
                && matches!((&a[0], &a[1]), (Value::Int(x), Value::Int(y)) if 0 <= *x && x <= y) => {
        }
        Some(other) => {
            return Err(format!(
                "`eval.config.limit` must be a non-negative integer or a [start, end] pair, found {}",
                shown(other)
            ));
        }
    }
    if let Some(e) = config.and_then(|c| c.get("epochs"))
        && !matches!(e, Value::Int(n) if *n >= 1)
    {
        return Err(format!(
            "`eval.config.epochs` must be a positive integer, found {}",
            shown(e)
        ));
    }
    if let Some(n) = eval
        .and_then(|e| e.get("dataset"))
        .and_then(|d| d.get("samples"))
        && !matches!(n, Value::Int(x) if *x >= 0)
    {
        return Err(format!(
            "`eval.dataset.samples` must be a non-negative integer, found {}",
            shown(n)
        ));
    }
    let Some(results) = doc.get("results") else {
        return Ok(());
    };
    let Some(scores) = results.get("scores") else {
        return Ok(());
    };
    let Some(scores) = scores.as_array() else {
        return Err(format!(
            "`results.scores` must be an array, found {}",
            shown(scores)
        ));
    };
    for (i, sc) in scores.iter().enumerate() {
        for key in ["scored_samples", "unscored_samples"] {
            if let Some(n) = sc.get(key)
                && !matches!(n, Value::Int(x) if *x >= 0)
            {
                return Err(format!(
                    "`results.scores[{i}].{key}` must be a non-negative integer, found {}",
                    shown(n)
                ));
            }
        }
        let Some(metrics) = sc.get("metrics") else {
            continue;
        };
        let Some(metrics) = metrics.as_object() else {
            return Err(format!(
                "`results.scores[{i}].metrics` must be an object, found {}",
                shown(metrics)
            ));
        };
        for (k, m) in metrics.iter() {
            match m.get("value") {
                None | Some(Value::Int(_) | Value::Float(_) | Value::Null) => {}
                Some(other) => {
                    return Err(format!(
                        "`results.scores[{i}].metrics.{k}.value` must be a number, found {}",
                        shown(other)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The metrics of `results.scores`, and the metric entries without a numeric value.
fn metrics_of(task: &str, h: &Header) -> (Vec<Metric>, Vec<String>) {
    let mut metrics = Vec::new();
    let mut unmeasured = Vec::new();
    let Some(entries) = h
        .doc
        .get("results")
        .and_then(|r| r.get("scores"))
        .and_then(Value::as_array)
    else {
        return (metrics, unmeasured);
    };
    let scores = h.scores();
    for (entry, score) in entries.iter().zip(&scores) {
        let n = entry
            .get("scored_samples")
            .and_then(Value::as_u64)
            .or_else(|| h.reduction(score).map(|r| r.rows.len() as u64));
        let Some(ms) = entry.get("metrics").and_then(Value::as_object) else {
            continue;
        };
        let stderr = ms
            .get("stderr")
            .and_then(|m| m.get("value"))
            .and_then(Value::as_f64);
        let clustered = ms
            .get("stderr")
            .and_then(|m| m.get("params"))
            .and_then(|p| p.get("cluster"))
            .is_some_and(|c| !c.is_null());
        for (key, m) in ms.iter() {
            if key == "stderr" {
                continue;
            }
            let params = m.get("params");
            let group_key = params
                .and_then(|p| p.get("group_key"))
                .and_then(Value::as_str);
            let grouped = m.get("group").and_then(Value::as_str) == Some("grouped")
                || (group_key.is_some() && params.and_then(|p| p.get("metric")).is_some());
            let (name, variant) = if grouped {
                let inner = params
                    .and_then(|p| p.get("metric"))
                    .and_then(|x| x.get("name"))
                    .and_then(Value::as_str)
                    .map(|s| s.rsplit('/').next().unwrap_or(s))
                    .unwrap_or(key);
                (
                    inner.to_owned(),
                    format!("{}+{}={key}", score.label, group_key.unwrap_or("group")),
                )
            } else {
                (key.to_owned(), score.label.clone())
            };
            let Some(value) = m.get("value").and_then(Value::as_f64) else {
                unmeasured.push(format!("{task}/{name}@{variant} (no numeric value)"));
                continue;
            };
            let of_mean = !grouped && (name == "accuracy" || name == "mean");
            let dir = direction::builtin(&name);
            metrics.push(Metric {
                task: task.to_owned(),
                name,
                variant: Some(variant),
                value,
                stderr: if of_mean { stderr } else { None },
                stderr_kind: (of_mean && stderr.is_some()).then_some(if clustered {
                    StderrKind::Clustered
                } else {
                    StderrKind::Stderr
                }),
                n: if grouped { None } else { n },
                higher_is_better: dir,
                direction_source: dir.map(|_| DirectionSource::BuiltIn),
                is_group: false,
                informational: false,
                trials: None,
            });
        }
    }
    (metrics, unmeasured)
}

// ---------------------------------------------------------------------------------------
// Per-sample records

/// One sample of one epoch, with the fields asked for.
#[derive(Debug, Default)]
struct EpochSample {
    id: Option<Value>,
    epoch: u64,
    /// The sample's scores: `(scorer, value as Inspect's value_to_float reads it)`.
    scores: Vec<(String, Option<f64>)>,
    metadata: Option<Value>,
    target: Option<Value>,
    output: Option<String>,
    error: Option<String>,
}

/// Which optional fields to build.
#[derive(Debug, Clone, Copy, Default)]
struct Want {
    metadata: bool,
    target: bool,
    output: bool,
}

impl Want {
    fn of(keys: &std::collections::HashSet<String>) -> Want {
        Want {
            metadata: keys.contains("metadata"),
            target: keys.contains("target"),
            output: keys.contains("output") || keys.contains("epochs"),
        }
    }
}

fn output_keys(k: &str) -> bool {
    matches!(
        k,
        "completion" | "choices" | "message" | "content" | "text" | "type"
    )
}

/// The completion of a `ModelOutput`: `completion`, else (Inspect 0.3.70 writes none) the
/// text of the first choice's message.
fn completion(output: &Value) -> Option<String> {
    if let Some(c) = output.get("completion").and_then(Value::as_str) {
        return Some(c.to_owned());
    }
    let content = output
        .get("choices")?
        .as_array()?
        .first()?
        .get("message")?
        .get("content")?;
    match content {
        Value::Str(s) => Some(s.clone()),
        Value::Array(parts) => Some(
            parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(""),
        ),
        _ => None,
    }
}

fn read_sample<R: Read>(r: &mut JsonReader<R>, want: Want) -> json::Result<EpochSample> {
    let mut s = EpochSample {
        epoch: 1,
        ..EpochSample::default()
    };
    r.for_each_entry(|key, r| {
        match key {
            "id" => s.id = Some(r.parse_value()?),
            "epoch" => s.epoch = r.parse_value()?.as_u64().unwrap_or(1),
            "scores" => {
                if let Value::Object(o) = r.parse_value()? {
                    s.scores =
                        o.0.into_iter()
                            .map(|(k, v)| {
                                let x = v.get("value").and_then(score_value);
                                (k, x)
                            })
                            .collect();
                }
            }
            "metadata" if want.metadata => s.metadata = Some(r.parse_value()?),
            "target" if want.target => s.target = Some(r.parse_value()?),
            "output" if want.output => {
                s.output = completion(&r.parse_value_filtered(&output_keys)?);
            }
            "error" => {
                let e = r.parse_value_filtered(&|k: &str| k == "message")?;
                s.error = match e {
                    Value::Null => None,
                    Value::Str(m) => Some(m),
                    other => Some(
                        other
                            .get("message")
                            .and_then(Value::as_str)
                            .unwrap_or("error")
                            .to_owned(),
                    ),
                };
            }
            _ => r.skip_value()?,
        }
        Ok(())
    })?;
    Ok(s)
}

/// Reduced values of one score, by sample id.
type ByID = HashMap<u64, Option<f64>>;

/// The record of one sample id: reduced across its epochs (see [`for_each_record`]).
fn record(
    id_key: &str,
    mut epochs: Vec<EpochSample>,
    scores: &[Score],
    reduced: &[(String, ByID)],
) -> Object {
    epochs.sort_by_key(|e| e.epoch);
    let key = instance_key(id_key);
    let first_scorer = scores.first().map(|s| s.scorer.as_str());
    let mut o = Object::default();
    let id = epochs
        .iter()
        .find_map(|e| e.id.clone())
        .unwrap_or_else(|| Value::Str(id_key.to_owned()));
    o.0.push(("id".into(), id));
    let raw = |e: &EpochSample, scorer: &str| {
        e.scores
            .iter()
            .find(|(k, _)| k == scorer)
            .and_then(|(_, v)| *v)
    };
    // the first score's reduced value; without its reductions (a run that did not
    // finish), the mean over the epochs that were scored
    let first_label = scores.first().map(|s| s.label.as_str());
    let score = match reduced
        .first()
        .filter(|(l, _)| Some(l.as_str()) == first_label)
    {
        Some((_, by_id)) => by_id.get(&key).map(|v| v.unwrap_or(f64::NAN)),
        None => first_scorer.and_then(|sc| {
            let xs: Vec<f64> = epochs.iter().filter_map(|e| raw(e, sc)).collect();
            (!xs.is_empty()).then(|| crate::stats::describe::mean(xs.iter().copied()))
        }),
    };
    if let Some(x) = score {
        o.0.push(("score".into(), Value::Float(x)));
    }
    let mut by_label = Object::default();
    for (label, by_id) in reduced {
        if let Some(v) = by_id.get(&key) {
            by_label
                .0
                .push((label.clone(), Value::Float(v.unwrap_or(f64::NAN))));
        }
    }
    o.0.push(("scores".into(), Value::Object(by_label)));
    let first = epochs.first();
    if let Some(m) = first.and_then(|e| e.metadata.clone()) {
        o.0.push(("metadata".into(), m));
    }
    if let Some(t) = first.and_then(|e| e.target.clone()) {
        o.0.push(("target".into(), t));
    }
    if let Some(out) = first.and_then(|e| e.output.clone()) {
        o.0.push(("output".into(), Value::Str(out)));
    }
    if let Some(err) = epochs.iter().find_map(|e| e.error.clone()) {
        o.0.push(("error".into(), Value::Str(err)));
    }
    let per_epoch: Vec<Value> = epochs
        .iter()
        .map(|e| {
            let mut x = Object::default();
            x.0.push(("epoch".into(), Value::Int(e.epoch as i64)));
            if let Some(v) = first_scorer.and_then(|sc| raw(e, sc)) {
                x.0.push(("score".into(), Value::Float(v)));
            }
            let s: Vec<(String, Value)> = e
                .scores
                .iter()
                .filter_map(|(k, v)| v.map(|v| (k.clone(), Value::Float(v))))
                .collect();
            x.0.push(("scores".into(), Value::Object(Object(s))));
            if let Some(out) = &e.output {
                x.0.push(("output".into(), Value::Str(out.clone())));
            }
            if let Some(err) = &e.error {
                x.0.push(("error".into(), Value::Str(err.clone())));
            }
            Value::Object(x)
        })
        .collect();
    o.0.push(("epochs".into(), Value::Array(per_epoch)));
    o
}

fn reduced_by_label(h: &Header) -> (Vec<Score>, Vec<(String, ByID)>) {
    let scores = h.scores();
    let reduced = scores
        .iter()
        .filter_map(|s| {
            let r = h.reduction(s)?;
            Some((s.label.clone(), r.rows.iter().cloned().collect::<ByID>()))
        })
        .collect();
    (scores, reduced)
}

/// Streams a log's per-sample records, one per sample id, in Inspect's sample order:
///
/// ```text
/// { id, score, scores: {<score label>: reduced value}, metadata, target, output, error,
///   epochs: [ {epoch, score, scores: {<scorer>: value}, output, error}, … ] }
/// ```
///
/// `score` is the run's first score reduced across epochs (from `reductions`; for a run
/// that wrote none, the mean over the epochs scored), absent for an errored sample and NaN
/// for an unscored one. `metadata`, `target` and `output` (the first epoch's completion)
/// are built only when `keys` names them. Memory: one sample at a time for an `.eval`
/// log and for a single-epoch JSON log; a multi-epoch JSON log (whose samples are ordered
/// epoch by epoch) keeps the asked-for fields of every sample until its last epoch.
pub fn for_each_record(
    path: &Path,
    keys: &std::collections::HashSet<String>,
    mut f: impl FnMut(&Object),
) -> Result<()> {
    let want = Want::of(keys);
    match open(path)? {
        Container::Zip(mut archive) => {
            let header = read_zip_header(&mut archive, path)?;
            let (scores, reduced) = reduced_by_label(&header);
            let mut by_id: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
            for (id, _, name) in sample_members(&archive, path)? {
                by_id
                    .entry(order_key(&id))
                    .or_insert_with(|| (id.clone(), Vec::new()))
                    .1
                    .push(name);
            }
            for (_, (id, names)) in by_id {
                let mut epochs = Vec::with_capacity(names.len());
                for name in names {
                    if let Some(s) =
                        with_member(&mut archive, path, &name, MAX_SAMPLE_MEMBER_BYTES, |r| {
                            let s = read_sample(r, want)?;
                            if !r.at_end()? {
                                return Err(r.error("trailing characters after the sample"));
                            }
                            Ok(s)
                        })?
                    {
                        epochs.push(s);
                    }
                }
                let key = epochs
                    .iter()
                    .find_map(|e| e.id.as_ref().and_then(id_text))
                    .unwrap_or(id);
                f(&record(&key, epochs, &scores, &reduced));
            }
        }
        Container::Json => {
            // first pass: header and reductions (they follow the samples in the file)
            let file = super::input::open(path)?;
            let header = read_json_header(&mut JsonReader::new(meter::Metered(file)))
                .map_err(|e| Error::json(path, e))?;
            let (scores, reduced) = reduced_by_label(&header);
            let single = header.epochs() == 1;
            let file = super::input::open(path)?;
            let mut reader = JsonReader::new(meter::Metered(file));
            let mut pending: BTreeMap<String, (String, Vec<EpochSample>)> = BTreeMap::new();
            reader
                .for_each_entry(|key, r| {
                    if key != "samples" {
                        return r.skip_value();
                    }
                    r.for_each_element(|r| {
                        let s = read_sample(r, want)?;
                        let id = s.id.as_ref().and_then(id_text).unwrap_or_default();
                        if single {
                            f(&record(&id, vec![s], &scores, &reduced));
                        } else {
                            pending
                                .entry(order_key(&id))
                                .or_insert_with(|| (id.clone(), Vec::new()))
                                .1
                                .push(s);
                        }
                        Ok(())
                    })
                })
                .map_err(|e| Error::json(path, e))?;
            for (_, (id, epochs)) in pending {
                f(&record(&id, epochs, &scores, &reduced));
            }
        }
    }
    Ok(())
}

/// What an Inspect AI log's numbers measured (comparability): the task version (the
/// `full_task_version` inspect_evals writes in `eval.metadata` when there is one, else
/// `eval.task_version`), the dataset's name and location, the sample ids listed (a
/// fingerprint), the scorers with their parameters, and the limit.
fn measured(
    eval: &Object,
    h: &Header,
    config: Option<&Object>,
) -> std::collections::BTreeMap<Aspect, String> {
    let mut m = std::collections::BTreeMap::new();
    let full = eval
        .get("metadata")
        .and_then(|x| x.get("full_task_version"))
        .and_then(|v| text(Some(v)));
    if let Some(v) = full.or_else(|| text(eval.get("task_version"))) {
        m.insert(Aspect::TaskVersion, v);
    }
    if let Some(d) = eval.get("dataset") {
        let name = text(d.get("name"));
        let location = text(d.get("location"));
        let what = match (name, location) {
            (Some(n), Some(l)) if n != l => Some(format!("{n} ({l})")),
            (Some(n), _) => Some(n),
            (None, Some(l)) => Some(l),
            (None, None) => None,
        };
        if let Some(w) = what {
            m.insert(Aspect::Dataset, w);
        }
    }
    let mut ids: Vec<u64> = h.listed.iter().map(|l| l.id).collect();
    ids.sort_unstable();
    ids.dedup();
    if !ids.is_empty() {
        let bytes: Vec<u8> = ids.iter().flat_map(|i| i.to_be_bytes()).collect();
        let fp = super::sha256_hex(&bytes);
        m.insert(
            Aspect::Samples,
            format!("{} ids, fingerprint {}", ids.len(), &fp[..12]),
        );
    }
    let scores = h
        .doc
        .get("results")
        .and_then(|r| r.get("scores"))
        .and_then(Value::as_array);
    if let Some(entries) = scores {
        let mut o = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let name = text(e.get("name")).unwrap_or_else(|| format!("score{}", i + 1));
            let scorer = text(e.get("scorer")).unwrap_or_default();
            let params = e.get("params").map(Value::to_json).unwrap_or_default();
            o.push((name, format!("{scorer}{params}")));
        }
        if !o.is_empty() {
            m.insert(Aspect::Scorer, super::measured_object(&o));
        }
    }
    if let Some(c) = config {
        let limit = match c.get("limit") {
            None | Some(Value::Null) => "none".to_owned(),
            Some(v) => v.to_json(),
        };
        m.insert(Aspect::Limit, limit);
    }
    m
}

/// The per-sample values behind a metric's variant (`score label[+group_key=group]`):
/// the score's reduced values from `reductions`, keyed by sample id, NaN (unscored) left
/// out as Inspect leaves them out of its metrics; for a group, the samples whose
/// `metadata.<group_key>` is the group.
///
/// With `cluster` (`metadata.<key>`), each sample's cluster is the digest of that metadata
/// value.
pub fn read_values(
    path: &Path,
    variant: Option<&str>,
    cluster: Option<&str>,
) -> Result<SampleValues> {
    let file = super::input::open(path)?;
    let (sha256, _) = HashingReader::new(file)
        .finish()
        .map_err(|e| Error::io(path, e))?;
    let header = match open(path)? {
        Container::Zip(mut archive) => read_zip_header(&mut archive, path)?,
        Container::Json => {
            let file = super::input::open(path)?;
            read_json_header(&mut JsonReader::new(meter::Metered(file)))
                .map_err(|e| Error::json(path, e))?
        }
    };
    let (label, group) = match variant {
        Some(v) => match v.split_once('+') {
            Some((l, g)) => (Some(l), g.split_once('=')),
            None => (Some(v), None),
        },
        None => (None, None),
    };
    let scores = header.scores();
    let score = match label {
        Some(l) => scores.iter().find(|s| s.label == l),
        None => scores.first(),
    };
    let rows: Vec<(u64, Option<f64>)> = score
        .and_then(|s| header.reduction(s))
        .map(|r| r.rows.clone())
        .unwrap_or_default();
    // a group's members; `all` is every sample
    let members: Option<std::collections::HashSet<u64>> = match group {
        Some((key, value)) if value != "all" => {
            let mut ids = std::collections::HashSet::new();
            let keys: std::collections::HashSet<String> =
                ["metadata".to_owned()].into_iter().collect();
            for_each_record(path, &keys, |rec| {
                let g = rec
                    .get("metadata")
                    .and_then(|m| m.get(key))
                    .and_then(|v| text(Some(v)));
                if g.as_deref() == Some(value)
                    && let Some(id) = rec.get("id").and_then(id_text)
                {
                    ids.insert(instance_key(&id));
                }
            })?;
            Some(ids)
        }
        _ => None,
    };
    // each sample's cluster, by id
    let clusters: Option<std::collections::HashMap<u64, u64>> = match cluster {
        Some(field) => {
            let mut map = std::collections::HashMap::new();
            let top = field.split('.').next().unwrap_or(field).to_owned();
            let keys: std::collections::HashSet<String> = [top].into_iter().collect();
            for_each_record(path, &keys, |rec| {
                if let (Some(id), Some(c)) = (
                    rec.get("id").and_then(id_text),
                    super::samples::cluster_key(rec, field),
                ) {
                    map.insert(instance_key(&id), c);
                }
            })?;
            Some(map)
        }
        None => None,
    };
    let mut out = SampleValues::new(path, sha256, json::RecordLayout::Array);
    let mut kept = Vec::new();
    for (id, v) in rows {
        if members.as_ref().is_some_and(|m| !m.contains(&id)) {
            continue;
        }
        match v {
            Some(x) if x.is_nan() => out.unscored += 1,
            Some(x) => kept.push((
                id,
                x,
                0,
                clusters.as_ref().and_then(|c| c.get(&id).copied()),
            )),
            None => out.non_scalar += 1,
        }
    }
    out.set_rows(kept, cluster.is_some());
    Ok(out)
}

/// Distinct sample ids a log lists (any epoch, errored or not).
pub fn count_samples(path: &Path) -> Result<u64> {
    let header = match open(path)? {
        Container::Zip(mut archive) => read_zip_header(&mut archive, path)?,
        Container::Json => {
            let file = super::input::open(path)?;
            read_json_header(&mut JsonReader::new(meter::Metered(file)))
                .map_err(|e| Error::json(path, e))?
        }
    };
    let mut ids: Vec<u64> = header.listed.iter().map(|l| l.id).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids.len() as u64)
}

/// Whether a ZIP archive is an Inspect AI log (`header.json` or `_journal/start.json`).
pub fn is_inspect_zip(path: &Path) -> Result<bool> {
    match open(path)? {
        Container::Zip(archive) => Ok(archive.index_for_name("header.json").is_some()
            || archive.index_for_name("_journal/start.json").is_some()),
        Container::Json => Ok(false),
    }
}

/// Whether the top-level keys seen are an Inspect AI JSON log's (`eval` object with
/// `version` or `status`).
pub fn is_inspect_keys(keys: &[(String, u8)]) -> bool {
    let has = |k: &str| keys.iter().any(|(key, _)| key == k);
    keys.iter().any(|(k, b)| k == "eval" && *b == b'{') && (has("status") || has("version"))
}

/// Where the samples of a log were read from, for messages.
pub fn describe_source(path: &Path) -> &'static str {
    match magic(path) {
        Ok(m) if is_zip(&m) => "Inspect .eval log",
        _ => "Inspect JSON log",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_read_as_inspect_reads_them() {
        let s = |t: &str| score_value(&Value::Str(t.into()));
        assert_eq!(
            (s("C"), s("P"), s("I"), s("N")),
            (Some(1.0), Some(0.5), Some(0.0), Some(0.0))
        );
        assert_eq!(
            (s("Yes"), s("false"), s("0.25")),
            (Some(1.0), Some(0.0), Some(0.25))
        );
        assert_eq!((s("maybe"), s(".")), (None, None));
        assert_eq!(score_value(&Value::Bool(true)), Some(1.0));
        assert!(score_value(&Value::Float(f64::NAN)).is_some_and(f64::is_nan));
        assert_eq!(score_value(&Value::Array(vec![])), None);
    }

    #[test]
    fn a_member_past_its_bound_is_an_error_not_an_allocation() {
        let data = [b' '; 64];
        let mut r = Bounded {
            inner: &data[..],
            left: 10,
            limit: 10,
        };
        let mut buf = Vec::new();
        let e = r.read_to_end(&mut buf).expect_err("past the bound");
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert_eq!(
            e.to_string(),
            "decompresses to more than 10 bytes, the bound for this member"
        );
        // within the bound it reads everything
        let mut r = Bounded {
            inner: &data[..],
            left: 64,
            limit: 64,
        };
        buf.clear();
        assert_eq!(r.read_to_end(&mut buf).expect("within"), 64);
        // the JSON reader reports it against the member
        let path = Path::new("x.eval");
        let mut reader = JsonReader::new(Bounded {
            inner: &b"[1, 2, 3, 4, 5, 6]"[..],
            left: 4,
            limit: 4,
        });
        let e = reader.parse_value().expect_err("bounded");
        assert_eq!(
            member_error(path, "header.json", e).to_string(),
            "x.eval: member `header.json`: decompresses to more than 4 bytes, the bound for \
             this member"
        );
    }

    #[test]
    fn an_archive_past_its_member_bound_is_refused() {
        use std::io::Write;
        let dir = std::env::temp_dir().join(format!("govgate-inspect-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let path = dir.join("three.eval");
        let mut w = zip::ZipWriter::new(File::create(&path).expect("create"));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for name in [
            "header.json",
            "samples/a_epoch_1.json",
            "samples/b_epoch_1.json",
        ] {
            w.start_file(name, opts).expect("member");
            w.write_all(b"{}").expect("write");
        }
        w.finish().expect("finish");
        assert!(matches!(open_bounded(&path, 3), Ok(Container::Zip(_))));
        let e = open_bounded(&path, 2).err().expect("past the bound");
        assert_eq!(
            e.to_string(),
            format!(
                "{}: the archive holds 3 members, more than the 2 govgate reads",
                path.display()
            )
        );
    }

    #[test]
    fn ids_sort_as_inspect_sorts_them() {
        let mut ids = vec!["10", "9", "mcq-001", "100"];
        ids.sort_by_key(|i| order_key(i));
        assert_eq!(ids, ["9", "10", "100", "mcq-001"]);
        assert_eq!(id_text(&Value::Int(7)).as_deref(), Some("7"));
        assert_eq!(id_text(&Value::Str("a".into())).as_deref(), Some("a"));
        assert_eq!(id_text(&Value::Null), None);
    }

    #[test]
    fn repeated_score_names_carry_their_reducer() {
        let sc = |n: &str, r: Option<&str>| Score {
            name: n.into(),
            scorer: n.into(),
            reducer: r.map(str::to_owned),
            label: String::new(),
        };
        let l = labels(vec![
            sc("match", None),
            sc("match", Some("pass_at_2")),
            sc("includes", Some("mean")),
        ]);
        let got: Vec<&str> = l.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(got, ["match:mean", "match:pass_at_2", "includes"]);
    }
}
