//! Per-sample logs: streaming extraction of one metric's per-document values.
//!
//! A samples log is read record by record; of each record only `doc_id`, `filter` and the
//! requested metric are built, everything else (`doc`, `arguments`, `resps`, …) is stepped
//! over. What is kept is one `f64` per document, so memory follows the number of documents,
//! not the size of the file.
//!
//! Which filter a record belongs to: lm-eval ≥ 0.4.3 writes a `filter` field. lmms-eval and
//! lm-eval 0.4.0–0.4.2 do not; they write every document once per filter, filter after
//! filter, so the k-th record of a document belongs to the task's k-th filter.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::json::{RecordLayout, RecordStream, Value};
use crate::error::{Error, Result};
use crate::model::SampleSource;

/// One metric's per-document values from a samples log.
#[derive(Debug, Clone)]
pub struct SampleValues {
    pub path: PathBuf,
    pub sha256: String,
    pub layout: RecordLayout,
    /// `(doc_id, value)` for the requested metric and filter, sorted by `doc_id`, one per
    /// document (16 bytes each: this is all a check keeps of a samples log). Booleans count
    /// as 0/1; non-finite values are kept as they are.
    pub values: Vec<(u64, f64)>,
    /// Records of the filter whose value is not a scalar (a `[gold, pred]` pair for a
    /// corpus-level metric such as `f1`, an object in some lmms-eval tasks).
    pub non_scalar: u64,
    /// Records of the filter without a non-negative integer `doc_id`.
    pub without_doc_id: u64,
    /// Records repeating a `(doc_id, filter)` already seen (the first is kept).
    pub duplicates: u64,
    /// Samples scored NaN (Inspect AI's unscored samples), left out of the values as the
    /// framework leaves them out of its metric.
    pub unscored: u64,
    /// Per document, in the order of `values`, a digest of the document's `doc_hash`
    /// ([`super::digest`]; 0 where the record has none). Empty when no record of the log
    /// writes one (HELM, Inspect AI, lmms-eval ≥ 0.4 slim logs without hashes).
    pub doc_hashes: Vec<u64>,
    /// Per document, in the order of `values`, a digest of its cluster key, when a cluster
    /// field was asked for; empty otherwise.
    pub clusters: Vec<u64>,
    /// Documents kept whose record has no value at the cluster field.
    pub without_cluster: u64,
}

/// One document while a log is read: id, value, doc_hash digest, cluster digest.
pub(crate) type Row = (u64, f64, u64, Option<u64>);

impl SampleValues {
    /// Empty values read from `path`.
    pub(crate) fn new(path: &Path, sha256: String, layout: RecordLayout) -> SampleValues {
        SampleValues {
            path: path.to_path_buf(),
            sha256,
            layout,
            values: Vec::new(),
            non_scalar: 0,
            without_doc_id: 0,
            duplicates: 0,
            unscored: 0,
            doc_hashes: Vec::new(),
            clusters: Vec::new(),
            without_cluster: 0,
        }
    }

    /// Keeps one row per document (the first in file order), sorted by document, and
    /// splits the rows into `values`, `doc_hashes` and `clusters`.
    pub(crate) fn set_rows(&mut self, mut rows: Vec<Row>, cluster_asked: bool) {
        rows.sort_by_key(|r| r.0);
        let before = rows.len();
        rows.dedup_by_key(|r| r.0);
        self.duplicates = (before - rows.len()) as u64;
        let hashed = rows.iter().any(|r| r.2 != 0);
        self.values = rows.iter().map(|r| (r.0, r.1)).collect();
        self.doc_hashes = if hashed {
            rows.iter().map(|r| r.2).collect()
        } else {
            Vec::new()
        };
        if cluster_asked {
            self.without_cluster = rows.iter().filter(|r| r.3.is_none()).count() as u64;
            self.clusters = rows.iter().map(|r| r.3.unwrap_or(0)).collect();
        } else {
            self.clusters = Vec::new();
        }
    }
}

impl SampleValues {
    /// True when every value is exactly 0 or 1 (binary correctness scores).
    pub fn is_binary(&self) -> bool {
        self.values.iter().all(|(_, v)| *v == 0.0 || *v == 1.0)
    }

    /// Arithmetic mean of the values, `None` when empty.
    pub fn mean(&self) -> Option<f64> {
        if self.values.is_empty() {
            return None;
        }
        Some(crate::stats::describe::mean(
            self.values.iter().map(|(_, v)| *v),
        ))
    }

    /// The value of a document.
    pub fn get(&self, doc_id: u64) -> Option<f64> {
        self.values
            .binary_search_by_key(&doc_id, |(d, _)| *d)
            .ok()
            .map(|i| self.values[i].1)
    }
}

fn scalar(v: &Value) -> Option<f64> {
    match v {
        Value::Int(_) | Value::Float(_) => v.as_f64(),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// Reads `metric`'s per-document values for `variant` from a task's per-sample source:
/// an lm-eval samples log (the variant is the filter) or a HELM `per_instance_stats.json`
/// (the variant is `split[.sub_split][+perturbation:computed_on]`).
///
/// `cluster` names a dotted field whose value groups documents into clusters (an lm-eval
/// record's `doc.passage_id`; an Inspect AI sample's `metadata.<key>`); HELM's per-instance
/// stats carry none, so asking there is an error the caller reports.
pub fn read_metric(
    source: &SampleSource,
    metric: &str,
    variant: Option<&str>,
    filters: &[String],
    cluster: Option<&str>,
) -> Result<SampleValues> {
    match source {
        SampleSource::LmEval(p) => read_samples_log(p, metric, variant, filters, cluster),
        SampleSource::HelmPerInstance(p) => super::helm::read_instance_values(p, metric, variant),
        SampleSource::Inspect(p) => super::inspect::read_values(p, variant, cluster),
        SampleSource::Lighteval(p) => super::lighteval::read_values(p, metric, cluster),
        SampleSource::Promptfoo(p, task) => super::promptfoo::read_values(p, task, metric),
        SampleSource::Eee(p, task) => super::eee::read_values(p, task, metric, variant),
    }
}

/// The pseudo-metric of an lm-eval samples log for the probability the model gives its own
/// answer: the largest softmax of the choices' log-likelihoods in `filtered_resps`.
pub const CHOICE_PROBABILITY: &str = "choices";

/// `max_j softmax(ℓ)_j = 1/Σ_j exp(ℓ_j − max ℓ)` over a multiple-choice record's
/// `filtered_resps` (`[[ℓ, is_greedy], …]`, ℓ a number or, as lm-eval 0.4 writes it, text);
/// `None` unless every choice has a finite log-likelihood and there are two or more.
fn choice_probability(v: &Value) -> Option<f64> {
    let Value::Array(choices) = v else {
        return None;
    };
    let mut lls = Vec::with_capacity(choices.len());
    for c in choices {
        let ll = match c {
            Value::Array(pair) => pair.first()?,
            other => other,
        };
        let x = match ll {
            Value::Str(t) => t.trim().parse::<f64>().ok()?,
            other => other.as_f64()?,
        };
        if !x.is_finite() {
            return None;
        }
        lls.push(x);
    }
    if lls.len() < 2 {
        return None;
    }
    let top = lls.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(1.0 / lls.iter().map(|l| (l - top).exp()).sum::<f64>())
}

/// Reads `metric`'s per-document values for `variant` (an lm-eval filter; `None` takes every
/// record) from the samples log at `path`. `filters` is the task's filter order, used for
/// records that do not name their filter.
pub fn read_samples_log(
    path: &Path,
    metric: &str,
    variant: Option<&str>,
    filters: &[String],
    cluster: Option<&str>,
) -> Result<SampleValues> {
    let mut hashing = super::input::open_read_ahead(path)?;
    let mut stream = RecordStream::new(&mut hashing);
    // the filter applies at every depth: keep each segment of the cluster's path
    let cluster_path: Vec<&str> = cluster.map(|c| c.split('.').collect()).unwrap_or_default();
    let choices = metric == CHOICE_PROBABILITY;
    let want = |k: &str| {
        k == "doc_id"
            || k == "filter"
            || k == "doc_hash"
            || k == metric
            || (choices && k == "filtered_resps")
            || cluster_path.contains(&k)
    };

    let mut out = SampleValues::new(path, String::new(), RecordLayout::Lines);
    let mut rows: Vec<Row> = Vec::new();
    let mut occurrences: HashMap<u64, usize> = HashMap::new();

    while let Some(rec) = stream
        .next_record(&want)
        .map_err(|e| Error::json(path, e))?
    {
        let doc_id = rec.get("doc_id").and_then(Value::as_u64);
        let filter: Option<String> = match rec.get("filter").and_then(Value::as_str) {
            Some(f) => Some(f.to_owned()),
            None => doc_id.and_then(|d| {
                let k = occurrences.entry(d).or_insert(0);
                let f = filters.get(*k).cloned();
                *k += 1;
                f
            }),
        };
        if let Some(v) = variant
            && filter.as_deref() != Some(v)
        {
            continue;
        }
        let Some(value) = rec.get(if choices { "filtered_resps" } else { metric }) else {
            continue;
        };
        let Some(doc_id) = doc_id else {
            out.without_doc_id += 1;
            continue;
        };
        let x = if choices {
            choice_probability(value)
        } else {
            scalar(value)
        };
        let Some(x) = x else {
            out.non_scalar += 1;
            continue;
        };
        let hash = rec
            .get("doc_hash")
            .and_then(Value::as_str)
            .map_or(0, hash_key);
        let key = cluster.and_then(|c| cluster_key(&rec, c));
        rows.push((doc_id, x, hash, key));
    }
    // one value per document: the first in file order (the sort is stable)
    out.set_rows(rows, cluster.is_some());
    out.layout = stream.layout().unwrap_or(RecordLayout::Lines);
    drop(stream);
    let (sha, _) = hashing.finish().map_err(|e| Error::io(path, e))?;
    out.sha256 = sha;
    Ok(out)
}

/// A document's `doc_hash` as one number: lm-eval writes a SHA-256 in hex, whose first 64
/// bits are taken as they are (no second hash to compute per record); other text gets its
/// [`super::digest`]. Never 0, which stands for "no hash recorded".
fn hash_key(text: &str) -> u64 {
    let k = match text.get(..16) {
        Some(h) if h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u64::from_str_radix(h, 16).unwrap_or_else(|_| super::digest(text))
        }
        _ => super::digest(text),
    };
    k.max(1)
}

/// The digest of a record's value at a dotted cluster field (text, number or boolean), as
/// [`super::records::category`] spells it; `None` when absent, null or not a scalar.
pub(crate) fn cluster_key(rec: &super::json::Object, field: &str) -> Option<u64> {
    super::records::lookup(rec, field)
        .and_then(super::records::category)
        .map(|c| super::digest(&c))
}

/// Number of distinct documents in a per-sample source (over all filters / perturbations).
pub fn count_documents(source: &SampleSource) -> Result<u64> {
    if let SampleSource::Inspect(p) = source {
        return super::inspect::count_samples(p);
    }
    if let SampleSource::Lighteval(p) = source {
        let mut ids = HashSet::new();
        super::parquet::for_each_record(p, Some(&["doc".to_owned()]), &mut |rec| {
            if let Some(id) = rec.get("doc").and_then(|d| d.get("id")) {
                ids.insert(format!("{id:?}"));
            }
        })?;
        return Ok(ids.len() as u64);
    }
    let path = source.path();
    let file = super::input::open(path)?;
    let mut stream = RecordStream::new(super::meter::Metered(file));
    let want = |k: &str| k == "doc_id" || k == "instance_id";
    let mut ids = HashSet::new();
    while let Some(rec) = stream
        .next_record(&want)
        .map_err(|e| Error::json(path, e))?
    {
        if let Some(d) = rec.get("doc_id").and_then(Value::as_u64) {
            ids.insert(d);
        } else if let Some(i) = rec.get("instance_id").and_then(Value::as_str) {
            ids.insert(super::helm::instance_key(i));
        }
    }
    Ok(ids.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn the_chosen_answer_s_probability_is_the_softmax_of_the_log_likelihoods() {
        let doc = |s: &str| super::super::json::parse_document(s.as_bytes()).expect("json");
        // ln 0.7, ln 0.2, ln 0.1: the largest softmax is 0.7, as text or as numbers
        let text = doc(
            r#"[["-0.35667494393873245", "False"], ["-1.6094379124341003", "False"], ["-2.3025850929940455", "False"]]"#,
        );
        let p = choice_probability(&text).expect("p");
        assert!((p - 0.7).abs() < 1e-15, "{p}");
        let nums = doc("[[-10.0, false], [-10.0, true]]");
        assert_eq!(choice_probability(&nums), Some(0.5));
        assert_eq!(choice_probability(&doc(r#"[["-1.0", "False"]]"#)), None);
        assert_eq!(
            choice_probability(&doc(r#"[["x", "False"], ["-1", "True"]]"#)),
            None
        );
        assert_eq!(choice_probability(&doc(r#""a generated answer""#)), None);
    }

    fn temp_file(name: &str, content: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("govgate-samples-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let p = dir.join(name);
        let mut f = std::fs::File::create(&p).expect("create");
        f.write_all(content.as_bytes()).expect("write");
        p
    }

    #[test]
    fn lines_with_filter_field() {
        let p = temp_file(
            "a.jsonl",
            concat!(
                r#"{"doc_id": 0, "doc": {"q": "big"}, "filter": "strict-match", "exact_match": 1.0}"#,
                "\n",
                r#"{"doc_id": 0, "doc": {"q": "big"}, "filter": "flexible-extract", "exact_match": 0.0}"#,
                "\n",
                r#"{"doc_id": 1, "filter": "strict-match", "exact_match": 0.0}"#,
                "\n"
            ),
        );
        let v =
            read_samples_log(&p, "exact_match", Some("strict-match"), &[], None).expect("reads");
        assert_eq!(v.values, [(0, 1.0), (1, 0.0)]);
        assert!(v.is_binary());
        assert_eq!((v.get(1), v.get(7)), (Some(0.0), None));
        assert_eq!(v.sha256.len(), 64);
        let f = read_samples_log(&p, "exact_match", Some("flexible-extract"), &[], None)
            .expect("reads");
        assert_eq!(f.values, [(0, 0.0)]);
    }

    #[test]
    fn records_without_filter_follow_the_filter_order() {
        // lmms-eval: every doc once per filter, filter after filter
        let p = temp_file(
            "b.jsonl",
            concat!(
                r#"{"doc_id": 0, "exact_match": 0.0}"#,
                "\n",
                r#"{"doc_id": 1, "exact_match": 1.0}"#,
                "\n",
                r#"{"doc_id": 0, "exact_match": 1.0}"#,
                "\n",
                r#"{"doc_id": 1, "exact_match": 1.0}"#,
                "\n"
            ),
        );
        let filters = vec!["strict-match".to_string(), "flexible-extract".to_string()];
        let s = read_samples_log(&p, "exact_match", Some("strict-match"), &filters, None)
            .expect("reads");
        assert_eq!(s.values, [(0, 0.0), (1, 1.0)]);
        let f = read_samples_log(&p, "exact_match", Some("flexible-extract"), &filters, None)
            .expect("reads");
        assert_eq!(f.values, [(0, 1.0), (1, 1.0)]);
        assert_eq!(
            count_documents(&SampleSource::LmEval(p.clone())).expect("count"),
            2
        );
    }

    #[test]
    fn non_scalar_values_are_counted_not_kept() {
        let p = temp_file(
            "c.json",
            r#"[{"doc_id": 0, "f1": ["1", "0"]}, {"doc_id": 1, "f1": 0.5}, {"f1": 1.0}, {"doc_id": 1, "f1": 0.25}]"#,
        );
        let v = read_samples_log(&p, "f1", None, &[], None).expect("reads");
        assert_eq!(v.layout, RecordLayout::Array);
        assert_eq!(v.values, [(1, 0.5)]);
        assert_eq!(v.non_scalar, 1);
        assert_eq!(v.without_doc_id, 1);
        assert_eq!(v.duplicates, 1);
        assert!(!v.is_binary());
    }

    #[test]
    fn doc_hashes_are_kept_as_numbers() {
        let h = "95e37e36f7db07d6191b4297051770956e377f9dda9e292ebe6bea0898275831";
        assert_eq!(hash_key(h), 0x95e3_7e36_f7db_07d6);
        assert_eq!(hash_key(&"0".repeat(64)), 1, "never the 0 of no hash");
        assert_eq!(hash_key("not hex"), super::super::digest("not hex").max(1));
        assert_ne!(hash_key(h), hash_key(&h.replace('9', "8")));
    }

    #[test]
    fn malformed_lines_are_errors_with_position() {
        let p = temp_file(
            "d.jsonl",
            "{\"doc_id\": 0, \"acc\": 1}\n{\"doc_id\": 1, \"acc\": }\n",
        );
        let e = read_samples_log(&p, "acc", None, &[], None).expect_err("malformed");
        let msg = e.to_string();
        assert!(msg.contains("d.jsonl:2:"), "{msg}");
    }
}
