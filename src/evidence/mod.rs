//! Reading inputs into the normalized model.
//!
//! Inputs are files, directories (scanned recursively) and glob patterns. Every `.json` /
//! `.jsonl` file found is classified **by content**: an object with `results` next to
//! `versions` / `config` / `configs` / `n-shot` is a results file; objects carrying
//! `doc_id` (one per line, in one array, or in an lmms-eval `logs` wrapper) are a samples
//! log. Each results file becomes a [`Run`]; the samples logs the same run wrote beside it
//! are attached to its tasks (matched by the run's timestamp and the task name in the file
//! name, the only link those frameworks write).
//!
//! Fail closed: a path that does not exist, a glob that matches nothing, a file given by
//! name that is not a recognized evaluation output, a malformed file, and an input that
//! yields no run at all are errors, never an empty pass.

pub mod arrow;
pub mod card;
pub mod direction;
pub mod eee;
pub mod helm;
pub mod input;
pub mod inspect;
pub mod json;
pub mod jsonl_fast;
pub mod lighteval;
pub mod lmeval;
pub mod meter;
pub mod parquet;
pub mod production;
pub mod promptfoo;
pub mod readahead;
pub mod records;
pub mod samples;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{Evidence, Run, SampleSource, Source};
use json::TopLevel;

/// Results files larger than this are refused (real ones are under 10 MB).
pub const MAX_RESULTS_BYTES: u64 = 512 * 1024 * 1024;

/// What a file is, judged from its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    /// An lm-eval or lmms-eval results file.
    LmEvalResults,
    /// A per-sample log.
    Samples,
    /// A file of a HELM run directory (`run_spec.json`, `stats.json`, …).
    HelmRun,
    /// A helm-summarize leaderboard table (`groups/json/*.json`, `groups/<group>.json`).
    HelmTable,
    /// A helm-summarize suite file (`schema.json`, `runs.json`, `groups.json`, …): it
    /// repeats or describes the runs, so it is not read as evidence.
    HelmSuite,
    /// An Inspect AI log: an `.eval` archive or a `--log-format json` document.
    InspectLog,
    /// promptfoo result rows, one per line (`promptfoo eval -o results.jsonl`).
    PromptfooRows,
    /// An Every Eval Ever aggregate (`<uuid>.json`).
    EeeAggregate,
    /// An Every Eval Ever samples file (`<uuid>_samples.jsonl`), read through its aggregate.
    EeeSamples,
    /// Something else; the string says what was seen.
    Unrecognized(String),
}

/// Classifies a file by its content, reading as little as possible.
pub fn sniff(path: &Path) -> Result<FileKind> {
    if inspect::is_zip(&inspect::magic(path)?) {
        return Ok(if inspect::is_inspect_zip(path)? {
            FileKind::InspectLog
        } else {
            FileKind::Unrecognized(
                "a ZIP archive without `header.json` or `_journal/start.json`, not an Inspect \
                 AI .eval log"
                    .into(),
            )
        });
    }
    let file = input::open(path)?;
    let stop = |keys: &[(String, u8)]| {
        let has = |k: &str| keys.iter().any(|(key, _)| key == k);
        inspect::is_inspect_keys(keys)
            || has("doc_id")
            || keys.iter().any(|(k, b)| k == "logs" && *b == b'[')
            || (keys.iter().any(|(k, b)| k == "results" && (*b == b'{' || *b == b'['))
                && lmeval::COMPANION_KEYS.iter().any(|c| has(c)))
            // scenario_state.json: do not skip through its request_states
            || (has("adapter_spec") && has("request_states"))
    };
    let shape = json::top_level(meter::Metered(file), &stop).map_err(|e| Error::json(path, e))?;
    Ok(classify(&shape))
}

fn classify(shape: &TopLevel) -> FileKind {
    let has_in = |keys: &[(String, u8)], k: &str| keys.iter().any(|(key, _)| key == k);
    let first_byte =
        |keys: &[(String, u8)], k: &str| keys.iter().find(|(key, _)| key == k).map(|(_, b)| *b);
    match shape {
        TopLevel::Empty => FileKind::Unrecognized("the file is empty".into()),
        TopLevel::Scalar => FileKind::Unrecognized("the file holds a single JSON scalar".into()),
        TopLevel::Array(None) => {
            FileKind::Unrecognized("a JSON array whose first element is not an object".into())
        }
        TopLevel::Array(Some(keys)) => {
            let has = |k: &str| has_in(keys, k);
            if has("doc_id") {
                FileKind::Samples
            } else if (has("name") && has("count") && first_byte(keys, "name") == Some(b'{'))
                || (has("instance_id") && first_byte(keys, "stats") == Some(b'['))
                || (has("instance_id") && (has("predicted_text") || has("request")))
                || (has("input") && has("references"))
            {
                // stats.json, per_instance_stats.json, display_*.json, instances.json
                FileKind::HelmRun
            } else if has("title") && has("header") && has("rows") {
                FileKind::HelmTable
            } else if (has("run_path") && has("run_spec"))
                || (has("scenario_spec") && has("adapter_spec"))
            {
                // runs.json, run_specs.json
                FileKind::HelmSuite
            } else {
                FileKind::Unrecognized("a JSON array of objects without `doc_id`".into())
            }
        }
        TopLevel::Object(keys) => {
            let has = |k: &str| has_in(keys, k);
            if inspect::is_inspect_keys(keys) {
                FileKind::InspectLog
            } else if has("doc_id") || keys.iter().any(|(k, b)| k == "logs" && *b == b'[') {
                FileKind::Samples
            } else if promptfoo::is_result_row(keys) {
                FileKind::PromptfooRows
            } else if eee::is_aggregate(keys) {
                FileKind::EeeAggregate
            } else if eee::is_samples_line(keys) {
                FileKind::EeeSamples
            } else if keys.iter().any(|(k, b)| k == "results" && *b == b'{')
                && (lmeval::COMPANION_KEYS.iter().any(|c| has(c))
                    || has("config_general")
                    || has("evalId"))
            {
                // lm-eval, lmms-eval; lighteval (`config_general`) and promptfoo (`evalId`)
                // share the reading path, which tells them apart on the whole document
                FileKind::LmEvalResults
            } else if keys.iter().any(|(k, b)| k == "results" && *b == b'[')
                && (has("table_results") || has("versions"))
            {
                // the BigScience promptsource fork: `results` a list of per-prompt records
                FileKind::LmEvalResults
            } else if (has("scenario_spec") && has("adapter_spec"))
                || (has("adapter_spec") && has("request_states"))
                || (has("definition_path") && has("tags"))
            {
                // run_spec.json, scenario_state.json, scenario.json
                FileKind::HelmRun
            } else if has("title") && has("header") && has("rows") {
                FileKind::HelmTable
            } else if (has("metrics") && has("run_groups")) || (has("suite") && has("date")) {
                // schema.json, summary.json
                FileKind::HelmSuite
            } else {
                let shown: Vec<&str> = keys.iter().take(6).map(|(k, _)| k.as_str()).collect();
                FileKind::Unrecognized(format!(
                    "a JSON object with keys [{}{}], not an lm-eval/lmms-eval results file \
                     (`results`, an object, with `versions`/`config`; or the promptsource \
                     fork's `results` list with `table_results`/`versions`), samples log (`doc_id`), HELM output, \
                     Inspect AI log (`eval` with `version`/`status`), lighteval results \
                     (`config_general`), promptfoo output (`evalId`) or Every Eval Ever \
                     record (`schema_version`, `evaluation_results`)",
                    shown.join(", "),
                    if keys.len() > 6 { ", …" } else { "" }
                ))
            }
        }
    }
}

/// Hex SHA-256 of bytes.
/// A measured setting made of named parts (HELM's prompt settings, Inspect AI's scorers),
/// as the compact JSON object `{"name": "value", …}` that [`crate::comparability`]
/// compares part by part.
pub fn measured_object(parts: &[(String, String)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = parts
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// A stable 64-bit digest of a text: the first 8 bytes of its SHA-256, big-endian. Used to
/// keep one number per document for its `doc_hash` and its cluster key (equal texts give
/// equal digests; the order of digests is the same on every platform and release).
pub fn digest(text: &str) -> u64 {
    let d = Sha256::digest(text.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// SHA-256 (hex) and size of a file, streamed.
pub fn hash_file(path: &Path) -> Result<(String, u64)> {
    let file = input::open(path)?;
    HashingReader::new(file)
        .finish()
        .map_err(|e| Error::io(path, e))
}

/// A reader that hashes what passes through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// Reads what is left, then returns the hex digest and byte count of everything read.
    pub fn finish(mut self) -> io::Result<(String, u64)> {
        let mut buf = [0u8; 64 * 1024];
        loop {
            let n = self.read(&mut buf)?;
            if n == 0 {
                break;
            }
        }
        Ok((hex(&self.hasher.finalize()), self.bytes))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        meter::add(n);
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// A file found while expanding inputs.
#[derive(Debug, Clone)]
struct Found {
    path: PathBuf,
    /// Named directly on the command line (or in the rubric), not found by a scan.
    explicit: bool,
}

fn has_glob_chars(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

fn is_json_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("jsonl"))
}

/// Files a directory scan reads: JSON, JSON Lines and Inspect AI `.eval` logs.
fn is_evidence_name(path: &Path) -> bool {
    is_json_name(path)
        || path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("eval"))
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0
        && entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with('.'))
}

/// HELM caches and downloaded data: `eval_cache/` anywhere, and `scenarios/`,
/// `scenario_instances/`, `models/` beside a `runs/` directory (a `benchmark_output/`).
fn is_helm_cache(entry: &walkdir::DirEntry) -> bool {
    if entry.depth() == 0 || !entry.file_type().is_dir() {
        return false;
    }
    let Some(name) = entry.file_name().to_str() else {
        return false;
    };
    name == "eval_cache"
        || (helm::SKIP_DIRS.contains(&name)
            && entry
                .path()
                .parent()
                .is_some_and(|p| p.join("runs").is_dir()))
}

fn skipped(entry: &walkdir::DirEntry) -> bool {
    is_hidden(entry) || is_helm_cache(entry)
}

/// Records files by name: JSON, JSON Lines, CSV, Parquet, Arrow IPC (`.arrow`, `.arrows`,
/// `.feather`) and Inspect AI `.eval` logs.
pub fn is_records_name(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        [
            "json", "jsonl", "ndjson", "csv", "parquet", "arrow", "arrows", "feather", "eval",
        ]
        .iter()
        .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Files under a directory that `wanted` accepts, sorted, hidden entries skipped.
fn scan_dir_with(dir: &Path, wanted: fn(&Path) -> bool) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !skipped(e));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io(
                path,
                e.into_io_error()
                    .unwrap_or_else(|| io::Error::other("walk error")),
            )
        })?;
        let p = entry.path();
        if p.is_file() && wanted(p) {
            out.push(p.to_path_buf());
        }
    }
    Ok(out)
}

/// Expands a glob pattern by walking from its longest literal directory prefix, keeping
/// the files `wanted` accepts.
fn expand_glob_with(pattern: &str, wanted: fn(&Path) -> bool) -> Result<Vec<PathBuf>> {
    let glob = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| Error::Usage(format!("invalid glob pattern `{pattern}`: {e}")))?
        .compile_matcher();
    let mut root = PathBuf::new();
    for comp in Path::new(pattern).components() {
        let s = comp.as_os_str().to_string_lossy();
        if has_glob_chars(&s) {
            break;
        }
        root.push(comp);
    }
    if root.as_os_str().is_empty() {
        root = PathBuf::from(".");
    }
    let strip_dot = !pattern.starts_with("./") && root == Path::new(".");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !skipped(e))
        .flatten()
    {
        let p = entry.path();
        let rel = if strip_dot {
            p.strip_prefix(".").unwrap_or(p)
        } else {
            p
        };
        if glob.is_match(rel) {
            if p.is_dir() {
                out.extend(scan_dir_with(p, wanted)?);
            } else if p.is_file() {
                out.push(rel.to_path_buf());
            }
        }
    }
    Ok(out)
}

fn expand(inputs: &[PathBuf]) -> Result<Vec<Found>> {
    expand_with(inputs, is_evidence_name)
}

/// The records files named by paths, directories (`.json`, `.jsonl`, `.ndjson`, `.csv`
/// files, recursively) and globs, each once, in order. An input that names nothing is an
/// error: a typo must not leave a window empty.
pub fn expand_records(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        let found = expand_with(std::slice::from_ref(input), is_records_name)?;
        if found.is_empty() {
            return Err(Error::input(
                input,
                "no records files here (.jsonl, .ndjson, .json, .csv or Inspect .eval)",
            ));
        }
        out.extend(found.into_iter().map(|f| f.path));
    }
    let mut seen = BTreeSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or(p.clone())));
    Ok(out)
}

fn expand_with(inputs: &[PathBuf], wanted: fn(&Path) -> bool) -> Result<Vec<Found>> {
    let mut found = Vec::new();
    for input in inputs {
        if input.is_file() {
            found.push(Found {
                path: input.clone(),
                explicit: true,
            });
        } else if input.is_dir() {
            found.extend(scan_dir_with(input, wanted)?.into_iter().map(|path| Found {
                path,
                explicit: false,
            }));
        } else if input.symlink_metadata().is_ok() {
            // there, but neither a file nor a directory: a FIFO, a device, a symlink loop
            input::check(input)?;
        } else {
            let s = input.to_string_lossy();
            if has_glob_chars(&s) {
                let matched = expand_glob_with(&s, wanted)?;
                if matched.is_empty() {
                    return Err(Error::input(input, "no file matches this pattern"));
                }
                found.extend(matched.into_iter().map(|path| Found {
                    path,
                    explicit: false,
                }));
            } else {
                return Err(Error::input(input, "no such file or directory"));
            }
        }
    }
    // the same file named twice is read once
    let mut seen = BTreeSet::new();
    found.retain(|f| seen.insert(std::fs::canonicalize(&f.path).unwrap_or(f.path.clone())));
    Ok(found)
}

/// A file whose form alone says it holds records, not an evaluation output: Parquet or
/// Arrow IPC by their magic bytes, CSV by its name.
fn records_by_form(path: &Path) -> Result<Option<&'static str>> {
    let mut head = [0u8; 8];
    let n = input::head(path, &mut head)?;
    if parquet::is_parquet(&head[..n]) {
        return Ok(Some("Parquet records"));
    }
    if arrow::is_arrow(&head[..n]) {
        return Ok(Some("Arrow IPC records"));
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    Ok(matches!(ext.as_deref(), Some("csv" | "tsv")).then_some("CSV records"))
}

/// A JSON file that is not an evaluation output but plainly records: one object per line
/// (by its name, `.jsonl` / `.ndjson`, or a second line that starts another object), an
/// array whose first element is an object, or govgate's histogram document. A single
/// object on one line is not taken for records: it may be anything.
fn records_in_json(path: &Path) -> Result<Option<&'static str>> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if matches!(ext.as_deref(), Some("jsonl" | "ndjson")) {
        return Ok(Some("JSON Lines records"));
    }
    let mut head = vec![0u8; 64 * 1024];
    let n = input::head(path, &mut head)?;
    let head = &head[..n];
    let next = |from: usize| {
        head.get(from..)
            .and_then(|rest| rest.iter().position(|b| !b.is_ascii_whitespace()))
            .map(|k| (from + k, head[from + k]))
    };
    Ok(match next(0) {
        Some((i, b'[')) if matches!(next(i + 1), Some((_, b'{'))) => {
            Some("a JSON array of records")
        }
        Some((_, b'{')) => {
            let second = memchr::memchr(b'\n', head).and_then(|nl| next(nl + 1));
            if matches!(second, Some((_, b'{'))) {
                Some("JSON Lines records")
            } else if matches!(production::detect(path), Ok(production::Format::Histograms)) {
                Some("a histogram document (records aggregated)")
            } else if matches!(production::detect(path), Ok(production::Format::Summary)) {
                Some("a summary document (records aggregated)")
            } else {
                None
            }
        }
        _ => None,
    })
}

/// Whether a CSV file's first line is promptfoo's results header.
fn is_promptfoo_csv(path: &Path) -> Result<bool> {
    let mut head = [0u8; 4096];
    let n = input::head(path, &mut head)?;
    let text = String::from_utf8_lossy(&head[..n]);
    Ok(promptfoo::csv_header(text.lines().next().unwrap_or("")))
}

/// The error for records named where evaluation outputs go: which flag or key takes them.
fn records_given_as_runs(path: &Path, what: &str) -> Error {
    Error::input(
        path,
        format!(
            "{what}, not an evaluation output: records are given with `--reference`, \
             `--production` or `--requests` (or the rubric's `inputs.reference`, \
             `inputs.production`, `inputs.requests`), or named by a check's `records:` \
             (`fairness`, `ab_test`, `feedback`, `agreement`); results files, directories \
             and logs of evaluation runs are the positional inputs, `--baseline` and \
             `--history`"
        ),
    )
}

/// Loads every run found in `inputs`. Errors if none is found.
pub fn load(inputs: &[PathBuf]) -> Result<Vec<Run>> {
    let found = expand(inputs)?;
    let mut results: Vec<PathBuf> = Vec::new();
    let mut samples: Vec<(PathBuf, bool)> = Vec::new();
    let mut helm_dirs: Vec<PathBuf> = Vec::new();
    let mut tables: Vec<(PathBuf, bool)> = Vec::new();
    let mut inspect_logs: Vec<PathBuf> = Vec::new();
    let mut promptfoo_rows: Vec<(PathBuf, bool)> = Vec::new();
    let mut eee_aggregates: Vec<PathBuf> = Vec::new();
    for f in &found {
        if !f.explicit && !is_evidence_name(&f.path) {
            continue;
        }
        if f.explicit
            && let Some(what) = records_by_form(&f.path)?
        {
            if what == "CSV records" && is_promptfoo_csv(&f.path)? {
                return Err(Error::input(
                    &f.path,
                    "promptfoo's CSV output, which holds less than its JSON (no assertion \
                     results, no test identity): give the `-o results.json` or \
                     `-o results.jsonl` output of the same eval",
                ));
            }
            return Err(records_given_as_runs(&f.path, what));
        }
        let kind = sniff(&f.path)?;
        tracing::trace!(path = %f.path.display(), kind = ?kind, "classified");
        match kind {
            FileKind::LmEvalResults => results.push(f.path.clone()),
            FileKind::Samples => samples.push((f.path.clone(), f.explicit)),
            FileKind::HelmRun => match helm::run_dir_of(&f.path) {
                Some(dir) => {
                    if !helm_dirs.contains(&dir) {
                        helm_dirs.push(dir);
                    }
                }
                None if f.explicit => {
                    return Err(Error::input(
                        &f.path,
                        "a HELM run file outside a run directory (one with run_spec.json and stats.json)",
                    ));
                }
                None => {
                    tracing::debug!(path = %f.path.display(), "HELM file outside a run directory; skipped")
                }
            },
            FileKind::HelmTable => tables.push((f.path.clone(), f.explicit)),
            FileKind::InspectLog => inspect_logs.push(f.path.clone()),
            FileKind::PromptfooRows => promptfoo_rows.push((f.path.clone(), f.explicit)),
            FileKind::EeeAggregate => eee_aggregates.push(f.path.clone()),
            FileKind::EeeSamples if f.explicit => {
                return Err(Error::input(
                    &f.path,
                    "an Every Eval Ever samples file: name its aggregate (`<uuid>.json` beside \
                     it), which reads it",
                ));
            }
            FileKind::EeeSamples => {}
            FileKind::HelmSuite if f.explicit => {
                return Err(Error::input(
                    &f.path,
                    "a helm-summarize suite file, which repeats the runs: name the suite \
                     directory, a run directory, or a table under groups/json/",
                ));
            }
            FileKind::HelmSuite => {}
            FileKind::Unrecognized(what) if f.explicit => {
                if let Some(what) = records_in_json(&f.path)? {
                    return Err(records_given_as_runs(&f.path, what));
                }
                return Err(Error::input(
                    &f.path,
                    format!("not a recognized evaluation output: {what}"),
                ));
            }
            FileKind::Unrecognized(what) => {
                tracing::debug!(path = %f.path.display(), "skipped: {what}");
            }
        }
    }

    let mut runs = Vec::new();
    if !results.is_empty() {
        runs.extend(load_lmeval(&found, &results, samples)?);
    } else if !samples.is_empty()
        && helm_dirs.is_empty()
        && tables.is_empty()
        && inspect_logs.is_empty()
    {
        let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::input(
            names.join(", "),
            format!(
                "only samples logs found ({} file{}), no results file they belong to",
                samples.len(),
                if samples.len() == 1 { "" } else { "s" }
            ),
        ));
    }

    let mut schemas: BTreeMap<PathBuf, BTreeMap<String, bool>> = BTreeMap::new();
    for dir in &helm_dirs {
        let suite = parent_of(dir);
        let directions = schemas
            .entry(suite.clone())
            .or_insert_with(|| helm::schema_directions(&suite));
        runs.push(helm::read_run_dir(dir, directions)?);
    }
    for path in &inspect_logs {
        runs.push(inspect::read_run(path)?);
    }
    for path in &eee_aggregates {
        runs.push(eee::read(path)?);
    }
    // promptfoo writes the same rows as JSON and JSON Lines side by side (`-o results.json
    // -o results.jsonl`): in a scanned directory the JSON export is the run
    for (path, explicit) in &promptfoo_rows {
        let beside_export = runs.iter().any(|r| {
            r.format.tool == crate::model::Tool::Promptfoo
                && r.source.path.parent() == path.parent()
        });
        if *explicit || !beside_export {
            let (sha256, bytes) = hash_file(path)?;
            let source = Source {
                path: path.clone(),
                sha256,
                bytes,
            };
            runs.push(promptfoo::read(path, source)?);
        } else {
            tracing::debug!(path = %path.display(), "promptfoo rows beside their JSON export; skipped");
        }
    }
    // Tables summarize runs: read them when named, or when nothing else was found.
    let use_scanned_tables = runs.is_empty();
    for (path, explicit) in &tables {
        if *explicit || use_scanned_tables {
            runs.extend(helm::read_tables(path)?);
        } else {
            tracing::debug!(path = %path.display(), "summary table beside runs; skipped");
        }
    }

    if runs.is_empty() {
        let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::input(
            names.join(", "),
            "no evaluation results found (lm-eval / lmms-eval results files, HELM run \
             directories or summary tables, Inspect AI logs)",
        ));
    }
    for r in &runs {
        tracing::debug!(
            path = %r.source.path.display(),
            tool = ?r.format.tool,
            model = r.model.name.as_deref().unwrap_or("(unnamed)"),
            tasks = r.tasks.len(),
            metrics = r.metrics.len(),
            "run read"
        );
    }
    Ok(runs)
}

/// lm-eval and lmms-eval results files, with their samples logs attached.
fn load_lmeval(
    found: &[Found],
    results: &[PathBuf],
    mut samples: Vec<(PathBuf, bool)>,
) -> Result<Vec<Run>> {
    // Results named one by one: their sibling samples logs count as found too.
    let mut known: BTreeSet<PathBuf> = samples.iter().map(|(p, _)| p.clone()).collect();
    let explicit_dirs: BTreeSet<PathBuf> = found
        .iter()
        .filter(|f| f.explicit && results.contains(&f.path))
        .map(|f| parent_of(&f.path))
        .collect();
    for dir in explicit_dirs {
        let listing = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir.as_path()
        };
        let Ok(entries) = std::fs::read_dir(listing) else {
            continue;
        };
        let mut siblings: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && is_json_name(p) && !results.contains(p))
            .collect();
        siblings.sort();
        for p in siblings {
            let p = if dir.as_os_str().is_empty() {
                p.strip_prefix(".").map(Path::to_path_buf).unwrap_or(p)
            } else {
                p
            };
            if known.contains(&p) {
                continue;
            }
            if let Ok(FileKind::Samples) = sniff(&p) {
                known.insert(p.clone());
                samples.push((p, false));
            }
        }
    }

    let mut runs = Vec::with_capacity(results.len());
    for path in results {
        runs.push(read_results(path)?);
    }
    let unattached = attach_samples(&mut runs, &samples);
    for (path, explicit) in unattached {
        if explicit {
            return Err(Error::input(
                path,
                "this samples log matches no task of a results file in the same directory",
            ));
        }
        tracing::debug!(path = %path.display(), "samples log not attached to any run");
    }
    Ok(runs)
}

/// The records files a path or glob named in a rubric matches (none when nothing exists
/// there), sorted.
pub fn rubric_files(pattern: &Path) -> Result<Vec<PathBuf>> {
    if pattern.is_file() {
        return Ok(vec![pattern.to_path_buf()]);
    }
    let text = pattern.to_string_lossy();
    if text.contains(['*', '?', '[']) {
        let glob = crate::text::glob(&text).map_err(|m| Error::input(pattern, m))?;
        let root = pattern
            .ancestors()
            .find(|a| !a.to_string_lossy().contains(['*', '?', '[']))
            .unwrap_or(Path::new("."));
        let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file() && glob.is_match(e.path()))
            .map(|e| e.path().to_path_buf())
            .collect();
        out.sort();
        return Ok(out);
    }
    Ok(Vec::new())
}

/// The input paths of a gate, by role.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub current: Vec<PathBuf>,
    pub baseline: Vec<PathBuf>,
    pub reference: Vec<PathBuf>,
    pub production: Vec<PathBuf>,
    pub requests: Vec<PathBuf>,
    pub history: Vec<PathBuf>,
}

impl Inputs {
    pub fn is_empty(&self) -> bool {
        self.current.is_empty()
            && self.baseline.is_empty()
            && self.reference.is_empty()
            && self.production.is_empty()
            && self.requests.is_empty()
            && self.history.is_empty()
    }
}

/// Loads the evidence of every role that was given: runs, records files (found, not yet
/// read) and history runs.
pub fn load_evidence(inputs: &Inputs) -> Result<Evidence> {
    let runs = |paths: &[PathBuf]| -> Result<Vec<Run>> {
        if paths.is_empty() {
            Ok(Vec::new())
        } else {
            load(paths)
        }
    };
    let records = |paths: &[PathBuf]| -> Result<Vec<PathBuf>> {
        if paths.is_empty() {
            Ok(Vec::new())
        } else {
            expand_records(paths)
        }
    };
    let evidence = Evidence {
        current: runs(&inputs.current)?,
        baseline: runs(&inputs.baseline)?,
        reference: records(&inputs.reference)?,
        production: records(&inputs.production)?,
        requests: records(&inputs.requests)?,
        history: runs(&inputs.history)?,
        now: None,
    };
    tracing::debug!(
        current = evidence.current.len(),
        baseline = evidence.baseline.len(),
        history = evidence.history.len(),
        reference_files = evidence.reference.len(),
        production_files = evidence.production.len(),
        request_files = evidence.requests.len(),
        "evidence found"
    );
    for (model, files, tasks) in repeated_runs(&evidence.current) {
        tracing::warn!(
            "{} current runs of {model} report the same tasks ({}): each is checked; every \
             run writes a file of its own (an lm-eval results file, an Inspect log), so name \
             the one to judge ({})",
            files.len(),
            tasks.join(", "),
            files.join(", ")
        );
    }
    Ok(evidence)
}

/// Runs of the same model, made the same way (seeds, generation settings, few-shot), that
/// report the same tasks: (model, their files, the tasks).
pub fn repeated_runs(runs: &[Run]) -> Vec<(String, Vec<String>, Vec<String>)> {
    type Task = (String, String, String);
    let mut by_task: BTreeMap<Task, Vec<String>> = BTreeMap::new();
    for r in runs {
        // the same model: name and revision or deployment
        let model = match r.model.name {
            Some(_) => r.model_display(),
            None => "(unnamed model)".into(),
        };
        // runs made differently (other seeds: trials; other generation settings: a sweep)
        // are not repeats
        let p = &r.provenance;
        let setup = format!(
            "{:?} {:?} {:?} {:?}",
            p.seeds, p.gen_kwargs, p.generation, p.num_fewshot
        );
        for t in &r.tasks {
            by_task
                .entry((model.clone(), t.name.clone(), setup.clone()))
                .or_default()
                .push(r.label());
        }
    }
    let mut groups: BTreeMap<(String, Vec<String>), Vec<String>> = BTreeMap::new();
    for ((model, task, _), files) in by_task {
        if files.len() > 1 {
            groups.entry((model, files)).or_default().push(task);
        }
    }
    groups
        .into_iter()
        .map(|((model, files), tasks)| (model, files, tasks))
        .collect()
}

fn parent_of(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Reads one results file (size-limited, hashed, parsed).
pub fn read_results(path: &Path) -> Result<Run> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() > MAX_RESULTS_BYTES {
        return Err(Error::input(
            path,
            format!(
                "{} bytes is too large for a results file (limit {MAX_RESULTS_BYTES})",
                meta.len()
            ),
        ));
    }
    let bytes = input::read(path)?;
    let doc = json::parse_document(&bytes).map_err(|e| Error::json(path, e))?;
    let source = Source {
        path: path.to_path_buf(),
        sha256: sha256_hex(&bytes),
        bytes: bytes.len() as u64,
    };
    match doc.as_object() {
        Some(top) if lighteval::is_lighteval(top) => lighteval::read(path, source, top),
        Some(top) if promptfoo::is_promptfoo(top) => promptfoo::read(path, source),
        _ => lmeval::read(path, source, &doc),
    }
}

/// The timestamp part of a results file name, which the same run's samples logs share:
/// `results_<ISO>` (lm-eval ≥ 0.4.3), `<YYYYMMDD_HHMMSS>_results` (lmms-eval ≥ 0.2.4),
/// empty for `results.json` and other names.
fn results_stamp(path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if let Some(s) = stem.strip_prefix("results_") {
        return s.to_owned();
    }
    if let Some(s) = stem.strip_suffix("_results") {
        return s.to_owned();
    }
    String::new()
}

/// The task a samples log name refers to, among `tasks`: with the run's stamp removed and a
/// `samples_` prefix dropped, the name is the task (`samples_<task>_<ISO>`,
/// `<date>_samples_<task>`, lmms-eval ≤ 0.2.2 `<task>`) or ends with `_<task>`
/// (lm-eval 0.4.0–0.4.2 `<model_args>_<task>`). The longest matching task wins.
fn task_of_samples<'t>(path: &Path, stamp: &str, tasks: &'t [String]) -> Option<&'t str> {
    let stem = path.file_stem().and_then(|s| s.to_str())?;
    let rest = if stamp.is_empty() {
        stem.to_owned()
    } else {
        if !stem.contains(stamp) {
            return None;
        }
        stem.replacen(stamp, "", 1)
    };
    let rest = rest.trim_matches('_');
    let rest = rest.strip_prefix("samples_").unwrap_or(rest);
    tasks
        .iter()
        .filter(|t| rest == t.as_str() || rest.ends_with(&format!("_{t}")))
        .max_by_key(|t| t.len())
        .map(String::as_str)
}

/// Attaches each samples log to the run in its directory whose stamp it carries (the
/// longest stamp wins) and to that run's task its name names. Returns the logs left over.
fn attach_samples(runs: &mut [Run], samples: &[(PathBuf, bool)]) -> Vec<(PathBuf, bool)> {
    let mut by_dir: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
    for (i, r) in runs.iter().enumerate() {
        by_dir.entry(parent_of(&r.source.path)).or_default().push(i);
    }
    let mut left = Vec::new();
    for (path, explicit) in samples {
        let dir = parent_of(path);
        let candidates = by_dir.get(&dir).cloned().unwrap_or_default();
        let mut best: Option<(usize, usize, String)> = None; // (stamp len, run, task)
        let mut ambiguous = false;
        for ri in candidates {
            let stamp = results_stamp(&runs[ri].source.path);
            let names: Vec<String> = runs[ri].tasks.iter().map(|t| t.name.clone()).collect();
            if let Some(task) = task_of_samples(path, &stamp, &names) {
                let score = stamp.len();
                match &best {
                    Some((s, _, _)) if *s > score => {}
                    Some((s, _, _)) if *s == score => ambiguous = true,
                    _ => {
                        ambiguous = false;
                        best = Some((score, ri, task.to_owned()));
                    }
                }
            }
        }
        match best {
            Some((_, ri, task)) if !ambiguous => {
                let t = runs[ri].tasks.iter_mut().find(|t| t.name == task);
                match t {
                    Some(t) if t.samples.is_none() => {
                        t.samples = Some(SampleSource::LmEval(path.clone()))
                    }
                    _ => left.push((path.clone(), *explicit)),
                }
            }
            _ => left.push((path.clone(), *explicit)),
        }
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tasks(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn stamps_of_results_names() {
        assert_eq!(
            results_stamp(Path::new("m/results_2024-08-25T21-59-12.123082.json")),
            "2024-08-25T21-59-12.123082"
        );
        assert_eq!(
            results_stamp(Path::new("m/20261123_081751_results.json")),
            "20261123_081751"
        );
        assert_eq!(results_stamp(Path::new("out/results.json")), "");
    }

    #[test]
    fn samples_names_map_to_tasks() {
        let t = tasks(&["mmlu", "mmlu_abstract_algebra", "gsm8k"]);
        let st = "2024-08-25T21-59-12.123082";
        assert_eq!(
            task_of_samples(
                Path::new("samples_mmlu_abstract_algebra_2024-08-25T21-59-12.123082.jsonl"),
                st,
                &t
            ),
            Some("mmlu_abstract_algebra")
        );
        assert_eq!(
            task_of_samples(
                Path::new("samples_gsm8k_2024-08-25T21-59-12.123082.jsonl"),
                st,
                &t
            ),
            Some("gsm8k")
        );
        // another run's timestamp
        assert_eq!(
            task_of_samples(Path::new("samples_gsm8k_2024-09-01T00-00-00.jsonl"), st, &t),
            None
        );
        // lmms-eval
        assert_eq!(
            task_of_samples(
                Path::new("20261123_081751_samples_gsm8k.jsonl"),
                "20261123_081751",
                &t
            ),
            Some("gsm8k")
        );
        // lm-eval 0.4.0-0.4.2 and lmms-eval <= 0.2.2
        assert_eq!(
            task_of_samples(
                Path::new("pretrained__EleutherAI__pythia-70m_gsm8k.jsonl"),
                "",
                &t
            ),
            Some("gsm8k")
        );
        assert_eq!(
            task_of_samples(Path::new("mmlu.json"), "", &t),
            Some("mmlu")
        );
        assert_eq!(task_of_samples(Path::new("notes.json"), "", &t), None);
    }

    #[test]
    fn classification() {
        let obj = |keys: &[(&str, u8)]| {
            TopLevel::Object(keys.iter().map(|(k, b)| (k.to_string(), *b)).collect())
        };
        assert_eq!(
            classify(&obj(&[("results", b'{'), ("versions", b'{')])),
            FileKind::LmEvalResults
        );
        assert_eq!(classify(&obj(&[("doc_id", b'0')])), FileKind::Samples);
        assert_eq!(
            classify(&obj(&[("args", b'{'), ("logs", b'[')])),
            FileKind::Samples
        );
        // Inspect AI logs have `results` but none of lm-eval's companion keys
        assert_eq!(
            classify(&obj(&[
                ("version", b'2'),
                ("status", b'"'),
                ("eval", b'{'),
                ("results", b'{')
            ])),
            FileKind::InspectLog
        );
        // `eval` alone (or not an object) is not enough
        assert!(matches!(
            classify(&obj(&[("eval", b'{'), ("notes", b'"')])),
            FileKind::Unrecognized(_)
        ));
        assert!(matches!(
            classify(&obj(&[("version", b'2'), ("eval", b'"')])),
            FileKind::Unrecognized(_)
        ));
        assert!(matches!(
            classify(&TopLevel::Empty),
            FileKind::Unrecognized(_)
        ));
    }
}
