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

mod container;
mod run;
mod samples;

use container::*;
pub use container::{
    MAX_MEMBERS, MAX_PARSED_MEMBER_BYTES, MAX_SAMPLE_MEMBER_BYTES, ZIP_MAGIC, is_zip, magic,
};
use run::*;
pub use samples::{count_samples, for_each_record, read_values};

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
    /// Some request of the sample was served by a fallback model (`model_fallbacks`,
    /// Inspect ≥ 0.3.260): its score is not only the named model's.
    fallback: bool,
}

fn summary_keys(k: &str) -> bool {
    // `model_fallbacks` entries keep only their `model` (requested) and `fallback_model`
    matches!(
        k,
        "id" | "epoch" | "error" | "message" | "model_fallbacks" | "model" | "fallback_model"
    )
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
    let fallback = v
        .get("model_fallbacks")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    Ok(Listed {
        id,
        epoch,
        errored,
        fallback,
    })
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
    fn new(
        mut doc: Object,
        status: String,
        reductions: Vec<Reduction>,
        listed: Vec<Listed>,
    ) -> Header {
        migrate_results(&mut doc);
        Header {
            doc,
            status,
            reductions,
            listed: dedupe(listed),
        }
    }

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
                        fallback: false,
                    })
                    .collect();
            }
            listed
        }
    };
    Ok(Header::new(doc, status, reductions, listed))
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
    Ok(Header::new(doc, status, reductions, listed))
}

/// The score key Inspect gives a schema-1 sample's single `score` until it knows the
/// scorer's name (`SCORER_PLACEHOLDER` in `inspect_ai/log/_log.py`).
pub(super) const SCORER_PLACEHOLDER: &str = "88F74D2C";

/// The newest log schema Inspect AI reads (`LOG_SCHEMA_VERSION`); it refuses newer ones
/// ("Unable to read version N of log format").
pub const LOG_SCHEMA_VERSION: i64 = 2;

/// Schema 1 results, as Inspect migrates them when it reads them
/// (`EvalResults.convert_scorer_to_scorers`): `results.scorer` and `results.metrics`
/// become the one entry of `results.scores`, its `scorer` the scorer's name. A log with
/// both `scorer` and `scores` is left as it is (and refused by `check_header`, as Inspect
/// refuses it).
fn migrate_results(doc: &mut Object) {
    let Some(Value::Object(results)) = doc
        .0
        .iter_mut()
        .find(|(k, _)| k == "results")
        .map(|(_, v)| v)
    else {
        return;
    };
    if results.get("scores").is_some() {
        return;
    }
    let Some(Value::Object(mut scorer)) = results.get("scorer").cloned() else {
        return;
    };
    let metrics = results.get("metrics").cloned();
    results.0.retain(|(k, _)| k != "scorer" && k != "metrics");
    if let Some(m) = metrics.filter(|m| !matches!(m, Value::Null)) {
        scorer.0.retain(|(k, _)| k != "metrics");
        scorer.0.push(("metrics".into(), m));
    }
    if let Some(name) = scorer.get("name").cloned() {
        scorer.0.retain(|(k, _)| k != "scorer");
        scorer.0.push(("scorer".into(), name));
    }
    results
        .0
        .push(("scores".into(), Value::Array(vec![Value::Object(scorer)])));
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
    fn a_schema_1_samples_single_score_is_its_scorers() {
        // fixtures/inspect/schema-v1.json: samples 1..4 with `score` C, C, I, C
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/inspect/schema-v1.json");
        let mut got = Vec::new();
        for_each_record(&path, &Default::default(), |rec| {
            let id = rec.get("id").and_then(id_text).unwrap_or_default();
            let score = rec.get("score").and_then(Value::as_f64);
            let by_scorer = rec
                .get("epochs")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
                .and_then(|e| e.get("scores"))
                .and_then(|s| s.get("match"))
                .and_then(Value::as_f64);
            got.push((id, score, by_scorer));
        })
        .expect("read");
        assert_eq!(
            got,
            vec![
                ("1".to_owned(), Some(1.0), Some(1.0)),
                ("2".to_owned(), Some(1.0), Some(1.0)),
                ("3".to_owned(), Some(0.0), Some(0.0)),
                ("4".to_owned(), Some(1.0), Some(1.0)),
            ]
        );
    }

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
